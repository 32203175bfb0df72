"""Figures in Word documents: read from inside the package only, judged before anything decodes them."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

import pytest
from papers_support import png_bytes, word_report

from cspkit.documents import Figure, Note, Paragraph, read_document
from cspkit.documents.images import ImageRefused, sniff_image
from cspkit.documents.safety import Limits


def _rewrite(path, change) -> None:
    """Rewrite the Word package at ``path``: ``change(name, data)`` returns a part's new bytes."""
    with zipfile.ZipFile(path) as zf:
        parts = [(info.filename, zf.read(info)) for info in zf.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts:
            zf.writestr(name, change(name, data))
    path.write_bytes(buf.getvalue())


@pytest.fixture
def report(tmp_path):
    return word_report(tmp_path / "report.docx")


def test_a_figure_is_read_with_its_alternative_text_and_size_where_it_stands(report):
    document = read_document(report, figures=True)
    figures = [b for b in document.blocks if isinstance(b, Figure)]
    assert len(figures) == 1
    figure = figures[0]
    assert figure.media_type == "image/png" and figure.data == png_bytes()
    assert figure.alt == "Youth ASB incidents by month"
    assert figure.width_mm == 120.0 and figure.height_mm == 80.0
    before = document.blocks[document.blocks.index(figure) - 1]
    after = document.blocks[document.blocks.index(figure) + 1]
    assert isinstance(before, Paragraph) and before.text == "Fewer incidents near schools"
    assert isinstance(after, Paragraph) and after.text.startswith("Figure 1.1")
    assert figure.location.paragraph == before.location.paragraph + 1


def test_without_figures_asked_for_a_picture_stays_a_note(report):
    document = read_document(report)
    assert not any(isinstance(b, Figure) for b in document.blocks)
    assert any(n.kind == "image" for n in document.notes)


@pytest.mark.parametrize(("image", "note"), [
    (b"GIF89a" + b"\0" * 40, "an image was left out: it is a GIF image: only PNG, JPEG images are shown"),
    (b"\x01\x00\x00\x00" + b"\0" * 40, "an image was left out: it is a Windows metafile (EMF)"),
    (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0),
     "an image was left out: it is 100000 × 100000 pixels, more than 80 million"),
])
def test_a_picture_that_is_not_a_png_or_jpeg_or_is_a_bitmap_bomb_is_left_out_with_a_note(report, image, note):
    _rewrite(report, lambda name, data: image if name.startswith("word/media/") else data)
    document = read_document(report, figures=True)
    assert not any(isinstance(b, Figure) for b in document.blocks)
    notes = [n.message for n in document.notes if n.kind == "image"]
    assert any(note in n for n in notes), notes


def test_a_picture_larger_than_the_limit_is_left_out_unread(report):
    document = read_document(report, figures=True, limits=Limits(max_image_bytes=100))
    assert not any(isinstance(b, Figure) for b in document.blocks)
    assert any(n.message == f"an image of {len(png_bytes())} bytes was left out (more than 100 bytes)"
               for n in document.notes), document.notes


def test_a_linked_picture_is_never_fetched(report):
    def external(name, data):
        if name == "word/_rels/document.xml.rels":
            return re.sub(rb'(Target="media/image1\.png")', rb'Target="https://example.org/chart.png" '
                                                            rb'TargetMode="External"', data)
        return data

    _rewrite(report, external)
    document = read_document(report, figures=True)
    assert not any(isinstance(b, Figure) for b in document.blocks)
    assert any(isinstance(b, Note) and b.kind == "image" for b in document.blocks)
    assert any("https://example.org/chart.png" in n.message and "was not fetched" in n.message for n in document.notes)


def test_the_bytes_already_read_are_used_and_still_held_to_the_size_limit(report, tmp_path):
    data = report.read_bytes()
    document = read_document(tmp_path / "not-there.docx", name="report.docx", figures=True, data=data)
    assert any(isinstance(b, Figure) for b in document.blocks)
    from cspkit.documents import DocumentError

    with pytest.raises(DocumentError, match=r"report\.docx: is .*, more than the limit of"):
        read_document(tmp_path / "x.docx", name="report.docx", data=data, limits=Limits(max_file_bytes=100))


def _jpeg(width: int, height: int) -> bytes:
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def test_sniffing_images_reads_sizes_from_headers():
    assert sniff_image(png_bytes(120, 80)).width == 120
    info = sniff_image(_jpeg(640, 480))
    assert (info.media_type, info.width, info.height) == ("image/jpeg", 640, 480)
    assert sniff_image(b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>').media_type == "image/svg+xml"
    with pytest.raises(ImageRefused, match="SVG drawing"):
        sniff_image(b"<svg/>", svg=False)
    with pytest.raises(ImageRefused, match="damaged JPEG"):
        sniff_image(b"\xff\xd8\xff\xd9")
    with pytest.raises(ImageRefused, match="not a PNG, JPEG or SVG"):
        sniff_image(zlib.compress(b"hello"))
