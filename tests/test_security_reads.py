"""Reads stay inside the repository, and nothing hangs on a special file (issue 12, cases 1, 5, 9).

Every file a record or ``cspkit.yaml`` names (records, papers, the partnership's templates) is
read by one rule (:func:`cspkit.fileio.read_file`): resolved, inside the repository, a regular
file, size-bounded before anything is parsed, never blocking. What breaks the rule is a located
problem, exit 1: never a secret in an output, never a hang, never exit 3.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import COUNTY, copy_repo
from security_support import run_cspkit, texts_of

#: What a CI job keeps in its environment; a linked paper once put it in public packs.
SECRET = "ZQSECRETTOKEN4711"

COUNTY_PAPER = "records/papers/2024-03-22/asb-update.md"
COUNTY_SOURCE = "records/meetings/2024-03-22.yaml:60:13: agenda[7].papers[0].source"



def _summary(problems: int, files: int, checked: int) -> str:
    return f"{problems} problem{'s' if problems != 1 else ''} in {files} file{'s' if files != 1 else ''} " \
           f"({checked} checked)"


# --------------------------------------------------------------------------- links out of the repository


def test_a_paper_linked_to_the_process_environment_reaches_no_output(tmp_path):
    """Case 1: ``ln -sf /proc/self/environ records/papers/…/asb-update.md`` in a county copy."""
    root = copy_repo(COUNTY, tmp_path / "county")
    paper = root / COUNTY_PAPER
    paper.unlink()
    paper.symlink_to("/proc/self/environ")
    env = {"CI_DEPLOY_TOKEN": SECRET}
    problem = f"{COUNTY_SOURCE}: paper file {COUNTY_PAPER}: a symbolic link to outside the repository"

    r = run_cspkit("validate", cwd=root, env=env)
    assert (r.code, r.out, r.err) == (1, f"{problem}\n{_summary(1, 1, 18)}\n", "")

    out = tmp_path / "out"
    for audience in ("public", "partners"):
        r = run_cspkit("render", "pack", "2024-03-22", "-f", "md,html,pdf", "--audience", audience, "-o", out,
                       cwd=root, env=env)
        assert (r.code, r.out, r.err) == (1, "", f"{problem}\n"), audience
        assert SECRET not in r.out + r.err
    written = texts_of(out) if out.exists() else {}
    assert not [name for name, text in written.items() if SECRET in text]


def test_a_record_linked_outside_the_repository_is_refused_unread(mini, tmp_path):
    """A record file linked to a file outside (``/etc/passwd``): refused, and never quoted."""
    outside = tmp_path / "passwd"
    outside.write_text(f"root:x:0:0:{SECRET}:/root:/bin/bash\n", encoding="utf-8")
    psa = mini / "records/psa/2023.yaml"
    psa.unlink()
    psa.symlink_to(outside)

    r = run_cspkit("validate", cwd=mini)
    assert (r.code, r.out, r.err) == (
        1, f"records/psa/2023.yaml: a symbolic link to outside the repository\n{_summary(1, 1, 10)}\n", "")
    r = run_cspkit("fmt", "--check", cwd=mini)
    assert r.code == 1 and "records/psa/2023.yaml: a symbolic link to outside the repository\n" in r.err
    assert "could not be read" in r.err and "all files are in the canonical layout" not in r.err
    assert SECRET not in r.out + r.err


@pytest.mark.parametrize("cache", ["0", "1"])
@pytest.mark.parametrize("how", ["dotdot", "linked-folder"])
def test_the_records_folder_must_be_inside_the_repository(mini, tmp_path, how, cache):
    """``records_dir: ..`` once validated and made cspkit walk the parent folder (with the cache
    on, its walk of the records takes no path with a link or ``..`` in it)."""
    config = mini / "cspkit.yaml"
    if how == "dotdot":
        config.write_text("records_dir: ..\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
        expected = ("cspkit.yaml:1:14: records_dir: not a folder of this repository: name one folder (letters, "
                    "digits, '-', '_', '.'; not '..' and not starting with '.') (got '..')")
        checked = 10  # the records folder it would otherwise use is read, nothing above the repository
    else:
        outside = tmp_path / "elsewhere"
        shutil.move(mini / "records", outside)
        (mini / "records").symlink_to(outside)
        expected = ("cspkit.yaml:2:1: the records folder records/ is a link to outside the repository; records are "
                    "read only from inside it")
        checked = 1
    for _ in range(2):  # with the cache on, the second run could take the first one's report
        r = run_cspkit("validate", cwd=mini, env={"CSPKIT_CACHE": cache})
        assert (r.code, r.out, r.err) == (1, f"{expected}\n{_summary(1, 1, checked)}\n", "")


# --------------------------------------------------------------------------- special files


@pytest.mark.parametrize("kind", ["fifo-record", "dev-zero-record", "fifo-paper", "fifo-template"])
def test_a_special_file_is_refused_without_hanging(mini, kind):
    """Case 5: a FIFO named like a record hung validate; a link to /dev/zero was read without end."""
    if kind == "fifo-record":
        os.mkfifo(mini / "records/psa/2024.yaml")
        args, expected = ("validate",), ("records/psa/2024.yaml: not a regular file (a pipe, device or socket is "
                                         f"never read)\n{_summary(1, 1, 11)}\n", "")
    elif kind == "dev-zero-record":
        (mini / "records/psa/2024.yaml").symlink_to("/dev/zero")
        args, expected = ("validate",), ("records/psa/2024.yaml: a symbolic link to outside the repository\n"
                                         f"{_summary(1, 1, 11)}\n", "")
    elif kind == "fifo-paper":
        _add_paper(mini)
        os.mkfifo(mini / "records/papers/report.md")
        args, expected = ("validate",), (
            "records/meetings/2023-10-12.yaml:21:13: agenda[2].papers[0].source: paper file "
            "records/papers/report.md: not a regular file (a pipe, device or socket is never read)\n"
            f"{_summary(1, 1, 10)}\n", "")
    else:
        (mini / "templates").mkdir()
        os.mkfifo(mini / "templates/pack.md.j2")
        args = ("render", "pack", "2023-10-12", "-f", "md", "-o", mini / "build")
        expected = ("", "templates/pack.md.j2: not a regular file (a pipe, device or socket is never read)\n")
    r = run_cspkit(*args, cwd=mini, timeout=30)
    assert (r.code, r.out, r.err) == (1, *expected)
    assert r.max_rss_kib < 200 * 1024


@pytest.mark.parametrize("size", [300 * 1024 * 1024, 4 * 1024 * 1024 * 1024])
def test_an_oversized_record_is_refused_before_it_is_read_with_the_cache_on(mini, tmp_path, size):
    """Case 5: with the cache on, a 300 MB file was read whole (340 MB of memory); 4 GB was exit 3."""
    with open(mini / "records/psa/2024.yaml", "wb") as fh:
        fh.truncate(size)  # sparse: no disk space used
    r = run_cspkit("validate", cwd=mini, env={"CSPKIT_CACHE": "1", "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert 0 < r.max_rss_kib < 150 * 1024, f"{r.max_rss_kib} KiB"
    shown = f"{size // 1024} KiB"
    assert (r.code, r.out, r.err) == (
        1, f"records/psa/2024.yaml: file is {shown}, over the 2048 KiB limit for a record\n{_summary(1, 1, 11)}\n",
        "")


# --------------------------------------------------------------------------- exit 3 that were user errors


def test_a_symbolic_link_loop_is_a_located_problem(mini):
    """Case 9: a link loop made Path.resolve raise (exit 3)."""
    (mini / "records/psa/2024.yaml").symlink_to("2025.yaml")
    (mini / "records/psa/2025.yaml").symlink_to("2024.yaml")
    loop = "records/psa/2024.yaml: a symbolic link loop\nrecords/psa/2025.yaml: a symbolic link loop\n"
    r = run_cspkit("validate", cwd=mini)
    assert (r.code, r.out, r.err) == (1, f"{loop}{_summary(2, 2, 12)}\n", "")
    r = run_cspkit("fmt", "--check", "records/psa", cwd=mini)
    assert (r.code, r.out, r.err) == (1, "records/psa/2023.yaml\n",
                                      f"1 file would be reformatted, 2 files could not be read (3 checked)\n{loop}")
    r = run_cspkit("render", "pack", "2023-10-12", "-f", "md", "-o", mini / "build", cwd=mini)
    assert (r.code, r.out, r.err) == (1, "", loop)


def _add_paper(root: Path, text: bytes | None = None) -> Path:
    meeting = root / "records/meetings/2023-10-12.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8") + "- number: 3\n  title: A report\n  papers:\n"
                       "  - kind: document\n    source: papers/report.md\n", encoding="utf-8")
    paper = root / "records/papers/report.md"
    paper.parent.mkdir(parents=True, exist_ok=True)
    if text is not None:
        paper.write_bytes(text)
    return paper


def test_a_paper_that_is_not_utf8_is_reported_and_never_crashes_render(mini):
    """Case 9: validate passed, render crashed (UnicodeDecodeError, exit 3)."""
    _add_paper(mini, b"# Report\n\nCaf\xe9 opening hours\n")
    problem = ("records/meetings/2023-10-12.yaml:21:13: agenda[2].papers[0].source: paper file "
               "records/papers/report.md: not UTF-8 text (byte 0xe9 on line 3); save it as UTF-8")
    r = run_cspkit("validate", cwd=mini)
    assert (r.code, r.out, r.err) == (1, f"{problem}\n{_summary(1, 1, 10)}\n", "")
    r = run_cspkit("render", "pack", "2023-10-12", "-f", "md", "-o", mini / "build", cwd=mini)
    assert (r.code, r.out, r.err) == (1, "", f"{problem}\n")


@pytest.mark.parametrize("template, message", [
    ("A pack\n{% if %}\n", "templates/pack.md.j2:2: template syntax error: Expected an expression, got 'end of "
                           "statement block'"),
    ("A pack\n\n{{ meeting.date }} {{ no_such_thing }}\n", "templates/pack.md.j2:3: 'no_such_thing' is undefined"),
    ("A pack {{ cfg.__class__.__mro__ }}\n", "templates/pack.md.j2:1: not allowed in a template: access to "
                                              "attribute '__class__' of 'Config' object is unsafe."),
    ("{% include 'partials/mine.md.j2' %}\n", "templates/partials/mine.md.j2:2: 'x' is undefined"),
    ("LINK", "templates/pack.md.j2: a symbolic link to outside the repository"),
], ids=["syntax", "undefined", "sandbox", "included", "link"])
def test_a_mistake_in_the_partnerships_templates_names_the_template_and_line(mini, tmp_path, template, message):
    """Case 9: any error in the partnership's own templates was exit 3."""
    folder = mini / "templates"
    (folder / "partials").mkdir(parents=True)
    (folder / "partials/mine.md.j2").write_text("mine\n{{ x }}\n", encoding="utf-8")
    if template == "LINK":
        outside = tmp_path / "environ.j2"
        outside.write_text(SECRET, encoding="utf-8")
        (folder / "pack.md.j2").symlink_to(outside)
    else:
        (folder / "pack.md.j2").write_text(template, encoding="utf-8")
    r = run_cspkit("render", "pack", "2023-10-12", "-f", "md", "-o", mini / "build", cwd=mini)
    assert (r.code, r.out, r.err) == (1, "", f"{message}\n")
    assert not (mini / "build" / "2023-10-12-agenda-pack.md").exists()
