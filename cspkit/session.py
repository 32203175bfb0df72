"""One session per command: load the records once, change them, write all or nothing.

:func:`open_session` loads the repository through the parse cache and checks it; a command
that writes opens it with ``write=True``, which first takes the repository's write lock, so
that two commands changing the records at once queue instead of losing each other's work.
A workflow then asks the session for what it needs (a meeting by date, a person by name),
records its changes (:meth:`Session.edit`, :meth:`Session.create`) and :meth:`Session.commit`s:

1. each change is made from the very text that was read, and only to the lines it means to
   change (:func:`cspkit.yaml.write.edit_text`);
2. the records as changed are checked: a change that would add an error is refused, with the
   problems it would add, and nothing is written (warnings never refuse);
3. every file is written to a temporary file beside it and fsync'd; when more than one file
   changes, an intent journal naming them all is written before any is replaced; then each
   replaces its file, the journal is removed, and the lock released.

A command killed between two replacements leaves the journal: the next command to open the
repository (any command) completes the change and says so. A file that changed on disk since
it was read (by an editor, not by cspkit: cspkit holds the lock) is never replaced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from cspkit import fileio, gcpolicy
from cspkit.cache import CACHE_DIR, MISSING, Cache, ParseCache
from cspkit.checks import check_repo, scoped_checks
from cspkit.errors import ConflictError, NotFound, Problem, RecordError, UserError
from cspkit.fileio import fsync_dir, real_path, write_temporary
from cspkit.load import check_stray_files, finish, kind_for, load_repo, read_source, validate_source
from cspkit.locate import find_root
from cspkit.lookup import organisation_index, parse_date, people_index
from cspkit.models import BY_NAME, Kind
from cspkit.models.meeting import Meeting, MeetingStatus
from cspkit.repo import Repo, Source
from cspkit.yaml.layout import schema_comment
from cspkit.yaml.read import MAX_FILE_BYTES, records_dir_of
from cspkit.yaml.write import Align, edit_text, new_file_text

#: How long a writing command waits for another to finish before giving up (seconds).
LOCK_TIMEOUT = 30.0
LOCK_NAME = "write.lock"
JOURNAL_NAME = "journal.json"


# --------------------------------------------------------------------------- checking


def check_all(root: Path, cache: ParseCache | None = None, read_all: bool = True) -> tuple[Repo, list[Problem]]:
    """Load and check the repository at ``root``: the repo and every problem, located and sorted.

    With a :class:`cspkit.cache.Cache`, files whose text was parsed before are not parsed
    again, and the report is kept. When the cache holds a report for exactly the files on disk
    now (same content, same names, same cspkit), the cross-record checks are not run: they are a
    function of those files, and the report holds what they found (each problem with the check
    that found it, so a writing session's incremental checks start from it). Without
    ``read_all`` (a command that only reads), a file whose stat is the one the last report
    recorded is not read at all: its data comes from the cache by its digest, and its text is
    read only if a problem in it needs locating.
    """
    cache = cache if cache is not None else Cache.for_loading(root)
    real = cache if isinstance(cache, Cache) else None
    if real is not None and real.snap is None:
        real.snapshot(read_all=read_all)
    known = real.report() if real is not None else None
    trusted = known is not None  # a stray file would be in the report too
    repo, problems = load_repo(root, cache, strays=not trusted)
    cache.save()
    if trusted and known is not None:
        loaded = Counter(p.key for p in problems)
        if known[1] == len(repo.sources) and not loaded - Counter(p.key for p in known[0] if not p.check):
            gcpolicy.keep(repo, cache)
            return repo, known[0]
        check_stray_files(repo, problems)  # not the same files after all
        checked = None
    else:
        checked = _check_since(repo, problems, real) if real is not None else None
    problems = checked if checked is not None else finish(repo, problems + check_repo(repo, loaded=problems))
    if real is not None:
        real.save_report(repo.config.records_dir if repo.config is not None else "records", problems,
                         len(repo.sources))
    gcpolicy.keep(repo, cache)
    return repo, problems


def _check_since(repo: Repo, loaded: list[Problem], cache: Cache) -> list[Problem] | None:
    """Every problem of ``repo`` (``loaded``: its files' own), worked out from the last report
    kept when only some YAML files changed since it was made: the per-record checks run again
    only over the files those changes affect (:func:`affected_files`), as a writing session
    checks its change; the other checks run whole. None: no such report, or a change whose
    reach cannot be told (then everything is checked).
    """
    previous, snap = cache.previous(), cache.snap
    if previous is None or snap is None or snap.records is None:
        return None
    now = {rel: entry[1] for rel, entry in snap.seen.items()}
    changed = {rel for rel in now.keys() | previous.digests.keys() if now.get(rel) != previous.digests.get(rel)}
    if not changed:
        return None  # the same files, yet no report for them (a different count of records, say)
    records_dir = repo.config.records_dir if repo.config is not None else "records"
    olds: dict[str, Source | None] = {}
    for inner in changed:
        path = snap.records / inner
        rel = repo.rel(path)
        digest = previous.digests.get(inner)
        if digest is None:
            olds[rel] = None  # new since: it was not there before
            continue
        kind = kind_for(path, repo.root, records_dir)
        data = cache.parsed(digest)
        if kind is None or data is MISSING:
            return None  # not a record file (a stray), or what it held is not kept
        old = Source(path=path, rel=rel, kind=kind, digest=digest, data=data if isinstance(data, dict) else None)
        validate_source(old, [])
        olds[rel] = old
    scope = affected_files(repo.replacing(olds), repo, set(olds), previous.problems)
    if scope is None:
        return None
    scoped = scoped_checks()
    kept = [p for p in previous.problems if p.check in scoped and p.file not in scope]
    return finish(repo, loaded + kept + check_repo(repo, scope, loaded))


def open_repo(root: Path | None = None, strict: bool = True) -> Repo:
    """Load and check a repository for reading; with ``strict``, any error refuses.

    This is what every command that only reads records (render, calendar) calls first.
    """
    with open_session(root) as session:
        if strict and session.errors:
            raise RecordError(session.errors)
        return session.repo


# --------------------------------------------------------------------------- the session


@dataclass
class Change:
    """The pending new text of one file, and what it replaces."""

    path: Path
    text: str
    kind: Kind[Any]
    #: SHA-256 of the bytes read (None: a new file, which must still not exist)
    expect: bytes | None
    old_text: str | None = None


@dataclass
class CommitResult:
    """What a commit wrote (or, for a dry run, would write)."""

    written: list[Path] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    dry_run: bool = False


class Session:
    """A loaded repository for one command, and the changes it is making."""

    def __init__(self, root: Path, repo: Repo, problems: list[Problem], cache: ParseCache,
                 lock: _WriteLock | None = None, notes: list[str] | None = None):
        self.root = root
        self.repo = repo
        self.problems = problems
        self.cache = cache
        self._lock = lock
        self.notes: list[str] = notes or []
        self.changes: dict[Path, Change] = {}

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def close(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ paths
    @property
    def records(self) -> Path:
        return self.repo.records_dir

    def path(self, kind: str, key: Any = None) -> Path:
        """The file of record kind ``kind`` (a name such as ``meeting``) that holds ``key``."""
        return self.repo.path_for(BY_NAME[kind], key)

    def rel(self, path: Path) -> str:
        return self.repo.rel(path)

    # ------------------------------------------------------------------ lookups
    def invalid(self, path: Path) -> UserError:
        """The error for a record file that exists but did not load."""
        rel = self.rel(path)
        mine = [p.format() for p in self.problems if p.file == rel and p.is_error][:1]
        detail = f": {mine[0]}" if mine else ""
        return UserError(f"{rel} has problems, fix them first (cspkit validate){detail}")

    def meeting(self, value: str | dt.date) -> Meeting:
        """The meeting on a date (``YYYY-MM-DD``); unknown ones are refused with the nearest dates."""
        day = parse_date(value, "meeting date")
        found = self.repo.meetings.get(day)
        if found is not None:
            return found
        path = self.path("meeting", day)
        if path.exists():
            raise self.invalid(path)
        near = sorted(self.repo.meetings, key=lambda d: abs((d - day).days))[:3]
        hint = f" (did you mean {' or '.join(str(d) for d in sorted(near))}?)" if near else " (no meetings yet)"
        raise NotFound(f"no meeting on {day}: {self.rel(path)} does not exist{hint}")

    def person(self, text: str) -> str:
        """A person's id from an id, name or alias as typed; unknown/ambiguous refused with suggestions."""
        self._registry_loaded("people")
        return people_index(self.repo.people).resolve(text.strip())

    def _registry_loaded(self, kind: str) -> None:
        """Refuse to look a name up in a registry file that exists but did not load (else every
        name in it would look unknown, and adding one would be the wrong advice)."""
        path = self.path(kind)
        src = self._source(path)
        if src is not None and src.model is None and path.exists():
            raise self.invalid(path)

    def people(self, texts: list[str]) -> list[str]:
        """Ids of people as typed; joint owners may be written "A/B"."""
        out: list[str] = []
        for t in texts:
            for part in [p for p in re.split(r"\s*/\s*", t) if p]:
                pid = self.person(part)
                if pid not in out:
                    out.append(pid)
        return out

    def organisation(self, text: str) -> str:
        self._registry_loaded("organisations")
        return organisation_index(self.repo.organisations).resolve(text.strip())

    def person_name(self, pid: str | None) -> str:
        if pid is None:
            return ""
        p = self.repo.people.get(pid)
        return p.name if p else pid

    def org_name(self, oid: str | None) -> str:
        if oid is None:
            return ""
        o = self.repo.organisations.get(oid)
        return o.name if o else oid

    def names(self) -> dict[str, str]:
        """People's ids to names, for display."""
        return {pid: p.name for pid, p in self.repo.people.items()}

    # ------------------------------------------------------------------ changes
    def _kind(self, path: Path) -> Kind[Any]:
        records_dir = self.repo.config.records_dir if self.repo.config else "records"
        kind = kind_for(path, self.root, records_dir)
        if kind is None:
            raise ValueError(f"{path} is not a record file")  # a bug in the calling workflow
        return kind

    def _source(self, path: Path) -> Source | None:
        return self.repo.sources.get(self.rel(path))

    def text_of(self, path: Path) -> str:
        """The text of a record file as this session has it (changed, or as read)."""
        path = real_path(path)
        if path in self.changes:
            return self.changes[path].text
        src = self._source(path)
        if src is None or not src.text:
            raise NotFound(f"{self.rel(path)}: file not found")
        return src.text

    def edit(self, path: Path, mutate: Callable[[Any], None], align: Align | None = None) -> None:
        """Change the data of the record file ``path`` with ``mutate`` (plain dicts and lists).

        Only the lines that hold what changed are rewritten; comments, layout and line endings
        stay. The change is made to the text this session read (or already changed). ``align``
        tells list items apart where items are inserted, removed or moved (see
        :func:`cspkit.yaml.write.splice`).
        """
        path = real_path(path)
        kind = self._kind(path)
        pending = self.changes.get(path)
        if pending is not None:
            pending.text = edit_text(pending.text, mutate, kind.model, self._modeline(path, kind), align)
            return
        src = self._source(path)
        if src is None or src.data is None:
            if path.exists():
                raise self.invalid(path)
            raise NotFound(f"{self.rel(path)}: file not found")
        text = edit_text(src.text, mutate, kind.model, self._modeline(path, kind), align)
        self.changes[path] = Change(path, text, kind, src.digest, src.text)

    def create(self, path: Path, data: dict[str, Any], *, force: bool = False,
               comments: dict[str, str] | None = None) -> None:
        """A new record file holding ``data`` (laid out canonically, with its schema modeline).

        An existing file is replaced only with ``force``.
        """
        path = real_path(path)
        kind = self._kind(path)
        text = new_file_text(data, kind.model, self._modeline(path, kind), comments)
        src = self._source(path)
        if path in self.changes:
            self.changes[path].text = text
        elif path.exists() or src is not None:
            if not force:
                raise ConflictError(f"{self.rel(path)} already exists (use --force to replace it)")
            self.changes[path] = Change(path, text, kind, src.digest if src else _digest_file(path),
                                        src.text if src else None)
        else:
            self.changes[path] = Change(path, text, kind, None)

    def _modeline(self, path: Path, kind: Kind[Any]) -> str:
        return schema_comment(path, self.root, kind.schema_file)

    # ------------------------------------------------------------------ checking a change
    def check_changes(self) -> list[Problem]:
        """The errors the pending changes would add (compared with the records as read)."""
        if not self.changes:
            return []
        after = _changed_repo(self)
        before_counts = Counter(p.key for p in self.problems if p.is_error)
        added: list[Problem] = []
        for p in after:
            if not p.is_error:
                continue
            if before_counts[p.key] > 0:
                before_counts[p.key] -= 1
            else:
                added.append(p)
        return added

    def commit(self, dry_run: bool = False) -> CommitResult:
        """Check the pending changes; write them all, or (refusing, or ``dry_run``) none."""
        changes = [c for c in self.changes.values() if c.text != c.old_text]
        problems = self.check_changes()
        if problems:
            raise RecordError([_refused(p) for p in problems])
        if dry_run or not changes:
            return CommitResult([c.path for c in changes], changes, dry_run)
        if self._lock is None:
            raise RuntimeError("a session that writes must be opened with write=True")  # a bug in a workflow
        _write_all(self.root, changes)
        self.changes.clear()
        return CommitResult([c.path for c in changes], changes)


def _refused(p: Problem) -> Problem:
    p.message = f"{p.message} (change refused; nothing was written)"
    return p


def _digest_file(path: Path) -> bytes | None:
    """The SHA-256 of a file about to be replaced (None: not there, or not a file cspkit reads)."""
    try:
        return hashlib.sha256(_read_or_none(path) or b"").digest() if path.exists() else None
    except UserError:
        return None


def _changed_repo(session: Session) -> list[Problem]:
    """Every problem of the records with the session's changes in place.

    Files that did not change keep the problems found when they were read; changed files are
    read (from their new text) and validated again; then the cross-record checks run over the
    records as changed — whole, or, where :func:`affected_files` can say which files a change
    affects, the per-record checks only over those (the rest keep what they found before).
    """
    before = session.repo
    new_file_problems: list[Problem] = []
    by_rel = {session.rel(c.path): c for c in session.changes.values()}
    news: dict[str, Source | None] = {}
    for rel, change in by_rel.items():
        kind = before.sources[rel].kind if rel in before.sources else change.kind
        new = read_source(change.path, session.root, kind, new_file_problems, session.cache, rel, change.text)
        validate_source(new, new_file_problems)
        news[rel] = new
    repo = before.replacing(news)
    kept_file_problems = [p for p in session.problems if not p.check and p.file not in by_rel]
    loaded = kept_file_problems + new_file_problems
    scope = affected_files(before, repo, set(by_rel), session.problems)
    if scope is None:
        return finish(repo, loaded + check_repo(repo, loaded=loaded))
    scoped = scoped_checks()
    kept = [p for p in session.problems if p.check in scoped and p.file not in scope]
    return finish(repo, loaded + kept + check_repo(repo, scope, loaded))


def affected_files(before: Repo, after: Repo, changed: set[str],
                   problems: list[Problem] | None = None) -> frozenset[str] | None:
    """The files whose records a change to the files ``changed`` can affect the checks of
    (None: any — a change to cspkit.yaml or a registry, or a file that starts or stops loading,
    except a new meeting file that loads where no record names a meeting that does not exist:
    ``problems`` are the records' problems before the change).

    The changed files themselves, and the files of records that refer to what a changed file
    holds (old or new): a meeting's actions, updates, PSA and programme rows and the meetings
    that name it; the meeting whose decisions link to changed actions; the meeting an update
    or a programme row belongs to.
    """
    files = set(changed)
    memo_before: dict[str, Any] = {}
    memo_after: dict[str, Any] = {}
    for rel in changed:
        old, new = before.sources.get(rel), after.sources.get(rel)
        kind = (new or old).kind if (new or old) is not None else None  # type: ignore[union-attr]
        if kind is None or kind.name in ("config", "people", "organisations"):
            return None
        if (old is None or old.model is None) != (new is None or new.model is None) and \
                not _new_meeting_is_local(old, new, problems):
            return None  # references into a file that did or did not load are judged differently
        for src in (old, new):
            if src is None or src.model is None:
                continue
            for index, key, record in src.kind.entries(src.model):
                for repo, memo in ((before, memo_before), (after, memo_after)):
                    files |= _referrers(repo, index, key, record, memo)
    return frozenset(files)


def _new_meeting_is_local(old: Source | None, new: Source | None, problems: list[Problem] | None) -> bool:
    """Whether a new meeting file (``new``, loaded; nothing ``old``) affects only its referrers.

    A record naming a meeting that does not exist is reported with the latest meetings' dates,
    which a new meeting changes, wherever that record is: then every file is checked again.
    Otherwise nothing named the new meeting's date but what ``_referrers`` finds (references
    to a scheduled date are not problems, and those records are its referrers too).
    """
    return (old is None and new is not None and new.model is not None and new.kind.name == "meeting"
            and problems is not None and not any("no meeting on " in p.message for p in problems))


def _referrers(repo: Repo, index: str, key: Any, record: Any, memo: dict[str, Any]) -> set[str]:
    """Files of ``repo`` whose scoped checks look up the record ``index[key]`` (``memo``: what
    was worked out about ``repo`` for an earlier record of the same change)."""
    out: set[str] = set()

    def add(rec: Any) -> None:
        out.add(repo.where(rec)[0])

    if index == "meetings":
        day = key
        following = next((m for d, m in sorted(repo.meetings.items())
                          if d > day and m.status != MeetingStatus.cancelled), None)
        if following is not None:  # its pack takes this meeting's minutes for approval
            add(following)
        for af in repo.action_files.values():
            if af.meeting == day or any(a.due_meeting == day or any(h.meeting == day for h in a.history)
                                        for a in af.actions):
                add(af)
        for (d, _), update in repo.updates.items():
            if d == day:
                add(update)
        for psa in repo.psa.values():
            if any(any(u.meeting == day for u in r.updates) or (r.removed is not None and r.removed.meeting == day)
                   for r in psa.recommendations):
                add(psa)
        for m in repo.meetings.values():
            if m.minutes is not None and m.minutes.approved_at == day:
                add(m)
    elif index in ("actions", "action_files"):
        ids = {a.id for a in record.actions} if index == "action_files" else {key}
        if "linked" not in memo:  # action id -> the meetings whose decisions link to it
            linked: dict[str, list[Meeting]] = {}
            for m in repo.meetings.values():
                for mi in m.minutes.items if m.minutes is not None else []:
                    for decision in mi.decisions:
                        if decision.action:
                            linked.setdefault(decision.action, []).append(m)
            memo["linked"] = linked
        meeting = repo.meetings.get(record.meeting)
        if meeting is not None:
            add(meeting)
        for action_id in ids:
            for m in memo["linked"].get(action_id, []):
                add(m)
    elif index == "updates":
        meeting = repo.meetings.get(key[0])
        if meeting is not None:
            add(meeting)
    elif index == "programmes":
        for m in repo.meetings.values():
            if any(item.programme_item for item in m.agenda):
                add(m)
    return out


def open_session(root: Path | None = None, *, write: bool = False, allow_broken_config: bool = False,
                 cache: Cache | None = None) -> Session:
    """Load the repository at (or above) ``root`` once, for one command.

    ``write``: take the write lock first (waiting up to :data:`LOCK_TIMEOUT` seconds for
    another command to finish), so the records cannot change between reading and writing.
    An interrupted change found on the way in is completed first, and said so in ``notes``.
    A ``cspkit.yaml`` that does not load refuses (its problems listed), unless
    ``allow_broken_config`` (``validate`` reports it with everything else). ``cache``: the
    repository's cache as a command already opened it (its snapshot taken; a change
    completed on the way in takes a new one).
    """
    root = find_root() if root is None else root
    lock = _WriteLock(root) if write or _journal_path(root).exists() else None
    notes: list[str] = []
    if lock is not None:
        lock.acquire()
        try:
            notes = recover(root)
        except BaseException:
            lock.release()
            raise
        if not write:
            lock.release()
            lock = None
    try:
        if cache is not None and (lock is not None or notes):
            cache.snap = None
        loading = cache if cache is not None else Cache.for_loading(root)
        repo, problems = check_all(root, loading, read_all=write)
        if repo.config is None and not allow_broken_config:
            raise RecordError([p for p in problems if p.is_error] or problems)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    return Session(root, repo, problems, loading, lock, notes)


# --------------------------------------------------------------------------- the write lock


class _WriteLock:
    """The repository's write lock (``.cspkit-cache/write.lock``), with who holds it."""

    def __init__(self, root: Path):
        self.root = root
        self.folder = root / CACHE_DIR
        self._lock: Any = None

    def acquire(self) -> None:
        _ensure_folder(self.folder)
        self._lock = FileLock(str(self.folder / LOCK_NAME))
        timeout = float(os.environ.get("CSPKIT_LOCK_TIMEOUT", LOCK_TIMEOUT))
        try:
            self._lock.acquire(timeout=timeout)
        except Timeout:
            holder = _read_holder(self.folder)
            raise ConflictError(f"another cspkit command{holder} has been changing these records for "
                                f"{timeout:g} s; nothing was written (run this one again when it has finished)") from None
        try:
            import sys

            (self.folder / "write.holder").write_text(json.dumps({
                "pid": os.getpid(), "command": " ".join(sys.argv[1:3]),
                "since": dt.datetime.now().strftime("%H:%M:%S")}), encoding="utf-8")
        except OSError:
            pass

    def release(self) -> None:
        if self._lock is not None:
            try:
                (self.folder / "write.holder").unlink()
            except OSError:
                pass
            self._lock.release()
            self._lock = None


def _read_holder(folder: Path) -> str:
    try:
        info = json.loads(fileio.read_file(folder / "write.holder", limit=4096, inside=folder))
        return f" ({info.get('command') or 'cspkit'}, process {info.get('pid')}, since {info.get('since')})"
    except (OSError, ValueError, AttributeError, fileio.FileRefused):
        return ""


def _ensure_folder(folder: Path) -> None:
    if folder.is_symlink():  # the lock and the journal would be written wherever it points
        raise UserError(f"{folder}: a symbolic link; cspkit keeps its write lock only in a real folder "
                        "(remove the link: cspkit makes the folder)")
    if not folder.is_dir():
        folder.mkdir(exist_ok=True)
        try:
            (folder / ".gitignore").write_text("# written by cspkit: nothing here belongs in git\n*\n",
                                               encoding="utf-8")
        except OSError:
            pass


# --------------------------------------------------------------------------- writing, all or none


def _journal_path(root: Path) -> Path:
    return root / CACHE_DIR / JOURNAL_NAME


def _write_all(root: Path, changes: list[Change]) -> None:
    """Write every change: temporary files, then (for several files) the journal, then the renames.

    A failure on the way (a full disk, Ctrl-C) puts back what was already replaced, so the
    records are as they were; only a killed process leaves the journal, for the next command.
    """
    before: dict[Path, bytes | None] = {}
    for change in changes:  # nobody else changed them meanwhile (an editor does not take our lock)
        current = _read_or_none(change.path)
        before[change.path] = current
        digest = hashlib.sha256(current).digest() if current is not None else None
        if change.expect is None and current is not None:
            raise ConflictError(f"{change.path}: was created by someone else meanwhile; nothing was written "
                                "(run the command again)")
        if change.expect is not None and digest != change.expect:
            raise ConflictError(f"{change.path}: changed on disk since cspkit read it; nothing was written "
                                "(run the command again)")
    temps: list[tuple[Change, Path]] = []
    journal = None
    replaced: list[Change] = []
    try:
        for change in changes:
            temps.append((change, write_temporary(change.path, change.text.encode("utf-8"))))
        if len(temps) > 1:
            journal = _journal_path(root)
            _ensure_folder(journal.parent)
            entries = [{"path": str(c.path), "temporary": str(t),
                        "old": c.expect.hex() if c.expect else None,
                        "new": hashlib.sha256(c.text.encode("utf-8")).hexdigest()} for c, t in temps]
            tmp_journal = write_temporary(journal, json.dumps({"files": entries}, indent=1).encode("utf-8"))
            os.replace(tmp_journal, journal)
            fsync_dir(journal.parent)
        for change, tmp in temps:
            try:
                fileio._before_replace(change.path)
                os.replace(tmp, change.path)
            except OSError as exc:
                raise fileio.cannot_write(change.path, exc) from None
            replaced.append(change)
    except BaseException:
        for change in reversed(replaced):
            old = before[change.path]
            try:
                if old is None:
                    change.path.unlink()
                else:
                    fileio.write_bytes(change.path, old, overwrite=True)
            except Exception:  # noqa: S110 - putting back is best effort: the failure above is reported
                pass
        for _, tmp in temps:
            _unlink(tmp)
        if journal is not None:
            _unlink(journal)
        raise
    for folder in {c.path.parent for c in changes}:
        fsync_dir(folder)
    if journal is not None:
        _unlink(journal)


def _read_or_none(path: Path) -> bytes | None:
    """The bytes of a record file about to be replaced, by the one reading rule (None: not there)."""
    try:
        return fileio.read_file(path, limit=MAX_FILE_BYTES, inside=path.parent)
    except FileNotFoundError:
        return None
    except fileio.FileRefused as exc:
        raise UserError(f"{path}: {exc.reason}; nothing was written") from None


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def recover(root: Path) -> list[str]:
    """Complete a change that was interrupted between its replacements (call with the lock held).

    Every new file was written in full and fsync'd before the journal was, so completing is
    always possible: each file not yet replaced is replaced now, unless it changed since
    (then it is left alone, and said so).
    """
    journal = _journal_path(root)
    try:
        entries = json.loads(fileio.read_file(journal, limit=1 << 20, inside=root)).get("files", [])
        entries = [(Path(e["path"]), Path(e["temporary"]), e.get("old")) for e in entries]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, AttributeError, TypeError, KeyError, fileio.FileRefused):
        _unlink(journal)
        return ["an unreadable record of an interrupted change was removed"]
    if not all(_journaled(root, path, tmp) for path, tmp, _ in entries):
        # Not what cspkit writes: a journal that names files outside the records is never obeyed.
        _unlink(journal)
        return ["a record of an interrupted change that names files outside the records was removed"]
    done: list[str] = []
    left: list[str] = []
    for path, tmp, old_hex in entries:
        if not tmp.exists():
            continue  # replaced before the interruption
        current = _digest_file(path)
        old = bytes.fromhex(old_hex) if old_hex else None
        if current == old:
            os.replace(tmp, path)
            fsync_dir(path.parent)
            done.append(_shown(path, root))
        else:
            _unlink(tmp)
            left.append(_shown(path, root))
    _unlink(journal)
    notes = []
    if done:
        notes.append(f"completed a change that was interrupted: wrote {', '.join(done)}")
    if left:
        notes.append(f"an interrupted change to {', '.join(left)} was not completed: the file has changed since")
    return notes


def _journaled(root: Path, path: Path, tmp: Path) -> bool:
    """Whether a journal entry is one cspkit writes: a record file of this repository (or
    ``cspkit.yaml``) and its temporary file beside it (``.NAME.*.tmp``)."""
    top = real_path(root)
    if not path.is_absolute() or real_path(path.parent) != real_path(tmp.parent) or tmp.parent != path.parent:
        return False
    if not (tmp.name.startswith(f".{path.name}.") and tmp.name.endswith(".tmp")):
        return False
    return kind_for(path, top, _records_dir(root)) is not None


def _records_dir(root: Path) -> str:
    return records_dir_of(root / "cspkit.yaml")


def _shown(path: Path, root: Path) -> str:
    try:
        return real_path(path).relative_to(real_path(root)).as_posix()
    except ValueError:
        return str(path)
