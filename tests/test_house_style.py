"""House style (issue 17): packs a clerk would circulate without touching them.

Each test reads the rendered documents of both example bodies (conftest.rendered: the PDF
text through pypdf, the HTML and the Markdown) as the clerk compared them with the real
packs in shared/seeds: Charnwood is ``records/``, the county board ``examples/county-board``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from conftest import CHARNWOOD, COUNTY, MINI, RENDERS
from pdf_support import (
    BLANK_PAGE,
    anchor_pages,
    blank_share,
    embedded_fonts,
    mid_paper_pages,
    need_pdftoppm,
    page_texts,
    reader,
    units,
)

CHARNWOOD_PACK = "2023-10-12-agenda-pack"
COUNTY_PACK = "2024-03-22-agenda-pack"


def text(rendered, body: str, name: str) -> str:
    return (rendered[body] / name).read_text(encoding="utf-8")


def pdf_text(rendered, body: str, name: str) -> str:
    return " ".join(page_texts(rendered[body] / name))


def pdfs(rendered) -> list[Path]:
    return sorted(p for folder in rendered.values() for p in folder.glob("*.pdf"))


# --------------------------------------------------------------------------- 1. titles once, one bookmark per paper


def _papers(root: Path, day: str) -> list:
    from cspkit.render import pack_document
    from cspkit.session import open_repo

    repo = open_repo(root)
    return pack_document(repo, repo.meetings[dt.date.fromisoformat(day)], "partners").context["papers"]


def test_1_a_paper_that_opens_with_its_title_prints_it_once(rendered):
    pdf = rendered["county"] / f"{COUNTY_PACK}.pdf"
    pages, starts = page_texts(pdf), anchor_pages(pdf)
    documents = [p for p in _papers(COUNTY, "2024-03-22") if p.kind == "document"]
    assert len(documents) == 6
    html = text(rendered, "county", f"{COUNTY_PACK}.html")
    md = text(rendered, "county", f"{COUNTY_PACK}.md")
    for paper in documents:
        title = re.sub(r"\s+", " ", paper.title)
        first_page = re.sub(r"(?<=\w)- (?=[a-z])", "-", pages[starts[paper.anchor] - 1])
        assert first_page.count(title) == 1, (paper.anchor, title)
        section = html.split(f'id="{paper.anchor}"', 1)[1].split("</section>", 1)[0]
        assert len(re.findall(r"<h[1-6][^>]*>", section.split('<div class="document">')[0])) == 1
        assert md.count(f"## {title}\n") == 1


def test_1_one_pdf_bookmark_per_paper(rendered):
    for body, root, day in (("charnwood", CHARNWOOD, "2023-10-12"), ("county", COUNTY, "2024-03-22")):
        pdf = rendered[body] / f"{day}-agenda-pack.pdf"
        outline = reader(pdf).outline
        assert all(not isinstance(entry, list) for entry in outline), "no nested bookmarks"
        titles = [re.sub(r"\s+", " ", entry.title) for entry in outline]
        expected = ["AGENDA" if body == "charnwood" else "Agenda"] + [
            f"{p.item}. " + re.sub(r"\s+", " ", p.title) for p in _papers(root, day)]
        assert titles == expected
        assert len(set(titles)) == len(titles)


# --------------------------------------------------------------------------- 2. the tool never talks about itself


def _readable_outputs(rendered) -> dict[str, str]:
    """Everything a reader sees in every output: PDF text, HTML without its <meta> tags and
    <head> (metadata), Markdown, and the SVG charts written beside the Markdown."""
    out = {}
    for body, folder in rendered.items():
        for path in sorted(folder.rglob("*")):
            name = f"{body}/{path.name}"
            if path.suffix == ".pdf":
                out[name] = " ".join(page_texts(path))
            elif path.suffix == ".html":
                html = path.read_text(encoding="utf-8")
                out[name] = re.sub(r"<head>.*?</head>", "", html, flags=re.S)
            elif path.suffix in (".md", ".svg"):
                out[name] = path.read_text(encoding="utf-8")
    return out


def test_no_rendered_output_names_the_tool_outside_metadata(rendered):
    """Output speaks for the partnership: no 'cspkit' in any pack or page, public or partners'."""
    outputs = _readable_outputs(rendered)
    commands = {args[0] for _, commands in RENDERS.values() for args in commands}
    assert commands == {"pack", "minutes", "action-log", "forward-programme", "psa", "update"}
    # every command, both audiences, every format
    assert {n.rsplit(".", 1)[1] for n in outputs} == {"pdf", "html", "md", "svg"}
    assert sum(n.endswith("-public.html") for n in outputs) == 10
    assert sum(n.endswith(".pdf") for n in outputs) == 10  # public PDFs: tests/test_render.py
    named = [name for name, body in outputs.items() if "cspkit" in body.lower()]
    assert named == []


def test_2_the_performance_paper_explains_itself_to_the_reader(rendered):
    for fmt in ("md", "html"):
        paper = text(rendered, "county", f"{COUNTY_PACK}.{fmt}").split("Agenda Item 12", 1)[1]
        assert "worked out by" not in paper
        assert "percentage points (pts)" in paper
        assert "without saying which period" not in paper  # a note to the developer, now to the reader


# --------------------------------------------------------------------------- 3. padding pages say so


def test_3_every_empty_page_says_it_is_intentionally_blank(rendered):
    need_pdftoppm()
    for pdf in pdfs(rendered):
        texts = page_texts(pdf)
        for number, share in enumerate(blank_share(pdf), start=1):
            if share > 0.99:
                assert texts[number - 1] == BLANK_PAGE, (pdf.name, number, texts[number - 1][:80])
            if texts[number - 1] == BLANK_PAGE:
                assert share > 0.99 and number % 2 == 0, (pdf.name, number)


def test_3_the_last_paper_ends_on_the_last_page(rendered):
    """The end marker of the last paper is a zero-height block: it never gets a page of its own."""
    pdf = rendered["county"] / f"{COUNTY_PACK}.pdf"
    starts = anchor_pages(pdf)
    assert starts["paper-12-1-end"] == len(page_texts(pdf))
    assert page_texts(pdf)[-1] != BLANK_PAGE


# --------------------------------------------------------------------------- 6. (Page 7), not (Pages 7 - 7)


def test_6_a_one_page_paper_is_page_n(tmp_path, cli):
    import shutil

    from hardening_support import rewrite

    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    rewrite(root / "cspkit.yaml", lambda doc: doc["conventions"].__setitem__("page_references", "page-range"))
    r = cli("--repo", root, "render", "pack", "2023-10-12", "--format", "pdf", "-o", tmp_path / "out")
    assert r.code == 0, r.err
    pdf = tmp_path / "out" / "2023-10-12-agenda-pack.pdf"
    front = page_texts(pdf)[0]
    assert "(Pages" not in front
    singles = [int(n) for n in re.findall(r"\(Page (\d+)\)", front)]
    assert singles and singles == sorted(singles)
    starts = anchor_pages(pdf)
    assert singles == [starts[u.anchor] for u in units(pdf) if u.anchor.startswith("paper-")]
    # the pack is still whole: the page numbers in the footers run on from the new front sheet
    assert [f"Page {n}" in t for n, t in enumerate(page_texts(pdf), start=1)] == [True] * len(page_texts(pdf))


# --------------------------------------------------------------------------- 8. values the records hold, as written


def test_8_psa_status_is_blank_where_the_tracker_has_none(rendered):
    html = text(rendered, "charnwood", "psa-2023.html")
    statuses = re.findall(r"</td>\n<td>([^<]*)</td>\n</tr>", html)
    assert len(statuses) == 9 and set(statuses) == {""}
    assert "| Agreed |" not in text(rendered, "charnwood", "psa-2023.md")


def test_8_the_action_log_has_the_columns_of_the_bodys_log(rendered):
    charnwood = text(rendered, "charnwood", "action-log-2023-10-12.html")
    assert re.findall(r'<th scope="col" class="col-(\w+)">([^<]+)</th>', charnwood) == [
        ("raised", "Meeting Date"), ("action", "Action"), ("owners", "Complete By")]
    county = text(rendered, "county", "action-log-2024-03-22.html")
    assert [c for c, _ in re.findall(r'<th scope="col" class="col-(\w+)">([^<]+)</th>', county)] == [
        "number", "raised", "action", "owners", "comments", "status"]


def test_8_a_closed_action_says_so_under_its_owner_where_the_log_has_no_status_column(charnwood_copy, cli, tmp_path):
    r = cli("--repo", charnwood_copy, "actions", "close", "2023-07-13/11.1", "--note", "Funding confirmed",
            "--date", "2023-10-12")
    assert r.code == 0, r.err
    r = cli("--repo", charnwood_copy, "render", "action-log", "--as-of", "2023-10-12", "--format", "md", "-o", tmp_path)
    assert r.code == 0, r.err
    md = (tmp_path / "action-log-2023-10-12.md").read_text(encoding="utf-8")
    assert "| James O'Connell <br> Complete |" in md  # conventions.action_status_labels
    assert "| Andy Thomas <br> Reassigned to Gareth Harvey |" in md  # still open: no status


def test_8_percentages_change_in_points_and_figures_keep_their_decimals(rendered):
    for fmt, cell in (("md", "|"), ("html", "</td>")):
        paper = text(rendered, "county", f"{COUNTY_PACK}.{fmt}").split("Agenda Item 12", 1)[1]
        assert "73.20" in paper and "73.2" + cell not in paper.replace(" ", "")
        assert "3.00" in paper  # domestic violence with injury, last year
        assert "63.60%" in paper and "52.90%" in paper and "+10.7 pts" in paper  # not +20.2%
        assert "+20.2%" not in paper
        assert "39%" in paper and "39.00%" not in paper  # the MARAC rate is published in whole numbers
    pdf = pdf_text(rendered, "county", f"{COUNTY_PACK}.pdf")
    assert "70.85 73.20 -3.2%" in pdf and "+10.7 pts" in pdf


# --------------------------------------------------------------------------- 10. Markdown that reads as Markdown


def test_10_markdown_has_no_empty_bold_no_escaped_ampersands_and_no_pseudo_bullets(rendered):
    for folder in rendered.values():
        for path in folder.glob("*.md"):
            md = path.read_text(encoding="utf-8")
            assert "****" not in md, path.name
            assert "&amp;" not in md, path.name
            assert not re.search(r"<br> ?- ", md), path.name
            assert not re.search(r"\| <br>", md), path.name
    assert "Fire & Rescue Update" in text(rendered, "charnwood", "2023-10-12-update-lfrs.md")


def test_10_a_removed_psa_recommendation_starts_with_its_text(charnwood_copy, cli, tmp_path):
    from hardening_support import rewrite

    def remove(doc):
        rec = doc["recommendations"][4]
        rec["updates"] = []
        rec["status"] = "removed"
        rec["removed"] = {"meeting": "2023-07-13", "reason": "Replaced by the Youth Action Plan"}

    rewrite(charnwood_copy / "records" / "psa" / "2023.yaml", remove)
    r = cli("--repo", charnwood_copy, "render", "psa", "2023", "--format", "md", "-o", tmp_path)
    assert r.code == 0, r.err
    row = next(line for line in (tmp_path / "psa-2023.md").read_text(encoding="utf-8").splitlines()
               if line.startswith("| 5. "))
    updates = row.split(" | ")[2]
    assert updates.startswith("**Removed** by decision of the meeting on 13th July 2023: Replaced by")


def test_10_lists_in_table_cells_are_bullet_lines():
    from cspkit.render.env import md_cell

    assert md_cell("Two things:\n\n- first\n- second | third") == "Two things: <br> • first <br> • second \\| third"


# --------------------------------------------------------------------------- 11. one date style, capitals that keep acronyms


MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


def _template_dates(html: str) -> list[str]:
    """Dates the templates print: everything outside the records' own prose is in the
    title block, the running header, headings, captions, source notes and table cells."""
    html = re.sub(r"<(p|li) class=\"(?!source-note|when)[^\"]*\".*?</\1>", "", html)
    return re.findall(rf"\b\d{{1,2}}(?:st|nd|rd|th)? (?:{MONTHS}) \d{{4}}", html)


@pytest.mark.parametrize("body,ordinal", [("charnwood", True), ("county", False)])
def test_11_a_pack_prints_dates_one_way(rendered, body, ordinal):
    day = RENDERS[body][1][0][1]
    html = text(rendered, body, f"{day}-agenda-pack.html")
    found = _template_dates(html)
    assert len(found) > 5
    styled = [d for d in found if bool(re.match(r"\d+(st|nd|rd|th)", d)) == ordinal]
    assert styled == found
    pages = page_texts(rendered[body] / f"{day}-agenda-pack.pdf")
    header = "12th October 2023" if ordinal else "22 March 2024"
    assert all(header in t for t in pages[1:] if t != BLANK_PAGE)


def test_11_capitals_keep_acronyms():
    from cspkit.render.env import heading_case

    assert heading_case("Performance KPIs and CSPs", True) == "PERFORMANCE KPIs AND CSPs"
    assert heading_case("PSA Recommendations Follow Up", True) == "PSA RECOMMENDATIONS FOLLOW UP"
    assert heading_case("Performance KPIs", False) == "Performance KPIs"


def test_11_the_forward_programme_is_as_at_the_next_meeting():
    from cspkit.render import programme_document
    from cspkit.session import open_repo

    repo = open_repo(CHARNWOOD)
    doc = programme_document(repo, None, "partners", today=dt.date(2023, 9, 1))
    assert doc.context["as_of"] == dt.date(2023, 10, 12)
    doc = programme_document(repo, None, "partners", today=dt.date(2023, 11, 1))
    assert doc.context["as_of"] == dt.date(2024, 1, 18)  # from the schedule


# --------------------------------------------------------------------------- 12. layout


def test_12_no_page_in_the_middle_of_a_paper_is_more_than_60_percent_empty(rendered):
    """Measured on page images: the empty share of every page that another page of the same
    paper or partner form follows, in every PDF of both bodies."""
    need_pdftoppm()
    worst = {}
    for pdf in pdfs(rendered):
        shares = blank_share(pdf)
        for page in mid_paper_pages(pdf):
            worst[f"{pdf.name} p{page}"] = shares[page - 1]
    assert len(worst) > 15
    assert {k: round(v, 2) for k, v in worst.items() if v > 0.6} == {}


def test_12_the_page_measurement_sees_a_half_empty_page(tmp_path):
    """The measurement above can fail: a paper whose first page holds two lines."""
    need_pdftoppm()
    from cspkit.pdf import weasyprint_pdf

    html = ('<html lang="en-GB"><head><title>t</title><style>@page { size: A4; margin: 20mm 19mm 18mm }</style>'
            '</head><body><section class="paper" id="paper-1-1"><h1>Paper</h1><p>Two lines.</p>'
            '<p style="break-before: page">More of the same paper.</p></section></body></html>')
    pdf = tmp_path / "half.pdf"
    pdf.write_bytes(weasyprint_pdf(html, tmp_path))
    assert mid_paper_pages(pdf) == [1]
    assert blank_share(pdf)[0] > 0.9


def test_12_partner_forms_have_a_full_width_row_per_priority_and_leave_blanks_blank(rendered):
    html = text(rendered, "charnwood", "2023-10-12-update-lfrs.html")
    heads = re.findall(r'<tr class="section-head"><th scope="col" colspan="2">(Theme \d)', html)
    assert heads == ["Theme 1", "Theme 2", "Theme 3"]
    labels = re.findall(r'<tr class="section-body"><th scope="row">([^<]+)</th>', html)
    assert labels == [f"Update/s – including specific work, initiatives, projects etc. that contribute to Theme {n}"
                      for n in (1, 2, 3)]
    # sections the partner left blank are blank, as on the form (conventions.blank_field_text)
    assert re.search(r"<th scope=\"row\">Recommendations for the CSP</th><td></td>", html)
    assert ">n/a<" not in html
    pack = text(rendered, "charnwood", f"{CHARNWOOD_PACK}.html")
    assert re.findall(r'contribute to (priority \d)</th>', pack) == ["priority 2", "priority 1", "priority 2",
                                                                      "priority 3", "priority 4"]


def test_12_blank_field_text_is_a_convention(charnwood_copy, cli, tmp_path):
    from hardening_support import rewrite

    rewrite(charnwood_copy / "cspkit.yaml", lambda doc: doc["conventions"].__setitem__("blank_field_text", "n/a"))
    r = cli("--repo", charnwood_copy, "render", "update", "2023-10-12", "LFRS", "--format", "html", "-o", tmp_path)
    assert r.code == 0, r.err
    html = (tmp_path / "2023-10-12-update-lfrs.html").read_text(encoding="utf-8")
    assert '<th scope="row">Recommendations for the CSP</th><td><span class="blank">n/a</span></td>' in html


def _front_sheet_lines(pdf: Path) -> list[tuple[float, float, str]]:
    """(x, y, text) of each run of text on page 1, in points from the bottom left."""
    runs: list[tuple[float, float, str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + cm[4]
            y = tm[5] * cm[3] + cm[5]
            runs.append((round(x, 1), round(y, 1), text.strip()))

    reader(pdf).pages[0].extract_text(visitor_text=visit)
    return runs


@pytest.mark.parametrize("body", ["charnwood", "county"])
def test_12_item_titles_wrap_clear_of_their_number(rendered, body):
    day = RENDERS[body][1][0][1]
    runs = _front_sheet_lines(rendered[body] / f"{day}-agenda-pack.pdf")
    numbers = [(x, y) for x, y, t in runs if re.fullmatch(r"\d+\.?", t)]
    assert len(numbers) >= 10
    number_x = min(x for x, _ in numbers)
    top = max(y for _, y in numbers) + 1
    bottom = max([y for _, y, t in runs if t == "Upcoming meetings"] or [60])  # the agenda ends there
    below = [(x, t) for x, y, t in runs if bottom < y <= top and not re.fullmatch(r"\d+\.?", t)]
    assert below and min(x for x, _ in below) >= number_x + 15, sorted(below)[:3]
    # and a line is broken where the text is full, not after its first word
    lines = reader(rendered[body] / f"{day}-agenda-pack.pdf").pages[0].extract_text().splitlines()
    assert [line for line in lines if re.fullmatch(r"[A-Za-z]{1,4}", line.strip())] == []


# --------------------------------------------------------------------------- 13. a council pack, not a web page


def test_13_every_pdf_uses_the_vendored_typefaces_and_nothing_else(rendered):
    from cspkit.pdf import FONT_FILES

    families = {family.replace(" ", "-") for family, *_ in FONT_FILES}
    for pdf in pdfs(rendered):
        fonts = embedded_fonts(pdf)
        used = {f for f in fonts if any(f.startswith(fam) for fam in families)}
        assert used == fonts, (pdf.name, fonts - used)
        assert any(f.startswith("Source-Sans-3") for f in fonts) and any(f.startswith("Source-Serif-4") for f in fonts)


def test_13_the_pdf_fetcher_lets_through_exactly_the_vendored_fonts(tmp_path):
    from weasyprint.urls import URLFetchingError

    from cspkit.pdf import FONT_FILES, _local_fetcher, fonts_dir

    fetch = _local_fetcher(tmp_path).fetch
    for *_, name in FONT_FILES:
        assert fetch((fonts_dir() / name).as_uri())
    for other in (fonts_dir() / "OFL-SourceSans3.txt", fonts_dir().parent / "style.css.j2"):
        with pytest.raises(URLFetchingError):
            fetch(other.as_uri())


def test_13_text_outside_the_typefaces_is_reported_not_hidden(tmp_path, capsys):
    from cspkit.pdf import font_faces, make_pdf

    faces = "".join(f'@font-face {{ font-family: "{f["family"]}"; src: url("{f["url"]}"); }}' for f in font_faces())
    html = (f'<html lang="en-GB"><head><title>t</title><style>{faces} body {{ font-family: "Source Sans 3" }}'
            '</style></head><body><p>Plain text.</p><p style="font-family: monospace">Elsewhere</p></body></html>')
    assert make_pdf(html, tmp_path).startswith(b"%PDF")
    err = capsys.readouterr().err
    # whichever monospace font this machine has, the note names it
    assert re.fullmatch(r"note: some characters are not in the pack's typefaces \(Source Sans 3, Source Serif 4\) "
                        r"and were drawn with (?!Source)[^\n]+\n", err), err


def test_13_the_title_block_has_the_body_and_its_logo_with_alternative_text(rendered):
    alt = "Leicestershire and Rutland Safer Communities Strategy Board: Making Leicestershire &amp; Rutland Safer"
    for name in (f"{COUNTY_PACK}.html", "2023-12-15-minutes.html", "action-log-2024-03-22.html"):
        html = text(rendered, "county", name)
        block = html.split('<header class="title-block">', 1)[1].split("</header>", 1)[0]
        assert '<img class="logo" src="data:image/svg+xml;base64,' in block and f'alt="{alt}"' in block
        assert "Leicestershire and Rutland Safer Communities Strategy Board" in block
    block = text(rendered, "charnwood", f"{CHARNWOOD_PACK}.html").split("</header>", 1)[0]
    assert "<img" not in block and '<h1 class="body-name">CHARNWOOD COMMUNITY SAFETY PARTNERSHIP</h1>' in block


def test_13_a_missing_logo_is_one_clear_error(county_copy, cli, tmp_path):
    (county_copy / "assets" / "lrscsb-logo.svg").unlink()
    r = cli("--repo", county_copy, "render", "action-log", "--as-of", "2024-03-22", "--format", "html", "-o", tmp_path)
    assert r.code == 1
    assert re.fullmatch(r"cspkit\.yaml:\d+:\d+: conventions\.logo\.path: assets/lrscsb-logo\.svg is not a file "
                        r"inside the repository", r.err.strip()), r.err


def test_13_fonts_ship_with_the_package():
    """pyproject's package data for cspkit.templates takes every file below templates/."""
    import tomllib

    from cspkit.pdf import FONT_FILES, fonts_dir

    for *_, name in FONT_FILES:
        assert (fonts_dir() / name).stat().st_size > 100_000
    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    assert "**/*" in project["tool"]["setuptools"]["package-data"]["cspkit.templates"]


def test_the_committed_page_images_are_current(rendered, tmp_path):
    """docs/pages holds page images of both packs for review; `make pages` redraws them.
    Drawn again here from this run's PDFs, every one must match its committed image pixel
    for pixel (Charnwood's performance page comes from a copy of its records and is left to
    `python docs/pages/regenerate.py --check`)."""
    need_pdftoppm()
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "docs" / "pages" / "regenerate.py"
    spec = importlib.util.spec_from_file_location("regenerate_pages", path)
    pages = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pages)
    stale = []
    for body, _, meeting, wanted in pages.PACKS:
        drawn = pages.pack_images(rendered[body] / f"{meeting}-agenda-pack.pdf", body, wanted, tmp_path)
        stale += [name for name, image in drawn.items() if not pages.same_pixels(image, path.parent / name)]
    assert stale == [], "run `make pages` and look at the images in the diff"
