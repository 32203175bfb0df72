"""cspkit's folder in the user's cache, and small files kept there.

``$XDG_CACHE_HOME/cspkit`` (else ``~/.cache/cspkit``) holds what cspkit works out once per
machine rather than once per command: the key the repository caches are signed with, compiled
templates, drawn charts, the help text, the models' field descriptions, error logs. Never in
a repository. ``CSPKIT_CACHE=0`` turns every cache off (error logs are still written).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from cspkit.errors import UserError
from cspkit.fileio import write_bytes


def enabled() -> bool:
    """Whether caching is on (``CSPKIT_CACHE`` is not 0, no, off or false)."""
    return os.environ.get("CSPKIT_CACHE", "1").strip().lower() not in ("0", "no", "off", "false")


def user_folder() -> Path:
    """cspkit's folder in the user's cache (``$XDG_CACHE_HOME/cspkit``, else ``~/.cache/cspkit``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cspkit"


#: The largest kept JSON file read back.
_JSON_BYTES = 4 * 1024 * 1024


def read_json(name: str) -> Any:
    """What :func:`write_json` kept as ``name``; None when it was not kept, or cannot be read."""
    if not enabled():
        return None
    try:  # cspkit's own file: read as written, but only a regular file of a sane size
        with open(user_folder() / name, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return None
            data = fh.read(_JSON_BYTES + 1)
        return json.loads(data) if len(data) <= _JSON_BYTES else None
    except (OSError, ValueError):
        return None


def write_json(name: str, value: Any) -> None:
    """Keep ``value`` as ``name`` (atomically: a reader sees the old file or the new); a cache
    that cannot be written is no cache, never an error."""
    if not enabled():
        return
    folder = user_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        write_bytes(folder / name, data, overwrite=True, durable=False)
    except (OSError, TypeError, ValueError, UserError):
        pass
