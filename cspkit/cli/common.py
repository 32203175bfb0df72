"""Options and helpers shared by the command modules."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cspkit.lookup import parse_date as parse_date  # re-exported: the commands' one date parser

if TYPE_CHECKING:
    from rich.console import Console

    from cspkit.listing import Table
    from cspkit.session import Session
    from cspkit.workflows._common import Written


class ListFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class Audience(str, Enum):
    partners = "partners"
    public = "public"


DRY_RUN = typer.Option(False, "--dry-run", help="Check the change and show what would be written; write nothing.")
AUDIENCE = typer.Option(Audience.partners, "--audience",
                        help="partners (everything) or public (restricted items left out).")
LIST_FORMAT = typer.Option(ListFormat.table, "--format", "-f", help="table, json or csv.")


def say(text: str, err: bool = False, nl: bool = True) -> None:
    """Print a line for a person: the one way the command line prints text.

    Text from records (and anything quoting it) may hold control characters; they are shown
    escaped (``\\x1b``), so record text can never move the cursor, change colours or retitle the
    terminal.
    """
    from cspkit.cli.reporters import terminal_safe

    typer.echo(terminal_safe(str(text)), err=err, nl=nl)


def repo_root(ctx: typer.Context) -> Path:
    """The repository root for this invocation (``--repo`` or found upwards from here)."""
    from cspkit.locate import find_root

    given = (ctx.find_root().obj or {}).get("repo")
    return find_root(given)


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


@contextmanager
def session(ctx: typer.Context, write: bool = False) -> Iterator[Session]:
    """The command's one session on the repository (the write lock held, for ``write``).

    What the session did on the way in (an interrupted change completed) is said first.
    """
    from cspkit.session import open_session

    s = open_session(repo_root(ctx), write=write)
    try:
        for note in s.notes:
            say(f"note: {note}", err=True)
        yield s
    finally:
        s.close()


def wrote(root: Path, result: Written, what_if_nothing: str = "nothing to change") -> None:
    """Say which files a command wrote; for a dry run, which it would write and the change to each."""
    import difflib

    from cspkit.errors import display_path

    verb = "would write" if result.dry_run else "wrote"
    for path in result.written:
        say(f"{verb} {display_path(path, root)}")
        if result.dry_run and path in result.texts:
            old, new = result.texts[path]
            rel = display_path(path, root)
            diff = difflib.unified_diff((old or "").splitlines(keepends=True), new.splitlines(keepends=True),
                                        f"a/{rel}" if old is not None else "/dev/null", f"b/{rel}")
            say("".join(diff).rstrip("\n"))
    if not result.written:
        say(what_if_nothing)


def print_table(table: Table, fmt: str) -> None:
    """A listing in the format asked for: a text table, JSON or CSV."""
    from cspkit.cli import reporters

    if fmt == "json":
        say(reporters.table_json(table))
    elif fmt == "csv":
        say(reporters.table_csv(table), nl=False)
    else:
        reporters.table_text(table, console())
