"""Merges: two people adding actions on two branches.

Actions live in one file per meeting that raised them, with ids scoped to that meeting, so
branches adding actions to different meetings touch different files and merge without a
conflict. If two branches both add the same id to the same file at different places, git
merges the text cleanly, and ``cspkit validate`` reports the duplicate.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import CHARNWOOD, copy_repo

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

ACTIONS = "records/actions/2023-07-13.yaml"


def git(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Clerk", "GIT_AUTHOR_EMAIL": "clerk@example.org",
           "GIT_COMMITTER_NAME": "Clerk", "GIT_COMMITTER_EMAIL": "clerk@example.org", "GIT_CONFIG_NOSYSTEM": "1",
           "HOME": str(root.parent)}
    return subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True)


def ok(p: subprocess.CompletedProcess) -> str:
    assert p.returncode == 0, p.stdout + p.stderr
    return p.stdout


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("CSPKIT_REPO", raising=False)
    root = copy_repo(CHARNWOOD, tmp_path / "charnwood")
    ok(git(root, "init", "-q", "-b", "main"))
    ok(git(root, "add", "-A"))
    ok(git(root, "commit", "-q", "-m", "records"))
    return root


def branch_with(root: Path, name: str, change, cli) -> None:
    ok(git(root, "checkout", "-q", "-b", name, "main"))
    change()
    r = cli("--repo", root, "validate")
    assert r.code == 0, f"branch {name} on its own: {r.out}"
    ok(git(root, "add", "-A"))
    ok(git(root, "commit", "-q", "-m", name))


def test_actions_added_to_different_meetings_merge_cleanly_and_validate(repo, cli):
    def july():
        r = cli("--repo", repo, "actions", "add", "--meeting", "2023-07-13", "--item", "11", "--owner", "Dave Stokes",
                "--text", "Check the CCTV rota.", "--due", "2023-12-01")
        assert r.code == 0, r.err

    def january():
        r = cli("--repo", repo, "actions", "add", "--meeting", "2023-01-26", "--item", "7", "--owner", "Dave Stokes",
                "--text", "Ask the county about the Harm to Hope group.", "--due", "2023-12-01")
        assert r.code == 0, r.err

    branch_with(repo, "clerk-a", july, cli)
    branch_with(repo, "clerk-b", january, cli)
    ok(git(repo, "checkout", "-q", "clerk-a"))
    merged = git(repo, "merge", "--no-edit", "clerk-b")
    assert merged.returncode == 0 and "CONFLICT" not in merged.stdout, merged.stdout + merged.stderr
    r = cli("--repo", repo, "validate")
    assert r.code == 0, r.out
    from cspkit.session import open_repo

    ids = set(open_repo(repo).actions)
    assert {"2023-07-13/11.2", "2023-01-26/7.2"} <= ids


NEW_ACTION = """\
- id: 2023-07-13/11.2
  text: {text}
  owners:
  - dave-stokes
  due: 2023-12-01
  status: open
"""


def test_the_same_id_added_on_two_branches_is_reported_after_the_merge(repo, cli):
    path = repo / ACTIONS

    def append():  # clerk A, with the command: the next number at the end of the file
        r = cli("--repo", repo, "actions", "add", "--meeting", "2023-07-13", "--item", "11", "--owner", "Dave Stokes",
                "--text", "Check the CCTV rota.", "--due", "2023-12-01")
        assert r.code == 0 and "2023-07-13/11.2" in r.out, r.out + r.err

    def insert():  # clerk B, by hand: the same id, at the top of the list
        text = path.read_text(encoding="utf-8")
        assert text.count("actions:\n") == 1
        path.write_text(text.replace("actions:\n", "actions:\n" + NEW_ACTION.format(text="Chase the CCTV contract."),
                                     1), encoding="utf-8")

    branch_with(repo, "clerk-a", append, cli)
    branch_with(repo, "clerk-b", insert, cli)
    ok(git(repo, "checkout", "-q", "clerk-a"))
    merged = git(repo, "merge", "--no-edit", "clerk-b")
    assert merged.returncode == 0 and "CONFLICT" not in merged.stdout, merged.stdout + merged.stderr
    assert path.read_text(encoding="utf-8").count("- id: 2023-07-13/11.2\n") == 2

    r = cli("--repo", repo, "validate")
    assert r.code == 1
    lines = r.out.splitlines()
    line = next(i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if ln == "- id: 2023-07-13/11.2" and i > 5)
    assert f"{ACTIONS}:{line}:7: actions[2].id: duplicate action id '2023-07-13/11.2' (also at actions[0].id)" in lines
    assert len(lines) == 2 and lines[-1].startswith("1 problem in 1 file ("), lines
