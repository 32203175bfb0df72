"""Minutes written in Markdown read into the same blocks as Word minutes, located by line."""

from __future__ import annotations

import pytest
from documents_support import summary

from cspkit.documents import Heading, Note, Paragraph, Table, read_document

MINUTES = """\
# Charnwood Community Safety Partnership: minutes

## 6 2023/24 PERFORMANCE

A presentation detailing Charnwood performance figures was provided.
The following summarises the discussion:

i. The following crime types had increased; total crime (+2.9%).

ii. Some businesses in the BID area were in an *unofficial* exclusion scheme.

**AGREED** that the information be noted.

## 9. PARTNER UPDATES

1. That James O'Connell inquire about OPCC funding.
2. That he contact Giuseppe Vassallo\\
   as soon as possible.
   - Bell Foundry estate
   - [People Zones](https://www.charnwood.gov.uk/csp)

| Name | Organisation |
|---|---|
| Councillor Liz Blackshaw (Chair) | Charnwood Borough Council |
| Sarah Whannell | Falcon \\| Support Services |

```
not minutes
```

<div>raw html</div>
"""


@pytest.fixture(scope="module")
def minutes(tmp_path_factory):
    path = tmp_path_factory.mktemp("md") / "minutes.md"
    path.write_text(MINUTES, encoding="utf-8")
    return read_document(path)


def test_markdown_minutes_read_into_blocks(minutes):
    assert summary(minutes.blocks) == [
        ("H", 1, None, "Charnwood Community Safety Partnership: minutes"),
        ("H", 2, "6", "6 2023/24 PERFORMANCE"),
        ("P", None, 0, "A presentation detailing Charnwood performance figures was provided. "
                       "The following summarises the discussion:"),  # a wrapped line is a space
        ("P", "i.", 0, "i. The following crime types had increased; total crime (+2.9%)."),
        ("P", "ii.", 0, "ii. Some businesses in the BID area were in an *unofficial* exclusion scheme."),
        ("P", None, 0, "**AGREED** that the information be noted."),
        ("H", 2, "9.", "9. PARTNER UPDATES"),
        ("P", "1.", 1, "That James O'Connell inquire about OPCC funding."),
        ("P", "2.", 1, "That he contact Giuseppe Vassallo\\\nas soon as possible."),  # a hard break
        ("P", "•", 2, "Bell Foundry estate"),
        ("P", "•", 2, "[People Zones](https://www.charnwood.gov.uk/csp)"),
        ("T", [[[("P", None, 0, "Name")], [("P", None, 0, "Organisation")]],
               [[("P", None, 0, "Councillor Liz Blackshaw (Chair)")], [("P", None, 0, "Charnwood Borough Council")]],
               [[("P", None, 0, "Sarah Whannell")], [("P", None, 0, "Falcon | Support Services")]]]),
        ("N", "code"),
        ("P", None, 0, "\\<div\\>raw html\\</div\\>"),  # raw HTML is text, as the packs show it
    ]


def test_labels_typed_and_from_list_markers(minutes):
    typed = minutes.blocks[3]
    assert (typed.label, typed.numbered, typed.body) == ("i.", False,
                                                         "The following crime types had increased; total crime (+2.9%).")
    numbered = minutes.blocks[7]
    assert (numbered.label, numbered.numbered, numbered.body) == ("1.", True, numbered.text)
    agreed = minutes.blocks[5]
    assert isinstance(agreed, Paragraph) and not agreed.all_bold


def test_every_block_knows_its_line(minutes):
    lines = [b.location.line for b in minutes.blocks]
    assert lines == [1, 3, 5, 8, 10, 12, 14, 16, 17, 19, 20, 22, 27, 31]
    assert minutes.where(minutes.blocks[5]) == "minutes.md:12"
    table = minutes.blocks[11]
    assert isinstance(table, Table) and table.header_rows == 1
    assert table.rows[2][0].blocks[0].location.line == 25
    assert [n.location.line for n in minutes.notes] == [27]


def test_headings_and_paragraphs_are_typed(minutes):
    assert isinstance(minutes.blocks[0], Heading) and isinstance(minutes.blocks[-2], Note)


def test_byte_order_mark_and_sha256(tmp_path):
    import hashlib

    path = tmp_path / "bom.md"
    data = "\ufeff# Minutes\n".encode("utf-8")
    path.write_bytes(data)
    doc = read_document(path)
    assert [b.plain for b in doc.blocks] == ["Minutes"]
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
