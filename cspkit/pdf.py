"""HTML to PDF with WeasyPrint, in this process or in a worker started ahead of time.

Importing WeasyPrint takes about 0.6 s (it binds Pango, HarfBuzz and fontconfig), as long as
loading a county's records. ``cspkit render --format pdf`` therefore starts a worker process
that imports WeasyPrint while this process loads the records and renders the HTML, then hands
it the HTML; on a machine with one CPU there is nothing to overlap and the PDF is made here.

This module imports nothing heavy: the worker runs it as ``python -m cspkit.pdf``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_worker: Worker | None = None


def weasyprint_pdf(html: str, base: Path) -> bytes:
    """The PDF WeasyPrint makes of ``html``; only inline data and files under ``base`` are fetched."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return HTML(string=html, base_url=str(base), url_fetcher=_local_fetcher(base)).write_pdf()


def _local_fetcher(root: Path):
    """A URL fetcher that reads only inline data and files inside the repository.

    Record text is Markdown, so ``![x](https://…)`` or ``![x](file:///etc/passwd)`` could
    otherwise make a PDF build reach the network or read files outside the records; such
    images are left out (WeasyPrint skips a resource whose fetch fails).
    """
    from urllib.parse import unquote, urlparse

    from weasyprint.urls import URLFetcher, URLFetchingError

    allowed = root.resolve()

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parsed = urlparse(url)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if path == allowed or allowed in path.parents:
                    return super().fetch(url, headers)
            raise URLFetchingError(f"not fetched: {url} (cspkit reads only files inside the repository)")

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

    def make(self, html: str, base: Path) -> bytes:
        """Send the base folder and the HTML; wait for the PDF."""
        message = str(base).encode("utf-8", "surrogateescape") + b"\0" + html.encode("utf-8", "surrogatepass")
        out, err = self.proc.communicate(message)
        if self.proc.returncode != 0:
            tail = err.decode("utf-8", "replace").strip()[-4000:]
            raise RuntimeError(f"the PDF worker (python -m cspkit.pdf) failed with exit {self.proc.returncode}:\n{tail}")
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


def make_pdf(html: str, base: Path) -> bytes:
    """The PDF of ``html``: from the pre-started worker if there is one (once), else made here."""
    global _worker
    worker, _worker = _worker, None
    if worker is None:
        return weasyprint_pdf(html, base)
    try:
        return worker.make(html, base)
    finally:
        worker.close()


def main() -> int:
    """The worker: import WeasyPrint at once, then read ``base NUL html`` from stdin, write the PDF."""
    import weasyprint  # noqa: F401  - the point of starting early

    data = sys.stdin.buffer.read()
    if not data:  # the parent went away without sending anything
        return 0
    base, _, html = data.partition(b"\0")
    pdf = weasyprint_pdf(html.decode("utf-8", "surrogatepass"), Path(base.decode("utf-8", "surrogateescape")))
    sys.stdout.buffer.write(pdf)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
