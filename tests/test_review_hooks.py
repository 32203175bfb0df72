"""The pre-commit hooks and CI files, as a records repository meets them.

``pre-commit try-repo`` would build a virtualenv and install cspkit into it (needing the
network); this does what it does next instead: read ``.pre-commit-hooks.yaml``, pick the
staged files each hook's ``files`` pattern matches, run its ``entry`` on them in the
records repository, and call the hook failed when it exits non-zero or changes a file.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))

pytestmark = pytest.mark.skipif(subprocess.run(["git", "--version"], capture_output=True).returncode != 0,
                                reason="git is not installed")


def hook(hook_id: str) -> dict:
    return next(h for h in HOOKS if h["id"] == hook_id)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=Clerk", "-c", "user.email=clerk@example.org", *args],
                          cwd=repo, capture_output=True, text=True, check=True).stdout




def run_hook(spec: dict, repo: Path) -> tuple[bool, str]:
    """Run one hook the way pre-commit does; (passed, output)."""
    git(repo, "add", "-A")
    staged = git(repo, "ls-files").splitlines()
    pattern = re.compile(spec.get("files", ""))
    exclude = re.compile(spec["exclude"]) if spec.get("exclude") else None
    files = [f for f in staged if pattern.search(f) and not (exclude and exclude.search(f))]
    if not files and not spec.get("always_run"):
        return True, "(no files to check)"
    entry = shlex.split(spec["entry"])
    assert entry[0] == "cspkit"
    cmd = [sys.executable, "-m", "cspkit", *entry[1:], *spec.get("args", [])]
    if spec.get("pass_filenames", True):
        cmd += files
    env = {k: v for k, v in os.environ.items() if k != "CSPKIT_REPO"}
    proc = subprocess.run(cmd, cwd=repo, capture_output=True, text=True, env=env)
    # Like pre-commit: a hook that modified a staged file failed (ignored files such as
    # .cspkit-cache/ do not count).
    changed = git(repo, "diff", "--name-only").split()
    return proc.returncode == 0 and not changed, proc.stdout + proc.stderr + "".join(changed)


@pytest.fixture
def records_repo(tmp_path, cli) -> Path:
    """A new partnership repository, as ``cspkit init`` makes it, under git."""
    repo = tmp_path / "csp"
    assert cli("init", repo, "--name", "Testshire CSP", "--first-meeting", "2024-03-14").code == 0
    git(repo, "init", "-q", "-b", "main")
    return repo


def test_the_hooks_are_declared_for_any_records_repository():
    assert [h["id"] for h in HOOKS] == ["cspkit-validate", "cspkit-fmt"]
    for spec in HOOKS:
        assert spec["language"] == "python"
        assert shlex.split(spec["entry"])[0] == "cspkit"
        pattern = re.compile(spec["files"])
        assert pattern.search("cspkit.yaml")
        assert pattern.search("records/meetings/2024-03-14.yaml")
        assert pattern.search("records/updates/2024-03-14/police.yaml")
        assert not pattern.search("schemas/meeting.schema.json")
        assert not pattern.search(".github/workflows/cspkit.yml")
        assert not pattern.search("docs/cspkit.yaml")
    assert hook("cspkit-validate")["pass_filenames"] is False  # one change can break a reference elsewhere


def test_both_hooks_pass_on_a_clean_repository(records_repo):
    for spec in HOOKS:
        passed, output = run_hook(spec, records_repo)
        assert passed, f"{spec['id']}: {output}"


def test_fmt_hook_rewrites_a_file_typed_by_hand_then_passes(records_repo):
    people = records_repo / "records" / "people.yaml"
    people.write_text("people:\n- {name: Alice Smith, id: alice-smith, aliases: [Cllr Smith]}\n", encoding="utf-8")

    passed, output = run_hook(hook("cspkit-fmt"), records_repo)
    assert not passed  # pre-commit stops the commit: the hook changed a file
    assert "records/people.yaml" in output
    assert people.read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../schemas/people.schema.json\n"
        "people:\n- id: alice-smith\n  name: Alice Smith\n  aliases:\n  - Cllr Smith\n")

    passed, output = run_hook(hook("cspkit-fmt"), records_repo)
    assert passed, output  # the second commit attempt goes through
    assert run_hook(hook("cspkit-validate"), records_repo)[0]


def test_validate_hook_fails_on_a_broken_reference(records_repo):
    meeting = records_repo / "records" / "meetings" / "2024-03-14.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8") + "chair: nobody-known\n", encoding="utf-8")
    passed, output = run_hook(hook("cspkit-validate"), records_repo)
    assert not passed
    assert "records/meetings/2024-03-14.yaml:" in output
    assert "nobody-known" in output


def test_fmt_hook_reports_a_file_that_does_not_parse(records_repo):
    (records_repo / "records" / "people.yaml").write_text("people: [\n", encoding="utf-8")
    passed, output = run_hook(hook("cspkit-fmt"), records_repo)
    assert not passed
    assert "records/people.yaml:" in output and "YAML syntax" in output


# --------------------------------------------------------------------------- init's CI and editor files


def test_init_writes_the_github_workflow(records_repo):
    workflow = yaml.safe_load((records_repo / ".github" / "workflows" / "cspkit.yml").read_text(encoding="utf-8"))
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as true
    assert set(triggers) == {"push", "pull_request"}
    steps = workflow["jobs"]["records"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "pip install" in runs and "cspkit" in runs
    assert "cspkit validate --format github" in runs
    assert "cspkit fmt --check" in runs
    assert 'cspkit render pack next --format pdf --audience "$AUDIENCE" -o build/' in runs
    assert 'cspkit diff "origin/$BASE_REF" HEAD --format md --audience "$AUDIENCE"' in runs
    assert "gh pr comment" in runs
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # the base branch is needed for the diff
    diff_step = next(s for s in steps if "cspkit diff" in s.get("run", ""))
    assert "pull_request" in diff_step["if"]
    assert diff_step["env"]["BASE_REF"] == "${{ github.base_ref }}"  # never pasted into the script
    # A public repository's artifacts and comments are readable by anyone: its pack and diff are
    # for the public; a private repository's are for the partners.
    render_step = next(s for s in steps if "cspkit render" in s.get("run", ""))
    for step in (diff_step, render_step):
        assert step["env"]["AUDIENCE"] == "${{ github.event.repository.private && 'partners' || 'public' }}"


def test_init_writes_vscode_settings_that_map_every_record_folder(records_repo):
    from cspkit.models import CONFIG_KIND, KINDS

    settings = json.loads((records_repo / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    for kind in (CONFIG_KIND, *KINDS):
        schema = f"./schemas/{kind.name}.schema.json"
        assert (records_repo / schema).is_file(), schema
        glob = kind.pattern if kind is CONFIG_KIND else f"records/{kind.pattern}"
        assert glob in mapping[schema]
    recommended = json.loads((records_repo / ".vscode" / "extensions.json").read_text(encoding="utf-8"))
    assert recommended["recommendations"] == ["redhat.vscode-yaml"]


def test_every_record_file_names_its_schema_and_the_schema_is_there(records_repo):
    from cspkit.load import kind_for

    for path in sorted(records_repo.rglob("*.yaml")):
        kind = kind_for(path, records_repo)
        if kind is None:
            continue
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target == (records_repo / "schemas" / f"{kind.name}.schema.json").resolve()
        assert target.is_file()


def test_the_embedded_records_name_schemas_that_exist():
    from cspkit.fmt import record_files
    from cspkit.load import kind_for

    for root in (ROOT, ROOT / "examples" / "county-board"):
        if not (root / "cspkit.yaml").is_file():
            continue
        for path in record_files(root):
            first = path.read_text(encoding="utf-8").splitlines()[0]
            if not first.startswith("# yaml-language-server: $schema="):
                continue  # cspkit fmt --check reports it
            target = (path.parent / first.split("$schema=", 1)[1]).resolve()
            assert target.name == f"{kind_for(path, root).name}.schema.json"
            assert target.is_file(), f"{path}: {target} does not exist (cspkit schema -o schemas)"
