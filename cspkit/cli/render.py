"""render (pack, minutes, action-log, forward-programme, psa, update) and templates."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from cspkit.cli.app import app
from cspkit.cli.common import Audience, parse_date, repo_root, say

if TYPE_CHECKING:
    from cspkit.render import Document
    from cspkit.repo import Repo

render_app = typer.Typer(help="Render agenda packs, minutes, action logs, the forward programme, "
                              "the PSA tracker and partner updates as PDF, HTML or Markdown.",
                         no_args_is_help=True)
templates_app = typer.Typer(help="List the templates, or copy one into the repository to change it.",
                            no_args_is_help=True)
app.add_typer(render_app, name="render")
app.add_typer(templates_app, name="templates")


FormatOpt = typer.Option("pdf", "--format", "-f", help="pdf, html, md, a comma list (pdf,html), or all.")
OutputOpt = typer.Option(Path("build"), "--output", "-o", help="Folder to write into.", file_okay=False)
AudienceOpt = typer.Option(Audience.partners, "--audience",
                           help="partners (everything) or public (restricted items left out, shown as exempt).")
ForceOpt = typer.Option(False, "--force", help="Replace files in the output folder that cspkit did not write.")


def _write(ctx: typer.Context, make_doc: Callable[[Repo], Document], fmt: str, output: Path, audience: Audience,
           force: bool) -> None:
    """Render the document (:func:`cspkit.render.render_document`) and print the paths written."""
    import sys

    from cspkit.render import render_document

    if sys.stderr.isatty():
        from rich.progress import Progress, SpinnerColumn, TextColumn

        with Progress(SpinnerColumn(), TextColumn("{task.description}"), transient=True) as progress:
            task = progress.add_task("rendering", total=None)
            paths = render_document(repo_root(ctx), make_doc, fmt, output, audience.value, force,
                                    progress=lambda what: progress.update(task, description=f"rendering {what}"))
    else:
        paths = render_document(repo_root(ctx), make_doc, fmt, output, audience.value, force)
    for p in paths:
        say(str(p))


@render_app.command("pack")
def pack(
    ctx: typer.Context,
    meeting: Optional[str] = typer.Argument(None, help="YYYY-MM-DD, next or latest (default: next)."),
    fmt: str = FormatOpt, output: Path = OutputOpt, audience: Audience = AudienceOpt, force: bool = ForceOpt,
) -> None:
    """The agenda pack: front sheet, previous minutes, action log, papers, forward programme."""
    from cspkit.render import pack_document, resolve_meeting

    _write(ctx, lambda repo: pack_document(repo, resolve_meeting(repo, meeting), audience.value),
           fmt, output, audience, force)


@render_app.command("minutes")
def minutes(
    ctx: typer.Context,
    meeting: str = typer.Argument(..., help="YYYY-MM-DD, or latest (the latest meeting with minutes)."),
    fmt: str = FormatOpt, output: Path = OutputOpt, audience: Audience = AudienceOpt, force: bool = ForceOpt,
) -> None:
    """The minutes of a held meeting."""
    from cspkit.render import minutes_document, resolve_meeting

    _write(ctx, lambda repo: minutes_document(repo, resolve_meeting(repo, meeting, with_minutes=True),
                                              audience.value),
           fmt, output, audience, force)


@render_app.command("action-log")
def action_log(
    ctx: typer.Context,
    as_of: Optional[str] = typer.Option(None, "--as-of", help="YYYY-MM-DD (default: today)."),
    fmt: str = FormatOpt, output: Path = OutputOpt, audience: Audience = AudienceOpt, force: bool = ForceOpt,
) -> None:
    """Open actions, and those closed since the previous meeting, as of a date."""
    import datetime as dt

    from cspkit.render import action_log_document

    day = parse_date(as_of, "--as-of") if as_of else dt.date.today()
    _write(ctx, lambda repo: action_log_document(repo, day, audience.value), fmt, output, audience, force)


@render_app.command("forward-programme")
def forward_programme(
    ctx: typer.Context,
    as_of: Optional[str] = typer.Option(None, "--as-of", help="YYYY-MM-DD (default: the next meeting)."),
    fmt: str = FormatOpt, output: Path = OutputOpt, audience: Audience = AudienceOpt, force: bool = ForceOpt,
) -> None:
    """The forward programme and future meeting dates."""
    from cspkit.render import programme_document

    day = parse_date(as_of, "--as-of") if as_of else None
    _write(ctx, lambda repo: programme_document(repo, day, audience.value), fmt, output, audience, force)


@render_app.command("psa")
def psa(
    ctx: typer.Context,
    year: Optional[int] = typer.Argument(None, help="Assessment year (default: the latest)."),
    fmt: str = FormatOpt, output: Path = OutputOpt, audience: Audience = AudienceOpt, force: bool = ForceOpt,
) -> None:
    """The PSA recommendations tracker."""
    from cspkit.render import psa_document

    _write(ctx, lambda repo: psa_document(repo, year, audience.value), fmt, output, audience, force)


@render_app.command("update")
def update(
    ctx: typer.Context,
    meeting: str = typer.Argument(..., help="YYYY-MM-DD, next or latest."),
    partner: str = typer.Argument(..., help="Organisation id, name or short name."),
    fmt: str = FormatOpt, output: Path = OutputOpt, audience: Audience = AudienceOpt, force: bool = ForceOpt,
) -> None:
    """One partner's update report."""
    from cspkit.render import resolve_meeting, update_document

    _write(ctx, lambda repo: update_document(repo, resolve_meeting(repo, meeting), partner, audience.value),
           fmt, output, audience, force)


@templates_app.command("list")
def templates_list(ctx: typer.Context) -> None:
    """Every template, and whether the repository overrides it."""
    from cspkit.render.templates import list_templates

    root = _optional_root(ctx)
    for name, origin in list_templates(root):
        say(f"{name}\t{origin}")


@templates_app.command("copy")
def templates_copy(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Template name, as templates list shows it."),
    force: bool = typer.Option(False, "--force", help="Replace the repository's copy if there is one."),
) -> None:
    """Copy a packaged template into the repository's templates/ folder to change it."""
    from cspkit.render.templates import copy_template

    path = copy_template(repo_root(ctx), name, force)
    say(str(path))


def _optional_root(ctx: typer.Context) -> Path | None:
    from cspkit.errors import RepoNotFound

    try:
        return repo_root(ctx)
    except RepoNotFound:
        return None
