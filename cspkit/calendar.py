"""``cspkit calendar``: the partnership's meetings as an iCalendar file.

Every meeting record and every dated entry of the schedule in ``cspkit.yaml`` becomes an
event in Europe/London time, with a VTIMEZONE so that Outlook, which does not trust a bare
TZID, shows the right hour on both sides of a clock change (see :func:`vtimezone`). An event's UID is made from
its date and the partnership's short name, so re-importing an updated calendar updates
the events instead of duplicating them; a cancelled meeting is sent as cancelled.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import TYPE_CHECKING

from cspkit.models.meeting import Meeting, MeetingStatus
from cspkit.repo import Repo

if TYPE_CHECKING:
    from icalendar import Calendar, Timezone

TZID = "Europe/London"
#: Length of a meeting whose end is not known.
DEFAULT_DURATION = dt.timedelta(hours=2)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "partnership"


def event_uid(day: dt.date, short_name: str) -> str:
    """``2023-10-12-charnwood-csp@cspkit``: the same meeting always has the same UID."""
    return f"{day.isoformat()}-{slug(short_name)}@cspkit"


def _stamp() -> dt.datetime:
    # SOURCE_DATE_EPOCH makes the file reproducible (the one thing that changes between runs).
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _times(day: dt.date, start: dt.time | None, end: dt.time | None,
           default_start: dt.time, default_end: dt.time | None) -> tuple[dt.datetime, dt.datetime]:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(TZID)
    begin = start or default_start
    if end is not None:
        finish = end
    elif start is None and default_end is not None and default_end > begin:
        finish = default_end  # both from the partnership's defaults
    else:
        finish = None
    first = dt.datetime.combine(day, begin, tzinfo=tz)
    last = dt.datetime.combine(day, finish, tzinfo=tz) if finish else first + DEFAULT_DURATION
    return first, last


def _description(meeting: Meeting) -> str:
    lines = []
    for item in meeting.agenda:
        title = "Exempt item" if item.restricted else item.title
        lines.append(f"{item.number}. {title}")
    return ("Agenda:\n" + "\n".join(lines)) if lines else ""


def build_calendar(repo: Repo, stamp: dt.datetime | None = None) -> Calendar:
    """An :class:`icalendar.Calendar` of every meeting and scheduled date of ``repo``.

    ``stamp`` is every event's DTSTAMP (default: ``SOURCE_DATE_EPOCH``, else now); the public
    site passes one made from its as-of date, so the same records give the same file.
    """
    from icalendar import Calendar, Event

    config = repo.config
    assert config is not None, "a loaded repository has a configuration"
    name = config.partnership.name
    short = config.partnership.short_name
    defaults = config.defaults
    cal = Calendar()
    cal.add("prodid", "-//cspkit//Community Safety Partnership records//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)

    stamp = stamp or _stamp()
    events: dict[dt.date, Event] = {}
    for meeting in repo.meeting_list():
        start, end = _times(meeting.date, meeting.start, meeting.end, defaults.start, defaults.end)
        event = Event()
        event.add("uid", event_uid(meeting.date, short))
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", end)
        cancelled = meeting.status == MeetingStatus.cancelled
        event.add("summary", f"Cancelled: {name}" if cancelled else name)
        venue = meeting.venue or defaults.venue
        if (meeting.mode or defaults.mode).value == "online" and not meeting.venue:
            venue = "Online"
        if venue:
            event.add("location", venue)
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        if cancelled:
            event.add("transp", "TRANSPARENT")
        description = _description(meeting)
        if description:
            event.add("description", description)
        events[meeting.date] = event
    for entry in config.schedule:
        if entry.date is None or entry.date in events:
            continue  # a label without a date is not an event; a meeting record says more
        start, end = _times(entry.date, entry.start, entry.end, defaults.start, defaults.end)
        event = Event()
        event.add("uid", event_uid(entry.date, short))
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", name)
        if defaults.venue:
            event.add("location", defaults.venue)
        event.add("status", "TENTATIVE")
        events[entry.date] = event
    for day in sorted(events):
        cal.add_component(events[day])
    if events:
        cal.subcomponents.insert(0, vtimezone(min(events).year, max(events).year))
    return cal


def _last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=(day.weekday() - 6) % 7)


def uk_rules_hold(first_year: int, last_year: int) -> bool:
    """Whether the clocks change as the UK rule says (01:00 UTC on the last Sundays of March
    and October, and at no other time) in every year from ``first_year`` to ``last_year``,
    according to the tz database."""
    from zoneinfo import ZoneInfo

    london = ZoneInfo(TZID)
    utc = dt.UTC

    def offset(day: dt.date, hour: int, minute: int = 0) -> dt.timedelta | None:
        return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=utc).astimezone(london).utcoffset()

    hour = dt.timedelta(hours=1)
    for year in range(first_year, last_year + 1):
        spring, autumn = _last_sunday(year, 3), _last_sunday(year, 10)
        if not (offset(spring, 0, 59) == dt.timedelta(0) and offset(spring, 1) == hour
                and offset(autumn, 0, 59) == hour and offset(autumn, 1) == dt.timedelta(0)
                and offset(dt.date(year, 1, 15), 12) == dt.timedelta(0)
                and offset(dt.date(year, 7, 15), 12) == hour):
            return False
    return True


def vtimezone(first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE for Europe/London.

    The rule-based form (``RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU``), which is what Outlook
    itself writes and reads most reliably, checked against the tz database for the years the
    calendar covers; should the rules ever differ, icalendar builds one from the database.
    """
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

    if not uk_rules_hold(first_year, last_year):
        return Timezone.from_tzid(TZID, first_date=dt.date(first_year, 1, 1),
                                  last_date=dt.date(last_year + 1, 1, 1))
    tz = Timezone()
    tz.add("tzid", TZID)
    summer = TimezoneDaylight()
    summer.add("tzname", "BST")
    summer.add("tzoffsetfrom", dt.timedelta(0))
    summer.add("tzoffsetto", dt.timedelta(hours=1))
    summer.add("dtstart", dt.datetime(1970, 3, 29, 1, 0))  # local time before the change (RFC 5545)
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    winter = TimezoneStandard()
    winter.add("tzname", "GMT")
    winter.add("tzoffsetfrom", dt.timedelta(hours=1))
    winter.add("tzoffsetto", dt.timedelta(0))
    winter.add("dtstart", dt.datetime(1970, 10, 25, 2, 0))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    tz.add_component(summer)
    tz.add_component(winter)
    return tz


def calendar_bytes(repo: Repo, stamp: dt.datetime | None = None) -> bytes:
    """The iCalendar file (CRLF line endings, as RFC 5545 wants)."""
    ical: bytes = build_calendar(repo, stamp).to_ical()  # icalendar leaves to_ical unannotated
    return ical
