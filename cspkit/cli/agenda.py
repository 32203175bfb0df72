"""agenda (add, remove, move, retitle, attach, list) and attendance: a meeting as it really was."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import typer

from cspkit.cli.app import app
from cspkit.cli.common import AUDIENCE, DRY_RUN, LIST_FORMAT, Audience, ListFormat, print_table, say, session, wrote

if TYPE_CHECKING:
    from cspkit.workflows.agenda import AgendaResult
    from cspkit.workflows.papers import AttachResult

agenda_app = typer.Typer(help="A meeting's agenda: add, remove, move and retitle items (numbers follow until "
                              "the meeting has minutes or actions); attach papers.", no_args_is_help=True)
app.add_typer(agenda_app, name="agenda")

MEETING = typer.Argument(..., help="The meeting, by date (YYYY-MM-DD).")
NUMBER = typer.Argument(..., metavar="N", help="The item's number on the agenda.")


def _show(r: AgendaResult) -> None:
    say(f"Agenda of {r.date}: {r.change}" + (" (items renumbered)" if r.renumbered else "") + ".")
    for number, title in r.agenda:
        say(f"  {number:>3}  {title}")


@agenda_app.command("list")
def agenda_list(ctx: typer.Context, meeting: str = MEETING, audience: Audience = AUDIENCE,
                fmt: ListFormat = LIST_FORMAT) -> None:
    """A meeting's agenda: numbers, titles, leads, papers."""
    from cspkit.workflows.agenda import list_agenda

    with session(ctx) as s:
        table = list_agenda(s, meeting, audience.value)
    print_table(table, fmt.value)


@agenda_app.command("add")
def agenda_add(
    ctx: typer.Context,
    meeting: str = MEETING,
    title: str = typer.Argument(..., help="The item's title as the agenda prints it."),
    lead: Optional[list[str]] = typer.Option(None, "--lead", help="Who leads it: a name, alias or id, or chair / "
                                             "vice-chair / clerk (repeat for several)."),
    at: Optional[str] = typer.Option(None, "--at", help="The number it takes; later items move down one "
                                     "(default: before any other business)."),
    paper: Optional[list[str]] = typer.Option(None, "--paper", help="A paper: action-log, previous-minutes, "
                                              "performance, psa-tracker, partner-updates, forward-programme, or a "
                                              "PDF, Word or Markdown file under records/ (repeat for several; "
                                              "agenda attach copies one in)."),
    purpose: Optional[str] = typer.Option(None, "--purpose", help="The line under the title (\"To note …\")."),
    kind: Optional[str] = typer.Option(None, "--kind", help="procedural, standing, report (default), "
                                       "presentation or verbal."),
    programme: Optional[str] = typer.Option(None, "--programme", help="The forward programme row it takes (its id)."),
    restricted: bool = typer.Option(False, "--restricted", help="An exempt item, left out of public packs."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Add an item to a meeting's agenda."""
    from cspkit.workflows.agenda import add_item

    with session(ctx, write=True) as s:
        r = add_item(s, meeting, title, leads=lead or [], at=at, papers=paper or [], purpose=purpose, kind=kind,
                     restricted=restricted, programme_item=programme, dry_run=dry_run)
        wrote(s.root, r)
        _show(r)


@agenda_app.command("remove")
def agenda_remove(ctx: typer.Context, meeting: str = MEETING, number: str = NUMBER, dry_run: bool = DRY_RUN) -> None:
    """Take an item off a meeting's agenda; the items after it move up one."""
    from cspkit.workflows.agenda import remove_item

    with session(ctx, write=True) as s:
        r = remove_item(s, meeting, number, dry_run=dry_run)
        wrote(s.root, r)
        _show(r)


@agenda_app.command("move")
def agenda_move(
    ctx: typer.Context,
    meeting: str = MEETING,
    number: str = NUMBER,
    to: str = typer.Option(..., "--to", help="The number it takes."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Move an item to another place on the agenda; the items renumber."""
    from cspkit.workflows.agenda import move_item

    with session(ctx, write=True) as s:
        r = move_item(s, meeting, number, to, dry_run=dry_run)
        wrote(s.root, r)
        _show(r)


@agenda_app.command("retitle")
def agenda_retitle(
    ctx: typer.Context,
    meeting: str = MEETING,
    number: str = NUMBER,
    title: str = typer.Argument(..., help="The new title."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Give an agenda item a new title (its minute follows)."""
    from cspkit.workflows.agenda import retitle_item

    with session(ctx, write=True) as s:
        r = retitle_item(s, meeting, number, title, dry_run=dry_run)
        wrote(s.root, r)
        _show(r)


@agenda_app.command("attach")
def agenda_attach(
    ctx: typer.Context,
    meeting: str = MEETING,
    number: str = NUMBER,
    file: str = typer.Argument(..., metavar="FILE", help="The paper: a PDF, a Word document (.docx) or Markdown (.md)."),
    title: Optional[str] = typer.Option(None, "--title", help="Its title in the pack (default: the item's title, "
                                        "or a Word document's own title)."),
    sub_item: Optional[str] = typer.Option(None, "--sub-item", metavar="N", help="Under a sub-item of the item: its "
                                           "number, or its place (1, 2 …) when sub-items have no numbers."),
    restricted: bool = typer.Option(False, "--restricted", help="Partners only: left out of public packs."),
    force: bool = typer.Option(False, "--force", help="Replace a paper of the same name (a new version of it)."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Attach a paper a partner sent to an agenda item: copied to records/papers/MEETING/ and recorded.

    A PDF goes into the PDF pack page for page, stamped with the pack's running header and page
    numbers; a Word document is set in the pack's own styles. A PDF's JavaScript and other actions,
    embedded files and form fields are removed from the copy (form values kept as printed), and
    the command says so.
    """
    from cspkit.workflows.papers import attach_paper

    with session(ctx, write=True) as s:
        r = attach_paper(s, meeting, number, file, title=title, restricted=restricted, sub_item=sub_item,
                         force=force, dry_run=dry_run)
        wrote(s.root, r)
        _attached(r)


def _attached(r: AttachResult) -> None:
    pages = f", {r.pages} page{'s' if r.pages != 1 else ''}" if r.pages is not None else ""
    verb = "Would attach" if r.dry_run else "Replaced" if r.replaced else "Attached"
    say(f"{verb} {r.source} to item {r.item} ({r.item_title}) of {r.date}: {r.kind}{pages}, {r.size}.")
    if r.removed:
        say(f"Removed from the copy: {', '.join(r.removed)} (a pack never carries them; form fields are kept "
                   "as printed).")
    if r.copied:
        say(f"Images copied with it: {', '.join(r.copied)}")


PEOPLE = "a name, alias or id as typed; \"Name (Public Health)\" adds what the minutes print in brackets"


@app.command("attendance")
def attendance(
    ctx: typer.Context,
    meeting: str = MEETING,
    present: Optional[list[str]] = typer.Option(None, "--present", help=f"Present in the room: {PEOPLE}."),
    online: Optional[list[str]] = typer.Option(None, "--online", help="Present, joined online."),
    apologies: Optional[list[str]] = typer.Option(None, "--apologies", help="Sent apologies."),
    substitute: Optional[list[str]] = typer.Option(None, "--substitute", metavar="WHO=FOR",
                                                   help="Present in place of a member: \"Rik Basra=Anita Chavda\"."),
    officer: Optional[list[str]] = typer.Option(None, "--officer", help="An officer in attendance (not a member)."),
    absent: Optional[list[str]] = typer.Option(None, "--absent", help="Absent without apologies."),
    chair: Optional[str] = typer.Option(None, "--chair", help="Who chaired it (also the meeting's chair)."),
    vice_chair: Optional[str] = typer.Option(None, "--vice-chair", help="The vice-chair, present."),
    minutes_by: Optional[str] = typer.Option(None, "--minutes-by", help="Who took the minutes."),
    clear: bool = typer.Option(False, "--clear", help="Start from nothing instead of adding to what is recorded."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Record who attended a meeting: present, online, apologies, substitutes, chair, minutes.

    Each option can be given several times. Someone named again moves to their new group.
    """
    from cspkit.workflows.attendance import record_attendance

    with session(ctx, write=True) as s:
        r = record_attendance(s, meeting, present=present, online=online, apologies=apologies, officers=officer,
                              absent=absent, substitutes=substitute, chair=chair, vice_chair=vice_chair,
                              minutes_by=minutes_by, clear=clear, dry_run=dry_run)
        wrote(s.root, r)
        online_note = f" ({len(r.online)} online)" if r.online else ""
        say(f"Attendance at {r.date}: {len(r.present) + len(r.online)} present{online_note}, "
                   f"officers {len(r.officers)}, apologies {len(r.apologies)}, absent {len(r.absent)}.")
        if r.chair:
            say(f"Chair: {r.chair}")
        for who, whom in r.substitutes:
            say(f"{who} for {whom}")
        if r.not_recorded:
            say(f"Members not recorded either way ({len(r.not_recorded)}): {', '.join(r.not_recorded)}")
