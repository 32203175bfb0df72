"""Changing a meeting's agenda: add, remove, move and retitle items.

``new-meeting`` plans an agenda from the standing items and the forward programme; the real
one differs (an appointment added, a standing item dropped, titles as the chair wants them).
Items renumber freely until the meeting has minutes or actions: from then on, minutes and
action ids (``2024-01-18/8.1``) refer to the numbers, so moving or removing an item is
refused, and an item added goes at the end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cspkit import views
from cspkit.checks.context import ROLE_LEADS
from cspkit.errors import NotFound, UserError
from cspkit.fileio import real_path
from cspkit.listing import Column, Table
from cspkit.lookup import did_you_mean
from cspkit.models.config import ItemKind, PaperKind
from cspkit.models.meeting import PAPER_SUFFIXES, Meeting
from cspkit.session import Session
from cspkit.workflows._common import Written, WrittenFields
from cspkit.workflows.meeting import agenda_item_data, is_closing
from cspkit.yaml.write import load_plain


@dataclass
class AgendaResult(Written):
    """A meeting's agenda after a change: (number, title) of every item, and what changed."""

    date: dt.date
    agenda: list[tuple[str, str]] = field(default_factory=list)
    change: str = ""
    renumbered: bool = False


# --------------------------------------------------------------------------- helpers


def _frozen(s: Session, m: Meeting) -> str | None:
    """Why the meeting's item numbers can no longer change (None: they can)."""
    if m.minutes is not None and not m.minutes.external:
        return "it has minutes, which refer to its item numbers"
    if any(a.meeting == m.date for a in s.repo.actions.values()):
        return "actions were raised at it, and their ids carry its item numbers"
    return None


def _refuse_if_frozen(s: Session, m: Meeting, what: str) -> None:
    why = _frozen(s, m)
    if why is not None:
        raise UserError(f"the agenda of {m.date} cannot be {what} any more: {why} "
                        f"(cspkit agenda retitle still works; an added item goes at the end)")


def _index(m: Meeting, number: str) -> int:
    number = str(number).strip()
    for i, item in enumerate(m.agenda):
        if item.number == number:
            return i
    numbers = ", ".join(i.number for i in m.agenda)
    raise NotFound(f"the meeting on {m.date} has no item {number} (items: {numbers or 'none'})")


def _plain_numbers(m: Meeting, what: str) -> int:
    """The first item's number, when every number is a plain number (so items can renumber)."""
    if not m.agenda:
        return 1
    if not all(i.number.isdigit() for i in m.agenda):
        odd = next(i.number for i in m.agenda if not i.number.isdigit())
        raise UserError(f"the agenda of {m.date} has an item numbered {odd}: items can be {what} only where every "
                        "item has a plain number")
    return int(m.agenda[0].number)


def _renumber(items: list[dict[str, Any]], first: int, quoted: bool) -> None:
    for n, node in enumerate(items, start=first):
        node["number"] = str(n) if quoted else n


def _rewrite_agenda(s: Session, path: Any, change: Any) -> None:
    """Reorder or renumber the agenda: ``change(agenda)`` changes the list in place. Items are
    told apart by all but their numbers, so each item keeps its lines, comments included (a
    moved item's move with it), only its number is rewritten, and a new item is laid out
    canonically."""
    s.edit(path, lambda doc: change(doc["agenda"]), align=_but_number)


def _but_number(item: Any) -> Any:
    """An agenda item as it is told from the others across a renumbering: all but its number."""
    return {k: v for k, v in item.items() if k != "number"} if isinstance(item, dict) else item


def _quoted(s: Session, m: Meeting) -> bool:
    """Whether the file writes item numbers as text ('5'), so renumbered ones keep the style."""
    src = s.repo.source_of(m)
    agenda = src.data.get("agenda") if src is not None and isinstance(src.data, dict) else None
    return isinstance(agenda, list) and bool(agenda) and isinstance(agenda[0], dict) and \
        isinstance(agenda[0].get("number"), str)


def _leads(s: Session, leads: list[str]) -> list[str]:
    out: list[str] = []
    for lead in leads:
        word = lead.strip().lower()
        ident = word if word in ROLE_LEADS else s.person(lead)
        if ident not in out:
            out.append(ident)
    return out


def _paper(s: Session, text: str) -> dict[str, Any]:
    """``--paper``: a generated paper's kind (action-log …), or a paper's file (PDF, Word, Markdown) under records/."""
    text = text.strip()
    if text.lower().endswith(PAPER_SUFFIXES):
        path = real_path(s.records / text)
        if real_path(s.records) not in path.parents or not path.is_file():
            raise NotFound(f"paper file not found: {s.records.name}/{text} (give a PDF, Word or Markdown file inside "
                           "the records folder, relative to it, or copy one in with cspkit agenda attach)")
        return {"kind": PaperKind.document, "source": path.relative_to(real_path(s.records)).as_posix()}
    try:
        kind = PaperKind(text)
    except ValueError:
        kinds = ", ".join(k.value for k in PaperKind if k not in (PaperKind.document, PaperKind.partner_update))
        raise UserError(f"unknown paper '{text}' (give one of {kinds}, or a PDF, Word or Markdown file under the "
                        "records folder)") from None
    if kind in (PaperKind.document, PaperKind.partner_update):
        raise UserError(f"a {kind.value} paper is given as a file: --paper papers/…/NAME.md")
    return {"kind": kind}


def _result(s: Session, m: Meeting, items: list[dict[str, Any]], change: str, renumbered: bool,
            done: WrittenFields) -> AgendaResult:
    return AgendaResult(date=m.date, agenda=[(str(i["number"]), str(i["title"])) for i in items], change=change,
                        renumbered=renumbered, **done)


def _agenda_after(done: WrittenFields, path: Any) -> list[dict[str, Any]]:
    """The agenda as the change leaves it (written, or for a dry run, as it would be)."""
    texts: Any = done["texts"]
    return list(load_plain(texts[path.resolve()][1]).get("agenda") or [])


# --------------------------------------------------------------------------- commands


def add_item(s: Session, meeting: str | dt.date, title: str, *, leads: list[str] | None = None,
             at: str | None = None, papers: list[str] | None = None, purpose: str | None = None,
             kind: str | None = None, restricted: bool = False, programme_item: str | None = None,
             dry_run: bool = False) -> AgendaResult:
    """Add an item to a meeting's agenda.

    ``at``: the number it takes (the items from there on move down one); by default it goes
    before the closing items (any other business, forward programme), or at the end once the
    meeting has minutes or actions. ``leads`` are people as typed or chair / vice-chair / clerk;
    ``papers`` generated kinds (action-log …) or Markdown files under the records folder;
    ``programme_item`` the forward programme row it takes.
    """
    m = s.meeting(meeting)
    title = " ".join((title or "").split())
    if not title:
        raise UserError("give the item's title")
    try:
        item_kind = ItemKind(kind.strip().lower()) if kind else ItemKind.report
    except ValueError:
        raise UserError(f"unknown item kind '{kind}' (use one of: {', '.join(k.value for k in ItemKind)})") from None
    row = None
    if programme_item:
        prog = s.repo.programme
        row = next((it for it in (prog.items if prog else []) if it.id == programme_item.strip()), None)
        if row is None:
            raise NotFound(f"no forward programme row '{programme_item}'"
                           f"{did_you_mean(programme_item, [it.id for it in (prog.items if prog else [])])}")
    data = agenda_item_data(0, title, leads=_leads(s, leads or []), purpose=(purpose or "").strip() or None,
                        kind=item_kind, papers=[_paper(s, p) for p in papers or []], restricted=restricted,
                        programme_item=row.id if row else None)
    frozen = _frozen(s, m)
    position: int
    if at is not None:
        if frozen is not None and not (m.agenda and str(at).strip().isdigit() and m.agenda[-1].number.isdigit()
                                       and int(str(at)) == int(m.agenda[-1].number) + 1):
            _refuse_if_frozen(s, m, "renumbered")
        first = _plain_numbers(m, "inserted")
        n = str(at).strip()
        if not n.isdigit() or not first <= int(n) <= first + len(m.agenda):
            raise UserError(f"--at {at}: give a number from {first} to {first + len(m.agenda)}")
        position = int(n) - first
    elif frozen is not None:
        position = len(m.agenda)
    else:
        position = next((i for i, item in enumerate(m.agenda) if is_closing(item.key, item.title)), len(m.agenda))
    renumber = position < len(m.agenda)
    if renumber:
        first = _plain_numbers(m, "inserted")
    path = s.path("meeting", m.date)
    quoted = _quoted(s, m)

    if renumber:
        def insert(agenda: list[dict[str, Any]]) -> None:
            agenda.insert(position, data)
            _renumber(agenda, first, quoted)

        _rewrite_agenda(s, path, insert)
    else:
        def mutate(doc: Any) -> None:
            agenda = doc.get("agenda")
            if agenda is None:
                doc["agenda"] = agenda = []
            last = agenda[-1]["number"] if agenda else 0
            number = int(last) + 1 if str(last).isdigit() else len(agenda) + 1
            data["number"] = str(number) if quoted else number
            agenda.append(data)

        s.edit(path, mutate)
    done = Written.of(s.commit(dry_run))
    items = _agenda_after(done, path)
    number = items[position]["number"] if position < len(items) else items[-1]["number"]
    return _result(s, m, items, f"added item {number}: {title}", renumber, done)


def remove_item(s: Session, meeting: str | dt.date, number: str, *, dry_run: bool = False) -> AgendaResult:
    """Take an item off a meeting's agenda; the items after it move up one."""
    m = s.meeting(meeting)
    index = _index(m, number)
    _refuse_if_frozen(s, m, "changed by removing an item")
    first = _plain_numbers(m, "removed")
    quoted = _quoted(s, m)
    title = m.agenda[index].title
    path = s.path("meeting", m.date)

    def remove(agenda: list[dict[str, Any]]) -> None:
        del agenda[index]
        _renumber(agenda, first, quoted)

    _rewrite_agenda(s, path, remove)
    done = Written.of(s.commit(dry_run))
    items = _agenda_after(done, path)
    return _result(s, m, items, f"removed item {m.agenda[index].number}: {title}", index < len(m.agenda) - 1, done)


def move_item(s: Session, meeting: str | dt.date, number: str, to: str, *, dry_run: bool = False) -> AgendaResult:
    """Move an item to another place on the agenda (it takes number ``to``); the others renumber."""
    m = s.meeting(meeting)
    index = _index(m, number)
    _refuse_if_frozen(s, m, "reordered")
    first = _plain_numbers(m, "moved")
    target = str(to).strip()
    if not target.isdigit() or not first <= int(target) < first + len(m.agenda):
        raise UserError(f"--to {to}: give a number from {first} to {first + len(m.agenda) - 1}")
    new_index = int(target) - first
    if new_index == index:
        raise UserError(f"item {number} is already item {target}")
    quoted = _quoted(s, m)
    title = m.agenda[index].title
    path = s.path("meeting", m.date)

    def move(agenda: list[dict[str, Any]]) -> None:
        agenda.insert(new_index, agenda.pop(index))
        _renumber(agenda, first, quoted)

    _rewrite_agenda(s, path, move)
    done = Written.of(s.commit(dry_run))
    items = _agenda_after(done, path)
    return _result(s, m, items, f"moved {title} to item {target}", True, done)


def retitle_item(s: Session, meeting: str | dt.date, number: str, title: str, *,
                 dry_run: bool = False) -> AgendaResult:
    """Give an agenda item a new title; its minute, if it has one under the old title, follows."""
    m = s.meeting(meeting)
    index = _index(m, number)
    title = " ".join((title or "").split())
    if not title:
        raise UserError("give the item's new title")
    old = m.agenda[index].title
    if title == old:
        raise UserError(f"item {number} is already titled '{title}'")
    minutes = [i for i, mi in enumerate(m.minutes.items) if mi.item == m.agenda[index].number and mi.title == old] \
        if m.minutes is not None else []
    path = s.path("meeting", m.date)

    def mutate(doc: Any) -> None:
        doc["agenda"][index]["title"] = title
        for i in minutes:
            doc["minutes"]["items"][i]["title"] = title

    s.edit(path, mutate)
    done = Written.of(s.commit(dry_run))
    items = _agenda_after(done, path)
    return _result(s, m, items, f"item {m.agenda[index].number} is now titled '{title}'", False, done)




AGENDA_COLUMNS = [
    Column("number", "No."),
    Column("title", "Title", ratio=3, min_width=20),
    Column("leads", "Leads", ratio=2, min_width=10, shown=lambda r: "/".join(r["leads"])),
    Column("kind", "Kind"),
    Column("papers", "Papers", ratio=1, min_width=8, shown=lambda r: ", ".join(r["papers"])),
    Column("programme_item", "Forward programme", ratio=1, min_width=8),
]


def list_agenda(s: Session, meeting: str | dt.date, audience: str = "partners") -> Table:
    """A meeting's agenda as a table: numbers, titles, leads (by name), papers.

    For the ``public``, a restricted item is listed as the public pack shows it ("Exempt item",
    its number only) and a restricted paper is left out (:func:`cspkit.views.is_restricted`).
    """
    m = s.meeting(meeting)
    names = s.names()
    public = audience == "public"
    rows: list[dict[str, Any]] = []
    for item in m.agenda:
        if public and views.is_restricted(s.repo, item):
            rows.append({"number": item.number, "title": "Exempt item", "leads": [], "kind": item.kind.value,
                         "papers": [], "programme_item": None})
            continue
        papers = [p for p in item.papers if not (public and views.is_restricted(s.repo, p))]
        rows.append({"number": item.number, "title": item.title,
                     "leads": [names.get(x, x) for x in item.leads] or ([item.lead_text] if item.lead_text else []),
                     "kind": item.kind.value, "papers": [p.source or p.kind.value for p in papers],
                     "programme_item": item.programme_item})
    return Table(AGENDA_COLUMNS, rows, title=f"Agenda of {m.date}", empty=f"The meeting on {m.date} has no agenda.",
                 meta={"meeting": m.date.isoformat()}, rows_key="items")


__all__ = ["AgendaResult", "add_item", "list_agenda", "move_item", "remove_item", "retitle_item"]
