"""Queries that many checks and views ask, worked out once (sorted dates, which minute raised
which action): each must answer as the plain definition does, whatever the records hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cspkit import views
from cspkit.models.meeting import MeetingStatus
from cspkit.repo import Repo

DAYS = st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2023, 3, 1))
STATUSES = st.sampled_from(list(MeetingStatus))


def _repo(meetings: dict[dt.date, Any]) -> Repo:
    repo = Repo(root=Path("."))
    repo.meetings.update(meetings)
    return repo


def _meetings(statuses: dict[dt.date, MeetingStatus]) -> dict[dt.date, Any]:
    return {day: SimpleNamespace(date=day, status=status) for day, status in statuses.items()}


@given(st.dictionaries(DAYS, STATUSES, max_size=12), DAYS)
def test_the_meeting_before_and_after_a_day_are_the_nearest_that_qualify(statuses, day):
    repo = _repo(_meetings(statuses))
    ordered = sorted(repo.meetings.items())

    def last(found: list[Any]) -> Any:
        return found[-1] if found else None

    held_before = last([m for d, m in ordered if d < day and m.status == MeetingStatus.held])
    any_before = last([m for d, m in ordered if d < day])
    not_cancelled_before = last([m for d, m in ordered if d < day and m.status != MeetingStatus.cancelled])
    after = [m for d, m in ordered if d > day and m.status != MeetingStatus.cancelled]
    assert repo.previous_meeting(day) is held_before
    assert repo.previous_meeting(day, held_only=False) is any_before
    assert views.meeting_before(repo, day) is not_cancelled_before
    assert repo.next_meeting_after(day) is (after[0] if after else None)
    assert repo.meeting_list() == [m for _, m in ordered]


def test_indexing_a_meeting_forgets_what_was_worked_out_from_the_others():
    day, later = dt.date(2023, 1, 5), dt.date(2023, 2, 5)
    repo = _repo(_meetings({day: MeetingStatus.held}))
    assert repo.meeting_dates() == [day]
    repo.meetings[later] = SimpleNamespace(date=later, status=MeetingStatus.held)
    repo._derived.clear()  # what index() and forget() do
    assert repo.meeting_dates() == [day, later]
    assert repo.previous_meeting(dt.date(2023, 3, 1)).date == later


# --------------------------------------------------------------------------- raising minutes

ITEMS = st.sampled_from(["1", "2", "3"])
ACTION_IDS = st.sampled_from(["a", "b", "c", "d"])
MINUTE = st.builds(
    lambda item, restricted, named: SimpleNamespace(
        item=item, restricted=restricted,
        body=[SimpleNamespace(decisions=[SimpleNamespace(action=a) for a in group] or None) for group in named]),
    st.one_of(st.none(), ITEMS), st.booleans(), st.lists(st.lists(st.one_of(st.none(), ACTION_IDS), max_size=2),
                                                         max_size=3))


def _walked(meeting: Any, action: Any) -> bool:
    """The definition, minute by minute: the first minute of the action's item (when it came
    from a decision) or naming it in a decision; else the agenda item."""
    for minute in meeting.minutes.items if meeting.minutes is not None else []:
        raised_here = (action.decision is not None and minute.item == action.item) or any(
            d.action == action.id for part in minute.body if part.decisions for d in part.decisions)
        if raised_here:
            return views.minute_restricted(meeting, minute)
    item = meeting.item(action.item)
    return bool(item is not None and item.restricted)


@given(st.lists(MINUTE, max_size=5), st.sets(ITEMS), st.lists(st.tuples(ACTION_IDS, ITEMS, st.booleans()), max_size=6),
       st.booleans())
def test_the_minute_that_raised_an_action_is_the_one_the_definition_finds(minutes, restricted_items, actions,
                                                                          no_minutes):
    day = dt.date(2023, 1, 5)
    agenda = {n: SimpleNamespace(number=n, restricted=n in restricted_items, all_papers=list)
              for n in ("1", "2", "3")}
    meeting = SimpleNamespace(date=day, status=MeetingStatus.held, item=agenda.get, agenda=list(agenda.values()),
                              minutes=None if no_minutes else SimpleNamespace(items=minutes))
    repo = _repo({day: meeting})
    for aid, item, from_decision in actions:
        action = SimpleNamespace(id=aid, item=item, meeting=day, decision=1 if from_decision else None)
        assert views.decision_restricted(repo, action) == _walked(meeting, action), (aid, item, from_decision)


ORGS = st.sampled_from(["police", "fire", "council"])
PAPER = st.builds(lambda org, restricted: SimpleNamespace(organisation=org, restricted=restricted),
                  st.one_of(st.none(), ORGS), st.booleans())
SUB = st.builds(lambda papers: SimpleNamespace(papers=papers), st.lists(PAPER, max_size=2))  # restricted by its item
ITEM = st.builds(lambda papers, subs, restricted: SimpleNamespace(
    papers=papers, sub_items=subs, restricted=restricted,
    all_papers=lambda: [*papers, *(p for sub in subs for p in sub.papers)]),  # as AgendaItem.all_papers
    st.lists(PAPER, max_size=3), st.lists(SUB, max_size=2), st.booleans())


def _attached_walked(meeting: Any, update: Any) -> bool:
    """The definition: attached somewhere, and only where the public cannot see it."""
    places = []
    for item in meeting.agenda:
        places += [item.restricted or p.restricted for p in item.papers if p.organisation == update.organisation]
        for sub in item.sub_items:
            places += [item.restricted or p.restricted
                       for p in sub.papers if p.organisation == update.organisation]
    return bool(places) and all(places)


@given(st.lists(ITEM, max_size=4))
def test_an_update_is_attached_only_in_private_as_the_definition_says(agenda):
    day = dt.date(2023, 1, 5)
    repo = _repo({day: SimpleNamespace(date=day, status=MeetingStatus.held, agenda=agenda, minutes=None)})
    for org in ("police", "fire", "council"):
        update = SimpleNamespace(meeting=day, organisation=org)
        assert views.update_attached_restricted(repo, update) == _attached_walked(repo.meetings[day], update)
