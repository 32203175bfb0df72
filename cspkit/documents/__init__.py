"""Documents people write: Word (.docx) and Markdown read into one block model, Word written.

The minutes import, the partner update form import and Word papers in the pack all stand
on this package:

- ``read_document(path)`` reads a ``.docx`` or ``.md`` file into a ``Document``: its
  ``blocks`` (``Heading``, ``Paragraph``, ``Table`` of ``Cell``\\ s, ``Note``) in reading
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

from pathlib import Path

from .blocks import (
    Block,
    Cell,
    Document,
    DocumentError,
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
from .docx_read import read_docx
from .inline import Span
from .labels import label_core, normalise, split_label
from .markdown_read import read_markdown
from .safety import DEFAULT_LIMITS, Limits

__all__ = [
    "Block", "Cell", "Document", "DocumentError", "Heading", "Limits", "Location", "Note", "Paragraph", "Span",
    "Table", "iter_notes", "iter_text_blocks", "label_core", "make_heading", "make_paragraph", "normalise",
    "read_document", "split_label",
]

#: File name endings read as Markdown.
MARKDOWN_SUFFIXES = (".md", ".markdown")


def read_document(path: Path | str, *, name: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a Word (``.docx``) or Markdown (``.md``) document into blocks.

    The kind is chosen by the file's ending; anything else is read as Word, so that a
    ``.doc``, ``.odt`` or renamed file gets the message that says what it really is.
    ``name`` is how messages call the file (default: the file's name).
    """
    path = Path(path)
    if path.suffix.lower() in MARKDOWN_SUFFIXES:
        return read_markdown(path, name=name, limits=limits)
    return read_docx(path, name=name, limits=limits)
