"""``cspkit diff``: what a change between two revisions means for the partnership's business.

A reviewer reading a pull request sees YAML lines; what they need to know is "the
October meeting is now held; action 2023-07-13/3.1 closed; two apologies added". Both
revisions are read with the ordinary loader and models (see :mod:`cspkit.diff.gitrev`),
then compared record by record. Each difference is a :class:`Change`; the reporters
turn the list into text, Markdown (for a pull request comment) or JSON.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from cspkit import views
from cspkit.diff.gitrev import GitRepo
from cspkit.errors import one_line
from cspkit.load import load_repo
from cspkit.locate import find_root
from cspkit.models.action import action_sort_key
from cspkit.models.meeting import AgendaItem, Meeting, MinuteItem
from cspkit.repo import Repo

#: Sections in the order they are reported, with their headings.
SECTIONS: dict[str, str] = {
    "meetings": "Meetings",
    "agenda": "Agenda items",
    "attendance": "Attendance",
    "minutes": "Minutes and decisions",
    "actions": "Actions",
    "psa": "PSA recommendations",
    "programme": "Forward programme",
    "schedule": "Schedule",
    "updates": "Partner updates",
    "performance": "Performance",
    "people": "People",
    "organisations": "Organisations",
}


@dataclass
class Change:
    """One difference, in the words of the domain."""

    section: str
    """Key of :data:`SECTIONS`."""
    subject: str
    """What changed: a meeting date, an action id, a person id ..."""
    change: str
    """added, removed, moved, status, rescheduled, closed, reassigned, update ..."""
    summary: str
    """One line for a person ("status scheduled → held")."""
    details: dict[str, Any] = field(default_factory=dict)
    restricted: bool = False
    """About something restricted (on either side): a public diff shows only that it changed."""

    def as_dict(self) -> dict[str, Any]:
        return {"section": self.section, "subject": self.subject, "change": self.change,
                "summary": self.summary, "details": _plain(self.details)}

    def line(self) -> str:
        return f"{self.subject}: {self.summary}" if self.subject else self.summary


@dataclass
class Side:
    """One end of the comparison."""

    label: str
    """As the user named it ("main", "HEAD~1") or "working tree"."""
    commit: str | None = None
    short: str | None = None
    merge_base: bool = False
    """The commit is where the current branch left ``label`` (the default base)."""

    def describe(self) -> str:
        if self.merge_base:
            return f"{self.label} (merge base {self.short})"
        return f"{self.label} ({self.short})" if self.short and self.short != self.label else self.label

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "commit": self.commit, "merge_base": self.merge_base}


@dataclass
class DiffReport:
    base: Side
    head: Side
    changes: list[Change]
    warnings: list[str] = field(default_factory=list)

    def by_section(self) -> dict[str, list[Change]]:
        out: dict[str, list[Change]] = {}
        for key in SECTIONS:
            found = [c for c in self.changes if c.section == key]
            if found:
                out[key] = found
        return out


# --------------------------------------------------------------------------- helpers


def _plain(value: Any) -> Any:
    """JSON-ready: dates and times as ISO text, enums as their words."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat() if not isinstance(value, dt.time) else value.strftime("%H:%M")
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    return value


def _show(value: Any) -> str:
    if value is None or value == [] or value == "":
        return "(none)"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(_show(v) for v in value)
    return _clip(str(value))


def _clip(text: str, width: int = 110) -> str:
    """Free text on one line, shortened for a summary."""
    one = " ".join(str(text).split())
    return one if len(one) <= width else one[: width - 1].rstrip() + "…"


def _arrow(old: Any, new: Any) -> str:
    return f"{_show(old)} → {_show(new)}"


class _Names:
    """People and organisations by id, from either side (the newer name wins)."""

    def __init__(self, a: Repo, b: Repo):
        self.people = {**{k: p.display_name for k, p in a.people.items()},
                       **{k: p.display_name for k, p in b.people.items()}}
        self.orgs = {**{k: o.label for k, o in a.organisations.items()},
                     **{k: o.label for k, o in b.organisations.items()}}

    def person(self, pid: str) -> str:
        return self.people.get(pid, pid)

    def persons(self, pids: Iterable[str]) -> str:
        return ", ".join(self.person(p) for p in pids) or "(none)"

    def org(self, oid: str) -> str:
        return self.orgs.get(oid, oid)


def _changed_fields(old: Any, new: Any, names: Iterable[str]) -> dict[str, list[Any]]:
    out = {}
    for name in names:
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            out[name] = [a, b]
    return out


def _fields_text(fields: dict[str, list[Any]], show: Callable[[str, Any], str] | None = None) -> str:
    show = show or (lambda _n, v: _show(v))
    return "; ".join(f"{name.replace('_', ' ')} {show(name, a)} → {show(name, b)}" for name, (a, b) in fields.items())


# --------------------------------------------------------------------------- meetings


def _meeting_line(m: Meeting) -> str:
    bits = [m.status.value]
    if m.start:
        bits.append(f"{m.start:%H:%M}" + (f"–{m.end:%H:%M}" if m.end else ""))
    if m.venue:
        bits.append(_clip(m.venue, 60))
    return ", ".join(bits)


def _item_identity(item: AgendaItem) -> str:
    return item.key or " ".join(item.title.lower().split())


def _meetings(a: Repo, b: Repo, names: _Names) -> list[Change]:
    out: list[Change] = []
    added = sorted(set(b.meetings) - set(a.meetings))
    removed = sorted(set(a.meetings) - set(b.meetings))
    pairs: list[tuple[dt.date, dt.date]] = []
    # One meeting gone and one new, neither held: the meeting was moved to another date.
    if len(added) == 1 and len(removed) == 1 and a.meetings[removed[0]].status.value != "held":
        pairs.append((removed[0], added[0]))
        added, removed = [], []
    for day in added:
        m = b.meetings[day]
        out.append(Change("meetings", day.isoformat(), "added", f"added ({_meeting_line(m)})",
                          {"status": m.status, "start": m.start, "end": m.end, "venue": m.venue}))
    for day in removed:
        m = a.meetings[day]
        out.append(Change("meetings", day.isoformat(), "removed", f"removed (was {_meeting_line(m)})",
                          {"status": m.status}))
    for old_day, new_day in pairs:
        out.append(Change("meetings", new_day.isoformat(), "moved", f"moved from {old_day.isoformat()}",
                          {"date": [old_day, new_day]}))
    common = [(d, d) for d in sorted(set(a.meetings) & set(b.meetings))] + pairs
    for old_day, new_day in sorted(common, key=lambda p: p[1]):
        old, new = a.meetings[old_day], b.meetings[new_day]
        out += _meeting_changes(new_day.isoformat(), old, new, names)
    return out


def _meeting_changes(subject: str, old: Meeting, new: Meeting, names: _Names) -> list[Change]:
    out: list[Change] = []
    if old.status != new.status:
        kind = {"cancelled": "cancelled", "held": "held"}.get(new.status.value, "status")
        out.append(Change("meetings", subject, kind, f"status {_arrow(old.status, new.status)}",
                          {"status": [old.status, new.status]}))
    moved = _changed_fields(old, new, ("start", "end", "venue", "mode"))
    if moved:
        out.append(Change("meetings", subject, "rescheduled", f"rescheduled: {_fields_text(moved)}", moved))
    if old.chair != new.chair:
        out.append(Change("meetings", subject, "chair",
                          f"chair {names.person(old.chair) if old.chair else '(none)'} → "
                          f"{names.person(new.chair) if new.chair else '(none)'}",
                          {"chair": [old.chair, new.chair]}))
    out += _agenda(subject, old, new)
    out += _attendance(subject, old, new, names)
    out += _minutes(subject, old, new)
    return out


def _agenda(subject: str, old: Meeting, new: Meeting) -> list[Change]:
    out: list[Change] = []
    before = {_item_identity(i): i for i in old.agenda}
    after = {_item_identity(i): i for i in new.agenda}
    for ident, item in after.items():
        if ident not in before:
            out.append(Change("agenda", subject, "added", f"item {item.number} “{_clip(item.title, 80)}” added",
                              {"number": item.number, "title": item.title}, item.restricted))
    for ident, item in before.items():
        if ident not in after:
            out.append(Change("agenda", subject, "removed", f"item {item.number} “{_clip(item.title, 80)}” removed",
                              {"number": item.number, "title": item.title}, item.restricted))
    for ident, item in after.items():
        was = before.get(ident)
        if was is None:
            continue
        first = len(out)
        if was.number != item.number:
            out.append(Change("agenda", subject, "renumbered",
                              f"“{_clip(item.title, 80)}” renumbered {was.number} → {item.number}",
                              {"title": item.title, "number": [was.number, item.number]}))
        if was.title != item.title:
            out.append(Change("agenda", subject, "retitled",
                              f"item {item.number} retitled “{_clip(was.title, 60)}” → “{_clip(item.title, 60)}”",
                              {"number": item.number, "title": [was.title, item.title]}))
        if was.to_follow != item.to_follow:
            state = "paper to follow" if item.to_follow else "paper no longer to follow"
            out.append(Change("agenda", subject, "to-follow", f"item {item.number}: {state}",
                              {"number": item.number, "to_follow": [was.to_follow, item.to_follow]}))
        for c in out[first:]:
            c.restricted = was.restricted or item.restricted
    return out


_GROUPS = ("present", "officers", "apologies", "absent")


def _attendance(subject: str, old: Meeting, new: Meeting, names: _Names) -> list[Change]:
    out: list[Change] = []
    for group in _GROUPS:
        was = [a.person for a in getattr(old.attendance, group)]
        now = [a.person for a in getattr(new.attendance, group)]
        added = [p for p in now if p not in was]
        gone = [p for p in was if p not in now]
        if added:
            out.append(Change("attendance", subject, "added", f"{group} added: {names.persons(added)}",
                              {"list": group, "people": added}))
        if gone:
            out.append(Change("attendance", subject, "removed", f"{group} removed: {names.persons(gone)}",
                              {"list": group, "people": gone}))
    return out


def _minute_key(item: MinuteItem) -> str:
    return f"item {item.item}" if item.item is not None else _clip(item.title, 60)


#: How each kind of body part is counted in a summary ("2 points added").
_PART_WORDS = {"text": ("paragraph", "paragraphs"), "heading": ("sub-heading", "sub-headings"),
               "points": ("point", "points"), "bullets": ("bullet", "bullets"),
               "upcoming": ("upcoming meeting", "upcoming meetings")}


def _body_pieces(item: MinuteItem) -> list[tuple[str, str]]:
    """A minute's body as (kind, text) pieces, decisions left out (they are reported one by one)."""
    out: list[tuple[str, str]] = []
    for part in item.body:
        if part.text is not None:
            out.append(("text", part.text))
        elif part.heading is not None:
            out.append(("heading", f"{part.number or ''} {part.heading}".strip()))
        elif part.points is not None:
            out += [("points", p.text + "".join(f"\n- {b}" for b in p.bullets)) for p in part.points]
        elif part.bullets is not None:
            out += [("bullets", b) for b in part.bullets]
        elif part.upcoming is not None:
            out += [("upcoming", str(u.date or u.label)) for u in part.upcoming]
    return out


def _body_change(was: MinuteItem, item: MinuteItem) -> str | None:
    """"2 points added, 1 paragraph changed" for a minute whose body (decisions apart) changed."""
    old, new = _body_pieces(was), _body_pieces(item)
    if old == new:
        return None
    import difflib

    counts: dict[tuple[str, str], int] = {}
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        gone, came = old[i1:i2], new[j1:j2]
        if op == "replace":
            both = min(len(gone), len(came))
            for kind, _ in came[:both]:
                counts[(kind, "changed")] = counts.get((kind, "changed"), 0) + 1
            gone, came = gone[both:], came[both:]
        for kind, _ in came:
            counts[(kind, "added")] = counts.get((kind, "added"), 0) + 1
        for kind, _ in gone:
            counts[(kind, "removed")] = counts.get((kind, "removed"), 0) + 1
    if not counts:
        return "parts reordered"
    words = []
    for (kind, how), n in counts.items():
        one, many = _PART_WORDS[kind]
        words.append(f"{n} {one if n == 1 else many} {how}")
    return ", ".join(words)


def _minutes(subject: str, old: Meeting, new: Meeting) -> list[Change]:
    out: list[Change] = []
    om, nm = old.minutes, new.minutes
    if om is None and nm is not None:
        out.append(Change("minutes", subject, "added", f"minutes added ({nm.state.value})", {"state": nm.state}))
    elif om is not None and nm is None:
        out.append(Change("minutes", subject, "removed", "minutes removed", {}))
    elif om is not None and nm is not None and om.state != nm.state:
        extra = f" at {nm.approved_at.isoformat()}" if nm.approved_at and om.approved_at != nm.approved_at else ""
        out.append(Change("minutes", subject, "state", f"minutes {_arrow(om.state, nm.state)}{extra}",
                          {"state": [om.state, nm.state], "approved_at": nm.approved_at}))
    if nm is not None and nm.imported_from is not None and (om is None or om.imported_from != nm.imported_from):
        out.append(Change("minutes", subject, "imported",
                          f"minutes imported from {nm.imported_from.file} (SHA-256 {nm.imported_from.sha256[:12]}…)",
                          {"file": nm.imported_from.file, "sha256": nm.imported_from.sha256}))
    old_items = {_minute_key(i): i for i in (om.items if om else [])}
    new_items = {_minute_key(i): i for i in (nm.items if nm else [])}
    if om is not None and nm is not None:
        for key, item in new_items.items():
            was = old_items.get(key)
            if was is None:
                out.append(Change("minutes", subject, "minute added", f"minute added ({key}): {_clip(item.title, 80)}",
                                  {"item": item.item, "number": item.number, "title": item.title},
                                  views.minute_restricted(new, item)))
                continue
            first = len(out)
            if was.outcome != item.outcome:
                out.append(Change("minutes", subject, "outcome", f"{key}: {_arrow(was.outcome, item.outcome)}",
                                  {"item": item.item, "outcome": [was.outcome, item.outcome]}))
            if was.restricted != item.restricted:
                state = "restricted (exempt)" if item.restricted else "no longer restricted"
                out.append(Change("minutes", subject, "restricted", f"{key}: {state}",
                                  {"item": item.item, "restricted": [was.restricted, item.restricted]}))
            body = _body_change(was, item)
            if body:
                out.append(Change("minutes", subject, "minute changed", f"{key}: {body}",
                                  {"item": item.item, "title": item.title}))
            for c in out[first:]:  # about a restricted minute, on either side
                c.restricted = views.minute_restricted(old, was) or views.minute_restricted(new, item)
        for key, was in old_items.items():
            if key not in new_items:
                out.append(Change("minutes", subject, "minute removed", f"minute removed ({key}): {_clip(was.title, 80)}",
                                  {"item": was.item, "number": was.number, "title": was.title},
                                  views.minute_restricted(old, was)))
    before = {(_minute_key(i), d.text): d for i in (om.items if om else []) for d in i.decisions}
    after = [(i, d) for i in (nm.items if nm else []) for d in i.decisions]
    now = {(_minute_key(i), d.text) for i, d in after}
    for item, decision in after:
        was_d = before.get((_minute_key(item), decision.text))
        if was_d is None:
            out.append(Change("minutes", subject, "decision added",
                              f"decision added ({_minute_key(item)}): {_clip(decision.text)}",
                              {"item": item.item, "title": item.title, "text": decision.text,
                               "owners": decision.owners, "action": decision.action},
                              views.minute_restricted(new, item)))
        elif sorted(was_d.owners) != sorted(decision.owners):
            out.append(Change("minutes", subject, "decision owners",
                              f"decision owners ({_minute_key(item)}: {_clip(decision.text, 60)}): "
                              f"{', '.join(was_d.owners) or '(none)'} → {', '.join(decision.owners) or '(none)'}",
                              {"item": item.item, "text": decision.text, "owners": [was_d.owners, decision.owners]},
                              views.minute_restricted(new, item)))
    for item in (om.items if om else []):
        for decision in item.decisions:
            if (_minute_key(item), decision.text) not in now:
                out.append(Change("minutes", subject, "decision removed",
                                  f"decision removed ({_minute_key(item)}): {_clip(decision.text)}",
                                  {"item": item.item, "title": item.title, "text": decision.text},
                                  views.minute_restricted(old, item)))
    return out


# --------------------------------------------------------------------------- actions


def _actions(a: Repo, b: Repo, names: _Names) -> list[Change]:
    out: list[Change] = []
    ids = sorted(set(a.actions) | set(b.actions), key=action_sort_key)
    for aid in ids:
        old, new = a.actions.get(aid), b.actions.get(aid)
        if old is None:
            assert new is not None  # the id is on one side at least
            due = f"; due {new.due.isoformat()}" if new.due else ""
            out.append(Change("actions", aid, "added",
                              f"added: {_clip(new.text, 90)} (owner{'s' if len(new.owners) > 1 else ''}: "
                              f"{names.persons(new.owners)}{due})",
                              {"text": new.text, "owners": new.owners, "due": new.due, "status": new.status}))
            continue
        if new is None:
            out.append(Change("actions", aid, "removed", f"removed: {_clip(old.text, 90)}", {"text": old.text}))
            continue
        if old.status != new.status:
            if old.is_open:
                kind = "closed"
            elif new.is_open:
                kind = "reopened"
            else:
                kind = "status"
            out.append(Change("actions", aid, kind, f"{kind}: {_arrow(old.status, new.status)}",
                              {"status": [old.status, new.status]}))
        if old.owners != new.owners:
            out.append(Change("actions", aid, "reassigned",
                              f"reassigned: {names.persons(old.owners)} → {names.persons(new.owners)}",
                              {"owners": [old.owners, new.owners]}))
        seen = {(h.date, h.note, h.status, tuple(h.reassigned_to)) for h in old.history}
        for h in new.history:
            if (h.date, h.note, h.status, tuple(h.reassigned_to)) in seen:
                continue
            what = _clip(h.note, 90) if h.note else (f"status {h.status.value}" if h.status else "reassigned")
            out.append(Change("actions", aid, "update", f"update {h.date.isoformat()}: {what}",
                              {"date": h.date, "note": h.note, "status": h.status,
                               "reassigned_to": h.reassigned_to}))
        other = _changed_fields(old, new, ("text", "due", "due_meeting", "deliverer", "restricted", "public"))
        if other:
            out.append(Change("actions", aid, "changed", f"changed: {_fields_text(other)}", other))
    return out


# --------------------------------------------------------------------------- PSA, programme, schedule


def _psa(a: Repo, b: Repo, names: _Names) -> list[Change]:
    out: list[Change] = []
    for year in sorted(set(a.psa) | set(b.psa)):
        old, new = a.psa.get(year), b.psa.get(year)
        if old is None:
            assert new is not None  # the year is on one side at least
            out.append(Change("psa", str(year), "added",
                              f"{new.title} added ({len(new.recommendations)} recommendations)",
                              {"title": new.title, "recommendations": len(new.recommendations)}))
            continue
        if new is None:
            out.append(Change("psa", str(year), "removed", f"{old.title} removed", {"title": old.title}))
            continue
        before = {r.number: r for r in old.recommendations}
        after = {r.number: r for r in new.recommendations}
        for number in sorted(set(before) | set(after)):
            subject = f"{year}/{number}"
            was, rec = before.get(number), after.get(number)
            if was is None:
                assert rec is not None  # the number is on one side at least
                out.append(Change("psa", subject, "added", f"recommendation added: {_clip(rec.text, 90)}",
                                  {"text": rec.text, "owners": rec.owners}))
                continue
            if rec is None:
                out.append(Change("psa", subject, "deleted", f"recommendation deleted: {_clip(was.text, 90)}",
                                  {"text": was.text}))
                continue
            if rec.removed is not None and was.removed is None:
                at = f" by the meeting of {rec.removed.meeting.isoformat()}"
                why = f": {_clip(rec.removed.reason, 80)}" if rec.removed.reason else ""
                out.append(Change("psa", subject, "removed", f"removed{at}{why}",
                                  {"meeting": rec.removed.meeting, "item": rec.removed.item,
                                   "reason": rec.removed.reason}))
            elif was.status != rec.status:
                out.append(Change("psa", subject, "status", f"status {_arrow(was.status, rec.status)}",
                                  {"status": [was.status, rec.status]}))
            if was.owners != rec.owners:
                out.append(Change("psa", subject, "reassigned",
                                  f"owners {names.persons(was.owners)} → {names.persons(rec.owners)}",
                                  {"owners": [was.owners, rec.owners]}))
            if was.text != rec.text:
                out.append(Change("psa", subject, "amended", f"text amended: {_clip(rec.text, 90)}",
                                  {"text": [was.text, rec.text]}))
            seen = {(u.date, u.text) for u in was.updates}
            for u in rec.updates:
                if (u.date, u.text) not in seen:
                    out.append(Change("psa", subject, "update", f"update {u.date.isoformat()}: {_clip(u.text, 90)}",
                                      {"date": u.date, "text": u.text, "meeting": u.meeting}))
    return out


def _when(value: Any) -> str:
    return _show(value)


def _programme(a: Repo, b: Repo) -> list[Change]:
    out: list[Change] = []
    before = {i.id: i for i in (a.programme.items if a.programme else [])}
    after = {i.id: i for i in (b.programme.items if b.programme else [])}
    for pid in list(after) + [p for p in before if p not in after]:
        was, item = before.get(pid), after.get(pid)
        if was is None:
            assert item is not None  # the id is on one side at least
            out.append(Change("programme", pid, "added", f"added: “{_clip(item.item, 80)}” ({_when(item.when)})",
                              {"item": item.item, "when": item.when, "status": item.status}))
            continue
        if item is None:
            out.append(Change("programme", pid, "removed", f"removed: “{_clip(was.item, 80)}”", {"item": was.item}))
            continue
        if was.when != item.when:
            out.append(Change("programme", pid, "when", f"“{_clip(item.item, 60)}” when {_arrow(was.when, item.when)}",
                              {"when": [was.when, item.when]}))
        if was.status != item.status:
            out.append(Change("programme", pid, "status",
                              f"“{_clip(item.item, 60)}” status {_arrow(was.status, item.status)}",
                              {"status": [was.status, item.status]}))
        if was.last_taken != item.last_taken:
            out.append(Change("programme", pid, "taken",
                              f"“{_clip(item.item, 60)}” last taken {_arrow(was.last_taken, item.last_taken)}",
                              {"last_taken": [was.last_taken, item.last_taken]}))
        other = _changed_fields(was, item, ("item", "recurs", "action_by"))
        if other:
            out.append(Change("programme", pid, "changed", f"changed: {_fields_text(other)}", other))
    return out


def _schedule(a: Repo, b: Repo) -> list[Change]:
    out: list[Change] = []
    before = {e.date: e for e in (a.config.schedule if a.config else []) if e.date}
    after = {e.date: e for e in (b.config.schedule if b.config else []) if e.date}
    for day in sorted(set(after) - set(before)):
        out.append(Change("schedule", day.isoformat(), "added", "meeting date added to the schedule", {}))
    for day in sorted(set(before) - set(after)):
        out.append(Change("schedule", day.isoformat(), "removed", "meeting date removed from the schedule", {}))
    return out


# --------------------------------------------------------------------------- registry, updates


def _people(a: Repo, b: Repo) -> list[Change]:
    out: list[Change] = []
    for pid, p in b.people.items():
        was = a.people.get(pid)
        if was is None:
            role = f", {p.role}" if p.role else ""
            out.append(Change("people", pid, "added", f"{p.display_name} added{role}",
                              {"name": p.name, "organisation": p.organisation, "role": p.role}))
        elif was.active_to != p.active_to:
            if p.active_to is not None:
                out.append(Change("people", pid, "left", f"{p.display_name} left on {p.active_to.isoformat()}",
                                  {"active_to": [was.active_to, p.active_to]}))
            else:
                out.append(Change("people", pid, "returned", f"{p.display_name} active again (no end date)",
                                  {"active_to": [was.active_to, None]}))
    for pid, was in a.people.items():
        if pid not in b.people:
            out.append(Change("people", pid, "removed", f"{was.display_name} removed from the registry", {}))
    return out


def _organisations(a: Repo, b: Repo) -> list[Change]:
    out = [Change("organisations", oid, "added", f"{o.name} added" + (f" ({o.short_name})" if o.short_name else ""),
                  {"name": o.name, "short_name": o.short_name, "statutory": o.statutory})
           for oid, o in b.organisations.items() if oid not in a.organisations]
    out += [Change("organisations", oid, "removed", f"{o.name} removed from the registry", {})
            for oid, o in a.organisations.items() if oid not in b.organisations]
    return out


def _updates(a: Repo, b: Repo, names: _Names) -> list[Change]:
    out: list[Change] = []
    for key in sorted(set(a.updates) | set(b.updates)):
        day, org = key
        subject = f"{day.isoformat()}/{org}"
        was, now = a.updates.get(key), b.updates.get(key)
        if was is None:
            assert now is not None  # the key is on one side at least
            out.append(Change("updates", subject, "added",
                              f"{names.org(org)} update for {day.isoformat()} added: {_clip(now.subject, 80)}",
                              {"meeting": day, "organisation": org, "subject": now.subject}))
        elif now is None:
            out.append(Change("updates", subject, "removed", f"{names.org(org)} update for {day.isoformat()} removed",
                              {"meeting": day, "organisation": org}))
        elif was.model_dump() != now.model_dump():
            changed = [k for k in type(now).model_fields if getattr(was, k) != getattr(now, k)]
            out.append(Change("updates", subject, "changed",
                              f"{names.org(org)} update for {day.isoformat()} changed ({', '.join(changed)})",
                              {"meeting": day, "organisation": org, "fields": changed}))
    return out


def _performance(a: Repo, b: Repo) -> list[Change]:
    out: list[Change] = []
    for year, perf in sorted(b.performance.items()):
        old = a.performance.get(year)
        before = {(i.id, r.quarter) for i in (old.indicators if old else []) for r in i.readings}
        for ind in perf.indicators:
            quarters = [r.quarter for r in ind.readings if (ind.id, r.quarter) not in before]
            if quarters:
                out.append(Change("performance", f"{year}/{ind.id}", "readings added",
                                  f"{_clip(ind.name, 60)}: {', '.join(quarters)} {year} added",
                                  {"year": year, "indicator": ind.id, "quarters": quarters}))
    return out


# --------------------------------------------------------------------------- comparing


def _restricted(a: Repo, old: Any, b: Repo, new: Any) -> bool:
    """Whether a record is restricted on either side (:func:`cspkit.views.is_restricted`)."""
    return (old is not None and views.is_restricted(a, old)) or (new is not None and views.is_restricted(b, new))


def _restricted_records(a: Repo, b: Repo) -> set[tuple[str, str]]:
    """(section, subject) of every action, programme row and partner update restricted on either
    side: every change reported about one is a change to something restricted. (Agenda items and
    minutes, whose changes are reported under their meeting, are marked where they are found.)"""
    out = {("actions", aid) for aid in set(a.actions) | set(b.actions)
           if _restricted(a, a.actions.get(aid), b, b.actions.get(aid))}
    rows_a = {i.id: i for i in (a.programme.items if a.programme else [])}
    rows_b = {i.id: i for i in (b.programme.items if b.programme else [])}
    out |= {("programme", pid) for pid in set(rows_a) | set(rows_b)
            if _restricted(a, rows_a.get(pid), b, rows_b.get(pid))}
    out |= {("updates", f"{day.isoformat()}/{org}") for day, org in set(a.updates) | set(b.updates)
            if _restricted(a, a.updates.get((day, org)), b, b.updates.get((day, org)))}
    return out


def compare(a: Repo, b: Repo) -> list[Change]:
    """Every difference between two loaded repositories, in report order."""
    names = _Names(a, b)
    changes = (_meetings(a, b, names) + _actions(a, b, names) + _psa(a, b, names) + _programme(a, b)
               + _schedule(a, b) + _updates(a, b, names) + _performance(a, b) + _people(a, b)
               + _organisations(a, b))
    restricted = _restricted_records(a, b)
    for c in changes:
        c.restricted = c.restricted or (c.section, c.subject) in restricted
    order = {key: i for i, key in enumerate(SECTIONS)}
    by_date = {"meetings", "agenda", "attendance", "minutes", "schedule"}
    # Stable: within a section, changes keep the order they were found in (meetings by date).
    return sorted(changes, key=lambda c: (order[c.section], c.subject if c.section in by_date else ""))


def _load(folder: Path | None, label: str, warnings: list[str]) -> Repo:
    if folder is None:
        warnings.append(f"{label}: no cspkit.yaml there; everything counts as added")
        return Repo(root=Path("."))
    repo, problems = load_repo(folder)
    broken = sorted({p.file for p in problems})
    if broken:
        warnings.append(f"{label}: {len(broken)} file{'s' if len(broken) != 1 else ''} did not load and "
                        f"{'are' if len(broken) != 1 else 'is'} left out of the comparison "
                        f"({', '.join(one_line(b) for b in broken[:5])}{' …' if len(broken) > 5 else ''}); "
                        "run cspkit validate")
    return repo


def _leave_out_broken(a: Repo, b: Repo) -> None:
    """A file that did not load on one side is left out on both: its records are unknown there,
    not removed or added."""
    broken_a = [rel for rel, s in a.sources.items() if s.model is None]
    broken_b = [rel for rel, s in b.sources.items() if s.model is None]
    for rel in broken_b:
        a.forget(rel)
    for rel in broken_a:
        b.forget(rel)


#: What a public diff says in place of every change to something restricted.
RESTRICTED_CHANGE = "a restricted record changed"


def public_view(report: DiffReport) -> DiffReport:
    """The report for the public: each section's changes to restricted records (a restricted
    agenda item, minute, action, partner update, programme row …) become one line saying only
    that a restricted record changed; nothing of what they were or what they say is kept."""
    out: list[Change] = []
    noted: set[str] = set()
    for c in report.changes:
        if not c.restricted:
            out.append(c)
        elif c.section not in noted:
            noted.add(c.section)
            out.append(Change(c.section, "", "restricted", RESTRICTED_CHANGE, {}, True))
    return DiffReport(report.base, report.head, out, list(report.warnings))


def diff(root: Path, rev_a: str | None = None, rev_b: str | None = None,
         audience: str = "partners") -> DiffReport:
    """Compare the records at ``rev_a`` (default: merge base of HEAD with the main branch)
    with ``rev_b`` (default: the working tree). For the ``public`` audience, changes to
    restricted records show only as :data:`RESTRICTED_CHANGE` (:func:`public_view`)."""

    root = find_root(root)
    git = GitRepo.around(root)
    if rev_a is None:
        branch, commit_a = git.default_base()
        base = Side(branch, commit_a, git.short(commit_a), merge_base=True)
    else:
        commit_a = git.resolve(rev_a)
        base = Side(rev_a, commit_a, git.short(commit_a))
    warnings: list[str] = []
    with git.checkout(commit_a) as folder:
        a = _load(folder, base.label, warnings)
    if rev_b is None:
        head = Side("working tree")
        b = _load(root, head.label, warnings)
    else:
        commit_b = git.resolve(rev_b)
        head = Side(rev_b, commit_b, git.short(commit_b))
        with git.checkout(commit_b) as folder:
            b = _load(folder, head.label, warnings)
    _leave_out_broken(a, b)
    report = DiffReport(base, head, compare(a, b), warnings)
    return public_view(report) if audience == "public" else report


# --------------------------------------------------------------------------- reporters


def format_text(report: DiffReport) -> str:
    lines = [f"Records: {report.base.describe()} → {report.head.describe()}"]
    lines += [f"warning: {w}" for w in report.warnings]
    if not report.changes:
        lines.append("No changes to the records.")
        return "\n".join(lines)
    for key, changes in report.by_section().items():
        lines.append("")
        lines.append(SECTIONS[key])
        lines += [f"  {c.line()}" for c in changes]
    n = len(report.changes)
    lines.append("")
    lines.append(f"{n} change{'s' if n != 1 else ''}")
    return "\n".join(lines)


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def _md(text: str) -> str:
    """Record text inside Markdown: no accidental emphasis, links, HTML or @mentions."""
    return text.translate(_MD_SPECIAL).replace("@", "@\u200b")


def format_markdown(report: DiffReport) -> str:
    """A pull request comment: a heading, then one bulleted list per kind of record."""
    n = len(report.changes)
    out = ["## cspkit: changes to the records", "",
           f"Comparing `{report.base.describe()}` with `{report.head.describe()}`: "
           f"{n} change{'s' if n != 1 else ''}."]
    for w in report.warnings:
        out += ["", f"> **Warning:** {_md(w)}"]
    if not report.changes:
        out += ["", "No changes to the records."]
    for key, changes in report.by_section().items():
        out += ["", f"### {SECTIONS[key]}", ""]
        out += [f"- **{_md(c.subject)}**: {_md(c.summary)}" if c.subject else f"- {_md(c.summary)}"
                for c in changes]
    return "\n".join(out)


def format_json(report: DiffReport) -> str:
    counts = {key: len(changes) for key, changes in report.by_section().items()}
    return json.dumps({
        "base": report.base.as_dict(),
        "head": report.head.as_dict(),
        "changes": [c.as_dict() for c in report.changes],
        "counts": counts,
        "warnings": report.warnings,
    }, indent=2, ensure_ascii=False)


FORMATS: dict[str, Callable[[DiffReport], str]] = {
    "text": format_text, "md": format_markdown, "json": format_json,
}
