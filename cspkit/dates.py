"""Dates as cspkit reads them, and as the partnership's documents write them.

Read from records and from the command line: ``YYYY-MM-DD`` only.

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


# --------------------------------------------------------------------------- writing dates
# UK date and time styles as the packs print them, chosen by configuration.

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def ordinal(n: int) -> str:
    """1 -> 1st, 2 -> 2nd, 11 -> 11th, 22 -> 22nd."""
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def format_date(day: dt.date | str | None, style: str = "medium") -> str:
    """Format a date (or a YYYY-MM month) in one of the styles of :class:`DateStyle`.

    long: Thursday, 12th October 2023 · long-plain: Friday, 22 March 2024 ·
    medium: 12 October 2023 · medium-ordinal: 12th October 2023 · short: 12.10.23 ·
    compact: 121023 · month: October 2023
    """
    if day is None:
        return ""
    if isinstance(day, str):
        year, month = day.split("-")[:2]
        return f"{MONTHS[int(month) - 1]} {year}"
    style = str(style)
    month = MONTHS[day.month - 1]
    if style == "long":
        return f"{DAYS[day.weekday()]}, {ordinal(day.day)} {month} {day.year}"
    if style == "long-plain":
        return f"{DAYS[day.weekday()]}, {day.day} {month} {day.year}"
    if style == "medium-ordinal":
        return f"{ordinal(day.day)} {month} {day.year}"
    if style == "short":
        return f"{day.day}.{day.month}.{day.year % 100:02d}"
    if style == "compact":
        return f"{day.day:02d}{day.month:02d}{day.year % 100:02d}"
    if style == "month":
        return f"{month} {day.year}"
    return f"{day.day} {month} {day.year}"


def format_time(t: dt.time | None, style: str = "compact") -> str:
    """10:00 -> "10am" (compact) or "10.00 am" (dotted); 14:30 -> "2.30pm"; 12:00 -> "12pm"."""
    if t is None:
        return ""
    hour12 = t.hour % 12 or 12
    suffix = "am" if t.hour < 12 else "pm"
    if str(style) == "dotted":
        return f"{hour12}.{t.minute:02d} {suffix}"
    return f"{hour12}{'' if t.minute == 0 else f'.{t.minute:02d}'}{suffix}"


def format_time_range(start: dt.time | None, end: dt.time | None, style: str = "compact") -> str:
    """"10am – 12pm" (compact) or "10.00 - 11.10 am" (dotted, as minutes record a closing time)."""
    if start is None:
        return ""
    if end is None:
        return format_time(start, style)
    if str(style) == "dotted" and (start.hour < 12) == (end.hour < 12):
        return f"{format_time(start, style).rsplit(' ', 1)[0]} - {format_time(end, style)}"
    return f"{format_time(start, style)} – {format_time(end, style)}"
