"""The Word writer: real Word styles and numbering, valid for Word, python-docx and LibreOffice."""

from __future__ import annotations

import io
import subprocess
import zipfile
from datetime import date

import pytest
from conftest import need_tool

from cspkit.documents import read_document
from cspkit.documents.docx_write import GUIDANCE_STYLE, WordDocument, guidance
from cspkit.errors import ConflictError

PARTNERSHIP = "Charnwood Community Safety Partnership"


def draft(when: date = date(2023, 10, 12)) -> WordDocument:
    w = WordDocument(title="Minutes, 12 October 2023", author=PARTNERSHIP, when=when, font="Arial")
    w.heading("Charnwood Community Safety Partnership \u2013 Minutes", 0)
    w.heading("APOLOGIES", 1, label="1.")
    w.paragraph("Apologies for absence were received from **Nicola Streets** (OPCC).")
    w.heading("PERFORMANCE", 1, label="2.")
    w.guidance("Type each point as a numbered paragraph.")
    w.numbered(["Total crime had increased (+2.9%).", "Shoplifting had increased (+38.6%)."], label="i.")
    w.list_item("in the town centre", label="(a)", level=2)
    w.list_item("at out-of-town stores", label="(b)", level=2)
    w.list_item("Robbery had decreased.", label="iii.")
    w.paragraph("AGREED", bold=True)
    w.numbered(["That the information be noted.", "That the Police report again in January."], label="1.")
    w.heading("PARTNER UPDATES", 1, label="3.")
    w.numbered(["A new list starts again at i."], label="i.")
    w.bullets(["Bell Foundry estate walk", "See [People Zones](https://www.charnwood.gov.uk/csp)",
               "Not a link: [x](javascript:alert(1))"])
    w.table([["Name", "Organisation"], ["Councillor Liz Blackshaw (Chair)", "Charnwood Borough Council"],
             ["James O\u2019Connell", [guidance("Organisation, as the partner writes it")]]], header_rows=1)
    return w


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    path = tmp_path_factory.mktemp("write") / "minutes.docx"
    draft().save(path)
    return path


def test_same_content_same_bytes():
    assert draft().to_bytes() == draft().to_bytes()
    assert draft().to_bytes() != draft(date(2024, 1, 18)).to_bytes()


def test_speaks_for_the_partnership_not_the_tool(written):
    with zipfile.ZipFile(written) as z:
        for name in z.namelist():
            data = z.read(name).lower()
            assert b"cspkit" not in data and b"python-docx" not in data, name
        assert "docProps/thumbnail.jpeg" not in z.namelist()
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in z.infolist())


def test_python_docx_reopens_it_with_real_styles(written):
    import docx

    d = docx.Document(written)
    styles = [p.style.name for p in d.paragraphs]
    assert styles[:5] == ["Title", "Heading 1", "Normal", "Heading 1", GUIDANCE_STYLE]
    props = d.core_properties
    assert (props.title, props.author, props.last_modified_by) == ("Minutes, 12 October 2023", PARTNERSHIP, PARTNERSHIP)
    assert props.created.date() == date(2023, 10, 12)
    section = d.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    guidance_style = d.styles[GUIDANCE_STYLE]
    assert guidance_style.font.italic and str(guidance_style.font.color.rgb) == "595959"
    for name in ("Normal", "Title", "Heading 1"):
        assert d.styles[name].font.name == "Arial"
    table = d.tables[0]
    assert table.rows[0]._tr.trPr.find(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None


def test_each_list_has_its_own_word_numbering(written):
    with zipfile.ZipFile(written) as z:
        numbering = z.read("word/numbering.xml").decode()
    from lxml import etree

    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    root = etree.fromstring(numbering.encode())
    levels = {(lvl.find("w:numFmt", ns).get(f"{{{ns['w']}}}val"), lvl.find("w:lvlText", ns).get(f"{{{ns['w']}}}val"))
              for lvl in root.iterfind("w:abstractNum/w:lvl", ns)}
    assert {("lowerRoman", "%1."), ("lowerLetter", "(%2)"), ("decimal", "%1."), ("bullet", "\u2022")} <= levels
    # The two "i." lists and the decisions are separate w:num, so each restarts.
    assert len(root.findall("w:num", ns)) >= 4


def test_reads_back_as_written(written):
    doc = read_document(written)
    seen = [(type(b).__name__, b.label, b.level, b.text) for b in doc.blocks if hasattr(b, "label")]
    assert seen == [
        ("Heading", None, 0, "Charnwood Community Safety Partnership \u2013 Minutes"),
        ("Heading", "1.", 1, "APOLOGIES"),
        ("Paragraph", None, 0, "Apologies for absence were received from **Nicola Streets** (OPCC)."),
        ("Heading", "2.", 1, "PERFORMANCE"),
        ("Paragraph", None, 0, "Type each point as a numbered paragraph."),
        ("Paragraph", "i.", 1, "Total crime had increased (+2.9%)."),
        ("Paragraph", "ii.", 1, "Shoplifting had increased (+38.6%)."),
        ("Paragraph", "(a)", 2, "in the town centre"),
        ("Paragraph", "(b)", 2, "at out-of-town stores"),
        ("Paragraph", "iii.", 1, "Robbery had decreased."),
        ("Paragraph", None, 0, "**AGREED**"),
        ("Paragraph", "1.", 1, "That the information be noted."),
        ("Paragraph", "2.", 1, "That the Police report again in January."),
        ("Heading", "3.", 1, "PARTNER UPDATES"),
        ("Paragraph", "i.", 1, "A new list starts again at i."),
        ("Paragraph", None, 1, "Bell Foundry estate walk"),
        ("Paragraph", None, 1, "See [People Zones](https://www.charnwood.gov.uk/csp)"),
        ("Paragraph", None, 1, "Not a link: \\[x\\](javascript:alert(1))"),
    ]
    assert doc.blocks[4].style == GUIDANCE_STYLE
    table = doc.blocks[-1]
    assert table.header_rows == 1
    assert [[c.plain for c in row] for row in table.rows][2] == ["James O\u2019Connell",
                                                                  "Organisation, as the partner writes it"]
    assert table.rows[2][1].blocks[0].style == GUIDANCE_STYLE


def test_save_never_clobbers(written):
    with pytest.raises(ConflictError):
        draft().save(written)
    before = written.read_bytes()
    draft().save(written, overwrite=True)
    assert written.read_bytes() == before


def test_a_label_word_cannot_number_is_typed():
    w = WordDocument(title="t", author=PARTNERSHIP, when=date(2023, 7, 13))
    w.list_item("Safeguarding communities from abuse and violent offences.", label="8a.")
    (block,) = read_document(_saved(w.to_bytes())).blocks
    assert (block.label, block.numbered, block.text) == ("8a.", False,
                                                         "8a. Safeguarding communities from abuse and violent offences.")


def _saved(data: bytes):
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "doc.docx"
    path.write_bytes(data)
    return path


def test_libreoffice_converts_it_to_pdf(written, tmp_path):
    need_tool("soffice", "libreoffice-writer-nogui")
    from pypdf import PdfReader

    result = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                             "--convert-to", "pdf", "--outdir", str(tmp_path), str(written)],
                            capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "minutes.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stderr
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    words = " ".join(text.split())
    # The numbering Word would show is what LibreOffice lays out.
    for expected in ("1. APOLOGIES", "ii. Shoplifting", "(b) at out-of-town stores", "iii. Robbery",
                     "2. That the Police", "i. A new list", "Councillor Liz Blackshaw (Chair)"):
        assert expected in words, expected
