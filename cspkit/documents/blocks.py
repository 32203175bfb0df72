"""The neutral block model every document reader produces and the Word writer consumes.

A document is a sequence of blocks in reading order: ``Heading``, ``Paragraph``, ``Table``
(rows of ``Cell``\\ s, each holding blocks again) and ``Note`` (something skipped: an
image, an embedded object). Text is inline Markdown (``**bold**``, ``*italic*``,
``[text](url)``, a line break as a backslash at the end of a line), with ``plain`` beside
it for matching.

Every block knows where it came from (``Location``):

- Word: ``paragraph N``, where N counts the ``w:p`` elements of the document body in
  document order, 1-based, *including* empty paragraphs and the paragraphs inside tables
  (row by row, cell by cell, nested tables in place) and content controls; paragraphs in
  headers, footers, footnotes, comments and text boxes are not counted. A table's location
  is that of its first paragraph. With it goes a snippet of the block's first words, so a
  person can find it with Ctrl+F: ``minutes.docx: paragraph 12 ("AGREED that the…")``.
- Markdown: the 1-based line the block starts on: ``minutes.md:34``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TypedDict, Union

from cspkit.errors import UserError, one_line

from .inline import Span, normalise_spans, spans_markdown, spans_plain
from .labels import split_label

#: Words and characters of a snippet: enough to find the paragraph, short enough for one line.
SNIPPET_WORDS = 4
SNIPPET_CHARS = 32


def snippet(text: str) -> str:
    """The first few words of ``text`` on one line, with ``…`` when there is more."""
    words = text.split()
    short = " ".join(words[:SNIPPET_WORDS])
    if len(short) > SNIPPET_CHARS:
        short = short[:SNIPPET_CHARS].rstrip()
    return short + ("…" if short != " ".join(words) else "")


@dataclass(frozen=True)
class Location:
    """Where a block starts: a Word paragraph number (with a snippet) or a Markdown line."""

    paragraph: int | None = None
    snippet: str = ""
    line: int | None = None

    def format(self, filename: str) -> str:
        """``minutes.docx: paragraph 12 ("AGREED that the…")`` or ``minutes.md:34``."""
        if self.line is not None:
            return f"{filename}:{self.line}"
        if self.paragraph is not None:
            what = f'("{self.snippet}")' if self.snippet else "(empty)"
            return f"{filename}: paragraph {self.paragraph} {what}"
        return filename


class DocumentError(UserError):
    """A document that cannot be read as it is: one line naming the file and the place in it."""

    def __init__(self, filename: str, message: str, location: Location | None = None):
        self.filename = filename
        self.location = location
        self.reason = message
        where = location.format(filename) if location else filename
        super().__init__(one_line(f"{where}: {message}"))


@dataclass(frozen=True)
class _Text:
    """What headings and paragraphs share: the text, its label, its style and its place."""

    #: Inline Markdown as written, a typed label included ("i. The Police…").
    text: str
    #: The same without markup, for matching; line breaks are ``\n``.
    plain: str
    #: The label as the reader sees it: "i.", "(a)", "8." — typed, or made by list numbering.
    label: str | None = None
    #: True when the label comes from list numbering (Word) or a list marker (Markdown),
    #: False when it was typed at the start of the text (and so is also in ``text``).
    numbered: bool = False
    #: Inline Markdown without a typed label (the same as ``text`` for a numbered one).
    body: str = ""
    #: The paragraph style's name as the document names it ("Heading 1", "List Paragraph").
    style: str | None = None
    location: Location = field(default=Location(), compare=False)


@dataclass(frozen=True)
class Heading(_Text):
    """A heading: ``level`` 1–6 for Heading 1–6 (``#``…``######``), 0 for a Word Title."""

    level: int = 1


@dataclass(frozen=True)
class Paragraph(_Text):
    """A paragraph or list item.

    ``level`` is the list depth: 0 outside a list, 1 for a top-level item, 2 nested …
    ``bullet`` marks a bulleted item (its ``label`` is None). ``all_bold`` and
    ``underlined`` say that every visible character is bold / underlined: how sub-headings
    and typed item headings ("8. PARTNER UPDATES") look.
    """

    level: int = 0
    bullet: bool = False
    all_bold: bool = False
    underlined: bool = False


@dataclass(frozen=True)
class Note:
    """Something not read, where it was: ``kind`` is image, textbox, object, external, math, footnote, code."""

    kind: str
    message: str
    location: Location = field(default=Location(), compare=False)


@dataclass(frozen=True)
class Cell:
    """One table cell, once, however many grid columns or rows it spans.

    ``column`` is its first grid column (0-based); a cell merged across columns has
    ``col_span`` > 1, down rows ``row_span`` > 1 (and appears only in its first row).
    """

    blocks: tuple[Block, ...] = ()
    column: int = 0
    col_span: int = 1
    row_span: int = 1

    @property
    def plain(self) -> str:
        """The cell's text without markup, paragraphs joined by newlines."""
        return "\n".join(b.plain for b in iter_text_blocks(self.blocks))

    @property
    def text(self) -> str:
        """The cell's text as Markdown, paragraphs separated by blank lines."""
        return "\n\n".join(b.text for b in iter_text_blocks(self.blocks))


@dataclass(frozen=True)
class Table:
    """Rows of cells; ``header_rows`` leading rows are marked to repeat on each page."""

    rows: tuple[tuple[Cell, ...], ...]
    header_rows: int = 0
    location: Location = field(default=Location(), compare=False)


Block = Union[Heading, Paragraph, Table, Note]


@dataclass
class Document:
    """What a reader got from one file: its blocks in order, and the notes on what was skipped.

    ``notes`` lists every ``Note`` (those among the blocks, in tables too) and the notes
    about the package as a whole, which have no place among the blocks (a template or an
    image linked from outside the document, never fetched).
    """

    filename: str
    blocks: list[Block]
    notes: list[Note] = field(default_factory=list)
    #: Title and author from the Word document's properties (empty for Markdown).
    properties: dict[str, str] = field(default_factory=dict)
    #: SHA-256 of the file's bytes as read (to record which file was imported).
    sha256: str = ""

    def error(self, message: str, location: Location | None = None) -> DocumentError:
        """A ``DocumentError`` for this file at ``location`` (raise it)."""
        return DocumentError(self.filename, message, location)

    def where(self, block: Block) -> str:
        """``minutes.docx: paragraph 12 ("AGREED that the…")`` for a block of this document."""
        return block.location.format(self.filename)


def iter_text_blocks(blocks: Sequence[Block]) -> Iterator[Heading | Paragraph]:
    """Every heading and paragraph in ``blocks``, table cells included, in reading order."""
    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    yield from iter_text_blocks(cell.blocks)
        elif isinstance(block, (Heading, Paragraph)):
            yield block


def iter_notes(blocks: Sequence[Block]) -> Iterator[Note]:
    """Every note in ``blocks``, table cells included."""
    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    yield from iter_notes(cell.blocks)
        elif isinstance(block, Note):
            yield block


def _drop_label(spans: tuple[Span, ...], label: str) -> tuple[Span, ...]:
    """``spans`` without the first ``len(label)`` characters and the whitespace after them."""
    skip = len(label)
    out: list[Span] = []
    for s in spans:
        if skip >= len(s.text):
            skip -= len(s.text)
            continue
        out.append(replace(s, text=s.text[skip:]) if skip else s)
        skip = 0
    return normalise_spans(out)


class TextFields(TypedDict):
    """The fields :func:`text_fields` gives (those of :class:`_Text` that come from the spans)."""

    text: str
    plain: str
    label: str | None
    numbered: bool
    body: str


def text_fields(spans: Sequence[Span], label: str | None = None, numbered: bool = False) -> TextFields:
    """The shared fields of a heading or paragraph made from its spans.

    ``label`` is the label from list numbering, if any; without one, a label typed at the
    start of the text is recognised (``split_label``) and kept in ``text``.
    """
    spans = normalise_spans(spans)
    plain = spans_plain(spans)
    text = spans_markdown(spans)
    body = text
    if label is None and not numbered:
        typed = split_label(plain)
        if typed:
            label = typed[0]
            body = spans_markdown(_drop_label(spans, label))
    return {"text": text, "plain": plain, "label": label, "numbered": bool(label) and numbered, "body": body}


def make_paragraph(spans: Sequence[Span], *, label: str | None = None, numbered: bool = False,
                   level: int = 0, bullet: bool = False, style: str | None = None,
                   all_bold: bool | None = None, underlined: bool = False,
                   location: Location = Location()) -> Paragraph:
    """A ``Paragraph`` from its spans, the way both readers make one.

    ``all_bold`` is worked out from the spans unless given (a Word paragraph style may make
    the whole paragraph bold); ``underlined`` is the caller's (Markdown has no underline).
    Use it to build expected blocks in tests and blocks to write.
    """
    fields = text_fields(spans, label, numbered)
    spans = normalise_spans(spans)
    if all_bold is None:
        visible = [s for s in spans if s.text.strip()]
        all_bold = bool(visible) and all(s.bold for s in visible)
    return Paragraph(**fields, level=level, bullet=bullet, all_bold=all_bold, underlined=underlined,
                     style=style, location=location)


def make_heading(spans: Sequence[Span], level: int, *, label: str | None = None, numbered: bool = False,
                 style: str | None = None, location: Location = Location()) -> Heading:
    """A ``Heading`` from its spans (a typed "8." at its start is recognised as its label)."""
    return Heading(**text_fields(spans, label, numbered), level=level, style=style, location=location)
