"""Pydantic models, one module per record kind; :data:`KINDS` says where each kind lives.

A :class:`Kind` carries what the rest of cspkit needs to know about a record kind, so that no
module switches on kind names: its model, where its files are, the key a file holds (a
meeting date, a year …) and the file that key belongs in, how its records are indexed and
where each part of a record sits in its file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Generic, TypeVar

from cspkit.models.action import Action, ActionFile, ActionStatus, HistoryEntry
from cspkit.models.config import Config
from cspkit.models.meeting import AgendaItem, Decision, Meeting, MeetingStatus, MinuteItem, Minutes
from cspkit.models.partner_update import PartnerUpdate
from cspkit.models.performance import PerformanceYear
from cspkit.models.programme import ForwardProgramme, ProgrammeItem
from cspkit.models.psa import PSA
from cspkit.models.registry import Organisation, Organisations, People, Person

R = TypeVar("R")

#: (index name on the repository, key, record): where a loaded record is found by key.
Entry = tuple[str, Hashable, Any]
#: (field path inside the file, part): a part of a record that problems can point at.
Part = tuple[tuple[Any, ...], Any]


def _none(_record: Any) -> Iterable[Any]:
    return ()


@dataclass(frozen=True)
class Kind(Generic[R]):
    """A record kind: its name, model, and where its files are (relative to records/).

    ``key`` is what one file of the kind holds (``None`` for a kind with a single file);
    ``path`` is the file (relative to the records folder) a key belongs in, so that code
    never builds record paths by hand. ``entries`` say how its records are indexed on the
    repository (:class:`cspkit.repo.Repo` has a dict of that name), ``parts`` where the
    parts of a record sit in its file, ``key_field`` which field holds the key and
    ``describe`` how to name a key in a message.
    """

    name: str
    model: type[R]
    pattern: str
    title: str
    key: Callable[[R], Hashable] = field(default=lambda _r: None)
    path: Callable[[Hashable], str] | None = None
    entries: Callable[[R], Iterable[Entry]] = field(default=_none)
    parts: Callable[[R], Iterable[Part]] = field(default=_none)
    key_fields: tuple[str, ...] = ()
    """The fields that hold the key, in the order its parts make the path (folder, then name)."""
    describe: Callable[[Hashable], str] = field(default=lambda key: str(key))

    @property
    def schema_file(self) -> str:
        """``meeting`` -> ``meeting.schema.json`` (the name :func:`cspkit.schema.write_schemas` uses)."""
        return f"{self.name}.schema.json"

    def file_for(self, key: Hashable) -> PurePosixPath:
        """The file (relative to the records folder) that holds ``key``."""
        if self.path is None:
            return PurePosixPath(self.pattern)
        return PurePosixPath(self.path(key))

    def matches(self, inner: PurePosixPath | Path) -> bool:
        """Whether a path relative to the records folder is a file of this kind."""
        return inner.match(self.pattern) and len(inner.parts) == len(PurePosixPath(self.pattern).parts)


def _iso(day: Any) -> str:
    return day.isoformat() if isinstance(day, dt.date) else str(day)


def _meeting_parts(m: Meeting) -> Iterable[Part]:
    for i, item in enumerate(m.agenda):
        yield ("agenda", i), item
    if m.minutes:
        for i, mi in enumerate(m.minutes.items):
            yield ("minutes", "items", i), mi


KINDS: tuple[Kind[Any], ...] = (
    Kind("people", People, "people.yaml", "People registry",
         entries=lambda f: (("people", p.id, p) for p in f.people),
         parts=lambda f: ((("people", i), p) for i, p in enumerate(f.people))),
    Kind("organisations", Organisations, "organisations.yaml", "Organisations registry",
         entries=lambda f: (("organisations", o.id, o) for o in f.organisations),
         parts=lambda f: ((("organisations", i), o) for i, o in enumerate(f.organisations))),
    Kind("meeting", Meeting, "meetings/*.yaml", "Meeting",
         key=lambda m: m.date, path=lambda day: f"meetings/{_iso(day)}.yaml",
         entries=lambda m: (("meetings", m.date, m),), parts=_meeting_parts,
         key_fields=("date",), describe=lambda day: f"the meeting of {day}"),
    Kind("actions", ActionFile, "actions/*.yaml", "Actions raised at a meeting",
         key=lambda f: f.meeting, path=lambda day: f"actions/{_iso(day)}.yaml",
         entries=lambda f: (("action_files", f.meeting, f), *(("actions", a.id, a) for a in f.actions)),
         parts=lambda f: ((("actions", i), a) for i, a in enumerate(f.actions)),
         key_fields=("meeting",), describe=lambda day: f"the actions of {day}"),
    Kind("partner-update", PartnerUpdate, "updates/*/*.yaml", "Partner update report",
         key=lambda u: (u.meeting, u.organisation),
         path=lambda key: f"updates/{_iso(key[0])}/{key[1]}.yaml",  # type: ignore[index]
         entries=lambda u: (("updates", (u.meeting, u.organisation), u),),
         key_fields=("meeting", "organisation"),
         describe=lambda key: f"the update of '{key[1]}' for {key[0]}"),  # type: ignore[index]
    Kind("psa", PSA, "psa/*.yaml", "PSA recommendations",
         key=lambda p: p.year, path=lambda year: f"psa/{year}.yaml",
         entries=lambda p: (("psa", p.year, p),),
         parts=lambda p: ((("recommendations", i), r) for i, r in enumerate(p.recommendations)),
         key_fields=("year",), describe=lambda year: f"year {year}"),
    Kind("forward-programme", ForwardProgramme, "forward-programme.yaml", "Forward programme",
         entries=lambda p: (("programmes", "forward-programme", p),),
         parts=lambda p: ((("items", i), it) for i, it in enumerate(p.items))),
    Kind("performance", PerformanceYear, "performance/*.yaml", "Performance indicators",
         key=lambda p: p.year, path=lambda year: f"performance/{year}.yaml",
         entries=lambda p: (("performance", p.year, p),),
         key_fields=("year",), describe=lambda year: f"year {year}"),
)
CONFIG_KIND: Kind[Config] = Kind("config", Config, "cspkit.yaml", "Partnership configuration")
BY_NAME: dict[str, Kind[Any]] = {k.name: k for k in (CONFIG_KIND, *KINDS)}

__all__ = [
    "BY_NAME",
    "CONFIG_KIND",
    "KINDS",
    "PSA",
    "Action",
    "ActionFile",
    "ActionStatus",
    "AgendaItem",
    "Config",
    "Decision",
    "ForwardProgramme",
    "HistoryEntry",
    "Kind",
    "Meeting",
    "MeetingStatus",
    "MinuteItem",
    "Minutes",
    "Organisation",
    "Organisations",
    "PartnerUpdate",
    "People",
    "PerformanceYear",
    "Person",
    "ProgrammeItem",
]
