"""Setting up a meeting and keeping its minutes: new meeting, minutes skeleton, approval."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cspkit import views
from cspkit.errors import ConflictError, UserError
from cspkit.models.action import Action
from cspkit.models.common import VENUE_TBC
from cspkit.models.config import PaperKind, StandingItem
from cspkit.models.meeting import AgendaItem, Meeting, MeetingStatus, MinuteItem, Minutes, MinutesState
from cspkit.models.programme import ProgrammeItem, Recurrence
from cspkit.session import Session
from cspkit.workflows._common import Written, item_number, parse_date, put, text_date, to_plain

#: Standing items the due forward programme items go before (as printed on most agendas).
_CLOSING_KEYS = {"aob", "any-other-business", "other-business", "forward-programme", "date-of-next-meeting",
                 "next-meeting"}
_CLOSING_TITLES = ("any other business", "other business", "forward programme", "date of next meeting",
                   "date of the next meeting", "dates of future meetings")
#: Words left out when matching a standing forward programme row to a standing agenda item.
_FILLER = {"update", "updates", "the", "of", "and", "a", "an", "to", "on", "follow", "up", "report", "item"}


# --------------------------------------------------------------------------- new meeting


@dataclass
class NewMeeting(Written):
    """What ``new_meeting`` wrote and what the officer should know next."""

    date: dt.date
    path: Path
    agenda: list[AgendaItem]
    programme_items: list[ProgrammeItem]
    """Forward programme rows put on this agenda (new items, or matched to standing items)."""
    partners: list[str]
    """Organisation ids expected to send an update."""
    open_actions: list[Action]
    """The actions the pack's action log will show (see :func:`cspkit.views.action_log`)."""
    venue: str | None = None


def _norm_words(text: str) -> set[str]:
    words = re.findall(r"[a-z]+", text.lower())
    return {w for w in words if w not in _FILLER}


def is_closing(key: str | None, title: str) -> bool:
    """Whether an item closes the agenda (any other business, forward programme, next meeting):
    items added to an agenda go before these."""
    return (key in _CLOSING_KEYS) or title.lower().startswith(_CLOSING_TITLES)


def _matches_standing(item: ProgrammeItem, s: StandingItem) -> bool:
    """A standing forward programme row ("Performance Update") that is a standing agenda item."""
    if s.key and s.key == item.id:
        return True
    a, b = _norm_words(item.item), _norm_words(s.title)
    return bool(a) and bool(b) and (a <= b or b <= a)


def _paper(kind: PaperKind | None) -> list[dict]:
    # A document needs a source and a single partner update an organisation: neither can be
    # made up for a new agenda, so only the generated papers are attached.
    if kind is None or kind in (PaperKind.document, PaperKind.partner_update):
        return []
    return [{"kind": kind}]


def agenda_item_data(number: int, title: str, *, key: str | None = None, leads: list[str] | None = None,
                 purpose: str | None = None, kind: Any = None, papers: list | None = None,
                 sub_items: list | None = None, restricted: bool = False,
                 programme_item: str | None = None) -> dict[str, Any]:
    """An agenda item as data, keys in the order :class:`AgendaItem` declares them."""
    data: dict[str, Any] = {"number": number, "title": title}
    if key:
        data["key"] = key
    if leads:
        data["leads"] = list(leads)
    if purpose:
        data["purpose"] = purpose
    if kind is not None:
        data["kind"] = kind
    if papers:
        data["papers"] = papers
    if sub_items:
        data["sub_items"] = sub_items
    if restricted:
        data["restricted"] = True
    if programme_item:
        data["programme_item"] = programme_item
    return data


def plan_agenda(ctx: Session, day: dt.date) -> tuple[list[dict[str, Any]], list[ProgrammeItem], list[str]]:
    """The agenda a new meeting on ``day`` gets: standing items, due programme items, partners.

    Returns the agenda (as data in file order), the forward programme rows it takes and the
    organisations expected to send an update.
    """
    repo = ctx.repo
    cfg = repo.config
    assert cfg is not None
    plan = cfg.plan_for(day)
    due = views.programme_due(repo, day)
    partners = list(views.expected_partners(repo, day))

    taken: dict[str, ProgrammeItem] = {}  # programme id -> row, for standing rows matched to standing items
    matched_for: dict[int, ProgrammeItem] = {}
    for i, s in enumerate(cfg.standing_agenda):
        for it in due:
            if it.recurs == Recurrence.standing and it.id not in taken and _matches_standing(it, s):
                taken[it.id] = it
                matched_for[i] = it
                break

    items: list[dict[str, Any]] = []
    inserted = False
    extra = [it for it in due if it.id not in taken]

    def add_programme_rows() -> None:
        for it in extra:
            items.append(agenda_item_data(0, it.item, leads=it.action_by, purpose=it.detail, kind="report",
                                      restricted=it.restricted, programme_item=it.id))

    has_partner_item = any(s.key == "partner-updates" or s.paper == PaperKind.partner_updates
                           for s in cfg.standing_agenda)
    partner_subs = [{"title": ctx.org_name(e.organisation), **({"leads": [e.contact]} if e.contact else {})}
                    for e in partners]

    for i, s in enumerate(cfg.standing_agenda):
        if is_closing(s.key, s.title) and not inserted:
            add_programme_rows()
            if not has_partner_item and partners:
                items.append(agenda_item_data(0, "Partner Updates", key="partner-updates",
                                          purpose="Updates from partners on matters affecting the area.",
                                          kind="standing", papers=[{"kind": PaperKind.partner_updates}],
                                          sub_items=partner_subs))
                has_partner_item = True
            inserted = True
        leads = list(s.leads)
        subs: list[dict[str, Any]] = []
        if s.sub_items_per_priority and plan is not None:
            for pr in plan.priorities:
                sub: dict[str, Any] = {"title": pr.title, "priority": pr.number}
                if pr.leads:
                    sub["leads"] = list(pr.leads)
                subs.append(sub)
            if not leads:
                leads = list(dict.fromkeys(p for pr in plan.priorities for p in pr.leads))
        is_partner_item = s.key == "partner-updates" or s.paper == PaperKind.partner_updates
        if is_partner_item and not subs:
            subs = partner_subs
        row = matched_for.get(i)
        if row is not None and not leads and not is_partner_item:  # partners lead their own sub-items
            leads = list(row.action_by)
        items.append(agenda_item_data(0, s.title, key=s.key, leads=leads, purpose=s.purpose, kind=s.kind,
                                  papers=_paper(s.paper), sub_items=subs,
                                  programme_item=row.id if row is not None else None))
    if not inserted:
        add_programme_rows()
        if not has_partner_item and partners:
            items.append(agenda_item_data(0, "Partner Updates", key="partner-updates", kind="standing",
                                      papers=[{"kind": PaperKind.partner_updates}], sub_items=partner_subs))
    for n, item in enumerate(items, start=1):
        item["number"] = n
    return items, [*taken.values(), *extra], [e.organisation for e in partners]


def new_meeting(ctx: Session, date: str | dt.date | None = None, *, force: bool = False,
                venue: str | None = None, dry_run: bool = False) -> NewMeeting:
    """Write ``records/meetings/<date>.yaml`` for the next meeting, status scheduled.

    ``date`` defaults to the first date in ``cspkit.yaml``'s schedule after the latest meeting
    on file. The agenda is the standing agenda (numbered 1..n; sub-items per strategic
    priority of the plan current at that date; generated papers), with the forward programme
    rows due by that date before any other business / forward programme, and a partner
    updates item listing the partners expected. Start/end and venue come from the schedule
    entry, otherwise from ``defaults``; ``venue`` (``tbc`` or ``to be confirmed`` for a venue not
    yet known) overrides both. An existing meeting is not replaced unless ``force``.
    """
    repo = ctx.repo
    cfg = repo.config
    assert cfg is not None
    if date is None:
        day = views.next_schedule_date(repo)
        if day is None:
            latest = max(repo.meetings) if repo.meetings else None
            after = f" after {latest}" if latest else ""
            raise UserError(f"the schedule in cspkit.yaml has no date{after}: add one, or give --date YYYY-MM-DD")
    else:
        day = parse_date(date, "meeting date")
    path = ctx.path("meeting", day)
    if path.exists() and not force:
        raise ConflictError(f"{ctx.rel(path)} already exists (use --force to replace it)")

    entry = next((s for s in cfg.schedule if s.date == day), None)
    start = (entry.start if entry and entry.start else None) or cfg.defaults.start
    end = (entry.end if entry and entry.end else None) or cfg.defaults.end
    if start and end and end <= start:
        end = None
    agenda, rows, partners = plan_agenda(ctx, day)

    data: dict[str, Any] = {"date": day, "status": MeetingStatus.scheduled}
    if start:
        data["start"] = start
    if end:
        data["end"] = end
    where = meeting_venue(venue if venue is not None else entry.venue if entry and entry.venue else None) \
        or cfg.defaults.venue
    if where:
        data["venue"] = where
    data["mode"] = cfg.defaults.mode
    previous = [m for d, m in sorted(repo.meetings.items()) if d < day and m.chair]
    if previous:
        chair = repo.people.get(previous[-1].chair or "")
        if chair is not None and chair.active_on(day):
            data["chair"] = chair.id
    data["agenda"] = agenda

    ctx.create(path, data, force=force)
    done = Written.of(ctx.commit(dry_run))
    planned = Meeting.model_validate(to_plain(data)).agenda
    return NewMeeting(date=day, path=path, agenda=planned, programme_items=rows, partners=partners,
                      open_actions=views.action_log(repo, day), venue=data.get("venue"), **done)


def meeting_venue(text: str | None) -> str | None:
    """A venue as given (``tbc`` written out as ``to be confirmed``); None when not given."""
    if text is None or not text.strip():
        return None
    text = " ".join(text.split())
    return VENUE_TBC if text.lower().rstrip(".") in ("tbc", "tba", VENUE_TBC, "to be arranged") else text


# --------------------------------------------------------------------------- minutes


@dataclass
class MinutesResult(Written):
    date: dt.date
    path: Path
    items: int = 0
    present: list[str] = field(default_factory=list)
    first_number: int | None = None
    state: str = ""
    approved_at: dt.date | None = None
    noted_in: Path | None = None
    """The approving meeting's file, when its minutes now record the approval."""
    attendance_missing: bool = False
    """Nobody is recorded as present yet (``cspkit attendance`` records them)."""
    external: str | None = None
    """Where the minutes are kept, when not in these records."""


def _last_minute_number(ctx: Session, day: dt.date) -> int:
    prev = ctx.repo.previous_meeting(day)
    if prev is None or prev.minutes is None:
        return 0
    return max((mi.number for mi in prev.minutes.items if mi.number is not None), default=0)


def start_minutes(ctx: Session, meeting: str | dt.date = "", *, dry_run: bool = False) -> MinutesResult:
    """Turn a meeting's agenda into a minutes skeleton and mark the meeting held.

    One minute item per agenda item (with its sub-items); where the body numbers minutes
    continuously, numbers carry on from the previous held meeting's last minute. State draft.
    Attendance is left as recorded (``cspkit attendance``), never filled in with everyone:
    when nobody is recorded as present, ``attendance_missing`` says so, and ``validate`` warns
    until it is recorded. Refused if the meeting already has minutes or was cancelled.
    """
    m = ctx.meeting(meeting)
    path = ctx.path("meeting", m.date)
    if m.status == MeetingStatus.cancelled:
        raise UserError(f"the meeting on {m.date} was cancelled: it has no minutes")
    if m.minutes is not None:
        raise ConflictError(f"the meeting on {m.date} already has minutes ({m.minutes.state.value}): "
                            f"change them in {ctx.rel(path)} by hand")
    cfg = ctx.repo.config
    assert cfg is not None
    continuous = cfg.conventions.minute_numbering.value == "continuous"
    number = _last_minute_number(ctx, m.date) if continuous else 0
    first = number + 1 if continuous else None

    items: list[dict[str, Any]] = []
    for a in m.agenda:
        mi: dict[str, Any] = {}
        if continuous:
            number += 1
            mi["number"] = number
        mi["item"] = a.number  # replaced by the agenda's own spelling (5 or '5') when written
        mi["title"] = a.title
        subs = [{"heading": s.title, **({"number": item_number(s.number)} if s.number else {})} for s in a.sub_items]
        if subs:
            mi["body"] = subs
        if a.restricted:
            mi["restricted"] = True
        items.append(mi)

    def mutate(doc: Any) -> None:
        for mi, node in zip(items, doc["agenda"], strict=True):
            mi["item"] = node["number"]  # keeps the file's own quoting of item numbers
        put(doc, "status", MeetingStatus.held, Meeting)
        put(doc, "minutes", {"state": MinutesState.draft, "items": items}, Meeting)

    ctx.edit(path, mutate)
    done = Written.of(ctx.commit(dry_run))
    return MinutesResult(date=m.date, path=path, items=len(items), present=[a.person for a in m.attendance.present],
                         first_number=first, state="draft", attendance_missing=not m.attendance.present, **done)


def circulate_minutes(ctx: Session, meeting: str | dt.date = "", *,
                      dry_run: bool = False) -> MinutesResult:
    """Draft minutes → circulated (sent to members, awaiting approval at the next meeting)."""
    m = ctx.meeting(meeting)
    path = ctx.path("meeting", m.date)
    if m.minutes is None:
        raise UserError(f"the meeting on {m.date} has no minutes yet (cspkit minutes start {m.date})")
    if m.minutes.state != MinutesState.draft:
        raise UserError(f"the minutes of {m.date} are already {m.minutes.state.value}")
    ctx.edit(path, lambda doc: put(doc["minutes"], "state", MinutesState.circulated, Minutes))
    return MinutesResult(date=m.date, path=path, state="circulated", **Written.of(ctx.commit(dry_run)))


def approve_minutes(ctx: Session, meeting: str | dt.date = "", at: str | dt.date | None = None, *,
                    dry_run: bool = False) -> MinutesResult:
    """Record that a meeting's minutes were approved at a later meeting (``at``).

    Sets ``state: approved`` and ``approved_at`` (from draft or circulated). ``at`` defaults to
    the next meeting on file, and must have been held. Minutes with nothing written in them
    (the skeleton from ``minutes start``) are refused. If the approving meeting has minutes,
    the minute of its ``minutes`` item (the standing item with key ``minutes``) says so: "The
    minutes of the meeting held on 13th July 2023 were approved." (a paragraph at the end of its body).
    """
    m = ctx.meeting(meeting)
    path = ctx.path("meeting", m.date)
    if m.minutes is None:
        raise UserError(f"the meeting on {m.date} has no minutes yet (cspkit minutes start {m.date})")
    if m.minutes.state == MinutesState.approved:
        raise UserError(f"the minutes of {m.date} were already approved at {m.minutes.approved_at}")
    if not views.minutes_written(m.minutes):
        raise UserError(f"the minutes of {m.date} are empty (only the skeleton from minutes start): write them in "
                        f"{ctx.rel(path)} before they are approved (or, if they are kept elsewhere, cspkit minutes "
                        f"external {m.date} --reference WHERE)")
    later = _approving_meeting(ctx, m, at)
    noted = _record_approval(ctx, m, path, later)
    done = Written.of(ctx.commit(dry_run))
    return MinutesResult(date=m.date, path=path, state="approved", approved_at=later.date, noted_in=noted,
                         external=m.minutes.external, **done)


def _approving_meeting(ctx: Session, m: Meeting, at: str | dt.date | None) -> Meeting:
    """The later, held meeting at which ``m``'s minutes are approved (default: the next on file)."""
    if at is None:
        later = ctx.repo.next_meeting_after(m.date)
        if later is None:
            raise UserError(f"no meeting after {m.date} on file to approve the minutes at: give --at YYYY-MM-DD")
    else:
        later = ctx.meeting(at)
    if later.date <= m.date:
        raise UserError(f"minutes are approved at a later meeting: {later.date} is not after {m.date}")
    if later.status != MeetingStatus.held:
        raise UserError(f"the meeting on {later.date} is {later.status.value}: minutes are approved at a meeting "
                        f"that has been held (cspkit minutes start {later.date} once it has)")
    return later


def _record_approval(ctx: Session, m: Meeting, path: Path, later: Meeting) -> Path | None:
    """Mark ``m``'s minutes approved at ``later``, and minute it under ``later``'s minutes item
    when ``later`` has minutes. Returns ``later``'s file when its minutes say so."""
    def mutate(doc: Any) -> None:
        put(doc["minutes"], "state", MinutesState.approved, Minutes)
        put(doc["minutes"], "approved_at", later.date, Minutes)

    ctx.edit(path, mutate)
    if later.minutes is None:
        return None
    agenda_item = next((a for a in later.agenda if a.key == "minutes"), None)
    index = None
    if agenda_item is not None:
        index = next((i for i, mi in enumerate(later.minutes.items) if mi.item == agenda_item.number), None)
    if index is None:
        return None
    sentence = f"The minutes of the meeting held on {text_date(ctx.repo, m.date)} were approved."
    minute = later.minutes.items[index]
    if any(sentence in text for text in minute.texts()):
        return None

    def note(doc: Any) -> None:
        node = doc["minutes"]["items"][index]
        if not node.get("body"):
            put(node, "body", [{"text": sentence}], MinuteItem)
        else:
            node["body"].append({"text": sentence})

    noted = ctx.path("meeting", later.date)
    ctx.edit(noted, note)
    return noted


def minutes_kept_elsewhere(ctx: Session, meeting: str | dt.date = "", reference: str = "", *,
                           approved_at: str | dt.date | None = None, dry_run: bool = False) -> MinutesResult:
    """Record that a held meeting's minutes are kept elsewhere (a council's website, a signed
    copy), not in these records: ``minutes: {external: REFERENCE}``, state circulated.

    The meeting is marked held, without inventing attendance or minute items for it; its
    minutes can then be approved at a later meeting as usual (``approved_at`` does both at once).
    Refused when the meeting already has minutes here, or was cancelled.
    """
    m = ctx.meeting(meeting)
    path = ctx.path("meeting", m.date)
    reference = " ".join((reference or "").split())
    if not reference:
        raise UserError("say where the minutes are kept: --reference \"a document, a web page\"")
    if m.status == MeetingStatus.cancelled:
        raise UserError(f"the meeting on {m.date} was cancelled: it has no minutes")
    if m.minutes is not None and m.minutes.external is None:
        raise ConflictError(f"the meeting on {m.date} has minutes in {ctx.rel(path)} already "
                            f"({m.minutes.state.value})")
    if m.minutes is not None and m.minutes.external == reference:
        raise UserError(f"the minutes of {m.date} are already recorded as kept at: {reference}")
    later = _approving_meeting(ctx, m, approved_at) if approved_at is not None else None
    if later is not None and m.minutes is not None and m.minutes.state == MinutesState.approved:
        raise UserError(f"the minutes of {m.date} were already approved at {m.minutes.approved_at}")

    def mutate(doc: Any) -> None:
        put(doc, "status", MeetingStatus.held, Meeting)
        if isinstance(doc.get("minutes"), dict):
            put(doc["minutes"], "external", reference, Minutes)
        else:
            put(doc, "minutes", {"state": MinutesState.circulated, "external": reference}, Meeting)

    ctx.edit(path, mutate)
    noted = _record_approval(ctx, m, path, later) if later is not None else None
    done = Written.of(ctx.commit(dry_run))
    state = "approved" if later is not None else (m.minutes.state.value if m.minutes else "circulated")
    return MinutesResult(date=m.date, path=path, state=state, approved_at=later.date if later else None,
                         noted_in=noted, external=reference, **done)
