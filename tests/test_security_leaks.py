"""No public output holds anything restricted: every output in the registry, every restricted place
(issue 12, cases 2 and 12).

One test repository has a unique marker in every place the restriction policy covers: a
restricted agenda item, a restricted paper (and its file), a restricted minute and the action
raised from its decision, a decision under a restricted agenda item and its action, a restricted
partner update, an update attached only under a restricted item, a restricted action, a restricted
forward programme row, and the reason an action was published on purpose. The test loops over
:data:`cspkit.outputs.OUTPUTS`, so an output registered tomorrow (a Word form, an email draft, a
site page) is checked too: its public version must hold no marker, and every marker must reach
some partners' output.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import MINI
from security_support import texts_of

from cspkit.outputs import OUTPUTS

# Its module fixtures are built once: every test of this module runs on one xdist worker.
pytestmark = pytest.mark.xdist_group("test_security_leaks")

MARKERS = {
    "agenda item": "ZQAGENDAITEM",
    "restricted paper": "ZQPAPERTITLE",
    "restricted paper's file": "ZQPAPERBODY",
    "restricted minute": "ZQMINUTEPOINT",
    "decision under a restricted minute": "ZQMINUTEDECISION",
    "decision under a restricted item": "ZQITEMDECISION",
    "restricted update": "ZQUPDATEFLAG",
    "update attached only under a restricted item": "ZQUPDATEATTACHED",
    "update section not for publication": "ZQUPDATESECTION",
    "restricted action": "ZQACTIONTEXT",
    "restricted action's note": "ZQACTIONNOTE",
    "restricted programme row": "ZQPROGRAMMEROW",
    "reason for publishing on purpose": "ZQPUBLISHREASON",
}
M = MARKERS


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Clerk", "-c", "user.email=clerk@example.org", "-c",
                    "init.defaultBranch=main", *args], cwd=root, check=True, capture_output=True)


def build(root: Path, cli) -> None:
    """The mini repository, committed on main; then, uncommitted on a branch, every restricted place."""
    shutil.copytree(MINI, root)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "records")
    _git(root, "checkout", "-qb", "work")

    held = root / "records/meetings/2023-07-13.yaml"
    _replace(held, "minutes:\n", f"""\
- number: 5
  title: Community safety fund
  kind: report
- number: 6
  title: Closed session {M['decision under a restricted item']}
  kind: report
  restricted: true
minutes:
""")
    _append(held, f"""\
  - item: 5
    title: Community safety fund
    restricted: true
    body:
    - points:
      - Bids were discussed, {M['restricted minute']}.
    - decisions:
      - text: the {M['decision under a restricted minute']} bid be declined
        owners: [alice-smith]
  - item: 6
    title: Closed session
    body:
    - decisions:
      - text: the {M['decision under a restricted item']} case be referred
        owners: [bob-jones]
""")
    r = cli("--repo", root, "actions", "raise", "2023-07-13")
    assert r.code == 0, r.err
    note = M["restricted action's note"]
    _append(root / "records/actions/2023-07-13.yaml", f"""\
- id: 2023-07-13/3.2
  text: Visit the {M['restricted action']} premises.
  owners: [carol-white]
  status: open
  restricted: true
  history:
  - date: 2023-08-01
    note: Visited with {note}.
- id: 2023-07-13/5.2
  text: Publish the fund's criteria.
  owners: [alice-smith]
  status: open
  public: true
  public_reason: The chair agreed, {M['reason for publishing on purpose']}.
""")
    scheduled = root / "records/meetings/2023-10-12.yaml"
    _append(scheduled, f"""\
- number: 3
  title: Exempt matter {M['agenda item']}
  purpose: To consider {M['agenda item']}.
  restricted: true
  papers:
  - kind: partner-update
    organisation: mini-council
- number: 4
  title: Reports
  papers:
  - kind: document
    title: Report {M['restricted paper']}
    source: papers/2023-10-12/private.md
    restricted: true
""")
    paper = root / "records/papers/2023-10-12/private.md"
    paper.parent.mkdir(parents=True)
    body = M["restricted paper's file"]
    paper.write_text(f"# Private\n\nThe {body} findings.\n", encoding="utf-8")
    police = root / "records/updates/2023-10-12/mini-police.yaml"
    _replace(police, "summary: Quarterly update", f"restricted: true\nsummary: {M['restricted update']} Quarterly update")
    (root / "records/updates/2023-10-12/mini-council.yaml").write_text(f"""\
meeting: 2023-10-12
organisation: mini-council
subject: Licensing
summary: {M['update attached only under a restricted item']} premises review.
""", encoding="utf-8")
    _append(root / "records/organisations.yaml", """\
- id: mini-fire
  name: Mini Fire and Rescue Service
  short_name: Fire
""")
    _append(scheduled, """\
  - kind: partner-update
    organisation: mini-fire
""")
    (root / "records/updates/2023-10-12/mini-fire.yaml").write_text(f"""\
meeting: 2023-10-12
organisation: mini-fire
subject: Fire safety visits
summary: Visits went ahead as planned.
risks: Premises at {M['update section not for publication']} are a concern.
restricted_sections: [risks]
""", encoding="utf-8")
    _append(root / "records/forward-programme.yaml", f"""\
- id: covert-review
  item: Review of {M['restricted programme row']}
  when: 2024-01
  restricted: true
""")
    r = cli("--repo", root, "validate")
    assert r.code == 0, r.out


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """Every registered output, for each audience, written under OUT/<audience>/<output>/."""
    from cspkit.cli import run
    from cspkit.outputs import produce_all

    class Cli:
        def __call__(self, *args):
            import contextlib
            import io

            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = run([str(a) for a in args])
            return type("R", (), {"code": code, "out": out.getvalue(), "err": err.getvalue()})

    base = tmp_path_factory.mktemp("leaks")
    root = base / "repo"
    build(root, Cli())
    out = base / "out"
    produce_all(root, "public", out / "public", ("md", "html", "pdf"))
    produce_all(root, "partners", out / "partners", ("md", "html"))
    return out


def test_every_output_is_registered_and_produced(outputs):
    for name, output in OUTPUTS.items():
        audience = "partners" if "partners" in output.audiences else "public"
        assert list((outputs / audience / name).iterdir()), f"{name}: nothing produced for {audience}"


@pytest.mark.parametrize("name", sorted(name for name, o in OUTPUTS.items() if o.public))
def test_no_public_output_holds_a_restricted_marker(outputs, name):
    """Every output the public receives (partners-only ones, such as email drafts, never are)."""
    output = OUTPUTS[name]
    audience = "public" if "public" in output.audiences else output.audiences[0]
    folder = outputs / audience / name
    texts = texts_of(folder)
    leaks = {f"{file}: {what}" for file, text in texts.items() for what, marker in MARKERS.items()
             if marker in text.upper()}
    assert leaks == set()


def test_partners_outputs_hold_every_marker(outputs):
    everything = " ".join(texts_of(outputs / "partners").values()).upper()
    assert [what for what, marker in MARKERS.items() if marker not in everything] == []


def test_the_public_diff_says_only_that_restricted_records_changed(outputs):
    public = (outputs / "public/diff/diff.md").read_text(encoding="utf-8")
    partners = (outputs / "partners/diff/diff.md").read_text(encoding="utf-8")
    assert "- a restricted record changed" in public
    assert M["decision under a restricted minute"] in partners and M["restricted programme row"] in partners
    assert "Publish the fund" in public  # published on purpose: its text is public
