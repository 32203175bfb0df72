"""Derived views over a loaded :class:`~cspkit.repo.Repo`: what the records say as of a date.

Plain functions, no I/O: the renderer (agenda pack, action log, forward programme) and the
officer workflows (``cspkit new-meeting``, ``cspkit actions list``, ``cspkit update chase``)
ask the same questions and must get the same answers. Every function takes the repo first.

* :func:`is_restricted` — the one restriction policy every output and listing asks.
* :func:`open_actions` — actions open at the end of a day.
* :func:`action_log` — what a meeting's action log shows: open actions plus those closed
  since the previous meeting.
* :func:`overdue_actions` — open actions past their target date or target meeting.
* :func:`programme_due` — forward programme items due by a date (what goes on an agenda).
* :func:`expected_partners` / :func:`missing_updates` — partner updates expected at a meeting.
* :func:`next_schedule_date`, :func:`current_plan`, :func:`civic_year_start` — small helpers.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from cspkit.models.action import Action, ActionStatus, action_sort_key
from cspkit.models.meeting import Meeting, MeetingStatus, MinuteItem, Minutes
from cspkit.models.partner_update import PartnerUpdate
from cspkit.models.programme import ProgrammeItem, ProgrammeStatus, Recurrence, Special

if TYPE_CHECKING:
    from cspkit.models.config import ExpectedUpdate, Plan
    from cspkit.repo import Repo


# --------------------------------------------------------------------------- restriction


def is_restricted(repo: Repo, record: Any) -> bool:
    """Whether ``record`` is for partners only: the one restriction policy every output uses.

    A record marked ``restricted`` is; so is an action raised from a decision minuted under a
    restricted minute or agenda item (unless a clerk published it on purpose), and a partner
    update attached to its meeting only as a restricted paper or under a restricted item.
    A partner update with any section not for publication (:func:`restricted_sections`) is
    restricted whole, for as long as the documents print an update whole: nothing a partner
    ticked may reach the public, and leaving out one section is the renderer's to learn.
    """
    if getattr(record, "restricted", False):
        return True
    if isinstance(record, Action):
        if getattr(record, "public", None):
            return False
        return decision_restricted(repo, record)
    if isinstance(record, PartnerUpdate):
        return bool(restricted_sections(record)) or update_attached_restricted(repo, record)
    return False


def minute_restricted(meeting: Meeting, minute: MinuteItem) -> bool:
    """Whether a minute is for partners only: marked so, or minuting a restricted agenda item."""
    item = meeting.item(minute.item) if minute.item else None
    return bool(minute.restricted or (item is not None and item.restricted))


def restricted_sections(update: PartnerUpdate) -> set[str]:
    """The sections of a partner update its partner marked not for publication, by key: those
    in ``restricted_sections``, and ``theme-N`` / ``priority-N`` for plan rows marked so."""
    return set(update.restricted_sections) | {p.key for p in update.priorities if p.restricted}


def decision_restricted(repo: Repo, action: Action) -> bool:
    """Whether the minute (or agenda item) whose decision raised ``action`` is restricted.

    That minute is the first to minute the action's item, for an action with a ``decision``,
    or the first with a decision naming the action; without one, the agenda item says.
    """
    meeting = repo.meetings.get(action.meeting)
    if meeting is None or not _restricted_anywhere(repo, meeting):
        return False
    by_item, by_action = repo.derived(("raising minutes", action.meeting), lambda: _raising_minutes(meeting))
    found = by_action.get(action.id)
    if action.decision is not None:
        first = by_item.get(action.item)
        if first is not None and (found is None or first < found):
            found = first
    if found is not None and meeting.minutes is not None:
        return minute_restricted(meeting, meeting.minutes.items[found])
    item = meeting.item(action.item)
    return bool(item is not None and item.restricted)


def _restricted_anywhere(repo: Repo, meeting: Meeting) -> bool:
    """Whether anything of ``meeting`` is restricted: an agenda item, a paper (a sub-item's
    included) or a minute. Where nothing is (most meetings), nothing raised or attached there is
    restricted by where it was: asked once per meeting, not once per action and update."""
    return repo.derived(("restricted anywhere", meeting.date), lambda: _any_restricted(meeting))


def _any_restricted(meeting: Meeting) -> bool:
    if any(item.restricted or any(p.restricted for p in item.all_papers()) for item in meeting.agenda):
        return True
    return any(minute.restricted for minute in (meeting.minutes.items if meeting.minutes is not None else ()))


def _raising_minutes(meeting: Meeting) -> tuple[dict[str | None, int], dict[str, int]]:
    """Where in a meeting's minutes each item is first minuted, and each action first named by
    a decision (by position in ``minutes.items``): worked out once for all its actions."""
    by_item: dict[str | None, int] = {}
    by_action: dict[str, int] = {}
    for i, minute in enumerate(meeting.minutes.items if meeting.minutes is not None else ()):
        by_item.setdefault(minute.item, i)
        for part in minute.body:
            for d in part.decisions or ():
                if d.action is not None:
                    by_action.setdefault(d.action, i)
    return by_item, by_action


def update_attached_restricted(repo: Repo, update: PartnerUpdate) -> bool:
    """Whether a partner update is attached to its meeting only where the public cannot see it
    (as a restricted paper, or under a restricted item or sub-item)."""
    meeting = repo.meetings.get(update.meeting)
    if meeting is None or not _restricted_anywhere(repo, meeting):
        return False
    places = repo.derived(("attached updates", update.meeting), lambda: _attached_places(meeting))
    found = places.get(update.organisation, [])
    return bool(found) and all(found)


def _attached_places(meeting: Meeting) -> dict[str, list[bool]]:
    """Each partner's papers on a meeting's agenda, by organisation: whether each is where the
    public cannot see it (worked out once for all the meeting's updates)."""
    places: dict[str, list[bool]] = {}
    for item in meeting.agenda:
        for paper in item.all_papers():  # (a sub-item is restricted by its item)
            if paper.organisation is not None:
                places.setdefault(paper.organisation, []).append(item.restricted or paper.restricted)
    return places


# --------------------------------------------------------------------------- actions


def _sorted(actions: list[Action]) -> list[Action]:
    return sorted(actions, key=lambda a: action_sort_key(a.id))


def open_actions(repo: Repo, as_of: dt.date, *, raised_before: bool = False) -> list[Action]:
    """Actions raised on or before ``as_of`` and still open at the end of that day, by id.

    ``raised_before=True`` leaves out actions raised *at* ``as_of`` (a meeting's own pack
    shows only actions from earlier meetings). Status is replayed from each action's
    history (:meth:`Action.status_on`), so an action closed after ``as_of`` counts as open.
    """
    out = []
    for a in repo.actions.values():
        if a.meeting > as_of or (raised_before and a.meeting == as_of):
            continue
        if a.status_on(as_of) == ActionStatus.open:
            out.append(a)
    return _sorted(out)


def action_log(repo: Repo, as_of: dt.date) -> list[Action]:
    """The action log a meeting on ``as_of`` reviews, in id order.

    Actions raised at meetings before ``as_of`` that were open at the end of the day before,
    plus those that were completed or closed since the previous held meeting (they "show
    once more, then drop out"). Use ``a.status_on(as_of)`` and ``a.owners_on(as_of)`` for the
    status and owners to print, and :func:`closed_since_previous` to tell the two apart.
    """
    previous = repo.previous_meeting(as_of)
    since = previous.date if previous is not None else None
    out = []
    for a in repo.actions.values():
        if a.meeting >= as_of:
            continue
        status = a.status_on(as_of)
        if status == ActionStatus.open:
            out.append(a)
            continue
        closed = a.closed_date()
        if closed is not None and closed <= as_of and (since is None or closed > since):
            out.append(a)
    return _sorted(out)


def closed_since_previous(repo: Repo, action: Action, as_of: dt.date) -> bool:
    """True if ``action`` was completed or closed after the previous meeting and by ``as_of``."""
    if action.status_on(as_of) == ActionStatus.open:
        return False
    previous = repo.previous_meeting(as_of)
    closed = action.closed_date()
    return closed is not None and (previous is None or closed > previous.date)


def action_due(action: Action) -> dt.date | None:
    """The action's target date: ``due``, else the date of ``due_meeting``."""
    return action.due or action.due_meeting


def is_overdue(action: Action, as_of: dt.date) -> bool:
    """Open at the end of ``as_of`` and its target (date or meeting) is before ``as_of``."""
    due = action_due(action)
    return due is not None and due < as_of and action.status_on(as_of) == ActionStatus.open


def overdue_actions(repo: Repo, as_of: dt.date) -> list[Action]:
    """Open actions whose target date or target meeting is before ``as_of``, by id."""
    return [a for a in open_actions(repo, as_of) if is_overdue(a, as_of)]


# --------------------------------------------------------------------------- minutes


#: What a minutes skeleton has before anything is written: numbers, titles, flags.
_FRAME = frozenset({"number", "item", "title", "restricted", "heading"})  # a skeleton's sub-item headings say nothing


def minutes_written(minutes: Minutes) -> bool:
    """Whether minutes say anything: kept elsewhere, or with some text under an item (a point,
    an introduction, a decision). A skeleton from ``minutes start`` has only numbers and titles."""
    return minutes.external is not None or any(_has_text(item) for item in minutes.items)


def _has_text(value: Any) -> bool:
    if isinstance(value, BaseModel):
        return any(_has_text(v) for k, v in value if k not in _FRAME)
    if isinstance(value, (list, tuple)):
        return any(_has_text(v) for v in value)
    return isinstance(value, str) and bool(value.strip())


def meeting_before(repo: Repo, day: dt.date) -> Meeting | None:
    """The meeting before ``day`` that was not cancelled (held or not): the one whose minutes a
    meeting on ``day`` approves."""
    return repo.nearest_meeting(day, keep=lambda m: m.status != MeetingStatus.cancelled)


def raised_wording(decision: str) -> str:
    """A decision's wording as the action raised from it carries it: "That a plan be brought …"."""
    text = decision.strip()
    return text[:1].upper() + text[1:] if text else decision


def same_wording(decision: str, action_text: str) -> bool:
    """Whether an action's text is a decision's wording: spacing, a closing full stop and the
    case of letters left aside."""
    def words(text: str) -> str:
        plain = " ".join(text.split()).rstrip(".").casefold()
        return plain[len("that "):] if plain.startswith("that ") else plain  # a decision's "that" is the minutes'

    return words(raised_wording(decision)) == words(action_text)


def decision_of(repo: Repo, action: Action) -> Any:
    """The decision in its meeting's minutes that raised ``action`` (``action:`` names it), if any."""
    meeting = repo.meetings.get(action.meeting)
    if meeting is None or meeting.minutes is None:
        return None
    return next((d for mi in meeting.minutes.items for d in mi.decisions if d.action == action.id), None)


# --------------------------------------------------------------------------- calendar


def next_schedule_date(repo: Repo, after: dt.date | None = None) -> dt.date | None:
    """The first dated entry of ``cspkit.yaml``'s schedule after ``after``.

    ``after`` defaults to the latest meeting on file (so "the next meeting" is the first
    scheduled date with no meeting file yet). None when the schedule has no such date.
    """
    if after is None and repo.meetings:
        after = max(repo.meetings)
    dates = sorted(s.date for s in (repo.config.schedule if repo.config else []) if s.date is not None)
    for day in dates:
        if after is None or day > after:
            return day
    return None


def next_meeting_date(repo: Repo, after: dt.date) -> dt.date | None:
    """The next meeting after ``after``: a meeting file (not cancelled) or a schedule date."""
    candidates = [d for d, m in repo.meetings.items() if d > after and m.status != MeetingStatus.cancelled]
    scheduled = next_schedule_date(repo, after)
    if scheduled is not None:
        candidates.append(scheduled)
    return min(candidates) if candidates else None


def current_plan(repo: Repo, day: dt.date) -> Plan | None:
    """The strategic plan in force on ``day`` (see :meth:`Config.plan_for`)."""
    return repo.config.plan_for(day) if repo.config else None


def civic_year_start(repo: Repo, day: dt.date) -> dt.date:
    """First day of the council (civic) year that ``day`` falls in (May 1st by default)."""
    month = repo.config.partnership.council_year_starts if repo.config else 5
    year = day.year if day.month >= month else day.year - 1
    return dt.date(year, month, 1)


# --------------------------------------------------------------------------- forward programme


def _month_key(text: str) -> tuple[int, int]:
    year, month = text.split("-")[:2]
    return int(year), int(month)


def is_due(repo: Repo, item: ProgrammeItem, by_date: dt.date) -> bool:
    """Whether a forward programme item is due at a meeting on ``by_date``.

    Only planned items are due. ``when`` a date: due on or after it; a month (YYYY-MM): due
    at any meeting in or after that month; ``civic-year``: due at the first meeting of a civic
    year (when it was not already taken in that civic year, and no meeting of that civic year
    came before ``by_date``); ``tbc``: never. ``programme roll`` moves recurring items on.
    """
    if item.status != ProgrammeStatus.planned:
        return False
    when = item.when
    if isinstance(when, Special):
        if when == Special.tbc:
            return False
        start = civic_year_start(repo, by_date)
        if item.last_taken is not None and item.last_taken >= start:
            return False
        earlier = [d for d, m in repo.meetings.items()
                   if start <= d < by_date and m.status != MeetingStatus.cancelled]
        return not earlier
    if isinstance(when, dt.date):
        due = when <= by_date
    else:
        due = _month_key(when) <= (by_date.year, by_date.month)
    if due and item.recurs != Recurrence.none and item.last_taken is not None and item.last_taken >= by_date:
        return False  # already taken at (or after) this meeting
    return due


def programme_due(repo: Repo, by_date: dt.date) -> list[ProgrammeItem]:
    """Forward programme items due by ``by_date`` (see :func:`is_due`), in programme order."""
    if repo.programme is None:
        return []
    return [it for it in repo.programme.items if is_due(repo, it, by_date)]


def programme_items_taken(repo: Repo, meeting_date: dt.date) -> list[ProgrammeItem]:
    """Forward programme items that a meeting's agenda takes (``programme_item:``)."""
    meeting = repo.meetings.get(meeting_date)
    if meeting is None or repo.programme is None:
        return []
    ids = {i.programme_item for i in meeting.agenda if i.programme_item}
    return [it for it in repo.programme.items if it.id in ids]


# --------------------------------------------------------------------------- partner updates


def expected_partners(repo: Repo, meeting: dt.date) -> list[ExpectedUpdate]:
    """Partners expected to send an update report to the meeting on ``meeting``.

    Those listed under ``partner_updates`` in ``cspkit.yaml`` (each with whom to chase),
    in that order. ``meeting`` is a date; the meeting file need not exist yet.
    """
    return list(repo.config.partner_updates) if repo.config else []


def missing_updates(repo: Repo, meeting: dt.date) -> list[ExpectedUpdate]:
    """Expected partners whose update is not in: no ``records/updates/<meeting>/<organisation>.yaml``,
    or only a draft (a blank made by ``update new``, a request noted by ``update chase --email``)."""
    return [e for e in expected_partners(repo, meeting)
            if (u := repo.updates.get((meeting, e.organisation))) is None or not u.is_received]
