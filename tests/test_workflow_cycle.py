"""The meeting cycle told as one story, on a git copy of the embedded Charnwood records.

An officer sets up the next scheduled meeting; the agenda has the standing items, the
forward programme items due and the open actions. The clerk starts the minutes, writes the
decisions, and turns those with owners into actions; one action is updated and one
reassigned; the minutes are approved at the following meeting; the forward programme is
rolled on. After every step the repository validates, ``git diff`` touches only what the
step meant to change, and a comment the clerk wrote by hand in the meeting file survives.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from cspkit import views
from cspkit.session import open_repo

MAIN = Path(__file__).resolve().parent.parent
COMMENT = "# Hand-written by the clerk: room booked, ask reception for the hearing loop."


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)


def changed(root: Path) -> set[str]:
    """Files changed or added since the last commit."""
    out = git(root, "status", "--porcelain", "--untracked-files=all")
    return {line[3:] for line in out.splitlines()}


def diff_lines(root: Path, path: str) -> tuple[list[str], list[str]]:
    """Lines removed and added in ``path`` since the last commit."""
    out = git(root, "diff", "-U0", "--", path)
    removed = [ln[1:] for ln in out.splitlines() if ln.startswith("-") and not ln.startswith("---")]
    added = [ln[1:] for ln in out.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    return removed, added


@pytest.fixture
def charnwood(tmp_path: Path, monkeypatch) -> Path:
    """A git repository holding a copy of the Charnwood records (records/, cspkit.yaml, schemas/)."""
    monkeypatch.delenv("CSPKIT_REPO", raising=False)
    if not (MAIN / "records" / "meetings").is_dir() or not any((MAIN / "records" / "meetings").iterdir()):
        pytest.skip("the embedded Charnwood records are not there yet")
    root = tmp_path / "charnwood"
    root.mkdir()
    shutil.copytree(MAIN / "records", root / "records")
    shutil.copy2(MAIN / "cspkit.yaml", root / "cspkit.yaml")
    if (MAIN / "schemas").is_dir():
        shutil.copytree(MAIN / "schemas", root / "schemas")
    git(root, "init", "-q")
    git(root, "config", "user.email", "clerk@example.org")
    git(root, "config", "user.name", "Clerk")
    commit(root, "records as embedded")
    try:
        open_repo(root)
    except Exception as exc:  # the records are written concurrently; the story needs them valid
        pytest.skip(f"the embedded Charnwood records do not validate yet: {str(exc).splitlines()[0]}")
    return root


def test_the_meeting_cycle(charnwood: Path, cli) -> None:
    root = charnwood
    rel = lambda day: f"records/meetings/{day}.yaml"  # noqa: E731

    def step(*args: str) -> str:
        r = cli("--repo", root, *args)
        assert r.code == 0, (args, r.err)
        assert r.err == ""
        check = cli("--repo", root, "validate")
        assert check.code == 0, check.out
        return r.out

    def comment_survives() -> None:
        assert COMMENT in (root / rel(day)).read_text(encoding="utf-8")

    # ------------------------------------------------------------------ 1. new meeting
    before = open_repo(root)
    day = views.next_schedule_date(before)
    assert day is not None
    due = views.programme_due(before, day)
    log = views.action_log(before, day)
    out = step("new-meeting")
    assert changed(root) == {rel(day)}
    meeting = open_repo(root).meetings[day]
    assert meeting.status.value == "scheduled"
    titles = [i.title for i in meeting.agenda]
    for s in before.config.standing_agenda:
        assert s.title in titles
    assert [i.number for i in meeting.agenda] == [str(n) for n in range(1, len(meeting.agenda) + 1)]
    taken = {i.programme_item for i in meeting.agenda if i.programme_item}
    assert {it.id for it in due} <= taken, "every forward programme item due is on the agenda"
    aob = next(i for i, item in enumerate(meeting.agenda) if item.key == "aob")
    for i, item in enumerate(meeting.agenda):
        if item.programme_item and not item.key:
            assert i < aob, f"{item.title} should come before any other business"
            row = next(it for it in due if it.id == item.programme_item)
            assert item.leads == row.action_by
    plan_item = next(i for i in meeting.agenda if i.key == "plan-update")
    plan = before.config.plan_for(day)
    assert [s.priority for s in plan_item.sub_items] == [p.number for p in plan.priorities]
    assert log, "the Charnwood records carry open actions forward"
    for a in log:
        assert a.id in out, f"open action {a.id} should be listed for the pack"
    entry = next(s for s in before.config.schedule if s.date == day)
    assert meeting.start == entry.start and meeting.end == entry.end
    assert (root / rel(day)).read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../../schemas/meeting.schema.json\n")

    # the clerk adds a note by hand
    path = root / rel(day)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nagenda:\n", f"\n{COMMENT}\nagenda:\n", 1), encoding="utf-8")
    commit(root, "new meeting, with a note")

    # ------------------------------------------------------------------ 2. attendance, minutes started
    chair = meeting.chair
    step("attendance", str(day), "--chair", chair, "--present", "Dave Stokes", "--online", "Gareth Harvey",
         "--apologies", "Tim McCabe")
    assert changed(root) == {rel(day)}
    comment_survives()
    commit(root, "attendance recorded")
    out = step("minutes", "start", str(day))
    assert changed(root) == {rel(day)}
    comment_survives()
    removed, added = diff_lines(root, rel(day))
    assert removed == ["status: scheduled"]
    assert "status: held" in added and "minutes:" in added and "  state: draft" in added
    assert not any("person:" in line for line in added), "minutes start leaves attendance as recorded"
    held = open_repo(root).meetings[day]
    assert held.status.value == "held"
    assert [mi.item for mi in held.minutes.items] == [a.number for a in held.agenda]
    assert [a.person for a in held.attendance.present] == [chair, "dave-stokes", "gareth-harvey"]
    assert held.attendance.present[0].role.value == "chair" and held.attendance.present[2].remote
    assert [a.person for a in held.attendance.apologies] == ["tim-mccabe"]
    commit(root, "minutes started")

    # ------------------------------------------------------------------ 3. decisions with owners -> actions
    from_programme = [i for i in held.agenda if i.programme_item and not i.key]
    assert len(from_programme) >= 2
    first, second = from_programme[0], from_programme[1]
    text = path.read_text(encoding="utf-8")
    decisions = {
        first.number: ("    body:\n    - decisions:\n"
                       "      - text: the Partnership Locality Fund criteria be circulated to partners\n"
                       "        owners:\n        - tim-mccabe\n"
                       f"        due: {day + dt.timedelta(days=28)}\n"),
        second.number: ("    body:\n    - points:\n      - The Partnership discussed the report.  # clerk's own note\n"
                        "    - decisions:\n      - text: the information be noted\n"
                        "      - text: a joint report come back to the next meeting\n"
                        "        owners:\n        - gareth-harvey\n        - tim-mccabe\n"),
    }
    for number, block in decisions.items():
        title_line = next(ln for ln in text.splitlines()
                          if ln == f"  - item: {number}" or ln == f"  - item: '{number}'")
        at = text.index(title_line + "\n")
        end_of_title = text.index("\n", text.index("    title:", at)) + 1
        text = text[:end_of_title] + block + text[end_of_title:]
    path.write_text(text, encoding="utf-8")
    assert cli("--repo", root, "validate").code == 0
    commit(root, "the clerk writes the minutes")

    out = step("actions", "raise", str(day))
    actions_file = f"records/actions/{day}.yaml"
    assert changed(root) == {rel(day), actions_file}
    comment_survives()
    id1, id2 = f"{day}/{first.number}.1", f"{day}/{second.number}.1"
    assert id1 in out and id2 in out
    removed, added = diff_lines(root, rel(day))
    assert removed == []
    assert sorted(added) == sorted([f"        action: {id1}", f"        action: {id2}"])
    raised = open_repo(root)
    a1, a2 = raised.actions[id1], raised.actions[id2]
    assert a1.owners == ["tim-mccabe"] and a1.due == day + dt.timedelta(days=28) and a1.decision == 1
    assert a2.owners == ["gareth-harvey", "tim-mccabe"] and a2.decision == 2
    assert (root / actions_file).read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../../schemas/actions.schema.json\n")
    # running it again raises nothing new
    assert "No decisions" in step("actions", "raise", str(day))
    assert changed(root) == {rel(day), actions_file}
    commit(root, "actions raised")

    # ------------------------------------------------------------------ 4. an action updated, one reassigned
    later = day + dt.timedelta(days=14)
    step("actions", "update", id1, "--note", "Criteria drafted; out to partners next week.", "--date", str(later))
    assert changed(root) == {actions_file}
    removed, added = diff_lines(root, actions_file)
    assert removed == []
    assert added == ["  history:", f"  - date: {later}", "    note: Criteria drafted; out to partners next week."]
    commit(root, "action updated")

    step("actions", "update", id2, "--reassign", "Dave Stokes", "--date", str(later))
    assert changed(root) == {actions_file}
    removed, added = diff_lines(root, actions_file)
    assert removed == []
    assert sorted(added) == sorted(["  - dave-stokes", "  raised_owners:", "  history:", f"  - date: {later}",
                                    "    reassigned_to:", "    - dave-stokes"])
    reassigned = open_repo(root).actions[id2]
    assert reassigned.owners == ["dave-stokes"]
    assert reassigned.raised_owners == ["gareth-harvey", "tim-mccabe"]
    assert reassigned.history[-1].reassigned_to == ["dave-stokes"]
    assert reassigned.id == id2  # an action keeps its identity when its owner changes
    listed = cli("--repo", root, "actions", "list", "--open", "--owner", "Dave Stokes", "--format", "json",
                 "--as-of", str(later))
    assert listed.code == 0 and id2 in listed.out and id1 not in listed.out
    commit(root, "action reassigned")

    # ------------------------------------------------------------------ 5. minutes approved at the following meeting
    step("new-meeting")
    following = views.next_schedule_date(open_repo(root), day)
    assert following is not None and (root / rel(following)).exists()
    commit(root, "following meeting set up")
    step("minutes", "start", str(following))
    commit(root, "following meeting held")
    step("minutes", "approve", str(day), "--at", str(following))
    assert changed(root) == {rel(day), rel(following)}
    comment_survives()
    removed, added = diff_lines(root, rel(day))
    assert removed == ["  state: draft"]
    assert added == ["  state: approved", f"  approved_at: {following}"]
    removed, added = diff_lines(root, rel(following))
    assert removed == []
    assert len(added) == 2 and added[0] == "    body:"
    assert "were approved." in added[1] and added[1].startswith("    - text: The minutes of")
    approved = open_repo(root)
    assert approved.meetings[day].minutes.state.value == "approved"
    assert approved.meetings[day].minutes.approved_at == following
    commit(root, "minutes approved")

    # ------------------------------------------------------------------ 6. forward programme rolled
    out = step("programme", "roll", str(day))
    programme = "records/forward-programme.yaml"
    assert changed(root) == {programme}
    comment_survives()
    rolled = open_repo(root).programme
    by_id = {it.id: it for it in rolled.items}
    for item in held.agenda:
        if not item.programme_item:
            continue
        row = by_id[item.programme_item]
        assert row.last_taken == day
        if row.recurs.value == "none":
            assert row.status.value == "done"
        else:
            assert row.status.value == "planned"
            assert not views.is_due(open_repo(root), row, day), f"{row.id} moved on"
    removed, added = diff_lines(root, programme)
    assert all(line.strip().startswith(("when:", "last_taken:", "status:")) for line in removed + added)
    # rolling twice changes nothing
    commit(root, "programme rolled")
    assert "already rolled" in step("programme", "roll", str(day))
    assert changed(root) == set()
