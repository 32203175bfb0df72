"""How a body writes its minutes: the one place for labels, decision wording and set phrases.

The pack's minutes (HTML, PDF, Markdown), the Word and Markdown drafts and exports, and the
importer all take their wording from here, so what is printed is what is read back:

- points: ``i.`` / ``(i)`` / ``a.`` / ``(a)`` / ``1.`` (``point_numbering``);
- decisions: "AGREED that the information be noted." on one line; several under the word,
  "1. that …;" "2. that … ." (``inline``, ``numbered``) or "RESOLVED:" then "(a) That …;"
  "(b) That … ." (``lettered``), a single lettered one as "That … ." on its own line;
- minute numbers: "30." where they run on across meetings, the agenda number otherwise;
- "Upcoming meetings", "This item was deferred.", "The meeting closed at …", the signature block.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cspkit.dates import format_date, format_time, format_time_range
from cspkit.documents.labels import to_letter as letter
from cspkit.documents.labels import to_roman as roman
from cspkit.models.config import Conventions, DecisionStyle, MinuteNumbering, PointNumbering, ScheduleEntry
from cspkit.models.meeting import Decision, Meeting, MinuteItem, MinuteOutcome, MinutePart

#: Heading of a list of upcoming meetings inside a minute.
UPCOMING_TITLE = "Upcoming meetings"
#: What an exported exempt minute says under its heading (the importer reads it back).
EXEMPT_NOTE = "Not for publication: this minute is left out of public copies."
#: The sentence for an item that was not taken.
OUTCOME_TEXT = {MinuteOutcome.deferred: "This item was deferred.",
                MinuteOutcome.withdrawn: "This item was withdrawn."}
#: Words that start a block of decisions besides the body's own (``decision_word``).
DECISION_WORDS = ("AGREED", "RESOLVED", "NOTED", "DECIDED", "RECOMMENDED")
#: Ends of a decision's text the minutes supply themselves (so the text is kept without them).
DECISION_ENDS = (".", ";")

@dataclass(frozen=True)
class DecisionLines:
    """A block of decisions as printed: the word, then one line per decision.

    ``same_line``: the only decision follows the word on its line ("AGREED that …").
    Each line is ``(label, text)``; the text is inline Markdown with "that" and the
    punctuation in place ("That the report be noted;").
    """

    word: str
    same_line: bool
    lines: tuple[tuple[str | None, str], ...]


class MinutesStyle:
    """A body's conventions for minutes, applied."""

    def __init__(self, conventions: Conventions):
        self.conv = conventions

    # ------------------------------------------------------------------ numbers and labels
    @property
    def continuous(self) -> bool:
        return self.conv.minute_numbering == MinuteNumbering.continuous

    def point_label(self, n: int) -> str:
        """The label of the n-th point (1-based): "iii." or "(c)" …"""
        style = self.conv.point_numbering
        if style in (PointNumbering.roman, PointNumbering.roman_parens):
            core = roman(n)
        elif style in (PointNumbering.letter, PointNumbering.letter_parens):
            core = letter(n)
        else:
            core = str(n)
        return f"({core})" if style in (PointNumbering.roman_parens, PointNumbering.letter_parens) else f"{core}."

    def decision_label(self, n: int) -> str:
        """The label of the n-th of several decisions: "(b)" or "2."."""
        return f"({letter(n)})" if self.conv.decision_style == DecisionStyle.lettered else f"{n}."

    def minute_number(self, mi: MinuteItem) -> str:
        """The number a minute is printed with: its minute number, or its agenda item's (may be empty)."""
        if mi.number is not None:
            return str(mi.number)
        return mi.item or ""

    def minute_label(self, mi: MinuteItem) -> str:
        """The number as the heading shows it: "30." for running minute numbers, "6" otherwise."""
        number = self.minute_number(mi)
        return f"{number}." if number and mi.number is not None and self.continuous else number

    def point_starts(self, body: list[MinutePart]) -> list[int]:
        """For each part, the number its first point has: points run on, restarting after a sub-heading."""
        starts, n = [], 1
        for part in body:
            if part.heading is not None:
                n = 1
            starts.append(n)
            n += len(part.points or ())
        return starts

    # ------------------------------------------------------------------ decisions
    def decision_word(self, part: MinutePart) -> str:
        return part.word or self.conv.decision_word

    def decision_lines(self, part: MinutePart) -> DecisionLines:
        """How a block of decisions is printed (see :class:`DecisionLines`)."""
        decisions = part.decisions or []
        word = self.decision_word(part)
        lettered = self.conv.decision_style == DecisionStyle.lettered
        if len(decisions) == 1 and not lettered:
            return DecisionLines(word, True, ((None, self.decision_text(decisions[0], True, capital=False)),))
        head = f"{word}:" if lettered else word
        if len(decisions) == 1:
            return DecisionLines(head, False, ((None, self.decision_text(decisions[0], True, capital=True)),))
        lines = tuple((self.decision_label(k + 1), self.decision_text(d, k + 1 == len(decisions), capital=lettered))
                      for k, d in enumerate(decisions))
        return DecisionLines(head, False, lines)

    @staticmethod
    def decision_text(d: Decision, last: bool, capital: bool) -> str:
        """"that the report be noted;" — "that" (or "That"), the text, and ";" or "." after it."""
        text = d.text.strip()
        if d.that:
            text = f"{'That' if capital else 'that'} {text}"
        if text.endswith(("?", "!")) or (last and text.endswith(".")):
            return text
        return text + ("." if last else ";")

    # ------------------------------------------------------------------ set phrases
    def date(self, day: dt.date) -> str:
        return format_date(day, self.conv.text_date_style.value)

    def time(self, t: dt.time | None) -> str:
        return format_time(t, self.conv.time_style.value)

    def upcoming(self, entry: ScheduleEntry) -> str:
        """"12th October 2023 at 10am", "18th January 2024 (2pm – 4pm)", or the entry's label."""
        if entry.date is None:
            return entry.label or ""
        text = self.date(entry.date)
        if entry.start and entry.end:
            text += f" ({format_time_range(entry.start, entry.end, self.conv.time_style.value)})"
        elif entry.start:
            text += f" at {self.time(entry.start)}"
        if entry.label:
            text += f" – {entry.label}"
        return text

    def minutes_of(self, partnership: str, meeting: Meeting) -> str:
        """"Minutes of a meeting of the … held at … on Thursday, 13th July 2023." """
        when = format_date(meeting.date, self.conv.agenda_date_style.value)
        return f"{self.conv.minutes_title} of a meeting of the {partnership} {held_phrase(meeting)} on {when}."

    def closing(self, ended: dt.time) -> str:
        return f"The meeting closed at {self.time(ended)}."

    def signature(self, day: dt.date, start: dt.time | None, ended: dt.time | None) -> list[str] | None:
        """The signature block's lines (times, date, the line to sign), or None without one."""
        if not self.conv.minutes_signature:
            return None
        times = format_time_range(start, ended, self.conv.time_style.value) if start else ""
        return [t for t in (times, self.date(day), self.conv.minutes_signature) if t]


def held_phrase(meeting: Meeting) -> str:
    """Where a meeting was held, as minutes say it: "held at Committee Room 1", "held via Microsoft Teams"."""
    online = meeting.mode is not None and meeting.mode.value == "online"
    if meeting.venue:
        return f"held {'via' if online else 'at'} {meeting.venue}"
    return "held online" if online else "held"
