"""cspkit fmt: a reviewer's diff shows what changed, never how someone happened to type it.

The stories: the embedded records are already canonical; a clerk who wrote keys in any
order, flow lists and odd quotes runs ``cspkit fmt`` once and gets the canonical file with
every comment still there; a second run changes nothing; CI's ``--check`` names the files
that need it and fails.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from conftest import trials
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cspkit.models import Meeting, People
from cspkit.yaml import read as yamlio
from cspkit.yaml.layout import format_text, needs_quotes

ROOT = Path(__file__).resolve().parent.parent
COUNTY = ROOT / "examples" / "county-board"


@pytest.fixture(autouse=True)
def _no_repo_from_env(monkeypatch):
    monkeypatch.delenv("CSPKIT_REPO", raising=False)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


SCRAMBLED = """\
# The July meeting, typed by hand.
status: held   # the meeting went ahead
venue: "Committee Room 1"
date: 2023-07-13
start: 10:00
end: '11:30'
chair: alice-smith
attendance:
  apologies: [{person: eve-black}]
  present:
  # the chair first
  - {role: chair, person: alice-smith}
  - person: bob-jones
agenda:
- title: Apologies
  number: 1
  leads: [chair]   # a role, not a person
  kind: procedural
- kind: report
  # purpose comes from the report's front sheet
  purpose: 'To receive an update.'
  title: Anti-social Behaviour Update
  number: 3
  leads: [carol-white]
minutes:
  items:
  - title: Anti-social Behaviour Update
    item: 3
    body:
    - points:
      - |
        Reports had fallen since May. # not a comment: part of the text
        Patrols would continue.
  state: draft


# end of file
"""

CANONICAL = """\
# yaml-language-server: $schema=../../schemas/meeting.schema.json
# The July meeting, typed by hand.
date: 2023-07-13
status: held  # the meeting went ahead
start: '10:00'
end: '11:30'
venue: Committee Room 1
chair: alice-smith
attendance:
  present:
  # the chair first
  - person: alice-smith
    role: chair
  - person: bob-jones
  apologies:
  - person: eve-black
agenda:
- number: 1
  title: Apologies
  leads:
  - chair  # a role, not a person
  kind: procedural
- number: 3
  title: Anti-social Behaviour Update
  leads:
  - carol-white
  # purpose comes from the report's front sheet
  purpose: To receive an update.
  kind: report
minutes:
  state: draft
  items:
  - item: 3
    title: Anti-social Behaviour Update
    body:
    - points:
      - |
        Reports had fallen since May. # not a comment: part of the text
        Patrols would continue.

# end of file
"""


# --------------------------------------------------------------------------- the embedded records


def test_embedded_records_and_examples_are_canonical(cli):
    paths = [ROOT / "cspkit.yaml", ROOT / "records", ROOT / "examples"]
    r = cli("fmt", "--check", *paths)
    assert r.code == 0, f"not canonical (run cspkit fmt on them):\n{r.out}{r.err}"
    assert r.out == ""


# --------------------------------------------------------------------------- one file, by hand


def test_a_scrambled_meeting_comes_out_canonical_with_its_comments(mini, cli):
    path = _write(mini / "records" / "meetings" / "2023-07-13.yaml", SCRAMBLED)
    before = yamlio.parse(SCRAMBLED)

    r = cli("--repo", mini, "fmt", path)

    assert r.code == 0, r.err
    assert path.read_text(encoding="utf-8") == CANONICAL
    assert yamlio.parse(CANONICAL) == before  # same data, only the layout changed
    assert "1 file reformatted (1 checked)" in r.err


def test_fmt_twice_changes_nothing_the_second_time(mini, cli):
    first = cli("--repo", mini, "fmt")
    assert first.code == 0, first.err
    assert len(first.out.splitlines()) == 10  # every file of the fixture gains at least its schema line
    after_first = {p: p.read_bytes() for p in sorted((mini / "records").rglob("*.yaml"))}

    second = cli("--repo", mini, "fmt")
    assert second.code == 0
    assert second.out == ""
    assert "nothing to change (10 checked)" in second.err
    assert {p: p.read_bytes() for p in sorted((mini / "records").rglob("*.yaml"))} == after_first
    assert cli("--repo", mini, "fmt", "--check").code == 0
    assert cli("--repo", mini, "validate").code == 0


def test_keys_follow_the_model_all_the_way_down(tmp_path):
    text = """\
people:
- member: true
  name: Robert Jones
  aliases: [Bob Jones]
  id: bob-jones
  title: Inspector
"""
    assert format_text(text, People) == """\
people:
- id: bob-jones
  name: Robert Jones
  title: Inspector
  aliases:
  - Bob Jones
  member: true
"""


def test_unknown_keys_keep_their_place_after_the_known_ones():
    text = "venu: Room 2\nstatus: held\ndate: 2023-07-13\n"
    assert format_text(text, Meeting) == "date: 2023-07-13\nstatus: held\nvenu: Room 2\n"


def test_comments_move_with_their_key():
    text = """\
# header
status: held  # eol on status
# about the date
date: 2023-07-13
"""
    assert format_text(text, Meeting) == """\
# header
# about the date
date: 2023-07-13
status: held  # eol on status
"""


@pytest.mark.parametrize(("written", "canonical"), [
    ("start: 10:00\n", "start: '10:00'\n"),             # a YAML 1.1 reader sees 600
    ("start: '10:00'\n", "start: '10:00'\n"),
    ('venue: "Committee Room 1"\n', "venue: Committee Room 1\n"),
    ("venue: 'no'\n", "venue: 'no'\n"),                  # a YAML 1.1 boolean
    ("venue: no\n", "venue: 'no'\n"),
    ("venue: '2023-07-13'\n", "venue: '2023-07-13'\n"),  # a string that looks like a date
    ("venue: \"it's: here\"\n", "venue: \"it's: here\"\n"),
    ("venue: 'Room: 2'\n", "venue: 'Room: 2'\n"),
    ("venue: ''\n", "venue: ''\n"),
    ("venue:\n", "venue:\n"),
    ("note: >\n  folded\n  text\n", "note: |\n  folded text\n"),
    ("note: \"two\\nlines\"\n", "note: |-\n  two\n  lines\n"),
])
def test_strings_are_quoted_only_where_needed(written, canonical):
    assert format_text(written) == canonical


def test_figures_keep_the_precision_they_were_written_with():
    text = "indicators:\n- readings:\n  - previous: 73.20\n    value: 69.7\n    quarter: Q1\n  id: x\n  name: X\n"
    out = format_text(text)
    assert "previous: 73.20" in out
    assert format_text(out) == out


def test_flow_collections_become_block_style():
    assert format_text("a: {b: [1, 2], c: []}\n") == "a:\n  b:\n  - 1\n  - 2\n  c: []\n"


def test_exactly_one_trailing_newline():
    assert format_text("date: 2023-07-13\n\n\n\n") == "date: 2023-07-13\n"
    assert format_text("date: 2023-07-13") == "date: 2023-07-13\n"


def test_the_schema_line_is_added_or_corrected(mini, cli):
    update = mini / "records" / "updates" / "2023-10-12" / "mini-police.yaml"
    text = update.read_text(encoding="utf-8")
    update.write_text("# yaml-language-server: $schema=wrong.json\n" + text, encoding="utf-8")
    assert cli("--repo", mini, "fmt").code == 0
    assert update.read_text(encoding="utf-8").splitlines()[0] == (
        "# yaml-language-server: $schema=../../../schemas/partner-update.schema.json")
    assert (mini / "cspkit.yaml").read_text(encoding="utf-8").splitlines()[0] == (
        "# yaml-language-server: $schema=schemas/config.schema.json")
    assert (mini / "records" / "people.yaml").read_text(encoding="utf-8").splitlines()[0] == (
        "# yaml-language-server: $schema=../schemas/people.schema.json")


# --------------------------------------------------------------------------- --check and errors


def test_check_lists_the_files_that_would_change_and_exits_1(mini, cli):
    assert cli("--repo", mini, "fmt").code == 0
    meeting = mini / "records" / "meetings" / "2023-10-12.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace("- chair\n", "- chair\n\n\n"),
                       encoding="utf-8")
    people = mini / "records" / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("  name: Robert Jones\n  title: Inspector\n",
                                                                 "  title: Inspector\n  name: Robert Jones\n"),
                      encoding="utf-8")
    before = (meeting.read_bytes(), people.read_bytes())

    r = cli("--repo", mini, "fmt", "--check")

    assert r.code == 1
    assert sorted(Path(line).name for line in r.out.splitlines()) == ["2023-10-12.yaml", "people.yaml"]
    assert "2 files would be reformatted (10 checked)" in r.err
    assert (meeting.read_bytes(), people.read_bytes()) == before  # --check writes nothing


def test_check_on_a_canonical_repository_exits_0(tmp_path, cli):
    target = tmp_path / "new"
    assert cli("init", target, "--first-meeting", "2024-03-14").code == 0
    r = cli("--repo", target, "fmt", "--check")
    assert r.code == 0, r.out
    assert r.out == ""
    assert "all files are in the canonical layout" in r.err


def test_a_file_that_does_not_parse_is_a_located_error(mini, cli, monkeypatch):
    monkeypatch.chdir(mini)
    _write(mini / "records" / "psa" / "2023.yaml", "year: 2023\ntitle: [oops\nrecommendations: []\n")
    r = cli("fmt")
    assert r.code == 1
    assert "records/psa/2023.yaml:2:8: YAML syntax:" in r.err
    assert (mini / "records" / "people.yaml").read_text(encoding="utf-8").startswith("# yaml-language-server")


def test_a_file_that_is_not_a_record_is_refused(mini, cli):
    stray = _write(mini / "records" / "notes.yaml", "a: 1\n")
    r = cli("fmt", stray)
    assert r.code == 1
    assert "not a record file" in r.err
    assert stray.read_text(encoding="utf-8") == "a: 1\n"


def test_a_folder_with_repositories_inside_formats_each(tmp_path, cli, mini):
    examples = tmp_path / "examples"
    examples.mkdir()
    mini.rename(examples / "one")
    assert cli("init", examples / "two", "--first-meeting", "2024-03-14").code == 0

    r = cli("fmt", "--check", examples)

    assert r.code == 1
    assert len(r.out.splitlines()) == 10  # the mini copy; the new repository is canonical
    assert "(15 checked)" in r.err


# --------------------------------------------------------------------------- property: never changes the data

_text = st.text(alphabet=string.printable + "é’–£", max_size=40)


@settings(max_examples=trials(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=_text, role=_text, aliases=st.lists(_text, max_size=3))
def test_any_text_reads_back_the_same_and_fmt_is_idempotent(name, role, aliases):
    import json

    import yaml

    data = {"people": [{"role": role, "name": name, "aliases": aliases, "id": "x"}]}
    text = json.dumps(data, ensure_ascii=False)  # JSON is YAML: every value a quoted string
    assert yamlio.parse(text) == data
    once = format_text(text, People)
    assert yamlio.parse(once) == data
    assert yaml.safe_load(once) == data  # a YAML 1.1 reader agrees
    assert format_text(once, People) == once


@pytest.mark.parametrize("text", ["10:00", "yes", "No", "on", "~", "null", "1_000", "0x1F", "012", "1e3",
                                  "2023-07-13", ".5", "<<", "="])
def test_needs_quotes_under_either_yaml_version(text):
    assert needs_quotes(text)


@pytest.mark.parametrize("text", ["chair", "2023-10", "2023-26", "2023-07-13/3.1", "8a", "n/a", "Q1"])
def test_plain_where_both_yaml_versions_agree(text):
    assert not needs_quotes(text)
