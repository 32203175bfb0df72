"""A returned partner update form, read back by its labels.

Partners do not leave a form as it was sent. They reword labels, add rows, delete the ones
they have nothing for, merge cells, leave the grey guidance in, paste bullets from an email,
change the font, save it from LibreOffice. So the form is read as a sequence of labelled
pieces, not as a grid of fixed cells:

- a table row of two or more cells is a label (the first cell) and its answer (the rest);
  a row whose first cell is merged down from the row above, or whose label is empty,
  carries on the answer above (a row a partner added);
- a row of one cell across the table, and every paragraph outside the table, is read line
  by line: a line that is a label (a heading, a bold line or a short line that names a
  section) starts that section, and the lines after it are its answer — so a form whose
  label and answer cells were merged, and a headed form, read the same;
- a label is recognised by the form's own labels and the other spellings ``also`` lists,
  with the guidance in brackets, punctuation and case ignored, then by its first words, then
  by a close spelling; a row naming "Theme 2" or "Priority 3" goes to that row of the plan;
- guidance left in is dropped, but only where its text is still the guidance the form was
  written with (a partner who typed over it keeps their words, whatever the style says);
- a "Not for publication" line with a ticked box (☒, ✓, or an X typed) marks its section;
- whatever cannot be placed is reported with where it is and its label, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from cspkit.documents import Block, Cell, Document, Heading, Note, Paragraph, Span, Table, make_paragraph, normalise
from cspkit.documents.blocks import snippet
from cspkit.documents.markdown_write import blocks_markdown
from cspkit.forms.spec import (
    DETAIL_GUIDANCE,
    DETAILS,
    LAST_QUARTER,
    Answer,
    FormSpec,
)

#: Box glyphs that say "ticked", and those that say "not ticked".
TICKED = "\u2612\u2611\u2713\u2714\u2717\u2718\u25a0\u25a3"
UNTICKED = "\u2610\u25a1"
#: What partners write for a section they have nothing for.
EMPTY_ANSWERS = {"n/a", "na", "n.a.", "n / a", "none", "nil", "-", "\u2013", "\u2014", "not applicable",
                 "nothing to report", "no update"}
_PLAN_NUMBER = re.compile(r"^(?:.*?\b)?(theme|priority)\s*(\d{1,2})\b")
#: A line short enough to be a label; longer ones are answers, whatever they say.
LABEL_WORDS = 12
HEADING_WORDS = 40
#: How sure a line is a label: a plain line among answers, a bold line, a label cell or heading.
EXACT, BOLD, LABEL = 0, 1, 2


def _fold(text: str) -> str:
    """Text as labels are compared: folded, "&" as "and", bracketed guidance and punctuation gone."""
    text = normalise(text).replace("&", " and ")
    text = re.sub(r"\([^)]*\)?", " ", text)
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _words(text: str) -> int:
    return len(text.split())


def tick_state(text: str) -> bool | None:
    """Whether a "Not for publication" line is ticked; None when ``text`` is no such line."""
    folded = normalise(text)
    if "not for publication" not in folded and "not for publishing" not in folded:
        return None
    has_box = any(c in text for c in TICKED + UNTICKED) or re.search(r"\[\s*[xX]?\s*\]", text) is not None
    if not has_box and _words(text) > 6:
        return None  # a sentence that mentions publication is an answer, not the tick line
    if any(c in text for c in TICKED) or re.search(r"\[\s*[xX]\s*\]", text):
        return True
    if any(c in text for c in UNTICKED) or re.search(r"\[\s*\]", text):
        return False
    rest = re.sub(r"not for publi(cation|shing)", " ", folded).strip(" :-\u2013.")
    return rest not in ("no", "n", "false", "not ticked")  # "X Not for publication", or the words alone


@dataclass(frozen=True)
class Target:
    """What a label names: a details row (``detail``) or an answer."""

    kind: str  # "detail" | "answer"
    key: str


@dataclass
class FormReading:
    """What a returned form says, by the form's own keys."""

    #: Details rows as written (plain text): organisation, meeting, author, date, subject, plan.
    details: dict[str, str] = field(default_factory=dict)
    #: Answers as Markdown, by answer key (None: left empty, or "n/a").
    values: dict[str, str | None] = field(default_factory=dict)
    #: Answer keys ticked "not for publication"; "publication" for the whole update.
    ticked: set[str] = field(default_factory=set)
    #: Where something could not be placed, and why: one line each.
    unplaced: list[str] = field(default_factory=list)
    #: What the document reader left out (images, text boxes, links never fetched).
    notes: list[str] = field(default_factory=list)


class _Labels:
    """Every label on the form, folded, and what each names."""

    def __init__(self, spec: FormSpec):
        self.spec = spec
        self.exact: dict[str, Target] = {}
        # The form's own sections first: a body's label wins over a details alias ("Report author").
        for a in spec.answers:
            names = [a.label] if a.in_plan else [a.label, *a.section.also]
            for name in names:
                self.exact.setdefault(_fold(name), Target("answer", a.key))
            if a.heading:
                self.exact.setdefault(_fold(a.heading), Target("answer", a.key))
        for key, label, also in DETAILS:
            for name in (label, *also):
                self.exact.setdefault(_fold(name), Target("detail", key))
        self.prefixes = sorted(((k, t) for k, t in self.exact.items() if k), key=lambda kt: -len(kt[0]))
        section = spec.priorities_section
        self.plan_label = {_fold(n) for n in ([section.label, *section.also] if section else [])}

    def in_plan(self, target: Target) -> bool:
        answer = self.spec.answer(target.key) if target.kind == "answer" else None
        return answer is not None and answer.in_plan

    def plan_row(self, kind: str, number: int) -> Target | None:
        """The plan row "Theme N" / "Priority N" names (a priority under a theme: that theme's row)."""
        spec = self.spec
        if kind == "theme" and spec.themed:
            found = spec.answer(f"theme-{number}")
        elif kind == "priority" and spec.themed and spec.plan is not None:
            theme = next((p.theme for p in spec.plan.priorities if p.number == number), None)
            found = spec.answer(f"theme-{theme}") if theme is not None else None
        elif kind == "priority":
            found = spec.answer(f"priority-{number}")
        else:
            found = None
        return Target("answer", found.key) if found else None

    def identify(self, text: str, *, how: int, context: str | None) -> Target | None:
        """What the label ``text`` names, or None.

        ``how`` is how sure we are that ``text`` is a label at all: EXACT for a plain line among
        answers (only the label itself, or "Theme N" / "Priority N" at its start, counts); BOLD for a
        bold line (its first words may be a known label: "Summary (Purpose, background …)"); LABEL
        for a table's label cell or a heading (also a label the partner shortened, or misspelt).
        ``context`` is the plan row of the heading above (for a bare "Update/s").
        """
        folded = _fold(re.sub(f"[{TICKED}{UNTICKED}]", " ", text).rstrip(" :"))
        if not folded:
            return None
        if folded in self.exact:
            return self.exact[folded]
        m = _PLAN_NUMBER.match(folded)
        if m and (how == LABEL or folded.startswith(m.group(1)) or any(folded.startswith(p) for p in self.plan_label)):
            return self.plan_row(m.group(1), int(m.group(2)))
        if context and any(folded == p or folded.startswith(p + " ") for p in self.plan_label):
            return Target("answer", context)
        if how == EXACT:
            return None
        for known, target in self.prefixes:
            if folded.startswith(known + " "):
                return target
            if how == LABEL and len(folded) >= 6 and known.startswith(folded + " ") and not self.in_plan(target):
                return target  # a label the partner shortened ("Budget")
        if how != LABEL:
            return None
        from rapidfuzz import fuzz, process

        best = process.extractOne(folded, list(self.exact), scorer=fuzz.ratio, score_cutoff=85)
        return self.exact[best[0]] if best else None


class _Reader:
    def __init__(self, document: Document, spec: FormSpec):
        self.doc = document
        self.spec = spec
        self.labels = _Labels(spec)
        self.reading = FormReading()
        self.current: Target | None = None
        self.context: str | None = None  # the plan row whose heading came last
        self.found: dict[Target, list[Block]] = {}
        self.where: dict[Target, str] = {}
        self.stray: list[tuple[str, list[Block], str]] = []  # (where, blocks, why)
        self.known = {_fold(t) for t in (spec.instructions, *(a.heading or "" for a in spec.answers),
                                         *(u for a in spec.answers for u in a.under),
                                         *DETAIL_GUIDANCE.values()) if t}
        self.title = _fold(spec.form.title.split("{organisation}")[0])

    # -- walking the document -------------------------------------------------------------
    def run(self) -> FormReading:
        tables = 0
        for block in self.doc.blocks:
            if isinstance(block, Table):
                tables += 1
                self.table(block, tables)
            elif isinstance(block, (Heading, Paragraph)):
                self.line(block, self.doc.where(block))
        self.finish()
        return self.reading

    def table(self, table: Table, number: int) -> None:
        for r, row in enumerate(table.rows, 1):
            if not row:
                continue
            label_text = _plain(row[0].blocks)
            where = f"{self.doc.filename}: table {number}, row {r}" + (
                f' ("{snippet(label_text)}")' if label_text else "")
            if row[0].column > 0:
                self.add_value(list(_blocks_of(row)), where)  # the label cell is merged down from above
            elif len(row) == 1:
                for block in row[0].blocks:
                    self.line(block, where)
            else:
                self.row(list(row[0].blocks), list(_blocks_of(row[1:])), where)

    def row(self, label_blocks: list[Block], value: list[Block], where: str) -> None:
        lines = [b for b in label_blocks if isinstance(b, (Heading, Paragraph))]
        ticks = [(b, tick_state(b.plain)) for b in lines]
        words = [b for b, state in ticks if state is None]
        label = words[0].plain if words else ""
        target = self.labels.identify(label, how=LABEL, context=self.context) if label else None
        if target is None and label and not _is_empty_label(label):
            if _has_text(value) or any(state for _, state in ticks):
                self.stray.append((where, value, f'its label "{snippet(label)}" is not one on the form'))
            self.current = None
            return
        if target is not None:
            self.start(target, where)
        for _, state in ticks:
            if state is not None:
                self.tick(state, where)
        self.add_value(value, where)

    def line(self, block: Block, where: str) -> None:
        """One line outside a two-cell row: a label, a tick line, or part of the answer."""
        if isinstance(block, Note):
            return
        if isinstance(block, Table):
            self.add_value([block], where)
            return
        text = block.plain
        state = tick_state(text)
        if state is not None:
            self.tick(state, where)
            return
        how = LABEL if isinstance(block, Heading) else BOLD if isinstance(block, Paragraph) and block.all_bold else EXACT
        if _words(text) <= (LABEL_WORDS if how == EXACT else HEADING_WORDS):
            target = self.labels.identify(text, how=how, context=self.context)
            if target is None and ":" in text[:60]:
                # "Organisation: Falcon Support Services" — a label and its answer on one line.
                head, _, rest = text.partition(":")
                target = self.labels.identify(head, how=EXACT, context=self.context)
                in_details = self.current is None or self.current.kind == "detail"
                # Among answers, only a label in bold starts a section ("Date: 20th September" is text).
                if target is not None and not ((target.kind == "detail" and in_details) or block.text.startswith("**")):
                    target = None
                if target is not None:
                    self.start(target, where)
                    self.add_value([make_paragraph([Span(rest.strip())], location=block.location)], where)
                    return
            if target is not None:
                self.start(target, where)
                return
        self.add_value([block], where)

    def start(self, target: Target, where: str) -> None:
        self.current = target
        self.where.setdefault(target, where)
        self.found.setdefault(target, [])
        answer = self.spec.answer(target.key) if target.kind == "answer" else None
        if answer is not None and answer.in_plan:
            self.context = answer.key

    def tick(self, state: bool, where: str) -> None:
        if self.current is None:
            if state:
                self.reading.unplaced.append(f"{where}: a ticked \u201cNot for publication\u201d box that belongs "
                                             f"to no section; nothing was marked")
            return
        key = "publication" if self.current.kind == "detail" else self.current.key
        if self.current.kind == "detail" and self.current.key != "publication":
            return
        if state:
            self.reading.ticked.add(key)

    def add_value(self, blocks: list[Block], where: str) -> None:
        kept: list[Block] = []
        for b in blocks:
            state = tick_state(b.plain) if isinstance(b, (Heading, Paragraph)) else None
            if state is not None:
                self.tick(state, where)  # a tick line in the answer's cell, or moved there
            elif not isinstance(b, Note):
                kept.append(b)
        blocks = kept
        if not blocks:
            return
        if self.current is None:
            left = [b for b in blocks if not self.is_form_text(b, None) and not self.is_title(b)]
            if left:
                self.stray.append((where, left, "it comes before any label of the form"))
            return
        self.found[self.current].extend(blocks)

    # -- what the answers are -----------------------------------------------------------------
    def is_title(self, block: Block) -> bool:
        """The form's title (above every label)."""
        if isinstance(block, Heading) and block.level == 0:
            return True
        return isinstance(block, (Heading, Paragraph)) and bool(self.title) and _fold(block.plain).startswith(self.title)

    def is_form_text(self, block: Block, answer: Answer | None) -> bool:
        """Text the form itself put there (guidance, headings, instructions), not the partner's."""
        if isinstance(block, (Table, Note)):
            return False
        folded = _fold(block.plain)
        if not folded or folded in self.known:
            return True
        if answer is not None and answer.guidance and folded == _fold(answer.guidance):
            return True
        if folded.startswith(_fold(LAST_QUARTER.split("(")[0])):
            return True
        if block.style == "Guidance":
            # Guidance from another section, pasted with the partner's text, is still guidance.
            return any(a.guidance and folded == _fold(a.guidance) for a in self.spec.answers)
        return False

    def finish(self) -> None:
        reading = self.reading
        for target, blocks in self.found.items():
            if target.kind == "detail":
                kept = [b for b in blocks if not self.is_form_text(b, None)]
                if target.key == "publication":
                    continue
                text = "\n".join(b.plain for b in kept if isinstance(b, (Heading, Paragraph))).strip()
                if text:
                    reading.details[target.key] = text
                continue
            answer = self.spec.answer(target.key)
            kept = [b for b in blocks if not self.is_form_text(b, answer)]
            markdown = blocks_markdown(kept).strip() if kept else ""
            reading.values[target.key] = None if _empty_answer(kept, markdown) else markdown
        for where, blocks, why in self.stray:
            text = " ".join(b.plain for b in blocks if isinstance(b, (Heading, Paragraph))).strip()
            if not text and not any(isinstance(b, Table) for b in blocks):
                continue
            reading.unplaced.append(f'{where}: could not place "{snippet(text) or "a table"}": {why}; '
                                    f"it was not imported")
        reading.notes = [f"{n.location.format(self.doc.filename)}: {n.message}" if n.location.paragraph
                         else f"{self.doc.filename}: {n.message}" for n in self.doc.notes]


def _plain(blocks: Sequence[Block]) -> str:
    return next((b.plain for b in blocks if isinstance(b, (Heading, Paragraph)) and b.plain.strip()), "")


def _blocks_of(cells: Iterable[Cell]) -> Iterable[Block]:
    for cell in cells:
        yield from cell.blocks


def _has_text(blocks: Sequence[Block]) -> bool:
    return any(isinstance(b, Table) or (isinstance(b, (Heading, Paragraph)) and b.plain.strip()) for b in blocks)


def _is_empty_label(text: str) -> bool:
    return not _fold(text)


def _empty_answer(blocks: Sequence[Block], markdown: str) -> bool:
    if not markdown:
        return True
    texts = [b.plain.strip() for b in blocks if isinstance(b, (Heading, Paragraph)) and b.plain.strip()]
    return len(texts) == 1 and not any(isinstance(b, Table) for b in blocks) and \
        normalise(texts[0]).rstrip(".") in EMPTY_ANSWERS


def find_detail(document: Document, key: str) -> str | None:
    """A details row's text found before the form is known (the plan decides the form's rows)."""
    names = {_fold(n) for k, label, also in DETAILS if k == key for n in (label, *also)}
    for block in document.blocks:
        if isinstance(block, Table):
            for row in block.rows:
                if len(row) >= 2 and _fold(_plain(row[0].blocks)) in names:
                    return "\n".join(b.plain for b in _blocks_of(row[1:])
                                     if isinstance(b, (Heading, Paragraph))).strip() or None
        elif isinstance(block, Paragraph) and ":" in block.plain[:40]:
            head, _, rest = block.plain.partition(":")
            if _fold(head) in names and rest.strip():
                return rest.strip()
    return None


def read_form(document: Document, spec_for: Callable[[str | None], FormSpec]) -> tuple[FormSpec, FormReading]:
    """Read a returned form. ``spec_for(plan_text)`` gives the form for the plan its "Plan" row
    names (None: the row is missing), so that its theme and priority rows are the right ones."""
    spec = spec_for(find_detail(document, "plan"))
    return spec, _Reader(document, spec).run()




_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"


def _month(word: str) -> int:
    return next(i for i, m in enumerate(_MONTHS, 1) if m.startswith(word.lower().rstrip(".")[:3]))


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def parse_written_date(text: str) -> dt.date | str | None:
    """A date as people write it on a form, or a month ("YYYY-MM"), or None.

    28/09/2023 (day first, as in the UK), 28.09.23, 2023-09-28, 8th September 2023,
    Friday, 8 September 2023, September 8, 2023, Sept 2023, August 2023.
    """
    t = normalise(text)
    try:
        if m := re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", t):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.search(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b", t):
            return dt.date(_year(m[3]), int(m[2]), int(m[1]))
        if m := re.search(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})\b", t):
            return dt.date(int(m[3]), _month(m[2]), int(m[1]))
        if m := re.search(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", t):
            return dt.date(int(m[3]), _month(m[1]), int(m[2]))
        if m := re.search(rf"\b{_MONTH}\s+(\d{{4}})\b", t):
            return f"{int(m[2]):04d}-{_month(m[1]):02d}"
        if m := re.search(r"\b(\d{4})-(0[1-9]|1[0-2])\b", t):
            return f"{m[1]}-{m[2]}"
    except ValueError:
        return None  # 31/02/2024: not a real date
    return None
