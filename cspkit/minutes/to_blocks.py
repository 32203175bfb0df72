"""Minutes as document blocks: what ``cspkit minutes export`` and ``draft`` write.

The blocks are laid out as the body's minutes look (:mod:`cspkit.render.minutes_style`) and as the
importer (:mod:`cspkit.minutes.from_blocks`) reads them back, so that a clerk can correct
exported minutes in Word and import them again, and a round trip changes nothing:

- the partnership's name (Title), "Minutes of a meeting of … held at … on …";
- each attendance list: its label in bold ("Present"), then a table of name | organisation,
  the name with "(in the Chair)", "(Vice-Chair)", "(minutes)", "(remote)", "(for …)";
- each minute: a Heading 1 "30. Introductions" (the minute number, or the agenda item's),
  an italic "Not for publication …" line for an exempt minute, "This item was deferred.",
  then its body: paragraphs; numbered points with Word list numbering (i., (a) …) and their
  bullets one level in; sub-headings as Heading 2 ("8a. …"); bullet lists; decisions as
  printed ("**AGREED** that …", "**RESOLVED:**" then "(a) That …;"), each owner named in
  "(Action: Name, by 31 October 2023)" — or "(No action)" where the wording would
  otherwise suggest one; "Upcoming meetings:" and a bullet per meeting;
- "The meeting closed at …", or the signature block.

A draft has the same shape, made from the agenda, with grey "Guidance" paragraphs (the lead
and purpose of each item, how to write points and decisions) that the importer leaves out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cspkit.documents import Cell, Table, make_heading, make_paragraph
from cspkit.documents.docx_write import WordDocument
from cspkit.documents.inline import Span, escape_markdown, markdown_spans
from cspkit.documents.markdown_write import blocks_markdown
from cspkit.models.meeting import Attendee, Decision, Meeting, MinuteItem, MinutePart
from cspkit.render.minutes_style import EXEMPT_NOTE, OUTCOME_TEXT, UPCOMING_TITLE, MinutesStyle

if TYPE_CHECKING:
    from cspkit.documents import Block
    from cspkit.repo import Repo

#: The attendance lists in the order minutes print them, with their labels.
ATTENDANCE_GROUPS = (("present", "Present"), ("officers", "Officers"), ("apologies", "Apologies for absence"),
                     ("absent", "Absent"))
#: Header of an attendance table.
ATTENDANCE_HEADER = ("Name", "Organisation")
#: An owner marker that says there is no action (where the wording would suggest one).
NO_ACTION = "(No action)"
#: The paragraph style of guidance in a Word draft (the documents writer's grey italic style).
GUIDANCE = "Guidance"

ROLE_TEXT = {"chair": "in the Chair", "vice-chair": "Vice-Chair", "minutes": "minutes"}
REMOTE_TEXT = "remote"
LEAD_ROLES = {"chair": "Chair", "vice-chair": "Vice-Chair", "clerk": "Committee Clerk"}


@dataclass
class MinutesDocument:
    """What an export or draft writes: its blocks, and what its Word file is called inside."""

    title: str
    author: str
    when: dt.date
    blocks: list[Any] = field(default_factory=list)


class BlockWriter:
    """Builds the blocks of minutes for one repository (names, conventions, owner inference)."""

    def __init__(self, repo: Repo, infer_owners: Any = None):
        if repo.config is None:
            raise ValueError("a repository without cspkit.yaml has no conventions")
        self.repo = repo
        self.config = repo.config
        self.style = MinutesStyle(repo.config.conventions)
        #: ``infer_owners(text) -> list[person id]``: what the importer would propose for a decision.
        self.infer_owners = infer_owners
        self.blocks: list[Block] = []

    # ------------------------------------------------------------------ primitives
    def para(self, markdown: str, **kw: Any) -> None:
        self.blocks.append(make_paragraph(markdown_spans(markdown), **kw))

    def plain_para(self, text: str, **kw: Any) -> None:
        self.blocks.append(make_paragraph([Span(text, bold=kw.pop("bold", False), italic=kw.pop("italic", False))],
                                          **kw))

    def heading(self, text: str, level: int) -> None:
        self.blocks.append(make_heading([Span(text)], level))

    def guidance(self, text: str) -> None:
        self.blocks.append(make_paragraph(markdown_spans(text), style=GUIDANCE))

    def table(self, rows: list[tuple[str, str]]) -> None:
        def cell(text: str, column: int) -> Cell:
            return Cell((make_paragraph([Span(text)]),) if text else (), column=column)

        body = [ATTENDANCE_HEADER, *rows]
        self.blocks.append(Table(tuple((cell(a, 0), cell(b, 1)) for a, b in body), header_rows=1))

    # ------------------------------------------------------------------ the document
    def opening(self, meeting: Meeting) -> None:
        self.heading(self.config.partnership.name, 0)
        self.plain_para(self.style.minutes_of(self.config.partnership.name, meeting))

    def attendance(self, meeting: Meeting) -> None:
        for group, label in ATTENDANCE_GROUPS:
            rows = [self.attendee_row(a) for a in getattr(meeting.attendance, group)]
            if rows:
                self.plain_para(label, bold=True)
                self.table(rows)

    def attendee_row(self, a: Attendee) -> tuple[str, str]:
        person = self.repo.people.get(a.person)
        name = (person.display_name if person else a.person) + (f" {a.honorific}" if a.honorific else "")
        marks = []
        if a.role is not None:
            marks.append(ROLE_TEXT[a.role.value])
        if a.substitute_for:
            sub = self.repo.people.get(a.substitute_for)
            marks.append(f"for {sub.display_name if sub else a.substitute_for}")
        if a.remote:
            marks.append(self.config.conventions.online_marker.strip().strip("()") or REMOTE_TEXT)
        name += "".join(f" ({m})" for m in marks)
        where = self._where(a, person)
        return name, f"{where} ({a.qualifier})" if a.qualifier and where else a.qualifier or where

    def _where(self, a: Attendee, person: Any) -> str:
        """The organisation column: the capacity they attend in, else the organisation."""
        if a.capacity:
            where = a.capacity
        elif a.organisation:
            org = self.repo.organisations.get(a.organisation)
            where = org.name if org else a.organisation
        else:
            org = self.repo.organisations.get(person.organisation) if person and person.organisation else None
            where = org.name if org else ""
        return where

    def lead_name(self, lead: str) -> str:
        """A lead as the agenda names it: a person's name, or the role (chair, vice-chair, clerk)."""
        person = self.repo.people.get(lead)
        return person.display_name if person else LEAD_ROLES.get(lead, lead)

    def minute(self, mi: MinuteItem) -> None:
        label = self.style.minute_number(mi)
        self.heading(f"{label}. {mi.title}" if label else mi.title, 1)
        if mi.restricted:
            self.plain_para(EXEMPT_NOTE, italic=True)
        if mi.outcome is not None:
            self.plain_para(OUTCOME_TEXT[mi.outcome])
        for part, start in zip(mi.body, self.style.point_starts(mi.body), strict=True):
            self.part(part, start)

    def part(self, part: MinutePart, start: int) -> None:
        kind = part.kind
        if kind == "text":
            self.para(part.text or "")
        elif kind == "heading":
            self.heading(f"{part.number}. {part.heading}" if part.number else part.heading or "", 2)
        elif kind == "points":
            for k, point in enumerate(part.points or []):
                self.para(point.text, label=self.style.point_label(start + k), numbered=True, level=1)
                for b in point.bullets:
                    self.para(b, bullet=True, level=2)
        elif kind == "bullets":
            for b in part.bullets or []:
                self.para(b, bullet=True, level=1)
        elif kind == "decisions":
            self.decisions(part)
        elif kind == "upcoming":
            self.plain_para(f"{UPCOMING_TITLE}:")
            for entry in part.upcoming or []:
                self.plain_para(self.style.upcoming(entry), bullet=True, level=1)

    def decisions(self, part: MinutePart) -> None:
        lines = self.style.decision_lines(part)
        decisions = part.decisions or []
        texts = [self._with_owners(text, d) for (_, text), d in zip(lines.lines, decisions, strict=True)]
        word = f"**{escape_markdown(lines.word)}**"
        if lines.same_line:
            self.para(f"{word} {texts[0]}")
            return
        self.para(word)
        for (label, _), text in zip(lines.lines, texts, strict=True):
            if label:
                self.para(text, label=label, numbered=True, level=1)
            else:
                self.para(text)

    def _with_owners(self, line: str, d: Decision) -> str:
        """The printed decision with its owners named: "that X look into Y (Action: X)."."""
        marker = self.owner_marker(d)
        if not marker:
            return line
        end = line[-1:] if line.endswith((".", ";")) else ""
        return f"{line[:len(line) - len(end)]} {marker}{end}"

    def owner_marker(self, d: Decision) -> str:
        """"(Action: Name, by 31 October 2023)", "(No action)" or "" (the wording says it)."""
        if not d.owners:
            inferred = self.infer_owners(d) if self.infer_owners else []
            return NO_ACTION if inferred else ""
        names = []
        for pid in d.owners:
            p = self.repo.people.get(pid)
            names.append(p.name if p else pid)
        due = f", by {self.style.date(d.due)}" if d.due else ""
        return f"(Action: {' and '.join(names)}{due})"

    def ending(self, meeting: Meeting, ended: dt.time | None, draft: bool = False) -> None:
        signature = self.style.signature(meeting.date, meeting.start, ended)
        if signature is not None:
            for line in signature:
                self.plain_para(line, bold=line == signature[-1])
        elif ended is not None:
            self.plain_para(self.style.closing(ended))
        elif draft:
            self.guidance("End with the time the meeting closed: “The meeting closed at 11.30am.”")


def minutes_blocks(repo: Repo, meeting: Meeting, infer_owners: Any = None) -> MinutesDocument:
    """The blocks of a meeting's minutes as recorded (``cspkit minutes export``)."""
    if meeting.minutes is None:
        raise ValueError(f"the meeting on {meeting.date} has no minutes")
    w = BlockWriter(repo, infer_owners)
    w.opening(meeting)
    w.attendance(meeting)
    for mi in meeting.minutes.items:
        w.minute(mi)
    w.ending(meeting, meeting.minutes.ended)
    return _document(w, meeting, w.blocks)


def draft_blocks(repo: Repo, meeting: Meeting, first_number: int | None) -> MinutesDocument:
    """The blocks of a document to write a meeting's minutes in (``cspkit minutes draft``).

    One heading per agenda item (numbered from ``first_number`` where minutes run on across
    meetings), its lead and purpose as guidance, its sub-items as sub-headings.
    """
    w = BlockWriter(repo)
    w.opening(meeting)
    if any(getattr(meeting.attendance, g) for g, _ in ATTENDANCE_GROUPS):
        w.attendance(meeting)
    else:
        w.guidance("Attendance: put “Present”, then a table of name | organisation, and the same for "
                   "“Officers” and “Apologies for absence”.")
    example = w.style.decision_lines(MinutePart(decisions=[Decision(text="the information be noted")]))
    w.guidance(f"Under each item write paragraphs and numbered points ({w.style.point_label(1)}, "
               f"{w.style.point_label(2)} …), then the decisions: “{example.word} "
               f"{example.lines[0][1]}” — several numbered or lettered under “{example.word}”. "
               "Name whoever is to act at the start of the decision (“that Inspector Stokes contact …”) "
               "or after it: “(Action: Name)”.")
    number = first_number
    for item in meeting.agenda:
        label = str(number) if number is not None else item.number
        w.heading(f"{label}. {item.title}", 1)
        if item.restricted:
            w.plain_para(EXEMPT_NOTE, italic=True)
        lead = "/".join([*(w.lead_name(x) for x in item.leads), *([item.lead_text] if item.lead_text else [])])
        about = "; ".join(x for x in (f"Lead: {lead}" if lead else "", item.purpose or "") if x)
        if about:
            w.guidance(about)
        for sub in item.sub_items:
            w.heading(f"{sub.number}. {sub.title}" if sub.number else sub.title, 2)
        if number is not None:
            number += 1
    w.ending(meeting, None, draft=True)
    return _document(w, meeting, w.blocks)


def _document(w: BlockWriter, meeting: Meeting, blocks: list[Any]) -> MinutesDocument:
    name = w.config.partnership.name
    return MinutesDocument(title=f"{w.config.conventions.minutes_title} of {w.style.date(meeting.date)}",
                           author=name, when=meeting.date, blocks=blocks)


def to_docx(doc: MinutesDocument) -> bytes:
    """The document as Word bytes (real heading and list styles; the same bytes for the same minutes)."""
    word = WordDocument(title=doc.title, author=doc.author, when=doc.when)
    word.add(doc.blocks)
    return word.to_bytes()


def to_markdown(doc: MinutesDocument) -> str:
    """The document as Markdown; guidance becomes HTML comments, which the importer leaves out."""
    chunks: list[str] = []
    run: list[Any] = []
    for block in doc.blocks:
        if getattr(block, "style", None) == GUIDANCE:
            if run:
                chunks.append(blocks_markdown(run))
                run = []
            chunks.append(f"<!-- {block.plain.replace('--', '–')} -->\n")
        else:
            run.append(block)
    if run:
        chunks.append(blocks_markdown(run))
    return "\n".join(chunks)
