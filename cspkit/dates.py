"""Dates as cspkit reads them, from records and from the command line: ``YYYY-MM-DD`` only.

Python and pydantic accept more (``20231012``, a number of seconds since 1970, a date and a
time): each is a way for a typo to become a wrong date without a word. A date outside the
years a partnership keeps records for (``0001-01-01``) is refused too: it is always a slip,
and date arithmetic on it (the civic year before it) would fail.
"""

from __future__ import annotations

import datetime as dt
import re

MIN_YEAR = 1900
MAX_YEAR = 2999

#: The one form a date is written in.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_date(text: str) -> dt.date:
    """``YYYY-MM-DD`` as a date; ``ValueError`` (with a message for a person) for anything else."""
    if not ISO_DATE.fullmatch(text):
        raise ValueError(f"not a date: write YYYY-MM-DD (got '{text}')")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a real date ({exc})") from None
    return in_range(day)


def in_range(day: dt.date) -> dt.date:
    """``day`` if its year is one records are kept for, else ``ValueError``."""
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueError(f"{day.isoformat()} is outside the years records are kept for ({MIN_YEAR} to {MAX_YEAR})")
    return day
