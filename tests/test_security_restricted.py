"""Restricted propagates: to actions raised from restricted decisions, and to attached updates
(issue 12, case 2).

A decision minuted under a restricted minute or agenda item once became, through ``actions
raise``, an action without ``restricted``, and the public action log printed it; ``render update
--audience public`` printed an update attached only under a restricted item. Now ``actions raise``
copies the flag, ``validate`` reports an action that lacks it (unless a clerk published it on
purpose: ``public: true`` with a ``public_reason``, which partners see), and every output asks the
one restriction policy (:func:`cspkit.views.is_restricted`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from security_support import texts_of

HELD = "records/meetings/2023-07-13.yaml"
ACTIONS = "records/actions/2023-07-13.yaml"
NEXT = "records/meetings/2023-10-12.yaml"

#: The decision minuted in private, as the action it becomes would print it.
DECISION = "ZQHOTSPOTLIST"
ACTION_TEXT = f"The {DECISION} of addresses be shared with the police"

HOT_SPOTS_ITEM = """\
- number: 5
  title: Hot spots
  leads: [carol-white]
  kind: report
{agenda_flag}"""

HOT_SPOTS_MINUTE = f"""\
  - item: 5
    title: Hot spots
    body:
    - points:
      - The addresses were discussed.
    - decisions:
      - text: the {DECISION} of addresses be shared with the police
        owners: [alice-smith]
{{minute_flag}}"""


def held_meeting_with_a_private_decision(root: Path, where: str) -> None:
    """Item 5 of the held meeting, with a decision that has an owner; ``where`` is what is
    restricted: the agenda ``item`` or only its ``minute``."""
    meeting = root / HELD
    text = meeting.read_text(encoding="utf-8")
    agenda_end = text.index("minutes:\n")
    text = (text[:agenda_end]
            + HOT_SPOTS_ITEM.format(agenda_flag="  restricted: true\n" if where == "item" else "")
            + text[agenda_end:]
            + HOT_SPOTS_MINUTE.format(minute_flag="    restricted: true\n" if where == "minute" else ""))
    meeting.write_text(text, encoding="utf-8")



def _add_action(root: Path, extra: str = "") -> Path:
    """The action of item 5's decision, written by hand (without what actions raise would add)."""
    actions = root / ACTIONS
    actions.write_text(actions.read_text(encoding="utf-8") + f"- id: 2023-07-13/5.1\n  text: {ACTION_TEXT}\n"
                       f"  owners: [alice-smith]\n  decision: 1\n  status: open\n{extra}", encoding="utf-8")
    return actions


@pytest.mark.parametrize("where", ["item", "minute"])
def test_actions_raise_copies_restricted_and_no_public_output_shows_the_decision(mini, cli, tmp_path, where):
    held_meeting_with_a_private_decision(mini, where)
    r = cli("--repo", mini, "actions", "raise", "2023-07-13")
    assert (r.code, r.err) == (0, "")
    assert r.out == ("wrote records/actions/2023-07-13.yaml\nwrote records/meetings/2023-07-13.yaml\n"
                     "Raised 1 action(s):\n"
                     f"  2023-07-13/5.1  open     Alice Smith: {ACTION_TEXT}\n")
    raised = (mini / ACTIONS).read_text(encoding="utf-8").split("- id: 2023-07-13/5.1\n", 1)[1]
    assert "  restricted: true\n" in raised
    assert cli("--repo", mini, "validate").code == 0

    for audience in ("public", "partners"):
        out = tmp_path / audience
        r = cli("--repo", mini, "render", "action-log", "--as-of", "2023-10-12", "-f", "md,html,pdf",
                "--audience", audience, "-o", out)
        assert r.code == 0, r.err
        r = cli("--repo", mini, "render", "pack", "2023-10-12", "-f", "md", "--audience", audience, "-o", out)
        assert r.code == 0, r.err
        for fmt in ("table", "csv", "json"):
            listing = cli("--repo", mini, "actions", "list", "--as-of", "2023-10-12", "--audience", audience,
                          "--format", fmt)
            assert listing.code == 0
            assert (DECISION in listing.out) is (audience == "partners"), (audience, fmt)
        shown = [name for name, text in texts_of(out).items() if DECISION in text.upper()]
        if audience == "public":
            assert shown == []
        else:
            assert "action-log-2023-10-12.pdf" in shown and "2023-10-12-agenda-pack.md" not in shown


def test_an_unrestricted_action_from_a_restricted_decision_is_reported(mini, cli):
    held_meeting_with_a_private_decision(mini, "item")
    actions = _add_action(mini)
    r = cli("--repo", mini, "validate")
    warning = ("records/actions/2023-07-13.yaml:15:7: warning: actions[1].id: raised from a decision under a "
               "restricted minute or agenda item, so kept out of public outputs: add restricted: true (or, to "
               "publish it on purpose, public: true and a public_reason)\n")
    assert (r.code, r.out) == (0, f"{warning}1 warning in 1 file (10 checked)\n")
    assert cli("--repo", mini, "validate", "--strict").code == 1
    # until the record says so, the policy keeps it out of public outputs all the same
    public = cli("--repo", mini, "actions", "list", "--as-of", "2023-10-12", "--audience", "public")
    assert public.code == 0 and DECISION not in public.out

    actions.write_text(actions.read_text(encoding="utf-8") + "  public: true\n", encoding="utf-8")
    r = cli("--repo", mini, "validate")
    assert (r.code, r.out) == (1, "records/actions/2023-07-13.yaml:15:3: actions[1]: public: true needs "
                                  "public_reason: why it is published although its decision is restricted\n"
                                  "1 problem in 1 file (10 checked)\n")


def test_an_action_published_on_purpose_shows_its_reason_to_partners_only(mini, cli, tmp_path):
    held_meeting_with_a_private_decision(mini, "minute")
    reason = "ZQAGREEDBYCHAIR to publish"
    _add_action(mini, f"  public: true\n  public_reason: {reason}\n")
    assert cli("--repo", mini, "validate").code == 0
    texts = {}
    for audience in ("public", "partners"):
        out = tmp_path / audience
        assert cli("--repo", mini, "render", "action-log", "--as-of", "2023-10-12", "-f", "md",
                   "--audience", audience, "-o", out).code == 0
        texts[audience] = " ".join(texts_of(out).values())
    assert DECISION in texts["public"] and DECISION in texts["partners"]
    assert "ZQAGREEDBYCHAIR" not in texts["public"]
    assert f"Published on purpose: {reason}" in texts["partners"]
    listing = cli("--repo", mini, "actions", "list", "--as-of", "2023-10-12", "--format", "csv")
    assert f",{reason}\n" in listing.out


def test_an_update_attached_only_under_a_restricted_item_has_no_public_rendering(mini, cli, tmp_path):
    meeting = mini / NEXT
    meeting.write_text(meeting.read_text(encoding="utf-8").replace(
        "  title: Partner Updates\n", "  title: Partner Updates\n  restricted: true\n"), encoding="utf-8")
    update = mini / "records/updates/2023-10-12/mini-police.yaml"
    update.write_text(update.read_text(encoding="utf-8").replace(
        "summary: Quarterly update", "summary: ZQPRIVATEUPDATE quarterly update"), encoding="utf-8")
    assert cli("--repo", mini, "validate").code == 0

    out = tmp_path / "out"
    r = cli("--repo", mini, "render", "update", "2023-10-12", "mini-police", "-f", "md,html,pdf",
            "--audience", "public", "-o", out)
    assert (r.code, r.out, r.err) == (1, "", "error: the update from 'mini-police' is restricted to partners; "
                                             "it has no public rendering\n")
    r = cli("--repo", mini, "render", "pack", "2023-10-12", "-f", "md,html", "--audience", "public", "-o", out)
    assert r.code == 0
    assert not [n for n, t in texts_of(out).items() if "ZQPRIVATEUPDATE" in t.upper()]
    r = cli("--repo", mini, "render", "update", "2023-10-12", "mini-police", "-f", "md", "-o", tmp_path / "p")
    assert r.code == 0 and "ZQPRIVATEUPDATE" in (tmp_path / "p/2023-10-12-update-mini-police.md").read_text()
