"""``cspkit.yaml``: the standing agenda, plans, schedule and expected partners refer to real things."""

from __future__ import annotations

import datetime as dt

from cspkit.checks.context import CheckContext, check
from cspkit.errors import ProblemCode


@check
def check_config(ctx: CheckContext) -> None:
    cfg = ctx.repo.config
    if cfg is None:
        return
    for i, s in enumerate(cfg.standing_agenda):
        for j, lead in enumerate(s.leads):
            ctx.lead(cfg, ("standing_agenda", i, "leads", j), lead)
    ctx.unique(cfg, cfg.standing_agenda, "key", ("standing_agenda",), "duplicate standing item key '{key}'")
    ctx.unique(cfg, cfg.plans, "id", ("plans",), "duplicate plan id '{key}'")
    for i, plan in enumerate(cfg.plans):
        ctx.unique(cfg, plan.priorities, "number", ("plans", i, "priorities"),
                   "duplicate priority number {key} in plan " + plan.id)
        theme_numbers = {t.number for t in plan.themes}
        for j, pr in enumerate(plan.priorities):
            for k, lead in enumerate(pr.leads):
                ctx.person(cfg, ("plans", i, "priorities", j, "leads", k), lead)
            if pr.theme is not None and pr.theme not in theme_numbers:
                ctx.problem(cfg, ("plans", i, "priorities", j, "theme"), f"plan {plan.id} has no theme {pr.theme}")
    last: dt.date | None = None
    for i, entry in enumerate(cfg.schedule):
        if entry.date is not None:
            if last is not None and entry.date <= last:
                ctx.problem(cfg, ("schedule", i, "date"), f"{entry.date} is not after {last}: keep the schedule in "
                                                          "order", ProblemCode.order)
            last = entry.date
    for i, e in enumerate(cfg.partner_updates):
        ctx.org(cfg, ("partner_updates", i, "organisation"), e.organisation)
        ctx.person(cfg, ("partner_updates", i, "contact"), e.contact)
    ctx.org(cfg, ("partnership", "clerk_organisation"), cfg.partnership.clerk_organisation)
