"""From records to a document model every format renders the same way.

The builders here decide *what* a pack, a set of minutes or an action log contains: which
papers, in what order, under which item, what is left out for a public audience. The
templates decide only how it looks. Restricted content is removed here, once, so no
template can leak it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from cspkit import views
from cspkit.dates import format_date
from cspkit.errors import NotFound
from cspkit.models.action import action_sort_key
from cspkit.models.common import financial_year_of
from cspkit.models.config import Config, PaperKind
from cspkit.models.meeting import AgendaItem, Meeting, MinuteItem, Paper
from cspkit.models.partner_update import PartnerUpdate
from cspkit.render import papers, selection
from cspkit.render.env import _markdown, figure
from cspkit.render.minutes_style import OUTCOME_TEXT, UPCOMING_TITLE, MinutesStyle
from cspkit.repo import Repo

PUBLIC = "public"
PARTNERS = "partners"

ROLE_NAMES = {"chair": "Chair", "vice-chair": "Vice-Chair", "clerk": "Committee Clerk"}

DEFAULT_TITLES = {
    PaperKind.previous_minutes: "Minutes",
    PaperKind.action_log: "Action Log",
    PaperKind.performance: "Performance",
    PaperKind.psa_tracker: "PSA Recommendations",
    PaperKind.partner_updates: "Partner Updates",
    PaperKind.forward_programme: "Forward Programme",
}


@dataclass
class PaperView:
    """One paper of a pack: gets an anchor, a page range, and a partial template."""

    anchor: str
    kind: str
    title: str
    item: str
    data: dict[str, Any] = field(default_factory=dict)
    #: where the paper's page range ends: its own end marker, or (when papers start on odd
    #: pages) the page before the next paper, so the range includes the blank padding page
    end_anchor: str = ""
    end_counter: str = "page"

    @property
    def template(self) -> str:
        return f"papers/{self.kind}"


@dataclass
class SubLine:
    number: str | None
    title: str
    label: str | None
    leads: str
    papers: list[PaperView]
    to_follow: bool


@dataclass
class AgendaLine:
    number: str
    title: str
    leads: str
    purpose: str | None
    papers: list[PaperView]
    to_follow: bool
    sub_items: list[SubLine]
    presenter: str | None
    exempt: bool
    kind: str

    def all_papers(self) -> list[PaperView]:
        """The line's papers and its sub-items', in agenda order."""
        return [*self.papers, *(p for sub in self.sub_items for p in sub.papers)]


class Names:
    """How people, organisations and roles are written in documents."""

    def __init__(self, repo: Repo):
        self.repo = repo

    def person(self, pid: str | None) -> str:
        if pid is None:
            return ""
        if pid in ROLE_NAMES:
            return ROLE_NAMES[pid]
        p = self.repo.people.get(pid)
        return p.display_name if p else pid

    def plain(self, pid: str) -> str:
        p = self.repo.people.get(pid)
        return p.name if p else ROLE_NAMES.get(pid, pid)

    def org(self, oid: str | None, short: bool = False) -> str:
        if oid is None:
            return ""
        o = self.repo.organisations.get(oid)
        if o is None:
            return oid
        return o.label if short else o.name

    def joined(self, pids: list[str], sep: str = "/", plain: bool = True) -> str:
        return sep.join(self.plain(p) if plain else self.person(p) for p in pids)

    def leads(self, item_leads: list[str], text: str | None = None) -> str:
        parts = [self.person(p) for p in item_leads]
        if text:
            parts.append(text)
        return "/".join(parts)

    def presenter(self, item: AgendaItem) -> str | None:
        verb = "will give a presentation" if item.kind.value == "presentation" else "will present this report"
        if item.lead_text:
            return f"{item.lead_text}, {verb}."
        people = [p for p in item.leads if p in self.repo.people]
        if not people:
            return None
        described = []
        for pid in people:
            p = self.repo.people[pid]
            bits = [p.display_name]
            if p.role:
                bits.append(p.role)
            if p.organisation:
                bits.append(self.org(p.organisation, short=bool(p.role)))
            described.append(", ".join(bits))
        return f"{' and '.join(described)} {verb}."


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def split_title(markdown: str) -> tuple[str | None, str]:
    """A paper's Markdown without its opening level-1 heading, and that heading's text.

    Papers written for a pack usually start with their title; the pack prints the title
    itself (so it can be numbered, bookmarked and referred to), so it must not be printed twice.
    """
    head = _first_block(markdown)
    tokens = _markdown().parse(head)  # a heading is one block: the rest of a long paper is not parsed
    if not tokens and head != markdown:  # (only link definitions before the first blank line)
        tokens = _markdown().parse(markdown)
    if len(tokens) < 2 or tokens[0].type != "heading_open" or tokens[0].tag != "h1" or not tokens[0].map:
        return None, markdown
    lines = markdown.splitlines(keepends=True)
    _, end = tokens[0].map
    return tokens[1].content.strip(), "".join(lines[end:]).lstrip("\n")


def _first_block(markdown: str) -> str:
    """The start of ``markdown`` to the first blank line after some text (all of it if none):
    all of the first block when that block is a heading, which never spans a blank line; any
    other first block parses to another kind of token from this part as from the whole."""
    start = len(markdown) - len(markdown.lstrip("\n\r\t "))
    match = _BLANK_LINE.search(markdown, start)
    return markdown[: match.end()] if match else markdown


_BLANK_LINE = re.compile(r"\n[ \t]*(?:\r?\n|$)")


def same_title(a: str, b: str) -> bool:
    """Two spellings of one title: case, dashes and spacing aside."""
    def norm(t: str) -> str:
        return re.sub(r"[\W_]+", " ", t.casefold()).strip()

    return norm(a) == norm(b)


class Builder:
    """Builds the view of one meeting's documents for one audience."""

    def __init__(self, repo: Repo, audience: str = PARTNERS):
        if repo.config is None:
            raise NotFound("cspkit.yaml could not be read")
        self.repo = repo
        self.config: Config = repo.config
        self.audience = audience
        self.names = Names(repo)

    @property
    def public(self) -> bool:
        return self.audience == PUBLIC

    def hidden(self, record: Any) -> bool:
        """Whether ``record`` is left out of this document: for the public, whatever the one
        restriction policy (:func:`cspkit.views.is_restricted`) says is restricted."""
        return self.public and views.is_restricted(self.repo, record)

    # ------------------------------------------------------------------ pack
    def pack(self, meeting: Meeting) -> dict[str, Any]:
        """Everything the agenda pack template needs, papers in agenda order."""
        attached = {p.organisation for item in meeting.agenda for p in item.all_papers()
                    if p.kind == PaperKind.partner_update}
        lines: list[AgendaLine] = []
        papers: list[PaperView] = []
        for item in meeting.agenda:
            if self.hidden(item):
                lines.append(AgendaLine(item.number, "Exempt item", "", None, [], False, [], None, True,
                                        item.kind.value))
                continue
            item_papers = [view for i, p in enumerate(item.papers) if not self.hidden(p)
                           if (view := self.paper(meeting, item, p, attached, f"paper-{slug(item.number)}-{i + 1}"))]
            papers += item_papers
            subs: list[SubLine] = []
            plan = self.config.plan_for(meeting.date)
            for j, sub in enumerate(item.sub_items):
                sub_papers = [view for k, p in enumerate(sub.papers) if not self.hidden(p)
                              if (view := self.paper(meeting, item, p, attached,
                                                     f"paper-{slug(item.number)}-{j + 1}-{k + 1}"))]
                papers += sub_papers
                label = f"Strategic Priority {sub.priority}" if sub.priority is not None else None
                title = sub.title
                if sub.priority is not None and plan is not None:
                    pr = next((p for p in plan.priorities if p.number == sub.priority), None)
                    title = sub.title or (pr.title if pr else "")
                subs.append(SubLine(sub.number, title, label, self.names.leads(sub.leads), sub_papers, sub.to_follow))
            presenter = self.names.presenter(item) if self.config.conventions.presenter_lines else None
            lines.append(AgendaLine(
                number=item.number, title=item.title,
                leads="" if presenter else self.names.leads(item.leads, item.lead_text),
                purpose=item.purpose, papers=item_papers, to_follow=item.to_follow, sub_items=subs,
                presenter=presenter, exempt=False, kind=item.kind.value,
            ))
        odd = self.config.conventions.papers_start_on_odd_page
        for i, paper in enumerate(papers):
            if odd and i + 1 < len(papers):
                paper.end_anchor, paper.end_counter = papers[i + 1].anchor, "prevpage"
            else:
                paper.end_anchor, paper.end_counter = f"{paper.anchor}-end", "page"
        return {
            "meeting": meeting,
            "agenda": lines,
            "papers": papers,
            "upcoming": selection.upcoming_meetings(self.repo, meeting.date),
            "title": f"{self.config.partnership.name} — {meeting.date.isoformat()}",
        }

    def paper(self, meeting: Meeting, item: AgendaItem, paper: Paper, attached: set, anchor: str) -> PaperView | None:
        kind = paper.kind
        title = paper.title or DEFAULT_TITLES.get(kind, item.title)
        view = PaperView(anchor=anchor, kind=kind.value, title=title, item=item.number)
        if kind == PaperKind.previous_minutes:
            prev = selection.previous_minutes(self.repo, meeting)
            if prev is None:
                return None
            view.title = paper.title or f"{self.config.conventions.minutes_title} of {self._text_date(prev.date)}"
            view.data = self.minutes(prev)
        elif kind == PaperKind.action_log:
            view.title = paper.title or self.config.conventions.action_log_title
            view.data = self.action_log(meeting.date)
        elif kind == PaperKind.psa_tracker:
            psa = selection.current_psa(self.repo, meeting.date)
            if psa is None:
                return None
            view.title = paper.title or psa.title
            view.data = self.psa(psa)
        elif kind == PaperKind.partner_updates:
            # a draft (a blank form, a request sent) is not an update yet: it is not printed
            updates = [u for u in self.repo.updates_for(meeting.date)
                       if u.organisation not in attached and not self.hidden(u) and u.is_received]
            view.data = {"updates": [self.update(u) for u in updates]}
        elif kind == PaperKind.partner_update:
            u = self.repo.updates.get((meeting.date, paper.organisation or ""))
            if u is None or self.hidden(u) or not u.is_received:
                return None
            view.title = paper.title or u.subject
            view.data = {"updates": [self.update(u)]}
        elif kind == PaperKind.forward_programme:
            view.data = self.forward_programme(meeting.date)
        elif kind == PaperKind.performance:
            view.data = self.performance(meeting.date)
        elif kind == PaperKind.document:
            # PDF, Word and Markdown papers from their files, by the one reading rule (issue 18: render/papers.py).
            view = papers.document_view(self, meeting, item, paper, view)
            if view.kind == PaperKind.document.value:  # Markdown: its own first heading is its title
                heading, body = split_title(view.data["source_markdown"])
                view.title = paper.title or heading or view.title
                # A title in the record and another in the paper: the paper's own is kept, under it.
                subtitle = heading if heading and not same_title(heading, view.title) else None
                view.data.update(papers.markdown_data(body, view.data["images"]), subtitle=subtitle)
        return view

    def _text_date(self, day: dt.date) -> str:
        return format_date(day, self.config.conventions.text_date_style.value)

    # ------------------------------------------------------------------ minutes
    def minutes(self, meeting: Meeting) -> dict[str, Any]:
        """Attendance and minute items of a held meeting (restricted minutes left out for the public).

        The wording — labels of points and decisions, "AGREED that …", the signature block —
        comes from :class:`cspkit.render.minutes_style.MinutesStyle`, which the Word and Markdown
        exports use too.
        """
        if meeting.minutes is None:
            raise NotFound(f"the meeting on {meeting.date} has no minutes yet (cspkit minutes start {meeting.date})")
        style = MinutesStyle(self.config.conventions)
        att = meeting.attendance
        names = self.names

        online = self.config.conventions.online_marker

        def people(group: list) -> list[dict]:
            rows = []
            for a in group:
                p = self.repo.people.get(a.person)
                capacity = a.capacity or (names.org(a.organisation) if a.organisation else
                                          names.org(p.organisation) if p and p.organisation else "")
                if a.qualifier:
                    capacity = f"{capacity} ({a.qualifier})" if capacity else a.qualifier
                role = {"chair": "in the Chair", "vice-chair": "Vice-Chair", "minutes": "minutes"}.get(
                    a.role.value if a.role else "", "")
                name = names.person(a.person) + (f" {a.honorific}" if a.honorific else "")
                rows.append({"name": name, "capacity": capacity, "role": role, "remote": a.remote,
                             "online": online if a.remote else "",
                             "substitute_for": names.person(a.substitute_for) if a.substitute_for else ""})
            return rows

        mins = meeting.minutes
        ended = mins.ended or meeting.end
        signature = style.signature(meeting.date, meeting.start, ended)
        return {
            "meeting": meeting,
            "minutes_of": style.minutes_of(self.config.partnership.name, meeting),
            "present": people(att.present),
            "officers": people(att.officers),
            "apologies": people(att.apologies),
            "absent": people(att.absent),
            "items": [self.minute_item(meeting, mi, style) for mi in mins.items],
            "state": mins.state.value,
            "draft": mins.state.value == "draft",
            "ended": mins.ended,
            # With a signature block the closing time is printed in it, as the county prints it.
            "closing": style.closing(mins.ended) if mins.ended and signature is None else None,
            "signature": signature,
        }

    def minute_item(self, meeting: Meeting, mi: MinuteItem, style: Any = None) -> dict[str, Any]:
        """One minute as the templates print it: its number, title and body parts, labels in place."""
        style = style or MinutesStyle(self.config.conventions)
        number = style.minute_label(mi)
        agenda_item = meeting.item(mi.item) if mi.item else None
        if self.hidden(mi) or (agenda_item is not None and self.hidden(agenda_item)):
            return {"number": number, "title": "Exempt item", "exempt": True, "outcome": None, "parts": []}
        parts: list[dict[str, Any]] = []
        starts = style.point_starts(mi.body)
        for part, start in zip(mi.body, starts, strict=True):
            kind = part.kind
            if kind == "text":
                parts.append({"kind": "text", "text": part.text})
            elif kind == "heading":
                parts.append({"kind": "heading", "label": f"{part.number}." if part.number else "",
                              "title": part.heading})
            elif kind == "points":
                parts.append({"kind": "points", "items": [
                    {"label": style.point_label(start + k), "text": p.text, "bullets": list(p.bullets)}
                    for k, p in enumerate(part.points or [])]})
            elif kind == "bullets":
                parts.append({"kind": "bullets", "items": list(part.bullets or [])})
            elif kind == "decisions":
                lines = style.decision_lines(part)
                parts.append({"kind": "decisions", "word": lines.word, "same_line": lines.same_line,
                              "lines": [{"label": label, "text": text} for label, text in lines.lines]})
            else:
                parts.append({"kind": "upcoming", "title": UPCOMING_TITLE,
                              "items": [style.upcoming(u) for u in part.upcoming or []]})
        if (self.config.conventions.cite_agenda_items and mi.item and agenda_item is not None
                and agenda_item.papers and not any("Agenda Item" in t for t in mi.texts())):
            # "A copy of the report … is filed with these minutes", after the opening paragraphs.
            at = next((k for k, p in enumerate(parts) if p["kind"] != "text"), len(parts))
            parts.insert(at, {"kind": "text", "text": f"A copy of the report, marked 'Agenda Item {mi.item}', "
                                                      "is filed with these minutes."})
        return {
            "number": number,
            "title": mi.title,
            "exempt": False,
            "outcome": OUTCOME_TEXT[mi.outcome] if mi.outcome else None,
            "parts": parts,
        }

    # ------------------------------------------------------------------ action log
    def action_log(self, as_of: dt.date) -> dict[str, Any]:
        conv = self.config.conventions
        rows = []
        # In raising order; within a meeting, by the body's own action numbers where it has them.
        log = sorted(views.action_log(self.repo, as_of),
                     key=lambda a: (a.meeting, a.number if a.number is not None else 10**6, action_sort_key(a.id)))
        for a in log:
            if self.hidden(a):
                continue
            status = a.status_on(as_of)
            owners_then = a.owners_on(as_of)
            raised_owners = a.raised_owners or owners_then
            reassigned = owners_then if sorted(owners_then) != sorted(raised_owners) else []
            if not conv.action_log_show_reassignment:
                raised_owners, reassigned = owners_then, []
            comments = [
                {"date": h.date, "note": h.note, "reassigned_to": self.names.joined(h.reassigned_to)}
                for h in a.history if h.date <= as_of and (h.note or h.reassigned_to)
            ]
            if a.public and not self.public:  # partners see why a restricted decision's action is public
                comments.insert(0, {"date": None, "note": f"Published on purpose: {a.public_reason}",
                                    "reassigned_to": ""})
            rows.append({
                "id": a.id,
                "number": a.number,
                "raised": conv.action_raised_label.format(date=format_date(a.meeting, conv.action_date_style.value),
                                                          item=a.item),
                "text": a.text,
                "owners": self.names.joined(raised_owners),
                "reassigned_to": self.names.joined(reassigned),
                "deliverer": self.names.plain(a.deliverer) if a.deliverer else "",
                "due": a.due,
                "due_meeting": a.due_meeting,
                "comments": comments,
                "status": status.value,
                "status_label": getattr(conv.action_status_labels, status.value),
            })
        headings = {"number": "No.", "raised": "Date", "action": "Action", "owners": "Responsible Officer",
                    "comments": "Comments", "status": "Status", "due": "Due"} | {k.value: v for k, v in conv.action_log_headings.items()}
        return {"rows": rows, "columns": [c.value for c in conv.action_log_columns], "headings": headings,
                "as_of": as_of}

    # ------------------------------------------------------------------ PSA, programme, updates
    def psa(self, psa) -> dict[str, Any]:
        return {
            "psa": psa,
            "recommendations": [
                {"number": r.number, "text": r.text, "owners": self.names.joined(r.owners),
                 "updates": [{"date": u.date, "text": u.text} for u in r.updates],
                 "status": r.status.value.replace("-", " ").capitalize() if r.status else "",
                 "removed": r.removed}
                for r in psa.recommendations
            ],
        }

    def forward_programme(self, as_of: dt.date) -> dict[str, Any]:
        rows = []
        for it in selection.programme_rows(self.repo):
            if self.hidden(it):
                continue
            when = it.when
            if isinstance(when, dt.date):
                when_text = format_date(when, self.config.conventions.text_date_style.value)
            elif str(when) == "tbc":
                when_text = "TBC"
            elif str(when) == "civic-year":
                when_text = "First meeting of the new civic year"
            else:
                when_text = format_date(str(when), "month")
            recurs = {"annual": "Annual", "six-monthly": "Six-monthly", "standing": "Standing item"}.get(it.recurs.value)
            if recurs:
                when_text = f"{when_text} ({recurs})"
            rows.append({"item": it.item, "detail": it.detail, "when": when_text,
                         "action_by": self.names.joined(it.action_by, "/"), "note": it.note})
        return {"rows": rows, "upcoming": selection.upcoming_meetings(self.repo, as_of), "as_of": as_of}

    def update(self, u: PartnerUpdate) -> dict[str, Any]:
        plan = self.config.plan(u.plan) if u.plan else self.config.plan_for(u.meeting)
        sections = []
        for pu in u.priorities:
            if pu.theme is not None:
                theme = next((t for t in plan.themes if t.number == pu.theme), None) if plan else None
                heading = f"Theme {pu.theme} – {theme.title}" if theme else f"Theme {pu.theme}"
                under = [f"Priority {p.number} – {p.title}" for p in (plan.priorities if plan else []) if p.theme == pu.theme]
                towards = f"Theme {pu.theme}"
            else:
                pr = next((p for p in plan.priorities if p.number == pu.priority), None) if plan else None
                heading = f"Priority {pu.priority} – {pr.title}" if pr else f"Priority {pu.priority}"
                under = []
                towards = f"priority {pu.priority}"
            label = f"Update/s – including specific work, initiatives, projects etc. that contribute to {towards}"
            sections.append({"heading": heading, "under": under, "label": label, "text": pu.text})
        if isinstance(u.date, dt.date):
            date_text = format_date(u.date, self.config.conventions.text_date_style.value)
        elif u.date:
            date_text = format_date(str(u.date), "month")
        else:
            date_text = ""
        return {
            "anchor": f"update-{u.organisation}",
            "organisation": self.names.org(u.organisation),
            "author": " and ".join(filter(None, [u.author_text, *(self.names.plain(a) for a in u.authors)])),
            "date": date_text,
            "subject": u.subject,
            "rows": [
                ("Summary (purpose, background and context)", u.summary),
                ("Recommendations for the CSP", u.recommendations),
                ("Performance data", u.performance),
            ],
            "sections": sections,
            "tail": [
                ("Budget / resource implications", u.budget),
                ("Key risks / issues", u.risks),
                ("Planned activity in the next quarter", u.planned_activity),
                ("Any other update, developments, achievements, challenges / opportunities", u.other),
                ("Gaps / support required", u.support_required),
            ],
        }

    # ------------------------------------------------------------------ performance
    def performance(self, as_of: dt.date, quarter: str | None = None) -> dict[str, Any]:
        """The latest quarter reported for the financial year of ``as_of`` (or the one before)."""
        fy = financial_year_of(as_of)
        years = sorted(y for y in self.repo.performance if y <= fy)
        if not years:
            return {"year": None, "quarter": None, "indicators": []}
        perf = self.repo.performance[years[-1]]
        quarters = sorted({r.quarter for ind in perf.indicators for r in ind.readings})
        quarter = quarter or (quarters[-1] if quarters else None)
        rows = []
        for ind in perf.indicators:
            reading = next((r for r in ind.readings if r.quarter == quarter), None)
            if reading is None:
                continue
            decimals = ind.decimals if ind.decimals is not None else perf.decimals
            series = [(r.quarter, r.value, r.previous) for r in sorted(ind.readings, key=lambda r: r.quarter)]
            rows.append({
                "id": ind.id,
                "name": ind.name,
                "unit": ind.unit.value,
                "decimals": decimals,
                "value": reading.value,
                "previous": reading.previous,
                "change": ind.shown_change(reading),
                "derived": reading.value is not None and reading.previous is not None,
                "rag": ind.rag(reading),
                "target": ind.target,
                "note": reading.note,
                "series": series,
                # a line needs two points: one figure is in the table already
                "charted": sum(v is not None for _, v, _ in series) > 1 or sum(x is not None for _, _, x in series) > 1,
                "chart_alt": _chart_alt(ind.name, ind.unit.value, decimals, series, figure),
            })
        return {"year": perf.year, "quarter": quarter, "area": perf.area, "source": perf.source, "indicators": rows}


def _chart_alt(name: str, unit: str, decimals: int | None, series: list, figure) -> str:
    """What an indicator's chart shows, in words: every figure it plots."""
    per = " per 1,000" if unit == "per-1000" else ""
    this = ", ".join(f"{q} {figure(v, decimals, unit)}" for q, v, _ in series if v is not None)
    last = ", ".join(f"{q} {figure(p, decimals, unit)}" for q, _, p in series if p is not None)
    text = f"Line chart of {name}{per} by quarter. This year: {this or 'no figures'}."
    return text + (f" Same period last year: {last}." if last else "")
