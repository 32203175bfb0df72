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


def document_html(document: Document, image_src: ImageSource = data_uri, top: int = 2) -> Markup:
    """The blocks of ``document`` as HTML in the pack's styles; headings start at ``<h{top}>``."""
    from markupsafe import Markup

    numbering = {id(f): i for i, f in enumerate(figures(document), start=1)}
    return Markup("".join(_blocks(document.blocks, image_src, numbering, top)))


def _inline(text: str) -> str:
    return str(markdown_html(text, inline=True))


def _in_list(block: object) -> bool:
    return isinstance(block, Paragraph) and block.level > 0


def _blocks(blocks: Sequence[object], image_src: ImageSource, numbering: dict[int, int], top: int) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if isinstance(block, Paragraph) and block.level > 0:
            j = i
            while j < len(blocks) and _in_list(blocks[j]):
                j += 1
            out.append(_list([b for b in blocks[i:j] if isinstance(b, Paragraph)]))
            i = j
            continue
        if isinstance(block, Heading):
            level = min(top + max(block.level, 1) - 1, 6)
            label = f"{escape(block.label)} " if block.numbered and block.label else ""
            out.append(f"<h{level}>{label}{_inline(block.text)}</h{level}>\n")
        elif isinstance(block, Paragraph):
            label = f"{escape(block.label)} " if block.numbered and block.label else ""
            caption = block.style is not None and block.style.lower().startswith("caption")
            opening = '<p class="caption">' if caption else "<p>"
            out.append(f"{opening}{label}{_inline(block.text)}</p>\n")
        elif isinstance(block, Table):
            out.append(_table(block, image_src, numbering, top))
        elif isinstance(block, Figure):
            out.append(_figure(block, image_src, numbering))
        # A Note (something the reader left out) is not shown.
        i += 1
    return out


def _figure(figure: Figure, image_src: ImageSource, numbering: dict[int, int]) -> str:
    number = numbering.get(id(figure), 0)
    style = f' style="width: {figure.width_mm:g}mm"' if figure.width_mm else ""
    alt = figure.alt or f"Figure {number}" if number else figure.alt
    return (f'<figure class="word-figure"><img src="{escape(image_src(figure, number))}" alt="{escape(alt)}"'
            f"{style}></figure>\n")


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


def _table(table: Table, image_src: ImageSource, numbering: dict[int, int], top: int) -> str:
    rows = []
    for r, row in enumerate(table.rows):
        header = r < table.header_rows
        cells = []
        for cell in row:
            tag = "th" if header else "td"
            span = (f' colspan="{cell.col_span}"' if cell.col_span > 1 else "") + \
                   (f' rowspan="{cell.row_span}"' if cell.row_span > 1 else "")
            scope = ' scope="col"' if header else ""
            inner = "".join(_blocks(cell.blocks, image_src, numbering, min(top + 1, 6))).strip()
            cells.append(f"<{tag}{scope}{span}>{inner}</{tag}>")
        rows.append(("<tr>", "".join(cells), "</tr>"))
    head = "".join("".join(r) for r in rows[:table.header_rows])
    body = "".join("".join(r) for r in rows[table.header_rows:])
    return ('<div class="table-wrap"><table class="word-table">' + (f"<thead>{head}</thead>" if head else "")
            + f"<tbody>{body}</tbody></table></div>\n")


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
    # Demote headings one level: the paper's own title is the only level-1 heading.
    return "\n".join(("#" + line) if line.startswith("#") and line.lstrip("#").startswith(" ") else line
                     for line in "\n".join(parts).split("\n"))
