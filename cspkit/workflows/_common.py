"""What several workflows share: dates as the body writes them, agenda numbers, results.

Workflows are functions of a :class:`cspkit.session.Session`: they read the records from it,
record their changes on it and commit; each returns a typed result (a dataclass) that the
CLI prints and a library user reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from cspkit.lookup import parse_date  # noqa: F401  - re-exported for the workflow modules
from cspkit.render.dates import format_date
from cspkit.repo import Repo
from cspkit.session import CommitResult
from cspkit.yaml.write import put, to_plain  # noqa: F401  - re-exported for the workflow modules


def text_date(repo: Repo, day: dt.date) -> str:
    """A date as the body writes it in running text ("13th July 2023")."""
    style = repo.config.conventions.text_date_style.value if repo.config else "medium-ordinal"
    return format_date(day, style)


def item_number(label: str) -> int | str:
    """Agenda item numbers as written: 5 (not '5'), or "8a"."""
    return int(label) if label.isdigit() else label


@dataclass(kw_only=True)
class Written:
    """What a command wrote (or, with ``--dry-run``, would write); results of writing
    workflows extend it."""

    written: list[Path] = field(default_factory=list)
    dry_run: bool = False
    #: for a dry run: path -> (old text or None, new text), to show as a diff
    texts: dict[Path, tuple[str | None, str]] = field(default_factory=dict)

    @staticmethod
    def of(result: CommitResult) -> WrittenFields:
        """The fields of a :class:`Written` for a commit's result (``Result(..., **Written.of(r))``)."""
        return {"written": result.written, "dry_run": result.dry_run,
                "texts": {c.path: (c.old_text, c.text) for c in result.changes}}


class WrittenFields(TypedDict):
    """:class:`Written`'s fields, to pass on with ``**``."""

    written: list[Path]
    dry_run: bool
    texts: dict[Path, tuple[str | None, str]]
