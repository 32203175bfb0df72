"""What every workflow needs: the repository loaded, names resolved, and tidy YAML to write.

Records are loaded without refusing on problems elsewhere in the repository (a clerk can
record an action update while someone else's half-finished file is invalid); the edit is
still refused if it would *add* a problem (:meth:`cspkit.edit.Edit.apply`).
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cspkit.edit import Edit
from cspkit.errors import NotFound, Problem, UserError
from cspkit.lookup import parse_date  # noqa: F401  - re-exported for the workflow modules
from cspkit.repo import Repo

# --------------------------------------------------------------------------- dates


def text_date(repo: Repo, day: dt.date) -> str:
    """A date as the body writes it in running text ("13th July 2023")."""
    style = repo.config.conventions.text_date_style.value if repo.config else "medium-ordinal"
    try:
        from cspkit.render.dates import format_date

        return format_date(day, style)
    except (ImportError, AttributeError, ValueError):  # the renderer is optional here
        return day.isoformat()


# --------------------------------------------------------------------------- the repository


@dataclass
class Context:
    """A loaded repository plus the lookups a workflow needs, and the edit it builds."""

    root: Path
    repo: Repo
    problems: list[Problem] = field(default_factory=list)
    edit: Edit = field(init=False)

    def __post_init__(self) -> None:
        self.edit = Edit(self.root)

    # paths --------------------------------------------------------------
    @property
    def records(self) -> Path:
        return self.repo.records_dir

    def meeting_path(self, day: dt.date) -> Path:
        return self.records / "meetings" / f"{day.isoformat()}.yaml"

    def actions_path(self, day: dt.date) -> Path:
        return self.records / "actions" / f"{day.isoformat()}.yaml"

    def update_path(self, day: dt.date, org: str) -> Path:
        return self.records / "updates" / day.isoformat() / f"{org}.yaml"

    def programme_path(self) -> Path:
        return self.records / "forward-programme.yaml"

    def psa_path(self, year: int) -> Path:
        return self.records / "psa" / f"{year}.yaml"

    def rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    # lookups ------------------------------------------------------------
    def _invalid(self, path: Path) -> UserError:
        rel = self.rel(path)
        mine = [p.format() for p in self.problems if p.file == rel][:3]
        detail = f": {mine[0]}" if mine else ""
        return UserError(f"{rel} has problems, fix them first (cspkit validate){detail}")

    def meeting(self, value: str | dt.date):
        """The meeting on a date (``YYYY-MM-DD``); unknown ones are refused with the nearest dates."""
        day = parse_date(value, "meeting date")
        found = self.repo.meetings.get(day)
        if found is not None:
            return found
        if self.meeting_path(day).exists():
            raise self._invalid(self.meeting_path(day))
        near = sorted(self.repo.meetings, key=lambda d: abs((d - day).days))[:3]
        hint = f" (did you mean {' or '.join(str(d) for d in sorted(near))}?)" if near else " (no meetings yet)"
        raise NotFound(f"no meeting on {day}: {self.rel(self.meeting_path(day))} does not exist{hint}")

    def person(self, text: str) -> str:
        """A person's id from an id, name or alias as typed; unknown/ambiguous refused with suggestions."""
        from cspkit.lookup import people_index

        return people_index(self.repo.people).resolve(text.strip())

    def people(self, texts: list[str]) -> list[str]:
        out: list[str] = []
        for t in texts:
            for part in [p for p in re.split(r"\s*/\s*", t) if p]:  # joint owners: "A/B"
                pid = self.person(part)
                if pid not in out:
                    out.append(pid)
        return out

    def organisation(self, text: str) -> str:
        from cspkit.lookup import organisation_index

        return organisation_index(self.repo.organisations).resolve(text.strip())

    def person_name(self, pid: str | None) -> str:
        if pid is None:
            return ""
        p = self.repo.people.get(pid)
        return p.name if p else pid

    def org_name(self, oid: str | None) -> str:
        if oid is None:
            return ""
        o = self.repo.organisations.get(oid)
        return o.name if o else oid

    # writing ------------------------------------------------------------
    def apply(self, dry_run: bool = False) -> list[Path]:
        return self.edit.apply(dry_run=dry_run)


def open_context(root: Path | None = None) -> Context:
    """Load the repository at (or above) ``root`` for a workflow."""
    from cspkit.checks import check_repo
    from cspkit.repo import find_root, finish, load_repo

    root = find_root(root)
    repo, problems = load_repo(root)
    if repo.config is None:
        from cspkit.errors import RecordError

        raise RecordError(finish(repo, problems))
    problems = finish(repo, problems + check_repo(repo))
    return Context(root=root, repo=repo, problems=problems)


# --------------------------------------------------------------------------- YAML building


def to_rt(value: Any) -> Any:
    """Plain data (dicts in the key order wanted) to ruamel nodes in the canonical layout.

    Sequences are block style, flush under their key; times are quoted ``'HH:MM'``; enums
    are their words; ``None`` inside a mapping stays (an empty section of a form).
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import SingleQuotedScalarString

    if isinstance(value, CommentedMap | CommentedSeq):
        return value
    if isinstance(value, dict):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = to_rt(v)
        return out
    if isinstance(value, (list, tuple)):
        return CommentedSeq([to_rt(v) for v in value])
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.time):
        return SingleQuotedScalarString(value.strftime("%H:%M"))
    if isinstance(value, dt.date):
        # A fresh object each time: ruamel writes an object met twice as an anchor and an
        # alias (&id001 / *id001), which records refuse.
        return dt.date(value.year, value.month, value.day)
    return value


def item_number(label: str) -> int | str:
    """Agenda item numbers as written: 5 (not '5'), or "8a"."""
    return int(label) if label.isdigit() else label


def put(node: Any, key: str, value: Any, model: type) -> None:
    """Set ``node[key]``; a new key goes where the model declares it (key order kept)."""
    value = to_rt(value)
    if key in node:
        node[key] = value
        return
    order = list(model.model_fields)
    if key not in order:
        node[key] = value
        return
    rank = order.index(key)
    pos = 0
    for i, existing in enumerate(node.keys()):
        if existing in order and order.index(existing) < rank:
            pos = i + 1
    node.insert(pos, key, value)


def schema_header(root: Path, path: Path, kind: str) -> str:
    """``# yaml-language-server: $schema=../../schemas/meeting.schema.json`` for a new file."""
    rel = os.path.relpath(root.resolve() / "schemas", path.resolve().parent).replace(os.sep, "/")
    return f"# yaml-language-server: $schema={rel}/{kind}.schema.json\n"


def new_file_text(root: Path, path: Path, kind: str, data: dict, comments: dict[str, str] | None = None) -> str:
    """The text of a new record file: schema header, then ``data`` in the canonical layout.

    ``comments`` maps top-level keys to end-of-line comments (used for the hints on forms).
    """
    from cspkit.rtyaml import dump_rt

    doc = to_rt(data)
    for key, text in (comments or {}).items():
        if key in doc:
            doc.yaml_add_eol_comment(text, key)
    return schema_header(root, path, kind) + dump_rt(doc)
