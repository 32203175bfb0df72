"""Accessible documents (issue 16): tagged PDFs and HTML pages a screen reader can navigate.

What can be checked without a browser is checked here on every document both example
bodies render: the PDF's structure tree, language, title, heading order, table headers and
figure alternatives (pypdf); the HTML's landmarks, skip link, heading order, captioned
tables with scoped headers, chart alternatives, focus style, and that nothing but a table
scrolls sideways at 320 CSS px (laid out by WeasyPrint for the screen at that width).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pdf_support import reader, struct_elements

VOID = {"meta", "link", "img", "br", "hr", "input", "source", "col", "area", "base", "wbr"}


@dataclass
class El:
    tag: str
    attrs: dict[str, str]
    parent: El | None = None
    children: list[El] = field(default_factory=list)
    text: str = ""

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def all_text(self) -> str:
        return self.text + "".join(c.all_text() for c in self.children)


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = El("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        el = El(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(el)
        if tag not in VOID:
            self.current = el

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.text += data


def parse(html: str) -> El:
    builder = _Builder()
    builder.feed(html)
    return builder.root


def html_files(rendered) -> list[Path]:
    return sorted(p for folder in rendered.values() for p in folder.glob("*.html"))


def pdf_files(rendered) -> list[Path]:
    return sorted(p for folder in rendered.values() for p in folder.glob("*.pdf"))


def heading_gaps(levels: list[int]) -> list[tuple[int, int]]:
    """Pairs of consecutive headings where the second skips a level (h2 then h4)."""
    return [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]


# --------------------------------------------------------------------------- PDF


def test_every_pdf_is_tagged_with_language_and_title(rendered):
    files = pdf_files(rendered)
    assert len(files) == 10
    for pdf in files:
        root = reader(pdf).trailer["/Root"]
        assert "/StructTreeRoot" in root, pdf.name
        assert bool(root["/MarkInfo"]["/Marked"]), pdf.name
        assert root["/Lang"] == "en-GB", pdf.name
        assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]), pdf.name
        title = reader(pdf).metadata.title
        assert title and ("Charnwood" in title or "Leicestershire" in title), (pdf.name, title)


def test_pdf_headings_run_in_order_from_h1_without_gaps(rendered):
    for pdf in pdf_files(rendered):
        levels = [int(role[1]) for role, _ in struct_elements(pdf) if re.fullmatch(r"H[1-6]", role)]
        assert levels and levels[0] == 1, pdf.name
        assert heading_gaps(levels) == [], pdf.name


def _roles_below(node, roles: list[str] | None = None) -> list[str]:
    """The structure roles of every element below a node of the tag tree."""
    roles = [] if roles is None else roles
    node = node.get_object()
    if isinstance(node, list):
        for kid in node:
            _roles_below(kid, roles)
    elif hasattr(node, "get") and "/S" in node:
        roles.append(str(node["/S"]))
        if node.get("/K") is not None:
            _roles_below(node["/K"], roles)
    return roles


def test_pdf_tables_have_header_cells_and_charts_have_alternative_text(rendered):
    for pdf in pdf_files(rendered):
        elements = struct_elements(pdf)
        tables = [node for role, node in elements if role == "Table"]
        assert tables, pdf.name
        for table in tables:
            roles = _roles_below(table["/K"])
            assert "/TH" in roles, (pdf.name, roles[:12])
        for role, node in elements:
            if role == "Figure":
                assert str(node.get("/Alt", "")).strip(), pdf.name
    figures = [node for role, node in struct_elements(rendered["county"] / "2024-03-22-agenda-pack.pdf")
               if role == "Figure"]
    alts = [str(f["/Alt"]) for f in figures]
    assert any(a.startswith("Leicestershire and Rutland Safer Communities Strategy Board") for a in alts)  # the logo
    assert "Line chart of ASB recorded on Sentinel per 1,000 by quarter. This year: Q1 6.51, Q2 6.51, Q3 6.51. " \
           "Same period last year: Q3 8.78." in alts


# --------------------------------------------------------------------------- HTML


def test_html_pages_have_one_main_a_skip_link_and_everything_in_landmarks(rendered):
    files = html_files(rendered)
    assert len(files) == 20
    for path in files:
        doc = parse(path.read_text(encoding="utf-8"))
        body = next(e for e in doc.walk() if e.tag == "body")
        assert [e.tag for e in doc.walk()].count("main") == 1, path.name
        first = body.children[0]
        assert first.tag == "a" and first.attrs.get("href") == "#main" and "skip-link" in first.attrs["class"], path.name
        assert [c.tag for c in body.children[1:]] == ["header", "main"], path.name
        main = next(e for e in doc.walk() if e.tag == "main")
        assert main.attrs.get("id") == "main"


def test_html_headings_run_in_order_from_h1_without_gaps(rendered):
    for path in html_files(rendered):
        levels = [int(e.tag[1]) for e in parse(path.read_text(encoding="utf-8")).walk()
                  if re.fullmatch(r"h[1-6]", e.tag)]
        assert levels[0] == 1 and levels.count(1) == 1, path.name
        assert heading_gaps(levels) == [], path.name


def test_html_tables_have_captions_and_scoped_header_cells(rendered):
    for path in html_files(rendered):
        doc = parse(path.read_text(encoding="utf-8"))
        tables = [e for e in doc.walk() if e.tag == "table"]
        for table in tables:
            assert table.children and table.children[0].tag == "caption", path.name
            assert table.children[0].all_text().strip(), path.name
            for th in (e for e in table.walk() if e.tag == "th"):
                assert th.attrs.get("scope") in ("col", "row", "colgroup", "rowgroup"), (path.name, th.all_text()[:40])
            # a table that may be wider than the screen scrolls inside its own focusable region
            if "attendance" not in table.attrs.get("class", ""):
                wrap = table.parent
                assert wrap.tag == "div" and "table-wrap" in wrap.attrs.get("class", ""), path.name
                assert wrap.attrs.get("tabindex") == "0" and wrap.attrs.get("role") == "region", path.name
                assert wrap.attrs.get("aria-labelledby") == table.children[0].attrs.get("id"), path.name


def test_html_images_and_charts_have_text_alternatives_and_their_figures(rendered):
    for path in html_files(rendered):
        for img in (e for e in parse(path.read_text(encoding="utf-8")).walk() if e.tag == "img"):
            assert img.attrs.get("alt", "").strip(), path.name
    doc = parse((rendered["county"] / "2024-03-22-agenda-pack.html").read_text(encoding="utf-8"))
    charts = [e for e in doc.walk() if e.tag == "figure" and "chart" in e.attrs.get("class", "")]
    assert len(charts) == 2
    for chart in charts:
        img = next(e for e in chart.walk() if e.tag == "img")
        assert img.attrs["alt"].startswith("Line chart of ")
        table = next(e for e in chart.walk() if e.tag == "table")
        rows = [r for r in table.walk() if r.tag == "tr"][1:]
        assert [r.children[0].all_text() for r in rows] == ["Q1", "Q2", "Q3"]


def test_html_focus_is_visible():
    """The screen stylesheet draws a thick outline round whatever has the keyboard focus."""
    import datetime as dt

    from conftest import CHARNWOOD

    from cspkit.render import action_log_document, render_html
    from cspkit.session import open_repo

    repo = open_repo(CHARNWOOD)
    html = render_html(repo, action_log_document(repo, dt.date(2023, 10, 12), "public"), "html")
    rule = re.search(r"a:focus[^{]*\{([^}]*)\}", html)
    assert rule and re.search(r"outline:\s*3px solid", rule.group(1))
    assert ".skip-link:focus" in html


def _overflowing(html: str, width: int = 320) -> list[str]:
    """Boxes wider than a ``width`` CSS px screen, outside the tables' own scrolling regions:
    the HTML is laid out for the screen by WeasyPrint, on a page that wide."""
    from weasyprint import CSS, HTML

    sheet = CSS(string=f"@page {{ size: {width}px 3000px; margin: 0 }}")
    document = HTML(string=html, media_type="screen").render(stylesheets=[sheet])
    found = []

    def walk(box, inside_wrap: bool) -> None:
        element = getattr(box, "element", None)
        classes = element.get("class", "") if element is not None else ""
        # a table scrolls in its own region; visually hidden text is clipped to nothing
        inside_wrap = inside_wrap or bool({"table-wrap", "vh"} & set(classes.split()))
        if not inside_wrap and hasattr(box, "position_x") and getattr(box, "width", None) is not None:
            right = box.position_x + box.margin_width() if hasattr(box, "margin_width") else box.position_x + box.width
            if right > width + 0.5:
                found.append(f"{getattr(element, 'tag', '?')}.{classes} right edge {right:.0f}px")
        for child in getattr(box, "children", []):
            walk(child, inside_wrap)

    for page in document.pages:
        walk(page._page_box, False)
    return found


@pytest.mark.parametrize("body,name", [("county", "2024-03-22-agenda-pack.html"),
                                       ("charnwood", "2023-10-12-update-lfrs.html"),
                                       ("charnwood", "psa-2023.html"),
                                       ("charnwood", "action-log-2023-10-12.html")])
def test_nothing_scrolls_sideways_at_320_css_px_outside_tables(rendered, body, name):
    """The county pack has the front sheet, minutes, an action log, papers written in
    Markdown and the performance paper; Charnwood's own documents add the partner form, the
    PSA tracker and an action log without comments."""
    html = (rendered[body] / name).read_text(encoding="utf-8")
    assert _overflowing(html) == []


def test_the_sideways_check_sees_an_overflow():
    html = ('<html lang="en-GB"><head><title>t</title></head><body><main>'
            '<p style="width: 600px">A fixed width paragraph.</p></main></body></html>')
    assert _overflowing(html)
