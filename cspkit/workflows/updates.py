"""Partner update reports: the form, the import of a returned form, and chasing who owes one.

The cycle, as officers run it:

1. ``update form MEETING ORG --format docx`` (or ``--all``): the partner update form as a Word
   document, laid out as the partnership's own form (``update_form`` in ``cspkit.yaml``), with
   the organisation, meeting and return date filled in and, where the partnership asks, last
   quarter's answers marked as such (:func:`update_form`);
2. ``update chase MEETING --email DIR``: one ready-to-send email draft per partner still
   owing an update, the form attached, and the day it was asked for recorded in the update
   (:func:`chase_drafts`); ``update chase MEETING`` lists where each partner stands (:func:`chase`);
3. ``update import FILE.docx``: the returned form read back into
   ``records/updates/MEETING/ORG.yaml``, noting when and from which file (:func:`import_update`).

``update new`` still writes the form as YAML, for an officer who types an update in by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cspkit import views
from cspkit.contacts import Contacts, load_contacts, tracked_by_git
from cspkit.dates import format_date
from cspkit.documents import Document, read_document
from cspkit.email_drafts import DOCX_TYPE, Attachment, Draft, Recipient
from cspkit.errors import ConflictError, UsageError, UserError
from cspkit.fileio import write_bytes
from cspkit.forms import FormFill, FormSpec, form_docx, form_spec, read_form
from cspkit.forms.read import find_detail, parse_written_date
from cspkit.forms.spec import plan_by_text
from cspkit.listing import Column, Table
from cspkit.models.config import Config, Plan
from cspkit.models.meeting import Meeting
from cspkit.models.partner_update import TEXT_FIELDS, PartnerUpdate
from cspkit.session import Session
from cspkit.workflows._common import Written, parse_date, put, text_date

#: End-of-line hints on the form, from the sections of the paper form (000, lines 227-300).
_HINTS = {
    "date": "YYYY-MM-DD (or YYYY-MM)",
    "subject": "subject title",
    "summary": "purpose, background and context",
    "recommendations": "any recommendations for the CSP to consider",
    "performance": "relevant performance data",
    "priorities": "an update under each strategic priority (leave text empty for n/a)",
    "budget": "budget / resource implications",
    "risks": "key risks / issues",
    "planned_activity": "planned activity in the next quarter",
    "other": "any other update: developments, achievements, challenges / opportunities",
    "support_required": "gaps / support required",
}

FORMATS = ("docx",)


def _config(s: Session) -> Config:
    cfg = s.repo.config
    assert cfg is not None  # a session refuses a repository whose cspkit.yaml does not load
    return cfg


@dataclass
class NewUpdate(Written):
    meeting: dt.date
    organisation: str
    path: Path
    plan: str | None
    priorities: list[int]


def new_update(ctx: Session, meeting: str | dt.date = "", partner: str = "", *,
               force: bool = False, dry_run: bool = False) -> NewUpdate:
    """Write ``records/updates/<meeting>/<organisation>.yaml``: the partner update form.

    Every section of the form is there (empty means "n/a"), with one entry per priority of
    the plan current at the meeting; the author is the partner's contact from
    ``cspkit.yaml`` when there is one. ``partner`` is an organisation id, name, short name or
    alias. An existing form is not replaced unless ``force``.
    """
    m = ctx.meeting(meeting)
    org = ctx.organisation(partner)
    cfg = _config(ctx)
    path = ctx.path("partner-update", (m.date, org))
    plan = cfg.plan_for(m.date)
    contact = _contact(cfg, org)
    name = ctx.repo.organisations[org].name
    data: dict[str, Any] = {
        "meeting": m.date,
        "organisation": org,
        "authors": [contact] if contact else [],
        "date": None,
        "subject": f"{name} update",
        "summary": None,
        "recommendations": None,
        "performance": None,
        "priorities": [{"priority": p.number, "text": None} for p in plan.priorities] if plan else [],
        "budget": None,
        "risks": None,
        "planned_activity": None,
        "other": None,
        "support_required": None,
    }
    hints = dict(_HINTS)
    if plan is not None:
        hints["priorities"] = f"{hints['priorities']}; plan {plan.id}: " + "; ".join(
            f"{p.number} {p.title}" for p in plan.priorities)
    ctx.create(path, data, force=force, comments=hints)
    done = Written.of(ctx.commit(dry_run))
    return NewUpdate(meeting=m.date, organisation=org, path=path, plan=plan.id if plan else None,
                     priorities=[p.number for p in plan.priorities] if plan else [], **done)


def _contact(cfg: Config, org: str) -> str | None:
    """Whom to chase at ``org`` (``partner_updates`` in cspkit.yaml)."""
    return next((e.contact for e in cfg.partner_updates if e.organisation == org and e.contact), None)


# --------------------------------------------------------------------------- the Word form


def previous_update(s: Session, day: dt.date, org: str) -> PartnerUpdate | None:
    """The organisation's latest update to a meeting before ``day`` (last quarter's)."""
    earlier = [d for (d, o) in s.repo.updates if o == org and d < day and s.repo.updates[(d, o)].is_received]
    return s.repo.updates[(max(earlier), org)] if earlier else None


def return_by(s: Session, day: dt.date) -> dt.date:
    """When the form is due back: ``update_form.return_days`` before the meeting."""
    return day - dt.timedelta(days=_config(s).update_form.return_days)


def _plan_of(cfg: Config, day: dt.date, record: PartnerUpdate | None) -> Plan | None:
    if record is not None and record.plan:
        return cfg.plan(record.plan) or cfg.plan_for(day)
    return cfg.plan_for(day)


def _long(s: Session, day: dt.date) -> str:
    return format_date(day, _config(s).conventions.agenda_date_style.value)


def form_for(s: Session, meeting: Meeting, org: str, *, record: PartnerUpdate | None = None,
             deadline: dt.date | None = None) -> tuple[FormSpec, FormFill]:
    """The form for ``org`` at ``meeting`` and what goes in it.

    Without ``record``: the organisation, meeting, return date and contact filled in, and last
    quarter's answers where ``update_form.prefill`` asks. With ``record``: every answer of that
    update filled in (a form to correct and send back, and how the round trip is tested).
    """
    cfg = _config(s)
    spec = form_spec(cfg, _plan_of(cfg, meeting.date, record))
    name = s.org_name(org)
    fill = FormFill(organisation=name, meeting=f"{_long(s, meeting.date)}, {cfg.partnership.name}",
                    return_by=_long(s, deadline or return_by(s, meeting.date)),
                    plan=spec.plan.title if spec.plan else None)
    if record is None:
        contact = _contact(cfg, org)
        fill.author = s.person_name(contact) if contact else None
        prev = previous_update(s, meeting.date, org)
        if prev is not None:
            for key in cfg.update_form.prefill:
                text = prev.text_of(key)
                if text and spec.answer(key) is not None:
                    fill.prefill[key] = (text_date(s.repo, prev.meeting), text)
        return spec, fill
    fill.author = " and ".join([*(s.person_name(a) for a in record.authors), *filter(None, [record.author_text])])
    fill.date = format_date(record.date, "medium") if record.date else None
    fill.subject = record.subject
    for answer in spec.answers:
        if answer.in_plan:
            entry = next((p for p in record.priorities if p.key == answer.key), None)
            if entry is not None:
                fill.values[answer.key] = entry.text
                if entry.restricted:
                    fill.ticked.add(answer.key)
        else:
            fill.values[answer.key] = record.text_of(answer.key)
            if answer.key in record.restricted_sections:
                fill.ticked.add(answer.key)
    if record.restricted:
        fill.ticked.add("publication")
    return spec, fill


def form_file_name(day: dt.date, org: str) -> str:
    """``2024-01-18-update-form-lfrs.docx``: the form's file name, wherever it is written."""
    return f"{day.isoformat()}-update-form-{org}.docx"


def form_bytes(s: Session, meeting: Meeting, org: str, *, record: PartnerUpdate | None = None,
               deadline: dt.date | None = None, today: dt.date | None = None) -> bytes:
    """The form as ``.docx`` bytes (see :func:`form_for`)."""
    spec, fill = form_for(s, meeting, org, record=record, deadline=deadline)
    return form_docx(spec, fill, when=today or dt.date.today())


def write_output(path: Path, data: bytes, force: bool) -> None:
    """Write an output file (a form, a draft); an existing file only with ``force`` (or when it
    already holds exactly these bytes: writing it again loses nothing)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{path.parent}: cannot make the folder ({exc.strerror or exc})") from None
    same = path.is_file() and not path.is_symlink() and path.read_bytes() == data
    write_bytes(path, data, overwrite=force or same)


@dataclass
class FormWritten:
    """One form written: for whom, where, and what was pre-filled."""

    meeting: dt.date
    organisation: str
    path: Path
    plan: str | None
    return_by: dt.date
    prefilled: list[str] = field(default_factory=list)


def update_form(s: Session, meeting: str | dt.date, partner: str | None = None, *, all_partners: bool = False,
                fmt: str = "docx", output: Path | str | None = None, deadline: str | dt.date | None = None,
                force: bool = False, today: dt.date | None = None) -> list[FormWritten]:
    """Write the partner update form for ``partner`` (or, ``all_partners``, for every partner
    ``partner_updates`` expects) at ``meeting``.

    ``output``: the file (one partner) or folder (``all_partners``); default ``build/``, the
    file named by :func:`form_file_name`. An existing file is replaced only with ``force``.
    """
    if fmt.lower().lstrip(".") not in FORMATS:
        raise UsageError(f"unknown format '{fmt}' for the form (use docx; cspkit update new writes it as YAML)")
    if all_partners == (partner is not None):
        raise UsageError("name one partner, or give --all for every partner expected at the meeting")
    m = s.meeting(meeting)
    due = parse_date(deadline, "--deadline") if deadline else return_by(s, m.date)
    if all_partners:
        orgs = [e.organisation for e in views.expected_partners(s.repo, m.date)]
        if not orgs:
            raise UserError("no partners are expected to send updates: list them under partner_updates in cspkit.yaml")
        folder = Path(output) if output is not None else Path("build")
        targets = [(org, folder / form_file_name(m.date, org)) for org in orgs]
    else:
        org = s.organisation(partner or "")
        path = Path(output) if output is not None else Path("build") / form_file_name(m.date, org)
        if path.suffix.lower() != ".docx":
            raise UsageError(f"{path}: a Word form's name ends with .docx")
        targets = [(org, path)]
    if not force:
        for _, path in targets:
            if path.exists() and not path.is_file():
                raise ConflictError(f"{path}: is a folder")
    written: list[FormWritten] = []
    for org, path in targets:
        spec, fill = form_for(s, m, org, deadline=due)
        write_output(path, form_docx(spec, fill, when=today or dt.date.today()), force)
        written.append(FormWritten(m.date, org, path, spec.plan.id if spec.plan else None, due,
                                   [a.label for a in spec.answers if a.key in fill.prefill]))
    return written


# --------------------------------------------------------------------------- import


@dataclass
class ImportedUpdate(Written):
    """A returned form, imported (or, for a dry run, what would be)."""

    meeting: dt.date
    organisation: str
    path: Path
    source: str
    #: Sections answered, and sections left empty, by their labels on the form.
    answered: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)
    restricted: bool = False
    restricted_sections: list[str] = field(default_factory=list)
    #: Sections whose answer is last quarter's, as pre-filled and not changed.
    unchanged: list[str] = field(default_factory=list)
    #: What could not be placed (where, and its label), and what the reader left out.
    unplaced: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    replaced: bool = False


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _person(s: Session, text: str) -> str | None:
    """A person's id from a name as a partner writes it ("Station Manager Robert Kitson")."""
    words = re.sub(r"\([^)]*\)", " ", text).split()
    while len(words) >= 1:
        try:
            return s.person(" ".join(words))
        except UserError:
            if len(words) <= 2:
                return None
            words = words[1:]  # a rank or job title before the name
    return None


def _authors(s: Session, text: str) -> tuple[list[str], str | None]:
    ids: list[str] = []
    unknown: list[str] = []
    for part in re.split(r"\s*(?:,|;|/|&|\n|\band\b)\s*", text):
        part = part.strip(" .")
        if not part:
            continue
        pid = _person(s, part)
        if pid is None:
            unknown.append(part)
        elif pid not in ids:
            ids.append(pid)
    return ids, (" and ".join(unknown) or None)


def _meeting_of(s: Session, meeting: str | dt.date | None, document: Document) -> Meeting:
    if meeting:
        return s.meeting(meeting)
    text = find_detail(document, "meeting")
    day = parse_written_date(text) if text else None
    if not isinstance(day, dt.date):
        raise UserError(f"{document.filename}: cannot tell which meeting this form is for (its Meeting row "
                        f"{'reads ' + repr(text) if text else 'is missing'}); give --meeting YYYY-MM-DD")
    return s.meeting(day)


def import_update(s: Session, file: Path | str, *, meeting: str | dt.date | None = None,
                  partner: str | None = None, replace: bool = False, dry_run: bool = False,
                  today: dt.date | None = None) -> ImportedUpdate:
    """Read a returned form into ``records/updates/<meeting>/<organisation>.yaml``.

    The meeting and the organisation come from the form's own rows unless ``meeting`` /
    ``partner`` say otherwise. An update already received is replaced only with ``replace``
    (a draft, or a request recorded by ``update chase --email``, is filled in). The record
    notes the day it was received and the file's name and SHA-256.
    """
    cfg = _config(s)
    path_in = Path(file)
    document = read_document(path_in)
    m = _meeting_of(s, meeting, document)
    warnings: list[str] = []

    def spec_for(plan_text: str | None) -> FormSpec:
        plan = plan_by_text(cfg, plan_text) if plan_text else None
        if plan_text and plan is None:
            warnings.append(f"the form names the plan '{plan_text}', which is not in cspkit.yaml; "
                            f"read against the plan current at the meeting")
        return form_spec(cfg, plan or cfg.plan_for(m.date))

    spec, reading = read_form(document, spec_for)
    written_org = reading.details.get("organisation")
    if partner:
        org = s.organisation(partner)
        if written_org and _org_or_none(s, written_org) not in (org, None):
            warnings.append(f"the form says it is from '{written_org}'; imported as {org}, as --org says")
    elif written_org:
        org = s.organisation(written_org.splitlines()[0])
    else:
        raise UserError(f"{document.filename}: cannot tell which organisation this form is from (its "
                        f"Organisation row is missing or empty); give --org")
    path = s.path("partner-update", (m.date, org))
    existing = s.repo.updates.get((m.date, org))
    if existing is None and path.exists():
        raise s.invalid(path)
    if existing is not None and existing.is_received and not replace:
        got = existing.received
        how = f"on {got.date} from {got.file}" if got else "(typed in)"
        raise ConflictError(f"{s.rel(path)}: the update from {org} for {m.date} was received {how}; "
                            f"use --replace to replace it with this form")

    data: dict[str, Any] = {"meeting": m.date, "organisation": org}
    authors, author_text = _authors(s, reading.details.get("author", ""))
    data["authors"] = authors
    if author_text:
        data["author_text"] = author_text
    date_text = reading.details.get("date")
    if date_text:
        when = parse_written_date(date_text)
        if when is None:
            warnings.append(f"the date of the report, '{date_text}', is not a date; left empty")
        else:
            data["date"] = when
    data["subject"] = " ".join(reading.details.get("subject", "").split()) or f"{s.org_name(org)} update"

    result = ImportedUpdate(meeting=m.date, organisation=org, path=path, source=path_in.name,
                            unplaced=reading.unplaced, notes=reading.notes, warnings=warnings,
                            replaced=existing is not None and existing.is_received)
    priorities: list[dict[str, Any]] = []
    sections: dict[str, str] = {}
    restricted_sections: list[str] = []
    for answer in spec.answers:
        value = reading.values.get(answer.key)
        (result.answered if value else result.empty).append(answer.label)
        ticked = answer.key in reading.ticked and bool(value)
        if ticked:
            result.restricted_sections.append(answer.label)
        if answer.in_plan:
            if value:
                entry: dict[str, Any] = {"theme": answer.theme} if answer.theme is not None else {
                    "priority": answer.priority}
                entry["text"] = value
                if ticked:
                    entry["restricted"] = True
                priorities.append(entry)
        elif value:
            if answer.key in TEXT_FIELDS:
                data[answer.key] = value
            else:
                sections[answer.key] = value
            if ticked:
                restricted_sections.append(answer.key)
    if spec.plan is not None and spec.priorities_section is not None:
        data["plan"] = spec.plan.id
        data["priorities"] = priorities
    if sections:
        data["sections"] = sections
    if "publication" in reading.ticked:
        data["restricted"] = True
        result.restricted = True
    if restricted_sections:
        data["restricted_sections"] = restricted_sections
    if existing is not None and existing.requested:
        data["requested"] = list(existing.requested)
    data["received"] = {"date": today or dt.date.today(), "file": path_in.name, "sha256": document.sha256}

    prev = previous_update(s, m.date, org)
    for key in cfg.update_form.prefill:
        old = prev.text_of(key) if prev else None
        new = reading.values.get(key)
        section = spec.answer(key)
        if old and new and section is not None and _fold(old) == _fold(new):
            result.unchanged.append(section.label)

    s.create(path, data, force=existing is not None or path.exists())
    done = Written.of(s.commit(dry_run))
    result.written, result.dry_run, result.texts = done["written"], done["dry_run"], done["texts"]
    return result


def _org_or_none(s: Session, text: str) -> str | None:
    try:
        return s.organisation(text.splitlines()[0])
    except UserError:
        return None


# --------------------------------------------------------------------------- chasing


#: Where a partner's update stands, as the chase list says it.
RECEIVED, REQUESTED, DRAFT, MISSING = "received", "requested", "draft", "missing"


def update_state(update: PartnerUpdate | None) -> str:
    """received (imported or filled in), requested (the form was sent), draft (a skeleton), missing."""
    if update is None:
        return MISSING
    if update.is_received:
        return RECEIVED
    return REQUESTED if update.requested else DRAFT


@dataclass
class Chase:
    """A partner expected at the meeting, and where their update stands."""

    organisation: str
    organisation_name: str
    state: str
    contact: str | None
    contact_name: str | None
    contact_role: str | None
    received: dt.date | None = None
    file: str | None = None
    requested: dt.date | None = None
    #: Whether contacts.yaml has an address to chase them at (never the address itself).
    address_known: bool = False


def chase_status(s: Session, meeting: str | dt.date, contacts: Contacts | None = None) -> tuple[dt.date, list[Chase]]:
    """Every partner expected at ``meeting`` (and any other that sent an update), with the state
    of their update: received (when, from which file), requested (when), draft, or missing."""
    m = s.meeting(meeting)
    contacts = contacts if contacts is not None else load_contacts(s.repo)
    orgs = [(e.organisation, e.contact) for e in views.expected_partners(s.repo, m.date)]
    orgs += [(o, None) for (d, o) in sorted(s.repo.updates) if d == m.date and o not in {x for x, _ in orgs}]
    out = []
    for org, contact in orgs:
        u = s.repo.updates.get((m.date, org))
        person = s.repo.people.get(contact) if contact else None
        out.append(Chase(org, s.org_name(org), update_state(u), contact,
                         person.display_name if person else None, person.role if person else None,
                         received=u.received.date if u and u.received else None,
                         file=u.received.file if u and u.received else None,
                         requested=u.requested[-1] if u and u.requested else None,
                         address_known=contacts.address(contact, org) is not None))
    return m.date, out


def chase(s: Session, meeting: str | dt.date) -> Table:
    """The chase list: where each expected partner's update stands (text, JSON or CSV)."""
    day, rows = chase_status(s, meeting)
    received = sum(r.state == RECEIVED for r in rows)
    owing = [r for r in rows if r.state != RECEIVED]
    return Table(
        columns=[Column("organisation", "Organisation", ratio=3), Column("state", "State"),
                 Column("since", "Since", ratio=3),
                 Column("contact", "Contact", ratio=2),
                 Column("address_known", "Address", shown=lambda r: "yes" if r["address_known"] else "no"),
                 Column("organisation_id", "Id", text=False), Column("received", "Received", text=False),
                 Column("file", "File", text=False), Column("requested", "Requested", text=False),
                 Column("contact_id", "Contact id", text=False), Column("contact_role", "Role", text=False)],
        rows=[{"organisation": r.organisation_name, "organisation_id": r.organisation, "state": r.state,
               "since": _since(r), "received": r.received, "file": r.file, "requested": r.requested,
               "contact": r.contact_name, "contact_id": r.contact, "contact_role": r.contact_role,
               "address_known": r.address_known} for r in rows],
        title=f"Partner updates for {day}: {received} received, {len(owing)} to come",
        empty=f"No partners are expected to send updates to {day} (partner_updates in cspkit.yaml).",
        meta={"meeting": day.isoformat(), "received": received, "to_come": len(owing)},
        rows_key="partners",
    )


def _since(row: Chase) -> str:
    """What the text table says of when: "2024-01-05 from lfrs.docx", "asked 2024-01-04"."""
    if row.received:
        return f"{row.received} from {row.file}"
    return f"asked {row.requested}" if row.requested else ""


@dataclass
class DraftWritten:
    """One chasing email: to whom (by name; the address is only in the draft), and where."""

    organisation: str
    path: Path
    to: str | None
    reminder: bool


@dataclass
class ChaseDrafts(Written):
    meeting: dt.date
    drafts: list[DraftWritten] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _first_name(name: str) -> str:
    return name.split()[0] if name.split() else name


def chase_message(s: Session, meeting: Meeting, org: str, *, contacts: Contacts, deadline: dt.date,
                  today: dt.date, form: bytes) -> tuple[Draft, str | None]:
    """The chasing email to ``org`` with its form attached, and the name of whom it is to
    (None: nobody to address it to; the draft's To is left empty)."""
    cfg = _config(s)
    contact = _contact(cfg, org)
    person = s.repo.people.get(contact) if contact else None
    address = contacts.address(contact, org)
    u = s.repo.updates.get((meeting.date, org))
    earlier = [d for d in (u.requested if u else []) if d < today]
    name = person.name if person else None
    to = [Recipient(name or s.org_name(org), address)] if address else []
    partnership = cfg.partnership
    when = _long(s, meeting.date)
    due = f"by {_long(s, deadline)}" if deadline >= today else "as soon as you can"
    lines = [f"Dear {_first_name(name) if name else 'colleague'},", ""]
    if earlier:
        lines += [f"This is a reminder: we sent you the partner update form on {text_date(s.repo, earlier[0])}, "
                  f"and have not had your update yet.", ""]
    lines += [f"Please find attached the partner update form for the {partnership.name} meeting on {when}. "
              f"Could you fill it in for {s.org_name(org)} and send it back {due}?", "",
              "Type your answers over the grey guidance text, leave a section empty if you have nothing for it, "
              "and tick \u201cNot for publication\u201d beside anything that must not appear in the published papers."]
    if cfg.update_form.prefill and previous_update(s, meeting.date, org) is not None:
        lines += ["", "Where you answered last quarter, your answer is already in the form: keep it if it "
                      "still holds, or write over it."]
    signature = cfg.email.signature if cfg.email and cfg.email.signature else partnership.name
    lines += ["", "Thank you,", "", signature]
    subject = (f"{'Reminder: ' if earlier else ''}{partnership.short_name} partner update for "
               f"{format_date(meeting.date, 'medium')}, please return {due}")
    draft = Draft(subject=subject, body="\n".join(lines) + "\n", sender=cfg.email.sender if cfg.email else None,
                  to=to, attachments=[Attachment(form_file_name(meeting.date, org), form, DOCX_TYPE)])
    return draft, (name or s.org_name(org)) if address else None


def chase_file_name(day: dt.date, org: str) -> str:
    return f"{day.isoformat()}-chase-{org}.eml"


def chase_drafts(s: Session, meeting: str | dt.date, out_dir: Path | str, *, deadline: str | dt.date | None = None,
                 force: bool = False, dry_run: bool = False, record: bool = True,
                 today: dt.date | None = None) -> ChaseDrafts:
    """One email draft (``.eml``) per expected partner whose update is not in, each with its form
    attached, into ``out_dir``; and, unless ``record`` is False, the day each form was requested
    noted in the partner's update (a draft update is made for a partner with none yet).

    A partner without an address in ``contacts.yaml`` still gets a draft, with an empty To, and
    a warning names whose address is missing. An existing draft is replaced only with ``force``.
    """
    today = today or dt.date.today()
    m = s.meeting(meeting)
    cfg = _config(s)
    due = parse_date(deadline, "--deadline") if deadline else return_by(s, m.date)
    contacts = load_contacts(s.repo)
    out = Path(out_dir)
    result = ChaseDrafts(meeting=m.date)
    if cfg.email is None:
        result.warnings.append("cspkit.yaml has no email: sender, so the drafts have no From (your mail "
                               "program fills it in when you send)")
    if contacts.addresses and tracked_by_git(s.root):
        result.warnings.append("contacts.yaml is not ignored by git: add it to .gitignore, so that the "
                               "addresses stay out of the repository's history")
    _, rows = chase_status(s, m.date, contacts)
    messages: list[tuple[Path, bytes, Chase, str | None, bool]] = []
    for row in rows:
        if row.state == RECEIVED or row.organisation not in {e.organisation for e in cfg.partner_updates}:
            continue
        form = form_bytes(s, m, row.organisation, deadline=due, today=today)
        draft, to = chase_message(s, m, row.organisation, contacts=contacts, deadline=due, today=today, form=form)
        path = out / chase_file_name(m.date, row.organisation)
        data = draft.to_bytes()
        if path.exists() and not force and not (path.is_file() and path.read_bytes() == data):
            raise ConflictError(f"{path}: already exists (use --force to replace it)")
        messages.append((path, data, row, to, draft.subject.startswith("Reminder")))
        if to is None:
            who = f"{row.contact_name} ({row.organisation_name})" if row.contact_name else row.organisation_name
            result.warnings.append(f"no email address for {who} in contacts.yaml: the draft's To is empty")
        if record:
            _record_request(s, m, row.organisation, today)
    if record:
        done = Written.of(s.commit(dry_run))
        result.written, result.dry_run, result.texts = done["written"], done["dry_run"], done["texts"]
    for path, data, row, to, reminder in messages:
        if not dry_run:
            write_output(path, data, force)
        result.drafts.append(DraftWritten(row.organisation, path, to, reminder))
    return result


def _record_request(s: Session, meeting: Meeting, org: str, today: dt.date) -> None:
    """Note in the partner's update that the form was asked for ``today`` (a draft if none)."""
    path = s.path("partner-update", (meeting.date, org))
    u = s.repo.updates.get((meeting.date, org))
    if u is None:
        if path.exists():
            raise s.invalid(path)
        contact = _contact(_config(s), org)
        s.create(path, {"meeting": meeting.date, "organisation": org, "authors": [contact] if contact else [],
                        "subject": f"{s.org_name(org)} update", "requested": [today]})
        return
    if today in u.requested:
        return

    def mutate(data: dict[str, Any]) -> None:
        if isinstance(data.get("requested"), list):
            data["requested"].append(today)
        else:
            put(data, "requested", [today], PartnerUpdate)

    s.edit(path, mutate)


# --------------------------------------------------------------------------- outputs


def forms_output(s: Session, audience: str, out: Path, formats: Sequence[str] = ()) -> list[Path]:
    """Every form cspkit can write from these records: for each meeting and expected partner, the
    blank form (pre-filled as it is sent) and, for each update on file, the form filled in from
    it. Forms go to partners only (for the output registry: ``public=False``)."""
    written: list[Path] = []
    for m in s.repo.meeting_list():
        for e in views.expected_partners(s.repo, m.date):
            path = out / form_file_name(m.date, e.organisation)
            write_output(path, form_bytes(s, m, e.organisation, today=m.date), True)
            written.append(path)
    for (day, org), u in sorted(s.repo.updates.items()):
        meeting = s.repo.meetings.get(day)
        if meeting is not None:
            path = out / f"{day.isoformat()}-update-form-{org}-filled.docx"
            write_output(path, form_bytes(s, meeting, org, record=u, today=day), True)
            written.append(path)
    return written


def chase_drafts_output(s: Session, audience: str, out: Path, formats: Sequence[str] = ()) -> list[Path]:
    """The chasing drafts for every meeting, without recording anything (for the output registry:
    partners only, ``public=False``)."""
    written: list[Path] = []
    for m in s.repo.meeting_list():
        r = chase_drafts(s, m.date, out / m.date.isoformat(), force=True, record=False, today=m.date)
        written += [d.path for d in r.drafts]
    return written
