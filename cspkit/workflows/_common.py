"""What several workflows share: dates as the body writes them, agenda numbers, results.

Workflows are functions of a :class:`cspkit.session.Session`: they read the records from it,
record their changes on it and commit; each returns a typed result (a dataclass) that the
CLI prints and a library user reads.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

from cspkit.dates import format_date
from cspkit.lookup import parse_date  # noqa: F401  - re-exported for the workflow modules
from cspkit.repo import Repo
from cspkit.session import CommitResult, Session
from cspkit.yaml.write import put, to_plain  # noqa: F401  - re-exported for the workflow modules


def text_date(repo: Repo, day: dt.date) -> str:
    """A date as the body writes it in running text ("13th July 2023")."""
    style = repo.config.conventions.text_date_style.value if repo.config else "medium-ordinal"
    return format_date(day, style)


def set_keys(s: Session, path: Path, node: Callable[[Any], Any], values: dict[str, Any], model: type) -> None:
    """Set keys of one mapping in a record file (``node(doc)`` finds it), each where ``model``
    declares it; None removes a key."""

    def mutate(doc: Any) -> None:
        target = node(doc)
        for key, value in values.items():
            if value is None:
                target.pop(key, None)
            else:
                put(target, key, value, model)

    s.edit(path, mutate)


def id_from(text: str) -> str:
    """An id from a name or title as people write it: "James O'Connell" -> ``james-oconnell``,
    "Partnership Locality Fund Update" -> ``partnership-locality-fund-update``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"['’]", "", ascii_text.lower())
    return re.sub(r"[^a-z0-9]+", "-", words).strip("-")[:64].strip("-")


def listed(values: list[str]) -> str:
    """Names for a message: "A", "A and B", "A, B and C"."""
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} and {values[-1]}" if values else ""


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
