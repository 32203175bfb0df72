"""``cspkit --help`` replayed from the user's cache folder when nothing it depends on changed.

Typer lays the help out with Rich, and importing the two takes longer than the 150 ms the help
may take in all (see benchmarks/RESULTS.md). So the console script keeps what ``--help``
printed last, keyed on everything the text can depend on, and prints it again when the key
is unchanged:

* the code: every ``.py`` file of cspkit (by content), the Python version and the installed
  Typer, Click and Rich;
* the terminal: whether stdin, stdout and stderr are terminals and how wide they are;
* the environment, whole (colours, widths, locale), less the few variables a shell changes
  on every command (``PWD``, ``OLDPWD``, ``_``, ``SHLVL``).

Any other difference means a miss: the help is laid out by Typer as always and kept for next
time. Nothing is kept when the run wrote to stderr or failed. ``CSPKIT_CACHE=0`` turns it off.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, cast

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

_IGNORED_ENV = {"PWD", "OLDPWD", "_", "SHLVL"}
_DEPENDENCIES = ("typer", "click", "rich")


def _folder() -> Path:
    from cspkit.usercache import user_folder

    return user_folder()


def _key(args: list[str]) -> str | None:
    from cspkit.cache import code_fingerprint
    from cspkit.usercache import enabled

    if not enabled():
        return None
    h = hashlib.sha256(code_fingerprint(_DEPENDENCIES))
    h.update("\0".join(args).encode("utf-8", "surrogateescape") + b"\1")
    for fd in (0, 1, 2):
        try:
            tty = os.isatty(fd)
        except OSError:
            tty = None
        try:
            size = tuple(os.get_terminal_size(fd))
        except (OSError, ValueError):
            size = None
        h.update(f"{fd}:{tty}:{size}\0".encode())
    for name in sorted(os.environ):
        if name not in _IGNORED_ENV:
            h.update(f"{name}={os.environ[name]}\0".encode("utf-8", "surrogateescape"))
    return h.hexdigest()[:32]


def lookup(args: list[str]) -> str | None:
    """The help text kept for exactly this situation, or None."""
    try:
        key = _key(args)
        if key is None:
            return None
        return (_folder() / f"help-{key}.txt").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, ValueError):
        return None


class _Tee:
    """``sys.stdout`` that also remembers what was written."""

    def __init__(self, stream: TextIO):
        self._stream = stream
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        written = self._stream.write(text)  # first: bytes raise TypeError, as Click's probe expects
        self.parts.append(text)
        return written

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def run_and_keep(args: list[str], run: Callable[[list[str]], int]) -> int:
    """``run(args)``, keeping what it printed when it succeeded quietly."""
    out, err = _Tee(sys.stdout), _Tee(sys.stderr)
    # A _Tee is a TextIO for every purpose: what it does not define it forwards to the stream.
    sys.stdout, sys.stderr = cast(TextIO, out), cast(TextIO, err)
    try:
        code = run(args)
    finally:
        sys.stdout, sys.stderr = out._stream, err._stream
    if code == 0 and out.parts and not err.parts:
        _keep(args, "".join(out.parts))
    return code


def _keep(args: list[str], text: str) -> None:
    import tempfile

    try:
        key = _key(args)
        if key is None:
            return
        folder = _folder()
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".help-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, folder / f"help-{key}.txt")
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, UnicodeEncodeError, ValueError):
        pass
