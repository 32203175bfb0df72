"""Rendering: agenda packs, minutes, action logs, forward programmes, PSA trackers, updates.

``render(repo, doc, ...)`` builds the document's view (:mod:`cspkit.render.context`),
renders it through Jinja templates for each format and writes the files atomically.
PDF is HTML printed by WeasyPrint with CSS paged media, so "attached at page N" and
"(Pages N - M)" are page counters resolved by the layout engine itself.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cspkit.dates import format_date, iso_date
from cspkit.errors import ConflictError, CspkitError, NotFound, UsageError, UserError
from cspkit.fileio import ANYWHERE, FileRefused, cannot_write, read_file, read_text, write_bytes, write_text
from cspkit.lookup import organisation_index
from cspkit.models.meeting import Meeting, MeetingStatus
from cspkit.pdf import font_faces, make_pdf, prestarted
from cspkit.render import papers
from cspkit.render.charts import indicator_chart
from cspkit.render.context import Builder
from cspkit.render.env import make_env, svg_data_uri
from cspkit.render.images import MAX_IMAGE_BYTES
from cspkit.render.repo_templates import template_error
from cspkit.repo import Repo
from cspkit.session import open_repo
from cspkit.yaml.locate import compose, locate

FORMATS = ("pdf", "html", "md")
MANIFEST = ".cspkit-outputs.json"


@dataclass
class Document:
    """What to render: a template stem, an output file stem and the template context."""

    template: str
    stem: str
    context: dict[str, Any]


def resolve_meeting(repo: Repo, ref: str | None, today: dt.date | None = None, *,
                    with_minutes: bool = False) -> Meeting:
    """A meeting from ``YYYY-MM-DD``, ``next`` (the next scheduled one) or ``latest``.

    ``with_minutes``: ``latest`` is the latest meeting whose minutes are in the records (the
    one ``render minutes latest`` means), never a meeting still to be held.
    """
    today = today or dt.date.today()
    meetings = repo.meeting_list()
    if not meetings:
        raise NotFound("there are no meetings in records/meetings/")
    if ref in (None, "next"):
        upcoming = [m for m in meetings if m.status == MeetingStatus.scheduled and m.date >= today]
        if not upcoming:
            latest = meetings[-1].date
            raise NotFound(f"no scheduled meeting on or after {today} (the latest meeting is {latest}: "
                           f"give its date, or 'latest'; cspkit new-meeting sets up the next one)")
        return upcoming[0]
    if ref == "latest":
        if with_minutes:
            minuted = [m for m in meetings if m.minutes is not None and not m.minutes.external]
            if not minuted:
                raise NotFound("no meeting has minutes in the records yet (cspkit minutes start MEETING)")
            return minuted[-1]
        live = [m for m in meetings if m.status != MeetingStatus.cancelled]
        return (live or meetings)[-1]
    try:
        day = iso_date(str(ref))
    except ValueError:
        raise UserError(f"meeting '{ref}' is not a date (YYYY-MM-DD), 'next' or 'latest'") from None
    if day not in repo.meetings:
        near = ", ".join(str(m.date) for m in meetings[-5:])
        raise NotFound(f"no meeting on {day} (records/meetings/{day}.yaml does not exist; meetings: {near})")
    return repo.meetings[day]


def parse_formats(value: str) -> list[str]:
    """``pdf``, ``html``, ``md``, a comma list, or ``all``."""
    if value == "all":
        return list(FORMATS)
    formats = [v.strip() for v in value.split(",") if v.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise UsageError(f"unknown format '{', '.join(bad) or value}' (use pdf, html, md, a comma list, or all)")
    return list(dict.fromkeys(formats))


# --------------------------------------------------------------------------- documents


def pack_document(repo: Repo, meeting: Meeting, audience: str) -> Document:
    ctx = Builder(repo, audience).pack(meeting)
    return Document("pack", f"{meeting.date.isoformat()}-agenda-pack", ctx)


def minutes_document(repo: Repo, meeting: Meeting, audience: str) -> Document:
    if meeting.minutes is not None and meeting.minutes.external:
        raise NotFound(f"the minutes of {meeting.date} are not kept in these records: {meeting.minutes.external}")

    b = Builder(repo, audience)
    return Document("minutes", f"{meeting.date.isoformat()}-minutes", {"minutes": b.minutes(meeting), "meeting": meeting})


def action_log_document(repo: Repo, as_of: dt.date, audience: str) -> Document:
    return Document("action-log", f"action-log-{as_of.isoformat()}",
                    {"log": Builder(repo, audience).action_log(as_of), "as_of": as_of})


def programme_document(repo: Repo, as_of: dt.date | None, audience: str,
                       today: dt.date | None = None) -> Document:
    """The forward programme as at ``as_of``; by default as at the next meeting, which it is for."""
    if as_of is None:
        today = today or dt.date.today()
        upcoming = [m.date for m in repo.meeting_list() if m.status == MeetingStatus.scheduled and m.date >= today]
        scheduled = [s.date for s in (repo.config.schedule if repo.config else []) if s.date and s.date >= today]
        as_of = min(upcoming + scheduled, default=today)
    return Document("forward-programme", "forward-programme",
                    {"programme": Builder(repo, audience).forward_programme(as_of), "as_of": as_of})


def psa_document(repo: Repo, year: int | None, audience: str) -> Document:
    if not repo.psa:
        raise NotFound("there is no PSA in records/psa/")
    year = year or max(repo.psa)
    if year not in repo.psa:
        raise NotFound(f"no PSA for {year} (records/psa/{year}.yaml; years: {', '.join(map(str, sorted(repo.psa)))})")
    return Document("psa", f"psa-{year}", {"tracker": Builder(repo, audience).psa(repo.psa[year])})


def update_document(repo: Repo, meeting: Meeting, organisation: str, audience: str) -> Document:
    oid = organisation_index(repo.organisations).resolve(organisation)
    u = repo.updates.get((meeting.date, oid))
    if u is None:
        have = ", ".join(o for (d, o) in repo.updates if d == meeting.date) or "none"
        raise NotFound(f"no update from '{oid}' for {meeting.date} (updates for that meeting: {have})")
    b = Builder(repo, audience)
    if b.hidden(u):
        raise NotFound(f"the update from '{oid}' is restricted to partners; it has no public rendering")
    return Document("update", f"{meeting.date.isoformat()}-update-{oid}", {"update": b.update(u), "meeting": meeting})


# --------------------------------------------------------------------------- output


def render_html(repo: Repo, doc: Document, fmt: str = "html", audience: str = "partners") -> str:
    assert repo.config is not None
    env = make_env(repo.root, repo.config.conventions, fmt)
    try:
        return _render_template(repo, env, doc, fmt, audience)
    except Exception as exc:
        located = None if isinstance(exc, CspkitError) else template_error(exc, repo.root)
        if located is None:
            raise
        raise located from None


def _render_template(repo: Repo, env: Any, doc: Document, fmt: str, audience: str) -> str:
    assert repo.config is not None
    conv = repo.config.conventions
    template = env.get_template(f"{doc.template}.{'md' if fmt == 'md' else 'html'}.j2")
    meeting = doc.context.get("meeting")
    day = meeting.date if meeting is not None else doc.context.get("as_of")
    defaults = repo.config.defaults
    extra = {
        "running": {"left": repo.config.partnership.name,
                    "right": format_date(day, conv.text_date_style.value) if day else ""},
        "venue": (meeting.venue if meeting is not None and meeting.venue else defaults.venue) or "",
        "start": (meeting.start if meeting is not None and meeting.start else defaults.start),
        "logo": _logo(repo, fmt),
        "fonts": font_faces() if fmt == "pdf" else [],
    }
    return template.render(cfg=repo.config, partnership=repo.config.partnership, audience=audience,
                           charts=_chart_maker(fmt, doc), **extra, **doc.context)


def _logo(repo: Repo, fmt: str) -> dict[str, str] | None:
    """The crest or logo named in cspkit.yaml: a file the PDF reads from the repository, or
    inline data in HTML so the page carries it wherever it is sent. Markdown goes without."""
    import base64
    import mimetypes

    logo = repo.config.conventions.logo if repo.config else None
    if logo is None or fmt == "md":
        return None
    root = repo.root
    path = root / logo.path
    try:  # by the one reading rule, for the PDF too (inline data: the PDF build fetches nothing)
        content = read_file(path, limit=MAX_IMAGE_BYTES, inside=root)
    except (FileNotFoundError, FileRefused) as exc:
        why = f" ({exc.reason})" if isinstance(exc, FileRefused) else ""
        config = read_text(root / "cspkit.yaml", limit=MAX_IMAGE_BYTES, inside=root)
        line, col = locate(compose(config), ("conventions", "logo", "path"))
        raise NotFound(f"cspkit.yaml:{line}:{col}: conventions.logo.path: {logo.path} is not a file inside the "
                       f"repository{why}") from None
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    data = base64.b64encode(content).decode("ascii")
    return {"src": f"data:{kind};base64,{data}", "alt": logo.alt}


def _chart_maker(fmt: str, doc: Document) -> Callable[[dict], str]:
    """Charts: an inline data URI in HTML/PDF; a linked SVG file next to a Markdown file."""
    def chart(row: dict) -> str:
        svg = indicator_chart(row["series"], row["unit"], chart_id=f"chart-{row['id']}")
        if fmt == "md":
            doc.context.setdefault("_assets", {})[f"{doc.stem}-charts/{row['id']}.svg"] = svg
            return f"{doc.stem}-charts/{row['id']}.svg"
        return svg_data_uri(svg)

    return chart


def render_document(root: Path, make_doc: Callable[[Repo], Document], formats: str, out_dir: Path,
                    audience: str = "partners", force: bool = False,
                    progress: Callable[[str], None] | None = None) -> list[Path]:
    """Open the repository at ``root``, build a document with ``make_doc`` and write it in each
    of ``formats`` (``pdf,html`` …) into ``out_dir``; return the paths written.

    For a PDF, WeasyPrint is imported in a worker process while the records load.
    """
    wanted = parse_formats(formats)
    with prestarted("pdf" in wanted):
        repo = open_repo(root)
        doc = make_doc(repo)
        return write_outputs(repo, doc, wanted, out_dir, audience, force, progress)


def write_outputs(repo: Repo, doc: Document, formats: list[str], out_dir: Path, audience: str,
                  force: bool = False, progress: Callable[[str], None] | None = None) -> list[Path]:
    """Render ``doc`` in each format into ``out_dir``; return the paths written.

    Files cspkit wrote before (listed in the folder's manifest) are replaced; any other
    existing file is left alone unless ``force``.
    """
    _output_folder(out_dir)
    owned = _read_manifest(out_dir)
    suffix = "" if audience == "partners" else f"-{audience}"
    written: list[Path] = []
    for fmt in formats:
        if progress:
            progress(f"{doc.stem}{suffix}.{fmt}")
        # Papers from files (issue 18): PDF papers, Word figures and Markdown images beside HTML and Markdown.
        beside = {rel: data for rel, data in papers.output_files(doc.context, fmt, f"{doc.stem}{suffix}").items()
                  if out_dir / rel not in written}
        text = render_html(repo, doc, fmt, audience)
        target = out_dir / f"{doc.stem}{suffix}.{fmt}"
        _guard(target, owned, force)
        for rel in beside:
            _guard(out_dir / rel, owned, force)
        if fmt == "pdf":
            write_bytes(target, html_to_pdf(text, repo.root), overwrite=True)
        else:
            write_text(target, text, overwrite=True)
        written.append(target)
        for rel, data in beside.items():
            write_bytes(out_dir / rel, data, overwrite=True)
            written.append(out_dir / rel)
        for rel, svg in doc.context.pop("_assets", {}).items():
            asset = out_dir / rel
            _guard(asset, owned, force)
            write_text(asset, svg, overwrite=True)
            written.append(asset)
    _write_manifest(out_dir, owned | {p.relative_to(out_dir).as_posix() for p in written})
    return written


def html_to_pdf(html: str, base: Path) -> bytes:
    """The PDF of ``html`` (see :mod:`cspkit.pdf`: WeasyPrint, fetching only inside ``base``), with the
    pages of the PDF papers it reserves pages for (:func:`cspkit.render.papers.merge_attached`)."""
    return papers.merge_attached(make_pdf(html, base), html, base)


def _guard(target: Path, owned: set[str], force: bool) -> None:
    if target.exists() and not force and target.relative_to(target.parent).as_posix() not in owned and \
            target.name not in owned and not _in(owned, target):
        raise ConflictError(f"{target}: exists and was not written by cspkit (use --force to replace it)")


def _in(owned: set[str], target: Path) -> bool:
    return any(target.as_posix().endswith("/" + o) for o in owned)


def _output_folder(out_dir: Path) -> None:
    """Make the output folder; a path under a file, under /proc or read-only is one line, exit 1."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{out_dir}: is a file, not a folder (--output names the folder to write into)")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(out_dir, exc) from None


def _read_manifest(out_dir: Path) -> set[str]:
    """The files cspkit wrote in ``out_dir`` before (by the one reading rule: never a pipe)."""
    try:
        names = json.loads(read_file(out_dir / MANIFEST, limit=1 << 20, inside=ANYWHERE))
        return {n for n in names if isinstance(n, str)}
    except (OSError, ValueError, TypeError, FileRefused):
        return set()


def _write_manifest(out_dir: Path, names: set[str]) -> None:
    write_text(out_dir / MANIFEST, json.dumps(sorted(names), indent=1) + "\n", overwrite=True)


