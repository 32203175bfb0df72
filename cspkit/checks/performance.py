"""Performance figures: indicator ids unique, each quarter given once."""

from __future__ import annotations

from cspkit.checks.context import CheckContext, check


@check(scoped=True)
def check_performance(ctx: CheckContext) -> None:
    for _, perf in sorted(ctx.repo.performance.items()):
        if not ctx.in_scope(perf):
            continue
        ctx.unique(perf, perf.indicators, lambda ind: ind.id, lambda i: ("indicators", i, "id"),
                    lambda k: f"duplicate indicator id '{k}'")
        for i, ind in enumerate(perf.indicators):
            ctx.unique(perf, ind.readings, lambda r: r.quarter,
                        lambda j, i=i: ("indicators", i, "readings", j, "quarter"),
                        lambda k, ind=ind: f"{k} is given twice for {ind.id}")
