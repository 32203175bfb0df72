"""The partner update form as a Word document, laid out as the partnership's own form.

``layout: table`` (the usual form) is one two-column table: a label column, bold, with a
"Not for publication" tick box under each section's label, and an answer column holding the
grey guidance text a partner types over. The plan's themes (or priorities) each get a row
across the table with their title, then a row for the update against them.
``layout: headings`` (a headed report, as the county board's partners write) puts the
details in a table and gives each section a heading, its tick box and its guidance.

Answers pre-filled from last quarter come after a guidance line saying so, so a partner sees
what they are keeping, and the import can tell that they kept it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from cspkit.documents import Block, Span, make_heading, make_paragraph
from cspkit.documents.docx_write import TICK_BOX, TICKED_BOX, WordDocument, guidance
from cspkit.documents.inline import escape_markdown
from cspkit.documents.markdown_read import markdown_blocks
from cspkit.forms.spec import (
    DETAIL_GUIDANCE,
    DETAILS,
    LAST_QUARTER,
    NOT_FOR_PUBLICATION,
    WHOLE_UPDATE,
    Answer,
    FormFill,
    FormSpec,
)
from cspkit.models.config import FormLayout


def _text(text: str, *, bold: bool = False) -> Block:
    """A paragraph of plain text (nothing in it is read as Markdown)."""
    return make_paragraph([Span(text, bold=bold)])


def _guidance(text: str) -> Block:
    return guidance(escape_markdown(text))


def _tick(ticked: bool, text: str = NOT_FOR_PUBLICATION) -> Block:
    # A ticked box is written ticked (a form filled in from a record that is restricted).
    box = TICKED_BOX if ticked else TICK_BOX
    return _text(f"{box} {text}")


def _answer_blocks(answer: Answer, fill: FormFill) -> list[Block]:
    """What goes where the partner writes: their answer, last quarter's, or the guidance."""
    value = fill.values.get(answer.key)
    if value:
        return list(markdown_blocks(value))
    if answer.key in fill.prefill:
        when, old = fill.prefill[answer.key]
        return [_guidance(LAST_QUARTER.replace("{date}", when)), *markdown_blocks(old)]
    return [_guidance(answer.guidance)] if answer.guidance else []


def _details(spec: FormSpec, fill: FormFill) -> list[tuple[str, list[Block]]]:
    """The details rows: (label, value blocks)."""
    given = {"organisation": fill.organisation, "meeting": fill.meeting, "return_by": fill.return_by,
             "author": fill.author, "date": fill.date, "subject": fill.subject, "plan": fill.plan}
    rows: list[tuple[str, list[Block]]] = []
    for key, label, _ in DETAILS:
        if key == "plan" and (fill.plan is None or spec.priorities_section is None):
            continue
        if key == "return_by" and not fill.return_by:
            continue
        if key == "publication":
            rows.append((label, [_tick("publication" in fill.ticked, WHOLE_UPDATE)]))
            continue
        value = given.get(key)
        hint = DETAIL_GUIDANCE.get(key)
        rows.append((label, [_text(value)] if value else [_guidance(hint)] if hint else []))
    return rows


def _label_cell(answer: Answer, fill: FormFill) -> list[Block]:
    cell = [_text(answer.label, bold=True)]
    if answer.section.tick:
        cell.append(_tick(answer.key in fill.ticked))
    return cell


def _table_rows(spec: FormSpec, fill: FormFill) -> tuple[list[Sequence[Sequence[Block]]], dict[tuple[int, int], int]]:
    rows: list[Sequence[Sequence[Block]]] = []
    spans: dict[tuple[int, int], int] = {}
    for label, value in _details(spec, fill):
        rows.append([[_text(label, bold=True)], value])
    for answer in spec.answers:
        if answer.heading:
            spans[(len(rows), 0)] = 2
            rows.append([[_text(answer.heading, bold=True), *(_text(u) for u in answer.under)]])
        rows.append([_label_cell(answer, fill), _answer_blocks(answer, fill)])
    return rows, spans


def _headed_blocks(spec: FormSpec, fill: FormFill) -> list[Block]:
    out: list[Block] = []
    for answer in spec.answers:
        if answer.heading:
            out.append(make_heading([Span(answer.heading)], 1))
            out.extend(_text(u) for u in answer.under)
        out.append(make_heading([Span(answer.label)], 2 if answer.in_plan else 1))
        if answer.section.tick:
            out.append(_tick(answer.key in fill.ticked))
        out.extend(_answer_blocks(answer, fill))
    return out


def form_docx(spec: FormSpec, fill: FormFill, *, when: dt.date) -> bytes:
    """The form as ``.docx`` bytes (the same bytes for the same form, fill and day).

    The document's author is the partnership; ``when`` is its date.
    """
    title = spec.title(fill.organisation)
    doc = WordDocument(title=title, author=spec.partnership, when=when)
    doc.heading(escape_markdown(title), 0)
    doc.guidance(escape_markdown(spec.instructions))
    if spec.layout == FormLayout.table:
        rows, spans = _table_rows(spec, fill)
        doc.table(rows, header_rows=0, spans=spans)
    else:
        doc.table([[[_text(label, bold=True)], value] for label, value in _details(spec, fill)], header_rows=0)
        doc.add(_headed_blocks(spec, fill))
    doc.tick_boxes()
    return doc.to_bytes()
