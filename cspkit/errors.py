"""One exception hierarchy for everything cspkit reports to a person.

``UserError`` and its kind are mistakes in records, arguments or files: the CLI prints
their message on one line each and exits 1 (2 for usage). Anything else that escapes is an
internal error: the CLI writes the traceback (without locals) to a log file and says where.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

#: A place inside a record file: keys and list indexes, ``('attendance', 'present', 3, 'person')``.
Loc = tuple[Any, ...]


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


class Severity(str, Enum):
    """An error fails ``validate`` and refuses a change; a warning is reported and does neither
    (``validate --strict`` fails on warnings too)."""

    error = "error"
    warning = "warning"

    def __str__(self) -> str:
        return self.value


class ProblemCode(str, Enum):
    """What kind of problem it is: stable words, part of ``validate --format json``."""

    yaml_syntax = "yaml-syntax"
    """The file is not YAML (or holds something YAML allows but records refuse: tags, aliases)."""
    merge_conflict = "merge-conflict"
    """Unresolved git merge-conflict markers."""
    encoding = "encoding"
    """Not UTF-8 text, or text that is not valid Unicode."""
    unreadable = "unreadable"
    """The file cannot be read: missing, a folder, too large, a link out of the repository."""
    empty = "empty"
    not_a_mapping = "not-a-mapping"
    unknown_key = "unknown-key"
    missing_key = "missing-key"
    invalid_value = "invalid-value"
    """A value of the wrong type or form for its field."""
    unknown_reference = "unknown-reference"
    """A person, organisation, meeting, action, plan or item that does not exist."""
    inactive = "inactive"
    """A person referred to outside the dates they were active."""
    duplicate = "duplicate"
    order = "order"
    """Dates or numbers out of order."""
    file_name = "file-name"
    """A file whose name or folder does not match what it holds."""
    attendance = "attendance"
    history = "history"
    """An action's status or owners disagree with its history."""
    missing_file = "missing-file"
    action_id = "action-id"
    stray_file = "stray-file"
    """A YAML file where cspkit reads no records."""
    restricted = "restricted"
    """Something restricted would become public."""
    drift = "drift"
    """Two records that should agree no longer do (an action and the decision that raised it)."""
    minutes = "minutes"
    """Minutes that are empty, or come to the wrong meeting for approval."""
    paper = "paper"
    """A paper's file that cannot go into a pack as it is (a damaged, encrypted or active PDF, a .docx that
    is not one, an image that is not a PNG, JPEG or SVG file inside the repository)."""

    def __str__(self) -> str:
        return self.value


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
    loc: Loc = field(default=(), compare=False, repr=False)
    code: ProblemCode = field(default=ProblemCode.invalid_value, compare=False)
    severity: Severity = field(default=Severity.error, compare=False)
    #: the cross-record check that found it ("" for problems found reading a file)
    check: str = field(default="", compare=False, repr=False)

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.error

    @property
    def key(self) -> tuple[str, str, ProblemCode, str, Severity]:
        """What makes two problems the same problem (used to tell new ones from old)."""
        return (self.file, self.field_path, self.code, self.message, self.severity)

    @property
    def field_path(self) -> str:
        return format_loc(self.loc)

    def format(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.col or 1}"
        fp = self.field_path
        warning = "warning: " if self.severity == Severity.warning else ""
        return one_line(f"{where}: {warning}{fp + ': ' if fp else ''}{self.message}")

    def to_record(self) -> dict[str, Any]:
        """Plain data (kept in the cache's report): everything, codes as their words."""
        return {"file": self.file, "line": self.line, "col": self.col, "message": self.message,
                "loc": list(self.loc), "code": self.code.value, "severity": self.severity.value, "check": self.check}

    @classmethod
    def from_record(cls, data: dict[str, Any]) -> Problem:
        return cls(data["file"], data["line"], data["col"], data["message"], tuple(data["loc"]),
                   ProblemCode(data["code"]), Severity(data["severity"]), data.get("check", ""))

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.col,
            "field": self.field_path,
            "message": self.message,
            "code": self.code.value,
            "severity": self.severity.value,
        }


class RecordError(UserError):
    """One or more problems in record files; ``str()`` lists them one per line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))


class LocatedError(UserError):
    """A user error that names where it is (``file:line: message``, or ``file: paragraph N …``):
    printed as it is, without an ``error:`` prefix."""


#: Everything str.splitlines() breaks a line at: a problem is always exactly one line.
_LINE_BREAKS = {ord(c): f"\\u{ord(c):04x}" for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


def one_line(text: str) -> str:
    """``text`` with any line break spelled out (a key or value from a record may hold one)."""
    return text.translate(_LINE_BREAKS)


def format_loc(loc: Loc) -> str:
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
        # realpath, not Path.resolve: a link loop must not raise here (reading it is refused)
        return Path(os.path.realpath(path)).relative_to(os.path.realpath(root)).as_posix() if root else str(path)
    except ValueError:
        return str(path)
