"""Each workflow command on the small fixture repository, as an officer or clerk uses it.

Every write is checked by validating the repository afterwards; files a command should not
touch are compared byte for byte.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from conftest import snapshot

from cspkit import views
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
        assert cli("--repo", mini, "validate").code == 0
        return r.out

    return invoke


def edit_text(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --------------------------------------------------------------------------- new meeting


def test_new_meeting_for_a_date_not_in_the_schedule_uses_the_defaults(mini, run):
    before = snapshot(mini)
    out = run("new-meeting", "--date", "2024-01-18")
    assert changed(before, snapshot(mini)) == {"records/meetings/2024-01-18.yaml"}
    m = open_repo(mini).meetings[D(2024, 1, 18)]
    assert (m.status.value, m.venue, m.start, m.end, m.mode.value, m.chair) == (
        "scheduled", "Committee Room 1", dt.time(10), dt.time(12), "in-person", "alice-smith")
    # standing items, then the programme rows due (not "tbc"), then partner updates with the partners expected
    assert [(i.number, i.title, i.programme_item) for i in m.agenda] == [
        ("1", "Apologies", None), ("2", "Action Log", None),
        ("3", "Town Centre Patrol Plan", "town-centre-patrols"),
        ("4", "Strategic Assessment Refresh", "psa-refresh"),
        ("5", "Partner Updates", None)]
    assert m.agenda[2].leads == ["bob-jones"]
    assert m.agenda[1].papers[0].kind.value == "action-log"
    assert [(s.title, s.leads) for s in m.agenda[4].sub_items] == [("Mini Constabulary", ["bob-jones"])]
    assert "2023-07-13/3.1" in out  # the open action the pack will show
    assert "Town Centre Patrol Plan" in out


def test_new_meeting_dry_run_writes_nothing_and_force_replaces(mini, cli):
    before = snapshot(mini)
    r = cli("--repo", mini, "new-meeting", "--date", "2024-01-18", "--dry-run")
    assert r.code == 0 and "would write records/meetings/2024-01-18.yaml" in r.out
    assert snapshot(mini) == before
    r = cli("--repo", mini, "new-meeting", "--date", "2023-10-12", "--force")
    assert r.code == 0, r.err
    assert changed(before, snapshot(mini)) == {"records/meetings/2023-10-12.yaml"}


def test_new_meeting_puts_priorities_as_sub_items_and_programme_rows_before_aob(mini, run):
    edit_text(mini / "cspkit.yaml", "plans:\n", "- title: Strategic Priorities\n  key: plan-update\n"
              "  sub_items_per_priority: true\n- title: Any Other Business\n  key: aob\n  leads: [chair]\n"
              "  kind: procedural\nplans:\n")
    run("new-meeting", "--date", "2024-01-18")
    m = open_repo(mini).meetings[D(2024, 1, 18)]
    titles = [i.title for i in m.agenda]
    assert titles.index("Town Centre Patrol Plan") < titles.index("Any Other Business")
    assert titles.index("Partner Updates") < titles.index("Any Other Business")
    plan_item = next(i for i in m.agenda if i.key == "plan-update")
    assert [(s.priority, s.leads) for s in plan_item.sub_items] == [(1, ["alice-smith"]), (2, ["bob-jones"])]
    assert plan_item.leads == ["alice-smith", "bob-jones"]


# --------------------------------------------------------------------------- minutes


def test_minutes_numbered_continuously_carry_on_from_the_last_meeting(mini, run):
    edit_text(mini / "cspkit.yaml", "  decision_style: inline\n",
              "  decision_style: inline\n  minute_numbering: continuous\n")
    july = mini / "records" / "meetings" / "2023-07-13.yaml"
    edit_text(july, "  - item: 1\n", "  - number: 30\n    item: 1\n")
    edit_text(july, "  - item: 3\n", "  - number: 31\n    item: 3\n")
    out = run("minutes", "start", "2023-10-12")
    assert "numbered from 32" in out
    m = open_repo(mini).meetings[D(2023, 10, 12)]
    assert [(mi.number, mi.item, mi.title) for mi in m.minutes.items] == [
        (32, "1", "Apologies"), (33, "2", "Partner Updates")]
    # nobody is marked present who was not recorded as present: the clerk is told to record them
    assert m.attendance.present == []
    assert "nobody is recorded as present yet (cspkit attendance 2023-10-12 --present NAME" in out


def test_minutes_circulated_then_approved_at_the_next_meeting(mini, run, cli):
    run("minutes", "circulate", "2023-07-13")
    assert open_repo(mini).meetings[D(2023, 7, 13)].minutes.state.value == "circulated"
    assert cli("--repo", mini, "minutes", "circulate", "2023-07-13").code == 1
    # not at a meeting that has not been held yet
    r = cli("--repo", mini, "minutes", "approve", "2023-07-13")
    assert (r.code, r.err) == (1, "error: the meeting on 2023-10-12 is scheduled: minutes are approved at a meeting "
                                  "that has been held (cspkit minutes start 2023-10-12 once it has)\n")
    run("minutes", "start", "2023-10-12")
    before = snapshot(mini)
    out = run("minutes", "approve", "2023-07-13")  # --at defaults to the next meeting on file
    assert "approved at 2023-10-12" in out
    # October's minutes have no minutes item, so only July's file changes
    assert changed(before, snapshot(mini)) == {"records/meetings/2023-07-13.yaml"}
    minutes = open_repo(mini).meetings[D(2023, 7, 13)].minutes
    assert (minutes.state.value, minutes.approved_at) == ("approved", D(2023, 10, 12))
    assert cli("--repo", mini, "minutes", "approve", "2023-07-13").code == 1


def test_approval_is_minuted_under_the_minutes_item_after_what_is_written_there(mini, run):
    run("minutes", "start", "2023-10-12")
    october = mini / "records" / "meetings" / "2023-10-12.yaml"
    edit_text(october, "- number: 2\n  title: Partner Updates\n",
              "- number: 2\n  title: Partner Updates\n  key: minutes\n")
    edit_text(october, "  - item: 2\n    title: Partner Updates\n",
              "  - item: 2\n    title: Partner Updates\n    body:\n    - text: Already written.\n")
    run("minutes", "approve", "2023-07-13", "--at", "2023-10-12")
    mi = open_repo(mini).meetings[D(2023, 10, 12)].minutes.items[1]
    assert [p.text for p in mi.body] == ["Already written.",
                                         "The minutes of the meeting held on 13th July 2023 were approved."]


# --------------------------------------------------------------------------- actions


def test_decisions_with_owners_become_actions_with_the_id_written_back(mini, run):
    july = mini / "records" / "meetings" / "2023-07-13.yaml"
    edit_text(july, "        action: 2023-07-13/3.1\n",
              "        action: 2023-07-13/3.1\n      - text: the information be noted\n"
              "      - text: partners share patrol data\n        owners: [bob-jones, alice-smith]\n")
    before = snapshot(mini)
    out = run("actions", "raise", "2023-07-13")
    assert "2023-07-13/3.2" in out
    assert changed(before, snapshot(mini)) == {"records/meetings/2023-07-13.yaml", "records/actions/2023-07-13.yaml"}
    repo = open_repo(mini)
    a = repo.actions["2023-07-13/3.2"]
    assert (a.text, a.owners, a.decision, a.number) == (
        "Partners share patrol data", ["bob-jones", "alice-smith"], 3, 2)
    assert repo.meetings[D(2023, 7, 13)].minutes.items[1].decisions[2].action == "2023-07-13/3.2"


def test_actions_added_by_hand_accept_names_and_aliases(mini, run):
    run("minutes", "start", "2023-10-12")
    before = snapshot(mini)
    run("actions", "add", "--meeting", "2023-10-12", "--item", "2", "--owner", "Bob Jones", "--owner",
        "Councillor Alice Smith", "--text", "Circulate the policing update.", "--due", "2023-11-30")
    assert changed(before, snapshot(mini)) == {"records/actions/2023-10-12.yaml"}
    text = (mini / "records" / "actions" / "2023-10-12.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/actions.schema.json\nmeeting: 2023-10-12\n")
    a = open_repo(mini).actions["2023-10-12/2.1"]
    assert (a.owners, a.due, a.status.value) == (["bob-jones", "alice-smith"], D(2023, 11, 30), "open")
    run("actions", "add", "--meeting", "2023-10-12", "--item", "2", "--owner", "carol-white", "--text", "Second.",
        "--due-meeting", "2023-10-12")
    assert open_repo(mini).actions["2023-10-12/2.2"].due_meeting == D(2023, 10, 12)


def test_an_action_can_name_who_delivers_it(mini, run, cli):
    run("minutes", "start", "2023-10-12")
    run("actions", "add", "--meeting", "2023-10-12", "--item", "2", "--owner", "Bob Jones", "--deliverer",
        "Carol White", "--text", "Report the patrol figures.")
    a = open_repo(mini).actions["2023-10-12/2.1"]
    assert (a.owners, a.deliverer) == (["bob-jones"], "carol-white")
    text = (mini / "records" / "actions" / "2023-10-12.yaml").read_text(encoding="utf-8")
    assert "  owners:\n  - bob-jones\n  deliverer: carol-white\n" in text  # in the model's key order
    r = cli("--repo", mini, "actions", "add", "--meeting", "2023-10-12", "--item", "2", "--owner", "Bob Jones",
            "--deliverer", "bob-jones", "--text", "x")
    assert (r.code, r.err) == (1, "error: Robert Jones is an owner already: --deliverer is for someone else\n")
    r = cli("--repo", mini, "actions", "add", "--meeting", "2023-10-12", "--item", "2", "--owner", "Bob Jones",
            "--deliverer", "Zed Zimmer", "--text", "x")
    assert r.code == 1 and r.err.startswith("error: unknown person 'Zed Zimmer'")


def test_update_reassign_and_close_append_history(mini, run):
    path = mini / "records" / "actions" / "2023-07-13.yaml"
    run("actions", "update", "2023-07-13/3.1", "--reassign", "Carol White", "--note", "Carol takes this on.",
        "--date", "2023-09-01", "--meeting", "2023-07-13")
    a = open_repo(mini).actions["2023-07-13/3.1"]
    assert (a.owners, a.raised_owners) == (["carol-white"], ["bob-jones"])
    assert a.history[-1].model_dump(exclude_defaults=True) == {
        "date": D(2023, 9, 1), "note": "Carol takes this on.", "reassigned_to": ["carol-white"],
        "meeting": D(2023, 7, 13)}
    run("actions", "update", "2023-07-13/3.1", "--reassign", "Bob Jones", "--date", "2023-09-02")
    a = open_repo(mini).actions["2023-07-13/3.1"]
    assert (a.owners, a.raised_owners) == (["bob-jones"], ["bob-jones"])  # raised_owners set once
    run("actions", "close", "2023-07-13/3.1", "--dropped", "--note", "Superseded.", "--date", "2023-10-12")
    a = open_repo(mini).actions["2023-07-13/3.1"]
    assert (a.status.value, a.closed_date()) == ("closed", D(2023, 10, 12))
    assert path.read_text(encoding="utf-8").endswith(
        "  - date: 2023-10-12\n    note: Superseded.\n    status: closed\n")


def test_a_closed_action_is_reopened_with_a_reason(mini, run, cli):
    path = mini / "records" / "actions" / "2023-07-13.yaml"
    run("actions", "close", "2023-07-13/3.1", "--note", "Plan presented.", "--date", "2023-10-12")
    r = cli("--repo", mini, "actions", "update", "2023-07-13/3.1", "--note", "More to do")
    assert (r.code, r.err) == (1, "error: action 2023-07-13/3.1 is complete (since 2023-10-12): it cannot be "
                                  "updated or closed again (cspkit actions reopen 2023-07-13/3.1 --note WHY)\n")
    r = cli("--repo", mini, "actions", "reopen", "2023-07-13/3.1", "--note", "x", "--date", "2023-10-01")
    assert (r.code, r.err) == (1, "error: 2023-10-01 is before action 2023-07-13/3.1 was marked complete "
                                  "(2023-10-12)\n")
    before = path.read_text(encoding="utf-8")
    out = run("actions", "reopen", "2023-07-13/3.1", "--note", "The patrol plan left out the station area.",
              "--date", "2023-10-20")
    assert out.endswith("Action 2023-07-13/3.1: open again on 2023-10-20.\n")
    a = open_repo(mini).actions["2023-07-13/3.1"]
    assert (a.status.value, a.closed_date(), a.status_on(D(2023, 10, 15)).value) == ("open", None, "complete")
    # the smallest diff: the status line back to open, one history entry added
    assert path.read_text(encoding="utf-8") == before.replace("status: complete\n", "status: open\n", 1) + (
        "  - date: 2023-10-20\n    note: The patrol plan left out the station area.\n    status: open\n")
    r = cli("--repo", mini, "actions", "reopen", "2023-07-13/3.1", "--note", "again")
    assert (r.code, r.err) == (1, "error: action 2023-07-13/3.1 is open already: use 'cspkit actions update' "
                                  "to record progress\n")
    r = cli("--repo", mini, "actions", "reopen", "2023-07-13/3.1")
    assert r.code == 2 and "Missing option '--note'" in r.err


def test_reopening_drops_a_closed_on_date(mini, run):
    path = mini / "records" / "actions" / "2023-07-13.yaml"
    edit_text(path, "  status: open\n", "  status: complete\n  closed_on: 2023-09-30\n")
    run("actions", "reopen", "2023-07-13/3.1", "--note", "Not done after all.", "--date", "2023-10-01")
    a = open_repo(mini).actions["2023-07-13/3.1"]
    assert (a.status.value, a.closed_on) == ("open", None)
    assert "closed_on" not in path.read_text(encoding="utf-8")


def test_actions_list_filters_and_formats(mini, cli):
    r = cli("--repo", mini, "actions", "list", "--open", "--overdue", "--as-of", "2023-11-01", "--format", "json")
    assert r.code == 0
    rows = json.loads(r.out)
    assert [(x["id"], x["owners"], x["overdue"], x["last_note"]) for x in rows] == [
        ("2023-07-13/3.1", ["Robert Jones"], True, "Draft plan shared with partners.")]
    r = cli("--repo", mini, "actions", "list", "--overdue", "--as-of", "2023-09-01", "--format", "json")
    assert json.loads(r.out) == []
    r = cli("--repo", mini, "actions", "list", "--owner", "Bob Jones", "--as-of", "2023-11-01", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(r.out)))
    assert [(x["id"], x["status"], x["due"], x["overdue"]) for x in table] == [
        ("2023-07-13/3.1", "open", "2023-10-12", "yes")]
    r = cli("--repo", mini, "actions", "list", "--owner", "alice-smith", "--as-of", "2023-11-01")
    assert r.code == 0 and r.out == "No actions match.\n"
    r = cli("--repo", mini, "actions", "list", "--as-of", "2023-11-01")
    assert r.code == 0 and "2023-07-13/3.1" in r.out and "Robert Jones" in r.out


def test_actions_table_keeps_the_text_readable_at_80_columns(mini, cli):
    """Piped or in a narrow terminal (80 columns), every word of the action and of its latest
    note is still in the table: the text columns are never squeezed out."""
    import re

    from cspkit.session import open_repo

    action = open_repo(mini).actions["2023-07-13/3.1"]
    r = cli("--repo", mini, "actions", "list", "--as-of", "2023-11-01")
    assert r.code == 0
    cells = re.findall(r"[^│┃\s]+", r.out)
    for word in (action.text + " Draft plan shared with partners.").split():
        assert word in cells, f"{word!r} is missing from the table:\n{r.out}"


# --------------------------------------------------------------------------- partner updates


def test_update_form_has_every_section_and_the_plan_priorities(mini, run, cli):
    edit_text(mini / "cspkit.yaml", "partner_updates:\n", "partner_updates:\n- organisation: mini-council\n")
    chase = json.loads(run("update", "chase", "2023-10-12", "--format", "json"))
    assert (chase["received"], chase["to_come"]) == (1, 1)
    assert [(p["organisation"], p["state"], p["contact"]) for p in chase["partners"]] == [
        ("Mini Borough Council", "missing", None), ("Mini Constabulary", "received", "Inspector Robert Jones")]
    before = snapshot(mini)
    run("update", "new", "2023-10-12", "Mini Council")  # an alias of the organisation
    path = "records/updates/2023-10-12/mini-council.yaml"
    assert changed(before, snapshot(mini)) == {path}
    text = (mini / path).read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../../schemas/partner-update.schema.json\n")
    for section in ("summary:", "recommendations:", "performance:", "priorities:", "budget:", "risks:",
                    "planned_activity:", "other:", "support_required:"):
        assert f"\n{section}" in text
    u = open_repo(mini).updates[(D(2023, 10, 12), "mini-council")]
    assert [(p.priority, p.text) for p in u.priorities] == [(1, None), (2, None)]
    assert u.subject == "Mini Borough Council update"
    # A blank form is a draft, not an update received: the partner is still to send theirs.
    chase = json.loads(run("update", "chase", "2023-10-12", "--format", "json"))
    assert [p["state"] for p in chase["partners"]] == ["draft", "received"] and chase["to_come"] == 1
    r = cli("--repo", mini, "update", "new", "2023-10-12", "mini-council")
    assert r.code == 1 and "already exists (use --force" in r.err
    assert cli("--repo", mini, "update", "new", "2023-10-12", "mini-council", "--force").code == 0


# --------------------------------------------------------------------------- PSA


def test_psa_list_update_and_remove(mini, run, cli):
    r = cli("--repo", mini, "psa", "list", "--format", "json")
    data = json.loads(r.out)
    assert data["year"] == 2023 and [x["status"] for x in data["recommendations"]] == ["in-progress", "removed"]
    before = snapshot(mini)
    run("psa", "update", "1", "--note", "Patrol plan presented.", "--status", "complete", "--date", "2023-10-12",
        "--meeting", "2023-10-12")
    assert changed(before, snapshot(mini)) == {"records/psa/2023.yaml"}
    rec = open_repo(mini).psa[2023].recommendations[0]
    assert rec.status.value == "complete"
    assert (rec.updates[-1].date, rec.updates[-1].text, rec.updates[-1].meeting) == (
        D(2023, 10, 12), "Patrol plan presented.", D(2023, 10, 12))
    assert cli("--repo", mini, "psa", "remove", "1", "--by", "2023-10-12").code == 1  # not held yet
    run("psa", "remove", "1", "--by", "2023-07-13", "--item", "3", "--reason", "Covered by the new plan.")
    rec = open_repo(mini).psa[2023].recommendations[0]
    assert rec.status.value == "removed"
    assert (rec.removed.meeting, rec.removed.item, rec.removed.reason) == (
        D(2023, 7, 13), "3", "Covered by the new plan.")
    assert cli("--repo", mini, "psa", "remove", "1", "--by", "2023-07-13").code == 1


# --------------------------------------------------------------------------- forward programme


def test_programme_list_due_by(mini, cli):
    r = cli("--repo", mini, "programme", "list", "--due-by", "2024-01-18", "--format", "json")
    assert [x["id"] for x in json.loads(r.out)] == ["town-centre-patrols", "psa-refresh"]
    r = cli("--repo", mini, "programme", "list", "--due-by", "2023-10-12", "--format", "json")
    assert [x["id"] for x in json.loads(r.out)] == ["town-centre-patrols"]
    r = cli("--repo", mini, "programme", "list", "--format", "csv")
    assert [x["id"] for x in csv.DictReader(io.StringIO(r.out))] == ["town-centre-patrols", "psa-refresh",
                                                                     "hate-crime"]


def test_programme_roll_marks_one_offs_done_and_moves_recurring_rows_on(mini, run):
    prog = mini / "records" / "forward-programme.yaml"
    edit_text(prog, "- id: hate-crime\n", "- id: performance\n  item: Performance\n  when: 2023-10\n"
              "  recurs: standing\n- id: scrutiny\n  item: Scrutiny\n  when: 2023-10-12\n  recurs: six-monthly\n"
              "- id: chair\n  item: Appointment of Vice-Chair\n  when: civic-year\n  recurs: annual\n- id: hate-crime\n")
    run("new-meeting", "--date", "2023-10-12", "--force")
    m = open_repo(mini).meetings[D(2023, 10, 12)]
    taken = {i.programme_item for i in m.agenda}
    assert taken >= {"town-centre-patrols", "performance", "scrutiny"}
    assert "chair" not in taken  # July was the first meeting of the 2023-24 civic year
    run("minutes", "start", "2023-10-12")
    before = snapshot(mini)
    out = run("programme", "roll", "2023-10-12")
    assert changed(before, snapshot(mini)) == {"records/forward-programme.yaml"}
    rows = {it.id: it for it in open_repo(mini).programme.items}
    assert (rows["town-centre-patrols"].status.value, rows["town-centre-patrols"].last_taken) == (
        "done", D(2023, 10, 12))
    assert rows["performance"].when == "2023-11"  # no later meeting known: the month after
    assert rows["scrutiny"].when == "2024-04"
    assert rows["chair"].when.value == "civic-year" and rows["chair"].last_taken is None
    assert rows["psa-refresh"].last_taken is None  # not on that agenda
    assert "town-centre-patrols: done" in out
    assert "already rolled" in run("programme", "roll", "2023-10-12")


# --------------------------------------------------------------------------- views


def test_views_open_actions_and_the_action_log(mini, run):
    repo = open_repo(mini)
    assert [a.id for a in views.open_actions(repo, D(2023, 10, 12))] == ["2023-07-13/3.1"]
    assert views.open_actions(repo, D(2023, 7, 12)) == []
    assert [a.id for a in views.overdue_actions(repo, D(2023, 10, 13))] == ["2023-07-13/3.1"]
    run("actions", "close", "2023-07-13/3.1", "--date", "2023-09-01", "--note", "Done.")
    repo = open_repo(mini)
    # closed since the previous meeting (July): shown once more in October's log, open_actions drops it
    assert [a.id for a in views.action_log(repo, D(2023, 10, 12))] == ["2023-07-13/3.1"]
    assert views.closed_since_previous(repo, repo.actions["2023-07-13/3.1"], D(2023, 10, 12))
    assert views.open_actions(repo, D(2023, 10, 12)) == []
    assert [a.id for a in views.open_actions(repo, D(2023, 8, 31))] == ["2023-07-13/3.1"]  # as it was then


def test_civic_year_rows_are_due_at_the_first_meeting_of_the_civic_year(mini):
    prog = mini / "records" / "forward-programme.yaml"
    edit_text(prog, "- id: hate-crime\n", "- id: chair\n  item: Appointment of Vice-Chair\n  when: civic-year\n"
              "  recurs: annual\n  last_taken: 2023-07-13\n- id: hate-crime\n")
    repo = open_repo(mini)
    chair = next(i for i in repo.programme.items if i.id == "chair")
    assert not views.is_due(repo, chair, D(2023, 10, 12))  # taken in July, this civic year
    assert not views.is_due(repo, chair, D(2024, 4, 18))  # still the 2023-24 civic year
    assert views.is_due(repo, chair, D(2024, 6, 20))  # first meeting of 2024-25
    chair.last_taken = None
    assert views.is_due(repo, chair, D(2023, 7, 13))
    assert not views.is_due(repo, chair, D(2023, 10, 12))  # July came first in that civic year


def test_views_programme_due_and_partners(mini):
    repo = open_repo(mini)
    assert [i.id for i in views.programme_due(repo, D(2023, 12, 31))] == ["town-centre-patrols"]
    assert [i.id for i in views.programme_due(repo, D(2024, 1, 1))] == ["town-centre-patrols", "psa-refresh"]
    assert [e.organisation for e in views.expected_partners(repo, D(2023, 10, 12))] == ["mini-police"]
    assert views.missing_updates(repo, D(2023, 10, 12)) == []
    assert views.next_schedule_date(repo) is None
    assert views.next_schedule_date(repo, D(2023, 8, 1)) == D(2023, 10, 12)
    assert views.civic_year_start(repo, D(2024, 1, 18)) == D(2023, 5, 1)


def test_library_functions_work_without_the_cli(mini):
    from cspkit.session import open_session
    from cspkit.workflows.actions import list_actions, update_action

    with open_session(mini, write=True) as session:
        result = update_action(session, "2023-07-13/3.1", note="Checked.", date=D(2023, 9, 1))
    assert [p.name for p in result.written] == ["2023-07-13.yaml"]
    with open_session(mini) as session:
        table = list_actions(session, as_of=D(2023, 9, 2))
    assert table.rows[0]["last_note"] == "Checked." and "Robert Jones" in table.rows[0]["owners"]
