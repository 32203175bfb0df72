"""people and organisations: the registry every other record refers to by id."""

from __future__ import annotations

from typing import Optional

import typer

from cspkit.cli.app import app
from cspkit.cli.common import DRY_RUN, LIST_FORMAT, ListFormat, print_table, say, session, wrote

people_app = typer.Typer(help="The registry of people: add, correct (name, id, organisation, leaving), merge, list.",
                         no_args_is_help=True)
organisations_app = typer.Typer(help="The registry of organisations: add, list.", no_args_is_help=True)
app.add_typer(people_app, name="people")
app.add_typer(organisations_app, name="organisations")

ALIAS = typer.Option(None, "--alias", help="Another way the name is written (repeat for several).")


@people_app.command("add")
def people_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The name as usually written (\"Sajan Devshi\")."),
    organisation: Optional[str] = typer.Option(None, "--organisation", "--org",
                                               help="Their organisation: id, name, short name or alias."),
    title: Optional[str] = typer.Option(None, "--title", help="Rank or honorific before the name (Inspector, "
                                        "Councillor)."),
    role: Optional[str] = typer.Option(None, "--role", help="Job title or capacity (\"NPA Commander\")."),
    alias: Optional[list[str]] = ALIAS,
    member: bool = typer.Option(False, "--member", help="A member of the partnership, expected at every meeting."),
    person_id: Optional[str] = typer.Option(None, "--id", help="The id to use (default: made from the name)."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Add a person to the registry (records/people.yaml)."""
    from cspkit.workflows.people import add_person

    with session(ctx, write=True) as s:
        r = add_person(s, name, organisation=organisation, title=title, aliases=alias or [], role=role,
                       member=member, person_id=person_id, dry_run=dry_run)
        wrote(s.root, r)
        say(f"{r.name}: on the registry as '{r.id}'.")


@people_app.command("update")
def people_update(
    ctx: typer.Context,
    person: str = typer.Argument(..., help="Who: id, name or alias as typed."),
    name: Optional[str] = typer.Option(None, "--name", help="The name as it should be written (the old one is "
                                       "kept as an alias)."),
    new_id: Optional[str] = typer.Option(None, "--id", help="A new id, written into every record that refers to "
                                         "them (the old one is kept as an alias)."),
    organisation: Optional[str] = typer.Option(None, "--organisation", "--org", help="Their organisation."),
    title: Optional[str] = typer.Option(None, "--title", help="Rank or honorific (\"\" removes it)."),
    role: Optional[str] = typer.Option(None, "--role", help="Job title or capacity (\"\" removes it)."),
    alias: Optional[list[str]] = ALIAS,
    member: Optional[bool] = typer.Option(None, "--member/--not-member", help="Whether they are a member of the "
                                          "partnership."),
    left: Optional[str] = typer.Option(None, "--left", help="Their last day with the partnership, YYYY-MM-DD."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Correct a person's entry: name, id (renamed in every record), organisation, title, leaving."""
    from cspkit.workflows.people import update_person

    with session(ctx, write=True) as s:
        r = update_person(s, person, name=name, new_id=new_id, organisation=organisation, title=title, role=role,
                          aliases=alias or [], member=member, left=left, dry_run=dry_run)
        wrote(s.root, r)
        say(f"{r.name} ({r.id}): {', '.join(r.changes)} changed.")
        if r.old_id:
            say(f"'{r.old_id}' is now '{r.id}' in {r.references} reference(s); '{r.old_id}' still finds them.")


@people_app.command("merge")
def people_merge(
    ctx: typer.Context,
    duplicate: str = typer.Argument(..., help="The entry to merge away: id, name or alias."),
    into: str = typer.Option(..., "--into", help="The entry to keep: id, name or alias."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Make two registry entries one person: every reference to DUPLICATE now names the other."""
    from cspkit.workflows.people import merge_people

    with session(ctx, write=True) as s:
        r = merge_people(s, duplicate, into, dry_run=dry_run)
        wrote(s.root, r)
        say(f"'{r.merged}' merged into '{r.id}' ({r.name}): {r.references} reference(s) rewritten.")


@people_app.command("list")
def people_list(
    ctx: typer.Context,
    members: bool = typer.Option(False, "--members", help="Only members of the partnership."),
    current: bool = typer.Option(False, "--current", help="Only people who have not left."),
    fmt: ListFormat = LIST_FORMAT,
) -> None:
    """The registry of people: ids, names, organisations, who is a member."""
    from cspkit.workflows.people import list_people

    with session(ctx) as s:
        table = list_people(s, include_left=not current, members_only=members)
    print_table(table, fmt.value)


@organisations_app.command("add")
def organisations_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The full name (\"Leicestershire Fire and Rescue Service\")."),
    short_name: Optional[str] = typer.Option(None, "--short-name", help="The short name used in tables (LFRS)."),
    alias: Optional[list[str]] = ALIAS,
    statutory: bool = typer.Option(False, "--statutory", help="A responsible authority under the Crime and "
                                   "Disorder Act 1998."),
    org_id: Optional[str] = typer.Option(None, "--id", help="The id to use (default: made from the short name or "
                                         "the name)."),
    dry_run: bool = DRY_RUN,
) -> None:
    """Add an organisation to the registry (records/organisations.yaml)."""
    from cspkit.workflows.people import add_organisation

    with session(ctx, write=True) as s:
        r = add_organisation(s, name, short_name=short_name, aliases=alias or [], statutory=statutory,
                             org_id=org_id, dry_run=dry_run)
        wrote(s.root, r)
        say(f"{r.name}: on the registry as '{r.id}'.")


@organisations_app.command("list")
def organisations_list(ctx: typer.Context, fmt: ListFormat = LIST_FORMAT) -> None:
    """The registry of organisations, and how many people on the registry belong to each."""
    from cspkit.workflows.people import list_organisations

    with session(ctx) as s:
        table = list_organisations(s)
    print_table(table, fmt.value)
