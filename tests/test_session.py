"""One session per command: changes checked incrementally, written all or none, never lost.

- The problems a change would leave, worked out incrementally (only the files the change
  affects are checked again), are exactly those a full ``cspkit validate`` finds afterwards.
- Writers queue on the repository's lock: concurrent ``actions update`` lose nothing.
- A commit killed between two renames is completed by the next command.
- An edit changes only the lines of the entry it changes, whatever the file's layout.
"""

from __future__ import annotations

import datetime as dt
import difflib
import multiprocessing
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import CHARNWOOD, copy_repo, trials
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cspkit.checks import check_repo
from cspkit.load import finish, load_repo
from cspkit.models.meeting import Meeting
from cspkit.session import Session, _changed_repo, open_session
from cspkit.yaml.read import parse
from cspkit.yaml.write import edit_text, new_file_text

# --------------------------------------------------------------------------- incremental checks


@pytest.fixture(scope="module")
def charnwood(tmp_path_factory) -> Path:
    return copy_repo(CHARNWOOD, tmp_path_factory.mktemp("session") / "charnwood")


def _full(root: Path, texts: dict[Path, str]) -> list[tuple]:
    repo, problems = load_repo(root, overrides=texts)
    return _keys(finish(repo, problems + check_repo(repo, loaded=problems)))  # as session.check_all does


def _keys(problems: list) -> list[tuple]:
    return sorted((p.file, p.line, p.col, p.message, p.code.value, p.severity.value) for p in problems)


def _leaves(data: Any, path: tuple = ()) -> list[tuple]:
    """Every (path, value) of scalars inside ``data``, and every list item's path."""
    out: list[tuple] = []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _leaves(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.append(((*path, i), "<item>"))
            out += _leaves(v, (*path, i))
    else:
        out.append((path, data))
    return out


def _mutation(draw: Any, data: Any, pool: list[Any]) -> Any:
    """A function changing one place of ``data``: a value swapped for another seen in the
    records (an id, a date, a number) or a made-up one, a list item removed or repeated."""
    leaves = _leaves(data)
    path, value = draw(st.sampled_from(leaves))
    action = draw(st.sampled_from(["swap", "swap", "invent", "drop", "repeat"] if value == "<item>"
                                  else ["swap", "swap", "swap", "invent"]))
    replacement = draw(st.sampled_from(pool)) if action == "swap" else draw(
        st.sampled_from(["nobody-here", "2031-02-30", "2019-05-05", 0, "", "x" * 3]))

    def mutate(doc: Any) -> None:
        node = doc
        for part in path[:-1]:
            node = node[part]
        last = path[-1]
        if action == "drop":
            del node[last]
        elif action == "repeat":
            node.insert(last, node[last])
        elif isinstance(node, (dict, list)):
            node[last] = replacement

    return mutate


def _pool(repo_root: Path) -> list[Any]:
    """Scalars that occur in the records: ids, dates, numbers, words."""
    values: set[Any] = set()
    for path in (repo_root / "records").rglob("*.yaml"):
        for _, v in _leaves(parse(path.read_text(encoding="utf-8"))):
            if v != "<item>" and (not isinstance(v, str) or len(v) < 40):
                values.add(v)
    return sorted(values, key=repr)


@settings(max_examples=trials(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_incremental_problems_equal_a_full_validate(charnwood, data):
    """Random edits to one or two files (on top of a first, broken, edit): the problems the
    session works out for the change are exactly what a full check of the result finds."""
    pool = _pool(charnwood)
    files = sorted(p for p in (charnwood / "records").rglob("*.yaml"))
    base: dict[Path, str] = {}
    if data.draw(st.booleans(), label="start from broken records"):
        first = data.draw(st.sampled_from(files), label="broken first")
        text = first.read_text(encoding="utf-8")
        base[first.resolve()] = edit_text(text, _mutation(data.draw, parse(text), pool))
    repo, problems = load_repo(charnwood, overrides=base)
    session = Session(charnwood, repo, finish(repo, problems + check_repo(repo, loaded=problems)), cache=_no_cache())
    for path in data.draw(st.lists(st.sampled_from(files), min_size=1, max_size=2, unique=True), label="changed"):
        src = session.repo.sources.get(session.rel(path))
        if src is None or src.data is None:
            continue
        session.edit(path, _mutation(data.draw, src.data, pool))
    new_file = None
    if data.draw(st.booleans(), label="a new meeting"):  # as new-meeting makes one
        model = data.draw(st.sampled_from(sorted((charnwood / "records/meetings").glob("*.yaml"))), label="like")
        day = data.draw(st.sampled_from(["2022-01-20", "2023-08-31", "2023-11-16", "2024-01-18", "2025-06-05"]),
                        label="new date")
        new_file = charnwood / "records/meetings" / f"{day}.yaml"
        meeting = parse(model.read_text(encoding="utf-8"))
        if not new_file.exists() and isinstance(meeting, dict):
            meeting["date"] = dt.date.fromisoformat(day)
            session.create(new_file, meeting)
        else:
            new_file = None
    texts = {**base, **{c.path: c.text for c in session.changes.values()}}
    for change in session.changes.values():
        assert parse(change.text) is not None  # an edit always leaves YAML
    incremental = _keys(_changed_repo(session))
    try:
        if new_file is not None:  # the full check reads the records folder: the new file must be there
            new_file.write_text(texts[new_file], encoding="utf-8")
        assert incremental == _full(charnwood, texts)
    finally:
        if new_file is not None:
            new_file.unlink()


def test_a_new_meeting_is_checked_with_the_records_it_affects(charnwood):
    """A meeting added between two others (as new-meeting adds one) is checked with the meeting
    after it, whose pack now takes the new one's minutes: incremental and full checks agree."""
    repo, problems = load_repo(charnwood)
    session = Session(charnwood, repo, finish(repo, problems + check_repo(repo, loaded=problems)), cache=_no_cache())
    meeting = parse((charnwood / "records/meetings/2023-10-12.yaml").read_text(encoding="utf-8"))
    meeting["date"] = dt.date(2023, 8, 31)  # scheduled, between July's (held) and October's
    new_file = charnwood / "records/meetings/2023-08-31.yaml"
    session.create(new_file, meeting)
    incremental = _keys(_changed_repo(session))
    assert any("the previous meeting (2023-08-31) is not marked held" in key[3] for key in incremental)
    try:
        new_file.write_text(session.changes[new_file].text, encoding="utf-8")
        assert incremental == _full(charnwood, {})
    finally:
        new_file.unlink()


def test_a_new_meeting_rechecks_everything_where_a_record_names_a_missing_meeting(charnwood):
    """A record naming a meeting that does not exist is reported with the latest meetings'
    dates, which a new meeting changes: that report, in another file, is made again."""
    actions = (charnwood / "records/actions/2023-07-13.yaml").resolve()
    broken = {actions: actions.read_text(encoding="utf-8").replace("due_meeting: 2023-10-12", "due_meeting: 2031-01-16")}
    repo, problems = load_repo(charnwood, overrides=broken)
    session = Session(charnwood, repo, finish(repo, problems + check_repo(repo, loaded=problems)), cache=_no_cache())
    meeting = parse((charnwood / "records/meetings/2023-10-12.yaml").read_text(encoding="utf-8"))
    meeting["date"] = dt.date(2024, 1, 18)
    new_file = charnwood / "records/meetings/2024-01-18.yaml"
    session.create(new_file, meeting)
    incremental = _keys(_changed_repo(session))
    assert any("no meeting on 2031-01-16" in key[3] and "2024-01-18" in key[3] for key in incremental)
    try:
        new_file.write_text(session.changes[new_file].text, encoding="utf-8")
        assert incremental == _full(charnwood, broken)
    finally:
        new_file.unlink()


@pytest.fixture(scope="module")
def charnwood_cached(tmp_path_factory) -> Path:
    return copy_repo(CHARNWOOD, tmp_path_factory.mktemp("cached") / "charnwood")


def _cached_check(root: Path) -> list[tuple]:
    """The problems as a command finds them through the cache (from the last report kept)."""
    from cspkit.cache import Cache
    from cspkit.session import check_all

    cache = Cache.open(root)
    assert cache is not None
    return _keys(check_all(root, cache)[1])


@pytest.fixture
def with_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("CSPKIT_CACHE", raising=False)


@settings(max_examples=trials(30), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_records_changed_on_disk_are_checked_from_the_last_report_as_a_full_validate_checks_them(
        charnwood_cached, with_cache, data):
    """Files changed since the last report (a clerk's editor, a git pull) are checked from that
    report, only over what the change affects: exactly what a full check finds, after the
    change and again once it is undone."""
    root = charnwood_cached
    pool = _pool(CHARNWOOD)
    files = sorted(p.relative_to(CHARNWOOD) for p in (CHARNWOOD / "records").rglob("*.yaml"))
    assert _cached_check(root) == _full(root, {})  # the report the change starts from
    before: dict[Path, str] = {}
    new_file = None
    try:
        for rel in data.draw(st.lists(st.sampled_from(files), min_size=1, max_size=2, unique=True), label="changed"):
            path = root / rel
            text = (CHARNWOOD / rel).read_text(encoding="utf-8")
            before[path] = text
            path.write_text(edit_text(text, _mutation(data.draw, parse(text), pool)), encoding="utf-8")
        if data.draw(st.booleans(), label="a new meeting"):
            model = data.draw(st.sampled_from(sorted((CHARNWOOD / "records/meetings").glob("*.yaml"))), label="like")
            day = data.draw(st.sampled_from(["2022-01-20", "2023-08-31", "2024-01-18"]), label="new date")
            meeting = parse(model.read_text(encoding="utf-8"))
            meeting["date"] = dt.date.fromisoformat(day)
            text = new_file_text(meeting, Meeting, "")
            new_file = root / "records/meetings" / f"{day}.yaml"
            new_file.write_text(text, encoding="utf-8")
        assert _cached_check(root) == _full(root, {})
    finally:
        for path, text in before.items():
            path.write_text(text, encoding="utf-8")
        if new_file is not None:
            new_file.unlink()
    assert _cached_check(root) == _full(root, {})


def test_a_change_on_disk_is_checked_only_where_it_reaches(charnwood_copy, with_cache, monkeypatch):
    """One meeting's minutes corrected since the last report: the per-record checks look again
    at that meeting and the records that refer to it, not at every record; what they find is
    what a full check finds (a problem the change makes, and one it leaves elsewhere)."""
    import cspkit.session as session

    root = charnwood_copy
    actions = root / "records/actions/2023-07-13.yaml"
    actions.write_text(actions.read_text(encoding="utf-8").replace("  - james-oconnell", "  - nobody-here", 1),
                       encoding="utf-8")
    _cached_check(root)
    scopes: list[frozenset[str] | None] = []
    real = session.check_repo

    def recording(repo, files=None, loaded=None):
        scopes.append(files)
        return real(repo, files, loaded)

    monkeypatch.setattr(session, "check_repo", recording)
    meeting = root / "records/meetings/2023-07-13.yaml"
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace("chair: liz-blackshaw", "chair: nobody-chairs"), encoding="utf-8")
    found = _cached_check(root)
    assert found == _full(root, {})
    assert any(f[0] == "records/meetings/2023-07-13.yaml" and "nobody-chairs" in f[3] for f in found)
    assert any(f[0] == "records/actions/2023-07-13.yaml" and "nobody-here" in f[3] for f in found)
    assert len(scopes) == 1 and scopes[0] is not None
    assert "records/meetings/2023-07-13.yaml" in scopes[0]
    assert len(scopes[0]) < len(list((root / "records").rglob("*.yaml"))) // 2


def _no_cache() -> Any:
    from cspkit.cache import NULL_CACHE

    return NULL_CACHE


# --------------------------------------------------------------------------- concurrent writers

TWO_ACTIONS = "records/actions/2023-07-13.yaml"


def _update(args: tuple[str, str, int]) -> str:
    """One `actions update` in a process of its own (forked from the test, cspkit imported)."""
    root, action_id, n = args
    from cspkit.workflows.actions import update_action

    with open_session(Path(root), write=True) as s:
        result = update_action(s, action_id, note=f"progress note {action_id} #{n}", date="2023-09-01")
    return str(result.written[0].name)


def test_concurrent_writers_queue_and_lose_nothing(mini):
    """30 pairs of `actions update` at once on two actions of one file: all 60 succeed and all
    60 notes are on disk (before the lock, seven of 60 reported successes were lost)."""
    target = mini / TWO_ACTIONS
    text = target.read_text(encoding="utf-8")
    target.write_text(text + textwrap.dedent("""\
        - id: 2023-07-13/3.2
          text: Share the lighting survey with partners.
          owners: [carol-white]
          status: open
        """), encoding="utf-8")
    jobs = [(str(mini), aid, n) for n in range(30) for aid in ("2023-07-13/3.1", "2023-07-13/3.2")]
    with multiprocessing.get_context("fork").Pool(12) as pool:
        written = pool.map(_update, jobs, chunksize=1)
    assert written == ["2023-07-13.yaml"] * 60
    on_disk = parse(target.read_text(encoding="utf-8"))
    notes = [h["note"] for a in on_disk["actions"] for h in a.get("history", [])]
    for aid, n in ((aid, n) for _, aid, n in jobs):
        assert f"progress note {aid} #{n}" in notes
    assert len([x for x in notes if x.startswith("progress note")]) == 60


def test_a_writer_that_waits_too_long_is_refused_naming_the_holder(mini, cli, monkeypatch):
    monkeypatch.setenv("CSPKIT_LOCK_TIMEOUT", "0.2")
    with open_session(mini, write=True):
        r = cli("--repo", mini, "actions", "update", "2023-07-13/3.1", "--note", "x", "--date", "2023-09-01")
    assert r.code == 1
    assert r.err.startswith("error: another cspkit command (") and "has been changing these records for 0.2 s; " \
        "nothing was written" in r.err, r.err


# --------------------------------------------------------------------------- killed commits

KILLED_COMMIT = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    import cspkit.fileio
    from cspkit.session import open_session
    root = Path(sys.argv[1])
    replaced = []
    def before_replace(path):
        replaced.append(path)
        if len(replaced) == 2:
            os.kill(os.getpid(), signal.SIGKILL)  # between the first rename and the second
    cspkit.fileio._before_replace = before_replace
    with open_session(root, write=True) as s:
        s.edit(s.path("actions", "2023-07-13"), lambda d: d["actions"][0].update(text="Changed by the killed run."))
        s.edit(s.path("psa", 2023), lambda d: d.update(title="Changed by the killed run"))
        s.commit()
""")


def test_a_commit_killed_between_renames_is_completed_by_the_next_command(mini, cli, tmp_path):
    script = tmp_path / "kill.py"
    script.write_text(KILLED_COMMIT, encoding="utf-8")
    p = subprocess.run([sys.executable, str(script), str(mini)], capture_output=True, text=True, timeout=60)
    assert p.returncode == -signal.SIGKILL, p.stderr
    journal = mini / ".cspkit-cache" / "journal.json"
    assert journal.exists()
    actions, psa = (mini / TWO_ACTIONS).read_text(encoding="utf-8"), (mini / "records/psa/2023.yaml").read_text(
        encoding="utf-8")
    assert ("Changed by the killed run." in actions) != ("Changed by the killed run" in psa)  # half done
    r = cli("--repo", mini, "validate")
    assert r.code == 0, r.out + r.err
    # the actions file was replaced before the kill; the PSA file is what completing it writes
    assert r.err == "note: completed a change that was interrupted: wrote records/psa/2023.yaml\n"
    assert "Changed by the killed run." in (mini / TWO_ACTIONS).read_text(encoding="utf-8")
    assert "Changed by the killed run" in (mini / "records/psa/2023.yaml").read_text(encoding="utf-8")
    assert not journal.exists()
    assert not list((mini / "records").rglob(".*.tmp"))
    assert cli("--repo", mini, "validate").err == ""  # said once


# --------------------------------------------------------------------------- edits touch only their lines

HAND_STYLED = """\
# actions raised at the July meeting (typed by hand)
meeting: 2023-07-13
actions:
    -   id: "2023-07-13/3.1"
        text: >
            Bring a town centre patrol plan
            to the next meeting.
        owners: [ bob-jones ]
        status: 'open'   # still open
        number: 1
        due: 2023-10-12
        due_meeting: 2023-10-12
        decision: 1
        history:
            -   date: 2023-08-15
                note: "Draft plan shared with partners."
    -   {id: 2023-07-13/3.2, text: Share the lighting survey., owners: [carol-white], status: open}
"""


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_an_update_changes_only_the_lines_of_its_entry(mini, cli, newline):
    target = mini / TWO_ACTIONS
    target.write_bytes(HAND_STYLED.replace("\n", newline).encode("utf-8"))
    r = cli("--repo", mini, "actions", "update", "2023-07-13/3.1", "--note", "Plan agreed.", "--date", "2023-09-01")
    assert r.code == 0, r.err
    after = target.read_bytes().decode("utf-8")
    old_lines, new_lines = HAND_STYLED.replace("\n", newline).splitlines(True), after.splitlines(True)
    added = [line for line in difflib.ndiff(old_lines, new_lines) if line.startswith("+ ")]
    removed = [line for line in difflib.ndiff(old_lines, new_lines) if line.startswith("- ")]
    assert removed == []
    assert added == [f"+             -   date: 2023-09-01{newline}", f"+                 note: Plan agreed.{newline}"]
    r = cli("--repo", mini, "actions", "update", "2023-07-13/3.2", "--note", "Sent.", "--date", "2023-09-02",
            "--status", "complete")
    assert r.code == 0, r.err
    final = target.read_bytes().decode("utf-8")
    assert final.count("\r\n") == (final.count("\n") if newline == "\r\n" else 0)
    changed = [line for line in difflib.ndiff(after.splitlines(True), final.splitlines(True)) if line[:2] in "+ - "
               and line[:2] != "  "]
    assert all("3.2" in line or "Sent." in line or "complete" in line or "2023-09-02" in line or "history" in line
               or "owners" in line or "carol-white" in line or "text:" in line or "status:" in line
               for line in changed), changed
    assert "# still open" in final and "# actions raised at the July meeting" in final


def test_several_keys_added_to_one_entry_keep_the_models_order():
    from cspkit.models.registry import Person
    from cspkit.yaml.write import put

    text = "people:\n- id: ann-lee  # new this year\n  name: Ann Lee\n  member: true\n"

    def add(data: Any) -> None:
        person = data["people"][0]
        put(person, "role", "Inspector", Person)
        put(person, "aliases", ["A. Lee"], Person)
        put(person, "organisation", "police", Person)

    assert edit_text(text, add, Person) == (
        "people:\n- id: ann-lee  # new this year\n  name: Ann Lee\n  aliases:\n  - A. Lee\n  organisation: police\n"
        "  role: Inspector\n  member: true\n")


OPS = st.lists(st.tuples(st.sampled_from(["insert", "remove", "move"]), st.integers(0, 9), st.integers(0, 9)),
               max_size=4)


@settings(max_examples=trials(60), deadline=None)
@given(ops=OPS, quoted=st.booleans())
def test_list_items_keep_their_lines_when_others_are_inserted_removed_or_moved(ops, quoted):
    """Items inserted into, removed from or moved within a list, the others renumbered: the
    file reads as the new data, and every item still there keeps its comment."""
    def num(n: int) -> Any:
        return str(n) if quoted else n

    text = "date: 2023-10-12\nagenda:\n" + "".join(
        f"- number: {repr(str(i)) if quoted else i}\n  title: Item {i}  # note {i}\n  kind: report\n"
        for i in range(1, 6))
    new: list[dict[str, Any]] = [{"number": num(i), "title": f"Item {i}", "kind": "report"} for i in range(1, 6)]
    for op, a, b in ops:
        if op == "insert":
            new.insert(a % (len(new) + 1), {"number": num(0), "title": f"New {a}.{b}", "kind": "report"})
        elif op == "remove" and new:
            new.pop(a % len(new))
        elif op == "move" and new:
            new.insert(b % len(new), new.pop(a % len(new)))
    for n, item in enumerate(new, start=1):
        item["number"] = num(n)
    out = edit_text(text, lambda doc: doc.__setitem__("agenda", new),
                    align=lambda item: {k: v for k, v in item.items() if k != "number"})
    data = parse(out)
    assert data["date"] == dt.date(2023, 10, 12)
    assert data["agenda"] == new if new else data["agenda"] in ([], None)
    for item in new:
        if item["title"].startswith("Item "):
            k = item["title"].split()[1]
            assert f"  title: Item {k}  # note {k}\n" in out, out
