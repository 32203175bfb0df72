"""What the public website shows, decided once, for every page, feed, JSON file and search entry.

Nothing here is about HTML. Every record the site could show passes through the render layer's
public :class:`~cspkit.render.context.Builder` (exempt items, exempt minutes, hidden papers) and
through :func:`cspkit.views.is_restricted` (restricted actions and partner updates, actions raised
under restricted minutes, updates attached only under restricted items) before any output sees
it: the templates, the Atom feed, the Open Civic Data JSON and the search index read only what
:class:`Public` hands them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from cspkit import views
from cspkit.dates import format_date, format_time_range
from cspkit.errors import LocatedError
from cspkit.fileio import FileRefused
from cspkit.load import read_paper
from cspkit.models.action import Action, ActionStatus
from cspkit.models.common import financial_year_of
from cspkit.models.config import PaperKind
from cspkit.models.meeting import Meeting, MeetingStatus, MinutesState
from cspkit.models.partner_update import PartnerUpdate
from cspkit.render.context import PUBLIC, Builder, PaperView, same_title, split_title
from cspkit.render.papers import (
    MarkdownImage,
    attachment_kind,
    markdown_images,
    read_paper_file,
    safe_file_name,
    unique_name,
    with_images,
)
from cspkit.render.selection import current_psa, upcoming_meetings
from cspkit.repo import Repo

T = TypeVar("T")

STATUS_LABELS = {MeetingStatus.scheduled: "Scheduled", MeetingStatus.held: "Held",
                 MeetingStatus.cancelled: "Cancelled"}
MODE_LABELS = {"in-person": "In person", "online": "Online", "hybrid": "In person and online"}


class IndexedRepo:
    """A loaded repository whose by-date questions are answered from indexes built once.

    The render layer asks them per document (the meetings in order, the updates for a meeting,
    the meeting before a date); a site asks them for every meeting, and the records do not
    change while it is built. Everything else is the repository's own.
    """

    def __init__(self, repo: Repo):
        import bisect

        self._repo = repo
        self._bisect = bisect.bisect_left
        self._dates = sorted(repo.meetings)
        self._list = [repo.meetings[d] for d in self._dates]
        self._held = [d for d in self._dates if repo.meetings[d].status == MeetingStatus.held]
        self._updates: dict[dt.date, list[PartnerUpdate]] = {}
        for (day, _), u in sorted(repo.updates.items()):
            self._updates.setdefault(day, []).append(u)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._repo, name)
        self.__dict__[name] = value  # asked again, found without coming here (nothing changes meanwhile)
        return value

    def meeting_list(self) -> list[Meeting]:
        return list(self._list)

    def updates_for(self, day: dt.date) -> list[PartnerUpdate]:
        return list(self._updates.get(day, []))

    def previous_meeting(self, day: dt.date, held_only: bool = True) -> Meeting | None:
        dates = self._held if held_only else self._dates
        i = self._bisect(dates, day)
        return self._repo.meetings[dates[i - 1]] if i > 0 else None


class _AgendaOnly(Builder):
    """The public pack's agenda — items, exempt lines, paper titles — without building each
    paper's contents (an action log as of every meeting would cost more than the whole site).

    Each paper view keeps its record (``data["paper"]``) so the site can link it.
    """

    def paper(self, meeting, item, paper, attached, anchor):
        if paper.kind == PaperKind.document and attachment_kind(paper.source) != "document":
            # A PDF or Word paper's file is read where the site publishes it, not to list the agenda.
            return PaperView(anchor, attachment_kind(paper.source), paper.title or item.title, item.number,
                             {"paper": paper})
        view = super().paper(meeting, item, paper, attached, anchor)
        if view is not None:
            view.data = {"paper": paper}
        return view

    def minutes(self, meeting):
        return {}

    def action_log(self, as_of):
        return {}

    def forward_programme(self, as_of):
        return {}

    def performance(self, as_of, quarter=None):
        return {}

    def psa(self, psa):
        return {}

    def update(self, u):
        return {}


def per_meeting(method: Callable[[Public, Meeting], T]) -> Callable[[Public, Meeting], T]:
    """Work a view of a meeting out once per build: pages, JSON and search ask for the same."""
    name = method.__name__

    def memo(self: Public, m: Meeting) -> T:
        cache = self._memo.setdefault(name, {})
        if m.date not in cache:
            cache[m.date] = method(self, m)
        return cache[m.date]

    memo.__doc__, memo.__name__ = method.__doc__, name
    return memo


def minute_texts(item: dict[str, Any]) -> list[str]:
    """Every piece of text of a minute as its public view prints it (nothing of an exempt one)."""
    out: list[str] = []
    for part in item["parts"]:
        kind = part["kind"]
        if kind == "text":
            out.append(part["text"])
        elif kind == "heading":
            out.append(part["title"])
        elif kind == "points":
            out += [t for p in part["items"] for t in (p["text"], *p["bullets"])]
        elif kind in ("bullets", "upcoming"):
            out += [str(b) for b in part["items"]]
        elif kind == "decisions":
            out += [line["text"] for line in part["lines"]]
    return out


def minute_decisions(item: dict[str, Any]) -> list[str]:
    """A minute's decisions, each worded as it stands after the body's word ("that the report be noted.")."""
    return [line["text"] for part in item["parts"] if part["kind"] == "decisions" for line in part["lines"]]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "paper"


@dataclass
class PaperLink:
    """A paper on a meeting's agenda, and where the site shows it (if it does)."""

    title: str
    kind: str
    href: str | None = None
    #: for a document paper: its Markdown, shown on a page of its own
    markdown: str | None = None
    #: for a Word paper: the report as HTML (converted, figures inline), shown on a page of its own
    html: str | None = None
    source: str | None = None
    page: str | None = None
    #: a Markdown paper's images: the file each is published as (beside its page), and the image
    images: dict[str, MarkdownImage] = field(default_factory=dict)
    #: the images' links as the page writes them (the only image links its Markdown keeps)
    beside: frozenset[str] = frozenset()


@dataclass
class MeetingSummary:
    """A meeting as lists show it (home page, years, feeds)."""

    meeting: Meeting
    page: str
    status: str
    minutes_shown: bool
    minutes_label: str | None
    pack: str | None = None
    draft: bool = False

    @property
    def documents(self) -> str:
        """What the site holds for it, as a list shows it: "Agenda pack, Minutes (draft)"."""
        docs = (["Agenda pack"] if self.pack else []) + \
            (["Minutes (draft)" if self.draft else "Minutes"] if self.minutes_shown else [])
        return ", ".join(docs) or "None published"


class Public:
    """The public record of one repository as of a date: every page's content comes from here."""

    def __init__(self, repo: Repo, as_of: dt.date):
        self.repo: Repo = IndexedRepo(repo)  # type: ignore[assignment]  # answers as a Repo does
        repo = self.repo
        self.as_of = as_of
        self.builder = Builder(repo, PUBLIC)
        self._agenda_builder = _AgendaOnly(repo, PUBLIC)
        self.names = self.builder.names
        assert repo.config is not None
        self.config = repo.config
        self.site = repo.config.site
        #: meeting date -> site path of its PDF pack (filled in by the build, before pages)
        self.packs: dict[dt.date, dict[str, Any]] = {}
        self._memo: dict[str, dict[dt.date, Any]] = {}

    # ------------------------------------------------------------------ the one policy
    def visible(self, record: Any) -> bool:
        """Whether ``record`` may appear on the site (:func:`cspkit.views.is_restricted`)."""
        return not views.is_restricted(self.repo, record)

    # ------------------------------------------------------------------ meetings
    @staticmethod
    def page_of(day: dt.date) -> str:
        return f"meetings/{day.isoformat()}.html"

    def meetings(self) -> list[Meeting]:
        return self.repo.meeting_list()

    def years(self) -> list[int]:
        return sorted({m.date.year for m in self.meetings()}, reverse=True)

    def minutes_shown(self, m: Meeting) -> bool:
        """Approved minutes always; circulated ones only where ``site.publish_circulated_minutes``
        says so (marked as a draft); a clerk's draft never."""
        if m.minutes is None or not m.minutes.items:
            return False
        if m.minutes.state == MinutesState.approved:
            return True
        return m.minutes.state == MinutesState.circulated and self.site.publish_circulated_minutes

    def minutes_label(self, m: Meeting) -> str | None:
        if not self.minutes_shown(m):
            return None
        assert m.minutes is not None
        if m.minutes.state == MinutesState.approved and m.minutes.approved_at:
            return f"Approved at the meeting on {format_date(m.minutes.approved_at, 'medium')}"
        return "Draft: not yet approved"

    def status(self, m: Meeting) -> str:
        return STATUS_LABELS[m.status]

    def summary(self, m: Meeting) -> MeetingSummary:
        pack = self.packs.get(m.date)
        shown = self.minutes_shown(m)
        return MeetingSummary(m, self.page_of(m.date), self.status(m), shown, self.minutes_label(m),
                              pack["href"] if pack else None,
                              draft=shown and m.minutes is not None and m.minutes.state != MinutesState.approved)

    def when(self, m: Meeting) -> str:
        """"10am – 12pm" in the body's time style, from the meeting or the defaults."""
        d = self.config.defaults
        start = m.start or d.start
        end = m.end if m.start else (m.end or d.end)
        return format_time_range(start, end, self.config.conventions.time_style.value)

    def venue(self, m: Meeting) -> str:
        d = self.config.defaults
        mode = (m.mode or d.mode).value
        if m.venue:
            return m.venue
        if mode == "online":
            return d.venue if d.venue else "Online"
        return d.venue or ""

    def mode(self, m: Meeting) -> str:
        return MODE_LABELS[(m.mode or self.config.defaults.mode).value]

    def neighbours(self, m: Meeting) -> tuple[Meeting | None, Meeting | None]:
        dates = sorted(self.repo.meetings)
        i = dates.index(m.date)
        before = self.repo.meetings[dates[i - 1]] if i > 0 else None
        after = self.repo.meetings[dates[i + 1]] if i + 1 < len(dates) else None
        return before, after

    @per_meeting
    def agenda(self, m: Meeting) -> list[Any]:
        """The agenda lines of the public pack, each paper with where the site shows it."""
        lines = self._agenda_builder.pack(m)["agenda"]
        used: set[str] = set()
        for line in lines:
            line.papers = [self.paper_link(m, p, used) for p in line.papers]
            for sub in line.sub_items:
                sub.papers = [self.paper_link(m, p, used) for p in sub.papers]
        return lines

    def paper_link(self, m: Meeting, view: PaperView, used: set[str]) -> PaperLink:
        paper = view.data["paper"]
        kind = view.kind
        link = PaperLink(view.title, kind)
        if kind in ("document", "word", "attachment"):
            name = slug(paper.source.rsplit("/", 1)[-1].rsplit(".", 1)[0])
            while name in used:
                name += "-2"
            used.add(name)
            link.source = paper.source
            if kind == "attachment":
                # A PDF paper is published as its author sent it (its own pages and tags): the meeting links it.
                link.href = f"meetings/{m.date.isoformat()}/{name}.pdf"
            else:  # Markdown and Word papers get a page of their own
                link.page = f"meetings/{m.date.isoformat()}/{name}.html"
                link.href = link.page
        elif kind == "previous-minutes":
            prev = self.repo.previous_meeting(m.date)
            if prev is not None and self.minutes_shown(prev):
                link.href = f"{self.page_of(prev.date)}#minutes"
        elif kind == "partner-update" and paper.organisation:
            if any(u["org_id"] == paper.organisation for u in self.updates(m)):
                link.href = f"{self.page_of(m.date)}#update-{paper.organisation}"
        elif kind == "partner-updates":
            if self.updates(m):
                link.href = f"{self.page_of(m.date)}#partner-updates"
        elif kind == "psa-tracker":

            psa = current_psa(self.repo, m.date)
            if psa is not None:
                link.href = f"psa/{psa.year}.html"
        elif kind == "performance":
            year = self.performance_year(m.date)
            if year is not None:
                link.href = f"performance/{year}.html"
        return link

    def paper_file(self, m: Meeting, source: str) -> bytes:
        """The bytes of the paper of ``m`` whose file is ``source``, by the rule a pack reads it
        by (:func:`cspkit.render.papers.read_paper_file`: size limit, problems located at the item)."""
        item, paper = self._paper(m, source)
        return read_paper_file(self.repo, m, item, paper)

    def _paper(self, m: Meeting, source: str) -> tuple[Any, Any]:
        for item in m.agenda:
            for paper in item.all_papers():
                if paper.source == source:
                    return item, paper
        raise KeyError(source)  # only sources the agenda names are asked for

    def _with_images(self, m: Meeting, link: PaperLink) -> None:
        """Publish a Markdown paper's images beside its page, as the pack puts them beside
        itself: each checked as the pack checks it (a PNG, JPEG or SVG file inside the
        repository, or a located problem), and the Markdown made to link the copies."""
        assert link.markdown is not None and link.source is not None and link.page is not None
        item, paper = self._paper(m, link.source)
        images = list(markdown_images(self.repo, m, item, paper, link.markdown))
        if not images:
            return
        folder, page = link.page.rsplit("/", 1)
        stem = page.removesuffix(".html")
        used: set[str] = set()
        names = {im.written: unique_name(f"{stem}-{safe_file_name(im.path.name)}", used, stem) for im in images}
        link.markdown = with_images(link.markdown, images, lambda im: names[im.written])
        link.beside = frozenset(names.values())
        link.images = {f"{folder}/{names[im.written]}": im for im in images}

    def _word_html(self, m: Meeting, source: str) -> str:
        """A Word paper as HTML for its page: the report in the site's styles, its first heading
        an ``<h2>`` under the page's title, figures inline (the page needs no other file)."""
        from cspkit.documents import DocumentError, read_document
        from cspkit.render.word_papers import document_html

        shown = f"{self.repo.config.records_dir if self.repo.config else 'records'}/{source}"
        try:
            document = read_document(self.repo.records_dir / source, name=shown, figures=True,
                                     data=self.paper_file(m, source))
        except DocumentError as exc:
            raise LocatedError(str(exc)) from None  # names the file and the place in it
        return str(document_html(document, top=2))

    def _paper_text(self, source: str) -> str:
        """A document paper's Markdown, by the one reading rule (see :func:`cspkit.load.read_paper`)."""
        shown = f"{self.repo.config.records_dir if self.repo.config else 'records'}/{source}"
        try:
            return read_paper(self.repo, source)
        except FileNotFoundError:
            raise LocatedError(f"{shown}: paper file not found") from None
        except FileRefused as exc:
            raise LocatedError(f"{shown}: {exc.reason}") from None

    @per_meeting
    def documents(self, m: Meeting) -> list[PaperLink]:
        """The meeting's public document papers (each gets a page)."""
        out = []
        for line in self.agenda(m):
            for p in line.all_papers():
                if p.kind == "document" and p.source:
                    p.markdown = _under_its_title(self._paper_text(p.source), p.title)
                    self._with_images(m, p)
                    out.append(p)
                elif p.kind == "word" and p.source:
                    p.html = self._word_html(m, p.source)
                    out.append(p)
        return out

    # ------------------------------------------------------------------ minutes, decisions, actions
    @per_meeting
    def minutes(self, m: Meeting) -> dict[str, Any] | None:
        """The public minutes (exempt minutes as such), as the render layer words them; each
        decision line also carries the public actions its decision raised (``line["actions"]``)."""
        if not self.minutes_shown(m):
            return None
        assert m.minutes is not None
        view = self.builder.minutes(m)
        raised = {a["id"]: a for a in self.actions_raised(m)}
        for record, item in zip(m.minutes.items, view["items"], strict=True):
            decisions = iter(record.decisions)  # the decision lines print them in this order
            for part in item["parts"]:
                if part["kind"] == "decisions":
                    for line in part["lines"]:
                        action = next(decisions).action
                        line["actions"] = [raised[action]] if action in raised else []
        view["label"] = self.minutes_label(m)
        view["approved"] = m.minutes.state == MinutesState.approved
        return view

    @per_meeting
    def actions_raised(self, m: Meeting) -> list[dict[str, Any]]:
        """The public actions raised at ``m``, each with its owner and status as of the site's date."""
        af = self.repo.action_files.get(m.date)
        if af is None:
            return []
        return [self.action_row(a) for a in af.actions if self.visible(a)]

    def action_row(self, a: Action) -> dict[str, Any]:
        status = a.status_on(self.as_of)
        labels = self.config.conventions.action_status_labels
        notes = [h for h in a.history if h.date <= self.as_of and h.note]
        return {
            "id": a.id,
            "anchor": "action-" + re.sub(r"[^0-9a-z]+", "-", a.id),
            "meeting": a.meeting,
            "item": a.item,
            "text": a.text,
            "owners": self.names.joined(a.owners_on(self.as_of), " and "),
            "due": a.due,
            "due_meeting": a.due_meeting,
            "status": status.value,
            "status_label": getattr(labels, status.value),
            "open": status == ActionStatus.open,
            "latest": notes[-1] if notes else None,
        }

    def action_log(self) -> dict[str, Any]:
        """Open actions as of the site's date, and those closed since the meeting before it."""
        log = self.builder.action_log(self.as_of)
        rows = [self.action_row(self.repo.actions[r["id"]]) for r in log["rows"]
                if self.visible(self.repo.actions[r["id"]])]
        return {"open": [r for r in rows if r["open"]], "closed": [r for r in rows if not r["open"]]}

    # ------------------------------------------------------------------ partner updates
    @per_meeting
    def updates(self, m: Meeting) -> list[dict[str, Any]]:
        """The partner updates sent to ``m`` that the public may read, as the form shows them."""
        out = []
        for u in self.repo.updates_for(m.date):
            if self.visible(u):
                out.append(self.update(u))
        return out

    def update(self, u: PartnerUpdate) -> dict[str, Any]:
        view = self.builder.update(u)
        view["org_id"] = u.organisation
        view["meeting"] = u.meeting
        # On the web an empty section is left out rather than printed as "n/a".
        view["filled"] = [(label, text) for label, text in view["rows"] if text] + \
                         [(s["heading"], s["text"]) for s in view["sections"] if s["text"]] + \
                         [(label, text) for label, text in view["tail"] if text]
        return view

    def partners(self) -> list[dict[str, Any]]:
        """Every organisation with its public updates, newest first."""
        by_org: dict[str, list[PartnerUpdate]] = {}
        for (_day, oid), u in sorted(self.repo.updates.items(), reverse=True):
            if self.visible(u):
                by_org.setdefault(oid, []).append(u)
        out = []
        for oid, org in sorted(self.repo.organisations.items(), key=lambda kv: kv[1].name.lower()):
            updates = by_org.get(oid, [])
            out.append({"id": oid, "name": org.name, "short_name": org.short_name, "statutory": org.statutory,
                        "page": f"partners/{oid}.html", "updates": updates})
        return out

    # ------------------------------------------------------------------ PSA, programme, performance
    def programme(self) -> dict[str, Any]:
        return self.builder.forward_programme(self.as_of)

    def psa_years(self) -> list[int]:
        return sorted(self.repo.psa, reverse=True)

    def psa(self, year: int) -> dict[str, Any]:
        return self.builder.psa(self.repo.psa[year])

    def performance_years(self) -> list[str]:
        return sorted(self.repo.performance, reverse=True)

    def performance_year(self, day: dt.date) -> str | None:
        fy = financial_year_of(day)
        years = sorted(y for y in self.repo.performance if y <= fy)
        return years[-1] if years else None

    def performance(self, year: str) -> dict[str, Any]:
        """The year's latest quarter (Builder.performance), every indicator with its whole series."""
        start = int(year[:4])
        view = self.builder.performance(dt.date(start + 1, 3, 31))
        return view

    # ------------------------------------------------------------------ home
    def next_meeting(self) -> dict[str, Any] | None:
        """The first meeting (file or scheduled date) on or after the site's date."""
        for entry in upcoming_meetings(self.repo, self.as_of - dt.timedelta(days=1)):
            if entry["date"] is not None:
                return entry | {"meeting": self.repo.meetings.get(entry["date"])}
        return None

    def upcoming(self) -> list[dict[str, Any]]:
        return [e | {"meeting": self.repo.meetings.get(e["date"]) if e["date"] else None}
                for e in upcoming_meetings(self.repo, self.as_of - dt.timedelta(days=1))]

    def latest_minutes(self) -> Meeting | None:
        """The most recent meeting, on or before the site's date, whose minutes the site shows."""
        shown = [m for m in self.meetings() if m.date <= self.as_of and self.minutes_shown(m)]
        return shown[-1] if shown else None


def _under_its_title(markdown: str, title: str) -> str:
    """A Markdown paper as its page shows it under the page's title: without its own opening
    heading where that says the same (as the pack leaves it out); kept where it says more."""
    heading, body = split_title(markdown)
    return body if heading is not None and same_title(heading, title) else markdown
