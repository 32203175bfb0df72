"""Reading the PDFs cspkit writes as a reader, a screen reader and a printer would.

Text per page (pypdf), where each paper and partner form starts (the PDF's named
destinations, which are the HTML anchors), the fonts embedded, the tag structure, and how
much of each page is white (from a page image drawn by poppler's pdftoppm).
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

BLANK_PAGE = "This page is intentionally left blank"

#: The body of an A4 page at 30 dpi (pixels), inside the page margins of the house style
#: (20 mm top, 18 mm bottom): the running header and the page number are left out.
DPI = 30
TOP_PX, BOTTOM_PX = round(20 / 25.4 * DPI), round(18 / 25.4 * DPI)


@functools.lru_cache(maxsize=64)
def _reader(path: str, mtime: float):
    from pypdf import PdfReader

    return PdfReader(path)


def reader(pdf: Path):
    return _reader(str(pdf), pdf.stat().st_mtime)


@functools.lru_cache(maxsize=64)
def _texts(path: str, mtime: float) -> tuple[str, ...]:
    return tuple(re.sub(r"\s+", " ", page.extract_text() or "").strip() for page in _reader(path, mtime).pages)


def page_texts(pdf: Path) -> list[str]:
    """Each page's text, whitespace collapsed."""
    return list(_texts(str(pdf), pdf.stat().st_mtime))


def anchor_pages(pdf: Path) -> dict[str, int]:
    """The page (1-based) each HTML anchor starts on, from the PDF's named destinations."""
    r = reader(pdf)
    return {str(name): r.get_destination_page_number(dest) + 1 for name, dest in r.named_destinations.items()}


def embedded_fonts(pdf: Path) -> set[str]:
    """Base names of the fonts embedded in the PDF, subset prefixes left off ("Source-Sans-3-Bold")."""
    names = set()
    for page in reader(pdf).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font.get("/BaseFont", "")).lstrip("/").split("+", 1)[-1])
    return names


@dataclass
class Unit:
    """A paper or a partner form: the pages from where it starts to before the next one."""

    anchor: str
    first: int
    last: int


def units(pdf: Path) -> list[Unit]:
    """The front sheet, each paper and each partner form, by the pages they occupy."""
    pages = anchor_pages(pdf)
    total = len(reader(pdf).pages)
    starts = {"front": 1}
    for name, page in pages.items():
        if re.fullmatch(r"paper-[a-z0-9-]+?-\d+", name) or re.fullmatch(r"update-[a-z0-9-]+", name):
            starts[name] = page
    ordered = sorted(starts.items(), key=lambda kv: (kv[1], kv[0] != "front"))
    out = []
    for i, (name, first) in enumerate(ordered):
        nxt = next((p for _, p in ordered[i + 1:] if p > first), total + 1)
        if out and out[-1].first == first:  # a paper that opens with its first form: one unit
            continue
        out.append(Unit(name, first, nxt - 1))
    return out


def pdftoppm() -> str | None:
    return shutil.which("pdftoppm")


def need_pdftoppm() -> None:
    """Skip a test that draws page images where poppler's pdftoppm is missing; on CI, fail
    (`make test` installs poppler-utils when it can)."""
    import os

    import pytest

    if pdftoppm() is None:
        message = "pdftoppm (poppler-utils) is not installed: apt-get install poppler-utils"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


#: White bands shorter than this are the space between lines, paragraphs and headings, not
#: empty page.
GAP_PX = round(10 / 25.4 * DPI)


def blank_share(pdf: Path) -> list[float]:
    """For each page, the share of its body (inside the margins) that is empty: the rows in
    white bands of 10 mm or more. 0.0 is a full page, 1.0 an empty one. The pages are drawn
    by pdftoppm at 30 dpi in grey; a row with any pixel darker than light grey has ink."""
    return list(_blank_share(str(pdf), pdf.stat().st_mtime))


@functools.lru_cache(maxsize=64)
def _blank_share(pdf: str, mtime: float) -> tuple[float, ...]:
    from io import BytesIO

    from PIL import Image

    out = subprocess.run([pdftoppm() or "pdftoppm", "-r", str(DPI), "-gray", "-png", pdf],
                         capture_output=True, check=True).stdout
    shares = []
    # pdftoppm writes the pages one after another to stdout: split at each PNG signature
    for chunk in out.split(b"\x89PNG\r\n\x1a\n")[1:]:
        image = Image.open(BytesIO(b"\x89PNG\r\n\x1a\n" + chunk)).convert("L")
        width, height = image.size
        body = image.crop((0, TOP_PX, width, height - BOTTOM_PX))
        pixels = body.load()
        rows = body.size[1]
        inked = [any(pixels[x, y] < 200 for x in range(body.size[0])) for y in range(rows)]
        empty = run = 0
        for has_ink in [*inked, True]:
            if has_ink:
                empty += run if run >= GAP_PX else 0
                run = 0
            else:
                run += 1
        shares.append(empty / rows)
    return tuple(shares)


def mid_paper_pages(pdf: Path) -> list[int]:
    """Pages followed by another page of the same paper or form (so not its last page), and
    not deliberately blank."""
    texts = page_texts(pdf)
    out = []
    for unit in units(pdf):
        for page in range(unit.first, unit.last):
            if texts[page - 1] != BLANK_PAGE and texts[page] != BLANK_PAGE:
                out.append(page)
    return out


# --------------------------------------------------------------------------- tags


def struct_elements(pdf: Path) -> list[tuple[str, dict]]:
    """The structure tree in reading order: (role, the element's dictionary)."""
    root = reader(pdf).trailer["/Root"]
    out: list[tuple[str, dict]] = []

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, list):
            for kid in node:
                walk(kid)
            return
        if not hasattr(node, "get"):
            return
        if node.get("/Type") == "/StructElem" or "/S" in node:
            out.append((str(node["/S"]).lstrip("/"), node))
        kids = node.get("/K")
        if kids is not None:
            walk(kids)

    walk(root["/StructTreeRoot"]["/K"])
    return out
