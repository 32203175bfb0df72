"""``records/updates/<YYYY-MM-DD>/<organisation>.yaml``: one partner's update report."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from cspkit.models.common import MONTH_RE, Date, Flag, Markdown, OrgId, PersonId, Record, Slug

ReportDate = Annotated[
    Date | Annotated[str, Field(pattern=MONTH_RE)],
    Field(description="The date on the form: YYYY-MM-DD, or YYYY-MM where only a month is given."),
]


class PriorityUpdate(Record):
    """The update under one strategic priority or theme."""

    priority: int | None = Field(None, ge=1)
    theme: int | None = Field(None, ge=1)
    text: Markdown | None = None
    """What the partner did towards it; empty means "n/a"."""

    @model_validator(mode="after")
    def _one(self) -> PriorityUpdate:
        if (self.priority is None) == (self.theme is None):
            raise ValueError("give exactly one of priority or theme")
        return self


class PartnerUpdate(Record):
    """The partner update form (every section of it; an empty one prints as "n/a")."""

    meeting: Date
    organisation: OrgId
    authors: list[PersonId] = []
    author_text: str | None = None
    """Author as written when not on the registry ("Station Manager")."""
    date: ReportDate | None = None
    subject: str
    summary: Markdown | None = None
    """Purpose, background and context."""
    recommendations: Markdown | None = None
    """Any recommendations for the CSP to consider."""
    performance: Markdown | None = None
    """Relevant performance data."""
    plan: Slug | None = None
    """The plan whose priorities or themes the form uses (default: the plan current at the meeting)."""
    priorities: list[PriorityUpdate] = []
    budget: Markdown | None = None
    """Budget / resource implications."""
    risks: Markdown | None = None
    """Key risks / issues."""
    planned_activity: Markdown | None = None
    """Planned activity in the next quarter."""
    other: Markdown | None = None
    """Any other update, developments, achievements, challenges / opportunities."""
    support_required: Markdown | None = None
    """Gaps / support required."""
    restricted: Flag = False
