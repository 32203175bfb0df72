"""The clerk's cycle with documents: draft in Word, write, import, raise actions, correct, import again.

Run through the real command line on copies of the Charnwood CSP's and the county board's
records: what the clerk sees printed, what is written to the meeting file (and nothing else),
and what is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from pathlib import Path

import pytest
from conftest import need_tool, snapshot

from cspkit.session import open_repo

OCTOBER = "2023-10-12"
JULY = "2023-07-13"


@pytest.fixture(autouse=True)
def _no_repo_from_env(monkeypatch):
    monkeypatch.delenv("CSPKIT_REPO", raising=False)


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def fill_in(draft: Path, written: Path) -> None:
    """The clerk writes into the Word draft: text, points and decisions under three items."""
    import docx

    doc = docx.Document(str(draft))
    headings = [p for p in doc.paragraphs if p.style.name == "Heading 1"]
    by_number = {h.text.split(".", 1)[0]: h for h in headings}

    def before(number: str, text: str = "", *, decision: str | None = None, style: str | None = None):
        nxt = headings[headings.index(by_number[number]) + 1]
        para = nxt.insert_paragraph_before("", style=style)
        if decision:
            para.add_run(decision).bold = True
        para.add_run(text)

    before("3", "The action log was reviewed; both open actions were progressing.")
    before("4", "A presentation on the quarter\u2019s figures was given.")
    before("4", "i.\tShoplifting had risen by 38.6%.")
    before("4", "ii.\tResidential burglary had fallen by 15.6%.")
    before("4", " that Inspector Dave Stokes circulate the shoplifting figures to partners.", decision="AGREED")
    before("9", " that the information be noted.", decision="AGREED")
    doc.save(str(written))


def test_a_clerk_drafts_in_word_writes_imports_raises_actions_then_corrects_and_imports_again(
        charnwood_copy, cli, tmp_path):
    root = charnwood_copy
    draft = tmp_path / "draft.docx"
    r = cli("--repo", root, "minutes", "draft", OCTOBER, "-o", draft)
    assert r.code == 0, r.err
    assert r.out.splitlines() == [str(draft), f"Next: write the minutes in it, then cspkit minutes import "
                                              f"{OCTOBER} {draft}"]

    import docx

    opened = docx.Document(str(draft))
    headings = [p.text for p in opened.paragraphs if p.style.name == "Heading 1"]
    assert headings[:4] == ["1. Apologies", "2. Minutes", "3. Action Log", "4. 2023/24 Performance"]
    assert len(headings) == 10
    assert not any("cspkit" in p.text.lower() for p in opened.paragraphs)  # it speaks for the partnership
    assert any(p.style.name == "Guidance" and p.text.startswith("Lead: Inspector David Stokes")
               for p in opened.paragraphs)

    written = tmp_path / "October minutes.docx"
    fill_in(draft, written)
    before = snapshot(root)
    r = cli("--repo", root, "minutes", "import", OCTOBER, written)
    assert r.code == 0, r.err
    assert changed(before, snapshot(root)) == {f"records/meetings/{OCTOBER}.yaml"}
    out = r.out
    assert f"Minutes of {OCTOBER} from October minutes.docx (draft): 10 items, 2 points, 2 decisions" in out
    assert "     4  2023/24 Performance: 1 paragraph, 2 points, 1 decision" in out
    assert "        4.1  David Stokes (PROPOSED: the subject of the decision)" in out
    assert "Check the proposed owners; correct one with --owner ITEM.N=NAME" in out
    meeting = open_repo(root).meetings[dt.date(2023, 10, 12)]
    assert meeting.status.value == "held"
    assert meeting.minutes.imported_from.file == "October minutes.docx"
    assert meeting.minutes.imported_from.sha256 == hashlib.sha256(written.read_bytes()).hexdigest()
    performance = next(mi for mi in meeting.minutes.items if mi.item == "4")
    assert [p.kind for p in performance.body] == ["text", "points", "decisions"]
    assert performance.decisions[0].owners == ["dave-stokes"]
    assert cli("--repo", root, "validate").code == 0

    r = cli("--repo", root, "actions", "raise", OCTOBER)
    assert r.code == 0 and f"{OCTOBER}/4.1" in r.out

    # The chair asks for a correction: the clerk rewords the decision and adds a point.
    import docx as docx_again

    doc = docx_again.Document(str(written))
    for para in doc.paragraphs:
        if "circulate the shoplifting figures" in para.text:
            para.runs[-1].text = " that Inspector Dave Stokes circulate the shoplifting figures to all partners."
            para.insert_paragraph_before("iii.\tCycle theft was down.")
    corrected = tmp_path / "October minutes v2.docx"
    doc.save(str(corrected))
    r = cli("--repo", root, "minutes", "import", OCTOBER, corrected)
    assert r.code == 0, r.err
    assert f"4.1  David Stokes (PROPOSED: the subject of the decision); action {OCTOBER}/4.1" in r.out
    meeting = open_repo(root).meetings[dt.date(2023, 10, 12)]
    performance = next(mi for mi in meeting.minutes.items if mi.item == "4")
    assert performance.decisions[0].action == f"{OCTOBER}/4.1"
    assert performance.decisions[0].text.endswith("to all partners")
    assert len(performance.body[1].points) == 3
    r = cli("--repo", root, "actions", "raise", OCTOBER)
    assert "No decisions with owners are waiting for an action." in r.out  # never a duplicate
    assert cli("--repo", root, "validate").code == 0


def test_a_decision_that_disappears_keeps_its_action_and_is_reported(charnwood_copy, cli, tmp_path):
    root = charnwood_copy
    exported = tmp_path / "july.md"
    assert cli("--repo", root, "minutes", "export", JULY, "--format", "md", "-o", exported).code == 0
    text = exported.read_text(encoding="utf-8")
    line = next(ln for ln in text.splitlines() if "look into claiming further OPCC funding" in ln)
    assert line.endswith("(Action: James O'Connell).")
    exported.write_text(text.replace(line + "\n", ""), encoding="utf-8")
    r = cli("--repo", root, "minutes", "import", JULY, exported)
    assert r.code == 0, r.err
    assert r.err.startswith("warning: minute 11 “James O'Connell look into claiming further OPCC funding")
    assert ("is not in the document, but action 2023-07-13/11.1 was raised from it: the action is kept (close it "
            "with cspkit actions close if it is not wanted)") in r.err
    action = open_repo(root).actions["2023-07-13/11.1"]
    assert action.decision is None  # no longer points at a decision that is not there
    assert cli("--repo", root, "validate").code == 0


def test_reimporting_exported_minutes_changes_nothing(county_copy, cli, tmp_path):
    root = county_copy
    for fmt in ("docx", "md"):
        out = tmp_path / f"december.{fmt}"
        assert cli("--repo", root, "minutes", "export", "2023-12-15", "--format", fmt, "-o", out).code == 0
        before = open_repo(root).meetings[dt.date(2023, 12, 15)]
        r = cli("--repo", root, "minutes", "import", "2023-12-15", out)
        assert r.code == 0, r.err
        assert "Attendance: kept as recorded (the document's is the same; --replace-attendance takes it)." in r.out
        after = open_repo(root).meetings[dt.date(2023, 12, 15)]
        assert after.minutes.model_dump(exclude={"imported_from"}) == before.minutes.model_dump(
            exclude={"imported_from"})
        assert "40.2  Ben Bee (named in the document); action 2023-12-15/10.1" in r.out


def test_approved_minutes_are_never_replaced(mini, cli, tmp_path):
    exported = tmp_path / "july.md"
    assert cli("--repo", mini, "minutes", "export", JULY, "--format", "md", "-o", exported).code == 0
    assert cli("--repo", mini, "minutes", "start", OCTOBER).code == 0  # approved at a meeting that was held
    assert cli("--repo", mini, "minutes", "approve", JULY, "--at", OCTOBER).code == 0
    before = snapshot(mini)
    r = cli("--repo", mini, "minutes", "import", JULY, exported)
    assert (r.code, r.err) == (1, "error: the minutes of 2023-07-13 were approved at 2023-10-12: approved minutes "
                                  "are not replaced\n")
    assert snapshot(mini) == before


def test_attendance_recorded_by_command_is_kept_and_the_differences_listed(charnwood_copy, cli, tmp_path):
    root = charnwood_copy
    r = cli("--repo", root, "attendance", OCTOBER, "--chair", "Liz Blackshaw", "--present", "Dave Stokes",
            "--present", "Jenny Ardley")
    assert r.code == 0, r.err
    doc = tmp_path / "october.md"
    doc.write_text("# Charnwood Community Safety Partnership\n\n**Present**\n\n| Name | Organisation |\n|---|---|\n"
                   "| Councillor Liz Blackshaw (in the Chair) | Charnwood Borough Council |\n"
                   "| Dave Stokes | Leicestershire Police |\n| Gurjit Samra-Rai | Leicestershire County Council |\n\n"
                   "# 1. Apologies\n\nApologies were received as listed.\n", encoding="utf-8")
    r = cli("--repo", root, "minutes", "import", OCTOBER, doc)
    assert r.code == 0, r.err
    assert "Attendance: kept as recorded (the document's is different; --replace-attendance takes it)." in r.out
    assert "  the document lists Gurjit Samra-Rai under present; the record does not have them" in r.out
    assert "  the record has Jenny Ardley under present; the document does not list them" in r.out
    kept = open_repo(root).meetings[dt.date(2023, 10, 12)].attendance
    assert "jenny-ardley" in [a.person for a in kept.present]

    r = cli("--repo", root, "minutes", "import", OCTOBER, doc, "--replace-attendance")
    assert r.code == 0, r.err
    assert "Attendance: taken from the document." in r.out
    taken = open_repo(root).meetings[dt.date(2023, 10, 12)].attendance
    assert [(a.person, a.role and a.role.value) for a in taken.present] == [
        ("liz-blackshaw", "chair"), ("dave-stokes", None), ("gurjit-samra-rai", None)]


def test_owner_option_corrects_a_proposed_owner(charnwood_copy, cli, tmp_path):
    root = charnwood_copy
    doc = tmp_path / "october.md"
    doc.write_text("# 9. Any Other Business\n\n**AGREED** that Gareth Harvey contact the OPCC about funding.\n\n"
                   "**AGREED** that the information be noted.\n", encoding="utf-8")
    r = cli("--repo", root, "minutes", "import", OCTOBER, doc, "--dry-run", "--owner", "9.1=Tim McCabe",
            "--owner", "9.2=Giuseppe Vassallo")
    assert r.code == 0, r.err
    assert "        9.1  Tim McCabe (given by --owner)" in r.out
    assert "        9.2  Giuseppe Vassallo (given by --owner)" in r.out
    assert "+      - text: Gareth Harvey contact the OPCC about funding" in r.out  # --dry-run: the diff
    assert open_repo(root).meetings[dt.date(2023, 10, 12)].minutes is None  # and nothing written

    r = cli("--repo", root, "minutes", "import", OCTOBER, doc, "--owner", "9.3=Tim McCabe")
    assert (r.code, r.err) == (1, "error: --owner 9.3=Tim McCabe: the document has no decision 9.3 "
                                  "(decisions: 9.1, 9.2)\n")
    r = cli("--repo", root, "minutes", "import", OCTOBER, doc, "--owner", "9.1=Tim McCab")
    assert r.code == 1 and "unknown person 'Tim McCab'" in r.err


def test_a_faulty_document_is_refused_with_every_problem_and_nothing_written(charnwood_copy, cli, tmp_path):
    root = charnwood_copy
    doc = tmp_path / "october.md"
    doc.write_text("# 4. Performance\n\n**AGREED** that the figures be circulated (Action: Dave Stoke).\n\n"
                   "# 14. Extra business\n\nSomething.\n", encoding="utf-8")
    before = snapshot(root)
    r = cli("--repo", root, "minutes", "import", OCTOBER, doc)
    assert r.code == 1
    assert r.err.splitlines() == [
        "october.md:3: unknown owner 'Dave Stoke' (did you mean 'David Stokes'?)",
        "october.md:5: item 14 is not on the agenda of 2023-10-12 (items: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)"]
    assert snapshot(root) == before


def test_a_document_with_tracked_changes_is_refused_at_the_change(charnwood_copy, cli, tmp_path):
    from documents_support import p, package, r

    deleted = '<w:del w:id="1" w:author="Chair" w:date="2023-10-13T09:00:00Z"><w:r><w:delText>not </w:delText></w:r></w:del>'
    doc = tmp_path / "minutes.docx"
    doc.write_bytes(package(p(runs=r("4. PERFORMANCE", bold=True))
                            + p(runs=r("AGREED", bold=True) + r(" that the figures be ") + deleted + r("noted."))))
    before = snapshot(charnwood_copy)
    r_ = cli("--repo", charnwood_copy, "minutes", "import", OCTOBER, doc)
    assert (r_.code, r_.err) == (1, 'minutes.docx: paragraph 2 ("AGREED that the figures…"): has tracked changes: '
                                    "accept or reject the tracked changes first, then save it and try again\n")
    assert snapshot(charnwood_copy) == before


def test_an_old_word_file_is_refused(charnwood_copy, cli, tmp_path):
    doc = tmp_path / "minutes.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    r = cli("--repo", charnwood_copy, "minutes", "import", OCTOBER, doc)
    assert (r.code, r.err) == (1, "error: minutes.doc: is an old Microsoft Office file, not a Word document (.docx)\n")


def test_libreoffice_opens_the_word_draft_and_export(county_copy, cli, tmp_path):
    need_tool("soffice", "libreoffice-writer-nogui")
    for args, name in ((["draft", "2024-03-22"], "draft.docx"), (["export", "2023-12-15"], "export.docx")):
        out = tmp_path / name
        assert cli("--repo", county_copy, "minutes", *args, "-o", out).code == 0
        done = subprocess.run(["soffice", "--headless", "--convert-to", "txt:Text", "--outdir", str(tmp_path),
                               str(out)], capture_output=True, timeout=180, check=False)
        assert done.returncode == 0, done.stderr
        text = (tmp_path / f"{out.stem}.txt").read_text(encoding="utf-8-sig")
        assert "Leicestershire and Rutland Safer Communities Strategy Board" in text
    assert "44. Introductions" in (tmp_path / "draft.txt").read_text(encoding="utf-8-sig")
    assert "CHAIRMAN" in (tmp_path / "export.txt").read_text(encoding="utf-8-sig")
