"""Entering a meeting from the command line, on the small fixture repository: the registry,
the agenda, attendance, minutes kept elsewhere, the PSA, the forward programme, and the checks
that stop wrong data going in silently.

Each command is run through the real entry point; the repository must validate after every
command that succeeds, and a refused command must leave every file as it was.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import snapshot

from cspkit.session import open_repo

D = dt.date


@pytest.fixture(autouse=True)
def _no_repo_from_env(monkeypatch):
    monkeypatch.delenv("CSPKIT_REPO", raising=False)


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


@pytest.fixture
def run(mini, cli):
    """Run a command on the mini repository; it must succeed and leave the repository valid."""

    def invoke(*args: str) -> str:
        r = cli("--repo", mini, *args)
        assert r.code == 0, (args, r.err)
        v = cli("--repo", mini, "validate")
        assert v.code == 0, v.out
        return r.out

    return invoke


@pytest.fixture
def refused(mini, cli):
    """Run a command that must be refused: exit 1, one line on stderr, nothing written."""

    def invoke(*args: str) -> str:
        before = snapshot(mini)
        r = cli("--repo", mini, *args)
        assert r.code == 1, (args, r.out, r.err)
        assert len(r.err.splitlines()) == 1 and "Traceback" not in r.err, r.err
        assert snapshot(mini) == before
        return r.err.rstrip("\n")

    return invoke


def edit_text(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def validate(cli, repo: Path) -> list[str]:
    r = cli("--repo", repo, "validate")
    return r.out.splitlines()


JULY = "records/meetings/2023-07-13.yaml"
OCTOBER = "records/meetings/2023-10-12.yaml"


# --------------------------------------------------------------------------- people and organisations


def test_a_new_person_is_added_with_an_id_made_from_the_name(mini, run, refused):
    before = snapshot(mini)
    out = run("people", "add", "Sajan O'Devshi", "--organisation", "Police", "--title", "Sergeant",
              "--role", "Performance Officer", "--alias", "S Devshi", "--member")
    assert "on the registry as 'sajan-odevshi'" in out
    assert changed(before, snapshot(mini)) == {"records/people.yaml"}
    p = open_repo(mini).people["sajan-odevshi"]
    assert (p.name, p.title, p.organisation, p.role, p.aliases, p.member) == (
        "Sajan O'Devshi", "Sergeant", "mini-police", "Performance Officer", ["S Devshi"], True)
    text = (mini / "records/people.yaml").read_text(encoding="utf-8")
    assert text.endswith("- id: sajan-odevshi\n  name: Sajan O'Devshi\n  title: Sergeant\n  aliases:\n  - S Devshi\n"
                         "  organisation: mini-police\n  role: Performance Officer\n  member: true\n")
    # the same name again is refused, saying who has it; --id adds a namesake on purpose
    assert refused("people", "add", "Sajan O'Devshi") == (
        "error: 'Sajan O'Devshi' is already on the registry as 'sajan-odevshi' (cspkit people update "
        "sajan-odevshi … changes them; give --id to add a different person of the same name)")
    assert "already names sajan-odevshi" in refused("people", "add", "Sam Other", "--alias", "S Devshi")
    assert refused("people", "add", "Dee Vee", "--organisation", "Mini Fire") == (
        "error: unknown organisation 'Mini Fire' (did you mean 'mini-council' or 'mini-police'?); to add it: "
        "cspkit organisations add \"Mini Fire\"")


def test_an_unknown_person_in_any_command_says_how_to_add_them(refused):
    assert refused("actions", "update", "2023-07-13/3.1", "--reassign", "Zed Zimmer", "--date", "2023-09-01") == (
        "error: unknown person 'Zed Zimmer'; to add them: cspkit people add \"Zed Zimmer\" "
        "--organisation ORGANISATION")


def test_people_are_found_as_typed_with_a_rank_before_the_name(mini, run):
    run("actions", "update", "2023-07-13/3.1", "--reassign", "Insp Bob Jones", "--reassign", "Cllr Alice Smith",
        "--date", "2023-09-01")
    assert open_repo(mini).actions["2023-07-13/3.1"].owners == ["bob-jones", "alice-smith"]


def test_a_new_id_is_written_into_every_record_and_the_old_one_still_finds_them(mini, run, cli):
    people = mini / "records/people.yaml"
    edit_text(people, "- id: bob-jones\n", "# the NPA commander\n- id: bob-jones\n")
    july = mini / JULY
    edit_text(july, "  present:\n", "  present:  # as signed by the chair\n")
    before = snapshot(mini)
    out = run("people", "update", "Bob Jones", "--name", "Robert Jones-Smith", "--id", "robert-jones-smith")
    assert "'bob-jones' is now 'robert-jones-smith' in 7 reference(s)" in out
    files = changed(before, snapshot(mini))
    assert files == {"cspkit.yaml", "records/people.yaml", JULY, "records/actions/2023-07-13.yaml",
                     "records/forward-programme.yaml", "records/updates/2023-10-12/mini-police.yaml"}
    for rel in files:
        assert "bob-jones" not in (mini / rel).read_text(encoding="utf-8").replace("aliases:\n  - bob-jones", ""), rel
    assert "# the NPA commander\n" in people.read_text(encoding="utf-8")
    assert "  present:  # as signed by the chair\n" in july.read_text(encoding="utf-8")
    repo = open_repo(mini)
    p = repo.people["robert-jones-smith"]
    assert (p.name, p.aliases) == ("Robert Jones-Smith", ["Bob Jones", "Robert Jones"])  # "bob-jones" reads as Bob Jones
    assert repo.actions["2023-07-13/3.1"].owners == ["robert-jones-smith"]
    assert repo.config.partner_updates[0].contact == "robert-jones-smith"
    # the old id, and the old name, still find the person
    r = cli("--repo", mini, "actions", "list", "--owner", "bob-jones", "--as-of", "2023-11-01", "--format", "json")
    assert [a["id"] for a in json.loads(r.out)] == ["2023-07-13/3.1"]


def test_a_person_leaves_and_later_references_are_errors(mini, run, refused):
    run("people", "update", "Carol White", "--left", "2023-09-30", "--role", "Former Community Safety Manager")
    p = open_repo(mini).people["carol-white"]
    assert (p.active_to, p.role) == (D(2023, 9, 30), "Former Community Safety Manager")
    assert refused("attendance", "2023-10-12", "--present", "Carol White") == (
        f"{OCTOBER}:8:13: attendance.present[0].person: Carol White ('carol-white') was not active on 2023-10-12 "
        "(active … to 2023-09-30) (change refused; nothing was written)")
    assert refused("people", "update", "Carol White") == (
        "error: nothing to change: give --name, --id, --organisation, --title, --role, --alias, "
        "--member/--not-member or --left")


def test_two_entries_for_one_person_are_merged(mini, run, cli):
    edit_text(mini / "records/people.yaml", "- id: carol-white\n",
              "- id: r-jones\n  name: R. Jones\n  aliases:\n  - Rob Jones\n- id: carol-white\n")
    edit_text(mini / "records/actions/2023-07-13.yaml", "  owners: [bob-jones]\n", "  owners: [bob-jones, r-jones]\n")
    edit_text(mini / "records/forward-programme.yaml", "  action_by: [bob-jones]\n", "  action_by: [r-jones]\n")
    assert cli("--repo", mini, "validate").code == 0
    out = run("people", "merge", "Rob Jones", "--into", "Bob Jones")
    assert "'r-jones' merged into 'bob-jones' (Robert Jones): 2 reference(s) rewritten." in out
    repo = open_repo(mini)
    assert "r-jones" not in repo.people
    assert repo.people["bob-jones"].aliases == ["Bob Jones", "R. Jones", "Rob Jones"]
    assert repo.actions["2023-07-13/3.1"].owners == ["bob-jones"]  # not listed twice
    assert repo.programme.items[0].action_by == ["bob-jones"]


def test_people_and_organisations_are_listed(mini, run, cli):
    run("organisations", "add", "Mini Fire and Rescue Service", "--short-name", "Mini Fire", "--statutory")
    r = cli("--repo", mini, "organisations", "list", "--format", "json")
    orgs = {o["id"]: o for o in json.loads(r.out)}
    assert orgs["mini-fire"]["name"] == "Mini Fire and Rescue Service" and orgs["mini-fire"]["statutory"] is True
    assert orgs["mini-police"]["people"] == 2
    run("people", "add", "Fay Flame", "--organisation", "Mini Fire")
    r = cli("--repo", mini, "people", "list", "--members", "--format", "json")
    assert [p["id"] for p in json.loads(r.out)] == ["alice-smith", "bob-jones", "eve-black"]
    r = cli("--repo", mini, "people", "list", "--current", "--format", "csv")
    assert "eve-black" not in r.out and "fay-flame" in r.out and "Mini Fire" in r.out


# --------------------------------------------------------------------------- the agenda


def test_agenda_items_are_added_moved_removed_and_retitled_and_renumber(mini, run, refused):
    october = mini / OCTOBER
    edit_text(october, "- number: 2\n", "# partner updates last\n- number: 2\n")
    out = run("agenda", "add", "2023-10-12", "Appointment of Vice-Chair", "--at", "1", "--lead", "chair",
              "--kind", "procedural")
    assert "added item 1: Appointment of Vice-Chair (items renumbered)" in out
    run("agenda", "add", "2023-10-12", "Town Centre Patrol Plan", "--lead", "Bob Jones", "--paper", "action-log",
        "--purpose", "To receive the patrol plan.", "--programme", "town-centre-patrols")
    m = open_repo(mini).meetings[D(2023, 10, 12)]
    assert [(i.number, i.title) for i in m.agenda] == [
        ("1", "Appointment of Vice-Chair"), ("2", "Apologies"), ("3", "Partner Updates"),
        ("4", "Town Centre Patrol Plan")]
    assert (m.agenda[3].leads, m.agenda[3].programme_item, m.agenda[3].papers[0].kind.value) == (
        ["bob-jones"], "town-centre-patrols", "action-log")
    run("agenda", "move", "2023-10-12", "4", "--to", "2")
    run("agenda", "remove", "2023-10-12", "1")
    run("agenda", "retitle", "2023-10-12", "3", "Partner Updates and Verbal Reports")
    m = open_repo(mini).meetings[D(2023, 10, 12)]
    assert [(i.number, i.title) for i in m.agenda] == [
        ("1", "Town Centre Patrol Plan"), ("2", "Apologies"), ("3", "Partner Updates and Verbal Reports")]
    text = october.read_text(encoding="utf-8")
    assert "- number: 1\n  title: Town Centre Patrol Plan\n" in text  # numbers stay written as the file wrote them
    assert refused("agenda", "move", "2023-10-12", "2", "--to", "9") == "error: --to 9: give a number from 1 to 3"
    assert refused("agenda", "remove", "2023-10-12", "7") == (
        "error: the meeting on 2023-10-12 has no item 7 (items: 1, 2, 3)")


def test_renumbering_the_agenda_keeps_each_items_lines_and_comments(mini, run):
    """Inserting, moving and removing items rewrites only item numbers and the new item: every
    other item keeps its lines, comments inside it included, and a moved item's move with it."""
    october = mini / OCTOBER
    text = october.read_text(encoding="utf-8")
    text = text.replace("  title: Apologies\n", "  title: Apologies  # the clerk reads them\n")
    text = text.replace("  title: Partner Updates\n", "  title: Partner Updates\n  # police first, as agreed\n")
    october.write_text(text, encoding="utf-8")

    def block(title: str) -> str:
        """The lines of the item titled ``title``, less its number."""
        lines = october.read_text(encoding="utf-8").split("\n")
        start = next(i for i, line in enumerate(lines) if line.startswith("  title: " + title))
        end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith(" ")), len(lines))
        return "\n".join(lines[start:end])

    apologies, updates = block("Apologies"), block("Partner Updates")
    assert "# police first, as agreed" in updates
    run("agenda", "add", "2023-10-12", "Serious Violence Duty", "--at", "1")
    run("agenda", "move", "2023-10-12", "3", "--to", "1")
    assert block("Apologies") == apologies and block("Partner Updates") == updates
    run("agenda", "remove", "2023-10-12", "2")
    assert block("Apologies") == apologies and block("Partner Updates") == updates
    m = open_repo(mini).meetings[D(2023, 10, 12)]
    assert [(i.number, i.title) for i in m.agenda] == [("1", "Partner Updates"), ("2", "Apologies")]


def test_once_a_meeting_has_minutes_its_items_keep_their_numbers(mini, run, refused):
    assert refused("agenda", "move", "2023-07-13", "3", "--to", "1") == (
        "error: the agenda of 2023-07-13 cannot be reordered any more: it has minutes, which refer to its item "
        "numbers (cspkit agenda retitle still works; an added item goes at the end)")
    assert "cannot be changed by removing an item" in refused("agenda", "remove", "2023-07-13", "2")
    assert "cannot be renumbered" in refused("agenda", "add", "2023-07-13", "Late Item", "--at", "2")
    run("agenda", "add", "2023-07-13", "Late Item")  # goes at the end: nothing renumbers
    run("agenda", "retitle", "2023-07-13", "3", "ASB in the Town Centre")
    m = open_repo(mini).meetings[D(2023, 7, 13)]
    assert [(i.number, i.title) for i in m.agenda][-2:] == [("4", "Forward Programme"), ("5", "Late Item")]
    assert m.agenda[2].title == m.minutes.items[1].title == "ASB in the Town Centre"  # the minute follows
    assert "2023-07-13/3.1" in open_repo(mini).actions


# --------------------------------------------------------------------------- attendance


def test_attendance_is_recorded_as_the_minutes_print_it(mini, run, cli):
    run("minutes", "start", "2023-10-12")
    out = run("attendance", "2023-10-12", "--chair", "Cllr Alice Smith", "--online", "Bob Jones (NPA North)",
              "--substitute", "Dan Green=Carol White", "--minutes-by", "Dan Green")
    assert "Attendance at 2023-10-12: 3 present (1 online), officers 0, apologies 1, absent 0." in out
    assert "Dan Green for Carol White" in out
    m = open_repo(mini).meetings[D(2023, 10, 12)]
    rows = [(a.person, a.role and a.role.value, a.remote, a.qualifier, a.substitute_for) for a in m.attendance.present]
    assert rows == [("alice-smith", "chair", False, None, None), ("bob-jones", None, True, "NPA North", None),
                    ("dan-green", "minutes", False, None, "carol-white")]
    assert [a.person for a in m.attendance.apologies] == ["carol-white"]  # the member substituted for
    assert m.chair == "alice-smith"
    # named again: moves to the new group (Bob Jones now in the room)
    run("attendance", "2023-10-12", "--present", "Bob Jones")
    m = open_repo(mini).meetings[D(2023, 10, 12)]
    assert [(a.person, a.remote, a.qualifier) for a in m.attendance.present][1] == ("bob-jones", False, "NPA North")
    # the minutes print the qualifiers, and the online marker the body uses
    edit_text(mini / "cspkit.yaml", "  decision_style: inline\n", "  decision_style: inline\n"
              "  online_marker: (MS Teams)\n")
    run("attendance", "2023-10-12", "--online", "Bob Jones")
    out_dir = mini / "build"
    r = cli("--repo", mini, "render", "minutes", "2023-10-12", "--format", "md", "-o", str(out_dir))
    assert r.code == 0, r.err
    md = (out_dir / "2023-10-12-minutes.md").read_text(encoding="utf-8")
    assert "- Councillor Alice Smith (in the Chair) — Mini Borough Council" in md
    assert "- Inspector Robert Jones (MS Teams) — Mini Constabulary (NPA North)" in md
    assert "- Dan Green (minutes) (for Carol White) — Mini Borough Council" in md


def test_attendance_in_two_groups_or_nothing_at_all_is_refused(refused):
    assert refused("attendance", "2023-10-12", "--present", "Bob Jones", "--apologies", "Bob Jones") == (
        "error: Robert Jones is given as present and as apologies")
    assert refused("attendance", "2023-10-12").startswith("error: nothing to record")
    assert refused("attendance", "2023-10-12", "--substitute", "Dan Green") == (
        "error: --substitute 'Dan Green': write WHO=FOR WHOM, e.g. \"Rik Basra=Anita Chavda\"")
    assert refused("attendance", "2023-10-12", "--apologies", "Alice Smith", "--chair", "Alice Smith") == (
        "error: Alice Smith is listed with apologies: the chair was present (give --present 'Alice Smith' too)")


def test_minutes_start_never_marks_everyone_present(mini, run, cli):
    out = run("minutes", "start", "2023-10-12")
    assert "nobody is recorded as present yet" in out
    assert open_repo(mini).meetings[D(2023, 10, 12)].attendance.present == []
    assert (f"{OCTOBER}:1:1: warning: attendance.present: no one is recorded as present yet: cspkit attendance "
            "2023-10-12 --present NAME … --apologies NAME …") in validate(cli, mini)
    # circulating minutes with nobody present is refused: the warning becomes an error
    r = cli("--repo", mini, "minutes", "circulate", "2023-10-12")
    assert r.code == 1 and "attendance.present: no one is recorded as present: cspkit attendance" in r.err
    assert "(change refused; nothing was written)" in r.err
    run("attendance", "2023-10-12", "--present", "Alice Smith")
    run("minutes", "circulate", "2023-10-12")


# --------------------------------------------------------------------------- minutes: approval, kept elsewhere


def test_empty_minutes_and_an_unheld_meeting_cannot_approve(mini, run, refused):
    run("minutes", "start", "2023-10-12")
    run("new-meeting", "--date", "2024-01-18")
    assert refused("minutes", "approve", "2023-10-12", "--at", "2024-01-18") == (
        f"error: the minutes of 2023-10-12 are empty (only the skeleton from minutes start): write them in "
        f"{OCTOBER} before they are approved (or, if they are kept elsewhere, cspkit minutes external 2023-10-12 "
        "--reference WHERE)")
    assert refused("minutes", "approve", "2023-07-13", "--at", "2024-01-18") == (
        "error: the meeting on 2024-01-18 is scheduled: minutes are approved at a meeting that has been held "
        "(cspkit minutes start 2024-01-18 once it has)")


def test_approved_minutes_that_say_nothing_are_an_error(mini, cli):
    edit_text(mini / OCTOBER, "status: scheduled\n", "status: held\n")
    (mini / OCTOBER).write_text((mini / OCTOBER).read_text(encoding="utf-8") + (
        "minutes:\n  state: approved\n  approved_at: 2023-10-12\n  items:\n  - item: 1\n    title: Apologies\n"),
        encoding="utf-8")
    edit_text(mini / OCTOBER, "  approved_at: 2023-10-12\n", "  approved_at: 2023-07-13\n")
    lines = validate(cli, mini)
    assert any(": minutes.state: these minutes are approved but say nothing: write them first, or, if they are kept "
               "elsewhere, say where (cspkit minutes external 2023-10-12 --reference WHERE)" in ln for ln in lines)


def test_minutes_kept_elsewhere_are_approved_without_faking_attendance(mini, run, cli, refused):
    before = snapshot(mini)
    out = run("minutes", "external", "2023-10-12", "--reference", "Council website, October 2023")
    assert "kept elsewhere (Council website, October 2023); meeting marked held" in out
    assert changed(before, snapshot(mini)) == {OCTOBER}
    assert (mini / OCTOBER).read_text(encoding="utf-8").endswith(
        "minutes:\n  state: circulated\n  external: Council website, October 2023\n")
    m = open_repo(mini).meetings[D(2023, 10, 12)]
    assert (m.status.value, m.attendance.present) == ("held", [])
    run("new-meeting", "--date", "2024-01-18")
    run("attendance", "2024-01-18", "--present", "Alice Smith")
    run("minutes", "start", "2024-01-18")
    run("minutes", "approve", "2023-10-12", "--at", "2024-01-18")
    assert open_repo(mini).meetings[D(2023, 10, 12)].minutes.approved_at == D(2024, 1, 18)
    # nothing to render here, and render minutes latest means January, the latest minutes on file
    assert refused("render", "minutes", "2023-10-12", "--format", "md", "-o", str(mini / "build")) == (
        "error: the minutes of 2023-10-12 are not kept in these records: Council website, October 2023")
    r = cli("--repo", mini, "render", "minutes", "latest", "--format", "md", "-o", str(mini / "build"))
    assert r.code == 0 and r.out.strip().endswith("2024-01-18-minutes.md")


def test_minutes_kept_elsewhere_can_be_approved_in_the_same_command(mini, run):
    run("new-meeting", "--date", "2024-01-18")
    run("minutes", "start", "2024-01-18")
    run("attendance", "2024-01-18", "--present", "Alice Smith")
    out = run("minutes", "external", "2023-10-12", "--reference", "Signed copy", "--approved-at", "2024-01-18")
    assert "approved at 2024-01-18" in out
    minutes = open_repo(mini).meetings[D(2023, 10, 12)].minutes
    assert (minutes.state.value, minutes.approved_at, minutes.external) == ("approved", D(2024, 1, 18), "Signed copy")


def test_render_minutes_latest_is_the_latest_meeting_with_minutes_not_the_next_one(mini, run, cli):
    run("new-meeting", "--date", "2024-01-18")
    r = cli("--repo", mini, "render", "minutes", "latest", "--format", "md", "-o", str(mini / "build"))
    assert r.code == 0, r.err
    assert r.out.strip().endswith("2023-07-13-minutes.md")


# --------------------------------------------------------------------------- the pack's previous minutes


def test_a_pack_never_attaches_an_earlier_meetings_minutes_and_says_why_there_are_none(mini, run, cli):
    edit_text(mini / "cspkit.yaml", "- title: Action Log\n", "- title: Minutes\n  key: minutes\n"
              "  paper: previous-minutes\n- title: Action Log\n")
    run("new-meeting", "--date", "2024-01-18")
    warning = (": warning: agenda[1].papers[0].kind: the previous meeting (2023-10-12) is not marked held, so no "
               "minutes come to this one for approval: cspkit minutes start 2023-10-12 (or, for minutes kept "
               "elsewhere, cspkit minutes external 2023-10-12 --reference WHERE)")
    assert any(ln.startswith("records/meetings/2024-01-18.yaml:") and ln.endswith(warning) for ln in validate(cli, mini))
    r = cli("--repo", mini, "render", "pack", "2024-01-18", "--format", "md", "-o", str(mini / "build"))
    assert r.code == 0, r.err
    pack = (mini / "build/2024-01-18-agenda-pack.md").read_text(encoding="utf-8")
    assert "Minutes of" not in pack and "fallen since May" not in pack  # not July's minutes instead
    run("minutes", "start", "2023-10-12")
    assert any(ln.endswith("warning: agenda[1].papers[0].kind: the minutes of the previous meeting (2023-10-12) are "
                           "still empty, so the pack attaches none") for ln in validate(cli, mini))


# --------------------------------------------------------------------------- actions


def test_several_actions_are_closed_together_or_not_at_all(mini, run, refused):
    run("actions", "add", "--meeting", "2023-07-13", "--item", "3", "--owner", "Carol White", "--text", "Second.")
    before = snapshot(mini)
    assert refused("actions", "close", "2023-07-13/3.1", "2023-07-13/9.9", "--date", "2023-10-12") == (
        "error: no action '2023-07-13/9.9' (did you mean '2023-07-13/3.1' or '2023-07-13/3.2'?)")
    assert snapshot(mini) == before
    out = run("actions", "close", "2023-07-13/3.1", "2023-07-13/3.2", "--note", "Done.", "--date", "2023-10-12")
    assert out.endswith("Action 2023-07-13/3.1: complete on 2023-10-12.\nAction 2023-07-13/3.2: complete on "
                        "2023-10-12.\n")
    assert changed(before, snapshot(mini)) == {"records/actions/2023-07-13.yaml"}


def test_new_actions_are_due_at_the_next_meeting_unless_given_a_date(mini, run):
    run("actions", "add", "--meeting", "2023-07-13", "--item", "3", "--owner", "Carol White", "--text", "Report.")
    assert open_repo(mini).actions["2023-07-13/3.2"].due_meeting == D(2023, 10, 12)
    edit_text(mini / JULY, "        action: 2023-07-13/3.1\n", "        action: 2023-07-13/3.1\n"
              "      - text: partners share patrol data\n        owners: [alice-smith]\n")
    run("actions", "raise", "2023-07-13")
    a = open_repo(mini).actions["2023-07-13/3.3"]
    assert (a.due, a.due_meeting) == (None, D(2023, 10, 12))


def test_an_action_is_reworded_and_retargeted_and_its_decision_does_not_drift(mini, run, cli):
    path = mini / "records/actions/2023-07-13.yaml"
    out = run("actions", "update", "2023-07-13/3.1", "--text", "Present the town centre patrol plan.",
              "--due", "2023-12-01")
    assert out.endswith("\nAction 2023-07-13/3.1: reworded, due 2023-12-01.\n")
    a = open_repo(mini).actions["2023-07-13/3.1"]
    assert (a.text, a.raised_text, a.due, a.due_meeting) == (
        "Present the town centre patrol plan.", "That a town centre patrol plan be brought to the next meeting",
        D(2023, 12, 1), None)
    assert not any("warning" in ln for ln in validate(cli, mini))
    run("actions", "update", "2023-07-13/3.1", "--due", "2023-10-12")  # a meeting's date: due at that meeting
    a = open_repo(mini).actions["2023-07-13/3.1"]
    assert (a.due, a.due_meeting) == (None, D(2023, 10, 12))
    assert "history:\n  - date: 2023-08-15\n    note: Draft plan shared with partners.\n" in path.read_text()


def test_a_decision_changed_after_its_action_was_raised_is_a_located_warning(mini, run, cli):
    july = mini / JULY
    edit_text(july, "      - text: a town centre patrol plan be brought to the next meeting\n        owners:\n        - bob-jones",
              "      - text: a town centre and station patrol plan be brought to the next meeting\n"
              "        owners:\n        - carol-white")
    lines = validate(cli, mini)
    assert f"{JULY}:58:15: warning: minutes.items[1].body[1].decisions[0].text: this decision's text is not what action " \
           "2023-07-13/3.1 was raised with: change the action too (cspkit actions update 2023-07-13/3.1 --text …) " \
           "or put the decision back" in lines
    assert f"{JULY}:59:9: warning: minutes.items[1].body[1].decisions[0].owners: this decision's owners (carol-white) are " \
           "not those action 2023-07-13/3.1 was raised for (bob-jones): reassign the action (cspkit actions update " \
           "2023-07-13/3.1 --reassign …) or put the decision back" in lines
    # the action brought in line with the corrected minutes: no more warnings
    run("actions", "update", "2023-07-13/3.1", "--text",
        "That a town centre and station patrol plan be brought to the next meeting", "--reassign", "Carol White",
        "--date", "2023-09-01")
    assert not any("warning" in ln for ln in validate(cli, mini))


# --------------------------------------------------------------------------- PSA


PSA_MD = """# 2024 PSA Recommendations

Some words before the list.

1. The CSP refreshes its plan
   from the new assessment.
2. Shoplifting becomes a standing JAG item.
"""


def test_a_new_psa_from_markdown_then_added_to_and_updated_in_bulk(mini, run, refused):
    source = mini / "psa.md"
    source.write_text(PSA_MD, encoding="utf-8")
    assert refused("psa", "new", "2024", "--from-file", str(source)) == (
        f"{source}:3: text before the first numbered recommendation (a list \"1. The CSP …\", one item each; a # "
        "heading is the title)")
    source.write_text(PSA_MD.replace("Some words before the list.\n", ""), encoding="utf-8")
    out = run("psa", "new", "2024", "--from-file", str(source), "--assessment", "2023/24 PSA")
    assert out.endswith("2024 PSA Recommendations: recommendations 1 to 2.\n")
    run("psa", "add", "2024", "Partners review the hate incident dashboard.", "--owner", "Carol White")
    run("psa", "remove", "2", "--year", "2024", "--by", "2023-07-13")
    out = run("psa", "update", "2024", "all", "--note", "Agreed.", "--status", "agreed", "--date", "2024-01-18")
    assert out.endswith("2024 PSA recommendations 1, 3: update added, status agreed.\n")
    psa = open_repo(mini).psa[2024]
    assert (psa.title, psa.assessment) == ("2024 PSA Recommendations", "2023/24 PSA")
    assert [(r.number, r.text, r.owners, r.status.value) for r in psa.recommendations] == [
        (1, "The CSP refreshes its plan from the new assessment.", [], "agreed"),
        (2, "Shoplifting becomes a standing JAG item.", [], "removed"),
        (3, "Partners review the hate incident dashboard.", ["carol-white"], "agreed")]
    assert refused("psa", "update", "2024", "1,2", "--note", "x") == (
        "error: recommendation 2 of the 2024 PSA was removed at 2023-07-13")
    assert refused("psa", "new", "2024").startswith("error: records/psa/2024.yaml already exists")
    run("psa", "update", "1", "--year", "2024", "--note", "On track.")


def test_a_new_psa_from_yaml_reports_a_bad_entry_at_its_line(mini, run, refused):
    source = mini / "psa.yaml"
    source.write_text("- The CSP refreshes its plan.\n- text: Shoplifting.\n  owner: Bob Jones\n", encoding="utf-8")
    assert refused("psa", "new", "2025", "--from-file", str(source)) == (
        f"{source}:3:3: unknown key 'owner' (a recommendation has number, text, owners and status)")
    source.write_text("- The CSP refreshes its plan.\n- text: Shoplifting.\n  owners: [Bob Jones]\n", encoding="utf-8")
    run("psa", "new", "2025", "--from-file", str(source))
    assert [(r.number, r.owners) for r in open_repo(mini).psa[2025].recommendations] == [
        (1, []), (2, ["bob-jones"])]


# --------------------------------------------------------------------------- forward programme, venues


def test_programme_rows_are_added_and_deferred(mini, run, refused):
    out = run("programme", "add", "Community Trigger Review", "--detail", "The outcome of the review.",
              "--date", "2024-01", "--by", "Carol White", "--recurring")
    assert "'community-trigger-review' (Community Trigger Review) due 2024-01" in out
    row = open_repo(mini).programme.items[-1]
    assert (row.id, row.when, row.recurs.value, row.action_by) == (
        "community-trigger-review", "2024-01", "standing", ["carol-white"])
    out = run("programme", "defer", "community-trigger-review", "--to", "2024-04")
    assert "moved from 2024-01 to 2024-04" in out
    assert refused("programme", "add", "Late Item", "--date", "2024-01-19") == (
        "error: --date 2024-01-19: no meeting on that date (on file or in the schedule); give the meeting's date, "
        "or the month (2024-01), tbc or civic-year")
    assert refused("programme", "defer", "trigger-review", "--to", "tbc") == (
        "error: no forward programme row 'trigger-review' (did you mean 'community-trigger-review'?)")


def test_roll_names_every_row_due_but_not_taken_and_writes_nothing_until_told(mini, run, cli):
    run("new-meeting", "--date", "2024-01-18")
    run("agenda", "remove", "2024-01-18", "4")  # the PSA refresh, due in January, is not taken
    run("attendance", "2024-01-18", "--present", "Alice Smith")
    run("minutes", "start", "2024-01-18")
    before = snapshot(mini)
    r = cli("--repo", mini, "programme", "roll", "2024-01-18")
    assert r.code == 1
    assert "  psa-refresh: Strategic Assessment Refresh (due 2024-01) -- --defer psa-refresh or --drop psa-refresh" \
        in r.out
    assert r.err == ("error: 1 forward programme row(s) were due at 2024-01-18 but not taken: psa-refresh; say what "
                     "happens to each: --defer ID (to the next meeting) or --drop ID\n")
    assert snapshot(mini) == before
    out = run("programme", "roll", "2024-01-18", "--defer", "psa-refresh")
    assert "psa-refresh: deferred to 2024-02" in out  # no later meeting known: the month after
    rows = {it.id: it for it in open_repo(mini).programme.items}
    assert rows["psa-refresh"].when == "2024-02" and rows["town-centre-patrols"].status.value == "done"


def test_a_venue_to_be_confirmed_comes_from_the_schedule_or_the_command(mini, run):
    edit_text(mini / "cspkit.yaml", "- label: Spring meeting - to be scheduled\n",
              "- date: 2024-01-18\n  venue: to be confirmed\n- label: Spring meeting - to be scheduled\n")
    out = run("new-meeting", "--date", "2024-01-18")
    assert "venue to be confirmed" in out
    assert open_repo(mini).meetings[D(2024, 1, 18)].venue == "to be confirmed"
    run("new-meeting", "--date", "2024-04-18", "--venue", "TBC")
    assert open_repo(mini).meetings[D(2024, 4, 18)].venue == "to be confirmed"
    run("new-meeting", "--date", "2024-07-18", "--venue", "Council Chamber")
    assert open_repo(mini).meetings[D(2024, 7, 18)].venue == "Council Chamber"


def test_roll_asks_on_a_terminal_what_happens_to_each_row_not_taken(mini, run, cli, monkeypatch):
    import sys

    import typer

    run("new-meeting", "--date", "2024-01-18")
    run("agenda", "remove", "2024-01-18", "4")
    run("attendance", "2024-01-18", "--present", "Alice Smith")
    run("minutes", "start", "2024-01-18")
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    answers = iter(["later", "drop"])  # a word it does not know is asked again
    monkeypatch.setattr(typer, "prompt", lambda *a, **k: next(answers))
    r = cli("--repo", mini, "programme", "roll", "2024-01-18")
    assert r.code == 0, r.err
    assert "psa-refresh: dropped" in r.out
    assert {it.id: it for it in open_repo(mini).programme.items}["psa-refresh"].status.value == "dropped"


def test_what_the_minutes_print_around_a_name_is_text_in_every_format(mini, run, cli):
    run("minutes", "start", "2023-10-12")
    run("attendance", "2023-10-12", "--present", "Alice Smith (<b>Cabinet</b>)", "--present", "Bob Jones CC")
    m = open_repo(mini).meetings[D(2023, 10, 12)]
    assert [(a.qualifier, a.honorific) for a in m.attendance.present] == [("<b>Cabinet</b>", None), (None, "CC")]
    r = cli("--repo", mini, "render", "minutes", "2023-10-12", "--format", "html,md", "-o", str(mini / "build"))
    assert r.code == 0, r.err
    html = (mini / "build/2023-10-12-minutes.html").read_text(encoding="utf-8")
    assert "<b>Cabinet</b>" not in html and "&lt;b&gt;Cabinet&lt;/b&gt;" in html
    assert "Inspector Robert Jones CC" in html
    md = (mini / "build/2023-10-12-minutes.md").read_text(encoding="utf-8")
    assert "<b>Cabinet</b>" not in md
