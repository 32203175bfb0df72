"""The core commands as a user runs them: validate, init, schema, --version and --help.

Every test goes through ``cspkit.cli.run`` (the real entry point with the error handling)
and checks what a person would look at: the exit code and the exact lines printed.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import snapshot
from jsonschema import Draft7Validator

from cspkit import __version__
from cspkit.load import kind_for
from cspkit.models import KINDS
from cspkit.yaml import read as yamlio

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"

ALL_KINDS = ["config", *(k.name for k in KINDS)]

VENU_LINE = "records/meetings/2023-07-13.yaml:5:1: venu: unknown key 'venu' (did you mean 'venue'?)"
ROLE_LINE = ("records/people.yaml:27:9: people[4].role: Input should be a valid string (got 101); "
             "YAML read this as a number: put it in quotes")


@pytest.fixture(autouse=True)
def _no_repo_from_env(monkeypatch):
    monkeypatch.delenv("CSPKIT_REPO", raising=False)


@pytest.fixture
def broken(mini: Path) -> Path:
    """The mini repository with one problem in a meeting and one in people.yaml."""
    meeting = mini / "records" / "meetings" / "2023-07-13.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace("venue: Committee", "venu: Committee"),
                       encoding="utf-8")
    people = mini / "records" / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("  role: Chief Inspector", "  role: 101"),
                      encoding="utf-8")
    return mini


# --------------------------------------------------------------------------- validate


def test_validate_clean_repo_text(mini, cli):
    r = cli("--repo", mini, "validate")
    assert r.code == 0
    assert r.out == "10 files checked, no problems\n"
    assert r.err == ""


def test_validate_problems_text(broken, cli):
    r = cli("--repo", broken, "validate")
    assert r.code == 1
    assert r.out.splitlines() == [VENU_LINE, ROLE_LINE, "2 problems in 2 files (10 checked)"]
    assert r.err == ""


def test_validate_json_clean(mini, cli):
    r = cli("--repo", mini, "validate", "--format", "json")
    assert r.code == 0
    assert json.loads(r.out) == {"ok": True, "files_checked": 10, "errors": 0, "warnings": 0, "problems": []}


def test_validate_json_problems(broken, cli):
    r = cli("--repo", broken, "validate", "-f", "json")
    assert r.code == 1
    report = json.loads(r.out)
    assert report["ok"] is False
    assert report["files_checked"] == 10
    assert report["problems"] == [
        {"file": "records/meetings/2023-07-13.yaml", "line": 5, "column": 1, "field": "venu",
         "message": "unknown key 'venu' (did you mean 'venue'?)", "code": "unknown-key", "severity": "error"},
        {"file": "records/people.yaml", "line": 27, "column": 9, "field": "people[4].role",
         "message": "Input should be a valid string (got 101); YAML read this as a number: put it in quotes",
         "code": "invalid-value", "severity": "error"},
    ]


def test_validate_github_annotations(broken, cli):
    r = cli("--repo", broken, "validate", "--format", "github")
    assert r.code == 1
    lines = r.out.splitlines()
    assert lines[:2] == [
        "::error file=records/meetings/2023-07-13.yaml,line=5,col=1,title=cspkit%3A venu::"
        "unknown key 'venu' (did you mean 'venue'?)",
        "::error file=records/people.yaml,line=27,col=9,title=cspkit%3A people[4].role::"
        "Input should be a valid string (got 101); YAML read this as a number: put it in quotes",
    ]
    assert all(line.startswith("::error file=") for line in lines[:-1])
    assert lines[-1] == "2 problems in 2 files (10 checked)"


def test_validate_github_clean(mini, cli):
    r = cli("--repo", mini, "validate", "--format", "github")
    assert r.code == 0
    assert r.out == "10 files checked, no problems\n"


def test_validate_unknown_format_is_a_usage_error(mini, cli):
    r = cli("--repo", mini, "validate", "--format", "xml")
    assert r.code == 2
    assert r.out == ""
    assert r.err.splitlines() == [
        "error: Invalid value for '--format' / '-f': 'xml' is not one of 'text', 'json', 'github'.",
        "Try 'cspkit validate --help' for help.",
    ]


def test_unknown_command_is_a_usage_error(mini, cli):
    r = cli("--repo", mini, "valdate")
    assert r.code == 2
    assert r.err.splitlines()[0].startswith("error: No such command 'valdate'")


def test_validate_paths_narrow_the_report(broken, cli):
    r = cli("--repo", broken, "validate", broken / "records" / "people.yaml")
    assert r.code == 1
    assert r.out.splitlines() == [ROLE_LINE, "1 problem in 1 file (10 checked)"]

    r = cli("--repo", broken, "validate", broken / "records" / "meetings")
    assert r.code == 1
    assert r.out.splitlines() == [VENU_LINE, "1 problem in 1 file (10 checked)"]


def test_validate_paths_without_problems_exit_0(broken, cli):
    """Naming only clean files passes, as a pre-commit hook run on them should."""
    r = cli("--repo", broken, "validate", broken / "records" / "psa", broken / "cspkit.yaml")
    assert r.code == 0
    assert r.out == "10 files checked, no problems\n"


def test_validate_paths_relative_to_the_current_folder(broken, cli, monkeypatch):
    monkeypatch.chdir(broken / "records" / "meetings")
    r = cli("validate", "2023-07-13.yaml")
    assert r.code == 1
    assert r.out.splitlines() == [VENU_LINE, "1 problem in 1 file (10 checked)"]


def test_validate_missing_path(mini, cli):
    missing = mini / "records" / "nothing.yaml"
    r = cli("--repo", mini, "validate", missing)
    assert r.code == 1
    assert r.err.splitlines() == [f"{missing}: file not found"]
    assert "Traceback" not in r.err


def test_validate_path_outside_the_repository(mini, tmp_path, cli):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("a: 1\n", encoding="utf-8")
    r = cli("--repo", mini, "validate", outside)
    assert r.code == 1
    # (a message starting with a *.yaml path is printed as a located line, without "error: ")
    assert r.err.splitlines() == [f"{outside}: not inside the repository {mini}"]


def test_validate_finds_the_repository_upwards(broken, cli, monkeypatch):
    monkeypatch.chdir(broken / "records" / "updates" / "2023-10-12")
    r = cli("validate")
    assert r.code == 1
    assert r.out.splitlines() == [VENU_LINE, ROLE_LINE, "2 problems in 2 files (10 checked)"]


def test_validate_uses_cspkit_repo_from_the_environment(broken, tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CSPKIT_REPO", str(broken))
    r = cli("validate")
    assert r.code == 1
    assert VENU_LINE in r.out.splitlines()


def test_validate_outside_any_repository(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = cli("validate")
    assert r.code == 1
    assert r.out == ""
    assert r.err == (f"error: no cspkit.yaml in {tmp_path.resolve()} or any folder above it (run cspkit in a "
                     "partnership's repository, pass --repo DIR, or start one with cspkit init)\n")


def test_repo_pointing_nowhere(tmp_path, cli):
    nowhere = tmp_path / "no" / "such" / "folder"
    r = cli("--repo", nowhere, "validate")
    assert r.code == 1
    assert r.out == ""
    assert r.err == f"error: {nowhere}: no such folder (give --repo the folder that holds cspkit.yaml)\n"
    assert "Traceback" not in r.err


def test_repo_pointing_at_a_file_is_a_usage_error(mini, cli):
    r = cli("--repo", mini / "cspkit.yaml", "validate")
    assert r.code == 2
    assert "is a file" in r.err.splitlines()[0]
    assert r.err.startswith("error: ")


def test_validate_reports_a_broken_config(mini, cli):
    cfg = mini / "cspkit.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("  short_name: Mini CSP\n", ""), encoding="utf-8")
    r = cli("--repo", mini, "validate")
    assert r.code == 1
    # a missing key points at the key of the mapping that should hold it
    assert r.out.splitlines() == ["cspkit.yaml:2:1: partnership: required key 'short_name' is missing",
                                  "1 problem in 1 file (10 checked)"]


# --------------------------------------------------------------------------- init


def test_init_creates_a_repository_that_validates(tmp_path, cli):
    target = tmp_path / "new-csp"
    r = cli("init", target, "--name", "Testshire Community Safety Partnership", "--short-name", "Testshire CSP",
            "--first-meeting", "2024-03-14")
    assert r.code == 0, r.err
    assert r.out.splitlines()[-1].startswith(f"Created a cspkit repository in {target} (")
    assert (target / "cspkit.yaml").is_file()
    assert (target / "records" / "meetings" / "2024-03-14.yaml").is_file()
    assert (target / "schemas" / "meeting.schema.json").is_file()
    for line in r.out.splitlines()[:-1]:
        assert Path(line).is_file(), line

    r = cli("--repo", target, "validate")
    assert r.code == 0, r.out
    assert r.out.endswith("files checked, no problems\n")

    cfg = yamlio.parse((target / "cspkit.yaml").read_text(encoding="utf-8"))
    assert cfg["partnership"]["name"] == "Testshire Community Safety Partnership"
    assert cfg["partnership"]["short_name"] == "Testshire CSP"


@pytest.mark.parametrize("name", ["#1 Partnership", "A: B", "Safer 'Oakshire' — \"North\" & East", "yes",
                                  "2024-01-01", "- list? [x] {y} %z @a `b` *c !d |e >f"])
def test_init_writes_any_name_as_yaml_needs_it(tmp_path, cli, name):
    """A name is data, not text pasted into YAML: '#1 …' (a comment), 'A: B' (a mapping), 'yes'
    (a boolean to older readers) and the rest come back exactly, and the repository validates."""
    target = tmp_path / "csp"
    r = cli("init", target, "--name", name, "--first-meeting", "2024-03-14")
    assert r.code == 0, r.err
    r = cli("--repo", target, "validate")
    assert r.code == 0, r.out
    cfg = yamlio.parse((target / "cspkit.yaml").read_text(encoding="utf-8"))
    assert cfg["partnership"]["name"] == cfg["partnership"]["short_name"] == name


def test_init_refuses_a_name_on_two_lines(tmp_path, cli):
    r = cli("init", tmp_path / "csp", "--name", "Oakshire\nCSP")
    assert (r.code, r.err) == (1, "error: --name must be a name on one line, without control characters\n")
    assert not (tmp_path / "csp").exists()


def test_init_ignores_the_cache_the_build_and_leftover_temporary_files(tmp_path, cli):
    """git never offers to commit what cspkit writes for itself, nor the temporary file a
    write killed between writing and renaming leaves next to a record."""
    import subprocess

    target = tmp_path / "new-csp"
    assert cli("init", target, "--name", "Testshire Community Safety Partnership").code == 0
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    leftovers = [".cspkit-cache/report.bin", "build/2024-03-14-agenda-pack.pdf",
                 "records/actions/.2023-07-13.yaml.k2j4x9.tmp"]
    kept = ["records/actions/2023-07-13.yaml", "records/papers/report.md"]
    probe = subprocess.run(["git", "-C", str(target), "check-ignore", "--no-index", *leftovers, *kept],
                           capture_output=True, text=True)
    assert probe.stdout.splitlines() == leftovers


def test_init_refuses_a_second_time_and_writes_nothing(tmp_path, cli):
    target = tmp_path / "csp"
    assert cli("init", target, "--first-meeting", "2024-03-14").code == 0
    (target / "cspkit.yaml").write_text("# edited by hand\n" + (target / "cspkit.yaml").read_text(encoding="utf-8"),
                                        encoding="utf-8")
    (target / "records" / "people.yaml").unlink()  # even with a file missing, nothing is (re)written
    before = snapshot(target)

    r = cli("init", target, "--first-meeting", "2024-05-09")
    assert r.code == 1
    assert r.out == ""
    err = r.err.splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"error: {target}: already holds cspkit.yaml, ")
    assert err[0].endswith("; cspkit init never overwrites a repository")
    assert snapshot(target) == before


def test_init_refuses_a_folder_with_a_clashing_file(tmp_path, cli):
    target = tmp_path / "notes"
    target.mkdir()
    (target / "README.md").write_text("my notes\n", encoding="utf-8")
    r = cli("init", target)
    assert r.code == 1
    assert r.err == (f"error: {target}: already holds README.md; cspkit init never overwrites a repository\n")
    assert snapshot(target) == {"README.md": b"my notes\n"}


def test_init_bad_date_is_refused(tmp_path, cli):
    r = cli("init", tmp_path / "x", "--first-meeting", "14/03/2024")
    assert r.code == 1
    assert r.err == "error: --first-meeting '14/03/2024' is not a date in the form YYYY-MM-DD\n"
    assert not (tmp_path / "x").exists()


# --------------------------------------------------------------------------- schema


def test_schema_prints_every_kind(cli):
    r = cli("schema")
    assert r.code == 0
    schemas = json.loads(r.out)
    assert list(schemas) == ALL_KINDS
    for name, schema in schemas.items():
        assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
        assert schema["$id"] == f"https://cspkit.dev/schema/{name}.json"
        Draft7Validator.check_schema(schema)
        assert "$defs" not in json.dumps(schema), name  # draft-07 uses definitions


def test_schema_one_kind(cli):
    r = cli("schema", "--kind", "meeting")
    assert r.code == 0
    schema = json.loads(r.out)
    assert schema["$id"] == "https://cspkit.dev/schema/meeting.json"
    assert schema["required"] == ["date"]
    assert {"date", "status", "attendance", "agenda", "minutes"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False


def test_schema_unknown_kind(cli):
    r = cli("schema", "--kind", "meetings")
    assert r.code == 2
    assert r.out == ""
    assert r.err == f"error: unknown record kind 'meetings' (kinds: {', '.join(ALL_KINDS)})\n"


def test_schema_out_writes_files(tmp_path, cli):
    out = tmp_path / "schemas"
    r = cli("schema", "--out", out)
    assert r.code == 0
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(f"{k}.schema.json" for k in ALL_KINDS)
    assert sorted(Path(line).name for line in r.out.splitlines()) == written
    meeting = json.loads((out / "meeting.schema.json").read_text(encoding="utf-8"))
    assert meeting["$id"] == "https://cspkit.dev/schema/meeting.json"
    assert meeting == json.loads(cli("schema", "--kind", "meeting").out)
    # a second run replaces the files (they are generated) rather than refusing
    assert cli("schema", "--out", out).code == 0


def _json_ready(value):
    """YAML dates become ISO strings, as an editor's JSON view of the file has them."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return value


def _schemas(tmp_path, cli) -> dict[str, dict]:
    out = tmp_path / "schemas"
    assert cli("schema", "--out", out).code == 0
    return {k: json.loads((out / f"{k}.schema.json").read_text(encoding="utf-8")) for k in ALL_KINDS}


MINI_FILES = sorted(p.relative_to(MINI).as_posix() for p in MINI.rglob("*.yaml"))


def test_mini_has_a_file_of_every_kind():
    kinds = {kind_for(MINI / rel, MINI).name for rel in MINI_FILES}
    assert kinds == set(ALL_KINDS)


@pytest.mark.parametrize("rel", MINI_FILES)
def test_mini_records_match_the_exported_schema(rel, tmp_path, cli):
    """What cspkit accepts, the schema given to editors accepts too."""
    kind = kind_for(MINI / rel, MINI)
    schema = _schemas(tmp_path, cli)[kind.name]
    data = _json_ready(yamlio.parse((MINI / rel).read_text(encoding="utf-8")))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft7Validator(schema).iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize("edit, where", [
    (("venue: Committee Room 1", "venu: Committee Room 1"), []),
    (("  - person: bob-jones\n", "  - person: bob-jones\n    remote: yes\n"), ["attendance", "present", 1, "remote"]),
    (("status: held", "status: postponed"), ["status"]),
])
def test_exported_schema_rejects_bad_records(edit, where, tmp_path, cli):
    schema = _schemas(tmp_path, cli)["meeting"]
    text = (MINI / "records/meetings/2023-07-13.yaml").read_text(encoding="utf-8").replace(*edit)
    errors = list(Draft7Validator(schema).iter_errors(_json_ready(yamlio.parse(text))))
    assert [list(e.absolute_path) for e in errors] == [where]


# --------------------------------------------------------------------------- version and help


def test_version(cli):
    r = cli("--version")
    assert r.code == 0
    assert r.out == f"cspkit {__version__}\n"


def test_version_fast_path(capsys):
    from cspkit.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"cspkit {__version__}\n"


def test_main_exits_with_the_code_of_run(broken, capsys):
    """The console script must fail CI when validate finds problems."""
    from cspkit.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["--repo", str(broken), "validate"])
    assert exc.value.code == 1


def _command_paths() -> list[list[str]]:
    from cspkit.cli.app import build_app

    paths: list[list[str]] = []

    def walk(cmd, path):
        paths.append(path)
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            walk(sub, [*path, name])

    walk(build_app(), [])
    return paths


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "cspkit")
def test_help_on_every_command(path, cli):
    r = cli(*path, "--help")
    assert r.code == 0, r.err
    assert f"Usage: {' '.join(['cspkit', *path])} " in r.out
    assert r.err == ""


@pytest.mark.parametrize("command", ["validate", "init", "schema"])
def test_core_commands_are_registered(command):
    assert [command] in _command_paths()


def test_no_arguments_shows_help(cli):
    r = cli()
    assert r.code == 0
    assert "Usage: cspkit " in r.out
    for command in ("validate", "init", "schema"):
        assert command in r.out


def test_internal_errors_are_logged_not_shown(mini, cli, monkeypatch, tmp_path):
    """An unexpected exception: one line naming the log file, exit 3, no traceback on screen."""
    import cspkit.validate

    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(cspkit.validate, "validate", boom)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    r = cli("--repo", mini, "validate")
    assert r.code == 3
    assert "Traceback" not in r.err
    line, = r.err.splitlines()
    assert line.startswith("internal error: RuntimeError. This is a bug in cspkit; details in ")
    log = Path(line.rsplit("details in ", 1)[1])
    assert log.parent == tmp_path / "cache" / "cspkit"
    assert "RuntimeError: kaboom" in log.read_text(encoding="utf-8")


def test_the_committed_schemas_are_current(tmp_path, cli):
    """schemas/ is what editors and CI read: it must be what `cspkit schema --out` writes now.

    When this fails, run `cspkit schema --out schemas` and commit the result.
    """
    out = tmp_path / "schemas"
    assert cli("schema", "--out", out).code == 0
    committed = Path(__file__).resolve().parent.parent / "schemas"
    assert sorted(p.name for p in committed.iterdir()) == sorted(p.name for p in out.iterdir())
    for fresh in out.iterdir():
        stale = (committed / fresh.name).read_text(encoding="utf-8") != fresh.read_text(encoding="utf-8")
        assert not stale, f"schemas/{fresh.name} is stale: run `cspkit schema --out schemas`"
