"""One exception hierarchy for everything cspkit reports to a person.

``UserError`` and its kind are mistakes in records, arguments or files: the CLI prints
their message on one line each and exits 1 (2 for usage). Anything else that escapes is an
internal error: the CLI writes the traceback (without locals) to a log file and says where.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class CspkitError(Exception):
    """Base of every error cspkit raises on purpose."""

    exit_code = 1


class UserError(CspkitError):
    """Something the user can fix: a bad record, a wrong argument, a missing file."""


class UsageError(UserError):
    """A command was called wrongly (bad flag value, wrong form of a date)."""

    exit_code = 2


class NotFound(UserError):
    """A meeting, person, action or file that was asked for does not exist."""


class RepoNotFound(UserError):
    """No cspkit.yaml in this folder or any folder above it."""


class ConflictError(UserError):
    """A file changed on disk between reading it and writing it back, or exists already."""


@dataclass(order=True)
class Problem:
    """One located problem in a record file.

    ``loc`` is the path inside the document (keys and list indexes); ``line`` and ``col``
    are 1-based and are filled in from the YAML node tree when only ``loc`` is known.
    """

    file: str
    line: int = 0
    col: int = 0
    message: str = field(default="", compare=False)
    loc: tuple = field(default=(), compare=False, repr=False)
    code: str = field(default="invalid", compare=False)

    @property
    def field_path(self) -> str:
        return format_loc(self.loc)

    def format(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        fp = self.field_path
        return one_line(f"{where}: {fp + ': ' if fp else ''}{self.message}")

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.col,
            "field": self.field_path,
            "message": self.message,
            "code": self.code,
        }


class RecordError(UserError):
    """One or more problems in record files; ``str()`` lists them one per line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))


#: Everything str.splitlines() breaks a line at: a problem is always exactly one line.
_LINE_BREAKS = {ord(c): f"\\u{ord(c):04x}" for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


def one_line(text: str) -> str:
    """``text`` with any line break spelled out (a key or value from a record may hold one)."""
    return text.translate(_LINE_BREAKS)


def format_loc(loc: tuple) -> str:
    """``('attendance', 'present', 3, 'person')`` -> ``attendance.present[3].person``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def display_path(path: Path, root: Path | None) -> str:
    """A path as a person would type it from the repository root."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix() if root else str(path)
    except ValueError:
        return str(path)
