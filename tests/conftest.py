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


# --------------------------------------------------------------------------- the browser

#: Debian's Chromium (``apt-get install chromium``); Playwright drives it, never downloads one.
CHROMIUM = "/usr/bin/chromium"
#: Nothing the browser does on its own reaches the network while the tests run.
CHROMIUM_ARGS = ["--headless", "--disable-background-networking", "--disable-component-update",
                 "--disable-domain-reliability", "--disable-sync", "--disable-default-apps", "--no-first-run",
                 "--no-pings", "--disable-breakpad", "--disable-client-side-phishing-detection",
                 "--metrics-recording-only",
                 "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication"]


def browser_problem() -> str | None:
    """Why the browser tests cannot run here (None: they can): Chromium missing or not
    starting, or Playwright not installed."""
    import subprocess

    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is missing (make test installs it: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    try:
        subprocess.run([CHROMIUM, "--version"], capture_output=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{CHROMIUM} does not run ({type(exc).__name__})"
    return None


def browser_unavailable(reason: str, module: bool = False) -> None:
    """Skip (one line saying why), except in CI, where a browser test that cannot run fails."""
    if os.environ.get("CI"):
        pytest.fail(f"the browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}", allow_module_level=module)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (Debian's, through Playwright)."""
    problem = browser_problem()
    if problem:
        browser_unavailable(problem)
    from playwright.sync_api import sync_playwright

    args = list(CHROMIUM_ARGS) + (["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])
    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
    except Exception as exc:
        manager.stop()
        browser_unavailable(f"{CHROMIUM} did not start ({str(exc).strip().splitlines()[0]})")
    yield chromium
    chromium.close()
    manager.stop()


# --------------------------------------------------------------------------- the public website


@pytest.fixture(scope="session")
def built_sites(tmp_path_factory):
    """The two bodies' public websites, built once for the session (no unpublished PDFs):
    ``{"charnwood": BuiltSite, "county": BuiltSite}``."""
    import datetime as dt

    from site_support import BuiltSite, prepare_charnwood

    from cspkit.site import build_site, publish

    base = tmp_path_factory.mktemp("sites")
    charnwood = copy_repo(CHARNWOOD, base / "charnwood")
    prepare_charnwood(charnwood)
    publish(charnwood, "2023-07-13", on=dt.date(2023, 7, 5))
    county = copy_repo(COUNTY, base / "county")
    sites = {}
    for name, root, as_of, pages in (
        ("charnwood", charnwood, dt.date(2023, 10, 1), {
            "home": "index.html", "meetings": "meetings/index.html", "year": "meetings/2023.html",
            "meeting-held": "meetings/2023-07-13.html", "meeting-scheduled": "meetings/2023-10-12.html",
            "meeting-cancelled": "meetings/2023-09-07.html", "actions": "actions.html",
            "programme": "forward-programme.html", "psa-index": "psa/index.html", "psa": "psa/2023.html",
            "performance": "performance/index.html", "partners": "partners/index.html",
            "partner": "partners/lfrs.html", "accessibility": "accessibility.html", "search": "search.html"}),
        ("county", county, dt.date(2024, 3, 1), {
            "home": "index.html", "year": "meetings/2023.html", "meeting-held": "meetings/2023-12-15.html",
            "meeting-scheduled": "meetings/2024-03-22.html", "paper": "meetings/2024-03-22/modern-slavery.html",
            "actions": "actions.html", "performance": "performance/index.html", "partner": "partners/lfrs.html"}),
    ):
        folder = base / f"{name}-site"
        build_site(root, folder, as_of, pdf=False)
        sites[name] = BuiltSite(name, root, folder, as_of, pages)
    return sites
