"""The search index: plain JavaScript files the search page loads with ``<script>`` tags.

``fetch()`` of a JSON file does not work from ``file://``; a script does, and needs no request
to any other site. The index is split into chunks (one per month with meetings, one for actions,
one for the rest), so that an edit to one meeting rewrites one chunk. A month's chunk has a line
per meeting, tagged with what its entries were made from, so that the lines of the month's other
meetings are kept as they were. Each entry holds a title,
a link, a kind, a date, a short extract and the distinct words of its text (what is matched).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from html import unescape as html_unescape
from typing import Any

from cspkit.dates import format_date
from cspkit.models.meeting import Meeting
from cspkit.site.content import Public, minute_texts

_WORD = re.compile(r"[a-z0-9]+")
_MARKUP = re.compile(r"[*_`#>\[\]()|~]+|<[^>]*>")


def plain(text: Any) -> str:
    """Record Markdown as plain words (for matching and extracts; never shown as HTML)."""
    return re.sub(r"\s+", " ", _MARKUP.sub(" ", str(text or ""))).strip()


def _words(*texts: Any) -> str:
    import unicodedata

    text = " ".join(str(t) for t in texts if t).lower()  # markup characters are not words anyway
    if not text.isascii():  # "café" is found by "cafe"
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(dict.fromkeys(_WORD.findall(text)))


def entry(title: str, href: str, kind: str, day: Any, snippet: str, *texts: Any) -> dict[str, Any]:
    short = plain(snippet)
    if len(short) > 200:
        short = short[:197].rsplit(" ", 1)[0] + "…"
    return {"t": title, "u": href, "k": kind, "d": day.isoformat() if day else "",
            "dt": format_date(day, "medium") if day else "", "s": short, "w": _words(title, snippet, *texts)}


def meeting_entries(pub: Public, meetings: list[Meeting]) -> list[dict[str, Any]]:
    """Each meeting (agenda and minutes), its public partner updates and its papers."""
    out = []
    for m in meetings:
        page = pub.page_of(m.date)
        agenda = pub.agenda(m)
        shown = [line for line in agenda if not line.exempt]
        titles = [line.title for line in shown]
        texts: list[Any] = [*titles, *(line.purpose or "" for line in shown),
                            *(sub.title for line in shown for sub in line.sub_items),
                            *(p.title for line in shown for p in line.all_papers())]
        minutes = pub.minutes(m)
        if minutes is not None:
            for it in minutes["items"]:
                if not it["exempt"]:
                    texts += [it["title"], *minute_texts(it)]
        label = f"Meeting on {format_date(m.date, 'long-plain')}"
        snippet = ("Cancelled. " if pub.status(m) == "Cancelled" else "") + "; ".join(titles)
        out.append(entry(label, page, "Meeting", m.date, snippet, *texts))
        for u in pub.updates(m):
            body = [text for _, text in u["filled"]]
            out.append(entry(f"{u['organisation']}: {u['subject']}", f"{page}#update-{u['org_id']}",
                             "Partner update", m.date, body[0] if body else u["subject"], *body))
        for p in pub.documents(m):
            if p.page:
                text = p.markdown or html_unescape(p.html or "")  # a Word paper's words, its tags left out by plain()
                out.append(entry(p.title, p.page, "Paper", m.date, text, text))
    return out


def action_entries(pub: Public) -> list[dict[str, Any]]:
    out = []
    for day, af in sorted(pub.repo.action_files.items()):
        for a in af.actions:
            if pub.visible(a):
                notes = [h.note for h in a.history if h.note]
                out.append(entry(f"Action {a.id}", f"{pub.page_of(day)}#action-{re.sub(r'[^0-9a-z]+', '-', a.id)}",
                                 "Action", day, a.text, *notes))
    return out


def other_entries(pub: Public) -> list[dict[str, Any]]:
    """PSA recommendations, forward programme rows, partners and performance indicators."""
    out = []
    for year in pub.psa_years():
        tracker = pub.psa(year)
        for r in tracker["recommendations"]:
            out.append(entry(f"{tracker['psa'].title}: recommendation {r['number']}",
                             f"psa/{year}.html#recommendation-{r['number']}", "PSA recommendation", None,
                             r["text"], *(u["text"] for u in r["updates"])))
    for row in pub.programme()["rows"]:
        out.append(entry(row["item"], "forward-programme.html", "Forward programme", None,
                         row["detail"] or row["when"], row["when"], row["action_by"]))
    for o in pub.partners():
        out.append(entry(o["name"], o["page"], "Partner", None, o["short_name"] or o["name"]))
    for fy in pub.performance_years():
        for ind in pub.repo.performance[fy].indicators:
            out.append(entry(f"{ind.name} ({fy})", f"performance/{fy}.html", "Performance indicator", None,
                             ind.name, ind.source or ""))
    return out


def chunk(entries: Iterable[dict[str, Any]]) -> bytes:
    """A script that adds ``entries`` to ``window.SITE_SEARCH``."""
    data = json.dumps(list(entries), ensure_ascii=False, separators=(",", ":"))
    # "</script" cannot end the script early (it is loaded by src, but stays safe if inlined).
    data = data.replace("</", "<\\/")
    return f"window.SITE_SEARCH = (window.SITE_SEARCH || []).concat({data});\n".encode()


def tagged(tag: str, entries: Iterable[dict[str, Any]]) -> bytes:
    """A line of a chunk: ``entries`` with ``tag`` (letters, digits, dashes and spaces) before them."""
    return f"/* {tag} */ ".encode() + chunk(entries)


def tagged_lines(data: bytes) -> dict[str, bytes]:
    """The lines of a chunk :func:`tagged` made, by their tags (JSON escapes every newline in
    the entries, so a line is one meeting's)."""
    lines = {}
    for line in data.split(b"\n"):
        if line.startswith(b"/* "):
            tag, sep, _ = line[3:].partition(b" */ ")
            if sep:
                lines[tag.decode("ascii", "replace")] = line + b"\n"
    return lines
