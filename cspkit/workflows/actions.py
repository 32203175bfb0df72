"""The action log: decisions with owners become actions; actions are updated, reassigned, closed.

Actions live in ``records/actions/<meeting date>.yaml`` with ids ``<date>/<item>.<n>``.
An update appends one dated history entry (and sets ``status`` / ``owners`` when it changes
them), so the diff of an update is the entry and, at most, a status or owners line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from cspkit import views
from cspkit.errors import NotFound, UserError
from cspkit.fileio import real_path
from cspkit.listing import Column, Table
from cspkit.lookup import did_you_mean
from cspkit.models.action import ACTION_ID_HINT, ACTION_ID_RE, Action, ActionFile, ActionStatus, action_sort_key
from cspkit.models.meeting import Decision, Meeting, MeetingStatus
from cspkit.session import Session
from cspkit.workflows._common import Written, parse_date, put, set_keys, to_plain


@dataclass
class ActionSummary:
    """One action as a command reports it: what it is, and what the command changed."""

    id: str
    text: str
    owners: list[str]
    """Names, not ids."""
    status: str
    date: dt.date | None = None
    """Date of the history entry the command added."""
    note: str | None = None
    new_status: str | None = None
    reassigned_to: list[str] = field(default_factory=list)
    new_text: str | None = None
    """The new wording, when the command changed it."""
    new_due: dt.date | None = None
    """The new target (a date, or a meeting by its date), when the command changed it."""


@dataclass
class ActionsResult(Written):
    """Actions created or changed by a command."""

    actions: list[ActionSummary] = field(default_factory=list)


# --------------------------------------------------------------------------- helpers


def _held(ctx: Session, meeting: str | dt.date) -> Meeting:
    m = ctx.meeting(meeting)
    if m.status != MeetingStatus.held:
        raise UserError(f"the meeting on {m.date} is {m.status.value}: actions are raised at a held meeting "
                        f"(cspkit minutes start {m.date})")
    return m


def _next_sequence(ctx: Session, day: dt.date, item: str, pending: list[str]) -> int:
    ids = [a.id for a in ctx.repo.actions.values() if a.meeting == day] + pending
    seqs = [int(i.rsplit(".", 1)[1]) for i in ids if i.split("/", 1)[1].split(".", 1)[0] == item]
    return max(seqs, default=0) + 1


def _uses_numbers(ctx: Session) -> bool:
    return any(a.number is not None for a in ctx.repo.actions.values())


def _action_data(action_id: str, text: str, owners: list[str], *, number: int | None = None,
                 deliverer: str | None = None, due: dt.date | None = None, due_meeting: dt.date | None = None,
                 decision: int | None = None, restricted: bool = False) -> dict[str, Any]:
    """An action as data, keys in the order :class:`Action` declares them."""
    data: dict[str, Any] = {"id": action_id}
    if number is not None:
        data["number"] = number
    data["text"] = text
    data["owners"] = owners
    if deliverer is not None:
        data["deliverer"] = deliverer
    if due is not None:
        data["due"] = due
    if due_meeting is not None:
        data["due_meeting"] = due_meeting
    if decision is not None:
        data["decision"] = decision
    data["status"] = ActionStatus.open
    if restricted:
        data["restricted"] = True
    return data


def _write_actions(ctx: Session, day: dt.date, new: list[dict[str, Any]]) -> None:
    """Append actions to the meeting's actions file, creating it if needed."""
    path = ctx.path("actions", day)
    if path.exists() or real_path(path) in ctx.changes:
        def mutate(doc: Any) -> None:
            if not doc.get("actions"):
                put(doc, "actions", new, ActionFile)
            else:
                doc["actions"].extend(to_plain(new))

        ctx.edit(path, mutate)
    else:
        ctx.create(path, {"meeting": day, "actions": new})


def find_action(ctx: Session, action_id: str) -> Action:
    """An action by id; an unknown id is refused with the closest ids."""
    action_id = action_id.strip()
    found = ctx.repo.actions.get(action_id)
    if found is not None:
        return found
    if not re.match(ACTION_ID_RE, action_id):
        raise UserError(f"'{action_id}' is not an action id: {ACTION_ID_HINT}")
    try:
        day = dt.date.fromisoformat(action_id.split("/", 1)[0])
    except ValueError:
        day = None
    if day is not None and day not in ctx.repo.action_files and ctx.path("actions", day).exists():
        raise ctx.invalid(ctx.path("actions", day))  # the file is there but cannot be read: say so
    raise NotFound(f"no action '{action_id}'{did_you_mean(action_id, ctx.repo.actions)}")


def _summary(ctx: Session, a: dict[str, Any] | Action, **extra: Any) -> ActionSummary:
    if isinstance(a, Action):
        a = {"id": a.id, "text": a.text, "owners": a.owners, "status": a.status.value}
    return ActionSummary(a["id"], a["text"], [ctx.person_name(o) for o in a["owners"]],
                         str(to_plain(a.get("status", "open"))), **extra)


# --------------------------------------------------------------------------- raising


def raise_actions(ctx: Session, meeting: str | dt.date, *, dry_run: bool = False) -> ActionsResult:
    """Turn each decision with owners (and no action yet) in a meeting's minutes into an action.

    The action goes into ``records/actions/<date>.yaml`` with id ``<date>/<item>.<n>``, the
    decision's text, owners and due date (without one, it is due at the next meeting, from the
    meetings on file and the schedule), and ``decision:`` its place in the minute; its id
    is written back into the decision (``action:``), so running this twice raises nothing new.
    An action raised under a restricted minute or agenda item is ``restricted`` too.
    Both files are written together or not at all (an interrupted run is completed by the next
    command, see :mod:`cspkit.session`).
    """
    m = _held(ctx, meeting)
    if m.minutes is None:
        raise UserError(f"the meeting on {m.date} has no minutes yet (cspkit minutes start {m.date})")
    numbered = _uses_numbers(ctx)
    next_number = max((a.number or 0 for a in ctx.repo.actions.values()), default=0) + 1
    next_meeting = views.next_meeting_date(ctx.repo, m.date)
    new: list[dict[str, Any]] = []
    links: list[tuple[int, tuple[int, int], str]] = []
    for i, mi in enumerate(m.minutes.items):
        places = mi.decision_places()
        for j, d in enumerate(mi.decisions):
            if not d.owners or d.action:
                continue
            item = mi.item or (str(mi.number) if mi.number is not None else None)
            if item is None:
                raise UserError(f"minute '{mi.title}' has a decision with owners but no agenda item or minute "
                                "number to raise its action under; give it item: N")
            aid = f"{m.date}/{item}.{_next_sequence(ctx, m.date, item, [a['id'] for a in new])}"
            new.append(_action_data(aid, views.raised_wording(d.text), list(d.owners), due=d.due, decision=j + 1,
                                    due_meeting=None if d.due else next_meeting,
                                    number=next_number if numbered else None,
                                    restricted=views.minute_restricted(m, mi)))
            if numbered:
                next_number += 1
            links.append((i, places[j], aid))
    if not new:
        return ActionsResult()
    _write_actions(ctx, m.date, new)

    def link(doc: Any) -> None:
        for i, (part, k), aid in links:
            put(doc["minutes"]["items"][i]["body"][part]["decisions"][k], "action", aid, Decision)

    ctx.edit(ctx.path("meeting", m.date), link)
    done = Written.of(ctx.commit(dry_run))
    return ActionsResult(**done, actions=[_summary(ctx, a) for a in new])


def add_action(ctx: Session, meeting: str | dt.date, item: str, owners: list[str], text: str, *, due: str | dt.date | None = None, due_meeting: str | dt.date | None = None,
               deliverer: str | None = None, dry_run: bool = False) -> ActionsResult:
    """Add an action by hand, raised at ``meeting`` under agenda ``item``.

    Owners (and the ``deliverer``, someone other than the owners who will do or report it) are
    names, aliases or ids, written as ids; ``due`` is a date, ``due_meeting`` the meeting it
    should come back to (without either, the next meeting after the one that raised it).
    """
    m = _held(ctx, meeting)
    item = str(item).strip()
    if not item:
        raise UserError("give the agenda item the action was raised under (--item N)")
    if m.item(item) is None and not (m.minutes and any(mi.item == item or str(mi.number) == item
                                                         for mi in m.minutes.items)):
        numbers = ", ".join(a.number for a in m.agenda)
        raise NotFound(f"the meeting on {m.date} has no item {item} (items: {numbers or 'none'})")
    if not text.strip():
        raise UserError("give the action's text (--text)")
    ids = ctx.people(list(owners))
    if not ids:
        raise UserError("give at least one owner (--owner NAME)")
    doer = ctx.people([deliverer])[0] if deliverer else None
    if doer is not None and doer in ids:
        raise UserError(f"{ctx.person_name(doer)} is an owner already: --deliverer is for someone else")
    due_d = parse_date(due, "--due") if due is not None else None
    due_m = None
    if due_meeting is not None:
        due_m = parse_date(due_meeting, "--due-meeting")
        cfg = ctx.repo.config
        if due_m not in ctx.repo.meetings and not (cfg and any(s.date == due_m for s in cfg.schedule)):
            raise NotFound(f"no meeting on {due_m} (not on file nor in the schedule) for --due-meeting")
    if due_d is None and due_m is None:
        due_m = views.next_meeting_date(ctx.repo, m.date)  # as the minutes say: "update at the next meeting"
    aid = f"{m.date}/{item}.{_next_sequence(ctx, m.date, item, [])}"
    number = (max((a.number or 0 for a in ctx.repo.actions.values()), default=0) + 1) if _uses_numbers(ctx) else None
    agenda_item = m.item(item)
    data = _action_data(aid, text.strip(), ids, number=number, deliverer=doer, due=due_d, due_meeting=due_m,
                        restricted=bool(agenda_item is not None and agenda_item.restricted))
    _write_actions(ctx, m.date, [data])
    done = Written.of(ctx.commit(dry_run))
    return ActionsResult(**done, actions=[_summary(ctx, data)])


# --------------------------------------------------------------------------- progress


def _refuse_closed(a: Action) -> None:
    if a.status != ActionStatus.open:
        when = a.closed_date()
        raise UserError(f"action {a.id} is {a.status.value}{f' (since {when})' if when else ''}: "
                        f"it cannot be updated or closed again (cspkit actions reopen {a.id} --note WHY)")


def update_action(ctx: Session, action_id: str, *, status: str | ActionStatus | None = None,
                  note: str | None = None, reassign: list[str] | None = None, text: str | None = None,
                  due: str | dt.date | None = None, date: str | dt.date | None = None,
                  meeting: str | dt.date | None = None, dry_run: bool = False) -> ActionsResult:
    """Change an open action: a dated history entry (a note, a new status, new owner(s)), its
    wording (``text``) or its target (``due``: a meeting's date, another date, or ``next``).

    Reassignment keeps the action's id; the first one records the original owners in
    ``raised_owners``. New wording keeps the old in ``raised_text`` (the first time), so the
    decision that raised it is still compared with what was raised; wording that matches the
    decision again (the minutes were corrected) makes it the baseline. ``date`` defaults to
    today; ``meeting`` is the meeting at which the update was given. A completed or closed
    action is refused.
    """
    summary = _record_update(ctx, action_id, status=status, note=note, reassign=reassign, text=text, due=due,
                             date=date, meeting=meeting)
    return ActionsResult(**Written.of(ctx.commit(dry_run)), actions=[summary])


def close_actions(ctx: Session, action_ids: list[str], *, note: str | None = None,
                  date: str | dt.date | None = None, dropped: bool = False, meeting: str | dt.date | None = None,
                  dry_run: bool = False) -> ActionsResult:
    """Mark open actions complete (or, with ``dropped``, closed without further action): one
    history entry each, all written together or none."""
    ids = list(dict.fromkeys(i.strip() for i in action_ids if i.strip()))
    if not ids:
        raise UserError("give the id of at least one action to close")
    status = ActionStatus.closed if dropped else ActionStatus.complete
    summaries = [_record_update(ctx, aid, status=status, note=note, date=date, meeting=meeting) for aid in ids]
    return ActionsResult(**Written.of(ctx.commit(dry_run)), actions=summaries)


def close_action(ctx: Session, action_id: str, *, note: str | None = None,
                 date: str | dt.date | None = None, dropped: bool = False, meeting: str | dt.date | None = None,
                 dry_run: bool = False) -> ActionsResult:
    """Mark an open action complete (or, with ``dropped``, closed without further action)."""
    return close_actions(ctx, [action_id], note=note, date=date, dropped=dropped, meeting=meeting, dry_run=dry_run)


def _record_update(ctx: Session, action_id: str, *, status: str | ActionStatus | None = None,
                   note: str | None = None, reassign: list[str] | None = None, text: str | None = None,
                   due: str | dt.date | None = None, date: str | dt.date | None = None,
                   meeting: str | dt.date | None = None) -> ActionSummary:
    """Record one action's update on the session (not committed); what it changed."""
    a = find_action(ctx, action_id)
    _refuse_closed(a)
    day = parse_date(date, "--date") if date is not None else dt.date.today()
    new_status = _status(status) if status is not None else None
    if new_status == ActionStatus.open:
        new_status = None  # it is open already: nothing to change
    owners = ctx.people(list(reassign or []))
    note = note.strip() if note else None
    wording = " ".join(text.split()) if text is not None else None
    if text is not None and not wording:
        raise UserError("give the action's new wording (--text)")
    if wording is not None and wording == a.text:
        raise UserError(f"action {a.id} already reads: {wording}")
    target = _due(ctx, a, due, day) if due is not None else None
    if not (note or new_status or owners or wording or target):
        raise UserError("nothing to record: give --note, --status (complete or closed), --reassign, --text or --due")
    if day < a.meeting:
        raise UserError(f"{day} is before action {a.id} was raised ({a.meeting})")
    if (note or new_status or owners) and a.history and day < a.history[-1].date:
        raise UserError(f"{day} is before the action's latest history entry ({a.history[-1].date})")
    if owners and sorted(owners) == sorted(a.owners):
        raise UserError(f"action {a.id} is already owned by {', '.join(ctx.person_name(o) for o in owners)}")
    met = ctx.meeting(meeting).date if meeting is not None else None
    entry: dict[str, Any] = {}
    if note or new_status or owners:
        entry["date"] = day
        if note:
            entry["note"] = note
        if new_status is not None:
            entry["status"] = new_status
        if owners:
            entry["reassigned_to"] = owners
        if met is not None:
            entry["meeting"] = met
    decision = views.decision_of(ctx.repo, a)
    # Changes that bring the action back in line with its decision (the minutes were
    # corrected after it was raised) make the decision's wording and owners the new baseline.
    realigned_text = wording is not None and decision is not None and views.same_wording(decision.text, wording) \
        and not views.same_wording(decision.text, a.raised_text or a.text)
    realigned_owners = bool(owners) and decision is not None and sorted(owners) == sorted(decision.owners) \
        and sorted(decision.owners) != sorted(a.raised_owners or a.owners)
    _change_action(ctx, a, entry, new_status, owners, wording=wording, due=target,
                   realigned=(realigned_text, realigned_owners))
    return _summary(ctx, a, date=day if entry else None, note=note,
                    new_status=new_status.value if new_status else None,
                    reassigned_to=[ctx.person_name(o) for o in owners], new_text=wording,
                    new_due=next(iter(target.values()), None) if target else None)


def _due(ctx: Session, a: Action, value: str | dt.date, day: dt.date) -> dict[str, dt.date]:
    """``--due``: ``next`` (the next meeting), a meeting's date (on file or in the schedule),
    or any other date: ``{"due_meeting": …}`` or ``{"due": …}``."""
    if isinstance(value, str) and value.strip().lower() == "next":
        nxt = views.next_meeting_date(ctx.repo, max(day, a.meeting))
        if nxt is None:
            raise UserError(f"no meeting after {max(day, a.meeting)} on file or in the schedule: give a date")
        return {"due_meeting": nxt}
    target = parse_date(value, "--due")
    if target < a.meeting:
        raise UserError(f"--due {target} is before action {a.id} was raised ({a.meeting})")
    cfg = ctx.repo.config
    held_on = ctx.repo.meetings.get(target)
    if (held_on is not None and held_on.status != MeetingStatus.cancelled) or \
            (cfg is not None and any(e.date == target for e in cfg.schedule)):
        if a.due_meeting == target and a.due is None:
            raise UserError(f"action {a.id} is already due at the meeting on {target}")
        return {"due_meeting": target}
    if a.due == target and a.due_meeting is None:
        raise UserError(f"action {a.id} is already due on {target}")
    return {"due": target}


def reopen_action(ctx: Session, action_id: str, *, note: str = "",
                  date: str | dt.date | None = None, meeting: str | dt.date | None = None,
                  dry_run: bool = False) -> ActionsResult:
    """Open again an action marked complete or closed, saying why (a dated history entry)."""
    a = find_action(ctx, action_id)
    if a.status == ActionStatus.open:
        raise UserError(f"action {a.id} is open already: use 'cspkit actions update' to record progress")
    note = (note or "").strip()
    if not note:
        raise UserError("say why the action is reopened: give --note")
    day = parse_date(date, "--date") if date is not None else dt.date.today()
    closed = a.closed_date() or a.meeting
    if day < closed:
        raise UserError(f"{day} is before action {a.id} was marked {a.status.value} ({closed})")
    entry: dict[str, Any] = {"date": day, "note": note, "status": ActionStatus.open}
    if meeting is not None:
        entry["meeting"] = ctx.meeting(meeting).date
    _change_action(ctx, a, entry, ActionStatus.open, [], drop=("closed_on",))  # the history keeps the date
    done = Written.of(ctx.commit(dry_run))
    return ActionsResult(**done,
                         actions=[_summary(ctx, a, date=day, note=note, new_status=ActionStatus.open.value)])


def _status(value: str | ActionStatus) -> ActionStatus:
    try:
        return ActionStatus(str(value).strip().lower())
    except ValueError:
        words = ", ".join(s.value for s in ActionStatus)
        raise UserError(f"unknown action status '{value}' (use one of: {words})") from None


def _change_action(ctx: Session, a: Action, entry: dict[str, Any], status: ActionStatus | None,
                   owners: list[str], drop: tuple[str, ...] = (), *, wording: str | None = None,
                   due: dict[str, dt.date] | None = None, realigned: tuple[bool, bool] = (False, False)) -> None:
    """Record a change to one action on the session: a history entry (when ``entry`` has one),
    a status, owners, wording, target."""
    path = ctx.path("actions", a.meeting)
    af = ctx.repo.action_files[a.meeting]
    index = next(i for i, x in enumerate(af.actions) if x.id == a.id)
    text_realigned, owners_realigned = realigned

    values: dict[str, Any] = dict.fromkeys(drop)
    if status is not None:
        values["status"] = status
    if owners:
        values["owners"] = owners
        if owners_realigned:
            values["raised_owners"] = None
        elif not a.raised_owners:
            values["raised_owners"] = list(a.owners)
    if wording is not None:
        values["text"] = wording
        if text_realigned:
            values["raised_text"] = None
        elif not a.raised_text:
            values["raised_text"] = a.text
    if due:
        values.update({key: due.get(key) for key in ("due", "due_meeting")})
    set_keys(ctx, path, lambda doc: doc["actions"][index], values, Action)
    if entry:
        def mutate(doc: Any) -> None:
            node = doc["actions"][index]
            history = node.get("history")
            if not history:
                put(node, "history", [entry], Action)
            else:
                history.append(to_plain(entry))

        ctx.edit(path, mutate)


# --------------------------------------------------------------------------- listing


def _is_public(audience: str) -> bool:
    return audience == "public"


ACTION_COLUMNS = [
    Column("id", "Id"),
    Column("meeting", "Meeting", text=False),
    Column("item", "Item", text=False),
    Column("text", "Action", ratio=3, min_width=20),
    Column("owners", "Owners", ratio=1, min_width=14, shown=lambda r: "/".join(r["owners"])),
    Column("status", "Status", shown=lambda r: r["status"] + (" (overdue)" if r["overdue"] else "")),
    Column("due", "Due"),
    Column("overdue", "Overdue", text=False),
    Column("last_note", "Latest note", ratio=2, min_width=12),
    Column("public_reason", "Published on purpose because", text=False),
]


def list_actions(ctx: Session, *, open_only: bool = False, owner: str | None = None,
                 overdue: bool = False, as_of: str | dt.date | None = None,
                 meeting: str | dt.date | None = None, audience: str = "partners") -> Table:
    """Actions as of a date (default today), filtered, as a table.

    ``open_only``: open at the end of ``as_of``; ``owner``: a name, alias or id, owning it then;
    ``overdue``: open and past its target date or meeting; ``meeting``: raised at that meeting.
    Actions raised after ``as_of`` are left out; for the ``public``, restricted ones too.
    """
    day = parse_date(as_of, "--as-of") if as_of is not None else dt.date.today()
    who = ctx.person(owner) if owner else None
    raised = ctx.meeting(meeting).date if meeting is not None else None
    names = ctx.names()
    rows: list[dict[str, Any]] = []
    for a in sorted(ctx.repo.actions.values(), key=lambda x: action_sort_key(x.id)):
        if a.meeting > day or (raised is not None and a.meeting != raised):
            continue
        if _is_public(audience) and views.is_restricted(ctx.repo, a):
            continue
        status = a.status_on(day)
        owners = a.owners_on(day)
        late = views.is_overdue(a, day)
        if (open_only and status != ActionStatus.open) or (overdue and not late) or \
                (who is not None and who not in owners):
            continue
        notes = [h.note for h in a.history if h.date <= day and h.note]
        due = views.action_due(a)
        rows.append({"id": a.id, "meeting": a.meeting.isoformat(), "item": a.item, "text": a.text,
                     "owners": [names.get(o, o) for o in owners], "owner_ids": owners, "status": status.value,
                     "due": due.isoformat() if due else None, "overdue": late,
                     "last_note": notes[-1] if notes else None,
                     **({} if _is_public(audience) else {"public_reason": a.public_reason})})
    return Table(ACTION_COLUMNS, rows, empty="No actions match.")


__all__ = ["ActionSummary", "ActionsResult", "add_action", "close_action", "close_actions", "find_action", "list_actions",
           "raise_actions", "reopen_action", "update_action"]
