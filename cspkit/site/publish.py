"""``cspkit publish MEETING``: freeze the public agenda pack as circulated.

The pack is rendered once, for the public, and kept under ``published/`` in the repository
(commit it): ``<date>-agenda-pack.pdf`` and ``<date>-agenda-pack.json``, which records the
meeting, the SHA-256 of the PDF and the day it was published. The website links that file and
never renders a published pack again, so what the public downloads is what was circulated,
whatever later changes to the records or the templates. The SHA-256 is checked on every build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cspkit.errors import ConflictError, UserError
from cspkit.fileio import FileRefused, read_file, write_bytes, write_text
from cspkit.models.meeting import MeetingStatus
from cspkit.pdf import prestarted
from cspkit.render import html_to_pdf, pack_document, render_html, resolve_meeting
from cspkit.session import open_repo

PUBLISHED = "published"
#: A frozen pack larger than this is refused (a real pack is a few MB).
LIMIT = 200 * 1024 * 1024


@dataclass
class Published:
    """A frozen pack: where it is, its checksum and when it was published."""

    meeting: dt.date
    pdf: Path
    record: Path
    sha256: str
    published: dt.date
    size: int


def pack_name(day: dt.date) -> str:
    return f"{day.isoformat()}-agenda-pack.pdf"


def today() -> dt.date:
    """The publication date: ``SOURCE_DATE_EPOCH``'s day where it is set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return dt.date.today()


def published_packs(root: Path) -> dict[dt.date, Path]:
    """The records of every frozen pack under ``published/`` (by meeting date)."""
    folder = root / PUBLISHED
    out: dict[dt.date, Path] = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*-agenda-pack.json")):
        try:
            day = dt.date.fromisoformat(path.name[:10])
        except ValueError:
            continue
        out[day] = path
    return out


def read_published(root: Path, record: Path) -> tuple[Published, bytes]:
    """A frozen pack and its bytes, checked against the SHA-256 recorded when it was published."""
    rel = record.relative_to(root).as_posix()
    try:
        data: dict[str, Any] = json.loads(read_file(record, limit=64 * 1024, inside=root))
        day = dt.date.fromisoformat(data["meeting"])
        pdf = record.with_name(pack_name(day))
        info = Published(day, pdf, record, str(data["sha256"]), dt.date.fromisoformat(data["published"]),
                         int(data["bytes"]))
    except FileRefused as exc:
        raise UserError(f"{rel}: {exc.reason}") from None
    except (ValueError, KeyError, TypeError):
        raise UserError(f"{rel}: not the record of a published pack (meeting, sha256, published, bytes); "
                           "publish the pack again with cspkit publish --force") from None
    try:
        pdf_bytes = read_file(pdf, limit=LIMIT, inside=root)
    except FileNotFoundError:
        raise UserError(f"{rel}: the published pack {pdf.name} is missing; restore it from git") from None
    except FileRefused as exc:
        raise UserError(f"{PUBLISHED}/{pdf.name}: {exc.reason}") from None
    if hashlib.sha256(pdf_bytes).hexdigest() != info.sha256:
        raise UserError(f"{PUBLISHED}/{pdf.name}: its SHA-256 is not the one recorded when it was published "
                           f"({rel}): the frozen pack has been changed; restore it from git, or publish "
                           "again with cspkit publish --force")
    return info, pdf_bytes


def publish(root: Path, meeting_ref: str, force: bool = False, on: dt.date | None = None) -> Published:
    """Render the public agenda pack of a meeting as PDF and freeze it under ``published/``.

    Refuses a cancelled meeting, one with no agenda, and (without ``force``) a pack already
    published.
    """

    with prestarted(True):
        repo = open_repo(root)
        meeting = resolve_meeting(repo, meeting_ref)
        if meeting.status == MeetingStatus.cancelled:
            raise UserError(f"the meeting on {meeting.date} was cancelled: it has no pack to publish")
        if not meeting.agenda:
            raise UserError(f"the meeting on {meeting.date} has no agenda yet: there is no pack to publish")
        day = meeting.date
        folder = root / PUBLISHED
        pdf_path, record_path = folder / pack_name(day), folder / f"{day.isoformat()}-agenda-pack.json"
        if record_path.exists() and not force:
            info, _ = read_published(root, record_path)
            raise ConflictError(f"the pack for {day} was published on {info.published} "
                                f"({PUBLISHED}/{pdf_path.name}, SHA-256 {info.sha256[:12]}…); "
                                "it stays as circulated (use --force to publish it again)")
        if pdf_path.exists() and not record_path.exists() and not force:
            raise ConflictError(f"{PUBLISHED}/{pdf_path.name}: exists but has no record of being published "
                                f"({record_path.name}); use --force to replace it")
        html = render_html(repo, pack_document(repo, meeting, "public"), "pdf", "public")
        pdf = html_to_pdf(html, repo.root)
    published = on or today()
    sha = hashlib.sha256(pdf).hexdigest()
    # The PDF first, its record last: a pack whose record is missing is not published.
    write_bytes(pdf_path, pdf, overwrite=True)
    record = {"meeting": day.isoformat(), "file": pdf_path.name, "sha256": sha,
              "published": published.isoformat(), "bytes": len(pdf)}
    write_text(record_path, json.dumps(record, indent=1) + "\n", overwrite=True)
    return Published(day, pdf_path, record_path, sha, published, len(pdf))
