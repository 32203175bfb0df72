"""The minutes model: a body in document order, the rewrite of the old layout, and what a diff says.

Minutes written before they had a body (intro, points, sub_items, decisions) are refused by
validate with the command that rewrites them, and ``cspkit fmt --migrate`` rewrites them:
every word kept, comments kept, sub-items first, decisions without their "That" and final
full stop, and a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from cspkit.session import open_repo

OLD_MINUTES = """\
minutes:
  state: draft
  ended: '11:25'
  items:
  - item: 1
    title: Apologies
    intro: |-
      Apologies were received from Eve Black.

      The Chair welcomed Carol White.
  - item: 3
    title: Anti-social Behaviour Update
    intro: 'The discussion is summarised below:'  # the clerk's own note
    points:
    - Reports of anti-social behaviour in the town centre had fallen since May.
    - Patrols would continue over the summer.
    sub_items:
    - number: 3a
      title: Town centre
    - number: 3b
      title: Parks
      points:
      - Two new cameras were installed.
    decisions:
    - text: That a town centre patrol plan be brought to the next meeting.
      owners: [bob-jones]
      due: 2023-10-12
      action: 2023-07-13/3.1
"""

NEW_MINUTES = """\
minutes:
  state: draft
  ended: '11:25'
  items:
  - item: 1
    title: Apologies
    body:
    - text: Apologies were received from Eve Black.
    - text: The Chair welcomed Carol White.
  - item: 3
    title: Anti-social Behaviour Update
    body:
    - heading: Town centre
      number: 3a
    - text: 'The discussion is summarised below:'  # the clerk's own note
    - points:
      - Reports of anti-social behaviour in the town centre had fallen since May.
      - Patrols would continue over the summer.
    - heading: Parks
      number: 3b
    - points:
      - Two new cameras were installed.
    - decisions:
      - text: a town centre patrol plan be brought to the next meeting
        owners:
        - bob-jones
        due: 2023-10-12
        action: 2023-07-13/3.1
"""


@pytest.fixture
def old_layout(mini: Path) -> Path:
    july = mini / "records" / "meetings" / "2023-07-13.yaml"
    text = july.read_text(encoding="utf-8")
    july.write_text(text[:text.index("minutes:\n")] + OLD_MINUTES, encoding="utf-8")
    agenda = "  - kind: forward-programme\n"
    # item 3 gets the sub-items the old minute names
    july.write_text(july.read_text(encoding="utf-8").replace(
        "  purpose: To receive an update on anti-social behaviour in the town centre.\n",
        "  purpose: To receive an update on anti-social behaviour in the town centre.\n  sub_items:\n"
        "  - number: 3a\n    title: Town centre\n  - number: 3b\n    title: Parks\n"), encoding="utf-8")
    assert agenda in july.read_text(encoding="utf-8")
    return mini


def test_validate_names_the_command_that_rewrites_the_old_layout(old_layout, cli):
    r = cli("--repo", old_layout, "validate")
    assert r.code == 1
    assert ("records/meetings/2023-07-13.yaml:52:5: minutes.items[0]: this minute is in the layout before minutes "
            "had a body (intro): run 'cspkit fmt --migrate' to rewrite it") in r.out.splitlines()


def test_fmt_migrate_rewrites_the_minutes_keeping_every_word_and_comment(old_layout, cli):
    july = old_layout / "records" / "meetings" / "2023-07-13.yaml"
    r = cli("--repo", old_layout, "fmt", "--check", "--migrate")
    assert r.code == 1 and "records/meetings/2023-07-13.yaml" in r.out
    r = cli("--repo", old_layout, "fmt", "--migrate")
    assert r.code == 0, r.err
    text = july.read_text(encoding="utf-8")
    assert text[text.index("minutes:\n"):] == NEW_MINUTES
    assert cli("--repo", old_layout, "validate").code == 0
    assert cli("--repo", old_layout, "fmt", "--check", "--migrate").code == 0  # nothing left to do
    minute = open_repo(old_layout).meetings[dt.date(2023, 7, 13)].minutes.items[1]
    assert [p.kind for p in minute.body] == ["heading", "text", "points", "heading", "points", "decisions"]


def test_fmt_without_migrate_leaves_the_old_layout_alone(old_layout, cli):
    july = old_layout / "records" / "meetings" / "2023-07-13.yaml"
    cli("--repo", old_layout, "fmt")
    assert "intro:" in july.read_text(encoding="utf-8")


def test_the_records_and_examples_are_in_the_body_layout(cli):
    from conftest import CHARNWOOD, COUNTY

    for root in (CHARNWOOD, COUNTY):
        r = cli("fmt", "--check", "--migrate", root / "records" / "meetings")
        assert r.code == 0, r.out


@pytest.mark.parametrize("body, message", [
    ([{"text": "A.", "points": ["B."]}], "holds one of text, heading, points, bullets, decisions or upcoming, "
                                         "not text and points"),
    ([{}], "not none of them"),
    ([{"points": ["A."]}, {"bullets": ["b"]}], "a bullet list straight after numbered points belongs to the last point"),
    ([{"points": ["A."]}, {"points": ["B."]}], "two lists of points in a row are one list: join them"),
    ([{"text": "A.", "number": "3a"}], "number goes with a heading"),
    ([{"text": "A.", "word": "NOTED"}], "word goes with decisions"),
    ([{"bullets": []}], "bullets is empty"),
])
def test_a_minute_body_says_what_is_wrong_with_it(body, message):
    from pydantic import ValidationError

    from cspkit.models.meeting import MinuteItem

    with pytest.raises(ValidationError) as exc:
        MinuteItem.model_validate({"title": "Item", "body": body})
    assert message in str(exc.value)


def test_a_point_is_its_text_or_its_text_and_bullets():
    from cspkit.models.meeting import MinutePart

    part = MinutePart.model_validate({"points": ["Plain.", {"text": "Listed:", "bullets": ["one", "two"]}]})
    assert [(p.text, p.bullets) for p in part.points] == [("Plain.", []), ("Listed:", ["one", "two"])]


# --------------------------------------------------------------------------- the minutes in a diff


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Clerk", "-c", "user.email=clerk@example.org", "-c",
                    "commit.gpgsign=false", *args], cwd=repo, capture_output=True, text=True, check=True)


def test_a_diff_says_what_changed_in_each_minute(mini, cli, tmp_path):
    git(mini, "init", "-q", "-b", "main")
    git(mini, "add", "-A")
    git(mini, "commit", "-q", "-m", "July")
    doc = tmp_path / "july.md"
    assert cli("--repo", mini, "minutes", "export", "2023-07-13", "--format", "md", "-o", doc).code == 0
    text = doc.read_text(encoding="utf-8")
    text = text.replace("- Patrols would continue over the summer.\n",
                        "- Patrols would continue over the summer.\n- Two new cameras were installed.\n")
    text = text.replace("ii. Patrols would continue over the summer.",
                        "ii. Patrols would continue over the summer.\n\niii. Two new cameras were installed.")
    assert "(Action: Robert Jones, by " in text
    text = text.replace("(Action: Robert Jones, by ", "(Action: Carol White, by ")
    doc.write_text(text, encoding="utf-8")
    assert cli("--repo", mini, "minutes", "import", "2023-07-13", doc).code == 0
    r = cli("--repo", mini, "diff", "main")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert any(ln.startswith("  2023-07-13: minutes imported from july.md (SHA-256 ") for ln in lines), r.out
    assert "  2023-07-13: item 3: 1 point added" in lines, r.out
    assert ("  2023-07-13: decision owners (item 3: a town centre patrol plan be brought to the next meeting): "
            "bob-jones → carol-white") in lines, r.out
