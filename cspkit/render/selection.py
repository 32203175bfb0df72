"""What a pack shows besides the action log: previous minutes, the PSA, programme rows, dates."""

from __future__ import annotations

import datetime as dt

from cspkit import views
from cspkit.models.meeting import Meeting, MeetingStatus
from cspkit.models.programme import ProgrammeItem, ProgrammeStatus
from cspkit.models.psa import PSA
from cspkit.repo import Repo


def previous_minutes(repo: Repo, meeting: Meeting) -> Meeting | None:
    """The meeting before ``meeting`` whose minutes come to it for approval, when there are
    minutes to attach: held, written, kept in these records. Never an earlier meeting's
    instead (``validate`` warns when there are none to attach)."""
    prev = views.meeting_before(repo, meeting.date)
    if prev is None or prev.status != MeetingStatus.held or prev.minutes is None or prev.minutes.external:
        return None
    return prev if views.minutes_written(prev.minutes) else None


def current_psa(repo: Repo, day: dt.date) -> PSA | None:
    """The latest PSA whose year is not after ``day``'s year."""
    years = [y for y in repo.psa if y <= day.year]
    return repo.psa[max(years)] if years else None


def programme_rows(repo: Repo) -> list[ProgrammeItem]:
    """Forward programme rows still to be taken (not done or dropped), in file order."""
    if repo.programme is None:
        return []
    return [i for i in repo.programme.items if i.status not in (ProgrammeStatus.done, ProgrammeStatus.dropped)]


def upcoming_meetings(repo: Repo, after: dt.date) -> list[dict]:
    """Meetings after ``after``, in the schedule's order: dated ones and "to be scheduled" labels.

    A date that has a meeting file takes its times from it; meeting files not in the
    schedule are placed by date.
    """
    out: list[dict] = []
    files = {m.date: m for m in repo.meeting_list() if m.date > after and m.status != MeetingStatus.cancelled}
    cfg = repo.config
    defaults = cfg.defaults if cfg else None
    for s in (cfg.schedule if cfg else []):
        if s.date is None:
            out.append({"date": None, "start": None, "end": None, "label": s.label})
        elif s.date > after:
            m = files.pop(s.date, None)
            out.append({"date": s.date, "start": (m.start if m and m.start else s.start or (defaults.start if defaults else None)),
                        "end": (m.end if m and m.end else s.end or (defaults.end if defaults else None)), "label": s.label})
    index = 0  # days come in order: each goes before the first dated entry after it, past the one before
    for day, m in sorted(files.items()):
        while index < len(out) and not (out[index]["date"] is not None and out[index]["date"] > day):
            index += 1
        out.insert(index, {"date": day, "start": m.start, "end": m.end, "label": None})
        index += 1
    return out
