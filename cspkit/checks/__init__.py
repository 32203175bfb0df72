"""Cross-record checks: every reference resolves, ids are unique, dates make sense.

Each module holds the checks of one area, registered with :func:`~cspkit.checks.context.check`
and run in turn over one :class:`~cspkit.checks.context.CheckContext`. A check reports
problems at a record and a field path; :func:`cspkit.load.finish` turns paths into lines.
"""

from __future__ import annotations

from cspkit.checks import actions, config, files, meetings, performance, programme, psa, registry, updates
from cspkit.checks.context import CHECKS, CheckContext
from cspkit.errors import Problem
from cspkit.load import records_inside
from cspkit.repo import Repo

#: The modules whose checks run, in this order (imported for their registrations).
AREAS = (config, registry, files, meetings, actions, updates, psa, programme, performance)


def check_repo(repo: Repo) -> list[Problem]:
    """All cross-record problems of a loaded repository."""
    if not records_inside(repo):
        return []  # loading has said so (missing, or a link out); every reference would look unknown
    ctx = CheckContext(repo)
    for run in CHECKS:
        run(ctx)
    return ctx.problems


__all__ = ["AREAS", "CheckContext", "check_repo"]
