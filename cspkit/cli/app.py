"""Builds the Typer application from the command modules (one module per area)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from cspkit import __version__

app = typer.Typer(
    name="cspkit",
    help="Keep a Community Safety Partnership's records as YAML in git: validate them, "
    "render agenda packs, minutes and action logs, and run the meeting cycle.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cspkit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    repo: Optional[Path] = typer.Option(
        None, "--repo", "-R", help="The partnership's repository (default: the nearest folder "
        "at or above the current one with a cspkit.yaml; or $CSPKIT_REPO).",
        file_okay=False, envvar="CSPKIT_REPO",
    ),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    ctx.obj = {"repo": repo}


def build_app():
    """The Click command behind the Typer app, with every command module registered."""
    from cspkit.cli import core  # noqa: F401  (registers validate, init, schema)

    for name in ("render", "workflow", "review"):
        try:
            __import__(f"cspkit.cli.{name}")
        except ModuleNotFoundError as exc:  # a command module not written yet
            if exc.name != f"cspkit.cli.{name}":
                raise
    return typer.main.get_command(app)
