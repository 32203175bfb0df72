"""What an image file really is, judged from its first bytes, before anything decodes it.

Images reach a pack from Word documents (figures in a partner's report) and from Markdown
papers (files next to them in the repository). Only PNG, JPEG and SVG are shown. A raster
image's size is read from its header, so that one which would unpack to an enormous bitmap
(a few kilobytes of file saying 100,000 × 100,000 pixels) is refused before a renderer
allocates it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from cspkit.errors import UserError

#: The most pixels a raster image may have (a 10,000 × 8,000 scan is 80 million).
MAX_PIXELS = 80_000_000

_PNG = b"\x89PNG\r\n\x1a\n"


class ImageRefused(UserError):
    """An image that is not shown: ``str()`` says why, as a phrase ("is a GIF, …"); callers say which image."""


@dataclass(frozen=True)
class ImageInfo:
    """The kind of an image and, for a raster one, its size in pixels."""

    media_type: str
    width: int = 0
    height: int = 0

    @property
    def suffix(self) -> str:
        return {"image/png": ".png", "image/jpeg": ".jpg", "image/svg+xml": ".svg"}[self.media_type]


def sniff_image(data: bytes, *, svg: bool = True, max_pixels: int = MAX_PIXELS) -> ImageInfo:
    """The kind and size of ``data``; :class:`ImageRefused` for anything not shown."""
    if data.startswith(_PNG):
        if len(data) < 24 or data[12:16] != b"IHDR":
            raise ImageRefused("is a damaged PNG image")
        width, height = struct.unpack(">II", data[16:24])
        return _checked(ImageInfo("image/png", width, height), max_pixels)
    if data.startswith(b"\xff\xd8\xff"):
        width, height = _jpeg_size(data)
        return _checked(ImageInfo("image/jpeg", width, height), max_pixels)
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<svg") or (head.startswith((b"<?xml", b"<!--", b"<!doctype svg")) and b"<svg" in head):
        if not svg:
            raise ImageRefused("is an SVG drawing, which is not shown here")
        return ImageInfo("image/svg+xml")
    kinds = {b"GIF8": "a GIF image", b"BM": "a BMP image", b"II*\x00": "a TIFF image", b"MM\x00*": "a TIFF image",
             b"\xd7\xcd\xc6\x9a": "a Windows metafile (WMF)", b"\x01\x00\x00\x00": "a Windows metafile (EMF)",
             b"%PDF": "a PDF", b"RIFF": "a WebP image"}
    for magic, what in kinds.items():
        if data.startswith(magic):
            raise ImageRefused(f"is {what}: only PNG, JPEG{' and SVG' if svg else ''} images are shown")
    raise ImageRefused(f"is not a PNG, JPEG{' or SVG' if svg else ''} image")


def _checked(info: ImageInfo, max_pixels: int) -> ImageInfo:
    if info.width <= 0 or info.height <= 0:
        raise ImageRefused("is a damaged image (it has no size)")
    if info.width * info.height > max_pixels:
        raise ImageRefused(f"is {info.width} × {info.height} pixels, more than {max_pixels // 1_000_000} million")
    return info


def _jpeg_size(data: bytes) -> tuple[int, int]:
    """Width and height from a JPEG's first start-of-frame marker."""
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
            i += 2 if marker != 0xFF else 1
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        if length < 2:
            break
        i += 2 + length
    raise ImageRefused("is a damaged JPEG image (no frame header)")
