"""Reading a Markdown document into blocks, from markdown-it-py's token stream.

The same CommonMark the packs are rendered with (tables enabled, raw HTML not markup), so
a document reads here as it renders there. Each block's location is its first line
(``token.map``). What becomes what:

- ``#`` … ``######`` headings: ``Heading`` 1–6;
- paragraphs: ``Paragraph`` (a label typed at its start, "i." or "(a)", is recognised);
- ordered list items: ``Paragraph`` with the marker as label ("3." or "3)") and ``level``
  the list depth; bullet items: ``bullet`` True; a second paragraph of an item has the
  item's level and no label;
- block quotes: their paragraphs, with style "Quote";
- tables: ``Table`` with one header row, each cell one paragraph;
- a soft break (a line wrapped in the source) is a space, a hard break (backslash or two
  spaces at the end of a line) a line break;
- code blocks are left out with a note; raw HTML is text, as the packs render it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .blocks import (
    Block,
    Cell,
    Document,
    DocumentError,
    Location,
    Note,
    Table,
    iter_notes,
    make_heading,
    make_paragraph,
)
from .inline import inline_tokens_spans
from .safety import DEFAULT_LIMITS, Limits, read_regular_file

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_TABLE_PARSER: MarkdownIt | None = None


def _block_parser() -> MarkdownIt:
    global _TABLE_PARSER
    if _TABLE_PARSER is None:
        from markdown_it import MarkdownIt

        _TABLE_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        _TABLE_PARSER.enable("table")
    return _TABLE_PARSER


def _line(token: Token) -> Location:
    return Location(line=token.map[0] + 1) if token.map else Location()


def markdown_blocks(text: str) -> list[Block]:
    """The blocks of Markdown ``text`` (locations are lines of ``text``)."""
    tokens = _block_parser().parse(text)
    out: list[Block] = []
    _walk(tokens, 0, len(tokens), out, lists=[], quote=0)
    return out


@dataclass
class _OpenList:
    """A list being read: its kind, the label of the item open in it, and whether that item's
    first paragraph is still to come."""

    ordered: bool
    label: str | None = None
    first: bool = False


def _walk(tokens: Sequence[Token], i: int, end: int, out: list[Block], lists: list[_OpenList], quote: int) -> int:
    """Read ``tokens[i:end]`` into ``out``; ``lists`` is the stack of open lists."""
    while i < end:
        tok = tokens[i]
        t = tok.type
        if t == "heading_open":
            inline = tokens[i + 1]
            spans = inline_tokens_spans(inline.children or [])
            if spans:
                out.append(make_heading(spans, int(tok.tag[1]), location=_line(tok)))
            i += 3
            continue
        if t == "paragraph_open":
            inline = tokens[i + 1]
            spans = inline_tokens_spans(inline.children or [])
            if spans:
                label = lists[-1].label if lists else None
                bullet = bool(lists) and not lists[-1].ordered and lists[-1].first
                out.append(make_paragraph(spans, label=label, numbered=label is not None, level=len(lists),
                                          bullet=bullet, style="Quote" if quote else None,
                                          location=_line(tok)))
                if lists:
                    lists[-1].label = None
                    lists[-1].first = False
            i += 3
            continue
        if t in ("ordered_list_open", "bullet_list_open"):
            lists.append(_OpenList(ordered=t == "ordered_list_open"))
        elif t in ("ordered_list_close", "bullet_list_close"):
            lists.pop()
        elif t == "list_item_open":
            if lists:
                lists[-1].label = (tok.info + tok.markup) if lists[-1].ordered else None
                lists[-1].first = True
        elif t == "blockquote_open":
            quote += 1
        elif t == "blockquote_close":
            quote -= 1
        elif t == "table_open":
            close = next(k for k in range(i, end) if tokens[k].type == "table_close" and tokens[k].level == tok.level)
            out.append(_table(tokens, i, close))
            i = close + 1
            continue
        elif t in ("fence", "code_block"):
            out.append(Note("code", "a code block was left out", _line(tok)))
        i += 1
    return i


def _table(tokens: Sequence[Token], start: int, close: int) -> Table:
    rows: list[tuple[Cell, ...]] = []
    row: list[Cell] = []
    header_rows = 0
    row_location = Location()
    in_head = False
    for k in range(start, close):
        tok = tokens[k]
        if tok.type == "thead_open":
            in_head = True
        elif tok.type == "thead_close":
            in_head = False
        elif tok.type == "tr_open":
            row = []
            row_location = _line(tok)
        elif tok.type == "tr_close":
            rows.append(tuple(row))
            header_rows += in_head
        elif tok.type == "inline":
            spans = inline_tokens_spans(tok.children or [])
            blocks = (make_paragraph(spans, location=row_location),) if spans else ()
            row.append(Cell(blocks, column=len(row)))
    return Table(tuple(rows), header_rows, _line(tokens[start]))


def read_markdown(path: Path | str, *, name: str | None = None, limits: Limits = DEFAULT_LIMITS) -> Document:
    """The blocks of a Markdown file (UTF-8; a byte-order mark is allowed).

    The file is read as safely as a Word document (a regular file, within the size limit);
    ``name`` is how messages call it.
    """
    import hashlib

    path = Path(path)
    name = name or path.name
    data = read_regular_file(path, name, limits.max_file_bytes)
    if data.startswith(b"PK\x03\x04"):
        raise DocumentError(name, "is a Word document or another zip file, not Markdown: "
                                  "give it the ending .docx if it is a Word document")
    if b"\x00" in data:
        raise DocumentError(name, "is not a text file (it holds NUL bytes), so it cannot be Markdown")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise DocumentError(name, "is not UTF-8 text: save it as UTF-8", Location(line=line)) from None
    blocks = markdown_blocks(text)
    return Document(name, blocks, notes=list(iter_notes(blocks)), sha256=hashlib.sha256(data).hexdigest())
