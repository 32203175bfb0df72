"""Attaching a paper to an agenda item: the file a partner sent, copied into the records.

``cspkit agenda attach MEETING ITEM FILE`` reads FILE by the one reading rule (a regular file,
no larger than ``papers.max_size_mb``), judges it as the pack will (a PDF that opens and is not
encrypted, a Word document that is one, Markdown in UTF-8), copies it to
``records/papers/MEETING/`` and records it on the item as a document paper.

A PDF with JavaScript or other actions, form fields, embedded files or multimedia is copied
without them (:func:`cspkit.render.attachments.clean_copy`: form values kept as printed) and
the result says what was removed; any other file is copied byte for byte. A Markdown paper's
images (files beside it, named relative to it) are copied with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from cspkit.documents import DocumentError, read_document
from cspkit.documents.images import ImageRefused, sniff_image
from cspkit.errors import ConflictError, NotFound, RecordError, UserError
from cspkit.fileio import ANYWHERE, FileRefused, read_file, write_bytes
from cspkit.models.config import PaperKind
from cspkit.models.meeting import AgendaItem, Meeting, Paper, SubItem, source_kind_problem
from cspkit.render.attachments import AttachmentRefused, active_message, clean_copy, inspect_pdf, size_text
from cspkit.render.papers import image_targets, is_local, safe_file_name
from cspkit.session import Session
from cspkit.workflows._common import Written, put

MIB = 1024 * 1024


@dataclass
class AttachResult(Written):
    """A paper attached: where its copy is, what it is, and what was removed from it."""

    date: dt.date
    item: str
    item_title: str
    source: str  # relative to the records folder, as the meeting records it
    kind: str  # PDF, Word document, Markdown
    size: str
    pages: int | None = None
    removed: list[str] = field(default_factory=list)
    copied: list[str] = field(default_factory=list)  # images copied with a Markdown paper
    replaced: bool = False


def _target(m: Meeting, number: str, sub: str | None) -> tuple[int, int | None, AgendaItem, SubItem | None]:
    """The agenda item (and sub-item) a paper goes under: index, sub-index, item, sub-item."""
    number = str(number).strip()
    i = next((n for n, it in enumerate(m.agenda) if it.number == number), None)
    if i is None:
        numbers = ", ".join(it.number for it in m.agenda)
        raise NotFound(f"the meeting on {m.date} has no item {number} (items: {numbers or 'none'})")
    item = m.agenda[i]
    if sub is None:
        return i, None, item, None
    sub = sub.strip()
    for k, s in enumerate(item.sub_items):
        if s.number == sub or (s.number is None and sub.isdigit() and int(sub) == k + 1):
            return i, k, item, s
    have = ", ".join(s.number or str(k + 1) for k, s in enumerate(item.sub_items)) or "none"
    raise NotFound(f"item {number} of {m.date} has no sub-item {sub} (sub-items: {have})")


def attach_paper(s: Session, meeting: str | dt.date, item: str, file: Path | str, *, title: str | None = None,
                 restricted: bool = False, sub_item: str | None = None, force: bool = False,
                 dry_run: bool = False) -> AttachResult:
    """Copy ``file`` under ``records/papers/MEETING/`` and record it as a paper of item ``item``.

    ``force`` replaces a paper of the same name already there (a new version of the same
    report: the item keeps one entry). Nothing is written with ``dry_run``.
    """
    m = s.meeting(meeting)
    i, k, agenda_item, sub = _target(m, item, sub_item)
    source_path = Path(file)
    suffix = source_path.suffix.lower()
    shown = str(file)
    problem = source_kind_problem(source_path.name)
    if problem:
        raise UserError(f"{shown}: {problem}")
    limit = (s.repo.config.papers.max_size_mb if s.repo.config else 50) * MIB
    try:
        data = read_file(source_path, limit=limit, inside=ANYWHERE)
    except FileNotFoundError:
        raise NotFound(f"{shown}: no such file") from None
    except FileRefused as exc:
        extra = " (papers.max_size_mb in cspkit.yaml)" if exc.code == "size" else ""
        raise UserError(f"{shown}: {exc.reason}{extra}") from None
    where = f"item {agenda_item.number} ({agenda_item.title})"
    removed: list[str] = []
    pages = None
    images: list[tuple[str, bytes]] = []
    if suffix == ".pdf":
        max_pages = s.repo.config.papers.max_pages if s.repo.config else 500
        try:
            pdf = inspect_pdf(data, shown, max_pages=max_pages)
        except AttachmentRefused as exc:
            raise UserError(f"{shown}: not attached to {where}: it {exc.reason}") from None
        pages = pdf.pages
        if pdf.active:
            removed = list(pdf.active)
            data = clean_copy(pdf)
        kind = "PDF"
    elif suffix == ".docx":
        try:
            read_document(source_path, name=shown, figures=True, data=data)
        except DocumentError as exc:
            raise UserError(f"not attached to {where}: {exc}") from None
        kind = "Word document"
    else:
        try:
            text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise UserError(f"{shown}: not attached to {where}: not UTF-8 text (byte 0x{data[exc.start]:02x} on "
                            f"line {line}); save it as UTF-8") from None
        for target in [t for t in image_targets(text) if is_local(t)]:
            rel = PurePosixPath(target)
            if ".." in rel.parts:
                raise UserError(f"{shown}: not attached to {where}: it shows the image {target}, outside its folder "
                                "(put the images beside it, or in a folder under it)")
            image = source_path.parent / target
            try:
                image_data = read_file(image, limit=limit, inside=ANYWHERE)
                sniff_image(image_data)
            except FileNotFoundError:
                raise NotFound(f"{shown}: not attached to {where}: it shows the image {target}, which does not "
                               "exist") from None
            except (FileRefused, ImageRefused) as exc:
                raise UserError(f"{shown}: not attached to {where}: the image {target} "
                                f"{getattr(exc, 'reason', str(exc))}") from None
            images.append((target, image_data))
        kind = "Markdown"

    name = safe_file_name(source_path.name)
    source = f"papers/{m.date.isoformat()}/{name}"
    copy = s.records / source
    recorded = [p for p in (sub.papers if sub is not None else agenda_item.papers) if p.source == source]
    elsewhere = [f"item {it.number}" for it in m.agenda
                 if any(p.source == source for p in it.all_papers())
                 and not recorded]
    if elsewhere:
        raise ConflictError(f"{source} is already the paper of {elsewhere[0]}: give this file another name")
    exists = copy.exists()
    if (exists or recorded) and not force:
        what = f"{s.rel(copy)} already exists" if exists else f"{where} already has the paper {source}"
        raise ConflictError(f"{what} (use --force to replace it)")
    path = s.path("meeting", m.date)

    def mutate(doc: Any) -> None:
        node = doc["agenda"][i]
        if k is not None:
            node = node["sub_items"][k]
        papers = node.get("papers")
        if papers is None:
            put(node, "papers", [], SubItem if k is not None else AgendaItem)
            papers = node["papers"]
        entry = next((p for p in papers if isinstance(p, dict) and p.get("source") == source), None)
        if entry is None:
            entry = {"kind": PaperKind.document.value}
            papers.append(entry)
        if title:
            put(entry, "title", " ".join(title.split()), Paper)
        put(entry, "source", source, Paper)
        if restricted:
            put(entry, "restricted", True, Paper)

    s.edit(path, mutate)
    if dry_run:
        texts = {c.path: (c.old_text, c.text) for c in s.changes.values()}
        try:
            done = Written.of(s.commit(dry_run=True))
        except RecordError as exc:
            # The copy is not there yet (nothing is written in a dry run): that is not a problem.
            rest = [p for p in exc.problems if not (p.code.value == "missing-file" and source in p.message)]
            if rest:
                raise RecordError(rest) from None
            done = {"written": list(texts), "dry_run": True, "texts": texts}
    else:
        old = copy.read_bytes() if exists else None
        written_copies: list[tuple[Path, bytes | None]] = [(copy, old)]
        write_bytes(copy, data, overwrite=force)
        try:
            for target, image_data in images:
                image_copy = copy.parent / target
                written_copies.append((image_copy, image_copy.read_bytes() if image_copy.exists() else None))
                write_bytes(image_copy, image_data, overwrite=True)
            done = Written.of(s.commit())
        except BaseException:
            for p, before in reversed(written_copies):  # the records as they were: no copy without its entry
                if before is None:
                    p.unlink(missing_ok=True)
                else:
                    write_bytes(p, before, overwrite=True)
            raise
        done["written"] = [*done["written"], copy, *(copy.parent / t for t, _ in images)]
    return AttachResult(date=m.date, item=agenda_item.number, item_title=agenda_item.title, source=source, kind=kind,
                        size=size_text(len(data)), pages=pages, removed=[active_message([r]) for r in
                                                                          dict.fromkeys(removed)],
                        copied=[t for t, _ in images], replaced=exists, **done)


__all__ = ["AttachResult", "attach_paper"]
