"""The content-hash cache in ``<repository>/.cspkit-cache/``: warm runs skip parsing.

Files, each rewritten whole and atomically (a temporary file, then a rename):

* ``parsed-0.bin`` … ``parsed-f.bin`` map the SHA-256 of a record file's text to the data
  that text parses to (sixteen files by the digest's first digit, so that one changed file
  rewrites two of them).
  :func:`cspkit.repo.load_repo` asks it before parsing, so a file is parsed again only when
  its content changed (content changed back is found by its hash again). Model validation
  always runs.
* ``report.bin`` keeps the last report (every problem, located, and the number of files)
  together with a digest of everything it was computed from: the content of ``cspkit.yaml``
  and of every YAML file under the records folder, every other file there by its stat (a
  paper is checked to be readable UTF-8; any change to a file changes its change time), and the code (cspkit's own sources by
  content, the Python version, the installed PyYAML, pydantic, pydantic-core and rapidfuzz).
  When the digest is unchanged, so is the report: ``validate`` prints it without loading
  anything, and ``open_repo`` (render, calendar) skips the cross-record checks of a report
  that found nothing. When only YAML files changed since (not ``cspkit.yaml``, no paper, no
  folder), the report is where checking starts: the per-record checks run again only over the
  files those changes affect (:func:`cspkit.session.check_all`). A folder with a symbolic link
  in it is never given a stored report.

A file's content decides, never its modification time alone: ``validate`` skips re-reading a
file only when its whole stat (inode, size, modification and change times) is what was
recorded and it had settled before it was hashed (see :class:`Snapshot`); touching a file costs
a re-hash, never a wrong answer. Both files carry an HMAC made with a per-user key kept outside the repository
(``$XDG_CACHE_HOME/cspkit/cache-key``): a cache file that is truncated, garbled, written by an
older cspkit or by someone else (one committed to the repository, say) is ignored and
rebuilt. They are unpickled with only ``datetime`` types allowed.

``CSPKIT_CACHE=0`` turns the cache off. The folder holds its own ``.gitignore``.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from cspkit.usercache import enabled, user_folder

if TYPE_CHECKING:
    from cspkit.errors import Problem

# pickle, hmac and tempfile are imported where they are used: ``cspkit --help`` imports this
# module for code_fingerprint() alone, and start-up time is what it is about.

CACHE_DIR = ".cspkit-cache"
FORMAT = b"cspkit-cache 1"
#: Parsed data is kept in this many files, by the first digit of each text's digest.
_SHARDS = 16
_REPORT = "report.bin"
_MAC_SIZE = 32
#: Installed packages whose behaviour shows in what validate reports.
_DEPENDENCIES = ("yaml", "_yaml", "pydantic", "pydantic_core", "rapidfuzz")


# --------------------------------------------------------------------------- keys


_fingerprints: dict[tuple[str, ...], bytes] = {}


def code_fingerprint(dependencies: tuple[str, ...] = _DEPENDENCIES) -> bytes:
    """A digest of the code that turns records into data and problems.

    cspkit's own ``.py`` files by content, the Python version, and each dependency's files by
    name, size and modification time (upgrading a package replaces them).
    """
    fingerprint = _fingerprints.get(dependencies)
    if fingerprint is None:
        import importlib.util

        h = hashlib.sha256(FORMAT)
        h.update(sys.version.encode())
        package = Path(__file__).resolve().parent
        for path in sorted(package.rglob("*.py")):
            h.update(path.relative_to(package).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
        for name in dependencies:
            try:
                spec = importlib.util.find_spec(name)
            except (ImportError, ValueError):
                spec = None
            origin = spec.origin if spec is not None else None
            h.update(name.encode() + b"\0")
            if origin and os.path.exists(origin):
                st = os.stat(origin)
                h.update(f"{origin}\0{st.st_size}\0{st.st_mtime_ns}".encode())
        fingerprint = _fingerprints[dependencies] = h.digest()
    return fingerprint


def _secret() -> bytes | None:
    """The per-user key cache files are signed with; None when it cannot be kept."""
    base = user_folder()
    path = base / "cache-key"
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    try:
        base.mkdir(parents=True, exist_ok=True)
        import tempfile

        fd, tmp = tempfile.mkstemp(dir=base, prefix=".cache-key-")
        try:
            os.write(fd, os.urandom(32))
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # first writer wins; everyone then reads the same key
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
        key = path.read_bytes()
        return key if len(key) == 32 else None
    except OSError:
        return None


def _unpickle(payload: bytes) -> Any:
    """Plain data and dates only: a cache file can never name a function to call."""
    import datetime
    import io
    import pickle

    allowed = {("datetime", n): getattr(datetime, n) for n in ("date", "datetime", "time", "timedelta", "timezone")}

    class Unpickler(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            try:
                return allowed[(module, name)]
            except KeyError:
                raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache file") from None

    return Unpickler(io.BytesIO(payload)).load()


# --------------------------------------------------------------------------- the protocol


class ParseCache(Protocol):
    """What loading asks of a cache: read a record file, parse a text, keep what was parsed."""

    snap: Snapshot | None

    def read(self, path: Path, inside: Path) -> tuple[str, bytes]:
        """The text of a record file and the SHA-256 of its bytes (by the one reading rule)."""

    def parse(self, text: str, digest: bytes) -> Any:
        """The data of ``text`` (whose bytes have ``digest``); shared: callers must not change it."""

    def reuse(self, path: Path) -> tuple[bytes, Any] | None:
        """The digest and data of a record file the snapshot vouches for without reading it."""

    def save(self) -> None:
        """Keep what this run parsed, for the next."""


class NullCache:
    """No cache: every file is read and parsed (``CSPKIT_CACHE=0``, and checking a change)."""

    snap: Snapshot | None = None

    def __init__(self, walked: frozenset[str] = frozenset()):
        #: record files found by a walk of the records folder that saw no link on the way
        self.walked = walked

    def read(self, path: Path, inside: Path) -> tuple[str, bytes]:
        from cspkit.yaml.read import decode, read_bytes

        data = read_bytes(path, inside, walked=str(path) in self.walked)
        return decode(data), hashlib.sha256(data).digest()

    def parse(self, text: str, digest: bytes) -> Any:
        from cspkit.yaml.read import parse

        return parse(text)

    def reuse(self, path: Path) -> tuple[bytes, Any] | None:
        return None

    def save(self) -> None:
        return None


NULL_CACHE = NullCache()


# --------------------------------------------------------------------------- the cache


#: What :meth:`Cache.parsed` returns for data it does not hold (``None`` is an empty file's data).
MISSING: Any = object()


class Previous(NamedTuple):
    """The last report kept, as :meth:`Cache.previous` gives it."""

    problems: list[Problem]
    #: SHA-256 of each YAML file the report was made from, by path under the records folder
    digests: dict[str, bytes]


def _shard_of(digest: bytes) -> int:
    return digest[0] * _SHARDS // 256 if digest else 0


def _shard_name(shard: int) -> str:
    return f"parsed-{shard:x}.bin"


class Cache:
    """The cache of one repository; every failure to read or write it is silent."""

    def __init__(self, root: Path, key: bytes):
        self.root = root
        self.dir = root / CACHE_DIR
        self._key = key
        self._parsed: dict[bytes, Any] | None = None
        self._used: dict[bytes, Any] = {}
        self._earlier: dict[bytes, Any] | None = None
        #: the digests each shard file held when read
        self._shards: dict[int, set[bytes]] = {}
        self.snap: Snapshot | None = None
        self._stored: dict[str, Any] | None = None

    @classmethod
    def open(cls, root: Path) -> Cache | None:
        """The cache of the repository at ``root``, or None when caching is off or impossible."""
        if not enabled() or os.path.islink(root / CACHE_DIR):
            return None  # a linked cache folder would have cspkit write wherever it points
        key = _secret()
        return cls(root, key) if key is not None else None

    @classmethod
    def for_loading(cls, root: Path) -> ParseCache:
        """The cache to load ``root`` through: this repository's, or :data:`NULL_CACHE`."""
        return cls.open(root) or NULL_CACHE

    # ------------------------------------------------------------------ files
    def _read(self, name: str) -> Any:
        import hmac

        from cspkit.fileio import FileRefused, read_file

        try:
            blob = read_file(self.dir / name, limit=_CACHE_FILE_BYTES, inside=self.root)
        except (OSError, FileRefused):
            return None
        mac, payload = blob[:_MAC_SIZE], blob[_MAC_SIZE:]
        if len(mac) != _MAC_SIZE or not hmac.compare_digest(mac, hmac.new(self._key, payload, "sha256").digest()):
            return None
        try:
            stored = _unpickle(payload)
        except Exception:
            return None
        if not isinstance(stored, dict) or stored.get("code") != code_fingerprint():
            return None
        return stored

    def _write(self, name: str, stored: dict[str, Any]) -> None:
        import hmac
        import io
        import pickle

        from cspkit.errors import UserError
        from cspkit.fileio import write_bytes

        stored["code"] = code_fingerprint()
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        # Parsed YAML is a tree (aliases are refused), so the memo of shared objects is pure cost.
        pickler.fast = True
        try:
            pickler.dump(stored)
        except Exception:
            return
        payload = buffer.getvalue()
        blob = hmac.new(self._key, payload, "sha256").digest() + payload
        try:
            if not self.dir.is_dir():
                self.dir.mkdir(exist_ok=True)
                (self.dir / ".gitignore").write_text("# written by cspkit: nothing here belongs in git\n*\n",
                                                     encoding="utf-8")
            write_bytes(self.dir / name, blob, overwrite=True, durable=False)
        except (OSError, UserError):
            pass  # a cache that cannot be written is no cache

    # ------------------------------------------------------------------ reading and parsing
    def read(self, path: Path, inside: Path) -> tuple[str, bytes]:
        """The file's text and digest, from the bytes the snapshot already read when it did."""
        from cspkit.yaml.read import decode, read_bytes

        kept = self.snap.take_bytes(path) if self.snap is not None else None
        if kept is None:
            data = read_bytes(path, inside)
            return decode(data), hashlib.sha256(data).digest()
        data, digest = kept
        return decode(data), digest

    def parse(self, text: str, digest: bytes) -> Any:
        """``parse(text)``, from the cache when the same bytes were parsed before.

        A text that does not parse raises :class:`~cspkit.yaml.read.YamlProblem` as always and
        is not cached. The data returned is shared with the cache: callers must not change it.
        """
        from cspkit.yaml import read

        try:
            data = self._entries()[digest]
        except KeyError:
            data = read.parse(text)
        self._used[digest] = data
        return data

    def reuse(self, path: Path) -> tuple[bytes, Any] | None:
        """(digest, data) of a file the snapshot did not read because its stat is the one the
        last report recorded, when the data its digest parses to is kept; None: read it."""
        digest = self.snap.unread.get(str(path)) if self.snap is not None else None
        if digest is None:
            return None
        data = self._entries().get(digest, MISSING)
        if data is MISSING:
            return None
        self._used[digest] = data
        return digest, data

    def _entries(self) -> dict[bytes, Any]:
        """The parsed data kept, read from the shard files the first time it is asked for."""
        if self._parsed is None:
            self._parsed = self._load_parsed()
        return self._parsed

    def _load_parsed(self) -> dict[bytes, Any]:
        parsed: dict[bytes, Any] = {}
        for shard in range(_SHARDS):
            stored = self._read(_shard_name(shard))
            entries = stored.get("entries") if stored else None
            if isinstance(entries, dict):
                parsed.update(entries)
                self._shards[shard] = set(entries)
        return parsed

    def save(self) -> None:
        """Write the parsed data used in this run (and nothing else), each shard only if what
        it holds changed: a run after one file changed rewrites two of them, not all."""
        if self._parsed is None:
            return
        used: dict[int, dict[bytes, Any]] = {}
        for digest, data in self._used.items():
            used.setdefault(_shard_of(digest), {})[digest] = data
        wrote = False
        for shard in range(_SHARDS):
            entries = used.get(shard, {})
            if entries.keys() != self._shards.get(shard, set()):
                self._write(_shard_name(shard), {"entries": entries})
                self._shards[shard] = set(entries)
                wrote = True
        if wrote:
            try:
                (self.dir / "parsed.bin").unlink()  # where earlier versions kept it all, in one file
            except OSError:
                pass
        self._earlier = self._parsed  # what the last report was made from, for parsed()
        self._parsed = dict(self._used)

    # ------------------------------------------------------------------ the last report
    def snapshot(self, read_all: bool = True) -> Snapshot | None:
        """Take stock of what a report depends on, as it is on disk now (None: not cacheable).

        With ``read_all``, every YAML file is read (and kept for loading); without, a file whose
        stat is what the stored report recorded, long enough after its last change, keeps its
        digest unread (see :class:`Snapshot`).
        """
        stored = self._read(_REPORT)
        records_dir = stored.get("records_dir") if stored else None
        config = _read_bytes(self.root / "cspkit.yaml")
        if not (stored and isinstance(records_dir, str) and stored.get("config") == _digest(config)):
            from cspkit.yaml.read import records_dir_of

            records_dir = records_dir_of(config)
        seen = stored.get("seen") if stored and not read_all and os.name == "posix" else None
        self.snap = Snapshot.take(self.root, records_dir, config, seen if isinstance(seen, dict) else None)
        self._stored = stored
        return self.snap

    def report(self) -> tuple[list[Problem], int] | None:
        """The stored report, if it was made from exactly what the snapshot saw: (problems, files)."""
        from cspkit.errors import Problem

        stored, snap = self._stored, self.snap
        if not stored or snap is None or stored.get("digest") != snap.digest:
            return None
        problems, files = stored.get("problems"), stored.get("files")
        if not isinstance(problems, list) or not isinstance(files, int):
            return None
        try:
            return [Problem.from_record(p) for p in problems], files
        except (KeyError, TypeError, ValueError):
            return None

    def previous(self) -> Previous | None:
        """The stored report, when it was made from the same configuration and the same files
        other than YAML ones as the snapshot saw (only YAML files' contents differ, if anything):
        its problems and the digest of each YAML file it was made from, by path under the records
        folder. A check of the records as they are now can start from it, file by file."""
        from cspkit.errors import Problem

        stored, snap = self._stored, self.snap
        if not stored or snap is None or stored.get("records_dir") != snap.records_dir or \
                stored.get("config") != _digest(snap.config) or stored.get("others") != snap.others:
            return None
        problems, seen = stored.get("problems"), stored.get("seen")
        if not isinstance(problems, list) or not isinstance(seen, dict):
            return None
        try:
            return Previous([Problem.from_record(p) for p in problems],
                            {str(rel): bytes(entry[1]) for rel, entry in seen.items()})
        except (KeyError, TypeError, ValueError, IndexError):
            return None

    def parsed(self, digest: bytes) -> Any:
        """The data parsed from the text whose SHA-256 is ``digest`` (:data:`MISSING`: not kept)."""
        for known in (self._used, self._parsed, self._earlier):
            if known and digest in known:
                return known[digest]
        return MISSING

    def save_report(self, records_dir: str, problems: list[Problem], files: int) -> None:
        """Keep a report made from what the snapshot saw, unless something changed meanwhile."""
        snap = self.snap
        if snap is None or records_dir != snap.records_dir or not snap.unchanged():
            return
        records = [p.to_record() for p in problems]
        stored = self._stored or {}
        if stored.get("digest") == snap.digest and stored.get("problems") == records and \
                stored.get("files") == files and stored.get("seen") == snap.seen:
            return
        self._write(_REPORT, {"records_dir": records_dir, "config": _digest(snap.config), "digest": snap.digest,
                              "others": snap.others, "problems": records, "files": files, "seen": snap.seen})


def _read_bytes(path: Path | str, limit: int = 0, walked: bool = False) -> bytes | None:
    """A file under the repository, by the one reading rule (None when it cannot be read);
    ``walked``: found by :meth:`Snapshot._walk`, which saw no link on its way
    (:func:`cspkit.fileio.read_walked`)."""
    from cspkit.fileio import FileRefused, read_file, read_walked

    try:
        if walked:
            return read_walked(path, limit=limit or MAX_RECORD_BYTES)
        return read_file(Path(path), limit=limit or MAX_RECORD_BYTES, inside=Path(path).parent)
    except (OSError, FileRefused):
        return None


def _digest(data: bytes | None) -> bytes:
    return hashlib.sha256(data).digest() if data is not None else b"-"


#: The largest record file read (``cspkit.yaml.read.MAX_FILE_BYTES``; not imported: start-up).
MAX_RECORD_BYTES = 2 * 1024 * 1024

#: Other files under the records folder (papers, images) changed in the last seconds are read for
#: the digest up to this size (larger ones leave the report to a full run).
_OTHER_FILE_BYTES = 16 * 1024 * 1024

#: The largest cache file read back (a county's records parse to a few MiB).
_CACHE_FILE_BYTES = 512 * 1024 * 1024

#: Files read for the digest are kept for loading if smaller than this (records are far smaller).
_KEEP_BYTES = 1024 * 1024


#: A file changed this recently (nanoseconds) when it was hashed may change again within the
#: same timestamp tick, unseen by its stat: its digest is never reused on the strength of a stat.
RACY_NS = 2_000_000_000

#: What tells a file changed: inode, size, modification and change times (nanoseconds).
StatKey = tuple[int, int, int, int]
#: What a snapshot recorded of each YAML file, by path under the records folder: stat, digest, settled.
Seen = dict[str, tuple[StatKey, bytes, bool]]


class Snapshot:
    """A digest of ``cspkit.yaml`` and everything under the records folder.

    Keeps the bytes of the YAML files it read, so that loading does not read them again,
    and their stats, to tell whether any changed while a report was being made.

    Given ``seen`` (what the stored report recorded: path -> (stat, digest, settled)), a file
    whose stat (inode, size, modification and change times, to the nanosecond) is the one
    recorded keeps its recorded digest without being read, if it was settled: last changed
    more than two seconds before it was hashed. A change to a file changes its change time
    (ctime), which no program can set back, so a new content is always read; ``touch`` costs
    a re-hash, never a wrong answer.
    """

    def __init__(self, root: Path, records_dir: str, config: bytes | None, seen: Seen | None = None):
        self.root, self.records_dir, self.config = root, records_dir, config
        #: the records folder walked (resolved); nothing under it is a symbolic link
        self.records: Path | None = None
        self.digest = b""
        #: a digest of all but the YAML files (folders, papers, images): what a report made from
        #: other YAML files can be brought up to date from, file by file, when it is unchanged
        self.others = b""
        self._others = hashlib.sha256()
        self.stats: list[tuple[str, StatKey]] = []
        self.files: dict[str, tuple[bytes, bytes]] = {}
        #: the digests of the YAML files known by their stat, not read (by path)
        self.unread: dict[str, bytes] = {}
        #: every entry named like a YAML file, in the order walked (for files no record kind reads)
        self.yaml_paths: list[str] = []
        #: every other file (papers, images), in the order walked
        self.other_paths: list[str] = []
        #: what stands for each of those files' content (its stat, or its digest when it changed
        #: too recently for its stat to say), by path: what the site keys a paper's pages by
        self.stands: dict[str, bytes] = {}
        self.seen: Seen = {}
        self._known = seen or {}
        self._now = 0

    @classmethod
    def take(cls, root: Path, records_dir: str, config: bytes | None, seen: Seen | None = None) -> Snapshot | None:
        import time

        snap = cls(root, records_dir, config, seen)
        snap._now = time.time_ns()
        try:
            resolved = Path(os.path.realpath(root))  # realpath: a link loop must not raise here
            records = resolved / records_dir
            if Path(os.path.realpath(records)) == resolved or CACHE_DIR in Path(records_dir).parts:
                return None  # the cache would be part of what it caches
            if Path(os.path.realpath(records)) != records:
                return None  # a link or ".." on the way to the records: a full run judges it (the walk reads unresolved)
            h = hashlib.sha256(code_fingerprint())
            h.update(str(resolved).encode("utf-8", "surrogateescape") + b"\0")
            h.update(records_dir.encode("utf-8", "surrogateescape") + b"\0" + _digest(config))
            if config is not None and len(config) <= _KEEP_BYTES:
                snap.files[str(resolved / "cspkit.yaml")] = (config, _digest(config))
            if not snap._walk(records, "", h):
                return None
            snap.records = records
        except OSError:
            return None
        snap.digest = h.digest()
        snap.others = snap._others.digest()
        return snap

    def _walk(self, folder: Path, prefix: str, h: hashlib._Hash) -> bool:
        """Feed every entry under ``folder`` to ``h``; False for what a digest cannot vouch for."""
        if not folder.is_dir():
            h.update(b"no records folder")
            return True
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_symlink():
                return False  # what a link points to can change without anything here changing
            if entry.name.endswith((".yaml", ".yml")):
                self.yaml_paths.append(entry.path)
            if entry.is_dir(follow_symlinks=False):
                h.update(b"d\0" + rel.encode("utf-8", "surrogateescape") + b"\0")
                self._others.update(b"d\0" + rel.encode("utf-8", "surrogateescape") + b"\0")
                if not self._walk(Path(entry.path), rel + "/", h):
                    return False
            elif entry.is_file(follow_symlinks=False):
                h.update(b"f\0" + rel.encode("utf-8", "surrogateescape") + b"\0")
                st = entry.stat(follow_symlinks=False)
                key = _stat_key(st)
                if not entry.name.endswith((".yaml", ".yml")):
                    # A paper's content is checked too (readable, UTF-8). Its stat stands for it,
                    # since any change to a file changes its change time; one changed too
                    # recently for that to be sure is read instead.
                    if max(st.st_mtime_ns, st.st_ctime_ns) < self._now - RACY_NS:
                        stands = b"s" + repr(key).encode()
                    else:
                        data = _read_bytes(entry.path, _OTHER_FILE_BYTES, walked=True)
                        if data is None:
                            return False
                        stands = b"c" + hashlib.sha256(data).digest()
                    h.update(stands)
                    self._others.update(b"f\0" + rel.encode("utf-8", "surrogateescape") + b"\0" + stands)
                    self.stats.append((entry.path, key))
                    self.other_paths.append(entry.path)
                    self.stands[entry.path] = stands
                    continue
                if st.st_size > MAX_RECORD_BYTES:
                    return False  # refused by size when it is read: leave it to a full run
                known = self._known.get(rel)
                if known is not None and known[0] == key and known[2] is True:
                    digest = known[1]
                    settled = True
                    self.unread[entry.path] = digest
                else:
                    data = _read_bytes(entry.path, walked=True)
                    if data is None:
                        return False  # replaced meanwhile (by a pipe, a bigger file): a full run says
                    digest = hashlib.sha256(data).digest()
                    settled = max(st.st_mtime_ns, st.st_ctime_ns) < self._now - RACY_NS
                    if len(data) <= _KEEP_BYTES:
                        self.files[entry.path] = (data, digest)
                h.update(digest)
                self.stats.append((entry.path, key))
                self.seen[rel] = (key, digest, settled)
            else:
                return False  # a socket or a pipe among the records: leave it to a full run
        return True

    def take_bytes(self, path: Path) -> tuple[bytes, bytes] | None:
        """The bytes read of ``path`` and their SHA-256 (once: loading reads each file once)."""
        return self.files.pop(str(path), None)

    def unchanged(self) -> bool:
        """Whether no YAML file changed since the snapshot was taken (so the report matches it)."""
        try:
            return all(_stat_key(os.stat(path, follow_symlinks=False)) == key for path, key in self.stats) and \
                _read_bytes(self.root / "cspkit.yaml") == self.config
        except OSError:
            return False


def _stat_key(st: os.stat_result) -> StatKey:
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
