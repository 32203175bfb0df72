"""Partner updates: for a real meeting and organisation, against the plan they report on."""

from __future__ import annotations

from cspkit.checks.context import CheckContext, check
from cspkit.errors import ProblemCode, Severity
from cspkit.models.partner_update import TEXT_FIELDS


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


@check(scoped=True)
def check_update_sections(ctx: CheckContext) -> None:
    """Sections of the partnership's own form (``sections:``) and those not for publication
    (``restricted_sections:``) name sections the form has."""
    cfg = ctx.repo.config
    if cfg is None:
        return
    own = {s.key for s in cfg.update_form.sections if s.key not in TEXT_FIELDS and s.key != "priorities"}
    shown = ", ".join(sorted(own)) or "none"
    for u in ctx.repo.updates.values():
        if not ctx.in_scope(u):
            continue
        for key in u.sections:
            if key in TEXT_FIELDS or key == "priorities":
                ctx.problem(u, ("sections", key), f"'{key}' is a field of the update itself: write it as {key}:, "
                                                  f"not under sections:", ProblemCode.invalid_value)
            elif key not in own:
                ctx.problem(u, ("sections", key), f"the update form has no section '{key}' (update_form.sections "
                                                  f"in cspkit.yaml; the form's own sections: {shown})",
                            severity=Severity.warning)
        for i, key in enumerate(u.restricted_sections):
            if key not in TEXT_FIELDS and key not in own:
                ctx.problem(u, ("restricted_sections", i), f"no section '{key}' to keep from publication "
                                                           f"(the update's fields, or the form's own sections: "
                                                           f"{shown})", severity=Severity.warning)
            elif not u.text_of(key):
                ctx.problem(u, ("restricted_sections", i), f"'{key}' is empty: there is nothing to keep from "
                                                           f"publication", severity=Severity.warning)
