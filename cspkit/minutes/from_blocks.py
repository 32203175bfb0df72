"""A clerk's document read back into minutes: items, points, decisions, owners, attendance.

The blocks come from :mod:`cspkit.documents` (Word or Markdown alike). What they mean is
decided here, leniently, because real minutes are typed by hand:

- **Item headings** are Word headings or paragraphs typed bold, underlined or in capitals,
  that start with an item number ("8. PARTNER UPDATES", "30. Introductions", a number from
  Word's list numbering). Where the body numbers minutes per meeting, the number is the
  agenda item's; where minutes run on (30–43), the item is found by its title (or by the
  "Agenda Item N" a minute cites), and a minute that matches none was raised in the room.
- **Before the first item**: the title, the "Minutes of a meeting … on <date>" line (its
  date must be the meeting's), and the attendance lists — a label ("Present", "Officers",
  "Apologies for absence", "Absent") followed by a table (name | organisation), a list or
  paragraphs, or a sentence ("Apologies were received from A, B and C").
- **In an item**: numbered paragraphs (typed "i." / "(a)" or Word numbering) are points,
  bullets after a point belong to it, other bullets are a list; a short bold or underlined
  line, or a smaller heading, is a sub-heading ("8a. …" heads sub-item 8a); a paragraph
  starting with AGREED, RESOLVED or NOTED starts a block of decisions, written on its line
  ("AGREED that …", "RESOLVED: (a) That …; (b) That …") or below it, numbered or lettered;
  "Upcoming meetings:" starts a list of meetings; everything else is a paragraph.
- **Owners**: "(Action: Name, by 31 October 2023)" after a decision names them; otherwise a
  person on the registry who is the subject of the decision ("that Inspector X liaise with
  Y") is proposed; "(No action)" says there is none.
- **The end**: "The meeting closed at 11.30am." or the signature block (times, date,
  "CHAIRMAN"); its times give the closing time.

Guidance (a Word draft's grey "Guidance" paragraphs, a Markdown draft's ``<!-- … -->``) is
left out. Every problem names its place in the document: ``minutes.docx: paragraph 12
("AGREED that…")`` or ``minutes.md:34``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cspkit.dates import DAYS, MONTHS
from cspkit.documents import Heading, Note, Paragraph, Table, iter_text_blocks, make_paragraph
from cspkit.documents.inline import markdown_spans, spans_plain
from cspkit.documents.labels import normalise
from cspkit.minutes.migrate import decision_clause
from cspkit.minutes.names import POSTNOMINALS, PeopleMatcher, words
from cspkit.minutes.to_blocks import ATTENDANCE_HEADER, GUIDANCE, REMOTE_TEXT
from cspkit.render.minutes_style import DECISION_WORDS, EXEMPT_NOTE, MinutesStyle

if TYPE_CHECKING:
    from cspkit.documents import Document
    from cspkit.models.meeting import Meeting
    from cspkit.repo import Repo
# --------------------------------------------------------------------------- words and phrases

_ATTENDANCE_LABELS = {
    "present": "present", "members present": "present", "present members": "present", "attendees": "present",
    "officers": "officers", "officers present": "officers", "in attendance": "officers",
    "also present": "officers", "officers in attendance": "officers", "also in attendance": "officers",
    "apologies": "apologies", "apologies for absence": "apologies", "apologies received": "apologies",
    "absent": "absent", "absent members": "absent", "not present": "absent",
}
_APOLOGIES_SENTENCE = re.compile(r"^apologies(?: for absence)? (?:were|was) (?:received|given|noted) from\s*:?\s*",
                                 re.IGNORECASE)
_ROLE_MARKS = {"in the chair": "chair", "chair": "chair", "chairman": "chair", "chairperson": "chair",
               "vice chair": "vice-chair", "vice-chair": "vice-chair", "vice chairman": "vice-chair",
               "minutes": "minutes", "clerk": "minutes", "minute taker": "minutes"}
_REMOTE_MARKS = {REMOTE_TEXT, "online", "virtual", "virtually", "ms teams", "microsoft teams", "teams", "via teams",
                 "via ms teams", "via microsoft teams", "zoom", "via zoom", "remotely"}
_SUBSTITUTE = re.compile(r"^(?:for|substitute for|substituting for|deputising for|on behalf of)\s+(.+)$", re.I)
_OUTCOMES = {"deferred": "deferred", "withdrawn": "withdrawn"}
_OUTCOME = re.compile(r"^(?:(?:this|the) item (?:was|has been) )?(deferred|withdrawn)\.?$", re.IGNORECASE)
_CLOSING = re.compile(r"^the meeting (?:closed|ended|finished|concluded) at (.+?)\.?$", re.IGNORECASE)
_UPCOMING = re.compile(r"^(?:upcoming|future|dates? of (?:the )?(?:next|future|forthcoming)|forthcoming) "
                       r"meetings?(?: dates)?\s*[:;.]?$", re.IGNORECASE)
_SIGNATURES = {"chairman", "chair", "chairperson", "signed", "chairman's signature", "signed (chairman)"}
_CITED = re.compile(r"agenda item\s+([0-9]{1,3}[a-z]?)\b", re.IGNORECASE)
_ACTION = re.compile(r"\s*[\(\[]\s*(?:actions?|owners?)\s*(?::|-|–|—|by)?\s*([^()\[\]]*?)\s*[\)\]]", re.IGNORECASE)
_NO_ACTION = re.compile(r"\s*[\(\[]\s*no (?:action|owner)s?\s*[\)\]]", re.IGNORECASE)
_ITEM_LABEL = re.compile(r"^(?:item\s+)?([0-9]{1,3}[a-z]?)[.):]?$", re.IGNORECASE)
_INLINE_LABEL = re.compile(r"(?:(?<=^)|(?<=[\s;:.]))(\((?:[a-z]|[0-9]{1,2})\)|[0-9]{1,2}\.|[a-z]\))(?=\s)")
_TIME = re.compile(r"(\d{1,2})(?:[.:](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?", re.IGNORECASE)
_HTML_COMMENT = re.compile(r"^<!--.*-->$", re.DOTALL)


def _norm(text: str) -> str:
    return normalise(text).strip(" .:;")


# --------------------------------------------------------------------------- dates and times


def parse_time(text: str, suffix: str | None = None) -> dt.time | None:
    """"10.00 am", "2.30pm", "10am", "14:30" as a time (``suffix`` am/pm for a bare "11.10")."""
    m = _TIME.fullmatch(text.strip())
    if not m:
        return None
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    mark = (m.group(3) or suffix or "").lower().replace(".", "")
    if mark == "pm" and hour < 12:
        hour += 12
    elif mark == "am" and hour == 12:
        hour = 0
    if not (0 <= hour < 24 and 0 <= minute < 60) or (not mark and not m.group(2)):
        return None
    return dt.time(hour, minute)


def parse_time_range(text: str) -> tuple[dt.time, dt.time | None] | None:
    """"10.00 - 11.10 am" (the mark applies to both), "10am – 12pm", or one time alone."""
    parts = re.split(r"\s*(?:-|–|—|to)\s*", text.strip())
    if len(parts) == 1:
        t = parse_time(parts[0])
        return (t, None) if t else None
    if len(parts) != 2:
        return None
    end_mark = _TIME.fullmatch(parts[1].strip())
    suffix = end_mark.group(3) if end_mark else None
    start, end = parse_time(parts[0], suffix), parse_time(parts[1])
    if start and end and start > end and suffix and suffix.lower().startswith("p"):
        start = parse_time(parts[0], "am")  # "11.30 - 1pm"
    return (start, end) if start and end else None


_DAY_NAMES = "|".join(DAYS)
_MONTH_NAMES = "|".join(MONTHS)
_LONG_DATE = re.compile(rf"^(?:(?:{_DAY_NAMES}),?\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_NAMES}),?\s+(\d{{4}})",
                        re.IGNORECASE)
_SHORT_DATE = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})\b")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\b")


def parse_date_prefix(text: str) -> tuple[dt.date, str] | None:
    """A date at the start of ``text`` in any of the body's date styles, and the rest of the text."""
    text = text.strip()
    try:
        m = _LONG_DATE.match(text)
        if m:
            month = next(i for i, name in enumerate(MONTHS, 1) if name.lower() == m.group(2).lower())
            return dt.date(int(m.group(3)), month, int(m.group(1))), text[m.end():]
        m = _ISO_DATE.match(text)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), text[m.end():]
        m = _SHORT_DATE.match(text)
        if m:
            year = int(m.group(3))
            return dt.date(year + 2000 if year < 100 else year, int(m.group(2)), int(m.group(1))), text[m.end():]
    except ValueError:
        return None
    return None


def find_date(text: str) -> dt.date | None:
    """The first date written anywhere in ``text`` (a "held … on Thursday, 13th July 2023" line)."""
    for m in re.finditer(r"\b", text):
        found = parse_date_prefix(text[m.start():])
        if found:
            return found[0]
    return None


def parse_upcoming(text: str) -> dict[str, Any]:
    """One upcoming meeting as the schedule holds it: "12th October 2023 at 10am", "18th January
    2024 (2pm – 4pm)", or a label ("Summer meeting – to be scheduled")."""
    found = parse_date_prefix(text)
    if found is None:
        return {"label": text.strip()}
    day, rest = found
    entry: dict[str, Any] = {"date": day}
    rest = rest.strip()
    m = re.match(r"^at\s+(\S+(?:\s*[ap]\.?m\.?)?)", rest, re.IGNORECASE)
    if m and parse_time(m.group(1)):
        entry["start"] = parse_time(m.group(1))
        rest = rest[m.end():].strip()
    else:
        m = re.match(r"^\(([^()]*)\)", rest)
        times = parse_time_range(m.group(1)) if m else None
        if m and times and times[1]:
            entry["start"], entry["end"] = times
            rest = rest[m.end():].strip()
    rest = re.sub(r"^(?:-|–|—)\s*", "", rest).strip()
    if rest:
        entry["label"] = rest
    return entry


# --------------------------------------------------------------------------- results


@dataclass
class Finding:
    """A problem (``error``) or a note about the document, at its place in it."""

    where: str
    message: str
    error: bool = True
    order: int = 0
    """Where in the document (paragraph or line number), to report in reading order."""

    def format(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class DecisionRead:
    """A decision as read, with where it was and how its owners were found."""

    data: dict[str, Any]
    where: str
    owners_from: str = ""
    """"named" ((Action: …)), "subject" (proposed from the wording), "none" ((No action)) or ""."""


@dataclass
class MinuteRead:
    """One minute as read: its data (as the meeting file holds it) and what was found on the way."""

    data: dict[str, Any]
    where: str
    label: str
    """The number its heading has ("30", "6"), or "" for an unnumbered heading."""
    decisions: list[DecisionRead] = field(default_factory=list)
    matched_by: str = ""
    """How it was matched to the agenda: "number", "title", "citation", or "" (raised in the room)."""


@dataclass
class MinutesRead:
    """Everything read from one document."""

    minutes: list[MinuteRead] = field(default_factory=list)
    attendance: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Attendance lists found in the document (group -> attendees), as the meeting file holds them."""
    attendance_where: dict[str, str] = field(default_factory=dict)
    ended: dt.time | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return sorted((f for f in self.findings if f.error), key=lambda f: f.order)

    @property
    def notes(self) -> list[Finding]:
        return sorted((f for f in self.findings if not f.error), key=lambda f: f.order)


# --------------------------------------------------------------------------- the reader


class MinutesReader:
    """Reads the blocks of one document as the minutes of one meeting."""

    def __init__(self, repo: Repo, meeting: Meeting, first_number: int | None = None):
        assert repo.config is not None
        self.repo = repo
        self.meeting = meeting
        self.conv = repo.config.conventions
        self.style = MinutesStyle(self.conv)
        vice = next((a.person for a in meeting.attendance.present if a.role and a.role.value == "vice-chair"), None)
        self.people = PeopleMatcher(repo, chair=meeting.chair, vice_chair=vice)
        self.first_number = first_number
        self.words = {w.upper() for w in (*DECISION_WORDS, self.conv.decision_word)}
        self._word_re = re.compile(
            r"^\s*(?:it\s+was\s+)?(" + "|".join(sorted(map(re.escape, self.words), key=len, reverse=True))
            + r")\b\s*(?:[:\-–—]\s*)?", re.IGNORECASE)
        self.agenda_numbers = [a.number for a in meeting.agenda]
        self.agenda_titles = {_norm(a.title).casefold(): a.number for a in meeting.agenda}
        self.signature = (self.conv.minutes_signature or "").strip().casefold()
        self.online_marker = _norm(self.conv.online_marker.strip().strip("()")).casefold()
        self.doc: Document | None = None
        self.out = MinutesRead()

    # ------------------------------------------------------------------ entry point
    def read(self, doc: Document) -> MinutesRead:
        from collections import deque


        self.doc = doc
        queue = deque(doc.blocks)
        self.item_level: int | None = None
        self.used: set[str] = set()
        self.numbered_items = self._numbers_its_items(doc.blocks)
        current: MinuteRead | None = None
        body: list[Any] = []
        group: str | None = None
        label_before = False  # the block before was an attendance label ("Present")
        in_decisions = False
        decision_labels: list[str] = []
        while queue:
            block = queue.popleft()
            if self._skip(block):
                continue
            after_label, label_before = label_before, False
            if isinstance(block, Table):
                attendance = current is None and ((group is not None and after_label)
                                                  or self._attendance_rows(block) is not None)
                if attendance or (current is not None and self._is_apologies(current)
                                  and self._attendance_rows(block) is not None):
                    if current is None:
                        self._preamble(block, group)
                    else:
                        body.append(block)
                else:
                    queue.extendleft(reversed(list(self._cells(block))))
                continue
            # The next numbered line under "RESOLVED" is a decision, however bold: never the next item.
            continues = in_decisions and isinstance(block, Paragraph) and not block.bullet and \
                _next_decision_label(decision_labels, block.label)
            heading = None if continues else self._item_heading(block, current)
            if heading is not None:
                if current is not None:
                    self._finish(current, body)
                current, body = heading, []
                group = None
                in_decisions = False
                continue
            plain = str(getattr(block, "plain", "")).strip()
            if current is None:
                was = group
                group = self._preamble(block, group)
                label_before = (group is not None and group != was) or _norm(plain).casefold() in _ATTENDANCE_LABELS
                continue
            body.append(block)
            m = self._word_re.match(plain)
            if m and self._is_decision_start(block, m):
                in_decisions, decision_labels = not plain[m.end():].strip(), []
            elif continues:
                decision_labels.append(str(getattr(block, "label", "")))
            else:
                in_decisions = False
        if current is not None:
            self._finish(current, body)
        elif not self.out.minutes:
            self.error(None, "no item headings found: start each item with its number and title, such as "
                             "“1. Apologies” (in bold or as a heading)")
        self._check_agenda()
        for note in doc.notes:
            self.note(note.location.format(doc.filename), note.message, note)
        return self.out

    # ------------------------------------------------------------------ findings
    def where(self, block: Any) -> str:
        assert self.doc is not None
        if block is None:
            return self.doc.filename
        return self.doc.where(block)

    def error(self, block: Any, message: str) -> None:
        self.out.findings.append(Finding(self.where(block), message, True, _order(block)))

    def note(self, where: str, message: str, block: Any = None) -> None:
        self.out.findings.append(Finding(where, message, False, _order(block)))

    # ------------------------------------------------------------------ blocks in reading order
    def _cells(self, table: Any) -> Iterator[Any]:
        """A table that is not an attendance list, read cell by cell, row by row.

        A cell holding only a number ("30.") labels the first paragraph of the next cell, so
        minutes laid out as a two-column table (number | text) read as typed.
        """
        for row in table.rows:
            pending = None
            for cell in row:
                inner = list(cell.blocks)
                texts = [b for b in inner if hasattr(b, "plain")]
                if len(texts) == 1 and _ITEM_LABEL.match(texts[0].plain.strip()) and not texts[0].label:
                    pending = texts[0]
                    continue
                if pending is not None and texts:
                    first = texts[0]
                    merged = make_paragraph(markdown_spans(f"{pending.plain.strip()} {first.text}"),
                                            all_bold=getattr(first, "all_bold", False)
                                            or getattr(pending, "all_bold", False),
                                            location=pending.location)
                    inner[inner.index(first)] = merged
                    pending = None
                yield from inner
            if pending is not None:
                yield pending

    def _skip(self, block: Any) -> bool:
        if isinstance(block, Note):
            return True
        style = getattr(block, "style", None)
        if style == GUIDANCE:
            return True
        plain = getattr(block, "plain", None)
        return plain is not None and (not plain.strip() or bool(_HTML_COMMENT.match(plain.strip())))

    # ------------------------------------------------------------------ item headings
    def _item_heading(self, block: Any, current: MinuteRead | None) -> MinuteRead | None:
        """A new minute when ``block`` is an item's heading, else None."""
        if not isinstance(block, (Heading, Paragraph)):
            return None
        label, title = self._label_and_title(block)
        core = label.strip("().: ").lower() if label else ""
        if core and not re.fullmatch(r"[0-9]{1,3}[a-z]?", core):
            return None
        if core and current is not None and self._sub_item_of(core, current):
            return None
        if isinstance(block, Heading):
            if self.item_level is not None and block.level > self.item_level:
                return None  # a smaller heading: a sub-heading of the item
            if not core:
                # Unnumbered: once items have begun, business raised in the room. Before, it is the
                # document's title — unless the document numbers no items and it names one.
                started = current is not None and block.level == self.item_level
                if not started and (self.item_level is not None or self.numbered_items
                                    or self._agenda_by_title(title) is None):
                    return None
            elif not self._plausible(core, block, current):
                return None
            minute = self._start(block, core, title)
            if self.item_level is None:
                self.item_level = block.level
            return minute
        if block.bullet or not core or not title or len(title.split()) > 20:
            return None
        if not (block.all_bold or block.underlined or _mostly_capitals(title)):
            return None
        if not self._plausible(core, block, current):
            return None
        return self._start(block, core, title)

    def _numbers_its_items(self, blocks: list[Any]) -> bool:
        """Whether any heading (or bold line) of the document starts with an item number."""
        for block in iter_text_blocks(blocks):
            if isinstance(block, Heading) or getattr(block, "all_bold", False):
                label, _ = self._label_and_title(block)
                if label and re.fullmatch(r"[0-9]{1,3}[a-z]?", label.strip("().: ").lower()):
                    return True
        return False

    def _label_and_title(self, block: Any) -> tuple[str, str]:
        """A heading's label ("30.", "8a") and its title as plain text."""
        label = block.label or ""
        title_plain = block.plain
        if label and not block.numbered:  # a typed label is part of the text: take it off
            title_plain = block.plain.lstrip()[len(label):]
        if not label:
            m = re.match(r"^(?:item\s+)?([0-9]{1,3}[a-z]?)[.):]?\s+(?=\S)", block.plain, re.IGNORECASE)
            if m:
                label, title_plain = m.group(1), block.plain[m.end():]
        return label, title_plain.strip().rstrip(".").strip()

    def _sub_item_of(self, core: str, current: MinuteRead) -> bool:
        item = current.data.get("item")
        return bool(item and re.fullmatch(rf"{re.escape(str(item))}[a-z]", core))

    def _plausible(self, core: str, block: Any, current: MinuteRead | None) -> bool:
        """Whether a numbered line is the next item's heading, not a numbered point or decision."""
        if self.style.continuous:
            if not core.isdigit():
                return False
            number = int(core)
            last = current.data.get("number") if current is not None else None
            if last is not None:
                return bool(number > last)
            return self.first_number is None or number >= self.first_number or core in self.agenda_numbers
        if core in self.used:
            return False
        if core in self.agenda_numbers:
            return True
        last = current.label if current is not None else ""
        bigger = core[:-1] if core[-1:].isalpha() else core
        # A number past the agenda's: an item raised in the room, or a mistake (reported).
        return bigger.isdigit() and (not last or not last.isdigit() or int(bigger) > int(last))

    def _start(self, block: Any, core: str, title: str) -> MinuteRead:
        data: dict[str, Any] = {}
        matched = ""
        agenda_item = None
        if self.style.continuous and core.isdigit():
            data["number"] = int(core)
        if core and not self.style.continuous:
            if core in self.agenda_numbers:
                agenda_item, matched = core, "number"
            else:
                listed = ", ".join(self.agenda_numbers) or "none"
                self.error(block, f"item {core} is not on the agenda of {self.meeting.date} (items: {listed})")
        else:
            found = self._agenda_by_title(title)
            if found is not None:
                agenda_item, matched = found, "title"
        if agenda_item is not None:
            self.used.add(agenda_item)
            data["item"] = agenda_item
            agenda = self.meeting.item(agenda_item)
            if agenda is not None and _norm(agenda.title).casefold() == _norm(title).casefold():
                title = agenda.title  # the agenda's spelling, not the heading's capitals
        data["title"] = title
        minute = MinuteRead(data, self.where(block), core, matched_by=matched)
        self.out.minutes.append(minute)
        return minute

    def _agenda_by_title(self, title: str) -> str | None:
        key = _norm(title).casefold()
        if key in self.agenda_titles and self.agenda_titles[key] not in self.used:
            return self.agenda_titles[key]
        from rapidfuzz import fuzz, process

        pool = {t: n for t, n in self.agenda_titles.items() if n not in self.used}
        best = process.extractOne(key, list(pool), scorer=fuzz.ratio, score_cutoff=88) if pool else None
        return pool[best[0]] if best else None

    def _check_agenda(self) -> None:
        minuted = {m.data.get("item") for m in self.out.minutes}
        missing = [a for a in self.meeting.agenda if a.number not in minuted]
        for a in missing:
            self.note(self.where(None), f"agenda item {a.number} ({a.title}) has no minute in the document")

    # ------------------------------------------------------------------ before the first item
    def _preamble(self, block: Any, group: str | None) -> str | None:
        if isinstance(block, Table):
            rows = self._attendance_rows(block, any_names=group is not None)
            if rows:
                self._attendees(group or "present", rows, block)
            return group
        plain = block.plain.strip()
        key = _norm(plain).casefold()
        if key in _ATTENDANCE_LABELS:
            return _ATTENDANCE_LABELS[key]
        head, _, rest = plain.partition(":")
        if rest.strip() and _norm(head).casefold() in _ATTENDANCE_LABELS:
            group = _ATTENDANCE_LABELS[_norm(head).casefold()]
            self._attendees(group, [(name, "") for name in _split_names(rest)], block)
            return group
        m = _APOLOGIES_SENTENCE.match(plain)
        if m:
            names = _split_names(plain[m.end():])
            if names:
                self._attendees("apologies", [(n, "") for n in names], block)
            return "apologies"
        if " held " in f" {plain} " and " on " in f" {plain} ":
            day = find_date(plain)
            if day is not None and day != self.meeting.date:
                self.error(block, f"these are the minutes of a meeting on {day}, not of {self.meeting.date}: "
                                  "import them into that meeting, or correct the date")
            return group
        line = self._person_line(plain) if group is not None else None
        if line is not None:
            self._attendees(group or "present", [line], block)
            return group
        if isinstance(block, _heading_type()):
            return group  # the title
        if _norm(plain).casefold() == _norm(self.repo.config.partnership.name).casefold():  # type: ignore[union-attr]
            return group
        self.note(self.where(block), "text before the first item was not imported (it belongs to no item)", block)
        return group

    def _person_line(self, plain: str) -> tuple[str, str] | None:
        """"Name – Organisation", "Name (Organisation)" or "Name<tab>Organisation" for a registry person."""
        for sep in ("\t", " – ", " - ", " — ", ", "):
            if sep in plain:
                name, _, org = plain.partition(sep)
                if self._name_part(name)[0] is not None:
                    return name.strip(), org.strip()
        if self._name_part(plain)[0] is not None:
            return plain, ""
        # "Nicola Streets OPCC": a name, then an organisation

        ws = [w for w in words(plain) if w != ","]
        hit = self.people._at(ws, 0)
        if hit is not None:
            rest = " ".join(plain.split()[hit[1]:]) if len(plain.split()) == len(ws) else ""
            if rest and self._organisation(hit[0], rest) is not None:
                return " ".join(plain.split()[:hit[1]]), rest
        return None

    def _attendance_rows(self, table: Any, any_names: bool = False) -> list[tuple[str, str]] | None:
        """The rows of a table that is an attendance list (most first cells name registry people;
        with ``any_names``, every row: the table follows an attendance label)."""
        rows = []
        for row in table.rows:
            cells = [c.plain.strip() for c in row]
            if not any(cells):
                continue
            if tuple(_norm(c).casefold() for c in cells[:2]) in {tuple(h.casefold() for h in ATTENDANCE_HEADER),
                                                                  ("name", "representing"), ("name", "organisation"),
                                                                  ("name", "role")}:
                continue
            rows.append((cells[0], " ".join(c for c in cells[1:] if c)))
        if not rows:
            return None
        if any_names:
            return rows
        known = sum(1 for name, _ in rows if self._name_part(name)[0] is not None)
        return rows if known * 2 >= len(rows) and known else None

    def _name_part(self, text: str) -> tuple[str | None, dict[str, Any]]:
        """The person a name cell names and what its brackets say ("(in the Chair)", "(remote)")."""
        marks: dict[str, Any] = {}
        name = text
        for inner in re.findall(r"\(([^()]*)\)", text):
            key = _norm(inner).casefold()
            sub = _SUBSTITUTE.match(inner.strip())
            if key in _ROLE_MARKS:
                marks["role"] = _ROLE_MARKS[key]
            elif key in _REMOTE_MARKS or key == self.online_marker:
                marks["remote"] = True
            elif sub:
                marks["substitute_for"] = sub.group(1).strip()
            else:
                marks.setdefault("other", []).append(inner.strip())
                continue
            name = name.replace(f"({inner})", " ")
        name = " ".join(name.split()).strip(" ,;")
        last = name.rsplit(" ", 1)
        if len(last) == 2 and last[1].casefold().strip(".") in POSTNOMINALS:
            marks["honorific"] = last[1]  # "Mrs D. Taylor CC": printed after the name in these minutes
            name = last[0]
        return self.people.resolve(name), {**marks, "name": name}

    def _attendees(self, group: str, rows: list[tuple[str, str]], block: Any) -> None:
        out = self.out.attendance.setdefault(group, [])
        self.out.attendance_where.setdefault(group, self.where(block))
        for name_cell, where in rows:
            pid, marks = self._name_part(name_cell)
            if pid is None:
                maybe = self.people.ambiguous(marks["name"])
                if maybe:
                    self.error(block, f"'{marks['name']}' in {group} could be {' or '.join(maybe)}: write the "
                                      "name as the registry has it")
                else:
                    self.error(block, f"unknown person '{marks['name']}' in {group}"
                                      f"{self.people.hint(marks['name'])}: add them to records/people.yaml "
                                      "(or correct the name)")
                continue
            entry: dict[str, Any] = {"person": pid}
            capacity = " ".join([where, *marks.get("other", [])]).strip()
            qualifier = None
            bracket = re.fullmatch(r"(.*?)\s*\(([^()]+)\)", capacity)
            if bracket and bracket.group(1) and self._organisation(pid, bracket.group(1)) is not None:
                capacity, qualifier = bracket.group(1), bracket.group(2).strip()  # "… Council (Public Health)"
            org = self._organisation(pid, capacity)
            if org is not None:
                if org != "":
                    entry["organisation"] = org
            elif capacity:
                entry["capacity"] = capacity
            if qualifier:
                entry["qualifier"] = qualifier
            if "honorific" in marks:
                entry["honorific"] = marks["honorific"]
            if "role" in marks:
                entry["role"] = marks["role"]
            if marks.get("remote"):
                entry["remote"] = True
            if "substitute_for" in marks:
                sub = self.people.resolve(marks["substitute_for"])
                if sub is None:
                    self.error(block, f"unknown person '{marks['substitute_for']}' (substituted for)"
                                      f"{self.people.hint(marks['substitute_for'])}")
                else:
                    entry["substitute_for"] = sub
            if any(a["person"] == pid for a in out):
                continue
            out.append(entry)

    def _organisation(self, pid: str, text: str) -> str | None:
        """"" when ``text`` is the person's own organisation, an id when it is another one, None if neither."""
        if not text:
            return ""
        person = self.repo.people.get(pid)
        key = _norm(text).casefold()
        for oid, org in self.repo.organisations.items():
            names = {_norm(n).casefold() for n in (org.name, org.short_name or "", *org.aliases) if n}
            if key in names:
                return "" if person is not None and person.organisation == oid else oid
        return None

    # ------------------------------------------------------------------ an item's body
    def _finish(self, minute: MinuteRead, blocks: list[Any]) -> None:
        parts: list[dict[str, Any]] = minute.data.setdefault("body", [])
        i = 0
        is_apologies = self._is_apologies(minute)
        while i < len(blocks):
            block = blocks[i]
            if isinstance(block, Table):  # only attendance tables under the apologies item get here
                self._attendees("apologies", self._attendance_rows(block) or [], block)
                i += 1
                continue
            plain = block.plain.strip()
            key = _norm(plain).casefold()
            if _norm(plain) == _norm(EXEMPT_NOTE) or key.startswith("not for publication"):
                minute.data["restricted"] = True
                i += 1
                continue
            outcome = _OUTCOME.fullmatch(_norm(plain))
            if outcome and not parts:
                minute.data["outcome"] = _OUTCOMES[outcome.group(1).lower()]
                i += 1
                continue
            closing = _CLOSING.fullmatch(_norm(plain))
            if closing:
                t = parse_time(closing.group(1))
                if t is None:
                    self.error(block, f"'{closing.group(1)}' is not a time (write it as 11.30am or 11:30)")
                self.out.ended = t
                i += 1
                continue
            if self._is_signature(plain):
                self._drop_signature_lines(parts)
                i += 1
                continue
            if is_apologies and not getattr(block, "label", None) and self._apology_line(block, parts):
                i += 1
                continue
            m = self._word_re.match(plain)
            if m and self._is_decision_start(block, m):
                i = self._decisions(minute, blocks, i, m)
                continue
            if _UPCOMING.fullmatch(plain):
                i = self._upcoming(parts, blocks, i + 1, block)
                continue
            if isinstance(block, Heading) or self._looks_like_sub_heading(block):
                label, title = self._label_and_title(block)
                part: dict[str, Any] = {"heading": title if label else _plain(block.text).strip()}
                core = label.strip("().: ").lower() if label else ""
                if core and re.fullmatch(r"[0-9]{1,3}[a-z]", core):
                    part["number"] = core
                elif label:
                    part["heading"] = _plain(block.text).strip()
                parts.append(part)
                i += 1
                continue
            if getattr(block, "bullet", False):
                last = parts[-1] if parts else None
                if last is not None and "points" in last:
                    point = last["points"][-1]
                    if isinstance(point, str):
                        last["points"][-1] = point = {"text": point}
                    point.setdefault("bullets", []).append(block.text)
                elif last is not None and "bullets" in last:
                    last["bullets"].append(block.text)
                else:
                    parts.append({"bullets": [block.text]})
                i += 1
                continue
            if block.label:
                text = block.body
                if parts and "points" in parts[-1]:
                    parts[-1]["points"].append(text)
                else:
                    parts.append({"points": [text]})
                i += 1
                continue
            parts.append({"text": block.text})
            i += 1
        cited = next((c for p in parts if "text" in p for c in _CITED.findall(p["text"])), None)
        if "item" not in minute.data and cited and cited in self.agenda_numbers and cited not in self.used:
            # "A copy of the report, marked 'Agenda Item 9' …": the minute says which item it is.
            self.used.add(cited)
            minute.data = {**{k: v for k, v in minute.data.items() if k in ("number",)}, "item": cited,
                           **{k: v for k, v in minute.data.items() if k not in ("number",)}}
            minute.matched_by = "citation"
        if not parts:
            minute.data.pop("body")

    def _is_apologies(self, minute: MinuteRead) -> bool:
        item = self.meeting.item(minute.data["item"]) if minute.data.get("item") else None
        return bool(item is not None and (item.key == "apologies" or _norm(item.title).casefold().startswith("apologies")))

    def _apology_line(self, block: Any, parts: list[dict[str, Any]]) -> bool:
        """Whether a line under the apologies item is an entry of the list of apologies (not text)."""
        plain = block.plain.strip()
        m = _APOLOGIES_SENTENCE.match(plain)
        if m and plain[m.end():].strip():
            # "Apologies were received from A and B.": A and B gave apologies; the sentence stays too.
            names = _split_names(plain[m.end():])
            if names and all(self._name_part(n)[0] for n in names):
                self._attendees("apologies", [(n, "") for n in names], block)
            return False
        line = self._person_line(plain)
        if line is not None:
            self._attendees("apologies", [line], block)
            return True
        return False

    def _looks_like_sub_heading(self, block: Any) -> bool:
        if getattr(block, "label", None) and not re.fullmatch(r"[0-9]{1,3}[a-z]\.?", block.label or ""):
            return False
        if getattr(block, "bullet", False) or (getattr(block, "level", 0) > 0 and not block.label):
            return False
        plain = block.plain.strip()
        if not (getattr(block, "all_bold", False) or getattr(block, "underlined", False)):
            return False
        return len(plain.split()) <= 14 and not plain.endswith((".", ";", ","))

    # ------------------------------------------------------------------ decisions
    def _plain_paragraph(self, block: Any) -> bool:
        """A paragraph of running text: not a heading, a list item, a sub-heading or a set phrase."""
        if not isinstance(block, Paragraph) or block.label or block.bullet or self._looks_like_sub_heading(block):
            return False
        plain = block.plain.strip()
        return not (self._word_re.match(plain) or _UPCOMING.fullmatch(plain) or self._is_signature(plain)
                    or _CLOSING.fullmatch(_norm(plain)))

    def _is_decision_start(self, block: Any, m: re.Match[str]) -> bool:
        word = m.group(1)
        rest = block.plain.strip()[m.end():]
        if word.isupper():
            return True
        bold = block.text.lstrip().startswith(("**", "__"))
        return bold or not rest.strip() or block.plain.strip()[m.end(1):].lstrip().startswith((":", "-", "–", "—"))

    def _decisions(self, minute: MinuteRead, blocks: list[Any], i: int, m: re.Match[str]) -> int:
        """Read a block of decisions starting at ``blocks[i]``; return the index after it."""
        block = blocks[i]
        word = m.group(1).upper()
        rest = _after_word(block.text, word)
        texts: list[tuple[str, Any]] = []
        if rest.strip():
            pieces = _split_inline(rest)
            texts = [(p, block) for p in pieces]
            i += 1
        else:
            i += 1
            labels: list[str] = []
            while i < len(blocks) and not getattr(blocks[i], "bullet", False) \
                    and _next_decision_label(labels, getattr(blocks[i], "label", None)):
                labels.append(blocks[i].label)
                texts.append((blocks[i].body, blocks[i]))
                i += 1
            while not labels and i < len(blocks) and getattr(blocks[i], "bullet", False):
                texts.append((blocks[i].text, blocks[i]))  # decisions as bullets
                i += 1
            if not texts and i < len(blocks) and self._plain_paragraph(blocks[i]):
                texts.append((blocks[i].text, blocks[i]))  # "RESOLVED:" then "That …" on its own line
                i += 1
        if not texts:
            self.error(block, f"a decision with no text: write it after {word} (“{word} that …”)")
            return i
        part: dict[str, Any] = {}
        if word != self.conv.decision_word.upper():
            part["word"] = word
        decisions = []
        for text, where in texts:
            read = self._decision(text, where)
            if read is not None:
                decisions.append(read)
        if decisions:
            part["decisions"] = [d.data for d in decisions]
            minute.data["body"].append(part)
            minute.decisions += decisions
        return i

    def _decision(self, text: str, block: Any) -> DecisionRead | None:
        """One decision's data from its printed text ("that X look into Y (Action: X);")."""
        owners_from = ""
        owners: list[str] = []
        due: dt.date | None = None
        text = _unwrap_emphasis(_balance_emphasis(text))
        if _NO_ACTION.search(text):
            text = _NO_ACTION.sub("", text)
            owners_from = "none"
        found = _ACTION.search(text)
        if found:
            text = (text[:found.start()] + text[found.end():])
            owners, due = self._named_owners(found.group(1), block)
            owners_from = "named"
        clause, that = decision_clause(_plain_edges(text))
        clause = re.sub(r"[;,]?\s+and$", "", clause).strip()
        if not clause:
            self.error(block, "a decision with no text")
            return None
        data: dict[str, Any] = {"text": clause}
        if not that:
            data["that"] = False
        if not owners_from:
            owners = self.people.subject(_plain(clause))
            owners_from = "subject" if owners else ""
        if owners:
            data["owners"] = owners
        if due is not None:
            data["due"] = due
        return DecisionRead(data, self.where(block), owners_from)

    def _named_owners(self, inside: str, block: Any) -> tuple[list[str], dt.date | None]:
        """The people and the date in "(Action: Name and Name, by 31 October 2023)"."""
        due = None
        m = re.search(r"(?:,|;|–|-)?\s*\b(?:by|due|before)\b\s+(.+)$", inside, re.IGNORECASE)
        if m:
            found = parse_date_prefix(m.group(1))
            if found is not None:
                due = found[0]
                inside = inside[:m.start()]
            else:
                self.error(block, f"'{m.group(1).strip()}' is not a date: write it as 31 October 2023")
                inside = inside[:m.start()]
        owners: list[str] = []
        for name in _split_names(inside):
            pid = self.people.resolve(name)
            if pid is None:
                maybe = self.people.ambiguous(name)
                if maybe:
                    self.error(block, f"'{name}' could be {' or '.join(maybe)}: write the name as the registry has it")
                else:
                    self.error(block, f"unknown owner '{name}'{self.people.hint(name)}")
                continue
            if pid not in owners:
                owners.append(pid)
        return owners, due

    # ------------------------------------------------------------------ upcoming meetings, the end
    def _upcoming(self, parts: list[dict[str, Any]], blocks: list[Any], i: int, heading: Any) -> int:
        entries = []
        while i < len(blocks) and not self._skip(blocks[i]) and hasattr(blocks[i], "plain"):
            block = blocks[i]
            plain = block.plain.strip()
            dated = parse_date_prefix(block.body if block.label else plain) is not None
            # A bulleted line, or a line that starts with a date: not the numbered points after the list.
            if not (getattr(block, "bullet", False) or dated):
                break
            if self._is_signature(plain):
                break
            entries.append(parse_upcoming(block.body if block.label else plain))
            i += 1
        if entries:
            parts.append({"upcoming": entries})
        else:
            parts.append({"text": heading.text})
        return i

    def _is_signature(self, plain: str) -> bool:
        key = _norm(plain).casefold()
        return bool(key) and (key == self.signature or (key in _SIGNATURES and plain.strip().isupper()))

    def _drop_signature_lines(self, parts: list[dict[str, Any]]) -> None:
        """The lines above "CHAIRMAN" (the meeting's times, the date) are the signature block's."""
        while parts and "text" in parts[-1]:
            text = _plain(parts[-1]["text"]).strip()
            times = parse_time_range(text)
            if times is not None:
                if times[1] is not None:
                    self.out.ended = times[1]
                parts.pop()
            elif parse_date_prefix(text) is not None and not parse_date_prefix(text)[1].strip():  # type: ignore[index]
                parts.pop()
            else:
                break


# --------------------------------------------------------------------------- text helpers


def _order(block: Any) -> int:
    """A block's place in its document (paragraph or line number; 0 for the document as a whole)."""
    location = getattr(block, "location", None)
    if location is None:
        return 0
    return location.paragraph or location.line or 0


def _heading_type() -> type:
    return Heading


def _plain(markdown: str) -> str:
    """Inline Markdown without its markup."""
    return spans_plain(markdown_spans(markdown))


def _plain_edges(text: str) -> str:
    return text.strip()


def _mostly_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _split_names(text: str) -> list[str]:
    """"A, B and C" / "A/B" / "A & B" as names (a final full stop dropped)."""
    text = text.strip().rstrip(".;:")
    parts = re.split(r"\s*(?:,|;|/|&|\band\b)\s*", text)
    return [p.strip() for p in parts if p.strip()]


def _after_word(markdown: str, word: str) -> str:
    """The text of a decision line after its word ("**RESOLVED:** (a) …" -> "(a) …"), markup kept balanced."""
    m = re.match(r"^\s*(\*\*|__)?\s*(?:it\s+was\s+)?(\*\*|__)?\s*" + re.escape(word) + r"\b\s*[:\-–—]?\s*(\*\*|__)?"
                 r"\s*[:\-–—]?\s*", markdown, re.IGNORECASE)
    if not m:
        return markdown
    return _balance_emphasis(markdown[m.end():])


def _balance_emphasis(text: str) -> str:
    """Drop a lone ``**`` left over from a bold run cut in two ("that** the report")."""
    for mark in ("**", "__"):
        if text.count(mark) % 2:
            k = text.find(mark)
            text = text[:k] + text[k + 2:]
    return text


def _unwrap_emphasis(text: str) -> str:
    """A decision typed all in bold (or with "that" in bold) without that bold: it is how it looked."""
    text = text.strip()
    m = re.fullmatch(r"(\*\*|__|\*|_)(.+?)\1([.;,]?)", text, re.DOTALL)
    if m and not any(mark in m.group(2) for mark in ("**", "__", "*", "_")):
        text = m.group(2) + m.group(3)
    return re.sub(r"^(\*\*|__|\*|_)(that)\1\s+", r"\2 ", text, flags=re.IGNORECASE)


def _is_decision_label(label: str | None) -> bool:
    """"1.", "(a)", "a)", "(2)": how several decisions are numbered or lettered."""
    return bool(label) and bool(re.fullmatch(r"\(?(?:[a-z]{1,2}|[0-9]{1,2})[.)]", (label or "").strip()))


def _next_decision_label(labels: list[str], label: str | None) -> bool:
    """Whether ``label`` numbers the next of several decisions after ``labels`` ("(a)" first, then "(b)" …)."""
    if not _is_decision_label(label):
        return False
    assert label is not None
    core = label.strip()
    if not labels:
        return core in _sequence(core)[:1]
    sequence = _sequence(labels[0].strip())
    return len(labels) < len(sequence) and core == sequence[len(labels)]


def _split_inline(text: str) -> list[str]:
    """"(a) That X; (b) That Y." as ["That X;", "That Y."]; one decision when unlabelled."""
    found = list(_INLINE_LABEL.finditer(text))
    if not found or found[0].start() != len(text) - len(text.lstrip()):
        return [text]
    expected = _sequence(found[0].group(1))
    if found[0].group(1) != expected[0]:
        return [text]
    kept: list[re.Match[str]] = []
    for m in found:
        if len(kept) < len(expected) and m.group(1) == expected[len(kept)]:
            kept.append(m)
    pieces = []
    for k, m in enumerate(kept):
        end = kept[k + 1].start() if k + 1 < len(kept) else len(text)
        pieces.append(text[m.end():end].strip())
    return [p for p in pieces if p] or [text]


def _sequence(first: str) -> list[str]:
    """The labels a list starting at ``first`` goes through: (a) (b) … or 1. 2. …"""
    if re.fullmatch(r"\([a-z]\)", first):
        return [f"({chr(c)})" for c in range(ord("a"), ord("z") + 1)]
    if re.fullmatch(r"[a-z]\)", first):
        return [f"{chr(c)})" for c in range(ord("a"), ord("z") + 1)]
    if re.fullmatch(r"\([0-9]+\)", first):
        return [f"({n})" for n in range(1, 100)]
    return [f"{n}." for n in range(1, 100)]
