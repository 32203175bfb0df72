"""The PSA recommendations tracker: list, record progress, remove by decision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cspkit.errors import NotFound, UserError
from cspkit.listing import Column, Table
from cspkit.models.meeting import MeetingStatus
from cspkit.models.psa import PSA, Recommendation, RecommendationStatus
from cspkit.session import Session
from cspkit.workflows._common import Written, item_number, parse_date, put, to_plain


def _year(ctx: Session, year: int | str | None) -> PSA:
    if not ctx.repo.psa:
        raise NotFound("no PSA recommendations on file (records/psa/<year>.yaml)")
    if year is None:
        return ctx.repo.psa[max(ctx.repo.psa)]
    try:
        y = int(str(year).strip())
    except ValueError:
        raise UserError(f"'{year}' is not a year (e.g. 2023)") from None
    if y not in ctx.repo.psa:
        if ctx.path("psa", y).exists():
            raise ctx.invalid(ctx.path("psa", y))
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
class PsaResult(Written):
    year: int
    number: int
    status: str | None


PSA_COLUMNS = [
    Column("number", "No."),
    Column("text", "Recommendation", ratio=3, min_width=20),
    Column("owners", "Owners", ratio=1, min_width=10, shown=lambda r: "/".join(r["owners"])),
    Column("status", "Status"),
    Column("latest", "Latest update", ratio=2, min_width=12),
]


def list_recommendations(ctx: Session, year: int | str | None = None) -> Table:
    """The recommendations of a PSA year (default: the latest on file)."""
    psa = _year(ctx, year)
    names = ctx.names()
    rows = [{"number": r.number, "text": r.text, "owners": [names.get(o, o) for o in r.owners],
             "status": r.status.value if r.status else None,
             "latest": f"{r.updates[-1].date}: {r.updates[-1].text}" if r.updates else None}
            for r in psa.recommendations]
    return Table(PSA_COLUMNS, rows, title=psa.title, empty=f"The {psa.year} PSA has no recommendations.",
                 meta={"year": psa.year, "title": psa.title}, rows_key="recommendations")


def _status(value: str | RecommendationStatus) -> RecommendationStatus:
    try:
        return RecommendationStatus(str(value).strip().lower())
    except ValueError:
        words = ", ".join(s.value for s in RecommendationStatus if s != RecommendationStatus.removed)
        raise UserError(f"unknown recommendation status '{value}' (use one of: {words})") from None


def update_recommendation(ctx: Session, number: int | str = 0, note: str = "", *,
                          status: str | RecommendationStatus | None = None, year: int | str | None = None,
                          date: str | dt.date | None = None, meeting: str | dt.date | None = None,
                          dry_run: bool = False) -> PsaResult:
    """Append a dated update to a recommendation (and set its status, if given)."""
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
        if not updates:
            put(node, "updates", [entry], Recommendation)
        else:
            updates.append(to_plain(entry))

    ctx.edit(_path(ctx, psa), mutate)
    done = Written.of(ctx.commit(dry_run))
    final = new_status or rec.status
    return PsaResult(psa.year, rec.number, final.value if final else None, **done)


def remove_recommendation(ctx: Session, number: int | str = 0, *, by: str | dt.date = "",
                          item: str | None = None, reason: str | None = None, year: int | str | None = None,
                          dry_run: bool = False) -> PsaResult:
    """Record that a recommendation was removed by decision of a (held) meeting."""
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

    ctx.edit(_path(ctx, psa), mutate)
    done = Written.of(ctx.commit(dry_run))
    return PsaResult(psa.year, rec.number, "removed", **done)


def _path(ctx: Session, psa: PSA) -> Path:
    src = ctx.repo.source_of(psa)
    return src.path if src is not None else ctx.path("psa", psa.year)
