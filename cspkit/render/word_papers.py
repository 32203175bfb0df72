"""Word papers in the pack: a partner's report read into blocks and set in the pack's own styles.

The report is read by :func:`cspkit.documents.read_document` (every safety check of the Word
reader, figures included) and written out again as the pack's own HTML — headings one level
under the paper's title, paragraphs, lists, tables with their merged cells and header rows,
figures at the size the report gives them — or, for a Markdown pack, as Markdown with its
figures as image files beside it. The report's own fonts, colours and page layout are not
kept: the paper reads like every other paper in the pack.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from html import escape
from typing import TYPE_CHECKING

from cspkit.documents import Document, Figure, Heading, Note, Paragraph, Table
from cspkit.documents.markdown_write import blocks_markdown
from cspkit.render.env import markdown_html

if TYPE_CHECKING:  # pragma: no cover
    from markupsafe import Markup

#: Where a figure is shown from: a data URI (PDF) or a file beside the output (HTML, Markdown).
ImageSource = Callable[[Figure, int], str]


def data_uri(figure: Figure, _: int = 0) -> str:
    """``figure`` as inline data (the PDF carries it; nothing is fetched)."""
    return f"data:{figure.media_type};base64," + base64.b64encode(figure.data).decode("ascii")


def figures(document: Document) -> list[Figure]:
    """Every figure of ``document`` in reading order, table cells included (their index is their name)."""
    out: list[Figure] = []

    def walk(blocks: Sequence[object]) -> None:
        for block in blocks:
            if isinstance(block, Figure):
                out.append(block)
            elif isinstance(block, Table):
                for row in block.rows:
                    for cell in row:
                        walk(cell.blocks)

    walk(document.blocks)
    return out


def document_html(document: Document, image_src: ImageSource = data_uri, top: int = 3) -> Markup:
    """The blocks of ``document`` as HTML in the pack's styles.

    Headings are fitted into the pack's outline as the house style fits Markdown papers'
    (:func:`cspkit.render.env.markdown_html`): the report's first heading is ``<h{top}>`` and
    none is more than one level below the one before it; inside a table cell a heading is a
    bold paragraph. Tables get a caption (the heading they are under, hidden: the heading
    shows it) and header cells scoped to their columns.
    """
    from markupsafe import Markup

    return Markup(_Writer(document, image_src, top).html())


def _inline(text: str) -> str:
    return str(markdown_html(text, inline=True))


def _in_list(block: object) -> bool:
    return isinstance(block, Paragraph) and block.level > 0


class _Writer:
    def __init__(self, document: Document, image_src: ImageSource, top: int):
        self.document = document
        self.image_src = image_src
        self.numbering = {id(f): i for i, f in enumerate(figures(document), start=1)}
        headings = [b.level for b in document.blocks if isinstance(b, Heading)]
        self.top, self.first = top, min((max(level, 1) for level in headings), default=1)
        self.previous = top - 1
        self.before = "Table"  # the text of the last heading, a table's caption
        self.tables = 0

    def html(self) -> str:
        return "".join(self.blocks(self.document.blocks, in_cell=False))

    def blocks(self, blocks: Sequence[object], in_cell: bool) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(blocks):
            block = blocks[i]
            if _in_list(block):
                j = i
                while j < len(blocks) and _in_list(blocks[j]):
                    j += 1
                out.append(_list([b for b in blocks[i:j] if isinstance(b, Paragraph)]))
                i = j
                continue
            if isinstance(block, Heading):
                label = f"{escape(block.label)} " if block.numbered and block.label else ""
                text = f"{label}{_inline(block.text)}"
                if in_cell:
                    out.append(f"<p><strong>{text}</strong></p>\n")
                else:
                    level = max(self.top, min(self.top + max(block.level, 1) - self.first, self.previous + 1, 6))
                    self.previous = level
                    self.before = block.plain or self.before
                    out.append(f"<h{level}>{text}</h{level}>\n")
            elif isinstance(block, Paragraph):
                label = f"{escape(block.label)} " if block.numbered and block.label else ""
                caption = block.style is not None and block.style.lower().startswith("caption")
                opening = '<p class="caption">' if caption else "<p>"
                out.append(f"{opening}{label}{_inline(block.text)}</p>\n")
            elif isinstance(block, Table):
                out.append(self.table(block))
            elif isinstance(block, Figure):
                out.append(self.figure(block))
            # A Note (something the reader left out) is not shown.
            i += 1
        return out

    def figure(self, figure: Figure) -> str:
        number = self.numbering.get(id(figure), 0)
        style = f' style="width: {figure.width_mm:g}mm"' if figure.width_mm else ""
        alt = figure.alt or (f"Figure {number}" if number else "A figure")
        return (f'<figure class="word-figure"><img src="{escape(self.image_src(figure, number))}" '
                f'alt="{escape(alt)}"{style}></figure>\n')

    def table(self, table: Table) -> str:
        self.tables += 1
        ident = f"table-{self.document.sha256[:10] or 'word'}-{self.tables}"
        rows = []
        for r, row in enumerate(table.rows):
            header = r < table.header_rows
            cells = []
            for cell in row:
                tag = "th" if header else "td"
                span = (f' colspan="{cell.col_span}"' if cell.col_span > 1 else "") + \
                       (f' rowspan="{cell.row_span}"' if cell.row_span > 1 else "")
                scope = ' scope="col"' if header else ""
                inner = "".join(self.blocks(cell.blocks, in_cell=True)).strip()
                cells.append(f"<{tag}{scope}{span}>{inner}</{tag}>")
            rows.append(f"<tr>{''.join(cells)}</tr>")
        head = "".join(rows[:table.header_rows])
        body = "".join(rows[table.header_rows:])
        return (f'<div class="table-wrap" role="region" aria-labelledby="{ident}" tabindex="0">'
                f'<table class="word-table"><caption id="{ident}" class="vh">{escape(self.before)}</caption>'
                + (f"<thead>{head}</thead>" if head else "") + f"<tbody>{body}</tbody></table></div>\n")


def _list(items: list[Paragraph]) -> str:
    """Consecutive list paragraphs as nested lists, each item with its label as the report prints it."""
    out: list[str] = []
    depth = 0
    for item in items:
        level = max(1, item.level)
        if level > depth:
            # Bullets keep the list's own marker; labelled items ("a)", "(ii)") show their label instead.
            out += ["<ul>" if item.bullet else '<ul style="list-style: none">'] * (level - depth)
        else:
            out.append("</li>")
            out += ["</ul></li>"] * (depth - level)
        depth = level
        label = f'<span class="label">{escape(item.label)}</span> ' if item.label and not item.bullet else ""
        out.append(f"<li>{label}{_inline(item.body if item.label else item.text)}")
    out += ["</li>"] + ["</ul></li>"] * (depth - 1) + ["</ul>"]
    return "".join(out) + "\n"


def document_markdown(document: Document, image_src: ImageSource) -> str:
    """The blocks of ``document`` as Markdown, figures as images at ``image_src`` (files beside it)."""
    numbering = {id(f): i for i, f in enumerate(figures(document), start=1)}
    parts: list[str] = []
    run: list[object] = []

    def flush() -> None:
        if run:
            parts.append(blocks_markdown([b for b in run if not isinstance(b, Note)]))  # type: ignore[misc]
            run.clear()

    for block in document.blocks:
        if isinstance(block, Figure):
            flush()
            number = numbering[id(block)]
            alt = (block.alt or f"Figure {number}").replace("[", "(").replace("]", ")")
            parts.append(f"![{alt}]({image_src(block, number)})\n")
        else:
            run.append(block)
    flush()
    return "\n".join(parts)
