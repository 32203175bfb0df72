"""The action log: decisions with owners become actions; actions are updated, reassigned, closed.

Actions live in ``records/actions/<meeting date>.yaml`` with ids ``<date>/<item>.<n>``.
An update appends one dated history entry (and sets ``status`` / ``owners`` when it changes
them), so the diff of an update is the entry and, at most, a status or owners line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cspkit.errors import NotFound, UserError
from cspkit.models.action import ACTION_ID_HINT, ACTION_ID_RE, Action, ActionFile, ActionStatus, action_sort_key
from cspkit.models.meeting import Decision, MeetingStatus
from cspkit.workflows._common import Context, new_file_text, open_context, parse_date, put, to_rt


@dataclass
class ActionsResult:
    """Actions created or changed by a command."""

    actions: list[dict[str, Any]] = field(default_factory=list)
    """One summary per action: id, text, owners, status (and what changed)."""
    written: list[Path] = field(default_factory=list)


# --------------------------------------------------------------------------- helpers


def _held(ctx: Context, meeting: str | dt.date):
    m = ctx.meeting(meeting)
    if m.status != MeetingStatus.held:
        raise UserError(f"the meeting on {m.date} is {m.status.value}: actions are raised at a held meeting "
                        f"(cspkit minutes start {m.date})")
    return m


def _next_sequence(ctx: Context, day: dt.date, item: str, pending: list[str]) -> int:
    ids = [a.id for a in ctx.repo.actions.values() if a.meeting == day] + pending
    seqs = [int(i.rsplit(".", 1)[1]) for i in ids if i.split("/", 1)[1].split(".", 1)[0] == item]
    return max(seqs, default=0) + 1


def _uses_numbers(ctx: Context) -> bool:
    return any(a.number is not None for a in ctx.repo.actions.values())


def _action_data(action_id: str, text: str, owners: list[str], *, number: int | None = None,
                 deliverer: str | None = None, due: dt.date | None = None, due_meeting: dt.date | None = None,
                 decision: int | None = None) -> dict[str, Any]:
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
    return data


def _write_actions(ctx: Context, day: dt.date, new: list[dict[str, Any]]) -> None:
    """Append actions to the meeting's actions file, creating it if needed."""
    path = ctx.actions_path(day)
    if path.exists() or path.resolve() in ctx.edit.changes:
        def mutate(doc: Any) -> None:
            if doc.get("actions") is None:
                put(doc, "actions", new, ActionFile)
            else:
                for a in new:
                    doc["actions"].append(to_rt(a))

        ctx.edit.update(path, mutate)
    else:
        ctx.edit.set_text(path, new_file_text(ctx.root, path, "actions", {"meeting": day, "actions": new}),
                          create=True)


def find_action(ctx: Context, action_id: str) -> Action:
    """An action by id; an unknown id is refused with the closest ids."""
    import re

    from cspkit.lookup import did_you_mean

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
    if day is not None and day not in ctx.repo.action_files and ctx.actions_path(day).exists():
        raise ctx._invalid(ctx.actions_path(day))  # the file is there but cannot be read: say so
    raise NotFound(f"no action '{action_id}'{did_you_mean(action_id, ctx.repo.actions)}")


def _summary(ctx: Context, a: dict[str, Any] | Action, **extra: Any) -> dict[str, Any]:
    if isinstance(a, Action):
        a = {"id": a.id, "text": a.text, "owners": a.owners, "status": a.status.value}
    return {"id": a["id"], "text": a["text"], "owners": [ctx.person_name(o) for o in a["owners"]],
            "status": str(a.get("status", "open")), **extra}


# --------------------------------------------------------------------------- raising


def raise_actions(root: Path | None = None, meeting: str | dt.date = "", *, dry_run: bool = False) -> ActionsResult:
    """Turn each decision with owners (and no action yet) in a meeting's minutes into an action.

    The action goes into ``records/actions/<date>.yaml`` with id ``<date>/<item>.<n>``, the
    decision's text, owners and due date, and ``decision:`` its place in the minute; its id
    is written back into the decision (``action:``), so running this twice raises nothing new.
    """
    ctx = open_context(root)
    m = _held(ctx, meeting)
    if m.minutes is None:
        raise UserError(f"the meeting on {m.date} has no minutes yet (cspkit minutes start {m.date})")
    numbered = _uses_numbers(ctx)
    next_number = max((a.number or 0 for a in ctx.repo.actions.values()), default=0) + 1
    new: list[dict[str, Any]] = []
    links: list[tuple[int, int, str]] = []
    for i, mi in enumerate(m.minutes.items):
        for j, d in enumerate(mi.decisions):
            if not d.owners or d.action:
                continue
            item = mi.item or (str(mi.number) if mi.number is not None else None)
            if item is None:
                raise UserError(f"minute '{mi.title}' has a decision with owners but no agenda item or minute "
                                "number to raise its action under; give it item: N")
            aid = f"{m.date}/{item}.{_next_sequence(ctx, m.date, item, [a['id'] for a in new])}"
            new.append(_action_data(aid, _action_text(d.text), list(d.owners), due=d.due, decision=j + 1,
                                    number=next_number if numbered else None))
            if numbered:
                next_number += 1
            links.append((i, j, aid))
    if not new:
        return ActionsResult()
    _write_actions(ctx, m.date, new)

    def link(doc: Any) -> None:
        for i, j, aid in links:
            put(doc["minutes"]["items"][i]["decisions"][j], "action", aid, Decision)

    ctx.edit.update(ctx.meeting_path(m.date), link)
    written = ctx.apply(dry_run=dry_run)
    return ActionsResult(actions=[_summary(ctx, a) for a in new], written=written)


def _action_text(decision: str) -> str:
    """The decision's wording, as the action log shows it: "That a plan be brought ..."."""
    text = decision.strip()
    return text[:1].upper() + text[1:] if text else decision


def add_action(root: Path | None = None, meeting: str | dt.date = "", item: str = "", owners: list[str] = (),
               text: str = "", *, due: str | dt.date | None = None, due_meeting: str | dt.date | None = None,
               deliverer: str | None = None, dry_run: bool = False) -> ActionsResult:
    """Add an action by hand, raised at ``meeting`` under agenda ``item``.

    Owners (and the ``deliverer``, someone other than the owners who will do or report it) are
    names, aliases or ids, written as ids; ``due`` is a date, ``due_meeting`` the meeting it
    should come back to.
    """
    ctx = open_context(root)
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
    aid = f"{m.date}/{item}.{_next_sequence(ctx, m.date, item, [])}"
    number = (max((a.number or 0 for a in ctx.repo.actions.values()), default=0) + 1) if _uses_numbers(ctx) else None
    data = _action_data(aid, text.strip(), ids, number=number, deliverer=doer, due=due_d, due_meeting=due_m)
    _write_actions(ctx, m.date, [data])
    written = ctx.apply(dry_run=dry_run)
    return ActionsResult(actions=[_summary(ctx, data)], written=written)


# --------------------------------------------------------------------------- progress


def _refuse_closed(a: Action) -> None:
    if a.status != ActionStatus.open:
        when = a.closed_date()
        raise UserError(f"action {a.id} is {a.status.value}{f' (since {when})' if when else ''}: "
                        f"it cannot be updated or closed again (cspkit actions reopen {a.id} --note WHY)")


def update_action(root: Path | None = None, action_id: str = "", *, status: str | ActionStatus | None = None,
                  note: str | None = None, reassign: list[str] | None = None, date: str | dt.date | None = None,
                  meeting: str | dt.date | None = None, dry_run: bool = False) -> ActionsResult:
    """Append a dated history entry to an open action: a note, a new status, new owner(s).

    Reassignment keeps the action's id; the first one records the original owners in
    ``raised_owners``. ``date`` defaults to today; ``meeting`` is the meeting at which the
    update was given. A completed or closed action is refused.
    """
    ctx = open_context(root)
    a = find_action(ctx, action_id)
    _refuse_closed(a)
    day = parse_date(date, "--date") if date is not None else dt.date.today()
    new_status = _status(status) if status is not None else None
    if new_status == ActionStatus.open:
        new_status = None  # it is open already: nothing to change
    owners = ctx.people(list(reassign or []))
    note = note.strip() if note else None
    if not (note or new_status or owners):
        raise UserError("nothing to record: give --note, --status (complete or closed) or --reassign")
    if day < a.meeting:
        raise UserError(f"{day} is before action {a.id} was raised ({a.meeting})")
    if a.history and day < a.history[-1].date:
        raise UserError(f"{day} is before the action's latest history entry ({a.history[-1].date})")
    if owners and sorted(owners) == sorted(a.owners):
        raise UserError(f"action {a.id} is already owned by {', '.join(ctx.person_name(o) for o in owners)}")
    met = ctx.meeting(meeting).date if meeting is not None else None
    entry: dict[str, Any] = {"date": day}
    if note:
        entry["note"] = note
    if new_status is not None:
        entry["status"] = new_status
    if owners:
        entry["reassigned_to"] = owners
    if met is not None:
        entry["meeting"] = met
    _append_history(ctx, a, entry, new_status, owners)
    written = ctx.apply(dry_run=dry_run)
    return ActionsResult(actions=[_summary(ctx, a, date=day, note=note,
                                           new_status=new_status.value if new_status else None,
                                           reassigned_to=[ctx.person_name(o) for o in owners])],
                         written=written)


def close_action(root: Path | None = None, action_id: str = "", *, note: str | None = None,
                 date: str | dt.date | None = None, dropped: bool = False, meeting: str | dt.date | None = None,
                 dry_run: bool = False) -> ActionsResult:
    """Mark an open action complete (or, with ``dropped``, closed without further action)."""
    return update_action(root, action_id, status=ActionStatus.closed if dropped else ActionStatus.complete,
                         note=note, date=date, meeting=meeting, dry_run=dry_run)


def reopen_action(root: Path | None = None, action_id: str = "", *, note: str = "",
                  date: str | dt.date | None = None, meeting: str | dt.date | None = None,
                  dry_run: bool = False) -> ActionsResult:
    """Open again an action marked complete or closed, saying why (a dated history entry)."""
    ctx = open_context(root)
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
    _append_history(ctx, a, entry, ActionStatus.open, [], drop=("closed_on",))  # the history keeps the date
    written = ctx.apply(dry_run=dry_run)
    return ActionsResult(actions=[_summary(ctx, a, date=day, note=note, new_status=ActionStatus.open.value)],
                         written=written)


def _status(value: str | ActionStatus) -> ActionStatus:
    try:
        return ActionStatus(str(value).strip().lower())
    except ValueError:
        words = ", ".join(s.value for s in ActionStatus)
        raise UserError(f"unknown action status '{value}' (use one of: {words})") from None


def _append_history(ctx: Context, a: Action, entry: dict[str, Any], status: ActionStatus | None,
                    owners: list[str], drop: tuple[str, ...] = ()) -> None:
    path = ctx.actions_path(a.meeting)
    af = ctx.repo.action_files[a.meeting]
    index = next(i for i, x in enumerate(af.actions) if x.id == a.id)

    def mutate(doc: Any) -> None:
        node = doc["actions"][index]
        for key in drop:
            node.pop(key, None)
        if status is not None:
            put(node, "status", status, Action)
        if owners:
            if not a.raised_owners:
                put(node, "raised_owners", list(a.owners), Action)
            put(node, "owners", owners, Action)
        history = node.get("history")
        if history is None:
            put(node, "history", [entry], Action)
        else:
            history.append(to_rt(entry))

    ctx.edit.update(path, mutate)


# --------------------------------------------------------------------------- listing


@dataclass
class ActionRow:
    """One action as the list shows it, as of a date."""

    action: Action
    status: ActionStatus
    owners: list[str]
    due: dt.date | None
    overdue: bool
    last_note: str | None

    def as_dict(self, ctx_names: dict[str, str]) -> dict[str, Any]:
        a = self.action
        return {
            "id": a.id,
            "meeting": a.meeting.isoformat(),
            "item": a.item,
            "text": a.text,
            "owners": [ctx_names.get(o, o) for o in self.owners],
            "owner_ids": self.owners,
            "status": self.status.value,
            "due": self.due.isoformat() if self.due else None,
            "overdue": self.overdue,
            "last_note": self.last_note,
        }


def list_actions(root: Path | None = None, *, open_only: bool = False, owner: str | None = None,
                 overdue: bool = False, as_of: str | dt.date | None = None,
                 meeting: str | dt.date | None = None) -> tuple[list[ActionRow], dict[str, str]]:
    """Actions as of a date (default today), filtered; with the people's names for display.

    ``open_only``: open at the end of ``as_of``; ``owner``: a name, alias or id, owning it then;
    ``overdue``: open and past its target date or meeting; ``meeting``: raised at that meeting.
    Actions raised after ``as_of`` are left out.
    """
    from cspkit import views

    ctx = open_context(root)
    day = parse_date(as_of, "--as-of") if as_of is not None else dt.date.today()
    who = ctx.person(owner) if owner else None
    raised = ctx.meeting(meeting).date if meeting is not None else None
    rows: list[ActionRow] = []
    for a in sorted(ctx.repo.actions.values(), key=lambda x: action_sort_key(x.id)):
        if a.meeting > day or (raised is not None and a.meeting != raised):
            continue
        status = a.status_on(day)
        owners = a.owners_on(day)
        late = views.is_overdue(a, day)
        if open_only and status != ActionStatus.open:
            continue
        if overdue and not late:
            continue
        if who is not None and who not in owners:
            continue
        notes = [h.note for h in a.history if h.date <= day and h.note]
        rows.append(ActionRow(a, status, owners, views.action_due(a), late, notes[-1] if notes else None))
    names = {pid: p.name for pid, p in ctx.repo.people.items()}
    return rows, names


def rows_as_csv(rows: list[ActionRow], names: dict[str, str]) -> str:
    import csv
    import io

    buf = io.StringIO()
    cols = ["id", "meeting", "item", "text", "owners", "status", "due", "overdue", "last_note"]
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        d = r.as_dict(names)
        d["owners"] = "; ".join(d["owners"])
        d["overdue"] = "yes" if d["overdue"] else ""
        w.writerow(d)
    return buf.getvalue()


def rows_as_json(rows: list[ActionRow], names: dict[str, str]) -> str:
    import json

    return json.dumps([r.as_dict(names) for r in rows], indent=2, ensure_ascii=False)


__all__ = ["ActionsResult", "ActionRow", "add_action", "close_action", "find_action",
           "list_actions", "raise_actions", "rows_as_csv", "rows_as_json", "update_action"]
