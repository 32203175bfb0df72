"""``cspkit fmt``: bring record files into the one canonical layout, so that diffs show changes only.

The layout itself is :mod:`cspkit.yaml.layout`'s; this module finds the files to format (a
repository, a folder of repositories, or named files) and rewrites them, each atomically and
only if it did not change on disk meanwhile.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cspkit.errors import NotFound, Problem, ProblemCode, RepoNotFound, UserError
from cspkit.fileio import digest, real_path, write_text
from cspkit.load import kind_for
from cspkit.locate import find_root
from cspkit.minutes.migrate import migrate_text
from cspkit.models import CONFIG_KIND, KINDS, Kind
from cspkit.yaml import read as yamlio
from cspkit.yaml.layout import FormatError, canonical
from cspkit.yaml.read import records_dir_of as _records_dir_of


def records_dir_of(root: Path) -> str:
    """The records folder named in ``root/cspkit.yaml``."""
    return _records_dir_of(root / "cspkit.yaml")


def record_files(root: Path) -> list[Path]:
    """``cspkit.yaml`` and every record file of the repository at ``root``, in a stable order."""
    root = real_path(root)
    files = [root / "cspkit.yaml"] if (root / "cspkit.yaml").is_file() else []
    records = root / records_dir_of(root)
    for kind in KINDS:
        # Named as they are (a link by its own name): reading one refuses a link out of the
        # repository, a pipe or a loop, and says so, rather than skipping it in silence.
        files += sorted(p for p in records.glob(kind.pattern) if not p.is_dir() and not p.name.startswith("."))
    return files


@dataclass(frozen=True)
class Target:
    """A file to format: where it is, the repository it belongs to, and its record kind."""

    path: Path
    root: Path
    kind: Kind[Any]


_SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "build", "__pycache__", ".tox", ".cspkit-cache"}


def _nested_roots(folder: Path) -> list[Path]:
    roots = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not d.startswith("."))
        if "cspkit.yaml" in filenames:
            roots.append(real_path(Path(dirpath)))
    return roots


def targets(paths: list[Path] | None, root: Path | None = None) -> list[Target]:
    """The record files to format.

    No ``paths``: ``cspkit.yaml`` and every record file of the repository at ``root``.
    A file: it must be a record file of the repository it is in. A folder: every record
    file in it, of the repository around it and of any repository inside it (so
    ``cspkit fmt examples/`` formats each example).
    """
    found: dict[Path, Target] = {}

    def add_repo(repo_root: Path, under: Path | None) -> None:
        rdir = records_dir_of(repo_root)
        for f in record_files(repo_root):
            if under is not None and not f.is_relative_to(under):
                continue
            kind = kind_for(f, repo_root, rdir)
            if kind is not None:
                found.setdefault(f, Target(f, repo_root, kind))

    if not paths:
        add_repo(find_root(root), None)
        return list(found.values())
    for given in paths:
        path = real_path(given)
        if not path.exists():
            raise NotFound(f"{given}: file not found")
        if path.is_file():
            repo_root = find_root(path)
            kind = kind_for(path, repo_root, records_dir_of(repo_root))
            if kind is None:
                raise UserError(f"{given}: not a record file (cspkit fmt formats {CONFIG_KIND.pattern} "
                                f"and the record files under {records_dir_of(repo_root)}/)")
            found.setdefault(path, Target(path, repo_root, kind))
            continue
        roots = _nested_roots(path)
        try:
            roots.insert(0, find_root(path))
        except RepoNotFound:
            if not roots:
                raise
        for repo_root in dict.fromkeys(roots):
            add_repo(repo_root, path)
    return list(found.values())


@dataclass
class FmtReport:
    """What ``cspkit fmt`` found: files changed (or that would change), and files it could not read."""

    changed: list[Path] = field(default_factory=list)
    checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def shown(path: Path) -> str:
    """A path as a person typed it: relative to the current folder when under it."""
    try:
        return real_path(path).relative_to(real_path(Path.cwd())).as_posix()
    except ValueError:
        return str(path)


def fmt(paths: list[Path] | None = None, root: Path | None = None, check: bool = False,
        migrate: bool = False) -> FmtReport:
    """Bring record files into the canonical layout (``check``: only report which would change).

    ``migrate`` also rewrites what an earlier version of cspkit wrote in a layout that has
    since changed (minutes before they had a body: :mod:`cspkit.minutes.migrate`).
    Files are rewritten atomically, and only if they did not change on disk meanwhile.
    """
    report = FmtReport()
    for target in targets(paths, root):
        report.checked += 1
        try:
            raw = yamlio.read_bytes(target.path, target.root)
            text = yamlio.decode(raw)
            if migrate and target.kind.name == "meeting":
                text = migrate_text(text)
            new = canonical(text, target.path, target.root, target.kind.model, target.kind.schema_file)
        except (yamlio.YamlProblem, FormatError) as exc:
            report.problems.append(Problem(shown(target.path), exc.line, exc.col, exc.message,
                                           code=ProblemCode.unreadable if exc.code == "io" else
                                           ProblemCode.encoding if exc.code == "encoding" else
                                           ProblemCode.yaml_syntax))
            continue
        if new.encode("utf-8") == raw:
            continue
        report.changed.append(target.path)
        if not check:
            write_text(real_path(target.path), new, overwrite=True, expect=digest(raw))
    return report
