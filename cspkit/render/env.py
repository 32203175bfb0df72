"""The Jinja environment: packaged templates, a partnership's overrides, and the filters.

Templates come from the partnership's own ``templates/`` folder first, then from the ones
installed with cspkit, so any template can be replaced by one of the same name. HTML
templates are autoescaped; free text in records is Markdown rendered with raw HTML
disabled. The environment is sandboxed: a template from a records repository cannot
reach into Python.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Collection
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from cspkit.dates import format_date, format_time, format_time_range
from cspkit.render.images import markdown_images, render_image
from cspkit.render.repo_templates import repository_loader
from cspkit.usercache import enabled as cache_enabled
from cspkit.usercache import user_folder

ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
         (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def roman(n: int) -> str:
    out = ""
    for value, letters in ROMAN:
        while n >= value:
            out += letters
            n -= value
    return out


def letter(n: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa."""
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(97 + r) + s
    return s


def package_templates() -> Path:
    return Path(str(resources.files("cspkit.templates")))


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.enable("strikethrough")
    md.add_render_rule("image", render_image)  # inline data or files inside the repository only
    return md


def markdown_html(text: str | None, inline: bool = False, level: int | None = None, root: Path | None = None,
                  beside: Collection[str] = ()):
    """Record text (Markdown) as safe HTML: raw HTML is escaped, unsafe links are dropped, and
    images are shown only from inline data, files inside the repository ``root``
    (:mod:`cspkit.render.images`) or the files the pack wrote ``beside`` itself.

    Headings in the text are fitted into the document's outline: with ``level`` the first
    becomes that level and none is more than one below the one before it (no gaps, as
    screen readers and PDF tags expect); without it (text in a table cell, say) they are
    printed as bold paragraphs, not headings.
    """
    from markupsafe import Markup

    if not text:
        return Markup("")
    md = _markdown()
    env: dict = {"image_root": root, "beside": frozenset(beside)}
    if inline:
        return Markup(md.renderInline(str(text), env))
    tokens = md.parse(str(text), env)
    _fit_headings(tokens, level)
    tokens = _accessible_tables(tokens, str(text))
    return Markup(md.renderer.render(tokens, md.options, env))


def _accessible_tables(tokens: list, source: str) -> list:
    """Tables written in Markdown, made like the templates' own: a caption (the heading the
    table is under; hidden, as the heading already shows it), header cells scoped to their
    columns, and a region of their own that scrolls sideways on a narrow screen."""
    import hashlib

    from markdown_it.token import Token
    from markupsafe import escape

    out: list = []
    before = "Table"
    for i, token in enumerate(tokens):
        if token.type == "inline" and i and tokens[i - 1].type == "heading_open":
            before = token.content.strip() or before
        if token.type == "th_open":
            token.attrSet("scope", "col")
        if token.type == "table_open":
            digest = hashlib.sha1(f"{source}\0{i}".encode()).hexdigest()[:10]
            ident = f"table-{digest}"
            out.append(Token("html_block", "", 0, content=f'<div class="table-wrap" role="region" '
                             f'aria-labelledby="{ident}" tabindex="0">\n'))
            out.append(token)
            out.append(Token("html_block", "", 0, content=f'<caption id="{ident}" class="vh">{escape(before)}</caption>\n'))
            continue
        out.append(token)
        if token.type == "table_close":
            out.append(Token("html_block", "", 0, content="</div>\n"))
    return out


def _fit_headings(tokens: list, level: int | None) -> None:
    from markdown_it.token import Token

    previous = (level or 1) - 1
    top = min((int(t.tag[1]) for t in tokens if t.type == "heading_open"), default=1)
    for i, token in enumerate(tokens):
        if token.type not in ("heading_open", "heading_close"):
            continue
        if level is None:
            token.tag = "p"
            if token.type == "heading_open":
                token.attrSet("class", "md-heading")
                inline = tokens[i + 1]
                inline.children = [Token("strong_open", "strong", 1), *(inline.children or []),
                                   Token("strong_close", "strong", -1)]
            continue
        if token.type == "heading_open":
            wanted = level + int(token.tag[1]) - top
            previous = max(level, min(wanted, previous + 1, 6))
            token.tag = f"h{previous}"
        else:
            token.tag = tokens[_opening(tokens, i)].tag


def _opening(tokens: list, close: int) -> int:
    """The index of the heading_open that the heading_close at ``close`` ends."""
    return max(j for j in range(close) if tokens[j].type == "heading_open")


_UNSAFE_LINK = re.compile(r"\]\(\s*<?\s*(?:javascript|vbscript|data|file)\s*:", re.IGNORECASE)
#: A link reference definition (``[x]: javascript:…`` on a line of its own) is a link too.
_UNSAFE_REF = re.compile(r"\]\s*:\s*<?\s*(?:javascript|vbscript|data|file)\s*:", re.IGNORECASE)


#: An ``&`` that would start an entity (``&amp;``, ``&#169;``); any other ``&`` is plain text.
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_MD_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)


def markdown_text(text: str | None, level: int | None = None, root: Path | None = None,
                  beside: Collection[str] = ()) -> str:
    """Record text for a Markdown output: kept as Markdown, but inert.

    Raw HTML is escaped (a Markdown viewer would otherwise render it), links to
    ``javascript:`` and similar schemes are disarmed, and an image that is not inline data or a
    file inside the repository ``root`` becomes its alt text. Headings are fitted into the
    document's outline as :func:`markdown_html` does (bold lines without ``level``).
    """
    if not text:
        return ""
    out = _ENTITY_LIKE.sub("&amp;", markdown_images(str(text), root, beside)).replace("<", "&lt;").replace(">", "&gt;")
    out = _UNSAFE_LINK.sub("](#unsafe-link-removed:", out)
    out = _UNSAFE_REF.sub("]: #unsafe-link-removed:", out)
    found = [len(m.group(1)) for m in _MD_HEADING.finditer(out)]
    if not found:
        return out
    top, previous = min(found), (level or 1) - 1

    def fit(m: re.Match) -> str:
        nonlocal previous
        if level is None:
            return f"**{m.group(2)}**"
        previous = max(level, min(level + len(m.group(1)) - top, previous + 1, 6))
        return f"{'#' * previous} {m.group(2)}"

    return _MD_HEADING.sub(fit, out)


_MD_BULLET = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")


def md_cell(text: str | None, root: Path | None = None) -> str:
    """Text for a Markdown table cell: one line, pipes escaped, list items as "•" lines."""
    lines = [line.strip() for line in markdown_text(text, root=root).strip().splitlines()]
    lines = [_MD_BULLET.sub("• ", line) if _MD_BULLET.match(line) else line for line in lines if line]
    return " <br> ".join(lines).replace("|", "\\|")


def heading_case(value: str, upper: bool) -> str:
    """A title in capitals where the body prints them so, keeping mixed-case acronyms (KPIs, CSPs)."""
    if not upper:
        return value
    return " ".join(word if _ACRONYM.match(word) else word.upper() for word in str(value).split(" "))


#: "KPIs", "PCCs", "LLR's": two capitals and then a lowercase tail are an acronym, kept as written.
_ACRONYM = re.compile(r"^\W*[A-Z]{2,}[a-z]{1,2}\W*$|^\W*[A-Z]{2,}'s\W*$")


def figure(value: float | None, decimals: int | None = None, unit: str = "") -> str:
    """A performance figure as published: fixed decimals where the indicator has them."""
    if value is None:
        return "–"
    text = f"{value:.{decimals}f}" if decimals is not None else f"{value:.10g}"
    return text + ("%" if unit == "percent" else "")


def change_text(change: tuple[float, str] | None) -> str:
    """+38.6% (a relative change) or +10.7 pts (percentage points); – when unknown."""
    if change is None:
        return "–"
    value, kind = change
    return f"{value:+.1f} pts" if kind == "pts" else f"{value:+.1f}%"


#: Line breaks of any kind become a space in a one-line CSS string (a running header).
_CSS_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")
#: Other control characters show as nothing (a form feed or carriage return would end the string).
_CSS_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
#: Escaped: the quote and backslash (``\\"``, ``\\\\``), and ``<``/``>`` as ``\\3c ``/``\\3e `` (no
#: ``</style>`` can appear).
_CSS_ESCAPE = re.compile('["\\\\<>]')


def css_string(text: Any) -> str:
    """A value as a CSS string literal (for running headers in @page rules): one line, and
    nothing in it can end the string or the style sheet."""
    from markupsafe import Markup

    s = _CSS_CONTROLS.sub("", _CSS_BREAKS.sub(" ", str(text)))
    s = _CSS_ESCAPE.sub(lambda m: "\\" + m.group() if m.group() in '"\\' else f"\\{ord(m.group()):x} ", s)
    return Markup(f'"{s}"')


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@lru_cache(maxsize=1)
def _settings_digest() -> str:
    import hashlib

    import jinja2

    return hashlib.sha256(Path(__file__).read_bytes() + jinja2.__version__.encode()).hexdigest()[:16]


def _bytecode_cache(conventions: Any, fmt: str):
    """Templates compiled once and kept in the user's cache folder (never in a repository).

    Jinja checks each entry against the template's source, so an edited template is compiled
    again. The file names carry everything else that shapes the compiled code: the versions of
    Jinja and of this module (its settings), the format and the body's conventions (Jinja
    folds a filter applied to a constant, ``{{ "Agenda"|heading }}``, when it compiles). A
    cache that cannot be read or written is no cache, never an error. ``CSPKIT_CACHE=0``
    turns it off.
    """
    import hashlib

    from jinja2 import FileSystemBytecodeCache

    if not cache_enabled():
        return None

    class QuietCache(FileSystemBytecodeCache):
        def load_bytecode(self, bucket):
            try:
                super().load_bytecode(bucket)
            except OSError:
                pass

        def dump_bytecode(self, bucket):
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    folder = user_folder() / "templates"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        dump = getattr(conventions, "model_dump_json", None)
        shape = hashlib.sha256(f"{fmt}\0{dump() if dump else repr(conventions)}".encode()).hexdigest()[:16]
        return QuietCache(str(folder), pattern=f"{_settings_digest()}-{shape}-%s.cache")
    except OSError:
        return None


def make_env(repo_root: Path | None, conventions: Any, fmt: str):
    """A sandboxed environment for one output format (html, pdf or md).

    One process rendering several documents (a pack in three formats, the test suite) reuses
    the environment, and with it the templates compiled so far: Jinja recompiles a template
    whose file has changed since.
    """
    own = str(repo_root / "templates") if repo_root is not None and (repo_root / "templates").is_dir() else None
    # which templates the repository overrides: one added since would otherwise go unseen,
    # its packaged namesake being compiled and up to date already
    overrides = tuple(sorted(p.relative_to(own).as_posix() for p in Path(own).rglob("*.j2"))) if own else ()
    dump = getattr(conventions, "model_dump_json", None)
    return _environment(repo_root, own, overrides, dump() if dump else repr(conventions), fmt, conventions)


_ENVIRONMENTS: dict[tuple, Any] = {}


def _environment(root: Path | None, own: str | None, overrides: tuple, shape: str, fmt: str, conventions: Any):
    key = (str(root), own, overrides, shape, fmt)
    if key not in _ENVIRONMENTS:
        if len(_ENVIRONMENTS) >= 16:
            _ENVIRONMENTS.pop(next(iter(_ENVIRONMENTS)))
        _ENVIRONMENTS[key] = _new_env(root, own, conventions, fmt)
    return _ENVIRONMENTS[key]


def _new_env(root: Path | None, own: str | None, conventions: Any, fmt: str):
    from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    loaders: list[BaseLoader] = []
    if own is not None and root is not None:
        loaders.append(repository_loader(root))  # read by the one rule: inside the repository
    loaders.append(FileSystemLoader(str(package_templates())))
    env = SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        autoescape=lambda name: bool(name) and name.endswith((".html.j2", ".html")),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_bytecode_cache(conventions, fmt),
    )
    conv = conventions

    def date_filter(value, style: str | None = None):
        return format_date(value, style or conv.text_date_style.value)

    def title_case(value: str) -> str:
        return heading_case(value, conv.uppercase_titles)

    def point_label(n: int) -> str:
        r = roman(n)
        return f"({r})" if conv.point_numbering == "roman-parens" else f"{r}."

    env.filters.update(
        date=date_filter,
        time=lambda t: format_time(t, conv.time_style.value),
        timerange=lambda a, b=None: format_time_range(a, b, conv.time_style.value),
        md=lambda t, level=None, beside=(): markdown_html(t, level=level, root=root, beside=beside),
        md_inline=lambda t: markdown_html(t, inline=True, root=root),
        mdtext=lambda t, level=None, beside=(): markdown_text(t, level, root, beside),
        figure=figure,
        change=change_text,
        mdcell=lambda t: md_cell(t, root),
        roman=roman,
        letter=letter,
        point=point_label,
        heading=title_case,
        css=css_string,
    )
    env.globals.update(fmt=fmt, paged=(fmt == "pdf"), conv=conv)
    return env
