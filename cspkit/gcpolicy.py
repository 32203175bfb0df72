"""Garbage collection while a repository loads.

Loading a county's records builds millions of small objects and no reference cycles, and
Python's cyclic collector, run every few hundred allocations, walks every one of them again
and again: half the time of a cold ``cspkit validate``. So :func:`loading` switches the
collector off while records load. In the command-line process, which exits when the command
is done, it then also freezes what was loaded (``gc.freeze()``), so later collections skip
it; a long-running process (a test run, an editor integration) gets only the first part,
as freezing would keep its older garbage alive.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_freeze_after_loading = False


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
