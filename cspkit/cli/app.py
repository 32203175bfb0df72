"""Builds the Typer application from the command modules (one module per area)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from cspkit import __version__

if TYPE_CHECKING:
    # Typer vendors Click and names its command type only in this private module.
    from typer._click import Command
    from typer.models import CommandInfo, TyperInfo

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


#: The module that registers each top-level command. Running one of these imports that module
#: alone; any other name (a new command, a typo), or help for the whole CLI, imports them all.
_COMMAND_MODULES = {
    "validate": "core", "init": "core", "schema": "core",
    "render": "render", "templates": "render",
    "people": "registry", "organisations": "registry",
    "new-meeting": "workflow", "agenda": "agenda", "attendance": "agenda",
    "minutes": "workflow", "actions": "workflow", "update": "workflow",
    "psa": "workflow", "programme": "workflow", "circulate": "workflow",
    "fmt": "review", "diff": "review", "calendar": "review", "docs": "review",
    "site": "site", "publish": "site",
}
_MODULES = ("core", "render", "registry", "workflow", "agenda", "review", "site")


def build_app(args: list[str] | None = None) -> Command:
    """The Click command behind the Typer app, with the command modules registered.

    Given the arguments of this run, only the module of the command they name is imported
    (when it does register that command); otherwise every command module is.
    """
    name = _command_name(args) if args else None
    module = _COMMAND_MODULES.get(name) if name else None
    if module is not None:
        _load(module)
        command = typer.main.get_command(app)
        if name in getattr(command, "commands", {}):
            return command
    for module in _MODULES:
        _load(module)
    _canonical_order()
    return typer.main.get_command(app)


def _canonical_order() -> None:
    """List the commands in the order of :data:`_COMMAND_MODULES`, whichever module was
    imported first (one process may run several commands: the tests, a library user)."""
    rank = {name: i for i, name in enumerate(_COMMAND_MODULES)}

    def key(info: CommandInfo | TyperInfo) -> int:
        name = info.name or getattr(getattr(info, "callback", None), "__name__", "").replace("_", "-")
        return rank.get(name, len(rank))

    app.registered_commands.sort(key=key)
    app.registered_groups.sort(key=key)


def _load(module: str) -> None:
    try:
        __import__(f"cspkit.cli.{module}")
    except ModuleNotFoundError as exc:  # a command module not written yet
        if exc.name != f"cspkit.cli.{module}":
            raise


def _command_name(args: list[str]) -> str | None:
    """The command ``args`` run (None when they ask for the whole CLI's help, or name none)."""
    rest = iter(args)
    for arg in rest:
        if arg in ("-h", "--help"):
            return None
        if arg in ("--repo", "-R"):
            next(rest, None)
        elif not arg.startswith("-"):
            return arg
    return None
