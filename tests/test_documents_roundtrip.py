"""Round trips: what the Word writer writes, the Word reader reads back as the same blocks;
what the Markdown writer writes, the Markdown reader reads back, where the kinds overlap.

Blocks are generated (Hypothesis): headings, paragraphs with bold, italic and links,
typed labels, numbered lists in each format with nested lists, bullets, guidance, tables.
"""

from __future__ import annotations

from datetime import date

from conftest import trials
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cspkit.documents import Cell, Heading, Paragraph, Span, Table, make_heading, make_paragraph
from cspkit.documents.inline import markdown_spans, normalise_spans, spans_markdown
from cspkit.documents.labels import list_style_of

WORDS = st.sampled_from(["Police", "agreed", "the", "ASB", "2023/24", "(MS", "Teams)", "O\u2019Connell", "\u2013",
                         "\u201cPlan\u201d", "i.e.", "*", "_", "[draft]", "8.", "£10k", "&", "50%", "e.g.", "x<y"])
LINKS = st.sampled_from([None, None, None, "https://www.charnwood.gov.uk/csp", "mailto:clerk@example.org"])


@st.composite
def spans(draw, line_breaks: bool = True, min_words: int = 1) -> tuple[Span, ...]:
    """Inline text as a reader gets it back: the spelling's own fixed point."""
    out = []
    for _ in range(draw(st.integers(1, 4))):
        words = draw(st.lists(WORDS, min_size=min_words, max_size=4))
        sep = draw(st.sampled_from([" ", " ", " ", "\n"])) if line_breaks else " "
        out.append(Span(" ".join(words) + sep, draw(st.booleans()), draw(st.booleans()), draw(LINKS)))
    text = spans_markdown(normalise_spans(out))
    fixed = markdown_spans(text)
    return fixed if fixed else (Span("Minutes"),)


LIST_LABELS = ["1.", "i.", "(a)", "a)", "A.", "I.", "(i)"]


def labels_from(first: str, count: int, start: int = 1) -> list[str]:
    style = list_style_of(first)
    return [style.label(start + k) for k in range(count)]


@st.composite
def a_list(draw, level: int = 1, bullets_ok: bool = True) -> list[Paragraph]:
    bullet = bullets_ok and draw(st.booleans())
    fmt = draw(st.sampled_from(LIST_LABELS))
    start = draw(st.integers(1, 12)) if fmt == "1." and level == 1 else 1
    count = draw(st.integers(1, 4))
    labels = labels_from(fmt, count, start)
    out: list[Paragraph] = []
    for k in range(count):
        out.append(make_paragraph(draw(spans()), label=None if bullet else labels[k], numbered=not bullet,
                                  level=level, bullet=bullet))
        if level < 3 and draw(st.integers(0, 4)) == 0:
            out += draw(a_list(level + 1))
    return out


@st.composite
def a_table(draw) -> Table:
    width = draw(st.integers(1, 3))
    rows = []
    for _ in range(draw(st.integers(1, 3))):
        row = []
        for c in range(width):
            blocks = tuple(make_paragraph(draw(spans())) for _ in range(draw(st.integers(0, 2))))
            row.append(Cell(blocks, column=c))
        rows.append(tuple(row))
    return Table(tuple(rows), header_rows=draw(st.integers(0, 1)))


@st.composite
def word_blocks(draw) -> list:
    out: list = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["heading", "paragraph", "paragraph", "list", "table", "guidance", "underlined"]))
        if kind == "heading":
            level = draw(st.integers(0, 6))
            out.append(make_heading(draw(spans(line_breaks=False)), level,
                                    style="Title" if level == 0 else f"Heading {level}"))
        elif kind == "paragraph":
            out.append(make_paragraph(draw(spans())))
        elif kind == "guidance":
            out.append(make_paragraph(draw(spans()), style="Guidance"))
        elif kind == "underlined":
            out.append(make_paragraph(tuple(Span(s.text, s.bold, s.italic) for s in draw(spans())), underlined=True))
        elif kind == "list":
            out += draw(a_list())
        else:
            out.append(draw(a_table()))
    return out


def write_and_read(blocks) -> list:
    import tempfile
    from pathlib import Path

    from cspkit.documents.docx_read import read_docx
    from cspkit.documents.docx_write import WordDocument

    w = WordDocument(title="Round trip", author="Charnwood Community Safety Partnership", when=date(2023, 10, 12))
    w.add(blocks)
    with tempfile.TemporaryDirectory(prefix="roundtrip-") as folder:
        path = Path(folder) / "roundtrip.docx"
        path.write_bytes(w.to_bytes())
        return read_docx(path).blocks


@settings(max_examples=trials(50), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(word_blocks())
def test_word_round_trip(blocks):
    assert write_and_read(blocks) == blocks


@st.composite
def markdown_list(draw, level: int = 1) -> list[Paragraph]:
    bullet = draw(st.booleans())
    delimiter = draw(st.sampled_from([".", ")"]))
    start = draw(st.integers(0, 20))
    out: list[Paragraph] = []
    for k in range(draw(st.integers(1, 4))):
        label = None if bullet else f"{start + k}{delimiter}"
        out.append(make_paragraph(draw(spans()), label=label, numbered=not bullet, level=level, bullet=bullet))
        if level < 3 and draw(st.integers(0, 4)) == 0:
            out += draw(markdown_list(level + 1))
    return out


@st.composite
def markdown_blocks_strategy(draw) -> list:
    out: list = []
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["heading", "paragraph", "paragraph", "list", "table"]))
        if kind == "heading":
            out.append(make_heading(draw(spans(line_breaks=False)), draw(st.integers(1, 6))))
        elif kind == "paragraph":
            out.append(make_paragraph(draw(spans())))
        elif kind == "list":
            out += draw(markdown_list())
        else:
            width = draw(st.integers(1, 3))
            rows = tuple(tuple(Cell((make_paragraph(draw(spans(line_breaks=False))),) if draw(st.booleans()) else (),
                                    column=c) for c in range(width)) for _ in range(draw(st.integers(1, 3))))
            out.append(Table(rows, header_rows=1))
    return out


@settings(max_examples=trials(120), deadline=None)
@given(markdown_blocks_strategy())
def test_markdown_round_trip(blocks):
    from cspkit.documents.markdown_read import markdown_blocks
    from cspkit.documents.markdown_write import blocks_markdown

    text = blocks_markdown(blocks)
    assert markdown_blocks(text) == blocks, text


def test_the_same_document_in_word_and_markdown_gives_the_same_text():
    """A clerk's draft in either format gives the same headings, labels and text."""
    from cspkit.documents.markdown_read import markdown_blocks

    md = markdown_blocks("# 9 PARTNER UPDATES\n\nA number of **update reports** were provided:\n\n"
                         "i. There was a fire safety walk.\n\n- Bell Foundry estate\n- [People Zones](https://"
                         "www.charnwood.gov.uk/csp)\n\n**AGREED** that the information be noted.\n")
    word = write_and_read(md)
    strip = lambda blocks: [(type(b).__name__, b.label, b.text, b.level) for b in blocks]  # noqa: E731
    assert strip(word) == strip(md)
    assert isinstance(word[0], Heading) and word[0].label == "9"


def test_inline_markdown_spelling_reads_back_the_same_text():
    # Formatting changing inside a word or next to punctuation: the spelling still reads back.
    cases = {
        (Span("Agr", bold=True), Span("eed")): "**Agr**eed",
        (Span("a", italic=True), Span("b", bold=True)): "*a***b**",
        (Span("b", bold=True), Span("a", italic=True)): "**b***a*",
        (Span("x "), Span("<y>", bold=True), Span(" z")): "x **\\<y\\>** z",
        (Span("see this!"), Span("link", href="https://example.org")): "see this\\![link](https://example.org)",
    }
    for case, spelling in cases.items():
        spans_ = normalise_spans(case)
        assert spans_markdown(spans_) == spelling
        assert markdown_spans(spelling) == spans_
    # Italic punctuation glued to a letter has no CommonMark spelling: the text stays, the italic goes.
    glued = normalise_spans((Span("(MS Teams)", italic=True), Span("x")))
    assert spans_markdown(glued) == "(MS Teams)x"
