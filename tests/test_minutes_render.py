"""Minutes as a clerk would circulate them (issue 17, points 4, 5, 7 and 9), in HTML and PDF.

Both example bodies are rendered once (HTML and PDF); each test reads the rendered text as
a member would — the PDF through pypdf — and checks what the real minutes in the seeds do:
the county's signature block, "RESOLVED: (a) That …; (b) That … ." with the wrapped line
hanging under the text, sub-items listed before the discussion, "held via" for an online
meeting, no "(circulated)" after the date, and bullets inside a point that keep their bullets.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import CHARNWOOD, COUNTY
from pypdf import PdfReader

# Its module fixtures are built once: every test of this module runs on one xdist worker.
pytestmark = pytest.mark.xdist_group("test_minutes_render")


def _render(root: Path, meeting: str, out: Path) -> tuple[str, str, Path]:
    from cspkit.cli import run

    assert run(["--repo", str(root), "render", "minutes", meeting, "--format", "html,pdf", "-o", str(out)]) == 0
    page = (out / f"{meeting}-minutes.html").read_text(encoding="utf-8")
    pdf = out / f"{meeting}-minutes.pdf"
    text = " ".join(p.extract_text() or "" for p in PdfReader(str(pdf)).pages)
    return page, re.sub(r"\s+", " ", text), pdf


def _html_text(page: str) -> str:
    body = page.split("<body", 1)[1]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).replace(" .", ".").replace(" ;", ";")


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    page, pdf_text, pdf = _render(COUNTY, "2023-12-15", tmp_path_factory.mktemp("county-minutes"))
    return {"html": page, "text": _html_text(page), "pdf": pdf_text, "pdf_path": pdf}


@pytest.fixture(scope="module")
def charnwood(tmp_path_factory):
    page, pdf_text, pdf = _render(CHARNWOOD, "2023-07-13", tmp_path_factory.mktemp("charnwood-minutes"))
    return {"html": page, "text": _html_text(page), "pdf": pdf_text, "pdf_path": pdf}


@pytest.mark.parametrize("where", ["text", "pdf"])
def test_county_minutes_end_with_the_signature_block(county, where):
    # 4: after the last minute, the meeting's times, the date, and the line the chairman signs
    assert ("That the next meeting of the Board take place on Friday 22 March 2024 at 10.00am. "
            "10.00 - 11.10 am 15 December 2023 CHAIRMAN") in county[where]
    assert county[where].count("CHAIRMAN") == 1
    assert "The meeting closed at" not in county[where]


@pytest.mark.parametrize("where", ["text", "pdf"])
def test_charnwood_minutes_have_no_signature_block(charnwood, where):
    assert "CHAIRMAN" not in charnwood[where]


@pytest.mark.parametrize("where", ["text", "pdf"])
def test_resolved_lists_are_punctuated_as_the_county_writes_them(county, where):
    # 5: "(a) That …;" "(b) That … ." and a single resolution with its full stop
    text = county[where]
    assert ("RESOLVED: (a) That the contents of the report be noted; (b) That a further report regarding ASB and "
            "Sentinel be brought to a meeting of the Board once there have been further developments.") in text
    assert "RESOLVED: That the status of the Action Log be noted. 34." in text
    assert "RESOLVED: That the contents of the presentation be noted." in text


def test_a_wrapped_resolution_hangs_under_its_text_not_its_letter(county):
    # 5: the second line of "(b) That LFRS be requested …" starts under "That", not under "(b)"
    chunks: list[tuple[float, str]] = []
    for page in PdfReader(str(county["pdf_path"])).pages:
        page.extract_text(visitor_text=lambda text, cm, tm, fd, fs: chunks.append((tm[4], text.strip())))
    chunks = [(x, t) for x, t in chunks if t]
    at = next(i for i, (_, t) in enumerate(chunks) if "That LFRS be requested" in t)
    label_x = next(x for x, t in reversed(chunks[:at + 1]) if t.startswith("(b)"))
    text_x = chunks[at][0] if chunks[at][1].startswith("That") else label_x
    wrapped_x = chunks[at + 1][0]  # the next line of the same resolution
    assert chunks[at + 1][1].endswith("Road Traffic Collisions.")
    assert wrapped_x - label_x > 15 and abs(wrapped_x - text_x) < 1
    assert '<li><span class="dl">(b)</span><div>That LFRS be requested' in county["html"]


@pytest.mark.parametrize("where", ["text", "pdf"])
def test_charnwood_decisions_say_agreed_with_a_full_stop(charnwood, where):
    assert "AGREED that the information be noted." in charnwood[where]
    assert "AGREED that following consultation, the CSP Plan 2023-26 be ratified." in charnwood[where]


@pytest.mark.parametrize("where", ["text", "pdf"])
def test_lettered_sub_items_come_first_then_the_discussion(charnwood, where):
    # 7: 8a, 8b, 8c listed under the item's heading, before the points, and not empty headings at the end
    text = charnwood[where]
    item = text[text.index("CSP STRATEGIC OBJECTIVES"):text.index("PARTNER UPDATES")]
    subs = [item.index(f"8{x}. ") for x in "abc"]
    assert subs == sorted(subs)
    assert subs[-1] < item.index("summarised below") < item.index("Members commended") < item.index("AGREED")


@pytest.mark.parametrize("where", ["text", "pdf"])
def test_minutes_of_line_says_held_via_for_an_online_meeting_and_no_state(county, charnwood, where):
    # 9: "held via Microsoft Teams"; "(circulated)" is not printed after the date
    assert ("Minutes of a meeting of the Leicestershire and Rutland Safer Communities Strategy Board held via "
            "Microsoft Teams on Friday, 15 December 2023.") in county[where]
    assert "held at Committee Room 1, Charnwood Borough Council Offices on Thursday, 13th July 2023." \
        in charnwood[where]
    for minutes in (county, charnwood):
        assert "(circulated)" not in minutes[where]


@pytest.mark.parametrize("where", ["text", "pdf"])
def test_a_bullet_list_inside_a_point_keeps_its_bullets(charnwood, where):
    # 9: the Terms of Reference point lists the amendments as bullets
    text = charnwood[where]
    point = text[text.index("ii. Terms of Reference"):text.index("iii. Harm to Hope")]
    assert point.count("• ") == 3
    assert "• delegated authority for the Chair and Vice-Chair" in point


def test_bullets_in_a_point_are_a_list_in_the_html(charnwood):
    page = charnwood["html"]
    point = page[page.index("Terms of Reference (item 5)"):page.index("Harm to Hope group")]
    assert point.count('<li><span class="bl" aria-hidden="true">•</span>') == 3
    assert '<ul class="bullets">' in point


def test_upcoming_meetings_are_listed_in_the_bodys_date_style(charnwood):
    assert "Upcoming meetings: • 12th October 2023 at 10am" in charnwood["text"]
