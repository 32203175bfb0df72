"""Rendering as clerks, partners and the public see it (HTML and Markdown).

Golden files under tests/golden/ hold the expected output: a changed template shows up as
a readable diff. After an intended change, regenerate them with
``CSPKIT_UPDATE_GOLDEN=1 pytest tests/test_render.py`` and review the diff in git.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest
from conftest import CHARNWOOD, COUNTY

GOLDEN = Path(__file__).parent / "golden"

CASES = [
    ("charnwood", CHARNWOOD, ["render", "pack", "2023-10-12"], "2023-10-12-agenda-pack"),
    ("charnwood", CHARNWOOD, ["render", "minutes", "2023-07-13"], "2023-07-13-minutes"),
    ("charnwood", CHARNWOOD, ["render", "action-log", "--as-of", "2023-10-12"], "action-log-2023-10-12"),
    ("charnwood", CHARNWOOD, ["render", "forward-programme", "--as-of", "2023-10-12"], "forward-programme"),
    ("charnwood", CHARNWOOD, ["render", "psa", "2023"], "psa-2023"),
    ("charnwood", CHARNWOOD, ["render", "update", "2023-10-12", "LFRS"], "2023-10-12-update-lfrs"),
    ("county", COUNTY, ["render", "pack", "2024-03-22"], "2024-03-22-agenda-pack"),
    ("county", COUNTY, ["render", "minutes", "2023-12-15"], "2023-12-15-minutes"),
]


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("body,root,args,stem", CASES, ids=[f"{c[0]}-{c[3]}" for c in CASES])
def test_golden(body, root, args, stem, fmt, tmp_path, cli):
    r = cli("--repo", root, *args, "--format", fmt, "-o", tmp_path)
    assert r.code == 0, r.err
    written = tmp_path / f"{stem}.{fmt}"
    assert str(written) in r.out.splitlines()
    actual = written.read_text(encoding="utf-8")
    golden = GOLDEN / body / f"{stem}.{fmt}"
    if os.environ.get("CSPKIT_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            str(golden), "rendered", n=2))
        pytest.fail(f"{stem}.{fmt} differs from its golden file:\n{diff[:6000]}")


# --------------------------------------------------------------------------- the pack's content


def _render(cli, root, tmp_path, *args, fmt="md") -> str:
    r = cli("--repo", root, "render", *args, "--format", fmt, "-o", tmp_path)
    assert r.code == 0, r.err
    return Path(r.out.splitlines()[0]).read_text(encoding="utf-8")


def test_october_pack_carries_the_july_action_forward(cli, tmp_path):
    """A clerk renders the October pack and finds the action from July still open."""
    md = _render(cli, CHARNWOOD, tmp_path, "pack", "2023-10-12")
    log = md.split("# Community Safety Partnership Action Log", 1)[1].split("\n---", 1)[0]
    assert "| 130723 Item 11 | Find out whether further OPCC grant funding can be claimed" in log
    assert "| James O'Connell | Open |" in log
    # January actions reassigned in July still show, with their new owners
    assert "| Andy Thomas <br> Reassigned to Gareth Harvey/Tim McCabe | Open |" in log
    # the two January actions closed at the July meeting have dropped out
    assert "action logging" not in log.lower() and "Terms of Reference" not in log


def test_pack_papers_in_agenda_order(cli, tmp_path):
    md = _render(cli, CHARNWOOD, tmp_path, "pack", "2023-10-12")
    items = re.findall(r"^\*Agenda Item (\w+)\*$", md, flags=re.M)
    assert items == ["2", "3", "5", "6", "8", "10"]
    # partner updates under item 8, but not the Charnwood BC report already attached under item 5
    updates = md.split("*Agenda Item 8*", 1)[1].split("*Agenda Item 10*", 1)[0]
    assert [o for o in ("Falcon Support Services", "Leicestershire Fire and Rescue Service", "Loughborough University",
                        "Office of the Police and Crime Commissioner") if f"## {o}:" in updates] == [
        "Falcon Support Services", "Leicestershire Fire and Rescue Service", "Loughborough University",
        "Office of the Police and Crime Commissioner"]
    assert "## Charnwood Borough Council:" not in updates


def test_front_sheet_uses_the_registry_spelling(cli, tmp_path):
    """The pack misspelt 'Guiseppe'; the registry has it right, so the render does too."""
    md = _render(cli, CHARNWOOD, tmp_path, "pack", "2023-10-12")
    front = md.split("\n---", 1)[0]
    assert "(Inspector David Stokes/Giuseppe Vassallo)" in front
    assert "Guiseppe" not in md
    assert "**Strategic Priority 1**: Safeguarding Communities from Violent Offences (Inspector David Stokes). " \
           "**To follow.**" in front
    assert "- 18th January 2024 (2pm – 4pm)" in front
    assert "- Summer meeting – to be scheduled" in front


def test_html_references_are_links_and_markdown_has_anchors(cli, tmp_path):
    html = _render(cli, CHARNWOOD, tmp_path, "pack", "2023-10-12", fmt="html")
    anchors = re.findall(r'<section class="paper[^"]*" id="([^"]+)"', html)
    links = set(re.findall(r'<a href="#(paper-[^"]+)"', html))
    assert anchors and set(anchors) == links
    md = _render(cli, CHARNWOOD, tmp_path, "pack", "2023-10-12")
    md_links = set(re.findall(r"\]\(#(paper-[^)]+)\)", md))
    md_anchors = set(re.findall(r'<a id="(paper-[^"]+)"></a>', md))
    assert md_links == md_anchors == set(anchors)


def test_county_minutes_follow_its_conventions(cli, tmp_path):
    md = _render(cli, COUNTY, tmp_path, "minutes", "2023-12-15")
    numbers = [int(n) for n in re.findall(r"^### (\d+)\. ", md, flags=re.M)]
    assert numbers == list(range(30, 44))
    assert "**RESOLVED:**" in md and "**AGREED**" not in md
    assert re.search(r"^\(a\) That the contents of the report be noted", md, flags=re.M)
    assert re.search(r"^\(b\) That ", md, flags=re.M)
    assert "(i) " in md and "\ni. " not in md
    assert "**Officers**" in md and "**Apologies for absence**" in md


def test_county_action_log_columns_and_colours(cli, tmp_path):
    md = _render(cli, COUNTY, tmp_path, "pack", "2024-03-22")
    assert "| No. | Date | Action | Responsible Officer | Comments | Status |" in md
    rows = [line for line in md.splitlines() if re.match(r"^\| \d+ \| \d+\.\d+\.\d+ \|", line)]
    assert [int(r.split("|")[1]) for r in rows] == list(range(1, 10))
    assert {r.rstrip(" |").rsplit("| ", 1)[1] for r in rows} == {"Amber", "Green"}
    assert "| 6 | 15.12.23 |" in md and md.count("| Green |") == 2


def test_charnwood_minutes_say_agreed(cli, tmp_path):
    md = _render(cli, CHARNWOOD, tmp_path, "minutes", "2023-07-13")
    assert "**AGREED** that the information be noted." in md
    assert "RESOLVED" not in md
    assert re.findall(r"^### (\d+) ", md, flags=re.M) == [str(n) for n in range(1, 13)]


def test_performance_paper_derives_change_and_rag(cli, tmp_path):
    md = _render(cli, COUNTY, tmp_path, "pack", "2024-03-22")
    perf = md.split("*Agenda Item 12*", 1)[1]
    # 70.85 against 73.20 last year: -3.2%, derived, not typed in
    assert re.search(r"\| Total crime[^|]*\| 70\.85 \| 73\.2 \| -3\.2% \|", perf)
    assert "(as reported)" not in perf
    assert re.search(r"\| (G|A|R) \|", perf)
    charts = re.findall(r"\]\((2024-03-22-agenda-pack-charts/[a-z0-9-]+\.svg)\)", perf)
    assert charts
    for rel in charts:
        svg = (tmp_path / rel).read_text(encoding="utf-8")
        assert svg.startswith("<svg") and "<script" not in svg


def test_charnwood_changes_reported_only_as_percent_are_marked(cli, tmp_path):
    import datetime as dt

    from cspkit.render import Document, render_html
    from cspkit.render.context import Builder
    from cspkit.session import open_repo

    repo = open_repo(CHARNWOOD)
    view = Builder(repo).performance(dt.date(2023, 10, 12), quarter="Q1")
    shoplifting = next(r for r in view["indicators"] if r["id"] == "shoplifting")
    assert shoplifting["change"] == 38.6 and shoplifting["derived"] is False and shoplifting["value"] is None
    html = render_html(repo, Document("pack", "x", {"papers": [], "agenda": [], "upcoming": [],
                                                    "meeting": repo.meetings[dt.date(2023, 10, 12)]}), "html")
    assert "<html" in html


# --------------------------------------------------------------------------- restricted content

RESTRICTED_AGENDA = "PROBATION SERVICE COMMUNITY PAYBACK"
SECRET = "Confidential case detail: named youth at 12 Acacia Avenue"


def _restrict(root: Path) -> None:
    """Mark an agenda item, a minute, a partner update and an action restricted."""
    from cspkit.yaml._ruamel import dump as dump_rt
    from cspkit.yaml._ruamel import load as load_rt

    def edit(rel, fn):
        path = root / "records" / rel
        doc = load_rt(path.read_text(encoding="utf-8"))
        fn(doc)
        path.write_text(dump_rt(doc), encoding="utf-8")

    def october(doc):
        item = next(i for i in doc["agenda"] if str(i["number"]) == "7")
        item["purpose"] = SECRET + " (agenda)"
        item["restricted"] = True

    def july(doc):
        minute = next(m for m in doc["minutes"]["items"] if str(m.get("item")) == "10")
        minute["points"].append(SECRET + " (minute)")
        minute["restricted"] = True

    def falcon(doc):
        doc["risks"] = SECRET + " (update)"
        doc["restricted"] = True

    def action(doc):
        doc["actions"][0]["text"] = SECRET + " (action)"
        doc["actions"][0]["restricted"] = True

    edit("meetings/2023-10-12.yaml", october)
    edit("meetings/2023-07-13.yaml", july)
    edit("updates/2023-10-12/falcon.yaml", falcon)
    edit("actions/2023-07-13.yaml", action)


@pytest.fixture(scope="module")
def restricted_outputs(tmp_path_factory):
    from conftest import copy_repo

    from cspkit.cli import run

    root = copy_repo(CHARNWOOD, tmp_path_factory.mktemp("restricted") / "repo")
    _restrict(root)
    outputs = {}
    for audience in ("public", "partners"):
        out = root / "build" / audience
        assert run(["--repo", str(root), "render", "pack", "2023-10-12", "--format", "all", "-o", str(out),
                    "--audience", audience]) == 0
        assert run(["--repo", str(root), "render", "minutes", "2023-07-13", "--format", "all", "-o", str(out),
                    "--audience", audience]) == 0
        assert run(["--repo", str(root), "render", "action-log", "--as-of", "2023-10-12", "--format", "md,html",
                    "-o", str(out), "--audience", audience]) == 0
        outputs[audience] = out
    return outputs


def _texts(folder: Path) -> dict[str, str]:
    from pypdf import PdfReader

    texts = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".pdf":
            texts[path.name] = " ".join(p.extract_text() or "" for p in PdfReader(str(path)).pages)
        elif path.suffix in (".md", ".html"):
            texts[path.name] = path.read_text(encoding="utf-8")
    return {k: re.sub(r"\s+", " ", v) for k, v in texts.items()}


def test_public_outputs_contain_no_restricted_text(restricted_outputs):
    texts = _texts(restricted_outputs["public"])
    assert {Path(n).suffix for n in texts} == {".pdf", ".md", ".html"}
    for name, text in texts.items():
        assert "Acacia Avenue" not in text, name
        assert "Confidential case detail" not in text, name
        assert "Community Payback Consultation" not in text, name
    pack = texts["2023-10-12-agenda-pack-public.md"]
    assert "**7** *Exempt item: not for publication*" in pack
    assert RESTRICTED_AGENDA not in pack
    assert "Falcon Support Services: Falcon Update" not in pack
    minutes = texts["2023-07-13-minutes-public.md"]
    assert "### 10 EXEMPT ITEM" in minutes and "BASIC WATER RESCUE" not in minutes


def test_partners_outputs_keep_restricted_text(restricted_outputs):
    texts = _texts(restricted_outputs["partners"])
    for suffix in (".md", ".html", ".pdf"):
        pack = texts[f"2023-10-12-agenda-pack{suffix}"]
        assert "Acacia Avenue" in pack and "(agenda)" in pack and "(update)" in pack
    assert "(minute)" in texts["2023-07-13-minutes.md"]
    assert "(action)" in texts["action-log-2023-10-12.md"]


# --------------------------------------------------------------------------- inert text


def test_markup_and_template_syntax_in_records_render_as_text(charnwood_copy, cli, tmp_path):
    from cspkit.yaml._ruamel import dump as dump_rt
    from cspkit.yaml._ruamel import load as load_rt

    path = charnwood_copy / "records" / "actions" / "2023-07-13.yaml"
    doc = load_rt(path.read_text(encoding="utf-8"))
    doc["actions"][0]["text"] = ("<script>alert('x')</script> {{ 7*7 }} {% raw %} "
                                 "[click](javascript:alert(1)) <img src=x onerror=alert(1)>")
    path.write_text(dump_rt(doc), encoding="utf-8")
    html = _render(cli, charnwood_copy, tmp_path, "action-log", "--as-of", "2023-10-12", fmt="html")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript:' not in html
    assert "{{ 7*7 }}" in html and ">49<" not in html
    md = _render(cli, charnwood_copy, tmp_path, "action-log", "--as-of", "2023-10-12", fmt="md")
    assert "<script>" not in md and "<img" not in md and "](javascript:" not in md
    assert "{{ 7*7 }}" in md


# --------------------------------------------------------------------------- templates


def test_a_partnership_template_overrides_the_packaged_one(charnwood_copy, cli, tmp_path):
    r = cli("--repo", charnwood_copy, "templates", "copy", "papers/forward-programme.md.j2")
    assert r.code == 0
    copied = Path(r.out.strip())
    assert copied == charnwood_copy / "templates" / "papers" / "forward-programme.md.j2"
    copied.write_text("# Our own forward programme layout\n", encoding="utf-8")
    listing = cli("--repo", charnwood_copy, "templates", "list").out
    assert "papers/forward-programme.md.j2\trepository" in listing
    assert "pack.html.j2\tpackage" in listing
    md = _render(cli, charnwood_copy, tmp_path, "pack", "2023-10-12")
    assert "# Our own forward programme layout" in md
    again = cli("--repo", charnwood_copy, "templates", "copy", "papers/forward-programme.md.j2")
    assert again.code == 1 and "already exists" in again.err


def test_templates_copy_unknown_name(charnwood_copy, cli):
    r = cli("--repo", charnwood_copy, "templates", "copy", "papers/forward-programe.md.j2")
    assert r.code == 1
    assert "no template 'papers/forward-programe.md.j2' (did you mean 'papers/forward-programme.md.j2'" in r.err


# --------------------------------------------------------------------------- the command line


def test_render_errors_are_one_line(cli, tmp_path):
    r = cli("--repo", CHARNWOOD, "render", "pack", "2023-10-13", "-o", tmp_path)
    assert r.code == 1 and r.err.startswith("error: no meeting on 2023-10-13") and len(r.err.splitlines()) == 1
    r = cli("--repo", CHARNWOOD, "render", "pack", "12/10/2023", "-o", tmp_path)
    assert r.code == 1 and r.err == "error: meeting '12/10/2023' is not a date (YYYY-MM-DD), 'next' or 'latest'\n"
    r = cli("--repo", CHARNWOOD, "render", "pack", "latest", "--format", "docx", "-o", tmp_path)
    assert r.code == 2 and "unknown format 'docx'" in r.err
    r = cli("--repo", CHARNWOOD, "render", "update", "2023-10-12", "Turning Point", "-o", tmp_path)
    assert r.code == 1 and "no update from 'turning-point' for 2023-10-12" in r.err
    r = cli("--repo", CHARNWOOD, "render", "psa", "2019", "-o", tmp_path)
    assert r.code == 1 and "no PSA for 2019" in r.err


def test_render_never_clobbers_a_file_it_did_not_write(cli, tmp_path):
    mine = tmp_path / "2023-10-12-agenda-pack.md"
    mine.write_text("the clerk's own notes\n", encoding="utf-8")
    r = cli("--repo", CHARNWOOD, "render", "pack", "2023-10-12", "--format", "md", "-o", tmp_path)
    assert r.code == 1 and "use --force" in r.err
    assert mine.read_text(encoding="utf-8") == "the clerk's own notes\n"
    r = cli("--repo", CHARNWOOD, "render", "pack", "2023-10-12", "--format", "md", "-o", tmp_path, "--force")
    assert r.code == 0
    # what cspkit wrote itself it replaces freely next time
    r = cli("--repo", CHARNWOOD, "render", "pack", "2023-10-12", "--format", "md", "-o", tmp_path)
    assert r.code == 0


def test_latest_is_the_october_meeting_and_next_explains_itself(cli, tmp_path):
    r = cli("--repo", CHARNWOOD, "render", "pack", "latest", "--format", "md", "-o", tmp_path)
    assert r.code == 0 and r.out.strip().endswith("2023-10-12-agenda-pack.md")
    r = cli("--repo", CHARNWOOD, "render", "pack", "--format", "md", "-o", tmp_path)
    assert r.code == 1 and "no scheduled meeting on or after" in r.err and "latest" in r.err


def test_chart_axis_ticks_are_round_and_reach_the_top():
    from cspkit.render.charts import indicator_chart, nice_ticks

    assert nice_ticks(39) == [0, 10, 20, 30, 40]
    assert nice_ticks(8.78) == [0, 2.5, 5, 7.5, 10]
    assert nice_ticks(0.53) == [0, 0.2, 0.4, 0.6]
    svg = indicator_chart([("Q1", 6.51, None), ("Q3", 6.51, 8.78)], "per-1000", chart_id="chart-x")
    assert svg == indicator_chart([("Q1", 6.51, None), ("Q3", 6.51, 8.78)], "per-1000", chart_id="chart-x")
    assert "Same period last year" in svg and ">Q4<" in svg and "<script" not in svg


def test_pdf_build_reads_no_url_outside_the_repository(tmp_path):
    """Images named in record text are fetched only from inline data or the repository."""
    import http.server
    import threading

    from cspkit.render import html_to_pdf

    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    secret = tmp_path / "outside.png"
    secret.write_bytes(b"not really a png")
    repo = tmp_path / "repo"
    repo.mkdir()
    try:
        html = (f'<img src="http://127.0.0.1:{server.server_port}/tracker.png">'
                f'<img src="file://{secret}"><p>text</p>')
        pdf = html_to_pdf(html, repo)
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF")
    assert hits == []
