"""The public website: what it holds, that nothing restricted reaches it, that it is the same
for the same records, that a rebuild touches only what changed, that published packs stay as
circulated, and its feeds, open data, search index, links and preview server.

The browser's view of it (axe-core, keyboard, narrow screens) is tests/test_site_browser.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import CHARNWOOD, COUNTY, MINI, copy_repo
from hardening_support import pdf_text, rewrite
from hypothesis import HealthCheck, given, settings
from site_support import parse_links, prepare_charnwood, resolve, visible_words

# Its module fixtures are built once: every test of this module runs on one xdist worker.
pytestmark = pytest.mark.xdist_group("test_site")

SCHEMA = Path(__file__).resolve().parent / "schemas" / "ocd-event.schema.json"


def build(root: Path, folder: Path, as_of: str = "2023-10-01", **kw):
    from cspkit.site import build_site

    return build_site(root, folder, dt.date.fromisoformat(as_of), **{"pdf": False, **kw})


def site_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".site-manifest.json"}


def approved_in_october(root: Path) -> None:
    """The July minutes approved at the October meeting, which is then held (as the records say once it is)."""
    rewrite(root / "records/meetings/2023-10-12.yaml", lambda doc: doc.__setitem__("status", "held"))
    rewrite(root / "records/meetings/2023-07-13.yaml",
            lambda doc: doc["minutes"].update(state="approved", approved_at=dt.date(2023, 10, 12)))


@pytest.fixture
def charnwood(tmp_path) -> Path:
    root = copy_repo(CHARNWOOD, tmp_path / "charnwood")
    prepare_charnwood(root)
    return root


# --------------------------------------------------------------------------- what the site holds


def test_every_page_a_resident_looks_for_is_there(built_sites):
    """Home, meetings by year, each meeting (page and open data), the registers, a page per
    partner, accessibility, search, the calendar and the feed, for both bodies."""
    for site in built_sites.values():
        files = set(site_files(site.folder))
        repo_meetings = sorted(p.stem for p in (site.root / "records/meetings").glob("*.yaml"))
        expected = {"index.html", "meetings/index.html", "actions.html", "forward-programme.html",
                    "psa/index.html", "performance/index.html", "partners/index.html", "accessibility.html",
                    "search.html", "search.js", "site.css", "calendar.ics", "feed.atom",
                    *(f"meetings/{day}.html" for day in repo_meetings),
                    *(f"meetings/{day}.json" for day in repo_meetings),
                    *(f"meetings/{year}.html" for year in {day[:4] for day in repo_meetings}),
                    *(f"partners/{o}.html" for o in re.findall(r"^- id: (\S+)", (site.root / "records/organisations.yaml")
                                                              .read_text(), re.M))}
        assert not expected - files, f"{site.name}: missing {sorted(expected - files)}"
        assert set(site.pages.values()) <= files
    county = built_sites["county"]
    papers = sorted((county.root / "records/papers/2024-03-22").glob("*.md"))
    assert {f"meetings/2024-03-22/{p.stem}.html" for p in papers} <= set(site_files(county.folder))


def test_a_meeting_page_has_agenda_papers_minutes_decisions_and_actions(built_sites):
    site = built_sites["charnwood"]
    page = visible_words(site.text("meetings/2023-07-13.html"))
    assert "Meeting on Thursday, 13 July 2023" in page
    assert "Agenda" in page and "Adoption of the Community Safety Partnership Plan 2023-26" in page
    assert "Draft: not yet approved" in page  # circulated, published as a draft (site.publish_circulated_minutes)
    assert "AGREED that Inspector David Stokes be appointed Vice-Chair" in page
    assert "Actions raised at this meeting" in page and "2023-07-13/11.1" in page
    # the frozen pack is linked with its checksum
    sha = json.loads((site.root / "published/2023-07-13-agenda-pack.json").read_text())["sha256"]
    assert "2023-07-13-agenda-pack.pdf" in site.text("meetings/2023-07-13.html") and sha in page
    scheduled = visible_words(site.text("meetings/2023-10-12.html"))
    assert "Scheduled" in scheduled and "Partner updates" in scheduled
    assert "Fire &amp; Rescue Update" in site.text("meetings/2023-10-12.html")  # an update, in full
    assert "published here when it is circulated" in scheduled


def test_cancelled_meetings_are_shown_as_such(built_sites):
    site = built_sites["charnwood"]
    page = visible_words(site.text("meetings/2023-09-07.html"))
    assert "This meeting was cancelled." in page and "too few members could attend" in page
    year = site.text("meetings/2023.html")
    row = re.search(r"2023-09-07\.html.*?</tr>", year, re.S).group(0)
    assert "Cancelled" in row
    assert json.loads((site.folder / "meetings/2023-09-07.json").read_text())["status"] == "cancelled"


def test_draft_minutes_are_published_only_where_the_conventions_allow(charnwood, tmp_path):
    rewrite(charnwood / "cspkit.yaml", lambda doc: doc["site"].__setitem__("publish_circulated_minutes", False))
    build(charnwood, tmp_path / "site")
    page = visible_words((tmp_path / "site/meetings/2023-07-13.html").read_text())
    assert "published here once they have been approved" in page
    assert "Inspector David Stokes be appointed" not in page
    data = json.loads((tmp_path / "site/meetings/2023-07-13.json").read_text())
    assert all(not item["notes"] for item in data["agenda"])
    assert "Inspector David Stokes be appointed" not in (tmp_path / "site/search/2023-07.js").read_text()


def test_performance_has_charts_with_their_figures_in_words_and_tables(built_sites):
    site = built_sites["county"]
    page = site.text("performance/index.html")
    charts = re.findall(r'<img src="([^"]+\.svg)" alt="([^"]+)"', page)
    assert charts, "no chart"
    for src, alt in charts:
        assert (site.folder / "performance" / src).resolve().is_file()
        assert alt.startswith("Line chart of ") and re.search(r"Q1 [0-9.]+%?", alt), alt
    assert page.count("<caption") >= len(charts) + 1  # the summary table and one table per chart


def test_no_page_speaks_of_the_tool(built_sites):
    """The site speaks for the partnership: "cspkit" is in no page, script, style, feed or JSON
    (the .ics is cspkit calendar's own file: its PRODID names the program that wrote it)."""
    for site in built_sites.values():
        for rel, data in site_files(site.folder).items():
            if rel.endswith((".ics", ".pdf")):
                continue
            assert b"cspkit" not in data.lower(), f"{site.name}: {rel} says cspkit"


def test_every_page_has_the_security_policy_and_no_inline_code(built_sites):
    from cspkit.site.html import CSP

    for site in built_sites.values():
        for path in site.html_files():
            html = path.read_text(encoding="utf-8")
            rel = path.relative_to(site.folder)
            assert f'http-equiv="Content-Security-Policy" content="{CSP}"' in html.replace("&#39;", "'"), rel
            assert "<style" not in html and " style=" not in html, rel
            assert all(src for src in re.findall(r"<script([^>]*)>", html)), f"{rel}: an inline script"
            for attr, ref in re.findall(r'\b(src|href)="([^"]+)"', html):
                assert not re.match(r"(https?:)?//", ref) or attr == "href", f"{rel}: loads {ref}"


# --------------------------------------------------------------------------- links


def test_every_internal_link_resolves(built_sites):
    """A walk over every page: each link, script, stylesheet and image is a file of the site,
    and each #fragment is an id on the page it points at."""
    for site in built_sites.values():
        ids: dict[Path, set[str]] = {}
        broken = []
        for page in site.html_files():
            for _tag, _attr, ref in parse_links(page).refs:
                if re.match(r"[a-z]+:", ref):
                    assert ref.startswith(("mailto:", "https://", "http://")), ref
                    continue
                target, fragment = resolve(page, ref)
                if not target.is_file() or site.folder.resolve() not in target.parents:
                    broken.append(f"{page.relative_to(site.folder)}: {ref}")
                    continue
                if fragment and target.suffix == ".html":
                    if target not in ids:
                        ids[target] = parse_links(target).ids
                    if fragment not in ids[target]:
                        broken.append(f"{page.relative_to(site.folder)}: {ref} (no such id)")
        assert not broken, f"{site.name}: " + "; ".join(broken[:10])


# --------------------------------------------------------------------------- the same bytes


def test_the_same_records_and_date_give_the_same_bytes(charnwood, tmp_path, monkeypatch):
    first = build(charnwood, tmp_path / "a")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # a different clock changes nothing
    build(charnwood, tmp_path / "b")
    assert site_files(tmp_path / "a") == site_files(tmp_path / "b")
    assert first.files == len(site_files(tmp_path / "a"))
    build(charnwood, tmp_path / "c", as_of="2023-10-13")
    changed = {rel for rel, data in site_files(tmp_path / "c").items() if site_files(tmp_path / "a").get(rel) != data}
    assert "actions.html" in changed and "calendar.ics" in changed  # the date shows where it matters


def test_the_date_defaults_to_source_date_epoch(monkeypatch):
    from cspkit.site import default_as_of

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1697068800")  # 2023-10-12T00:00:00Z
    assert default_as_of() == dt.date(2023, 10, 12)


# --------------------------------------------------------------------------- rebuilding


def _edit_minute_point(root: Path) -> None:
    def change(doc):
        doc["minutes"]["items"][4]["body"][1]["points"][0] = "A point reworded after the meeting."
    rewrite(root / "records/meetings/2023-07-13.yaml", change)


def test_a_rebuild_rewrites_only_the_files_a_change_affects(charnwood, tmp_path):
    folder = tmp_path / "site"
    build(charnwood, folder)
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
    again = build(charnwood, folder)
    assert again.written == [] and again.made == 0 and again.removed == []

    _edit_minute_point(charnwood)
    report = build(charnwood, folder)
    assert set(report.written) == {"meetings/2023-07-13.html", "meetings/2023-07-13.json", "search/2023-07.js"}
    assert report.made <= 8, report.made  # files made again to compare (lists that show the meeting)
    for path, mtime in before.items():
        if path.relative_to(folder).as_posix() not in report.written and path.name != ".site-manifest.json":
            assert path.stat().st_mtime_ns == mtime, f"{path} was rewritten"
    assert "A point reworded after the meeting." in (folder / "meetings/2023-07-13.html").read_text()


def test_a_rebuild_keeps_the_search_lines_of_the_months_other_meetings(charnwood, tmp_path, monkeypatch):
    """A month's search chunk has a line per meeting: an edit to one works out that meeting's
    entries again and keeps the others' lines as they were, unless the file is not what the
    last build wrote."""
    from cspkit.site import search

    (charnwood / "records/meetings/2023-07-27.yaml").write_text(
        "date: 2023-07-27\nstatus: scheduled\nstart: '14:00'\nvenue: Loughborough Town Hall\n"
        "agenda:\n- number: '1'\n  title: Fireworks season planning\n", encoding="utf-8")
    folder = tmp_path / "site"
    build(charnwood, folder)
    chunk = folder / "search/2023-07.js"
    lines = chunk.read_text().split("\n")
    assert [line[3:13] for line in lines if line] == ["2023-07-13", "2023-07-27"]

    asked: list[dt.date] = []
    real = search.meeting_entries
    monkeypatch.setattr(search, "meeting_entries", lambda pub, ms: asked.extend(m.date for m in ms) or real(pub, ms))
    _edit_minute_point(charnwood)
    report = build(charnwood, folder)
    assert "search/2023-07.js" in report.written
    assert asked == [dt.date(2023, 7, 13)]
    again = chunk.read_text().split("\n")
    assert again[1] == lines[1] and again[0] != lines[0]
    words = {e["u"]: e["w"] for e in _search_entries(folder) if e["k"] == "Meeting"}
    assert "reworded" in words["meetings/2023-07-13.html"].split()
    assert "fireworks" in words["meetings/2023-07-27.html"].split()

    # A chunk changed by hand is not trusted: every line is made again.
    chunk.write_text(chunk.read_text().replace("fireworks", "firework"))
    asked.clear()
    rewrite(charnwood / "records/meetings/2023-07-13.yaml",
            lambda doc: doc["minutes"]["items"][4]["body"][1]["points"].__setitem__(0, "Worded a third way."))
    build(charnwood, folder)
    assert asked == [dt.date(2023, 7, 13), dt.date(2023, 7, 27)]
    assert "fireworks" in chunk.read_text()


def test_with_the_cache_a_changed_paper_is_made_again(tmp_path, monkeypatch):
    """With the cache on, what stands for a paper's file in the site's keys comes from the
    cache's walk of the records folder: a paper changed since the last build is made again."""
    import os

    from cspkit.session import open_repo

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("CSPKIT_CACHE", raising=False)
    root = copy_repo(COUNTY, tmp_path / "county")
    folder, as_of = tmp_path / "site", "2024-04-01"
    build(root, folder, as_of)
    paper = root / "records/papers/2024-03-22/modern-slavery.md"
    repo = open_repo(root)
    assert os.path.join(repo.walked_in, "papers/2024-03-22/modern-slavery.md") in repo.stands
    paper.write_text(paper.read_text(encoding="utf-8") + "\nA sentence added after the build.\n", encoding="utf-8")
    report = build(root, folder, as_of)
    assert "meetings/2024-03-22/modern-slavery.html" in report.written
    assert "A sentence added after the build." in (folder / "meetings/2024-03-22/modern-slavery.html").read_text()
    assert site_files(folder) == site_files(build(root, tmp_path / "fresh", as_of).folder)


EDITS = {
    "a minute point": _edit_minute_point,
    "an action closed": lambda root: rewrite(root / "records/actions/2023-07-13.yaml", lambda doc: (
        doc["actions"][0].__setitem__("status", "complete"),
        doc["actions"][0].setdefault("history", []).append({"date": dt.date(2023, 9, 1), "status": "complete",
                                                            "note": "Done."}))),
    "an item restricted": lambda root: rewrite(root / "records/meetings/2023-10-12.yaml",
                                               lambda doc: doc["agenda"][6].__setitem__("restricted", True)),
    "a partner update's subject": lambda root: rewrite(root / "records/updates/2023-10-12/lfrs.yaml",
                                                       lambda doc: doc.__setitem__("subject", "Fire and Rescue")),
    "a person's name": lambda root: rewrite(root / "records/people.yaml",
                                            lambda doc: doc["people"][0].__setitem__("name", "Elizabeth Blackshaw")),
    "a meeting removed": lambda root: (root / "records/meetings/2023-09-07.yaml").unlink(),
    "a programme row": lambda root: rewrite(root / "records/forward-programme.yaml",
                                            lambda doc: doc["items"][0].__setitem__("item", "Renamed row")),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_rebuild_gives_what_a_fresh_build_gives(charnwood, tmp_path, edit):
    """The manifest's keys leave nothing stale: after each kind of change, rebuilding over the
    old site gives exactly the files a build from nothing gives."""
    build(charnwood, tmp_path / "site")
    EDITS[edit](charnwood)
    report = build(charnwood, tmp_path / "site")
    build(charnwood, tmp_path / "fresh")
    assert site_files(tmp_path / "site") == site_files(tmp_path / "fresh")
    assert report.written or report.removed


def test_a_failed_build_leaves_what_it_wrote_its_own(charnwood, tmp_path, monkeypatch):
    from cspkit.site.build import SiteBuild

    folder = tmp_path / "site"
    monkeypatch.setattr(SiteBuild, "feed", lambda self: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        build(charnwood, folder)
    monkeypatch.undo()
    build(charnwood, folder)  # no "was not written by a site build" for the files of the failed one
    assert (folder / "feed.atom").is_file()


# --------------------------------------------------------------------------- published packs


@pytest.fixture(scope="module")
def mini_published(tmp_path_factory):
    """The small repository with its 2023-10-12 pack published, and a site built with PDFs."""
    from cspkit.site import publish

    root = tmp_path_factory.mktemp("published") / "mini"
    shutil.copytree(MINI, root)
    info = publish(root, "2023-10-12", on=dt.date(2023, 10, 5))
    folder = root.parent / "site"
    report = build(root, folder, pdf=True)
    return root, folder, info, report


def test_publish_freezes_the_public_pack_with_its_checksum(mini_published):
    root, folder, _info, report = mini_published
    pdf = (root / "published/2023-10-12-agenda-pack.pdf").read_bytes()
    record = json.loads((root / "published/2023-10-12-agenda-pack.json").read_text())
    assert record == {"meeting": "2023-10-12", "file": "2023-10-12-agenda-pack.pdf", "published": "2023-10-05",
                      "sha256": hashlib.sha256(pdf).hexdigest(), "bytes": len(pdf)}
    assert pdf.startswith(b"%PDF") and "Public version" in pdf_text(root / "published/2023-10-12-agenda-pack.pdf")
    assert (folder / "meetings/2023-10-12-agenda-pack.pdf").read_bytes() == pdf
    # the unpublished held meeting's pack is rendered for the site
    assert report.pdfs_rendered == 1 and (folder / "meetings/2023-07-13-agenda-pack.pdf").is_file()
    feed = (folder / "feed.atom").read_text()
    assert "Agenda pack: meeting on Thursday, 12 October 2023" in feed and "2023-10-05T00:00:00Z" in feed


def test_a_published_pack_is_never_rendered_again(mini_published, tmp_path):
    root, _, _, _ = mini_published
    copy = tmp_path / "mini"
    shutil.copytree(root, copy)
    shutil.copytree(root.parent / "site", tmp_path / "site")
    frozen = (copy / "published/2023-10-12-agenda-pack.pdf").read_bytes()
    again = build(copy, tmp_path / "site", pdf=True)
    assert again.pdfs_rendered == 0 and again.written == []  # the unpublished pack is kept by its digest
    # The records of the published meeting change: its frozen pack stays as circulated.
    rewrite(copy / "records/meetings/2023-10-12.yaml", lambda doc: doc["agenda"][0].__setitem__("title", "Welcome"))
    changed = build(copy, tmp_path / "site", pdf=True)
    assert (tmp_path / "site/meetings/2023-10-12-agenda-pack.pdf").read_bytes() == frozen
    assert "meetings/2023-10-12-agenda-pack.pdf" not in changed.written
    assert "Welcome" in (tmp_path / "site/meetings/2023-10-12.html").read_text()


def test_a_changed_frozen_pack_is_refused(mini_published, tmp_path, cli):
    root, _, _, _ = mini_published
    copy = tmp_path / "mini"
    shutil.copytree(root, copy)
    pdf = copy / "published/2023-10-12-agenda-pack.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"%tampered\n")
    r = cli("--repo", copy, "site", "build", "-o", tmp_path / "site", "--no-pdf", "--as-of", "2023-10-01")
    assert r.code == 1
    assert r.err.strip() == ("error: published/2023-10-12-agenda-pack.pdf: its SHA-256 is not the one recorded when it "
                             "was published (published/2023-10-12-agenda-pack.json): the frozen pack has been "
                             "changed; restore it from git, or publish again with cspkit publish --force")


def test_publish_refuses_to_replace_a_published_pack(mini_published, tmp_path, cli):
    root, _, _, _ = mini_published
    copy = tmp_path / "mini"
    shutil.copytree(root, copy)
    before = (copy / "published/2023-10-12-agenda-pack.pdf").read_bytes()
    r = cli("--repo", copy, "publish", "2023-10-12")
    assert r.code == 1
    assert r.err.startswith("error: the pack for 2023-10-12 was published on 2023-10-05 "
                            "(published/2023-10-12-agenda-pack.pdf, SHA-256 ")
    assert "use --force to publish it again" in r.err
    assert (copy / "published/2023-10-12-agenda-pack.pdf").read_bytes() == before
    r = cli("--repo", copy, "publish", "2023-13-01")
    assert r.code == 1 and "not a date" in r.err


# --------------------------------------------------------------------------- feeds, open data, search


def test_the_calendar_is_the_calendar_commands_file(built_sites):
    from cspkit.calendar import calendar_bytes
    from cspkit.session import open_repo

    site = built_sites["charnwood"]
    stamp = dt.datetime.combine(site.as_of, dt.time(0), tzinfo=dt.UTC)
    assert (site.folder / "calendar.ics").read_bytes() == calendar_bytes(open_repo(site.root), stamp)


def test_the_atom_feed_has_packs_and_minutes_with_stable_ids(built_sites, charnwood, tmp_path):
    import xml.etree.ElementTree as ET

    ns = {"a": "http://www.w3.org/2005/Atom"}
    site = built_sites["charnwood"]
    feed = ET.fromstring((site.folder / "feed.atom").read_bytes())
    entries = {e.findtext("a:title", namespaces=ns): e for e in feed.findall("a:entry", ns)}
    assert set(entries) == {"Agenda pack: meeting on Thursday, 13 July 2023",
                            "Minutes: meeting on Thursday, 13 July 2023 (draft)"}
    for e in entries.values():
        assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", e.findtext("a:id", namespaces=ns))
        href = e.find("a:link", ns).get("href")
        assert (site.folder / href.split("#")[0]).is_file()
    # The same entry keeps its id when the minutes are approved (and its date moves on).
    ids = {e.findtext("a:id", namespaces=ns) for e in entries.values()}
    approved_in_october(charnwood)
    build(charnwood, tmp_path / "site", as_of="2023-11-01")
    later = ET.fromstring((tmp_path / "site/feed.atom").read_bytes())
    minutes = [e for e in later.findall("a:entry", ns) if "Minutes" in e.findtext("a:title", namespaces=ns)]
    assert minutes[0].findtext("a:id", namespaces=ns) in ids
    assert minutes[0].findtext("a:updated", namespaces=ns) == "2023-10-12T00:00:00Z"
    county = ET.fromstring((built_sites["county"].folder / "feed.atom").read_bytes())
    assert all(link.get("href").startswith("https://www.example.org/safer-communities-board/")
               for link in county.iter("{http://www.w3.org/2005/Atom}link"))


def test_every_meeting_is_an_open_civic_data_event(built_sites):
    import jsonschema

    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))
    for site in built_sites.values():
        for path in sorted((site.folder / "meetings").glob("*.json")):
            data = json.loads(path.read_text())
            errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(data)]
            assert not errors, f"{path.name}: {errors}"
            urls = [d["url"] for d in data["documents"]] + [s["url"] for s in data["sources"]]
            for url in urls:
                if site.name == "county":
                    assert url.startswith("https://www.example.org/safer-communities-board/meetings/"), url
                else:
                    assert (path.parent / url.split("#")[0]).resolve().is_file(), url
    held = json.loads((built_sites["county"].folder / "meetings/2023-12-15.json").read_text())
    assert held["status"] == "passed" and held["start_date"] == "2023-12-15T10:00:00+00:00"
    noted = [item for item in held["agenda"] if item["notes"]]
    assert noted and all(item["extras"]["minutes"]["decisions"] is not None for item in noted)
    assert {"name": "Leicestershire and Rutland Safer Communities Strategy Board", "type": "organization",
            "note": "host"} in held["participants"]
    summer = json.loads((built_sites["charnwood"].folder / "meetings/2023-07-13.json").read_text())
    assert summer["start_date"] == "2023-07-13T10:00:00+01:00"  # British Summer Time


def _search_entries(folder: Path) -> list[dict]:
    entries = []
    for chunk in sorted((folder / "search").glob("*.js")):
        for line in chunk.read_text().rstrip("\n").split("\n"):  # a month's chunk has a line per meeting
            prefix = "window.SITE_SEARCH = (window.SITE_SEARCH || []).concat("
            statement = re.sub(r"^/\* [0-9a-f -]+ \*/ ", "", line)
            assert statement.startswith(prefix) and statement.endswith(");"), line[:80]
            entries += json.loads(statement[len(prefix):-2])
    return entries


def test_the_search_index_covers_the_record_and_links_into_the_site(built_sites):
    site = built_sites["charnwood"]
    entries = _search_entries(site.folder)
    kinds = {e["k"] for e in entries}
    assert {"Meeting", "Action", "Partner update", "PSA recommendation", "Forward programme", "Partner",
            "Performance indicator"} <= kinds
    for e in entries:
        assert (site.folder / e["u"].split("#")[0]).is_file(), e["u"]
    water = [e for e in entries if "rescue" in e["w"].split() and e["k"] == "Meeting"]
    assert [e["u"] for e in water] == ["meetings/2023-07-13.html"]  # "Basic Water Rescue Training", minuted
    search = site.text("search.html")
    assert [f"search/{name}.js" for name in ("2023-10", "2023-09", "2023-07", "2023-04", "2023-01", "actions", "other")] == \
        re.findall(r'<script src="(search/[^"]+)"', search)


# --------------------------------------------------------------------------- nothing restricted


def _public(root: Path) -> None:
    """Minutes of the held meeting approved and shown, so restricted minutes are put to the test."""
    approved_in_october(root)


def _all_text(folder: Path) -> str:
    texts = []
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".pdf":
            texts.append(pdf_text(path))
        elif path.is_file():
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    return re.sub(r"\s+", " ", " ".join(texts)).upper()


def _site_check(plan: dict, pdf: bool = False) -> None:
    from test_hardening_restricted import build as build_repo

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        build_repo(root, plan)
        _public(root)
        build(root, Path(tmp) / "site", pdf=pdf)
        text = _all_text(Path(tmp) / "site")
        leaked = [part for part, marker in plan["markers"].items() if marker in text]
        assert not leaked, f"the public site shows restricted {leaked} ({plan})"
        # The control: the very same records with nothing restricted show every marker.
        for path in [*root.rglob("records/**/*.yaml")]:
            path.write_text(path.read_text().replace("restricted: true", "restricted: false"))
        build(root, Path(tmp) / "open", pdf=False)
        text = _all_text(Path(tmp) / "open")
        hidden = [part for part, marker in plan["markers"].items() if marker not in text]
        assert not hidden, f"not even the open site shows {hidden}: the test proves nothing ({plan})"


def _plans():
    from test_hardening_restricted import plans

    return plans()


@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(_plans())
def test_nothing_restricted_reaches_any_file_of_the_site(plan):
    """Hypothesis restricts parts of a small repository (an agenda item, a paper, a minute, a
    partner update, an action, a programme row) with a marker in each: no page, feed, JSON
    file, search chunk or chart of the public site holds one."""
    _site_check(plan)


def test_nothing_restricted_reaches_the_sites_pdf_packs():
    plan = {"generic_updates": False, "agenda": (3, "purpose"), "paper": 6, "minute": (1, "points"),
            "update": "summary", "action": "note", "programme": (2, "detail"),
            "markers": {"agenda": "ZQAGENDA0001", "paper": "ZQPAPER00002", "paper-body": "ZQBODY000003",
                        "minute": "ZQMINUTE0004", "update": "ZQUPDATE0005", "action": "ZQACTION0006",
                        "programme": "ZQPROG000007"}}
    _site_check(plan, pdf=True)


def test_an_action_raised_under_a_restricted_minute_stays_off_the_site(tmp_path):
    """Not marked itself: restricted by the minute whose decision raised it (views.is_restricted)."""
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    _public(root)
    rewrite(root / "records/actions/2023-07-13.yaml",
            lambda doc: doc["actions"][0].__setitem__("text", "Bring the ZQSECRETPLAN to the next meeting."))
    build(root, tmp_path / "open")
    assert "ZQSECRETPLAN" in _all_text(tmp_path / "open")
    rewrite(root / "records/meetings/2023-07-13.yaml",
            lambda doc: doc["minutes"]["items"][1].__setitem__("restricted", True))
    build(root, tmp_path / "site", pdf=True)
    assert "ZQSECRETPLAN" not in _all_text(tmp_path / "site")


# --------------------------------------------------------------------------- the commands


def test_site_build_says_what_it_wrote(cli, charnwood, tmp_path):
    out = tmp_path / "site"
    r = cli("--repo", charnwood, "site", "build", "-o", out, "--no-pdf", "--as-of", "2023-10-01")
    assert r.code == 0, r.err
    n = len(site_files(out))
    assert r.out.splitlines() == [f"{out}: {n} files ({n} written, 0 unchanged)",
                                  f"Open {out / 'index.html'}, or preview it with: cspkit site serve -d {out}"]
    r = cli("--repo", charnwood, "site", "build", "-o", out, "--no-pdf", "--as-of", "2023-10-01")
    assert r.out.splitlines()[0] == f"{out}: {n} files (0 written, {n} unchanged)"


@pytest.mark.parametrize("args, code, message", [
    (["--as-of", "2023-02-30"], 1, "error: --as-of '2023-02-30' is not a date in the form YYYY-MM-DD"),
    (["-o", "records/site"], 1, "is inside the repository's records/ folder; build the site elsewhere"),
    (["-o", "."], 1, "is the repository itself; build the site into a folder of its own"),
    (["-o", "cspkit.yaml"], 2, "error: Invalid value for '--output' / '-o': dir 'cspkit.yaml' is a file."),
])
def test_site_build_refuses_bad_arguments_with_one_line(cli, charnwood, monkeypatch, args, code, message):
    monkeypatch.chdir(charnwood)
    r = cli("site", "build", "--no-pdf", *args)
    assert r.code == code and message in r.err.splitlines()[0], r.err
    assert len(r.err.strip().splitlines()) == (1 if code == 1 else 2)  # usage errors point at --help
    assert not (charnwood / "records/site").exists() and not (charnwood / "index.html").exists()


def test_a_site_folder_that_is_a_link_loop_is_one_line(cli, charnwood, tmp_path):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    r = cli("--repo", charnwood, "site", "build", "--no-pdf", "-o", loop)
    assert (r.code, r.err) == (1, f"error: {loop}: is a symbolic link to nothing a site can be written to; "
                                  "name a folder (the default is build/site)\n")


def test_site_build_never_replaces_a_file_it_did_not_write(cli, charnwood, tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("the council's own page")
    r = cli("--repo", charnwood, "site", "build", "-o", out, "--no-pdf")
    assert r.code == 1 and r.err.strip() == \
        f"error: {out / 'index.html'}: exists and was not written by a site build (use --force to replace it)"
    assert (out / "index.html").read_text() == "the council's own page"
    assert cli("--repo", charnwood, "site", "build", "-o", out, "--no-pdf", "--force").code == 0
    assert "Charnwood" in (out / "index.html").read_text()


def test_a_bad_site_address_is_a_located_problem(cli, charnwood):
    rewrite(charnwood / "cspkit.yaml", lambda doc: doc["site"].__setitem__("url", "www.example.org"))
    r = cli("--repo", charnwood, "validate")
    assert r.code == 1 and re.search(r"^cspkit\.yaml:\d+:\d+: site\.url: ", r.out, re.M), r.out


def test_site_serve_serves_the_folder_on_the_loopback_address(built_sites, tmp_path):
    import threading
    import urllib.error
    import urllib.request

    from cspkit.errors import NotFound
    from cspkit.site.serve import make_server

    site = built_sites["charnwood"]
    server = make_server(site.folder, 0)
    host, port = server.server_address[:2]
    assert host == "127.0.0.1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{port}/"
        with urllib.request.urlopen(base) as r:
            assert r.status == 200 and b"Charnwood Community Safety Partnership" in r.read()
        with urllib.request.urlopen(base + "calendar.ics") as r:
            assert r.headers["Content-Type"].startswith("text/calendar")
            assert r.headers["X-Content-Type-Options"] == "nosniff"
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(base + "performance/charts/")  # no folder listings
        assert info.value.code == 404
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(NotFound, match="no site here"):
        make_server(tmp_path, 0)


def test_init_writes_an_opt_in_job_that_publishes_only_the_public_site():
    """The records repository stays private; its workflow can publish the built site elsewhere."""
    import yaml

    from cspkit.init.ci import github_workflow

    text = github_workflow("9.9.9")
    job = yaml.safe_load(text)["jobs"]["site"]
    assert job["needs"] == "records"  # only records that pass the checks are published
    assert "vars.SITE_REPOSITORY != ''" in job["if"] and "github.event_name == 'push'" in job["if"]
    assert "default_branch" in job["if"]
    assert job["permissions"] == {"contents": "read"}
    runs = [s.get("run", "") for s in job["steps"]]
    assert 'python -m pip install "cspkit==9.9.9"' in runs
    assert "cspkit site build -o build/site" in runs
    publish = job["steps"][-1]
    assert publish["env"] == {"SITE_REPOSITORY": "${{ vars.SITE_REPOSITORY }}",
                              "SITE_DEPLOY_KEY": "${{ secrets.SITE_DEPLOY_KEY }}"}
    assert "${{" not in publish["run"]  # expressions reach the script only through env
    assert 'git push -q --force "git@github.com:$SITE_REPOSITORY.git" gh-pages' in publish["run"]
    assert any(s.get("with", {}).get("name") == "public-site" for s in job["steps"])
