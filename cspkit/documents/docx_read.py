"""Reading a Word document (.docx) into blocks.

The package is opened by ``safety.open_docx`` (every check there happens first); its XML
parts are then walked with lxml. python-docx is not used to read: it would load every part
without limits, has no model of list numbering, content controls or field hyperlinks, and
its paragraph objects do not say where a paragraph is. Walking ``word/document.xml``
ourselves keeps each paragraph's number and costs a few milliseconds per page.

What is read, and how:

- paragraphs, their runs merged (Word splits runs anywhere, even mid-word); a line break
  (``w:br``, ``w:cr``) is a line break, a tab a tab; smart quotes and dashes as typed;
  hidden text (``w:vanish``) is not read; empty paragraphs are dropped but counted;
- bold and italic (from the run, its character style, the paragraph style and the
  document defaults) as Markdown; hyperlinks (``w:hyperlink`` and ``HYPERLINK`` fields)
  as Markdown links, web and mail links only;
- headings by paragraph style: the outline level of the style or its ``w:basedOn`` chain
  (so "Überschrift 1" and a LibreOffice "Heading 1" count), else a style named or
  identified as "heading N"; "Title" is level 0;
- list numbering resolved to the label text (``numbering.Numbering``), from the
  paragraph's ``w:numPr`` or its style's; a label typed by hand is recognised too;
- text in content controls (``w:sdt``, block and inline), smart tags, custom XML, simple
  fields; a content control still showing its placeholder text is empty; a check box
  content control reads as ☐ or ☒ by its state;
- tables, nested tables, merged cells (each cell once: see ``blocks.Cell``), rows inside
  content controls;
- images, shapes, text boxes, embedded objects and equations are skipped, each with a note.

Refused: tracked changes (``w:ins``, ``w:del``, ``w:moveFrom``, ``w:moveTo``, inserted or
deleted cells) — deleted text must never be imported as if it stood — and comments.
Tracked formatting changes alone are not refused: the text is what it is either way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .blocks import (
    Block,
    Cell,
    Document,
    DocumentError,
    Heading,
    Location,
    Note,
    Paragraph,
    Table,
    iter_notes,
    iter_text_blocks,
    make_heading,
    make_paragraph,
    snippet,
)
from .inline import Span, safe_href
from .numbering import Numbering, Resolved, W, w_int, w_val
from .safety import DEFAULT_LIMITS, Limits, Package, open_docx

if TYPE_CHECKING:
    from lxml.etree import _Element

_W = "{%s}" % W
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"

P, TBL, TR, TC, SDT, SDT_CONTENT, SDT_PR = (_W + t for t in ("p", "tbl", "tr", "tc", "sdt", "sdtContent", "sdtPr"))
PPR, RPR, R_, T, TAB, BR, CR = (_W + t for t in ("pPr", "rPr", "r", "t", "tab", "br", "cr"))
HYPERLINK, SMART_TAG, CUSTOM_XML, FLD_SIMPLE = (_W + t for t in ("hyperlink", "smartTag", "customXml", "fldSimple"))
TXBX = _W + "txbxContent"
TRACKED = tuple(_W + t for t in ("ins", "del", "moveFrom", "moveTo", "cellIns", "cellDel", "cellMerge"))
COMMENTS = tuple(_W + t for t in ("commentRangeStart", "commentReference"))
ALT = "{%s}AlternateContent" % MC

_INLINE_CONTAINERS = {HYPERLINK, SMART_TAG, CUSTOM_XML, FLD_SIMPLE, _W + "dir", _W + "bdo"}
_RUN_SKIP = {RPR, _W + "lastRenderedPageBreak", _W + "instrText", _W + "delInstrText", _W + "annotationRef",
             _W + "footnoteRef", _W + "endnoteRef", _W + "separator", _W + "continuationSeparator",
             _W + "softHyphen", _W + "dayShort", _W + "monthShort", _W + "yearShort", _W + "dayLong",
             _W + "monthLong", _W + "yearLong", _W + "pgNum"}
_OBJECT_NOTES = {
    _W + "drawing": ("image", "an image was left out"),
    _W + "pict": ("image", "a picture or shape was left out"),
    _W + "object": ("object", "an embedded object was left out"),
    _W + "footnoteReference": ("footnote", "a footnote was left out (footnotes are not read)"),
    _W + "endnoteReference": ("footnote", "an endnote was left out (endnotes are not read)"),
}
_HYPERLINK_FIELD = re.compile(r'^\s*HYPERLINK\s+(?:\\[a-z]\s+)*"?([^"\s]+)"?', re.IGNORECASE)
_HEADING_NAME = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)


def _on(el: _Element | None) -> bool:
    """A toggle property (``<w:b/>``, ``<w:b w:val="0"/>``) as a bool."""
    return w_val(el) not in ("0", "false", "off", "none")


def _on_attr(value: str | None) -> bool:
    return value is not None and value not in ("0", "false", "off")


@dataclass(frozen=True)
class _Format:
    bold: bool = False
    italic: bool = False
    underline: bool = False
    hidden: bool = False


_FORMAT_TAGS = (("b", "bold"), ("i", "italic"), ("u", "underline"), ("vanish", "hidden"))


def _apply(fmt: _Format, rpr: _Element | None) -> _Format:
    if rpr is None or not len(rpr):
        return fmt
    changes: dict[str, bool] = {}
    for tag, attr in _FORMAT_TAGS:
        el = rpr.find(_W + tag)
        if el is not None:
            changes[attr] = _on(el)
    return _Format(**{**fmt.__dict__, **changes}) if changes else fmt


def _heading_by_name(*names: str) -> int | None:
    for name in names:
        m = _HEADING_NAME.match(name)
        if m:
            return min(int(m.group(1)), 6)
        if name.lower() == "title":
            return 0
    return None


@dataclass
class _Field:
    """A complex field (``w:fldChar`` begin … separate … end) open in a paragraph."""

    instruction: str = ""
    href: str | None = None
    """The link of a ``HYPERLINK`` field, once its instruction is complete."""
    in_result: bool = False
    """Past ``separate``: the runs now are the text the field shows."""


def _field_href(fields: list[_Field]) -> str | None:
    """The link of the innermost field whose shown text is being read, if it is a link."""
    return next((f.href for f in reversed(fields) if f.in_result and f.href), None)


@dataclass
class _OpenCell:
    """A table cell while its rows are read: cells merged into it add their blocks and span."""

    blocks: list[Block]
    column: int
    col_span: int
    row_span: int = 1


class Styles:
    """The style definitions: names, ``w:basedOn`` chains, numbering, outline levels, formatting."""

    def __init__(self, root: _Element | None = None):
        self.by_id: dict[str, _Element] = {}
        self.defaults = _Format()
        #: The style of a paragraph that names none ("Normal").
        self.default_paragraph: str | None = None
        self._chains: dict[str | None, list[_Element]] = {}
        self._formats: dict[tuple[str | None, str | None, bool], _Format] = {}
        self._heading: dict[str | None, tuple[int | None]] = {}
        self._numbering: dict[str | None, tuple[str | None, int | None]] = {}
        if root is None:
            return
        for el in root.iterchildren(_W + "style"):
            sid = w_val(el, "styleId")
            if sid is not None:
                self.by_id.setdefault(sid, el)
                if el.get(_W + "type") == "paragraph" and _on_attr(el.get(_W + "default")):
                    self.default_paragraph = self.default_paragraph or sid
        rpr = root.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")
        self.defaults = _apply(_Format(), rpr)

    def name(self, sid: str | None) -> str | None:
        """The style's name as Word shows it ("heading 1" is stored, "Heading 1" shown)."""
        el = self.by_id.get(sid) if sid else None
        name = (w_val(el.find(_W + "name")) or sid) if el is not None else sid
        return name[:1].upper() + name[1:] if name else name

    def chain(self, sid: str | None) -> list[_Element]:
        """The style ``sid`` and the styles it is based on, nearest first (loops cut)."""
        if sid in self._chains:
            return self._chains[sid]
        out: list[_Element] = []
        seen: set[str] = set()
        while sid and sid not in seen and sid in self.by_id:
            seen.add(sid)
            el = self.by_id[sid]
            out.append(el)
            sid = w_val(el.find(_W + "basedOn"))
        self._chains[out[0].get(_W + "styleId") if out else sid] = out
        return out

    def run_format(self, pstyle: str | None, rstyle: str | None, paragraph: bool = True) -> _Format:
        """Formatting a run gets before its own ``w:rPr``: defaults, paragraph style, character style.

        ``paragraph`` False leaves the paragraph style out (what the words themselves carry).
        """
        key = (pstyle, rstyle, paragraph)
        if key not in self._formats:
            fmt = self.defaults
            for sid in ((pstyle or self.default_paragraph) if paragraph else None, rstyle):
                for el in reversed(self.chain(sid)):
                    fmt = _apply(fmt, el.find(RPR))
            self._formats[key] = fmt
        return self._formats[key]

    def numbering(self, sid: str | None) -> tuple[str | None, int | None]:
        """``(numId, ilvl)`` a paragraph style gives, from the nearest style in its chain that has them."""
        if sid in self._numbering:
            return self._numbering[sid]
        self._numbering[sid] = self._style_numbering(sid)
        return self._numbering[sid]

    def _style_numbering(self, sid: str | None) -> tuple[str | None, int | None]:
        num_id: str | None = None
        ilvl: int | None = None
        for el in self.chain(sid):
            numpr = el.find(f"{PPR}/{_W}numPr")
            if numpr is None:
                continue
            if num_id is None:
                num_id = w_val(numpr.find(_W + "numId"))
            if ilvl is None:
                ilvl = w_int(numpr.find(_W + "ilvl"))
        return num_id, ilvl

    def heading(self, sid: str | None) -> int | None:
        """The heading level of a paragraph style: 0 Title, 1–6 Heading 1–6, None for body text."""
        if sid not in self._heading:
            self._heading[sid] = (self._heading_level(sid),)
        return self._heading[sid][0]

    def _heading_level(self, sid: str | None) -> int | None:
        chain = self.chain(sid)
        for el in chain:
            outline = w_int(el.find(f"{PPR}/{_W}outlineLvl"))
            if outline is not None:
                return min(outline + 1, 6) if outline < 9 else None
            level = _heading_by_name(w_val(el.find(_W + "name")) or "", el.get(_W + "styleId") or "")
            if level is not None:
                return level
        # A style the document does not define (no styles part) is known by its id alone.
        return _heading_by_name(sid or "") if not chain else None

    def numbering_style_num_id(self, sid: str) -> str | None:
        el = self.by_id.get(sid)
        numpr = el.find(f"{PPR}/{_W}numPr") if el is not None else None
        return w_val(numpr.find(_W + "numId")) if numpr is not None else None


class _Reader:
    def __init__(self, package: Package):
        self.package = package
        self.name = package.name
        main = package.main
        self.root = package.xml(main)
        rels = package.relationships(main)
        self.links = {r.id: r.target for r in rels if r.kind == "hyperlink" and r.external}
        by_kind = {r.kind: r for r in rels if not r.external}
        styles = by_kind.get("styles")
        self.styles = Styles(package.xml(styles.target) if styles and package.has(styles.target) else None)
        numbering = by_kind.get("numbering")
        self.numbering = Numbering(package.xml(numbering.target) if numbering and package.has(numbering.target)
                                   else None, self.styles.numbering_style_num_id)
        body = self.root.find(_W + "body")
        if body is None:
            raise DocumentError(self.name, f"is damaged: {main} has no body")
        self.body = body
        in_boxes = {p for box in self.body.iter(TXBX) for p in box.iter(P)}
        self.numbers = {p: n for n, p in enumerate((p for p in self.body.iter(P) if p not in in_boxes), 1)}

    # -- refusals ---------------------------------------------------------------------------
    def refuse_changes_and_comments(self) -> None:
        for tags, message in ((TRACKED, "has tracked changes: accept or reject the tracked changes first, "
                                        "then save it and try again"),
                              (COMMENTS, "has comments: delete the comments (or resolve them) first, "
                                         "then save it and try again")):
            found = next(self.body.iter(*tags), None)
            if found is not None:
                raise DocumentError(self.name, message, self._location_of(found))

    def _location_of(self, el: _Element) -> Location | None:
        node: _Element | None = el
        while node is not None and node.tag != P:
            if node.tag in (TR, TBL):
                node = next(node.iter(P), None)
                break
            node = node.getparent()
        if node is None:
            return None
        spans = self.paragraph_spans(node, allow_changes=True)[0]
        return Location(self.numbers.get(node), snippet("".join(s.text for s, _ in spans)))

    # -- blocks -----------------------------------------------------------------------------
    def blocks(self, container: _Element) -> list[Block]:
        out: list[Block] = []
        for el in container.iterchildren():
            tag = el.tag
            if tag == P:
                out.extend(self.paragraph(el))
            elif tag == TBL:
                out.append(self.table(el))
            elif tag == SDT:
                if not _showing_placeholder(el):
                    content = el.find(SDT_CONTENT)
                    if content is not None:
                        out.extend(self.blocks(content))
                else:
                    self._count_skipped(el)
            elif tag == CUSTOM_XML:
                out.extend(self.blocks(el))
            elif tag == _W + "altChunk":
                out.append(Note("object", "an embedded document part was left out", self._here(el)))
        return out

    def _count_skipped(self, el: _Element) -> None:
        # Paragraphs numbered but not read (a placeholder) still move list counters on.
        for p in el.iter(P):
            self._list_info(p, p.find(PPR))

    def _here(self, el: _Element) -> Location:
        p = next(el.iter(P), None)
        return Location(self.numbers.get(p), "") if p is not None else Location()

    def paragraph(self, p: _Element) -> list[Block]:
        ppr = p.find(PPR)
        sid = w_val(ppr.find(_W + "pStyle")) if ppr is not None else None
        heading = self.styles.heading(sid)
        outline = w_int(ppr.find(_W + "outlineLvl")) if ppr is not None else None
        if outline is not None:
            heading = min(outline + 1, 6) if outline < 9 else None
        spans, left_out = self.paragraph_spans(p, sid=sid)
        numbering = self._list_info(p, ppr, sid)
        location = Location(self.numbers.get(p), snippet("".join(s.text for s, _ in spans)))
        notes = [Note(kind, message, location) for kind, message in left_out]
        visible = [(s, looks) for s, looks in spans if s.text.strip()]
        if not visible:
            return list(notes)
        # LibreOffice names "Normal" on every paragraph, Word on none: both mean the default.
        style = self.styles.name(sid) if sid and sid != self.styles.default_paragraph else None
        label = numbering.label if numbering else None
        plain_spans = [s for s, _ in spans]
        if heading is not None:
            block: Block = make_heading(plain_spans, heading, label=label, numbered=numbering is not None,
                                        style=style, location=location)
        else:
            # How it looks (its style's bold and underline too) says "sub-heading"; only
            # formatting given to the words themselves is markup in the text.
            words = [looks for s, looks in visible if not s.href]
            # A bullet has no label of its own: one typed after it is recognised, as in Markdown.
            block = make_paragraph(plain_spans, label=label, numbered=label is not None,
                                   level=numbering.ilvl + 1 if numbering else 0,
                                   bullet=bool(numbering and numbering.bullet), style=style,
                                   all_bold=all(looks.bold for _, looks in visible),
                                   underlined=bool(words) and all(looks.underline for looks in words),
                                   location=location)
        return [block, *notes]

    def _list_info(self, p: _Element, ppr: _Element | None, sid: str | None = None) -> Resolved | None:
        if ppr is None:
            return None
        if sid is None:
            sid = w_val(ppr.find(_W + "pStyle"))
        numpr = ppr.find(_W + "numPr")
        num_id: str | None = None
        ilvl: int | None = None
        if numpr is not None:
            num_id = w_val(numpr.find(_W + "numId"))
            ilvl = w_int(numpr.find(_W + "ilvl"))
        style_num, style_ilvl = self.styles.numbering(sid) if sid else (None, None)
        if num_id is None:
            num_id = style_num
        if num_id is None or num_id == "0":
            return None
        if ilvl is None:
            ilvl = style_ilvl
        if ilvl is None:
            # Styles in a chain are known by their ids: every one has one.
            chain_ids = [i for i in (el.get(_W + "styleId") for el in self.styles.chain(sid)) if i is not None]
            ilvl = self.numbering.level_for_style(num_id, chain_ids) or 0
        return self.numbering.next(num_id, ilvl)

    def paragraph_spans(self, p: _Element, sid: str | None = None,
                        allow_changes: bool = False) -> tuple[list[tuple[Span, _Format]], list[tuple[str, str]]]:
        """``([(Span, how it looks)], [(note kind, message)])`` for one paragraph.

        A span is bold or italic when its run or character style makes it so (that is
        markup); how it looks adds the paragraph style's formatting.
        """
        if sid is None:
            ppr = p.find(PPR)
            sid = w_val(ppr.find(_W + "pStyle")) if ppr is not None else None
        spans: list[tuple[Span, _Format]] = []
        notes: list[tuple[str, str]] = []
        fields: list[_Field] = []
        self._inline(p, sid, None, spans, notes, fields, allow_changes)
        return spans, notes

    def _inline(self, parent: _Element, sid: str | None, href: str | None, spans: list[tuple[Span, _Format]],
                notes: list[tuple[str, str]], fields: list[_Field], allow_changes: bool) -> None:
        for el in parent.iterchildren():
            tag = el.tag
            if tag == R_:
                self._run(el, sid, href, spans, notes, fields)
            elif tag == HYPERLINK:
                rid = el.get("{%s}id" % R)
                target = safe_href(self.links.get(rid)) if rid else None
                self._inline(el, sid, target or href, spans, notes, fields, allow_changes)
            elif tag in _INLINE_CONTAINERS:
                self._inline(el, sid, href, spans, notes, fields, allow_changes)
            elif tag == SDT:
                box = _check_box_state(el)
                content = el.find(SDT_CONTENT)
                if box is not None:
                    # A check box is its state, whatever glyph its content shows.
                    spans.append((Span(TICKED if box else UNTICKED), _Format()))
                elif content is not None and not _showing_placeholder(el):
                    self._inline(content, sid, href, spans, notes, fields, allow_changes)
            elif tag in TRACKED and allow_changes:
                continue
            elif tag == ALT:
                notes.append(_alternate_note(el))
            elif tag.startswith("{%s}" % M) and tag.endswith(("}oMath", "}oMathPara")):
                notes.append(("math", "an equation was left out"))

    def _run(self, r: _Element, sid: str | None, href: str | None, spans: list[tuple[Span, _Format]],
             notes: list[tuple[str, str]], fields: list[_Field]) -> None:
        rpr = r.find(RPR)
        rstyle = w_val(rpr.find(_W + "rStyle")) if rpr is not None else None
        fmt = (_apply(self.styles.run_format(None, rstyle, paragraph=False), rpr),
               _apply(self.styles.run_format(sid, rstyle), rpr))
        field_href = _field_href(fields)
        link = href or field_href
        parts: list[str] = []
        for el in r.iterchildren():
            tag = el.tag
            if tag == T:
                parts.append(el.text or "")
            elif tag == TAB or tag == _W + "ptab":
                parts.append("\t")
            elif tag == BR:
                if el.get(_W + "type") in (None, "textWrapping"):
                    parts.append("\n")
            elif tag == CR:
                parts.append("\n")
            elif tag == _W + "noBreakHyphen":
                parts.append("\u2011")
            elif tag == _W + "sym":
                code = int(el.get(_W + "char") or "0", 16) if re.fullmatch(r"[0-9A-Fa-f]{1,6}", el.get(_W + "char") or "") else 0
                if 0x20 <= code < 0xF000:
                    parts.append(chr(code))
            elif tag == _W + "fldChar":
                kind = el.get(_W + "fldCharType")
                if kind == "begin":
                    fields.append(_Field())
                elif kind == "separate" and fields:
                    m = _HYPERLINK_FIELD.match(fields[-1].instruction)
                    fields[-1].href = safe_href(m.group(1)) if m else None
                    fields[-1].in_result = True
                elif kind == "end" and fields:
                    fields.pop()
                field_href = _field_href(fields)
                if parts:
                    self._emit(spans, "".join(parts), fmt, link)
                    parts = []
                link = href or field_href
            elif tag == _W + "instrText":
                if fields:
                    fields[-1].instruction += el.text or ""
            elif tag in _OBJECT_NOTES:
                notes.append(_object_note(el, tag))
            elif tag == ALT:
                notes.append(_alternate_note(el))
        if parts:
            self._emit(spans, "".join(parts), fmt, link)

    @staticmethod
    def _emit(spans: list[tuple[Span, _Format]], text: str, fmt: tuple[_Format, _Format], link: str | None) -> None:
        words, looks = fmt
        if looks.hidden or not text:
            return
        spans.append((Span(text, words.bold, words.italic, link), looks))

    def table(self, tbl: _Element) -> Table:
        first = next(tbl.iter(P), None)
        rows: list[list[_OpenCell]] = []
        header_rows = 0
        counting_header = True
        open_down: dict[int, _OpenCell] = {}  # grid column -> the cell merged downwards from it
        for tr in _children(tbl, TR):
            trpr = tr.find(_W + "trPr")
            header = trpr is not None and trpr.find(_W + "tblHeader") is not None and _on(trpr.find(_W + "tblHeader"))
            if counting_header and header:
                header_rows += 1
            else:
                counting_header = False
            column = w_int(trpr.find(_W + "gridBefore"), 0) if trpr is not None else 0
            row: list[_OpenCell] = []
            for tc in _children(tr, TC):
                tcpr = tc.find(_W + "tcPr")
                span = max(1, w_int(tcpr.find(_W + "gridSpan"), 1)) if tcpr is not None else 1
                vmerge = tcpr.find(_W + "vMerge") if tcpr is not None else None
                hmerge = tcpr.find(_W + "hMerge") if tcpr is not None else None
                blocks = self.blocks(tc)
                if vmerge is not None and w_val(vmerge) != "restart" and column in open_down:
                    origin = open_down[column]
                    origin.row_span += 1
                    origin.blocks.extend(blocks)  # Word shows none; nothing is dropped
                elif hmerge is not None and w_val(hmerge) != "restart" and row:
                    row[-1].col_span += span
                    row[-1].blocks.extend(blocks)
                else:
                    cell = _OpenCell(blocks, column, span)
                    row.append(cell)
                    if vmerge is not None:
                        open_down[column] = cell
                    else:
                        open_down.pop(column, None)
                column += span
            rows.append(row)
        frozen = tuple(tuple(Cell(tuple(c.blocks), c.column, c.col_span, c.row_span) for c in row)
                       for row in rows)
        text = next((b.plain for b in _texts(frozen)), "")
        return Table(frozen, header_rows, Location(self.numbers.get(first) if first is not None else None,
                                                   snippet(text)))


def _texts(rows: Sequence[Sequence[Cell]]) -> Iterator[Heading | Paragraph]:
    for row in rows:
        for cell in row:
            yield from iter_text_blocks(cell.blocks)


def _children(parent: _Element, tag: str) -> Iterator[_Element]:
    """``parent``'s children with ``tag`` — rows of a table, cells of a row — also inside
    content controls and custom XML wrapped around them."""
    for el in parent.iterchildren():
        if el.tag == tag:
            yield el
        elif el.tag in (SDT, CUSTOM_XML):
            content = el.find(SDT_CONTENT) if el.tag == SDT else el
            if content is not None:
                yield from _children(content, tag)


#: How a check box content control reads: its state, as the glyphs Word shows for it.
UNTICKED, TICKED = "\u2610", "\u2612"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"


def _check_box_state(sdt: _Element) -> bool | None:
    """A check box content control's state (``w14:checkbox``), or None for any other control."""
    sdtpr = sdt.find(SDT_PR)
    box = sdtpr.find(W14 + "checkbox") if sdtpr is not None else None
    if box is None:
        return None
    checked = box.find(W14 + "checked")
    return checked is not None and checked.get(W14 + "val", "1").lower() in ("1", "true", "on")


def _showing_placeholder(sdt: _Element) -> bool:
    sdtpr = sdt.find(SDT_PR)
    return sdtpr is not None and sdtpr.find(_W + "showingPlcHdr") is not None


def _object_note(el: _Element, tag: str) -> tuple[str, str]:
    if next(el.iter(TXBX), None) is not None:
        return ("textbox", "a text box was left out (its text is not read)")
    return _OBJECT_NOTES[tag]


def _alternate_note(el: _Element) -> tuple[str, str]:
    if next(el.iter(TXBX), None) is not None:
        return ("textbox", "a text box was left out (its text is not read)")
    return ("image", "a picture or shape was left out")


def _properties(package: Package) -> dict[str, str]:
    rel = next((r for r in package.relationships("") if r.kind == "core-properties" and not r.external), None)
    if rel is None or not package.has(rel.target):
        return {}
    root = package.xml(rel.target)
    out: dict[str, str] = {}
    for key, tag in (("title", "{http://purl.org/dc/elements/1.1/}title"),
                     ("author", "{http://purl.org/dc/elements/1.1/}creator")):
        el = root.find(tag)
        text = (el.text or "").strip() if el is not None else ""
        if text:
            out[key] = text
    return out


def read_docx(path: Path | str, *, name: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Document:
    """The blocks of a Word document, after the safety checks of ``safety.open_docx``.

    ``name`` is how messages call the file (default: its file name). Raises
    ``DocumentError`` for anything refused or unreadable.
    """
    package = open_docx(Path(path), name, limits)
    try:
        reader = _Reader(package)
        reader.refuse_changes_and_comments()
        blocks = reader.blocks(reader.body)
        document = Document(package.name, blocks, properties=_properties(package), sha256=package.sha256)
    finally:
        package.close()
    document.notes = [*package.notes, *iter_notes(blocks)]
    return document

