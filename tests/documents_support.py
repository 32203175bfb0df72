"""Word files for the document tests, built the ways real documents are written.

``package(body)`` makes a minimal .docx from WordprocessingML body XML (so a test can write
exactly the structure Word or LibreOffice would: content controls, list numbering inherited
from a style, tracked changes); python-docx builds the others in the tests themselves.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Default Extension="png" ContentType="image/png"/>
<Override PartName="/word/document.xml" ContentType="{main}"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>
{extra}
</Types>"""
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"

PACKAGE_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="{R_NS}/officeDocument" Target="word/document.xml"/>
</Relationships>"""

DOCUMENT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rIdStyles" Type="{R_NS}/styles" Target="styles.xml"/>
<Relationship Id="rIdNumbering" Type="{R_NS}/numbering" Target="numbering.xml"/>
{{extra}}
</Relationships>"""

#: Heading styles as Word stores them: the name "heading 1", an outline level; and a
#: German-named style based on it, as a localised Word writes.
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles {NS}>
<w:docDefaults><w:rPrDefault><w:rPr><w:lang w:val="en-GB"/></w:rPr></w:rPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>
  <w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/>
  <w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="Überschrift 1"/><w:basedOn w:val="Heading1"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>
<w:style w:type="paragraph" w:styleId="MinutePoint"><w:name w:val="Minute Point"/><w:basedOn w:val="Normal"/>
  <w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="MinutePointSub"><w:name w:val="Minute Point Sub"/><w:basedOn w:val="MinutePoint"/>
  <w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="SubHeading"><w:name w:val="Sub Heading"/><w:basedOn w:val="Normal"/>
  <w:rPr><w:b/><w:u w:val="single"/></w:rPr></w:style>
<w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/><w:rPr><w:b/></w:rPr></w:style>
</w:styles>"""


def level(ilvl: int, fmt: str, text: str, start: int = 1, extra: str = "") -> str:
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>')


BULLET = "\u2022"

#: 1: decimal "1." / "(a)"; 2: lowerRoman "i."; 3: the style-linked points (roman, then "(a)");
#: 4: shares abstract 1 (continues it); 5: abstract 1 restarted at 5; 6: bullets; 7: "2.1" legal.
NUMBERING = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering {NS}>
<w:abstractNum w:abstractNumId="10">{level(0, "decimal", "%1.")}{level(1, "lowerLetter", "(%2)")}</w:abstractNum>
<w:abstractNum w:abstractNumId="11">{level(0, "lowerRoman", "%1.")}</w:abstractNum>
<w:abstractNum w:abstractNumId="12">{level(0, "lowerRoman", "%1.")}{level(1, "lowerLetter", "(%2)")}</w:abstractNum>
<w:abstractNum w:abstractNumId="13">{level(0, "bullet", BULLET)}</w:abstractNum>
<w:abstractNum w:abstractNumId="14">{level(0, "decimal", "%1.")}{level(1, "decimal", "%1.%2")}</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="11"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="12"/></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="10"/></w:num>
<w:num w:numId="5"><w:abstractNumId w:val="10"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
<w:num w:numId="6"><w:abstractNumId w:val="13"/></w:num>
<w:num w:numId="7"><w:abstractNumId w:val="14"/></w:num>
</w:numbering>"""


def p(text: str = "", *, style: str | None = None, num: tuple[int, int] | None = None, runs: str | None = None,
      ppr: str = "") -> str:
    """A ``w:p``: one run of ``text`` (or the given ``runs`` XML), a style, list numbering."""
    props = ""
    if style:
        props += f'<w:pStyle w:val="{style}"/>'
    if num:
        props += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    props += ppr
    body = runs if runs is not None else (r(text) if text else "")
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{body}</w:p>"


def r(text: str, *, bold: bool = False, italic: bool = False, underline: bool = False, rstyle: str = "") -> str:
    """A ``w:r`` with ``text`` (spaces kept)."""
    props = (f'<w:rStyle w:val="{rstyle}"/>' if rstyle else "") + ("<w:b/>" if bold else "") + \
        ("<w:i/>" if italic else "") + ('<w:u w:val="single"/>' if underline else "")
    return f'<w:r>{f"<w:rPr>{props}</w:rPr>" if props else ""}<w:t xml:space="preserve">{text}</w:t></w:r>'


def tc(*paragraphs: str, props: str = "") -> str:
    return f"<w:tc>{f'<w:tcPr>{props}</w:tcPr>' if props else ''}{''.join(paragraphs) or '<w:p/>'}</w:tc>"


def tbl(*rows: str, grid: int = 2) -> str:
    cols = "".join('<w:gridCol w:w="4000"/>' for _ in range(grid))
    return f"<w:tbl><w:tblPr/><w:tblGrid>{cols}</w:tblGrid>{''.join(rows)}</w:tbl>"


def tr(*cells: str, header: bool = False) -> str:
    return f"<w:tr>{'<w:trPr><w:tblHeader/></w:trPr>' if header else ''}{''.join(cells)}</w:tr>"


def package(body: str, *, main_type: str = DOCX_MAIN, extra_types: str = "", extra_rels: str = "",
            parts: dict[str, bytes] | None = None, styles: str = STYLES, numbering: str = NUMBERING,
            compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The bytes of a .docx whose body is ``body`` (WordprocessingML)."""
    document = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{body}</w:body></w:document>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES.format(main=main_type, extra=extra_types))
        z.writestr("_rels/.rels", PACKAGE_RELS)
        z.writestr("word/document.xml", document)
        z.writestr("word/_rels/document.xml.rels", DOCUMENT_RELS.format(extra=extra_rels))
        z.writestr("word/styles.xml", styles)
        z.writestr("word/numbering.xml", numbering)
        for name, data in (parts or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def summary(blocks) -> list:
    """Blocks as short tuples a test can compare with what a reader sees.

    Heading: ("H", level, label, text); Paragraph: ("P", label, level, text) with "•" for a
    bullet; Table: ("T", [[cell summaries]]); Note: ("N", kind).
    """
    from cspkit.documents import Heading, Note, Paragraph, Table

    out = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append(("H", b.level, b.label, b.text))
        elif isinstance(b, Paragraph):
            out.append(("P", "•" if b.bullet else b.label, b.level, b.text))
        elif isinstance(b, Table):
            out.append(("T", [[summary(c.blocks) for c in row] for row in b.rows]))
        elif isinstance(b, Note):
            out.append(("N", b.kind))
    return out
