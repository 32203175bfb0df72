"""``cspkit.yaml``: the partnership, its defaults, standing agenda, plans, conventions, schedule."""

from __future__ import annotations

import datetime as dt
import re
import string
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from cspkit.locate import RECORDS_DIR_RE
from cspkit.models.common import (
    Date,
    Flag,
    Lead,
    Markdown,
    Mode,
    OrgId,
    PersonId,
    Record,
    Slug,
    StrEnum,
    Time,
    empty_dict,
    empty_list,
)
from cspkit.models.partner_update import TEXT_FIELDS


class BodyKind(StrEnum):
    csp = "csp"
    board = "board"
    committee = "committee"
    sub_group = "sub-group"


class Partnership(Record):
    name: str
    """Full name, as on the agenda front sheet ("Charnwood Community Safety Partnership")."""
    short_name: str
    """Short name for running headers and file names ("Charnwood CSP")."""
    body: BodyKind = BodyKind.csp
    """What kind of body this is."""
    clerk_organisation: OrgId | None = None
    """The organisation that clerks the meetings (democratic services)."""
    council_year_starts: int = Field(5, ge=1, le=12)
    """Month the council (civic) year starts; chair and vice-chair are appointed then."""


class Defaults(Record):
    venue: str | None = None
    """Where meetings are held unless a meeting says otherwise."""
    start: Time = dt.time(10, 0)
    """Usual start time, HH:MM."""
    end: Time | None = None
    """Usual finish time, HH:MM."""
    mode: Mode = Mode.in_person
    """in-person, online or hybrid."""


class ItemKind(StrEnum):
    procedural = "procedural"
    standing = "standing"
    report = "report"
    presentation = "presentation"
    verbal = "verbal"


class PaperKind(StrEnum):
    """What a paper is made from. Most are generated from the records themselves."""

    previous_minutes = "previous-minutes"
    action_log = "action-log"
    performance = "performance"
    psa_tracker = "psa-tracker"
    partner_updates = "partner-updates"
    """All partner updates for the meeting not attached under another item."""
    partner_update = "partner-update"
    """One partner's update report (give its organisation)."""
    forward_programme = "forward-programme"
    document = "document"


class StandingItem(Record):
    """An item that goes on every agenda (``cspkit new-meeting`` copies these)."""

    title: str
    key: Slug | None = None
    """A stable name for the item so other settings can refer to it (e.g. partner-updates)."""
    leads: list[Lead] = empty_list()
    """People (ids) or roles (chair, vice-chair, clerk) who lead the item."""
    purpose: Markdown | None = None
    """The purpose line printed under the title ("To review actions from the previous meeting")."""
    kind: ItemKind = ItemKind.standing
    paper: PaperKind | None = None
    """A paper generated for this item on every agenda."""
    sub_items_per_priority: Flag = False
    """Give this item one sub-item per strategic priority of the current plan, with its lead."""


class Priority(Record):
    number: int = Field(ge=1)
    title: str
    leads: list[PersonId] = empty_list()
    """Lead officer(s) for the priority."""
    theme: int | None = None
    """Theme number, where the plan groups priorities under themes."""
    kpis: list[str] = empty_list()
    """How progress is measured."""


class Theme(Record):
    number: int = Field(ge=1)
    title: str


class Plan(Record):
    """A strategic plan (usually three years) with numbered priorities."""

    id: Slug
    """For example 2023-26."""
    title: str
    starts: Date
    ends: Date
    themes: list[Theme] = empty_list()
    priorities: list[Priority]

    @model_validator(mode="after")
    def _order(self) -> Plan:
        if self.ends <= self.starts:
            raise ValueError(f"plan ends ({self.ends}) before it starts ({self.starts})")
        return self


class DecisionStyle(StrEnum):
    inline = "inline"
    """Each decision on its own line: "AGREED that the information be noted."."""
    lettered = "lettered"
    """One word, then (a), (b) ...: "RESOLVED: (a) That ...; (b) That ..."."""
    numbered = "numbered"
    """One word, then 1., 2. ..."""


class MinuteNumbering(StrEnum):
    per_meeting = "per-meeting"
    """Minutes are numbered 1, 2, 3 ... at every meeting (usually as the agenda)."""
    continuous = "continuous"
    """Minute numbers carry on from the previous meeting (30, 31 ... 43)."""


class PageReferences(StrEnum):
    attached_at = "attached-at"
    """ "..., attached at page 12." in the purpose line."""
    page_range = "page-range"
    """ "(Pages 13 - 30)" after the item title."""


class DateStyle(StrEnum):
    long = "long"
    """Thursday, 12th October 2023"""
    long_plain = "long-plain"
    """Friday, 22 March 2024"""
    medium = "medium"
    """12 October 2023"""
    medium_ordinal = "medium-ordinal"
    """12th October 2023"""
    short = "short"
    """12.10.23"""
    compact = "compact"
    """121023 (as in "121023 Item 04")"""


class TimeStyle(StrEnum):
    compact = "compact"
    """10am, 2.30pm"""
    dotted = "dotted"
    """10.00 am"""


# --- minutes conventions (cspkit.render.minutes_style applies them) ---------------------------------
class PointNumbering(StrEnum):
    """How the numbered points of a minute are labelled."""

    roman = "roman"
    """i., ii., iii."""
    roman_parens = "roman-parens"
    """(i), (ii), (iii)"""
    letter = "letter"
    """a., b., c."""
    letter_parens = "letter-parens"
    """(a), (b), (c)"""
    decimal = "decimal"
    """1., 2., 3."""
# --- end of minutes conventions ------------------------------------------------------------


class ActionStatusLabels(Record):
    """How the body writes each action status."""

    open: str = "Open"
    complete: str = "Complete"
    closed: str = "Closed"


class ActionLogColumn(StrEnum):
    number = "number"
    raised = "raised"
    action = "action"
    owners = "owners"
    comments = "comments"
    status = "status"
    due = "due"


#: What may follow the colon in ``{date:…}`` or ``{item:…}``: an optional fill and alignment,
#: then a width (``0>2`` pads an item number to two digits).
_LABEL_SPEC = r"(?:.?[<>^=])?0?[0-9]{0,3}"
_LABEL_WIDTH = 40


class Logo(Record):
    """A crest or logo printed in the title block of every document."""

    path: Annotated[str, Field(pattern=r"^[^/\\][^\\]*\.(png|jpe?g|svg)$")]
    """The image file, relative to the repository root (PNG, JPEG or SVG), e.g. assets/crest.png."""
    alt: Annotated[str, Field(min_length=1)]
    """What the image shows, for people who cannot see it ("Charnwood Borough Council crest")."""


class Conventions(Record):
    """The ways bodies differ in writing the same things down."""

    decision_word: str = "AGREED"
    """AGREED, RESOLVED ..."""
    decision_style: DecisionStyle = DecisionStyle.inline
    minute_numbering: MinuteNumbering = MinuteNumbering.per_meeting
    cite_agenda_items: Flag = False
    """Minutes cite papers as "marked 'Agenda Item N'"."""
    page_references: PageReferences = PageReferences.attached_at
    item_number_dot: Flag = False
    """Agenda item numbers printed with a full stop ("1. Introductions"), not without ("1 APOLOGIES")."""
    papers_start_on_odd_page: Flag = False
    """Start each paper on an odd page, padding with "This page is intentionally left blank"."""
    presenter_lines: Flag = False
    """Print "Name, Role, Organisation will present this report." under items."""
    action_status_labels: ActionStatusLabels = ActionStatusLabels()
    action_log_columns: list[ActionLogColumn] = [
        ActionLogColumn.raised,
        ActionLogColumn.action,
        ActionLogColumn.owners,
        ActionLogColumn.status,
    ]
    """The action log's columns, in order. Without a status column, a closed or completed action
    says so under its owners ("Andy Thomas / Close"), as logs without one do."""
    action_log_title: str = "Action Log"
    action_log_headings: dict[ActionLogColumn, str] = empty_dict()
    """Column headings that differ from the defaults (No., Date, Action, Responsible Officer, Comments, Status, Due)."""
    action_log_show_reassignment: Flag = True
    """Show who an action was first given to and "Reassigned to ..." (else only the current owners)."""
    action_raised_label: str = "{date}"
    """How the raised column reads: {date} and {item} are filled in ("{date} Item {item:0>2}" gives "260123 Item 04")."""
    agenda_date_style: DateStyle = DateStyle.long
    """Date style on the agenda front sheet."""
    text_date_style: DateStyle = DateStyle.medium_ordinal
    """Date style in running text ("the meeting held on 13th July 2023")."""
    action_date_style: DateStyle = DateStyle.short
    """Date style in the action log's raised column."""
    online_marker: str = "(online)"
    """What the minutes print after the name of someone who joined online ("(MS Teams)")."""
    time_style: TimeStyle = TimeStyle.compact
    point_numbering: PointNumbering = PointNumbering.roman
    """How discussion points are numbered: roman (i.), roman-parens ((i)), letter (a.), letter-parens ((a)) or decimal (1.)."""
    minutes_signature: str | None = None
    """The line the chair signs the minutes above ("CHAIRMAN"); with it the minutes end with a
    signature block (the meeting's times, the date, the line). None: no signature block."""
    minutes_title: str = "Minutes"
    uppercase_titles: Flag = True
    """Agenda and minute titles in capitals, as many councils print them (acronyms such as KPIs kept)."""
    blank_field_text: str = ""
    """What a partner update form prints for a section the partner left blank ("" leaves it empty,
    as the forms themselves do; "n/a" writes that)."""
    upcoming_meetings_on_front_sheet: Flag = True
    """List the upcoming meeting dates under the agenda on the front sheet."""
    logo: Logo | None = None
    """A crest or logo from the repository for the title block, with its alternative text."""

    @field_validator("action_raised_label")
    @classmethod
    def _raised_label(cls, value: str) -> str:
        try:
            parts = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(value) if f is not None]
        except ValueError as exc:
            raise ValueError(f"not a valid label: {exc}") from None
        unknown = [f for f, _, _ in parts if f not in ("date", "item")]
        if unknown:
            raise ValueError(f"only {{date}} and {{item}} can be filled in, not {{{unknown[0]}}}")
        for name, spec, conv in parts:
            # Checked before the label is ever filled in: '{date:>1500000000}' would ask for a
            # string of 1.5 billion characters.
            shown = "{" + name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}"
            if conv is not None or not re.fullmatch(_LABEL_SPEC, spec or ""):
                raise ValueError(f"{shown} is not a format cspkit fills in: use {{{name}}}, or a width "
                                 f"and fill such as {{{name}:0>2}} (widths up to {_LABEL_WIDTH})")
            width = re.findall(r"[0-9]+", spec or "")  # the last digits (a fill may be a digit too)
            if width and int(width[-1]) > _LABEL_WIDTH:
                raise ValueError(f"{shown}: a width over {_LABEL_WIDTH} is not a label")
        try:
            value.format(date="121023", item="4")
        except (ValueError, IndexError, KeyError) as exc:
            raise ValueError(f"not a valid label: {exc}") from None
        return value


class ScheduleEntry(Record):
    """A planned meeting date (or a placeholder such as "Summer meeting - to be scheduled")."""

    date: Date | None = None
    start: Time | None = None
    end: Time | None = None
    venue: str | None = None
    """Where this meeting is held, when not the usual venue; `to be confirmed` when the notice says so."""
    label: str | None = None
    """Text for an unscheduled meeting, shown in the list of upcoming meetings."""

    @model_validator(mode="after")
    def _date_or_label(self) -> ScheduleEntry:
        if self.date is None and not self.label:
            raise ValueError("give a date, or a label for a meeting not yet scheduled")
        if self.start and self.end and self.end <= self.start:
            raise ValueError(f"end {self.end:%H:%M} is not after start {self.start:%H:%M}")
        return self


class ExpectedUpdate(Record):
    """A partner expected to send an update report to every meeting."""

    organisation: OrgId
    contact: PersonId | None = None
    """Whom to chase."""


class PaperLimits(Record):
    """How large a paper attached to an agenda item may be (PDF, Word or Markdown)."""

    max_size_mb: int = Field(50, ge=1, le=1024)
    """The largest paper file, in MB; a larger one is refused when attached and when rendered."""
    max_pages: int = Field(500, ge=1, le=10000)
    """The most pages a PDF paper may have."""


class FormLayout(StrEnum):
    table = "table"
    """One two-column table, label | answer, as most partnerships' forms are."""
    headings = "headings"
    """A heading per section with the answer under it, as a headed report is written."""


#: The sections of the usual partner update form (000, lines 227-300), as the form labels them.
STANDARD_SECTIONS = (
    ("summary", "Summary", "Purpose, background and context for the report update."),
    ("recommendations", "Recommendations", "Any recommendations for the partnership to consider."),
    ("performance", "Performance data", "Insert any relevant performance data."),
    ("priorities", "Update/s", "Specific work, initiatives and projects that contribute to {what}."),
    ("budget", "Budget / resource implications", "Costs, funding and staff time, if any."),
    ("risks", "Any key risks / issues", "Anything that could stop the work above, or that partners should know."),
    ("planned_activity", "Planned activity in the next quarter",
     "Include any specific work, initiatives or projects that will contribute to the themes and priorities above."),
    ("other", "Any other update", "Developments, achievements, challenges / opportunities."),
    ("support_required", "Gaps / support required", "What you need from partners, if anything."),
)


class FormSection(Record):
    """One section of the partner update form: a row of the table, or a heading."""

    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,62}$")]
    """What it fills in: a field of the update (summary, recommendations, performance, budget, risks,
    planned_activity, other, support_required, contact), priorities (one row per theme or priority
    of the plan), or a name of the partnership's own, kept under sections: in each update."""
    label: str = Field(min_length=1)
    """The label the form prints ("Budget / Resource Implications")."""
    guidance: str | None = None
    """Grey guidance text where the answer goes; the import drops it when a partner leaves it in.
    For priorities, {what} is replaced by the theme or priority ("Theme 1")."""
    also: list[str] = empty_list()
    """Other labels partners write for this section (older forms, their own wording)."""
    tick: Flag = True
    """Give the section a "Not for publication" tick box."""


class UpdateForm(Record):
    """The partner update form that ``cspkit update form`` writes and ``cspkit update import`` reads."""

    title: str = "Partner Update Report"
    """The form's title; {organisation} is replaced by the partner's name."""
    layout: FormLayout = FormLayout.table
    return_days: int = Field(14, ge=0, le=120)
    """The form is due back this many days before the meeting."""
    sections: list[FormSection] = [FormSection(key=k, label=label, guidance=g) for k, label, g in STANDARD_SECTIONS]
    """The sections, in order (default: the usual partner update form)."""
    prefill: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,62}$")]] = empty_list()
    """Sections pre-filled with the partner's answer to the previous meeting, marked as last quarter's."""

    @model_validator(mode="after")
    def _sections(self) -> UpdateForm:
        keys: set[str] = set()
        labels: set[str] = set()
        for s in self.sections:
            if s.key in keys:
                raise ValueError(f"section '{s.key}' is on the form twice")
            if "_" in s.key and s.key not in _UPDATE_FIELDS:
                raise ValueError(f"'{s.key}' is not a field of a partner update: a section of your own "
                                 f"is named with lower-case letters, digits and hyphens")
            keys.add(s.key)
            for label in (s.label, *s.also):
                if _fold(label) in labels:
                    raise ValueError(f"the label '{label}' is on the form twice: the import could not tell "
                                     f"the sections apart")
                labels.add(_fold(label))
        for key in self.prefill:
            if key not in keys or key == "priorities":
                raise ValueError(f"prefill: '{key}' is not a text section of the form")
        return self

    def section(self, key: str) -> FormSection | None:
        return next((s for s in self.sections if s.key == key), None)


#: The fields of a partner update a form section can fill (any other key goes under sections:).
_UPDATE_FIELDS = (*TEXT_FIELDS, "priorities")


def _fold(label: str) -> str:
    return " ".join(label.casefold().split())


class EmailSettings(Record):
    """The email drafts cspkit writes (``update chase --email``, ``circulate --email``)."""

    sender: str
    """Who the drafts are from: "Community Safety Team <community.safety@charnwood.gov.uk>"."""
    signature: str | None = None
    """How the drafts end ("Community Safety Team, Charnwood Borough Council"); default: the partnership's name."""
    attach_limit_mb: float = Field(10, gt=0, le=1000)
    """A pack larger than this (megabytes) is linked (pack_url), not attached."""
    pack_url: str | None = Field(None, pattern=r"^https://\S+$")
    """Where the pack can be downloaded, for a pack too large to attach; {date} is the meeting's date."""

    @field_validator("sender")
    @classmethod
    def _address(cls, value: str) -> str:
        from email.utils import parseaddr

        _, address = parseaddr(value)
        local, _, domain = address.partition("@")
        if not local or "." not in domain or any(c in value for c in "\r\n"):
            raise ValueError(f"'{value}' is not an email address (write it as "
                             f"'Community Safety Team <team@example.gov.uk>' or 'team@example.gov.uk')")
        return value


class SiteContact(Record):
    """Where the public asks for a document in another format or reports an accessibility problem."""

    name: str
    """Who answers ("Democratic Services, Charnwood Borough Council")."""
    email: str | None = None
    """A service mailbox, not a person's own address: it is published."""
    phone: str | None = None
    address: str | None = None


class Site(Record):
    """The public website of the record (``cspkit site build``)."""

    url: Annotated[str, Field(pattern=r"^https?://[^\s]+$")] | None = None
    """Where the site is published (https://...), for absolute links in the Atom feed and the open data."""
    about: Markdown | None = None
    """A paragraph about the partnership for the home page."""
    contact: SiteContact | None = None
    """How to ask for a page or document in another format (large print, easy read, audio)."""
    publish_circulated_minutes: Flag = False
    """Publish minutes once circulated, marked as a draft until they are approved (otherwise only approved minutes)."""
    accessibility_reviewed: dt.date | None = None
    """When the accessibility statement was last reviewed."""
    response_days: int = Field(10, ge=1, le=60)
    """Working days within which a request for another format is answered."""


class Config(Record):
    """The root ``cspkit.yaml`` of a partnership's repository."""

    partnership: Partnership
    defaults: Defaults = Defaults()
    conventions: Conventions = Conventions()
    standing_agenda: list[StandingItem] = empty_list()
    plans: list[Plan] = empty_list()
    """Strategic plans, oldest first; the one covering a meeting's date is current for it."""
    schedule: list[ScheduleEntry] = empty_list()
    """Future meeting dates, in order."""
    partner_updates: list[ExpectedUpdate] = empty_list()
    """Partners expected to send an update report to each meeting."""
    update_form: UpdateForm = UpdateForm()
    """The partner update form: its title, layout, sections and what is pre-filled."""
    email: EmailSettings | None = None
    """Who email drafts are from, how they end, and when a pack is linked instead of attached."""
    site: Site = Site()
    """The public website: its address, contact for other formats, and which minutes it publishes."""
    records_dir: Annotated[str, Field(pattern=RECORDS_DIR_RE)] = "records"
    """Folder (under the repository root) that holds the records: one folder name, not hidden."""
    papers: PaperLimits = PaperLimits()
    """Limits for papers attached to agenda items (PDF, Word, Markdown)."""

    def plan_for(self, day: dt.date) -> Plan | None:
        """The plan in force on ``day`` (the latest one that has started, if none covers it)."""
        covering = [p for p in self.plans if p.starts <= day <= p.ends]
        if covering:
            return covering[-1]
        started = [p for p in self.plans if p.starts <= day]
        return started[-1] if started else None

    def plan(self, plan_id: str) -> Plan | None:
        return next((p for p in self.plans if p.id == plan_id), None)

    def standing(self, key: str) -> StandingItem | None:
        return next((s for s in self.standing_agenda if s.key == key), None)
