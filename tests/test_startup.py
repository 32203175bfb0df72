"""Start-up: a command imports only what it uses. Times are measured by benchmarks/run.py, never here.

Each check runs the console script's entry point in a fresh interpreter and looks at
``sys.modules`` afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import json, sys
from cspkit.cli import main
code = 0
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
sys.stderr.write("\nMODULES " + json.dumps({"code": code, "modules": sorted(sys.modules)}) + "\n")
"""

HEAVY = ("weasyprint", "jinja2", "pydantic", "pydantic_core", "yaml", "ruamel", "markdown_it", "pygal",
         "rapidfuzz", "icalendar", "cspkit.models", "cspkit.repo", "cspkit.render", "cspkit.workflows",
         "cspkit.review")


def probe(*args: str, env: dict | None = None) -> tuple[int, str, set[str]]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "CSPKIT_CACHE": "1", **(env or {})}, timeout=120)
    _, _, tail = proc.stderr.rpartition("\nMODULES ")
    assert tail, proc.stderr
    data = json.loads(tail)
    return data["code"], proc.stdout, set(data["modules"])


def loaded(modules: set[str], names) -> list[str]:
    return sorted(n for n in names if n in modules or any(m.startswith(n + ".") for m in modules))


def test_version_imports_no_framework(tmp_path):
    from cspkit import __version__

    code, out, modules = probe("--version", env={"XDG_CACHE_HOME": str(tmp_path)})
    assert (code, out) == (0, f"cspkit {__version__}\n")
    assert loaded(modules, (*HEAVY, "typer", "click", "rich")) == []


def test_help_imports_no_models_jinja_or_weasyprint(tmp_path):
    # With the help cache off, Typer lays the help out (and imports Rich to do it).
    code, out, modules = probe("--help", env={"CSPKIT_CACHE": "0", "XDG_CACHE_HOME": str(tmp_path)})
    assert code == 0
    assert "Usage: cspkit" in out
    assert "typer" in modules
    assert loaded(modules, [n for n in HEAVY if n != "markdown_it"]) == []  # Rich's Markdown uses markdown-it


def test_help_is_replayed_exactly_and_without_typer(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path), "COLUMNS": "100"}
    typer_made = probe("--help", env={**env, "CSPKIT_CACHE": "0"})
    first = probe("--help", env=env)
    second = probe("--help", env=env)
    assert typer_made[:2] == first[:2] == second[:2]
    assert "typer" in first[2]  # nothing kept yet: Typer made it, and it was kept
    assert loaded(second[2], (*HEAVY, "typer", "click", "rich")) == []  # replayed

    wider = probe("--help", env={**env, "COLUMNS": "140"})
    assert "typer" in wider[2]  # another width is another help
    assert wider[:2] == probe("--help", env={**env, "COLUMNS": "140", "CSPKIT_CACHE": "0"})[:2]


def test_help_is_not_replayed_after_the_code_changes(tmp_path, monkeypatch):
    from cspkit.cli import helpcache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("CSPKIT_CACHE", "1")
    helpcache._keep(["--help"], "stale text\n")
    assert helpcache.lookup(["--help"]) == "stale text\n"
    import cspkit.cache

    monkeypatch.setattr(cspkit.cache, "_fingerprints", {})
    monkeypatch.setattr(cspkit.cache, "FORMAT", b"another cspkit")
    assert helpcache.lookup(["--help"]) is None


def test_building_the_cli_imports_no_library_module():
    """Command modules import Typer at module level and the library inside each command."""
    script = ("import sys, json; from cspkit.cli.app import build_app; build_app(); "
              "print(json.dumps(sorted(sys.modules)))")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    modules = set(json.loads(proc.stdout))
    assert loaded(modules, HEAVY) == []


@pytest.mark.parametrize("command", [["validate", "--help"], ["render", "pack", "--help"]])
def test_command_help_loads_no_records(command, tmp_path):
    code, out, modules = probe(*command, env={"XDG_CACHE_HOME": str(tmp_path)})
    assert code == 0 and "Usage: cspkit" in out
    assert loaded(modules, ("weasyprint", "jinja2", "cspkit.models", "cspkit.repo", "cspkit.render", "yaml")) == []


# --------------------------------------------------------------------------- ending the process

END = r"""
import atexit, sys, threading, time
from cspkit import gcpolicy
gcpolicy.short_lived_process()
gcpolicy.keep(list(range(10)))
atexit.register(lambda: print("exit handler ran", flush=True))
if sys.argv[1] == "thread":
    threading.Thread(target=time.sleep, args=(0.5,)).start()
sys.stdout.write("x" * 200_000 + "\n")  # more than a pipe's buffer: flushed before the end
gcpolicy.end_now(7)
print("end_now returned: Python ends as usual")
"""


@pytest.mark.parametrize("case", ["alone", "thread"])
def test_the_command_line_process_ends_without_freeing_but_as_python_would(case):
    """The console script ends with os._exit once the command is done (freeing a county's
    records object by object took a tenth of a second): its output is all there, its exit
    handlers ran and its exit code is the command's; with another thread running it ends as
    Python does, after that thread."""
    proc = subprocess.run([sys.executable, "-c", END, case], capture_output=True, text=True, timeout=60)
    lines = proc.stdout.splitlines()
    assert lines[0] == "x" * 200_000
    assert lines[-1] == "exit handler ran"
    if case == "alone":
        assert proc.returncode == 7 and len(lines) == 2
    else:
        assert proc.returncode == 0 and "end_now returned: Python ends as usual" in lines


def test_the_console_script_exits_with_its_commands_code_and_all_its_output(tmp_path):
    """Run as ``cspkit`` (the process ends early, see above): the same lines and code as in-process."""
    from cspkit.cli import run

    broken = tmp_path / "repo"
    import shutil

    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", broken, ignore=shutil.ignore_patterns(".cspkit-cache"))
    people = broken / "records" / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("alice-smith", "Alice Smith", 1), encoding="utf-8")
    script = Path(sys.executable).parent / "cspkit"
    proc = subprocess.run([str(script), "--repo", str(broken), "validate"], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "CSPKIT_CACHE": "0"})
    assert proc.returncode == 1, proc.stderr
    assert "problem" in proc.stdout.splitlines()[-1]
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert run(["--repo", str(broken), "validate"]) == 1
    assert proc.stdout == out.getvalue()
