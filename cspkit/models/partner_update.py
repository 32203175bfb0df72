"""``records/updates/<YYYY-MM-DD>/<organisation>.yaml``: one partner's update report."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from cspkit.models.common import MONTH_RE, Date, Flag, Markdown, OrgId, PersonId, Record, Slug, empty_dict, empty_list

ReportDate = Annotated[
    Date | Annotated[str, Field(pattern=MONTH_RE)],
    Field(description="The date on the form: YYYY-MM-DD, or YYYY-MM where only a month is given."),
]

#: A section of the update form, as the form definition names it: a field of the update
#: (``summary``, ``planned_activity`` …) or a section of the body's own (``local-issues``).
SECTION_KEY_RE = r"^[a-z][a-z0-9_-]{0,62}$"
SectionKey = Annotated[
    str,
    StringConstraints(pattern=SECTION_KEY_RE),
    Field(description="A section of the update form (update_form.sections in cspkit.yaml), by its key."),
]

#: The sections every update has as a field of its own, in the order of the paper form.
TEXT_FIELDS = ("summary", "recommendations", "performance", "budget", "risks", "planned_activity", "other",
               "support_required", "contact")


class PriorityUpdate(Record):
    """The update under one strategic priority or theme."""

    priority: int | None = Field(None, ge=1)
    theme: int | None = Field(None, ge=1)
    text: Markdown | None = None
    """What the partner did towards it; empty means "n/a"."""
    restricted: Flag = False
    """Not for publication: left out of public packs (the partner ticked the box on the form)."""

    @model_validator(mode="after")
    def _one(self) -> PriorityUpdate:
        if (self.priority is None) == (self.theme is None):
            raise ValueError("give exactly one of priority or theme")
        return self

    @property
    def key(self) -> str:
        """``theme-1`` or ``priority-2``: how the form and messages name this row."""
        return f"theme-{self.theme}" if self.theme is not None else f"priority-{self.priority}"


class Received(Record):
    """When a filled-in form came back, and which file it was (``cspkit update import``)."""

    date: Date
    """The day it was imported."""
    file: str
    """The file's name as it was sent (no folder)."""
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    """The SHA-256 of the file's bytes: which version of the file this record holds."""


class PartnerUpdate(Record):
    """The partner update form (every section of it; an empty one prints as "n/a")."""

    meeting: Date
    organisation: OrgId
    authors: list[PersonId] = empty_list()
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
    priorities: list[PriorityUpdate] = empty_list()
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
    contact: Markdown | None = None
    """The published "Officer to contact" block, as the report prints it (name, role, how to reach
    them). Filled in deliberately: cspkit never copies an address from contacts.yaml into it."""
    sections: dict[SectionKey, Markdown | None] = empty_dict()
    """Sections of the partnership's own form (update_form.sections in cspkit.yaml) that are not
    fields above, by key ("local-issues": …)."""
    restricted: Flag = False
    restricted_sections: list[SectionKey] = empty_list()
    """Sections not for publication (the partner ticked the box on the form), by key: left out of
    public packs while the rest of the update is published."""
    requested: list[Date] = empty_list()
    """The days the form was sent to the partner (``cspkit update chase --email``), oldest first."""
    received: Received | None = None
    """When the filled-in form came back and from which file (``cspkit update import``)."""

    def text_of(self, key: str) -> str | None:
        """The text of the section ``key``: a field of the update or one of ``sections``."""
        if key in TEXT_FIELDS:
            value: str | None = getattr(self, key)
            return value
        return self.sections.get(key)

    @property
    def filled(self) -> bool:
        """Whether anything has been written in it beyond what a blank form holds."""
        return any(self.text_of(k) for k in TEXT_FIELDS) or any(self.sections.values()) or any(
            p.text for p in self.priorities) or self.date is not None

    @property
    def is_received(self) -> bool:
        """Received: imported from a returned form, or filled in by hand. A skeleton made by
        ``update new`` or a request recorded by ``update chase --email`` is a draft until then."""
        return self.received is not None or self.filled
