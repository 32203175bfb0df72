"""Changing records safely: every write is checked against the whole repository first.

A command builds the new text of the files it changes (round-trip, so comments survive),
then :func:`apply` loads the repository with those texts standing in for the files,
refuses if the change introduces any problem, and otherwise writes each file atomically,
refusing if a file changed on disk since it was read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from cspkit.errors import ConflictError, NotFound, Problem, RecordError
from cspkit.fileio import digest, write_text
from cspkit.rtyaml import dump_rt, load_rt


@dataclass
class Change:
    """The pending new text of one file, and the hash of what it replaces."""

    path: Path
    text: str
    expect: str | None  # sha256 of the file as read; None for a new file
    created: bool = False


@dataclass
class Edit:
    """A set of file changes made together (one command), checked and written as one."""

    root: Path
    changes: dict[Path, Change] = field(default_factory=dict)

    def load(self, path: Path) -> Any:
        """The round-trip document of ``path`` (as already changed in this edit, if it was)."""
        path = path.resolve()
        if path in self.changes:
            return load_rt(self.changes[path].text)
        if not path.is_file():
            raise NotFound(f"{path}: file not found")
        return load_rt(path.read_text(encoding="utf-8"))

    def update(self, path: Path, mutate: Callable[[Any], None]) -> None:
        """Apply ``mutate`` to the document at ``path``; keeps comments and key order."""
        path = path.resolve()
        doc = self.load(path)
        mutate(doc)
        self.set_text(path, dump_rt(doc))

    def set_text(self, path: Path, text: str, create: bool = False, force: bool = False) -> None:
        path = path.resolve()
        if path in self.changes:
            self.changes[path].text = text
            return
        if path.exists():
            if create and not force:
                raise ConflictError(f"{path}: already exists (use --force to replace it)")
            expect = digest(path.read_bytes())
            self.changes[path] = Change(path, text, expect)
        else:
            self.changes[path] = Change(path, text, None, created=True)

    def check(self) -> list[Problem]:
        """Problems the change would introduce (compared with the repository as it is)."""
        from cspkit.checks import check_repo
        from cspkit.repo import finish, load_repo

        before_repo, before = load_repo(self.root)
        before = finish(before_repo, before + check_repo(before_repo))
        after_repo, after = load_repo(self.root, {p: c.text for p, c in self.changes.items()})
        after = finish(after_repo, after + check_repo(after_repo))
        old = {(p.file, p.message) for p in before}
        return [p for p in after if (p.file, p.message) not in old]

    def apply(self, dry_run: bool = False) -> list[Path]:
        """Check, then write every changed file atomically; return the paths written."""
        self._canonical()
        problems = self.check()
        if problems:
            raise RecordError([_refused(p) for p in problems])
        if dry_run:
            return [c.path for c in self.changes.values()]
        # Every file is checked against what was read before any is written: a command that
        # changes two files (actions raise: the actions and the minutes) writes both or neither.
        pending: list[tuple[Change, bytes | None]] = []
        for change in self.changes.values():
            current = change.path.read_bytes() if change.path.exists() else None
            if change.created and current is not None:
                raise ConflictError(f"{change.path}: was created by someone else meanwhile; nothing was written "
                                    "(run the command again)")
            if current is not None and digest(current) != change.expect:
                raise ConflictError(f"{change.path}: changed on disk since cspkit read it; nothing was written "
                                    "(run the command again)")
            if current is not None and current.decode("utf-8", "replace") == change.text:
                continue
            pending.append((change, current))
        written: list[tuple[Change, bytes | None]] = []
        try:
            for change, current in pending:
                write_text(change.path, change.text, overwrite=not change.created, expect=change.expect)
                written.append((change, current))
        except BaseException:
            _roll_back(written)
            raise
        return [change.path for change, _ in written]

    def _canonical(self) -> None:
        """Record files are written in the canonical layout, as ``cspkit fmt`` would leave them,
        so what a command writes passes ``cspkit fmt --check`` (and the CI that runs it)."""
        from cspkit.repo import kind_for
        from cspkit.review.fmt import FormatError, canonical, records_dir_of

        records = records_dir_of(self.root)
        for change in self.changes.values():
            kind = kind_for(change.path, self.root, records)
            if kind is None:
                continue
            try:
                change.text = canonical(change.text, change.path, self.root, kind)
            except FormatError:
                pass  # not YAML: the check reports it, located


def _roll_back(written: list[tuple[Change, bytes | None]]) -> None:
    """Put back the files an interrupted edit had already written (best effort, newest first)."""
    from cspkit.fileio import write_bytes

    for change, before in reversed(written):
        try:
            if before is None:
                change.path.unlink()
            else:
                write_bytes(change.path, before, overwrite=True)
        except Exception:  # noqa: BLE001 - the original failure is what gets reported
            pass


def _refused(p: Problem) -> Problem:
    p.message = f"{p.message} (change refused; nothing was written)"
    return p
