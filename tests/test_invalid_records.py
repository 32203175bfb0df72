"""The invalid-records corpus: each folder in tests/invalid/ breaks the mini repository one way.

A case folder holds files to lay over a copy of tests/fixtures/mini/ (same relative paths; a
folder in the case replaces a file of that name), an optional ``delete.txt`` of paths to
remove, and what ``cspkit validate`` must print: ``expected.txt`` (lines that must appear
verbatim in stdout, including the summary line, so a case also pins the number of problems)
and/or ``expected-stderr.txt`` (lines for stderr; ``{repo}`` stands for the repository path).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
MINI = TESTS / "fixtures" / "mini"
INVALID = TESTS / "invalid"

CONTROL_FILES = {"expected.txt", "expected-stderr.txt", "delete.txt"}
CASES = sorted(p.name for p in INVALID.iterdir() if p.is_dir())


def build_case(case: Path, dest: Path) -> Path:
    """A copy of the mini repository with ``case`` laid over it."""
    shutil.copytree(MINI, dest)
    for src in sorted(case.rglob("*")):
        rel = src.relative_to(case)
        if rel.as_posix() in CONTROL_FILES:
            continue
        target = dest / rel
        if src.is_dir():
            if target.is_file():
                target.unlink()
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
    delete = case / "delete.txt"
    if delete.exists():
        for line in delete.read_text(encoding="utf-8").splitlines():
            if line.strip():
                victim = dest / line.strip()
                assert victim.exists(), f"{case.name}/delete.txt: {line} is not in the mini repository"
                shutil.rmtree(victim) if victim.is_dir() else victim.unlink()
    return dest


def expected_lines(case: Path, name: str, repo: Path) -> list[str]:
    path = case / name
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8").replace("{repo}", str(repo.resolve()))
    return [line for line in text.splitlines() if line.strip()]


def test_corpus_is_big_enough():
    assert len(CASES) >= 40


def test_mini_fixture_validates_clean(cli):
    r = cli("--repo", MINI, "validate")
    assert r.code == 0, r.out + r.err
    assert r.out.strip().endswith("files checked, no problems")
    assert r.err == ""


@pytest.mark.parametrize("name", CASES)
def test_invalid_case(name, tmp_path, cli):
    case = INVALID / name
    repo = build_case(case, tmp_path / "repo")
    want_out = expected_lines(case, "expected.txt", repo)
    want_err = expected_lines(case, "expected-stderr.txt", repo)
    assert want_out or want_err, f"{name}: no expected.txt or expected-stderr.txt"

    r = cli("--repo", repo, "validate")

    assert r.code == 1, f"exit {r.code}\nstdout:\n{r.out}\nstderr:\n{r.err}"
    out_lines, err_lines = r.out.splitlines(), r.err.splitlines()
    for line in want_out:
        assert line in out_lines, f"missing from stdout: {line}\nstdout was:\n{r.out}"
    for line in want_err:
        assert line in err_lines, f"missing from stderr: {line}\nstderr was:\n{r.err}"
    assert "Traceback" not in r.out + r.err
    assert "internal error" not in r.err


# --------------------------------------------------------------------------- accepted variants
# What looks suspicious but is fine; each must validate clean.


def _validate_clean(cli, repo: Path) -> None:
    r = cli("--repo", repo, "validate")
    assert r.code == 0, r.out + r.err
    assert "no problems" in r.out


def test_byte_order_mark_is_accepted(mini, cli):
    people = mini / "records" / "people.yaml"
    people.write_bytes(b"\xef\xbb\xbf" + people.read_bytes())
    _validate_clean(cli, mini)


def test_crlf_line_endings_are_accepted(mini, cli):
    meeting = mini / "records" / "meetings" / "2023-07-13.yaml"
    meeting.write_bytes(meeting.read_bytes().replace(b"\n", b"\r\n"))
    _validate_clean(cli, mini)


def test_yaml_12_words_stay_strings(mini, cli):
    """``no``, ``off`` and ``10:30`` are text under YAML 1.2, so a string field accepts them."""
    meeting = mini / "records" / "meetings" / "2023-10-12.yaml"
    text = meeting.read_text(encoding="utf-8")
    text = text.replace("  title: Partner Updates\n", "  title: no\n")
    text = text.replace("status: scheduled\n", "status: scheduled\nvenue: off\nnote: 10:30\n")
    meeting.write_text(text, encoding="utf-8")
    _validate_clean(cli, mini)

    from cspkit.session import open_repo

    repo = open_repo(mini)
    m = repo.meetings[__import__("datetime").date(2023, 10, 12)]
    assert m.agenda[1].title == "no"
    assert m.venue == "off"
    assert m.note == "10:30"


def test_unquoted_time_is_read_as_text_not_sexagesimal(mini, cli):
    meeting = mini / "records" / "meetings" / "2023-10-12.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace("start: '10:00'", "start: 10:00"),
                       encoding="utf-8")
    _validate_clean(cli, mini)


def test_hidden_files_are_ignored(mini, cli):
    (mini / "records" / "meetings" / ".2023-07-13.yaml.swp.yaml").write_text("not: [valid\n", encoding="utf-8")
    (mini / "records" / ".drafts").mkdir()
    (mini / "records" / ".drafts" / "x.yaml").write_text("- a list\n", encoding="utf-8")
    _validate_clean(cli, mini)


def test_yes_is_not_a_boolean(mini, cli):
    meeting = mini / "records" / "meetings" / "2023-07-13.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace(
        "  - person: bob-jones\n", "  - person: bob-jones\n    remote: yes\n"), encoding="utf-8")
    r = cli("--repo", mini, "validate")
    assert r.code == 1
    assert "records/meetings/2023-07-13.yaml:13:13: attendance.present[1].remote: Input should be a valid " \
           "boolean (got 'yes'); write true or false" in r.out.splitlines(), r.out
