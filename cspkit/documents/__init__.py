"""Documents people write: Word (.docx) and Markdown read into one block model, Word written.

The minutes import, the partner update form import and Word papers in the pack all stand
on this package:

- ``read_document(path)`` reads a ``.docx`` or ``.md`` file into a ``Document``: its
  ``blocks`` (``Heading``, ``Paragraph``, ``Table`` of ``Cell``\\ s, ``Note``, and with
  ``figures=True`` a Word document's pictures as ``Figure``\\ s) in reading
  order, each with its ``Location``; every problem is a ``DocumentError`` (a ``UserError``)
  whose one-line message names the file and the paragraph or line.
- ``split_label``/``label_core`` recognise "i.", "(a)", "8." typed by hand; Word list
  numbering arrives already resolved to the same label text.
- ``normalise`` folds smart quotes, dashes and spaces for matching.
- ``docx_write.WordDocument`` writes a Word document with real styles;
  ``markdown_write.blocks_markdown`` writes blocks as Markdown.

This module imports nothing heavy: lxml, python-docx and markdown-it are imported by the
functions that need them.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .blocks import (
        Block,
        Cell,
        Document,
        DocumentError,
        Figure,
        Heading,
        Location,
        Note,
        Paragraph,
        Table,
        iter_notes,
        iter_text_blocks,
        make_heading,
        make_paragraph,
    )
    from .inline import Span
    from .labels import label_core, normalise, split_label
    from .safety import Limits

__all__ = [
    "Block", "Cell", "Document", "DocumentError", "Figure", "Heading", "Limits", "Location", "Note", "Paragraph", "Span",
    "Table", "iter_notes", "iter_text_blocks", "label_core", "make_heading", "make_paragraph", "normalise",
    "read_document", "split_label",
]

#: Where each name of the package is defined: its modules are imported when a name is first
#: asked for (``cspkit.documents.labels`` alone, for the minutes' wording, needs none of the
#: readers).
_WHERE = {
    **dict.fromkeys(("Block", "Cell", "Document", "DocumentError", "Figure", "Heading", "Location", "Note",
                     "Paragraph", "Table", "iter_notes", "iter_text_blocks", "make_heading", "make_paragraph"),
                    ".blocks"),
    "Span": ".inline", "Limits": ".safety", "DEFAULT_LIMITS": ".safety",
    "label_core": ".labels", "normalise": ".labels", "split_label": ".labels",
}


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(where, __name__), name)
    globals()[name] = value
    return value


#: File name endings read as Markdown.
MARKDOWN_SUFFIXES = (".md", ".markdown")


def read_document(path: Path | str, *, name: str | None = None, limits: Limits | None = None,
                  figures: bool = False, data: bytes | None = None) -> Document:
    """Read a Word (``.docx``) or Markdown (``.md``) document into blocks.

    The kind is chosen by the file's ending; anything else is read as Word, so that a
    ``.doc``, ``.odt`` or renamed file gets the message that says what it really is.
    ``name`` is how messages call the file (default: the file's name). ``figures``: pictures
    inside a Word document (PNG, JPEG) become ``Figure`` blocks instead of notes. ``data``:
    a Word document's bytes, already read by the caller (by ``cspkit.fileio.read_file``).
    """
    from cspkit.documents.safety import DEFAULT_LIMITS

    limits = limits or DEFAULT_LIMITS
    path = Path(path)
    if path.suffix.lower() in MARKDOWN_SUFFIXES:
        from cspkit.documents.markdown_read import read_markdown

        return read_markdown(path, name=name, limits=limits)
    from cspkit.documents.docx_read import read_docx

    return read_docx(path, name=name, limits=limits, figures=figures, data=data)
