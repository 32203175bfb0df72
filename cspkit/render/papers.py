"""Document papers from their files: PDF and Word papers in a pack, images in Markdown papers.

A document paper's ``source`` names a file under the records folder:

- **PDF** (``.pdf``): read by the one reading rule, judged (:mod:`cspkit.render.attachments`)
  and, in the PDF pack, its own pages put in agenda order, stamped with the pack's running
  header and page numbers (:mod:`cspkit.render.pdf_merge`); the front sheet's page numbers
  and ranges, odd-page padding and bookmarks count every one of its pages. HTML and Markdown
  packs link a copy of it (``<pack>-papers/``), with its page count and size.
- **Word** (``.docx``): read by the Word reader (:mod:`cspkit.documents`) and set in the
  pack's own styles (:mod:`cspkit.render.word_papers`), figures included.
- **Markdown** (``.md``): its images (PNG, JPEG, SVG), relative to the paper, must be files
  inside the repository; the PDF carries them, HTML and Markdown packs get copies beside them.

Anything wrong with a paper's file is one located problem at the paper's ``source`` in the
meeting's file, naming the agenda item; the command exits 1 and writes nothing.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape as html_unescape
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from cspkit.errors import Problem, ProblemCode, RecordError, UserError
from cspkit.fileio import FileRefused, read_file
from cspkit.load import finish
from cspkit.models.meeting import AgendaItem, Meeting, Paper

# The Word reader, the PDF reader and the merge are imported where a paper of their kind is read:
# many commands (a site rebuild, a pack of Markdown papers) read none, and importing them costs
# about 30 ms.
if TYPE_CHECKING:  # pragma: no cover
    from cspkit.render.attachments import PdfPaper
    from cspkit.repo import Repo

MIB = 1024 * 1024

#: What a PDF paper looks like in the pack's HTML: the pages it reserves in the layout.
_RESERVED = re.compile(r'<div class="attached-page" id="([^"]+)" data-paper="([^"]+)" data-role="([a-z]+)" '
                       r'data-orientation="([a-z]+)"(?: data-source="([^"]*)" data-sha256="([0-9a-f]{64})" '
                       r'data-label="([^"]*)")?')


def attachment_kind(source: str | None) -> str:
    """The kind of view a document paper's file makes: attachment (PDF), word (.docx) or document (Markdown)."""
    suffix = PurePosixPath(source or "").suffix.lower()
    return {".pdf": "attachment", ".docx": "word"}.get(suffix, "document")


# --------------------------------------------------------------------------- locating a problem


def _paper_loc(meeting: Meeting, paper: Paper) -> tuple[Any, ...]:
    return next(((*loc, "source") for loc, p in meeting.paper_places() if p is paper), ("agenda",))


def paper_problem(repo: Repo, meeting: Meeting, item: AgendaItem, paper: Paper, message: str,
                  code: ProblemCode = ProblemCode.paper) -> RecordError:
    """The located error for ``paper``'s file: ``meetings/…yaml:L:C: agenda[i].papers[j].source: item N …``."""
    file, loc = repo.where(meeting, *_paper_loc(meeting, paper))
    records = repo.config.records_dir if repo.config else "records"
    text = f"item {item.number} ({item.title}): {records}/{paper.source} {message}"
    return RecordError(finish(repo, [Problem(file, message=text, loc=loc, code=code)]))


def read_paper_file(repo: Repo, meeting: Meeting, item: AgendaItem, paper: Paper) -> bytes:
    """The bytes of ``paper``'s file, by the one reading rule and the size limit in cspkit.yaml."""
    limit = (repo.config.papers.max_size_mb if repo.config else 50) * MIB
    source = paper.source or ""
    pure = PurePosixPath(source.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts or "\0" in source:
        raise paper_problem(repo, meeting, item, paper, "is not a path inside the records folder",
                            ProblemCode.unreadable)
    try:
        return read_file(repo.records_dir / source, limit=limit, inside=repo.root)
    except FileNotFoundError:
        raise paper_problem(repo, meeting, item, paper, "does not exist", ProblemCode.missing_file) from None
    except FileRefused as exc:
        reason = exc.reason
        if exc.code == "size":
            reason += " (papers.max_size_mb in cspkit.yaml)"
        raise paper_problem(repo, meeting, item, paper, f"cannot be read: {reason}",
                            ProblemCode.unreadable) from None


# --------------------------------------------------------------------------- PDF papers: a cache by content


_OPENED: dict[str, PdfPaper] = {}
_OPENED_LIMIT = 512 * MIB


def _remember(sha: str, paper: PdfPaper) -> None:
    """Keep ``paper`` opened for the merge that follows in this process (bounded by size)."""
    if sum(p.size for p in _OPENED.values()) + paper.size > _OPENED_LIMIT:
        _OPENED.clear()
    _OPENED[sha] = paper


def open_pdf_paper(data: bytes, name: str, max_pages: int) -> tuple[PdfPaper, str]:
    """``data`` opened as a PDF paper (once per content in this process) and its SHA-256."""
    sha = hashlib.sha256(data).hexdigest()
    known = _OPENED.get(sha)
    if known is not None:
        return known, sha
    from cspkit.render.attachments import inspect_pdf

    paper = inspect_pdf(data, name, max_pages=max_pages)
    _remember(sha, paper)
    return paper, sha


# --------------------------------------------------------------------------- the paper's view


def document_view(builder: Any, meeting: Meeting, item: AgendaItem, paper: Paper, view: Any) -> Any:
    """The view of a document paper (PDF, Word or Markdown), its file read and judged.

    ``builder`` is the pack's :class:`cspkit.render.context.Builder`, ``view`` the paper's
    ``PaperView`` (filled in and returned).
    """
    repo = builder.repo
    kind = attachment_kind(paper.source)
    data = read_paper_file(repo, meeting, item, paper)
    source = f"{repo.config.records_dir if repo.config else 'records'}/{paper.source}"
    name = PurePosixPath(paper.source or "").name
    if kind == "attachment":
        from cspkit.render.attachments import AttachmentRefused, active_message, size_text
        from cspkit.render.pdf_merge import reserve

        max_pages = repo.config.papers.max_pages if repo.config else 500
        try:
            pdf, sha = open_pdf_paper(data, source, max_pages)
        except AttachmentRefused as exc:
            raise paper_problem(repo, meeting, item, paper, exc.reason) from None
        if pdf.active:
            raise paper_problem(repo, meeting, item, paper, (
                f"contains {active_message(pdf.active)}, which a pack never carries: attach it again with "
                f"`cspkit agenda attach {meeting.date} {item.number} FILE --force`, which stores a copy without "
                "them (form fields are kept as printed), or ask its author for a plain PDF"))
        view.kind = "attachment"
        view.data = {"reservation": reserve(view.anchor, pdf), "source": source, "sha256": sha, "pages": pdf.pages,
                     "size": size_text(pdf.size), "file": name, "href": name, "bytes": data}
    elif kind == "word":
        from cspkit.documents import DocumentError, read_document
        from cspkit.render.word_papers import data_uri

        try:
            document = read_document(repo.records_dir / (paper.source or ""), name=source, figures=True, data=data)
        except DocumentError as exc:
            where = f" at {exc.location.format('').lstrip(': ')}" if exc.location else ""
            raise paper_problem(repo, meeting, item, paper, f"{exc.reason}{where}") from None
        view.kind = "word"
        if not paper.title and document.properties.get("title"):
            view.title = document.properties["title"]
        view.data = {"document": document, "html": _html_of(document, data_uri), "markdown": ""}
    else:
        try:
            text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise paper_problem(repo, meeting, item, paper, f"is not UTF-8 text (byte 0x{data[exc.start]:02x} on "
                                                            f"line {line}): save it as UTF-8",
                                ProblemCode.encoding) from None
        view.data = markdown_data(text, list(markdown_images(repo, meeting, item, paper, text)))
    return view


def markdown_data(text: str, images: list[MarkdownImage]) -> dict[str, Any]:
    """A Markdown paper's view data: its text as the PDF shows it (images inline or by their path
    in the repository), as written, and its images (HTML and Markdown packs get copies)."""
    return {"markdown": with_images(text, images, lambda im: im.data_uri_or_path), "source_markdown": text,
            "images": images}


def _html_of(document: Any, image_src: Any) -> Any:
    """The Word paper's HTML for a template, which gives its first heading's level
    (``p.data.html(hl + 1)``: the pack decides where the paper sits in its outline)."""

    from cspkit.render.word_papers import document_html

    def html(level: int = 3) -> Any:
        return document_html(document, image_src, top=level)

    return html


# --------------------------------------------------------------------------- Markdown papers' images

_IMAGE = re.compile(r"(!\[(?:[^\[\]\\]|\\.)*\]\(\s*)(<[^<>\n]*>|[^\s()<>]+)((?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\))")
_REFERENCE = re.compile(r"^( {0,3}\[(?:[^\[\]\\]|\\.)+\]:[ \t]*)(<[^<>\n]*>|\S+)", re.M)


@dataclass
class MarkdownImage:
    """An image a Markdown paper shows: as written, the file it names, and what it is."""

    written: str
    path: Path
    rel: str  # from the repository root
    data: bytes
    media_type: str

    @property
    def data_uri_or_path(self) -> str:
        """For the PDF: PNG and JPEG inline; SVG by its path from the repository root (the PDF
        build reads only inside the repository)."""
        if self.media_type == "image/svg+xml":
            return quote(self.rel)
        return f"data:{self.media_type};base64," + base64.b64encode(self.data).decode("ascii")


def _targets(text: str) -> Iterator[str]:
    for m in _IMAGE.finditer(text):
        yield m.group(2)


def is_local(target: str) -> bool:
    """Whether an image's destination names a file beside the paper (not a URL, not an absolute path)."""
    return not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) and not target.startswith(("/", "\\", "#"))


def image_targets(text: str) -> list[str]:
    """The images a Markdown text shows, as written (angle brackets taken off), each once."""
    return list(dict.fromkeys(t[1:-1] if t.startswith("<") else t for t in _targets(text)))


def markdown_images(repo: Repo, meeting: Meeting, item: AgendaItem, paper: Paper, text: str) -> Iterator[MarkdownImage]:
    """The images ``text`` (a Markdown paper) shows; an image that is not a PNG, JPEG or SVG file
    inside the repository is a located problem at the paper."""
    from cspkit.documents.images import ImageRefused, sniff_image

    folder = (repo.records_dir / (paper.source or "")).parent
    limit = (repo.config.papers.max_size_mb if repo.config else 50) * MIB
    seen: set[str] = set()
    for written in _targets(text):
        target = written[1:-1] if written.startswith("<") else written
        if target in seen:
            continue
        seen.add(target)
        if not is_local(target):
            raise paper_problem(repo, meeting, item, paper, f"shows the image {target[:80]}, which is not a file "
                                                            "beside it: papers show only images inside the repository")
        path = folder / unquote(target)
        try:
            data = read_file(path, limit=limit, inside=repo.root)
            info = sniff_image(data)
        except FileNotFoundError:
            raise paper_problem(repo, meeting, item, paper, f"shows the image {target}, which does not exist",
                                ProblemCode.missing_file) from None
        except FileRefused as exc:
            raise paper_problem(repo, meeting, item, paper, f"shows the image {target}, which cannot be read: "
                                                            f"{exc.reason}", ProblemCode.unreadable) from None
        except ImageRefused as exc:
            raise paper_problem(repo, meeting, item, paper, f"shows the image {target}, which {exc}") from None
        rel = path.resolve().relative_to(repo.root.resolve()).as_posix()
        yield MarkdownImage(written, path, rel, data, info.media_type)


def with_images(text: str, images: list[MarkdownImage], where: Any) -> str:
    """``text`` with each image's destination replaced by ``where(image)`` (a URL with no spaces)."""
    if not images:
        return text
    by_written = {im.written: im for im in images}

    def swap(m: re.Match[str]) -> str:
        im = by_written.get(m.group(2))
        return m.group(1) + (where(im) if im is not None else m.group(2)) + m.group(3)

    return _IMAGE.sub(swap, text)


def safe_file_name(name: str) -> str:
    """A file name fit for a link: letters, digits, dots, dashes and underscores; its ending in lower case."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "paper"
    suffix = re.sub(r"[^A-Za-z0-9]+", "", suffix).lower()
    return f"{stem}.{suffix}" if suffix else stem


# --------------------------------------------------------------------------- each output format


def unique_name(name: str, used: set[str], prefix: str) -> str:
    """``name``, or ``prefix-name`` (numbered on) where ``used`` has it already; kept in ``used``."""
    if name not in used:
        used.add(name)
        return name
    name = f"{prefix}-{name}"
    used.add(name)
    return name


def output_files(context: dict[str, Any], fmt: str, stem: str) -> dict[str, bytes]:
    """Make the pack's papers ready for ``fmt`` and return the files that go beside it.

    PDF: nothing beside it (Word figures and Markdown images are inline). HTML and Markdown:
    each PDF paper's copy, Word figures and Markdown images, in ``<stem>-papers/``, which the
    pack links.
    """
    from cspkit.render.word_papers import data_uri, document_markdown

    files: dict[str, bytes] = {}
    used: set[str] = set()
    folder = f"{stem}-papers"
    for view in context.get("papers", []) or []:
        if view.kind == "attachment":
            name = unique_name(safe_file_name(view.data["file"]), used, view.anchor)
            view.data["href"] = f"{folder}/{name}"
            if fmt != "pdf":
                files[view.data["href"]] = view.data["bytes"]
        elif view.kind == "word":
            document = view.data["document"]

            written: set[str] = set()

            def beside(figure: Any, number: int, view: Any = view, written: set[str] = written) -> str:
                name = unique_name(f"{view.anchor}-figure-{number}{'.png' if figure.media_type == 'image/png' else '.jpg'}",
                               used, view.anchor)
                files[f"{folder}/{name}"] = figure.data
                written.add(f"{folder}/{name}")
                return f"{folder}/{name}"

            if fmt == "pdf":
                view.data["html"] = _html_of(document, data_uri)
            elif fmt == "html":
                view.data["html"] = _html_of(document, beside)
            else:
                view.data["markdown"] = document_markdown(document, beside)
                view.data["beside"] = frozenset(written)  # the only links the pack's filters keep as written
        elif view.kind == "document" and view.data.get("images"):
            images = view.data["images"]
            if fmt == "pdf":
                view.data["markdown"] = with_images(view.data["source_markdown"], images, lambda im: im.data_uri_or_path)
            else:
                names: dict[str, str] = {}
                for im in images:
                    names[im.written] = f"{folder}/" + unique_name(f"{view.anchor}-{safe_file_name(im.path.name)}", used,
                                                               view.anchor)
                    files[names[im.written]] = im.data
                view.data["markdown"] = with_images(view.data["source_markdown"], images,
                                                     lambda im, names=names: names[im.written])
                view.data["beside"] = frozenset(names.values())  # the only links the pack's filters keep as written
    return files


# --------------------------------------------------------------------------- the PDF


def merge_attached(pdf: bytes, html: str, base: Path) -> bytes:
    """``pdf`` (made from ``html``) with the pages of every PDF paper it reserved pages for.

    The pack's HTML names each PDF paper's file and its SHA-256, so any PDF made from it gets
    the papers, however it was rendered; a paper opened while the pack was built is taken from
    this process, any other is read again (and must not have changed meanwhile).
    """
    if 'class="attached-page"' not in html:
        return pdf
    from cspkit.render.attachments import inspect_pdf
    from cspkit.render.pdf_merge import Reservation, Reserved, merge

    groups: dict[str, Reservation] = {}
    for rid, anchor, role, orientation, source, sha, label in _RESERVED.findall(html):
        source = html_unescape(source)
        res = groups.get(anchor)
        if res is None:
            if role != "first" or not source:
                raise UserError(f"the pack's HTML reserves pages for a paper ({anchor}) without naming its file")
            paper = _OPENED.get(sha)
            if paper is None:
                try:
                    data = read_file(base / source, limit=1024 * MIB, inside=base)
                except (FileNotFoundError, FileRefused) as exc:
                    raise UserError(f"{source}: cannot be read ({getattr(exc, 'reason', 'not found')})") from None
                if hashlib.sha256(data).hexdigest() != sha:
                    raise UserError(f"{source}: changed while the pack was being made; render it again")
                paper = inspect_pdf(data, source, max_pages=10**6)
                _remember(sha, paper)
            res = groups[anchor] = Reservation(anchor, paper, label=html_unescape(label))
        res.pages.append(Reserved(rid, "", role, orientation == "landscape"))
    return merge(pdf, list(groups.values()))
