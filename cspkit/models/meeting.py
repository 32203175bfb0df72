"""``records/meetings/<YYYY-MM-DD>.yaml``: one meeting, its agenda and, once held, its minutes."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, ValidationInfo, field_validator, model_validator

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
)
from cspkit.models.config import ItemKind, PaperKind


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
    present: list[Attendee] = []
    officers: list[Attendee] = []
    """Officers in attendance (not members)."""
    apologies: list[Attendee] = []
    absent: list[Attendee] = []


class Paper(Record):
    """A paper attached to an agenda item; it gets its own page range in the pack."""

    kind: PaperKind
    title: str | None = None
    """Heading of the paper (generated papers have a default)."""
    source: str | None = None
    """For a document: a Markdown file, relative to the records folder."""
    organisation: OrgId | None = None
    """For a partner-update paper: whose update report."""
    author: PersonId | None = None
    """Whose report it is ("a report of ...")."""
    restricted: Flag = False
    """Partners only: left out of public renderings."""

    @model_validator(mode="after")
    def _source(self) -> Paper:
        if self.kind == PaperKind.document and not self.source:
            raise ValueError("a document paper needs a source (a Markdown file under records/)")
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
    leads: list[Lead] = []
    papers: list[Paper] = []
    to_follow: Flag = False
    """The paper is late: the agenda says "To follow"."""


class AgendaItem(Record):
    number: ItemNumber
    title: str
    key: Slug | None = None
    """The standing item this comes from (see cspkit.yaml), if any."""
    leads: list[Lead] = []
    """People (ids) or roles (chair, vice-chair, clerk) leading the item."""
    lead_text: str | None = None
    """Free text when the lead is not a person on the registry ("An officer from ...")."""
    purpose: Markdown | None = None
    kind: ItemKind = ItemKind.report
    papers: list[Paper] = []
    to_follow: Flag = False
    sub_items: list[SubItem] = []
    restricted: Flag = False
    """Exempt from publication: a public pack lists only the number and "Exempt item"."""
    programme_item: Slug | None = None
    """The forward programme row this item takes."""


class Decision(Record):
    text: Markdown
    """The decision, worded to follow the body's word ("that the information be noted")."""
    owners: list[PersonId] = []
    """People the decision gives a task to; cspkit turns such a decision into an action."""
    due: Date | None = None
    action: str | None = None
    """Id of the action raised by this decision."""


class MinuteSubItem(Record):
    number: ItemNumber | None = None
    title: str
    points: list[Markdown] = []


class MinuteItem(Record):
    """The minute of one item of business."""

    number: int | None = Field(None, ge=1)
    """The minute number, where the body numbers minutes continuously."""
    item: ItemNumber | None = None
    """The agenda item this minutes (none for business raised in the room)."""
    title: str
    intro: Markdown | None = None
    """Opening paragraph(s) before the numbered points."""
    points: list[Markdown] = []
    """The discussion, as numbered points (i, ii, iii ...)."""
    sub_items: list[MinuteSubItem] = []
    decisions: list[Decision] = []
    restricted: Flag = False


class MinutesState(StrEnum):
    draft = "draft"
    circulated = "circulated"
    approved = "approved"


class Minutes(Record):
    state: MinutesState = MinutesState.draft
    approved_at: Date | None = None
    """The (later) meeting at which these minutes were approved."""
    ended: Time | None = None
    """When the meeting closed, if recorded."""
    external: str | None = None
    """The minutes are kept elsewhere, not in these records: where (a document, a web page)."""
    items: list[MinuteItem] = []

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
    agenda: list[AgendaItem] = []
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
