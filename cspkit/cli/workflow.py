"""The meeting cycle: new-meeting, minutes, actions, update, psa, programme.

Each command parses its arguments, calls one function of :mod:`cspkit.workflows` and prints
what it did and what to do next. Library modules are imported inside the commands so that
``cspkit --help`` and the other commands start fast.

Exit codes: 0 done; 1 for any bad input the user can fix — an unknown person, organisation,
meeting, action or recommendation (refused with suggestions), an action already closed, a
date not in the form YYYY-MM-DD, a change that would leave the records invalid (the problems
are listed, nothing is written); 2 for a wrongly called command (unknown option, missing
argument).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from cspkit.cli.app import app

if TYPE_CHECKING:
    from cspkit.workflows.actions import ActionSummary
    from cspkit.workflows.minutes_docs import ImportResult

from cspkit.cli.common import AUDIENCE, DRY_RUN, LIST_FORMAT, Audience, ListFormat, print_table, say, session, wrote

minutes_app = typer.Typer(help="Minutes: a Word or Markdown draft to write them in, import, export; start the "
                          "skeleton from the agenda, circulate, approve.",
                          no_args_is_help=True)
actions_app = typer.Typer(help="The action log: raise actions from decisions, add, list, update, close.",
                          no_args_is_help=True)
update_app = typer.Typer(help="Partner update reports: the Word form, importing it when it comes back, chasing "
                         "who still owes one.", no_args_is_help=True)
psa_app = typer.Typer(help="PSA recommendations: list, record progress, remove by decision.", no_args_is_help=True)
programme_app = typer.Typer(help="The forward programme: what is due, and rolling it on after a meeting.",
                            no_args_is_help=True)

app.add_typer(minutes_app, name="minutes")
app.add_typer(actions_app, name="actions")
app.add_typer(update_app, name="update")
app.add_typer(psa_app, name="psa")
app.add_typer(programme_app, name="programme")

def _leads(leads: list[str], names: dict[str, str]) -> str:
    return "/".join(names.get(x, x) for x in leads)


# --------------------------------------------------------------------------- new-meeting


@app.command("new-meeting")
def new_meeting(
    ctx: typer.Context,
    date: Optional[str] = typer.Option(None, "--date", help="Meeting date, YYYY-MM-DD (default: the next date "
                                       "in the schedule after the latest meeting)."),
    venue: Optional[str] = typer.Option(None, "--venue", help="Where it is held, when not the usual venue "
                                        "(\"tbc\" or \"to be confirmed\" when not yet known)."),
    force: bool = typer.Option(False, "--force", help="Replace the meeting file if it exists."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Set up the next meeting: standing agenda, due forward programme items, partner updates."""
    from cspkit.workflows.meeting import new_meeting as run

    with session(ctx, write=True) as s:
        r = run(s, date, force=force, venue=venue, dry_run=dry_run)
        wrote(s.root, r)
        names = s.names()
        say(f"Meeting {r.date}: scheduled, {len(r.agenda)} agenda items" +
                   (f", venue {r.venue}" if r.venue else ""))
        taken = {it.id for it in r.programme_items}
        for item in r.agenda:
            lead = f" ({_leads(item.leads, names)})" if item.leads else ""
            mark = "  [forward programme]" if item.programme_item in taken else ""
            say(f"  {item.number:>2}  {item.title}{lead}{mark}")
            for sub in item.sub_items:
                sl = f" ({_leads(sub.leads, names)})" if sub.leads else ""
                say(f"        - {sub.title}{sl}")
        if r.programme_items:
            say("From the forward programme: " + ", ".join(it.item for it in r.programme_items))
        if r.open_actions:
            say(f"Actions the pack's action log will show ({len(r.open_actions)}):")
            for a in r.open_actions:
                say(f"  {a.id}  {a.status_on(r.date).value:<8} {_leads(a.owners_on(r.date), names)}: {a.text}")
        else:
            say("No open actions for the pack's action log.")
        nxt = [f"cspkit update chase {r.date}"] if r.partners else []
        say("Next: " + "; ".join([*nxt, f"cspkit render pack {r.date}"]))


# --------------------------------------------------------------------------- minutes


@minutes_app.command("start")
def minutes_start(
    ctx: typer.Context,
    meeting: str = typer.Argument(..., help="The meeting, by date (YYYY-MM-DD)."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Turn the agenda into a minutes skeleton (attendance, one minute per item); mark the meeting held."""
    from cspkit.workflows.meeting import start_minutes

    with session(ctx, write=True) as s:
        r = start_minutes(s, meeting, dry_run=dry_run)
        wrote(s.root, r)
        numbers = f", numbered from {r.first_number}" if r.first_number else ""
        say(f"Minutes of {r.date}: draft, {r.items} items{numbers}; meeting marked held.")
        if r.attendance_missing:
            say(f"Attendance: nobody is recorded as present yet (cspkit attendance {r.date} --present NAME "
                       "… --apologies NAME …).")
        else:
            say(f"Attendance: {len(r.present)} present, as recorded.")
        say(f"Next: write the minutes in {r.path.name}, then cspkit actions raise {r.date}")


@minutes_app.command("circulate")
def minutes_circulate(
    ctx: typer.Context,
    meeting: str = typer.Argument(..., help="The meeting, by date (YYYY-MM-DD)."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Mark draft minutes as circulated."""
    from cspkit.workflows.meeting import circulate_minutes

    with session(ctx, write=True) as s:
        r = circulate_minutes(s, meeting, dry_run=dry_run)
        wrote(s.root, r)
        say(f"Minutes of {r.date}: circulated.")


@minutes_app.command("approve")
def minutes_approve(
    ctx: typer.Context,
    meeting: str = typer.Argument(..., help="The meeting whose minutes were approved (YYYY-MM-DD)."),
    at: Optional[str] = typer.Option(None, "--at", help="The later meeting that approved them (default: the "
                                     "next meeting on file)."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Record that a meeting's minutes were approved at a later meeting."""
    from cspkit.workflows.meeting import approve_minutes

    with session(ctx, write=True) as s:
        r = approve_minutes(s, meeting, at, dry_run=dry_run)
        wrote(s.root, r)
        noted = f"; the minutes of {r.approved_at} say so" if r.noted_in else ""
        say(f"Minutes of {r.date}: approved at {r.approved_at}{noted}.")


@minutes_app.command("external")
def minutes_external(
    ctx: typer.Context,
    meeting: str = typer.Argument(..., help="The (held) meeting whose minutes are kept elsewhere (YYYY-MM-DD)."),
    reference: str = typer.Option(..., "--reference", help="Where they are: a document, a web page."),
    approved_at: Optional[str] = typer.Option(None, "--approved-at", help="The later meeting that approved them, "
                                              "if it has."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Record that a meeting's minutes are kept elsewhere (no attendance or items made up for it)."""
    from cspkit.workflows.meeting import minutes_kept_elsewhere

    with session(ctx, write=True) as s:
        r = minutes_kept_elsewhere(s, meeting, reference, approved_at=approved_at, dry_run=dry_run)
        wrote(s.root, r)
        approved = f", approved at {r.approved_at}" if r.approved_at else ""
        say(f"Minutes of {r.date}: kept elsewhere ({r.external}){approved}; meeting marked held.")


# --------------------------------------------------------------------------- actions


def _print_actions(summaries: list[ActionSummary]) -> None:
    for a in summaries:
        say(f"  {a.id}  {a.status:<8} {'/'.join(a.owners)}: {a.text}")


@actions_app.command("raise")
def actions_raise(
    ctx: typer.Context,
    meeting: str = typer.Argument(..., help="The (held) meeting whose decisions to turn into actions."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Create an action for each decision with owners that has none yet."""
    from cspkit.workflows.actions import raise_actions

    with session(ctx, write=True) as s:
        r = raise_actions(s, meeting, dry_run=dry_run)
        if not r.actions:
            say("No decisions with owners are waiting for an action.")
            return
        wrote(s.root, r)
        say(f"Raised {len(r.actions)} action(s):")
        _print_actions(r.actions)


@actions_app.command("add")
def actions_add(
    ctx: typer.Context,
    meeting: str = typer.Option(..., "--meeting", help="Meeting the action was raised at (YYYY-MM-DD)."),
    item: str = typer.Option(..., "--item", help="Agenda item number it was raised under."),
    owner: list[str] = typer.Option(..., "--owner", help="Owner: a name, alias or id (repeat for joint owners)."),
    text: str = typer.Option(..., "--text", help="What is to be done."),
    deliverer: Optional[str] = typer.Option(None, "--deliverer",
                                            help="Someone other than the owners who will do or report it."),
    due: Optional[str] = typer.Option(None, "--due", help="Target date, YYYY-MM-DD."),
    due_meeting: Optional[str] = typer.Option(None, "--due-meeting", help="Meeting to report back to, YYYY-MM-DD."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Add an action by hand."""
    from cspkit.workflows.actions import add_action

    with session(ctx, write=True) as s:
        r = add_action(s, meeting, item, owner, text, due=due, due_meeting=due_meeting, deliverer=deliverer,
                       dry_run=dry_run)
        wrote(s.root, r)
        _print_actions(r.actions)


@actions_app.command("list")
def actions_list(
    ctx: typer.Context,
    open_only: bool = typer.Option(False, "--open", help="Only actions open on the --as-of date."),
    owner: Optional[str] = typer.Option(None, "--owner", help="Only actions this person owns (name, alias or id)."),
    overdue: bool = typer.Option(False, "--overdue", help="Only open actions past their target date or meeting."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Status as of this date (default: today)."),
    meeting: Optional[str] = typer.Option(None, "--meeting", help="Only actions raised at this meeting."),
    audience: Audience = AUDIENCE,
    fmt: ListFormat = LIST_FORMAT,
) -> None:
    """List actions, with their status and owners as of a date."""
    from cspkit.workflows.actions import list_actions

    with session(ctx) as s:
        table = list_actions(s, open_only=open_only, owner=owner, overdue=overdue, as_of=as_of, meeting=meeting,
                             audience=audience.value)
    print_table(table, fmt.value)


@actions_app.command("update")
def actions_update(
    ctx: typer.Context,
    action_id: str = typer.Argument(..., metavar="ID", help="Action id, e.g. 2023-07-13/11.1."),
    status: Optional[str] = typer.Option(None, "--status", help="open, complete or closed."),
    note: Optional[str] = typer.Option(None, "--note", help="The update, as it should appear in the log."),
    reassign: Optional[list[str]] = typer.Option(None, "--reassign", help="New owner (repeat for joint owners)."),
    text: Optional[str] = typer.Option(None, "--text", help="New wording for the action (what it was raised "
                                       "with is kept)."),
    due: Optional[str] = typer.Option(None, "--due", metavar="MEETING|DATE",
                                      help="New target: a meeting's date (on file or scheduled), any other date, "
                                           "or next (the next meeting)."),
    date: Optional[str] = typer.Option(None, "--date", help="Date of the update (default: today)."),
    meeting: Optional[str] = typer.Option(None, "--meeting", help="Meeting at which the update was given."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Change an action: a dated history entry (note, status, reassignment), its wording or its target."""
    from cspkit.workflows.actions import update_action

    with session(ctx, write=True) as s:
        r = update_action(s, action_id, status=status, note=note, reassign=reassign, text=text, due=due, date=date,
                          meeting=meeting, dry_run=dry_run)
        wrote(s.root, r)
        a = r.actions[0]
        parts = [f"status {a.new_status}" if a.new_status else "",
                 f"reassigned to {'/'.join(a.reassigned_to)}" if a.reassigned_to else "",
                 "note added" if a.note else "", "reworded" if a.new_text else "",
                 f"due {a.new_due}" if a.new_due else ""]
        when = f" ({a.date})" if a.date else ""
        say(f"Action {a.id}{when}: " + ", ".join(p for p in parts if p) + ".")


@actions_app.command("close")
def actions_close(
    ctx: typer.Context,
    action_ids: list[str] = typer.Argument(..., metavar="ID...", help="Action ids, e.g. 2023-07-13/11.1 (several "
                                           "are closed together, with the same note)."),
    note: Optional[str] = typer.Option(None, "--note", help="Closing comment."),
    date: Optional[str] = typer.Option(None, "--date", help="Date closed (default: today)."),
    dropped: bool = typer.Option(False, "--dropped", help="Closed without (further) action, not completed."),
    meeting: Optional[str] = typer.Option(None, "--meeting", help="Meeting at which it was closed."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Mark actions complete (or closed, with --dropped)."""
    from cspkit.workflows.actions import close_actions

    with session(ctx, write=True) as s:
        r = close_actions(s, action_ids, note=note, date=date, dropped=dropped, meeting=meeting, dry_run=dry_run)
        wrote(s.root, r)
        for a in r.actions:
            say(f"Action {a.id}: {a.new_status} on {a.date}.")


@actions_app.command("reopen")
def actions_reopen(
    ctx: typer.Context,
    action_id: str = typer.Argument(..., metavar="ID", help="Action id, e.g. 2023-07-13/11.1."),
    note: str = typer.Option(..., "--note", help="Why it is open again, as it should appear in the log."),
    date: Optional[str] = typer.Option(None, "--date", help="Date reopened (default: today)."),
    meeting: Optional[str] = typer.Option(None, "--meeting", help="Meeting at which it was reopened."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Open again an action marked complete or closed (a dated history entry says why)."""
    from cspkit.workflows.actions import reopen_action

    with session(ctx, write=True) as s:
        r = reopen_action(s, action_id, note=note, date=date, meeting=meeting, dry_run=dry_run)
        wrote(s.root, r)
        a = r.actions[0]
        say(f"Action {a.id}: open again on {a.date}.")


# --------------------------------------------------------------------------- partner updates


@update_app.command("new")
def update_new(
    ctx: typer.Context,
    meeting: str = typer.Argument(..., help="The meeting, by date (YYYY-MM-DD)."),
    partner: str = typer.Argument(..., help="The organisation: id, name, short name or alias."),
    force: bool = typer.Option(False, "--force", help="Replace the form if it exists."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Write a partner update form to fill in (every section, the current plan's priorities)."""
    from cspkit.workflows.updates import new_update

    with session(ctx, write=True) as s:
        r = new_update(s, meeting, partner, force=force, dry_run=dry_run)
        wrote(s.root, r)
        plan = f" with priorities {', '.join(map(str, r.priorities))} of plan {r.plan}" if r.plan else ""
        say(f"Partner update form for {r.organisation} at {r.meeting}{plan}. Fill it in; empty sections print as n/a.")


@update_app.command("form")
def update_form(
    ctx: typer.Context,
    meeting: str = typer.Argument(..., help="The meeting, by date (YYYY-MM-DD)."),
    partner: Optional[str] = typer.Argument(None, help="The organisation: id, name, short name or alias "
                                            "(or --all)."),
    all_partners: bool = typer.Option(False, "--all", help="One form for every partner expected to send an "
                                      "update (partner_updates in cspkit.yaml)."),
    fmt: str = typer.Option("docx", "--format", help="docx (a Word form; cspkit update new writes it as YAML)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="The file (one partner) or folder (--all); "
                                          "default build/MEETING-update-form-ORG.docx."),
    deadline: Optional[str] = typer.Option(None, "--deadline", help="Return by this date, YYYY-MM-DD (default: "
                                           "update_form.return_days before the meeting)."),
    force: bool = typer.Option(False, "--force", help="Replace a form file that exists."),
) -> None:
    """Write the partner update form as a Word document, laid out as the partnership's own form."""
    from cspkit.workflows.updates import update_form as run

    with session(ctx) as s:
        written = run(s, meeting, partner, all_partners=all_partners, fmt=fmt, output=output, deadline=deadline,
                      force=force)
        for w in written:
            say(f"wrote {w.path}")
            if w.prefilled:
                say(f"  pre-filled from last quarter: {', '.join(w.prefilled)}")
        if written:
            say(f"Return by {written[0].return_by}. Send it with: cspkit update chase {written[0].meeting} "
                       f"--email DIR; import the reply with: cspkit update import FILE.docx")


@update_app.command("import")
def update_import(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="The returned form (.docx).", dir_okay=True),
    meeting: Optional[str] = typer.Option(None, "--meeting", help="The meeting, YYYY-MM-DD (default: as the "
                                          "form's Meeting row says)."),
    partner: Optional[str] = typer.Option(None, "--org", help="The organisation (default: as the form's "
                                          "Organisation row says)."),
    replace: bool = typer.Option(False, "--replace", help="Replace an update already received."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Read a returned partner update form into records/updates/MEETING/ORG.yaml."""
    from cspkit.cli.reporters import terminal_safe as safe
    from cspkit.workflows.updates import import_update

    with session(ctx, write=True) as s:
        r = import_update(s, file, meeting=meeting, partner=partner, replace=replace, dry_run=dry_run)
        wrote(s.root, r)
        verb = "would import" if r.dry_run else "imported"
        say(f"{safe(r.source)}: {verb} as the update from {r.organisation} for {r.meeting}"
                   f"{' (replacing the one received before)' if r.replaced else ''}.")
        say(f"  answered: {', '.join(r.answered) or 'nothing'}")
        if r.empty:
            say(f"  left empty (n/a): {', '.join(r.empty)}")
        if r.restricted:
            say("  the whole update is marked not for publication")
        if r.restricted_sections:
            say(f"  not for publication: {', '.join(r.restricted_sections)}")
        # What the document says is shown terminal-safe: a form can hold any characters.
        for line in r.warnings:
            say(f"warning: {safe(line)}", err=True)
        for label in r.unchanged:
            say(f"warning: {label}: unchanged from last quarter's answer, as pre-filled; check it still "
                       f"holds", err=True)
        for line in r.unplaced:
            say(f"warning: {safe(line)}", err=True)
        for line in r.notes:
            say(f"note: {safe(line)}", err=True)


@update_app.command("chase")
def update_chase(
    ctx: typer.Context,
    meeting: str = typer.Argument(..., help="The meeting, by date (YYYY-MM-DD)."),
    email: Optional[Path] = typer.Option(None, "--email", help="Write an email draft (.eml, the form attached) "
                                         "for each partner still to send, into this folder; and record that "
                                         "the form was requested.", file_okay=False),
    deadline: Optional[str] = typer.Option(None, "--deadline", help="With --email: return by this date, "
                                           "YYYY-MM-DD (default: update_form.return_days before the meeting)."),
    force: bool = typer.Option(False, "--force", help="With --email: replace drafts that exist."),
    dry_run: bool = DRY_RUN,
    fmt: ListFormat = LIST_FORMAT,
) -> None:
    """Where each partner's update stands; with --email, a draft to each partner still to send, their form attached."""
    if email is None:
        from cspkit.workflows.updates import chase

        with session(ctx) as s:
            table = chase(s, meeting)
        print_table(table, fmt.value)
        if fmt == ListFormat.table and table.meta.get("to_come"):
            say(f"Send each the form: cspkit update chase {table.meta['meeting']} --email DIR")
        return
    from cspkit.workflows.updates import chase_drafts

    with session(ctx, write=True) as s:
        r = chase_drafts(s, meeting, email, deadline=deadline, force=force, dry_run=dry_run)
        if not r.drafts:
            say(f"Every expected partner update for {r.meeting} is in: no drafts to write.")
            return
        wrote(s.root, r)
        verb = "would write" if r.dry_run else "wrote"
        for d in r.drafts:
            to = f"to {d.to}" if d.to else "no address: To left empty"
            say(f"{verb} {d.path} ({'reminder, ' if d.reminder else ''}{to})")
        for line in r.warnings:
            say(f"warning: {line}", err=True)
        say("Open each draft in your mail program, check it, and send it.")


@app.command("circulate")
def circulate(
    ctx: typer.Context,
    meeting: str = typer.Argument(..., help="The meeting, by date (YYYY-MM-DD)."),
    email: Path = typer.Option(..., "--email", help="Write the email draft (.eml) and the pack's PDF into this "
                               "folder.", file_okay=False),
    pdf: Optional[Path] = typer.Option(None, "--pdf", help="Attach this PDF of the pack instead of making it."),
    force: bool = typer.Option(False, "--force", help="Replace a draft (or PDF) that exists."),
) -> None:
    """Circulate the pack: one email draft to the members and named partners, the PDF attached
    (or linked, when larger than email.attach_limit_mb)."""
    from cspkit.workflows.circulate import circulate as run

    with session(ctx) as s:
        r = run(s, meeting, email, pdf=pdf, force=force)
    how = f"the pack attached ({r.pdf.name})" if r.attached else f"a link to the pack ({r.link})"
    say(f"wrote {r.path}: to {len(r.to)} member(s), copied to {len(r.cc)} partner(s), {how}")
    for line in r.warnings:
        say(f"warning: {line}", err=True)
    say("Open the draft in your mail program, check it, and send it.")


# --------------------------------------------------------------------------- PSA


@psa_app.command("list")
def psa_list(
    ctx: typer.Context,
    year: Optional[str] = typer.Argument(None, help="PSA year (default: the latest on file)."),
    fmt: ListFormat = LIST_FORMAT,
) -> None:
    """The recommendations of a PSA and where each stands."""
    from cspkit.workflows.psa import list_recommendations

    with session(ctx) as s:
        table = list_recommendations(s, year)
    print_table(table, fmt.value)


@psa_app.command("new")
def psa_new(
    ctx: typer.Context,
    year: str = typer.Argument(..., help="The PSA's year (e.g. 2024)."),
    from_file: Optional[Path] = typer.Option(None, "--from-file", help="The recommendations as the assessment lists "
                                             "them: Markdown (a numbered list; a # heading is the title) or YAML.",
                                             dir_okay=False),
    title: Optional[str] = typer.Option(None, "--title", help="Default: \"YEAR PSA Recommendations\"."),
    assessment: Optional[str] = typer.Option(None, "--assessment", help="The assessment they come from "
                                             "(\"2023/24 Partnership Strategic Assessment\")."),
    force: bool = typer.Option(False, "--force", help="Replace the year's file if it exists."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Start a new year's PSA recommendations (records/psa/YEAR.yaml), from a file or empty."""
    from cspkit.workflows.psa import new_psa

    with session(ctx, write=True) as s:
        r = new_psa(s, year, from_file=from_file, title=title, assessment=assessment, force=force, dry_run=dry_run)
        wrote(s.root, r)
        listed = f"recommendations {r.numbers[0]} to {r.numbers[-1]}" if len(r.numbers) > 1 else \
            f"recommendation {r.numbers[0]}" if r.numbers else "no recommendations yet (cspkit psa add)"
        say(f"{r.title}: {listed}.")


@psa_app.command("add")
def psa_add(
    ctx: typer.Context,
    year: str = typer.Argument(..., help="The PSA's year."),
    text: str = typer.Argument(..., help="The recommendation."),
    owner: Optional[list[str]] = typer.Option(None, "--owner", help="Who owns it (repeat for several)."),
    status: Optional[str] = typer.Option(None, "--status", help="proposed, agreed, in-progress or complete."),
    number: Optional[int] = typer.Option(None, "--number", help="Its number (default: after the last)."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Add a recommendation to a year's PSA."""
    from cspkit.workflows.psa import add_recommendation

    with session(ctx, write=True) as s:
        r = add_recommendation(s, year, text, owners=owner or [], status=status, number=number, dry_run=dry_run)
        wrote(s.root, r)
        say(f"{r.year} PSA recommendation {r.number} added.")


@psa_app.command("update")
def psa_update(
    ctx: typer.Context,
    first: str = typer.Argument(..., metavar="[YEAR] WHICH", help="Which recommendations: N, N,M…, N-M or all; "
                                "with the PSA's year before it (or --year; default: the latest on file)."),
    second: Optional[str] = typer.Argument(None, hidden=True),
    note: str = typer.Option(..., "--note", help="The update."),
    status: Optional[str] = typer.Option(None, "--status", help="proposed, agreed, in-progress or complete."),
    year: Optional[str] = typer.Option(None, "--year", help="PSA year (default: the latest on file)."),
    date: Optional[str] = typer.Option(None, "--date", help="Date of the update (default: today)."),
    meeting: Optional[str] = typer.Option(None, "--meeting", help="Meeting at which it was given or agreed."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Record progress on PSA recommendations: one, several (1,2,5) or all."""
    from cspkit.errors import UsageError
    from cspkit.workflows.psa import update_recommendations

    which = first
    if second is not None:
        if year is not None:
            raise UsageError(f"give the year once: {first} or --year {year}")
        year, which = first, second
    with session(ctx, write=True) as s:
        r = update_recommendations(s, which, note, status=status, year=year, date=date, meeting=meeting,
                                   dry_run=dry_run)
        wrote(s.root, r)
        numbers = ", ".join(map(str, r.numbers))
        say(f"{r.year} PSA recommendation{'s' if len(r.numbers) > 1 else ''} {numbers}: update added"
                   f"{f', status {r.status}' if r.status else ''}.")


@psa_app.command("remove")
def psa_remove(
    ctx: typer.Context,
    number: int = typer.Argument(..., metavar="N", help="Recommendation number."),
    by: str = typer.Option(..., "--by", help="The meeting whose decision removed it (YYYY-MM-DD)."),
    item: Optional[str] = typer.Option(None, "--item", help="The agenda item of that decision."),
    reason: Optional[str] = typer.Option(None, "--reason", help="Why it was removed."),
    year: Optional[str] = typer.Option(None, "--year", help="PSA year (default: the latest on file)."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Record that a recommendation was removed by a meeting's decision."""
    from cspkit.workflows.psa import remove_recommendation

    with session(ctx, write=True) as s:
        r = remove_recommendation(s, number, by=by, item=item, reason=reason, year=year, dry_run=dry_run)
        wrote(s.root, r)
        say(f"{r.year} PSA recommendation {r.number}: removed.")


# --------------------------------------------------------------------------- forward programme


@programme_app.command("list")
def programme_list(
    ctx: typer.Context,
    due_by: Optional[str] = typer.Option(None, "--due-by", help="Only rows due at a meeting on this date."),
    audience: Audience = AUDIENCE,
    fmt: ListFormat = LIST_FORMAT,
) -> None:
    """The forward programme (or what it says is due by a date)."""
    from cspkit.workflows.programme import list_programme

    with session(ctx) as s:
        table = list_programme(s, due_by, audience.value)
    print_table(table, fmt.value)


@programme_app.command("add")
def programme_add(
    ctx: typer.Context,
    item: str = typer.Argument(..., help="The item as the agenda will print it."),
    detail: Optional[str] = typer.Option(None, "--detail", help="What it is for (\"To update on …\")."),
    when: str = typer.Option("tbc", "--date", help="When: a meeting's date, a month (YYYY-MM), civic-year or tbc."),
    by: Optional[list[str]] = typer.Option(None, "--by", help="Who brings it (repeat for several)."),
    recurring: bool = typer.Option(False, "--recurring", help="A standing item, at every meeting."),
    recurs: Optional[str] = typer.Option(None, "--recurs", help="standing, annual or six-monthly."),
    note: Optional[str] = typer.Option(None, "--note", help="A line printed under the item."),
    row_id: Optional[str] = typer.Option(None, "--id", help="The row's id (default: made from the item)."),
    restricted: bool = typer.Option(False, "--restricted", help="Partners only: left out of public packs."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Add a row to the forward programme."""
    from cspkit.errors import UsageError
    from cspkit.workflows.programme import add_programme_item

    if recurring and recurs and recurs.strip().lower() != "standing":
        raise UsageError(f"--recurring is --recurs standing: give one of them, not --recurs {recurs} as well")
    with session(ctx, write=True) as s:
        r = add_programme_item(s, item, when=when, detail=detail, by=by or [], recurs="standing" if recurring else
                               recurs, note=note, row_id=row_id, restricted=restricted, dry_run=dry_run)
        wrote(s.root, r)
        say(f"Forward programme: '{r.id}' ({r.item}) due {r.when}.")


@programme_app.command("defer")
def programme_defer(
    ctx: typer.Context,
    row_id: str = typer.Argument(..., metavar="ID", help="The row's id (cspkit programme list shows them)."),
    to: str = typer.Option(..., "--to", help="A meeting's date, a month (YYYY-MM), next or tbc."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Move a forward programme row to a later meeting."""
    from cspkit.workflows.programme import defer_programme_item

    with session(ctx, write=True) as s:
        r = defer_programme_item(s, row_id, to, dry_run=dry_run)
        wrote(s.root, r)
        say(f"Forward programme: '{r.id}' ({r.item}) moved from {r.previous} to {r.when}.")


@programme_app.command("roll")
def programme_roll(
    ctx: typer.Context,
    meeting: str = typer.Argument(..., help="The (held) meeting whose items to roll on (YYYY-MM-DD)."),
    defer: Optional[list[str]] = typer.Option(None, "--defer", metavar="ID", help="A row due but not taken: due "
                                              "again at the next meeting."),
    drop: Optional[list[str]] = typer.Option(None, "--drop", metavar="ID", help="A row due but not taken: dropped."),
    dry_run: bool = DRY_RUN,
) -> None:
    """After a meeting: rows it took are marked done, recurring ones move to their next date.

    Rows that were due but not on its agenda are listed, and each must be given to --defer or
    --drop (on a terminal, cspkit asks); otherwise nothing is written and the exit code is 1.
    """
    import sys

    from cspkit.workflows.programme import NotTaken, roll_programme

    defer, drop = list(defer or []), list(drop or [])
    with session(ctx, write=True) as s:
        try:
            r = roll_programme(s, meeting, defer=defer, drop=drop, dry_run=dry_run)
        except NotTaken as missed:
            say(f"Due at {missed.meeting} but not on its agenda:")
            for it in missed.rows:
                say(f"  {it.id}: {it.item} (due {it.when.value if hasattr(it.when, 'value') else it.when})"
                           f" -- --defer {it.id} or --drop {it.id}")
            if not (sys.stdin.isatty() and sys.stdout.isatty()):
                raise
            for it in missed.rows:
                answer = ""
                while answer not in ("defer", "drop"):
                    answer = typer.prompt(f"{it.id}: defer (to the next meeting) or drop?", default="defer")
                    answer = answer.strip().lower()
                (defer if answer == "defer" else drop).append(it.id)
            r = roll_programme(s, meeting, defer=defer, drop=drop, dry_run=dry_run)
        if not r.rolled:
            say(f"The meeting on {r.meeting} took no forward programme items (agenda programme_item:).")
            return
        wrote(s.root, r)
        for x in r.rolled:
            say(f"  {x.id}: {x.change}")


# --------------------------------------------------------------------------- minutes as documents (draft, import, export)


class DocumentFormat(str, Enum):
    docx = "docx"
    md = "md"


DOCUMENT_FORMAT = typer.Option(DocumentFormat.docx, "--format", "-f", help="docx (Word) or md (Markdown).")
DOCUMENT_OUTPUT = typer.Option(None, "--output", "-o", dir_okay=False,
                               help="The file to write (default: build/<date>-minutes[-draft].docx or .md).")
DOCUMENT_FORCE = typer.Option(False, "--force", help="Replace the file if it exists.")


@minutes_app.command("draft")
def minutes_draft(
    ctx: typer.Context,
    meeting: str = typer.Argument(..., help="The meeting, by date (YYYY-MM-DD)."),
    fmt: DocumentFormat = DOCUMENT_FORMAT,
    output: Optional[Path] = DOCUMENT_OUTPUT,
    force: bool = DOCUMENT_FORCE,
) -> None:
    """A Word or Markdown document to write the minutes in, laid out as the body's minutes are.

    Title, attendance recorded so far, one numbered heading per agenda item (minute numbers
    carrying on where the body numbers minutes continuously) with its lead and purpose as
    grey guidance, and how to write points and decisions. Import it when written.
    """
    from cspkit.workflows.minutes_docs import draft_minutes

    with session(ctx) as s:
        r = draft_minutes(s, meeting, fmt.value, output, force)
    say(str(r.path))
    if r.existing:
        say(f"note: the meeting on {r.date} has minutes already; cspkit minutes export {r.date} writes them",
                   err=True)
    say(f"Next: write the minutes in it, then cspkit minutes import {r.date} {r.path}")


@minutes_app.command("export")
def minutes_export(
    ctx: typer.Context,
    meeting: str = typer.Argument(..., help="The meeting, by date (YYYY-MM-DD)."),
    fmt: DocumentFormat = DOCUMENT_FORMAT,
    output: Optional[Path] = DOCUMENT_OUTPUT,
    force: bool = DOCUMENT_FORCE,
) -> None:
    """The recorded minutes as a Word or Markdown document, to correct and import again."""
    from cspkit.workflows.minutes_docs import export_minutes

    with session(ctx) as s:
        r = export_minutes(s, meeting, fmt.value, output, force)
    say(str(r.path))


@minutes_app.command("import")
def minutes_import(
    ctx: typer.Context,
    meeting: str = typer.Argument(..., help="The meeting, by date (YYYY-MM-DD)."),
    file: Path = typer.Argument(..., help="The minutes as written: a .docx or .md file.", dir_okay=False),
    owner: list[str] = typer.Option([], "--owner", metavar="ITEM.N=NAME",
                                    help="Who the N-th decision of item ITEM gives its task to, where the "
                                    "document does not say or says wrongly (NAME may be none). Repeat as needed."),
    replace_attendance: bool = typer.Option(False, "--replace-attendance",
                                            help="Take the document's attendance instead of the one recorded."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Read a Word or Markdown document into the meeting's minutes.

    Items are matched to the agenda; points, sub-headings, bullet lists and decisions
    ("AGREED that …", "RESOLVED: (a) That …; (b) …", "NOTED …") come in as written. Whoever a
    decision names as its subject, or after it as "(Action: Name)", is proposed as its owner:
    check the summary, and correct it with --owner. Decisions keep the actions already raised
    from them. Approved minutes are never replaced.
    """
    from cspkit.workflows.minutes_docs import import_minutes

    with session(ctx, write=True) as s:
        r = import_minutes(s, meeting, file, owners=owner, replace_attendance=replace_attendance, dry_run=dry_run)
        wrote(s.root, r)
        _print_import(r)


def _print_import(r: ImportResult) -> None:
    points = sum(mi.parts.get("points", 0) for mi in r.minutes)
    decisions = sum(len(mi.decisions) for mi in r.minutes)
    say(f"Minutes of {r.date} from {r.file} ({r.state}): {len(r.minutes)} items, {points} points, "
               f"{decisions} decisions")
    for mi in r.minutes:
        counts = ", ".join(f"{n} {what if n != 1 else what.rstrip('s')}" for what, n in mi.parts.items()) or "no text"
        extra = []
        if mi.item is None:
            extra.append("raised in the room (not on the agenda)")
        elif mi.matched_by == "title" and mi.label != mi.item:
            extra.append(f"agenda item {mi.item}")
        elif mi.matched_by == "citation":
            extra.append(f"agenda item {mi.item}, as the minute cites it")
        if mi.outcome:
            extra.append(mi.outcome)
        if mi.restricted:
            extra.append("exempt")
        more = f" [{'; '.join(extra)}]" if extra else ""
        say(f"  {mi.label or '-':>4}  {mi.title}: {counts}{more}")
        for d in mi.decisions:
            how = {"named": "named in the document", "subject": "PROPOSED: the subject of the decision",
                   "option": "given by --owner", "kept": "kept from the decision's action",
                   "none": "no action"}.get(d.owners_from, "")
            who = "/".join(d.owners) if d.owners else "no owner"
            action = f"; action {d.action}" if d.action else ""
            say(f"        {d.key}  {who}{f' ({how})' if d.owners or d.owners_from == 'none' else ''}{action}")
    if any(d.owners_from == "subject" for mi in r.minutes for d in mi.decisions):
        say("Check the proposed owners; correct one with --owner ITEM.N=NAME (or =none) and import again.")
    if r.attendance == "taken":
        say("Attendance: taken from the document.")
    elif r.attendance == "kept":
        same = "the same" if not r.attendance_differences else "different"
        say(f"Attendance: kept as recorded (the document's is {same}; --replace-attendance takes it).")
        for line in r.attendance_differences:
            say(f"  {line}")
    for line in r.lost_decisions:
        say(f"warning: {line}", err=True)
    for line in r.notes:
        say(f"note: {line}", err=True)
    say(f"Next: cspkit actions raise {r.date}")
