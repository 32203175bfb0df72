"""PSA recommendations: numbers unique, owners real, updates and removals at real meetings."""

from __future__ import annotations

from cspkit.checks.context import CheckContext, check


@check(scoped=True)
def check_psa(ctx: CheckContext) -> None:
    for _, psa in sorted(ctx.repo.psa.items()):
        if not ctx.in_scope(psa):
            continue
        ctx.unique(psa, psa.recommendations, "number", ("recommendations",), "duplicate recommendation number {key}")
        for r in psa.recommendations:
            for j, o in enumerate(r.owners):
                ctx.person(r, ("owners", j), o)
            for j, up in enumerate(r.updates):
                ctx.meeting_exists(r, ("updates", j, "meeting"), up.meeting)
            if r.removed is not None:
                ctx.meeting_exists(r, ("removed", "meeting"), r.removed.meeting, held=True)
