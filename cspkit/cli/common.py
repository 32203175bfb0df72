"""Options and helpers shared by the command modules."""

from __future__ import annotations

from pathlib import Path

import typer

from cspkit.lookup import parse_date  # noqa: F401  - the commands' one date parser


def repo_root(ctx: typer.Context) -> Path:
    """The repository root for this invocation (``--repo`` or found upwards from here)."""
    from cspkit.locate import find_root

    given = (ctx.find_root().obj or {}).get("repo")
    return find_root(given)


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)
