"""``records/forward-programme.yaml``: what the partnership plans to take, and when."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from cspkit.models.common import MONTH_RE, Date, Flag, Markdown, PersonId, Record, Slug, StrEnum, empty_list


class Recurrence(StrEnum):
    none = "none"
    standing = "standing"
    """Every meeting."""
    annual = "annual"
    six_monthly = "six-monthly"


class Special(StrEnum):
    tbc = "tbc"
    civic_year = "civic-year"
    """The first meeting of the new civic (council) year."""


When = Annotated[
    Date | Annotated[str, Field(pattern=MONTH_RE)] | Special,
    Field(description="When it is due: a meeting date (YYYY-MM-DD), a month (YYYY-MM), civic-year or tbc."),
]


class ProgrammeStatus(StrEnum):
    planned = "planned"
    done = "done"
    deferred = "deferred"
    dropped = "dropped"


class ProgrammeItem(Record):
    id: Slug
    item: str
    """The title as it will appear on the agenda."""
    detail: Markdown | None = None
    when: When
    recurs: Recurrence = Recurrence.none
    action_by: list[PersonId] = empty_list()
    """Who brings it (becomes the agenda item's leads)."""
    status: ProgrammeStatus = ProgrammeStatus.planned
    last_taken: Date | None = None
    """The meeting at which it was last taken (set by cspkit programme roll)."""
    note: str | None = None
    """A line printed under the item ("Scrutiny Committee - 28th November 2023")."""
    restricted: Flag = False

    @model_validator(mode="after")
    def _recurring_needs_date(self) -> ProgrammeItem:
        if self.recurs == Recurrence.six_monthly and self.when == Special.tbc:
            raise ValueError("a six-monthly item needs a first month or meeting, not tbc")
        return self


class ForwardProgramme(Record):
    items: list[ProgrammeItem]
