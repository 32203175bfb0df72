"""Writing Word documents with real Word styles: drafts to write minutes in, forms, exports.

``WordDocument`` is a small builder over python-docx. What it writes is what Word users
expect to find: the Title and Heading 1–6 styles (so the navigation pane works), Word list
numbering ("i.", "(a)", "1." — a real ``w:abstractNum``/``w:num`` per list, made here with
lxml because python-docx has no numbering API), bullets, tables whose header row repeats on
every page, bold/italic/links from inline Markdown, A4 pages, one font throughout, and
guidance text in a grey italic "Guidance" paragraph style that a reader recognises (and the
importers drop).

The same input always gives the same bytes: zip entries carry a fixed timestamp and the
document's dates are the caller's (``when``), so a golden file can be compared.
Everything the reader (``docx_read``) gets back is the blocks written: see the round-trip
tests.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Union

from cspkit.fileio import write_bytes

from .blocks import Block, Heading, Note, Paragraph, Table, make_paragraph
from .inline import Span, markdown_spans, normalise_spans, safe_href
from .labels import ListStyle, list_style_of
from .markdown_read import markdown_blocks
from .numbering import w_int_attr, w_val

if TYPE_CHECKING:
    from docx.oxml.table import CT_Tc
    from lxml.etree import _Element

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{%s}" % W_NS

#: The paragraph style of guidance text (grey italic): what a reader recognises and drops.
GUIDANCE_STYLE = "Guidance"
#: Grey dark enough to read (contrast 7:1 on white), light enough to tell from the answers.
GUIDANCE_COLOUR = "595959"
#: Zip timestamps: the earliest a zip can hold, so the bytes depend on the content only.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_BULLETS = ("\u2022", "\u25e6", "\u25aa")
#: Shading of a table's header row (its text stays as written, so it reads back unchanged).
HEADER_FILL = "E7E6E6"

CellContent = Union[str, Sequence[Block]]

#: A tick box typed in text (☐): ``WordDocument.tick_boxes`` makes each a Word check box,
#: which shows ☒ when ticked; the reader gives a check box as the one or the other.
TICK_BOX = "\u2610"
TICKED_BOX = "\u2612"
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
#: The font Word itself gives check box glyphs.
_BOX_FONT = "MS Gothic"


def guidance(text: str) -> Paragraph:
    """A guidance paragraph (style "Guidance") to put in a table cell or among blocks."""
    return make_paragraph(markdown_spans(text), style=GUIDANCE_STYLE)


@dataclass
class _List:
    """One numbered list being written: its Word numbering and where its counters stand."""

    num_id: int
    abstract: _Element  # the w:abstractNum element, levels filled in as they are first used
    styles: dict[int, ListStyle] = field(default_factory=dict)
    values: dict[int, int] = field(default_factory=dict)


def _el(tag: str, **attrs: str | int) -> _Element:
    from docx.oxml import OxmlElement

    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(_W + key, str(value))
    return el


def _child(parent: _Element, tag: str, **attrs: str | int) -> _Element:
    el = _el(tag, **attrs)
    parent.append(el)
    return el


def _copy(el: _Element) -> _Element:
    import copy

    return copy.deepcopy(el)


class WordDocument:
    """A Word document being built; ``to_bytes()`` or ``save()`` when done.

    ``title`` and ``author`` go into the document's properties (the author is the
    partnership, never the tool); ``when`` is its created/modified date. ``font`` and
    ``size`` (points) are set on every style used.
    """

    def __init__(self, *, title: str, author: str, when: date | datetime, font: str = "Arial",
                 size: float = 11, language: str = "en-GB"):
        import docx

        self._doc = docx.Document()
        self._body = self._doc.element.body
        for child in list(self._body):  # the template's empty paragraph
            if child.tag == _W + "p":
                self._body.remove(child)
        self.title, self.author, self.font, self.size, self.language = title, author, font, size, language
        self.when = when if isinstance(when, datetime) else datetime.combine(when, time(9, 0))
        if self.when.tzinfo is None:
            self.when = self.when.replace(tzinfo=UTC)
        self._lists: list[_List] = []
        self._current: _List | None = None
        self._bullets: _List | None = None
        self._next_num = self._next_abstract = 0
        self._page_setup()
        self._styles()
        self._numbering_start()

    # -- set-up -------------------------------------------------------------------------------
    def _page_setup(self) -> None:
        from docx.shared import Mm

        section = self._doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
        section.top_margin = section.bottom_margin = Mm(22)

    def _fonts(self, rpr: _Element) -> None:
        fonts = rpr.find(_W + "rFonts")
        if fonts is None:
            fonts = _el("w:rFonts")
            rpr.insert(0, fonts)
        for key in list(fonts.attrib):
            del fonts.attrib[key]  # theme fonts (asciiTheme …) would win over the named font
        for key in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts.set(_W + key, self.font)

    def _styles(self) -> None:
        from docx.enum.style import WD_STYLE_TYPE
        from docx.shared import Pt, RGBColor

        styles = self._doc.styles
        root = styles.element
        defaults = root.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")
        if defaults is not None:
            self._fonts(defaults)
            lang = defaults.find(_W + "lang")
            if lang is None:
                lang = _child(defaults, "w:lang")
            lang.set(_W + "val", self.language)
        normal = styles["Normal"]
        normal.font.name, normal.font.size = self.font, Pt(self.size)
        self._fonts(normal.element.get_or_add_rPr())
        normal.paragraph_format.space_after = Pt(6)
        sizes = {"Title": 20, "Heading 1": 15, "Heading 2": 13, "Heading 3": 12}
        for name in ("Title", *(f"Heading {n}" for n in range(1, 7))):
            style = styles[name]
            font = style.font
            font.name, font.bold, font.italic = self.font, True, False
            font.size = Pt(sizes.get(name, self.size))
            font.color.rgb = RGBColor(0, 0, 0)
            rpr = style.element.get_or_add_rPr()
            self._fonts(rpr)
            for tag in ("color",):
                el = rpr.find(_W + tag)
                if el is not None:
                    for key in ("themeColor", "themeShade", "themeTint"):
                        el.attrib.pop(_W + key, None)
            style.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
            style.paragraph_format.space_after = Pt(6)
            style.paragraph_format.keep_with_next = True
        title_ppr = styles["Title"].element.get_or_add_pPr()
        border = title_ppr.find(_W + "pBdr")
        if border is not None:
            title_ppr.remove(border)
        guidance_style = styles.add_style(GUIDANCE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        guidance_style.base_style = normal
        guidance_style.font.italic = True
        guidance_style.font.color.rgb = RGBColor.from_string(GUIDANCE_COLOUR)
        link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        link.font.underline = True
        link.font.color.rgb = RGBColor.from_string("0563C1")

    def _numbering_start(self) -> None:
        numbering = self._doc.part.numbering_part.element
        self._numbering = numbering
        ids = [int(w_val(el, "abstractNumId") or 0) for el in numbering.iterchildren(_W + "abstractNum")]
        nums = [int(w_val(el, "numId") or 0) for el in numbering.iterchildren(_W + "num")]
        self._next_abstract = max(ids, default=0) + 1
        self._next_num = max(nums, default=0) + 1

    def _new_numbering(self) -> tuple[int, _Element]:
        """A fresh ``w:abstractNum`` and a ``w:num`` using it: a list that counts on its own."""
        abstract = _el("w:abstractNum", abstractNumId=self._next_abstract)
        _child(abstract, "w:multiLevelType", val="multilevel")
        existing = list(self._numbering.iterchildren(_W + "abstractNum"))
        if existing:
            existing[-1].addnext(abstract)
        else:
            self._numbering.insert(0, abstract)
        num = _child(self._numbering, "w:num", numId=self._next_num)
        _child(num, "w:abstractNumId", val=self._next_abstract)
        self._next_abstract += 1
        self._next_num += 1
        return self._next_num - 1, abstract

    @staticmethod
    def _define_level(abstract: _Element, ilvl: int, num_fmt: str, lvl_text: str, start: int) -> None:
        lvl = _el("w:lvl", ilvl=ilvl)
        _child(lvl, "w:start", val=start)
        _child(lvl, "w:numFmt", val=num_fmt)
        _child(lvl, "w:lvlText", val=lvl_text)
        _child(lvl, "w:lvlJc", val="left")
        ppr = _child(lvl, "w:pPr")
        _child(ppr, "w:ind", left=567 * (ilvl + 1), hanging=567)
        # w:lvl elements stay in ilvl order, after w:multiLevelType.
        later = [el for el in abstract.iterchildren(_W + "lvl") if w_int_attr(el) > ilvl]
        if later:
            later[0].addprevious(lvl)
        else:
            abstract.append(lvl)

    # -- paragraphs ------------------------------------------------------------------------------
    def _paragraph(self, style: str | None = None, container: _Element | None = None) -> _Element:
        parent = self._body if container is None else container
        p = _el("w:p")
        sect = parent.find(_W + "sectPr") if parent is self._body else None
        if sect is not None:
            sect.addprevious(p)
        else:
            parent.append(p)
        if style:
            ppr = _child(p, "w:pPr")
            _child(ppr, "w:pStyle", val=self._style_id(style))
        return p

    def _style_id(self, name: str) -> str:
        style_id: str = self._doc.styles[name].style_id  # python-docx leaves Document.styles unannotated
        return style_id

    def _runs(self, p: _Element, spans: Sequence[Span], *, bold: bool = False, italic: bool = False,
              underline: bool = False) -> None:
        from docx.oxml.ns import qn

        for span in spans:
            href = safe_href(span.href)
            parent = p
            if href:
                r_id = self._doc.part.relate_to(href, "http://schemas.openxmlformats.org/officeDocument/2006/"
                                                      "relationships/hyperlink", is_external=True)
                parent = _child(p, "w:hyperlink")
                parent.set(qn("r:id"), r_id)
            r = _child(parent, "w:r")
            rpr = _el("w:rPr")
            if href:
                _child(rpr, "w:rStyle", val=self._style_id("Hyperlink"))
            if span.bold or bold:
                _child(rpr, "w:b")
            if span.italic or italic:
                _child(rpr, "w:i")
            if underline and not href:
                _child(rpr, "w:u", val="single")
            if len(rpr):
                r.append(rpr)
            r.text = span.text  # python-docx turns \t and \n into w:tab and w:br

    def heading(self, text: str, level: int = 1, *, label: str | None = None) -> None:
        """A heading in the Title (``level`` 0) or Heading 1–6 style; ``label`` numbers it with Word numbering."""
        style = "Title" if level == 0 else f"Heading {min(max(level, 1), 6)}"
        p = self._paragraph(style)
        if label:
            self._number(p, label, 1)
        self._runs(p, markdown_spans(text))

    def paragraph(self, text: str = "", *, style: str | None = None, bold: bool = False, italic: bool = False,
                  underline: bool = False) -> None:
        """A paragraph of inline Markdown; ``bold``/``underline`` format all of it (a sub-heading)."""
        p = self._paragraph(style)
        self._runs(p, markdown_spans(text), bold=bold, italic=italic, underline=underline)

    def guidance(self, text: str) -> None:
        """Guidance for whoever fills the document in, in the grey italic "Guidance" style."""
        self.paragraph(text, style=GUIDANCE_STYLE)

    def list_item(self, text: str, *, label: str | None = None, level: int = 1, bullet: bool = False) -> None:
        """One list item: numbered with ``label`` ("iii.", "(b)", "4."), or a bullet.

        Items continue the open list whose next label at that level is ``label``; anything
        else starts a new list (its own Word numbering, so it restarts). A label no Word
        numbering makes ("8a.") is typed at the start of the text instead.
        """
        p = self._paragraph()
        spans = markdown_spans(text)
        if bullet:
            self._bullet(p, level)
        elif label and not self._number(p, label, level):
            spans = normalise_spans([Span(label + " "), *spans])
        self._runs(p, spans)

    def numbered(self, items: Sequence[str], label: str = "1.") -> None:
        """A new numbered list, its labels in the style of ``label`` ("i.", "(a)", "1.") from there on."""
        style = list_style_of(label)
        if style is None:
            raise ValueError(f"no Word numbering makes the label {label!r}")
        for k, item in enumerate(items):
            p = self._paragraph()
            self._number(p, style.label(style.start + k), 1, new=k == 0)
            self._runs(p, markdown_spans(item))

    def bullets(self, items: Sequence[str], level: int = 1) -> None:
        """A bulleted list."""
        for item in items:
            self.list_item(item, bullet=True, level=level)

    def _num_pr(self, p: _Element, num_id: int, ilvl: int) -> None:
        ppr = p.find(_W + "pPr")
        if ppr is None:
            ppr = _el("w:pPr")
            p.insert(0, ppr)
        numpr = _el("w:numPr")
        _child(numpr, "w:ilvl", val=ilvl)
        _child(numpr, "w:numId", val=num_id)
        style = ppr.find(_W + "pStyle")
        if style is not None:
            style.addnext(numpr)
        else:
            ppr.insert(0, numpr)

    def _bullet(self, p: _Element, level: int) -> None:
        if self._bullets is None:
            num_id, abstract = self._new_numbering()
            for ilvl in range(9):
                self._define_level(abstract, ilvl, "bullet", _BULLETS[ilvl % 3], 1)
            self._bullets = _List(num_id, abstract)
        self._num_pr(p, self._bullets.num_id, max(level, 1) - 1)

    def _number(self, p: _Element, label: str, level: int, new: bool = False) -> bool:
        """Give ``p`` the Word numbering that shows ``label`` at list ``level``; False if none can.

        The list written last goes on when ``label`` is its next label at that level (or
        opens that level below its current item); else another open list whose next label
        it is; else (or with ``new``) a new list starts.
        """
        style = list_style_of(label)
        if style is None:
            return False
        ilvl = min(max(level, 1), 9) - 1
        value = style.start

        def continues(lst: _List) -> bool:
            known = lst.styles.get(ilvl)
            if known is None or (known.num_fmt, known.lvl_text) != (style.num_fmt, style.lvl_text):
                return False
            return value == (lst.values[ilvl] + 1 if ilvl in lst.values else known.start)

        current = self._current
        chosen = None
        if not new:
            if current is not None and continues(current):
                chosen = current
            elif current is not None and ilvl and ilvl - 1 in current.values and ilvl not in current.styles:
                chosen = current
                self._define(chosen, ilvl, style)
            else:
                chosen = next((lst for lst in reversed(self._lists) if continues(lst)), None)
        if chosen is None:
            num_id, abstract = self._new_numbering()
            chosen = _List(num_id, abstract)
            self._lists.append(chosen)
            self._define(chosen, ilvl, style)
        chosen.values[ilvl] = value
        for deeper in [k for k in chosen.values if k > ilvl]:
            del chosen.values[deeper]  # Word restarts deeper levels after this one
        self._current = chosen
        self._num_pr(p, chosen.num_id, ilvl)
        return True

    def _define(self, lst: _List, ilvl: int, style: ListStyle) -> None:
        lst.styles[ilvl] = style
        self._define_level(lst.abstract, ilvl, style.num_fmt, style.lvl_text.replace("%1", f"%{ilvl + 1}"),
                           style.start)

    # -- tables -----------------------------------------------------------------------------------
    def table(self, rows: Sequence[Sequence[CellContent]], *, header_rows: int = 1,
              widths: Sequence[float] | None = None, spans: dict[tuple[int, int], int] | None = None) -> None:
        """A table with borders; ``header_rows`` leading rows are shaded and repeat on every page.

        A cell is inline Markdown paragraphs (blank lines between; lists allowed) or blocks.
        ``widths`` are the columns' shares of the page width (two columns default to 35/65,
        the form's label | answer). ``spans`` merges cells: ``{(row, column): n}`` spans n
        columns from there.
        """
        self._table(self._body, rows, header_rows, widths, spans or {})

    def _table(self, container: _Element, rows: Sequence[Sequence[CellContent]], header_rows: int,
               widths: Sequence[float] | None, spans: dict[tuple[int, int], int]) -> None:
        from docx.shared import Mm
        from docx.table import Table as DocxTable

        columns = max((sum(spans.get((r, c), 1) for c in range(len(row))) for r, row in enumerate(rows)), default=1)
        if widths is None:
            widths = (35, 65) if columns == 2 else (100 / columns,) * columns
        total = Mm(160)
        tbl_el = self._doc.add_table(rows=0, cols=columns)._tbl
        tbl_el.getparent().remove(tbl_el)
        anchor = self._body.find(_W + "sectPr") if container is self._body else None
        last = anchor.getprevious() if anchor is not None else (container[-1] if len(container) else None)
        if last is not None and last.tag == _W + "tbl":
            self._paragraph(None, None if container is self._body else container)  # Word joins touching tables
        if anchor is not None:
            anchor.addprevious(tbl_el)
        else:
            container.append(tbl_el)
        table = DocxTable(tbl_el, self._doc._body)
        table.style = self._doc.styles["Table Grid"]
        for g, share in zip(tbl_el.tblGrid.iterchildren(_W + "gridCol"), widths, strict=False):
            g.set(_W + "w", str(int(total * share / 100 / 635)))
        for r, row in enumerate(rows):
            # python-docx 1.2 leaves Table.add_row unannotated (flagged only where untyped calls are)
            tr = table.add_row()  # type: ignore[no-untyped-call, unused-ignore]
            if r < header_rows:
                trpr = tr._tr.get_or_add_trPr()
                _child(trpr, "w:tblHeader")
            column = 0
            for c, content in enumerate(row):
                cell = tr.cells[column]
                span = spans.get((r, c), 1)
                if span > 1:
                    cell = cell.merge(tr.cells[column + span - 1])
                tc = cell._tc
                for p in list(tc.iterchildren(_W + "p")):
                    tc.remove(p)
                self._cell_content(tc, content, header=r < header_rows)
                if not len(tc.findall(_W + "p")) or tc[-1].tag != _W + "p":
                    _child(tc, "w:p")  # a cell must end with a paragraph
                column += span
            for tc in tr._tr.iterchildren(_W + "tc"):  # cells past the row's content stay valid
                if tc.find(_W + "p") is None:
                    _child(tc, "w:p")

    def _cell_content(self, tc: CT_Tc, content: CellContent, header: bool) -> None:
        if isinstance(content, str):

            blocks = markdown_blocks(content)
        else:
            blocks = list(content)
        self._write(blocks, tc)
        if header:
            tcpr = tc.get_or_add_tcPr()
            _child(tcpr, "w:shd", val="clear", color="auto", fill=HEADER_FILL)

    # -- blocks ---------------------------------------------------------------------------------
    def add(self, blocks: Iterable[Block]) -> None:
        """Write blocks as a reader got them (``Note``\\ s are not written)."""
        self._write(list(blocks), None)

    def _write(self, blocks: list[Block], container: _Element | None) -> None:
        for block in blocks:
            if isinstance(block, Heading):
                style = "Title" if block.level == 0 else f"Heading {min(max(block.level, 1), 6)}"
                p = self._paragraph(style, container)
                if block.numbered and block.label:
                    self._number(p, block.label, 1)
                self._runs(p, markdown_spans(block.text))
            elif isinstance(block, Paragraph):
                kept_style = block.style if block.style in (GUIDANCE_STYLE,) else None
                p = self._paragraph(kept_style, container)
                spans = markdown_spans(block.text)
                if block.bullet:
                    self._bullet(p, block.level)
                elif block.numbered and block.label and not self._number(p, block.label, block.level):
                    spans = normalise_spans([Span(block.label + " "), *spans])
                self._runs(p, spans, underline=block.underlined)
            elif isinstance(block, Table):
                rows = [[cell.blocks for cell in row] for row in block.rows]
                merged = {(r, c): cell.col_span for r, row in enumerate(block.rows)
                          for c, cell in enumerate(row) if cell.col_span > 1}
                self._table(self._body if container is None else container, rows, block.header_rows, None, merged)
            elif isinstance(block, Note):
                continue

    def tick_boxes(self) -> int:
        """Make every ☐ (and ☒) in the text written so far a Word check box; return how many.

        Each becomes a check box content control, as Word's Developer > Check Box makes: one
        click ticks it, and it then shows ☒ (a ☒ is written ticked). The reader gives a check
        box's state as ☐ or ☒.
        """
        import re

        count = 0
        for r in list(self._body.iter(_W + "r")):
            texts = [t for t in r.iterchildren(_W + "t") if t.text and (TICK_BOX in t.text or TICKED_BOX in t.text)]
            parent = r.getparent()
            if not texts or parent is None:
                continue
            rpr = r.find(_W + "rPr")
            text = "".join(t.text or "" for t in r.iterchildren(_W + "t"))
            out: list[_Element] = []
            for piece in re.split(f"([{TICK_BOX}{TICKED_BOX}])", text):
                if piece in (TICK_BOX, TICKED_BOX):
                    out.append(self._check_box(rpr, piece == TICKED_BOX))
                    count += 1
                elif piece:
                    run = _el("w:r")
                    if rpr is not None:
                        run.append(_copy(rpr))
                    t = _child(run, "w:t")
                    t.text = piece
                    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                    out.append(run)
            for el in out:
                r.addprevious(el)
            parent.remove(r)
        return count

    @staticmethod
    def _check_box(rpr: _Element | None, checked: bool) -> _Element:
        from lxml import etree

        w14 = "{%s}" % W14_NS
        sdt = _el("w:sdt")
        pr = _child(sdt, "w:sdtPr")
        fonts = _child(_child(pr, "w:rPr"), "w:rFonts", ascii=_BOX_FONT, eastAsia=_BOX_FONT, hAnsi=_BOX_FONT)
        box = etree.SubElement(pr, w14 + "checkbox")
        etree.SubElement(box, w14 + "checked").set(w14 + "val", "1" if checked else "0")
        for state, code in (("checkedState", "2612"), ("uncheckedState", "2610")):
            el = etree.SubElement(box, w14 + state)
            el.set(w14 + "val", code)
            el.set(w14 + "font", _BOX_FONT)
        run = _child(_child(sdt, "w:sdtContent"), "w:r")
        run_pr = _copy(rpr) if rpr is not None else _el("w:rPr")
        old = run_pr.find(_W + "rFonts")
        if old is not None:
            run_pr.remove(old)
        run_pr.insert(0, _copy(fonts))
        run.append(run_pr)
        _child(run, "w:t").text = TICKED_BOX if checked else TICK_BOX
        return sdt

    def page_break(self) -> None:
        """Start a new page."""
        p = self._paragraph()
        _child(_child(p, "w:r"), "w:br", type="page")

    # -- output -------------------------------------------------------------------------------------
    def _properties(self) -> None:
        props = self._doc.core_properties
        props.title = self.title
        props.author = props.last_modified_by = self.author
        props.comments = props.subject = props.keywords = props.category = ""
        props.created = props.modified = self.when.astimezone(UTC).replace(tzinfo=None)
        props.revision = 1
        props.language = self.language

    def to_bytes(self) -> bytes:
        """The document as .docx bytes: the same for the same content, whenever it is made."""
        self._properties()
        raw = io.BytesIO()
        self._doc.save(raw)
        return _deterministic(raw.getvalue(), self.author)

    def save(self, path: Path, *, overwrite: bool = False) -> None:
        """Write the document to ``path`` atomically; an existing file only with ``overwrite``."""
        write_bytes(Path(path), self.to_bytes(), overwrite=overwrite)


_APP = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        "<Template>Normal.dotm</Template><Company>{company}</Company></Properties>")


def _deterministic(data: bytes, company: str) -> bytes:
    """``data`` re-zipped with fixed timestamps, without python-docx's template leftovers.

    The template's thumbnail (a picture of a blank page) goes, with its relationship;
    docProps/app.xml says only the template and the partnership.
    """
    from xml.sax.saxutils import escape

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            name = info.filename
            if name == "docProps/thumbnail.jpeg":
                continue
            body = src.read(name)
            if name == "_rels/.rels":
                body = _drop_relationship(body, "docProps/thumbnail.jpeg")
            elif name == "docProps/app.xml":
                body = _APP.format(company=escape(company)).encode("utf-8")
            entry = zipfile.ZipInfo(name, _ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 0
            dst.writestr(entry, body)
    return out.getvalue()


def _drop_relationship(rels: bytes, target: str) -> bytes:
    from lxml import etree

    root = etree.fromstring(rels)
    for rel in list(root):
        if rel.get("Target") == target:
            root.remove(rel)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
