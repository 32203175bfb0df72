"""The forward programme: ids unique, who brings each row real, meetings real."""

from __future__ import annotations

import datetime as dt

from cspkit.checks.context import CheckContext, check
from cspkit.models.programme import Special


@check
def check_programme(ctx: CheckContext) -> None:
    prog = ctx.repo.programme
    if prog is None:
        return
    ctx.unique(prog, prog.items, "id", ("items",), "duplicate forward programme id '{key}'")
    for it in prog.items:
        for j, p in enumerate(it.action_by):
            ctx.person(it, ("action_by", j), p)
        if isinstance(it.when, dt.date) and not isinstance(it.when, Special):
            ctx.meeting_exists(it, ("when",), it.when, scheduled_ok=True)
        ctx.meeting_exists(it, ("last_taken",), it.last_taken)
