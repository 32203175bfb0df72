"""Listings as data: a :class:`Table` of rows that the CLI's reporters print as text, JSON or CSV.

A list command's library function returns a Table; it never formats. Rows are plain values
(text, numbers, dates, booleans, lists of text), so every reporter can show them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Row = dict[str, Any]


@dataclass
class Column:
    """A column of a listing: the key in each row and its heading.

    ``ratio`` (text table): share of the spare width for a text column that wraps; None: as wide
    as its content, never wrapped. ``text``: shown in the text table (CSV and JSON have every
    column). ``shown``: how the text table writes the cell, when not as the value.
    """

    key: str
    heading: str
    ratio: int | None = None
    min_width: int | None = None
    text: bool = True
    shown: Callable[[Row], str] | None = None


@dataclass
class Table:
    """A listing: columns, rows, and what to say when there are none."""

    columns: list[Column]
    rows: list[Row]
    title: str | None = None
    empty: str = "Nothing to list."
    #: what the listing is of, for JSON (a PSA's year and title …): rows go under ``rows_key`` then
    meta: dict[str, Any] = field(default_factory=dict)
    rows_key: str = "rows"
