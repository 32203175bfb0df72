"""Who attended a meeting: present (in the room or online), officers, apologies, substitutes.

Attendance is recorded from what the clerk knows, never assumed: ``minutes start`` no longer
lists every member as present. People are typed as the minutes print them; what the minutes
print around a name is kept with it:

* ``"Jo Hewitt (Public Health)"`` — a qualifier, printed in brackets after the organisation;
* ``"D. Taylor CC"`` — letters after the name (an honorific such as CC);
* ``"Rik Basra (for Anita Chavda)"`` or ``--substitute "Rik Basra=Anita Chavda"`` — a substitute.

Running it again adds to what is recorded (someone named again moves to their new group);
``clear`` starts from nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from cspkit.errors import UserError
from cspkit.lookup import name_key
from cspkit.models.meeting import Attendance, Attendee, AttendeeRole, Meeting, MeetingStatus
from cspkit.session import Session
from cspkit.workflows._common import Written, set_keys

GROUPS = ("present", "officers", "apologies", "absent")


@dataclass
class AttendanceResult(Written):
    """A meeting's attendance as recorded after the command, by name."""

    date: dt.date
    present: list[str] = field(default_factory=list)
    online: list[str] = field(default_factory=list)
    officers: list[str] = field(default_factory=list)
    apologies: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    chair: str | None = None
    substitutes: list[tuple[str, str]] = field(default_factory=list)
    """(who attended, for whom)."""
    not_recorded: list[str] = field(default_factory=list)
    """Members of the partnership on the day who are in no group: present, apologies or absent?"""


@dataclass
class _Entry:
    person: str
    qualifier: str | None = None
    honorific: str | None = None
    substitute_for: str | None = None


_BRACKETS = re.compile(r"(.*?)\s*\(([^()]*)\)\s*")
_LETTERS = re.compile(r"[A-Z]{2,4}")


def read_attendee(s: Session, text: str) -> _Entry:
    """A person as the minutes print them: "Jo Hewitt (Public Health)", "D. Taylor CC",
    "Rik Basra (for Anita Chavda)"."""
    text = " ".join(text.split())
    name, qualifier, substitute = text, None, None
    match = _BRACKETS.fullmatch(text)
    if match:
        inside = match.group(2).strip()
        try:
            s.person(text)  # a name that has brackets in it is a name
        except UserError:
            name = match.group(1)
            if inside.lower().startswith("for "):
                substitute = s.person(inside[4:])
            elif inside:
                qualifier = inside
    pid = s.person(name)
    honorific = None
    words = name.split()
    if len(words) > 1 and _LETTERS.fullmatch(words[-1]):
        person = s.repo.people[pid]
        if not name_key(person.name).endswith(words[-1].lower()):
            honorific = words[-1]
    return _Entry(pid, qualifier, honorific, substitute)


def _ordered(row: dict[str, Any]) -> dict[str, Any]:
    """An attendance row's keys in the order :class:`Attendee` declares them."""
    return {k: row[k] for k in Attendee.model_fields if k in row and row[k] not in (None, False)}


def record_attendance(s: Session, meeting: str | dt.date, *, present: list[str] | None = None,
                      online: list[str] | None = None, apologies: list[str] | None = None,
                      officers: list[str] | None = None, absent: list[str] | None = None,
                      substitutes: list[str] | None = None, chair: str | None = None,
                      vice_chair: str | None = None, minutes_by: str | None = None, clear: bool = False,
                      dry_run: bool = False) -> AttendanceResult:
    """Record who attended a meeting (adding to what is recorded, or with ``clear`` replacing it).

    ``online`` are present and joined online; ``substitutes`` are ``"WHO=FOR WHOM"`` (present,
    and the member they stand in for is listed with apologies unless listed already);
    ``chair``, ``vice_chair`` and ``minutes_by`` give those roles (the chair present, and the
    meeting's chair; whoever took the minutes, an officer unless listed otherwise).
    """
    m = s.meeting(meeting)
    if m.status == MeetingStatus.cancelled:
        raise UserError(f"the meeting on {m.date} was cancelled: it has no attendance")
    wanted: list[tuple[str, _Entry, bool]] = []  # (group, who, online)
    for group, texts, remote in (("present", present, False), ("present", online, True),
                                 ("officers", officers, False), ("apologies", apologies, False),
                                 ("absent", absent, False)):
        for text in texts or []:
            wanted.append((group, read_attendee(s, text), remote))
    for pair in substitutes or []:
        who, sep, whom = pair.partition("=")
        if not sep or not who.strip() or not whom.strip():
            raise UserError(f"--substitute '{pair}': write WHO=FOR WHOM, e.g. \"Rik Basra=Anita Chavda\"")
        entry = read_attendee(s, who)
        entry.substitute_for = s.person(whom)
        wanted.append(("present", entry, False))
    roles: dict[str, AttendeeRole] = {}
    given: list[tuple[AttendeeRole, str | None]] = [(AttendeeRole.chair, chair), (AttendeeRole.vice_chair, vice_chair),
                                                    (AttendeeRole.minutes, minutes_by)]
    for role, named in given:
        if named:
            pid = s.person(named)
            if pid in roles:
                raise UserError(f"{s.person_name(pid)} is given as {roles[pid].value} and as {role.value}")
            roles[pid] = role
    seen: dict[str, str] = {}
    for group, entry, remote in wanted:
        where = "online" if remote else group
        if entry.person in seen and seen[entry.person] != where:
            raise UserError(f"{s.person_name(entry.person)} is given as {seen[entry.person]} and as {where}")
        seen[entry.person] = where
        if entry.substitute_for == entry.person:
            raise UserError(f"{s.person_name(entry.person)} cannot substitute for themselves")
    if not wanted and not roles and not clear:
        raise UserError("nothing to record: give --present, --online, --apologies, --substitute, --officer, "
                        "--absent, --chair, --vice-chair or --minutes-by")

    src = s.repo.source_of(m)
    raw = (src.data or {}).get("attendance") if src is not None and isinstance(src.data, dict) else None
    groups: dict[str, list[dict[str, Any]]] = {g: [] for g in GROUPS}
    if isinstance(raw, dict) and not clear:
        for g in GROUPS:
            groups[g] = [dict(r) for r in raw.get(g) or [] if isinstance(r, dict)]

    def take(pid: str) -> tuple[str | None, int, dict[str, Any]]:
        """Remove ``pid`` from whichever group lists them: that group, their place in it, their
        row (or no group and a new row)."""
        for g in GROUPS:
            for i, row in enumerate(groups[g]):
                if row.get("person") == pid:
                    return g, i, groups[g].pop(i)
        return None, 0, {"person": pid}

    for group, entry, remote in wanted:
        was, place, row = take(entry.person)
        row.pop("remote", None)
        for key in ("qualifier", "honorific", "substitute_for"):
            if getattr(entry, key):
                row[key] = getattr(entry, key)
        if remote:
            row["remote"] = True
        if group != "present":
            row.pop("substitute_for", None)
            if row.get("role") in (AttendeeRole.chair.value, AttendeeRole.vice_chair.value):
                row.pop("role")
        if was == group:  # online or in the room, they keep their place in the list
            groups[group].insert(place, row)
        else:
            groups[group].append(row)
    listed = {r["person"] for g in GROUPS for r in groups[g]}
    stood_in = [(e.person, e.substitute_for) for _, e, _ in wanted if e.substitute_for]
    for _, whom in stood_in:
        if whom not in listed and whom is not None:
            groups["apologies"].append({"person": whom})
            listed.add(whom)
    for pid, role in roles.items():
        for g in GROUPS:
            for row in groups[g]:
                if row.get("role") == role.value and row["person"] != pid:
                    row.pop("role")
        home = next((g for g in GROUPS if any(r["person"] == pid for r in groups[g])), None)
        if home in ("apologies", "absent") and role != AttendeeRole.minutes:
            raise UserError(f"{s.person_name(pid)} is listed with {home}: the {role.value} was present "
                            f"(give --present {s.person_name(pid)!r} too)")
        if home is None:
            groups["officers" if role == AttendeeRole.minutes else "present"].append({"person": pid})
            home = "officers" if role == AttendeeRole.minutes else "present"
        row = next(r for r in groups[home] if r["person"] == pid)
        row["role"] = role.value
        if home == "present" and role in (AttendeeRole.chair, AttendeeRole.vice_chair):
            # the chair heads the list, the vice-chair next, as minutes print them
            groups["present"].remove(row)
            first = groups["present"][:1]
            chair_first = role == AttendeeRole.vice_chair and first and first[0].get("role") == "chair"
            groups["present"].insert(1 if chair_first else 0, row)
    chair_id = next((pid for pid, role in roles.items() if role == AttendeeRole.chair), None)
    new = {g: [_ordered(r) for r in groups[g]] for g in GROUPS}

    path = s.path("meeting", m.date)
    if chair_id is not None:
        set_keys(s, path, lambda doc: doc, {"chair": chair_id}, Meeting)
    kept = {g: rows for g, rows in new.items() if rows}
    if not isinstance(raw, dict) or not kept:
        set_keys(s, path, lambda doc: doc, {"attendance": kept or None}, Meeting)
    else:
        set_keys(s, path, lambda doc: doc["attendance"], {g: new[g] or None for g in GROUPS}, Attendance)
    done = Written.of(s.commit(dry_run))
    name = s.person_name
    recorded = {r["person"] for rows in new.values() for r in rows}
    members = [p for p in s.repo.people.values() if p.member and p.active_on(m.date) and p.id not in recorded]
    return AttendanceResult(
        date=m.date,
        present=[name(r["person"]) for r in new["present"] if not r.get("remote")],
        online=[name(r["person"]) for r in new["present"] if r.get("remote")],
        officers=[name(r["person"]) for r in new["officers"]],
        apologies=[name(r["person"]) for r in new["apologies"]],
        absent=[name(r["person"]) for r in new["absent"]],
        chair=name(chair_id or m.chair) or None,
        substitutes=[(name(r["person"]), name(r["substitute_for"])) for r in new["present"] if r.get("substitute_for")],
        not_recorded=[p.name for p in members],
        **done)


__all__ = ["GROUPS", "AttendanceResult", "read_attendee", "record_attendance"]
