"""Writing files so that nothing is ever half-written or silently clobbered.

Every write goes to a temporary file in the same folder, is flushed and fsync'd, and then
replaces the target in one step (``os.replace``), so a reader (or a crash) sees the old file
or the new one, never a mixture. ``expect`` guards against concurrent edits: if the file on
disk is no longer what the command read, the write is refused.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from cspkit.errors import ConflictError, UserError


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_bytes(path: Path, data: bytes, *, overwrite: bool = False, expect: str | None = None) -> None:
    """Atomically write ``data`` to ``path``.

    ``overwrite``: replacing an existing file is allowed (commands pass ``--force`` here).
    ``expect``: the sha256 of the file as it was read; if it differs now, refuse.
    """
    path = Path(path)
    if path.exists() and path.is_dir():
        raise ConflictError(f"{path}: is a folder")
    if expect is not None:
        current = digest(path.read_bytes()) if path.exists() else None
        if current != expect:
            raise ConflictError(f"{path}: changed on disk since cspkit read it; nothing was written (run the command again)")
    elif path.exists() and not overwrite:
        raise ConflictError(f"{path}: already exists (use --force to replace it)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        _before_replace(path)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):  # a full disk, a read-only folder: not a bug, and nothing changed
            raise _cannot_write(path, exc) from None
        raise
    _fsync_dir(path.parent)


def _cannot_write(path: Path, exc: OSError) -> UserError:
    return UserError(f"{path}: cannot write ({exc.strerror or exc}); nothing was written")


def write_text(path: Path, text: str, *, overwrite: bool = False, expect: str | None = None) -> None:
    write_bytes(path, text.encode("utf-8"), overwrite=overwrite, expect=expect)


def _before_replace(path: Path) -> None:
    """Hook for tests that inject a failure between writing and replacing."""


def _fsync_dir(folder: Path) -> None:
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
