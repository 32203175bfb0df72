"""Cross-record checks: every reference resolves, ids are unique, dates make sense.

Each module holds the checks of one area, registered with :func:`~cspkit.checks.context.check`
and run in turn over one :class:`~cspkit.checks.context.CheckContext`. A check reports
problems at a record and a field path; :func:`cspkit.load.finish` turns paths into lines.
"""

from __future__ import annotations

from cspkit.checks import actions, config, files, meetings, performance, programme, psa, references, registry, updates
from cspkit.checks.context import CHECKS, CheckContext
from cspkit.errors import Problem
from cspkit.gcpolicy import paused
from cspkit.load import records_inside
from cspkit.repo import Repo

#: The modules whose checks run, in this order (imported for their registrations).
AREAS = (config, registry, files, meetings, actions, updates, psa, programme, performance, references)


def check_repo(repo: Repo, files: frozenset[str] | None = None, loaded: list[Problem] | None = None) -> list[Problem]:
    """All cross-record problems of a loaded repository.

    With ``files``, scoped checks look only at the records in those files (every other check
    runs whole): what a change to the records needs checked again. ``loaded`` are the problems
    found reading and validating its files: a check may make one of them say more (a person's
    name where their id belongs says whose id it is).
    """
    if not records_inside(repo):
        return []  # loading has said so (missing, or a link out); every reference would look unknown
    ctx = CheckContext(repo, files, loaded)
    with paused():
        for registered in CHECKS:
            ctx.current = registered.name
            registered.fn(ctx)
    return ctx.problems


def scoped_checks() -> frozenset[str]:
    """The names of the checks that look at one record at a time."""
    return frozenset(r.name for r in CHECKS if r.scoped)


__all__ = ["AREAS", "CheckContext", "check_repo", "scoped_checks"]
