"""Images in record text: only inline data or files inside the repository, never the network.

Record text is Markdown, so ``![map](https://host/x.png)`` (or protocol-relative ``//host/x.png``)
in a minute would make every public HTML or Markdown pack a web beacon, fetched by whoever
opens it. An image is shown only when it is inline data (``data:image/png;base64,…``) or a file
inside the repository (a path relative to the repository root, as the PDF build reads it); any
other image is rendered as its alt text. In HTML (and so in the PDF) a file's image is inlined
as data, read by the one reading rule (:func:`cspkit.fileio.read_file`): a link out of the
repository, a pipe or an oversized file is never read.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from cspkit.fileio import FileRefused, read_file

#: Image files by their extension, as a browser and WeasyPrint show them in ``<img>``.
MIME_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
              ".webp": "image/webp", ".svg": "image/svg+xml"}

#: An image file larger than this is not inlined (shown as its alt text).
MAX_IMAGE_BYTES = 5 * 1024 * 1024

#: Inline data a browser shows as an image (markdown-it's own list: never SVG as data, which
#: can carry script when opened on its own).
_DATA_IMAGE = re.compile(r"^data:image/(?:gif|png|jpeg|webp);", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def local_file(url: str, root: Path | None) -> Path | None:
    """The file inside the repository ``root`` that an image ``url`` names, or None.

    Only a relative path counts: no scheme (``http:``, ``file:``), not absolute, not
    protocol-relative (``//host``), no backslash (``\\\\host`` is a network share to some
    browsers), and naming an image type.
    """
    if root is None or not url:
        return None
    url = url.strip()
    if _SCHEME.match(url) or url.startswith(("/", "\\")) or "\\" in url:
        return None
    path = unquote(url.split("#", 1)[0].split("?", 1)[0])
    if not path or "\0" in path or Path(path).suffix.lower() not in MIME_TYPES:
        return None
    return root / path


def inline_src(url: str, root: Path | None) -> str | None:
    """What an ``<img src>`` may be: ``url`` itself if it is inline image data, the file's
    data for a file inside the repository, or None (show the alt text instead)."""
    if _DATA_IMAGE.match(url.strip()):
        return url.strip()
    data = _read_image(url, root)
    if data is None:
        return None
    path, content = data
    return f"data:{MIME_TYPES[path.suffix.lower()]};base64,{base64.b64encode(content).decode('ascii')}"


def _read_image(url: str, root: Path | None) -> tuple[Path, bytes] | None:
    path = local_file(url, root)
    if path is None or root is None:
        return None
    try:
        return path, read_file(path, limit=MAX_IMAGE_BYTES, inside=root)
    except (OSError, FileRefused):
        return None


def render_image(renderer: Any, tokens: list, idx: int, options: Any, env: dict) -> str:
    """markdown-it's ``image`` rule: the image inlined (see :func:`inline_src`), or its alt text.

    ``env["image_root"]`` is the repository (None: only inline data is shown); ``env["beside"]``
    the images a pack wrote beside itself (a paper's figures), kept as their relative links.
    """
    from markdown_it.common.utils import escapeHtml

    token = tokens[idx]
    written = token.attrGet("src") or ""
    if written in (env or {}).get("beside", ()):
        return renderer.image(tokens, idx, options, env)
    src = inline_src(written, (env or {}).get("image_root"))
    if src is None:
        return escapeHtml(renderer.renderInlineAsText(token.children or [], options, env))
    token.attrSet("src", src)
    return renderer.image(tokens, idx, options, env)


# --------------------------------------------------------------------------- Markdown output

#: ``![alt](url "title")``: alt without unescaped brackets, url bare or in <>, an optional title.
_INLINE_IMAGE = re.compile(
    r"!\[(?P<alt>(?:\\.|[^\\\[\]])*)\]\(\s*(?P<url><[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)"
    r"(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?\s*\)")
#: ``![alt][ref]``, ``![alt][]`` and ``![alt]``: an image whose address is defined elsewhere.
_REFERENCE_IMAGE = re.compile(r"!\[(?P<alt>(?:\\.|[^\\\[\]])*)\](?:\[(?:\\.|[^\\\[\]])*\])?")


def markdown_images(text: str, root: Path | None, beside: Collection[str] = ()) -> str:
    """Record text for a Markdown output with every image that is not inline data, a file
    inside the repository or one of the files the pack wrote ``beside`` itself turned into its
    alt text.

    An image by reference (its address defined on another line) becomes its alt text too, and
    any ``![`` left over (an alt with nested brackets) is escaped, so no image of any other kind
    can survive.
    """
    if "![" not in text:
        return text

    def inline(m: re.Match) -> str:
        url = m.group("url").strip("<>")
        if url in beside or _DATA_IMAGE.match(url) or _read_image(url, root) is not None:
            return m.group(0)
        return m.group("alt")

    out = _INLINE_IMAGE.sub(inline, text)
    kept = {m.start() for m in _INLINE_IMAGE.finditer(out)}
    out = _REFERENCE_IMAGE.sub(lambda m: m.group(0) if m.start() in kept else m.group("alt"), out)
    kept = {m.start() for m in _INLINE_IMAGE.finditer(out)}
    parts, last = [], 0
    for m in re.finditer(r"!\[", out):
        if m.start() not in kept:
            parts.append(out[last:m.start()] + "!\\[")
            last = m.end()
    return "".join(parts) + out[last:]
