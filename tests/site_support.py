"""Helpers for the public website's tests (tests/test_site*.py); not a test module itself.

The sites are built once per session (``built_sites`` in conftest.py): Charnwood from a copy
of ``records/`` with a cancelled meeting added and one pack published, and the county board
from ``examples/county-board``, each without rendering unpublished packs (the PDF path has its
own tests on the small repository).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: A meeting added to the Charnwood copy: cancelled, with the reason.
CANCELLED = """\
date: 2023-09-07
status: cancelled
note: Cancelled because too few members could attend; its business moved to the meeting of 12th October 2023.
"""


@dataclass
class BuiltSite:
    """A repository copy and the site built from it."""

    name: str
    root: Path
    folder: Path
    as_of: dt.date
    #: pages by type, one example of each type the body has
    pages: dict[str, str]

    def html_files(self) -> list[Path]:
        return sorted(self.folder.rglob("*.html"))

    def text(self, rel: str) -> str:
        return (self.folder / rel).read_text(encoding="utf-8")


def prepare_charnwood(root: Path) -> None:
    (root / "records/meetings/2023-09-07.yaml").write_text(CANCELLED, encoding="utf-8")


class Links(HTMLParser):
    """Every link and resource reference on a page, and every id it has."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        for attr in ("href", "src", "action"):
            if a.get(attr) is not None:
                self.refs.append((tag, attr, a[attr] or ""))


def parse_links(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def resolve(page: Path, ref: str) -> tuple[Path, str]:
    """The file and fragment a relative reference on ``page`` points at."""
    parts = urlsplit(ref)
    target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
    return target, unquote(parts.fragment)


def visible_words(html: str) -> str:
    """A page's text without its markup (for "this text is (not) on the page")."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
