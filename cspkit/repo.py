"""A partnership's records, loaded: the container every command reads from.

:class:`Repo` holds every validated record, indexed by id, and answers the small questions
many commands ask (the meeting before a date, the updates for a meeting). Loading it is
:mod:`cspkit.load`'s job; checking it, :mod:`cspkit.checks`'.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from cspkit.errors import Loc
from cspkit.fileio import real_path
from cspkit.models import CONFIG_KIND, Kind
from cspkit.models.action import Action, ActionFile
from cspkit.models.config import Config
from cspkit.models.meeting import Meeting, MeetingStatus
from cspkit.models.partner_update import PartnerUpdate
from cspkit.models.performance import PerformanceYear
from cspkit.models.programme import ForwardProgramme
from cspkit.models.psa import PSA
from cspkit.models.registry import Organisation, Person
from cspkit.yaml.read import YamlProblem, read_text

T = TypeVar("T")


@dataclass
class Source:
    """One record file as read: its text (for locating problems and for edits) and its model."""

    path: Path
    rel: str
    kind: Kind[Any]
    data: Any = None
    model: BaseModel | None = None
    #: SHA-256 of the bytes as read: a write replaces the file only if it is still these bytes
    digest: bytes | None = None
    #: the text; None: not read (a command that only reads took the data from the cache, by the
    #: file's digest) and read when first asked for
    _text: str | None = ""

    @property
    def text(self) -> str:
        if self._text is None:
            try:  # only to locate a problem: a file gone meanwhile locates nothing
                self._text = read_text(self.path, self.path.parent)
            except YamlProblem:
                self._text = ""
        return self._text

    @text.setter
    def text(self, value: str) -> None:
        self._text = value


@dataclass
class Repo:
    """Every record of one partnership, validated, indexed by id."""

    root: Path
    config: Config | None = None
    people: dict[str, Person] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    meetings: dict[dt.date, Meeting] = field(default_factory=dict)
    action_files: dict[dt.date, ActionFile] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)
    updates: dict[tuple[dt.date, str], PartnerUpdate] = field(default_factory=dict)
    psa: dict[int, PSA] = field(default_factory=dict)
    programmes: dict[str, ForwardProgramme] = field(default_factory=dict)
    performance: dict[str, PerformanceYear] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    #: id(model object) -> (file, loc) so cross-record checks can point into files
    origin: dict[int, tuple[str, Loc]] = field(default_factory=dict)
    #: the other files under the records folder (papers, images) as loading found them, walking
    #: the resolved records folder ``walked_in`` and seeing no symbolic link on the way: each
    #: is read without resolving its path again (:func:`cspkit.fileio.read_walked`)
    walked: frozenset[str] = frozenset()
    walked_in: str = ""
    #: what stands for the content of each of those files where the cache's snapshot walked
    #: them (see :attr:`cspkit.cache.Snapshot.stands`); empty without one
    stands: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)
    #: views worked out from the records (see :meth:`derived`); emptied when a record is indexed
    #: or forgotten
    _derived: dict[Hashable, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def records_dir(self) -> Path:
        return self.root / (self.config.records_dir if self.config else "records")

    @property
    def programme(self) -> ForwardProgramme | None:
        return self.programmes.get("forward-programme")

    # ------------------------------------------------------------------ indexing
    def index(self, src: Source, model: BaseModel) -> None:
        """Put a validated record into the indexes, remembering where each part came from.

        The first file to hold a key keeps it (a second one is reported as a duplicate).
        """
        src.model = model
        self._derived.clear()
        self.origin[id(model)] = (src.rel, ())
        kind = src.kind
        for name, key, record in kind.entries(model):
            getattr(self, name).setdefault(key, record)
        for loc, part in kind.parts(model):
            self.origin[id(part)] = (src.rel, loc)
        if kind is CONFIG_KIND:
            self.config = model  # type: ignore[assignment]

    @classmethod
    def indexed(cls, root: Path, sources: dict[str, Source]) -> Repo:
        """A repository of the records read into ``sources`` (by path as shown), indexed."""
        repo = cls(root=root)
        config_src = next((s for s in sources.values() if s.kind is CONFIG_KIND), None)
        if config_src is not None and config_src.model is not None:
            repo.index(config_src, config_src.model)
        for rel, src in sources.items():
            repo.sources[rel] = src
            if src.model is not None and src.kind is not CONFIG_KIND:
                repo.index(src, src.model)
        return repo

    def replacing(self, changes: dict[str, Source | None]) -> Repo:
        """This repository with the files ``changes`` names as given there (None: gone).

        The other files' records keep their places in copies of the indexes, and only the
        changed files are indexed again; where that could give another answer than indexing
        everything again (a change to cspkit.yaml, or a changed file's key that another file
        holds too: which of two files keeps a key goes by their order), everything is.
        """
        return self._replaced(changes) or Repo.indexed(self.root, self._sources_with(changes))

    def _sources_with(self, changes: dict[str, Source | None]) -> dict[str, Source]:
        sources = dict(self.sources)
        for rel, new in changes.items():
            if new is None:
                sources.pop(rel, None)
            else:
                sources[rel] = new
        return sources

    def _replaced(self, changes: dict[str, Source | None]) -> Repo | None:
        copy = Repo(root=self.root, config=self.config, people=dict(self.people),
                    organisations=dict(self.organisations), meetings=dict(self.meetings),
                    action_files=dict(self.action_files), actions=dict(self.actions), updates=dict(self.updates),
                    psa=dict(self.psa), programmes=dict(self.programmes), performance=dict(self.performance),
                    sources=dict(self.sources), origin=dict(self.origin), walked=self.walked,
                    walked_in=self.walked_in, stands=self.stands)
        for rel, new in changes.items():
            old = self.sources.get(rel)
            for src in (old, new):
                if src is not None and src.kind is CONFIG_KIND:
                    return None
            if old is not None and old.model is not None:
                if any(getattr(self, index).get(key) is not record for index, key, record in old.kind.entries(old.model)):
                    return None  # another file holds one of its keys
                copy.forget(rel)
        copy.sources = self._sources_with(changes)
        for new in changes.values():
            if new is not None and new.model is not None:
                if any(key in getattr(copy, index) for index, key, _ in new.kind.entries(new.model)):
                    return None  # another file holds one of its keys
                copy.index(new, new.model)
        return copy

    def forget(self, rel: str) -> None:
        """Forget what the file ``rel`` holds (as if it had not loaded)."""
        src = self.sources.get(rel)
        model = src.model if src else None
        if src is None or model is None:
            return
        if src.kind is CONFIG_KIND:
            self.config = None
        self._derived.clear()
        for name, key, record in src.kind.entries(model):
            index = getattr(self, name)
            if index.get(key) is record:
                del index[key]

    def derived(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, worked out once per ``key`` while the records stay as they are: a view
        that many questions share (which minute raised which action). Models are never changed
        in place, so a view of a record is good until a record is indexed or forgotten."""
        try:
            return self._derived[key]  # type: ignore[no-any-return]
        except KeyError:
            value = self._derived[key] = make()
            return value

    # ------------------------------------------------------------------ locating
    def source_of(self, record: BaseModel) -> Source | None:
        where = self.origin.get(id(record))
        return self.sources.get(where[0]) if where else None

    def where(self, record: Any, *loc: Any) -> tuple[str, Loc]:
        """File and field path of ``record`` (a model object loaded from a file) plus ``loc``."""
        file, base = self.origin.get(id(record), ("?", ()))
        return file, base + tuple(loc)

    def path_for(self, kind: Kind[Any], key: Any) -> Path:
        """Where the file of ``kind`` holding ``key`` is (or would be)."""
        return self.records_dir / kind.file_for(key)

    def rel(self, path: Path) -> str:
        """``path`` as a person types it from the repository root."""
        try:
            return real_path(path).relative_to(real_path(self.root)).as_posix()
        except ValueError:
            return str(path)

    # ------------------------------------------------------------------ queries
    def meeting_list(self) -> list[Meeting]:
        return [self.meetings[d] for d in self.meeting_dates()]

    def previous_meeting(self, day: dt.date, held_only: bool = True) -> Meeting | None:
        return self.nearest_meeting(day, keep=(lambda m: m.status == MeetingStatus.held) if held_only else None)

    def next_meeting_after(self, day: dt.date) -> Meeting | None:
        return self.nearest_meeting(day, after=True, keep=lambda m: m.status != MeetingStatus.cancelled)

    def nearest_meeting(self, day: dt.date, *, after: bool = False,
                        keep: Callable[[Meeting], bool] | None = None) -> Meeting | None:
        """The meeting nearest ``day`` before it (or ``after`` it) that ``keep`` keeps (checks
        ask it of every meeting: the dates are sorted once)."""
        dates = self.meeting_dates()
        i, step = (bisect_right(dates, day), 1) if after else (bisect_left(dates, day) - 1, -1)
        while 0 <= i < len(dates):
            m = self.meetings[dates[i]]
            if keep is None or keep(m):
                return m
            i += step
        return None

    def meeting_dates(self) -> list[dt.date]:
        """Every meeting's date, in order (the list is shared: do not change it)."""
        return self.derived("meeting dates", lambda: sorted(self.meetings))

    def updates_for(self, day: dt.date) -> list[PartnerUpdate]:
        """The partner updates for the meeting on ``day``, by organisation."""
        return list(self.derived("updates by meeting", self._updates_by_meeting).get(day, ()))

    def _updates_by_meeting(self) -> dict[dt.date, list[PartnerUpdate]]:
        out: dict[dt.date, list[PartnerUpdate]] = {}
        for (day, _), update in sorted(self.updates.items()):
            out.setdefault(day, []).append(update)
        return out
