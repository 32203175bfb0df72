"""validate, init, schema."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from cspkit.cli.app import app
from cspkit.cli.common import parse_date, repo_root, say


class ValidateFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"


@app.command()
def validate(
    ctx: typer.Context,
    paths: Optional[list[Path]] = typer.Argument(None, help="Only report problems in these files or folders."),
    fmt: ValidateFormat = typer.Option(ValidateFormat.text, "--format", "-f",
                                       help="text (file:line:col: message), json, or github annotations."),
    strict: bool = typer.Option(False, "--strict", help="Warnings fail too (exit 1)."),
) -> None:
    """Check every record: YAML, fields, and every cross-reference. Exit 1 on problems.

    Errors fail (exit 1); warnings (records that disagree, such as an action whose decision was
    changed after it was raised) are reported and fail only with --strict.
    """
    from cspkit import validate as v
    from cspkit.cli.reporters import PROBLEM_FORMATS
    from cspkit.fileio import real_path

    root = repo_root(ctx)
    report = v.validate(root, [real_path(p) for p in paths] if paths else None)
    for note in report.notes:
        say(f"note: {note}", err=True)
    say(PROBLEM_FORMATS[fmt.value](report))
    if not report.ok(strict):
        raise typer.Exit(1)


@app.command()
def init(
    directory: Path = typer.Argument(Path("."), help="Folder for the new repository (created if needed)."),
    name: str = typer.Option("Community Safety Partnership", "--name", help="Full name of the partnership."),
    short_name: Optional[str] = typer.Option(None, "--short-name", help="Short name (default: the full name)."),
    first_meeting: Optional[str] = typer.Option(None, "--first-meeting", help="Date of the first meeting, YYYY-MM-DD."),
) -> None:
    """Start a new partnership repository that validates; never overwrites anything."""
    from cspkit.init import init_repo

    first = parse_date(first_meeting, "--first-meeting") if first_meeting else None
    written = init_repo(directory, name, short_name, first)
    for path in written:
        say(str(path))
    say(f"Created a cspkit repository in {directory} ({len(written)} files). Next: cspkit validate")


@app.command()
def schema(
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write <kind>.schema.json files into this folder."),
    kind: Optional[str] = typer.Option(None, "--kind", help="Print the schema of one record kind."),
    force: bool = typer.Option(False, "--force", help="With --out: replace files of the schemas' names that "
                               "cspkit did not write."),
) -> None:
    """JSON Schemas (draft-07) of every record kind, for editors and other checkers."""
    import json

    from cspkit.errors import UsageError
    from cspkit.schema import all_kinds, schema_for, write_schemas

    if out is not None:
        for path in write_schemas(out, force):
            say(str(path))
        return
    kinds = {k.name: k for k in all_kinds()}
    if kind is not None:
        if kind not in kinds:
            raise UsageError(f"unknown record kind '{kind}' (kinds: {', '.join(kinds)})")
        say(json.dumps(schema_for(kinds[kind]), indent=2))
        return
    say(json.dumps({name: schema_for(k) for name, k in kinds.items()}, indent=2))
