"""The site's Jinja environment: the render layer's sandboxed one, plus filters for web pages.

Record text is Markdown rendered with raw HTML off (:func:`cspkit.render.env.markdown_html`);
on a web page its headings are moved under the heading they appear beneath, without gaps
(:func:`shift_headings`), its tables get header scope and a scrolling container, and an
empty figure is said in words, not only a dash.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from cspkit.dates import format_date
from cspkit.render.env import figure as render_figure
from cspkit.render.env import make_env, markdown_html

#: What pages may load: their own files only. Inline scripts and styles are refused; charts are
#: SVG files of the site (their own styles stay inside the image).
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "base-uri 'none'; form-action 'self'")

_HEADING_TAG = re.compile(r"<(/?)h([1-6])>")


def shift_headings(html: str, top: int) -> str:
    """Headings in ``html`` (from record text) placed under a page heading one level above ``top``.

    The highest heading becomes ``top``; each heading is at most one level deeper than the one
    before it (so a jump from ``#`` to ``###`` in a record does not leave a gap); h6 is the limit.
    """
    levels = [int(m.group(2)) for m in _HEADING_TAG.finditer(html) if not m.group(1)]
    if not levels:
        return html
    base = min(levels)
    stack: list[int] = []
    previous = top - 1

    def swap(match: re.Match[str]) -> str:
        nonlocal previous
        if match.group(1):
            return f"</h{stack.pop() if stack else top}>"
        level = min(int(match.group(2)) - base + top, previous + 1, 6)
        stack.append(level)
        previous = level
        return f"<h{level}>"

    return _HEADING_TAG.sub(swap, html)


def web_tables(html: str) -> str:
    """Tables written in record Markdown: column headers scoped, each in a scrolling container."""
    if "<table>" not in html:
        return html
    html = re.sub(r"<th(?=[ >])", '<th scope="col"', html)
    html = html.replace("<table>", '<div class="table-wrap" role="region" aria-label="Table" tabindex="0">\n<table>')
    return html.replace("</table>", "</table>\n</div>")


#: One line of text in which Markdown would find nothing to do: no markup characters, no
#: line break, and no start that makes a block (a list number, a heading, an indent).
_PLAIN = re.compile(r"(?![0-9]{1,9}[.)](?:\s|$))[A-Za-z0-9(\"'][^\\*_\[\]<>&#!`|~\n\r]*")


def _plain_text(text: str) -> bool:
    return _PLAIN.fullmatch(text) is not None and not text.endswith((" ", "\t"))


def site_markdown(text: str | None, top: int = 3, beside: Collection[str] = ()):
    """Record text as HTML for a page section whose headings start at ``top``; images only
    inline, or the files the site wrote ``beside`` the page (a Markdown paper's)."""
    from markupsafe import Markup

    if not text:
        return Markup("")
    if _plain_text(text):  # most minute points: the paragraph Markdown would make, made at once
        return Markup(f"<p>{_escape(text)}</p>\n")
    return Markup(web_tables(shift_headings(str(markdown_html(text, beside=beside)), top)))


def inline_markdown(text: str | None):
    """Record text as inline HTML (within a sentence)."""
    from markupsafe import Markup


    if text and _plain_text(text):
        return Markup(_escape(text))
    return markdown_html(text, inline=True)


def _escape(text: str) -> str:
    from markdown_it.common.utils import escapeHtml

    return escapeHtml(text)


def figure(value: float | None, unit: str, decimals: int | None = None) -> Any:
    """A figure for a table cell as published (:func:`cspkit.render.env.figure`); a missing one as
    a dash that is read out."""
    from markupsafe import Markup

    if value is None:
        return Markup('<span aria-hidden="true">–</span><span class="visually-hidden">not reported</span>')
    return render_figure(value, decimals, unit)


_ENVS: dict[tuple[str, bool, str], Any] = {}


def make_site_env(repo: Any) -> Any:
    """The render layer's environment for HTML (so a partnership's own ``templates/site/…``
    override ours), as an overlay with the site's filters: the render layer's own environment,
    which it keeps for the process, is left as it is.
    """
    assert repo.config is not None
    conventions = repo.config.conventions
    key = (str(repo.root.resolve()), (repo.root / "templates").is_dir(), conventions.model_dump_json())
    if key in _ENVS:
        return _ENVS[key]
    base = make_env(repo.root, conventions, "html")
    env = base.overlay()
    env.filters = {**base.filters,
                   "longdate": lambda d: format_date(d, "long-plain"),
                   "mediumdate": lambda d: format_date(d, "medium"),
                   "mdsite": site_markdown,
                   "mdinline": inline_markdown,
                   "sitefigure": figure}
    if len(_ENVS) > 8:
        _ENVS.clear()
    _ENVS[key] = env
    return env
