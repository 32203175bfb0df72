"""``records/psa/<YEAR>.yaml``: the Partnership Strategic Assessment's recommendations."""

from __future__ import annotations

from pydantic import Field, model_validator

from cspkit.models.common import Date, ItemNumber, Markdown, MeetingRef, PersonId, Record, StrEnum, empty_list


class RecommendationStatus(StrEnum):
    proposed = "proposed"
    agreed = "agreed"
    in_progress = "in-progress"
    complete = "complete"
    removed = "removed"


class RecommendationUpdate(Record):
    date: Date
    text: Markdown
    meeting: MeetingRef | None = None
    """The meeting at which the update was given or agreed."""


class Removal(Record):
    meeting: MeetingRef
    """The meeting whose decision removed the recommendation."""
    item: ItemNumber | None = None
    reason: Markdown | None = None


class Recommendation(Record):
    number: int = Field(ge=1)
    text: Markdown
    owners: list[PersonId] = empty_list()
    status: RecommendationStatus | None = None
    """Left empty where the tracker shows no status."""
    updates: list[RecommendationUpdate] = empty_list()
    removed: Removal | None = None

    @model_validator(mode="after")
    def _removal(self) -> Recommendation:
        if (self.status == RecommendationStatus.removed) != (self.removed is not None):
            raise ValueError("status removed and removed: {meeting: ...} go together")
        return self


class PSA(Record):
    year: int = Field(ge=2000, le=2100)
    title: str
    """e.g. "2023 PSA Recommendations"."""
    assessment: str | None = None
    """The assessment the recommendations come from ("2022/23 Partnership Strategic Assessment")."""
    recommendations: list[Recommendation]
