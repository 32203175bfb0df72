"""``cspkit site build``: the public website of the record, made file by file.

Every file of the site is planned with a *key*: a digest of everything it is made from (the
code and templates, the record files it reads, what the restriction policy decided about the
records it lists, the site's date where the page shows one). The folder's manifest
(``.site-manifest.json``) keeps each file's key, size, modification time and SHA-256. A rebuild
makes again only the files whose key changed, and writes only those whose bytes changed: an
edit to one meeting's minutes rewrites that meeting's page and JSON, its year's search chunk and
the lists that show it, nothing else. Files the manifest lists and the plan no longer has (a
meeting deleted) are removed; files the site did not write are never replaced without
``force``.

Nothing depends on the clock: the site's date is ``--as-of`` (or ``SOURCE_DATE_EPOCH``'s day,
or today), and every date shown or stamped comes from it or from the records.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from cspkit.cache import RACY_NS, code_fingerprint
from cspkit.dates import format_date
from cspkit.errors import ConflictError, UserError
from cspkit.fileio import ANYWHERE, FileRefused, read_file, real_path, write_bytes, write_text
from cspkit.load import MAX_PAPER_BYTES
from cspkit.models.meeting import Meeting, MeetingStatus
from cspkit.pdf import prestarted
from cspkit.render import html_to_pdf, pack_document, render_html
from cspkit.render.charts import indicator_chart
from cspkit.render.env import figure as render_figure
from cspkit.render.env import package_templates
from cspkit.render.repo_templates import MAX_TEMPLATE_BYTES
from cspkit.repo import Repo
from cspkit.session import open_repo
from cspkit.site import search
from cspkit.site.content import Public
from cspkit.site.feeds import atom_feed, calendar_file
from cspkit.site.html import CSP, make_site_env
from cspkit.site.ocd import event, event_json
from cspkit.site.publish import published_packs, read_published, today

MANIFEST = ".site-manifest.json"
MANIFEST_FORMAT = 1
RAG_NAMES = {"R": "Red", "A": "Amber", "G": "Green"}
UNIT_NAMES = {"count": "", "per-1000": "per 1,000 population", "percent": "%"}


@dataclass
class Output:
    """One file of the site: its path, what it is made from, and how to make it."""

    rel: str
    key: str
    make: Callable[[], bytes]
    #: the meeting whose document pages this is one of (the manifest remembers them by it)
    group: str | None = None
    #: the file under the records folder this is a copy of, where its key names it (an image)
    source: str | None = None


@dataclass
class SiteReport:
    """What a build did."""

    folder: Path
    files: int = 0
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    made: int = 0
    pdfs_rendered: int = 0


def default_as_of() -> dt.date:
    """``SOURCE_DATE_EPOCH``'s day where it is set (reproducible builds), else today."""
    return today()


def _size(n: int) -> str:
    if n < 1024 * 1024:
        return f"{max(1, round(n / 1024))} KB"
    return f"{n / 1024 / 1024:.1f} MB"


class Digests:
    """Digests of what pages are made from: record files, the code, the templates."""

    def __init__(self, repo: Repo):
        self.repo = repo
        self.files: dict[tuple[str, Any], bytes] = {}
        for src in repo.sources.values():
            if src.model is not None and src.digest is not None:
                self.files[(src.kind.name, src.kind.key(src.model))] = src.digest
        self.code = self._code()
        #: files last changed before this (nanoseconds) are known by their stat
        self._settled = time.time_ns() - RACY_NS
        self._records = str(repo.records_dir)

    def _code(self) -> bytes:
        h = hashlib.sha256(code_fingerprint())
        folders = [package_templates()]
        if (self.repo.root / "templates").is_dir():
            folders.append(self.repo.root / "templates")
        for folder in folders:
            for path in sorted(folder.rglob("*.j2")):
                h.update(path.relative_to(folder).as_posix().encode() + b"\0")
                try:  # a repository's template by the one reading rule (rendering says why if refused)
                    h.update(hashlib.sha256(read_file(path, limit=MAX_TEMPLATE_BYTES, inside=folder)).digest())
                except (OSError, FileRefused):
                    h.update(b"refused")
        return h.digest()

    def file(self, kind: str, key: Any = None) -> bytes:
        return self.files.get((kind, key), b"-")

    def paper(self, source: str) -> bytes:
        """What stands for a paper's file in keys: its stat (inode, size, modification and change
        times), which any change to the file changes; a file changed too recently for its stat to
        be sure of that (see :class:`cspkit.cache.Snapshot`) is read and hashed instead."""
        stands = self.repo.stands.get(os.path.join(self.repo.walked_in, source))
        if stands is not None:  # as the cache's snapshot found it while the records were loaded
            return stands
        path = os.path.join(self._records, source)  # (a string: a county has thousands of papers)
        try:
            st = os.stat(path)
            if max(st.st_mtime_ns, st.st_ctime_ns) < self._settled:
                return repr((path, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)).encode()
            return hashlib.sha256(read_file(Path(path), limit=MAX_PAPER_BYTES, inside=self.repo.root)).digest()
        except (OSError, FileRefused):
            return b"-"

    def digest(self, value: Any) -> bytes:
        """A digest standing for ``value`` in keys (for what many keys share)."""
        return hashlib.sha256(repr(value).encode("utf-8", "surrogatepass")).digest()

    def key(self, *parts: Any) -> str:
        h = hashlib.sha256(self.code)
        for part in parts:
            if isinstance(part, bytes):
                data = b"b" + part
            elif isinstance(part, str):  # a file's path, mostly: its text, not its repr
                data = b"s" + part.encode("utf-8", "surrogatepass")
            else:
                data = b"r" + repr(part).encode("utf-8", "surrogatepass")
            h.update(len(data).to_bytes(8, "big") + data)
        return h.hexdigest()


class SiteBuild:
    """The plan of one build: every file of the site with its key and its maker."""

    def __init__(self, repo: Repo, as_of: dt.date, pdf: bool = True):
        self.repo = repo
        self.as_of = as_of
        self.pdf = pdf
        self.pub = Public(repo, as_of)
        self.env = make_site_env(repo)
        self.d = Digests(repo)
        self.pdfs_rendered = 0
        d = self.d
        self.base = (d.file("config"), d.file("people"), d.file("organisations"))

    # ------------------------------------------------------------------ small digests
    def _summary(self, m: Meeting) -> tuple:
        """What lists show of a meeting."""
        minutes = m.minutes
        pack = self.pub.packs.get(m.date)
        return (m.date, m.status.value, m.start, m.end, m.venue, m.mode and m.mode.value, bool(m.agenda),
                minutes.state.value if minutes else None, minutes.approved_at if minutes else None,
                bool(minutes and minutes.items), tuple(sorted(pack.items())) if pack else None)

    def _prepare(self) -> None:
        pub, repo = self.pub, self.repo
        self.summaries = {m.date: self._summary(m) for m in pub.meetings()}
        #: each meeting's papers' files (under the records folder)
        self.sources = {m.date: [p.source for item in m.agenda for p in item.all_papers() if p.source]
                        for m in pub.meetings()}
        #: digests of what many pages list (each worked out once, not once per page)
        self.all_summaries = self.d.digest(tuple(self.summaries.values()))
        #: what the restriction policy decided: pages that list actions or updates depend on it
        self.visible_actions = frozenset(aid for aid, a in repo.actions.items() if pub.visible(a))
        self.visible_updates = frozenset(k for k, u in repo.updates.items() if pub.visible(u))
        self.actions_digest = self.d.digest((tuple(self.d.file("actions", day) for day in sorted(repo.action_files)),
                                             tuple(sorted(self.visible_actions))))
        self.psa_titles = tuple((y, p.title) for y, p in sorted(repo.psa.items()))
        self.perf_years = tuple(sorted(repo.performance))
        self.dates = sorted(repo.meetings)
        self.position = {day: i for i, day in enumerate(self.dates)}
        self.updates_by_date: dict[dt.date, list[tuple[dt.date, str]]] = {}
        for k in sorted(repo.updates):
            self.updates_by_date.setdefault(k[0], []).append(k)
        held: dt.date | None = None
        #: each meeting's previous held meeting (whose minutes its agenda approves)
        self.previous_held: dict[dt.date, dt.date | None] = {}
        for day in self.dates:
            self.previous_held[day] = held
            if repo.meetings[day].status == MeetingStatus.held:
                held = day
        #: what every meeting's page is made from besides its own records (one digest)
        self.common = self.d.digest((*self.base, self.psa_titles, self.perf_years, self.as_of))
        self._keys: dict[dt.date, tuple] = {}
        self._documents: dict[dt.date, tuple] = {}

    # ------------------------------------------------------------------ rendering
    def render(self, template: str, rel: str, title: str, section: str = "", crumbs: tuple = (),
               **context: Any) -> bytes:
        cfg = self.pub.config
        page = self.env.get_template(template).render(
            root="../" * rel.count("/"), page=rel, title=title, section=section, crumbs=list(crumbs),
            partnership=cfg.partnership, site=cfg.site, csp=CSP, as_of=self.as_of,
            rag_names=RAG_NAMES, unit_names=UNIT_NAMES, **context)
        return _number_tables(page).encode("utf-8")

    def text_file(self, template: str) -> bytes:
        return self.env.get_template(template).render().encode("utf-8")

    # ------------------------------------------------------------------ packs
    def packs(self, old: dict[str, dict[str, Any]], folder: Path) -> list[Output]:
        """The PDF agenda packs: frozen ones copied as published, others rendered (when ``pdf``)
        and kept while their public HTML is unchanged. Fills :attr:`Public.packs`."""

        out: list[Output] = []
        frozen = published_packs(self.repo.root)
        for m in self.pub.meetings():
            if m.status == MeetingStatus.cancelled or not m.agenda:
                continue
            rel = f"meetings/{m.date.isoformat()}-agenda-pack.pdf"
            record = frozen.get(m.date)
            if record is not None:
                info, data = read_published(self.repo.root, record)
                key = self.d.key("published", info.sha256)
                self.pub.packs[m.date] = {"href": rel, "size": _size(info.size), "sha256": info.sha256,
                                          "published": info.published}
                out.append(Output(rel, key, partial(bytes, data)))
            elif self.pdf:
                key, made = self._rendered_pack(m, rel, old, folder)
                size = len(made) if made is not None else int(old[rel]["size"])
                self.pub.packs[m.date] = {"href": rel, "size": _size(size), "sha256": None, "published": None}
                out.append(Output(rel, key, partial(bytes, made) if made is not None else partial(self._pdf, m)))
        return out

    def _pack_html(self, m: Meeting) -> str:
        return render_html(self.repo, pack_document(self.repo, m, "public"), "pdf", "public")

    def _rendered_pack(self, m: Meeting, rel: str, old: dict[str, dict[str, Any]],
                       folder: Path) -> tuple[str, bytes | None]:
        """The key of an unpublished pack (its public HTML's digest) and, unless the manifest
        already holds that very PDF intact, the PDF itself."""
        from importlib.metadata import version

        html = self._pack_html(m)
        key = self.d.key("pdf", version("weasyprint"), hashlib.sha256(html.encode("utf-8")).digest())
        entry = old.get(rel)
        if entry is not None and entry.get("key") == key and _intact(folder / rel, entry):
            return key, None
        return key, self._pdf(m, html)

    def _pdf(self, m: Meeting, html: str | None = None) -> bytes:
        self.pdfs_rendered += 1
        return html_to_pdf(html if html is not None else self._pack_html(m), self.repo.root)

    # ------------------------------------------------------------------ per-meeting views
    def views(self, m: Meeting) -> dict[str, Any]:
        """The views of one meeting that its page, its JSON and the search index share."""
        pub = self.pub
        return {"agenda": pub.agenda(m), "minutes": pub.minutes(m), "actions": pub.actions_raised(m),
                "updates": pub.updates(m), "documents": pub.documents(m)}

    def meeting_key(self, m: Meeting) -> tuple:
        """What a meeting's page and JSON are made from."""
        key = self._keys.get(m.date)
        if key is not None:
            return key
        d, day = self.d, m.date
        i = self.position[day]
        prev_held = self.previous_held[day]
        # Which of the meeting's actions and updates the public sees is the restriction policy's
        # answer from these files alone (an action in this meeting's file is raised at it, an
        # update is to it: the checks refuse anything else, and no site is built with errors).
        parts = (
            self.common, d.file("meeting", day), d.file("actions", day),
            tuple(d.file("partner-update", k) for k in self.updates_by_date.get(day, [])),
            self.documents_key(m), self.summaries[prev_held] if prev_held else None,
            self.dates[i - 1] if i > 0 else None, self.dates[i + 1] if i + 1 < len(self.dates) else None,
            self.summaries[day])
        key = self._keys[day] = (d.digest(parts),)  # one digest: its page, JSON and search chunk each use it
        return key

    def documents_key(self, m: Meeting) -> tuple:
        """What a meeting's papers on the site are made from: its file and the papers' files
        (one digest, with :attr:`base`)."""
        key = self._documents.get(m.date)
        if key is None:
            key = self._documents[m.date] = (self.d.digest((
                *self.base, self.d.file("meeting", m.date), tuple(self.d.paper(s) for s in self.sources[m.date]))),)
        return key

    def paper_files(self, m: Meeting, before: list[str], old: dict[str, dict[str, Any]]) -> list[Output]:
        """The site's files of the public papers of ``m``: a page for each Markdown or Word
        paper, and each PDF paper as its author sent it (the pack has its pages too).

        Which papers are public is the agenda's to say (restricted items and papers are left
        out), and working out the agenda is the dearest part of planning; so when nothing the
        files are made from has changed, the files the last build made are planned again as
        they were (the manifest keeps them under the meeting's date, ``before``).
        """
        group = m.date.isoformat()
        key = self.documents_key(m)

        def key_of(rel: str, source: str | None) -> str:  # an image's file is in its key too
            return self.d.key(rel, *key, self.d.paper(source)) if source else self.d.key(rel, *key)

        if before and all(old[rel].get("key") == key_of(rel, old[rel].get("source")) for rel in before):
            return [Output(rel, key_of(rel, old[rel].get("source")), partial(self._paper_file, m, rel), group,
                           old[rel].get("source")) for rel in sorted(before)]
        out = []
        for p in self.pub.documents(m):
            if p.page:
                out.append(Output(p.page, key_of(p.page, None), partial(self.paper_page, m, p), group))
            for rel, image in p.images.items():
                source = os.path.relpath(image.path, self.repo.records_dir)
                out.append(Output(rel, key_of(rel, source), partial(bytes, image.data), group, source))
        return out + [Output(p.href, key_of(p.href, None), partial(self.pub.paper_file, m, p.source), group)
                      for p in self._attachments(m)]

    def _attachments(self, m: Meeting) -> list[Any]:
        """The public PDF papers of ``m`` (their links)."""
        return [p for line in self.pub.agenda(m) for p in line.all_papers()
                if p.kind == "attachment" and p.href and p.source]

    def _paper_file(self, m: Meeting, rel: str) -> bytes:
        """The file ``rel`` of a paper of ``m`` that the last build made too."""
        for p in self._attachments(m):
            if p.href == rel:
                return self.pub.paper_file(m, p.source)
        for p in self.pub.documents(m):
            if rel in p.images:
                return p.images[rel].data
        return self.paper_page(m, next(p for p in self.pub.documents(m) if p.page == rel))

    def meeting_page(self, m: Meeting) -> bytes:
        pub, v = self.pub, self.views(m)
        before, after = pub.neighbours(m)
        rel = pub.page_of(m.date)
        return self.render("site/meeting.html.j2", rel, f"Meeting on {_long(m.date)}", "meetings",
                           (("meetings/index.html", "Meetings"), (f"meetings/{m.date.year}.html", f"Meetings in {m.date.year}")),
                           m=m, status=pub.status(m), when=pub.when(m), venue=pub.venue(m), mode=pub.mode(m),
                           chair=pub.names.person(m.chair) if m.chair else "", pack=pub.packs.get(m.date),
                           before=before, after=after, **v)

    def meeting_json(self, m: Meeting) -> bytes:
        v = self.views(m)
        return event_json(event(self.pub, m, v["agenda"], v["minutes"], v["documents"]))

    def paper_page(self, m: Meeting, paper: Any) -> bytes:
        return self.render("site/paper.html.j2", paper.page, paper.title, "meetings",
                           (("meetings/index.html", "Meetings"), (f"meetings/{m.date.year}.html", f"Meetings in {m.date.year}"),
                            (self.pub.page_of(m.date), f"Meeting on {_long(m.date)}")),
                           m=m, paper=paper)

    # ------------------------------------------------------------------ the plan
    def plan(self, old: dict[str, dict[str, Any]], folder: Path) -> list[Output]:
        pub, d, repo = self.pub, self.d, self.repo
        out = self.packs(old, folder)
        self._prepare()
        base = self.base
        old_groups: dict[str, list[str]] = {}
        for rel, entry in old.items():
            if entry.get("group"):
                old_groups.setdefault(entry["group"], []).append(rel)

        def add(rel: str, key: tuple, make: Callable[[], bytes]) -> None:
            out.append(Output(rel, d.key(rel, *key), make))

        add("site.css", (), lambda: self.text_file("site/site.css.j2"))
        add("search.js", (), lambda: self.text_file("site/search.js.j2"))

        # Home and the lists of meetings
        latest = pub.latest_minutes()
        add("index.html", (*base, self.all_summaries, self.as_of,
                           d.file("meeting", latest.date) if latest else None), self.home)
        years = pub.years()
        add("meetings/index.html", (*base, self.all_summaries, self.as_of), self.meetings_index)
        for year in years:
            rows = tuple(s for day, s in self.summaries.items() if day.year == year)
            add(f"meetings/{year}.html", (*base, rows, tuple(years)), partial(self.year_page, year, years))

        # One page and one JSON file per meeting, one page per document paper
        for m in pub.meetings():
            key = self.meeting_key(m)
            add(pub.page_of(m.date), key, partial(self.meeting_page, m))
            add(f"meetings/{m.date.isoformat()}.json", key, partial(self.meeting_json, m))
            if self.sources[m.date]:
                out += self.paper_files(m, old_groups.get(m.date.isoformat(), []), old)

        # The registers
        meeting_dates = tuple((day, s[1]) for day, s in self.summaries.items())
        add("actions.html", (*base, self.actions_digest, meeting_dates, self.as_of), self.actions_page)
        add("forward-programme.html", (*base, d.file("forward-programme"), self.all_summaries, self.as_of),
            self.programme_page)
        add("psa/index.html", (*base, self.psa_titles), self.psa_index)
        for psa_year in pub.psa_years():
            add(f"psa/{psa_year}.html", (*base, d.file("psa", psa_year)), partial(self.psa_page, psa_year))
        perf_years = pub.performance_years()
        for i, fy in enumerate(perf_years):
            key = (*base, d.file("performance", fy), tuple(perf_years))
            add(f"performance/{fy}.html", key, partial(self.performance_page, fy, perf_years))
            if i == 0:
                add("performance/index.html", key, partial(self.performance_page, fy, perf_years, True))
            for chart in self.charts(fy):
                add(chart["src"], (d.file("performance", fy), chart["id"]), partial(self.chart_svg, chart))
        if not perf_years:
            add("performance/index.html", base, lambda: self.performance_page(None, []))
        partners = pub.partners()
        add("partners/index.html", (*base, tuple(sorted(self.visible_updates))), lambda: self.partners_page(partners))
        for org in partners:
            shown = tuple((u.meeting, u.subject) for u in org["updates"])
            add(org["page"], (*base, shown), partial(self.partner_page, org))
        add("accessibility.html", base, self.accessibility_page)

        # Search: one chunk per month with meetings (an edited meeting rewrites the entries of
        # the few meetings of its month, not of a quarter or a year), one for actions, one for
        # the rest
        months: dict[str, list[Meeting]] = {}
        for m in pub.meetings():
            months.setdefault(f"{m.date.year}-{m.date.month:02d}", []).append(m)
        chunks = [f"search/{month}.js" for month in sorted(months, reverse=True)] + \
            ["search/actions.js", "search/other.js"]
        add("search.html", (*base, tuple(chunks)), lambda: self.search_page(chunks))
        for month, in_month in months.items():  # (each meeting's key has what every page shares)
            rel = f"search/{month}.js"
            add(rel, tuple(self.meeting_key(m) for m in in_month),
                partial(self.search_month, in_month, folder / rel, old.get(rel)))
        add("search/actions.js", (*base, self.actions_digest), lambda: self.search_chunk("actions"))
        add("search/other.js", (self.common, d.file("forward-programme"),
                                tuple(d.file("psa", y) for y in sorted(repo.psa)),
                                tuple(d.file("performance", y) for y in self.perf_years)),
            lambda: self.search_chunk("other"))

        # Subscriptions
        add("calendar.ics", (d.file("config"), tuple(_calendar_shape(m) for m in pub.meetings()), self.as_of),
            self.calendar)
        add("feed.atom", (*base, self.all_summaries), self.feed)
        return out

    # ------------------------------------------------------------------ pages
    def home(self) -> bytes:
        pub = self.pub
        latest = pub.latest_minutes()
        decisions = []
        if latest is not None:
            mins = pub.minutes(latest) or {"items": []}
            for it in mins["items"]:
                if not it["exempt"]:
                    decisions += [(it["title"], part["word"].rstrip(":"), line["text"].rstrip(";"))
                                  for part in it["parts"] if part["kind"] == "decisions" for line in part["lines"]]
        nxt = pub.next_meeting()
        return self.render("site/home.html.j2", "index.html", pub.config.partnership.name, "",
                           next=nxt, next_venue=pub.venue(nxt["meeting"]) if nxt and nxt["meeting"] else "",
                           latest=pub.summary(latest) if latest else None, latest_decisions=decisions)

    def meetings_index(self) -> bytes:
        pub = self.pub
        years = [(y, sum(1 for m in pub.meetings() if m.date.year == y)) for y in pub.years()]
        return self.render("site/meetings.html.j2", "meetings/index.html", "Meetings", "meetings",
                           upcoming=pub.upcoming(), years=years)

    def year_page(self, year: int, years: list[int]) -> bytes:
        pub = self.pub
        rows = [pub.summary(m) for m in pub.meetings() if m.date.year == year]
        i = years.index(year)
        return self.render("site/year.html.j2", f"meetings/{year}.html", f"Meetings in {year}", "meetings",
                           (("meetings/index.html", "Meetings"),), year=year, rows=rows,
                           later=years[i - 1] if i > 0 else None, earlier=years[i + 1] if i + 1 < len(years) else None)

    def actions_page(self) -> bytes:
        return self.render("site/actions.html.j2", "actions.html", self.pub.config.conventions.action_log_title,
                           "actions.html", log=self.pub.action_log())

    def programme_page(self) -> bytes:
        return self.render("site/programme.html.j2", "forward-programme.html", "Forward programme",
                           "forward-programme.html", programme=self.pub.programme())

    def psa_index(self) -> bytes:
        return self.render("site/psa-index.html.j2", "psa/index.html", "PSA recommendations", "psa",
                           years=[(y, self.repo.psa[y].title) for y in self.pub.psa_years()])

    def psa_page(self, year: int) -> bytes:
        tracker = self.pub.psa(year)
        return self.render("site/psa.html.j2", f"psa/{year}.html", tracker["psa"].title, "psa",
                           (("psa/index.html", "PSA recommendations"),), tracker=tracker)

    def charts(self, year: str) -> list[dict[str, Any]]:
        """The charts of a year: indicators with two or more figures in a series."""
        out = []
        for r in self.pub.performance(year)["indicators"]:
            values = [v for _, v, _ in r["series"] if v is not None]
            previous = [p for _, _, p in r["series"] if p is not None]
            if len(values) > 1 or len(previous) > 1:
                out.append({"id": r["id"], "name": r["name"], "unit": r["unit"], "series": r["series"],
                            "decimals": r.get("decimals"),
                            "previous": bool(previous),
                            "src": f"performance/charts/{year}-{r['id']}.svg", "alt": _chart_alt(r)})
        return out

    def chart_svg(self, chart: dict[str, Any]) -> bytes:
        return indicator_chart(chart["series"], chart["unit"], chart_id=f"chart-{chart['id']}").encode("utf-8")

    def performance_page(self, year: str | None, years: list[str], index: bool = False) -> bytes:
        perf = self.pub.performance(year) if year else {"year": None, "indicators": []}
        rel = "performance/index.html" if index else f"performance/{year}.html"
        quarter = f"{perf.get('quarter')} of {perf['year']}" if perf.get("quarter") else ""
        return self.render("site/performance.html.j2", rel, f"Performance {year or ''}".strip(), "performance",
                           () if index else (("performance/index.html", "Performance"),),
                           perf=perf, years=years, charts=self.charts(year) if year else [],
                           quarter_text=quarter)

    def partners_page(self, partners: list[dict[str, Any]]) -> bytes:
        return self.render("site/partners.html.j2", "partners/index.html", "Partners", "partners", partners=partners)

    def partner_page(self, org: dict[str, Any]) -> bytes:
        return self.render("site/partner.html.j2", org["page"], org["name"], "partners",
                           (("partners/index.html", "Partners"),), org=org)

    def accessibility_page(self) -> bytes:
        clerk = self.pub.names.org(self.pub.config.partnership.clerk_organisation) \
            if self.pub.config.partnership.clerk_organisation else ""
        return self.render("site/accessibility.html.j2", "accessibility.html", "Accessibility statement", "",
                           clerk=clerk)

    def search_page(self, chunks: list[str]) -> bytes:
        return self.render("site/search.html.j2", "search.html", "Search", "search.html", chunks=chunks)

    def search_month(self, meetings: list[Meeting], path: Path, entry: dict[str, Any] | None) -> bytes:
        """A month's search chunk, a line per meeting. The lines of meetings whose pages are made
        from what they were (the line's tag says) are kept from the last build's file, if it is
        still what that build wrote: a county's month has several meetings, and working out the
        views of those not edited was most of the chunk's making."""
        kept: dict[str, bytes] = {}
        if entry is not None and _intact(path, entry):
            try:
                data = read_file(path, limit=int(entry.get("size") or 0), inside=ANYWHERE)
            except (OSError, FileRefused):
                data = b""
            if hashlib.sha256(data).hexdigest() == entry.get("sha256"):
                kept = search.tagged_lines(data)
        lines = []
        for m in meetings:
            tag = f"{m.date.isoformat()} {self.d.key('search', *self.meeting_key(m))}"
            lines.append(kept.get(tag) or search.tagged(tag, search.meeting_entries(self.pub, [m])))
        return b"".join(lines)

    def search_chunk(self, which: str) -> bytes:
        if which == "actions":
            return search.chunk(search.action_entries(self.pub))
        return search.chunk(search.other_entries(self.pub))

    def calendar(self) -> bytes:
        return calendar_file(self.pub)

    def feed(self) -> bytes:
        return atom_feed(self.pub)


def _number_tables(page: str) -> str:
    """Tables from record text, each in a region of its own name ("Table 1", "Table 2" …)."""
    count = iter(range(1, 10**6))
    return re.sub(r'aria-label="Table"', lambda _m: f'aria-label="Table {next(count)}"', page)


def _calendar_shape(m: Meeting) -> tuple:
    """What :mod:`cspkit.calendar` reads of a meeting (a change to anything else, minutes say,
    leaves the calendar as it was; a change to that module changes every key anyway)."""
    return (m.date, m.status.value, m.start, m.end, m.venue, m.mode and m.mode.value,  # (an enum's repr is slow)
            tuple((i.number, i.title, i.restricted) for i in m.agenda))


def _long(day: dt.date) -> str:

    return format_date(day, "long-plain")


def _chart_alt(row: dict[str, Any]) -> str:
    """A chart's text alternative: what it shows and every figure in it."""
    unit = UNIT_NAMES.get(row["unit"], "")

    def fig(v: float | None) -> str:
        return "not reported" if v is None else render_figure(v, row.get("decimals"), row["unit"])

    by_quarter = {q: (v, p) for q, v, p in row["series"]}
    this_year = ", ".join(f"{q} {fig(by_quarter.get(q, (None, None))[0])}" for q in ("Q1", "Q2", "Q3", "Q4"))
    text = f"Line chart of {row['name']}{' (' + unit + ')' if unit and unit != '%' else ''} by quarter. " \
           f"This year: {this_year}."
    if any(p is not None for _, _, p in row["series"]):
        last_year = ", ".join(f"{q} {fig(by_quarter.get(q, (None, None))[1])}" for q in ("Q1", "Q2", "Q3", "Q4"))
        text += f" Same quarter last year: {last_year}."
    return text


# --------------------------------------------------------------------------- the folder


def _intact(path: Path | str, entry: dict[str, Any]) -> bool:
    """Whether the file is still what the manifest says was written (size and modification time)."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    return st.st_size == entry.get("size") and st.st_mtime_ns == entry.get("mtime")


def read_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """The files a previous build wrote into ``folder`` (an unreadable manifest: none)."""
    try:
        data = json.loads(read_file(folder / MANIFEST, limit=64 << 20, inside=ANYWHERE))
        if data.get("format") == MANIFEST_FORMAT and isinstance(data.get("files"), dict):
            return {str(k): v for k, v in data["files"].items() if isinstance(v, dict)}
    except (OSError, ValueError, AttributeError, FileRefused):
        pass
    return {}


def _check_folder(root: Path, folder: Path) -> None:
    if folder.is_symlink() and not folder.exists():  # a loop, or a link to nothing
        raise UserError(f"{folder}: is a symbolic link to nothing a site can be written to; "
                        "name a folder (the default is build/site)")
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder}: is a file, not a folder for the site")
    here = real_path(folder)  # never raises on a link loop, unlike Path.resolve
    repo = real_path(root)
    for inside in ("records", "published", "templates", ".git"):
        guarded = repo / inside
        if here == guarded or guarded in here.parents:
            raise UserError(f"{folder}: is inside the repository's {inside}/ folder; build the site elsewhere "
                            "(the default is build/site)")
    if here == repo:
        raise UserError(f"{folder}: is the repository itself; build the site into a folder of its own "
                        "(the default is build/site)")


def write_site(build: SiteBuild, folder: Path, force: bool = False) -> SiteReport:
    """Make and write every planned file whose key changed; remove files no longer planned."""
    _check_folder(build.repo.root, folder)
    old = read_manifest(folder)
    outputs = build.plan(old, folder)
    seen: set[str] = set()
    for o in outputs:
        if o.rel in seen:  # two things want one file: a bug, not a user error
            raise RuntimeError(f"the site plans {o.rel} twice")
        seen.add(o.rel)
    foreign = [o.rel for o in outputs if o.rel not in old and (folder / o.rel).exists()]
    if foreign and not force:
        more = f" (and {len(foreign) - 1} more)" if len(foreign) > 1 else ""
        raise ConflictError(f"{folder / foreign[0]}{more}: exists and was not written by a site build "
                            "(use --force to replace it)")
    report = SiteReport(folder, files=len(outputs))
    files: dict[str, dict[str, Any]] = {}
    top = str(folder)
    try:
        for o in outputs:
            entry = old.get(o.rel)
            # (the path as a string: a county's site has thousands of files, most unchanged)
            if entry is not None and entry.get("key") == o.key and _intact(os.path.join(top, o.rel), entry):
                files[o.rel] = entry
                continue
            path = folder / o.rel
            data = o.make()
            report.made += 1
            sha = hashlib.sha256(data).hexdigest()
            same = entry is not None and entry.get("sha256") == sha and _intact(path, entry)
            if not same and path.is_file():
                try:
                    same = read_file(path, limit=len(data), inside=ANYWHERE) == data
                except (OSError, FileRefused):
                    same = False
            if not same:
                write_bytes(path, data, overwrite=True, durable=False)
                report.written.append(o.rel)
            st = path.stat()
            files[o.rel] = {"key": o.key, "sha256": sha, "size": st.st_size, "mtime": st.st_mtime_ns}
            if o.group:
                files[o.rel]["group"] = o.group
            if o.source:
                files[o.rel]["source"] = o.source
    except BaseException:
        # Whatever was written is the site's (so the next build may replace it); nothing is removed.
        _write_manifest(folder, {**old, **files})
        raise
    for rel in sorted(set(old) - set(files)):
        path = folder / rel
        if path.is_file() and not path.is_symlink():
            path.unlink()
            report.removed.append(rel)
            _prune(path.parent, folder)
    report.pdfs_rendered = build.pdfs_rendered
    _write_manifest(folder, files)
    return report


def _write_manifest(folder: Path, files: dict[str, dict[str, Any]]) -> None:
    """The manifest, in one line (an indented dump goes through JSON's slower Python encoder,
    and a county's site has thousands of files)."""
    write_text(folder / MANIFEST, json.dumps({"files": files, "format": MANIFEST_FORMAT}, sort_keys=True) + "\n",
               overwrite=True)


def _prune(folder: Path, top: Path) -> None:
    """Remove folders left empty by removing a file, up to (not including) ``top``."""
    while folder != top and top in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def build_site(root: Path, folder: Path, as_of: dt.date | None = None, pdf: bool = True,
               force: bool = False) -> SiteReport:
    """Build the public website of the repository at ``root`` into ``folder``.

    ``pdf=False`` leaves out the agenda packs not yet published (frozen ones are always
    linked). The records must validate: a site is not built from records with errors.
    """

    # A PDF worker is started only when packs may need rendering; it is stopped if none does.
    with prestarted(pdf and os.environ.get("CSPKIT_PDF_WORKER") != "0"):
        repo = open_repo(root)
        build = SiteBuild(repo, as_of or default_as_of(), pdf)
        return write_site(build, folder, force)
