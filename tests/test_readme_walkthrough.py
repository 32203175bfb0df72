"""The README's "Entering a whole meeting" walk-through, run exactly as it is written.

The commands, the minutes' narrative and the PSA's Markdown are read out of README.md, so the
walk-through cannot drift from what cspkit does. On a git copy of the Charnwood records, every
command must succeed; the one hand edit is the minutes' narrative (laid over the items that
``minutes start`` wrote); at the end the repository validates with no problem and no warning,
and the records hold the whole meeting: new people, the changed agenda, attendance with online
and apologies, actions from decisions, the new PSA with one recommendation removed by decision,
forward programme rows added and deferred, the next meeting at a venue to be confirmed.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from cspkit.session import open_repo
from cspkit.yaml.write import edit_text

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SECTION = "### Entering a whole meeting"
D = dt.date


def walkthrough() -> tuple[list[list[list[str]]], list[dict], str]:
    """(the shell blocks as command argument lists, the narrative items, the PSA's Markdown)."""
    text = README.read_text(encoding="utf-8")
    start = text.index(SECTION)
    end = text.find("\n## ", start)
    section = text[start:end if end != -1 else None]
    blocks = re.findall(r"```(\w*)\n(.*?)```", section, flags=re.S)
    shells = [body for lang, body in blocks if lang == "sh"]
    narrative = [body for lang, body in blocks if lang == "yaml"]
    psa = [body for lang, body in blocks if lang == "markdown"]
    assert len(shells) == 2 and len(narrative) == 1 and len(psa) == 1, "the walk-through's blocks have changed"
    commands = []
    for body in shells:
        joined = re.sub(r"\\\n\s*", " ", body)
        block = []
        for line in joined.splitlines():
            args = shlex.split(line, comments=True)
            if args:
                assert args[0] == "cspkit", line
                block.append(args[1:])
        commands.append(block)
    return commands, yaml.safe_load(narrative[0]), psa[0]


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def charnwood(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.delenv("CSPKIT_REPO", raising=False)
    root = tmp_path / "charnwood"
    root.mkdir()
    shutil.copytree(ROOT / "records", root / "records")
    shutil.copy2(ROOT / "cspkit.yaml", root / "cspkit.yaml")
    shutil.copytree(ROOT / "schemas", root / "schemas")
    git(root, "init", "-q")
    git(root, "config", "user.email", "clerk@example.org")
    git(root, "config", "user.name", "Clerk")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "records as embedded")
    monkeypatch.chdir(root)
    return root


def write_the_minutes(path: Path, items: list[dict]) -> None:
    """The clerk's one hand edit: the narrative under the items the skeleton already has, as an
    editor would type it (points, then decisions), comments and layout elsewhere untouched."""
    for written in items:
        for key in [k for k in written if k not in ("item", "title")]:
            def mutate(doc: dict, written: dict = written, key: str = key) -> None:
                minutes = doc["minutes"]["items"]
                at = next(i for i, old in enumerate(minutes) if str(old.get("item")) == str(written["item"]))
                assert minutes[at]["title"] == written["title"], "the narrative is for another item"
                minutes[at][key] = written[key]

            path.write_text(edit_text(path.read_text(encoding="utf-8"), mutate), encoding="utf-8")


def test_the_readme_enters_a_whole_meeting(charnwood: Path, cli) -> None:
    (before_minutes, after_minutes), narrative, psa_markdown = walkthrough()
    (charnwood / "psa-2024.md").write_text(psa_markdown, encoding="utf-8")

    def run(block: list[list[str]]) -> None:
        for args in block:
            r = cli("--repo", str(charnwood), *args)
            assert r.code == 0, (args, r.out, r.err)

    run(before_minutes)
    january = charnwood / "records/meetings/2024-01-18.yaml"
    write_the_minutes(january, narrative)
    run(after_minutes)

    r = cli("--repo", str(charnwood), "validate")
    assert (r.code, r.out.splitlines()[-1]) == (0, "21 files checked, no problems"), r.out
    r = cli("--repo", str(charnwood), "fmt", "--check")  # what the commands wrote is laid out as fmt would
    assert r.code == 0, r.out
    repo = open_repo(charnwood)

    # the registry: a placeholder corrected everywhere, new people
    assert "s-devshi" not in repo.people
    devshi = repo.people["sajan-devshi"]
    assert (devshi.name, devshi.organisation, devshi.aliases) == ("Sajan Devshi", "opcc", ["S Devshi"])
    assert {"rik-basra", "joshna-mavji", "ben-bee"} <= set(repo.people)
    assert "s-devshi" not in (charnwood / "records/forward-programme.yaml").read_text(encoding="utf-8")

    # the agenda as it was, and who was there
    m = repo.meetings[D(2024, 1, 18)]
    assert [(i.number, i.title) for i in m.agenda] == [
        ("1", "Apologies"), ("2", "Minutes"), ("3", "Action Log"), ("4", "2023/24 Performance"),
        ("5", "2023/26 CSP Plan Update"),
        ("6", "Partnership Strategic Assessment and Community Safety Partnership Plan 2023-26"),
        ("7", "PSA Recommendations Follow Up"), ("8", "Partner Updates"),
        ("9", "Scrutiny of the Community Safety Partnership"), ("10", "Serious Violence Duty"),
        ("11", "Any Other Business"), ("12", "Forward Programme")]
    present = {a.person: a for a in m.attendance.present}
    assert list(present)[:2] == ["liz-blackshaw", "dave-stokes"] and m.chair == "liz-blackshaw"
    assert {p for p, a in present.items() if a.remote} == {"sajan-devshi", "ant-dales"}
    assert present["rik-basra"].substitute_for == "anita-chavda"
    assert present["joshna-mavji"].qualifier == "Public Health"
    assert [a.person for a in m.attendance.apologies] == ["robert-kitson", "maddie-clay", "anita-chavda"]
    assert [(a.person, a.role.value) for a in m.attendance.officers] == [("karey-summers", "minutes")]

    # October's minutes, kept by the council, approved in January without faking attendance
    october = repo.meetings[D(2023, 10, 12)]
    assert (october.status.value, october.minutes.state.value, october.minutes.approved_at) == (
        "held", "approved", D(2024, 1, 18))
    assert october.attendance.present == [] and october.minutes.external

    # decisions became actions, due at the next meeting unless given a date; the log is current
    raised = {a.id: a for a in repo.actions.values() if a.meeting == D(2024, 1, 18)}
    assert sorted(raised) == ["2024-01-18/10.1", "2024-01-18/9.1"]
    assert (raised["2024-01-18/9.1"].owners, raised["2024-01-18/9.1"].due_meeting) == (["tim-mccabe"], D(2024, 4, 18))
    assert raised["2024-01-18/10.1"].due_meeting == D(2024, 10, 24)
    assert repo.actions["2023-01-26/7.1"].status.value == repo.actions["2023-07-13/11.1"].status.value == "complete"
    assert repo.actions["2023-01-26/8.1"].due_meeting == D(2024, 4, 18)

    # the 2024 PSA, with recommendation 5 removed by the meeting's decision
    psa = repo.psa[2024]
    assert len(psa.recommendations) == 10
    removed = psa.recommendations[4]
    assert (removed.number, removed.status.value, removed.removed.meeting, removed.removed.item) == (
        5, "removed", D(2024, 1, 18), "6")
    assert {r.status.value for r in psa.recommendations if r.number != 5} == {"agreed"}

    # the forward programme: rows added, one deferred, those taken rolled on
    rows = {it.id: it for it in repo.programme.items}
    assert rows["partnership-locality-fund-update"].when == D(2024, 4, 18)
    assert rows["serious-violence-duty-delivery-plan"].action_by == ["rik-basra"]
    assert rows["community-trigger-review"].when == D(2024, 4, 18)
    assert rows["scrutiny-of-the-csp"].last_taken == D(2024, 1, 18)

    # the next meeting, venue to be confirmed
    assert repo.meetings[D(2024, 4, 18)].venue == "to be confirmed"

    # the minutes as published say who was online, who substituted, and the qualifiers
    minutes = (charnwood / "build/2024-01-18-minutes.md").read_text(encoding="utf-8")
    assert "- Sajan Devshi (online) — Office of the Police and Crime Commissioner" in minutes
    assert "- Rik Basra (for Anita Chavda) — Leicestershire County Council" in minutes
    assert "- Joshna Mavji — Leicestershire County Council (Public Health)" in minutes
    assert "The minutes of the meeting held on 12th October 2023 were approved." in minutes

    # what the walk-through changed: the registry, the programme, four meetings, three actions files, a PSA
    changed = {line[3:] for line in git(charnwood, "status", "--porcelain", "--untracked-files=all").splitlines()}
    assert {f for f in changed if f.endswith(".yaml")} == {
        "records/people.yaml", "records/forward-programme.yaml", "records/meetings/2023-10-12.yaml",
        "records/meetings/2024-01-18.yaml", "records/meetings/2024-04-18.yaml", "records/actions/2023-01-26.yaml",
        "records/actions/2023-07-13.yaml", "records/actions/2024-01-18.yaml", "records/psa/2024.yaml"}
