"""Circulating the agenda pack: the email a clerk sends most, as a draft to check and send.

``cspkit circulate MEETING --email DIR`` writes one ``.eml`` draft: to the partnership's members
and the partners named to send updates, the pack's PDF attached, or, when the PDF is larger
than ``email.attach_limit_mb``, a link to it (``email.pack_url``). Addresses come from
``contacts.yaml`` and go nowhere but into the draft; whoever has none is named in a warning.
The pack is the partners' pack: the email goes to partners, never to the public.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cspkit.contacts import load_contacts
from cspkit.dates import format_date, format_time
from cspkit.email_drafts import PDF_TYPE, Attachment, Draft, Recipient
from cspkit.errors import ConflictError, UserError
from cspkit.fileio import ANYWHERE, FileRefused, read_file
from cspkit.models.config import Config
from cspkit.models.meeting import MeetingStatus
from cspkit.render import pack_document, write_outputs
from cspkit.session import Session
from cspkit.workflows.updates import write_output

#: A PDF given with --pdf may be at most this big (a pack with many images is tens of MB).
MAX_PDF_BYTES = 200 * 1024 * 1024
MIB = 1024 * 1024


@dataclass
class Circulation:
    """The circulation draft: where it is, to whom (by name), and how the pack goes with it."""

    meeting: dt.date
    path: Path
    pdf: Path
    attached: bool
    link: str | None
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    #: People the email should reach who have no address in contacts.yaml.
    no_address: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def circulation_file_name(day: dt.date) -> str:
    return f"{day.isoformat()}-circulation.eml"


def recipients(s: Session, day: dt.date) -> tuple[list[str], list[str]]:
    """Whom the pack goes to: the members active on ``day``, then the partners' contacts who
    are not members (``partner_updates`` in cspkit.yaml), as person ids."""
    cfg = s.repo.config
    members = [pid for pid, p in s.repo.people.items() if p.member and p.active_on(day)]
    named = [e.contact for e in (cfg.partner_updates if cfg else []) if e.contact]
    partners = [pid for pid in dict.fromkeys(named)
                if pid not in members and pid in s.repo.people and s.repo.people[pid].active_on(day)]
    return members, partners


def _pdf(s: Session, day: dt.date, out: Path, pdf: Path | None, force: bool) -> tuple[Path, bytes]:
    if pdf is not None:
        try:
            return pdf, read_file(pdf, limit=MAX_PDF_BYTES, inside=ANYWHERE)  # named on the command line
        except FileNotFoundError:
            raise UserError(f"{pdf}: no such file") from None
        except FileRefused as exc:
            raise UserError(f"{pdf}: {exc.reason}") from None
    meeting = s.meeting(day)
    path = write_outputs(s.repo, pack_document(s.repo, meeting, "partners"), ["pdf"], out, "partners", force)[0]
    return path, path.read_bytes()


def circulate(s: Session, meeting: str | dt.date, out_dir: Path | str, *, pdf: Path | str | None = None,
              force: bool = False) -> Circulation:
    """Write the circulation draft for ``meeting`` into ``out_dir`` (with the pack's PDF, made
    there unless ``pdf`` names one already made)."""
    m = s.meeting(meeting)
    if m.status == MeetingStatus.cancelled:
        raise UserError(f"the meeting on {m.date} was cancelled: there is no pack to circulate")
    cfg = s.repo.config
    assert isinstance(cfg, Config)
    out = Path(out_dir)
    path = out / circulation_file_name(m.date)
    if path.exists() and not force:
        raise ConflictError(f"{path}: already exists (use --force to replace it)")
    contacts = load_contacts(s.repo)
    warnings: list[str] = []
    members, partners = recipients(s, m.date)
    to: list[Recipient] = []
    cc: list[Recipient] = []
    missing: list[str] = []
    for ids, into in ((members, to), (partners, cc)):
        for pid in ids:
            person = s.repo.people[pid]
            address = contacts.for_person(pid)
            if address:
                into.append(Recipient(person.name, address))
            else:
                missing.append(person.name)
    if missing:
        warnings.append(f"no email address in contacts.yaml for {', '.join(missing)}: add them to the draft "
                        f"by hand, or to contacts.yaml")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{out}: cannot make the folder ({exc.strerror or exc})") from None
    pdf_path, data = _pdf(s, m.date, out, Path(pdf) if pdf is not None else None, force)
    email = cfg.email
    limit = (email.attach_limit_mb if email else 10) * MIB
    attached = len(data) <= limit
    link = None
    if not attached:
        if email is None or not email.pack_url:
            raise UserError(f"the pack is {len(data) / MIB:.1f} MB, more than the {limit / MIB:g} MB that is "
                            f"attached to an email: set email.pack_url in cspkit.yaml to link to it instead")
        link = email.pack_url.replace("{date}", m.date.isoformat())
    when = format_date(m.date, cfg.conventions.agenda_date_style.value)
    start = m.start or cfg.defaults.start
    at = f" at {format_time(start, cfg.conventions.time_style.value)}" if start else ""
    venue = m.venue or cfg.defaults.venue
    lines = ["Dear all,", "",
             f"Please find {'attached' if attached else 'at the link below'} the agenda pack for the meeting of the "
             f"{cfg.partnership.name} on {when}{at}{f', {venue}' if venue else ''}."]
    if link:
        lines += ["", link]
    lines += ["", "If you cannot attend, please send your apologies, and the name of anyone attending for you, "
                  "in reply to this email.", "", "Thank you,", "",
              email.signature if email and email.signature else cfg.partnership.name]
    if email is None:
        warnings.append("cspkit.yaml has no email: sender, so the draft has no From (your mail program fills "
                        "it in when you send)")
    draft = Draft(subject=f"{cfg.partnership.short_name}: agenda pack for {when}", body="\n".join(lines) + "\n",
                  sender=email.sender if email else None, to=to, cc=cc,
                  attachments=[Attachment(pdf_path.name, data, PDF_TYPE)] if attached else [])
    write_output(path, draft.to_bytes(), force)
    return Circulation(m.date, path, pdf_path, attached, link, [r.name for r in to], [r.name for r in cc], missing,
                       warnings)


def circulation_output(s: Session, audience: str, out: Path, formats: Sequence[str] = ()) -> list[Path]:
    """The circulation draft of every meeting that is not cancelled, with its pack (for the output
    registry: partners only, ``public=False``)."""
    written: list[Path] = []
    for m in s.repo.meeting_list():
        if m.status != MeetingStatus.cancelled:
            r = circulate(s, m.date, out, force=True)
            written += [r.path, r.pdf]
    return written
