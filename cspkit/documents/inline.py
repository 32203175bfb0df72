"""Inline text: runs of formatted text (spans) and their one Markdown spelling.

Both readers turn what they find (Word runs, markdown-it inline tokens) into ``Span``\\ s,
and one function writes spans as Markdown. So a bold word in Word and the same bold word
in a Markdown file become the same text, which is what lets the minutes import treat a
``.docx`` and a ``.md`` alike and lets a round trip compare equal.

The Markdown written is CommonMark: ``**bold**``, ``*italic*``, ``[text](url)``, a line
break as a backslash at the end of the line. Characters that Markdown would read as markup
are escaped (``\\*``, ``\\_``, ``\\[`` …); block-level markers at the start of a line are
the business of whoever writes whole documents (``markdown_write``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

#: Link targets kept as links; any other scheme (javascript:, file:, data: …) is kept as text.
SAFE_SCHEMES = ("http://", "https://", "mailto:")


@dataclass(frozen=True)
class Span:
    """A stretch of text with one formatting. ``text`` may hold ``\\n`` (a line break) and ``\\t``."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None

    @property
    def style(self) -> tuple[bool, bool, str | None]:
        return (self.bold, self.italic, self.href)


def safe_href(url: str | None) -> str | None:
    """``url`` when it is a web or mail link, else None (a link that must not be followed)."""
    if not url:
        return None
    u = url.strip()
    return u if u.lower().startswith(SAFE_SCHEMES) and not any(c in u for c in "\n\r\t") else None


_AROUND_BREAK = re.compile(r"[ \t]*\n[ \t]*")


def _tidy_breaks(items: list[Span]) -> list[Span]:
    """Spaces and tabs next to a line break are invisible: drop them, across spans too."""
    if not any("\n" in s.text for s in items):
        return items
    text = "".join(s.text for s in items)
    keep = [True] * len(text)
    for m in _AROUND_BREAK.finditer(text):
        for k in range(m.start(), m.end()):
            keep[k] = text[k] == "\n"
    out, pos = [], 0
    for s in items:
        kept = "".join(c for k, c in enumerate(s.text, pos) if keep[k])
        pos += len(s.text)
        if kept:
            out.append(Span(kept, s.bold, s.italic, s.href))
    return out


def _merge(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for s in spans:
        if merged and merged[-1].style == s.style:
            merged[-1] = Span(merged[-1].text + s.text, s.bold, s.italic, s.href)
        else:
            merged.append(s)
    return merged


def normalise_spans(spans: Iterable[Span]) -> tuple[Span, ...]:
    """The one spelling of a run of spans: what a reader sees, without invisible differences.

    Empty spans go; adjacent spans of one formatting merge; whitespace carries no bold or
    italic of its own (a bold space between two bold words joins them, elsewhere it is
    plain); spaces around a line break and at both ends of the text are dropped.
    """
    merged = _merge(_tidy_breaks([s for s in spans if s.text]))
    # Whitespace left on its own with a formatting (its neighbours differ) is plain.
    merged = _merge([Span(s.text, False, False, s.href) if s.text.isspace() else s for s in merged])
    # Formatted text starts and ends with a visible character: its edge whitespace is plain.
    split: list[Span] = []
    for s in merged:
        if (s.bold or s.italic) and s.text != s.text.strip():
            core = s.text.strip()
            start = s.text.index(core)
            lead, trail = s.text[:start], s.text[start + len(core):]
            split += [Span(lead, href=s.href), Span(core, s.bold, s.italic, s.href), Span(trail, href=s.href)]
        else:
            split.append(s)
    merged = _merge([s for s in split if s.text])
    # Trim the whole text's ends.
    while merged and not merged[0].text.strip():
        merged.pop(0)
    while merged and not merged[-1].text.strip():
        merged.pop()
    if merged:
        first, last = merged[0], merged[-1]
        merged[0] = Span(first.text.lstrip(), first.bold, first.italic, first.href)
        last = merged[-1]
        merged[-1] = Span(last.text.rstrip(), last.bold, last.italic, last.href)
    return tuple(merged)


def spans_plain(spans: Sequence[Span]) -> str:
    """The text without any markup, line breaks as ``\\n``."""
    return "".join(s.text for s in spans)


_ESCAPE = re.compile(r"([\\`*_\[\]<>!&])")
_ENTITY = re.compile(r"&(#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def escape_markdown(text: str) -> str:
    """``text`` escaped so that CommonMark reads it back as the same characters.

    Only what could start inline markup is escaped (``\\ ` * _ [ ] < >``, a final ``!``
    that a link could follow, ``&`` before an entity); a line break becomes a backslash
    line break.
    """
    def esc(m: re.Match[str]) -> str:
        c = m.group(1)
        if c == "!":
            # A '[' after it in this text is escaped; a link may follow the text's last '!'.
            return "\\!" if m.end() == len(text) else c
        if c == "&":
            return "\\&" if _ENTITY.match(text, m.start()) else c
        return "\\" + c

    out = _ESCAPE.sub(esc, text)
    return out.replace("\n", "\\\n")


def _href_markdown(url: str) -> str:
    if any(c in url for c in " ()<>\\"):
        return "<" + url.replace("\\", "\\\\").replace("<", "\\<").replace(">", "\\>") + ">"
    return url


_K = TypeVar("_K", bound=Hashable)


def _groups(spans: Sequence[Span], key: Callable[[Span], _K]) -> list[tuple[_K, list[Span]]]:
    """Runs of consecutive spans with the same ``key``."""
    out: list[tuple[_K, list[Span]]] = []
    for s in spans:
        k = key(s)
        if out and out[-1][0] == k:
            out[-1][1].append(s)
        else:
            out.append((k, [s]))
    return out


def _render(spans: Sequence[Span], bold: str, italic: str) -> str:
    parts: list[str] = []
    for href, linked in _groups(spans, lambda s: s.href):
        inner: list[str] = []
        for is_bold, bolds in _groups(linked, lambda s: s.bold):
            body: list[str] = []
            for is_italic, italics in _groups(bolds, lambda s: s.italic):
                text = escape_markdown("".join(s.text for s in italics))
                body.append(f"{italic}{text}{italic}" if is_italic and text.strip() else text)
            text = "".join(body)
            inner.append(f"{bold}{text}{bold}" if is_bold and text.strip() else text)
        text = "".join(inner)
        parts.append(f"[{text}]({_href_markdown(href)})" if href else text)
    return "".join(parts)


def _is_safe(spans: Sequence[Span]) -> bool:
    """True when the plain ``**``/``*`` spelling cannot be misread (CommonMark's flanking rules).

    A delimiter between a letter and punctuation, or between two differently formatted
    stretches, may not open or close; such a text is checked by parsing it back.
    """
    def punct(c: str) -> bool:
        return not c.isalnum() and not c.isspace()

    for i, s in enumerate(spans):
        if not (s.bold or s.italic):
            continue
        if "\n" in s.text:
            return False
        prev = spans[i - 1] if i and spans[i - 1].href == s.href else None
        nxt = spans[i + 1] if i + 1 < len(spans) and spans[i + 1].href == s.href else None
        for neighbour, outside, inside in ((prev, prev.text[-1:] if prev else "", s.text[:1]),
                                           (nxt, nxt.text[:1] if nxt else "", s.text[-1:])):
            if neighbour is None or outside.isspace():
                continue
            if neighbour.bold or neighbour.italic or (not punct(outside) and punct(inside)):
                return False
    return True


def spans_markdown(spans: Sequence[Span]) -> str:
    """Spans (as ``normalise_spans`` gives them) written as CommonMark inline text.

    Where the usual ``**``/``*`` spelling would be read back differently (formatting
    changing in the middle of a word), ``__``/``_`` are tried; if no spelling reads back
    the same, the italic is dropped from that paragraph, then the bold: the text is always
    kept whole.
    """
    if not spans:
        return ""
    first = _render(spans, "**", "*")
    if _is_safe(spans):
        return first
    target = tuple(spans)
    for bold, italic in (("**", "*"), ("**", "_"), ("__", "*"), ("__", "_")):
        text = first if bold == "**" and italic == "*" else _render(spans, bold, italic)
        if markdown_spans(text) == target:
            return text
    plainer = normalise_spans(Span(s.text, s.bold, False, s.href) for s in spans)
    if plainer != target:
        return spans_markdown(plainer)
    return spans_markdown(normalise_spans(Span(s.text, False, False, s.href) for s in spans))


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    # The same CommonMark the renderer uses: raw HTML is not markup.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def inline_tokens_spans(children: Sequence[Token]) -> tuple[Span, ...]:
    """Spans from markdown-it inline child tokens (``Token.children`` of an ``inline`` token).

    Soft breaks become spaces (as a Markdown reader sees them), hard breaks ``\\n``; code
    spans and raw HTML are kept as their literal text; an image keeps its alternative text.
    """
    out: list[Span] = []
    bold = italic = 0
    hrefs: list[str | None] = []
    for tok in children:
        t = tok.type
        href = next((h for h in reversed(hrefs) if h), None)
        if t == "text":
            out.append(Span(tok.content, bold > 0, italic > 0, href))
        elif t == "strong_open":
            bold += 1
        elif t == "strong_close":
            bold -= 1
        elif t == "em_open":
            italic += 1
        elif t == "em_close":
            italic -= 1
        elif t == "link_open":
            href_attr = tok.attrs.get("href")  # markdown-it gives a link's target as text
            hrefs.append(safe_href(href_attr if isinstance(href_attr, str) else None))
        elif t == "link_close":
            hrefs.pop()
        elif t == "softbreak":
            out.append(Span(" ", bold > 0, italic > 0, href))
        elif t == "hardbreak":
            out.append(Span("\n", bold > 0, italic > 0, href))
        elif t in ("code_inline", "html_inline") or t == "image":
            out.append(Span(tok.content, bold > 0, italic > 0, href))
    return normalise_spans(out)


def markdown_spans(text: str) -> tuple[Span, ...]:
    """Spans from inline Markdown (what a record field holds); the inverse of ``spans_markdown``."""
    tokens = _parser().parseInline(text)
    return inline_tokens_spans(tokens[0].children or []) if tokens else ()
