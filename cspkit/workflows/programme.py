"""The forward programme: what is due when, and moving it on after a meeting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cspkit import views
from cspkit.errors import UserError
from cspkit.listing import Column, Table
from cspkit.models.meeting import MeetingStatus
from cspkit.models.programme import ProgrammeItem, ProgrammeStatus, Recurrence, Special
from cspkit.session import Session
from cspkit.workflows._common import Written, parse_date, put

PROGRAMME_COLUMNS = [
    Column("id", "Id", ratio=1, min_width=10),
    Column("item", "Item", ratio=3, min_width=20),
    Column("when", "When"),
    Column("recurs", "Recurs"),
    Column("action_by", "Action by", ratio=1, min_width=10, shown=lambda r: "/".join(r["action_by"])),
    Column("status", "Status"),
    Column("last_taken", "Last taken"),
]


def list_programme(ctx: Session, due_by: str | dt.date | None = None, audience: str = "partners") -> Table:
    """Every forward programme row (or, with ``due_by``, only those due at a meeting on that date)."""
    day = parse_date(due_by, "--due-by") if due_by is not None else None
    names = ctx.names()
    rows = []
    for it in ctx.repo.programme.items if ctx.repo.programme else []:
        if (day is not None and not views.is_due(ctx.repo, it, day)) or \
                (audience == "public" and views.is_restricted(ctx.repo, it)):
            continue
        rows.append({"id": it.id, "item": it.item,
                     "when": it.when.value if isinstance(it.when, Special) else str(it.when),
                     "recurs": it.recurs.value, "action_by": [names.get(p, p) for p in it.action_by],
                     "status": it.status.value, "last_taken": it.last_taken.isoformat() if it.last_taken else None})
    return Table(PROGRAMME_COLUMNS, rows, title=f"Due by {day}" if day else "Forward programme",
                 empty=f"Nothing due by {day}." if day else "The forward programme is empty.")


def _add_months(day: dt.date, months: int) -> str:
    index = day.year * 12 + day.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def next_when(ctx: Session, item: ProgrammeItem, taken: dt.date) -> Any:
    """Where a recurring row goes after being taken at the meeting on ``taken``.

    standing: the next meeting (a date when the row used a date, else its month; the month
    after ``taken`` when no next meeting is known); annual: the same month a year on;
    six-monthly: six months on; civic-year rows keep ``civic-year`` (``last_taken`` says
    this civic year's is done).
    """
    when = item.when
    if isinstance(when, Special) and (when == Special.civic_year or item.recurs == Recurrence.standing):
        return when
    if item.recurs == Recurrence.standing:
        nxt = views.next_meeting_date(ctx.repo, taken)
        if nxt is None:
            return _add_months(taken, 1)
        return nxt if isinstance(when, dt.date) else f"{nxt.year:04d}-{nxt.month:02d}"
    if item.recurs == Recurrence.annual:
        return _add_months(taken, 12)
    if item.recurs == Recurrence.six_monthly:
        return _add_months(taken, 6)
    return when


@dataclass
class Rolled:
    id: str
    title: str
    change: str
    """What happened: "done", "next: 2024-01", "already rolled"."""


@dataclass
class RollResult(Written):
    meeting: dt.date
    rolled: list[Rolled] = field(default_factory=list)


def roll_programme(ctx: Session, meeting: str | dt.date = "", *, dry_run: bool = False) -> RollResult:
    """After a held meeting: rows it took (agenda ``programme_item:``) move on.

    A one-off row becomes ``status: done``; a recurring one (standing, annual, six-monthly)
    gets its next ``when`` (:func:`next_when`). Both get ``last_taken`` = the meeting.
    Rolling the same meeting twice changes nothing.
    """
    m = ctx.meeting(meeting)
    if m.status != MeetingStatus.held:
        raise UserError(f"the meeting on {m.date} is {m.status.value}: roll the forward programme after it is held "
                        f"(cspkit minutes start {m.date})")
    prog = ctx.repo.programme
    if prog is None:
        raise UserError("there is no forward programme (records/forward-programme.yaml)")
    taken = views.programme_items_taken(ctx.repo, m.date)
    result = RollResult(m.date)
    changes: list[tuple[int, dict[str, Any]]] = []
    for it in taken:
        index = prog.items.index(it)
        if it.last_taken is not None and it.last_taken >= m.date:
            result.rolled.append(Rolled(it.id, it.item, "already rolled"))
            continue
        if it.status in (ProgrammeStatus.done, ProgrammeStatus.dropped):
            result.rolled.append(Rolled(it.id, it.item, f"left alone ({it.status.value})"))
            continue
        update: dict[str, Any] = {}
        if it.recurs == Recurrence.none:
            update["status"] = ProgrammeStatus.done
            change = "done"
        else:
            when = next_when(ctx, it, m.date)
            if when != it.when:
                update["when"] = when
            if it.status != ProgrammeStatus.planned:
                update["status"] = ProgrammeStatus.planned
            change = f"next: {when.value if isinstance(when, Special) else when}"
        update["last_taken"] = m.date
        changes.append((index, update))
        result.rolled.append(Rolled(it.id, it.item, change))
    if changes:
        def mutate(doc: Any) -> None:
            for index, update in changes:
                for key, value in update.items():
                    put(doc["items"][index], key, value, ProgrammeItem)

        src = ctx.repo.source_of(prog)
        ctx.edit(src.path if src else ctx.path("forward-programme"), mutate)
        done = Written.of(ctx.commit(dry_run))
        result.written, result.dry_run, result.texts = done["written"], done["dry_run"], done["texts"]
    return result
