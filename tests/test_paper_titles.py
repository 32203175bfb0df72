"""A paper's own title (its opening level-1 heading) is found from its first block alone: the
same answer as parsing the whole paper, whatever the paper starts with."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cspkit.render import context

LINES = st.sampled_from([
    "# Title", "  # Indented title", "#", "## Second level", "Title", "===", "---", "", "   ", "\t",
    "```", "~~~", "    indented code", "- item", "1. item", "> quoted", "<!-- comment -->", "<div>", "</div>",
    "[ref]: https://example.org", "[ref]: <https://example.org> 'title'", "Text with *emphasis*", "# Title #",
    "| a | b |", "|---|---|", "Paragraph line", "***",
])


def _whole(markdown: str) -> tuple[str | None, str]:
    """What split_title answered by parsing the whole paper."""
    tokens = context._markdown().parse(markdown)
    if len(tokens) < 2 or tokens[0].type != "heading_open" or tokens[0].tag != "h1" or not tokens[0].map:
        return None, markdown
    lines = markdown.splitlines(keepends=True)
    _, end = tokens[0].map
    return tokens[1].content.strip(), "".join(lines[end:]).lstrip("\n")


@given(st.lists(LINES, max_size=8), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_the_title_from_the_first_block_is_the_title_of_the_whole(lines, newline, final):
    markdown = newline.join(lines) + (newline if final else "")
    assert context.split_title(markdown) == _whole(markdown)


def test_a_long_paper_is_not_parsed_past_its_title(monkeypatch):
    parsed: list[int] = []
    real = context._markdown()

    class Counting:
        def parse(self, text):
            parsed.append(len(text))
            return real.parse(text)

    monkeypatch.setattr(context, "_markdown", lambda: Counting())
    paper = "# Community safety plan\n\n" + "A paragraph of the plan.\n\n" * 5000
    assert context.split_title(paper)[0] == "Community safety plan"
    assert parsed == [len("# Community safety plan\n\n")]
