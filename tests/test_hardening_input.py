"""Bad input, part two: what the data-driven corpus in tests/invalid/ cannot express.

tests/invalid/ holds one folder per broken record (YAML syntax, tabs, duplicate keys, wrong
types, unknown keys, impossible dates, enums, dangling references, duplicate ids, unsafe ids,
YAML 1.1 surprises, tags, control characters, nesting, encodings, folders where files should
be, ``.yml``…) and pins the exact ``validate`` output. This module adds the cases that need
code: an alias bomb timed and measured, files over the size limit, unreadable files, YAML 1.1
words that must stay *text*, and bad input to every other command (workflow, render, review,
core), each asserting the exact message and exit code and that nothing was written.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from conftest import snapshot

from cspkit.yaml import read as yamlio
from cspkit.yaml.locate import compose

TESTS = Path(__file__).resolve().parent
INVALID = TESTS / "invalid"


@pytest.fixture(autouse=True)
def _no_repo_from_env(monkeypatch):
    monkeypatch.delenv("CSPKIT_REPO", raising=False)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def validate_lines(cli, repo: Path) -> tuple[int, list[str], str]:
    r = cli("--repo", repo, "validate")
    assert "Traceback" not in r.out + r.err and "internal error" not in r.err
    return r.code, r.out.splitlines(), r.err


COMMAND_CASES: dict[str, tuple] = {}  # filled below; counted here


def _leaf_commands() -> set[str]:
    from cspkit.cli.app import build_app

    out: set[str] = set()

    def walk(cmd, path):
        subs = getattr(cmd, "commands", None) or {}
        if not subs:
            out.add(" ".join(path))
        for name, sub in subs.items():
            walk(sub, [*path, name])

    walk(build_app(), [])
    return out


def test_the_bad_input_corpus_covers_every_record_kind_and_every_command():
    folders = [p for p in INVALID.iterdir() if p.is_dir()]
    assert len(folders) >= 60
    assert len(COMMAND_CASES) >= 40
    files: set[str] = set()
    for folder in folders:
        for name in ("expected.txt", "expected-stderr.txt"):
            if (folder / name).exists():
                files |= {line.split(":")[0] for line in (folder / name).read_text(encoding="utf-8").splitlines()}
    kinds = {"cspkit.yaml": "config", "records/people.yaml": "people", "records/organisations.yaml": "organisations",
             "records/meetings/": "meeting", "records/actions/": "actions", "records/updates/": "partner-update",
             "records/psa/": "psa", "records/forward-programme.yaml": "forward-programme",
             "records/performance/": "performance"}
    covered = {kind for prefix, kind in kinds.items() for f in files if f.startswith(prefix)}
    assert covered == set(kinds.values())
    commands = {" ".join(a for a in args[:2] if not a.startswith("-")) for args, *_ in COMMAND_CASES.values()}
    commands = {c if c in _leaf_commands() else c.split()[0] for c in commands}
    assert _leaf_commands() <= commands, _leaf_commands() - commands


# --------------------------------------------------------------------------- YAML 1.1 words stay text


@pytest.mark.parametrize("rel, old, new, getter, value", [
    ("records/meetings/2023-10-12.yaml", "status: scheduled\n", "status: scheduled\nvenue: on\n",
     lambda r: r.meetings[dt.date(2023, 10, 12)].venue, "on"),
    ("records/meetings/2023-10-12.yaml", "status: scheduled\n", "status: scheduled\nnote: 10:30\n",
     lambda r: r.meetings[dt.date(2023, 10, 12)].note, "10:30"),
    ("records/people.yaml", "  role: Community Safety Manager\n", "  role: NO\n",
     lambda r: r.people["carol-white"].role, "NO"),
    ("records/organisations.yaml", "  short_name: Police\n", "  short_name: off\n",
     lambda r: r.organisations["mini-police"].short_name, "off"),
    ("records/actions/2023-07-13.yaml", "    note: Draft plan shared with partners.\n", "    note: yes\n",
     lambda r: r.actions["2023-07-13/3.1"].history[0].note, "yes"),
    ("records/psa/2023.yaml", "    reason: Superseded by the county agreement.\n", "    reason: n\n",
     lambda r: r.psa[2023].recommendations[1].removed.reason, "n"),
    ("records/forward-programme.yaml", "  item: Hate Crime Strategy\n", "  item: Y\n",
     lambda r: r.programme.items[2].item, "Y"),
    ("records/updates/2023-10-12/mini-police.yaml", "subject: Neighbourhood policing update\n",
     "subject: Off\n", lambda r: r.updates[(dt.date(2023, 10, 12), "mini-police")].subject, "Off"),
    ("cspkit.yaml", "  venue: Committee Room 1\n", "  venue: No\n", lambda r: r.config.defaults.venue, "No"),
    # numbers: YAML 1.2 reads 1e3 as a number, 010 as text (never octal 8), 0o10 as text
    ("records/performance/2023-24.yaml", "value: 410", "value: 1e3",
     lambda r: r.performance["2023-24"].indicators[0].readings[0].value, 1000.0),
    ("records/performance/2023-24.yaml", "value: 410", "value: 010",
     lambda r: r.performance["2023-24"].indicators[0].readings[0].value, 10.0),
    ("records/psa/2023.yaml", "- number: 2\n", "- number: 010\n",
     lambda r: r.psa[2023].recommendations[1].number, 10),
    ("records/people.yaml", "  role: Community Safety Manager\n", "  role: 010\n",
     lambda r: r.people["carol-white"].role, "010"),
    ("records/people.yaml", "  role: Community Safety Manager\n", "  role: 0o10\n",
     lambda r: r.people["carol-white"].role, "0o10"),
], ids=["on-venue", "time-note", "NO-role", "off-short-name", "yes-note", "n-reason", "Y-item", "Off-subject",
        "No-config-venue", "1e3-number", "010-is-ten", "010-psa-number", "010-text", "0o10-text"])
def test_yaml_11_surprises_do_not_happen(mini, cli, rel, old, new, getter, value):
    """Words YAML 1.1 reads as booleans stay text, and numbers are read as a person means them."""
    from cspkit.session import open_repo

    edit(mini / rel, old, new)
    code, out, err = validate_lines(cli, mini)
    assert code == 0, out + [err]
    got = getter(open_repo(mini))
    assert got == value and type(got) is type(value), got


def test_leading_zero_item_number_is_refused(mini, cli):
    """``03`` is not octal and not 3: as a label it would be an item apart from 3, which every
    reference to item 3 would miss. It is refused where it is written."""
    edit(mini / "records/meetings/2023-07-13.yaml", "- number: 3\n", "- number: 03\n")
    code, out, _ = validate_lines(cli, mini)
    assert code == 1
    assert out == ["records/meetings/2023-07-13.yaml:32:11: agenda[2].number: not an item number: write a number "
                   "such as 5 (no leading zero), or a number and a letter such as 8a (got '03')",
                   "1 problem in 1 file (10 checked)"]


# --------------------------------------------------------------------------- alias bombs and size


def billion_laughs(levels: int = 12, width: int = 10) -> str:
    lines = ["items:", "- &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"- &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_quickly_with_bounded_memory(mini, cli):
    """10^13 'lol's if expanded: refused at the first alias, in well under a second, in kilobytes."""
    (mini / "records/forward-programme.yaml").write_text(billion_laughs(), encoding="utf-8")
    cli("--repo", mini, "validate")  # warm up imports so they are not measured
    tracemalloc.start()
    started = time.perf_counter()
    try:
        code, out, _ = validate_lines(cli, mini)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert code == 1
    assert out == ["records/forward-programme.yaml:2:3: anchors and aliases (&name / *name) are not allowed in records",
                   "1 problem in 1 file (10 checked)"]
    assert elapsed < 2.0, elapsed
    assert peak < 50 * 1024 * 1024, peak


def test_billion_laughs_at_the_parser_level():
    started = time.perf_counter()
    with pytest.raises(yamlio.YamlProblem) as exc:
        yamlio.parse(billion_laughs(levels=30))
    assert time.perf_counter() - started < 1.0
    assert (exc.value.line, exc.value.col) == (2, 3)  # the anchor reached twice
    assert compose(billion_laughs(levels=30)) is not None  # composing never expands aliases


def test_deep_nesting_is_refused_not_a_crash():
    """libyaml's composer recurses in C: 100,000 '[' would overflow the stack and kill the process."""
    for text in ("items: " + "[" * 100_000 + "]" * 100_000, "- " * 100_000 + "x", "{a: " * 50_000 + "1" + "}" * 50_000):
        with pytest.raises(yamlio.YamlProblem) as exc:
            yamlio.parse(text)
        assert exc.value.message == "the document is nested more than 1000 levels deep: no record needs that"
        assert exc.value.line == 1
        assert compose(text) is None


def test_a_file_over_the_size_limit_is_refused_before_parsing(mini, cli):
    big = mini / "records/psa/2023.yaml"
    big.write_bytes(b"# " + b"x" * yamlio.MAX_FILE_BYTES + b"\n")
    code, out, _ = validate_lines(cli, mini)
    assert code == 1
    assert out == ["records/psa/2023.yaml: file is 2048 KiB, over the 2048 KiB limit for a record",
                   "1 problem in 1 file (10 checked)"]


def test_a_file_exactly_at_the_size_limit_is_read(mini, cli):
    at_limit = mini / "records/psa/2023.yaml"
    at_limit.write_bytes(b"#" * (yamlio.MAX_FILE_BYTES - 1) + b"\n")
    assert at_limit.stat().st_size == yamlio.MAX_FILE_BYTES
    code, out, _ = validate_lines(cli, mini)
    assert code == 1
    assert out == ["records/psa/2023.yaml:1:1: the file is empty (expected: PSA recommendations)",
                   "1 problem in 1 file (10 checked)"]


# --------------------------------------------------------------------------- unreadable files


def test_an_unreadable_file_is_one_located_line(mini, cli, monkeypatch):
    """Simulated, because root (CI containers) can read a chmod 000 file."""
    victim = (mini / "records/organisations.yaml").resolve()
    _unreadable(monkeypatch, victim)
    code, out, _ = validate_lines(cli, mini)
    assert code == 1
    assert out[0] == "records/organisations.yaml: cannot read file (permission denied)"
    assert out[-1].endswith("(10 checked)")
    # everyone's organisation is now unknown: each is reported where it is used, and nothing crashes
    assert all(line.startswith("records/") for line in out[:-1])


def _unreadable(monkeypatch, victim: Path) -> None:
    """Opening ``victim`` fails as it does for a file the user may not read."""
    real = os.open

    def open_(path, flags, *args, **kwargs):
        if Path(path).resolve() == victim.resolve():
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_)


def test_a_chmod_000_file_is_one_located_line(mini, cli):
    """A file the user may not read. Root reads everything, so as root cspkit runs in a user
    namespace of its own, where root has no power over files outside it (as any user has none)."""
    victim = mini / "records/organisations.yaml"
    victim.chmod(0)
    try:
        if os.geteuid() != 0:
            code, out, _ = validate_lines(cli, mini)
        else:
            proc = subprocess.run([sys.executable, "-m", "cspkit", "--repo", str(mini), "validate"],
                                  preexec_fn=_without_root_powers, capture_output=True, text=True, timeout=120)
            if proc.returncode == 97:
                assert not os.environ.get("CI"), "user namespaces are needed for this test in CI"
                pytest.skip("running as root where user namespaces are off: a chmod 000 file stays readable")
            assert "Traceback" not in proc.stderr, proc.stderr
            code, out = proc.returncode, proc.stdout.splitlines()
    finally:
        victim.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert code == 1
    assert out[0] == "records/organisations.yaml: cannot read file (permission denied)"


def _without_root_powers() -> None:
    """In the child, before cspkit starts: a new user namespace (CLONE_NEWUSER)."""
    import ctypes

    if ctypes.CDLL(None, use_errno=True).unshare(0x10000000) != 0:
        os._exit(97)


def test_an_unreadable_file_in_a_workflow_is_one_line(mini, cli, monkeypatch):
    victim = (mini / "records/actions/2023-07-13.yaml").resolve()
    before = snapshot(mini)
    _unreadable(monkeypatch, victim)
    r = cli("--repo", mini, "actions", "update", "2023-07-13/3.1", "--note", "x", "--date", "2023-09-01")
    assert r.code == 1
    assert r.err == ("error: records/actions/2023-07-13.yaml has problems, fix them first (cspkit validate): "
                     "records/actions/2023-07-13.yaml: cannot read file (permission denied)\n")
    monkeypatch.undo()
    assert snapshot(mini) == before


# --------------------------------------------------------------------------- ids that name files


def test_an_organisation_typed_with_dots_and_slashes_never_leaves_the_updates_folder(mini, cli):
    """The file name comes from the registry id the text resolves to, never from the text."""
    r = cli("--repo", mini, "update", "new", "2023-10-12", "../../mini-council")
    assert r.code == 0, r.err
    assert (mini / "records/updates/2023-10-12/mini-council.yaml").is_file()
    assert sorted(p.name for p in (mini / "records/updates").rglob("*.yaml")) == ["mini-council.yaml",
                                                                                   "mini-police.yaml"]
    assert not list(mini.parent.glob("*.yaml"))


def test_an_unsafe_id_in_the_registry_cannot_be_used_to_name_a_file(mini, cli):
    edit(mini / "records/organisations.yaml", "- id: mini-council", "- id: ../../council")
    before = snapshot(mini)
    r = cli("--repo", mini, "update", "new", "2023-10-12", "Mini Borough Council")
    assert r.code == 1
    assert r.err == ("error: records/organisations.yaml has problems, fix them first (cspkit validate): "
                     "records/organisations.yaml:2:7: organisations[0].id: not a valid id: use lower-case letters, "
                     "digits and hyphens (no spaces, '/', '..' or capitals) (got '../../council')\n")
    assert snapshot(mini) == before


# --------------------------------------------------------------------------- every other command


def _foreign_file_in_build(repo: Path) -> None:
    (repo / "build").mkdir()
    (repo / "build/2023-10-12-agenda-pack.md").write_text("the clerk's own notes\n", encoding="utf-8")


def _git(repo: Path) -> None:
    import subprocess

    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "records"]):
        subprocess.run(["git", *args], cwd=repo, check=True, env=env, capture_output=True)


U2 = "Try 'cspkit {} --help' for help.\n"

COMMAND_CASES.update({
    # ---- workflow: meetings and minutes
    "new-meeting impossible date": (["new-meeting", "--date", "2023-02-30"], 1,
                                    "error: meeting date '2023-02-30' is not a date in the form YYYY-MM-DD\n"),
    "new-meeting exists": (["new-meeting", "--date", "2023-10-12"], 1,
                           "error: records/meetings/2023-10-12.yaml already exists (use --force to replace it)\n"),
    "new-meeting bad flag": (["new-meeting", "--bogus"], 2, "error: No such option: --bogus\n" + U2.format("new-meeting")),
    "minutes start unknown meeting": (["minutes", "start", "2023-10-13"], 1,
                                      "error: no meeting on 2023-10-13: records/meetings/2023-10-13.yaml does not "
                                      "exist (did you mean 2023-07-13 or 2023-10-12?)\n"),
    "minutes circulate without minutes": (["minutes", "circulate", "2023-10-12"], 1,
                                          "error: the meeting on 2023-10-12 has no minutes yet "
                                          "(cspkit minutes start 2023-10-12)\n"),
    "minutes approve at itself": (["minutes", "approve", "2023-07-13", "--at", "2023-07-13"], 1,
                                  "error: minutes are approved at a later meeting: 2023-07-13 is not after 2023-07-13\n"),
    # ---- workflow: minutes as documents
    "minutes draft unknown format": (["minutes", "draft", "2023-10-12", "--format", "pdf"], 2,
                                     "error: Invalid value for '--format' / '-f': 'pdf' is not one of 'docx', "
                                     "'md'.\n" + U2.format("minutes draft")),
    "minutes export without minutes": (["minutes", "export", "2023-10-12", "-o", "{out}/october.docx"], 1,
                                       "error: the meeting on 2023-10-12 has no minutes yet "
                                       "(cspkit minutes draft 2023-10-12)\n"),
    "minutes export wrong ending": (["minutes", "export", "2023-07-13", "--format", "md", "-o", "{out}/july.docx"], 2,
                                    "{out}/july.docx: a md document's name ends with .md\n"),
    "minutes import missing file": (["minutes", "import", "2023-07-13", "{out}/minutes.docx"], 1,
                                    "{out}/minutes.docx: file not found\n"),
    "minutes import bad owner option": (["minutes", "import", "2023-07-13", "{repo}/records/people.yaml",
                                         "--owner", "three=Bob"], 2,
                                        "error: --owner 'three=Bob': write ITEM.N=NAME, e.g. 11.1=\"Dave Stokes\" "
                                        "(N counts the item's decisions from 1; NAME may be none)\n"),
    # ---- workflow: actions
    "actions add unknown person": (["actions", "add", "--meeting", "2023-07-13", "--item", "3", "--owner",
                                    "Nobody Here", "--text", "x"], 1,
                                   "error: unknown person 'Nobody Here'; to add them: cspkit people add \"Nobody "
                                   "Here\" --organisation ORGANISATION\n"),
    "actions add item with dots": (["actions", "add", "--meeting", "2023-07-13", "--item", "../3", "--owner",
                                    "Bob Jones", "--text", "x"], 1,
                                   "error: the meeting on 2023-07-13 has no item ../3 (items: 1, 2, 3, 4)\n"),
    "actions add impossible due": (["actions", "add", "--meeting", "2023-07-13", "--item", "3", "--owner", "Bob Jones",
                                    "--text", "x", "--due", "2023-02-30"], 1,
                                   "error: --due '2023-02-30' is not a date in the form YYYY-MM-DD\n"),
    "actions add missing option": (["actions", "add", "--meeting", "2023-07-13", "--item", "3", "--owner",
                                    "Bob Jones"], 2, "error: Missing option '--text'.\n" + U2.format("actions add")),
    "actions update unknown action": (["actions", "update", "2023-07-13/9.9", "--note", "x"], 1,
                                      "error: no action '2023-07-13/9.9' (did you mean '2023-07-13/3.1'?)\n"),
    "actions update path as id": (["actions", "update", "../../etc/passwd", "--note", "x"], 1,
                                  "error: '../../etc/passwd' is not an action id: write <meeting date>/<item>.<n> "
                                  "with no leading zeros, e.g. 2023-07-13/11.1\n"),
    "actions update unknown status": (["actions", "update", "2023-07-13/3.1", "--status", "finished"], 1,
                                      "error: unknown action status 'finished' (use one of: open, complete, closed)\n"),
    "actions close month 13": (["actions", "close", "2023-07-13/3.1", "--date", "2023-13-01"], 1,
                               "error: --date '2023-13-01' is not a date in the form YYYY-MM-DD\n"),
    "actions reopen an open action": (["actions", "reopen", "2023-07-13/3.1", "--note", "x"], 1,
                                      "error: action 2023-07-13/3.1 is open already: use 'cspkit actions update' "
                                      "to record progress\n"),
    "actions reopen without a reason": (["actions", "reopen", "2023-07-13/3.1"], 2,
                                        "error: Missing option '--note'.\n" + U2.format("actions reopen")),
    "actions list unknown owner": (["actions", "list", "--owner", "Zed Zimmer"], 1,
                                   "error: unknown person 'Zed Zimmer'; to add them: cspkit people add \"Zed "
                                   "Zimmer\" --organisation ORGANISATION\n"),
    "actions list bad format": (["actions", "list", "--format", "xml"], 2,
                                "error: Invalid value for '--format' / '-f': 'xml' is not one of 'table', 'json', "
                                "'csv'.\n" + U2.format("actions list")),
    # ---- workflow: partner updates, PSA, forward programme
    "update new exists": (["update", "new", "2023-10-12", "mini-police"], 1,
                          "error: records/updates/2023-10-12/mini-police.yaml already exists "
                          "(use --force to replace it)\n"),
    "update new unknown partner": (["update", "new", "2023-10-12", "../../etc/passwd"], 1,
                                   "error: unknown organisation '../../etc/passwd'\n"),
    "update chase unknown meeting": (["update", "chase", "2023-10-13"], 1,
                                     "error: no meeting on 2023-10-13: records/meetings/2023-10-13.yaml does not "
                                     "exist (did you mean 2023-07-13 or 2023-10-12?)\n"),
    "update form unknown partner": (["update", "form", "2023-10-12", "Fire Service", "-o", "{out}/f.docx"], 1,
                                    "error: unknown organisation 'Fire Service'; to add it: cspkit organisations add "
                                    "\"Fire Service\"\n"),
    "update form bad format": (["update", "form", "2023-10-12", "mini-police", "--format", "pdf"], 2,
                               "error: unknown format 'pdf' for the form (use docx; cspkit update new writes it "
                               "as YAML)\n"),
    "update form not a docx name": (["update", "form", "2023-10-12", "mini-police", "-o", "{out}/form.doc"], 2,
                                    "error: {out}/form.doc: a Word form's name ends with .docx\n"),
    "update form partner and all": (["update", "form", "2023-10-12", "mini-police", "--all"], 2,
                                    "error: name one partner, or give --all for every partner expected at the "
                                    "meeting\n"),
    "update form over a file": (["update", "form", "2023-10-12", "mini-police", "-o", "{repo}/cspkit.yaml"], 2,
                                "{repo}/cspkit.yaml: a Word form's name ends with .docx\n"),
    "update import missing file": (["update", "import", "{repo}/nothere.docx"], 1, "nothere.docx: no such file\n"),
    "update import a record": (["update", "import", "{repo}/cspkit.yaml"], 1,
                               "cspkit.yaml: is not a Word document (.docx): it is not a zip package\n"),
    "update import a folder": (["update", "import", "{repo}/records"], 1, "error: records: is a folder, not a document\n"),
    "update chase bad deadline": (["update", "chase", "2023-10-12", "--email", "{out}", "--deadline", "soon"], 1,
                                  "error: --deadline 'soon' is not a date in the form YYYY-MM-DD\n"),
    "circulate unknown meeting": (["circulate", "2023-10-13", "--email", "{out}"], 1,
                                  "error: no meeting on 2023-10-13: records/meetings/2023-10-13.yaml does not "
                                  "exist (did you mean 2023-07-13 or 2023-10-12?)\n"),
    "circulate missing pdf": (["circulate", "2023-10-12", "--email", "{out}", "--pdf", "{repo}/pack.pdf"], 1,
                              "error: {repo}/pack.pdf: no such file\n"),
    "psa update unknown number": (["psa", "update", "9", "--note", "x"], 1,
                                  "error: the 2023 PSA has no recommendation 9 (it has 1, 2)\n"),
    "psa update bad year": (["psa", "update", "1", "--note", "x", "--year", "20x"], 1,
                            "error: '20x' is not a year (e.g. 2023)\n"),
    "psa update not a number": (["psa", "update", "x", "--note", "x"], 1,
                                "error: 'x' is not a recommendation number (give N, a list such as 1,2,5, a range "
                                "such as 3-6, or all)\n"),
    "psa remove unknown meeting": (["psa", "remove", "1", "--by", "2023-07-12"], 1,
                                   "error: no meeting on 2023-07-12: records/meetings/2023-07-12.yaml does not exist "
                                   "(did you mean 2023-07-13 or 2023-10-12?)\n"),
    "programme list bad date": (["programme", "list", "--due-by", "Jan"], 1,
                                "error: --due-by 'Jan' is not a date in the form YYYY-MM-DD\n"),
    "programme roll before held": (["programme", "roll", "2023-10-12"], 1,
                                   "error: the meeting on 2023-10-12 is scheduled: roll the forward programme after it "
                                   "is held (cspkit minutes start 2023-10-12)\n"),
    # ---- render
    "render pack unknown meeting": (["render", "pack", "2023-10-13", "-o", "{out}"], 1,
                                    "error: no meeting on 2023-10-13 (records/meetings/2023-10-13.yaml does not exist; "
                                    "meetings: 2023-07-13, 2023-10-12)\n"),
    "render pack malformed date": (["render", "pack", "12/10/2023", "-o", "{out}"], 1,
                                   "error: meeting '12/10/2023' is not a date (YYYY-MM-DD), 'next' or 'latest'\n"),
    "render pack unknown format": (["render", "pack", "latest", "--format", "docx", "-o", "{out}"], 2,
                                   "error: unknown format 'docx' (use pdf, html, md, a comma list, or all)\n"),
    "render pack unknown audience": (["render", "pack", "2023-10-12", "--audience", "everyone", "-o", "{out}"], 2,
                                     "error: Invalid value for '--audience': 'everyone' is not one of 'partners', "
                                     "'public'.\n" + U2.format("render pack")),
    "render pack output is a file": (["render", "pack", "2023-10-12", "--format", "md", "-o",
                                      "{repo}/records/people.yaml"], 2,
                                     "error: Invalid value for '--output' / '-o': dir '{repo}/records/people.yaml' is "
                                     "a file.\n" + U2.format("render pack")),
    "render pack over a foreign file": (["render", "pack", "2023-10-12", "--format", "md", "-o", "{out}"], 1,
                                        "{out}/2023-10-12-agenda-pack.md: exists and was not written by cspkit "
                                        "(use --force to replace it)\n", _foreign_file_in_build),
    "render minutes not held": (["render", "minutes", "2023-10-12", "-o", "{out}"], 1,
                                "error: the meeting on 2023-10-12 has no minutes yet (cspkit minutes start 2023-10-12)\n"),
    "render action-log impossible date": (["render", "action-log", "--as-of", "2023-02-30", "-o", "{out}"], 1,
                                          "error: --as-of '2023-02-30' is not a date in the form YYYY-MM-DD\n"),
    "render forward-programme word date": (["render", "forward-programme", "--as-of", "tomorrow", "-o", "{out}"], 1,
                                           "error: --as-of 'tomorrow' is not a date in the form YYYY-MM-DD\n"),
    "render psa unknown year": (["render", "psa", "2019", "-o", "{out}"], 1,
                                "error: no PSA for 2019 (records/psa/2019.yaml; years: 2023)\n"),
    "render psa not a year": (["render", "psa", "notayear", "-o", "{out}"], 2,
                              "error: Invalid value for 'year': Input should be a valid integer, unable to parse "
                              "string as an integer\n" + U2.format("render psa")),
    "render update unknown partner": (["render", "update", "2023-10-12", "Fire Service", "-o", "{out}"], 1,
                                      "error: unknown organisation 'Fire Service'; to add it: cspkit organisations "
                                      "add \"Fire Service\"\n"),
    "render update path as partner": (["render", "update", "2023-10-12", "../../etc/passwd", "-o", "{out}"], 1,
                                      "error: unknown organisation '../../etc/passwd'\n"),
    "render update none sent": (["render", "update", "2023-07-13", "mini-police", "-o", "{out}"], 1,
                                "error: no update from 'mini-police' for 2023-07-13 (updates for that meeting: none)\n"),
    "actions raise unknown meeting": (["actions", "raise", "2023-07-14"], 1,
                                      "error: no meeting on 2023-07-14: records/meetings/2023-07-14.yaml does not "
                                      "exist (did you mean 2023-07-13 or 2023-10-12?)\n"),
    "psa list unknown year": (["psa", "list", "1999"], 1, "error: no PSA for 1999 (years on file: 2023)\n"),
    "docs bad flag": (["docs", "--bogus"], 2, "error: No such option: --bogus\n" + U2.format("docs")),
    "templates copy path": (["templates", "copy", "../../etc/passwd"], 1,
                            "error: no template '../../etc/passwd' (cspkit templates list shows them)\n"),
    "templates list bad flag": (["templates", "list", "--bogus"], 2,
                                "error: No such option: --bogus\n" + U2.format("templates list")),
    # ---- review
    "fmt missing file": (["fmt", "records/nothere.yaml"], 1, "records/nothere.yaml: file not found\n"),
    "fmt bad flag": (["fmt", "--bogus"], 2, "error: No such option: --bogus\n" + U2.format("fmt")),
    "calendar over an existing file": (["calendar", "-o", "{repo}/cspkit.yaml"], 1,
                                       "{repo}/cspkit.yaml: already exists (use --force to replace it)\n"),
    "calendar into a folder": (["calendar", "-o", "{repo}/records"], 2,
                               "error: Invalid value for '--output' / '-o': file '{repo}/records' is a directory.\n"
                               + U2.format("calendar")),
    "diff outside git": (["diff", "HEAD~1"], 1,
                         "error: {repo} is not inside a git repository (cspkit diff compares git revisions; run git "
                         "init, or pass --repo for a folder that is in one)\n"),
    "diff unknown revision": (["diff", "no-such-branch"], 1,
                              "error: 'no-such-branch' is not a revision in the git repository at {repo} (a branch, "
                              "tag or commit; see git log)\n", _git),
    "diff bad format": (["diff", "--format", "xml"], 2,
                        "error: Invalid value for '--format' / '-f': 'xml' is not one of 'text', 'md', 'json'.\n"
                        + U2.format("diff")),
    # ---- the public website
    "publish unknown meeting": (["publish", "2023-10-13"], 1,
                                "error: no meeting on 2023-10-13 (records/meetings/2023-10-13.yaml does not exist; "
                                "meetings: 2023-07-13, 2023-10-12)\n"),
    "publish impossible day": (["publish", "2023-10-12", "--on", "2023-02-30"], 1,
                               "error: --on '2023-02-30' is not a date in the form YYYY-MM-DD\n"),
    "site build impossible date": (["site", "build", "--as-of", "2023-02-30", "-o", "{out}"], 1,
                                   "error: --as-of '2023-02-30' is not a date in the form YYYY-MM-DD\n"),
    "site build into the records": (["site", "build", "--no-pdf", "-o", "{repo}/records/site"], 1,
                                    "error: {repo}/records/site: is inside the repository's records/ folder; build "
                                    "the site elsewhere (the default is build/site)\n"),
    "site serve nothing built": (["site", "serve", "-d", "{out}", "--port", "0"], 1,
                                 "error: {out}: no site here (build it first: cspkit site build -o {out})\n"),
    "site serve port out of range": (["site", "serve", "--port", "70000"], 2,
                                     "error: Invalid value for '--port' / '-p': Input should be less than or "
                                     "equal to 65535\n" + U2.format("site serve")),
    # ---- core
    "validate bad format": (["validate", "--format", "xml"], 2,
                            "error: Invalid value for '--format' / '-f': 'xml' is not one of 'text', 'json', "
                            "'github'.\n" + U2.format("validate")),
    "validate missing path": (["validate", "{repo}/records/nothere.yaml"], 1,
                              "{repo}/records/nothere.yaml: file not found\n"),
    "schema unknown kind": (["schema", "--kind", "meetings"], 2,
                            "error: unknown record kind 'meetings' (kinds: config, people, organisations, meeting, "
                            "actions, partner-update, psa, forward-programme, performance)\n"),
    "init word date": (["init", "{repo}/new", "--first-meeting", "next week"], 1,
                       "error: --first-meeting 'next week' is not a date in the form YYYY-MM-DD\n"),
})


COMMAND_CASES.update({
    # ---- the registry
    "people add a name already there": (["people", "add", "Bob Jones"], 1,
                                        "error: 'Bob Jones' is already on the registry as 'bob-jones' (cspkit people "
                                        "update bob-jones … changes them; give --id to add a different person of the "
                                        "same name)\n"),
    "people add unknown organisation": (["people", "add", "Fay Flame", "--organisation", "../../etc"], 1,
                                        "error: unknown organisation '../../etc'\n"),
    "people update unknown person": (["people", "update", "Zed Zimmer", "--name", "Z"], 1,
                                     "error: unknown person 'Zed Zimmer'; to add them: cspkit people add \"Zed "
                                     "Zimmer\" --organisation ORGANISATION\n"),
    "people update unsafe id": (["people", "update", "Bob Jones", "--id", "../bob"], 1,
                                "error: '../bob' is not a valid id: use lower-case letters, digits and hyphens\n"),
    "people update id taken": (["people", "update", "Bob Jones", "--id", "carol-white"], 1,
                               "error: there is already a person with the id 'carol-white' (Carol White): give "
                               "another with --id\n"),
    "people update left date": (["people", "update", "Bob Jones", "--left", "31/12/2023"], 1,
                                "error: --left '31/12/2023' is not a date in the form YYYY-MM-DD\n"),
    "people merge into themselves": (["people", "merge", "Bob Jones", "--into", "bob-jones"], 1,
                                     "error: 'Bob Jones' and 'bob-jones' are the same person (bob-jones)\n"),
    "people list bad format": (["people", "list", "--format", "xml"], 2,
                               "error: Invalid value for '--format' / '-f': 'xml' is not one of 'table', 'json', "
                               "'csv'.\n" + U2.format("people list")),
    "organisations add a name already there": (["organisations", "add", "Mini Constabulary"], 1,
                                               "error: 'Mini Constabulary' is already on the registry as "
                                               "'mini-police'\n"),
    "organisations list bad flag": (["organisations", "list", "--bogus"], 2,
                                    "error: No such option: --bogus\n" + U2.format("organisations list")),
    # ---- the agenda and attendance
    "agenda list unknown meeting": (["agenda", "list", "2023-10-13"], 1,
                                    "error: no meeting on 2023-10-13: records/meetings/2023-10-13.yaml does not "
                                    "exist (did you mean 2023-07-13 or 2023-10-12?)\n"),
    "agenda add unknown paper": (["agenda", "add", "2023-10-12", "Item", "--paper", "minutes"], 1,
                                 "error: unknown paper 'minutes' (give one of previous-minutes, action-log, "
                                 "performance, psa-tracker, partner-updates, forward-programme, or a Markdown file "
                                 "under the records folder)\n"),
    "agenda add paper outside records": (["agenda", "add", "2023-10-12", "Item", "--paper", "../../etc/x.md"], 1,
                                         "error: paper file not found: records/../../etc/x.md (give a Markdown file "
                                         "inside the records folder, relative to it)\n"),
    "agenda remove unknown item": (["agenda", "remove", "2023-10-12", "7"], 1,
                                   "error: the meeting on 2023-10-12 has no item 7 (items: 1, 2)\n"),
    "agenda move after minutes": (["agenda", "move", "2023-07-13", "3", "--to", "1"], 1,
                                  "error: the agenda of 2023-07-13 cannot be reordered any more: it has minutes, "
                                  "which refer to its item numbers (cspkit agenda retitle still works; an added item "
                                  "goes at the end)\n"),
    "agenda retitle empty": (["agenda", "retitle", "2023-10-12", "1", " "], 1, "error: give the item's new title\n"),
    "attendance in two groups": (["attendance", "2023-10-12", "--present", "Bob Jones", "--apologies", "bob-jones"],
                                 1, "error: Robert Jones is given as present and as apologies\n"),
    "attendance substitute without =": (["attendance", "2023-10-12", "--substitute", "Dan Green"], 1,
                                        "error: --substitute 'Dan Green': write WHO=FOR WHOM, e.g. \"Rik Basra=Anita "
                                        "Chavda\"\n"),
    # ---- minutes, PSA, forward programme
    "minutes external over minutes": (["minutes", "external", "2023-07-13", "--reference", "Website"], 1,
                                      "error: the meeting on 2023-07-13 has minutes in records/meetings/2023-07-13.yaml "
                                      "already (draft)\n"),
    "minutes approve at an unheld meeting": (["minutes", "approve", "2023-07-13", "--at", "2023-10-12"], 1,
                                          "error: the meeting on 2023-10-12 is scheduled: minutes are approved at a "
                                          "meeting that has been held (cspkit minutes start 2023-10-12 once it has)\n"),
    "psa new year on file": (["psa", "new", "2023"], 1,
                             "error: records/psa/2023.yaml already exists (cspkit psa add 2023 TEXT adds to it; "
                             "--force replaces it)\n"),
    "psa new missing file": (["psa", "new", "2024", "--from-file", "{repo}/nothere.md"], 1,
                             "{repo}/nothere.md: file not found\n"),
    "psa add unknown year": (["psa", "add", "2030", "A recommendation."], 1,
                             "error: no PSA for 2030 (years on file: 2023; cspkit psa new 2030 starts it)\n"),
    "programme add bad date": (["programme", "add", "Item", "--date", "2024-13"], 1,
                               "error: --date '2024-13' is not a meeting's date (YYYY-MM-DD), a month (YYYY-MM), tbc "
                               "or civic-year\n"),
    "programme defer unknown row": (["programme", "defer", "nope", "--to", "tbc"], 1,
                                    "error: no forward programme row 'nope'\n"),
})


@pytest.mark.parametrize("name", list(COMMAND_CASES))
def test_bad_command_input_is_one_exact_message_and_changes_nothing(name, mini, cli, monkeypatch):
    args, code, expected, *setup = COMMAND_CASES[name]
    repo = mini.resolve()
    for fn in setup:
        fn(repo)
    monkeypatch.chdir(repo)
    out = repo / "build"
    fill = lambda s: s.replace("{repo}", str(repo)).replace("{out}", str(out))  # noqa: E731
    before = snapshot(repo)
    r = cli("--repo", repo, *[fill(a) for a in args])
    assert (r.code, r.err) == (code, fill(expected)), r.out
    assert "Traceback" not in r.out + r.err
    assert len(r.err.splitlines()) == (1 if code == 1 else len(fill(expected).splitlines()))
    after = snapshot(repo)
    assert {k: v for k, v in after.items() if not k.startswith("build/")} == \
           {k: v for k, v in before.items() if not k.startswith("build/")}
    assert {k for k in after if k.startswith("build/")} <= {k for k in before if k.startswith("build/")}
