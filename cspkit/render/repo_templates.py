"""A partnership's own templates (``<repository>/templates/``): read safely, errors located.

A template in the repository is a file the records name, as far as trust goes: it is read by
the one reading rule (:func:`cspkit.fileio.read_file`), so a template that is a link to
``/proc/self/environ`` or a pipe is refused, never rendered. A mistake in it (a syntax error,
an undefined variable, something the sandbox refuses) is the partnership's to fix, so it is
reported as ``templates/NAME:LINE: message``, exit 1, never as a bug in cspkit.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import Any

from cspkit.errors import LocatedError
from cspkit.fileio import FileRefused, read_text

FOLDER = "templates"

#: A template larger than this is refused (the largest packaged one is a few KiB).
MAX_TEMPLATE_BYTES = 1024 * 1024


def repository_loader(root: Path) -> Any:
    """A Jinja loader for ``<root>/templates/`` that reads by the one reading rule; a name it does
    not have falls through to the packaged templates (in a ``ChoiceLoader``)."""
    return _loader_class()(root)


@cache
def _loader_class() -> type:
    from jinja2 import BaseLoader, TemplateNotFound  # Jinja is imported only to render
    from jinja2.loaders import split_template_path

    class RepositoryLoader(BaseLoader):
        def __init__(self, root: Path):
            self.root = root
            self.folder = root / FOLDER

        def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
            path = self.folder.joinpath(*split_template_path(template))
            try:
                source = read_text(path, limit=MAX_TEMPLATE_BYTES, inside=self.root)
            except FileNotFoundError:
                raise TemplateNotFound(template) from None
            except FileRefused as exc:
                if exc.what == "folder":
                    raise TemplateNotFound(template) from None
                raise LocatedError(f"{FOLDER}/{template}: {exc.reason}") from None
            mtime = _mtime(path)
            return source, str(path), lambda: _mtime(path) == mtime

        def list_templates(self) -> list[str]:
            if not self.folder.is_dir():
                return []
            return sorted(p.relative_to(self.folder).as_posix() for p in self.folder.rglob("*.j2"))

    return RepositoryLoader


def _mtime(path: Path) -> float | None:
    try:
        return os.path.getmtime(path)
    except OSError:
        return None


def template_error(exc: BaseException, root: Path | None) -> LocatedError | None:
    """The located error for a template error that arose in the partnership's own templates
    (``templates/pack.html.j2:12: 'venue' is undefined``), or None for one in cspkit's own
    (a bug, reported as one)."""
    from jinja2 import TemplateSyntaxError
    from jinja2.exceptions import SecurityError, UndefinedError

    if root is None:
        return None
    folder = os.path.realpath(root / FOLDER)
    where: tuple[str, int] | None = None
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        where = (exc.filename, exc.lineno or 0)
    else:
        where = _innermost_template_frame(exc.__traceback__, folder)
    if where is None:
        return None
    filename, line = where
    real = os.path.realpath(filename)
    if not real.startswith(folder + os.sep):
        return None
    name = Path(real).relative_to(folder).as_posix()
    message = getattr(exc, "message", None) or str(exc)
    if isinstance(exc, TemplateSyntaxError):
        message = f"template syntax error: {message}"
    elif isinstance(exc, SecurityError):
        message = f"not allowed in a template: {message}"
    elif not isinstance(exc, UndefinedError):
        message = f"{type(exc).__name__}: {message}"
    return LocatedError(f"{FOLDER}/{name}:{line}: {message}")


def _innermost_template_frame(tb: TracebackType | None, folder: str) -> tuple[str, int] | None:
    """(file, line) of the innermost frame running a template of ``folder`` (Jinja rewrites a
    template's frames to name its file and line). File names and lines only: never locals."""
    import traceback

    found = None
    for frame in traceback.extract_tb(tb):
        if os.path.realpath(frame.filename).startswith(folder + os.sep):
            found = (frame.filename, frame.lineno or 0)
    return found
