"""Partner update reports: a form to fill in, and whom to chase before the pack goes out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cspkit import views
from cspkit.session import Session
from cspkit.workflows._common import Written

#: End-of-line hints on the form, from the sections of the paper form (000, lines 227-300).
_HINTS = {
    "date": "YYYY-MM-DD (or YYYY-MM)",
    "subject": "subject title",
    "summary": "purpose, background and context",
    "recommendations": "any recommendations for the CSP to consider",
    "performance": "relevant performance data",
    "priorities": "an update under each strategic priority (leave text empty for n/a)",
    "budget": "budget / resource implications",
    "risks": "key risks / issues",
    "planned_activity": "planned activity in the next quarter",
    "other": "any other update: developments, achievements, challenges / opportunities",
    "support_required": "gaps / support required",
}


@dataclass
class NewUpdate(Written):
    meeting: dt.date
    organisation: str
    path: Path
    plan: str | None
    priorities: list[int]


def new_update(ctx: Session, meeting: str | dt.date = "", partner: str = "", *,
               force: bool = False, dry_run: bool = False) -> NewUpdate:
    """Write ``records/updates/<meeting>/<organisation>.yaml``: the partner update form.

    Every section of the form is there (empty means "n/a"), with one entry per priority of
    the plan current at the meeting; the author is the partner's contact from
    ``cspkit.yaml`` when there is one. ``partner`` is an organisation id, name, short name or
    alias. An existing form is not replaced unless ``force``.
    """
    m = ctx.meeting(meeting)
    org = ctx.organisation(partner)
    cfg = ctx.repo.config
    assert cfg is not None
    path = ctx.path("partner-update", (m.date, org))
    plan = cfg.plan_for(m.date)
    contact = next((e.contact for e in cfg.partner_updates if e.organisation == org and e.contact), None)
    name = ctx.repo.organisations[org].name
    data: dict[str, Any] = {
        "meeting": m.date,
        "organisation": org,
        "authors": [contact] if contact else [],
        "date": None,
        "subject": f"{name} update",
        "summary": None,
        "recommendations": None,
        "performance": None,
        "priorities": [{"priority": p.number, "text": None} for p in plan.priorities] if plan else [],
        "budget": None,
        "risks": None,
        "planned_activity": None,
        "other": None,
        "support_required": None,
    }
    hints = dict(_HINTS)
    if plan is not None:
        hints["priorities"] = f"{hints['priorities']}; plan {plan.id}: " + "; ".join(
            f"{p.number} {p.title}" for p in plan.priorities)
    ctx.create(path, data, force=force, comments=hints)
    done = Written.of(ctx.commit(dry_run))
    return NewUpdate(meeting=m.date, organisation=org, path=path, plan=plan.id if plan else None,
                     priorities=[p.number for p in plan.priorities] if plan else [], **done)


@dataclass
class Chase:
    """A partner expected at the meeting whose update is not in yet."""

    organisation: str
    organisation_name: str
    contact: str | None
    contact_name: str | None
    contact_role: str | None


def chase(ctx: Session, meeting: str | dt.date = "") -> tuple[dt.date, list[Chase], int]:
    """Partners expected at ``meeting`` (``partner_updates`` in cspkit.yaml) with no update yet.

    Returns the meeting date, whom to chase, and how many expected partners have sent theirs.
    """
    m = ctx.meeting(meeting)
    expected = views.expected_partners(ctx.repo, m.date)
    missing = views.missing_updates(ctx.repo, m.date)
    out = []
    for e in missing:
        person = ctx.repo.people.get(e.contact) if e.contact else None
        out.append(Chase(e.organisation, ctx.org_name(e.organisation), e.contact,
                         person.display_name if person else None, person.role if person else None))
    return m.date, out, len(expected) - len(missing)
