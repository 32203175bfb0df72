"""Attached PDF pages inside the pack: reserved in the layout, then put in place and stamped.

The pack's page references are ``target-counter()`` values worked out by WeasyPrint's layout,
so the layout must count every attached page. Laying out one empty page per attached page
would cost WeasyPrint about 7 ms a page (a 150-page appendix: a second), so each PDF paper
reserves only a few pages, each on a named page (``@page``) of its own:

- the *first* page: it becomes the paper's first page. It carries the pack's running header,
  its page number and (bottom right) the paper's "Agenda Item N" label;
- one *template* page for each orientation (portrait, landscape) among the other pages: the
  first moves the page counter on by a sentinel, so its number reads ``9876543210000013``:
  a number no header contains, whose digits are all then in the page-number typeface;
- a *filler* page when needed, so that the reserved pages are as many, odd or even, as the
  paper's pages: pages after it then fall left or right as they will in the pack, which is
  what "start each paper on an odd page" is laid out by;
- an *end* page that moves the counter back, so that it reads the paper's last page and
  every page after the paper is numbered as it will be.

The merge (:func:`merge`) then builds the pack: the first page keeps its stamp and gets the
attached first page drawn into it; every other attached page gets a new page whose stamp is
the template's, with the sentinel number replaced by its own (the same typeface, the same
place: centred numbers stay centred); templates, fillers and end pages go. Each attached page
is drawn as a form XObject (only its drawing and resources: no annotations, actions or form
fields ever come along), scaled to fit inside the stamp's margins, landscape kept landscape.
Named destinations and bookmarks that pointed at a reserved page point at the paper's pages.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cspkit.errors import UserError
from cspkit.render.attachments import NEVER_COPIED, PageShape, PdfPaper, content_bytes, quiet

if TYPE_CHECKING:  # pragma: no cover
    from pypdf import PageObject, PdfReader, PdfWriter

#: The page counter jumps by this on a template page (its number reads 9876543210 + 6 digits).
SENTINEL = 9876543210 * 10**6
_SENTINEL_RE = re.compile(r"9876543210\d{6}")

#: Margins of an attached page (mm): top and bottom hold the running header and the number.
MARGIN_TOP_MM = MARGIN_BOTTOM_MM = 14.0
MARGIN_SIDE_MM = 10.0
MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)


@dataclass(frozen=True)
class Reserved:
    """One reserved page of the layout: its id, its named page and what it is for."""

    id: str
    page: str
    role: str  # first, template, filler, end
    landscape: bool


@dataclass
class Reservation:
    """The reserved pages of one PDF paper, and the ``@page`` rules they are laid out by."""

    anchor: str
    paper: PdfPaper
    pages: list[Reserved] = field(default_factory=list)
    #: how the paper is named to a reader ("8. Fire and Rescue Plan"), for its tags
    label: str = ""
    #: ``@page`` rules and the rules that place the paper's label and title (ids and numbers only).
    css: str = ""


def _orientation(landscape: bool) -> str:
    return "landscape" if landscape else "portrait"


def reserve(anchor: str, paper: PdfPaper) -> Reservation:
    """The pages ``paper`` reserves in the layout of a pack, under ``anchor``."""
    shapes = paper.shapes
    n = len(shapes)
    # Each reserved page's id says by how much it moves the page counter on (cspkit/pdf.py reads
    # it to know the printed page numbers of the layout).
    pages = [Reserved(f"{anchor}-r1-counts-1", f"{anchor}-first", "first", shapes[0].landscape)]
    rules = [_rule(f"{anchor}-first", shapes[0].landscape, None, label=True)]
    if n > 1:
        kinds = list(dict.fromkeys(s.landscape for s in shapes[1:]))
        for i, landscape in enumerate(kinds):
            name, step = f"{anchor}-t{_orientation(landscape)[0]}", SENTINEL if i == 0 else 0
            pages.append(Reserved(f"{anchor}-r{len(pages) + 1}-counts-{step}", name, "template", landscape))
            rules.append(_rule(name, landscape, step))
        if (len(pages) + 1) % 2 != n % 2:
            pages.append(Reserved(f"{anchor}-r{len(pages) + 1}-counts-0", f"{anchor}-fill", "filler", False))
            rules.append(_rule(f"{anchor}-fill", False, 0))
        step = n - 1 - SENTINEL
        pages.append(Reserved(f"{anchor}-r{len(pages) + 1}-counts-{step}", f"{anchor}-end", "end",
                              shapes[-1].landscape))
        rules.append(_rule(f"{anchor}-end", shapes[-1].landscape, step))
    css = "\n".join(rules) + (
        f"\n#{anchor} > .item-label {{ position: running(attached-label-{anchor}); }}"
        f"\n@page {anchor}-first {{ @bottom-right {{ content: element(attached-label-{anchor}); }} }}"
        # The title names the paper in the bookmarks and the tags; the attached pages show it themselves.
        f"\n#{anchor} > .paper-title {{ position: absolute; visibility: hidden; margin: 0; }}"
        "\n.attached-page { break-before: page; height: 0; margin: 0; padding: 0; }")
    return Reservation(anchor, paper, pages, css=css)


def _rule(name: str, landscape: bool, increment: int | None, label: bool = False) -> str:
    size = "A4 landscape" if landscape else "A4 portrait"
    counters = "" if increment is None else f" counter-increment: page {increment} prevpage {increment};"
    return (f"@page {name} {{ size: {size}; margin: {MARGIN_TOP_MM}mm {MARGIN_SIDE_MM}mm {MARGIN_BOTTOM_MM}mm;"
            f"{counters} }}")


# --------------------------------------------------------------------------- placing a page


def placement(shape: PageShape, page_w: float, page_h: float) -> list[float]:
    """The matrix that draws a page of ``shape`` (its crop box, rotated as it is shown) centred
    and scaled to fit inside the margins of a page ``page_w`` × ``page_h`` points."""
    box_w = page_w - 2 * MARGIN_SIDE_MM * MM
    box_h = page_h - (MARGIN_TOP_MM + MARGIN_BOTTOM_MM) * MM
    s = min(box_w / shape.width, box_h / shape.height)
    tx = MARGIN_SIDE_MM * MM + (box_w - s * shape.width) / 2
    ty = MARGIN_BOTTOM_MM * MM + (box_h - s * shape.height) / 2
    x0, y0, x1, y1 = shape.box
    w, h = x1 - x0, y1 - y0
    # The crop box to the origin, rotated clockwise as a viewer shows it, scaled, moved into place.
    rotations = {
        0: [1, 0, 0, 1, -x0, -y0],
        90: [0, -1, 1, 0, -y0, w + x0],
        180: [-1, 0, 0, -1, w + x0, h + y0],
        270: [0, 1, -1, 0, h + y0, -x0],
    }
    a, b, c, d, e, f = rotations[shape.rotate]
    return [s * a, s * b, s * c, s * d, s * e + tx, s * f + ty]


def _form_xobject(writer: PdfWriter, paper: PdfPaper, index: int) -> Any:
    """Page ``index`` of ``paper`` as a form XObject in ``writer``: its drawing and resources only."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject

    page = paper.reader.pages[index]
    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else None
    if contents is not None and not isinstance(contents, list) and hasattr(contents, "get_data"):
        # One stream: its bytes are copied as they are, still compressed.
        form = contents.clone(writer, force_duplicate=True, ignore_fields=NEVER_COPIED)
        for key in list(form.keys()):
            if key not in ("/Filter", "/DecodeParms", "/Length"):
                del form[key]
    else:
        raw = DecodedStreamObject()
        raw.set_data(content_bytes(page))
        form = raw.flate_encode()
    shape = paper.shapes[index]
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(FloatObject(v) for v in shape.box)
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else None
    form[NameObject("/Resources")] = resources.clone(writer, ignore_fields=NEVER_COPIED) \
        if resources is not None else DictionaryObject()
    group = page.get("/Group")
    if group is not None:
        form[NameObject("/Group")] = group.get_object().clone(writer, ignore_fields=NEVER_COPIED)
    return writer._add_object(form)


# --------------------------------------------------------------------------- stamps


class StampError(UserError):
    """The pack's reserved pages are not where the layout should have put them: a template of the
    partnership's own that leaves out what ``papers/attachment.html.j2`` writes."""


def _parse_cmap(data: bytes) -> dict[int, str]:
    """A ToUnicode CMap: character code -> text (bfchar and bfrange)."""
    out: dict[int, str] = {}
    text = data.decode("latin-1")

    def uni(hexa: str) -> str:
        raw = bytes.fromhex(hexa)
        return raw.decode("utf-16-be", "replace") if len(raw) % 2 == 0 else raw.decode("latin-1")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(src, 16)] = uni(dst)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]*>|\[[^\]]*\])", block):
            a, b = int(lo, 16), int(hi, 16)
            if b - a > 65535:
                continue
            if dst.startswith("["):
                for code, item in zip(range(a, b + 1), re.findall(r"<([0-9A-Fa-f]*)>", dst), strict=False):
                    out[code] = uni(item)
            else:
                start = bytes.fromhex(dst[1:-1])
                base = int.from_bytes(start, "big")
                for code in range(a, b + 1):
                    value = (base + code - a).to_bytes(len(start), "big")
                    out[code] = value.decode("utf-16-be", "replace") if len(value) % 2 == 0 else value.decode("latin-1")
    return out


class _Font:
    """What a stamp needs of a Type0 (Identity-H) font: text <-> glyph codes, and widths."""

    def __init__(self, font: Any):
        font = font.get_object()
        if str(font.get("/Subtype")) != "/Type0" or str(font.get("/Encoding")) != "/Identity-H":
            raise RuntimeError("the page number is not set in a Type0 Identity-H font")
        self.to_text = _parse_cmap(font["/ToUnicode"].get_object().get_data())
        self.to_code = {t: c for c, t in self.to_text.items() if len(t) == 1}
        cid_font = font["/DescendantFonts"][0].get_object()
        self.default = float(cid_font.get("/DW", 1000))
        self.widths: dict[int, float] = {}
        w = list(cid_font.get("/W", []))
        i = 0
        while i < len(w):
            first = int(w[i])
            nxt = w[i + 1].get_object() if hasattr(w[i + 1], "get_object") else w[i + 1]
            if isinstance(nxt, list):
                for j, width in enumerate(nxt):
                    self.widths[first + j] = float(width)
                i += 2
            else:
                for code in range(first, int(nxt) + 1):
                    self.widths[code] = float(w[i + 2])
                i += 3

    def decode(self, data: bytes) -> list[int]:
        return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data) - 1, 2)]

    def text(self, codes: Sequence[int]) -> str:
        return "".join(self.to_text.get(c, "\ufffd") for c in codes)

    def encode(self, text: str) -> list[int]:
        missing = [ch for ch in text if ch not in self.to_code]
        if missing:
            raise RuntimeError(f"the page number's typeface lacks {''.join(missing)!r}")
        return [self.to_code[ch] for ch in text]

    def width(self, codes: Sequence[int]) -> float:
        return sum(self.widths.get(c, self.default) for c in codes)


def _multiply(m: Sequence[float], n: Sequence[float]) -> list[float]:
    """m then n (PDF matrix order: a point is transformed by m, then by n)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F]


@dataclass
class _Stamp:
    """A template page's stamp, ready to be given any page number."""

    before: bytes
    after: bytes
    group: list[tuple[list[Any], bytes]]  # the number's text object, operations up to ET
    tj_index: int
    font: _Font | None  # None: the stamp shows no page number
    size: float
    text: str  # the number's whole text, "Page 9876543210000013"
    number: str  # the sentinel as it reads there
    width: float  # of the sentinel text, in text space
    tm_index: int
    tm: list[float]
    align: str  # centre, right or left
    resources: Any
    mediabox: Any
    extra: dict[str, Any]

    def page_number(self, value: int) -> bytes:
        """The stamp's drawing, numbered ``value`` (a stamp without a page number is as it is)."""
        from pypdf.generic import ArrayObject, ByteStringObject, ContentStream, FloatObject

        if self.font is None:
            return self.before

        text = self.text.replace(self.number, str(value))
        codes = self.font.encode(text)
        width = self.font.width(codes) * self.size / 1000
        tm = list(self.tm)
        shift = {"centre": (self.width - width) / 2, "right": self.width - width, "left": 0.0}[self.align]
        tm[4] += tm[0] * shift
        tm[5] += tm[1] * shift
        ops: list[Any] = list(self.group)
        ops[self.tm_index] = ([FloatObject(v) for v in tm], b"Tm")
        ops[self.tj_index] = ([ArrayObject([ByteStringObject(b"".join(c.to_bytes(2, "big") for c in codes))])], b"TJ")
        stream = ContentStream(None, None)
        stream.operations = ops
        return self.before + b"\n" + stream.get_data() + b"\n" + self.after


def _stamp(page: PageObject) -> tuple[_Stamp, int | None]:
    """The stamp of a template page, and the value its sentinel number reads (None: it has none)."""
    from pypdf.generic import ContentStream

    contents = page.get_contents()
    if contents is None:
        raise RuntimeError("a template page is empty")
    ops = ContentStream(contents, page.pdf).operations
    resources: Any = page["/Resources"].get_object()
    fonts: Any = resources.get("/Font", {})
    fonts = fonts.get_object() if hasattr(fonts, "get_object") else fonts
    ctm = [1.0, 0, 0, 1, 0, 0]
    stack: list[list[float]] = []
    start = None
    font_name, size = None, 0.0
    tm = [1.0, 0, 0, 1, 0, 0]
    tm_index = -1
    for i, (operands, op) in enumerate(ops):
        if op == b"q":
            stack.append(ctm)
        elif op == b"Q":
            ctm = stack.pop() if stack else ctm
        elif op == b"cm":
            ctm = _multiply([float(v) for v in operands], ctm)
        elif op == b"BT":
            start, tm, tm_index = i, [1.0, 0, 0, 1, 0, 0], -1
        elif op == b"Tf":
            font_name, size = str(operands[0]), float(operands[1])
        elif op == b"Tm":
            tm, tm_index = [float(v) for v in operands], i - (start or 0)
        elif op in (b"TJ", b"Tj") and start is not None and font_name in fonts:
            font = _Font(fonts[font_name])
            items = operands[0] if op == b"TJ" else [operands[0]]
            codes: list[int] = []
            kerning = 0.0
            for item in items:
                if isinstance(item, (bytes, str)) or hasattr(item, "original_bytes"):
                    raw = item.original_bytes if hasattr(item, "original_bytes") else bytes(item, "latin-1") \
                        if isinstance(item, str) else bytes(item)
                    codes += font.decode(raw)
                else:
                    kerning += float(item)
            text = font.text(codes)
            found = _SENTINEL_RE.search(text)
            if not found:
                continue
            end = next(j for j in range(i, len(ops)) if ops[j][1] == b"ET")
            if tm_index < 0:
                raise RuntimeError("the page number is placed without a text matrix")
            width = font.width(codes) * size / 1000 - kerning * size / 1000
            to_page = _multiply(tm, ctm)
            left = to_page[4]
            right = left + to_page[0] * width
            page_width = float(page.mediabox.width)
            middle = (left + right) / 2
            align = "centre" if abs(middle - page_width / 2) < 3 else "right" if middle > page_width / 2 else "left"
            before_ops, group, after_ops = _artifacts(ops[:start]), ops[start:end + 1], _artifacts(ops[end + 1:])
            return _Stamp(
                before=_serialise(before_ops), after=_serialise(after_ops), group=group,
                tj_index=i - start, font=font, size=size, text=text, number=found.group(0), width=width,
                tm_index=tm_index, tm=tm, align=align, resources=page["/Resources"], mediabox=page.mediabox,
                extra={k: page[k] for k in ("/Group", "/Tabs") if k in page},
            ), int(found.group(0))
    # No page number on the stamp (a partnership's own style leaves it out): the stamp as it is.
    return _Stamp(before=_serialise(_artifacts(ops)), after=b"", group=[], tj_index=0, font=None, size=0, text="",
                  number="",
                  width=0, tm_index=0, tm=[], align="left", resources=page["/Resources"],
                  mediabox=page.mediabox, extra={k: page[k] for k in ("/Group", "/Tabs") if k in page}), None


def _artifacts(ops: list[Any]) -> list[Any]:
    """``ops`` with each marked-content sequence that has an MCID made a pagination artifact: a
    stamp's header and page number repeat on every page and belong to no part of the structure."""
    from pypdf.generic import NameObject

    return [([NameObject("/Artifact")], b"BMC") if op == b"BDC" and len(operands) > 1 and
            hasattr(operands[1], "get") and "/MCID" in operands[1] else (operands, op) for operands, op in ops]


def _serialise(ops: list[Any]) -> bytes:
    from pypdf.generic import ContentStream

    stream = ContentStream(None, None)
    stream.operations = ops
    return stream.get_data()


# --------------------------------------------------------------------------- an update of the pack's file


class _Update:
    """The pack's PDF, changed by an incremental update: new and changed objects written after it.

    A tagged pack has thousands of objects (its structure tree), and copying them all into a new
    file would cost more than the attached pages themselves; the merge changes a few hundred. The
    pack's objects are read (lazily) from ``reader`` and changed in place; whatever object a
    change is made in is recorded with :meth:`touch`; new objects (the attached pages' drawings,
    resources, new pages) are made in ``sink``, whose numbers start after the pack's.
    """

    def __init__(self, reader: PdfReader):
        from pypdf import PdfWriter

        self.reader = reader
        self.size = int(reader.trailer["/Size"])  # type: ignore[call-overload]  # a NumberObject
        self.sink = PdfWriter()
        self.sink._objects = [None] * (self.size - 1)  # new objects are numbered from /Size on
        self.touched: dict[int, Any] = {}

    def add(self, obj: Any) -> Any:
        """A new object; its reference."""
        return self.sink._add_object(obj)

    def touch(self, obj: Any) -> None:
        """Record that ``obj`` (an object of the pack, or a direct object's owner) changed."""
        ref = getattr(obj, "indirect_reference", None)
        if ref is not None and ref.pdf is self.reader:
            self.touched[ref.idnum] = obj

    def write(self, original: bytes) -> bytes:
        """``original`` followed by the changed and new objects and a cross-reference stream for them."""
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

        out = io.BytesIO()
        out.write(original if original.endswith(b"\n") else original + b"\n")
        objects = dict(self.touched)
        objects.update({i + 1: o for i, o in enumerate(self.sink._objects) if o is not None and i + 1 >= self.size})
        offsets: dict[int, int] = {}
        for idnum in sorted(objects):
            offsets[idnum] = out.tell()
            out.write(b"%d 0 obj\n" % idnum)
            objects[idnum].write_to_stream(out)
            out.write(b"\nendobj\n")
        xref_id = max([self.size - 1, *offsets]) + 1
        offsets[xref_id] = out.tell()
        ids = sorted(offsets)
        index: list[int] = []
        for idnum in ids:
            if index and index[-2] + index[-1] == idnum:
                index[-1] += 1
            else:
                index += [idnum, 1]
        rows = b"".join(b"\x01" + offsets[i].to_bytes(5, "big") + b"\x00\x00" for i in ids)
        trailer = self.reader.trailer
        entries = {NameObject("/Type"): NameObject("/XRef"), NameObject("/Size"): NumberObject(xref_id + 1),
                   NameObject("/Index"): ArrayObject(NumberObject(n) for n in index),
                   NameObject("/W"): ArrayObject([NumberObject(1), NumberObject(5), NumberObject(2)]),
                   NameObject("/Prev"): NumberObject(_startxref(original)),
                   NameObject("/Root"): trailer.raw_get("/Root"), NameObject("/Length"): NumberObject(len(rows))}
        for key in ("/Info", "/ID"):
            if key in trailer:
                entries[NameObject(key)] = trailer.raw_get(key)
        out.write(b"%d 0 obj\n" % xref_id)
        DictionaryObject(entries).write_to_stream(out)
        out.write(b"\nstream\n" + rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[xref_id])
        return out.getvalue()


def _startxref(pdf: bytes) -> int:
    found = re.findall(rb"startxref\s+(\d+)", pdf[-1024:])
    if not found:
        raise RuntimeError("the laid-out pack has no startxref")
    return int(found[-1])


def _owned(update: _Update, owner: Any, key: str) -> Any:
    """``owner[key]`` as an object to change, recording what holds it (itself, if indirect)."""
    from pypdf.generic import ArrayObject, NameObject

    raw = owner.raw_get(key) if key in owner else None
    value = raw.get_object() if raw is not None else None
    if hasattr(raw, "idnum"):
        update.touch(value)
    else:
        update.touch(owner)
    if value is None:
        value = ArrayObject()
        owner[NameObject(key)] = value
    return value


# --------------------------------------------------------------------------- tags (a tagged pack)


class _Tags:
    """The structure tree of a tagged pack (PDF/UA), kept true as its pages change.

    Each attached page is a ``Figure`` whose alternative text names its paper and the page (the
    partner's own PDF, linked from the HTML pack, keeps its own tags); the reserved pages that go
    take their structure with them; a stamp's header and page number are pagination artifacts.
    """

    def __init__(self, update: _Update):
        self.update = update
        catalog: Any = update.reader.trailer["/Root"].get_object()
        root = catalog.get("/StructTreeRoot")
        self.root: Any = root.get_object() if root is not None else None
        self.nums: dict[int, Any] = {}
        self.tree: Any = None
        if self.root is not None:
            tree = self.root.get("/ParentTree")
            self.tree = tree.get_object() if tree is not None else None
            self._walk_nums(self.tree, 0)

    @property
    def on(self) -> bool:
        return self.root is not None and self.tree is not None

    def _walk_nums(self, node: Any, depth: int) -> None:
        if node is None or depth > 32:
            return
        nums = node.get("/Nums")
        if nums is not None:
            nums = nums.get_object()
            for i in range(0, len(nums) - 1, 2):
                self.nums[int(nums[i])] = nums[i + 1]
        for kid in node.get("/Kids", []) or []:
            self._walk_nums(kid.get_object(), depth + 1)

    def untagged(self, page: Any) -> bool:
        """Whether ``page``'s marked content is in no structure (WeasyPrint's reserved pages: only stamps)."""
        return "/StructParents" not in page

    def attached(self, page_ref: Any, page: Any, res: Reservation, k: int, parent: Any) -> int | None:
        """The MCID of page ``k`` of ``res``'s paper, drawn on ``page`` (None in an untagged pack)."""
        if parent is None:
            return None
        alt = f"{res.label or res.paper.name}, page {k + 1} of {len(res.paper.shapes)}, as its author sent it"
        return self.figure(page_ref, page, alt, parent)

    def figure(self, page_ref: Any, page: Any, alt: str, parent: Any) -> int:
        """A ``Figure`` for the attached drawing on ``page``, under ``parent``; its MCID on the page."""
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

        key = page.get("/StructParents")
        if key is None:
            key = max(self.nums, default=-1) + 1
            page[NameObject("/StructParents")] = NumberObject(key)
            self.update.touch(page)
            self.nums[key] = ArrayObject()
        marks = self.nums[key]
        if hasattr(marks, "idnum"):
            marks = marks.get_object()
            self.update.touch(marks)
        element = self.update.add(DictionaryObject({
            NameObject("/Type"): NameObject("/StructElem"), NameObject("/S"): NameObject("/Figure"),
            NameObject("/P"): parent.indirect_reference, NameObject("/Pg"): page_ref,
            NameObject("/K"): NumberObject(len(marks)), NameObject("/Alt"): TextStringObject(alt),
        }))
        kids = _owned(self.update, parent, "/K")
        if not isinstance(kids, list):
            kids = ArrayObject([parent.raw_get("/K")])
            parent[NameObject("/K")] = kids
            self.update.touch(parent)
        kids.append(element)
        marks.append(element)
        return len(marks) - 1

    def parent_for(self, page_ref: Any) -> Any:
        """The structure element a paper's figures go under: the part of the document on its first page."""
        top: Any = self.root.get("/K")
        top = top.get_object() if top is not None else None
        document: Any = top[0].get_object() if isinstance(top, list) and top else top
        for ref in (document.get("/K") or []) if document is not None else []:
            kid: Any = ref.get_object()
            if hasattr(kid, "get") and "/Pg" in kid and kid.raw_get("/Pg") == page_ref:
                inner: Any = kid.get("/K")
                inner = inner.get_object() if inner is not None else None
                first: Any = inner[0] if isinstance(inner, list) and inner else inner
                first = first.get_object() if first is not None and hasattr(first, "get_object") else None
                return first if hasattr(first, "get") and first.indirect_reference is not None else kid
        return document

    def drop(self, gone: dict[int, Any]) -> None:
        """Take the structure of the pages that went (``gone``: id -> page object) out of the tree."""
        from pypdf.generic import ArrayObject, NameObject, NumberObject

        for page in gone.values():
            key = page.get("/StructParents")
            if key is not None:
                self.nums.pop(int(key), None)

        def on_gone_pages_only(element: Any, depth: int = 0) -> bool:
            if depth > 64 or not hasattr(element, "get"):
                return True
            if "/Pg" in element and element.raw_get("/Pg").idnum not in gone:
                return False
            kids = element.get("/K")
            kids = kids.get_object() if kids is not None else None
            kids = kids if isinstance(kids, list) else [kids] if kids is not None else []
            return all(on_gone_pages_only(k.get_object() if hasattr(k, "get_object") else k, depth + 1) for k in kids)

        def goes(kid: Any) -> bool:
            element: Any = kid.get_object() if hasattr(kid, "get_object") else None
            return hasattr(element, "get") and "/Pg" in element and element.raw_get("/Pg").idnum in gone \
                and on_gone_pages_only(element)

        # WeasyPrint's structure has a part per page under the document: only the top levels are looked at.
        stack: list[tuple[Any, int]] = [(self.root, 0)]
        while stack:
            element, depth = stack.pop()
            kids = element.get("/K")
            kids = kids.get_object() if kids is not None else None
            if not isinstance(kids, list):
                continue
            kept = [k for k in kids if not goes(k)]
            if len(kept) != len(kids):
                _owned(self.update, element, "/K")
                element[NameObject("/K")] = ArrayObject(kept)
                self.update.touch(element)
            if depth < 2:
                stack += [(k.get_object(), depth + 1) for k in kept
                          if hasattr(k, "get_object") and hasattr(k.get_object(), "get")]
        nums = ArrayObject()
        for key in sorted(self.nums):
            nums += [NumberObject(key), self.nums[key]]
        self.tree[NameObject("/Nums")] = nums
        self.tree.pop("/Kids", None)
        self.update.touch(self.tree)
        self.root[NameObject("/ParentTreeNextKey")] = NumberObject(max(self.nums, default=-1) + 1)
        self.update.touch(self.root)


def _as_artifacts(update: _Update, page: Any) -> None:
    """Make the marked content of ``page``'s own drawing pagination artifacts (it is in no structure)."""
    from pypdf.generic import ContentStream, DecodedStreamObject, NameObject

    ops = ContentStream(page.get_contents(), update.reader).operations
    stream = DecodedStreamObject()
    stream.set_data(_serialise(_artifacts(ops)))
    page[NameObject("/Contents")] = update.add(stream.flate_encode())
    update.touch(page)


# --------------------------------------------------------------------------- the merge


def _draw(page: Any, update: _Update, xobject: Any, name: str, matrix: list[float], mcid: int | None = None) -> None:
    """Draw ``xobject`` on ``page`` with ``matrix``, over what is there (which is wrapped in
    ``q``/``Q``: WeasyPrint's drawing starts by flipping the coordinates and never restores them);
    with ``mcid``, as the marked content of a figure in the structure tree."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

    resources = DictionaryObject(page["/Resources"].get_object())
    xobjects = resources.get("/XObject")
    # A copy: the stamp's resources are shared by every page stamped from it.
    xobjects = DictionaryObject(xobjects.get_object()) if xobjects is not None else DictionaryObject()
    xobjects[NameObject(name)] = xobject
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources
    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else None
    parts = list(contents) if isinstance(contents, list) else [page.raw_get("/Contents")] if contents is not None \
        else []
    opening, closing = DecodedStreamObject(), DecodedStreamObject()
    opening.set_data(b"q\n")
    draw = b"q %s cm %s Do Q" % (" ".join(_num(v) for v in matrix).encode(), name.encode())
    if mcid is not None:
        draw = b"/Figure <</MCID %d>> BDC %s EMC" % (mcid, draw)
    closing.set_data(b"\nQ\n" + draw + b"\n")
    page[NameObject("/Contents")] = ArrayObject([update.add(opening), *parts, update.add(closing)])
    update.touch(page)


def _num(v: float) -> str:
    text = f"{v:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def merge(pdf: bytes, reservations: Sequence[Reservation]) -> bytes:
    """The pack ``pdf`` (laid out with ``reservations``) with every attached page in place."""
    if not reservations:
        return pdf
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject

    quiet()
    reader = PdfReader(io.BytesIO(pdf))
    update = _Update(reader)
    catalog: Any = reader.trailer["/Root"].get_object()
    _newest_version(update, catalog, reader, reservations)
    pages = list(reader.pages)
    index = {page.indirect_reference.idnum: i for i, page in enumerate(pages) if page.indirect_reference is not None}
    dests = _destinations(catalog)
    order: list[Any] = [p.indirect_reference for p in pages]
    replaced: dict[int, list[Any]] = {}   # reserved page index -> the pages that take its place
    moved: dict[int, Any] = {}           # id of a page that goes -> the page that now stands for it
    pages_root: Any = catalog["/Pages"]
    if any(page.raw_get("/Parent") != catalog.raw_get("/Pages") for page in pages):
        raise RuntimeError("the laid-out pack's page tree is not flat")  # WeasyPrint's always is
    tags = _Tags(update)
    sink = update.sink
    for res in reservations:
        where = []
        for r in res.pages:
            ref = dests.get(r.id)
            if ref is None or ref.idnum not in index:
                raise StampError(f"the pages reserved for {res.paper.name} are not in the laid-out pack "
                                 "(does a template of yours leave out papers/attachment.html.j2?)")
            where.append(index[ref.idnum])
        if where != list(range(where[0], where[0] + len(where))):
            raise RuntimeError(f"the pages reserved for {res.paper.name} are not one after another")
        first = pages[where[0]]
        shapes = res.paper.shapes
        new_pages = [first.indirect_reference]
        parent = tags.parent_for(first.indirect_reference) if tags.on else None
        if tags.on and tags.untagged(first):
            _as_artifacts(update, first)
        _draw(first, update, _form_xobject(sink, res.paper, 0), "/AttachedPage",
              placement(shapes[0], float(first.mediabox.width), float(first.mediabox.height)),
              tags.attached(first.indirect_reference, first, res, 0, parent))
        if len(shapes) > 1:
            stamps: dict[bool, _Stamp] = {}
            value = None
            for r, i in zip(res.pages, where, strict=True):
                if r.role == "template":
                    stamps[r.landscape], read = _stamp(pages[i])
                    value = read if read is not None else value
            # The first template's number is the sentinel past the paper's first page (the others read the same).
            first_number = value - SENTINEL if value is not None else 0
            for k in range(1, len(shapes)):
                stamp = stamps[shapes[k].landscape]
                content = DecodedStreamObject()
                content.set_data(stamp.page_number(first_number + k))
                page = DictionaryObject({
                    NameObject("/Type"): NameObject("/Page"),
                    NameObject("/Parent"): catalog.raw_get("/Pages"),
                    NameObject("/MediaBox"): stamp.mediabox,
                    NameObject("/Resources"): stamp.resources,
                    NameObject("/Contents"): update.add(content.flate_encode()),
                    **{NameObject(key): v for key, v in stamp.extra.items()},
                })
                ref = update.add(page)
                _draw(page, update, _form_xobject(sink, res.paper, k), "/AttachedPage",
                      placement(shapes[k], float(stamp.mediabox[2]) - float(stamp.mediabox[0]),
                                float(stamp.mediabox[3]) - float(stamp.mediabox[1])),
                      tags.attached(ref, page, res, k, parent))
                new_pages.append(ref)
        replaced[where[0]] = new_pages
        for i in where[1:]:
            replaced[i] = []
            moved[order[i].idnum] = new_pages[-1]
    kids = ArrayObject()
    for i, ref in enumerate(order):
        kids.extend(replaced.get(i, [ref]))
    pages_root[NameObject("/Kids")] = kids
    pages_root[NameObject("/Count")] = NumberObject(len(kids))
    update.touch(pages_root)
    _retarget(update, catalog, moved)
    if tags.on:
        tags.drop({order[i].idnum: pages[i] for i, gone in replaced.items() if not gone})
    return update.write(pdf)


def _newest_version(update: _Update, catalog: Any, reader: Any, reservations: Sequence[Reservation]) -> None:
    """The newest PDF version among the pack and its papers (an attached page may use what only it has)."""
    from pypdf.generic import NameObject

    def version(header: str) -> tuple[int, int]:
        m = re.fullmatch(r"%PDF-(\d)\.(\d)", header)
        return (int(m.group(1)), int(m.group(2))) if m else (1, 7)

    pack = version(reader.pdf_header)
    newest = max([pack, *(version(r.paper.reader.pdf_header) for r in reservations)])
    if newest > pack:
        catalog[NameObject("/Version")] = NameObject(f"/{newest[0]}.{newest[1]}")
        update.touch(catalog)


def _destinations(catalog: Any) -> dict[str, Any]:
    """Named destination -> the page it points at (as an indirect reference)."""
    out: dict[str, Any] = {}
    names = catalog.get("/Names")
    tree = names.get_object().get("/Dests") if names is not None else None
    for key, value, _ in _name_tree(tree.get_object() if tree is not None else None):
        value = value.get_object() if hasattr(value, "get_object") else value
        if hasattr(value, "get") and "/D" in value:
            value = value["/D"]
        if isinstance(value, list) and value:
            out[key] = value[0]
    return out


def _name_tree(node: Any, holder: Any = None, depth: int = 0) -> list[tuple[str, Any, Any]]:
    """(name, value, the object written again when the entry changes) for every entry of a name
    tree; ``holder`` is the nearest object of the file that holds ``node`` (the catalog, say)."""
    if node is None or depth > 32:
        return []
    if getattr(node, "indirect_reference", None) is not None:
        holder = node
    out: list[tuple[str, Any, Any]] = []
    raw = node.raw_get("/Names") if "/Names" in node else None
    if raw is not None:
        items = raw.get_object()
        owner = items if hasattr(raw, "idnum") else holder
        out += [(str(items[i]), items[i + 1], owner) for i in range(0, len(items) - 1, 2)]
    for kid in node.get("/Kids", []) or []:
        out += _name_tree(kid.get_object(), holder, depth + 1)
    return out


def _retarget(update: _Update, catalog: Any, moved: dict[int, Any]) -> None:
    """Destinations and bookmarks that pointed at a reserved page that went: at its paper's page."""
    if not moved:
        return

    def fix(dest: Any, owner: Any) -> None:
        if hasattr(dest, "idnum"):
            owner, dest = dest.get_object(), dest.get_object()
        if hasattr(dest, "get") and "/D" in dest:
            raw = dest.raw_get("/D")
            if hasattr(raw, "idnum"):
                owner = raw.get_object()
            dest = raw.get_object()
        if isinstance(dest, list) and dest and hasattr(dest[0], "idnum") and dest[0].idnum in moved:
            dest[0] = moved[dest[0].idnum]
            update.touch(owner)

    names = catalog.get("/Names")
    holder = names.get_object() if names is not None and hasattr(catalog.raw_get("/Names"), "idnum") else catalog
    tree = names.get_object().get("/Dests") if names is not None else None
    for _, value, node in _name_tree(tree.get_object() if tree is not None else None, holder):
        fix(value, node)
    outlines = catalog.get("/Outlines")
    stack = [outlines.get_object().get("/First")] if outlines is not None else []
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        item = item.get_object() if item is not None else None
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if "/Dest" in item:
            fix(item.raw_get("/Dest"), item)
        action = item.get("/A")
        if action is not None and "/D" in action.get_object():
            fix(item.raw_get("/A"), item)
        stack += [item.get("/Next"), item.get("/First")]
