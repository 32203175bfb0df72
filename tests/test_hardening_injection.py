"""Injection: whatever text records hold renders as inert text, in Markdown, HTML and PDF.

Every free-text field of a repository (the records and cspkit.yaml, whose partnership name
also goes into the PDF's running headers as a CSS string) gets a payload: a script, raw
HTML, an event handler, Markdown links to ``javascript:`` (inline and as a reference
definition), Jinja expressions and statements, and a ``</style>`` meant to break out of the
style sheet. Every document is rendered in every format and the outputs are checked: the
payload is there as visible text, and nothing of it is live.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import MINI
from hardening_support import output_texts, pdf_link_targets, poison, with_every_paper

# Its module fixtures are built once: every test of this module runs on one xdist worker.
pytestmark = pytest.mark.xdist_group("test_hardening_injection")

PAYLOAD = ("<script>alert(1)</script><img src=x onerror=alert(2)> [click](javascript:alert(3)) "
           "[tab](JavaScript:alert(5)) {{ 7*7 }} {% if true %}JINJA-RAN{% endif %} {% for x in range(3) %}LOOP{% endfor %} "
           "</style><b>bold</b>")
#: Multi-line fields also get a Markdown reference definition to a javascript: URL.
REFERENCE = "\n\n[ref]: javascript:alert(4)\n\nsee [ref] and [a safe link](https://example.org/safe)"
#: cspkit.yaml's partnership name, which also lands in CSS strings (running headers).
NAME = 'Mini "CSP" \\ </style><script>alert(6)</script> ; } body { display: none } @page { content: "x'

REPORT = f"""# The report

{PAYLOAD}

[ref2]: javascript:alert(7)

<div onclick="alert(8)">raw block</div>

![pixel](javascript:alert(9))
"""

DOCUMENTS = [
    ["pack", "2023-10-12"],
    ["minutes", "2023-07-13"],
    ["action-log", "--as-of", "2023-10-12"],
    ["forward-programme", "--as-of", "2023-10-12"],
    ["psa", "2023"],
    ["update", "2023-10-12", "mini-police"],
]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    import shutil

    from cspkit.cli import run

    root = tmp_path_factory.mktemp("injection") / "repo"
    shutil.copytree(MINI, root)
    with_every_paper(root, REPORT)

    def change(value: str) -> str:
        return value + " " + PAYLOAD + (REFERENCE if len(value) > 30 else "")

    poison(root, change)
    from hardening_support import rewrite

    rewrite(root / "cspkit.yaml", lambda doc: doc["partnership"].__setitem__("name", NAME))
    assert run(["--repo", str(root), "validate"]) == 0
    out = root / "build"
    for args in DOCUMENTS:
        assert run(["--repo", str(root), "render", *args, "--format", "all", "-o", str(out)]) == 0, args
    return out


def _files(outputs: Path, suffix: str) -> list[Path]:
    files = sorted(outputs.glob(f"*{suffix}"))
    assert len(files) == len(DOCUMENTS)
    return files


class Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.style: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        (self.style if self._in_style else self.text).append(data)


def test_html_has_no_live_markup_from_records(outputs):
    for path in _files(outputs, ".html"):
        html = path.read_text(encoding="utf-8")
        parsed = Tags()
        parsed.feed(html)
        names = [t for t, _ in parsed.tags]
        assert "script" not in names and "iframe" not in names and "object" not in names, path.name
        assert names.count("style") == 1 and html.count("</style>") == 1, path.name
        for tag, attrs in parsed.tags:
            assert not [a for a in attrs if a.startswith("on")], (path.name, tag, attrs)
            for key in ("href", "src"):
                url = (attrs.get(key) or "").strip().lower()
                assert not url.startswith(("javascript:", "vbscript:", "data:text")), (path.name, tag, attrs)
            if tag == "img":  # charts only
                assert attrs["src"].startswith("data:image/svg+xml;base64,"), attrs
        text = "".join(parsed.text)
        assert "{{ 7*7 }}" in text and "{% if true %}JINJA-RAN{% endif %}" in text
        assert "{% for x in range(3) %}LOOP{% endfor %}" in text and "LOOPLOOP" not in text
        assert "49" not in text, path.name
        assert "<script>alert(1)</script>" in text  # shown, as text
        style = "".join(parsed.style)
        assert "</style" not in style and "<script" not in style


def test_the_partnership_name_is_a_closed_css_string(outputs):
    """The PDF is laid out from paged HTML whose @page rules carry the name as a CSS string."""
    import datetime as dt

    from cspkit.render import pack_document, render_html
    from cspkit.session import open_repo

    repo = open_repo(outputs.parent)
    html = render_html(repo, pack_document(repo, repo.meetings[dt.date(2023, 10, 12)], "partners"), "pdf")
    parsed = Tags()
    parsed.feed(html)
    assert [t for t, _ in parsed.tags].count("style") == 1 and html.count("</style>") == 1
    assert "script" not in [t for t, _ in parsed.tags]
    m = re.search(r"@top-left \{ content: (\"(?:[^\"\\]|\\.)*\");", html)
    assert m, "no running header"
    assert m.group(1) == ('"Mini \\"CSP\\" \\\\ \\3c /style\\3e \\3c script\\3e alert(6)\\3c /script\\3e  ; } '
                          'body { display: none } @page { content: \\"x"')


def test_markdown_has_no_live_markup_from_records(outputs):
    for path in _files(outputs, ".md"):
        md = path.read_text(encoding="utf-8")
        tags = re.findall(r"<(?!a id=\"[a-z0-9-]+\">|/a>|br>)[^>\s]*", md)
        assert tags == [], (path.name, tags[:5])
        assert not re.search(r"\]\(\s*<?\s*(javascript|vbscript|data|file)\s*:", md, re.I), path.name
        assert not re.search(r"\]\s*:\s*<?\s*(javascript|vbscript|data|file)\s*:", md, re.I), path.name
        assert "{{ 7*7 }}" in md and "{% if true %}jinja-ran{% endif %}" in md.lower()
        assert "{% for x in range(3) %}loop{% endfor %}" in md.lower() and "LOOPLOOP" not in md.upper()
        assert "49" not in md, path.name
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md.replace("SCRIPT", "script").replace("ALERT", "alert")


def test_pdf_shows_the_text_and_has_no_script_or_javascript_links(outputs):
    texts = output_texts(outputs)
    for path in _files(outputs, ".pdf"):
        text = texts[path.name]
        assert "{{ 7*7 }}" in text and "{% for x in range(3) %}" in text.lower(), path.name
        assert "LOOPLOOP" not in text.upper(), path.name
        assert "49" not in text, path.name
        assert "<script>alert(1)</script>" in text.replace("SCRIPT", "script").replace("ALERT", "alert")
        assert "</style>" in text or "</STYLE>" in text  # the name in the running header, as text
        targets = pdf_link_targets(path)
        assert all("javascript" not in t.lower() for t in targets), (path.name, targets)
        assert all(t in ("/URI=https://example.org/safe", "/S=/URI") for t in targets), (path.name, targets)
    pack = next(p for p in _files(outputs, ".pdf") if "agenda-pack" in p.name)
    assert "/URI=https://example.org/safe" in pdf_link_targets(pack)  # the checker does see links


def test_a_document_paper_is_inert_too(outputs):
    pack_md = (outputs / "2023-10-12-agenda-pack.md").read_text(encoding="utf-8")
    assert "[ref2]: #unsafe-link-removed:alert(7)" in pack_md
    assert '&lt;div onclick="alert(8)"&gt;raw block&lt;/div&gt;' in pack_md
    assert "![pixel]" not in pack_md and "javascript:alert(9)" not in pack_md  # an image only from the repository
    pack_html = (outputs / "2023-10-12-agenda-pack.html").read_text(encoding="utf-8")
    assert '&lt;div onclick=&quot;alert(8)&quot;&gt;raw block&lt;/div&gt;' in pack_html
    assert "alert(9)" not in pack_html or 'src="javascript' not in pack_html
