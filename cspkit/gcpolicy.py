"""Memory while a repository loads, and when the command-line process ends.

Loading a county's records builds millions of small objects and no reference cycles, and
Python's cyclic collector, run every few hundred allocations, walks every one of them again
and again: half the time of a cold ``cspkit validate``. So :func:`loading` switches the
collector off while records load. In the command-line process, which exits when the command
is done, it then also freezes what was loaded (``gc.freeze()``), so later collections skip
it; a long-running process (a test run, an editor integration) gets only the first part,
as freezing would keep its older garbage alive.

Freeing those objects one by one, as a command returns and again as Python shuts down, takes
the command-line process a tenth of a second more on a county's records, for nothing: the
operating system takes the memory back whole. So the process keeps what it loaded
(:func:`keep`) and :func:`end_now` ends it once the output is flushed and the exit handlers have run.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_freeze_after_loading = False
#: what the command-line process loaded, kept until it ends (see keep)
_kept: list[object] = []


def short_lived_process(on: bool = True) -> None:
    """Say that this process ends with its command (the ``cspkit`` console script)."""
    global _freeze_after_loading
    _freeze_after_loading = on


@contextmanager
def paused() -> Iterator[None]:
    """The cyclic collector off for a stretch that allocates much and frees nothing cyclic
    (the cross-record checks over a loaded repository)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def loading() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _freeze_after_loading:
            gc.freeze()
        if enabled:
            gc.enable()


def keep(*loaded: object) -> None:
    """In the command-line process, keep what a command loaded (the records, the parse cache)
    until the process ends, so that it is never freed object by object (see :func:`end_now`)."""
    if _freeze_after_loading:
        _kept.extend(loaded)


def end_now(code: int) -> None:
    """End the command-line process with ``code`` as Python would (output flushed, exit
    handlers run: temporary folders removed, logs closed), but without freeing each object
    first. Returns, for the caller to exit as usual, where that would not be the same: another
    thread still running (Python waits for it), or output that cannot be flushed (Python says so).
    """
    import threading

    if threading.active_count() > 1:
        return
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return
    import atexit
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # done: Ctrl-C now would only print a traceback
    atexit._run_exitfuncs()
    os._exit(code)
