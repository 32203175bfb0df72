"""``records/actions/<YYYY-MM-DD>.yaml``: the actions raised at one meeting.

Actions live in one file per raising meeting, so two branches that add actions to
different meetings never touch the same file, and an action's id
(``2023-07-13/11.1``: meeting / item . sequence) can never collide on merge. A progress
update appends one history entry (and changes ``status`` when it does): a small, obvious diff.
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import Field, field_validator, model_validator

from cspkit.dates import iso_date
from cspkit.models.common import ITEM_NUMBER, Date, Flag, Markdown, MeetingRef, PersonId, Record, StrEnum, empty_list

#: What an action id looks like, for messages about one that is not.
ACTION_ID_HINT = "write <meeting date>/<item>.<n> with no leading zeros, e.g. 2023-07-13/11.1"
ACTION_ID_RE = rf"^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}/{ITEM_NUMBER}\.[1-9][0-9]{{0,2}}$"


class ActionStatus(StrEnum):
    open = "open"
    complete = "complete"
    """Done."""
    closed = "closed"
    """Closed without (further) action: dropped, superseded or merged."""


class HistoryEntry(Record):
    """A dated update to an action: a comment, a status change, a reassignment."""

    date: Date
    note: Markdown | None = None
    status: ActionStatus | None = None
    """The status this update set."""
    reassigned_to: list[PersonId] = empty_list()
    """New owner(s), when the action was reassigned."""
    meeting: MeetingRef | None = None
    """The meeting at which the update was given, if any."""

    @model_validator(mode="after")
    def _says_something(self) -> HistoryEntry:
        if not (self.note or self.status or self.reassigned_to):
            raise ValueError("a history entry needs a note, a status or reassigned_to")
        return self


class Action(Record):
    id: str = Field(pattern=ACTION_ID_RE)
    """<meeting date>/<item number>.<sequence>, e.g. 2023-07-13/11.1."""
    number: int | None = Field(None, ge=1)
    """The number the body shows in its action log ("No."), if it numbers actions."""
    text: Markdown
    raised_text: Markdown | None = None
    """The wording the action was raised with, when it has since been reworded."""
    owners: list[PersonId] = Field(min_length=1)
    """Who is responsible now (joint owners are listed together)."""
    raised_owners: list[PersonId] = empty_list()
    """Who was first given the action, when it has since been reassigned."""
    deliverer: PersonId | None = None
    """Someone other than the owner who will do or report it."""
    due: Date | None = None
    """Target date."""
    due_meeting: MeetingRef | None = None
    """Target meeting ("update to the March Board")."""
    decision: int | None = Field(None, ge=1)
    """Which decision (1, 2 ...) of the item's minute raised this action."""
    status: ActionStatus = ActionStatus.open
    closed_on: Date | None = None
    """When it was completed or closed (defaults to the date of the history entry that did it)."""
    history: list[HistoryEntry] = empty_list()
    restricted: Flag = False
    """Partners only: left out of public renderings and listings. cspkit sets it on an action
    raised from a decision under a restricted minute or agenda item."""
    public: Flag = False
    """Published on purpose although its decision was minuted under a restricted minute or item
    (the clerk's call); give the reason in public_reason."""
    public_reason: str | None = None
    """Why it is published on purpose (partners' outputs show it)."""

    @model_validator(mode="after")
    def _published_on_purpose(self) -> Action:
        if self.public and self.restricted:
            raise ValueError("an action is restricted or published on purpose (public: true), not both")
        if self.public and not (self.public_reason or "").strip():
            raise ValueError("public: true needs public_reason: why it is published although its decision "
                             "is restricted")
        if self.public_reason is not None and not self.public:
            raise ValueError("public_reason is set but public is not true")
        return self

    @field_validator("id")
    @classmethod
    def _real_date(cls, value: str) -> str:
        try:
            iso_date(value.split("/", 1)[0])
        except ValueError as exc:
            day = value.split("/", 1)[0]
            raise ValueError(f"'{day}' in the id is not a real date" if "real date" in str(exc) else
                             f"the date in the id: {exc}") from None
        return value

    @property
    def meeting(self) -> dt.date:
        return dt.date.fromisoformat(self.id.split("/", 1)[0])

    @property
    def item(self) -> str:
        return self.id.split("/", 1)[1].split(".", 1)[0]

    @property
    def sequence(self) -> int:
        return int(self.id.rsplit(".", 1)[1])

    @property
    def is_open(self) -> bool:
        return self.status == ActionStatus.open

    def closed_date(self) -> dt.date | None:
        """When the action stopped being open, from ``closed_on`` or the history."""
        if self.is_open:
            return None
        if self.closed_on:
            return self.closed_on
        for entry in reversed(self.history):
            if entry.status is not None and entry.status != ActionStatus.open:
                return entry.date
        return None

    def status_on(self, day: dt.date) -> ActionStatus:
        """The status the action had at the end of ``day``, replaying its history."""
        status = ActionStatus.open
        for entry in self.history:
            if entry.date <= day and entry.status is not None:
                status = entry.status
        if not self.is_open:
            closed = self.closed_date()
            if closed is not None and closed <= day:
                status = self.status
        return status

    def owners_on(self, day: dt.date) -> list[str]:
        owners = list(self.raised_owners or self.owners)
        for entry in self.history:
            if entry.date <= day and entry.reassigned_to:
                owners = list(entry.reassigned_to)
        return owners


def action_sort_key(action_id: str) -> tuple[str, int, str, int]:
    day, rest = action_id.split("/", 1)
    item, seq = rest.split(".", 1)
    m = re.match(r"([0-9]+)([a-z]?)", item)
    return (day, int(m.group(1)) if m else 0, m.group(2) if m else item, int(seq))


class ActionFile(Record):
    """All actions raised at one meeting."""

    meeting: MeetingRef
    actions: list[Action] = empty_list()
