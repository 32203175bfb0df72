"""cspkit calendar: a member imports the meetings into Outlook and sees the right hour.

The calendar is parsed back with icalendar. March 2024 meetings are in GMT, June ones in
BST: the same 10:00 on the agenda is 10:00 UTC in March and 09:00 UTC in June.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from icalendar import Calendar

UTC = dt.UTC


@pytest.fixture(autouse=True)
def _no_repo_from_env(monkeypatch):
    monkeypatch.delenv("CSPKIT_REPO", raising=False)


@pytest.fixture
def season(mini: Path) -> Path:
    """The mini repository with a spring (GMT) meeting, a cancelled summer (BST) one and a
    schedule running into 2025."""
    meetings = mini / "records" / "meetings"
    (meetings / "2024-03-22.yaml").write_text(
        "date: 2024-03-22\nstatus: scheduled\nstart: '10:00'\nend: '12:30'\nvenue: Council Chamber\n"
        "agenda:\n- number: 1\n  title: Apologies\n- number: 2\n  title: Casework review\n  restricted: true\n",
        encoding="utf-8")
    (meetings / "2024-06-28.yaml").write_text(
        "date: 2024-06-28\nstatus: cancelled\nstart: '10:00'\nnote: Not quorate.\n", encoding="utf-8")
    (meetings / "2024-09-26.yaml").write_text(
        "date: 2024-09-26\nstatus: scheduled\nstart: '14:00'\nmode: online\n", encoding="utf-8")
    config = mini / "cspkit.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "- label: Spring meeting - to be scheduled\n",
        "- date: 2024-06-28\n- date: 2025-01-16\n  start: '09:30'\n- label: Spring meeting - to be scheduled\n"),
        encoding="utf-8")
    return mini


def calendar_of(cli, repo: Path) -> tuple[Calendar, str]:
    r = cli("--repo", repo, "calendar")
    assert r.code == 0, r.err
    return Calendar.from_ical(r.out), r.out


def events(cal: Calendar) -> dict[str, object]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_local_times_are_right_on_both_sides_of_the_clock_change(season, cli):
    cal, text = calendar_of(cli, season)
    by_uid = events(cal)
    spring = by_uid["2024-03-22-mini-csp@cspkit"]
    summer = by_uid["2024-06-28-mini-csp@cspkit"]

    assert "DTSTART;TZID=Europe/London:20240322T100000" in text
    assert "DTSTART;TZID=Europe/London:20240628T100000" in text
    assert spring.decoded("DTSTART").astimezone(UTC) == dt.datetime(2024, 3, 22, 10, 0, tzinfo=UTC)   # GMT
    assert summer.decoded("DTSTART").astimezone(UTC) == dt.datetime(2024, 6, 28, 9, 0, tzinfo=UTC)    # BST
    assert spring.decoded("DTEND").astimezone(UTC) == dt.datetime(2024, 3, 22, 12, 30, tzinfo=UTC)


def test_a_vtimezone_for_europe_london_covers_the_meetings(season, cli):
    cal, _ = calendar_of(cli, season)
    zones = cal.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Europe/London"]
    names = {str(sub["TZNAME"]) for sub in zones[0].subcomponents}
    assert names == {"GMT", "BST"}
    assert cal.get_missing_tzids() == set()
    # The zone's own definition (what Outlook reads), not the computer's tz database:
    london = zones[0].to_tz(lookup_tzid=False)
    assert london.utcoffset(dt.datetime(2024, 3, 22, 10)) == dt.timedelta(0)
    assert london.utcoffset(dt.datetime(2024, 6, 28, 10)) == dt.timedelta(hours=1)
    assert london.utcoffset(dt.datetime(2025, 1, 16, 9, 30)) == dt.timedelta(0)


def test_uids_are_stable_between_runs(season, cli, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first_cal, first = calendar_of(cli, season)
    second_cal, second = calendar_of(cli, season)
    assert sorted(events(first_cal)) == sorted(events(second_cal)) == [
        "2023-07-13-mini-csp@cspkit", "2023-10-12-mini-csp@cspkit", "2024-03-22-mini-csp@cspkit",
        "2024-06-28-mini-csp@cspkit", "2024-09-26-mini-csp@cspkit", "2025-01-16-mini-csp@cspkit"]
    assert first == second  # with SOURCE_DATE_EPOCH the file is byte for byte the same


def test_a_cancelled_meeting_is_cancelled(season, cli):
    cal, text = calendar_of(cli, season)
    summer = events(cal)["2024-06-28-mini-csp@cspkit"]
    assert str(summer["STATUS"]) == "CANCELLED"
    assert str(summer["SUMMARY"]) == "Cancelled: Mini Community Safety Partnership"
    spring = events(cal)["2024-03-22-mini-csp@cspkit"]
    assert str(spring["STATUS"]) == "CONFIRMED"
    assert str(spring["SUMMARY"]) == "Mini Community Safety Partnership"
    assert text.count("UID:2024-06-28-mini-csp@cspkit") == 1  # the schedule entry does not repeat it


def test_what_each_event_says(season, cli):
    by_uid = events(calendar_of(cli, season)[0])
    spring = by_uid["2024-03-22-mini-csp@cspkit"]
    assert str(spring["LOCATION"]) == "Council Chamber"
    assert str(spring["DESCRIPTION"]) == "Agenda:\n1. Apologies\n2. Exempt item"  # restricted title kept out
    online = by_uid["2024-09-26-mini-csp@cspkit"]
    assert str(online["LOCATION"]) == "Online"
    # no end: two hours
    assert online.decoded("DTEND") - online.decoded("DTSTART") == dt.timedelta(hours=2)
    # a scheduled date without a meeting record: the schedule's start, defaults' venue, tentative
    planned = by_uid["2025-01-16-mini-csp@cspkit"]
    assert planned.decoded("DTSTART").strftime("%H:%M") == "09:30"
    assert planned.decoded("DTEND") - planned.decoded("DTSTART") == dt.timedelta(hours=2)
    assert str(planned["STATUS"]) == "TENTATIVE"
    assert str(planned["LOCATION"]) == "Committee Room 1"
    # a meeting with neither start nor end takes the defaults (10:00 to 12:00)
    october = by_uid["2023-10-12-mini-csp@cspkit"]
    assert october.decoded("DTSTART").strftime("%H:%M") == "10:00"
    assert october.decoded("DTEND").strftime("%H:%M") == "12:00"


def test_output_file_is_written_once_without_force(season, cli, tmp_path):
    out = tmp_path / "meetings.ics"
    r = cli("--repo", season, "calendar", "-o", out)
    assert r.code == 0, r.err
    assert r.out == f"{out}\n"
    data = out.read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    r = cli("--repo", season, "calendar", "-o", out)
    assert r.code == 1
    assert "already exists (use --force to replace it)" in r.err
    assert cli("--repo", season, "calendar", "-o", out, "--force").code == 0


def test_labels_without_dates_are_not_events(season, cli):
    _, text = calendar_of(cli, season)
    assert "Spring meeting" not in text


def test_the_timezone_is_the_rule_outlook_writes_and_matches_the_tz_database():
    from cspkit.calendar import uk_rules_hold, vtimezone

    assert uk_rules_hold(1996, 2037)
    assert not uk_rules_hold(1970, 1972)  # British Standard Time, 1968-71: no rule fits
    text = vtimezone(2023, 2025).to_ical().decode()
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text
    assert "DTSTART:19700329T010000" in text  # 01:00 GMT, the local time before the change
    london = vtimezone(2023, 2025).to_tz(lookup_tzid=False)
    # the hour either side of each change in 2024 (31 March and 27 October, at 01:00 UTC)
    assert london.utcoffset(dt.datetime(2024, 3, 31, 0, 59)) == dt.timedelta(0)
    assert london.utcoffset(dt.datetime(2024, 3, 31, 2, 0)) == dt.timedelta(hours=1)
    assert london.utcoffset(dt.datetime(2024, 10, 27, 0, 59)) == dt.timedelta(hours=1)
    assert london.utcoffset(dt.datetime(2024, 10, 27, 2, 0)) == dt.timedelta(0)


def test_years_the_rule_does_not_fit_use_the_tz_database(monkeypatch, season, cli):
    from cspkit import calendar

    monkeypatch.setattr(calendar, "uk_rules_hold", lambda first, last: False)
    cal, text = calendar_of(cli, season)
    assert "RRULE" not in text  # icalendar's own, from the tz database
    assert "COMMENT:This timezone only works from 2023-01-01" in text
    by_uid = events(cal)
    assert by_uid["2024-06-28-mini-csp@cspkit"].decoded("DTSTART").astimezone(UTC).hour == 9
    london = cal.walk("VTIMEZONE")[0].to_tz(lookup_tzid=False)
    assert london.utcoffset(dt.datetime(2024, 6, 28, 10)) == dt.timedelta(hours=1)
