"""Meetings: attendance, agenda items and their papers, minutes and their decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cspkit import views
from cspkit.checks.context import CheckContext, check
from cspkit.errors import Loc, ProblemCode, Severity
from cspkit.fileio import FileRefused
from cspkit.load import check_paper as check_paper_file
from cspkit.models.config import PaperKind
from cspkit.models.meeting import Meeting, MeetingStatus, MinuteItem, MinutesState


@check(scoped=True)
def check_meetings(ctx: CheckContext) -> None:
    for m in ctx.repo.meeting_list():
        if ctx.in_scope(m):
            check_meeting(ctx, m)


def check_meeting(ctx: CheckContext, m: Meeting) -> None:
    """Attendance, agenda, papers and minutes of one meeting."""
    ctx.person(m, ("chair",), m.chair, m.date, "chair")
    seen: dict[str, str] = {}
    chair_roles = []
    for group in ("present", "officers", "apologies", "absent"):
        for i, a in enumerate(getattr(m.attendance, group)):
            ctx.person(m, ("attendance", group, i, "person"), a.person, m.date)
            ctx.org(m, ("attendance", group, i, "organisation"), a.organisation)
            ctx.person(m, ("attendance", group, i, "substitute_for"), a.substitute_for)
            if a.person in seen:
                ctx.problem(m, ("attendance", group, i, "person"),
                            f"'{a.person}' is listed twice (also in {seen[a.person]})", ProblemCode.duplicate)
            seen[a.person] = group
            if a.role is not None and a.role.value == "chair":
                chair_roles.append(a.person)
            if group in ("apologies", "absent") and a.role is not None and a.role.value != "minutes":
                ctx.problem(m, ("attendance", group, i, "role"),
                            f"someone giving apologies cannot be {a.role.value}", ProblemCode.attendance)
    if m.chair and chair_roles and m.chair not in chair_roles:
        ctx.problem(m, ("chair",), f"chair is '{m.chair}' but attendance shows '{chair_roles[0]}' in the chair", ProblemCode.attendance)
    check_attendance_recorded(ctx, m)
    plan = ctx.repo.config.plan_for(m.date) if ctx.repo.config else None
    numbers: dict[str, int] = {}
    for i, item in enumerate(m.agenda):
        if item.number in numbers:
            ctx.problem(m, ("agenda", i, "number"),
                         f"agenda item number {item.number} is used twice (also at agenda[{numbers[item.number]}])", ProblemCode.duplicate)
        numbers[item.number] = i
        for j, lead in enumerate(item.leads):
            ctx.lead(m, ("agenda", i, "leads", j), lead)
        for j, paper in enumerate(item.papers):
            check_paper(ctx, m, ("agenda", i, "papers", j), paper)
        for j, sub in enumerate(item.sub_items):
            for k, lead in enumerate(sub.leads):
                ctx.lead(m, ("agenda", i, "sub_items", j, "leads", k), lead)
            if sub.priority is not None and plan is not None and sub.priority not in {p.number for p in
                                                                                    plan.priorities}:
                ctx.problem(m, ("agenda", i, "sub_items", j, "priority"),
                            f"plan {plan.id} has no priority {sub.priority}")
            for k, paper in enumerate(sub.papers):
                check_paper(ctx, m, ("agenda", i, "sub_items", j, "papers", k), paper)
        if item.programme_item and ctx.repo.programme is not None and item.programme_item not in {
                p.id for p in ctx.repo.programme.items}:
            ctx.problem(m, ("agenda", i, "programme_item"),
                         f"no forward programme item '{item.programme_item}'")
    if m.minutes is not None:
        last_number = 0
        for i, mi in enumerate(m.minutes.items):
            if mi.item is not None and mi.item not in numbers:
                ctx.problem(m, ("minutes", "items", i, "item"), f"the agenda has no item {mi.item}")
            if mi.number is not None:
                if mi.number <= last_number:
                    ctx.problem(m, ("minutes", "items", i, "number"),
                                f"minute number {mi.number} does not follow {last_number}", ProblemCode.order)
                last_number = mi.number
            check_minute_body(ctx, m, i, mi, numbers.get(mi.item) if mi.item is not None else None)
        if m.minutes.approved_at is not None:
            ctx.meeting_exists(m, ("minutes", "approved_at"), m.minutes.approved_at, held=True)
            if m.minutes.approved_at <= m.date:
                ctx.problem(m, ("minutes", "approved_at"),
                            "minutes are approved at a later meeting", ProblemCode.order)
        if m.minutes.state == MinutesState.approved and not views.minutes_written(m.minutes):
            ctx.problem(m, ("minutes", "state"), "these minutes are approved but say nothing: write them first, "
                        "or, if they are kept elsewhere, say where (cspkit minutes external "
                        f"{m.date} --reference WHERE)", ProblemCode.minutes)
    check_previous_minutes(ctx, m)


def check_minute_body(ctx: CheckContext, m: Meeting, i: int, mi: MinuteItem, agenda_index: int | None) -> None:
    """A minute's body: decisions with text, real owners and actions; sub-headings of real sub-items."""
    base = ("minutes", "items", i, "body")
    agenda_item = m.agenda[agenda_index] if agenda_index is not None else None
    subs = {s.number for s in agenda_item.sub_items if s.number} if agenda_item is not None else set()
    for p, part in enumerate(mi.body):
        if part.number is not None and agenda_item is not None and part.number not in subs:
            listed = ", ".join(sorted(subs)) or "none"
            ctx.problem(m, (*base, p, "number"), f"agenda item {agenda_item.number} has no sub-item "
                        f"{part.number} (its sub-items: {listed})", ProblemCode.minutes, Severity.warning)
        for j, d in enumerate(part.decisions or ()):
            loc = (*base, p, "decisions", j)
            if not d.text.strip():
                ctx.problem(m, (*loc, "text"), "a decision with no text", ProblemCode.minutes)
            for k, owner in enumerate(d.owners):
                ctx.person(m, (*loc, "owners", k), owner)
            if d.action and d.action not in ctx.repo.actions and not _broken_actions(ctx, d.action):
                ctx.problem(m, (*loc, "action"), f"no action '{d.action}' in {ctx.records_name}/actions/")


def check_attendance_recorded(ctx: CheckContext, m: Meeting) -> None:
    """Minutes need the people present: a warning while they are a draft (the clerk records
    attendance as they write them), an error once they are circulated or approved."""
    if m.status != MeetingStatus.held or m.minutes is None or not m.minutes.items or m.attendance.present:
        return
    draft = m.minutes.state == MinutesState.draft
    ctx.problem(m, ("attendance", "present"),
                f"no one is recorded as present{' yet' if draft else ''}: cspkit attendance {m.date} "
                "--present NAME … --apologies NAME …", ProblemCode.attendance,
                Severity.warning if draft else Severity.error)


def check_previous_minutes(ctx: CheckContext, m: Meeting) -> None:
    """A pack attaches the previous meeting's minutes for approval: say when it cannot (that
    meeting not marked held, no minutes on file, an empty skeleton), rather than let the pack
    go out without them or with another meeting's."""
    if m.status == MeetingStatus.cancelled:
        return
    at = next((loc for loc, paper in m.paper_places() if paper.kind == PaperKind.previous_minutes), None)
    prev = views.meeting_before(ctx.repo, m.date)
    if at is None or prev is None:
        return
    loc = (*at, "kind")
    if prev.status != MeetingStatus.held:
        message = (f"the previous meeting ({prev.date}) is not marked held, so no minutes come to this one for "
                   f"approval: cspkit minutes start {prev.date} (or, for minutes kept elsewhere, cspkit minutes "
                   f"external {prev.date} --reference WHERE)")
    elif prev.minutes is None:
        message = (f"the previous meeting ({prev.date}) has no minutes on file, so the pack attaches none: "
                   f"cspkit minutes start {prev.date} (or cspkit minutes external {prev.date} --reference WHERE)")
    elif not views.minutes_written(prev.minutes):
        message = f"the minutes of the previous meeting ({prev.date}) are still empty, so the pack attaches none"
    else:
        return
    ctx.problem(m, loc, message, ProblemCode.minutes, Severity.warning)



def check_paper(ctx: CheckContext, m: Meeting, loc: Loc, paper: Any) -> None:
    ctx.person(m, (*loc, "author"), paper.author)
    if paper.organisation is not None:
        ctx.org(m, (*loc, "organisation"), paper.organisation)
        if paper.organisation in ctx.repo.organisations and (m.date, paper.organisation) not in ctx.repo.updates \
                and not ctx.broken_file("partner-update", (m.date, paper.organisation)):
            ctx.problem(m, (*loc, "organisation"), f"no update from '{paper.organisation}' for {m.date} "
                         f"({ctx.records_name}/updates/{m.date}/{paper.organisation}.yaml)", ProblemCode.missing_file)
    if paper.kind == PaperKind.document and paper.source:
        shown = f"{ctx.records_name}/{paper.source}"
        try:
            check_paper_file(ctx.repo, paper.source)  # the rule render reads it by
        except FileNotFoundError:
            ctx.problem(m, (*loc, "source"), f"paper file not found: {shown}", ProblemCode.missing_file)
        except FileRefused as exc:
            where = "" if exc.reason.startswith("a paper's source") else f"paper file {shown}: "
            ctx.problem(m, (*loc, "source"), f"{where}{exc.reason}",
                        ProblemCode.encoding if exc.code == "encoding" else ProblemCode.unreadable)


def _broken_actions(ctx: CheckContext, action_id: str) -> bool:
    try:
        day = dt.date.fromisoformat(action_id.split("/", 1)[0])
    except ValueError:
        return False
    return ctx.broken_file("actions", day)
