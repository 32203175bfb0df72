"""``cspkit validate``: every check, reported as text, JSON or GitHub annotations."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from cspkit.errors import NotFound, Problem, UserError, display_path


@dataclass
class Report:
    problems: list[Problem]
    files: int

    @property
    def ok(self) -> bool:
        return not self.problems


def validate(root: Path, paths: list[Path] | None = None) -> Report:
    """Load and check the whole repository; report the problems in ``paths`` (default: all).

    Cross-record checks need every record, so the whole repository is always read; naming
    files only narrows what is reported (as a pre-commit hook does).
    """
    problems, files = _check_all(root)
    if paths:
        wanted: set[str] = set()
        for path in paths:
            if not path.exists():
                raise NotFound(f"{path}: file not found")
            rel = display_path(path, root)
            if rel == str(path) and path.is_absolute() and not str(path.resolve()).startswith(str(root.resolve())):
                raise UserError(f"{path}: not inside the repository {root}")
            wanted.add(rel)
        problems = [p for p in problems if any(p.file == w or p.file.startswith(w.rstrip("/") + "/") for w in wanted)
                    or (p.file == "." and False)]
    return Report(problems=problems, files=files)


def _check_all(root: Path) -> tuple[list[Problem], int]:
    """Every problem in the repository, and how many files were checked.

    With the cache (:mod:`cspkit.cache`), an unchanged repository gets the last report back
    without loading anything, and a changed one re-parses only the files whose text changed.
    """
    from cspkit.cache import Cache

    cache = Cache.open(root)
    if cache is not None:
        cache.snapshot(read_all=False)
        hit = cache.report()
        if hit is not None:
            return [Problem(*p) for p in hit[0]], hit[1]

    from cspkit.repo import check_all

    repo, problems = check_all(root, cache)
    return problems, len(repo.sources)


def format_text(report: Report) -> str:
    lines = [p.format() for p in report.problems]
    n = len(report.problems)
    files = len({p.file for p in report.problems})
    if n:
        lines.append(f"{n} problem{'s' if n != 1 else ''} in {files} file{'s' if files != 1 else ''} "
                     f"({report.files} checked)")
    else:
        lines.append(f"{report.files} files checked, no problems")
    return "\n".join(lines)


def format_json(report: Report) -> str:
    return json.dumps({"ok": report.ok, "files_checked": report.files,
                       "problems": [p.as_dict() for p in report.problems]}, indent=2)


def format_github(report: Report) -> str:
    """GitHub Actions workflow commands: each problem becomes an annotation on its line."""

    def esc(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return esc(text).replace(":", "%3A").replace(",", "%2C")

    out = []
    for p in report.problems:
        parts = [f"file={prop(p.file)}"]
        if p.line:
            parts += [f"line={p.line}", f"col={p.col or 1}"]
        title = f"cspkit: {p.field_path}" if p.field_path else "cspkit"
        parts.append(f"title={prop(title)}")
        out.append(f"::error {','.join(parts)}::{esc(p.message)}")
    out.append(format_text(report).splitlines()[-1])
    return "\n".join(out)
