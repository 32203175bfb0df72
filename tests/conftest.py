"""Shared fixtures: the embedded records, the county example, and ways to run the CLI."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Hypothesis: in CI the examples are derived from the test (the same run every time, so a
# failure is reproducible from the log); locally they vary, so more of the space gets tried.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

ROOT = Path(__file__).resolve().parent.parent
CHARNWOOD = ROOT  # cspkit.yaml + records/ at the top of this repository
COUNTY = ROOT / "examples" / "county-board"
MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


# Tests run cspkit without its caches (.cspkit-cache/ in a repository, ~/.cache/cspkit): set
# here, not in a fixture, so that module-scoped fixtures and subprocesses see it too. The caches
# never change what a command prints or writes to the records (tests/test_cache.py and
# tests/test_startup.py show it, and turn them on). ``CSPKIT_TEST_WITH_CACHE=1`` runs the whole
# suite with the caches on, and it passes too.
if os.environ.get("CSPKIT_TEST_WITH_CACHE") != "1":
    os.environ["CSPKIT_CACHE"] = "0"

CACHE_DIR = ".cspkit-cache"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes), cspkit's own cache left out."""
    return {rel: p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not (rel := p.relative_to(folder).as_posix()).startswith(CACHE_DIR + "/")}


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys):
    """Run ``cspkit ARGS`` through the real entry point (error handling included)."""
    from cspkit.cli import run

    def invoke(*args: str) -> CliResult:
        capsys.readouterr()
        code = run([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return invoke


def copy_repo(source: Path, target: Path) -> Path:
    """A writable copy of a partnership repository (config, records, templates)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "cspkit.yaml", target / "cspkit.yaml")
    shutil.copytree(source / "records", target / "records")
    if (source / "schemas").is_dir():
        shutil.copytree(source / "schemas", target / "schemas")
    return target


@pytest.fixture
def charnwood_copy(tmp_path) -> Path:
    return copy_repo(CHARNWOOD, tmp_path / "charnwood")


@pytest.fixture
def county_copy(tmp_path) -> Path:
    return copy_repo(COUNTY, tmp_path / "county")


@pytest.fixture
def mini(tmp_path) -> Path:
    """A writable copy of the small valid repository in tests/fixtures/mini."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target
