"""docs/cli.md is the command reference: generated from every command's --help, never stale.

When a test here fails after a command was added or its help changed, regenerate with

    python -m cspkit.cli.docs
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cspkit.cli.docs import REGENERATE, anchor, commands, reference

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


@pytest.fixture(scope="module")
def documented() -> str:
    if not DOC.is_file():
        pytest.fail(f"{DOC} is missing: run {REGENERATE}")
    return DOC.read_text(encoding="utf-8")


def test_every_command_is_documented(documented):
    headings = set(re.findall(r"^## `(.+)`$", documented, flags=re.M))
    missing = [doc.name for doc in commands() if doc.name not in headings]
    assert not missing, f"undocumented in docs/cli.md: {', '.join(missing)} (run {REGENERATE})"


def test_nothing_documented_that_is_not_a_command(documented):
    names = {doc.name for doc in commands()}
    extra = [h for h in re.findall(r"^## `(.+)`$", documented, flags=re.M) if h not in names]
    assert not extra, f"docs/cli.md documents commands that no longer exist: {extra} (run {REGENERATE})"


def test_the_reference_is_current(documented):
    assert documented == reference(), f"docs/cli.md is out of date: run {REGENERATE}"


def test_every_command_says_what_it_does():
    silent = [doc.name for doc in commands()[1:] if not (doc.command.help or doc.command.short_help or "").strip()]
    assert not silent, f"commands without help text: {silent}"


def test_hidden_commands_stay_out_but_exist():
    shown = {doc.name for doc in commands()}
    everything = {doc.name for doc in commands(include_hidden=True)}
    assert "cspkit docs" in everything - shown


def test_the_contents_links_to_every_section(documented):
    for doc in commands()[1:]:
        assert f"(#{anchor(doc.name)})" in documented, doc.name


def test_help_is_plain_text_at_a_fixed_width(documented):
    assert "╭" not in documented and "\x1b[" not in documented  # no Rich boxes, no colour
    blocks = re.findall(r"```text\n(.*?)\n```", documented, flags=re.S)
    assert blocks and all(len(line) <= 100 for block in blocks for line in block.splitlines())
