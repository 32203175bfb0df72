"""cspkit diff: a reviewer reads what a pull request does to the partnership's business.

Each test builds a git repository from the mini fixture, commits it on main, makes the
kind of change a clerk makes on a branch, and checks the summary in all three formats:
JSON (structure), text (lines) and Markdown (headings and bullets for a PR comment).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(subprocess.run(["git", "--version"], capture_output=True).returncode != 0,
                                reason="git is not installed")


@pytest.fixture(autouse=True)
def _no_repo_from_env(monkeypatch):
    monkeypatch.delenv("CSPKIT_REPO", raising=False)


def git(repo: Path, *args: str) -> str:
    env_args = ["-c", "user.name=Clerk", "-c", "user.email=clerk@example.org", "-c", "commit.gpgsign=false"]
    proc = subprocess.run(["git", *env_args, *args], cwd=repo, capture_output=True, text=True, check=True)
    return proc.stdout


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.fixture
def history(mini: Path) -> Path:
    """The mini repository committed on main, with a branch 'october' checked out."""
    git(mini, "init", "-q", "-b", "main")
    git(mini, "add", "-A")
    git(mini, "commit", "-q", "-m", "Records as of July")
    git(mini, "checkout", "-q", "-b", "october")
    return mini


def commit(repo: Path, message: str = "change") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def the_october_changes(repo: Path) -> None:
    """One change of every kind the summary knows about."""
    rec = repo / "records"
    # people and organisations
    append(rec / "people.yaml", "- id: zoe-king\n  name: Zoe King\n  organisation: mini-fire\n  member: true\n")
    edit(rec / "people.yaml", "  role: Democratic Services Officer\n",
         "  role: Democratic Services Officer\n  active_to: 2023-12-31\n")
    append(rec / "organisations.yaml", "- id: mini-fire\n  name: Mini Fire and Rescue Service\n  short_name: MFRS\n")
    # the July meeting: attendance and a decision; an agenda item dropped from the record
    july = rec / "meetings" / "2023-07-13.yaml"
    edit(july, "  apologies:\n  - person: eve-black\n", "  apologies:\n  - person: zoe-king\n  absent:\n  - person: eve-black\n")
    edit(july, "        action: 2023-07-13/3.1\n",
         "        action: 2023-07-13/3.1\n      - text: the patrol figures be circulated to members\n")
    edit(july, "- number: 4\n  title: Forward Programme\n  leads: [chair]\n  kind: standing\n  papers:\n"
               "  - kind: forward-programme\n", "")
    # the October meeting: moved to the afternoon in another room, a new item
    october = rec / "meetings" / "2023-10-12.yaml"
    edit(october, "start: '10:00'\nend: '12:00'\n", "start: '14:00'\nend: '16:00'\nvenue: Council Chamber\n")
    append(october, "- number: 3\n  title: Serious Violence Duty\n  leads: [carol-white]\n")
    # a new meeting, and its date in the schedule
    (rec / "meetings" / "2024-01-25.yaml").write_text("date: 2024-01-25\nstatus: scheduled\n", encoding="utf-8")
    edit(repo / "cspkit.yaml", "- label: Spring meeting - to be scheduled\n",
         "- date: 2024-01-25\n- label: Spring meeting - to be scheduled\n")
    # actions: 3.1 done, reassigned, with an update; a new action
    actions = rec / "actions" / "2023-07-13.yaml"
    edit(actions, "  owners: [bob-jones]\n", "  owners: [carol-white]\n")
    edit(actions, "  status: open\n", "  status: complete\n")
    append(actions, "  - date: 2023-10-12\n    note: Patrol plan presented and agreed.\n    status: complete\n"
                    "- id: 2023-07-13/3.2\n  text: Circulate the patrol figures.\n  owners: [carol-white]\n"
                    "  due: 2023-08-31\n")
    # PSA: progress on 1, a new recommendation 3
    psa = rec / "psa" / "2023.yaml"
    edit(psa, "  status: in-progress\n  updates:\n",
         "  status: complete\n  updates:\n  - date: 2023-10-12\n    text: Patrol plan in place.\n")
    append(psa, "- number: 3\n  text: Refresh the hate crime strategy.\n  owners: [carol-white]\n  status: agreed\n")
    # forward programme: one added, one dropped from the list, one moved, one taken
    programme = rec / "forward-programme.yaml"
    edit(programme, "  when: 2024-01\n", "  when: 2024-03\n")
    edit(programme, "- id: hate-crime\n  item: Hate Crime Strategy\n  when: tbc\n",
         "- id: fire-safety\n  item: Home Fire Safety Checks\n  when: 2024-01-25\n  action_by: [zoe-king]\n")
    edit(programme, "  action_by: [bob-jones]\n", "  action_by: [bob-jones]\n  status: done\n  last_taken: 2023-10-12\n")
    # a partner update for October
    (rec / "updates" / "2023-10-12" / "mini-council.yaml").write_text(
        "meeting: 2023-10-12\norganisation: mini-council\nsubject: Community safety team update\n",
        encoding="utf-8")


@pytest.fixture
def october(history: Path, cli) -> Path:
    the_october_changes(history)
    assert cli("--repo", history, "validate").code == 0, cli("--repo", history, "validate").out
    commit(history, "October business")
    return history


def changes_of(report: dict) -> dict[tuple[str, str, str], dict]:
    return {(c["section"], c["subject"], c["change"]): c for c in report["changes"]}


# --------------------------------------------------------------------------- json


def test_json_names_every_change_with_old_and_new(october, cli):
    r = cli("--repo", october, "diff", "main", "HEAD", "--format", "json")
    assert r.code == 0, r.err
    report = json.loads(r.out)
    assert report["base"]["label"] == "main"
    assert report["head"]["label"] == "HEAD"
    assert len(report["base"]["commit"]) == 40
    assert report["warnings"] == []
    got = changes_of(report)

    assert got[("meetings", "2024-01-25", "added")]["details"]["status"] == "scheduled"
    assert got[("meetings", "2023-10-12", "rescheduled")]["details"] == {
        "start": ["10:00", "14:00"], "end": ["12:00", "16:00"], "venue": [None, "Council Chamber"]}
    assert got[("agenda", "2023-10-12", "added")]["details"] == {"number": "3", "title": "Serious Violence Duty"}
    assert got[("agenda", "2023-07-13", "removed")]["details"]["title"] == "Forward Programme"
    assert got[("attendance", "2023-07-13", "added")]["details"] in (
        {"list": "apologies", "people": ["zoe-king"]}, {"list": "absent", "people": ["eve-black"]})
    attendance = [c["details"] for c in report["changes"] if c["section"] == "attendance"]
    assert {"list": "apologies", "people": ["zoe-king"]} in attendance
    assert {"list": "absent", "people": ["eve-black"]} in attendance
    decision = got[("minutes", "2023-07-13", "decision added")]["details"]
    assert decision["text"] == "the patrol figures be circulated to members"
    assert decision["item"] == "3"

    assert got[("actions", "2023-07-13/3.1", "closed")]["details"] == {"status": ["open", "complete"]}
    assert got[("actions", "2023-07-13/3.1", "reassigned")]["details"] == {
        "owners": [["bob-jones"], ["carol-white"]]}
    assert got[("actions", "2023-07-13/3.1", "update")]["details"]["note"] == "Patrol plan presented and agreed."
    assert got[("actions", "2023-07-13/3.2", "added")]["details"]["owners"] == ["carol-white"]

    assert got[("psa", "2023/1", "status")]["details"] == {"status": ["in-progress", "complete"]}
    assert got[("psa", "2023/1", "update")]["details"]["text"] == "Patrol plan in place."
    assert ("psa", "2023/3", "added") in got

    assert got[("programme", "psa-refresh", "when")]["details"] == {"when": ["2024-01", "2024-03"]}
    assert got[("programme", "town-centre-patrols", "status")]["details"] == {"status": ["planned", "done"]}
    assert ("programme", "fire-safety", "added") in got
    assert ("programme", "hate-crime", "removed") in got

    assert ("schedule", "2024-01-25", "added") in got
    assert ("updates", "2023-10-12/mini-council", "added") in got
    assert got[("people", "zoe-king", "added")]["details"]["organisation"] == "mini-fire"
    assert got[("people", "dan-green", "left")]["details"] == {"active_to": [None, "2023-12-31"]}
    assert ("organisations", "mini-fire", "added") in got
    assert report["counts"]["actions"] == 4


# --------------------------------------------------------------------------- text


def test_text_is_one_line_per_change_under_its_heading(october, cli):
    r = cli("--repo", october, "diff", "main", "HEAD")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0].startswith("Records: main (") and lines[0].endswith(")")
    for expected in [
        "  2024-01-25: added (scheduled)",
        "  2023-10-12: rescheduled: start 10:00 → 14:00; end 12:00 → 16:00; venue (none) → Council Chamber",
        "  2023-10-12: item 3 “Serious Violence Duty” added",
        "  2023-07-13: item 4 “Forward Programme” removed",
        "  2023-07-13: apologies added: Zoe King",
        "  2023-07-13: apologies removed: Eve Black",
        "  2023-07-13: absent added: Eve Black",
        "  2023-07-13: decision added (item 3): the patrol figures be circulated to members",
        "  2023-07-13/3.1: closed: open → complete",
        "  2023-07-13/3.1: reassigned: Inspector Robert Jones → Carol White",
        "  2023-07-13/3.1: update 2023-10-12: Patrol plan presented and agreed.",
        "  2023-07-13/3.2: added: Circulate the patrol figures. (owner: Carol White; due 2023-08-31)",
        "  2023/1: status in-progress → complete",
        "  2023/1: update 2023-10-12: Patrol plan in place.",
        "  2023/3: recommendation added: Refresh the hate crime strategy.",
        "  psa-refresh: “Strategic Assessment Refresh” when 2024-01 → 2024-03",
        "  town-centre-patrols: “Town Centre Patrol Plan” status planned → done",
        "  fire-safety: added: “Home Fire Safety Checks” (2024-01-25)",
        "  hate-crime: removed: “Hate Crime Strategy”",
        "  2024-01-25: meeting date added to the schedule",
        "  2023-10-12/mini-council: MBC update for 2023-10-12 added: Community safety team update",
        "  zoe-king: Zoe King added",
        "  dan-green: Dan Green left on 2023-12-31",
        "  mini-fire: Mini Fire and Rescue Service added (MFRS)",
    ]:
        assert expected in lines, expected
    headings = [line for line in lines if line and not line.startswith(" ") and not line.startswith("Records:")]
    assert headings[:6] == ["Meetings", "Agenda items", "Attendance", "Minutes and decisions", "Actions",
                            "PSA recommendations"]
    assert lines[-1] == f"{sum(1 for line in lines if line.startswith('  '))} changes"


# --------------------------------------------------------------------------- markdown


def test_markdown_is_a_pull_request_comment(october, cli):
    r = cli("--repo", october, "diff", "main", "HEAD", "--format", "md")
    assert r.code == 0, r.err
    md = r.out
    lines = md.splitlines()
    assert lines[0] == "## cspkit: changes to the records"
    assert lines[2].startswith("Comparing `main (") and "`HEAD (" in lines[2]
    headings = [line for line in lines if line.startswith("### ")]
    assert headings == ["### Meetings", "### Agenda items", "### Attendance", "### Minutes and decisions",
                        "### Actions", "### PSA recommendations", "### Forward programme", "### Schedule",
                        "### Partner updates", "### People", "### Organisations"]
    assert "- **2023-07-13/3.1**: closed: open → complete" in lines
    assert "- **2023-07-13/3.1**: reassigned: Inspector Robert Jones → Carol White" in lines
    assert "- **2024-01-25**: added (scheduled)" in lines
    assert "- **dan-green**: Dan Green left on 2023-12-31" in lines
    # every change is a bullet straight under its heading
    section = None
    for line in lines[3:]:
        if line.startswith("### "):
            section = line
        elif line.startswith("- "):
            assert section is not None


def test_markdown_escapes_record_text(history, cli):
    actions = history / "records" / "actions" / "2023-07-13.yaml"
    append(actions, "- id: 2023-07-13/3.2\n  text: 'Ask @someone about *this* <b>now</b>'\n  owners: [carol-white]\n")
    commit(history)
    r = cli("--repo", history, "diff", "main", "HEAD", "-f", "md")
    line = next(x for x in r.out.splitlines() if "3.2" in x)
    assert "<b>" not in line and "\\*this\\*" in line
    assert "@someone" not in line  # no notification to a stranger called someone


# --------------------------------------------------------------------------- defaults and special cases


def test_default_compares_the_branch_point_with_the_working_tree(history, cli):
    edit(history / "records" / "meetings" / "2023-10-12.yaml", "status: scheduled", "status: cancelled")
    r = cli("--repo", history, "diff")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0].startswith("Records: main (merge base ") and lines[0].endswith(") → working tree")
    assert "  2023-10-12: status scheduled → cancelled" in lines


def test_no_changes(history, cli):
    r = cli("--repo", history, "diff", "main", "HEAD")
    assert r.code == 0
    assert r.out.splitlines()[-1] == "No changes to the records."
    md = cli("--repo", history, "diff", "main", "HEAD", "-f", "md").out
    assert "No changes to the records." in md and "###" not in md
    assert json.loads(cli("--repo", history, "diff", "main", "HEAD", "-f", "json").out)["changes"] == []


def test_a_meeting_moved_to_another_date(history, cli):
    old = history / "records" / "meetings" / "2023-10-12.yaml"
    new = history / "records" / "meetings" / "2023-10-19.yaml"
    new.write_text(old.read_text(encoding="utf-8").replace("date: 2023-10-12", "date: 2023-10-19"),
                   encoding="utf-8")
    old.unlink()
    report = json.loads(cli("--repo", history, "diff", "-f", "json").out)
    moved = [c for c in report["changes"] if c["section"] == "meetings"]
    assert moved == [{"section": "meetings", "subject": "2023-10-19", "change": "moved",
                      "summary": "moved from 2023-10-12", "details": {"date": ["2023-10-12", "2023-10-19"]}}]


def test_a_file_that_does_not_load_is_left_out_with_a_warning(history, cli):
    edit(history / "records" / "meetings" / "2023-10-12.yaml", "status: scheduled", "status: postponed")
    r = cli("--repo", history, "diff")
    assert r.code == 0
    assert ("warning: working tree: 1 file did not load and is left out of the comparison "
            "(records/meetings/2023-10-12.yaml); run cspkit validate") in r.out.splitlines()
    assert "removed" not in r.out  # not reported as a meeting removed


def test_records_that_did_not_exist_yet(tmp_path, cli):
    repo = tmp_path / "new"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("notes\n", encoding="utf-8")
    commit(repo, "start")
    assert cli("init", repo / "csp", "--first-meeting", "2024-03-14").code == 0
    r = cli("--repo", repo / "csp", "diff", "main")
    assert r.code == 0, r.err
    assert "  2024-03-14: added (scheduled)" in r.out.splitlines()
    assert "warning: main: no cspkit.yaml there; everything counts as added" in r.out.splitlines()


# --------------------------------------------------------------------------- errors


def test_a_bad_revision_is_named(history, cli):
    r = cli("--repo", history, "diff", "no-such-branch")
    assert r.code == 1
    assert r.out == ""
    assert r.err.startswith("error: 'no-such-branch' is not a revision in the git repository at ")
    r = cli("--repo", history, "diff", "main", "v9.9")
    assert r.code == 1
    assert "'v9.9' is not a revision" in r.err


def test_outside_a_git_repository(mini, cli):
    r = cli("--repo", mini, "diff")
    assert r.code == 1
    assert r.err == (f"error: {mini.resolve()} is not inside a git repository (cspkit diff compares git "
                     "revisions; run git init, or pass --repo for a folder that is in one)\n")


def test_no_main_branch_needs_revisions(mini, cli):
    git(mini, "init", "-q", "-b", "trunk")
    commit(mini)
    r = cli("--repo", mini, "diff")
    assert r.code == 1
    assert "no main or master branch to compare with" in r.err


def test_a_records_folder_inside_a_bigger_repository(tmp_path, mini, cli):
    outer = tmp_path / "council"
    outer.mkdir()
    mini.rename(outer / "csp")
    git(outer, "init", "-q", "-b", "main")
    commit(outer, "records")
    edit(outer / "csp" / "records" / "people.yaml", "  role: Community Safety Manager\n",
         "  role: Community Safety Manager\n  active_to: 2023-09-30\n")
    commit(outer)
    r = cli("--repo", outer / "csp", "diff", "HEAD~1", "HEAD")
    assert r.code == 0, r.err
    assert "  carol-white: Carol White left on 2023-09-30" in r.out.splitlines()
