"""The PSA recommendations tracker: list, record progress, remove by decision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cspkit.errors import NotFound, UserError
from cspkit.models.meeting import MeetingStatus
from cspkit.models.psa import PSA, Recommendation, RecommendationStatus
from cspkit.workflows._common import Context, item_number, open_context, parse_date, put, to_rt


def _year(ctx: Context, year: int | str | None) -> PSA:
    if not ctx.repo.psa:
        raise NotFound("no PSA recommendations on file (records/psa/<year>.yaml)")
    if year is None:
        return ctx.repo.psa[max(ctx.repo.psa)]
    try:
        y = int(str(year).strip())
    except ValueError:
        raise UserError(f"'{year}' is not a year (e.g. 2023)") from None
    if y not in ctx.repo.psa:
        if ctx.psa_path(y).exists():
            raise ctx._invalid(ctx.psa_path(y))
        years = ", ".join(str(k) for k in sorted(ctx.repo.psa))
        raise NotFound(f"no PSA for {y} (years on file: {years})")
    return ctx.repo.psa[y]


def _recommendation(psa: PSA, number: int | str) -> tuple[int, Recommendation]:
    try:
        n = int(str(number).strip())
    except ValueError:
        raise UserError(f"'{number}' is not a recommendation number") from None
    for i, r in enumerate(psa.recommendations):
        if r.number == n:
            return i, r
    numbers = ", ".join(str(r.number) for r in psa.recommendations)
    raise NotFound(f"the {psa.year} PSA has no recommendation {n} (it has {numbers})")


@dataclass
class PsaResult:
    year: int
    number: int
    status: str | None
    written: list[Path] = field(default_factory=list)


def list_recommendations(root: Path | None = None, year: int | str | None = None) -> tuple[PSA, dict[str, str]]:
    """The recommendations of a PSA year (default: the latest on file) and people's names."""
    ctx = open_context(root)
    return _year(ctx, year), {pid: p.name for pid, p in ctx.repo.people.items()}


def _status(value: str | RecommendationStatus) -> RecommendationStatus:
    try:
        return RecommendationStatus(str(value).strip().lower())
    except ValueError:
        words = ", ".join(s.value for s in RecommendationStatus if s != RecommendationStatus.removed)
        raise UserError(f"unknown recommendation status '{value}' (use one of: {words})") from None


def update_recommendation(root: Path | None = None, number: int | str = 0, note: str = "", *,
                          status: str | RecommendationStatus | None = None, year: int | str | None = None,
                          date: str | dt.date | None = None, meeting: str | dt.date | None = None,
                          dry_run: bool = False) -> PsaResult:
    """Append a dated update to a recommendation (and set its status, if given)."""
    ctx = open_context(root)
    psa = _year(ctx, year)
    index, rec = _recommendation(psa, number)
    if rec.status == RecommendationStatus.removed:
        raise UserError(f"recommendation {rec.number} of the {psa.year} PSA was removed at {rec.removed.meeting}"
                        if rec.removed else f"recommendation {rec.number} was removed")
    if not note or not note.strip():
        raise UserError("give the update's text (--note)")
    new_status = _status(status) if status is not None else None
    if new_status == RecommendationStatus.removed:
        raise UserError(f"use cspkit psa remove {rec.number} --by MEETING to remove a recommendation")
    day = parse_date(date, "--date") if date is not None else dt.date.today()
    entry: dict[str, Any] = {"date": day, "text": note.strip()}
    if meeting is not None:
        entry["meeting"] = ctx.meeting(meeting).date

    def mutate(doc: Any) -> None:
        node = doc["recommendations"][index]
        if new_status is not None:
            put(node, "status", new_status, Recommendation)
        updates = node.get("updates")
        if updates is None:
            put(node, "updates", [entry], Recommendation)
        else:
            updates.append(to_rt(entry))

    ctx.edit.update(_path(ctx, psa), mutate)
    written = ctx.apply(dry_run=dry_run)
    final = new_status or rec.status
    return PsaResult(psa.year, rec.number, final.value if final else None, written)


def remove_recommendation(root: Path | None = None, number: int | str = 0, *, by: str | dt.date = "",
                          item: str | None = None, reason: str | None = None, year: int | str | None = None,
                          dry_run: bool = False) -> PsaResult:
    """Record that a recommendation was removed by decision of a (held) meeting."""
    ctx = open_context(root)
    psa = _year(ctx, year)
    index, rec = _recommendation(psa, number)
    if rec.status == RecommendationStatus.removed:
        raise UserError(f"recommendation {rec.number} of the {psa.year} PSA was already removed")
    m = ctx.meeting(by)
    if m.status != MeetingStatus.held:
        raise UserError(f"the meeting on {m.date} is {m.status.value}: a recommendation is removed by the "
                        "decision of a held meeting")
    removal: dict[str, Any] = {"meeting": m.date}
    if item:
        if m.item(str(item)) is None:
            raise NotFound(f"the meeting on {m.date} has no item {item}")
        removal["item"] = item_number(str(item))
    if reason and reason.strip():
        removal["reason"] = reason.strip()

    def mutate(doc: Any) -> None:
        node = doc["recommendations"][index]
        put(node, "status", RecommendationStatus.removed, Recommendation)
        put(node, "removed", removal, Recommendation)

    ctx.edit.update(_path(ctx, psa), mutate)
    written = ctx.apply(dry_run=dry_run)
    return PsaResult(psa.year, rec.number, "removed", written)


def _path(ctx: Context, psa: PSA) -> Path:
    src = ctx.repo.source_of(psa)
    return src.path if src is not None else ctx.psa_path(psa.year)
