"""Shared fixtures: the embedded records, the county example, and ways to run the CLI."""

from __future__ import annotations

import datetime as dt
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

#: Property tests and tests that repeat a trial (kill a writer at random moments, press Ctrl-C at
#: random moments) run their full count under CI; a developer's ``make test`` runs a third of
#: it (at least 10), to stay under two minutes. ``CSPKIT_TEST_FULL=1`` runs the full count.
FULL_RUN = bool(os.environ.get("CI")) or os.environ.get("CSPKIT_TEST_FULL") == "1"


def trials(n: int) -> int:
    """How many examples or trials of ``n`` this run makes (see :data:`FULL_RUN`)."""
    return n if FULL_RUN else max(10, n // 3)


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

# PDFs are made in the test's own process, where WeasyPrint is imported once, not by a worker
# process that imports it again for every render (cspkit/pdf.py); tests/test_render_pdf.py turns
# the worker back on to test it.
os.environ["CSPKIT_PDF_WORKER"] = "0"

CACHE_DIR = ".cspkit-cache"


def need_tool(command: str, package: str) -> str:
    """The path of a system command a test needs. Missing: the test skips, saying why in one line
    (``make test`` installs it when it can); under ``CI`` nothing skips: the test fails."""
    path = shutil.which(command)
    if path is None:
        message = f"{command} is not installed (Debian package {package}; make test installs it as root)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


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
    """A writable copy of a partnership repository (config, records, schemas, assets such as a logo)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "cspkit.yaml", target / "cspkit.yaml")
    shutil.copytree(source / "records", target / "records")
    for folder in ("schemas", "assets"):
        if (source / folder).is_dir():
            shutil.copytree(source / folder, target / folder)
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
    # never a cache a run with CSPKIT_TEST_WITH_CACHE=1 may have left in the fixture itself
    shutil.copytree(MINI, target, ignore=shutil.ignore_patterns(CACHE_DIR))
    return target


#: Every document the render commands make for each example body (the county has no PSA
#: tracker and no partner update forms: its partners send papers).
RENDERS: dict[str, tuple[Path, list[list[str]]]] = {
    "charnwood": (CHARNWOOD, [["pack", "2023-10-12"], ["minutes", "2023-07-13"],
                              ["action-log", "--as-of", "2023-10-12"], ["forward-programme", "--as-of", "2023-10-12"],
                              ["psa", "2023"], ["update", "2023-10-12", "LFRS"]]),
    "county": (COUNTY, [["pack", "2024-03-22"], ["minutes", "2023-12-15"],
                        ["action-log", "--as-of", "2024-03-22"], ["forward-programme", "--as-of", "2024-03-22"]]),
}


@pytest.fixture(scope="session")
def rendered(tmp_path_factory) -> dict[str, Path]:
    """Both example bodies rendered once for the whole run, through the command line: every
    render command in every format for partners, and in Markdown and HTML for the public
    (files ending in ``-public``; a public PDF is printed from the public HTML, and a pack
    PDF costs seconds: tests/test_render.py prints public PDFs of a repository with
    restricted items). ``{body: folder}``. PDFs are made in this process (WeasyPrint loads
    once); tests/test_render_pdf.py covers the worker. Under pytest-xdist the workers share
    one set, a lock per body: each worker starts with a different body (the first to get a
    body's lock renders it, the others read), so two workers render the two at once."""
    from filelock import FileLock

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    # this run's temporary folder, shared by the xdist workers (each has its own below it)
    shared = tmp_path_factory.getbasetemp().parent if worker else tmp_path_factory.mktemp("rendered")
    folders = {body: shared / f"rendered-{body}" for body in RENDERS}
    bodies = list(RENDERS)
    start = int(worker.removeprefix("gw")) % len(bodies) if worker and worker.startswith("gw") else 0
    for body in bodies[start:] + bodies[:start]:
        with FileLock(str(shared / f"rendered-{body}.lock")):
            if not (shared / f"rendered-{body}.done").exists():
                _render_example(body, folders[body])
                (shared / f"rendered-{body}.done").touch()
    return folders


def _render_example(body: str, out: Path) -> None:
    from cspkit.cli import run

    root, commands = RENDERS[body]
    out.mkdir(parents=True, exist_ok=True)
    for args in commands:
        for audience in ("partners", "public"):
            formats = "all" if audience == "partners" else "md,html"
            code = run(["--repo", str(root), "render", *args, "--format", formats, "-o", str(out),
                        "--audience", audience])
            assert code == 0, (body, args, audience)


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
    from filelock import FileLock
    from site_support import BuiltSite, prepare_charnwood

    from cspkit.site import build_site, publish

    # Built once for the run: under pytest-xdist the first worker to get a body's lock builds
    # it, the others read; each worker starts with a different body (as the rendered fixture does).
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    shared = tmp_path_factory.getbasetemp().parent if worker else tmp_path_factory.mktemp("sites")
    base = shared / "sites"
    charnwood, county = base / "charnwood", base / "county"

    def build_charnwood() -> None:
        copy_repo(CHARNWOOD, charnwood)
        prepare_charnwood(charnwood)
        publish(charnwood, "2023-07-13", on=dt.date(2023, 7, 5))
        build_site(charnwood, base / "charnwood-site", SITE_DATES["charnwood"], pdf=False)

    def build_county() -> None:
        copy_repo(COUNTY, county)
        build_site(county, base / "county-site", SITE_DATES["county"], pdf=False)

    builds = [("charnwood", build_charnwood), ("county", build_county)]
    start = int(worker.removeprefix("gw")) % 2 if worker and worker.startswith("gw") else 0
    for name, build in builds[start:] + builds[:start]:
        with FileLock(str(shared / f"sites-{name}.lock")):
            if not (shared / f"sites-{name}.done").exists():
                build()
                (shared / f"sites-{name}.done").touch()
    sites = {}
    for name, root, as_of, pages in (
        ("charnwood", charnwood, SITE_DATES["charnwood"], {
            "home": "index.html", "meetings": "meetings/index.html", "year": "meetings/2023.html",
            "meeting-held": "meetings/2023-07-13.html", "meeting-scheduled": "meetings/2023-10-12.html",
            "meeting-cancelled": "meetings/2023-09-07.html", "actions": "actions.html",
            "programme": "forward-programme.html", "psa-index": "psa/index.html", "psa": "psa/2023.html",
            "performance": "performance/index.html", "partners": "partners/index.html",
            "partner": "partners/lfrs.html", "accessibility": "accessibility.html", "search": "search.html"}),
        ("county", county, SITE_DATES["county"], {
            "home": "index.html", "year": "meetings/2023.html", "meeting-held": "meetings/2023-12-15.html",
            "meeting-scheduled": "meetings/2024-03-22.html", "paper": "meetings/2024-03-22/modern-slavery.html",
            "actions": "actions.html", "performance": "performance/index.html", "partner": "partners/lfrs.html"}),
    ):
        sites[name] = BuiltSite(name, root, base / f"{name}-site", as_of, pages)
    return sites


#: The date each example body's site is built as of.
SITE_DATES = {"charnwood": dt.date(2023, 10, 1), "county": dt.date(2024, 3, 1)}


def pytest_collection_modifyitems(config, items):
    """The modules whose tests share fixtures (marked ``xdist_group``: each runs on one worker)
    first, the small independent tests after them: at the end of a run they even out the two
    workers' loads, instead of one waiting while the other runs a long module."""
    items[:] = sorted(items, key=lambda item: item.get_closest_marker("xdist_group") is None)
