"""People and organisations: ids unique, every person's organisation on the registry."""

from __future__ import annotations

from cspkit.checks.context import CheckContext, check
from cspkit.models.registry import Organisations, People


@check
def check_registry(ctx: CheckContext) -> None:
    repo = ctx.repo
    people = [(p.id, src.rel, ("people", i, "id")) for src in repo.sources.values() if isinstance(src.model, People)
              for i, p in enumerate(src.model.people)]
    ctx.unique_across(people, "person id")
    orgs = [(o.id, src.rel, ("organisations", i, "id")) for src in repo.sources.values()
            if isinstance(src.model, Organisations) for i, o in enumerate(src.model.organisations)]
    ctx.unique_across(orgs, "organisation id")
    for p in repo.people.values():
        ctx.org(p, ("organisation",), p.organisation)
