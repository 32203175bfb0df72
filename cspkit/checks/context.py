"""What every cross-record check works with: the loaded repository, lookups, and the report.

A check is a function of one :class:`CheckContext`, registered with :func:`check`; it says what
it finds with :meth:`CheckContext.problem` (at a record and a field path inside it) or
:meth:`CheckContext.at` (at a file and a field path). Line numbers are filled in later
(:func:`cspkit.load.finish`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, overload

from cspkit.errors import Loc, Problem, ProblemCode, Severity, format_loc
from cspkit.fileio import real_path
from cspkit.lookup import Index, organisation_index, people_index
from cspkit.models import BY_NAME
from cspkit.models.common import SLUG_RE
from cspkit.models.meeting import Meeting, MeetingStatus
from cspkit.models.registry import Person
from cspkit.repo import Repo

#: Words allowed in an agenda item's leads besides person ids.
ROLE_LEADS = {"chair", "vice-chair", "clerk"}

Check = Callable[["CheckContext"], None]


@dataclass(frozen=True)
class Registered:
    """A registered check; ``scoped`` checks look at one record (file) at a time."""

    fn: Check
    scoped: bool

    @property
    def name(self) -> str:
        return self.fn.__name__


#: Every check, in the order they run (which is the order their modules are imported).
CHECKS: list[Registered] = []


@overload
def check(fn: Check, *, scoped: bool = False) -> Check: ...


@overload
def check(fn: None = None, *, scoped: bool = False) -> Callable[[Check], Check]: ...


def check(fn: Check | None = None, *, scoped: bool = False) -> Check | Callable[[Check], Check]:
    """Register a cross-record check (``@check``, or ``@check(scoped=True)``).

    A scoped check reports problems about one record at a time, in that record's own file,
    and skips records outside ``ctx.files`` (``ctx.in_scope(record)``): after a change, only
    the files the change affects are checked again (:func:`cspkit.session.affected_files`
    says which). It may look up only what that function knows as referring to a changed
    record (meetings, actions, updates and the programme by key; people, organisations and
    cspkit.yaml changes check everything again). A check that compares records across files
    (uniqueness, say) is not scoped: it always runs whole.
    """
    def register(f: Check) -> Check:
        CHECKS.append(Registered(f, scoped))
        return f

    return register(fn) if fn is not None else register


class CheckContext:
    """The repository being checked, the registries' lookups and the problems found so far."""

    def __init__(self, repo: Repo, files: frozenset[str] | None = None, loaded: list[Problem] | None = None):
        self.repo = repo
        #: the files scoped checks look at (None: all)
        self.files = files
        #: the check running now (problems are tagged with it)
        self.current = ""
        self.problems: list[Problem] = []
        #: the problems found reading and validating each file (a check may say more about one)
        self.loaded: list[Problem] = loaded if loaded is not None else []
        self.people: Index = people_index(repo.people)
        self.orgs: Index = organisation_index(repo.organisations)
        # Files that exist but could not be read or validated report their own problems; a
        # reference to something they hold is not also reported as unknown or missing.
        self.broken = {real_path(s.path) for s in repo.sources.values() if s.model is None}
        self.broken_kinds = {s.kind.name for s in repo.sources.values() if s.model is None}

    def in_scope(self, record: object) -> bool:
        """Whether a scoped check should look at ``record`` in this run."""
        return self.files is None or self.repo.where(record)[0] in self.files

    @property
    def records_name(self) -> str:
        return self.repo.config.records_dir if self.repo.config else "records"

    def broken_file(self, kind: str, key: Hashable) -> bool:
        """Whether the file of ``kind`` holding ``key`` exists but failed to load."""
        return real_path(self.repo.path_for(BY_NAME[kind], key)) in self.broken

    # ------------------------------------------------------------------ reporting
    def problem(self, record: object, loc: Loc, message: str, code: ProblemCode = ProblemCode.unknown_reference,
                severity: Severity = Severity.error) -> None:
        file, full = self.repo.where(record, *loc)
        self.problems.append(Problem(file, message=message, loc=full, code=code, severity=severity,
                                     check=self.current))

    def at(self, file: str, loc: Loc, message: str, code: ProblemCode = ProblemCode.unknown_reference,
           severity: Severity = Severity.error) -> None:
        self.problems.append(Problem(file, message=message, loc=loc, code=code, severity=severity,
                                     check=self.current))

    # ------------------------------------------------------------------ references
    def person(self, record: object, loc: Loc, pid: str | None, on: dt.date | None = None,
               what: str = "person") -> Person | None:
        if pid is None:
            return None
        p = self.repo.people.get(pid)
        if p is None:
            if "people" in self.broken_kinds:
                return None
            self.problem(record, loc, self.unknown_person(pid, what))
            return None
        if on is not None and not p.active_on(on):
            span = f"{p.active_from or '…'} to {p.active_to or '…'}"
            self.problem(record, loc, f"{p.name} ('{pid}') was not active on {on} (active {span})",
                         ProblemCode.inactive)
        return p

    def unknown_person(self, text: str, what: str = "person") -> str:
        """The message for a person's id that is not on the registry: a name where the id
        belongs says whose id to write; anything else gets the nearest ids."""
        named = set() if re.match(SLUG_RE, text) else self.people.find(text)
        if len(named) == 1:
            return f"'{text}' is not an id but the name of '{next(iter(named))}': write the id"
        return f"unknown {what} '{text}'{self.people.hint(text)}"

    def lead(self, record: object, loc: Loc, lead: str) -> None:
        """An agenda lead: a person's id, or a role word (chair, vice-chair, clerk)."""
        if lead not in ROLE_LEADS:
            self.person(record, loc, lead)

    def org(self, record: object, loc: Loc, oid: str | None) -> None:
        if oid is not None and oid not in self.repo.organisations and "organisations" not in self.broken_kinds:
            self.problem(record, loc, f"unknown organisation '{oid}'{self.orgs.hint(oid)}")

    def meeting_exists(self, record: object, loc: Loc, day: dt.date | None, held: bool = False,
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
    def unique(self, record: object, items: Iterable[Any], field: str, at: Loc, message: str) -> None:
        """Within one record: each of ``items`` (at ``at``) whose ``field`` an earlier one has is
        reported at that field, with where the first one is; ``message`` names the value as
        ``{key}`` ("duplicate plan id '{key}'")."""
        first: dict[Any, int] = {}
        for i, item in enumerate(items):
            k = getattr(item, field)
            if k is None:
                continue
            if k in first:
                self.problem(record, (*at, i, field), f"{message.format(key=k)} "
                                                      f"(also at {format_loc((*at, first[k], field))})",
                             ProblemCode.duplicate)
            else:
                first[k] = i

    def unique_across(self, entries: Iterable[tuple[Any, str, Loc]], what: str) -> None:
        """Across files: ``entries`` are (key, file, loc); each key given again is reported
        where it is given again, with where it was first given."""
        seen: dict[Any, tuple[str, Loc]] = {}
        for key, file, loc in entries:
            if key in seen:
                first_file, first_loc = seen[key]
                where = format_loc(first_loc) if first_file == file else f"{format_loc(first_loc)} in {first_file}"
                self.at(file, loc, f"duplicate {what} '{key}' (also at {where})", ProblemCode.duplicate)
            else:
                seen[key] = (file, loc)
