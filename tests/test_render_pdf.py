"""The PDF pack a clerk circulates: page references are the pages the papers are on.

Each test extracts the PDF's text page by page (pypdf) and reads the agenda front sheet as
a partner would: "attached at page N" must be the page where that paper's heading is, and
"(Pages N - M)" must span exactly that paper (with its blank padding page, where the body
starts papers on odd pages).
"""

from __future__ import annotations

import os
import re

import pytest
from conftest import CHARNWOOD, COUNTY
from pdf_support import page_texts


def _pages(pdf_path) -> list[str]:
    # a word split at a hyphen at the end of a line comes out as "Anti- social"
    return [re.sub(r"(?<=\w)- (?=[a-z])", "-", text) for text in page_texts(pdf_path)]


def _papers(root, meeting):
    """(item number, paper title) of every paper in the pack, in pack order."""
    from cspkit.render import pack_document
    from cspkit.session import open_repo

    repo = open_repo(root)
    doc = pack_document(repo, repo.meetings[meeting], "partners")
    return [(p.item, re.sub(r"\s+", " ", p.title)) for p in doc.context["papers"]]


@pytest.fixture(scope="module")
def charnwood_pdf(rendered):
    return rendered["charnwood"] / "2023-10-12-agenda-pack.pdf"


@pytest.fixture(scope="module")
def county_pdf(rendered):
    return rendered["county"] / "2024-03-22-agenda-pack.pdf"


def test_charnwood_attached_at_page_is_where_each_paper_starts(charnwood_pdf):
    import datetime as dt

    pages = _pages(charnwood_pdf)
    refs = [int(n) for n in re.findall(r"attached at page (\d+)", pages[0])]
    papers = _papers(CHARNWOOD, dt.date(2023, 10, 12))
    # minutes, action log, the Priority 2 report, PSA tracker, partner updates, forward programme
    assert len(refs) == len(papers) == 6
    for page_no, (item, title) in zip(refs, papers, strict=True):
        page = pages[page_no - 1]
        assert page.startswith(f"AGENDA ITEM {item} "), (page_no, item, page[:80])
        assert title in page, (page_no, title)
        assert title in page, (page_no, title)
    assert refs == sorted(refs) and refs[0] == 2


def test_charnwood_running_header_and_page_numbers(charnwood_pdf):
    pages = _pages(charnwood_pdf)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number}" in text
        if number > 1:
            assert "Charnwood Community Safety Partnership" in text and "12th October 2023" in text


def test_county_action_log_table_header_repeats_when_it_spans_pages(county_pdf):
    pages = _pages(county_pdf)
    log = [t for t in pages if "No. Date Action Responsible Officer Comments Status" in t]
    # The action log runs over two pages: its header row is printed on both.
    assert len(log) == 2 and log[0].startswith("AGENDA ITEM 4 ") and log[1].startswith("No. Date Action")


def test_county_page_ranges_span_each_paper_with_its_padding(county_pdf):
    import datetime as dt

    pages = _pages(county_pdf)
    ranges = [(int(a), int(b)) for a, b in re.findall(r"\(Pages (\d+) - (\d+)\)", pages[0])]
    papers = _papers(COUNTY, dt.date(2024, 3, 22))
    assert len(ranges) == len(papers) == 9
    for (start, end), (item, title) in zip(ranges, papers, strict=True):
        assert start % 2 == 1, f"item {item} starts on even page {start}"
        assert end % 2 == 0 or end == len(pages)
        assert pages[start - 1].startswith(f"AGENDA ITEM {item} "), (start, item)
        assert pages[start - 1].count(title) == 1, (start, title)
        # nothing else starts inside the range
        assert not any(p.startswith("AGENDA ITEM") for p in pages[start:end])
    for (_, end), (start, _) in zip(ranges, ranges[1:], strict=False):
        assert start == end + 1
    assert ranges[-1][1] == len(pages)


def test_county_blank_pages_say_so(county_pdf):
    pages = _pages(county_pdf)
    blanks = [i + 1 for i, t in enumerate(pages) if "This page is intentionally left blank" in t]
    assert blanks, "the county pack pads papers to odd pages"
    for number in blanks:
        assert number % 2 == 0
        assert not pages[number - 1].startswith("AGENDA ITEM")


def test_county_presenters_lines_on_the_front_sheet(county_pdf):
    front = _pages(county_pdf)[0]
    assert "Sajan Devshi, Performance and Assurance Officer, OPCC will present this report." in front
    assert "An officer from the Community Safety Team, Leicestershire County Council, will present this report." \
        in front
    assert "Detective Sergeant Chris Perry, Leicestershire Police will give a presentation." in front
    assert "Friday, 22 March 2024 at 10.00 am" in front


# --------------------------------------------------------------------------- the PDF worker


@pytest.fixture
def started(monkeypatch) -> list:
    """The PDF workers started (cspkit/pdf.py), as on a machine with two CPUs."""
    from cspkit import pdf

    workers = []
    real_init = pdf.Worker.__init__

    def spy(self):
        real_init(self)
        workers.append(self)

    monkeypatch.setattr(pdf.Worker, "__init__", spy)
    monkeypatch.setattr(pdf, "_cpus", lambda: 2)
    monkeypatch.delenv("CSPKIT_PDF_WORKER")  # conftest turns the worker off for the rest of the suite
    return workers


def test_the_pdf_worker_makes_the_same_pdf_as_weasyprint_in_process(started, tmp_path, rendered):
    """`render --format pdf` hands the HTML to a worker that imported WeasyPrint meanwhile
    (cspkit/pdf.py); with the worker off (as conftest.rendered made it) the PDF is made
    in-process, page for page the same."""
    from cspkit import pdf
    from cspkit.cli import run

    worker_out = tmp_path / "worker"
    assert run(["--repo", str(CHARNWOOD), "render", "pack", "2023-10-12", "--format", "pdf", "-o", str(worker_out)]) == 0
    assert len(started) == 1 and started[0].proc.returncode == 0
    assert pdf._worker is None
    assert _pages(worker_out / "2023-10-12-agenda-pack.pdf") == _pages(rendered["charnwood"] / "2023-10-12-agenda-pack.pdf")


def test_a_worker_left_unused_by_a_user_error_is_stopped(started, mini, capsys):
    from cspkit import pdf
    from cspkit.cli import run

    meeting = mini / "records/meetings/2023-10-12.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace("status: scheduled", "status: postponed"),
                       encoding="utf-8")

    assert run(["--repo", str(mini), "render", "pack", "2023-10-12", "--format", "pdf", "-o", str(mini / "out")]) == 1
    assert "postponed" in capsys.readouterr().err
    assert len(started) == 1 and started[0].proc.returncode is not None  # killed, reaped
    assert pdf._worker is None


def test_a_failing_worker_is_an_internal_error_with_its_output_in_the_log(tmp_path, monkeypatch, capsys):
    import subprocess
    import sys

    from cspkit import pdf
    from cspkit.cli import run

    def failing(self):
        self.proc = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read(); "
                                      "sys.stderr.write('pango went wrong'); sys.exit(5)"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    monkeypatch.setattr(pdf.Worker, "__init__", failing)
    monkeypatch.setattr(pdf, "_cpus", lambda: 2)
    monkeypatch.delenv("CSPKIT_PDF_WORKER")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "state"))
    code = run(["--repo", str(CHARNWOOD), "render", "pack", "2023-10-12", "--format", "pdf", "-o", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 3
    assert "internal error" in err
    logs = list((tmp_path / "state").rglob("error-*.log"))
    assert len(logs) == 1, err
    log = logs[0].read_text(encoding="utf-8")
    assert "failed with exit 5" in log and "pango went wrong" in log
    assert not (tmp_path / "o" / "2023-10-12-agenda-pack.pdf").exists()


def test_a_pipe_named_by_the_html_never_blocks_a_pdf_build(tmp_path):
    """A partnership's own template can name any file: a FIFO inside the repository is not
    a regular file, so the fetcher refuses it instead of waiting on it forever."""
    import threading

    os.mkfifo(tmp_path / "logo.png")
    (tmp_path / "real.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>',
                                       encoding="utf-8")
    html = '<html><body><p>Pack</p><img src="logo.png" alt="a pipe"><img src="real.svg" alt="a picture"></body></html>'
    done: list[bytes] = []
    from cspkit import pdf

    worker = threading.Thread(target=lambda: done.append(pdf.weasyprint_pdf(html, tmp_path)), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert done and done[0].startswith(b"%PDF"), "the PDF build waited on a pipe"
