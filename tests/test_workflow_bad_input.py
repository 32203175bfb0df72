"""Bad input to the workflow commands: one clear line, exit 1, nothing written, no traceback.

An officer mistypes a name, a meeting date or an action id, or tries to update an action
that is already closed: cspkit says what is wrong (and what they probably meant) and
changes nothing.
"""

from __future__ import annotations

import pytest
from conftest import snapshot


@pytest.fixture(autouse=True)
def _no_repo_from_env(monkeypatch):
    monkeypatch.delenv("CSPKIT_REPO", raising=False)


def refused(r, *fragments: str) -> str:
    """Exit 1, one line on stderr, no traceback; return the line."""
    assert r.code == 1, (r.code, r.out, r.err)
    lines = r.err.splitlines()
    assert len(lines) == 1, r.err
    assert lines[0].startswith("error: "), lines[0]
    assert "Traceback" not in r.err + r.out
    for f in fragments:
        assert f in lines[0], lines[0]
    return lines[0]


CASES = {
    # unknown person, with a suggestion
    "add owner": (["actions", "add", "--meeting", "2023-07-13", "--item", "3", "--owner", "Bobby Jones",
                   "--text", "Do it"], ["unknown person 'Bobby Jones'", "did you mean 'bob-jones'"]),
    "reassign": (["actions", "update", "2023-07-13/3.1", "--reassign", "Alise Smith", "--date", "2023-09-01"],
                 ["unknown person 'Alise Smith'", "'alice-smith'"]),
    "list owner": (["actions", "list", "--owner", "Carole White"], ["unknown person", "'carol-white'"]),
    # unknown meeting, with the nearest dates
    "minutes start": (["minutes", "start", "2023-10-13"], ["no meeting on 2023-10-13", "2023-10-12"]),
    "minutes approve at": (["minutes", "approve", "2023-07-13", "--at", "2023-10-11"], ["no meeting on 2023-10-11"]),
    "actions raise": (["actions", "raise", "2023-01-01"], ["no meeting on 2023-01-01"]),
    "update chase": (["update", "chase", "2099-01-01"], ["no meeting on 2099-01-01"]),
    "update new": (["update", "new", "2023-10-11", "Mini Constabulary"], ["no meeting on 2023-10-11"]),
    "programme roll": (["programme", "roll", "2022-01-01"], ["no meeting on 2022-01-01"]),
    "psa remove": (["psa", "remove", "1", "--by", "2023-07-12"], ["no meeting on 2023-07-12"]),
    # unknown action, organisation, recommendation
    "unknown action": (["actions", "close", "2023-07-13/9.9"], ["no action '2023-07-13/9.9'"]),
    "not an action id": (["actions", "update", "patrols", "--note", "x"], ["'patrols' is not an action id"]),
    "unknown partner": (["update", "new", "2023-10-12", "Mini Fire Service"], ["unknown organisation"]),
    "unknown recommendation": (["psa", "update", "9", "--note", "x"], ["has no recommendation 9"]),
    # dates in the wrong form
    "new-meeting date": (["new-meeting", "--date", "12/10/2023"],
                         ["'12/10/2023' is not a date in the form YYYY-MM-DD"]),
    "minutes date": (["minutes", "start", "12-10-2023"], ["'12-10-2023' is not a date in the form YYYY-MM-DD"]),
    "update date": (["actions", "update", "2023-07-13/3.1", "--note", "x", "--date", "yesterday"],
                    ["--date 'yesterday' is not a date"]),
    "as-of date": (["actions", "list", "--as-of", "2023-13-01"], ["--as-of '2023-13-01' is not a date"]),
    "due-by date": (["programme", "list", "--due-by", "Jan"], ["--due-by 'Jan' is not a date"]),
    "psa date": (["psa", "update", "1", "--note", "x", "--date", "20/04/2023"], ["is not a date"]),
    # other refusals
    "removed recommendation": (["psa", "update", "2", "--note", "x"], ["was removed"]),
    "nothing to record": (["actions", "update", "2023-07-13/3.1"], ["nothing to record"]),
    "history out of order": (["actions", "update", "2023-07-13/3.1", "--note", "x", "--date", "2023-08-01"],
                             ["before the action's latest history entry (2023-08-15)"]),
    "actions at a scheduled meeting": (["actions", "add", "--meeting", "2023-10-12", "--item", "1", "--owner",
                                        "Bob Jones", "--text", "x"], ["is scheduled"]),
    "existing meeting": (["new-meeting", "--date", "2023-10-12"], ["already exists (use --force"]),
    "no schedule date": (["new-meeting"], ["no date after 2023-10-12"]),
    "minutes twice": (["minutes", "start", "2023-07-13"], ["already has minutes"]),
    "roll before held": (["programme", "roll", "2023-10-12"], ["is scheduled"]),
    "unknown status": (["actions", "update", "2023-07-13/3.1", "--status", "done"], ["unknown action status 'done'"]),
}


@pytest.mark.parametrize("args, fragments", list(CASES.values()), ids=list(CASES))
def test_bad_input_is_one_line_exit_1_and_changes_nothing(mini, cli, args, fragments):
    before = snapshot(mini)
    refused(cli("--repo", mini, *args), *fragments)
    assert snapshot(mini) == before


def test_a_closed_action_cannot_be_updated_or_closed_again(mini, cli):
    r = cli("--repo", mini, "actions", "close", "2023-07-13/3.1", "--note", "Plan presented.", "--date", "2023-10-12")
    assert r.code == 0, r.err
    before = snapshot(mini)
    refused(cli("--repo", mini, "actions", "update", "2023-07-13/3.1", "--note", "more"),
            "action 2023-07-13/3.1 is complete (since 2023-10-12)")
    refused(cli("--repo", mini, "actions", "close", "2023-07-13/3.1"), "is complete")
    refused(cli("--repo", mini, "actions", "update", "2023-07-13/3.1", "--reassign", "Alice Smith"), "is complete")
    assert snapshot(mini) == before


def test_a_wrongly_called_command_is_a_usage_error(mini, cli):
    r = cli("--repo", mini, "actions", "add", "--meeting", "2023-07-13")
    assert r.code == 2
    assert "Missing option" in r.err and "Traceback" not in r.err


def test_an_ambiguous_name_is_refused_with_the_ids(mini, cli):
    people = mini / "records" / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace(
        "  name: Dan Green\n", "  name: Dan Green\n  aliases:\n  - Bob Jones\n"), encoding="utf-8")
    refused(cli("--repo", mini, "actions", "update", "2023-07-13/3.1", "--reassign", "Bob Jones"),
            "could be more than one person: bob-jones, dan-green")
