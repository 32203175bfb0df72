"""``records/meetings/<YYYY-MM-DD>.yaml``: one meeting, its agenda and, once held, its minutes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import pairwise
from pathlib import PurePosixPath
from typing import Annotated, Any, Union

from pydantic import BeforeValidator, Field, ValidationInfo, field_validator, model_validator

from cspkit.models.common import (
    Date,
    Flag,
    ItemNumber,
    Lead,
    Markdown,
    Mode,
    OrgId,
    PersonId,
    Record,
    Slug,
    StrEnum,
    Time,
    empty_list,
)
from cspkit.models.config import ItemKind, PaperKind, ScheduleEntry


class MeetingStatus(StrEnum):
    scheduled = "scheduled"
    held = "held"
    cancelled = "cancelled"


class AttendeeRole(StrEnum):
    chair = "chair"
    vice_chair = "vice-chair"
    minutes = "minutes"


class Attendee(Record):
    person: PersonId
    capacity: str | None = None
    """How they attend, if not their registry role ("Community Safety Partnership Strategy Group Chair")."""
    organisation: OrgId | None = None
    """If they attend for a different organisation than their registry one."""
    qualifier: str | None = None
    """Printed in brackets after their organisation, as the minutes have it ("Public Health")."""
    honorific: str | None = None
    """Letters printed after their name in these minutes ("CC" for a county councillor)."""
    role: AttendeeRole | None = None
    """chair ("in the Chair"), vice-chair, or minutes (took the minutes)."""
    remote: Flag = False
    """Joined online rather than in the room."""
    substitute_for: PersonId | None = None
    """Attending in place of a member."""


class Attendance(Record):
    present: list[Attendee] = empty_list()
    officers: list[Attendee] = empty_list()
    """Officers in attendance (not members)."""
    apologies: list[Attendee] = empty_list()
    absent: list[Attendee] = empty_list()


#: The endings a document paper's source may have (PDF, Word, Markdown).
PAPER_SUFFIXES = (".pdf", ".docx", ".md", ".markdown")
_SAVE_AS = {".doc": "save it as .docx or PDF", ".odt": "save it as .docx or PDF", ".rtf": "save it as .docx or PDF",
            ".pptx": "save it as PDF", ".ppt": "save it as PDF", ".xlsx": "save it as PDF", ".xls": "save it as PDF",
            ".htm": "save it as PDF", ".html": "save it as PDF", ".txt": "save it as Markdown (.md)"}


def source_kind_problem(source: str) -> str | None:
    """Why ``source`` cannot be a paper's file, judged by its ending (None: it can)."""
    suffix = PurePosixPath(source.replace("\\", "/")).suffix.lower()
    if suffix in PAPER_SUFFIXES:
        return None
    hint = _SAVE_AS.get(suffix)
    return (f"a paper's source is a PDF (.pdf), a Word document (.docx) or Markdown (.md), not "
            f"{suffix or 'a file without an ending'}" + (f": {hint}" if hint else ""))


class Paper(Record):
    """A paper attached to an agenda item; it gets its own page range in the pack."""

    kind: PaperKind
    title: str | None = None
    """Heading of the paper (generated papers have a default)."""
    source: str | None = None
    """For a document: a file relative to the records folder, a PDF (.pdf), a Word document (.docx) or
    Markdown (.md, whose images are PNG, JPEG or SVG files inside the repository)."""
    organisation: OrgId | None = None
    """For a partner-update paper: whose update report."""
    author: PersonId | None = None
    """Whose report it is ("a report of ...")."""
    restricted: Flag = False
    """Partners only: left out of public renderings."""

    @field_validator("source")
    @classmethod
    def _source_kind(cls, source: str | None) -> str | None:
        problem = source_kind_problem(source) if source is not None else None
        if problem:
            raise ValueError(problem)
        return source

    @model_validator(mode="after")
    def _source(self) -> Paper:
        if self.kind == PaperKind.document and not self.source:
            raise ValueError("a document paper needs a source (a PDF, Word or Markdown file under records/)")
        if self.kind != PaperKind.document and self.source:
            raise ValueError(f"only a document paper has a source, not a {self.kind.value} paper")
        if (self.kind == PaperKind.partner_update) != (self.organisation is not None):
            raise ValueError("a partner-update paper names its organisation (and only it does)")
        return self


class SubItem(Record):
    """A sub-item, usually one per strategic priority."""

    number: ItemNumber | None = None
    title: str
    priority: int | None = None
    """Strategic priority number this sub-item reports on."""
    leads: list[Lead] = empty_list()
    papers: list[Paper] = empty_list()
    to_follow: Flag = False
    """The paper is late: the agenda says "To follow"."""


class AgendaItem(Record):
    number: ItemNumber
    title: str
    key: Slug | None = None
    """The standing item this comes from (see cspkit.yaml), if any."""
    leads: list[Lead] = empty_list()
    """People (ids) or roles (chair, vice-chair, clerk) leading the item."""
    lead_text: str | None = None
    """Free text when the lead is not a person on the registry ("An officer from ...")."""
    purpose: Markdown | None = None
    kind: ItemKind = ItemKind.report
    papers: list[Paper] = empty_list()
    to_follow: Flag = False
    sub_items: list[SubItem] = empty_list()
    restricted: Flag = False
    """Exempt from publication: a public pack lists only the number and "Exempt item"."""
    programme_item: Slug | None = None
    """The forward programme row this item takes."""

    def all_papers(self) -> list[Paper]:
        """The item's papers and its sub-items', in agenda order."""
        return [*self.papers, *(p for sub in self.sub_items for p in sub.papers)]


# --------------------------------------------------------------------------- minutes
# A minute's body is a list of parts in document order, as the clerk wrote them: paragraphs,
# numbered points, sub-headings, bullet lists, decision blocks, a list of upcoming meetings.
# How each looks (i. or (a), AGREED or RESOLVED, "that", the full stops) is the body's
# convention (cspkit.yaml), applied by cspkit.render.minutes_style when minutes are printed,
# drafted or exported, and undone when a document is imported.

#: Keys of the minutes layout before minutes had a body (``cspkit fmt --migrate`` rewrites them).
OLD_MINUTE_KEYS = ("intro", "points", "sub_items", "decisions")


class Decision(Record):
    """One decision: what follows "AGREED that" or "RESOLVED: (a) That"."""

    text: Markdown
    """The words after "that", without the full stop: "the information be noted". The minutes add
    the body's word, "that" and the punctuation."""
    that: Flag = True
    """False for a decision that is not a that-clause, printed as it stands after the word
    ("NOTED the update from the Police")."""
    owners: list[PersonId] = empty_list()
    """People the decision gives a task to; cspkit turns such a decision into an action."""
    due: Date | None = None
    action: str | None = None
    """Id of the action raised by this decision."""


class Point(Record):
    """A numbered point followed by a bullet list of its own."""

    text: Markdown
    bullets: list[Markdown] = empty_list()
    """The bullet list under the point."""


def _point_from_text(value: Any) -> Any:
    # A point is usually just its text; a point with bullets is written as a mapping.
    return {"text": value} if isinstance(value, str) else value


PointEntry = Annotated[Point, BeforeValidator(_point_from_text, json_schema_input_type=Union[str, Point])]

#: The keys of which a body part has exactly one.
PART_KINDS = ("text", "heading", "points", "bullets", "decisions", "upcoming")


class MinutePart(Record):
    """One part of a minute's body: give exactly one of text, heading, points, bullets, decisions
    or upcoming."""

    text: Markdown | None = None
    """A paragraph."""
    heading: str | None = None
    """A sub-heading inside the minute (typed bold or underlined in the document)."""
    number: ItemNumber | None = None
    """The sub-heading's number, when it heads a sub-item of the agenda item (8a)."""
    points: list[PointEntry] | None = None
    """Numbered points (i., ii. … or (a), (b) … as the body numbers them). Numbering runs on
    through the minute and starts again after a sub-heading."""
    bullets: list[Markdown] | None = None
    """A bullet list."""
    word: str | None = None
    """The word of this block of decisions where it is not the body's usual one ("NOTED")."""
    decisions: list[Decision] | None = None
    """A block of decisions: one is printed "AGREED that …"; several are numbered or lettered
    under the word, as the body writes them."""
    upcoming: list[ScheduleEntry] | None = None
    """A list of upcoming meetings ("Upcoming meetings: 12th October 2023 at 10am")."""

    @model_validator(mode="after")
    def _one_kind(self) -> MinutePart:
        fields = self.__dict__  # (every record of every minute passes here: attribute lookups add up)
        given = [k for k in PART_KINDS if fields[k] is not None]
        if len(given) != 1:
            what = " and ".join(given) if given else "none of them"
            raise ValueError(f"a part of a minute holds one of {', '.join(PART_KINDS[:-1])} or upcoming, "
                             f"not {what}")
        if self.number is not None and self.heading is None:
            raise ValueError("number goes with a heading (the sub-item it heads)")
        if self.word is not None and self.decisions is None:
            raise ValueError("word goes with decisions (the word they follow)")
        if fields[given[0]] == []:
            raise ValueError(f"{given[0]} is empty: leave the part out")
        return self

    @property
    def kind(self) -> str:
        """Which of :data:`PART_KINDS` this part is."""
        return next(k for k in PART_KINDS if getattr(self, k) is not None)


class MinuteOutcome(StrEnum):
    deferred = "deferred"
    """The item was put off to a later meeting."""
    withdrawn = "withdrawn"
    """The item was withdrawn and not taken."""


class MinuteItem(Record):
    """The minute of one item of business."""

    number: int | None = Field(None, ge=1)
    """The minute number, where the body numbers minutes continuously."""
    item: ItemNumber | None = None
    """The agenda item this minutes (none for business raised in the room)."""
    title: str
    outcome: MinuteOutcome | None = None
    """deferred or withdrawn, when the item was not taken."""
    restricted: Flag = False
    """Exempt from publication: a public copy shows only the number and "Exempt item"."""
    body: list[MinutePart] = empty_list()
    """What the minute says, in the order it says it."""

    @model_validator(mode="before")
    @classmethod
    def _old_layout(cls, data: Any) -> Any:
        if isinstance(data, dict) and any(k in data for k in OLD_MINUTE_KEYS):
            old = ", ".join(k for k in OLD_MINUTE_KEYS if k in data)
            raise ValueError(f"this minute is in the layout before minutes had a body ({old}): "
                             "run 'cspkit fmt --migrate' to rewrite it")
        return data

    @model_validator(mode="after")
    def _point_bullets(self) -> MinuteItem:
        # In a document these cannot be told apart from one list; one spelling keeps imports exact.
        for before, part in pairwise(self.body):
            if before.points is not None and part.bullets is not None:
                raise ValueError("a bullet list straight after numbered points belongs to the last point: "
                                 "write it as that point's bullets (- text: … / bullets: …)")
            if before.upcoming is not None and part.bullets is not None:
                raise ValueError("a bullet list straight after the upcoming meetings reads as more meetings: "
                                 "put a paragraph between them, or make the bullets meetings")
            for key in ("points", "bullets"):
                if getattr(before, key) is not None and getattr(part, key) is not None:
                    raise ValueError(f"two lists of {key} in a row are one list: join them")
        return self

    @property
    def decisions(self) -> list[Decision]:
        """Every decision of the minute, in order (an action's ``decision`` counts in this list)."""
        return [d for part in self.body for d in (part.decisions or ())]

    def decision_places(self) -> list[tuple[int, int]]:
        """(part index, index in the part) of each decision of :attr:`decisions`, for edits."""
        return [(i, k) for i, part in enumerate(self.body) for k in range(len(part.decisions or ()))]

    def texts(self) -> list[str]:
        """Every piece of text of the minute, in order (paragraphs, headings, points, bullets, decisions)."""
        out: list[str] = []
        for part in self.body:
            if part.text is not None:
                out.append(part.text)
            if part.heading is not None:
                out.append(part.heading)
            for p in part.points or ():
                out += [p.text, *p.bullets]
            out += part.bullets or ()
            out += [d.text for d in part.decisions or ()]
            out += [u.label for u in part.upcoming or () if u.label]
        return out


class MinutesState(StrEnum):
    draft = "draft"
    circulated = "circulated"
    approved = "approved"


class ImportedFile(Record):
    """The document minutes were imported from."""

    file: str
    """Its file name."""
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    """The SHA-256 of its bytes: which version of the file it was."""


class Minutes(Record):
    state: MinutesState = MinutesState.draft
    approved_at: Date | None = None
    """The (later) meeting at which these minutes were approved."""
    ended: Time | None = None
    """When the meeting closed, if recorded."""
    external: str | None = None
    """The minutes are kept elsewhere, not in these records: where (a document, a web page)."""
    imported_from: ImportedFile | None = None
    """The Word or Markdown document these minutes were last imported from (cspkit minutes import)."""
    items: list[MinuteItem] = empty_list()

    @model_validator(mode="after")
    def _approval(self) -> Minutes:
        if self.state == MinutesState.approved and self.approved_at is None:
            raise ValueError("approved minutes need approved_at: the meeting that approved them")
        if self.approved_at is not None and self.state != MinutesState.approved:
            raise ValueError(f"approved_at is set but state is {self.state.value}")
        if self.external is not None and self.items:
            raise ValueError("minutes kept elsewhere (external) have no items here")
        return self


class Meeting(Record):
    date: Date
    status: MeetingStatus = MeetingStatus.scheduled
    start: Time | None = None
    end: Time | None = None
    venue: str | None = None
    """Where it is held; `to be confirmed` while the notice says so."""
    mode: Mode | None = None
    chair: PersonId | None = None
    attendance: Attendance = Attendance()
    agenda: list[AgendaItem] = empty_list()
    minutes: Minutes | None = None
    note: Markdown | None = None
    """Anything worth keeping that has no field (why a meeting was cancelled)."""

    # Field validators (not one model validator) so that a problem points at the key at fault.
    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: dt.time | None, info: ValidationInfo) -> dt.time | None:
        start = info.data.get("start")
        if start and end and end <= start:
            raise ValueError(f"end {end:%H:%M} is not after start {start:%H:%M}")
        return end

    @field_validator("minutes")
    @classmethod
    def _minutes_when_held(cls, minutes: Minutes | None, info: ValidationInfo) -> Minutes | None:
        status = info.data.get("status")
        if minutes is not None and status is not None and status != MeetingStatus.held:
            raise ValueError(f"only a held meeting has minutes; this one is {status.value}")
        return minutes

    def item(self, number: str) -> AgendaItem | None:
        return next((i for i in self.agenda if i.number == number), None)

    def paper_places(self) -> Iterator[tuple[tuple[Any, ...], Paper]]:
        """Every paper of the agenda, sub-items' included, in agenda order, with its field path:
        ``("agenda", i, "papers", j)`` or ``("agenda", i, "sub_items", k, "papers", j)``."""
        for i, item in enumerate(self.agenda):
            for j, paper in enumerate(item.papers):
                yield ("agenda", i, "papers", j), paper
            for k, sub in enumerate(item.sub_items):
                for j, paper in enumerate(sub.papers):
                    yield ("agenda", i, "sub_items", k, "papers", j), paper
