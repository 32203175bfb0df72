"""Partner update forms in Word: the form a partner is sent, and the import of what comes back.

The stories: an officer sends the Probation Service its form for the October meeting; the
service's officer types into it (in their own font, with bullets and a link), adds a row,
leaves some guidance in, merges cells, ticks "Not for publication", or saves it from
LibreOffice; the officer imports whatever comes back and every answer lands in its field.
The county board's partners fill in a headed report instead, and that imports the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from pathlib import Path

import pytest
from conftest import CHARNWOOD, COUNTY, copy_repo, snapshot
from forms_support import HeadedForm, PartnerForm

from cspkit.documents import Table, read_document
from cspkit.errors import ConflictError, UserError
from cspkit.models.partner_update import PartnerUpdate
from cspkit.session import open_session
from cspkit.workflows.updates import ImportedUpdate, form_bytes, form_for, import_update
from cspkit.yaml.read import parse

OCTOBER = dt.date(2023, 10, 12)
COUNTY_MARCH = dt.date(2024, 3, 22)
TODAY = dt.date(2023, 10, 3)
FIXTURES = Path(__file__).parent / "fixtures" / "forms"


@pytest.fixture(scope="module")
def charnwood(tmp_path_factory):
    """A session on a copy of Charnwood's records (imports here are dry runs: nothing is written)."""
    root = copy_repo(CHARNWOOD, tmp_path_factory.mktemp("forms") / "charnwood")
    with open_session(root) as s:
        yield s


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    root = copy_repo(COUNTY, tmp_path_factory.mktemp("forms") / "county")
    with open_session(root) as s:
        yield s


def blank(s, org: str = "probation", day: dt.date = OCTOBER) -> PartnerForm:
    return PartnerForm(form_bytes(s, s.repo.meetings[day], org, today=TODAY))


def imported(s, path: Path, **kwargs) -> tuple[PartnerUpdate, ImportedUpdate]:
    """Import ``path`` as a dry run: the record it would write, and what the import said."""
    r = import_update(s, path, dry_run=True, today=TODAY, **kwargs)
    return PartnerUpdate.model_validate(parse(r.texts[r.path][1])), r


def answers(u: PartnerUpdate) -> dict:
    """Every field of an update but the import's own note of the file."""
    return u.model_dump(exclude={"received"})


# --------------------------------------------------------------------------- the form as sent


def test_the_form_is_the_partnerships_two_column_table_with_details_filled_in(charnwood, tmp_path):
    data = form_bytes(charnwood, charnwood.repo.meetings[OCTOBER], "probation", today=TODAY)
    assert data == form_bytes(charnwood, charnwood.repo.meetings[OCTOBER], "probation", today=TODAY)
    doc = read_document(_write(tmp_path / "probation.docx", data))
    title, instructions, table = doc.blocks
    assert title.plain == "Partner Update Report" and title.level == 0
    assert instructions.style == "Guidance" and "Not for publication" in instructions.plain
    assert isinstance(table, Table)
    rows = [[c.plain for c in row] for row in table.rows]
    assert rows[:8] == [
        ["Organisation", "Leicestershire Probation Service"],
        ["Meeting", "Thursday, 12th October 2023, Charnwood Community Safety Partnership"],
        ["Please return by", "Thursday, 28th September 2023"],
        ["Author", "Maddie Clay"],
        ["Date of report", "The date of your report, e.g. 8 January 2024."],
        ["Subject title", "A title for your report."],
        ["Plan", "Community Safety Partnership Plan 2023-26"],
        ["Publication", "\u2610 Not for publication: none of this update may be published"],
    ]
    labels = [r[0].split("\n")[0] for r in rows[8:]]
    assert labels == [
        "Summary", "Recommendations", "Performance data",
        "Priority 1 \u2013 Safeguarding communities from violent offences", "Update/s \u2013 Priority 1",
        "Priority 2 \u2013 To reduce harm caused by youth ASB and youth crime", "Update/s \u2013 Priority 2",
        "Priority 3 \u2013 To reduce criminal exploitation", "Update/s \u2013 Priority 3",
        "Priority 4 \u2013 To deliver statutory duties: Preventing Extremism; Community Triggers; Tackling "
        "substance misuse; Serious Violence Duty; Domestic Homicide Reviews", "Update/s \u2013 Priority 4",
        "Budget / resource implications", "Any key risks / issues", "Planned activity in the next quarter",
        "Any other update", "Gaps / support required",
    ]
    summary = table.rows[8]
    assert summary[0].plain == "Summary\n\u2610 Not for publication"
    assert [(b.style, b.plain) for b in summary[1].blocks] == [
        ("Guidance", "Purpose, background and context for the report update.")]
    assert [c.col_span for c in table.rows[11]] == [2]  # a priority's title across the table
    # Each tick box is a Word check box (a content control), not just a character.
    xml = zipfile.ZipFile(_io(data)).read("word/document.xml").decode()
    assert xml.count("<w14:checkbox>") == 1 + 12  # the whole update, and each of 12 answers


def test_last_quarters_answers_are_pre_filled_and_marked(charnwood, tmp_path):
    _, fill = form_for(charnwood, charnwood.repo.meetings[OCTOBER], "lfrs")
    assert fill.prefill == {}  # nothing from LFRS before October
    january = charnwood.repo.meetings[OCTOBER].model_copy(update={"date": dt.date(2024, 1, 18)})
    _, fill = form_for(charnwood, january, "lfrs")
    assert set(fill.prefill) == {"budget", "support_required"}  # cspkit.yaml asks for risks too: LFRS had none
    form = PartnerForm(form_bytes(charnwood, january, "lfrs", today=TODAY))
    cell = form.row("Budget / resource implications").cells[1]
    assert [(p.style.name, p.text) for p in cell.paragraphs] == [
        ("Guidance", "Last quarter's answer (to the meeting on 12th October 2023): keep it if it still holds, or "
                     "write over it."),
        ("Normal", "Within the current allowance, with resources at Loughborough, Birstall and Shepshed fire "
                   "stations."),
    ]


def test_the_county_board_form_is_its_own_headed_report(county, tmp_path):
    data = form_bytes(county, county.repo.meetings[COUNTY_MARCH], "probation", today=TODAY)
    doc = read_document(_write(tmp_path / "probation.docx", data))
    headings = [(b.level, b.plain) for b in doc.blocks if type(b).__name__ == "Heading"]
    assert headings == [
        (0, "LRSCSB update: Probation Service"),
        (1, "Background"), (1, "Notable developments and challenges"),
        (1, "Key issues for partnership working or affecting partners"), (1, "Issues in local areas"),
        (1, "Recommendations for the Board"), (1, "Officer to contact"),
    ]
    details = [[c.plain for c in row][0] for row in doc.blocks[2].rows]
    assert details == ["Organisation", "Meeting", "Please return by", "Author", "Date of report", "Subject title",
                       "Publication"]
    texts = [b.plain for b in doc.blocks if hasattr(b, "plain")]
    # Officer to contact has no tick box: it is printed to be published.
    after_contact = texts[texts.index("Officer to contact") + 1]
    assert after_contact.startswith("Name, role and how to reach them")


# --------------------------------------------------------------------------- filled in as partners do


def test_answers_typed_into_the_value_cells_are_imported_into_every_field(charnwood, tmp_path):
    form = blank(charnwood)
    form.type("Date of report", "02/10/2023")
    form.type("Subject title", "Probation update", font="Comic Sans MS")
    form.type("Summary", "Probation\u2019s work with people on licence in Charnwood.", font="Comic Sans MS")
    form.type("Recommendations", "n/a")
    form.type("Performance data", "Caseload: 412 people.", ("bullet", "Unpaid work: 3,100 hours."),
              ("bullet", "Accredited programmes: 24 starts."))
    form.type("Update/s \u2013 Priority 1", ("bold", "Violence"),
              "Joint visits with the police to people convicted of violent offences.")
    form.type("Update/s \u2013 Priority 3", ("link", "Community Payback", "https://www.gov.uk/community-payback",
                                             "", " cleared three sites used for drug dealing."))
    form.type("Budget / resource implications", "Staffing is at 70% of posts.")
    form.type("Any key risks / issues", "Early release of prisoners adds to caseloads.")
    form.tick("Any key risks / issues")
    form.type("Planned activity in the next quarter", ("bullet", "Recruit two probation officers."),
              ("bullet", "Start a women's group."))
    form.type("Any other update", "None.")
    form.type("Gaps / support required", "Venues for unpaid work in Loughborough.")
    path = form.save(tmp_path / "Probation update Oct 23.docx")

    u, r = imported(charnwood, path)
    assert answers(u) == answers(PartnerUpdate(
        meeting=OCTOBER, organisation="probation", authors=["maddie-clay"], date=dt.date(2023, 10, 2),
        subject="Probation update", summary="Probation\u2019s work with people on licence in Charnwood.",
        performance="Caseload: 412 people.\n\n- Unpaid work: 3,100 hours.\n- Accredited programmes: 24 starts.",
        plan="2023-26", priorities=[
            {"priority": 1, "text": "**Violence**\n\nJoint visits with the police to people convicted of violent "
                                    "offences."},
            {"priority": 3, "text": "[Community Payback](https://www.gov.uk/community-payback) cleared three sites "
                                    "used for drug dealing."}],
        budget="Staffing is at 70% of posts.", risks="Early release of prisoners adds to caseloads.",
        planned_activity="- Recruit two probation officers.\n- Start a women's group.",
        support_required="Venues for unpaid work in Loughborough.", restricted_sections=["risks"]))
    assert u.received is not None
    assert (u.received.date, u.received.file, u.received.sha256) == (
        TODAY, "Probation update Oct 23.docx", hashlib.sha256(path.read_bytes()).hexdigest())
    assert r.unplaced == [] and r.warnings == [] and r.restricted_sections == ["Any key risks / issues"]
    assert r.empty == ["Recommendations", "Update/s \u2013 Priority 2", "Update/s \u2013 Priority 4",
                       "Any other update"]


def test_a_row_the_partner_added_carries_on_the_answer_above_or_is_reported(charnwood, tmp_path):
    form = blank(charnwood)
    form.type("Performance data", "Caseload: 412 people.")
    form.add_row_after("Performance data", "", "Reoffending: 21% within a year.")
    form.type("Update/s \u2013 Priority 2", "Youth Justice referrals checked weekly.")
    form.add_row_after("Update/s \u2013 Priority 2", "Priority 2 \u2013 young adults",
                       "A transitions worker now sees every 18-year-old leaving the Youth Justice Service.")
    form.add_row_after("Any other update", "Partnership news", "A new office opened in Shepshed.")
    form.delete_row("Recommendations")
    path = form.save(tmp_path / "probation.docx")

    u, r = imported(charnwood, path)
    assert u.performance == "Caseload: 412 people.\n\nReoffending: 21% within a year."
    assert [(p.priority, p.text) for p in u.priorities] == [
        (2, "Youth Justice referrals checked weekly.\n\nA transitions worker now sees every 18-year-old leaving "
            "the Youth Justice Service.")]
    assert u.recommendations is None and u.other is None
    news = [i for i, row in enumerate(form.table.rows, 1) if row.cells[0].text == "Partnership news"][0]
    assert r.unplaced == [f'probation.docx: table 1, row {news} ("Partnership news"): could not place "A new '
                          f'office opened…": its label "Partnership news" is not one on the form; it was not '
                          f'imported']


def test_guidance_left_in_is_dropped_and_text_typed_over_it_is_kept(charnwood, tmp_path):
    form = blank(charnwood)
    form.type("Summary", "Our work this quarter.", keep=True)  # typed after the grey guidance
    budget = form.row("Budget / resource implications").cells[1].paragraphs[0]
    budget.runs[0].text = "No change to our budget."  # typed over the guidance, still in its grey style
    path = form.save(tmp_path / "probation.docx")

    u, r = imported(charnwood, path)
    assert u.summary == "Our work this quarter."
    assert u.budget == "No change to our budget."
    assert (u.recommendations, u.performance, u.risks, u.planned_activity, u.other, u.support_required) == (None,) * 6
    assert u.priorities == [] and r.answered == ["Summary", "Budget / resource implications"]
    assert r.unplaced == []


def test_merged_cells_are_read_as_the_label_then_its_answer(charnwood, tmp_path):
    form = blank(charnwood)
    form.type("Summary", "Summary typed, then the cells merged.")
    form.merge_row("Summary")
    form.merge_row("Gaps / support required")  # merged with only the guidance in it
    form.type("Planned activity in the next quarter", "Recruit two officers.")
    form.type("Any other update", "Open a women's group.")
    form.merge_down("Planned activity in the next quarter", "Any other update")  # more room for one answer
    form.tick("Summary")
    path = form.save(tmp_path / "probation.docx")

    merged = form.row("Summary").cells
    assert merged[0]._tc is merged[1]._tc  # one cell across the row
    u, r = imported(charnwood, path)
    assert u.summary == "Summary typed, then the cells merged."
    assert u.restricted_sections == ["summary"]
    assert u.planned_activity == "Recruit two officers.\n\nOpen a women's group."
    assert u.other is None and u.support_required is None
    assert r.unplaced == []


def test_ticks_clicked_typed_and_for_the_whole_update(charnwood, tmp_path):
    form = blank(charnwood)
    form.type("Summary", "A summary.")
    form.type("Any key risks / issues", "A risk.")
    form.tick("Any key risks / issues", typed=True)  # the box deleted and an X typed
    form.type("Update/s \u2013 Priority 3", "An update.")
    form.tick("Update/s \u2013 Priority 3")
    form.tick("Publication")
    path = form.save(tmp_path / "probation.docx")

    u, r = imported(charnwood, path)
    assert u.restricted is True and r.restricted
    assert u.restricted_sections == ["risks"]
    assert [(p.priority, p.restricted) for p in u.priorities] == [(3, True)]


def test_a_themed_plan_has_a_row_per_theme_and_the_import_maps_them_back(charnwood, tmp_path):
    skeleton = PartnerUpdate(meeting=OCTOBER, organisation="probation", subject="x", plan="2020-23")
    spec, fill = form_for(charnwood, charnwood.repo.meetings[OCTOBER], "probation", record=skeleton)
    from cspkit.forms import form_docx

    form = PartnerForm(form_docx(spec, fill, when=TODAY))
    form.type("Update/s \u2013 Theme 2", "Home visits to victims of domestic abuse.")
    # An older form's label, reworded: "Update/s - including specific work … that contribute to Theme 3"
    form.row("Update/s \u2013 Theme 3").cells[0].paragraphs[0].runs[0].text = (
        "Update/s - including specific work, initiatives, projects etc. that contribute to Theme 3")
    form.type("Update/s - including specific work, initiatives, projects etc. that contribute to Theme 3",
              "A community day in Shepshed.")
    path = form.save(tmp_path / "probation.docx")

    u, r = imported(charnwood, path)
    assert u.plan == "2020-23"
    assert [(p.theme, p.text) for p in u.priorities] == [(2, "Home visits to victims of domestic abuse."),
                                                          (3, "A community day in Shepshed.")]
    assert r.unplaced == []


def test_a_headed_county_form_imports_into_the_boards_own_sections(county, tmp_path):
    form = HeadedForm(form_bytes(county, county.repo.meetings[COUNTY_MARCH], "probation", today=TODAY))
    form.detail("Author", "Bob Bearne")
    form.detail("Date of report", "March 2024")
    form.detail("Subject title", "LRSCSB update: National Probation Service LLR Delivery Unit")
    form.under("Background", "The Probation Service supervises people on community orders and on licence.")
    form.under("Notable developments and challenges", ("bold", "Past Year"),
               "Staffing stands at 70% of posts.", ("bold", "Coming Year"), "Early releases will add to caseloads.")
    form.under("Key issues for partnership working or affecting partners",
               ("bullet", "Managing the early release of prisoners."),
               ("bullet", "Joint work on young adults after the inspection."))
    form.under("Issues in local areas", "None specific to LLR.")
    form.tick_under("Issues in local areas")
    form.under("Recommendations for the Board", "To note the contents of the report.")
    form.under("Officer to contact", "Bob Bearne, LLR PDU Head", "Tel: 0116 496 0000")
    path = form.save(tmp_path / "probation.docx")

    u, r = imported(county, path)
    assert answers(u) == answers(PartnerUpdate(
        meeting=COUNTY_MARCH, organisation="probation", authors=["bob-bearne"], date="2024-03",
        subject="LRSCSB update: National Probation Service LLR Delivery Unit",
        summary="The Probation Service supervises people on community orders and on licence.",
        recommendations="To note the contents of the report.",
        contact="Bob Bearne, LLR PDU Head\n\nTel: 0116 496 0000",
        sections={"developments": "**Past Year**\n\nStaffing stands at 70% of posts.\n\n**Coming Year**\n\n"
                                  "Early releases will add to caseloads.",
                  "partnership-issues": "- Managing the early release of prisoners.\n- Joint work on young adults "
                                        "after the inspection.",
                  "local-issues": "None specific to LLR."},
        restricted_sections=["local-issues"]))
    assert r.unplaced == [] and u.plan is None


def test_a_background_left_as_pre_filled_is_flagged_unchanged(county, tmp_path):
    previous = PartnerUpdate(meeting=dt.date(2023, 12, 15), organisation="probation", subject="Update",
                             summary="The Probation Service supervises offenders in the community.")
    county.repo.updates[(previous.meeting, "probation")] = previous
    try:
        form = HeadedForm(form_bytes(county, county.repo.meetings[COUNTY_MARCH], "probation", today=TODAY))
        texts = [p.text for p in form.doc.paragraphs]
        i = texts.index("Background")
        assert texts[i + 2].startswith("Last quarter's answer (to the meeting on 15 December 2023)")
        assert texts[i + 3] == "The Probation Service supervises offenders in the community."
        form.under("Recommendations for the Board", "To note the report.")
        u, r = imported(county, form.save(tmp_path / "probation.docx"))
    finally:
        del county.repo.updates[(previous.meeting, "probation")]
    assert u.summary == "The Probation Service supervises offenders in the community."
    assert r.unchanged == ["Background"]


# --------------------------------------------------------------------------- saved by LibreOffice


def test_forms_saved_by_libreoffice_import_the_same(charnwood, county):
    """tests/fixtures/forms/*.docx were filled in with python-docx and saved by LibreOffice
    (make_fixtures.py there): LibreOffice rewrites styles, tables and check boxes its own way."""
    u, r = imported(charnwood, FIXTURES / "probation-libreoffice.docx")
    assert (u.authors, u.date, u.subject) == (["maddie-clay"], dt.date(2023, 10, 2), "Probation update")
    assert u.summary == "Probation\u2019s work with people on licence in Charnwood."
    assert u.performance == "Caseload: 412 people.\n\n- Unpaid work: 3,100 hours.\n- Accredited programmes: 24 starts."
    assert [(p.priority, p.text) for p in u.priorities] == [
        (1, "**Violence**\n\nJoint visits with the police to people convicted of violent offences."),
        (3, "[Community Payback](https://www.gov.uk/community-payback) cleared three sites used for drug dealing.")]
    assert u.risks == "Early release of prisoners adds to caseloads." and u.restricted_sections == ["risks"]
    assert u.planned_activity == "Recruit two officers.\n\nOpen a women's group."
    assert (u.recommendations, u.budget, u.other, u.support_required) == (None, None, None, None)
    assert r.unplaced == []

    u, r = imported(county, FIXTURES / "county-probation-libreoffice.docx")
    assert u.summary == "The Probation Service supervises people on community orders and on licence."
    assert u.sections == {"partnership-issues": "- Managing the early release of prisoners.\n- Joint work on young "
                                                "adults after the inspection.",
                          "local-issues": "None specific to LLR."}
    assert u.restricted_sections == ["local-issues"]
    assert u.contact == "Bob Bearne, LLR PDU Head\n\nTel: 0116 496 0000"
    assert r.unplaced == []


# --------------------------------------------------------------------------- round trip


def _updates(root: Path) -> list[tuple[Path, dt.date, str]]:
    return [(root, dt.date.fromisoformat(p.parent.name), p.stem)
            for p in sorted((root / "records" / "updates").glob("*/*.yaml"))]


ROUND_TRIP = _updates(CHARNWOOD) + [u for ex in sorted((CHARNWOOD / "examples").iterdir()) for u in _updates(ex)]


@pytest.fixture(scope="module")
def sessions():
    opened = {}
    yield lambda root: opened.setdefault(root, open_session(root))
    for s in opened.values():
        s.close()


@pytest.mark.parametrize("root, day, org", ROUND_TRIP, ids=[f"{r.name}/{d}/{o}" for r, d, o in ROUND_TRIP])
def test_every_update_on_file_round_trips_through_its_form(sessions, tmp_path, root, day, org):
    s = sessions(root)
    record = s.repo.updates[(day, org)]
    path = _write(tmp_path / f"{org}.docx", form_bytes(s, s.repo.meetings[day], org, record=record, today=TODAY))
    u, r = imported(s, path, replace=True)
    assert answers(u) == answers(record)
    assert r.unplaced == [] and r.warnings == []


def test_the_round_trip_keeps_ticks_and_the_boards_own_sections(county, charnwood, tmp_path):
    county_record = PartnerUpdate(
        meeting=COUNTY_MARCH, organisation="opcc", authors=["sajan-devshi"], date=dt.date(2024, 3, 1),
        subject="LRSCSB update: Office of the Police and Crime Commissioner", summary="The OPCC supports the PCC.",
        sections={"developments": "1. Safer Streets 5 runs until March 2025.\n2. CSP funding is open for bids.",
                  "partnership-issues": "A new Police and Crime Plan may change priorities."},
        recommendations="The Board note this report.", contact="Sajan Devshi, OPCC", restricted=True,
        restricted_sections=["partnership-issues"])
    path = _write(tmp_path / "opcc.docx", form_bytes(county, county.repo.meetings[COUNTY_MARCH], "opcc",
                                                     record=county_record, today=TODAY))
    u, r = imported(county, path)
    assert answers(u) == answers(county_record) and r.unplaced == []

    record = charnwood.repo.updates[(OCTOBER, "falcon")].model_copy(deep=True)
    record.priorities[1].restricted = True
    record.restricted_sections = ["budget", "other"]
    path = _write(tmp_path / "falcon.docx", form_bytes(charnwood, charnwood.repo.meetings[OCTOBER], "falcon",
                                                       record=record, today=TODAY))
    u, _ = imported(charnwood, path, replace=True)
    assert answers(u) == answers(record)


# --------------------------------------------------------------------------- the import's rules


def test_an_update_already_received_is_replaced_only_when_asked(charnwood, tmp_path):
    form = blank(charnwood, "lfrs")
    form.type("Summary", "A second version.")
    path = form.save(tmp_path / "lfrs.docx")
    with pytest.raises(ConflictError) as e:
        import_update(charnwood, path, dry_run=True)
    assert str(e.value) == ("records/updates/2023-10-12/lfrs.yaml: the update from lfrs for 2023-10-12 was "
                            "received (typed in); use --replace to replace it with this form")
    u, r = imported(charnwood, path, replace=True)
    assert u.summary == "A second version." and r.replaced


def test_a_form_without_its_meeting_or_organisation_needs_them_given(charnwood, tmp_path):
    form = blank(charnwood)
    form.delete_row("Meeting")
    form.type("Organisation", "")
    form.type("Summary", "Text.")
    path = form.save(tmp_path / "probation.docx")
    with pytest.raises(UserError, match=r"probation.docx: cannot tell which meeting this form is for \(its Meeting "
                                        r"row is missing\); give --meeting YYYY-MM-DD"):
        import_update(charnwood, path, dry_run=True)
    with pytest.raises(UserError, match="cannot tell which organisation this form is from"):
        import_update(charnwood, path, dry_run=True, meeting="2023-10-12")
    u, _ = imported(charnwood, path, meeting="2023-10-12", partner="Probation Service")
    assert (u.meeting, u.organisation, u.summary) == (OCTOBER, "probation", "Text.")


def test_update_import_on_the_command_line_fills_a_draft_and_says_what_it_found(tmp_path, cli):
    root = copy_repo(CHARNWOOD, tmp_path / "repo")
    assert cli("--repo", root, "update", "new", "2023-10-12", "probation").code == 0
    chase = cli("--repo", root, "update", "chase", "2023-10-12", "--format", "json").out
    assert '"organisation_id": "probation",\n      "state": "draft"' in chase
    with open_session(root) as s:
        form = blank(s)
    form.type("Summary", "Imported from the command line.")
    form.add_row_after("Gaps / support required", "Notes", "Something else.")
    path = form.save(tmp_path / "Probation.docx")
    r = cli("--repo", root, "update", "import", path)
    assert r.code == 0, r.err
    assert r.out.splitlines()[:3] == [
        "wrote records/updates/2023-10-12/probation.yaml",
        "Probation.docx: imported as the update from probation for 2023-10-12.",
        "  answered: Summary",
    ]
    assert 'could not place "Something else."' in r.err and "table 1, row" in r.err
    text = (root / "records/updates/2023-10-12/probation.yaml").read_text(encoding="utf-8")
    assert "summary: Imported from the command line.\n" in text and "  file: Probation.docx\n" in text
    chase = cli("--repo", root, "update", "chase", "2023-10-12", "--format", "json").out
    assert '"state": "received",\n      "since": "' in chase and '"file": "Probation.docx"' in chase
    again = cli("--repo", root, "update", "import", path)
    assert again.code == 1 and "use --replace" in again.err


# --------------------------------------------------------------------------- hostile files


def _io(data: bytes):
    import io

    return io.BytesIO(data)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _with(data: bytes, **parts: bytes) -> bytes:
    src = zipfile.ZipFile(_io(data))
    out = _io(b"")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in src.namelist():
            z.writestr(name, parts.pop(name, src.read(name)))
        for name, body in parts.items():
            z.writestr(name.replace("__", "/"), body)
    return out.getvalue()


def _bomb(data: bytes) -> bytes:
    import struct
    import zlib

    src = zipfile.ZipFile(_io(data))
    entries = []
    for name in src.namelist():
        body = src.read(name)
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        packed = c.compress(body) + c.flush()
        size = len(body)
        if name == "word/document.xml":
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            packed = c.compress(b"\0" * (20 << 20)) + c.flush()
            size = 20 << 20
            body = b"\0" * size
        entries.append((name, packed, size, zlib.crc32(body)))
    local, central, offset = b"", b"", 0
    for name, packed, size, crc in entries:
        n = name.encode()
        header = struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(packed), size, len(n), 0) + n
        central += struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(packed), size, len(n),
                               0, 0, 0, 0, 0, offset) + n
        local += header + packed
        offset += len(header) + len(packed)
    return local + central + struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(entries), len(entries),
                                         len(central), len(local), 0)


RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HOSTILE = {
    "plain text renamed": (lambda form: b"Summary: we did things\n",
                           "form.docx: is not a Word document (.docx): it is not a zip package"),
    "Word 97-2003": (lambda form: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") * 40,
                     "form.docx: is a Word 97-2003 document (.doc): open it in Word and save it as .docx"),
    "OpenDocument": (lambda form: _odt(), "form.docx: is an OpenDocument text (.odt): save it as .docx"),
    "macro-enabled": (lambda form: _with(form, **{"word/vbaProject.bin": b"\0" * 64}),
                      "form.docx: is a macro-enabled Word document (.docm), which is not accepted: save it "
                      "as a Word Document (.docx)"),
    "zip bomb": (_bomb, "form.docx: refused: the part word/document.xml is compressed"),
    "tracked changes": (lambda form: _with(form, **{"word/document.xml": zipfile.ZipFile(_io(form)).read(
        "word/document.xml").replace(b"<w:r>", b'<w:ins w:id="9" w:author="x"><w:r>', 1).replace(
        b"</w:r>", b"</w:r></w:ins>", 1)}), "form.docx: paragraph 1 (empty): has tracked changes: accept or "
                                            "reject the tracked changes first"),
}


def _odt() -> bytes:
    out = _io(b"")
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_files_are_refused_with_one_line_and_nothing_written(case, tmp_path, cli, mini):
    with open_session(mini) as s:
        form = form_bytes(s, s.repo.meetings[OCTOBER], "mini-council", today=TODAY)
    make, expected = HOSTILE[case]
    path = tmp_path / "form.docx"
    path.write_bytes(make(form))
    before = snapshot(mini)
    r = cli("--repo", mini, "update", "import", path)
    assert r.code == 1 and len(r.err.splitlines()) == 1 and "Traceback" not in r.err, r.err
    assert r.err.startswith(expected), r.err
    assert snapshot(mini) == before


def test_an_image_linked_from_outside_is_never_fetched_and_is_said(tmp_path, cli, mini, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the import tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    with open_session(mini) as s:
        form = PartnerForm(form_bytes(s, s.repo.meetings[OCTOBER], "mini-council", today=TODAY))
    form.type("Summary", "With a tracking image.")
    data = form.to_bytes()
    rels = zipfile.ZipFile(_io(data)).read("word/_rels/document.xml.rels").replace(
        b"</Relationships>", f'<Relationship Id="rIdX" Type="{RT}/image" Target="http://203.0.113.9/t.png" '
                             f'TargetMode="External"/></Relationships>'.encode())
    path = tmp_path / "form.docx"
    path.write_bytes(_with(data, **{"word/_rels/document.xml.rels": rels}))
    r = cli("--repo", mini, "update", "import", path)
    assert r.code == 0, r.err
    assert "note: form.docx: an image linked from outside the document (http://203.0.113.9/t.png) was not " \
           "fetched" in r.err


# --------------------------------------------------------------------------- the README's steps


def test_the_readme_partner_update_steps(tmp_path, cli, monkeypatch):
    """The README's "Partner updates: the form, the reply, the chase", run as it is written."""
    import re
    import shlex

    text = (CHARNWOOD / "README.md").read_text(encoding="utf-8")
    start = text.index("### Partner updates: the form, the reply, the chase")
    section = text[start:text.index("\n### ", start + 1)]
    (block,) = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    commands = [shlex.split(line, comments=True) for line in block.splitlines()]
    root = copy_repo(CHARNWOOD, tmp_path / "charnwood")
    (root / "contacts.yaml").write_text("people:\n  robert-kitson: robert.kitson@lfrs.example.org\n", encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.delenv("CSPKIT_REPO", raising=False)
    assert cli("new-meeting").code == 0  # 18th January 2024, from the schedule
    for args in commands:
        assert args[0] == "cspkit"
        if args[1:3] == ["update", "import"]:  # meanwhile, LFRS filled in its form and sent it back
            form = PartnerForm((root / "forms/2024-01-18-update-form-lfrs.docx").read_bytes())
            form.type("Date of report", "4 January 2024")
            form.type("Summary", "Fire service incidents and initiatives, October to December.")
            form.type("Update/s \u2013 Priority 2", ("bullet", "Fire-setting sessions in two more schools."))
            Path(args[3]).parent.mkdir(exist_ok=True)
            form.save(Path(args[3]))
        r = cli(*args[1:])
        assert r.code == 0, (args, r.err)
    u = open_session(root).repo.updates[(dt.date(2024, 1, 18), "lfrs")]
    assert (u.summary, u.received.file, u.requested) == (
        "Fire service incidents and initiatives, October to December.", "lfrs.docx", [dt.date.today()])
    assert u.budget == "Within the current allowance, with resources at Loughborough, Birstall and Shepshed fire " \
                       "stations."  # pre-filled from October, and kept
    drafts = {p.name for p in (root / "drafts").iterdir()}
    assert {"2024-01-18-chase-lfrs.eml", "2024-01-18-circulation.eml", "2024-01-18-agenda-pack.pdf"} <= drafts
    # circulate made the partners' pack, and attached it as it is
    import email
    import email.policy

    circulation = email.message_from_bytes((root / "drafts/2024-01-18-circulation.eml").read_bytes(),
                                           policy=email.policy.default)
    (pack,) = list(circulation.iter_attachments())
    assert pack.get_filename() == "2024-01-18-agenda-pack.pdf"
    assert pack.get_content() == (root / "drafts/2024-01-18-agenda-pack.pdf").read_bytes()
    assert pack.get_content().startswith(b"%PDF-")
    assert len(list((root / "forms").iterdir())) == 10
