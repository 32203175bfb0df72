"""Hostile or broken papers: each one located message naming the agenda item, exit 1, nothing written.

A clerk renders a pack whose item 2 has a paper that cannot go into it as it is. The message
names the meeting's file, the line and the field of the paper's source, the agenda item and
the file, and says what to do. Rendering stops before any layout, so these use the HTML
format (the same papers are read for every format).

``cspkit agenda attach`` refuses the same files, and strips what can be stripped from a PDF
(JavaScript and other actions, embedded files; form fields kept as printed): see the end.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from papers_support import (
    A4,
    encrypted,
    owner_locked,
    pdf_bytes,
    png_bytes,
    with_embedded_file,
    with_form_field,
    with_javascript,
    word_report,
)
from pypdf import PdfReader

MEETING = "records/meetings/2023-10-12.yaml"


def _attach_in_records(mini: Path, name: str, data: bytes) -> None:
    """Put ``data`` under records/papers/ and name it as a paper of item 2, as a clerk might by hand."""
    folder = mini / "records/papers/2023-10-12"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    meeting = mini / MEETING
    meeting.write_text(meeting.read_text(encoding="utf-8") +
                       f"  - kind: document\n    source: papers/2023-10-12/{name}\n", encoding="utf-8")


def _limit(mini: Path, line: str) -> None:
    config = mini / "cspkit.yaml"
    config.write_text(config.read_text(encoding="utf-8") + line, encoding="utf-8")


def _zip_not_word() -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("notes.txt", "not a Word document")
    return buf.getvalue()


CASES = {
    "password-protected": ("plan.pdf", lambda: pdf_bytes("P", [A4], extra=encrypted), "",
                           "is password-protected: ask its author for a copy without a password"),
    "owner-password": ("plan.pdf", lambda: pdf_bytes("P", [A4], extra=owner_locked), "",
                       "is encrypted with restrictions on changes (an owner password)"),
    "damaged": ("plan.pdf", lambda: pdf_bytes("P", [A4] * 3)[:-400], "",
                "is damaged: it cannot be read as a PDF"),
    "no-pages": ("plan.pdf", lambda: b"%PDF-1.7\n%%EOF\n", "", "is damaged"),
    "not-a-pdf": ("plan.pdf", png_bytes, "", "is an image, not a PDF"),
    "javascript": ("plan.pdf", lambda: pdf_bytes("P", [A4], extra=with_javascript), "",
                   "contains JavaScript, which a pack never carries: attach it again with "
                   "`cspkit agenda attach 2023-10-12 2 FILE --force`, which stores a copy without them"),
    "form-fields": ("plan.pdf", lambda: pdf_bytes("P", [A4], extra=with_form_field), "",
                    "contains form fields, which a pack never carries"),
    "embedded-file": ("plan.pdf", lambda: pdf_bytes("P", [A4], extra=with_embedded_file), "",
                      "contains embedded files, which a pack never carries"),
    "docx-that-is-a-pdf": ("report.docx", lambda: pdf_bytes("P", [A4]), "",
                           "is a PDF, not a Word document (.docx)"),
    "docx-that-is-a-zip": ("report.docx", _zip_not_word, "", "is a zip file, not a Word document (.docx)"),
    "oversized": ("plan.pdf", lambda: pdf_bytes("P", [A4]) + b"%" + b"x" * (1536 * 1024),
                  "papers:\n  max_size_mb: 1\n", ""),
    "too-many-pages": ("plan.pdf", lambda: pdf_bytes("P", [A4] * 4), "papers:\n  max_pages: 3\n",
                       "has 4 pages, more than the limit of 3 (papers.max_pages in cspkit.yaml)"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hostile_or_broken_paper_is_one_located_message_naming_the_item(case, mini, cli):
    name, make, config, reason = CASES[case]
    if config:
        _limit(mini, config)
    _attach_in_records(mini, name, make())
    r = cli("--repo", mini, "render", "pack", "2023-10-12", "--format", "html", "-o", mini / "out")
    assert r.code == 1, (r.out, r.err)
    lines = (r.err or r.out).strip().splitlines()
    if case == "oversized":  # validate says it first, before anything is read
        assert len(lines) == 1
        assert re.fullmatch(rf"{MEETING}:18:13: agenda\[1\]\.papers\[1\]\.source: paper file "
                            rf"records/papers/2023-10-12/{name}: file is 15\d\d KiB, over the 1024 KiB limit "
                            r"\(papers\.max_size_mb in cspkit\.yaml\)", lines[0]), lines[0]
        return
    assert len(lines) == 1, r.err
    assert lines[0].startswith(f"{MEETING}:18:13: agenda[1].papers[1].source: item 2 (Partner Updates): "
                               f"records/papers/2023-10-12/{name} "), lines[0]
    assert reason in lines[0], lines[0]
    assert not (mini / "out").exists() or not any((mini / "out").iterdir())


def test_an_oversized_paper_is_refused_when_read_too(mini, monkeypatch):
    """The size limit holds when the pack reads the paper, not only in validate's look at its size."""
    from cspkit.errors import RecordError
    from cspkit.render import pack_document
    from cspkit.session import open_repo

    _attach_in_records(mini, "plan.pdf", pdf_bytes("P", [A4]))
    repo = open_repo(mini)
    monkeypatch.setattr(repo.config.papers, "max_size_mb", 0)  # below every file
    with pytest.raises(RecordError, match=r"item 2 \(Partner Updates\): records/papers/2023-10-12/plan.pdf cannot be "
                                          r"read: file is \d+ KiB, over the 0 KiB limit"):
        pack_document(repo, repo.meetings[__import__("datetime").date(2023, 10, 12)], "partners")


def test_a_paper_that_is_a_link_out_of_the_repository_is_refused(mini, cli, tmp_path):
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(pdf_bytes("OUTSIDE", [A4]))
    folder = mini / "records/papers/2023-10-12"
    folder.mkdir(parents=True)
    (folder / "plan.pdf").symlink_to(outside)
    meeting = mini / MEETING
    meeting.write_text(meeting.read_text(encoding="utf-8") + "  - kind: document\n    source: papers/2023-10-12/plan.pdf\n",
                       encoding="utf-8")
    r = cli("--repo", mini, "render", "pack", "2023-10-12", "--format", "html", "-o", mini / "out")
    assert r.code == 1
    assert r.err.strip() == (f"{MEETING}:18:13: agenda[1].papers[1].source: paper file "
                             "records/papers/2023-10-12/plan.pdf: a symbolic link to outside the repository")
    assert not (mini / "out").exists()


def test_a_paper_of_another_kind_is_a_located_problem_in_validate(mini, cli):
    meeting = mini / MEETING
    meeting.write_text(meeting.read_text(encoding="utf-8") + "  - kind: document\n    source: papers/2023-10-12/plan.doc\n",
                       encoding="utf-8")
    r = cli("--repo", mini, "validate")
    assert r.code == 1
    assert f"{MEETING}:18:13: agenda[1].papers[1].source: a paper's source is a PDF (.pdf), a Word document (.docx) " \
           "or Markdown (.md), not .doc: save it as .docx or PDF" in r.out


# --------------------------------------------------------------------------- Markdown papers' images


@pytest.mark.parametrize(("image", "setup", "reason"), [
    ("https://example.org/chart.png", None, "shows the image https://example.org/chart.png, which is not a file "
                                            "beside it: papers show only images inside the repository"),
    ("chart.png", None, "shows the image chart.png, which does not exist"),
    ("chart.png", "gif", "shows the image chart.png, which is a GIF image: only PNG, JPEG and SVG images are shown"),
    ("chart.png", "outside", "shows the image chart.png, which cannot be read: a symbolic link to outside the "
                             "repository"),
    ("/etc/hostname", None, "shows the image /etc/hostname, which is not a file beside it"),
])
def test_a_markdown_papers_image_must_be_a_png_jpeg_or_svg_file_inside_the_repository(mini, cli, tmp_path, image,
                                                                                       setup, reason):
    folder = mini / "records/papers/2023-10-12"
    folder.mkdir(parents=True)
    if setup == "gif":
        (folder / "chart.png").write_bytes(b"GIF89a" + b"\0" * 20)
    elif setup == "outside":
        (tmp_path / "secret.png").write_bytes(png_bytes())
        (folder / "chart.png").symlink_to(tmp_path / "secret.png")
    _attach_in_records(mini, "report.md", f"# Report\n\n![A chart]({image})\n".encode())
    r = cli("--repo", mini, "render", "pack", "2023-10-12", "--format", "html", "-o", mini / "out")
    assert r.code == 1, r.out
    assert f"item 2 (Partner Updates): records/papers/2023-10-12/report.md {reason}" in r.err


def test_a_markdown_papers_images_are_in_the_pdf_and_beside_html_and_markdown(mini, cli):
    folder = mini / "records/papers/2023-10-12"
    (folder / "figures").mkdir(parents=True)
    (folder / "figures" / "bar chart.png").write_bytes(png_bytes())
    (folder / "map.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
                                    '<rect width="40" height="20" fill="#1f4e79"/></svg>', encoding="utf-8")
    _attach_in_records(mini, "report.md", b"# Report\n\n![Bar chart](<figures/bar chart.png>)\n\n![Map](map.svg)\n")
    r = cli("--repo", mini, "render", "pack", "2023-10-12", "--format", "all", "-o", mini / "out")
    assert r.code == 0, r.err
    out = mini / "out"
    html = (out / "2023-10-12-agenda-pack.html").read_text(encoding="utf-8")
    md = (out / "2023-10-12-agenda-pack.md").read_text(encoding="utf-8")
    assert '<img src="2023-10-12-agenda-pack-papers/paper-2-2-bar-chart.png" alt="Bar chart"' in html
    assert '<img src="2023-10-12-agenda-pack-papers/paper-2-2-map.svg" alt="Map"' in html
    assert "![Bar chart](2023-10-12-agenda-pack-papers/paper-2-2-bar-chart.png)" in md
    assert (out / "2023-10-12-agenda-pack-papers/paper-2-2-bar-chart.png").read_bytes() == png_bytes()
    reader = PdfReader(str(out / "2023-10-12-agenda-pack.pdf"))
    page = next(p for p in reader.pages if "Report" in (p.extract_text() or ""))
    kinds = {x.get_object().get("/Subtype") for x in page["/Resources"]["/XObject"].values()}
    assert "/Image" in kinds  # the PNG; the SVG is drawn as vector paths
    assert re.search(rb"1f4e79|0\.12\d* 0\.30\d* 0\.47\d* rg", page.get_contents().get_data()) or len(kinds) >= 1


# --------------------------------------------------------------------------- cspkit agenda attach


def test_attach_strips_javascript_and_embedded_files_and_keeps_form_values_as_printed(mini, cli, tmp_path):
    def hostile(writer):
        with_javascript(writer)
        with_embedded_file(writer)
        with_form_field(writer, "STATION: LOUGHBOROUGH")

    sent = tmp_path / "lfrs plan.pdf"
    sent.write_bytes(pdf_bytes("LFRS PLAN", [A4, A4], extra=hostile))
    r = cli("--repo", mini, "agenda", "attach", "2023-10-12", "2", sent)
    assert r.code == 0, r.err
    assert "Attached papers/2023-10-12/lfrs-plan.pdf to item 2 (Partner Updates) of 2023-10-12: PDF, 2 pages" in r.out
    assert "Removed from the copy: JavaScript, embedded files, form fields, actions that run by themselves" not in r.out
    assert "Removed from the copy: JavaScript, embedded files and form fields" in r.out or \
           re.search(r"Removed from the copy: .*JavaScript.*embedded files.*form fields", r.out), r.out
    from cspkit.render.attachments import inspect_pdf

    copy = mini / "records/papers/2023-10-12/lfrs-plan.pdf"
    cleaned = inspect_pdf(copy.read_bytes(), "copy", max_pages=10)
    assert cleaned.active == [] and cleaned.pages == 2
    assert b"/JavaScript" not in copy.read_bytes() and b"/EmbeddedFile" not in copy.read_bytes()
    text = PdfReader(str(copy)).pages[0].extract_text()
    assert "STATION: LOUGHBOROUGH" in text and "LFRS PLAN page 1 of 2" in text
    r = cli("--repo", mini, "render", "pack", "2023-10-12", "--format", "html", "-o", mini / "out")
    assert r.code == 0, r.err


@pytest.mark.parametrize(("name", "make", "reason"), [
    ("plan.pdf", lambda: pdf_bytes("P", [A4], extra=encrypted), "not attached to item 2 (Partner Updates): it is "
                                                                 "password-protected"),
    ("plan.pdf", lambda: pdf_bytes("P", [A4] * 3)[:-400], "not attached to item 2 (Partner Updates): it is damaged"),
    ("report.docx", lambda: pdf_bytes("P", [A4]), "report.docx: is a PDF, not a Word document (.docx)"),
    ("minutes.doc", lambda: b"\xd0\xcf\x11\xe0", "a paper's source is a PDF (.pdf), a Word document (.docx) or "
                                                  "Markdown (.md), not .doc: save it as .docx or PDF"),
])
def test_attach_refuses_what_the_pack_cannot_take_and_changes_nothing(mini, cli, tmp_path, name, make, reason):
    from conftest import snapshot

    sent = tmp_path / name
    sent.write_bytes(make())
    before = snapshot(mini)
    r = cli("--repo", mini, "agenda", "attach", "2023-10-12", "2", sent)
    assert r.code == 1
    assert reason in r.err, r.err
    assert len(r.err.strip().splitlines()) == 1
    assert snapshot(mini) == before


def test_attach_refuses_a_file_over_the_limit_before_reading_it(mini, cli, tmp_path):
    _limit(mini, "papers:\n  max_size_mb: 1\n")
    sent = tmp_path / "big.pdf"
    sent.write_bytes(pdf_bytes("P", [A4]) + b"%" + b"x" * (1536 * 1024))
    r = cli("--repo", mini, "agenda", "attach", "2023-10-12", "2", sent)
    assert r.code == 1
    assert re.search(r"big\.pdf: file is 15\d\d KiB, over the 1024 KiB limit \(papers\.max_size_mb in cspkit\.yaml\)$",
                     r.err.strip()), r.err


def test_attach_never_replaces_a_paper_without_force_and_dry_run_writes_nothing(mini, cli, tmp_path):
    from conftest import snapshot

    sent = tmp_path / "report.docx"
    word_report(sent)
    before = snapshot(mini)
    r = cli("--repo", mini, "agenda", "attach", "2023-10-12", "2", sent, "--dry-run")
    assert r.code == 0, r.err
    assert "+  - kind: document\n+    source: papers/2023-10-12/report.docx" in r.out
    assert snapshot(mini) == before
    assert cli("--repo", mini, "agenda", "attach", "2023-10-12", "2", sent, "--title", "Youth ASB").code == 0
    r = cli("--repo", mini, "agenda", "attach", "2023-10-12", "2", sent)
    assert r.code == 1 and "records/papers/2023-10-12/report.docx already exists (use --force to replace it)" in r.err
    word_report(sent, title="Youth ASB Report, second version")
    r = cli("--repo", mini, "agenda", "attach", "2023-10-12", "2", sent, "--force")
    assert r.code == 0 and "Replaced papers/2023-10-12/report.docx" in r.out
    text = (mini / MEETING).read_text(encoding="utf-8")
    assert text.count("source: papers/2023-10-12/report.docx") == 1  # one entry, its new version
    assert (mini / "records/papers/2023-10-12/report.docx").read_bytes() == sent.read_bytes()


def test_attach_a_markdown_paper_copies_its_images_with_it(mini, cli, tmp_path):
    sent = tmp_path / "sent"
    (sent / "img").mkdir(parents=True)
    (sent / "img" / "chart.png").write_bytes(png_bytes())
    (sent / "update.md").write_text("# Update\n\n![Chart](img/chart.png)\n", encoding="utf-8")
    r = cli("--repo", mini, "agenda", "attach", "2023-10-12", "2", sent / "update.md", "--restricted")
    assert r.code == 0, r.err
    assert "Images copied with it: img/chart.png" in r.out
    assert (mini / "records/papers/2023-10-12/img/chart.png").read_bytes() == png_bytes()
    assert "    source: papers/2023-10-12/update.md\n    restricted: true\n" in (mini / MEETING).read_text(encoding="utf-8")
    assert cli("--repo", mini, "validate").code == 0


def test_attach_never_replaces_the_paper_of_another_item(mini, cli, tmp_path):
    sent = tmp_path / "report.pdf"
    sent.write_bytes(pdf_bytes("FIRST", [A4]))
    assert cli("--repo", mini, "agenda", "attach", "2023-10-12", "2", sent).code == 0
    sent.write_bytes(pdf_bytes("SECOND", [A4]))
    r = cli("--repo", mini, "agenda", "attach", "2023-10-12", "1", sent, "--force")
    assert r.code == 1
    assert "papers/2023-10-12/report.pdf is already the paper of item 2: give this file another name" in r.err
    assert b"FIRST" in (mini / "records/papers/2023-10-12/report.pdf").read_bytes()


def test_the_public_website_publishes_public_pdf_papers_as_sent_and_links_them(mini, cli, tmp_path):
    (tmp_path / "plan.pdf").write_bytes(pdf_bytes("PLAN", [A4, A4]))
    (tmp_path / "private.pdf").write_bytes(pdf_bytes("PRIVATE", [A4]))
    assert cli("--repo", mini, "agenda", "attach", "2023-10-12", "2", tmp_path / "plan.pdf").code == 0
    assert cli("--repo", mini, "agenda", "attach", "2023-10-12", "2", tmp_path / "private.pdf", "--restricted").code == 0
    r = cli("--repo", mini, "site", "build", "--no-pdf", "--as-of", "2023-10-12", "-o", tmp_path / "site")
    assert r.code == 0, r.err
    site = tmp_path / "site"
    assert (site / "meetings/2023-10-12/plan.pdf").read_bytes() == (tmp_path / "plan.pdf").read_bytes()
    page = next(p for p in site.rglob("*.html") if "2023-10-12/plan.pdf" in p.read_text(encoding="utf-8"))
    assert "private" not in page.read_text(encoding="utf-8").lower()
    assert not [p for p in site.rglob("*") if "private" in p.name]


def test_the_public_website_publishes_a_markdown_papers_images_beside_its_page(mini, cli, tmp_path):
    """A Markdown paper's page shows its images from copies beside it (a restricted paper's stay
    out), and a rebuild after an image changed publishes the new one."""
    (tmp_path / "briefing.md").write_text("# Briefing\n\nThe month by month picture.\n\n"
                                          "![Incidents by month](chart.png)\n", encoding="utf-8")
    (tmp_path / "chart.png").write_bytes(png_bytes())
    (tmp_path / "closed.md").write_text("# Closed\n\n![Names](secret.png)\n", encoding="utf-8")
    (tmp_path / "secret.png").write_bytes(png_bytes(colour=(200, 0, 0)))
    assert cli("--repo", mini, "agenda", "attach", "2023-10-12", "2", tmp_path / "briefing.md").code == 0
    assert cli("--repo", mini, "agenda", "attach", "2023-10-12", "2", tmp_path / "closed.md", "--restricted").code == 0
    build = ("--repo", mini, "site", "build", "--no-pdf", "--as-of", "2023-10-12", "-o", tmp_path / "site")
    r = cli(*build)
    assert r.code == 0, r.err
    site = tmp_path / "site"
    page = (site / "meetings/2023-10-12/briefing.html").read_text(encoding="utf-8")
    # its own heading is the page's title, printed once (as the pack prints it)
    main = page[page.index("<main"):page.index("</main>")]
    assert "<h1>Briefing</h1>" in main and main.count("Briefing") == 1
    image = re.search(r'<img src="([^"]+)" alt="Incidents by month"', page)
    assert image, "the image is shown, not its alt text"
    published = site / "meetings/2023-10-12" / image.group(1)
    assert published.read_bytes() == (tmp_path / "chart.png").read_bytes()
    assert not [p for p in site.rglob("*") if "secret" in p.name or "closed" in p.name]

    kept = next((mini / "records/papers/2023-10-12").glob("chart*.png"))
    kept.write_bytes(png_bytes(colour=(0, 120, 0)))
    r = cli(*build)
    assert r.code == 0, r.err
    assert published.read_bytes() == kept.read_bytes()


def test_a_markdown_papers_own_heading_stays_under_a_title_that_says_otherwise(mini, cli, tmp_path):
    """The pack's rule on the website too: a paper's opening heading is left out only where the
    page's title already says it."""
    (tmp_path / "month.md").write_text("# Incidents this month\n\nFewer than last month.\n", encoding="utf-8")
    assert cli("--repo", mini, "agenda", "attach", "2023-10-12", "2", tmp_path / "month.md",
               "--title", "Month report").code == 0
    r = cli("--repo", mini, "site", "build", "--no-pdf", "--as-of", "2023-10-12", "-o", tmp_path / "site")
    assert r.code == 0, r.err
    page = (tmp_path / "site/meetings/2023-10-12/month.html").read_text(encoding="utf-8")
    main = page[page.index("<main"):page.index("</main>")]
    assert "<h1>Month report</h1>" in main and "Incidents this month" in main


def test_the_public_website_shows_a_word_paper_on_a_page_of_its_own(mini, cli, tmp_path):
    word_report(tmp_path / "youth-asb.docx")
    assert cli("--repo", mini, "agenda", "attach", "2023-10-12", "2", tmp_path / "youth-asb.docx",
               "--title", "Youth ASB Report").code == 0
    r = cli("--repo", mini, "site", "build", "--no-pdf", "--as-of", "2023-10-12", "-o", tmp_path / "site")
    assert r.code == 0, r.err
    site = tmp_path / "site"
    page = (site / "meetings/2023-10-12/youth-asb.html").read_text(encoding="utf-8")
    assert "<h1>Youth ASB Report</h1>" in page  # the paper's title, as the agenda links it
    assert "<h2>Youth ASB in Charnwood</h2>" in page and "Fewer repeat callers" in page
    assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="Youth ASB incidents by month"', page)
    meeting = (site / "meetings/2023-10-12.html").read_text(encoding="utf-8")
    assert 'href="../meetings/2023-10-12/youth-asb.html"' in meeting
    found = [c for c in (site / "search").glob("*.js") if "repeat callers" in c.read_text(encoding="utf-8").lower()]
    assert found, "the report's words are searchable"
