"""List and number labels: "i.", "(a)", "8.", "8a." — typed by hand or made by Word.

One function recognises a label typed at the start of a paragraph (``split_label``); one
formats a number the way Word's list numbering does (``format_number``); one tells the
writer which Word numbering makes a given label (``list_style_of``). ``normalise`` folds
the typographic variants a document may hold (smart quotes, dashes, non-breaking spaces)
for matching text, never for storing it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_ROMAN_VALUES = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                 (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def to_roman(n: int) -> str:
    """1 -> i, 14 -> xiv (Word writes 0 and negative numbers in decimal)."""
    if n <= 0:
        return str(n)
    digits = []
    for value, letters in _ROMAN_VALUES:
        count, n = divmod(n, value)
        digits.append(letters * count)
    return "".join(digits)


def to_letter(n: int) -> str:
    """Word's letter numbering: 1 -> a, 26 -> z, 27 -> aa, 28 -> bb (the letter repeated)."""
    if n <= 0:
        return str(n)
    times, index = divmod(n - 1, 26)
    return chr(ord("a") + index) * (times + 1)


_ORDINAL_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]


def format_number(n: int, fmt: str) -> str:
    """``n`` in a Word numbering format (``w:numFmt``): decimal, lowerRoman, upperLetter …

    Formats outside the common ones fall back to decimal, as Word does for a format it
    cannot show. ``bullet`` and ``none`` give an empty string.
    """
    if fmt in ("bullet", "none"):
        return ""
    if fmt == "lowerRoman":
        return to_roman(n)
    if fmt == "upperRoman":
        return to_roman(n).upper()
    if fmt == "lowerLetter":
        return to_letter(n)
    if fmt == "upperLetter":
        return to_letter(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "ordinal":
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    if fmt == "cardinalText" and 0 <= n < len(_ORDINAL_WORDS):
        return _ORDINAL_WORDS[n].capitalize()
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    return str(n)


# A hand-typed label at the start of a paragraph. Roman numerals are checked properly
# (``iiii.`` is not one); single capital letters with a full stop are left out, because
# "A. Fadesco" and "I. Ashford" are initials far more often than labels.
_ROMAN = r"(?=[ivxlcdm])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_NUMBER = r"[1-9]\d{0,2}"
_LABEL_FORMS = (
    rf"\((?:{_NUMBER}[a-z]?|[a-z]{{1,2}}|[A-Z]{{1,2}}|{_ROMAN}|{_ROMAN.upper()})\)",  # (a) (ii) (3) (3a)
    rf"(?:{_NUMBER}[a-z]?|[a-z]{{1,2}}|[A-Z]{{1,2}}|{_ROMAN}|{_ROMAN.upper()})\)",  # a) ii) 3)
    rf"{_NUMBER}(?:\.{_NUMBER})+\.?",  # 8.1  8.1.  8.1.2
    rf"{_NUMBER}[a-z]?\.",  # 8.  8a.
    rf"(?:{_ROMAN}|[a-z]|(?=[IVXLCDM]{{2}}){_ROMAN.upper()})\.",  # i.  xiv.  a.  IV.
)
_TYPED = re.compile(rf"(?:{'|'.join(_LABEL_FORMS)})(?=[ \t\u00a0])")
_BARE_NUMBER = re.compile(rf"{_NUMBER}(?=[\t \u00a0])")
_ROMAN_ONLY = re.compile(rf"\(?(?:{_ROMAN}|{_ROMAN.upper()})[.)]")


def split_label(text: str) -> tuple[str, str] | None:
    """A label typed at the start of ``text`` and the text after it, or None.

    Recognised: ``i.`` ``xiv.`` ``a.`` ``8.`` ``8a.`` ``8.1`` ``(a)`` ``(ii)`` ``(3)`` ``a)``
    ``3)`` ``IV.`` followed by a space or tab; and a bare number followed by a tab,
    or by a line in capitals (``8 PARTNER UPDATES``, as item headings are often typed).
    A decimal label with an inner dot and no final one (``8.1``) counts only before a
    capital letter or a tab, so that "1.5 million" is not a label. Single capital letters
    with a full stop are initials, not labels.

    >>> split_label("ii. The Police were using…")
    ('ii.', 'The Police were using…')
    >>> split_label("8. PARTNER UPDATES")
    ('8.', 'PARTNER UPDATES')
    >>> split_label("i.e. nothing") is None
    True
    """
    m = _TYPED.match(text)
    if not m:
        m = _BARE_NUMBER.match(text)
        if not m or not (text[m.end()] == "\t" or text[m.end():].isupper()):
            return None
    label = m.group(0)
    rest = text[m.end():]
    if re.fullmatch(rf"{_NUMBER}(?:\.{_NUMBER})+", label) and not re.match(r"\t|[ \u00a0]+[A-Z(]", rest):
        return None
    stripped = rest.lstrip(" \t\u00a0")
    if not stripped:
        return None  # a label and nothing else is a line of its own, not a labelled paragraph
    return label, stripped


def label_core(label: str) -> str:
    """The label without its punctuation: ``(a)`` -> ``a``, ``8a.`` -> ``8a``, ``8.1.`` -> ``8.1``."""
    return label.strip().strip("().").strip()


def is_roman_label(label: str) -> bool:
    """True for ``i.``, ``(iv)``, ``XI.``: a label whose core is a valid Roman numeral."""
    return bool(_ROMAN_ONLY.fullmatch(label.strip()))


@dataclass(frozen=True)
class ListStyle:
    """How Word makes a label: ``w:numFmt`` and ``w:lvlText`` (``%1`` is the number)."""

    num_fmt: str
    lvl_text: str
    start: int

    def label(self, n: int) -> str:
        return self.lvl_text.replace("%1", format_number(n, self.num_fmt))


def _value(core: str, fmt: str) -> int | None:
    if fmt == "decimal":
        return int(core) if core.isdigit() else None
    if fmt in ("lowerRoman", "upperRoman"):
        low = core.lower()
        for n in range(1, 400):
            if to_roman(n) == low:
                return n
        return None
    if fmt in ("lowerLetter", "upperLetter"):
        low = core.lower()
        if low and low == low[0] * len(low) and "a" <= low[0] <= "z":
            return (len(low) - 1) * 26 + ord(low[0]) - ord("a") + 1
    return None


def list_style_of(label: str, prefer_roman: bool = True) -> ListStyle | None:
    """The Word numbering that shows ``label`` (``"(a)"`` -> lowerLetter ``(%1)``, start 1).

    ``i.``, ``v.``, ``x.`` … are read as Roman numerals when ``prefer_roman`` (the first point
    of a list is ``i.``, not the ninth letter); None when no single-level Word format makes
    the label (``8a.``, ``8.1``).
    """
    m = re.fullmatch(r"(\(?)([0-9]+|[A-Za-z]+)([.)])", label.strip())
    if not m or (m.group(1) and m.group(3) != ")"):
        return None
    opening, core, closing = m.groups()
    text = f"{opening}%1{closing}"
    candidates = ["decimal"] if core.isdigit() else []
    if core.isalpha():
        roman = ["lowerRoman"] if core.islower() else ["upperRoman"]
        letter = ["lowerLetter"] if core.islower() else ["upperLetter"]
        candidates = roman + letter if prefer_roman else letter + roman
    for fmt in candidates:
        value = _value(core, fmt)
        if value is not None and format_number(value, fmt) == core:
            return ListStyle(fmt, text, value)
    return None


_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ", "\t": " ", "\n": " ",
    "\u00ad": None, "\u200b": None, "\u2026": "...",
})


def normalise(text: str, *, casefold: bool = True) -> str:
    """``text`` folded for matching: smart quotes straight, dashes to ``-``, spaces collapsed.

    "AGREED – that the ‘Plan’" and "agreed - that the 'plan'" normalise alike. Use it to
    compare (a label, an agenda title, a registry name), never to store what was written.
    """
    folded = unicodedata.normalize("NFKC", text.translate(_FOLD))
    folded = " ".join(folded.split())
    return folded.casefold() if casefold else folded
