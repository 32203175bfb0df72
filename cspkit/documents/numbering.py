"""Word list numbering resolved to the label a reader sees ("i.", "(a)", "3.", "2.1").

Word does not store the label: a paragraph says "list ``w:numId``, level ``w:ilvl``" (in its
own ``w:numPr``, or through its paragraph style and that style's ``w:basedOn`` chain), and
``word/numbering.xml`` says what each level looks like (``w:abstractNum``/``w:lvl``:
``w:start``, ``w:numFmt``, ``w:lvlText`` with ``%1``…``%9`` placeholders, ``w:lvlRestart``,
``w:isLgl``). A ``w:num`` points at an abstract definition and may override levels
(``w:lvlOverride`` with ``w:startOverride`` or a whole ``w:lvl``). Labels come from counting
the numbered paragraphs in document order.

Counting follows Word: lists (``w:num``) that share an abstract definition share its
counters, so a list interrupted by ordinary paragraphs and resumed under another ``w:num``
goes on counting; a ``w:num`` with overrides counts on its own (that is how Word and
LibreOffice write "restart numbering"). A level restarts after any higher level, unless
``w:lvlRestart`` says after which one (0: never).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, overload

from .labels import format_number

if TYPE_CHECKING:
    from lxml.etree import _Element

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{%s}" % W


def w_val(el: _Element | None, name: str = "val") -> str | None:
    """The ``w:val`` (or another ``w:`` attribute) of ``el``, None when ``el`` is None."""
    return None if el is None else el.get(_W + name)


@overload
def w_int(el: _Element | None, default: int) -> int: ...
@overload
def w_int(el: _Element | None, default: None = None) -> int | None: ...
def w_int(el: _Element | None, default: int | None = None) -> int | None:
    """The ``w:val`` of ``el`` as a number; ``default`` when there is none or it is not a number."""
    value = w_val(el)
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


@dataclass(frozen=True)
class Level:
    """One level of a list definition."""

    start: int = 1
    num_fmt: str = "decimal"
    lvl_text: str = ""
    restart: int | None = None
    legal: bool = False
    pstyle: str | None = None


def _level(el: _Element) -> Level:
    return Level(
        start=w_int(el.find(_W + "start"), 1),
        num_fmt=w_val(el.find(_W + "numFmt")) or "decimal",
        lvl_text=w_val(el.find(_W + "lvlText")) or "",
        restart=w_int(el.find(_W + "lvlRestart")),
        legal=el.find(_W + "isLgl") is not None and w_val(el.find(_W + "isLgl")) not in ("0", "false", "off"),
        pstyle=w_val(el.find(_W + "pStyle")),
    )


@dataclass(frozen=True)
class Resolved:
    """What a numbered paragraph shows: ``label`` ("ii."; None for a bullet or no text) and its level."""

    label: str | None
    ilvl: int
    bullet: bool


class Numbering:
    """The list definitions of one document, and the counters as its paragraphs are read.

    ``style_num_id`` maps a numbering style's id to the ``w:numId`` its properties name
    (for ``w:numStyleLink``).
    """

    def __init__(self, root: _Element | None = None, style_num_id: Callable[[str], str | None] = lambda _: None):
        self.abstract: dict[str, dict[int, Level]] = {}
        self._style_link: dict[str, str] = {}
        self.nums: dict[str, tuple[str, dict[int, Level]]] = {}
        self._style_num_id = style_num_id
        self._counters: dict[str, dict[int, int]] = {}
        if root is None:
            return
        for el in root.iterchildren(_W + "abstractNum"):
            aid = w_val(el, "abstractNumId") or ""
            self.abstract[aid] = {w_int_attr(lvl): _level(lvl) for lvl in el.iterchildren(_W + "lvl")}
            link = w_val(el.find(_W + "numStyleLink"))
            if link:
                self._style_link[aid] = link
        for el in root.iterchildren(_W + "num"):
            nid = w_val(el, "numId") or ""
            aid = w_val(el.find(_W + "abstractNumId")) or ""
            overrides: dict[int, Level] = {}
            for ov in el.iterchildren(_W + "lvlOverride"):
                ilvl = w_int_attr(ov)
                lvl = ov.find(_W + "lvl")
                base = _level(lvl) if lvl is not None else self.abstract.get(aid, {}).get(ilvl, Level())
                start = w_int(ov.find(_W + "startOverride"))
                if lvl is None and start is None:
                    continue
                overrides[ilvl] = replace(base, start=start) if start is not None else base
            self.nums[nid] = (aid, overrides)

    def _abstract_id(self, num_id: str) -> str | None:
        """The abstract definition a list uses, following ``w:numStyleLink`` (loops refused)."""
        seen: set[str] = set()
        entry = self.nums.get(num_id)
        while entry is not None:
            aid = entry[0]
            link = self._style_link.get(aid)
            if not link or aid in seen:
                return aid
            seen.add(aid)
            linked = self._style_num_id(link)
            entry = self.nums.get(linked) if linked else None
        return None

    def levels(self, num_id: str) -> dict[int, Level]:
        """The levels of list ``num_id`` with its overrides applied."""
        aid = self._abstract_id(num_id)
        if aid is None:
            return {}
        levels = dict(self.abstract.get(aid, {}))
        levels.update(self.nums[num_id][1])
        return levels

    def level_for_style(self, num_id: str, style_ids: list[str]) -> int | None:
        """The level of ``num_id`` linked to one of ``style_ids`` (``w:lvl/w:pStyle``), nearest first."""
        levels = self.levels(num_id)
        for sid in style_ids:
            for ilvl, lvl in sorted(levels.items()):
                if lvl.pstyle == sid:
                    return ilvl
        return None

    def next(self, num_id: str, ilvl: int) -> Resolved | None:
        """Count one more paragraph of list ``num_id`` at level ``ilvl`` and give its label.

        None when the list does not exist (``w:numId`` 0 removes numbering on purpose).
        """
        if num_id == "0" or num_id not in self.nums:
            return None
        levels = self.levels(num_id)
        if not levels:
            return None
        ilvl = max(0, min(ilvl, 8))
        level = levels.get(ilvl, Level())
        key = f"num:{num_id}" if self.nums[num_id][1] else f"abstract:{self._abstract_id(num_id)}"
        counters = self._counters.setdefault(key, {})
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [k for k in counters if k > ilvl]:
            restart = levels.get(deeper, Level()).restart
            if restart is None or (restart != 0 and ilvl < restart):
                del counters[deeper]
        if level.num_fmt == "bullet":
            return Resolved(None, ilvl, True)
        text = level.lvl_text
        for k in range(9, 0, -1):  # %10 does not exist; go down so %1 does not eat %1x
            token = f"%{k}"
            if token in text:
                lvl_k = levels.get(k - 1, Level())
                value = counters.get(k - 1, lvl_k.start)
                fmt = "decimal" if level.legal and lvl_k.num_fmt not in ("bullet", "none") else lvl_k.num_fmt
                text = text.replace(token, format_number(value, fmt))
        return Resolved(text.strip() or None, ilvl, False)


def w_int_attr(el: _Element) -> int:
    """The ``w:ilvl`` attribute of a ``w:lvl`` or ``w:lvlOverride``, 0 when absent or bad."""
    try:
        return int(el.get(_W + "ilvl") or 0)
    except ValueError:
        return 0
