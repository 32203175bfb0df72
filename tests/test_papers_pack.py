"""A pack made of the papers partners send: PDFs and Word reports inside it, page references true.

The October 2023 Charnwood pack and the county board's March 2024 pack are rebuilt with
stand-ins attached the way a clerk attaches them (``cspkit agenda attach``): a multi-page PDF
(the fire service's plan, with a US Letter page), a landscape slide deck (one slide rotated), a
Word report with a figure, and a paper for partners only. Each pack is rendered once per module;
the tests read the merged PDF page by page (pypdf) as a reader would.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path

import pytest
from conftest import CHARNWOOD, COUNTY, copy_repo
from papers_support import A4, LETTER, SLIDE, pdf_bytes, word_report
from pypdf import PdfReader

# Its module fixtures are built once: every test of this module runs on one xdist worker.
pytestmark = pytest.mark.xdist_group("test_papers_pack")

A4_PORTRAIT = (595.28, 841.89)
A4_LANDSCAPE = (841.89, 595.28)


def _run(*args: str) -> None:
    from cspkit.cli import run

    assert run([str(a) for a in args]) == 0, args


@functools.cache
def _pages(pdf: Path) -> tuple[str, ...]:
    """Each page's text (pypdf's extraction is slow: each pack is read once per module)."""
    return tuple(re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(str(pdf)).pages)


def _size(page) -> tuple[float, float]:
    return round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)


def _first_pages(pages: list[str], name: str) -> list[int]:
    """The page numbers (1-based) where stand-in ``name``'s pages are, in order."""
    found = {}
    for number, text in enumerate(pages, start=1):
        for m in re.finditer(rf"{name} page (\d+) of (\d+)", text):
            found.setdefault(int(m.group(1)), number)
    return [found[k] for k in sorted(found)]


# --------------------------------------------------------------------------- the October 2023 pack

IRMP = [A4] * 8 + [LETTER]          # 9 pages, the last one US Letter
SLIDES = [SLIDE] * 6                # 6 slides, the third one rotated to portrait


@pytest.fixture(scope="module")
def october(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("october")
    root = copy_repo(CHARNWOOD, tmp / "charnwood")
    sent = tmp / "sent"
    sent.mkdir()
    (sent / "IRMP 2020-24.pdf").write_bytes(pdf_bytes("IRMP STAND-IN", IRMP))
    (sent / "performance slides.pdf").write_bytes(pdf_bytes("SLIDES STAND-IN", SLIDES, rotate={3: 90}))
    (sent / "partners-only.pdf").write_bytes(pdf_bytes("PARTNERS-ONLY STAND-IN", [A4, A4]))
    word_report(sent / "youth-asb-report.docx")
    day = "2023-10-12"
    _run("--repo", root, "agenda", "attach", day, "4", sent / "performance slides.pdf", "--title",
         "Charnwood performance Q2")
    _run("--repo", root, "agenda", "attach", day, "5", sent / "youth-asb-report.docx", "--sub-item", "2")
    _run("--repo", root, "agenda", "attach", day, "7", sent / "partners-only.pdf", "--title",
         "Community Payback consultation response", "--restricted")
    _run("--repo", root, "agenda", "attach", day, "8", sent / "IRMP 2020-24.pdf", "--title",
         "Fire and Rescue Integrated Risk Management Plan")
    _run("--repo", root, "validate")
    partners, public = tmp / "partners", tmp / "public"
    _run("--repo", root, "render", "pack", day, "--format", "all", "-o", partners)
    _run("--repo", root, "render", "pack", day, "--format", "pdf,html", "--audience", "public", "-o", public)
    return {"root": root, "pdf": partners / f"{day}-agenda-pack.pdf", "html": partners / f"{day}-agenda-pack.html",
            "md": partners / f"{day}-agenda-pack.md", "public_pdf": public / f"{day}-agenda-pack-public.pdf",
            "public_html": public / f"{day}-agenda-pack-public.html", "partners": partners, "public": public}


def _papers(root: Path, day: dt.date, audience: str = "partners"):
    from cspkit.render import pack_document
    from cspkit.session import open_repo

    repo = open_repo(root)
    return pack_document(repo, repo.meetings[day], audience).context["papers"]


def test_a_clerk_attaches_each_paper_and_the_meeting_records_it(october):
    text = (october["root"] / "records/meetings/2023-10-12.yaml").read_text(encoding="utf-8")
    assert "    source: papers/2023-10-12/IRMP-2020-24.pdf\n" in text
    assert "      source: papers/2023-10-12/youth-asb-report.docx\n" in text  # under the sub-item
    assert "    source: papers/2023-10-12/partners-only.pdf\n    restricted: true\n" in text
    copies = october["root"] / "records/papers/2023-10-12"
    assert sorted(p.name for p in copies.iterdir()) == ["IRMP-2020-24.pdf", "partners-only.pdf",
                                                         "performance-slides.pdf", "youth-asb-report.docx"]


def test_every_page_reference_on_the_front_sheet_is_the_page_its_paper_starts_on(october):
    pages = _pages(october["pdf"])
    front = pages[0]
    refs = [int(n) for n in re.findall(r"attached at page (\d+)", front, re.IGNORECASE)]
    papers = _papers(october["root"], dt.date(2023, 10, 12))
    # One reference per item (or sub-item) with papers: it names the first of them.
    firsts = []
    for paper in papers:
        if not firsts or firsts[-1].item != paper.item:
            firsts.append(paper)
    assert len(refs) == len(firsts) == 8
    markers = {"Charnwood performance Q2": "SLIDES STAND-IN page 1 of 6",
               "Community Payback consultation response": "PARTNERS-ONLY STAND-IN page 1 of 2"}
    for page_no, paper in zip(refs, firsts, strict=True):
        page = pages[page_no - 1]
        assert f"AGENDA ITEM {paper.item}".lower() in page.lower(), (page_no, paper.item, page[:100])
        assert markers.get(paper.title, paper.title) in page, (page_no, paper.title, page[:120])
    # After each attached paper the next paper starts on the page after its last page.
    slides, irmp = _first_pages(pages, "SLIDES STAND-IN"), _first_pages(pages, "IRMP STAND-IN")
    assert [p.item for p in firsts] == ["2", "3", "4", "5", "6", "7", "8", "10"]
    assert refs[2] == slides[0] and refs[3] == slides[-1] + 1
    assert refs[6] < irmp[0]         # item 8: the partner updates come first, the plan after them
    assert refs[7] == irmp[-1] + 1   # the forward programme starts straight after the plan


def test_attached_pages_are_all_there_in_order_stamped_with_the_running_header_and_page_numbers(october):
    pages = _pages(october["pdf"])
    for name, n in (("IRMP STAND-IN", len(IRMP)), ("SLIDES STAND-IN", len(SLIDES)), ("PARTNERS-ONLY STAND-IN", 2)):
        where = _first_pages(pages, name)
        assert len(where) == n and where == list(range(where[0], where[0] + n)), (name, where)
    for number, text in enumerate(pages, start=1):
        assert re.search(rf"\bPage {number}\b", text), (number, text[-120:])
        assert not re.search(r"9876543210\d{6}", text)  # no reserved page is left
        if number > 1:
            assert "Charnwood Community Safety Partnership" in text and "12th October 2023" in text, number
    first_slide = pages[_first_pages(pages, "SLIDES STAND-IN")[0] - 1]
    assert "AGENDA ITEM 4" in first_slide.upper()  # the first attached page carries its item's label


def test_landscape_slides_stay_landscape_and_every_page_is_a4(october):
    reader = PdfReader(str(october["pdf"]))
    pages = _pages(october["pdf"])
    sizes = [_size(p) for p in reader.pages]
    assert set(sizes) <= {A4_PORTRAIT, A4_LANDSCAPE}
    slides = _first_pages(pages, "SLIDES STAND-IN")
    assert [sizes[n - 1] for n in slides] == [A4_LANDSCAPE, A4_LANDSCAPE, A4_PORTRAIT, A4_LANDSCAPE,
                                              A4_LANDSCAPE, A4_LANDSCAPE]
    irmp = _first_pages(pages, "IRMP STAND-IN")
    assert all(sizes[n - 1] == A4_PORTRAIT for n in irmp)  # the US Letter page too, scaled to fit


def test_each_attached_page_is_drawn_inside_the_margins_scaled_to_fit(october):
    """The page's own drawing is a form XObject placed by a matrix; its box, so placed, fits inside
    the stamp's margins and fills them in one direction."""
    from cspkit.render.pdf_merge import MARGIN_BOTTOM_MM, MARGIN_SIDE_MM, MARGIN_TOP_MM, MM

    reader = PdfReader(str(october["pdf"]))
    pages = _pages(october["pdf"])
    for n in _first_pages(pages, "IRMP STAND-IN") + _first_pages(pages, "SLIDES STAND-IN"):
        page = reader.pages[n - 1]
        data = page.get_contents().get_data().decode("latin-1")
        m = re.search(r"q ([-\d. ]+) cm /AttachedPage Do Q", data)
        assert m, n
        a, b, c, d, e, f = (float(v) for v in m.group(1).split())
        form = page["/Resources"]["/XObject"]["/AttachedPage"].get_object()
        x0, y0, x1, y1 = (float(v) for v in form["/BBox"])
        corners = [(a * x + c * y + e, b * x + d * y + f) for x in (x0, x1) for y in (y0, y1)]
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        box = (MARGIN_SIDE_MM * MM, MARGIN_BOTTOM_MM * MM, w - MARGIN_SIDE_MM * MM, h - MARGIN_TOP_MM * MM)
        assert min(xs) >= box[0] - 0.5 and max(xs) <= box[2] + 0.5 and min(ys) >= box[1] - 0.5 and max(ys) <= box[3] + 0.5
        assert abs((max(xs) - min(xs)) - (box[2] - box[0])) < 1 or abs((max(ys) - min(ys)) - (box[3] - box[1])) < 1
        assert "/Annots" not in page


def test_bookmarks_name_each_paper_at_its_first_page(october):
    reader = PdfReader(str(october["pdf"]))
    pages = _pages(october["pdf"])
    top = {item["/Title"]: reader.get_destination_page_number(item) + 1
           for item in reader.outline if not isinstance(item, list)}
    assert top["8. Fire and Rescue Integrated Risk Management Plan"] == _first_pages(pages, "IRMP STAND-IN")[0]
    assert top["4. Charnwood performance Q2"] == _first_pages(pages, "SLIDES STAND-IN")[0]
    assert "5. Youth ASB Report" in top
    assert len(top) == 1 + len(_papers(october["root"], dt.date(2023, 10, 12)))  # the agenda, then one per paper
    dests = reader.named_destinations
    assert all(reader.get_destination_page_number(d) >= 0 for d in dests.values())  # none dangles


def test_the_tagged_pack_stays_true_each_attached_page_a_figure_with_alternative_text(october):
    """Tags (PDF/UA): nothing in the structure points at a page that went, every marked drawing on a page
    is in the structure, and each attached page is a Figure that names its paper and the page."""
    reader = PdfReader(str(october["pdf"]))
    pages = {p.indirect_reference.idnum: n for n, p in enumerate(reader.pages, start=1)}
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    nums = tree["/ParentTree"]["/Nums"]
    parents = {nums[i]: nums[i + 1].get_object() for i in range(0, len(nums), 2)}
    figures, stack, seen = [], [tree["/K"]], set()
    while stack:
        node = stack.pop()
        if hasattr(node, "idnum"):
            if node.idnum in seen:
                continue
            seen.add(node.idnum)
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            stack.extend(node)
        elif hasattr(node, "get"):
            if "/Pg" in node:
                assert node.raw_get("/Pg").idnum in pages, node.get("/S")
            if node.get("/S") == "/Figure" and "as its author sent it" in str(node.get("/Alt", "")):
                figures.append((pages[node.raw_get("/Pg").idnum], str(node["/Alt"])))
            if "/K" in node:
                stack.append(node["/K"])
    for number, page in enumerate(reader.pages, start=1):
        marked = [int(m) for m in re.findall(rb"/MCID (\d+)", page.get_contents().get_data())]
        if marked:
            assert page.get("/StructParents") in parents and len(parents[page["/StructParents"]]) > max(marked), number
    text = _pages(october["pdf"])
    irmp = _first_pages(text, "IRMP STAND-IN")
    assert [f for f in sorted(figures) if "Fire and Rescue" in f[1]] == [
        (n, f"8. Fire and Rescue Integrated Risk Management Plan, page {k} of 9, as its author sent it")
        for k, n in enumerate(irmp, start=1)]
    assert len(figures) == len(IRMP) + len(SLIDES) + 2


def test_the_word_report_is_set_in_the_packs_own_styles_with_its_figure(october):
    pages = _pages(october["pdf"])
    reader = PdfReader(str(october["pdf"]))
    where = next(i for i, t in enumerate(pages) if "Youth ASB in Charnwood" in t)
    text = pages[where]
    assert "AGENDA ITEM 5" in text.upper() and "Youth ASB Report" in text
    assert "Figure 1.1 – Offences committed by a suspect aged 10-19" in text
    assert "Shepshed and Syston" in text
    images = [x for x in reader.pages[where]["/Resources"].get("/XObject", {}).values()
              if x.get_object().get("/Subtype") == "/Image"]
    assert images, "the figure is in the PDF"
    html = october["html"].read_text(encoding="utf-8")
    assert re.search(r'<img src="2023-10-12-agenda-pack-papers/paper-5-2-2-figure-1.png" '
                     r'alt="Youth ASB incidents by month" style="width: 120mm">', html)
    assert '<td colspan="2"><p>Shepshed and Syston</p></td>' in html
    # The paper's title is a level-2 heading in the pack; the report's own headings come under it.
    assert "<h3>Youth ASB in Charnwood</h3>" in html and "<h4>Incidents by area</h4>" in html
    md = october["md"].read_text(encoding="utf-8")
    assert "![Youth ASB incidents by month](2023-10-12-agenda-pack-papers/paper-5-2-2-figure-1.png)" in md
    assert "\n### Youth ASB in Charnwood\n" in md and "\n#### Incidents by area\n" in md
    assert (october["partners"] / "2023-10-12-agenda-pack-papers/paper-5-2-2-figure-1.png").read_bytes() \
        .startswith(b"\x89PNG")


def test_html_and_markdown_packs_link_each_pdf_paper_with_its_page_count_and_size(october):
    root, partners = october["root"], october["partners"]
    html = october["html"].read_text(encoding="utf-8")
    md = october["md"].read_text(encoding="utf-8")
    for name, title, pages in (("IRMP-2020-24.pdf", "Fire and Rescue Integrated Risk Management Plan", 9),
                               ("performance-slides.pdf", "Charnwood performance Q2", 6)):
        href = f"2023-10-12-agenda-pack-papers/{name}"
        copy = partners / href
        assert copy.read_bytes() == (root / "records/papers/2023-10-12" / name).read_bytes()
        size = f"{max(1, round(copy.stat().st_size / 1024))} KB"
        assert f'<a href="{href}">{title}</a> (PDF, {pages} pages, {size})' in html
        assert f"[{title}]({href}) (PDF, {pages} pages, {size})" in md


def test_a_paper_for_partners_only_is_never_in_the_public_pack(october):
    assert "PARTNERS-ONLY STAND-IN" in " ".join(_pages(october["pdf"]))
    public_pages = _pages(october["public_pdf"])
    assert "PARTNERS-ONLY STAND-IN" not in " ".join(public_pages)
    assert "Community Payback consultation response" not in october["public_html"].read_text(encoding="utf-8")
    assert not (october["public"] / "2023-10-12-agenda-pack-public-papers/partners-only.pdf").exists()
    assert (october["public"] / "2023-10-12-agenda-pack-public-papers/IRMP-2020-24.pdf").exists()
    # The public pack's page references count the plan's pages and nothing of the restricted paper.
    refs = [int(n) for n in re.findall(r"attached at page (\d+)", public_pages[0], re.IGNORECASE)]
    assert refs[-1] == _first_pages(public_pages, "IRMP STAND-IN")[-1] + 1


# --------------------------------------------------------------------------- the county board, odd pages


@pytest.fixture(scope="module")
def county(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("county")
    root = copy_repo(COUNTY, tmp / "county")
    sent = tmp / "sent"
    sent.mkdir()
    (sent / "slides.pdf").write_bytes(pdf_bytes("MODERN SLAVERY SLIDES", [SLIDE] * 5))           # odd
    (sent / "opcc-summary.pdf").write_bytes(pdf_bytes("OPCC SUMMARY", [A4]))                        # one page
    (sent / "needs-assessment.pdf").write_bytes(pdf_bytes("NEEDS ASSESSMENT", [A4, A4, A4_LANDSCAPE, A4]))  # even
    (sent / "matters-arising.pdf").write_bytes(pdf_bytes("MATTERS ARISING", [A4]))                  # an item's only paper
    word_report(sent / "probation-report.docx", title="Probation report")
    day = "2024-03-22"
    _run("--repo", root, "agenda", "attach", day, "3", sent / "matters-arising.pdf", "--title", "Matters arising")
    _run("--repo", root, "agenda", "attach", day, "6", sent / "slides.pdf", "--title", "Modern Slavery slides")
    _run("--repo", root, "agenda", "attach", day, "7", sent / "opcc-summary.pdf", "--title", "OPCC summary")
    _run("--repo", root, "agenda", "attach", day, "9", sent / "probation-report.docx")
    _run("--repo", root, "agenda", "attach", day, "10", sent / "needs-assessment.pdf", "--title",
         "Health needs summary")
    _run("--repo", root, "render", "pack", day, "--format", "pdf", "-o", tmp / "out")
    return {"root": root, "pdf": tmp / "out" / f"{day}-agenda-pack.pdf"}


def test_county_page_ranges_span_each_item_with_its_attached_pages_and_padding(county):
    pages = _pages(county["pdf"])
    ranges = [(int(a), int(b)) for a, b in re.findall(r"\(Pages (\d+) - (\d+)\)", pages[0])]
    items = list(dict.fromkeys(p.item for p in _papers(county["root"], dt.date(2024, 3, 22))))
    assert len(ranges) == len(items) == 10
    assert ranges[1][1] == ranges[1][0] + 1  # item 3's one page, and the page that pads it
    for (start, end), item in zip(ranges, items, strict=True):
        assert start % 2 == 1, f"item {item} starts on even page {start}"
        assert end % 2 == 0 or end == len(pages)
        assert f"AGENDA ITEM {item}" in pages[start - 1].upper(), (start, item)
    for (_, end), (start, _) in zip(ranges, ranges[1:], strict=False):
        assert start == end + 1
    assert ranges[-1][1] == len(pages)
    by_item = dict(zip(items, ranges, strict=True))
    for name, item, n in (("MATTERS ARISING", "3", 1), ("MODERN SLAVERY SLIDES", "6", 5), ("OPCC SUMMARY", "7", 1),
                          ("NEEDS ASSESSMENT", "10", 4)):
        where = _first_pages(pages, name)
        start, end = by_item[item]
        assert len(where) == n and where == list(range(where[0], where[0] + n))
        assert where[0] % 2 == 1, f"{name} starts on even page {where[0]}"
        assert start <= where[0] and where[-1] <= end, (name, where, (start, end))
        # What follows the paper inside its item's range is only the padding page.
        assert all("This page is intentionally left blank" in pages[p - 1] for p in range(where[-1] + 1, end + 1))


def test_county_blank_pages_are_even_and_say_so(county):
    pages = _pages(county["pdf"])
    blanks = [i + 1 for i, t in enumerate(pages) if "This page is intentionally left blank" in t]
    assert blanks and all(n % 2 == 0 for n in blanks)
    for number, text in enumerate(pages, start=1):
        assert re.search(rf"\bPage {number}\b", text) or number in blanks, number


def test_county_landscape_page_inside_a_portrait_paper_keeps_its_orientation(county):
    reader = PdfReader(str(county["pdf"]))
    where = _first_pages(_pages(county["pdf"]), "NEEDS ASSESSMENT")
    assert [_size(reader.pages[n - 1]) for n in where] == [A4_PORTRAIT, A4_PORTRAIT, A4_LANDSCAPE, A4_PORTRAIT]


def test_a_one_page_paper_after_an_attached_pdf_is_page_n_where_it_is(mini, cli, tmp_path):
    """Without odd-page padding a one-page paper reads "(Page N)" (the front sheet is laid out again
    with the numbers written in): N counts the attached pages before it."""
    from hardening_support import rewrite

    rewrite(mini / "cspkit.yaml", lambda doc: doc["conventions"].__setitem__("page_references", "page-range"))
    (tmp_path / "plan.pdf").write_bytes(pdf_bytes("PLAN", [A4] * 5))
    assert cli("--repo", mini, "agenda", "attach", "2023-10-12", "2", tmp_path / "plan.pdf").code == 0
    (mini / "records/papers/2023-10-12/note.md").write_text("A note of one page.\n", encoding="utf-8")
    assert cli("--repo", mini, "agenda", "add", "2023-10-12", "A note", "--paper", "papers/2023-10-12/note.md").code == 0
    r = cli("--repo", mini, "render", "pack", "2023-10-12", "--format", "pdf", "-o", tmp_path / "out")
    assert r.code == 0, r.err
    pages = _pages(tmp_path / "out/2023-10-12-agenda-pack.pdf")
    (start, end), = [(int(a), int(b)) for a, b in re.findall(r"\(Pages (\d+) - (\d+)\)", pages[0])]
    note = [int(n) for n in re.findall(r"\(Page (\d+)\)", pages[0])]
    plan = _first_pages(pages, "PLAN")
    assert plan[-1] == end and len(plan) == 5 and start < plan[0]
    assert note == [end + 1] == [len(pages)]
    assert "A note of one page." in pages[note[0] - 1]
    assert all(re.search(rf"\bPage {n}\b", t) for n, t in enumerate(pages, start=1))


def test_the_packs_with_papers_speak_for_the_partnership_not_the_tool(october):
    outputs = {"pdf": " ".join(_pages(october["pdf"])), "public pdf": " ".join(_pages(october["public_pdf"])),
               "md": october["md"].read_text(encoding="utf-8")}
    for name in ("html", "public_html"):
        outputs[name] = re.sub(r"<head>.*?</head>", "", october[name].read_text(encoding="utf-8"), flags=re.S)
    assert [name for name, body in outputs.items() if "cspkit" in body.lower()] == []
