"""PDF papers as partners send them: opened, judged, and made safe before they reach a pack.

A PDF paper (``source: papers/2023-10-12/irmp.pdf``) is read by the one reading rule
(:func:`cspkit.fileio.read_file`: inside the repository, a regular file, size-bounded) and
opened with pypdf. What is refused, each with a reason a clerk can act on:

- a file that is not a PDF (a Word document renamed ``.pdf``, an image, HTML from a web page);
- a damaged PDF (no readable page tree, no pages);
- an encrypted one: a password to open it, or an "owner" password that forbids changes
  (the pack stamps every page, which is a change);
- more pages than ``papers.max_pages`` in ``cspkit.yaml``;
- active content: JavaScript or other actions (launching programs, submitting data),
  form fields, embedded files, multimedia. A pack never carries any of it (only each page's
  own drawing is taken, see :mod:`cspkit.render.pdf_merge`), but silently dropping a form's
  filled-in values or a partner's embedded spreadsheet would change the paper, so rendering
  refuses it and says so; ``cspkit agenda attach`` stores a cleaned copy instead
  (:func:`clean_copy`: actions and embedded files removed, form values kept as printed).

This module imports nothing heavy: pypdf is imported by the functions that need it.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cspkit.errors import UserError

if TYPE_CHECKING:  # pragma: no cover
    from pypdf import PageObject, PdfReader, PdfWriter

MIB = 1024 * 1024

#: Actions that do something other than move within the document or open a web page.
_ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "an action that launches a program",
    "/SubmitForm": "an action that sends form data",
    "/ImportData": "an action that imports data",
    "/ResetForm": "a form action",
    "/GoToE": "a link into an embedded file",
    "/GoToR": "a link that opens another file",
    "/Rendition": "multimedia",
    "/Sound": "multimedia",
    "/Movie": "multimedia",
    "/RichMediaExecute": "multimedia",
    "/GoTo3DView": "multimedia",
    "/Hide": "an action that hides parts of a page",
    "/SetOCGState": "an action that changes what a page shows",
    "/Trans": "a page transition action",
}
_ACTIVE_ANNOTATIONS = {
    "/Widget": "form fields",
    "/FileAttachment": "embedded files",
    "/Sound": "multimedia",
    "/Movie": "multimedia",
    "/Screen": "multimedia",
    "/RichMedia": "multimedia",
    "/3D": "multimedia",
}
#: Keys never copied from a partner's PDF into the pack or into a cleaned copy, at any depth.
NEVER_COPIED = ("/Parent", "/P", "/Annots", "/AA", "/A", "/OpenAction", "/JS", "/JavaScript", "/EmbeddedFiles",
                "/EF", "/AcroForm", "/StructParent", "/StructParents", "/Names", "/Dests", "/Outlines")


class AttachmentRefused(UserError):
    """A PDF paper that cannot go into a pack as it is; ``reason`` says why and what to do (callers
    say which paper and where: a located problem, or the file named on the command line)."""

    def __init__(self, reason: str, kind: str = "damaged"):
        super().__init__(reason)
        self.reason = reason
        #: not-pdf, damaged, encrypted, too-many-pages, active
        self.kind = kind


@dataclass(frozen=True)
class PageShape:
    """How a page is shown: its visible box (the crop box) and its rotation."""

    box: tuple[float, float, float, float]
    rotate: int

    @property
    def width(self) -> float:
        """Shown width in points (after rotation)."""
        w, h = self.box[2] - self.box[0], self.box[3] - self.box[1]
        return h if self.rotate in (90, 270) else w

    @property
    def height(self) -> float:
        w, h = self.box[2] - self.box[0], self.box[3] - self.box[1]
        return w if self.rotate in (90, 270) else h

    @property
    def landscape(self) -> bool:
        return self.width > self.height


@dataclass
class PdfPaper:
    """A PDF paper, opened and judged: its bytes, its pages' shapes, and what is in it."""

    name: str
    data: bytes
    shapes: list[PageShape]
    #: active content found, as phrases ("JavaScript", "form fields", …), in the order found
    active: list[str] = field(default_factory=list)
    title: str = ""
    _reader: PdfReader | None = field(default=None, repr=False)

    @property
    def pages(self) -> int:
        return len(self.shapes)

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def reader(self) -> PdfReader:
        """The pypdf reader (opened once, kept for the merge)."""
        if self._reader is None:
            self._reader = _open(self.data)
        return self._reader


def quiet() -> None:
    """pypdf reports what it repairs through logging; a damaged file is judged here instead."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)


def size_text(n: int) -> str:
    """A file size as a person reads it: 820 KB, 1.4 MB."""
    if n >= MIB:
        return f"{n / MIB:.1f} MB".replace(".0 MB", " MB")
    return f"{max(1, round(n / 1024))} KB"


def _what_it_is(data: bytes) -> str:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not data:
        return "is empty (0 bytes), not a PDF"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "is a zip package (a Word or other Office document?), not a PDF: save it as PDF, or attach the .docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "is an old Microsoft Office file, not a PDF: save it as PDF"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "is an image, not a PDF"
    if head[:100].lower().lstrip().startswith((b"<!doctype html", b"<html")):
        return "is a web page (HTML), not a PDF: download the PDF itself"
    return "is not a PDF (it does not start with %PDF-)"


def _open(data: bytes) -> PdfReader:
    from pypdf import PdfReader

    quiet()
    return PdfReader(io.BytesIO(data), strict=False)


def inspect_pdf(data: bytes, name: str, *, max_pages: int) -> PdfPaper:
    """``data`` opened and judged as a PDF paper; raises :class:`AttachmentRefused`.

    Active content is listed in ``PdfPaper.active``, not refused here: rendering refuses it,
    attaching removes it (:func:`clean_copy`).
    """
    if b"%PDF-" not in data[:1024]:
        raise AttachmentRefused(_what_it_is(data), "not-pdf")
    try:
        reader = _open(data)
        if reader.is_encrypted:
            _refuse_encrypted(reader)
        count = len(reader.pages)
    except AttachmentRefused:
        raise
    except Exception as exc:  # pypdf raises many kinds for a damaged file
        raise AttachmentRefused(f"is damaged: it cannot be read as a PDF ({_brief(exc)}); save it again "
                                "from the program that made it, or ask its author for a new copy") from None
    if count == 0:
        raise AttachmentRefused("is damaged or empty: it has no pages")
    if count > max_pages:
        raise AttachmentRefused(f"has {count} pages, more than the limit of {max_pages} (papers.max_pages in "
                                "cspkit.yaml)", "too-many-pages")
    try:
        shapes = [page_shape(page) for page in reader.pages]
        active = list(dict.fromkeys(_active_content(reader)))
        title = _title(reader)
    except Exception as exc:
        raise AttachmentRefused(f"is damaged: its pages cannot be read ({_brief(exc)}); save it again from the "
                                "program that made it") from None
    return PdfPaper(name, data, shapes, active, title, reader)


def _brief(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 80 else text[:79] + "…"


def _refuse_encrypted(reader: PdfReader) -> None:
    from pypdf import PasswordType

    try:
        opened = reader.decrypt("")
    except Exception:  # an encryption pypdf cannot open (a missing crypto library, an unknown handler)
        opened = PasswordType.NOT_DECRYPTED
    if opened == PasswordType.NOT_DECRYPTED:
        raise AttachmentRefused("is password-protected: ask its author for a copy without a password, or open it "
                                "and save an unprotected copy", "encrypted")
    raise AttachmentRefused("is encrypted with restrictions on changes (an owner password), and the pack stamps "
                            "page numbers on every page: ask its author for a copy without restrictions",
                            "encrypted")


def page_shape(page: PageObject) -> PageShape:
    """The shown box and rotation of ``page`` (crop box within the media box; rotation in 0, 90, 180, 270)."""
    media = [float(v) for v in page.mediabox]
    crop = [float(v) for v in page.cropbox] if "/CropBox" in page else media
    x0, x1 = sorted((crop[0], crop[2]))
    y0, y1 = sorted((crop[1], crop[3]))
    mx0, mx1 = sorted((media[0], media[2]))
    my0, my1 = sorted((media[1], media[3]))
    box = (max(x0, mx0), max(y0, my0), min(x1, mx1), min(y1, my1))
    if box[2] - box[0] < 1 or box[3] - box[1] < 1:
        box = (mx0, my0, mx1, my1)
    if box[2] - box[0] < 1 or box[3] - box[1] < 1:
        raise ValueError("a page has no size")
    rotate = int(page.get("/Rotate", 0) or 0) % 360
    return PageShape(box, rotate - rotate % 90)


def _title(reader: PdfReader) -> str:
    try:
        meta = reader.metadata
        title = str(meta.title or "").strip() if meta is not None else ""
    except Exception:
        return ""
    return " ".join(title.split())[:200]


def _get(obj: Any, key: str) -> Any:
    try:
        value = obj.get(key) if hasattr(obj, "get") else None
        return value.get_object() if value is not None and hasattr(value, "get_object") else value
    except Exception:  # a dangling reference: nothing there
        return None


def _actions(action: Any, depth: int = 0) -> Iterator[str]:
    """What active kinds an action (and the actions chained after it with /Next) holds."""
    if depth > 50 or action is None:
        return
    if isinstance(action, list):
        for a in action:
            yield from _actions(_deref(a), depth + 1)
        return
    kind = str(_get(action, "/S") or "")
    if kind in _ACTIVE_ACTIONS:
        yield _ACTIVE_ACTIONS[kind]
    elif kind == "/URI" and str(_get(action, "/URI") or "").strip().lower().startswith(("javascript:", "file:")):
        yield "JavaScript"
    yield from _actions(_get(action, "/Next"), depth + 1)


def _deref(obj: Any) -> Any:
    try:
        return obj.get_object() if hasattr(obj, "get_object") else obj
    except Exception:
        return None


def _triggers(aa: Any) -> Iterator[str]:
    """Additional actions (run on opening, closing, printing, on a page or a field): all active."""
    if aa is None or not hasattr(aa, "values"):
        return
    found = False
    for value in aa.values():
        found = True
        yield from _actions(_deref(value))
    if found:
        yield "actions that run by themselves (on opening, closing or printing)"


def _name_tree_has(tree: Any) -> bool:
    return tree is not None and bool(_get(tree, "/Names") or _get(tree, "/Kids"))


def _active_content(reader: PdfReader) -> Iterator[str]:
    """Every kind of active content in the document: catalog, outlines, pages, annotations."""
    root = reader.trailer["/Root"].get_object()
    names = _get(root, "/Names")
    if names is not None:
        if _name_tree_has(_get(names, "/JavaScript")):
            yield "JavaScript"
        if _name_tree_has(_get(names, "/EmbeddedFiles")):
            yield "embedded files"
    open_action = _get(root, "/OpenAction")
    if open_action is not None and not isinstance(open_action, list):
        yield from _actions(open_action)
    yield from _triggers(_get(root, "/AA"))
    form = _get(root, "/AcroForm")
    if form is not None and (_get(form, "/Fields") or _get(form, "/XFA") is not None):
        yield "form fields"
    yield from _outline_actions(_get(root, "/Outlines"))
    for page in reader.pages:
        yield from _triggers(_get(page, "/AA"))
        for annot in _get(page, "/Annots") or []:
            annot = _deref(annot)
            if annot is None or not hasattr(annot, "get"):
                continue
            subtype = str(_get(annot, "/Subtype") or "")
            if subtype in _ACTIVE_ANNOTATIONS:
                yield _ACTIVE_ANNOTATIONS[subtype]
            yield from _actions(_get(annot, "/A"))
            yield from _triggers(_get(annot, "/AA"))


def _outline_actions(outlines: Any) -> Iterator[str]:
    """Actions behind bookmarks, walked without recursion (a looped outline ends the walk)."""
    if outlines is None:
        return
    seen: set[int] = set()
    stack = [_get(outlines, "/First")]
    while stack and len(seen) < 100_000:
        item = stack.pop()
        if item is None or id(item) in seen or not hasattr(item, "get"):
            continue
        seen.add(id(item))
        yield from _actions(_get(item, "/A"))
        stack.append(_get(item, "/Next"))
        stack.append(_get(item, "/First"))


# --------------------------------------------------------------------------- a cleaned copy


def active_message(active: list[str]) -> str:
    """"JavaScript and form fields" for a message."""
    kinds = list(dict.fromkeys(active))
    return kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} and {kinds[-1]}"


def clean_copy(paper: PdfPaper) -> bytes:
    """A copy of ``paper`` that holds its pages and nothing active.

    Each page keeps its drawing, size and rotation; the filled-in values of form fields are
    drawn onto the page as printed (the fields themselves go); links to web pages and e-mail
    addresses stay; JavaScript and every other action, embedded files, multimedia, bookmarks
    and the document's tags are not copied. A paper with no active content is returned as it
    is, byte for byte.
    """
    if not paper.active:
        return paper.data
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    reader = paper.reader
    writer = PdfWriter()
    for page in reader.pages:
        new = writer.add_blank_page(1, 1)
        for key in ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox", "/Rotate", "/UserUnit"):
            if key in page:
                new[NameObject(key)] = page[key].clone(writer) if hasattr(page[key], "clone") else page[key]
        resources = _get(page, "/Resources")
        new[NameObject("/Resources")] = resources.clone(writer, ignore_fields=NEVER_COPIED) \
            if resources is not None else DictionaryObject()
        group = _get(page, "/Group")
        if group is not None:
            new[NameObject("/Group")] = group.clone(writer, ignore_fields=NEVER_COPIED)
        body = content_bytes(page)
        flattened = _flatten_fields(page, writer, new)
        _set_contents(writer, new, body + flattened)
        links = _safe_links(page, writer)
        if links:
            new[NameObject("/Annots")] = ArrayObject(links)
    if paper.title:
        writer.add_metadata({"/Title": TextStringObject(paper.title)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def content_bytes(page: PageObject) -> bytes:
    """The page's content streams, decoded and joined (a page may split them anywhere between tokens)."""
    contents = _get(page, "/Contents")
    if contents is None:
        return b""
    if isinstance(contents, list):
        return b"\n".join(_deref(c).get_data() for c in contents if _deref(c) is not None)
    return contents.get_data()


def _set_contents(writer: PdfWriter, page: Any, data: bytes) -> None:
    from pypdf.generic import DecodedStreamObject, NameObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())


def _flatten_fields(page: PageObject, writer: PdfWriter, new: Any) -> bytes:
    """Drawing commands that paint each visible form field's appearance where the field is."""
    from pypdf.generic import DictionaryObject, NameObject

    out: list[bytes] = []
    xobjects = None
    for n, annot in enumerate(_get(page, "/Annots") or []):
        annot = _deref(annot)
        if annot is None or str(_get(annot, "/Subtype") or "") != "/Widget":
            continue
        flags = int(_get(annot, "/F") or 0)
        if flags & 2 or flags & 32:  # hidden, or not to be seen
            continue
        appearance = _get(_get(annot, "/AP"), "/N")
        if appearance is not None and not hasattr(appearance, "get_data"):  # one appearance per state
            appearance = _deref(appearance.get(str(_get(annot, "/AS") or "/Off")))
        rect = _get(annot, "/Rect")
        if appearance is None or not hasattr(appearance, "get_data") or rect is None:
            continue
        form = appearance.clone(writer, force_duplicate=True, ignore_fields=NEVER_COPIED)
        form[NameObject("/Type")] = NameObject("/XObject")
        form[NameObject("/Subtype")] = NameObject("/Form")
        if xobjects is None:
            resources = new["/Resources"]
            xobjects = resources.get("/XObject")
            xobjects = xobjects.get_object() if xobjects is not None else DictionaryObject()
            resources[NameObject("/XObject")] = xobjects
        name = f"/FormField{n}"
        xobjects[NameObject(name)] = writer._add_object(form)
        matrix = _appearance_matrix(form, [float(v) for v in rect])
        out.append(b"\nq %s cm %s Do Q" % (" ".join(_num(v) for v in matrix).encode(), name.encode()))
    return b"".join(out)


def _appearance_matrix(form: Any, rect: list[float]) -> list[float]:
    """The matrix that puts an appearance stream into its annotation's rectangle (PDF 32000 12.5.5)."""
    bbox = [float(v) for v in form.get("/BBox", [0, 0, 1, 1])]
    m = [float(v) for v in form.get("/Matrix", [1, 0, 0, 1, 0, 0])]
    corners = [(bbox[0], bbox[1]), (bbox[2], bbox[1]), (bbox[0], bbox[3]), (bbox[2], bbox[3])]
    pts = [(m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]) for x, y in corners]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    bx0, bx1, by0, by1 = min(xs), max(xs), min(ys), max(ys)
    rx0, rx1 = sorted((rect[0], rect[2]))
    ry0, ry1 = sorted((rect[1], rect[3]))
    sx = (rx1 - rx0) / (bx1 - bx0) if bx1 > bx0 else 1.0
    sy = (ry1 - ry0) / (by1 - by0) if by1 > by0 else 1.0
    # The form's own /Matrix is applied by Do; this maps its transformed box onto the rectangle.
    return [sx, 0.0, 0.0, sy, rx0 - bx0 * sx, ry0 - by0 * sy]


def _num(v: float) -> str:
    text = f"{v:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _safe_links(page: PageObject, writer: PdfWriter) -> list[Any]:
    """The page's links to web pages and e-mail addresses, as new annotations."""
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject

    links = []
    for annot in _get(page, "/Annots") or []:
        annot = _deref(annot)
        if annot is None or str(_get(annot, "/Subtype") or "") != "/Link":
            continue
        action = _get(annot, "/A")
        uri = str(_get(action, "/URI") or "") if action is not None and str(_get(action, "/S")) == "/URI" else ""
        rect = _get(annot, "/Rect")
        if not uri.lower().startswith(("https://", "http://", "mailto:")) or rect is None:
            continue
        links.append(writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject(FloatObject(float(v)) for v in rect),
            NameObject("/Border"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(0)]),
            NameObject("/A"): DictionaryObject({NameObject("/S"): NameObject("/URI"),
                                                NameObject("/URI"): TextStringObject(uri)}),
        })))
    return links
