"""Labels as clerks type them and as Word numbers them; folding text for matching."""

from __future__ import annotations

import pytest
from documents_support import NS, level

from cspkit.documents import label_core, normalise, split_label
from cspkit.documents.labels import format_number, is_roman_label, list_style_of
from cspkit.documents.numbering import Numbering


@pytest.mark.parametrize("text, expected", [
    ("i. The following crime types had increased", ("i.", "The following crime types had increased")),
    ("xi. The decline in Sentinel reports", ("xi.", "The decline in Sentinel reports")),
    ("ii.\tWith a tab", ("ii.", "With a tab")),
    ("(a) That the report be noted", ("(a)", "That the report be noted")),
    ("(iv) Fourth", ("(iv)", "Fourth")),
    ("b) Second", ("b)", "Second")),
    ("8. PARTNER UPDATES", ("8.", "PARTNER UPDATES")),
    ("8a. Safeguarding communities", ("8a.", "Safeguarding communities")),
    ("30. Minutes of previous meeting.", ("30.", "Minutes of previous meeting.")),
    ("8.1 Community Payback", ("8.1", "Community Payback")),
    ("8 PARTNER UPDATES", ("8", "PARTNER UPDATES")),
    ("12\tAny other business", ("12", "Any other business")),
    ("IV. Fourth", ("IV.", "Fourth")),
])
def test_typed_labels(text, expected):
    assert split_label(text) == expected


@pytest.mark.parametrize("text", [
    "i.e. nothing was agreed", "e.g. the Police", "A. Fadesco to report", "I. Ashford attended",
    "1.5 million people", "2023. A year", "3 officers attended", "8.", "iiii. not roman", "Inspector Stokes",
    "",
])
def test_not_labels(text):
    assert split_label(text) is None


def test_label_core_and_roman():
    assert [label_core(x) for x in ("(a)", "8a.", "8.1.", "ii.", "3)")] == ["a", "8a", "8.1", "ii", "3"]
    assert is_roman_label("(iv)") and is_roman_label("XI.") and not is_roman_label("8.")


def test_word_number_formats():
    assert [format_number(n, "lowerRoman") for n in (1, 4, 9, 14, 40)] == ["i", "iv", "ix", "xiv", "xl"]
    assert [format_number(n, "upperLetter") for n in (1, 26, 27, 28)] == ["A", "Z", "AA", "BB"]
    assert format_number(3, "decimalZero") == "03" and format_number(22, "ordinal") == "22nd"
    assert format_number(2, "bullet") == "" and format_number(7, "someNewFormat") == "7"


def test_list_style_of_a_label():
    assert [(s.num_fmt, s.lvl_text, s.start) for s in map(list_style_of, ("i.", "(a)", "8.", "x.", "C)"))] == [
        ("lowerRoman", "%1.", 1), ("lowerLetter", "(%1)", 1), ("decimal", "%1.", 8), ("lowerRoman", "%1.", 10),
        ("upperRoman", "%1)", 100)]
    assert list_style_of("c.", prefer_roman=False).num_fmt == "lowerLetter"
    assert list_style_of("8a.") is None and list_style_of("(a.") is None


def test_normalise_for_matching():
    assert normalise("AGREED \u2013 that the \u2018Plan\u2019\u00a0be\n noted\u2026") == "agreed - that the 'plan' be noted..."
    assert normalise("O\u2019Connell", casefold=False) == "O'Connell"


def _numbering(xml: str, styles: dict | None = None) -> Numbering:
    from lxml import etree

    root = etree.fromstring(f"<w:numbering {NS}>{xml}</w:numbering>".encode())
    return Numbering(root, lambda sid: (styles or {}).get(sid))


def test_level_restart_rules():
    # Level 3 ("%3") restarts only after level 1 items (w:lvlRestart 1), not after level 2 ones.
    n = _numbering('<w:abstractNum w:abstractNumId="1">' + level(0, "decimal", "%1.") + level(1, "lowerLetter", "%1%2")
                   + level(2, "lowerRoman", "(%3)", extra='<w:lvlRestart w:val="1"/>') + "</w:abstractNum>"
                   '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>')
    labels = [n.next("1", lvl).label for lvl in (0, 1, 2, 1, 2, 0, 2)]
    assert labels == ["1.", "1a", "(i)", "1b", "(ii)", "2.", "(i)"]


def test_numbering_style_link_and_unknown_lists():
    # A list defined through a numbering style (w:numStyleLink), as Word writes outline lists.
    n = _numbering('<w:abstractNum w:abstractNumId="1"><w:numStyleLink w:val="Outline"/></w:abstractNum>'
                   '<w:abstractNum w:abstractNumId="2"><w:styleLink w:val="Outline"/>' + level(0, "upperLetter", "%1.")
                   + "</w:abstractNum>"
                   '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>'
                   '<w:num w:numId="2"><w:abstractNumId w:val="2"/></w:num>', styles={"Outline": "2"})
    assert [n.next("1", 0).label, n.next("1", 0).label] == ["A.", "B."]
    assert n.next("99", 0) is None and n.next("0", 0) is None


def test_numbering_style_link_loop_does_not_hang():
    n = _numbering('<w:abstractNum w:abstractNumId="1"><w:numStyleLink w:val="S"/></w:abstractNum>'
                   '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>', styles={"S": "1"})
    assert n.next("1", 0) is None or n.next("1", 0).label is None
