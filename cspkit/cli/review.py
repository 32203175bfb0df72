"""fmt, diff, calendar (and the hidden docs): reviewing the records and sharing their dates.

Each command parses its arguments, calls the library (:mod:`cspkit.fmt`, :mod:`cspkit.diff`,
:mod:`cspkit.calendar`, :mod:`cspkit.cli.docs`) and prints the result; the library is
imported inside the commands so that ``cspkit --help`` stays fast.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from cspkit.cli.app import app
from cspkit.cli.common import Audience, repo_root, say


@app.command()
def fmt(
    ctx: typer.Context,
    paths: Optional[list[Path]] = typer.Argument(
        None, metavar="PATHS", help="Record files, or folders to search for them (default: cspkit.yaml and every "
        "record file of the repository)."),
    check: bool = typer.Option(False, "--check", help="Change nothing: list the files that are not in the "
                               "canonical layout and exit 1 if there are any."),
    migrate: bool = typer.Option(False, "--migrate", help="Also rewrite records kept in a layout an earlier "
                                 "version of cspkit wrote (minutes before they had a body)."),
) -> None:
    """Rewrite record files in the one canonical layout (comments are kept).

    Keys follow the order of the record's fields, lists are written one item per line,
    strings are quoted only where YAML would read them as something else, nothing is
    wrapped, and the first line names the file's JSON Schema for editors. Running it
    twice changes nothing the second time.
    """
    from cspkit.errors import RecordError
    from cspkit.fmt import fmt as run_fmt
    from cspkit.fmt import shown

    # Named files and folders find their own repository (so `cspkit fmt examples/` works).
    report = run_fmt(list(paths) if paths else None, None if paths else repo_root(ctx), check=check,
                     migrate=migrate)
    for path in report.changed:
        say(shown(path))
    n, unread = len(report.changed), len({p.file for p in report.problems})
    files = f"{n} file{'s' if n != 1 else ''}"
    if check:
        summary = f"{files} would be reformatted" if n else "all files are in the canonical layout"
    else:
        summary = f"{files} reformatted" if n else "nothing to change"
    if unread:  # never "all files are in the canonical layout" beside a file that was not read
        summary = (f"{summary}, " if n else "") + f"{unread} file{'s' if unread != 1 else ''} could not be read"
    say(f"{summary} ({report.checked} checked)", err=True)
    if report.problems:
        raise RecordError(report.problems)
    if check and n:
        raise typer.Exit(1)


class DiffFormat(str, Enum):
    text = "text"
    md = "md"
    json = "json"


@app.command()
def diff(
    ctx: typer.Context,
    rev_a: Optional[str] = typer.Argument(
        None, metavar="REV_A",
        help="Revision to compare from (default: where HEAD branched from main or master)."),
    rev_b: Optional[str] = typer.Argument(
        None, metavar="REV_B", help="Revision to compare to (default: the files as they are now)."),
    fmt_: DiffFormat = typer.Option(DiffFormat.text, "--format", "-f",
                                    help="text, md (for a pull request comment) or json."),
    audience: Audience = typer.Option(Audience.partners, "--audience",
                                      help="partners (everything) or public (a change to a restricted record "
                                           "shows only as 'a restricted record changed'; for a public pull request)."),
) -> None:
    """What changed in the records between two git revisions, in the partnership's terms.

    Meetings added, moved or cancelled; agenda items, attendance and decisions; actions
    added, closed or reassigned; PSA updates; the forward programme; people who joined
    or left.
    """
    from cspkit.cli.reporters import json_safe
    from cspkit.diff import FORMATS
    from cspkit.diff import diff as run_diff

    report = run_diff(repo_root(ctx), rev_a, rev_b, audience.value)
    text = FORMATS[fmt_.value](report)
    say(json_safe(text) if fmt_ == DiffFormat.json else text)


@app.command()
def calendar(
    ctx: typer.Context,
    output: Optional[Path] = typer.Option(None, "--output", "-o", dir_okay=False,
                                          help="Write the iCalendar file here (default: print it)."),
    force: bool = typer.Option(False, "--force", help="Replace the output file if it exists."),
) -> None:
    """The meetings and scheduled dates as an iCalendar (.ics) file, in UK time.

    Each meeting keeps its UID, so importing a newer file updates the events;
    cancelled meetings are marked as cancelled.
    """
    import sys

    from cspkit.calendar import calendar_bytes
    from cspkit.fileio import write_bytes
    from cspkit.session import open_repo

    data = calendar_bytes(open_repo(repo_root(ctx)))
    if output is None:
        out = getattr(sys.stdout, "buffer", None)
        if out is None:
            say(data.decode("utf-8"), nl=False)
            return
        sys.stdout.flush()
        out.write(data)
        out.flush()
        return
    write_bytes(output, data, overwrite=force)
    say(str(output))


@app.command(hidden=True)
def docs(
    output: Path = typer.Option(Path("docs/cli.md"), "--output", "-o", dir_okay=False,
                                help="Where to write the command reference."),
    check: bool = typer.Option(False, "--check", help="Exit 1 if the file is out of date; write nothing."),
) -> None:
    """Regenerate docs/cli.md from every command's --help."""
    from cspkit.cli.docs import write_reference

    if not write_reference(output, check=check):
        say(f"{output} is out of date: run cspkit docs", err=True)
        raise typer.Exit(1)
    say(str(output))
