"""The action log: ids unique and of their meeting, owners real, histories in order and agreeing."""

from __future__ import annotations

from cspkit import views
from cspkit.checks.context import CheckContext, check
from cspkit.errors import ProblemCode, Severity
from cspkit.models.action import ActionStatus


@check
def check_action_ids(ctx: CheckContext) -> None:
    """Action ids and the body's action numbers are unique across every actions file."""
    files = sorted(ctx.repo.action_files.items())
    ctx.unique_across(((a.id, ctx.repo.where(af)[0], ("actions", i, "id"))
                       for _, af in files for i, a in enumerate(af.actions)), "action id")
    numbers: dict[int, str] = {}
    for aid, a in sorted(ctx.repo.actions.items()):
        if a.number is not None:
            if a.number in numbers:
                ctx.problem(a, ("number",), f"action number {a.number} is also used by {numbers[a.number]}",
                            ProblemCode.duplicate)
            numbers.setdefault(a.number, aid)


@check(scoped=True)
def check_actions(ctx: CheckContext) -> None:
    """Each action: of its meeting and item, owners real, history in order and agreeing with it."""
    for day, af in sorted(ctx.repo.action_files.items()):
        if not ctx.in_scope(af):
            continue
        file = ctx.repo.where(af)[0]
        meeting = ctx.meeting_exists(af, ("meeting",), day, held=True)
        for i, a in enumerate(af.actions):
            base = ("actions", i)
            if a.meeting != day:
                ctx.at(file, (*base, "id"), f"action '{a.id}' is in the file of the {day} meeting: "
                                           f"its id must start with {day}/", ProblemCode.action_id)
            if meeting is not None and meeting.agenda and meeting.item(a.item) is None and not (
                    meeting.minutes and any(mi.item == a.item or str(mi.number) == a.item
                                           for mi in meeting.minutes.items)):
                ctx.at(file, (*base, "id"), f"the {day} meeting has no item {a.item}")
            for j, owner in enumerate(a.owners):
                ctx.person(a, ("owners", j), owner)
            for j, owner in enumerate(a.raised_owners):
                ctx.person(a, ("raised_owners", j), owner)
            ctx.person(a, ("deliverer",), a.deliverer)
            ctx.meeting_exists(a, ("due_meeting",), a.due_meeting, scheduled_ok=True)
            last_status = None
            last_owners = None
            prev = None
            for j, h in enumerate(a.history):
                if prev is not None and h.date < prev:
                    ctx.problem(a, ("history", j, "date"), f"{h.date} is before the entry above ({prev}): "
                                                         "keep history in date order", ProblemCode.order)
                prev = h.date
                if h.date < a.meeting:
                    ctx.problem(a, ("history", j, "date"), f"{h.date} is before the action was raised ({a.meeting})", ProblemCode.order)
                for k, p in enumerate(h.reassigned_to):
                    ctx.person(a, ("history", j, "reassigned_to", k), p)
                ctx.meeting_exists(a, ("history", j, "meeting"), h.meeting)
                if h.status is not None:
                    last_status = h.status
                if h.reassigned_to:
                    last_owners = h.reassigned_to
            if last_status is not None and last_status != a.status:
                ctx.problem(a, ("status",), f"status is {a.status.value} but the latest history entry set "
                                           f"{last_status.value}", ProblemCode.history)
            if last_owners is not None and sorted(last_owners) != sorted(a.owners):
                ctx.problem(a, ("owners",), f"owners are {', '.join(a.owners)} but the latest reassignment was "
                                           f"to {', '.join(last_owners)}", ProblemCode.history)
            if a.status != ActionStatus.open and a.closed_date() is None:
                ctx.problem(a, ("status",), f"a {a.status.value} action needs closed_on or a history entry "
                                            "that set the status", ProblemCode.history)
            if not (a.restricted or a.public) and views.decision_restricted(ctx.repo, a):
                # A warning: the restriction policy keeps it out of public outputs all the same; the
                # record should say so, or say that it is published on purpose.
                ctx.problem(a, ("id",), "raised from a decision under a restricted minute or agenda item, so kept "
                                        "out of public outputs: add restricted: true (or, to publish it on "
                                        "purpose, public: true and a public_reason)", ProblemCode.restricted,
                            Severity.warning)
            if a.decision is not None and meeting is not None and meeting.minutes is not None:
                minute = next((mi for mi in meeting.minutes.items if mi.item == a.item), None)
                if minute is not None and a.decision > len(minute.decisions):
                    ctx.problem(a, ("decision",), f"the minute of item {a.item} has "
                                                 f"{len(minute.decisions)} decision(s), not {a.decision}")


@check(scoped=True)
def check_decisions_agree_with_their_actions(ctx: CheckContext) -> None:
    """A decision reworded, or given other owners, after its action was raised leaves the action
    log saying something the minutes no longer do. Compared with what was *raised* (the action's
    ``raised_text`` and ``raised_owners`` where it has since been reworded or reassigned), so
    progress recorded on the action never counts as drift."""
    for m in ctx.repo.meeting_list():
        if m.minutes is None or not ctx.in_scope(m):
            continue
        for i, minute in enumerate(m.minutes.items):
            for d, (part, k) in zip(minute.decisions, minute.decision_places(), strict=True):
                a = ctx.repo.actions.get(d.action) if d.action else None
                if a is None:
                    continue
                loc = ("minutes", "items", i, "body", part, "decisions", k)
                if not views.same_wording(d.text, a.raised_text or a.text):
                    ctx.problem(m, (*loc, "text"), f"this decision's text is not what action {a.id} was raised "
                                f"with: change the action too (cspkit actions update {a.id} --text …) or put "
                                "the decision back", ProblemCode.drift, Severity.warning)
                raised = a.raised_owners or a.owners
                known = all(p in ctx.repo.people for p in (*raised, *d.owners))  # else that is the problem
                if d.owners and known and sorted(d.owners) != sorted(raised):
                    ctx.problem(m, (*loc, "owners"), f"this decision's owners ({', '.join(d.owners)}) are not those "
                                f"action {a.id} was raised for ({', '.join(raised)}): reassign the action (cspkit "
                                f"actions update {a.id} --reassign …) or put the decision back",
                                ProblemCode.drift, Severity.warning)
