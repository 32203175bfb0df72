"""Opening a document someone sent, safely, before any parser sees it.

Files come from outside the partnership (a partner's update form, a clerk's draft saved on
a shared drive), so nothing in them is trusted:

- only a regular file is read: a named pipe, a device or a symbolic-link loop is refused
  without blocking, and the file is read once, through the descriptor that was checked;
- its size is limited before it is read;
- the first bytes say what it really is: a Word 97-2003 ``.doc``, a password-protected
  document, an OpenDocument text, an RTF or a PDF each get their own message;
- a ``.docx`` is a zip package: its central directory is checked (number of parts, unpacked
  size of each part and of all, compression ratio) before anything is unpacked, and the
  same limits are enforced again while unpacking, in 64 KiB steps, so a package that lies
  about its sizes cannot use more memory than the limits;
- a macro-enabled document (``.docm``, a ``vbaProject`` part) is refused;
- XML is parsed without DTDs, entities or network access;
- relationships that point outside the package (linked images, a remote template) are
  never fetched: each becomes a note.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from cspkit.fileio import ANYWHERE, FileRefused, read_file

from .blocks import DocumentError, Note

if TYPE_CHECKING:  # pragma: no cover
    import zipfile

    from lxml.etree import XMLParser, _Element

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How big a document may be. The defaults hold any real minutes, form or report."""

    #: The file as it is on disk.
    max_file_bytes: int = 50 * MIB
    #: Any one part of a Word package, unpacked (the text of a 200-page report is ~10 MB).
    max_part_bytes: int = 32 * MIB
    #: All parts together, unpacked.
    max_total_bytes: int = 256 * MIB
    #: Parts in the package (Word writes a dozen, plus one per image).
    max_entries: int = 2000
    #: Unpacked size over packed size; Apache POI refuses past 100 as well.
    max_ratio: int = 100
    #: Parts smaller than this are not held to ``max_ratio`` (tiny XML parts compress well).
    ratio_floor_bytes: int = 1 * MIB
    #: Any one figure read from the document (``figures=True``), unpacked.
    max_image_bytes: int = 16 * MIB


DEFAULT_LIMITS = Limits()

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_CHUNK = 64 * 1024


def _size(n: int) -> str:
    if n >= 1024 * 1024 * 1024:
        return f"{n / 1024 ** 3:.1f} GB"
    if n >= MIB:
        return f"{n / MIB:.1f} MB".replace(".0 MB", " MB")
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} bytes"


def read_regular_file(path: Path, name: str, max_bytes: int) -> bytes:
    """The bytes of ``path``, which must be a regular file of at most ``max_bytes``.

    Read by cspkit's one reading rule (:func:`cspkit.fileio.read_file`, a file named on the
    command line: it may be anywhere): never blocks on a named pipe or a device, a symbolic link
    to a regular file is followed, and the size is bounded before and while it is read. What is
    refused is said in the words a person importing a document needs.
    """
    try:
        return read_file(path, limit=max_bytes, inside=ANYWHERE)
    except FileNotFoundError:
        raise DocumentError(name, "no such file") from None
    except FileRefused as exc:
        words = {
            "dangling-link": "is a symbolic link to a file that does not exist",
            "loop": "is a symbolic link that leads back to itself (a loop)",
            "folder": "is a folder, not a document",
            "pipe": "is a named pipe, not a file: save the document and give the file's path",
            "device": "is a device, not a file: save the document and give the file's path",
            "socket": "is a socket, not a file: save the document and give the file's path",
            "size": f"is {_size(exc.size)}, more than the limit of {_size(max_bytes)}",
            "grew": f"grew past the limit of {_size(max_bytes)} while it was read",
        }
        raise DocumentError(name, words.get(exc.what, f"cannot be read: {exc.detail or exc.reason}")) from None


def _what_else(data: bytes, name: str) -> DocumentError:
    """The message for a file that is not a zip package, from its first bytes."""
    if data.startswith(_OLE):
        if "EncryptedPackage".encode("utf-16-le") in data:
            return DocumentError(name, "is password-protected: remove the password in Word "
                                       "(File > Info > Protect Document) and save it again")
        if "WordDocument".encode("utf-16-le") in data:
            return DocumentError(name, "is a Word 97-2003 document (.doc): open it in Word and save it as .docx")
        return DocumentError(name, "is an old Microsoft Office file, not a Word document (.docx)")
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{\\rtf"):
        return DocumentError(name, "is a Rich Text (RTF) document: open it in Word and save it as .docx")
    if head.startswith(b"%PDF-"):
        return DocumentError(name, "is a PDF, not a Word document (.docx)")
    if not data:
        return DocumentError(name, "is empty (0 bytes), not a Word document (.docx)")
    return DocumentError(name, "is not a Word document (.docx): it is not a zip package")


@dataclass(frozen=True)
class Relationship:
    """One relationship of a package part; ``target`` is a part name unless ``external``."""

    id: str
    type: str
    target: str
    external: bool

    @property
    def kind(self) -> str:
        """The last word of the type: ``hyperlink``, ``image``, ``styles`` …"""
        return self.type.rsplit("/", 1)[-1]


@dataclass
class Package:
    """An opened, checked Word package: read parts by name, bounded by the limits.

    Made by ``open_docx``. ``main`` is the main document part's name
    (``word/document.xml`` as Word writes it), ``sha256`` the file's digest.
    """

    name: str
    zip: zipfile.ZipFile
    limits: Limits
    sha256: str
    main: str = ""
    content_types: dict[str, str] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    _infos: dict[str, zipfile.ZipInfo] = field(default_factory=dict, repr=False)
    _unpacked: int = 0

    def has(self, part: str) -> bool:
        return part.lower() in self._infos

    def read(self, part: str) -> bytes:
        """The unpacked bytes of ``part``; refused past the per-part or total limit."""
        import zipfile

        info = self._infos[part.lower()]
        limit = self.limits.max_part_bytes
        chunks: list[bytes] = []
        size = 0
        try:
            with self.zip.open(info) as f:
                while chunk := f.read(_CHUNK):
                    size += len(chunk)
                    self._unpacked += len(chunk)
                    if size > limit:
                        raise DocumentError(self.name, f"refused: the part {info.filename} unpacks to more than "
                                                       f"{_size(limit)} (the limit for one part)")
                    if self._unpacked > self.limits.max_total_bytes:
                        raise DocumentError(self.name, f"refused: it unpacks to more than "
                                                       f"{_size(self.limits.max_total_bytes)} in all")
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
            # RuntimeError: an encrypted entry; NotImplementedError: a compression zipfile lacks.
            raise DocumentError(self.name, f"is damaged: the part {info.filename} cannot be unpacked ({exc})") from None
        return b"".join(chunks)

    def xml(self, part: str) -> _Element:
        """``part`` parsed as XML (lxml), without DTDs, entities or network access."""
        from lxml import etree

        data = self.read(part)
        try:
            root: _Element | None = etree.fromstring(data, _xml_parser())  # a parser without a target: an element
        except etree.XMLSyntaxError as exc:
            line = exc.lineno or 0
            raise DocumentError(self.name, f"is damaged: the part {part} is not well-formed XML"
                                           + (f" (line {line})" if line else "")) from None
        if root is None:
            raise DocumentError(self.name, f"is damaged: the part {part} is empty")
        if root.getroottree().docinfo.doctype:  # type: ignore[attr-defined]  # lxml-stubs 0.5.1 lacks DocInfo.doctype
            raise DocumentError(self.name, f"refused: the part {part} declares a DTD, which Word never writes")
        return root

    def relationships(self, part: str) -> list[Relationship]:
        """The relationships of ``part`` ("" for the package's own), targets resolved."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if not self.has(rels_name):
            return []
        out = []
        for rel in self.xml(rels_name):
            if not isinstance(rel.tag, str) or not rel.tag.endswith("}Relationship"):
                continue
            target = rel.get("Target") or ""
            external = (rel.get("TargetMode") or "").lower() == "external"
            if not external:
                target = _resolve(folder, target)
            out.append(Relationship(rel.get("Id") or "", rel.get("Type") or "", target, external))
        return out

    def close(self) -> None:
        self.zip.close()


def _resolve(folder: str, target: str) -> str:
    target = unquote(target.split("#", 1)[0])
    path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    return posixpath.normpath(path).lstrip("/")


_PARSER: XMLParser | None = None


def _xml_parser() -> XMLParser:
    global _PARSER
    if _PARSER is None:
        from lxml import etree

        _PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                                  huge_tree=False, remove_comments=True, remove_pis=True)
    return _PARSER


_WORD_MAIN = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml")
_OTHER_OFFICE = {"spreadsheetml": "an Excel workbook", "presentationml": "a PowerPoint presentation"}


def open_docx(path: Path, name: str | None = None, limits: Limits = DEFAULT_LIMITS, *,
              data: bytes | None = None) -> Package:
    """``path`` opened as a Word package after every check above; ``name`` is how messages call it.

    ``data``: the file's bytes, already read by the caller (by :func:`cspkit.fileio.read_file`);
    the size limit still applies. Raises ``DocumentError`` with one line saying what the file
    is and what to do.
    """
    import zipfile

    name = name or Path(path).name
    if data is None:
        data = read_regular_file(Path(path), name, limits.max_file_bytes)
    elif len(data) > limits.max_file_bytes:
        raise DocumentError(name, f"is {_size(len(data))}, more than the limit of {_size(limits.max_file_bytes)}")
    if not data.startswith(_ZIP):
        raise _what_else(data, name)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise DocumentError(name, f"is damaged: not a readable zip package ({exc})") from None
    if len(infos) > limits.max_entries:
        raise DocumentError(name, f"refused: it has {len(infos)} parts, more than the limit of {limits.max_entries}")
    package = Package(name, zf, limits, hashlib.sha256(data).hexdigest())
    total = 0
    for info in infos:
        if info.file_size > limits.max_part_bytes:
            raise DocumentError(name, f"refused: the part {info.filename} would unpack to {_size(info.file_size)}, "
                                      f"more than the limit of {_size(limits.max_part_bytes)} for one part")
        if info.file_size >= limits.ratio_floor_bytes and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise DocumentError(name, f"refused: the part {info.filename} is compressed {ratio} to 1, "
                                      f"far more than a real document (a zip bomb)")
        total += info.file_size
        package._infos.setdefault(info.filename.lower(), info)
    if total > limits.max_total_bytes:
        raise DocumentError(name, f"refused: it would unpack to {_size(total)} in all, more than the limit "
                                  f"of {_size(limits.max_total_bytes)}")
    _check_kind(package)
    return package


def _check_kind(package: Package) -> None:
    """Refuse a zip that is not a plain Word document; find the main part; note external links."""
    name = package.name
    if package.has("mimetype") and not package.has("[Content_Types].xml"):
        mimetype = package.read("mimetype")[:100].decode("ascii", "replace").strip()
        if mimetype == "application/vnd.oasis.opendocument.text":
            raise DocumentError(name, "is an OpenDocument text (.odt): save it as .docx")
        if mimetype.startswith("application/vnd.oasis.opendocument"):
            raise DocumentError(name, f"is an OpenDocument file ({mimetype}), not a Word document (.docx)")
    if not package.has("[Content_Types].xml"):
        raise DocumentError(name, "is a zip file, not a Word document (.docx)")
    types = package.xml("[Content_Types].xml")
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for el in types:
        if not isinstance(el.tag, str):
            continue
        if el.tag.endswith("}Default"):
            defaults[(el.get("Extension") or "").lower()] = el.get("ContentType") or ""
        elif el.tag.endswith("}Override"):
            overrides[(el.get("PartName") or "").lstrip("/").lower()] = el.get("ContentType") or ""

    def content_type(part: str) -> str:
        return overrides.get(part.lower()) or defaults.get(part.rsplit(".", 1)[-1].lower(), "")

    package.content_types = overrides
    macro = any("vbaproject" in key.rsplit("/", 1)[-1] for key in package._infos) or any(
        "macroenabled" in t.lower() or "vbaproject" in t.lower() for t in overrides.values())
    main_rel = next((r for r in package.relationships("")
                     if r.type.endswith("/officeDocument") and not r.external), None)
    main_type = content_type(main_rel.target) if main_rel else ""
    if macro or "macroenabled" in main_type.lower():
        raise DocumentError(name, "is a macro-enabled Word document (.docm), which is not accepted: "
                                  "save it as a Word Document (.docx)")
    if main_rel is None or not package.has(main_rel.target):
        for key, what in _OTHER_OFFICE.items():
            if any(key in t for t in overrides.values()):
                raise DocumentError(name, f"is {what}, not a Word document (.docx)")
        raise DocumentError(name, "is a zip file, not a Word document (.docx)")
    if main_type not in _WORD_MAIN:
        for key, what in _OTHER_OFFICE.items():
            if key in main_type:
                raise DocumentError(name, f"is {what}, not a Word document (.docx)")
        raise DocumentError(name, f"is not a Word document (.docx): its main part is {main_type or 'of no known type'}")
    package.main = main_rel.target
    _note_external(package)


_EXTERNAL = {
    "image": "an image linked from outside the document",
    "attachedTemplate": "the document's template, linked from outside it",
    "oleObject": "an object linked from outside the document",
    "subDocument": "a sub-document linked from outside the document",
    "frame": "a frame linked from outside the document",
    "package": "a package linked from outside the document",
    "aFChunk": "a part linked from outside the document",
}


def _note_external(package: Package) -> None:
    """A note for every relationship that points outside the package (hyperlinks excepted)."""
    for key in sorted(package._infos):
        if not key.endswith(".rels"):
            continue
        info = package._infos[key]
        folder = posixpath.dirname(posixpath.dirname(info.filename))
        source = posixpath.join(folder, posixpath.basename(info.filename)[:-5])
        for rel in package.relationships(source):
            if rel.external and rel.kind != "hyperlink":
                what = _EXTERNAL.get(rel.kind, f"a {rel.kind} linked from outside the document")
                target = rel.target if len(rel.target) <= 60 else rel.target[:59] + "…"
                package.notes.append(Note("external", f"{what} ({target}) was not fetched"))
