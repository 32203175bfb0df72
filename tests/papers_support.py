"""Stand-ins for the papers partners send, made in the tests: PDFs, slide decks, Word reports.

Every page of a stand-in PDF says which page of which document it is ("IRMP STAND-IN page 3
of 7"), so a test can find each attached page in a merged pack by its text, and is framed
by a rectangle at its edges, so a page image shows how it was scaled.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

A4 = (595.276, 841.89)
LETTER = (612.0, 792.0)
SLIDE = (960.0, 540.0)  # a 16:9 presentation exported to PDF


def pdf_bytes(name: str, sizes: list[tuple[float, float]], *, rotate: dict[int, int] | None = None,
              extra: callable | None = None) -> bytes:
    """A PDF whose page ``i`` (1-based) has size ``sizes[i-1]`` and reads "NAME page i of n".

    ``rotate``: page number -> /Rotate. ``extra(writer)`` may add hostile parts before writing.
    """
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, NumberObject

    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"), NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    }))
    n = len(sizes)
    for i, (w, h) in enumerate(sizes, start=1):
        page = writer.add_blank_page(w, h)
        text = f"{name} page {i} of {n}"
        stream = DecodedStreamObject()
        stream.set_data((f"q 0 0 1 RG 6 w 3 3 {w - 6:.2f} {h - 6:.2f} re S Q "
                         f"BT /F1 22 Tf 30 {h - 60:.2f} Td ({text}) Tj ET "
                         f"BT /F1 12 Tf 30 30 Td (bottom left of {text}) Tj ET").encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject({
            NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
        if rotate and i in rotate:
            page[NameObject("/Rotate")] = NumberObject(rotate[i])
    writer.add_metadata({"/Title": f"{name} (stand-in)"})
    if extra is not None:
        extra(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes(width: int = 120, height: int = 80, colour: tuple[int, int, int] = (31, 78, 121)) -> bytes:
    """A plain PNG image (a bar chart's worth of colour: left half coloured, right half white)."""
    rows = b"".join(b"\x00" + b"".join(bytes(colour) if x < width // 2 else b"\xff\xff\xff" for x in range(width))
                    for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def word_report(path: Path, *, title: str = "Youth ASB Report", figure_alt: str = "Youth ASB incidents by month",
                table: bool = True) -> Path:
    """A Word report with headings, a list, a table with a merged cell and a figure with a caption."""
    from docx import Document
    from docx.shared import Mm

    doc = Document()
    doc.core_properties.title = title
    doc.add_heading("Youth ASB in Charnwood", level=1)
    doc.add_paragraph("The police data for crime reports with a suspect aged 10-19 shows a reduction in Q2. "
                      "See Figure 1.1.")
    doc.add_paragraph("Fewer repeat callers", style="List Bullet")
    doc.add_paragraph("Fewer incidents near schools", style="List Bullet")
    image = path.parent / "figure.png"
    image.write_bytes(png_bytes())
    doc.add_picture(str(image), width=Mm(120))
    doc.paragraphs[-1].runs[0]._r.xpath(".//wp:docPr")[0].set("descr", figure_alt)
    doc.add_paragraph("Figure 1.1 – Offences committed by a suspect aged 10-19", style="Caption")
    doc.add_heading("Incidents by area", level=2)
    if table:
        t = doc.add_table(rows=3, cols=3)
        t.rows[0].cells[0].text, t.rows[0].cells[1].text, t.rows[0].cells[2].text = "Area", "Q1", "Q2"
        t.rows[1].cells[0].text, t.rows[1].cells[1].text, t.rows[1].cells[2].text = "Loughborough", "41", "29"
        merged = t.rows[2].cells[0].merge(t.rows[2].cells[1])
        merged.text = "Shepshed and Syston"
        t.rows[2].cells[2].text = "12"
    doc.add_paragraph("Charnwood now has the third highest recorded levels of youth ASB.")
    image.unlink()
    doc.save(str(path))
    return path


# --------------------------------------------------------------------------- hostile parts


def _names(writer, key: str, name: str, value) -> None:
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    root = writer._root_object
    names = root.setdefault(NameObject("/Names"), DictionaryObject())
    names[NameObject(key)] = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject(name), value])})


def with_javascript(writer) -> None:
    """An open action and a document-level script, as a PDF "form" made in Acrobat has."""
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    script = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert('hello');")})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(script)
    _names(writer, "/JavaScript", "greeting", writer._add_object(script))


def with_embedded_file(writer) -> None:
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, TextStringObject

    stream = DecodedStreamObject()
    stream.set_data(b"area,q1,q2\nLoughborough,41,29\n")
    stream[NameObject("/Type")] = NameObject("/EmbeddedFile")
    spec = DictionaryObject({NameObject("/Type"): NameObject("/Filespec"), NameObject("/F"): TextStringObject("data.csv"),
                             NameObject("/EF"): DictionaryObject({NameObject("/F"): writer._add_object(stream)})})
    _names(writer, "/EmbeddedFiles", "data.csv", writer._add_object(spec))


def with_form_field(writer, value: str = "FILLED IN BY LFRS") -> None:
    """A text field on page 1 whose appearance shows ``value`` (as a filled-in form has)."""
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    page = writer.pages[0]
    font = page["/Resources"]["/Font"]["/F1"]
    appearance = DecodedStreamObject()
    appearance.set_data(f"/Tx BMC BT /F1 14 Tf 2 6 Td ({value}) Tj ET EMC".encode("latin-1"))
    appearance.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                       NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(300), FloatObject(24)]),
                       NameObject("/Resources"): DictionaryObject({NameObject("/Font"): DictionaryObject(
                           {NameObject("/F1"): font})})})
    field = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject("station"),
        NameObject("/V"): TextStringObject(value), NameObject("/F"): NumberObject(4),
        NameObject("/Rect"): ArrayObject([FloatObject(100), FloatObject(400), FloatObject(400), FloatObject(424)]),
        NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(appearance)}),
    }))
    page[NameObject("/Annots")] = ArrayObject([field])
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): ArrayObject([field])})


def encrypted(writer) -> None:
    """A password to open it (RC4: pypdf needs no extra library for it)."""
    writer.encrypt("secret", algorithm="RC4-128")


def owner_locked(writer) -> None:
    """Opens without a password, but its owner forbids changes."""
    writer.encrypt(user_password="", owner_password="owner", permissions_flag=0b0100, algorithm="RC4-128")
