"""Performance figures: indicator ids unique, each quarter given once."""

from __future__ import annotations

from cspkit.checks.context import CheckContext, check


@check(scoped=True)
def check_performance(ctx: CheckContext) -> None:
    for _, perf in sorted(ctx.repo.performance.items()):
        if not ctx.in_scope(perf):
            continue
        ctx.unique(perf, perf.indicators, "id", ("indicators",), "duplicate indicator id '{key}'")
        for i, ind in enumerate(perf.indicators):
            ctx.unique(perf, ind.readings, "quarter", ("indicators", i, "readings"), "{key} is given twice for " + ind.id)
