"""Every meeting as JSON in Open Civic Data's Event shape, so that others can reuse the record.

The fields are OCD's (name, start and end, status, location, participants, agenda items with
their notes and related entities, documents, links, sources); what OCD has no field for (item
numbers, decisions, the papers of an item, the state of the minutes) goes in ``extras``. Only
what the public site shows goes in: the agenda of the public pack, the public minutes, the
public actions (:class:`~cspkit.site.content.Public`).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from cspkit.models.meeting import Meeting, MeetingStatus
from cspkit.site.content import Public, minute_decisions, minute_texts
from cspkit.site.feeds import _NAMESPACE

CLASSIFICATIONS = {"procedural": "procedural", "standing": "standing item", "report": "report",
                   "presentation": "presentation", "verbal": "verbal update"}


def event_id(partnership: str, day: dt.date) -> str:
    """``ocd-event/<uuid>``: the same meeting always has the same id."""
    return f"ocd-event/{uuid.uuid5(_NAMESPACE, f'{partnership}/{day.isoformat()}/event')}"


def _url(base: str | None, rel: str, here: str) -> str:
    """A link: absolute under ``site.url``, else relative to the JSON file at ``here``."""
    if base:
        return f"{base.rstrip('/')}/{rel}"
    depth = here.count("/")
    return "../" * depth + rel


def _moment(day: dt.date, t: dt.time | None) -> str | None:
    if t is None:
        return None
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(day, t, tzinfo=ZoneInfo("Europe/London")).isoformat()


def _status(pub: Public, m: Meeting) -> str:
    if m.status == MeetingStatus.cancelled:
        return "cancelled"
    if m.status == MeetingStatus.held or m.date < pub.as_of:
        return "passed"
    return "confirmed" if m.agenda else "tentative"


def event(pub: Public, m: Meeting, agenda: list[Any], minutes: dict[str, Any] | None,
          documents: list[Any]) -> dict[str, Any]:
    """The OCD Event for ``m``, from the same views the meeting's page is made of."""
    cfg = pub.config
    name = cfg.partnership.name
    here = f"meetings/{m.date.isoformat()}.json"
    base = pub.site.url
    page = pub.page_of(m.date)
    d = cfg.defaults
    start = m.start or d.start
    end = m.end if m.start else (m.end or d.end)

    participants: list[dict[str, Any]] = [{"name": name, "type": "organization", "note": "host"}]
    if m.chair:
        participants.append({"name": pub.names.plain(m.chair), "type": "person", "note": "chair"})
    if minutes is not None:
        for group, note in (("present", "present"), ("officers", "officer in attendance"),
                            ("apologies", "apologies"), ("absent", "absent")):
            for a in minutes[group]:
                if group == "present" and a["role"] == "in the Chair":
                    continue  # already the chair
                participants.append({"name": a["name"], "type": "person", "note": note})

    minute_for: dict[str, dict[str, Any]] = {}
    if minutes is not None:
        for record, item in zip(m.minutes.items if m.minutes else [], minutes["items"], strict=True):
            if record.item:
                minute_for[record.item] = item
    items = []
    for order, line in enumerate(agenda, start=1):
        entry: dict[str, Any] = {"description": "Exempt item" if line.exempt else line.title, "order": order,
                                 "classification": [CLASSIFICATIONS.get(line.kind, line.kind)],
                                 "subjects": [], "notes": [], "related_entities": [], "media": [],
                                 "extras": {"number": line.number, "exempt": line.exempt}}
        if not line.exempt:
            if line.leads:
                entry["related_entities"].append({"entity_type": "person", "name": line.leads, "note": "leads the item"})
            if line.purpose:
                entry["extras"]["purpose"] = line.purpose
            papers = line.all_papers()
            entry["extras"]["documents"] = [
                {"note": p.title, **({"url": _url(base, p.href, here), "media_type": "text/html"} if p.href else {})}
                for p in papers]
            minute = minute_for.get(line.number)
            if minute is not None and not minute["exempt"]:
                decisions = minute_decisions(minute)
                entry["notes"] = [t for t in minute_texts(minute) if t.strip() and t not in decisions]
                entry["extras"]["minutes"] = {"url": _url(base, f"{page}#minutes", here), "decisions": decisions}
        items.append(entry)

    docs = []
    pack = pub.packs.get(m.date)
    if pack is not None:
        doc = {"note": "Agenda pack", "url": _url(base, pack["href"], here), "media_type": "application/pdf"}
        if pack.get("published"):
            doc["date"] = pack["published"].isoformat()
        docs.append(doc)
    for p in documents:
        docs.append({"note": p.title, "url": _url(base, p.page, here), "media_type": "text/html"})
    if minutes is not None:
        docs.append({"note": "Minutes" + ("" if minutes["approved"] else " (draft)"),
                     "url": _url(base, f"{page}#minutes", here), "media_type": "text/html"})

    venue = pub.venue(m)
    out: dict[str, Any] = {
        "_type": "event",
        "id": event_id(name, m.date),
        "name": name,
        "description": f"Meeting of the {name}",
        "classification": "committee-meeting",
        "start_date": _moment(m.date, start),
        "end_date": _moment(m.date, end) or "",
        "all_day": False,
        "status": _status(pub, m),
        "location": {"name": venue or pub.mode(m), "note": pub.mode(m), "url": None, "coordinates": None},
        "participants": participants,
        "agenda": items,
        "documents": docs,
        "media": [],
        "links": [{"note": "The meeting's page", "url": _url(base, page, here)}],
        "sources": [{"url": _url(base, page, here), "note": f"The public record of the {name}"}],
        "extras": {"date": m.date.isoformat(),
                   "minutes_state": m.minutes.state.value if minutes is not None and m.minutes else None},
    }
    if m.status == MeetingStatus.cancelled and m.note:
        out["extras"]["note"] = m.note
    return out


def event_json(data: dict[str, Any]) -> bytes:
    # Compact: an indent would make json use its pure-Python encoder, four times slower.
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
