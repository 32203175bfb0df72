"""Documents saved by LibreOffice read like the ones Word writes.

The files in fixtures/documents/libreoffice/ were opened and saved by LibreOffice Writer
(``make_libreoffice_fixtures.py`` there); LibreOffice rewrites styles, numbering and tables
its own way (every paragraph names "Normal", numbering definitions are renumbered), so
these tests need no LibreOffice to run, only its files.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from documents_support import summary

from cspkit.documents import Table, read_document

FIXTURES = Path(__file__).parent / "fixtures" / "documents" / "libreoffice"


@pytest.fixture(scope="module")
def minutes():
    return read_document(FIXTURES / "minutes.docx")


def test_minutes_saved_by_libreoffice(minutes):
    assert summary(minutes.blocks) == [
        ("H", 0, None, "Charnwood Community Safety Partnership \u2013 Minutes"),
        ("P", None, 0, "**Present:**"),
        ("T", [[[("P", None, 0, "Councillor Liz Blackshaw (Chair)")], [("P", None, 0, "Charnwood Borough Council")]],
               [[("P", None, 0, "Inspector David Stokes")], [("P", None, 0, "Leicestershire Police\\\n(Vice-Chair)")]]]),
        ("H", 1, "6", "6 2023/24 PERFORMANCE"),
        ("P", None, 0, "A presentation detailing Charnwood performance figures was provided."),
        ("P", "i.", 1, "The following crime types had increased; total crime (+2.9%)."),
        ("P", "ii.", 1, "The Police were using a \u2018target-hardening\u2019 approach."),
        ("P", "(a)", 2, "Cocooning in student areas."),
        ("P", None, 0, "**AGREED** that the information be noted."),
        ("P", "9.", 0, "**9. PARTNER UPDATES**"),
        ("P", None, 0, "**Community Payback**"),
        ("P", "i.", 0, "i. There was a fire safety walk around the Bell Foundry estate."),
        ("P", "ii.", 0, "ii. More exercises would be beneficial."),
        ("P", "1.", 1, "first decision"),
        ("P", "2.", 1, "second decision"),
    ]


def test_libreoffice_styles_and_locations(minutes):
    blocks = minutes.blocks
    assert [b.style for b in blocks if not isinstance(b, Table)][:6] == [
        "Title", None, "Heading 1", None, "Minute Point", "Minute Point"]
    sub_heading = blocks[10]
    assert (sub_heading.all_bold, sub_heading.underlined) == (True, True)
    # The empty paragraph after the attendance table is counted: the heading is paragraph 8.
    assert minutes.where(blocks[3]) == 'minutes.docx: paragraph 8 ("6 2023/24 PERFORMANCE")'


def test_update_form_saved_by_libreoffice():
    doc = read_document(FIXTURES / "update-form.docx")
    heading, form = doc.blocks
    assert heading.plain == "Partner update"
    assert [[c.plain for c in row] for row in form.rows] == [
        ["Organisation", "OPCC"],
        ["Author", "James O\u2019Connell"],
        ["Summary", "People Zones vision is to grow safer communities.\nHealth & Wellbeing\nCommunity Safety"],
        ["Theme 1 \u2013 Making Communities Safer"],
    ]
    summary_cell = form.rows[2][1]
    assert [(b.bullet, b.level) for b in summary_cell.blocks] == [(False, 0), (True, 1), (True, 1)]
    assert form.rows[3][0].col_span == 2
