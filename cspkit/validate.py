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
    from cspkit.checks import check_repo
    from cspkit.repo import finish, load_repo

    repo, problems = load_repo(root)
    problems = finish(repo, problems + check_repo(repo))
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
    return Report(problems=problems, files=len(repo.sources))


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
