"""User input is never exit 3, and Ctrl-C is never a traceback (issue 12, cases 9 and 10).

``render -o`` at a path under a file, under /proc or unwritable, ``schema --out`` an existing
file, ``new-meeting --date 0001-01-01``: each was an internal error (exit 3) where one line and
exit 1 belong. Ctrl-C in the first fifty milliseconds printed a KeyboardInterrupt traceback.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CHARNWOOD, copy_repo, trials


def test_render_to_a_folder_under_a_file_or_in_proc_is_one_line(mini, cli, tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine\n", encoding="utf-8")
    cases = {
        a_file / "build": f"error: {a_file / 'build'}: cannot write (Not a directory); nothing was written\n",
        Path("/proc/cspkit-build"): "error: /proc/cspkit-build: cannot write (No such file or directory); "
                                    "nothing was written\n",
    }
    for out, message in cases.items():
        r = cli("--repo", mini, "render", "pack", "2023-10-12", "-f", "md", "-o", out)
        assert (r.code, r.out, r.err) == (1, "", message), out
    assert a_file.read_text(encoding="utf-8") == "mine\n"


def test_render_to_a_read_only_folder_is_one_line(mini, cli, tmp_path, monkeypatch):
    """Read-only as for a user (root can write anywhere, so the refusal is simulated)."""
    out = tmp_path / "readonly" / "build"
    real_mkdir = Path.mkdir

    def refuse(self, *args, **kwargs):
        if self == out:
            raise PermissionError(13, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refuse)
    r = cli("--repo", mini, "render", "pack", "2023-10-12", "-f", "md", "-o", out)
    assert (r.code, r.out, r.err) == (1, "", f"error: {out}: cannot write (Permission denied); nothing was written\n")


def test_schema_out_refuses_a_file_and_files_it_did_not_write(cli, tmp_path):
    a_file = tmp_path / "schemas.json"
    a_file.write_text("{}\n", encoding="utf-8")
    r = cli("schema", "--out", a_file)
    assert (r.code, r.out, r.err) == (1, "", f"error: {a_file}: is a file, not a folder (--out names the folder to "
                                             "write the <kind>.schema.json files into)\n")
    folder = tmp_path / "schemas"
    folder.mkdir()
    (folder / "meeting.schema.json").write_text('{"mine": true}\n', encoding="utf-8")
    r = cli("schema", "--out", folder)
    assert (r.code, r.out, r.err) == (1, "", f"error: {folder / 'meeting.schema.json'}: exists and is not a schema "
                                             "cspkit wrote; nothing was written (use --force to replace it)\n")
    assert [p.name for p in folder.iterdir()] == ["meeting.schema.json"]
    assert cli("schema", "--out", folder, "--force").code == 0
    assert cli("schema", "--out", folder).code == 0  # its own files it replaces: they are generated


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_new_meeting_on_a_date_no_records_are_kept_for_is_one_line(cli, tmp_path, day):
    root = copy_repo(CHARNWOOD, tmp_path / "charnwood")
    r = cli("--repo", root, "new-meeting", "--date", day, "--dry-run")
    assert (r.code, r.out, r.err) == (1, "", f"error: meeting date {day} is outside the years records are kept for "
                                             "(1900 to 2999)\n")


def test_ctrl_c_in_the_first_moments_is_never_a_traceback(mini):
    """Case 10: SIGINT at random moments in the first 50 ms of cspkit (40 tries, both entry points).

    Each child says when its interpreter has started and imported the ``cspkit`` package, the first
    code cspkit runs (what Python does before that is not cspkit's to handle); the signal comes at
    a random moment in the next 50 ms, while the command line imports itself and starts the command.
    """
    rng = random.Random(12)
    entry = {
        "console script": "from cspkit.cli import main; sys.exit(main())",
        "python -m cspkit": "import runpy; runpy.run_module('cspkit', run_name='__main__')",
    }
    env = {**os.environ, "CSPKIT_CACHE": "0"}
    failures = []
    for i in range(trials(40)):
        how = list(entry)[i % 2]
        script = (f"import os, sys; sys.argv[:] = [os.path.join(os.path.dirname(sys.executable), 'cspkit'), "
                  f"'--repo', {str(mini)!r}, 'validate']; import cspkit; os.write(2, b'.'); {entry[how]}")
        proc = subprocess.Popen([sys.executable, "-c", script], cwd=mini, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        try:
            assert proc.stderr.read(1) == b"."
            time.sleep(rng.uniform(0, 0.05))
            proc.send_signal(signal.SIGINT)
            _, err = proc.communicate(timeout=30)
        finally:
            proc.kill()
        text = err.decode("utf-8", "replace")
        if proc.returncode not in (0, 130) or "Traceback" in text or "KeyboardInterrupt" in text or \
                (proc.returncode == 130 and text != "interrupted\n"):
            failures.append((how, proc.returncode, text[-300:]))
    assert failures == []
