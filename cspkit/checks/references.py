"""People and organisations named in files that did not validate.

A file with a wrong field does not load, so the checks of its area never see it; without this,
a misspelt person id in it would be reported only once every other problem was fixed. Its
references are read from the raw data (:func:`cspkit.models.refs.references`) and reported in
the same run. A person's *name* where the id belongs (``owners: [Dave Stokes]``), which the
field's own check reports as "not a valid id", is made to say whose id to write.
"""

from __future__ import annotations

import re

from cspkit.checks.context import ROLE_LEADS, CheckContext, check
from cspkit.errors import Loc, ProblemCode
from cspkit.models.common import SLUG_RE
from cspkit.models.refs import references


@check
def check_references_in_files_that_did_not_load(ctx: CheckContext) -> None:
    people_ok = "people" not in ctx.broken_kinds
    orgs_ok = "organisations" not in ctx.broken_kinds
    for src in ctx.repo.sources.values():
        if src.model is not None or not isinstance(src.data, dict):
            continue
        for loc, kind, value in references(src.kind.model, src.data):
            if not isinstance(value, str) or not value:
                continue
            if kind in ("person", "lead") and people_ok and value not in ctx.repo.people:
                if kind == "lead" and value in ROLE_LEADS:
                    continue
                if re.match(SLUG_RE, value) or kind == "lead":
                    ctx.at(src.rel, loc, ctx.unknown_person(value))
                else:
                    _say_whose_id(ctx, src.rel, loc, value)
            elif kind == "organisation" and orgs_ok and value not in ctx.repo.organisations \
                    and re.match(SLUG_RE, value):
                ctx.at(src.rel, loc, f"unknown organisation '{value}'{ctx.orgs.hint(value)}")


def _say_whose_id(ctx: CheckContext, rel: str, loc: Loc, value: str) -> None:
    """Make the "not a valid id" problem at ``loc`` say whose id a name is (or which is near)."""
    named = ctx.people.find(value)
    if len(named) == 1:
        better = f"'{value}' is not an id but the name of '{next(iter(named))}': write the id"
    else:
        hint = ctx.people.hint(value)
        if not hint:
            return
        better = f"'{value}' is not a person's id{hint}"
    for p in ctx.loaded:
        if p.file == rel and p.loc == loc and p.code == ProblemCode.invalid_value and \
                p.message.startswith("not a valid id"):
            p.message = better
            return
