"""Filling in a partner update form the way partners do, with python-docx.

A partner opens the form in Word, clicks into the answer column and types: over the grey
guidance or after it, in their own font, pasting bullets and links; they add a row, merge
cells, tick a box. ``PartnerForm`` does each of those to a form's bytes, so the tests can
import what a partner would send back.
"""

from __future__ import annotations

import copy
import io
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
TICKED = "\u2612"


class PartnerForm:
    """A form being filled in (a table layout form unless said otherwise)."""

    def __init__(self, data: bytes):
        self.doc = docx.Document(io.BytesIO(data))

    @property
    def table(self):
        return self.doc.tables[0]

    def row(self, label: str):
        """The row whose label cell starts with ``label``."""
        for r in self.table.rows:
            if r.cells[0].paragraphs[0].text.strip() == label:
                return r
        raise KeyError(f"no row labelled {label!r}: {[r.cells[0].paragraphs[0].text for r in self.table.rows]}")

    def write(self, cell, *paragraphs, font: str | None = None, keep: bool = False) -> None:
        """Type paragraphs into ``cell``: over what is there, or after it (``keep``).

        A paragraph is text, ``("bullet", text)``, ``("link", text, url, before, after)``,
        ``("style", name, text)`` or ``("bold", text)``.
        """
        if not keep:
            first = cell.paragraphs[0]
            for p in cell.paragraphs[1:]:
                p._p.getparent().remove(p._p)
            for child in list(first._p):
                if child.tag != qn("w:pPr"):
                    first._p.remove(child)
            first.style = self.doc.styles["Normal"]
            targets = [first] + [None] * (len(paragraphs) - 1)
        else:
            targets = [None] * len(paragraphs)
        for target, para in zip(targets, paragraphs, strict=True):
            p = target if target is not None else cell.add_paragraph()
            if target is None:
                p.style = self.doc.styles["Normal"]
            self._type(p, para, font)

    def _type(self, p, para, font: str | None) -> None:
        if isinstance(para, str):
            para = ("text", para)
        kind, *rest = para
        if kind == "bullet":
            p.style = self.doc.styles["List Bullet"]
            run = p.add_run(rest[0])
        elif kind == "style":
            p.style = self.doc.styles[rest[0]]
            run = p.add_run(rest[1])
        elif kind == "bold":
            run = p.add_run(rest[0])
            run.bold = True
        elif kind == "link":
            text, url, before, after = rest
            if before:
                self._font(p.add_run(before), font)
            r_id = p.part.relate_to(url, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                                         "hyperlink", is_external=True)
            link = OxmlElement("w:hyperlink")
            link.set(qn("r:id"), r_id)
            r = OxmlElement("w:r")
            t = OxmlElement("w:t")
            t.text = text
            r.append(t)
            link.append(r)
            p._p.append(link)
            run = p.add_run(after) if after else None
        else:
            run = p.add_run(rest[0])
        if run is not None:
            self._font(run, font)

    @staticmethod
    def _font(run, font: str | None) -> None:
        if font:
            run.font.name = font
            run.font.size = Pt(12)

    def type(self, label: str, *paragraphs, font: str | None = None, keep: bool = False) -> None:
        """Type into the answer cell of the row labelled ``label``."""
        self.write(self.row(label).cells[1], *paragraphs, font=font, keep=keep)

    def tick(self, label: str, *, typed: bool = False) -> None:
        """Tick the row's "Not for publication" box: click it (Word updates the control), or
        (``typed``) delete the box and type an X, as someone without the control would."""
        row = self.row(label)
        for cell in row.cells:
            for sdt in cell._tc.iter(qn("w:sdt")):
                box = sdt.find(f"{qn('w:sdtPr')}/{W14}checkbox")
                if box is None:
                    continue
                if typed:
                    run = OxmlElement("w:r")
                    t = OxmlElement("w:t")
                    t.text = "X"
                    run.append(t)
                    sdt.addprevious(run)
                    sdt.getparent().remove(sdt)
                else:
                    box.find(f"{W14}checked").set(f"{W14}val", "1")
                    for t in sdt.iter(qn("w:t")):
                        t.text = TICKED
                return
        raise KeyError(f"no tick box in the row {label!r}")

    def add_row_after(self, label: str, new_label: str, *paragraphs) -> None:
        """A row added below ``label``'s (Word: Insert Row Below), its label typed (or left empty)."""
        row = self.row(label)
        new = copy.deepcopy(row._tr)
        row._tr.addnext(new)
        added = next(r for r in self.table.rows if r._tr is new)
        self.write(added.cells[0], new_label or "")
        self.write(added.cells[1], *paragraphs)

    def merge_row(self, label: str) -> None:
        """Label and answer merged into one cell (Word: Merge Cells), the label's text first."""
        row = self.row(label)
        row.cells[0].merge(row.cells[1])

    def merge_down(self, label: str, below: str) -> None:
        """The label cell of ``label`` merged with the one below (the row under it keeps its answer)."""
        top = self.row(label).cells[0]
        under = self.row(below).cells[0]
        for p in under.paragraphs:
            for r in p.runs:
                r.text = ""
        top.merge(under)

    def delete_row(self, label: str) -> None:
        row = self.row(label)
        row._tr.getparent().remove(row._tr)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    def save(self, path: Path) -> Path:
        path.write_bytes(self.to_bytes())
        return path


class HeadedForm(PartnerForm):
    """A headed form (``layout: headings``): answers are the paragraphs under each heading."""

    def heading(self, label: str):
        for p in self.doc.paragraphs:
            if p.text.strip() == label and p.style.name.startswith("Heading"):
                return p
        raise KeyError(label)

    def under(self, label: str, *paragraphs, keep: bool = False) -> None:
        """Type under the heading ``label``: over the grey guidance, or after it (``keep``)."""
        from docx.text.paragraph import Paragraph

        heading = self.heading(label)
        following = []
        el = heading._p.getnext()
        while el is not None and el.tag == qn("w:p") and not _style(el).startswith("Heading"):
            following.append(el)
            el = el.getnext()
        if not keep:
            for p in [p for p in following if _style(p) == "Guidance"]:
                p.getparent().remove(p)
                following.remove(p)
        anchor = following[-1] if following else heading._p
        for para in paragraphs:
            new = OxmlElement("w:p")
            anchor.addnext(new)
            anchor = new
            self._type(Paragraph(new, heading._parent), para, None)

    def tick_under(self, label: str) -> None:
        heading = self.heading(label)
        el = heading._p.getnext()
        for sdt in el.iter(qn("w:sdt")):
            box = sdt.find(f"{qn('w:sdtPr')}/{W14}checkbox")
            if box is not None:
                box.find(f"{W14}checked").set(f"{W14}val", "1")
                for t in sdt.iter(qn("w:t")):
                    t.text = TICKED
                return
        raise KeyError(label)

    def detail(self, label: str, text: str) -> None:
        self.type(label, text)


def _style(p) -> str:
    style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return style.get(qn("w:val")) if style is not None else ""
