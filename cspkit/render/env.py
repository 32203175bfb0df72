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
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from cspkit.render.dates import format_date, format_time, format_time_range

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

    from cspkit.render.images import render_image

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.enable("strikethrough")
    md.add_render_rule("image", render_image)  # inline data or files inside the repository only
    return md


def markdown_html(text: str | None, inline: bool = False, root: Path | None = None):
    """Record text (Markdown) as safe HTML: raw HTML is escaped, unsafe links are dropped, and
    images are shown only from inline data or files inside the repository ``root``
    (:mod:`cspkit.render.images`)."""
    from markupsafe import Markup

    if not text:
        return Markup("")
    md = _markdown()
    env = {"image_root": root}
    html = md.renderInline(str(text), env) if inline else md.render(str(text), env)
    return Markup(html)


_UNSAFE_LINK = re.compile(r"\]\(\s*<?\s*(?:javascript|vbscript|data|file)\s*:", re.IGNORECASE)
#: A link reference definition (``[x]: javascript:…`` on a line of its own) is a link too.
_UNSAFE_REF = re.compile(r"\]\s*:\s*<?\s*(?:javascript|vbscript|data|file)\s*:", re.IGNORECASE)


def markdown_text(text: str | None, root: Path | None = None) -> str:
    """Record text for a Markdown output: kept as Markdown, but inert.

    Raw HTML is escaped (a Markdown viewer would otherwise render it), links to
    ``javascript:`` and similar schemes are disarmed, and an image that is not inline data or a
    file inside the repository ``root`` becomes its alt text.
    """
    from cspkit.render.images import markdown_images

    if not text:
        return ""
    out = markdown_images(str(text), root).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = _UNSAFE_LINK.sub("](#unsafe-link-removed:", out)
    return _UNSAFE_REF.sub("]: #unsafe-link-removed:", out)


def md_cell(text: str | None, root: Path | None = None) -> str:
    """Text for a Markdown table cell: one line, pipes escaped."""
    t = markdown_text(text, root)
    return re.sub(r"\s*\n\s*", " <br> ", t.strip()).replace("|", "\\|")


#: Line breaks of any kind become a space in a one-line CSS string (a running header).
_CSS_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")
#: Other control characters show as nothing (a form feed or carriage return would end the string).
_CSS_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
#: Escaped: the quote and backslash (``\"``, ``\\``), and ``<``/``>`` as ``\3c ``/``\3e `` (no
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
    import os

    from jinja2 import FileSystemBytecodeCache

    if os.environ.get("CSPKIT_CACHE", "1").strip().lower() in ("0", "no", "off", "false"):
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

    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cspkit" / "templates"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        dump = getattr(conventions, "model_dump_json", None)
        shape = hashlib.sha256(f"{fmt}\0{dump() if dump else repr(conventions)}".encode()).hexdigest()[:16]
        return QuietCache(str(folder), pattern=f"{_settings_digest()}-{shape}-%s.cache")
    except OSError:
        return None


def make_env(repo_root: Path | None, conventions: Any, fmt: str):
    """A sandboxed environment for one output format (html, pdf or md)."""
    from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    from cspkit.render.repo_templates import RepositoryLoader

    loaders: list[BaseLoader] = []
    if repo_root is not None and (repo_root / "templates").is_dir():
        loaders.append(RepositoryLoader(repo_root))  # read by the one rule: inside the repository
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
        return value.upper() if conv.uppercase_titles else value

    def point_label(n: int) -> str:
        r = roman(n)
        return f"({r})" if conv.point_numbering == "roman-parens" else f"{r}."

    env.filters.update(
        date=date_filter,
        time=lambda t: format_time(t, conv.time_style.value),
        timerange=lambda a, b=None: format_time_range(a, b, conv.time_style.value),
        md=lambda t: markdown_html(t, root=repo_root),
        md_inline=lambda t: markdown_html(t, inline=True, root=repo_root),
        mdtext=lambda t: markdown_text(t, repo_root),
        mdcell=lambda t: md_cell(t, repo_root),
        roman=roman,
        letter=letter,
        point=point_label,
        heading=title_case,
        css=css_string,
    )
    env.globals.update(fmt=fmt, paged=(fmt == "pdf"), conv=conv)
    return env
