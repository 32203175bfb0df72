"""Editor integration: every record file's first line names its JSON Schema.

With that line VS Code (and any editor using the YAML language server) completes keys,
explains each field and underlines a typo while the clerk types.
"""

from __future__ import annotations

import subprocess

import pytest

from cspkit.init.editor import vscode_settings
from cspkit.models import CONFIG_KIND, KINDS
from cspkit.yaml.layout import schema_comment, schema_path

KIND = {k.name: k for k in (CONFIG_KIND, *KINDS)}


@pytest.mark.parametrize(("rel", "kind", "expected"), [
    ("cspkit.yaml", "config", "schemas/config.schema.json"),
    ("records/people.yaml", "people", "../schemas/people.schema.json"),
    ("records/meetings/2023-10-12.yaml", "meeting", "../../schemas/meeting.schema.json"),
    ("records/updates/2023-10-12/police.yaml", "partner-update", "../../../schemas/partner-update.schema.json"),
])
def test_schema_path_is_relative_to_the_file(tmp_path, rel, kind, expected):
    assert schema_path(tmp_path / rel, tmp_path, KIND[kind].schema_file) == expected
    assert schema_comment(tmp_path / rel, tmp_path, KIND[kind].schema_file) == f"# yaml-language-server: $schema={expected}"


def test_an_example_inside_a_repository_uses_the_schemas_above_it(tmp_path):
    """Like examples/county-board in cspkit's own repository: no schemas/ of its own."""
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "meeting.schema.json").write_text("{}", encoding="utf-8")
    example = tmp_path / "examples" / "board"
    meeting = example / "records" / "meetings" / "2024-03-22.yaml"
    assert schema_path(meeting, example, KIND["meeting"].schema_file) == "../../../../schemas/meeting.schema.json"
    # ... but its own schemas/ wins once it has one
    (example / "schemas").mkdir(parents=True)
    (example / "schemas" / "meeting.schema.json").write_text("{}", encoding="utf-8")
    assert schema_path(meeting, example, KIND["meeting"].schema_file) == "../../schemas/meeting.schema.json"


def test_schemas_outside_the_repository_are_never_used(tmp_path):
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "people.schema.json").write_text("{}", encoding="utf-8")
    repo = tmp_path / "csp"  # not in a git work tree: only its own schemas/ counts
    assert schema_path(repo / "records" / "people.yaml", repo, KIND["people"].schema_file) == "../schemas/people.schema.json"


def test_vscode_settings_cover_every_kind():
    mapping = vscode_settings()["yaml.schemas"]
    globs = {g for gs in mapping.values() for g in gs}
    assert globs == {"cspkit.yaml", *(f"records/{k.pattern}" for k in KINDS)}
    assert vscode_settings("data")["yaml.schemas"]["./schemas/meeting.schema.json"] == ["data/meetings/*.yaml"]


def test_files_written_by_workflow_commands_are_canonical(mini, cli):
    """What cspkit writes needs no cspkit fmt afterwards (so CI's fmt --check stays green)."""
    assert cli("--repo", mini, "fmt").code == 0
    r = cli("--repo", mini, "update", "new", "2023-10-12", "mini-council")
    assert r.code == 0, r.err
    form = mini / "records" / "updates" / "2023-10-12" / "mini-council.yaml"
    assert form.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../../../schemas/partner-update.schema.json\n")
    assert cli("--repo", mini, "fmt", "--check").code == 0
