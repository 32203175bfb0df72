"""The ``cspkit`` command line: a thin shell over the library.

Each command parses its arguments, calls one library function and prints the result.
:func:`main` is the one place errors are turned into messages and exit codes:

* a user error (bad record, bad argument, missing file): one line per problem, exit 1;
* a usage error (unknown flag, malformed value): one line, exit 2;
* Ctrl-C: "interrupted", exit 130;
* anything else is an internal error: the traceback (never local variables) goes to a log
  file, and one line says so and where, exit 3.
"""

from __future__ import annotations

import sys

from cspkit import __version__


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``cspkit`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:
        # Fast path: no Typer, Click, Rich or Pydantic for the most frequent call from scripts.
        sys.stdout.write(f"cspkit {__version__}\n")
        raise SystemExit(0)
    if args in (["--help"], ["-h"]):
        # Typer and Rich alone take longer to import than the help may take: print the help
        # kept from last time when nothing it depends on changed (see helpcache).
        from cspkit.cli import helpcache

        text = helpcache.lookup(args)
        if text is not None:
            sys.stdout.write(text)
            raise SystemExit(0)
        raise SystemExit(helpcache.run_and_keep(args, run))
    from cspkit import gcpolicy

    gcpolicy.short_lived_process()
    try:
        code = run(args)
    finally:
        gcpolicy.short_lived_process(False)
    raise SystemExit(code)


def run(args: list[str]) -> int:
    """Run the CLI on ``args`` and return the exit code (used by main and the tests)."""
    import typer

    from cspkit.cli.app import build_app
    from cspkit.errors import CspkitError

    command = build_app(args)
    try:
        rv = command.main(args=args, prog_name="cspkit", standalone_mode=False)
        # Outside standalone mode Typer catches ``typer.Exit`` itself and *returns* its exit
        # code (``raise typer.Exit(1)`` in validate, ``--help``, ``--version``); commands return None.
        if isinstance(rv, int) and not isinstance(rv, bool):
            if rv == 130:  # Typer turns Ctrl-C into Exit(130) and, outside standalone mode, returns it
                _err("interrupted")
            return rv
    except typer.Exit as exc:
        if exc.exit_code == 130:  # Typer turns Ctrl-C into Exit(130)
            _err("interrupted")
        return exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        _err("interrupted")
        return 130
    except typer.TyperException as exc:  # Click's usage errors (Typer vendors Click)
        message = exc.format_message().replace("Value error, ", "")
        if not message:  # "cspkit" alone: the help was printed
            return 0
        _err(f"error: {message}")
        ctx = getattr(exc, "ctx", None)
        if ctx is not None:
            _err(f"Try '{ctx.command_path} --help' for help.")
        return getattr(exc, "exit_code", 2) or 2
    except CspkitError as exc:
        from cspkit.errors import RecordError, one_line

        # A RecordError is one problem per line; any other error is one line, whatever it quotes.
        lines = str(exc).splitlines() if isinstance(exc, RecordError) else [one_line(str(exc))]
        for line in [ln for ln in lines if ln] or [type(exc).__name__]:
            _err(line if _has_location(line) else f"error: {line}")
        return exc.exit_code
    except BrokenPipeError:
        return 0
    except Exception as exc:
        log = _log_internal_error(exc)
        # Only the type on screen: an exception's message can quote record text (names).
        _err(f"internal error: {type(exc).__name__}. This is a bug in cspkit; details in {log}")
        return 3
    return 0


def _has_location(line: str) -> bool:
    """Whether a message starts by naming where it is (``path:line:col: …``, ``path: …``)."""
    head = line.split(": ", 1)[0]
    if not head or any(c.isspace() for c in head):
        return False
    return ":" in head or head.endswith((".yaml", ".yml", ".md", ".docx"))


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _log_internal_error(exc: BaseException) -> str:
    """Write the traceback (file, line and code only; no local variables) to a log file."""
    import datetime as dt
    import os
    import tempfile
    import traceback
    from pathlib import Path

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cspkit"
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError:
        base = Path(tempfile.gettempdir())
    path = base / f"error-{dt.datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.log"
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))  # never includes locals
    try:
        path.write_text(f"cspkit {__version__}\ncommand: {' '.join(sys.argv[1:2])}\n\n{text}", encoding="utf-8")
    except OSError:
        return "(log could not be written)"
    return str(path)
