"""Options and helpers shared by the command modules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from cspkit.errors import UsageError


def repo_root(ctx: typer.Context) -> Path:
    """The repository root for this invocation (``--repo`` or found upwards from here)."""
    from cspkit.locate import find_root

    given = (ctx.find_root().obj or {}).get("repo")
    return find_root(given)


def parse_date(text: str, what: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{what} '{text}' is not a date in the form YYYY-MM-DD") from None


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)
