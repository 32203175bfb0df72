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

from cspkit import _COMMAND, __version__, _interrupted_early


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``cspkit`` console script (and of ``python -m cspkit``).

    Ctrl-C is handled from the first line on: pressed while Python is still importing what the
    command needs (the first tenth of a second), it is "interrupted", exit 130, as it is later.
    """
    import signal

    try:
        if signal.getsignal(signal.SIGINT) in (_interrupted_early, signal.default_int_handler):
            signal.signal(signal.SIGINT, _on_interrupt)  # from here on, Ctrl-C unwinds to the line below
        code = _main(argv)
    except KeyboardInterrupt:
        code = _interrupted()
    gcpolicy = sys.modules.get("cspkit.gcpolicy")  # imported by a command that loads records
    if _COMMAND and gcpolicy is not None:
        gcpolicy.end_now(code)  # the process ends here, without freeing what it loaded object by object
    raise SystemExit(code)


def _on_interrupt(signum: int, frame: object) -> None:
    """Ctrl-C: raise KeyboardInterrupt, but never inside the import machinery's own callbacks,
    where Python could only print it as "Exception ignored" and carry on: there it is raised
    again as soon as control is back in ordinary code."""
    # The frame the signal arrived in, and the frame really running now: they differ when the
    # garbage collector runs an import lock's weakref callback on the way.
    running = [getattr(frame, "f_code", None), getattr(sys._getframe(1), "f_code", None)]
    if any(code is not None and code.co_filename.startswith("<frozen importlib") for code in running):
        import _thread

        _thread.interrupt_main()
        return
    raise KeyboardInterrupt


def _interrupted() -> int:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C while saying so changes nothing
    _err("interrupted")
    return 130


def _main(argv: list[str] | None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:
        # Fast path: no Typer, Click, Rich or Pydantic for the most frequent call from scripts.
        sys.stdout.write(f"cspkit {__version__}\n")
        return 0
    if args in (["--help"], ["-h"]):
        # Typer and Rich alone take longer to import than the help may take: print the help
        # kept from last time when nothing it depends on changed (see helpcache).
        from cspkit.cli import helpcache

        text = helpcache.lookup(args)
        if text is not None:
            sys.stdout.write(text)
            return 0
        return helpcache.run_and_keep(args, run)
    from cspkit import gcpolicy

    gcpolicy.short_lived_process()
    try:
        return run(args)
    finally:
        gcpolicy.short_lived_process(False)


def run(args: list[str]) -> int:
    """Run the CLI on ``args`` and return the exit code (used by main and the tests)."""
    bad = _not_utf8(args)
    if bad is not None:
        # Before anything reads them: such text would otherwise reach a record file and be
        # reported there, at a line the user never wrote.
        _err(f"error: {bad} is not valid UTF-8 text: check the encoding of the terminal or script that ran cspkit")
        return 1
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
        from cspkit.errors import LocatedError, RecordError, one_line

        # A RecordError is one problem per line; any other error is one line, whatever it quotes.
        lines = str(exc).splitlines() if isinstance(exc, RecordError) else [one_line(str(exc))]
        for line in [ln for ln in lines if ln] or [type(exc).__name__]:
            located = isinstance(exc, (RecordError, LocatedError)) or _has_location(line)
            _err(line if located else f"error: {line}")
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


def _not_utf8(args: list[str]) -> str | None:
    """How to name the first argument that is not valid UTF-8 (Python keeps its bytes as lone
    surrogates), or None."""
    for i, arg in enumerate(args):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            after = args[i - 1] if i and args[i - 1].startswith("-") and "=" not in args[i - 1] else None
            return f"the argument '{shown}'" + (f" (after {after})" if after else "")
    return None


def _err(text: str) -> None:
    """One line on stderr, control characters spelled out (it may quote record text)."""
    if any(ord(c) < 32 or 0x7f <= ord(c) <= 0x9f or c in "\u2028\u2029" for c in text):
        from cspkit.cli.reporters import terminal_safe

        text = terminal_safe(text)
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _log_internal_error(exc: BaseException) -> str:
    """Write the traceback (file, line and code only; no local variables) to a log file."""
    import datetime as dt
    import os
    import tempfile
    import traceback
    from pathlib import Path

    from cspkit.usercache import user_folder

    base = user_folder()
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
