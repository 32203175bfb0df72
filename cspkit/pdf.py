"""HTML to PDF with WeasyPrint, in this process or in a worker started ahead of time.

Importing WeasyPrint takes about 0.6 s (it binds Pango, HarfBuzz and fontconfig), as long as
loading a county's records. ``cspkit render --format pdf`` therefore starts a worker process
that imports WeasyPrint while this process loads the records and renders the HTML, then hands
it the HTML; on a machine with one CPU there is nothing to overlap and the PDF is made here.

This module imports nothing heavy: the worker runs it as ``python -m cspkit.pdf``.
"""

from __future__ import annotations

import mimetypes
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from cspkit.fileio import FileRefused, read_file

#: The largest file a PDF build reads for an image or stylesheet the HTML names.
FETCH_LIMIT = 64 * 1024 * 1024

_worker: Worker | None = None

#: The typefaces of every PDF, shipped with cspkit (templates/fonts, SIL Open Font Licence):
#: Source Sans 3 for text and tables, Source Serif 4 for the title block and headings.
#: (family, weight, style, file). A PDF uses these and nothing else; the fetcher lets exactly
#: these files through, and text drawn in any other font is reported (``_font_notes``).
FONT_FILES = (
    ("Source Sans 3", 400, "normal", "SourceSans3-Regular.ttf"),
    ("Source Sans 3", 400, "italic", "SourceSans3-Italic.ttf"),
    ("Source Sans 3", 700, "normal", "SourceSans3-Bold.ttf"),
    ("Source Sans 3", 700, "italic", "SourceSans3-BoldItalic.ttf"),
    ("Source Serif 4", 400, "normal", "SourceSerif4-Regular.ttf"),
    ("Source Serif 4", 600, "normal", "SourceSerif4-SemiBold.ttf"),
)


def fonts_dir() -> Path:
    """The folder of the font files shipped with cspkit (package data of cspkit.templates)."""
    return Path(str(resources.files("cspkit.templates"))) / "fonts"


def font_faces() -> list[dict[str, Any]]:
    """@font-face rules for the shipped fonts, as file URLs the PDF fetcher lets through."""
    folder = fonts_dir()
    return [{"family": family, "weight": weight, "style": style, "url": (folder / name).as_uri()}
            for family, weight, style, name in FONT_FILES]


#: Every PDF is tagged (structure tree, language, title, alternative text for figures) to the
#: PDF/UA-1 profile, as the public sector accessibility regulations expect of published documents.
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}

#: ``<a class="pagerange …" href="#start" data-end="#end"></a>`` as the pack templates write them.
_PAGE_RANGE = re.compile(r'<a class="pagerange pagerange-(page|prevpage)" href="#([^"]+)" data-end="#([^"]+)"></a>')
_PAGE_REF = re.compile(r'<a class="pageref" href="#([^"]+)"></a>')


def weasyprint_pdf(html: str, base: Path, notes: list[str] | None = None) -> bytes:
    """The PDF WeasyPrint makes of ``html``; only inline data, files under ``base`` and the fonts
    shipped with cspkit are fetched. Anything the reader should know (a character drawn in a
    font other than the pack's own) is appended to ``notes``."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    fetcher = _local_fetcher(base)

    def render(text: str, hide_papers: bool = False):
        from weasyprint import CSS

        sheets = [CSS(string=".paper { display: none !important; }")] if hide_papers else None
        return HTML(string=text, base_url=str(base), url_fetcher=fetcher).render(stylesheets=sheets, **PDF_OPTIONS)

    document = _single_page_ranges(html, render(html), render)
    pdf = document.write_pdf(**PDF_OPTIONS)
    if notes is not None:
        notes.extend(_font_notes(document))
    return pdf


#: A page reserved for a PDF paper's own pages (cspkit/render/pdf_merge.py) carries an anchor
#: saying by how much it moves the page counter on: the numbers are those of the finished pack.
_COUNTS = re.compile(r"-counts-(-?\d+)$")


def _anchor_pages(document, printed: bool = True) -> dict[str, int]:
    """The page where each anchor in a laid-out document starts: its number as printed, or
    (``printed=False``) its place among the laid-out pages, both 1-based."""
    pages: dict[str, int] = {}
    number = 0
    for place, page in enumerate(document.pages, start=1):
        counts = [int(m.group(1)) for name in page.anchors if (m := _COUNTS.search(name))]
        number = (number + (counts[0] if counts else 1)) if printed else place
        for name in page.anchors:
            pages.setdefault(name, number)
    return pages


def _single_page_ranges(html: str, document, render):
    """Make "(Pages 7 - 7)" read "(Page 7)".

    CSS can count pages but not compare them, so the first layout tells which papers have a
    single page. Only the front sheet holds page ranges, and the papers start on a new page,
    so the front sheet alone is laid out again, with the page numbers written in, and put in
    front of the papers already laid out. (Should the shorter text change the front sheet's
    length, the whole pack is laid out again instead.)
    """
    ranges = _PAGE_RANGE.findall(html)
    if not ranges:
        return document
    pages = _anchor_pages(document)

    def span(kind: str, start: str, end: str) -> tuple[int, int] | None:
        if start not in pages or end not in pages:
            return None
        return pages[start], pages[end] - (1 if kind == "prevpage" else 0)

    if all((s := span(*r)) is None or s[0] != s[1] for r in ranges):
        return document
    places = _anchor_pages(document, printed=False)
    first_paper = min(places[start] for _, start, _ in ranges if start in places)

    def written(m: re.Match) -> str:
        kind, start, end = m.groups()
        first, last = span(kind, start, end) or (0, 0)
        text = f"Page {first}" if first == last else f"Pages {first} - {last}"
        return f'<a class="pagerange" href="#{start}">{text}</a>'

    def written_ref(m: re.Match) -> str:
        return f'<a class="pageref" href="#{m.group(1)}">{pages.get(m.group(1), "")}</a>'

    front_html = _PAGE_REF.sub(written_ref, _PAGE_RANGE.sub(written, html))
    front = render(_without_papers(front_html.replace('class="pageref"', 'class="pageref-written"')), hide_papers=True)
    if len(front.pages) == first_paper - 1:
        combined = document.copy(front.pages + document.pages[first_paper - 1:])
        combined._keep_alive = front  # its pages use its fonts until the PDF is written
        return combined

    def marked(m: re.Match) -> str:
        kind, start, end = m.groups()
        first, last = span(kind, start, end) or (0, 1)
        single = " pagerange-single" if first == last else f" pagerange-{kind}"
        return f'<a class="pagerange{single}" href="#{start}" data-end="#{end}"></a>'

    return render(_PAGE_RANGE.sub(marked, html))


def _without_papers(html: str) -> str:
    """The pack's HTML up to its first paper (the front sheet), so that laying it out again
    costs little; the stylesheet that hides papers covers a template that marks them otherwise."""
    start, end = html.find('<section class="paper '), html.rfind("</main>")
    return html[:start] + html[end:] if 0 < start < end else html


def _font_notes(document) -> list[str]:
    """A note for any text drawn with a font that is not one of the pack's own."""
    ours = {family for family, *_ in FONT_FILES}
    others = sorted({font.family for font in document.fonts.values()} - ours)
    if not others:
        return []
    return [f"some characters are not in the pack's typefaces ({', '.join(sorted(ours))}) "
            f"and were drawn with {', '.join(others)}"]


def _local_fetcher(root: Path):
    """A URL fetcher that reads only inline data, files inside the repository and cspkit's fonts.

    Record text is Markdown, so ``![x](https://…)`` or ``![x](file:///etc/passwd)`` could
    otherwise make a PDF build reach the network or read files outside the records; such
    images are left out (WeasyPrint skips a resource whose fetch fails). The font files
    shipped with cspkit are let through by name: they are part of the package, not the input.
    """
    from urllib.parse import unquote, urlparse

    from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

    allowed = root.resolve()
    fonts = {(fonts_dir() / name).resolve() for *_, name in FONT_FILES}

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parsed = urlparse(url)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path))
                if path.resolve() in fonts:
                    return super().fetch(url, headers)  # cspkit's own packaged files are trusted
                try:  # the one reading rule: inside the repository, a regular file, bounded
                    data = read_file(path, limit=FETCH_LIMIT, inside=allowed)
                except (OSError, FileRefused) as exc:
                    raise URLFetchingError(f"not fetched: {url} ({exc})") from None
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=data, headers={"Content-Type": kind})
            raise URLFetchingError(f"not fetched: {url} (only files inside the repository are read)")

    return LocalFetcher(timeout=2)


class Worker:
    """A process that has imported WeasyPrint and makes one PDF from the HTML sent to it."""

    def __init__(self) -> None:
        # The worker must import this very cspkit. Installed (or on the path anyway) it will;
        # a source tree run from elsewhere is put on its path. Site-packages is never put
        # ahead of the standard library.
        here = Path(__file__).resolve().parent.parent
        env = None
        if all(Path(p or ".").resolve() != here for p in sys.path):
            path = os.environ.get("PYTHONPATH")
            env = {**os.environ, "PYTHONPATH": str(here) + (os.pathsep + path if path else "")}
        self.proc = subprocess.Popen([sys.executable, "-m", "cspkit.pdf"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)

    def make(self, html: str, base: Path, notes: list[str] | None = None) -> bytes:
        """Send the base folder and the HTML; wait for the PDF (and the worker's notes)."""
        message = str(base).encode("utf-8", "surrogateescape") + b"\0" + html.encode("utf-8", "surrogatepass")
        out, err = self.proc.communicate(message)
        if self.proc.returncode != 0:
            tail = err.decode("utf-8", "replace").strip()[-4000:]
            raise RuntimeError(f"the PDF worker (python -m cspkit.pdf) failed with exit {self.proc.returncode}:\n{tail}")
        if notes is not None:
            notes.extend(line[len(_NOTE):] for line in err.decode("utf-8", "replace").splitlines()
                         if line.startswith(_NOTE))
        return out

    def close(self) -> None:
        """Stop the worker if it was never used (or is still running after an error)."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None and not stream.closed:
                stream.close()


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@contextmanager
def prestarted(wanted: bool = True) -> Iterator[None]:
    """Within this block, the first :func:`make_pdf` uses a worker started on entry.

    No worker is started unless ``wanted``, on a single CPU, or with ``CSPKIT_PDF_WORKER=0``;
    one left unused (a user error while loading the records, say) is stopped on exit.
    """
    global _worker
    if not wanted or _cpus() < 2 or os.environ.get("CSPKIT_PDF_WORKER") == "0" or _worker is not None:
        yield
        return
    try:
        _worker = Worker()
    except OSError:  # cannot start a process here: make the PDF in this one
        yield
        return
    try:
        yield
    finally:
        worker, _worker = _worker, None
        if worker is not None:
            worker.close()


_NOTE = "note: "


def make_pdf(html: str, base: Path) -> bytes:
    """The PDF of ``html``: from the pre-started worker if there is one (once), else made here.

    Notes about the PDF (text drawn in a font other than the pack's own) go to stderr.
    """
    global _worker
    worker, _worker = _worker, None
    notes: list[str] = []
    try:
        if worker is None:
            return weasyprint_pdf(html, base, notes)
        try:
            return worker.make(html, base, notes)
        finally:
            worker.close()
    finally:
        for note in notes:
            sys.stderr.write(f"{_NOTE}{note}\n")


def main() -> int:
    """The worker: import WeasyPrint at once, then read ``base NUL html`` from stdin, write the PDF."""
    import weasyprint  # noqa: F401  - the point of starting early

    data = sys.stdin.buffer.read()
    if not data:  # the parent went away without sending anything
        return 0
    base, _, html = data.partition(b"\0")
    notes: list[str] = []
    pdf = weasyprint_pdf(html.decode("utf-8", "surrogatepass"), Path(base.decode("utf-8", "surrogateescape")), notes)
    for note in notes:
        sys.stderr.write(f"{_NOTE}{note}\n")
    sys.stdout.buffer.write(pdf)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
