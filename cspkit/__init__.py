"""cspkit: the records of a Community Safety Partnership, kept as YAML in git.

Records on disk -> :mod:`cspkit.yaml` (reading, locating, layout, writing) -> :mod:`cspkit.models`
-> :mod:`cspkit.load` (a :class:`~cspkit.repo.Repo`) -> :mod:`cspkit.checks` (cross-record) ->
:mod:`cspkit.session` (one load per command; all-or-nothing commits) -> :mod:`cspkit.views`
(derived: the action log as of a date, what the forward programme puts on the next agenda) ->
:mod:`cspkit.workflows` and :mod:`cspkit.render`. The command line (:mod:`cspkit.cli`) is a thin
shell over that library.
"""

import sys as _sys

__version__ = "0.1.0"


def _interrupted_early(signum: int, frame: object) -> None:
    """Ctrl-C while the command line is still starting (importing itself): nothing has been
    read or written yet, so the process simply stops, as it would later ("interrupted", 130)."""
    import os

    os.write(2, b"interrupted\n")
    os._exit(130)


def _started_as_command() -> bool:
    """Whether this process is the ``cspkit`` command (its console script, or ``python -m
    cspkit`` while it imports this package); never a program that uses cspkit as a library."""
    first = _sys.argv[0] if _sys.argv else ""
    name = first.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return first == "-m" or name in ("cspkit", "cspkit.exe", "cspkit-script.py")


#: Whether this process is the ``cspkit`` command, as it was started (``python -m cspkit`` shows
#: only while the package imports).
_COMMAND = _started_as_command()

# Ctrl-C is handled from the first line cspkit runs, not only once the command line has been
# imported (a tenth of a second, more on a busy machine); cspkit.cli.main takes over. (_signal:
# the signal module's C core, which is already loaded; the module itself takes long to import.)
if _COMMAND:
    import _signal  # type: ignore[import-not-found]  # the C core, without stubs

    if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
        _signal.signal(_signal.SIGINT, _interrupted_early)
