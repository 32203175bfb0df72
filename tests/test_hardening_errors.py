"""Error discipline: what a person sees when something goes wrong, and what is written down.

* a user error: one line per problem on stderr, exit 1 (2 for a wrongly called command);
* an internal error: exactly one line naming a log file, exit 3; the log holds the traceback
  and never the values of local variables (records hold personal data);
* Ctrl-C: "interrupted", exit 130, no traceback;
* one exception hierarchy: everything cspkit raises on purpose is a ``CspkitError``.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import cspkit
from cspkit.errors import CspkitError

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "cspkit"

#: A made-up person, standing in for the personal data that records hold.
FAKE_NAME = "Philippa Quarrendon-Vole"
LINE_WITH_LOG = re.compile(r"^internal error: RuntimeError\. "
                           r"This is a bug in cspkit; details in (?P<log>\S+)$")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    monkeypatch.delenv("CSPKIT_REPO", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _person_from(repo) -> str:
    return repo.people["alice-smith"].name


def _failing_builder(monkeypatch, where: str = "cspkit.render.context.Builder.pack") -> None:
    """Make a library function fail the way a bug would, holding personal data in locals."""
    module_name, cls_name, attr = where.rsplit(".", 2)
    cls = getattr(importlib.import_module(module_name), cls_name)

    def pack(self, meeting):
        attendee = f"{FAKE_NAME[:8]}{FAKE_NAME[8:]}"  # built at run time: not in any source line
        names = [_person_from(self.repo), attendee]
        assert names
        raise RuntimeError("the layout engine gave up")

    monkeypatch.setattr(cls, attr, pack)


def test_an_internal_error_is_one_line_naming_a_log_without_locals(mini, cli, monkeypatch, tmp_path):
    _failing_builder(monkeypatch)
    r = cli("--repo", mini, "render", "pack", "2023-10-12", "--format", "md", "-o", tmp_path / "out")
    assert r.code == 3
    lines = r.err.splitlines()
    assert len(lines) == 1, r.err
    m = LINE_WITH_LOG.match(lines[0])
    assert m, lines[0]
    log = Path(m["log"])
    assert log.is_file() and log.parent == tmp_path / "cache" / "cspkit"
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last):" in text
    assert "RuntimeError: the layout engine gave up" in text
    assert "in pack" in text  # the frame where it failed is there...
    assert FAKE_NAME not in text and "Alice Smith" not in text  # ...its local variables are not
    assert FAKE_NAME not in r.out + r.err and "Traceback" not in r.out + r.err
    assert not (tmp_path / "out" / "2023-10-12-agenda-pack.md").exists()


def test_the_log_falls_back_to_the_temp_folder(mini, cli, monkeypatch, tmp_path):
    import tempfile

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    _failing_builder(monkeypatch)
    r = cli("--repo", mini, "render", "pack", "2023-10-12", "--format", "md", "-o", tmp_path / "out")
    assert r.code == 3
    log = Path(LINE_WITH_LOG.match(r.err.strip())["log"])
    assert log.parent == Path(tempfile.gettempdir()) and log.is_file()
    log.unlink()


def test_an_internal_error_in_a_real_process(mini, tmp_path):
    """The console entry point: exit status 3, one line, a log without the local's value."""
    script = textwrap.dedent(f"""
        import cspkit.session
        def check_repo(repo, *args, **kwargs):
            who = "{FAKE_NAME[:5]}" + "{FAKE_NAME[5:]}"
            raise RuntimeError("the layout engine gave up")
        cspkit.session.check_repo = check_repo
        from cspkit.cli import main
        main(["--repo", {str(mini)!r}, "validate"])
    """)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("CSPKIT_REPO", None)
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert p.returncode == 3, p.stderr
    assert p.stdout == ""
    m = LINE_WITH_LOG.match(p.stderr.rstrip("\n"))
    assert m and p.stderr.count("\n") == 1, p.stderr
    text = Path(m["log"]).read_text(encoding="utf-8")
    assert "RuntimeError: the layout engine gave up" in text and "check_repo" in text
    assert FAKE_NAME not in text


def test_ctrl_c_inside_a_command_exits_130_without_a_traceback(mini, cli, monkeypatch):
    import cspkit.validate

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cspkit.validate, "validate", interrupted)
    r = cli("--repo", mini, "validate")
    assert (r.code, r.err, r.out) == (130, "interrupted\n", "")


def test_ctrl_c_during_a_write_leaves_no_temporary_file(mini, cli, monkeypatch):
    import cspkit.fileio

    def interrupted(path):
        raise KeyboardInterrupt

    target = mini / "records/actions/2023-07-13.yaml"
    before = target.read_bytes()
    monkeypatch.setattr(cspkit.fileio, "_before_replace", interrupted)
    r = cli("--repo", mini, "actions", "update", "2023-07-13/3.1", "--note", "x", "--date", "2023-09-01")
    assert (r.code, r.err) == (130, "interrupted\n")
    assert target.read_bytes() == before
    assert [p.name for p in target.parent.iterdir()] == ["2023-07-13.yaml"]


def test_sigint_to_a_running_process_exits_130(mini, tmp_path):
    """A real Ctrl-C (SIGINT) while a command is busy rendering."""
    script = textwrap.dedent(f"""
        import sys, time
        import cspkit.render
        def slow(html, base):
            sys.stderr.write("ready\\n"); sys.stderr.flush()
            time.sleep(60)
        cspkit.render.html_to_pdf = slow
        from cspkit.cli import main
        main(["--repo", {str(mini)!r}, "render", "pack", "2023-10-12", "-o", {str(tmp_path / 'out')!r}])
    """)
    # As from a terminal. A test run started as a background job without job control (`(make
    # test &)`) inherits SIGINT ignored, and Python then never turns it into KeyboardInterrupt.
    p = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert p.stderr.readline() == "ready\n"
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=30)
    finally:
        p.kill()
    assert p.returncode == 130
    assert err == "interrupted\n" and out == ""


def test_user_errors_are_one_located_line_each(mini, cli, tmp_path):
    """A command that needs valid records lists each problem on its own line, with its place."""
    meeting = mini / "records/meetings/2023-10-12.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace("status: scheduled", "status: postponed\nvenu: x"),
                       encoding="utf-8")
    for args in (["render", "pack", "2023-10-12", "-o", tmp_path], ["calendar"], ["validate"]):
        r = cli("--repo", mini, *args)
        assert r.code == 1
        lines = (r.out if args == ["validate"] else r.err).splitlines()
        problems = [line for line in lines if not line.endswith("checked)")]
        assert problems == [
            "records/meetings/2023-10-12.yaml:2:9: status: Input should be 'scheduled', 'held' or 'cancelled' "
            "(got 'postponed')",
            "records/meetings/2023-10-12.yaml:3:1: venu: unknown key 'venu' (did you mean 'venue'?)",
        ], (args, r.out, r.err)


def test_no_local_variables_anywhere_in_error_reporting():
    """No rich/typer traceback with locals, and no traceback formatter that captures them."""
    forbidden = re.compile(r"show_locals\s*=\s*True|capture_locals\s*=\s*True|pretty_exceptions_show_locals\s*=\s*True"
                           r"|traceback\.install|f_locals|tb_frame\.f_")
    hits = [f"{p.relative_to(ROOT)}:{i}: {line.strip()}"
            for p in sorted(PACKAGE.rglob("*.py"))
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if forbidden.search(line)]
    assert hits == []
    from cspkit.cli.app import app

    assert app.pretty_exceptions_enable is False
    assert "pretty_exceptions_enable=False" in (PACKAGE / "cli" / "app.py").read_text(encoding="utf-8")


def test_one_exception_hierarchy():
    """Every exception class cspkit defines is a CspkitError, bar private ones that never escape a module."""
    # always turned into a located Problem (cspkit.load) or a UserError (their callers)
    internal = {"cspkit.yaml.read.YamlProblem", "cspkit.fileio.FileRefused"}
    strays = []
    for info in pkgutil.walk_packages(cspkit.__path__, "cspkit."):
        if info.name.endswith("__main__"):
            continue  # importing it runs the command line
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, BaseException) and obj.__module__ == info.name:
                qual = f"{info.name}.{name}"
                if not issubclass(obj, CspkitError) and qual not in internal and not name.startswith("_"):
                    strays.append(qual)
    assert strays == []
    from cspkit import errors

    assert errors.UsageError.exit_code == 2
    assert all(c.exit_code == 1 for c in (errors.UserError, errors.NotFound, errors.RepoNotFound,
                                          errors.ConflictError, errors.RecordError))


def test_every_guarantee_in_the_readme_names_a_real_test():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What cspkit guarantees", 1)[1].split("\n## ", 1)[0]
    named = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", section)
    assert len(named) >= 15
    for path, name in named:
        source = (ROOT / path).read_text(encoding="utf-8")
        assert re.search(rf"^def {name}\(", source, re.M), f"{path}::{name} does not exist"


def test_a_line_break_in_an_argument_does_not_make_two_lines(mini, cli):
    r = cli("--repo", mini, "actions", "update", "2023-07-13/3.1\n9.9", "--note", "x")
    assert (r.code, r.err) == (1, "error: '2023-07-13/3.1\\u000a9.9' is not an action id: write <meeting date>/"
                                  "<item>.<n> with no leading zeros, e.g. 2023-07-13/11.1\n")
    r = cli("--repo", mini, "actions", "list", "--owner", "Zed\u2028Zimmer")
    assert (r.code, r.err) == (1, "error: unknown person 'Zed\\u2028Zimmer'\n")


def test_a_line_break_in_a_key_does_not_make_two_lines(mini, cli):
    meeting = mini / "records/meetings/2023-10-12.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8") + '"venue\\nroom": Hall\n', encoding="utf-8")
    r = cli("--repo", mini, "validate")
    assert r.code == 1
    assert r.out.splitlines()[0].startswith(
        "records/meetings/2023-10-12.yaml:17:1: venue\\u000aroom: unknown key 'venue\\u000aroom'")
    assert len(r.out.splitlines()) == 2
