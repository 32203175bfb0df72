"""Hostile and wrong files: each is refused with one line that says what it is and what to do.

Nothing here may block, fetch anything, or use more memory than the limits allow.
"""

from __future__ import annotations

import os
import socket
import struct
import threading
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from documents_support import DOCM_MAIN, p, package, r, write

from cspkit.documents import DocumentError, Limits, read_document
from cspkit.errors import UserError

FIXTURES = Path(__file__).parent / "fixtures" / "documents" / "libreoffice"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("hostile")


def refused(path, **kw) -> str:
    with pytest.raises(DocumentError) as info:
        read_document(path, **kw)
    message = str(info.value)
    assert "\n" not in message and isinstance(info.value, UserError)
    return message


# -- not a .docx ------------------------------------------------------------------------------------
def test_word_97_2003_document(tmp_path):
    path = tmp_path / "minutes.doc"
    path.write_bytes((FIXTURES / "minutes.doc").read_bytes())  # saved by LibreOffice as Word 97-2003
    assert refused(path) == ("minutes.doc: is a Word 97-2003 document (.doc): open it in Word and save it as .docx")
    renamed = tmp_path / "minutes.docx"
    renamed.write_bytes(path.read_bytes())
    assert refused(renamed).startswith("minutes.docx: is a Word 97-2003 document (.doc)")


def test_opendocument_text(tmp_path):
    path = tmp_path / "minutes.odt"
    path.write_bytes((FIXTURES / "minutes.odt").read_bytes())  # saved by LibreOffice
    assert refused(path) == "minutes.odt: is an OpenDocument text (.odt): save it as .docx"


def test_password_protected_document(folder):
    # An encrypted .docx is an OLE container holding an "EncryptedPackage" stream.
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64
    assert refused(write(folder, "locked.docx", ole)) == (
        "locked.docx: is password-protected: remove the password in Word (File > Info > Protect Document) "
        "and save it again")


def test_macro_enabled_document(folder):
    docm = package(p("Minutes"), main_type=DOCM_MAIN)
    assert refused(write(folder, "minutes.docm", docm)) == (
        "minutes.docm: is a macro-enabled Word document (.docm), which is not accepted: "
        "save it as a Word Document (.docx)")
    # Renamed to .docx, or a vbaProject part slipped into a plain one: refused the same.
    assert refused(write(folder, "renamed.docx", docm)).startswith("renamed.docx: is a macro-enabled Word document")
    sneaky = package(p("Minutes"), parts={"word/vbaProject.bin": b"\0" * 100})
    assert refused(write(folder, "sneaky.docx", sneaky)).startswith("sneaky.docx: is a macro-enabled Word document")


def test_renamed_zip_and_other_office_files(folder):
    plain = _zip({"notes.txt": b"hello"})
    assert refused(write(folder, "archive.docx", plain)) == "archive.docx: is a zip file, not a Word document (.docx)"
    xlsx = _zip({"[Content_Types].xml": b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                 b'spreadsheetml.sheet.main+xml"/></Types>', "xl/workbook.xml": b"<workbook/>"})
    assert refused(write(folder, "figures.docx", xlsx)) == "figures.docx: is an Excel workbook, not a Word document (.docx)"


def test_not_a_zip_at_all(folder):
    assert refused(write(folder, "notes.docx", b"Minutes of the meeting\n")) == (
        "notes.docx: is not a Word document (.docx): it is not a zip package")
    assert refused(write(folder, "empty.docx", b"")) == "empty.docx: is empty (0 bytes), not a Word document (.docx)"
    assert refused(write(folder, "pack.docx", b"%PDF-1.7\n...")) == "pack.docx: is a PDF, not a Word document (.docx)"
    assert refused(write(folder, "old.docx", b"{\\rtf1\\ansi Minutes}")) == (
        "old.docx: is a Rich Text (RTF) document: open it in Word and save it as .docx")


def test_damaged_xml_and_a_dtd(folder):
    broken = package(p("Minutes").replace("</w:p>", ""))
    assert refused(write(folder, "broken.docx", broken)) == (
        "broken.docx: is damaged: the part word/document.xml is not well-formed XML (line 1)")
    laughs = _replace_part(package(p("&lol;")), "word/document.xml",
                           lambda x: x.replace(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
                                               b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY lol "lol">]>'))
    assert refused(write(folder, "laughs.docx", laughs)) == (
        "laughs.docx: refused: the part word/document.xml declares a DTD, which Word never writes")


# -- size and zip bombs -------------------------------------------------------------------------------
def _zip(parts: dict[str, bytes]) -> bytes:
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def _replace_part(docx: bytes, name: str, change) -> bytes:
    import io

    src = zipfile.ZipFile(io.BytesIO(docx))
    return _zip({n: change(src.read(n)) if n == name else src.read(n) for n in src.namelist()})


def _zeros_deflated(megabytes: int) -> bytes:
    """A raw deflate stream of ``megabytes`` MiB of zeros, made without compressing them all."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(b"\0" * (1 << 20)) + c.flush(zlib.Z_FULL_FLUSH)  # stands alone after a full flush
    return block * megabytes + b"\x03\x00"  # an empty final block


def _raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written by hand: (name, deflated data, declared size, crc) — sizes may lie."""
    local, central, offset = b"", b"", 0
    for name, data, size, crc in entries:
        n = name.encode()
        header = struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data), size, len(n), 0) + n
        central += struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(data), size, len(n),
                               0, 0, 0, 0, 0, offset) + n
        local += header + data
        offset += len(header) + len(data)
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), len(local), 0)
    return local + central + end


def _bomb_entries(main: bytes) -> list[tuple[str, bytes, int, int]]:
    """A real Word package's parts (stored honestly) with ``word/document.xml`` replaced by ``main``."""
    import io

    src = zipfile.ZipFile(io.BytesIO(package(p("Minutes"))))
    out = []
    for name in src.namelist():
        if name == "word/document.xml":
            continue
        data = src.read(name)
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        out.append((name, c.compress(data) + c.flush(), len(data), zlib.crc32(data)))
    return out


def _bounded(action) -> tuple[float, int]:
    """Seconds and peak bytes Python allocated while ``action`` ran."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        action()
    finally:
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return seconds, peak


def test_zip_bomb_refused_from_the_central_directory(folder):
    gigabyte = _zeros_deflated(1024)  # 1 GiB of zeros in about 1 MB
    entries = _bomb_entries(b"") + [("word/document.xml", gigabyte, 1 << 30, 0)]
    path = write(folder, "bomb.docx", _raw_zip(entries))
    seconds, peak = _bounded(lambda: refused(path))
    assert refused(path) == ("bomb.docx: refused: the part word/document.xml would unpack to 1.0 GB, "
                             "more than the limit of 32 MB for one part")
    assert seconds < 1 and peak < 16 * 2 ** 20


def test_compression_ratio_refused(folder):
    data = _zeros_deflated(20)  # 20 MiB of zeros: under the part limit, but a ratio no document has
    entries = _bomb_entries(b"") + [("word/document.xml", data, 20 << 20, zlib.crc32(b"\0" * (20 << 20)))]
    path = write(folder, "ratio.docx", _raw_zip(entries))
    ratio = (20 << 20) // len(data)
    assert refused(path) == (f"ratio.docx: refused: the part word/document.xml is compressed {ratio} to 1, "
                             "far more than a real document (a zip bomb)")


def test_part_that_lies_about_its_size_is_not_unpacked_past_it(folder):
    # The central directory says 2 KB; the data would unpack to 256 MiB. Reading stops at what
    # was declared, and the checksum then shows the part is not what it claims.
    entries = _bomb_entries(b"") + [("word/document.xml", _zeros_deflated(256), 2048, 0)]
    path = write(folder, "liar.docx", _raw_zip(entries))
    seconds, peak = _bounded(lambda: refused(path))
    message = refused(path)
    assert message.startswith("liar.docx: is damaged: the part word/document.xml cannot be unpacked (Bad CRC-32")
    assert seconds < 1 and peak < 16 * 2 ** 20


def test_limits_on_parts_total_entries_and_file_size(folder):
    path = write(folder, "normal.docx", package(p("Minutes")))
    assert refused(path, limits=Limits(max_part_bytes=1000)).startswith(
        "normal.docx: refused: the part word/styles.xml would unpack to 2 KB, more than the limit of 1000 bytes")
    assert refused(path, limits=Limits(max_total_bytes=4000)).startswith(
        "normal.docx: refused: it would unpack to ")
    assert refused(path, limits=Limits(max_entries=3)) == (
        "normal.docx: refused: it has 6 parts, more than the limit of 3")
    assert refused(path, limits=Limits(max_file_bytes=100)).startswith("normal.docx: is 2 KB, more than the limit of 100 bytes")


def test_unpacking_is_checked_again_while_reading(folder):
    # Every part passes the central directory check, but reading them all goes past the total.
    path = write(folder, "total.docx", package(p("Minutes")))
    from cspkit.documents.safety import open_docx

    package_ = open_docx(path, limits=Limits(max_total_bytes=10_000))
    with pytest.raises(DocumentError) as info:
        for _ in range(10):  # 2 KB a time: the central directory cannot know a part is read twice
            package_.read("word/styles.xml")
    assert str(info.value) == "total.docx: refused: it unpacks to more than 10 KB in all"


# -- external links ---------------------------------------------------------------------------------------
def test_external_relationships_are_noted_and_never_fetched(folder, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the reader tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    rt = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    rels = (f'<Relationship Id="rIdImg" Type="{rt}/image" Target="http://203.0.113.9/track.png" TargetMode="External"/>'
            f'<Relationship Id="rIdSettings" Type="{rt}/settings" Target="settings.xml"/>')
    settings = ('<?xml version="1.0" encoding="UTF-8"?><w:settings xmlns:w="http://schemas.openxmlformats.org/'
                'wordprocessingml/2006/main"/>')
    settings_rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                     f'package/2006/relationships"><Relationship Id="rId1" Type="{rt}/attachedTemplate" '
                     'Target="file://\\\\fileserver\\templates\\minutes.dotm" TargetMode="External"/></Relationships>')
    data = package(p("Minutes") + p(runs='<w:r><w:drawing/></w:r>'), extra_rels=rels,
                   parts={"word/settings.xml": settings, "word/_rels/settings.xml.rels": settings_rels})
    doc = read_document(write(folder, "linked.docx", data))
    assert [n.message for n in doc.notes] == [
        "an image linked from outside the document (http://203.0.113.9/track.png) was not fetched",
        "the document's template, linked from outside it (file://\\\\fileserver\\templates\\minutes.dotm) "
        "was not fetched",
        "an image was left out",
    ]
    assert [b.plain for b in doc.blocks if hasattr(b, "plain")] == ["Minutes"]


# -- tracked changes and comments -----------------------------------------------------------------------
TRACKED = {
    "inserted text": '<w:ins w:id="1" w:author="Clerk" w:date="2023-07-14T09:00:00Z">{}</w:ins>'.format(r(" swiftly")),
    "deleted text": '<w:del w:id="1" w:author="Clerk"><w:r><w:delText>not</w:delText></w:r></w:del>',
    "moved text": '<w:moveFrom w:id="1" w:author="Clerk">{}</w:moveFrom>'.format(r(" moved")),
}


@pytest.mark.parametrize("change", sorted(TRACKED))
def test_tracked_changes_are_refused(folder, change):
    body = p("Present") + p(runs=r("AGREED that the information be noted") + TRACKED[change])
    message = refused(write(folder, "tracked.docx", package(body)))
    assert message == ('tracked.docx: paragraph 2 ("AGREED that the information…"): has tracked changes: '
                       "accept or reject the tracked changes first, then save it and try again")
    assert "not" not in message.split("(")[1]  # the deleted word is not shown as if it stood


def test_a_deleted_paragraph_mark_in_a_table_is_a_tracked_change(folder):
    from documents_support import tbl, tc, tr

    deleted_mark = '<w:rPr><w:del w:id="2" w:author="Clerk"/></w:rPr>'
    body = p("Attendance") + tbl(tr(tc(p("Rob Kitson", ppr=deleted_mark)), tc(p("LFRS"))))
    assert refused(write(folder, "mark.docx", package(body))) == (
        'mark.docx: paragraph 2 ("Rob Kitson"): has tracked changes: accept or reject the tracked changes first, '
        "then save it and try again")


def test_comments_are_refused(folder):
    body = p("Present") + p(runs='<w:commentRangeStart w:id="0"/>' + r("AGREED that the Plan be ratified")
                            + '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>')
    assert refused(write(folder, "comments.docx", package(body))) == (
        'comments.docx: paragraph 2 ("AGREED that the Plan…"): has comments: delete the comments (or resolve them) '
        "first, then save it and try again")


# -- not a regular file ------------------------------------------------------------------------------------
def _finishes(action, seconds: float = 5) -> object:
    result: dict = {}

    def run():
        try:
            action()
        except DocumentError as exc:
            result["error"] = str(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "reading blocked"
    return result.get("error")


def test_named_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.docx"
    os.mkfifo(fifo)
    assert _finishes(lambda: read_document(fifo)) == (
        "pipe.docx: is a named pipe, not a file: save the document and give the file's path")


def test_device_folder_and_missing_file(tmp_path):
    assert _finishes(lambda: read_document("/dev/zero", name="zero.docx")) == (
        "zero.docx: is a device, not a file: save the document and give the file's path")
    assert refused(tmp_path) == f"{tmp_path.name}: is a folder, not a document"
    assert refused(tmp_path / "gone.docx") == "gone.docx: no such file"


def test_symbolic_links(tmp_path):
    loop = tmp_path / "loop.docx"
    loop.symlink_to(loop)
    assert refused(loop) == "loop.docx: is a symbolic link that leads back to itself (a loop)"
    dangling = tmp_path / "dangling.docx"
    dangling.symlink_to(tmp_path / "nowhere.docx")
    assert refused(dangling) == "dangling.docx: is a symbolic link to a file that does not exist"
    # A link to a real document is followed.
    real = write(tmp_path, "real.docx", package(p("Minutes")))
    link = tmp_path / "link.docx"
    link.symlink_to(real)
    assert [b.plain for b in read_document(link).blocks] == ["Minutes"]


def test_markdown_files_are_checked_too(tmp_path):
    assert refused(write(tmp_path, "minutes.md", package(p("Minutes")))) == (
        "minutes.md: is a Word document or another zip file, not Markdown: give it the ending .docx if it is a "
        "Word document")
    assert refused(write(tmp_path, "latin1.md", "# Minutes\n\nCaf\xe9\n".encode("latin-1"))) == (
        "latin1.md:3: is not UTF-8 text: save it as UTF-8")
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    assert _finishes(lambda: read_document(fifo)).startswith("pipe.md: is a named pipe")
