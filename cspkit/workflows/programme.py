"""The forward programme: what is due when, and moving it on after a meeting."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from cspkit import views
from cspkit.errors import ConflictError, NotFound, UserError
from cspkit.listing import Column, Table
from cspkit.lookup import did_you_mean
from cspkit.models.common import MONTH_RE, SLUG_RE
from cspkit.models.meeting import MeetingStatus
from cspkit.models.programme import ForwardProgramme, ProgrammeItem, ProgrammeStatus, Recurrence, Special
from cspkit.session import Session
from cspkit.workflows._common import Written, id_from, parse_date, put, set_keys, to_plain

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


class NotTaken(UserError):
    """Forward programme rows that were due at a meeting its agenda did not take: each must be
    deferred or dropped (``rows`` lists them) before the programme is rolled on."""

    def __init__(self, meeting: dt.date, rows: list[ProgrammeItem]):
        self.meeting = meeting
        self.rows = rows
        ids = ", ".join(it.id for it in rows)
        super().__init__(f"{len(rows)} forward programme row(s) were due at {meeting} but not taken: {ids}; "
                         "say what happens to each: --defer ID (to the next meeting) or --drop ID")


def roll_programme(ctx: Session, meeting: str | dt.date = "", *, defer: list[str] | None = None,
                   drop: list[str] | None = None, dry_run: bool = False) -> RollResult:
    """After a held meeting: rows it took (agenda ``programme_item:``) move on.

    A one-off row becomes ``status: done``; a recurring one (standing, annual, six-monthly)
    gets its next ``when`` (:func:`next_when`). Both get ``last_taken`` = the meeting.
    Rows that were due at the meeting but not on its agenda are never passed over in silence:
    each must be named in ``defer`` (it is due again at the next meeting) or ``drop`` (status
    dropped), else :class:`NotTaken` is raised and nothing is written. Rolling the same
    meeting twice changes nothing.
    """
    m = ctx.meeting(meeting)
    if m.status != MeetingStatus.held:
        raise UserError(f"the meeting on {m.date} is {m.status.value}: roll the forward programme after it is held "
                        f"(cspkit minutes start {m.date})")
    prog = ctx.repo.programme
    if prog is None:
        raise UserError("there is no forward programme (records/forward-programme.yaml)")
    taken = views.programme_items_taken(ctx.repo, m.date)
    taken_ids = {it.id for it in taken}
    missed = [it for it in views.programme_due(ctx.repo, m.date) if it.id not in taken_ids]
    decided: dict[str, str] = {}
    for verb, ids in (("defer", defer), ("drop", drop)):
        for row_id in ids or []:
            row_id = row_id.strip()
            if row_id in decided:
                raise UserError(f"'{row_id}' is given to --{decided[row_id]} and to --{verb}")
            if row_id not in {it.id for it in missed}:
                row = _row(ctx, row_id)
                raise UserError(f"'{row.id}' was not due and left out at {m.date}: nothing to {verb} "
                                f"(cspkit programme defer {row.id} --to DATE moves any row)")
            decided[row_id] = verb
    undecided = [it for it in missed if it.id not in decided]
    if undecided:
        raise NotTaken(m.date, undecided)
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
    for it in missed:
        index = prog.items.index(it)
        if decided[it.id] == "drop":
            changes.append((index, {"status": ProgrammeStatus.dropped}))
            result.rolled.append(Rolled(it.id, it.item, "dropped"))
        else:
            when = _next_meeting_when(ctx, it, m.date)
            changes.append((index, {"when": when}))
            result.rolled.append(Rolled(it.id, it.item, f"deferred to {when}"))
    if changes:
        path = _programme_path(ctx)
        for index, update in changes:
            set_keys(ctx, path, partial(_item, index=index), update, ProgrammeItem)
        done = Written.of(ctx.commit(dry_run))
        result.written, result.dry_run, result.texts = done["written"], done["dry_run"], done["texts"]
    return result


def _next_meeting_when(ctx: Session, item: ProgrammeItem, after: dt.date) -> Any:
    """The next meeting after ``after``, written as the row writes ``when`` (a date, or a month)."""
    nxt = views.next_meeting_date(ctx.repo, after)
    if nxt is None:
        return _add_months(after, 1)
    return nxt if isinstance(item.when, dt.date) else f"{nxt.year:04d}-{nxt.month:02d}"


def _row(ctx: Session, row_id: str) -> ProgrammeItem:
    prog = ctx.repo.programme
    rows = prog.items if prog else []
    found = next((it for it in rows if it.id == row_id.strip()), None)
    if found is None:
        raise NotFound(f"no forward programme row '{row_id}'{did_you_mean(row_id, [it.id for it in rows])}")
    return found


def _item(doc: Any, index: int) -> Any:
    return doc["items"][index]


def _programme_path(ctx: Session) -> Path:
    prog = ctx.repo.programme
    src = ctx.repo.source_of(prog) if prog is not None else None
    return src.path if src is not None else ctx.path("forward-programme")


def _when(ctx: Session, text: str, what: str) -> Any:
    """When a row is due, as typed: a meeting's date, a month (YYYY-MM), tbc or civic-year."""
    value = " ".join(str(text).split()).lower()
    for special in Special:
        if value == special.value:
            return special
    if re.fullmatch(MONTH_RE, value):
        return value
    try:
        day = parse_date(value, what)
    except UserError:
        raise UserError(f"{what} '{text}' is not a meeting's date (YYYY-MM-DD), a month (YYYY-MM), tbc or "
                        "civic-year") from None
    cfg = ctx.repo.config
    if day not in ctx.repo.meetings and not (cfg is not None and any(e.date == day for e in cfg.schedule)):
        raise NotFound(f"{what} {day}: no meeting on that date (on file or in the schedule); give the meeting's "
                       f"date, or the month ({day:%Y-%m}), tbc or civic-year")
    return day


@dataclass
class ProgrammeResult(Written):
    """A forward programme row added or moved."""

    id: str
    item: str
    when: str
    previous: str | None = None


def _shown_when(when: Any) -> str:
    return when.value if isinstance(when, Special) else str(when)


def add_programme_item(ctx: Session, item: str, *, when: str = "tbc", detail: str | None = None,
                       by: list[str] | None = None, recurs: str | None = None, note: str | None = None,
                       row_id: str | None = None, restricted: bool = False, dry_run: bool = False) -> ProgrammeResult:
    """Add a row to the forward programme: what, when (a meeting's date, a month, tbc or
    civic-year), who brings it (people as typed) and whether it recurs."""
    title = " ".join((item or "").split())
    if not title:
        raise UserError("give the item's title")
    prog = ctx.repo.programme
    rows = prog.items if prog else []
    ident = (row_id or "").strip() or id_from(title)
    if not re.match(SLUG_RE, ident):
        hint = "" if row_id else " (give one with --id)"
        raise UserError(f"'{ident}' is not a valid id: use lower-case letters, digits and hyphens{hint}")
    if any(it.id == ident for it in rows):
        raise ConflictError(f"the forward programme already has a row '{ident}': give another with --id")
    try:
        recurrence = Recurrence(recurs.strip().lower()) if recurs else Recurrence.none
    except ValueError:
        raise UserError(f"unknown recurrence '{recurs}' (use one of: "
                        f"{', '.join(r.value for r in Recurrence)})") from None
    due = _when(ctx, when, "--date")
    data: dict[str, Any] = {"id": ident, "item": title}
    if detail and detail.strip():
        data["detail"] = detail.strip()
    data["when"] = due
    if recurrence != Recurrence.none:
        data["recurs"] = recurrence
    people = ctx.people(list(by or []))
    if people:
        data["action_by"] = people
    if note and note.strip():
        data["note"] = note.strip()
    if restricted:
        data["restricted"] = True
    path = _programme_path(ctx)
    if prog is None and not path.exists():
        ctx.create(path, {"items": [data]})
    else:
        def mutate(doc: Any) -> None:
            if not doc.get("items"):
                put(doc, "items", [data], ForwardProgramme)
            else:
                doc["items"].append(to_plain(data))

        ctx.edit(path, mutate)
    done = Written.of(ctx.commit(dry_run))
    return ProgrammeResult(id=ident, item=title, when=_shown_when(due), **done)


def defer_programme_item(ctx: Session, row_id: str, to: str, *, dry_run: bool = False) -> ProgrammeResult:
    """Move a forward programme row to a later meeting (``to``: a meeting's date, a month,
    ``next`` for the next meeting, or tbc); a deferred or dropped row is planned again."""
    row = _row(ctx, row_id)
    if row.status == ProgrammeStatus.done and row.recurs == Recurrence.none:
        raise UserError(f"'{row.id}' was taken already (done{f' at {row.last_taken}' if row.last_taken else ''})")
    if str(to).strip().lower() == "next":
        nxt = views.next_meeting_date(ctx.repo, dt.date.today())
        if nxt is None:
            raise UserError("no meeting after today on file or in the schedule: give --to DATE")
        when: Any = nxt
    else:
        when = _when(ctx, to, "--to")
    if when == row.when and row.status == ProgrammeStatus.planned:
        raise UserError(f"'{row.id}' is already due at {_shown_when(when)}")
    index = ctx.repo.programme.items.index(row) if ctx.repo.programme else 0

    values: dict[str, Any] = {"when": when}
    if row.status != ProgrammeStatus.planned:
        values["status"] = ProgrammeStatus.planned
    set_keys(ctx, _programme_path(ctx), lambda doc: doc["items"][index], values, ProgrammeItem)
    done = Written.of(ctx.commit(dry_run))
    return ProgrammeResult(id=row.id, item=row.item, when=_shown_when(when), previous=_shown_when(row.when), **done)
