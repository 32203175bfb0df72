"""Subscriptions: the Atom feed of published agenda packs and minutes, and stable ids for both.

The calendar is :mod:`cspkit.calendar`'s file itself (one writer of iCalendar), stamped with
the site's date. Each feed entry's id is a ``urn:uuid`` made from the partnership's name, the
meeting and what the entry is, so a feed reader sees a pack or a set of minutes once, and sees
it change (draft minutes approved) rather than appear twice. Every date in the feed comes from
the records: when minutes were approved, when a pack was published.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from cspkit.calendar import calendar_bytes
from cspkit.dates import format_date
from cspkit.site.content import Public

_NAMESPACE = uuid.UUID("6f1c1a4e-8a52-4c1e-9d8e-2f3b6c7d9e01")


# What xml.sax.saxutils does, written here: that module imports urllib.request (with http.client,
# ssl and email: about 10 ms of importing) for these two small functions.
def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as XML entities."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """``text`` as a quoted XML attribute value (the quote it does not contain)."""
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))


def stable_id(partnership: str, *parts: str) -> str:
    """``urn:uuid:…`` for one thing of one partnership, the same on every build."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, '/'.join((partnership, *parts)))}"


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _link(base: str | None, rel: str) -> str:
    return f"{base.rstrip('/')}/{rel}" if base else rel


def feed_entries(pub: Public) -> list[dict[str, Any]]:
    """Published packs and the minutes the site shows, newest first."""
    name = pub.config.partnership.name
    entries = []
    for m in pub.meetings():
        day = m.date.isoformat()
        pack = pub.packs.get(m.date)
        if pack is not None and pack.get("published"):
            entries.append({
                "id": stable_id(name, day, "agenda-pack"),
                "title": f"Agenda pack: meeting on {format_date(m.date, 'long-plain')}",
                "updated": pack["published"],
                "href": pack["href"],
                "type": "application/pdf",
                "summary": f"The agenda pack for the meeting of the {name} on {format_date(m.date, 'long-plain')}, "
                           f"as circulated (PDF, {pack['size']}).",
            })
        if pub.minutes_shown(m):
            assert m.minutes is not None
            approved = m.minutes.approved_at
            label = pub.minutes_label(m) or ""
            entries.append({
                "id": stable_id(name, day, "minutes"),
                "title": f"Minutes: meeting on {format_date(m.date, 'long-plain')}"
                         + ("" if approved else " (draft)"),
                "updated": approved or m.date,
                "href": f"{pub.page_of(m.date)}#minutes",
                "type": "text/html",
                "summary": f"The minutes of the meeting of the {name} on "
                           f"{format_date(m.date, 'long-plain')}. {label}.",
            })
    entries.sort(key=lambda e: (e["updated"], e["id"]), reverse=True)
    return entries


def atom_feed(pub: Public) -> bytes:
    """The Atom (RFC 4287) feed; links are absolute when ``site.url`` is set, else relative."""
    name = pub.config.partnership.name
    base = pub.site.url
    entries = feed_entries(pub)
    updated = max((e["updated"] for e in entries), default=pub.as_of)
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<feed xmlns="http://www.w3.org/2005/Atom">',
           f"<title>{escape(name)}: agenda packs and minutes</title>",
           f"<id>{stable_id(name, 'feed')}</id>",
           f"<updated>{_stamp(updated)}</updated>",
           f"<author><name>{escape(name)}</name></author>",
           f'<link rel="alternate" type="text/html" href={quoteattr(_link(base, "index.html"))}/>']
    if base:
        out.append(f'<link rel="self" type="application/atom+xml" href={quoteattr(_link(base, "feed.atom"))}/>')
    for e in entries:
        out += ["<entry>",
                f"<id>{e['id']}</id>",
                f"<title>{escape(e['title'])}</title>",
                f"<updated>{_stamp(e['updated'])}</updated>",
                f'<link rel="alternate" type="{e["type"]}" href={quoteattr(_link(base, e["href"]))}/>',
                f"<summary>{escape(e['summary'])}</summary>",
                "</entry>"]
    out.append("</feed>")
    return ("\n".join(out) + "\n").encode("utf-8")


def calendar_file(pub: Public) -> bytes:
    """The meetings calendar, as ``cspkit calendar`` writes it, stamped with the site's date."""
    stamp = dt.datetime.combine(pub.as_of, dt.time(0, 0), tzinfo=dt.UTC)
    return calendar_bytes(pub.repo, stamp)
