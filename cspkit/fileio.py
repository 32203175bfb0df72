"""Reading files by one rule, and writing them so that nothing is half-written or clobbered.

Reading (:func:`read_file`): every file cspkit did not write itself is resolved, must be a
regular file (inside the repository, for anything a record or ``cspkit.yaml`` names), is opened
without blocking and is size-bounded before it is read. A link to ``/proc/self/environ``, a
pipe, a device or a link loop is refused with a reason (:class:`FileRefused`), never read.

Every write goes to a temporary file in the same folder, is flushed and fsync'd, and then
replaces the target in one step (``os.replace``), so a reader (or a crash) sees the old file
or the new one, never a mixture. ``expect`` guards against concurrent edits: if the file on
disk is no longer what the command read, the write is refused.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import tempfile
from pathlib import Path

from cspkit.errors import ConflictError, UserError


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- reading


class FileRefused(Exception):
    """A file cspkit will not read, with the reason as a person should read it (no path).

    ``code``: ``io`` (cannot be read: a link out of the repository, a pipe, a loop …), ``size``
    (over the limit) or ``encoding`` (not UTF-8 text). ``what`` says exactly what was refused,
    for a caller that words it its own way: ``loop``, ``dangling-link``, ``outside``, ``folder``,
    ``pipe``, ``device``, ``socket``, ``size`` (``size`` then holds the file's size), ``grew``,
    ``encoding``, ``io`` (``detail``: the system's words).
    """

    def __init__(self, reason: str, code: str = "io", what: str = "io", size: int = 0, detail: str = ""):
        super().__init__(reason)
        self.reason, self.code, self.what, self.size, self.detail = reason, code, what, size, detail


class _Anywhere:
    """The ``inside`` of a file named on the command line: it may be anywhere."""

    def __repr__(self) -> str:
        return "ANYWHERE"


#: ``read_file(path, inside=ANYWHERE)``: a file the user named on the command line (a Word
#: document to import), which may be anywhere, but must still be a regular file.
ANYWHERE = _Anywhere()


def read_file(path: Path, *, limit: int, inside: Path | _Anywhere) -> bytes:
    """The one rule for reading a file that cspkit did not write itself.

    The path is resolved (a link is followed to what it names). ``inside`` is the repository
    for every file a record or ``cspkit.yaml`` names (records, papers, images, the
    partnership's own templates): what the path names must lie inside that folder.
    :data:`ANYWHERE` is for a file named on the command line. Either way it must be a regular
    file, not a pipe, a device or a socket, and it is opened without blocking, so a FIFO named
    like a record can never hang a command. At most ``limit`` bytes are read: a larger file
    (or one that grows while it is read) is refused before anything is parsed.
    Raises :class:`FileRefused` (reason only; the caller names the file), or
    ``FileNotFoundError``.
    """
    fd, _ = _open_regular(path, limit, inside)
    return _read_fd(fd, limit)


def read_walked(path: str | Path, *, limit: int) -> bytes:
    """:func:`read_file` for a file a directory walk found under a resolved folder, having seen
    (``lstat``) that neither it nor any folder on the way is a symbolic link: resolving its path
    again would find the path itself, so it is not (at a county's 2,000 files that is a third
    of a second). It is still opened without following a link and without blocking, and must
    still be a regular file within ``limit``.
    """
    return _read_fd(_open_resolved(path, limit)[0], limit)  # a str from os.scandir: no Path to build


def _read_fd(fd: int, limit: int) -> bytes:
    """Read the open file ``fd`` to its end (at most ``limit`` bytes) and close it."""
    try:
        chunks: list[bytes] = []
        total = 0
        while True:
            try:
                chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            except OSError as exc:
                raise _cannot_read(exc) from None
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise FileRefused(f"file is over the {_size(limit)} limit", "size", "grew")
        return b"".join(chunks)
    finally:
        os.close(fd)


def probe_file(path: Path, *, limit: int, inside: Path | _Anywhere) -> int:
    """What :func:`read_file` would refuse, found without reading the file: its size in bytes.

    For a check that a large file (a paper) is readable, where the file itself is read later.
    """
    fd, size = _open_regular(path, limit, inside)
    os.close(fd)
    return size


def probe_walked(path: str, *, limit: int) -> int:
    """:func:`probe_file` for a file a directory walk found (see :func:`read_walked`)."""
    fd, size = _open_resolved(path, limit)
    os.close(fd)
    return size


def _open_regular(path: Path, limit: int, inside: Path | _Anywhere) -> tuple[int, int]:
    """The file descriptor of ``path`` and its size, opened by :func:`read_file`'s rule."""
    try:
        resolved = Path(path).resolve(strict=True)
    except RuntimeError:  # Python < 3.13 reports a link loop this way
        raise FileRefused("a symbolic link loop", what="loop") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise FileRefused("a symbolic link loop", what="loop") from None
        if isinstance(exc, FileNotFoundError):
            if os.path.islink(path):
                raise FileRefused("a symbolic link to a file that does not exist", what="dangling-link") from None
            raise
        if exc.errno == errno.ENOTDIR:
            raise FileNotFoundError(errno.ENOENT, "not found", str(path)) from None
        raise _cannot_read(exc) from None
    if not isinstance(inside, _Anywhere) and not _within(resolved, inside):
        raise FileRefused("a symbolic link to outside the repository" if _has_link(Path(path)) else
                          "outside the repository", what="outside")
    return _open_resolved(resolved, limit)


def _open_resolved(resolved: str | Path, limit: int) -> tuple[int, int]:
    """Open ``resolved`` (a path with no links in it) for reading, if it is a regular file of at
    most ``limit`` bytes: the descriptor and the file's size."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | \
        getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(resolved, flags)
    except PermissionError:
        raise FileRefused("cannot read file (permission denied)", detail="permission denied") from None
    except FileNotFoundError:
        raise  # gone since it was found: "not found", as for a path that never was
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # replaced by a link since it was resolved
            raise FileRefused("a symbolic link loop", what="loop") from None
        raise _cannot_read(exc) from None
    try:
        st = os.fstat(fd)
        mode = st.st_mode
        if stat.S_ISDIR(mode):
            raise FileRefused("is a folder, expected a file", what="folder")
        if not stat.S_ISREG(mode):
            what = "pipe" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device"
            raise FileRefused("not a regular file (a pipe, device or socket is never read)", what=what)
        if st.st_size > limit:
            raise FileRefused(f"file is {_size(st.st_size)}, over the {_size(limit)} limit", "size", "size",
                              st.st_size)
    except BaseException:
        os.close(fd)
        raise
    return fd, st.st_size


def _cannot_read(exc: OSError) -> FileRefused:
    detail = str(exc.strerror or exc)
    return FileRefused(f"cannot read file ({detail})", detail=detail)


def read_text(path: Path, *, limit: int, inside: Path | _Anywhere) -> str:
    """:func:`read_file`, decoded as UTF-8 (a byte-order mark dropped); text that is not UTF-8
    is refused (``FileRefused`` with code ``encoding``), naming the line of the first bad byte."""
    return decode_text(read_file(path, limit=limit, inside=inside))


def decode_text(data: bytes) -> str:
    """UTF-8 bytes as text, or :class:`FileRefused` naming the first byte that is not UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRefused(f"not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); save it as UTF-8",
                          "encoding", "encoding") from None


def real_path(path: Path) -> Path:
    """``path`` with every link resolved, as far as that is possible: a link loop, which makes
    ``Path.resolve`` raise, is left as it is (reading it is refused, with a reason)."""
    return Path(os.path.realpath(path))


def _within(resolved: Path, folder: Path) -> bool:
    base = real_path(folder)
    return resolved == base or base in resolved.parents


def _has_link(path: Path) -> bool:
    return any(os.path.islink(p) for p in (path, *path.parents))


def _size(n: int) -> str:
    return f"{n // 1024} KiB"


def write_temporary(path: Path, data: bytes, durable: bool = True) -> Path:
    """Write ``data`` to a new temporary file beside ``path`` (``.NAME.*.tmp``), fsync'd, with the
    permissions ``path`` has (or 0644); return it. Replacing ``path`` with it is one rename.

    ``durable=False`` skips the fsync: for files that can be made again (a built site), where
    one fsync per page would cost more than building the page.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise cannot_write(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        try:
            mode = path.stat().st_mode & 0o777
        except OSError:
            mode = 0o644
        os.chmod(tmp, mode)
    except BaseException as exc:
        raise _discarded(Path(tmp), path, exc) from None
    return Path(tmp)


def _discarded(tmp: Path, path: Path, exc: BaseException) -> BaseException:
    """Remove a temporary file after ``exc``; the error to raise (a full disk, a read-only folder:
    not a bug, and nothing changed)."""
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass
    return cannot_write(path, exc) if isinstance(exc, OSError) else exc


def write_bytes(path: Path, data: bytes, *, overwrite: bool = False, expect: str | None = None,
                durable: bool = True) -> None:
    """Atomically write ``data`` to ``path``.

    ``overwrite``: replacing an existing file is allowed (commands pass ``--force`` here).
    ``expect``: the sha256 of the file as it was read; if it differs now, refuse.
    ``durable=False``: still all-or-nothing, but not fsync'd (see :func:`write_temporary`).
    """
    path = Path(path)
    if path.exists() and path.is_dir():
        raise ConflictError(f"{path}: is a folder")
    if expect is not None:
        try:  # by the reading rule: a file swapped for a pipe meanwhile must not hang the write
            current = digest(read_file(path, limit=_EXPECT_LIMIT, inside=ANYWHERE))
        except FileNotFoundError:
            current = None
        except FileRefused:
            current = "unreadable"
        if current != expect:
            raise ConflictError(f"{path}: changed on disk since cspkit read it; nothing was written (run the command again)")
    elif path.exists() and not overwrite:
        raise ConflictError(f"{path}: already exists (use --force to replace it)")
    tmp = write_temporary(path, data, durable)
    try:
        _before_replace(path)
        os.replace(tmp, path)
    except BaseException as exc:
        raise _discarded(tmp, path, exc) from None
    if durable:
        fsync_dir(path.parent)


#: The largest file whose content a write compares with what was read (records are far smaller).
_EXPECT_LIMIT = 64 * 1024 * 1024


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path``, links resolved, is ``folder`` or lies inside it."""
    return _within(real_path(path), folder)


def cannot_write(path: Path, exc: OSError) -> UserError:
    """The one-line error for a write the system refused (nothing was written)."""
    return UserError(f"{path}: cannot write ({exc.strerror or exc}); nothing was written")


def write_text(path: Path, text: str, *, overwrite: bool = False, expect: str | None = None,
               durable: bool = True) -> None:
    write_bytes(path, text.encode("utf-8"), overwrite=overwrite, expect=expect, durable=durable)


def _before_replace(path: Path) -> None:
    """Hook for tests that inject a failure between writing and replacing."""


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (best effort: not every system can)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
