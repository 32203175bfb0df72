"""Minutes typed in Word the ways clerks type them, read back as items, points, decisions and owners.

Each Word file is built here from WordprocessingML (tests/documents_support.py), so a test can
write exactly what Word or LibreOffice would: heading styles or bold typed numbers, numbering
typed by hand, from Word's list numbering or inherited from a paragraph style, attendance as
a table, runs split in the middle of a word, content controls, a nested table. Two files were
saved by LibreOffice (tests/fixtures/minutes/, made by make_fixtures.py). Every test reads
the document against the real records of the Charnwood CSP or the county board and checks
what a clerk would: which agenda item each minute is, its points, its decisions and who owns
them — and, for a faulty document, one message naming the place in it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import CHARNWOOD, COUNTY
from documents_support import p, package, r, tbl, tc, tr

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "minutes"
OCTOBER = dt.date(2023, 10, 12)
MARCH = dt.date(2024, 3, 22)


@pytest.fixture(scope="module")
def charnwood():
    from cspkit.session import open_repo

    return open_repo(CHARNWOOD)


@pytest.fixture(scope="module")
def county():
    from cspkit.session import open_repo

    return open_repo(COUNTY)


def read(repo, day: dt.date, path: Path, first_number: int | None = None):
    from cspkit.documents import read_document
    from cspkit.minutes.from_blocks import MinutesReader

    return MinutesReader(repo, repo.meetings[day], first_number).read(read_document(path))


def word(tmp_path: Path, body: str, name: str = "minutes.docx") -> Path:
    path = tmp_path / name
    path.write_bytes(package(body))
    return path


def bold(text: str) -> str:
    return p(runs=r(text, bold=True))


def kinds(minute) -> list[str]:
    """A minute's body as its parts' kinds, with sizes: ["text", "points:2", "decisions:1"]."""
    out = []
    for part in minute.data.get("body", []):
        kind = next(k for k in ("text", "heading", "points", "bullets", "decisions", "upcoming") if k in part)
        out.append(kind if kind in ("text", "heading") else f"{kind}:{len(part[kind])}")
    return out


def decisions(read_minutes) -> dict[str, tuple[str, list[str]]]:
    """{"4.1": (text, owners)} for every decision read."""
    return {f"{m.label}.{n}": (d.data["text"], d.data.get("owners", []))
            for m in read_minutes.minutes for n, d in enumerate(m.decisions, 1)}


PRESENT = tbl(tr(tc(p("Councillor Liz Blackshaw (in the Chair)")), tc(p("Charnwood Borough Council"))),
              tr(tc(p(runs=r("Insp") + r("ector Dave Sto") + r("kes"))), tc(p("Leicestershire Police"))),
              tr(tc(p("Gareth Harvey (MS Teams)")), tc(p("Charnwood Borough Council"))))


# --------------------------------------------------------------------------- styles of writing


def test_heading_styles_points_numbered_by_their_style_and_attendance_in_a_table(charnwood, tmp_path):
    doc = word(tmp_path, "".join([
        p("Charnwood Community Safety Partnership", style="Title"),
        p("Minutes of a meeting of the Charnwood Community Safety Partnership held at Committee Room 1 on "
          "Thursday, 12th October 2023."),
        bold("Present"), PRESENT,
        bold("Apologies for absence"),
        tbl(tr(tc(p("Tim McCabe")), tc(p("Charnwood Borough Council")))),
        p("4. 2023/24 PERFORMANCE", style="Heading1"),
        p("A presentation on Charnwood\u2019s performance figures was given."),
        p("Total crime had risen by 2.9%.", style="MinutePoint"),  # numbered "i." by the style's numbering
        p("Shoplifting had risen by 38.6%.", style="MinutePoint"),
        p("Cocooning in the student areas.", style="MinutePointSub"),  # "(a)" under point ii
        p(runs=r("AGREED", bold=True) + r(" that Inspector Dave Stokes circulate the figures to partners.")),
        p("9. ANY OTHER BUSINESS", style="Heading1"),
        p("Safer Streets funding", style="Heading2"),
        p(runs=r("AGREED", bold=True) + r(" that the information be noted.")),
    ]))
    got = read(charnwood, OCTOBER, doc)
    assert got.errors == []
    assert [(m.data.get("item"), m.data["title"]) for m in got.minutes] == [
        ("4", "2023/24 Performance"), ("9", "Any Other Business")]
    assert kinds(got.minutes[0]) == ["text", "points:3", "decisions:1"]
    assert got.minutes[0].data["body"][1]["points"][:2] == ["Total crime had risen by 2.9%.",
                                                            "Shoplifting had risen by 38.6%."]
    assert kinds(got.minutes[1]) == ["heading", "decisions:1"]
    assert got.minutes[1].data["body"][0] == {"heading": "Safer Streets funding"}
    assert decisions(got) == {
        "4.1": ("Inspector Dave Stokes circulate the figures to partners", ["dave-stokes"]),
        "9.1": ("the information be noted", [])}
    assert got.minutes[0].decisions[0].owners_from == "subject"
    assert got.attendance == {
        "present": [{"person": "liz-blackshaw", "role": "chair"}, {"person": "dave-stokes"},
                    {"person": "gareth-harvey", "remote": True}],
        "apologies": [{"person": "tim-mccabe"}]}


def test_bold_typed_numbers_typed_points_an_underlined_sub_heading_and_resolved_on_one_line(charnwood, tmp_path):
    doc = word(tmp_path, "".join([
        bold("1. APOLOGIES"),
        p("Apologies for absence were received from Tim McCabe and Jenny Ardley."),
        bold("3. ACTION LOG"),
        p(runs=r("Community Triggers", bold=True, underline=True)),
        p("i.\tGareth Harvey would liaise with Tim McCabe."),
        p("ii. The action was reassigned to them both."),
        p(runs=r("RESOLVED:", bold=True) + r(" (a) That the action log be noted; (b) That Gareth Harvey and "
                                               "Tim McCabe report back to the next meeting.")),
        bold("8. PARTNER UPDATES"),
        p("Partners gave verbal updates.<w:br/>".replace("<w:br/>", "")),
        p(runs=r("NOTED", bold=True) + r(" the written updates from partners.")),
    ]))
    got = read(charnwood, OCTOBER, doc)
    assert got.errors == []
    assert [m.data["item"] for m in got.minutes] == ["1", "3", "8"]
    assert kinds(got.minutes[0]) == ["text"]  # the sentence stays, and the two give apologies
    assert got.attendance == {"apologies": [{"person": "tim-mccabe"}, {"person": "jenny-ardley"}]}
    assert kinds(got.minutes[1]) == ["heading", "points:2", "decisions:2"]
    assert got.minutes[1].data["body"][1]["points"] == ["Gareth Harvey would liaise with Tim McCabe.",
                                                        "The action was reassigned to them both."]
    assert got.minutes[1].data["body"][2]["word"] == "RESOLVED"
    assert decisions(got) == {
        "3.1": ("the action log be noted", []),
        "3.2": ("Gareth Harvey and Tim McCabe report back to the next meeting", ["gareth-harvey", "tim-mccabe"]),
        "8.1": ("the written updates from partners", [])}
    assert got.minutes[2].data["body"][1] == {"word": "NOTED", "decisions": [
        {"text": "the written updates from partners", "that": False}]}


def test_word_list_numbering_for_items_points_and_lettered_decisions(charnwood, tmp_path):
    titles = ["APOLOGIES", "MINUTES", "ACTION LOG", "2023/24 PERFORMANCE", "2023/26 CSP PLAN UPDATE"]
    items = [p(runs=r(t, bold=True), num=(1, 0)) for t in titles]  # Word numbers them 1. to 5.
    doc = word(tmp_path, "".join([
        *items[:4],
        p("The figures were presented."),
        p("Burglary had fallen by 15.6%.", num=(2, 0)),  # "i." from Word's list numbering
        p("Robbery had fallen by 36%.", num=(2, 0)),
        p(runs=r("RESOLVED", bold=True)),
        p(runs=r("That the figures be noted;", bold=True), num=(1, 1)),  # "(a)": bold, and still a decision
        p("That Dave Stokes report on cycle theft (Action: Dave Stokes, by 18 January 2024).", num=(1, 1)),
        items[4],
        p("Each priority lead reported progress."),
    ]))
    got = read(charnwood, OCTOBER, doc)
    assert got.errors == []
    assert [m.data["item"] for m in got.minutes] == ["1", "2", "3", "4", "5"]
    assert kinds(got.minutes[3]) == ["text", "points:2", "decisions:2"]
    assert decisions(got) == {"4.1": ("the figures be noted", []),
                              "4.2": ("Dave Stokes report on cycle theft", ["dave-stokes"])}
    assert got.minutes[3].decisions[1].data["due"] == dt.date(2024, 1, 18)
    assert got.minutes[3].decisions[1].owners_from == "named"
    assert kinds(got.minutes[4]) == ["text"]


def test_content_controls_a_nested_table_and_minutes_laid_out_as_a_table(county, tmp_path):
    def control(inner: str) -> str:
        return f"<w:sdt><w:sdtPr><w:alias w:val=\"Minute\"/></w:sdtPr><w:sdtContent>{inner}</w:sdtContent></w:sdt>"

    doc = word(tmp_path, "".join([
        p("Minutes of a meeting of the Leicestershire and Rutland Safer Communities Strategy Board held via "
          "Microsoft Teams on Friday, 22 March 2024."),
        # attendance inside a nested table: a layout table holding the label and the list
        tbl(tr(tc(bold("Present"), tbl(tr(tc(p("Mrs D. Taylor CC (in the Chair)")),
                                          tc(p("Leicestershire County Council"))),
                                       tr(tc(p("Ben Bee")), tc(p("Leicestershire Fire and Rescue Service"))))))),
        # the minutes as a two-column table: number | text
        tbl(tr(tc(p("44.")), tc(bold("Introductions"), p("The Chairman welcomed everyone."))),
            tr(tc(p("45.")), tc(bold("Change to the Order of Business"),
                                p("The Board agreed to take item 11 first."))),
            tr(tc(p("46.")), tc(bold("Leicestershire Fire and Rescue Service update"),
                                control(p("The Board considered a report of Ben Bee.")),
                                p(runs=control(r("RESOLVED:", bold=True)) + r(" That the report be noted."))))),
    ]))
    got = read(county, MARCH, doc, first_number=44)
    assert got.errors == []
    assert [(m.data.get("number"), m.data.get("item"), m.data["title"]) for m in got.minutes] == [
        (44, "1", "Introductions"), (45, None, "Change to the Order of Business"),
        (46, "11", "Leicestershire Fire and Rescue Service update")]
    assert got.minutes[1].matched_by == ""  # raised in the room
    assert kinds(got.minutes[2]) == ["text", "decisions:1"]
    assert got.minutes[2].data["body"][0] == {"text": "The Board considered a report of Ben Bee."}
    assert decisions(got) == {"46.1": ("the report be noted", [])}
    assert got.attendance == {"present": [{"person": "d-taylor", "honorific": "CC", "role": "chair"},
                                          {"person": "ben-bee"}]}


def test_continuous_numbers_find_their_item_by_title_or_by_the_item_the_minute_cites(county, tmp_path):
    doc = word(tmp_path, "".join([
        p("47. MODERN SLAVERY", style="Heading1"),
        p("The Board considered a report on modern slavery."),
        p("48. Anti-social Behaviour", style="Heading1"),
        p("The Board considered a report, marked \u2018Agenda Item 8\u2019, on anti-social behaviour."),
        p(runs=r("RESOLVED:", bold=True)),
        p("(a) That the report be noted;"),
        p("(b) That Gurjit Samra-Rai be requested to bring a further report to the June meeting."),
    ]))
    got = read(county, MARCH, doc, first_number=44)
    assert got.errors == []
    assert [(m.data["number"], m.data.get("item"), m.matched_by) for m in got.minutes] == [
        (47, "6", "title"), (48, "8", "citation")]
    assert decisions(got)["48.2"] == ("Gurjit Samra-Rai be requested to bring a further report to the June meeting",
                                      ["gurjit-samra-rai"])


def test_an_appointment_is_no_action_and_no_action_says_so(charnwood, tmp_path):
    doc = word(tmp_path, "".join([
        bold("1. APOLOGIES"),
        p(runs=r("AGREED", bold=True) + r(" that Inspector David Stokes be appointed Vice-Chair.")),
        p(runs=r("AGREED", bold=True) + r(" that Gareth Harvey\u2019s report be noted.")),
        p(runs=r("AGREED", bold=True) + r(" that Tim McCabe attend the next meeting (No action).")),
        p(runs=r("AGREED", bold=True) + r(" that the Chair write to the Police and Crime Commissioner.")),
    ]))
    got = read(charnwood, OCTOBER, doc)
    assert got.errors == []
    assert [d[1] for d in decisions(got).values()] == [[], [], [], []]  # October has no chair recorded


def test_upcoming_meetings_and_the_closing_time(charnwood, tmp_path):
    doc = word(tmp_path, "".join([
        bold("10. FORWARD PROGRAMME"),
        p("The forward programme was noted."),
        p("Upcoming meetings;"),
        p("18th January 2024 (2pm \u2013 4pm)", num=(6, 0)),
        p("Summer meeting \u2013 to be scheduled", num=(6, 0)),
        p("24th October 2024 at 10am", num=(6, 0)),
        p("The meeting closed at 11.40am."),
    ]))
    got = read(charnwood, OCTOBER, doc)
    assert got.errors == []
    assert got.minutes[0].data["body"][1] == {"upcoming": [
        {"date": dt.date(2024, 1, 18), "start": dt.time(14), "end": dt.time(16)},
        {"label": "Summer meeting \u2013 to be scheduled"},
        {"date": dt.date(2024, 10, 24), "start": dt.time(10)}]}
    assert got.ended == dt.time(11, 40)


def test_a_signature_block_gives_the_closing_time_and_is_not_minuted(county, tmp_path):
    doc = word(tmp_path, "".join([
        p("57. Date of the next meeting", style="Heading1"),
        p(runs=r("RESOLVED:", bold=True)),
        p("That the next meeting of the Board take place on Friday 28 June 2024 at 10.00am."),
        p("10.00 - 11.35 am"), p("22 March 2024"), bold("CHAIRMAN"),
    ]))
    got = read(county, MARCH, doc, first_number=44)
    assert got.errors == []
    assert kinds(got.minutes[0]) == ["decisions:1"]
    assert got.ended == dt.time(11, 35)


def test_attendance_qualifiers_come_back_as_recorded(charnwood, tmp_path):
    """Someone online, with a qualifier after their organisation, a substitute, letters after a name."""
    from cspkit.minutes.to_blocks import BlockWriter
    from cspkit.models.meeting import Attendee

    writer = BlockWriter(charnwood)
    attendees = [Attendee(person="jo-hewitt", qualifier="Public Health", remote=True),
                 Attendee(person="gino-harris", substitute_for="anita-chavda"),
                 Attendee(person="liz-blackshaw", role="chair", honorific="CC"),
                 Attendee(person="zoe-heath", capacity="Resilience Forum lead")]
    rows = [writer.attendee_row(a) for a in attendees]
    assert rows == [("Jo Hewitt (online)", "Leicestershire County Council (Public Health)"),
                    ("Gino Harris (for Anita Chavda)", "Leicestershire County Council"),
                    ("Councillor Liz Blackshaw CC (in the Chair)", "Charnwood Borough Council"),
                    ("Zoe Heath", "Resilience Forum lead")]
    doc = word(tmp_path, bold("Present") + tbl(*(tr(tc(p(a)), tc(p(b))) for a, b in rows)) + bold("1. APOLOGIES"))
    got = read(charnwood, OCTOBER, doc)
    assert got.errors == []
    assert got.attendance["present"] == [a.model_dump(exclude_defaults=True) for a in attendees]


# --------------------------------------------------------------------------- LibreOffice


@pytest.mark.parametrize("name", ["charnwood-libreoffice.docx", "county-libreoffice.docx"])
def test_files_saved_by_libreoffice_read_as_written(charnwood, county, name):
    path = FIXTURES / name
    if name.startswith("charnwood"):
        got = read(charnwood, OCTOBER, path)
        assert got.errors == []
        assert [m.data["item"] for m in got.minutes] == ["1", "4", "9"]
        assert kinds(got.minutes[1]) == ["text", "points:2", "decisions:1"]
        assert decisions(got)["9.1"] == ("James O\u2019Connell contact Giuseppe Vassallo about Safer Streets funding",
                                         ["james-oconnell"])
        assert got.attendance["present"][0] == {"person": "liz-blackshaw", "role": "chair"}
    else:
        got = read(county, MARCH, path, first_number=44)
        assert got.errors == []
        assert [(m.data["number"], m.data.get("item")) for m in got.minutes] == [(44, "1"), (45, "11")]
        assert decisions(got)["45.2"] == ("LFRS be requested to provide a report on water safety", ["ben-bee"])


# --------------------------------------------------------------------------- problems, located


def test_every_problem_names_its_paragraph(charnwood, tmp_path):
    doc = word(tmp_path, "".join([
        bold("4. 2023/24 PERFORMANCE"),
        p(runs=r("AGREED", bold=True) + r(" that the figures be circulated (Action: Dave Stoke).")),
        bold("14. EXTRA BUSINESS"),
        p(runs=r("AGREED", bold=True)),
    ]))
    got = read(charnwood, OCTOBER, doc)
    assert [f.format() for f in got.errors] == [
        "minutes.docx: paragraph 2 (\"AGREED that the figures…\"): unknown owner 'Dave Stoke' "
        "(did you mean 'David Stokes'?)",
        "minutes.docx: paragraph 3 (\"14. EXTRA BUSINESS\"): item 14 is not on the agenda of 2023-10-12 "
        "(items: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)",
        "minutes.docx: paragraph 4 (\"AGREED\"): a decision with no text: write it after AGREED (“AGREED that …”)",
    ]


def test_markdown_problems_name_the_line(charnwood, tmp_path):
    doc = tmp_path / "minutes.md"
    doc.write_text("# Minutes\n\nMinutes of a meeting held on Thursday, 13th July 2023.\n\n# 4. Performance\n\n"
                   "**AGREED** that the figures be noted (Action: Nobody Atall).\n", encoding="utf-8")
    got = read(charnwood, OCTOBER, doc)
    assert [f.format() for f in got.errors] == [
        "minutes.md:3: these are the minutes of a meeting on 2023-07-13, not of 2023-10-12: import them into "
        "that meeting, or correct the date",
        "minutes.md:7: unknown owner 'Nobody Atall'",
    ]


def test_a_document_without_item_headings_says_how_to_write_them(charnwood, tmp_path):
    got = read(charnwood, OCTOBER, word(tmp_path, p("Some notes from the meeting.")))
    assert [f.format() for f in got.errors] == [
        "minutes.docx: no item headings found: start each item with its number and title, such as "
        "“1. Apologies” (in bold or as a heading)"]


def test_an_image_is_left_out_with_a_note(charnwood, tmp_path):
    image = '<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/' \
            'wordprocessingDrawing"/></w:drawing></w:r>'
    got = read(charnwood, OCTOBER, word(tmp_path, bold("1. APOLOGIES") + p(runs=r("A photo: ") + image)))
    assert got.errors == []
    assert "minutes.docx: paragraph 2 (\"A photo:\"): an image was left out" in [f.format() for f in got.notes]
