"""The content-hash cache (.cspkit-cache/): it may make validate faster, never different.

Every test compares against a run with the cache turned off (``CSPKIT_CACHE=0``), which is
exactly what cspkit did before it had a cache.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path

import pytest
from test_invalid_records import CASES, INVALID, build_case

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


@pytest.fixture(autouse=True)
def own_key(tmp_path, monkeypatch):
    """Each test signs its cache with a key of its own (kept under XDG_CACHE_HOME)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("CSPKIT_CACHE", raising=False)


@pytest.fixture
def mini(mini):
    """The mini repository without any cache a run on the fixture itself left there."""
    shutil.rmtree(cache_dir(mini), ignore_errors=True)
    return mini


def outputs(root: Path) -> tuple:
    """What ``cspkit validate`` prints, in every format."""
    from cspkit import validate as v
    from cspkit.cli.reporters import problems_github, problems_json, problems_text

    report = v.validate(root)
    return report.files, problems_text(report), problems_json(report), problems_github(report)


def uncached(root: Path, monkeypatch) -> tuple:
    with monkeypatch.context() as m:
        m.setenv("CSPKIT_CACHE", "0")
        return outputs(root)


class ParseCounter:
    """Counts the files actually parsed (not served by the cache)."""

    def __init__(self, monkeypatch):
        from cspkit.yaml import read as yamlio

        self.calls = 0
        real = yamlio.parse

        def counting(text):
            self.calls += 1
            return real(text)

        monkeypatch.setattr(yamlio, "parse", counting)


def cache_dir(root: Path) -> Path:
    return root / ".cspkit-cache"


# --------------------------------------------------------------------------- same output


def test_cold_and_warm_runs_print_what_an_uncached_run_prints(mini, monkeypatch):
    want = uncached(mini, monkeypatch)
    assert not cache_dir(mini).exists()  # CSPKIT_CACHE=0 writes nothing

    cold = outputs(mini)
    names = {p.name for p in cache_dir(mini).iterdir()}
    assert {"report.bin", ".gitignore"} <= names and any(n.startswith("parsed-") for n in names)
    counter = ParseCounter(monkeypatch)
    warm = outputs(mini)
    assert counter.calls == 0  # the stored report was used
    assert cold == warm == want
    assert "no problems" in want[1]


def test_the_cache_folder_ignores_itself_in_git(mini):
    outputs(mini)
    assert (cache_dir(mini) / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


@pytest.mark.parametrize("name", CASES)
def test_a_repository_with_problems_reports_the_same_cold_and_warm(name, tmp_path, monkeypatch):
    repo = build_case(INVALID / name, tmp_path / "repo")
    shutil.rmtree(cache_dir(repo), ignore_errors=True)
    want = uncached(repo, monkeypatch)
    assert outputs(repo) == want  # cold
    assert outputs(repo) == want  # warm


def test_the_cli_prints_the_same_cold_and_warm(mini, cli):
    broken = mini / "records" / "meetings" / "2023-10-12.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "chair: nobody-known\nvenu: x\n", encoding="utf-8")
    runs = [cli("--repo", mini, "validate", "--format", fmt) for fmt in ("text", "json", "github") for _ in (0, 1)]
    for first, second in zip(runs[::2], runs[1::2], strict=False):
        assert (first.code, first.out, first.err) == (second.code, second.out, second.err)
        assert first.code == 1


# --------------------------------------------------------------------------- changes are seen


def edit_keeping_mtime(path: Path, old: str, new: str) -> None:
    """Change a file's content but not its modification time (nor, here, its size)."""
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_a_changed_file_is_seen_even_when_its_mtime_is_not(mini, monkeypatch):
    meeting = mini / "records" / "meetings" / "2023-07-13.yaml"
    assert "chair: alice-smith" in meeting.read_text(encoding="utf-8")
    clean = outputs(mini)
    assert "no problems" in clean[1]

    edit_keeping_mtime(meeting, "chair: alice-smith", "chair: alice-smyth")
    counter = ParseCounter(monkeypatch)
    changed = outputs(mini)
    assert counter.calls == 1  # only the changed file is parsed again
    assert changed == uncached(mini, monkeypatch)
    problems = [line for line in changed[1].splitlines() if "alice-smyth" in line]
    assert problems and all(p.startswith("records/meetings/2023-07-13.yaml:7:") for p in problems)
    assert changed[1].splitlines()[-1].startswith(f"{len(problems)} problems in 1 file")

    edit_keeping_mtime(meeting, "chair: alice-smyth", "chair: alice-smith")
    assert outputs(mini) == clean  # and changed back, the old content is found by its hash


def test_one_changed_file_rewrites_only_the_parsed_data_it_touches(mini, monkeypatch):
    """The parsed data is kept in sixteen files: a change to one record rewrites the one or two
    that held its old text and hold its new one, and the next run parses nothing again."""
    outputs(mini)
    files = sorted(cache_dir(mini).glob("parsed-*.bin"))
    assert len(files) > 2
    before = {f.name: f.stat().st_ino for f in files}
    meeting = mini / "records" / "meetings" / "2023-07-13.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace("chair: alice-smith", "chair: alice-smyth"),
                       encoding="utf-8")
    outputs(mini)
    after = {f.name: f.stat().st_ino for f in cache_dir(mini).glob("parsed-*.bin")}
    rewritten = [name for name in after if before.get(name) != after[name]]
    assert 1 <= len(rewritten) <= 2
    want = uncached(mini, monkeypatch)
    (cache_dir(mini) / "report.bin").unlink()  # so that the records are loaded, through the parsed data
    from cspkit.yaml import read as yamlio

    parsed: list[str] = []
    real = yamlio.parse
    monkeypatch.setattr(yamlio, "parse", lambda text: parsed.append(text) or real(text))
    assert outputs(mini) == want
    config = (mini / "cspkit.yaml").read_text(encoding="utf-8")
    assert parsed and set(parsed) == {config}  # only to find the records folder: no record is parsed again


def test_touching_a_file_changes_nothing(mini, monkeypatch):
    first = outputs(mini)
    people = mini / "records" / "people.yaml"
    st = people.stat()
    os.utime(people, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    counter = ParseCounter(monkeypatch)
    assert outputs(mini) == first
    assert counter.calls == 0  # same content: nothing is parsed again


def test_a_new_and_a_removed_file_are_seen(mini, monkeypatch):
    outputs(mini)
    stray = mini / "records" / "meetings" / "notes.yml"
    stray.write_text("a: 1\n", encoding="utf-8")
    with_stray = outputs(mini)
    assert "notes.yml" in with_stray[1]
    assert with_stray == uncached(mini, monkeypatch)
    stray.unlink()
    assert outputs(mini) == uncached(mini, monkeypatch)


def test_a_paper_file_appearing_is_seen(mini, monkeypatch):
    """A paper's Markdown file is only checked for existence, and that is part of the key."""
    meeting = mini / "records" / "meetings" / "2023-10-12.yaml"
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text + "  - kind: document\n    source: papers/note.md\n", encoding="utf-8")
    missing = outputs(mini)
    assert "paper file not found: records/papers/note.md" in missing[1]
    (mini / "records" / "papers").mkdir()
    (mini / "records" / "papers" / "note.md").write_text("# Note\n", encoding="utf-8")
    assert outputs(mini) == uncached(mini, monkeypatch)
    assert "no problems" in outputs(mini)[1]


# --------------------------------------------------------------------------- a bad cache is no cache


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "folder"])
def test_a_corrupt_cache_is_ignored_and_rebuilt(mini, monkeypatch, damage):
    want = outputs(mini)
    for path in [*cache_dir(mini).glob("parsed-*.bin"), cache_dir(mini) / "report.bin"]:
        if damage == "garbage":
            path.write_bytes(os.urandom(64) + path.read_bytes()[64:])
        elif damage == "truncated":
            path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
        elif damage == "empty":
            path.write_bytes(b"")
        else:
            path.unlink()
            path.mkdir()
    assert outputs(mini) == want
    if damage != "folder":
        counter = ParseCounter(monkeypatch)
        assert outputs(mini) == want
        assert counter.calls == 0  # rebuilt: the next run is warm again


def test_a_cache_signed_with_another_key_is_ignored(mini, tmp_path, monkeypatch):
    """A cache someone else wrote (or one committed to the repository) is never trusted."""
    outputs(mini)
    broken = mini / "records" / "people.yaml"
    broken.write_text("people: [\n", encoding="utf-8")
    want = uncached(mini, monkeypatch)
    saved = tmp_path / "saved-cache"
    shutil.copytree(cache_dir(mini), saved)  # a report of the broken state, signed with this key

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-user"))
    shutil.rmtree(cache_dir(mini))
    shutil.copytree(saved, cache_dir(mini))
    counter = ParseCounter(monkeypatch)
    assert outputs(mini) == want
    assert counter.calls > 0  # nothing was taken from the foreign cache


def test_a_cache_file_naming_code_is_never_unpickled(mini, monkeypatch):
    """Even correctly signed, a cache file may only hold plain data and dates."""
    from cspkit import cache as cache_mod

    want = outputs(mini)
    cache = cache_mod.Cache.open(mini)

    class Boom:
        def __reduce__(self):
            return (os.system, ("echo pwned > " + str(mini / "pwned"),))

    import hmac

    payload = pickle.dumps({"code": cache_mod.code_fingerprint(), "entries": {b"x": Boom()}})
    (cache_dir(mini) / "parsed-0.bin").write_bytes(hmac.new(cache._key, payload, "sha256").digest() + payload)
    (cache_dir(mini) / "report.bin").unlink()
    assert outputs(mini) == want
    assert not (mini / "pwned").exists()


def test_the_cache_can_be_turned_off(mini, monkeypatch):
    monkeypatch.setenv("CSPKIT_CACHE", "0")
    outputs(mini)
    assert not cache_dir(mini).exists()


# --------------------------------------------------------------------------- the render path


def test_open_repo_gives_the_same_records_with_the_cache(mini, monkeypatch):
    from cspkit.session import open_repo

    with monkeypatch.context() as m:
        m.setenv("CSPKIT_CACHE", "0")
        plain = open_repo(mini)
    cold = open_repo(mini)
    warm = open_repo(mini)
    for repo in (cold, warm):
        assert repo.meetings == plain.meetings
        assert repo.actions == plain.actions
        assert repo.updates == plain.updates
        assert repo.config == plain.config
        assert {rel: s.text for rel, s in repo.sources.items()} == {rel: s.text for rel, s in plain.sources.items()}


def test_open_repo_still_refuses_a_broken_repository_after_a_clean_run(mini):
    from cspkit.errors import RecordError
    from cspkit.session import open_repo

    open_repo(mini)
    meeting = mini / "records" / "meetings" / "2023-10-12.yaml"
    edit_keeping_mtime(meeting, "status: scheduled", "status: scheduld")
    with pytest.raises(RecordError) as exc:
        open_repo(mini)
    assert "records/meetings/2023-10-12.yaml:" in str(exc.value)


def test_cross_record_problems_are_found_after_a_clean_run(mini, monkeypatch):
    """A change in one file that breaks a reference in another (the people registry here)."""
    from cspkit.errors import RecordError
    from cspkit.session import open_repo

    open_repo(mini)
    assert "no problems" in outputs(mini)[1]
    people = mini / "records" / "people.yaml"
    text = people.read_text(encoding="utf-8")
    assert "id: alice-smith" in text
    people.write_text(text.replace("id: alice-smith", "id: alice-smyth"), encoding="utf-8")
    with pytest.raises(RecordError):
        open_repo(mini)
    assert outputs(mini) == uncached(mini, monkeypatch)
    assert "unknown" in outputs(mini)[1]


# --------------------------------------------------------------------------- the stat shortcut


class ReadCounter:
    """Counts the record files read whole (by the one reading rule: fileio.read_file, or read_walked in the
    cache's walk) under a folder."""

    def __init__(self, monkeypatch, folder: Path):
        from cspkit import fileio
        from cspkit.yaml import read as yaml_read

        self.paths: list[Path] = []
        prefix = str(folder)

        def counting(real):
            def read(path, **kw):
                if str(path).startswith(prefix) and Path(path).suffix == ".yaml":
                    self.paths.append(Path(path))
                return real(path, **kw)
            return read

        monkeypatch.setattr(fileio, "read_file", counting(fileio.read_file))
        monkeypatch.setattr(fileio, "read_walked", counting(fileio.read_walked))  # the cache's walk
        monkeypatch.setattr(yaml_read, "read_file", counting(yaml_read.read_file))


@pytest.mark.skipif(os.name != "posix", reason="the stat shortcut is taken on POSIX only")
def test_an_unchanged_settled_file_is_not_read_again(mini, monkeypatch):
    from cspkit import cache as cache_mod

    monkeypatch.setattr(cache_mod, "RACY_NS", -10**18)  # every file counts as long settled
    want = outputs(mini)
    outputs(mini)  # records what it saw
    reads = ReadCounter(monkeypatch, mini / "records")
    assert outputs(mini) == want
    assert reads.paths == []

    meeting = mini / "records" / "meetings" / "2023-07-13.yaml"
    edit_keeping_mtime(meeting, "chair: alice-smith", "chair: alice-smyth")  # the change time moves
    changed = outputs(mini)
    assert meeting in reads.paths
    assert changed == uncached(mini, monkeypatch)
    assert "alice-smyth" in changed[1]


@pytest.mark.skipif(os.name != "posix", reason="the stat shortcut is taken on POSIX only")
def test_an_unchanged_file_is_read_only_to_locate_a_problem_a_change_elsewhere_made_in_it(mini, monkeypatch):
    """A command that only reads takes an unchanged file's data from the cache; when a change
    elsewhere (a person's id) makes a problem in it, the file is read to say on which line."""
    from cspkit import cache as cache_mod

    monkeypatch.setattr(cache_mod, "RACY_NS", -10**18)  # every file counts as long settled
    outputs(mini)
    outputs(mini)  # records what it saw
    people = mini / "records" / "people.yaml"
    edit_keeping_mtime(people, "id: alice-smith", "id: alice-smyth")
    reads = ReadCounter(monkeypatch, mini / "records")
    changed = outputs(mini)
    read = list(reads.paths)
    assert changed == uncached(mini, monkeypatch)
    meeting = mini / "records" / "meetings" / "2023-07-13.yaml"
    assert "records/meetings/2023-07-13.yaml:7:" in changed[1]  # chair: alice-smith, line 7
    assert meeting in read and people in read
    assert mini / "records" / "organisations.yaml" not in read  # no problem there: never read


def test_a_file_hashed_right_after_a_change_is_read_again(mini, monkeypatch):
    """Where the stat would not show a second change (same size, same times, no ctime), the
    file is read again because it had only just changed when it was hashed."""
    from cspkit import cache as cache_mod

    monkeypatch.setattr(cache_mod, "_stat_key", lambda st: (st.st_ino, st.st_size, st.st_mtime_ns))
    meeting = mini / "records" / "meetings" / "2023-07-13.yaml"
    edit_keeping_mtime(meeting, "chair: alice-smith", "chair: alice-smith")  # a fresh change
    outputs(mini)
    outputs(mini)
    edit_keeping_mtime(meeting, "chair: alice-smith", "chair: alice-smyth")
    assert "alice-smyth" in outputs(mini)[1]
    assert outputs(mini) == uncached(mini, monkeypatch)


@pytest.mark.parametrize("cached", [True, False])
def test_papers_found_by_the_walk_are_read_without_resolving_their_paths_again(tmp_path, monkeypatch, cached):
    """The walk of the records folder (the cache's snapshot, or loading's own without a cache)
    saw every paper and no link on the way: the checks read them from there (a county's papers
    took a tenth of a second to resolve) and say what they said before, for a paper not UTF-8,
    a folder and a missing one."""
    from cspkit import load

    repo = build_case(INVALID / "paper-files-unreadable", tmp_path / "repo")
    want = uncached(repo, monkeypatch)
    if not cached:
        monkeypatch.setenv("CSPKIT_CACHE", "0")
        from cspkit.yaml import read as yaml_read

        real_read = yaml_read.read_file

        def record_read(path, **kwargs):  # record files too come from the walk, as found
            assert "records" not in Path(path).parts, f"{path} was found by the walk, then resolved"
            return real_read(path, **kwargs)

        monkeypatch.setattr(yaml_read, "read_file", record_read)

    def resolving(real):
        def read(path, **kwargs):
            # a folder and a missing file are no file the walk found: those take the long way
            assert Path(path).name not in ("latin1.md", "fine.md"), f"{path} was found by the walk, then resolved"
            return real(path, **kwargs)
        return read

    monkeypatch.setattr(load, "read_text", resolving(load.read_text))
    monkeypatch.setattr(load, "probe_file", resolving(load.probe_file))
    assert outputs(repo) == want
    assert "not UTF-8 text" in want[1] and "is a folder" in want[1] and "not found" in want[1]


def test_model_field_descriptions_are_kept_per_module_and_read_back_the_same(tmp_path, monkeypatch):
    """Field descriptions come from the models' sources (docstrings under each field); they are
    kept in the user's cache folder, by the module file's size and modification time, and what
    is read back is what parsing the source gives. A kept file that is damaged, or stale, is
    not believed."""
    from cspkit.models import common, meeting

    def fresh(filename: str) -> dict:
        common._module_docstrings.cache_clear()
        common._kept_docstrings.cache_clear()
        return common._module_docstrings(filename)

    source = meeting.__file__
    parsed = common._read_docstrings(source)
    assert parsed[next(k for k in parsed if k[0] == "MinutePart")]["heading"].startswith("A sub-heading")
    assert fresh(source) == parsed  # the first run keeps them
    kept = tmp_path / "xdg" / "cspkit" / common._KEPT_DOCSTRINGS
    assert kept.is_file()

    monkeypatch.setattr(common, "_read_docstrings", lambda filename: pytest.fail("parsed again"))
    assert fresh(source) == parsed  # later runs read them back

    stale = json.loads(kept.read_text(encoding="utf-8"))
    stale[source]["stamp"][0] += 1  # the module has changed since
    stale[source]["classes"][0][2] = {"text": "a stale description"}
    kept.write_text(json.dumps(stale), encoding="utf-8")
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("CSPKIT_CACHE", raising=False)
    assert fresh(source) == parsed
    kept.write_text("{not json", encoding="utf-8")
    assert fresh(source) == parsed
