"""Interrupted writes and concurrent edits: a record file is always the old or the new version.

Every write goes to a temporary file in the same folder, is fsync'd, then replaces the
target in one step (cspkit/fileio.py). A command that changes several files checks all of
them against what it read before writing any, and puts back what it wrote if a later write
fails (cspkit/edit.py). These tests break writes on purpose: a failure injected between
writing and replacing, a process killed with SIGKILL at random moments, a second writer
changing a file while cspkit works on it.
"""

from __future__ import annotations

import errno
import hashlib
import os
import random
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import snapshot, trials

import cspkit.fileio
import cspkit.session

ACTIONS = "records/actions/2023-07-13.yaml"
MEETING = "records/meetings/2023-07-13.yaml"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    monkeypatch.delenv("CSPKIT_REPO", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def with_decision_to_raise(repo: Path) -> Path:
    """A second decision with an owner and no action yet, so `actions raise` changes two files."""
    meeting = repo / MEETING
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace(
        "        action: 2023-07-13/3.1\n",
        "        action: 2023-07-13/3.1\n      - text: the council review town centre lighting\n"
        "        owners: [carol-white]\n"), encoding="utf-8")
    return repo


WRITING_COMMANDS = {
    "actions update": ["actions", "update", "2023-07-13/3.1", "--note", "Plan drafted.", "--date", "2023-09-01"],
    "actions close": ["actions", "close", "2023-07-13/3.1", "--date", "2023-10-12"],
    "new-meeting --force": ["new-meeting", "--date", "2023-10-12", "--force"],
    "new-meeting (new file)": ["new-meeting", "--date", "2024-01-11"],
    "update new --force": ["update", "new", "2023-10-12", "mini-police", "--force"],
    "minutes start": ["minutes", "start", "2023-10-12"],
    "psa update": ["psa", "update", "1", "--note", "Lighting reviewed.", "--date", "2023-09-01"],
    "actions raise (two files)": ["actions", "raise", "2023-07-13"],
}


# --------------------------------------------------------------------------- injected failures


@pytest.mark.parametrize("name", list(WRITING_COMMANDS))
def test_failure_between_write_and_replace_keeps_the_old_file(name, mini, cli, monkeypatch):
    """A bug (exit 3) between writing the temporary file and replacing: old files, no temporary files."""
    with_decision_to_raise(mini)
    before = snapshot(mini)
    calls = []

    def fail(path):
        calls.append(path)
        raise RuntimeError("injected failure between write and replace")

    monkeypatch.setattr(cspkit.fileio, "_before_replace", fail)
    r = cli("--repo", mini, *WRITING_COMMANDS[name])
    assert calls, "the command never got as far as replacing a file"
    assert r.code == 3 and r.err.startswith("internal error: RuntimeError. This is a bug"), r.err
    assert snapshot(mini) == before  # byte for byte, and no temporary files left behind


@pytest.mark.parametrize("name", ["actions update", "new-meeting (new file)", "actions raise (two files)"])
def test_a_full_disk_is_a_one_line_user_error_and_changes_nothing(name, mini, cli, monkeypatch):
    with_decision_to_raise(mini)
    before = snapshot(mini)

    def full(path):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(cspkit.fileio, "_before_replace", full)
    r = cli("--repo", mini, *WRITING_COMMANDS[name])
    assert r.code == 1
    line, = r.err.splitlines()
    assert line.startswith(str(mini.resolve()) + "/records/") and \
        line.endswith(": cannot write (No space left on device); nothing was written"), line
    assert snapshot(mini) == before


def test_a_change_to_two_files_is_all_or_nothing(mini, cli, monkeypatch):
    """The second of two writes fails: the first file, already replaced, is put back."""
    with_decision_to_raise(mini)
    before = snapshot(mini)
    real = cspkit.fileio._before_replace
    seen: list[str] = []

    def fail_second(path):
        seen.append(Path(path).name)
        if len(seen) == 2:
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(path))
        real(path)

    monkeypatch.setattr(cspkit.fileio, "_before_replace", fail_second)
    r = cli("--repo", mini, "actions", "raise", "2023-07-13")
    assert r.code == 1 and "cannot write (Input/output error); nothing was written" in r.err
    assert seen[:2] == ["2023-07-13.yaml", "2023-07-13.yaml"] and len(seen) >= 3  # 3rd: putting the first back
    assert snapshot(mini) == before
    monkeypatch.setattr(cspkit.fileio, "_before_replace", real)
    r = cli("--repo", mini, "actions", "raise", "2023-07-13")
    assert r.code == 0 and "2023-07-13/3.2" in r.out


def test_writes_fsync_the_temporary_file_before_replacing(mini, cli, monkeypatch):
    events: list[tuple] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            target = f"fd {fd}"
        events.append(("fsync", target))
        return real_fsync(fd)

    def replace(src, dst):
        events.append(("replace", str(src), str(dst)))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    r = cli("--repo", mini, *WRITING_COMMANDS["actions update"])
    assert r.code == 0, r.err
    target = str((mini / ACTIONS).resolve())
    i = next(i for i, e in enumerate(events) if e[0] == "replace" and e[2] == target)
    tmp = events[i][1]
    assert Path(tmp).parent == Path(target).parent and Path(tmp).name.startswith(".2023-07-13.yaml.")
    assert ("fsync", tmp) in events[:i]  # the data is on disk before the name points at it
    assert ("fsync", str(Path(target).parent)) in events[i + 1:]  # and so is the rename


# --------------------------------------------------------------------------- killed processes


#: Runs the real command line; with a "slow" argument the step between writing the temporary
#: file and replacing the target takes a while, so that kills land inside it too.
KILLABLE = textwrap.dedent("""
    import sys, time
    if sys.argv[1] == "slow":
        import cspkit.fileio
        def slow(path):
            sys.stderr.write("replacing\\n"); sys.stderr.flush()
            time.sleep(0.05)
        cspkit.fileio._before_replace = slow
    from cspkit.cli import main
    main(sys.argv[2:])
""")


def test_killed_writer_leaves_old_or_new(mini, tmp_path):
    """SIGKILL a writing `cspkit actions update` at random moments: the file is the old or the new one."""
    target = mini / ACTIONS
    old = target.read_bytes()
    args = ["--repo", str(mini), *WRITING_COMMANDS["actions update"]]
    env = {k: v for k, v in os.environ.items() if k != "CSPKIT_REPO"}
    # the new version, from a run that is left to finish
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "cspkit", *args], capture_output=True, text=True, env=env, timeout=60)
    runtime = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    new = target.read_bytes()
    assert new != old and b"Plan drafted." in new
    script = tmp_path / "killable.py"
    script.write_text(KILLABLE, encoding="utf-8")
    rng = random.Random(20231012)
    outcomes = {"old": 0, "new": 0}
    for i in range(trials(20)):
        target.write_bytes(old)
        slow = i % 2 == 1
        p = subprocess.Popen([sys.executable, str(script), "slow" if slow else "fast", *args],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        try:
            if slow:  # kill inside (or just around) the window between write and replace
                line = p.stderr.readline()
                assert line in (b"replacing\n", b""), line
                time.sleep([0.0, 0.02, 0.04, 0.08, 0.12][(i // 2) % 5] + rng.uniform(0, 0.01))
            else:  # anywhere in the run, start-up included
                time.sleep(rng.uniform(0, runtime * 1.1))
            p.kill()
        finally:
            p.wait(timeout=60)
            p.stderr.close()
        now = sha(target.read_bytes())
        assert now in (sha(old), sha(new)), f"iteration {i}: the file is neither the old nor the new version"
        outcomes["old" if now == sha(old) else "new"] += 1
        leftovers = [q.name for q in target.parent.iterdir() if q.name != target.name]
        # a killed process cannot clean up its temporary file; it is hidden, so cspkit never reads it
        assert all(n.startswith(".2023-07-13.yaml.") and n.endswith(".tmp") for n in leftovers), leftovers
        for n in leftovers:
            (target.parent / n).unlink()
    assert outcomes["old"] and outcomes["new"], outcomes  # the kills did land on both sides


def test_a_leftover_temporary_file_is_ignored(mini, cli):
    (mini / "records/actions/.2023-07-13.yaml.k2j4h1.tmp").write_bytes(b"meeting: 2023-07-13\nactions:\n- id: 20")
    r = cli("--repo", mini, "validate")
    assert r.code == 0, r.out


# --------------------------------------------------------------------------- concurrent edits


def _other_writer_after_check(monkeypatch, path: Path, content: str) -> None:
    """Between cspkit checking its change and writing it, someone else saves the file."""
    real_check = cspkit.session.Session.check_changes

    def check(self):
        problems = real_check(self)
        path.write_text(content, encoding="utf-8")
        return problems

    monkeypatch.setattr(cspkit.session.Session, "check_changes", check)


def test_a_file_changed_on_disk_meanwhile_is_not_replaced(mini, cli, monkeypatch):
    target = mini / ACTIONS
    theirs = target.read_text(encoding="utf-8").replace("Draft plan shared with partners.",
                                                        "Draft plan shared with partners (edited by Dan).")
    _other_writer_after_check(monkeypatch, target, theirs)
    r = cli("--repo", mini, *WRITING_COMMANDS["actions update"])
    assert r.code == 1
    assert r.err == (f"{target.resolve()}: changed on disk since cspkit read it; nothing was written "
                     "(run the command again)\n")
    assert target.read_text(encoding="utf-8") == theirs
    assert [p.name for p in target.parent.iterdir()] == ["2023-07-13.yaml"]


@pytest.mark.parametrize("changed", [ACTIONS, MEETING])
def test_either_file_of_a_two_file_change_changed_meanwhile_writes_neither(changed, mini, cli, monkeypatch):
    with_decision_to_raise(mini)
    before = snapshot(mini)
    target = mini / changed
    theirs = target.read_text(encoding="utf-8") + "# a comment saved by someone else\n"
    _other_writer_after_check(monkeypatch, target, theirs)
    r = cli("--repo", mini, "actions", "raise", "2023-07-13")
    assert r.code == 1
    assert r.err.endswith(": changed on disk since cspkit read it; nothing was written (run the command again)\n")
    assert r.err.startswith(str(target.resolve()))
    assert snapshot(mini) == {**before, changed: theirs.encode("utf-8")}


def test_a_file_created_by_someone_else_meanwhile_is_not_replaced(mini, cli, monkeypatch):
    target = mini / "records/meetings/2024-01-11.yaml"
    theirs = "date: 2024-01-11\nstatus: scheduled\n"
    _other_writer_after_check(monkeypatch, target, theirs)
    r = cli("--repo", mini, *WRITING_COMMANDS["new-meeting (new file)"])
    assert r.code == 1
    assert r.err == (f"{target.resolve()}: was created by someone else meanwhile; nothing was written "
                     "(run the command again)\n")
    assert target.read_text(encoding="utf-8") == theirs


def test_the_hash_guard_itself(tmp_path):
    """fileio.write_bytes refuses when the file is not what the caller read."""
    from cspkit.errors import ConflictError

    f = tmp_path / "x.yaml"
    f.write_bytes(b"a: 1\n")
    read = cspkit.fileio.digest(f.read_bytes())
    f.write_bytes(b"a: 2\n")
    with pytest.raises(ConflictError):
        cspkit.fileio.write_bytes(f, b"a: 3\n", expect=read)
    assert f.read_bytes() == b"a: 2\n"
    cspkit.fileio.write_bytes(f, b"a: 3\n", expect=cspkit.fileio.digest(b"a: 2\n"))
    assert f.read_bytes() == b"a: 3\n"
