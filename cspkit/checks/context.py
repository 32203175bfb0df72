"""What every cross-record check works with: the loaded repository, lookups, and the report.

A check is a function of one :class:`CheckContext`, registered with :func:`check`; it says what
it finds with :meth:`CheckContext.problem` (at a record and a field path inside it) or
:meth:`CheckContext.at` (at a file and a field path). Line numbers are filled in later
(:func:`cspkit.load.finish`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from cspkit.errors import Problem, ProblemCode, Severity, format_loc
from cspkit.lookup import Index, organisation_index, people_index
from cspkit.models import BY_NAME
from cspkit.models.meeting import Meeting, MeetingStatus
from cspkit.models.registry import Person
from cspkit.repo import Repo
from cspkit.fileio import real_path

#: Words allowed in an agenda item's leads besides person ids.
ROLE_LEADS = {"chair", "vice-chair", "clerk"}

Check = Callable[["CheckContext"], None]
#: Every check, in the order they run (which is the order their modules are imported).
CHECKS: list[Check] = []


def check(fn: Check) -> Check:
    """Register a cross-record check."""
    CHECKS.append(fn)
    return fn


class CheckContext:
    """The repository being checked, the registries' lookups and the problems found so far."""

    def __init__(self, repo: Repo):
        self.repo = repo
        self.problems: list[Problem] = []
        self.people: Index = people_index(repo.people)
        self.orgs: Index = organisation_index(repo.organisations)
        # Files that exist but could not be read or validated report their own problems; a
        # reference to something they hold is not also reported as unknown or missing.
        self.broken = {real_path(s.path) for s in repo.sources.values() if s.model is None}
        self.broken_kinds = {s.kind.name for s in repo.sources.values() if s.model is None}

    @property
    def records_name(self) -> str:
        return self.repo.config.records_dir if self.repo.config else "records"

    def broken_file(self, kind: str, key: Hashable) -> bool:
        """Whether the file of ``kind`` holding ``key`` exists but failed to load."""
        return real_path(self.repo.path_for(BY_NAME[kind], key)) in self.broken

    # ------------------------------------------------------------------ reporting
    def problem(self, record: object, loc: tuple, message: str, code: ProblemCode = ProblemCode.unknown_reference,
                severity: Severity = Severity.error) -> None:
        file, full = self.repo.where(record, *loc)
        self.problems.append(Problem(file, message=message, loc=full, code=code, severity=severity))

    def at(self, file: str, loc: tuple, message: str, code: ProblemCode = ProblemCode.unknown_reference,
           severity: Severity = Severity.error) -> None:
        self.problems.append(Problem(file, message=message, loc=loc, code=code, severity=severity))

    # ------------------------------------------------------------------ references
    def person(self, record: object, loc: tuple, pid: str | None, on: dt.date | None = None,
               what: str = "person") -> Person | None:
        if pid is None:
            return None
        p = self.repo.people.get(pid)
        if p is None:
            if "people" in self.broken_kinds:
                return None
            self.problem(record, loc, f"unknown {what} '{pid}'{self.people.hint(pid)}")
            return None
        if on is not None and not p.active_on(on):
            span = f"{p.active_from or '…'} to {p.active_to or '…'}"
            self.problem(record, loc, f"{p.name} ('{pid}') was not active on {on} (active {span})",
                         ProblemCode.inactive)
        return p

    def lead(self, record: object, loc: tuple, lead: str) -> None:
        """An agenda lead: a person's id, or a role word (chair, vice-chair, clerk)."""
        if lead not in ROLE_LEADS:
            self.person(record, loc, lead)

    def org(self, record: object, loc: tuple, oid: str | None) -> None:
        if oid is not None and oid not in self.repo.organisations and "organisations" not in self.broken_kinds:
            self.problem(record, loc, f"unknown organisation '{oid}'{self.orgs.hint(oid)}")

    def meeting_exists(self, record: object, loc: tuple, day: dt.date | None, held: bool = False,
                       scheduled_ok: bool = False) -> Meeting | None:
        if day is None:
            return None
        m = self.repo.meetings.get(day)
        if m is None:
            if self.broken_file("meeting", day):
                return None
            if scheduled_ok and self.repo.config and any(s.date == day for s in self.repo.config.schedule):
                return None
            known = ", ".join(str(d) for d in sorted(self.repo.meetings)[-4:])
            self.problem(record, loc, f"no meeting on {day} ({self.records_name}/meetings/{day}.yaml does not exist; "
                                      f"latest meetings: {known or 'none'})")
            return None
        if held and m.status != MeetingStatus.held:
            self.problem(record, loc, f"the meeting on {day} is {m.status.value}, not held")
        return m

    # ------------------------------------------------------------------ uniqueness
    def unique(self, record: object, items: Iterable[Any], key: Callable[[Any], Any],
               loc: Callable[[int], tuple], message: Callable[[Any], str]) -> None:
        """Within one record: each item whose ``key`` an earlier item has is reported at
        ``loc(i)`` with ``message(key)`` and where the first one is."""
        first: dict[Any, int] = {}
        for i, item in enumerate(items):
            k = key(item)
            if k is None:
                continue
            if k in first:
                self.problem(record, loc(i), f"{message(k)} (also at {format_loc(loc(first[k]))})",
                             ProblemCode.duplicate)
            else:
                first[k] = i

    def unique_across(self, entries: Iterable[tuple[Any, str, tuple]], what: str) -> None:
        """Across files: ``entries`` are (key, file, loc); each key given again is reported
        where it is given again, with where it was first given."""
        seen: dict[Any, tuple[str, tuple]] = {}
        for key, file, loc in entries:
            if key in seen:
                first_file, first_loc = seen[key]
                where = format_loc(first_loc) if first_file == file else f"{format_loc(first_loc)} in {first_file}"
                self.at(file, loc, f"duplicate {what} '{key}' (also at {where})", ProblemCode.duplicate)
            else:
                seen[key] = (file, loc)
