"""``cspkit validate``: every check, and the report of what they found.

Cross-record checks need every record, so the whole repository is always read; naming files
only narrows what is reported (as a pre-commit hook does). With the cache
(:mod:`cspkit.cache`), an unchanged repository gets the last report back without loading
anything, and a changed one re-parses only the files whose text changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cspkit.errors import NotFound, Problem, UserError, display_path
from cspkit.fileio import real_path


@dataclass
class Report:
    problems: list[Problem]
    files: int
    #: what the command did on the way in (an interrupted change completed)
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    def ok(self, strict: bool = False) -> bool:
        """No errors (with ``strict``, no warnings either)."""
        return not (self.problems if strict else self.errors)


def validate(root: Path, paths: list[Path] | None = None) -> Report:
    """Load and check the whole repository; report the problems in ``paths`` (default: all)."""
    problems, files, notes = _check_all(root)
    if paths:
        wanted: set[str] = set()
        for path in paths:
            if not path.exists():
                raise NotFound(f"{path}: file not found")
            rel = display_path(path, root)
            if rel == str(path) and path.is_absolute() and not real_path(path).is_relative_to(real_path(root)):
                raise UserError(f"{path}: not inside the repository {root}")
            wanted.add(rel)
        problems = [p for p in problems if any(p.file == w or p.file.startswith(w.rstrip("/") + "/") for w in wanted)]
    return Report(problems=problems, files=files, notes=notes)


def _check_all(root: Path) -> tuple[list[Problem], int, list[str]]:
    """Every problem in the repository, how many files were checked, and any notes."""
    from cspkit.cache import Cache
    from cspkit.session import JOURNAL_NAME

    cache = Cache.open(root)
    if cache is not None and not (cache.dir / JOURNAL_NAME).exists():
        cache.snapshot(read_all=False)
        hit = cache.report()
        if hit is not None:
            return hit[0], hit[1], []

    from cspkit.session import open_session

    with open_session(root, allow_broken_config=True, cache=cache) as session:
        return session.problems, len(session.repo.sources), session.notes
