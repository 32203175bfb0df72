"""Reading Word documents written the ways clerks and partners write them.

Each document is built once per module (python-docx, or WordprocessingML written out where
the structure matters: content controls, numbering inherited from a style), read with
``read_document``, and checked for what a clerk would see on the page.
"""

from __future__ import annotations

import pytest
from documents_support import p, package, r, summary, tbl, tc, tr, write

from cspkit.documents import Heading, Location, Note, Paragraph, Table, normalise, read_document


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("docx")


def read(folder, name: str, body: str, **kw):
    return read_document(write(folder, name, package(body, **kw)))


# -- headings -------------------------------------------------------------------------------------
def test_heading_styles_by_outline_level_name_and_a_localised_style(folder):
    doc = read(folder, "headings.docx", "".join([
        p("Charnwood Community Safety Partnership", style="Title"),
        p("1 APOLOGIES", style="Heading1"),
        p("Community Payback", style="Heading2"),
        p("2 MINUTES", style="berschrift1"),  # "Überschrift 1", based on Heading 1
        p("Set as an outline level", ppr='<w:outlineLvl w:val="2"/>'),
        p("Body text"),
    ]))
    assert summary(doc.blocks) == [
        ("H", 0, None, "Charnwood Community Safety Partnership"),
        ("H", 1, "1", "1 APOLOGIES"),  # a bare number before capitals is the item's label
        ("H", 2, None, "Community Payback"),
        ("H", 1, "2", "2 MINUTES"),
        ("H", 3, None, "Set as an outline level"),
        ("P", None, 0, "Body text"),
    ]
    # Heading 1 is bold by its style: that is not markup in the text.
    assert doc.blocks[1].text == "1 APOLOGIES" and doc.blocks[1].body == "APOLOGIES"
    assert [b.style for b in doc.blocks] == ["Title", "Heading 1", "Heading 2", "Überschrift 1", None, None]


def test_bold_typed_item_headings_and_sub_headings(folder):
    doc = read(folder, "typed.docx", "".join([
        p(runs=r("8. PARTNER UPDATES", bold=True)),
        p(runs=r("Community Payback", bold=True, underline=True)),
        p("Community Trigger", style="SubHeading"),  # bold and underlined by its style
        p(runs=r("AGREED", bold=True) + r(" that the information be noted.")),
        p(runs=r("8a.\tSafeguarding communities from abuse and violent offences.")),
    ]))
    heading, sub, styled, agreed, objective = doc.blocks
    assert (heading.label, heading.numbered, heading.all_bold) == ("8.", False, True)
    assert heading.text == "**8. PARTNER UPDATES**" and heading.body == "**PARTNER UPDATES**"
    assert heading.plain == "8. PARTNER UPDATES"
    assert (sub.all_bold, sub.underlined, sub.label) == (True, True, None)
    assert (styled.all_bold, styled.underlined, styled.text, styled.style) == (True, True, "Community Trigger",
                                                                              "Sub Heading")
    assert agreed.text == "**AGREED** that the information be noted." and not agreed.all_bold
    assert (objective.label, objective.body) == ("8a.", "Safeguarding communities from abuse and violent offences.")


def test_hand_typed_points_keep_their_label_in_the_text(folder):
    doc = read(folder, "points.docx", "".join(
        p(f"{label} The Police were using a target-hardening approach.") for label in ("i.", "ii.", "(a)", "(b)")))
    assert [(b.label, b.numbered, b.body) for b in doc.blocks] == [
        (label, False, "The Police were using a target-hardening approach.") for label in ("i.", "ii.", "(a)", "(b)")]
    assert doc.blocks[0].text == "i. The Police were using a target-hardening approach."


# -- list numbering --------------------------------------------------------------------------------
def test_word_list_numbering_resolved_to_the_labels_a_reader_sees(folder):
    doc = read(folder, "numbering.docx", "".join([
        p("first item", num=(1, 0)),
        p("a sub-point", num=(1, 1)),
        p("another sub-point", num=(1, 1)),
        p("second item", num=(1, 0)),
        p("sub-points restart", num=(1, 1)),
        p("A paragraph between"),
        p("third item, another list on the same definition", num=(4, 0)),
        p("a list restarted at five", num=(5, 0)),
        p("and six", num=(5, 0)),
        p("a bullet", num=(6, 0)),
        p("roman one", num=(2, 0)),
        p("roman two", num=(2, 0)),
        p("legal one", num=(7, 0)),
        p("legal one point one", num=(7, 1)),
        p("numbering removed", num=(0, 0)),
    ]))
    assert [(b.label, b.level, b.plain) for b in doc.blocks] == [
        ("1.", 1, "first item"),
        ("(a)", 2, "a sub-point"),
        ("(b)", 2, "another sub-point"),
        ("2.", 1, "second item"),
        ("(a)", 2, "sub-points restart"),
        (None, 0, "A paragraph between"),
        ("3.", 1, "third item, another list on the same definition"),
        ("5.", 1, "a list restarted at five"),
        ("6.", 1, "and six"),
        (None, 1, "a bullet"),
        ("i.", 1, "roman one"),
        ("ii.", 1, "roman two"),
        ("1.", 1, "legal one"),
        ("1.1", 2, "legal one point one"),
        (None, 0, "numbering removed"),
    ]
    assert all(b.numbered for b in doc.blocks if b.label)
    assert doc.blocks[9].bullet and not doc.blocks[9].numbered
    # Numbered text carries no typed label: the body is the text.
    assert doc.blocks[0].body == doc.blocks[0].text == "first item"


def test_numbering_inherited_from_a_paragraph_style_and_its_based_on_chain(folder):
    doc = read(folder, "style-numbering.docx", "".join([
        p("The Police were using a target-hardening approach.", style="MinutePoint"),
        p("Cocooning in student areas.", style="MinutePoint"),
        p("Which meant education.", style="MinutePointSub"),  # level from the style, list from its base
        p("Civil Powers training.", style="MinutePoint"),
    ]))
    assert [(b.label, b.level, b.style) for b in doc.blocks] == [
        ("i.", 1, "Minute Point"), ("ii.", 1, "Minute Point"), ("(a)", 2, "Minute Point Sub"),
        ("iii.", 1, "Minute Point")]


def test_empty_numbered_paragraph_still_counts(folder):
    # Word shows "2." on an empty numbered paragraph, so the next one is "3.".
    doc = read(folder, "empty-numbered.docx", p("one", num=(2, 0)) + p("", num=(2, 0)) + p("three", num=(2, 0)))
    assert [b.label for b in doc.blocks] == ["i.", "iii."]


# -- text ---------------------------------------------------------------------------------------------
def test_runs_split_mid_word_merge_and_formatting_is_markdown(folder):
    doc = read(folder, "runs.docx", p(runs="".join([
        r("Agr", bold=True), r("eed", bold=True), r(" that the Part"), r("nership "), r("note", italic=True),
        r("s", italic=True), r(" the "), r("report", rstyle="Strong"), r("."),
    ])))
    (para,) = doc.blocks
    assert para.text == "**Agreed** that the Partnership *notes* the **report**."
    assert para.plain == "Agreed that the Partnership notes the report."


def test_soft_line_breaks_tabs_smart_quotes_and_dashes(folder):
    runs = (r("Present:") + "<w:r><w:br/></w:r>" + r("Councillor Liz Blackshaw\tCharnwood Borough Council")
            + "<w:r><w:br/></w:r>" + r("Gareth Harvey \u2013 \u2018Head of Regulatory\u2019 \u201cCBC\u201d"))
    doc = read(folder, "breaks.docx", p(runs=runs))
    (para,) = doc.blocks
    assert para.plain == ("Present:\nCouncillor Liz Blackshaw\tCharnwood Borough Council\n"
                          "Gareth Harvey \u2013 \u2018Head of Regulatory\u2019 \u201cCBC\u201d")
    assert para.text.split("\n")[0] == "Present:\\"  # a Markdown hard line break
    assert normalise(para.plain).endswith("gareth harvey - 'head of regulatory' \"cbc\"")


def test_empty_paragraphs_are_dropped_but_counted_for_locations(folder):
    doc = read(folder, "empty.docx", p("one") + p("") + p("   ") + p("four"))
    assert [b.plain for b in doc.blocks] == ["one", "four"]
    assert doc.blocks[1].location == Location(paragraph=4, snippet="four")
    assert doc.where(doc.blocks[1]) == 'empty.docx: paragraph 4 ("four")'


def test_location_snippet_is_the_first_words(folder):
    doc = read(folder, "snippet.docx", p("") + p("AGREED that the information be noted and circulated."))
    assert doc.blocks[0].location.format("minutes.docx") == 'minutes.docx: paragraph 2 ("AGREED that the information…")'


def test_hidden_text_is_not_read(folder):
    hidden = '<w:r><w:rPr><w:vanish/></w:rPr><w:t>secret </w:t></w:r>'
    doc = read(folder, "hidden.docx", p(runs=r("Shown ") + hidden + r("text")))
    assert doc.blocks[0].plain == "Shown text"


def test_hyperlinks_become_markdown_links_and_unsafe_ones_text(folder):
    rels = ('<Relationship Id="rIdL1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'hyperlink" Target="https://www.charnwood.gov.uk/csp" TargetMode="External"/>'
            '<Relationship Id="rIdL2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'hyperlink" Target="javascript:alert(1)" TargetMode="External"/>')
    field = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK '
             '"mailto:clerk@example.org" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
             + r("the clerk") + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    runs = (r("See ") + f'<w:hyperlink r:id="rIdL1">{r("People Zones")}</w:hyperlink>' + r(", ")
            + f'<w:hyperlink r:id="rIdL2">{r("this")}</w:hyperlink>' + r(" or write to ") + field + r("."))
    doc = read(folder, "links.docx", p(runs=runs), extra_rels=rels)
    assert doc.blocks[0].text == ("See [People Zones](https://www.charnwood.gov.uk/csp), this or write to "
                                  "[the clerk](mailto:clerk@example.org).")


# -- content controls ------------------------------------------------------------------------------------
def test_text_inside_content_controls_block_inline_and_rows(folder):
    inline = ('<w:sdt><w:sdtPr><w:alias w:val="Organisation"/></w:sdtPr><w:sdtContent>'
              + r("Leicestershire Fire and Rescue Service") + "</w:sdtContent></w:sdt>")
    placeholder = ('<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>'
                   + p("Click or tap here to enter text.") + "</w:sdtContent></w:sdt>")
    block = ('<w:sdt><w:sdtPr><w:tag w:val="summary"/></w:sdtPr><w:sdtContent>'
             + p("A Fire Safety Walk was held in July.") + p("Door knocking followed.") + "</w:sdtContent></w:sdt>")
    row = ('<w:sdt><w:sdtContent>' + tr(tc(p("Author")), tc(p("Rob Kitson"))) + "</w:sdtContent></w:sdt>")
    doc = read(folder, "sdt.docx", p(runs=r("Organisation: ") + inline) + placeholder + block
               + tbl(tr(tc(p("Organisation")), tc(p("LFRS"))), row))
    assert summary(doc.blocks) == [
        ("P", None, 0, "Organisation: Leicestershire Fire and Rescue Service"),
        ("P", None, 0, "A Fire Safety Walk was held in July."),
        ("P", None, 0, "Door knocking followed."),
        ("T", [[[("P", None, 0, "Organisation")], [("P", None, 0, "LFRS")]],
               [[("P", None, 0, "Author")], [("P", None, 0, "Rob Kitson")]]]),
    ]
    # The placeholder's paragraph is not read but is counted.
    assert doc.blocks[1].location.paragraph == 3


# -- tables ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def attendance(folder):
    import docx

    d = docx.Document()
    d.add_paragraph("Present:")
    t = d.add_table(rows=0, cols=2)
    for name, org in [("Name", "Organisation"), ("Councillor Liz Blackshaw (Chair)", "Charnwood Borough Council"),
                      ("Inspector David Stokes (Vice-Chair)", "Leicestershire Police"),
                      ("James O\u2019Connell (MS Teams)", "OPCC")]:
        cells = t.add_row().cells
        cells[0].text, cells[1].text = name, org
    t.rows[0]._tr.get_or_add_trPr().append(_el("w:tblHeader"))
    # Merged cells, as partners merge them: a row spanning both columns, and a cell down two rows.
    m = d.add_table(rows=3, cols=2)
    m.cell(0, 0).merge(m.cell(0, 1)).text = "Theme 1 \u2013 Making Communities Safer"
    m.cell(1, 0).text, m.cell(2, 0).text = "Update/s", "Budget"
    m.cell(1, 1).merge(m.cell(2, 1)).text = "Community Payback cleared areas around Cobden Primary School."
    # A nested table.
    n = d.add_table(rows=1, cols=2)
    n.cell(0, 0).text = "Performance"
    inner = n.cell(0, 1).add_table(rows=2, cols=2)
    for (i, j), text in {(0, 0): "Crime type", (0, 1): "Change", (1, 0): "Shoplifting", (1, 1): "+38.6%"}.items():
        inner.cell(i, j).text = text
    path = folder / "attendance.docx"
    d.save(path)
    return read_document(path)


def _el(tag):
    from docx.oxml import OxmlElement

    return OxmlElement(tag)


def test_attendance_as_a_two_column_table(attendance):
    table = attendance.blocks[1]
    assert isinstance(table, Table) and table.header_rows == 1
    assert [[c.plain for c in row] for row in table.rows] == [
        ["Name", "Organisation"],
        ["Councillor Liz Blackshaw (Chair)", "Charnwood Borough Council"],
        ["Inspector David Stokes (Vice-Chair)", "Leicestershire Police"],
        ["James O\u2019Connell (MS Teams)", "OPCC"],
    ]
    assert table.location == Location(paragraph=2, snippet="Name")


def test_merged_cells_appear_once(attendance):
    table = attendance.blocks[2]
    assert [[(c.plain, c.column, c.col_span, c.row_span) for c in row] for row in table.rows] == [
        [("Theme 1 \u2013 Making Communities Safer", 0, 2, 1)],
        [("Update/s", 0, 1, 1), ("Community Payback cleared areas around Cobden Primary School.", 1, 1, 2)],
        [("Budget", 0, 1, 1)],
    ]


def test_nested_table(attendance):
    table = attendance.blocks[3]
    (label, value), = table.rows
    assert label.plain == "Performance"
    (inner,) = [b for b in value.blocks if isinstance(b, Table)]
    assert [[c.plain for c in row] for row in inner.rows] == [["Crime type", "Change"], ["Shoplifting", "+38.6%"]]


# -- things skipped ---------------------------------------------------------------------------------------
def test_images_are_skipped_with_a_note_where_they_were(folder):
    drawing = '<w:r><w:drawing/></w:r>'
    doc = read(folder, "image.docx", p("Figure 1.1 shows the trend.") + p(runs=drawing) + p("After the figure."))
    assert summary(doc.blocks) == [("P", None, 0, "Figure 1.1 shows the trend."), ("N", "image"),
                                   ("P", None, 0, "After the figure.")]
    note = doc.blocks[1]
    assert isinstance(note, Note) and note.message == "an image was left out"
    assert note.location.format("report.docx") == "report.docx: paragraph 2 (empty)"
    assert doc.notes == [note]


def test_document_properties_and_digest(attendance):
    import hashlib

    assert attendance.properties == {"author": "python-docx"}
    assert len(attendance.sha256) == 64 and attendance.sha256 != hashlib.sha256(b"").hexdigest()


def test_blocks_are_typed(attendance):
    assert isinstance(attendance.blocks[0], Paragraph) and not isinstance(attendance.blocks[0], Heading)


def test_a_package_with_no_styles_or_numbering_parts(folder):
    import io
    import zipfile

    from documents_support import CONTENT_TYPES, DOCX_MAIN, NS, PACKAGE_RELS

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES.format(main=DOCX_MAIN, extra=""))
        z.writestr("_rels/.rels", PACKAGE_RELS)
        z.writestr("word/document.xml", f'<w:document {NS}><w:body>{p("Minutes", style="Heading1")}'
                                        f'{p("point", num=(1, 0))}</w:body></w:document>')
    doc = read_document(write(folder, "bare.docx", out.getvalue()))
    # With no styles part "Heading1" is still a heading by its id; with no numbering part, no label.
    assert summary(doc.blocks) == [("H", 1, None, "Minutes"), ("P", None, 0, "point")]
