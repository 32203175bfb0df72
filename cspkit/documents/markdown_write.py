"""Blocks written as a Markdown document that ``markdown_read`` reads back into the same blocks.

Where the two models overlap, the round trip is exact: headings 1–6, paragraphs, ordered
lists with "N." or "N)" labels, bullets, nesting, tables with a header row. What Markdown
cannot say is written so that a reader still sees it: a Word Title becomes a level-1
heading; a label Markdown lists cannot make ("i.", "(a)") is typed at the start of the
text (and read back as a typed label); underlining and notes are not written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .blocks import Block, Cell, Heading, Note, Paragraph, Table

# The start of a line that Markdown would read as block markup.
_BLOCK_START = re.compile(r"^(?:(#{1,6})(?=[ \t]|$)|(>|[+*-](?=[ \t]|$))|(\d{1,9})([.)])(?=[ \t]|$)|(=+)[ \t]*$|(-+)[ \t]*$)")
_MARKDOWN_LIST = re.compile(r"^(\d{1,9})([.)])$")


def _escape_line(line: str) -> str:
    """``line`` with its first characters escaped when they would start block markup."""
    line = line.lstrip(" \t")
    m = _BLOCK_START.match(line)
    if not m:
        return line
    if m.group(3):  # "8. " -> "8\\. "
        return m.group(3) + "\\" + line[len(m.group(3)):]
    return "\\" + line


def _block_text(text: str) -> str:
    """Inline Markdown made safe as the content of a block: each line's start is escaped."""
    return "\n".join(_escape_line(line) for line in text.split("\n"))


def blocks_markdown(blocks: Sequence[Block]) -> str:
    """The Markdown document for ``blocks``; blocks are separated by blank lines, lists kept tight."""
    out: list[str] = []
    indents: list[int] = []  # content column of each open list level
    previous_list = False
    for block in blocks:
        if isinstance(block, Paragraph) and block.level > 0 and \
                (marker := "-" if block.bullet else _list_label(block)):
            depth = min(block.level, len(indents) + 1)
            # A nested list may interrupt its item's text only when it starts at 1: a blank line first.
            deeper = previous_list and depth > len(indents)
            del indents[depth - 1:]
            pad = indents[-1] if indents else 0
            indents.append(pad + len(marker) + 1)
            body = _block_text(block.text).replace("\n", "\n" + " " * indents[-1])
            out.append(("\n" if out and (deeper or not previous_list) else "") + " " * pad + f"{marker} {body}\n")
            previous_list = True
            continue
        if isinstance(block, Paragraph) and block.level > 0 and indents and previous_list:
            # A further paragraph of the item above.
            depth = min(block.level, len(indents))
            del indents[depth:]
            pad = indents[-1]
            out.append("\n" + " " * pad + _block_text(_typed(block)).replace("\n", "\n" + " " * pad) + "\n")
            continue
        indents = []
        previous_list = False
        if out:
            out.append("\n")
        if isinstance(block, Heading):
            text = _typed(block).replace("\\\n", " ")
            if text.endswith("#"):
                text = text[:-1] + "\\#"
            out.append("#" * min(max(block.level, 1), 6) + " " + text + "\n")
        elif isinstance(block, Paragraph):
            out.append(_block_text(_typed(block)) + "\n")
        elif isinstance(block, Table):
            out.append(_table(block))
        elif isinstance(block, Note):
            out.pop() if out else None
    return "".join(out)


def _list_label(block: Paragraph) -> str | None:
    """The label as a Markdown list marker, if Markdown can make it ("3." and "3)" only)."""
    if block.numbered and block.label and _MARKDOWN_LIST.match(block.label):
        return block.label
    return None


def _typed(block: Heading | Paragraph) -> str:
    """The text, with a numbering label Markdown cannot make typed at its start."""
    if block.numbered and block.label:
        return f"{block.label} {block.text}"
    return block.text


def _cell(cell: Cell) -> str:
    text = " ".join(b.text.replace("\\\n", " ") for b in cell.blocks if isinstance(b, (Heading, Paragraph)))
    return text.replace("|", "\\|")


def _table(table: Table) -> str:
    rows = [[_cell(c) for c in row] for row in table.rows]
    width = max((len(r) for r in rows), default=1)
    rows = [r + [""] * (width - len(r)) for r in rows] or [[""]]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines) + "\n"
