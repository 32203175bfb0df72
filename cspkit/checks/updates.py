"""Partner updates: for a real meeting and organisation, against the plan they report on."""

from __future__ import annotations

from cspkit.checks.context import CheckContext, check


@check(scoped=True)
def check_updates(ctx: CheckContext) -> None:
    cfg = ctx.repo.config
    for (day, oid), u in sorted(ctx.repo.updates.items()):
        if not ctx.in_scope(u):
            continue
        ctx.meeting_exists(u, ("meeting",), day)
        ctx.org(u, ("organisation",), oid)
        for i, a in enumerate(u.authors):
            ctx.person(u, ("authors", i), a)
        plan = (cfg.plan(u.plan) if u.plan else cfg.plan_for(day)) if cfg else None
        if u.plan and cfg and plan is None:
            ctx.problem(u, ("plan",), f"no plan '{u.plan}' in cspkit.yaml")
        if plan is not None:
            pn = {p.number for p in plan.priorities}
            tn = {t.number for t in plan.themes}
            for i, pu in enumerate(u.priorities):
                if pu.priority is not None and pu.priority not in pn:
                    ctx.problem(u, ("priorities", i, "priority"), f"plan {plan.id} has no priority {pu.priority}")
                if pu.theme is not None and pu.theme not in tn:
                    ctx.problem(u, ("priorities", i, "theme"), f"plan {plan.id} has no theme {pu.theme}")
