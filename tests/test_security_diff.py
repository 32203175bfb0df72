"""``cspkit diff`` cannot be made to lie, and has a public form (issue 12, cases 4 and 12).

A file under ``records/`` whose name holds a line break shifted git's batch answers by one, so
the diff reported "all people removed". A diff meant for a pull request comment on a public
repository printed restricted text; ``--audience public`` shows such a change only as "a
restricted record changed".
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import MINI

HELD = "records/meetings/2023-07-13.yaml"


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=Clerk", "-c", "user.email=clerk@example.org", "-c",
                           "init.defaultBranch=main", *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    _git(root, "init", "-q")
    return root


def _commit(root: Path, message: str) -> None:
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", message)


def test_a_file_name_with_a_line_break_does_not_shift_what_git_answers(repo, cli):
    (repo / "records" / "a\nb.md").write_text("a note\n", encoding="utf-8")
    (repo / "records" / "notes\nfor the chair.md").write_text("x: 1\n", encoding="utf-8")
    _commit(repo, "records")
    r = cli("--repo", repo, "diff", "HEAD")
    assert r.code == 0, r.err
    assert r.out.splitlines()[1:] == ["No changes to the records."]

    actions = repo / "records/actions/2023-07-13.yaml"
    actions.write_text(actions.read_text(encoding="utf-8").replace("  status: open\n", "  status: complete\n  closed_on: 2023-10-12\n"),
                       encoding="utf-8")
    _commit(repo, "close")
    r = cli("--repo", repo, "diff", "HEAD~1", "HEAD")
    assert r.code == 0, r.err
    assert r.out.splitlines()[1:] == ["", "Actions", "  2023-07-13/3.1: closed: open → complete", "", "1 change"]


def test_a_public_diff_shows_a_restricted_change_only_as_a_restricted_record_changed(repo, cli):
    _commit(repo, "records")
    held = repo / HELD
    held.write_text(held.read_text(encoding="utf-8").replace("minutes:\n", """\
- number: 5
  title: Closed session ZQCLOSEDTITLE
  restricted: true
minutes:
""") + """\
  - item: 5
    title: Closed session
    body:
    - decisions:
      - text: the ZQPRIVATEDECISION be noted
""", encoding="utf-8")
    programme = repo / "records/forward-programme.yaml"
    programme.write_text(programme.read_text(encoding="utf-8") + "- id: covert\n  item: ZQPRIVATEROW\n  when: tbc\n"
                         "  restricted: true\n", encoding="utf-8")
    assert cli("--repo", repo, "validate").code == 0

    public = cli("--repo", repo, "diff", "HEAD", "--format", "md", "--audience", "public")
    assert public.code == 0, public.err
    assert public.out.split("\n", 4)[4] == (
        "### Agenda items\n\n- a restricted record changed\n\n"
        "### Minutes and decisions\n\n- a restricted record changed\n\n"
        "### Forward programme\n\n- a restricted record changed\n")
    partners = cli("--repo", repo, "diff", "HEAD", "--format", "md")
    assert "ZQCLOSEDTITLE" in partners.out and "ZQPRIVATEDECISION" in partners.out and "ZQPRIVATEROW" in partners.out
    for fmt in ("text", "json"):
        r = cli("--repo", repo, "diff", "HEAD", "--format", fmt, "--audience", "public")
        assert r.code == 0 and "ZQ" not in r.out and "a restricted record changed" in r.out
