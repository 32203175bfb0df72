"""Exported minutes import as the same minutes: every set in the records, and generated ones.

A clerk corrects minutes by exporting them, editing the document and importing it again; a
round trip with no edit must therefore change nothing. Checked for every set of minutes in
records/ and examples/ through the command line, in Word and in Markdown, and by Hypothesis
over generated minutes in both bodies' conventions (in memory: the export's blocks, written
as Word or Markdown and read back, without a repository on disk).
"""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from pathlib import Path

import pytest
from conftest import CHARNWOOD, COUNTY, copy_repo, trials
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cspkit.session import open_repo


def _all_minutes() -> list[tuple[str, Path, dt.date]]:
    """Every set of minutes kept in the records (not those kept elsewhere)."""
    out = []
    for name, root in (("charnwood", CHARNWOOD), ("county", COUNTY)):
        repo = open_repo(root)
        out += [(name, root, m.date) for m in repo.meeting_list() if m.minutes is not None and m.minutes.items]
    return out


def _unapprove(root: Path, day: dt.date) -> None:
    """Approved minutes are never replaced: for the round trip, take the copy's back to circulated."""
    path = root / "records" / "meetings" / f"{day}.yaml"
    text = path.read_text(encoding="utf-8")
    if "  state: approved\n" in text:
        lines = [ln for ln in text.splitlines(keepends=True) if not ln.startswith("  approved_at: ")]
        path.write_text("".join(lines).replace("  state: approved\n", "  state: circulated\n"), encoding="utf-8")


MINUTES = _all_minutes()


def _attendance_as_printed(repo, meeting) -> list[tuple[str, str, str]]:
    from cspkit.minutes.to_blocks import ATTENDANCE_GROUPS, BlockWriter

    writer = BlockWriter(repo)
    return [(g, *writer.attendee_row(a)) for g, _ in ATTENDANCE_GROUPS for a in getattr(meeting.attendance, g)]


@pytest.mark.parametrize("fmt", ["docx", "md"])
@pytest.mark.parametrize("body,root,day", MINUTES, ids=[f"{b}-{d}" for b, _, d in MINUTES])
def test_every_recorded_set_of_minutes_survives_export_and_import(body, root, day, fmt, tmp_path, cli):
    repo_root = copy_repo(root, tmp_path / body)
    document = tmp_path / f"minutes.{fmt}"
    assert cli("--repo", repo_root, "minutes", "export", day, "--format", fmt, "-o", document).code == 0
    _unapprove(repo_root, day)
    before = open_repo(repo_root)
    r = cli("--repo", repo_root, "minutes", "import", day, document, "--replace-attendance")
    assert r.code == 0, r.err
    after = open_repo(repo_root)
    old, new = before.meetings[day], after.meetings[day]
    assert new.minutes.model_dump(exclude={"imported_from"}) == old.minutes.model_dump(exclude={"imported_from"})
    assert new.minutes.imported_from.file == f"minutes.{fmt}"
    # Attendance comes back as it is printed (a capacity that only repeats the organisation's name
    # comes back as that organisation).
    assert _attendance_as_printed(after, new) == _attendance_as_printed(before, old)
    assert after.actions == before.actions
    assert cli("--repo", repo_root, "validate").code == 0


# --------------------------------------------------------------------------- generated minutes

WORDS = ("partners", "report", "the", "police", "council", "funding", "figures", "plan", "and", "were", "had",
         "reviewed", "agreed", "noted", "would", "be", "by", "in", "area", "town", "centre", "youth", "safety",
         "members", "data", "shared", "next", "quarter", "£140,000", "38.6%", "(ASB)", "Sentinel", "LLR",
         "O'Brien", "co-ordinated", "–", "&")
OPENERS = ("Members", "Partners", "The", "A", "Funding", "Figures", "Work", "Officers", "Reports", "Data")


@st.composite
def sentence(draw, end: str = ".") -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=14))
    return " ".join([draw(st.sampled_from(OPENERS)), *words]) + end


@st.composite
def clause(draw) -> str:
    """A decision's text: lower case, no final full stop."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=12))
    last = draw(st.sampled_from(("noted", "agreed", "reviewed", "shared", "partners", "report")))
    return " ".join(["the", *words, last]).replace(" –", ",")


def heading() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(("Funding", "Community", "Safety", "Youth", "Crime", "Update", "Town", "Centre",
                                     "Priority", "Partners")), min_size=1, max_size=5).map(" ".join)


@st.composite
def decision(draw, people: list[str], names: dict[str, str]) -> dict:
    d: dict = {"text": draw(clause())}
    if draw(st.integers(0, 4)) == 0:
        d["that"] = False
    elif draw(st.integers(0, 3)) == 0:
        # A person as the subject: proposed as the owner on import, unless the document says otherwise
        subject = draw(st.sampled_from(people))
        d["text"] = f"{names[subject]} {draw(st.sampled_from(['report', 'contact', 'circulate']))} " + d["text"]
        d["owners"] = draw(st.sampled_from([[subject], [], [p for p in people[:1] if p != subject] or [subject]]))
        return d
    if draw(st.booleans()):
        d["owners"] = draw(st.lists(st.sampled_from(people), min_size=1, max_size=2, unique=True))
        if draw(st.booleans()):
            d["due"] = draw(st.dates(dt.date(2023, 1, 1), dt.date(2025, 12, 31)))
    return d


@st.composite
def upcoming(draw) -> dict:
    if draw(st.integers(0, 4)) == 0:
        return {"label": draw(st.sampled_from(["Summer meeting – to be scheduled", "Annual meeting (TBC)"]))}
    entry: dict = {"date": draw(st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31)))}
    times = draw(st.sampled_from([(), (dt.time(10),), (dt.time(14, 30),), (dt.time(10), dt.time(12)),
                                  (dt.time(14), dt.time(16, 30))]))
    entry.update(dict(zip(("start", "end"), times, strict=False)))
    return entry


@st.composite
def body(draw, people: list[str], names: dict[str, str], words: list[str]) -> list[dict]:
    parts: list[dict] = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["text", "text", "points", "heading", "bullets", "decisions", "upcoming"]))
        if kind == "text":
            parts.append({"text": draw(sentence())})
        elif kind == "points":
            if parts and "points" in parts[-1]:
                continue  # two lists of points in a row are one list
            points = []
            for _ in range(draw(st.integers(1, 4))):
                text = draw(sentence())
                if draw(st.integers(0, 3)) == 0:
                    points.append({"text": draw(sentence(":")), "bullets": draw(st.lists(sentence(";"), min_size=1,
                                                                                         max_size=3))})
                else:
                    points.append(text)
            parts.append({"points": points})
        elif kind == "heading":
            parts.append({"heading": draw(heading())})
        elif kind == "bullets":
            if parts and ("points" in parts[-1] or "bullets" in parts[-1] or "upcoming" in parts[-1]):
                continue  # a list straight after points belongs to the last point; two lists are one
            parts.append({"bullets": draw(st.lists(sentence(), min_size=1, max_size=3))})
        elif kind == "decisions":
            part: dict = {}
            word = draw(st.sampled_from([None, None, None, *words]))
            if word:
                part["word"] = word
            part["decisions"] = draw(st.lists(decision(people, names), min_size=1, max_size=3))
            parts.append(part)
        else:
            parts.append({"upcoming": draw(st.lists(upcoming(), min_size=1, max_size=3))})
    return parts


@st.composite
def minutes(draw, repo, meeting, first_number: int | None) -> dict:
    people = sorted(p for p in repo.people if repo.people[p].active_on(meeting.date))[:12]
    agenda = list(meeting.agenda)
    chosen = sorted(draw(st.sets(st.integers(0, len(agenda) - 1), min_size=1, max_size=5)))
    items = []
    number = first_number
    for k in chosen:
        a = agenda[k]
        mi: dict = {}
        if number is not None:
            mi["number"] = number
            number += 1
        mi.update({"item": a.number, "title": a.title})
        if draw(st.integers(0, 8)) == 0:
            mi["outcome"] = draw(st.sampled_from(["deferred", "withdrawn"]))
        if draw(st.integers(0, 8)) == 0:
            mi["restricted"] = True
        parts = draw(body(people, {p: repo.people[p].name for p in people}, ["NOTED"]))
        if parts:
            mi["body"] = parts
        items.append(mi)
        if number is not None and draw(st.integers(0, 5)) == 0:  # business raised in the room
            items.append({"number": number, "title": "Change to the Order of Business",
                          "body": [{"text": draw(sentence())}]})
            number += 1
    data: dict = {"state": "draft", "items": items}
    if draw(st.booleans()):
        data["ended"] = draw(st.sampled_from([dt.time(11, 30), dt.time(12), dt.time(15, 45)]))
    return data


def _roundtrip(repo, meeting, fmt: str, first_number: int | None):
    from cspkit.documents import read_document
    from cspkit.minutes.from_blocks import MinutesReader, _plain
    from cspkit.minutes.names import PeopleMatcher
    from cspkit.minutes.to_blocks import minutes_blocks, to_docx, to_markdown

    matcher = PeopleMatcher(repo, chair=meeting.chair)
    doc = minutes_blocks(repo, meeting, lambda d: matcher.subject(_plain(d.text)))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"minutes.{fmt}"
        path.write_bytes(to_docx(doc) if fmt == "docx" else to_markdown(doc).encode("utf-8"))
        return MinutesReader(repo, meeting, first_number).read(read_document(path))


@functools.cache
def body_of(which: str):
    """(repository, a scheduled meeting to minute, its first minute number) of one of the two bodies."""
    if which == "charnwood":
        repo = open_repo(CHARNWOOD)
        return repo, repo.meetings[dt.date(2023, 10, 12)], None
    repo = open_repo(COUNTY)
    return repo, repo.meetings[dt.date(2024, 3, 22)], 44


def _differences(a: dict, b: dict) -> list:
    return [(x, y) for x, y in zip(a["items"], b["items"], strict=False) if x != y][:1] or [(a, b)]


@settings(max_examples=trials(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), which=st.sampled_from(["charnwood", "county"]), fmt=st.sampled_from(["docx", "md"]))
def test_generated_minutes_survive_export_and_import(data, which, fmt):
    from cspkit.models.meeting import Minutes

    repo, meeting, first = body_of(which)
    generated = Minutes.model_validate(data.draw(minutes(repo, meeting, first)))
    held = meeting.model_copy(update={"status": "held", "minutes": generated})
    read = _roundtrip(repo, held, fmt, first)
    assert read.errors == []
    back = Minutes.model_validate({"state": "draft", **({"ended": read.ended} if read.ended else {}),
                                   "items": [m.data for m in read.minutes]})
    assert back.model_dump() == generated.model_dump(), _differences(back.model_dump(), generated.model_dump())
