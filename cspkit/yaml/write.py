"""Writing records: new files built from data, and edits that change only the lines they mean to.

A new file is data laid out canonically (:mod:`cspkit.yaml.layout`), never text assembled from
f-strings, so any value a record can hold (a ``#`` in a name, a colon, a line break, U+2028) is
quoted or escaped as YAML needs.

An edit is a function that changes the *data* of a file (plain dicts and lists, as read).
:func:`edit_text` then finds what changed, data-wise, and rewrites only those places in the
original text, each in canonical layout at the indentation the file uses there:

* a changed scalar, a new or removed key: the lines of that key;
* items appended to a list: new lines after its last item, at its items' indentation;
* anything inside a flow collection (``[a, b]``): that collection's key, written as a block.

Everything else — comments, quoting, indentation, key order, blank lines, CRLF line endings —
stays byte for byte. The result is read back and compared with the intended data; should the
splice ever disagree (a layout it does not handle), the file is laid out canonically as a
whole instead, comments kept, so an edit is never wrong, only occasionally wider.
"""

from __future__ import annotations

import copy
import datetime as dt
import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cspkit.yaml import _ruamel, layout
from cspkit.yaml.read import RecordLoader, parse

# --------------------------------------------------------------------------- data helpers


def to_plain(value: Any) -> Any:
    """Values as a record file holds them: enums as their words, times as ``'HH:MM'`` text."""
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    return value


def put(node: dict[str, Any], key: str, value: Any, model: type | None = None) -> None:
    """Set ``node[key]``; a new key goes where ``model`` declares it, so key order is kept."""
    value = to_plain(value)
    if key in node or model is None:
        node[key] = value
        return
    order = list(getattr(model, "model_fields", {}))
    if key not in order:
        node[key] = value
        return
    rank = order.index(key)
    items = list(node.items())
    pos = 0
    for i, (existing, _) in enumerate(items):
        if existing in order and order.index(existing) < rank:
            pos = i + 1
    items.insert(pos, (key, value))
    node.clear()
    node.update(items)


def load_plain(text: str) -> Any:
    """The data of ``text`` for an edit: plain dicts and lists, decimals kept as written."""
    return layout.load_keeping_decimals(text)


# --------------------------------------------------------------------------- new files


def new_file_text(data: dict[str, Any], model: type | None, modeline: str | None,
                  comments: dict[str, str] | None = None) -> str:
    """The text of a new record file: the schema modeline, then ``data`` laid out canonically.

    ``comments`` maps top-level keys to end-of-line comments (the hints on a blank form).
    """
    text = layout.render(to_plain(data), model, modeline)
    if not comments:
        return text
    out = []
    for line in text.splitlines(keepends=True):
        match = re.match(r"^([A-Za-z_][A-Za-z0-9_]*):", line)
        note = comments.get(match.group(1)) if match else None
        if note:
            body = line.rstrip("\r\n")
            line = f"{body}  # {' '.join(note.split())}\n"
        out.append(line)
    return "".join(out)


# --------------------------------------------------------------------------- edits


_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def edit_text(text: str, mutate: Callable[[Any], None], model: type | None = None,
              modeline: str | None = None, align: Align | None = None) -> str:
    """``text`` with ``mutate`` applied to its data, changing only the lines that must change.

    ``model`` orders new keys and lays out new values; ``modeline`` is used only when the file
    has to be laid out as a whole (see the module's docstring). ``align`` says which items of
    a list are the same item before and after (see :func:`splice`).
    """
    old = load_plain(text)
    new = copy.deepcopy(old)
    mutate(new)
    return splice(text, old, new, model, modeline, align)


#: What stays the same of a list item when an edit changes it (an agenda item less its number):
#: items inserted, removed or moved are told from items changed by it.
Align = Callable[[Any], Any]


def splice(text: str, old: Any, new: Any, model: type | None = None, modeline: str | None = None,
           align: Align | None = None) -> str:
    """The text whose data is ``new``, made from ``text`` (whose data is ``old``) by rewriting
    only what differs.

    A list whose items were inserted, removed or moved keeps the lines of every item still in
    it, comments included: items are matched by ``align(item)`` (by the item itself without
    it), a moved item's lines move with it, and only new items are laid out afresh.
    """
    new = to_plain(new)
    if old == new:
        return text
    newline = "\r\n" if "\r\n" in text else "\n"
    try:
        result = _Splicer(text, new, model, newline, align).run(old)
    except _CannotSplice:
        result = None
    if result is not None and _reads_as(result, new):
        return result
    return _whole(text, new, model, modeline, newline)


def _reads_as(text: str, data: Any) -> bool:
    try:
        return bool(parse(text) == data)
    except Exception:
        return False


def _whole(text: str, new: Any, model: type | None, modeline: str | None, newline: str) -> str:
    """The whole file laid out canonically with ``new`` as its data, comments kept."""
    doc = _ruamel.load(text)
    doc = _sync(doc, new)
    had_modeline = layout.is_modeline(text.lstrip("\ufeff").split("\n", 1)[0])
    out = layout.format_text(_ruamel.dump(doc), model, modeline if had_modeline or modeline else None)
    return out.replace("\n", newline) if newline != "\n" else out


def _sync(node: Any, new: Any) -> Any:
    """``node`` (ruamel) changed in place to hold ``new``, keeping what is unchanged (and its comments)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap) and isinstance(new, dict):
        for key in [k for k in node if k not in new]:
            del node[key]
        for i, (key, value) in enumerate(new.items()):
            if key in node:
                node[key] = _sync(node[key], value)
            else:
                node.insert(i, key, _sync(None, value))
        return node
    if isinstance(node, CommentedSeq) and isinstance(new, list):
        del node[len(new):]
        for i, value in enumerate(new):
            if i < len(node):
                node[i] = _sync(node[i], value)
            else:
                node.append(_sync(None, value))
        return node
    if isinstance(new, dict):
        out = CommentedMap()
        for key, value in new.items():
            out[key] = _sync(None, value)
        return out
    if isinstance(new, list):
        return CommentedSeq(_sync(None, v) for v in new)
    if node is not None and not isinstance(node, (CommentedMap, CommentedSeq)) and node == new and \
            type(node) is not bool and type(new) is not bool:
        return node  # keeps its quoting
    return new


class _CannotSplice(Exception):
    """A layout the splicer does not handle: lay the file out as a whole."""


@dataclass
class _Op:
    """Replace original lines ``[start, end)`` with ``lines`` (``start == end``: insert)."""

    start: int
    end: int
    lines: list[str]


def _compose(text: str) -> Node:
    node = yaml.compose(text, Loader=RecordLoader)
    if node is None:
        raise _CannotSplice
    return node


class _Splicer:
    def __init__(self, text: str, new: Any, model: type | None, newline: str, align: Align | None = None):
        self.text = text
        self.new = new
        self.model = model
        self.newline = newline
        self.align = align
        self.lines = _split_lines(text)
        self.canon_text = layout.render(new, model, None)
        self.canon_lines = _split_lines(self.canon_text)
        self.ops: list[_Op] = []

    # ------------------------------------------------------------------ driving
    def run(self, old: Any) -> str:
        root = _compose(self.text)
        canon = _compose(self.canon_text)
        try:
            self.walk(old, self.new, root, canon)
        except _Replace:
            raise _CannotSplice from None  # the document itself is written in flow style
        out = list(self.lines)
        if out and not _BREAK.search(out[-1][-2:]):
            out[-1] += self.newline  # something may be added after the last line
        # From the end of the file back, so earlier positions stay valid; at one position, the
        # later operation first, so that several keys inserted there keep their order.
        order = sorted(range(len(self.ops)), key=lambda i: (self.ops[i].start, self.ops[i].end, i), reverse=True)
        for i in order:
            op = self.ops[i]
            out[op.start:op.end] = [line + self.newline for line in op.lines]
        return "".join(out)

    def walk(self, old: Any, new: Any, node: Node, canon: Node) -> None:
        """Record the operations that turn ``old`` (at ``node``) into ``new`` (at ``canon``)."""
        if old == new:
            return
        if isinstance(old, dict) and isinstance(new, dict) and isinstance(node, MappingNode) \
                and not node.flow_style and isinstance(canon, MappingNode):
            self.walk_mapping(old, new, node, canon)
            return
        if isinstance(old, list) and isinstance(new, list) and isinstance(node, SequenceNode) \
                and not node.flow_style and isinstance(canon, SequenceNode):
            self.walk_sequence(old, new, node, canon)
            return
        raise _Replace  # the parent rewrites this value with its key or its list marker

    def walk_mapping(self, old: dict[Any, Any], new: dict[Any, Any], node: MappingNode, canon: MappingNode) -> None:
        pairs = {_key(k): (k, v) for k, v in node.value}
        canon_pairs = {_key(k): (k, v) for k, v in canon.value}
        if len(pairs) != len(node.value) or set(pairs) != {str(k) for k in old}:
            raise _CannotSplice
        keys = list(new)
        for key in old:
            if key not in new:
                self.remove_pair(node, *pairs[str(key)])
        for i, key in enumerate(keys):
            canon_pair = canon_pairs.get(str(key))
            if canon_pair is None:
                raise _CannotSplice
            if key in old:
                k_node, v_node = pairs[str(key)]
                try:
                    self.walk(old[key], new[key], v_node, canon_pair[1])
                except _Replace:
                    self.replace_pair(node, k_node, v_node, *canon_pair)
            else:
                before = next((keys[j] for j in range(i - 1, -1, -1) if keys[j] in old), None)
                self.insert_pair(node, pairs, before, *canon_pair)

    def walk_sequence(self, old: list[Any], new: list[Any], node: SequenceNode, canon: SequenceNode) -> None:
        if len(node.value) != len(old) or len(canon.value) != len(new):
            raise _CannotSplice
        keys_old, keys_new = self.identities(old), self.identities(new)
        in_old, in_new = set(keys_old), set(keys_new)
        if len(new) < len(old) or any(k_old != k_new and (k_old in in_new or k_new in in_old)
                                      for k_old, k_new in zip(keys_old, keys_new, strict=False)):
            # items removed, inserted before the end or moved: an item at another place than
            # before (items edited where they are are walked one by one below, as are items
            # appended)
            self.realign(old, new, node, canon, keys_old, keys_new)
            return
        for i in range(len(old)):
            self.walk_item(old[i], new[i], node.value[i], canon.value[i])
        if len(new) > len(old):
            self.append_items(node, canon, len(old))

    def identities(self, items: list[Any]) -> list[str]:
        """What tells the items of a list apart across the edit (see :data:`Align`)."""
        align = self.align
        return [repr(align(item) if align is not None else item) for item in items]

    def walk_item(self, old: Any, new: Any, item: Node, c_item: Node) -> None:
        if old != new:
            try:
                self.walk(old, new, item, c_item)
            except _Replace:
                self.replace_item(item, c_item)

    def realign(self, old: list[Any], new: list[Any], node: SequenceNode, canon: SequenceNode,
                keys_old: list[str], keys_new: list[str]) -> None:
        """Items inserted, removed or moved: each item still in the list keeps its lines (moved
        with it), new items are laid out canonically, removed ones' lines go."""
        import difflib

        if not old or any(self.lines[item.start_mark.line][:_dash_column(self.lines, item)].strip()
                          for item in node.value):
            raise _Replace  # an item sharing its line with something else: write the list again
        opcodes = difflib.SequenceMatcher(None, keys_old, keys_new, autojunk=False).get_opcodes()
        kept: dict[int, int] = {}  # new position -> old position, for items left where they were
        for tag, i1, i2, j1, j2 in opcodes:
            if tag == "equal":
                kept.update(zip(range(j1, j2), range(i1, i2), strict=True))
        unmatched_old = [i for i in range(len(old)) if i not in kept.values()]
        moved: dict[int, int] = {}  # new position -> old position, for the same item elsewhere
        for j in range(len(new)):
            if j not in kept:
                i = next((i for i in unmatched_old if keys_old[i] == keys_new[j]), None)
                if i is not None:
                    moved[j] = i
                    unmatched_old.remove(i)
        for tag, i1, i2, j1, j2 in opcodes:  # what is left of a block replaced item for item: edited
            if tag == "replace" and i2 - i1 == j2 - j1:
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                    if j not in moved and i in unmatched_old:
                        kept[j] = i
                        unmatched_old.remove(i)
        for j, i in kept.items():
            self.walk_item(old[i], new[j], node.value[i], canon.value[j])
        for i in unmatched_old + list(moved.values()):
            item = node.value[i]
            self.ops.append(_Op(item.start_mark.line, _content_end(None, item, self.lines) + 1, []))
        for j in range(len(new)):
            if j in kept:
                continue
            after = next((kept[k] for k in range(j + 1, len(new)) if k in kept), None)
            at = node.value[after].start_mark.line if after is not None else \
                _content_end(None, node.value[-1], self.lines) + 1
            sibling = node.value[after if after is not None else -1]
            dash = _dash_column(self.lines, sibling)
            if j in moved:
                body = self.moved_item(node.value[moved[j]], old[moved[j]], new[j], dash)
            else:
                body = self.items_like(sibling, canon.value[j], canon.value[j], dash)
            self.ops.append(_Op(at, at, body))

    def moved_item(self, item: Node, old: Any, new: Any, dash: int) -> list[str]:
        """The lines of a moved list item, comments included, edited from ``old`` to ``new``
        as a document of its own and set with its marker at ``dash``."""
        own = _dash_column(self.lines, item)
        start, end = item.start_mark.line, _content_end(None, item, self.lines)
        lines = []
        for line in self.lines[start:end + 1]:
            body = line.rstrip("\r\n")
            if body[:own].strip():
                raise _CannotSplice  # a line of the item less indented than its marker
            lines.append(body[own:])
        text = splice("\n".join(lines) + "\n", [old], [new], None, None, self.align)
        return [(" " * dash + line) if line else line for line in text.rstrip("\n").split("\n")]

    # ------------------------------------------------------------------ operations
    def replace_pair(self, mapping: MappingNode, k_node: Node, v_node: Node, c_key: Node, c_value: Node) -> None:
        start, end = k_node.start_mark.line, _content_end(k_node, v_node, self.lines)
        prefix = self.lines[start][: k_node.start_mark.column]
        if prefix.strip() not in ("", "-", "?") and not re.fullmatch(r"(\s*-\s+)+", prefix):
            raise _CannotSplice
        tail = _after(self.lines, end, _end_col(v_node, k_node, self.lines))
        body = self.canon_fragment(c_key, c_value, k_node.start_mark.column)
        body[0] = prefix + body[0]
        if tail.strip():
            if not tail.strip().startswith("#"):
                raise _CannotSplice
            body[-1] += tail.rstrip("\r\n")
        self.ops.append(_Op(start, end + 1, body))

    def remove_pair(self, mapping: MappingNode, k_node: Node, v_node: Node) -> None:
        start, end = k_node.start_mark.line, _content_end(k_node, v_node, self.lines)
        if self.lines[start][: k_node.start_mark.column].strip():
            raise _CannotSplice  # the first key of a list item: its parent rewrites the item
        self.ops.append(_Op(start, end + 1, []))

    def insert_pair(self, mapping: MappingNode, pairs: dict[str, tuple[Node, Node]], before: Any,
                    c_key: Node, c_value: Node) -> None:
        if not mapping.value:
            raise _CannotSplice
        column = mapping.value[-1][0].start_mark.column
        if before is None:
            first_key = mapping.value[0][0]
            if self.lines[first_key.start_mark.line][: first_key.start_mark.column].strip():
                raise _CannotSplice  # would go in front of a list item's "- "
            at = first_key.start_mark.line
        else:
            k_node, v_node = pairs[str(before)]
            at = _content_end(k_node, v_node, self.lines) + 1
        body = self.canon_fragment(c_key, c_value, column)
        body[0] = " " * column + body[0]
        self.ops.append(_Op(at, at, body))

    def replace_item(self, item: Node, c_item: Node) -> None:
        dash = _dash_column(self.lines, item)
        start, end = item.start_mark.line, _content_end(None, item, self.lines)
        if self.lines[start][:dash].strip():
            raise _CannotSplice
        tail = _after(self.lines, end, _end_col(item, None, self.lines))
        body = self.items_like(item, c_item, c_item, dash)
        if tail.strip():
            if not tail.strip().startswith("#"):
                raise _CannotSplice
            body[-1] += tail.rstrip("\r\n")
        self.ops.append(_Op(start, end + 1, body))

    def append_items(self, node: SequenceNode, canon: SequenceNode, first_new: int) -> None:
        last = node.value[-1]
        at = _content_end(None, last, self.lines) + 1
        body = self.items_like(last, canon.value[first_new], canon.value[-1], _dash_column(self.lines, last))
        self.ops.append(_Op(at, at, body))

    def items_like(self, sibling: Node, c_first: Node, c_last: Node, dash: int) -> list[str]:
        """The canonical lines of list items ``c_first`` to ``c_last``, their markers at ``dash`` and
        their content as far from the marker as ``sibling``'s (``-   id: …`` stays that way)."""
        c_dash = _dash_column(self.canon_lines, c_first)
        gap = sibling.start_mark.column - dash
        c_gap = c_first.start_mark.column - c_dash
        extra = gap - c_gap if gap > c_gap else 0
        start, end = c_first.start_mark.line, _content_end(None, c_last, self.canon_lines)
        body = self.canon_lines_between(start, end, dash - c_dash + extra)
        out = []
        for line in body:
            stripped = line[dash + extra:] if len(line) > dash + extra else ""
            if extra and line[:dash + extra].strip() == "" and stripped.startswith("- "):
                out.append(" " * dash + "-" + " " * (1 + extra) + stripped[2:])  # a marker: back to its column
            else:
                out.append(line)
        return out

    # ------------------------------------------------------------------ canonical text
    def canon_fragment(self, c_key: Node, c_value: Node, column: int) -> list[str]:
        """The canonical lines of one key and its value, the lines after the first moved so that
        the key would be at ``column``; the first line from the key on (its caller puts what
        goes before it)."""
        start, end = c_key.start_mark.line, _content_end(c_key, c_value, self.canon_lines)
        c_col = c_key.start_mark.column
        first = self.canon_lines[start].rstrip("\r\n")[c_col:]
        return [first, *self.canon_lines_between(start + 1, end, column - c_col)]

    def canon_lines_between(self, start: int, end: int, shift: int) -> list[str]:
        out = []
        for line in self.canon_lines[start:end + 1]:
            body = line.rstrip("\r\n")
            if shift >= 0:
                out.append((" " * shift + body) if body else body)
            else:
                if body[: -shift].strip():
                    raise _CannotSplice
                out.append(body[-shift:])
        return out


class _Replace(Exception):
    """This value cannot be edited in place: its parent rewrites it whole."""


def _key(node: Node) -> str:
    if not isinstance(node, ScalarNode):
        raise _CannotSplice
    return str(node.value)


def _split_lines(text: str) -> list[str]:
    """Lines as YAML counts them, each with its line break."""
    out: list[str] = []
    pos = 0
    for match in _BREAK.finditer(text):
        out.append(text[pos:match.end()])
        pos = match.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def _is_block_scalar(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.style in ("|", ">")


def _content_end(key: Node | None, value: Node, lines: list[str]) -> int:
    """The last line (0-based) that holds anything of ``value`` (or of ``key``, for an empty value)."""
    if isinstance(value, MappingNode) and not value.flow_style and value.value:
        return _content_end(value.value[-1][0], value.value[-1][1], lines)
    if isinstance(value, SequenceNode) and not value.flow_style and value.value:
        return _content_end(None, value.value[-1], lines)
    end = value.end_mark
    if _is_block_scalar(value):
        last = end.line - 1 if end.column == 0 else end.line
        while last > value.start_mark.line and not lines[last].strip():
            last -= 1
        return last
    if key is not None and isinstance(value, ScalarNode) and value.value == "" and value.style is None:
        return key.end_mark.line
    return end.line if end.column > 0 or end.line == value.start_mark.line else end.line - 1


def _end_col(value: Node, key: Node | None, lines: list[str]) -> int:
    """Column just after the content of ``value`` on its last line (where a trailing comment may start)."""
    if isinstance(value, MappingNode) and not value.flow_style and value.value:
        return _end_col(value.value[-1][1], value.value[-1][0], lines)
    if isinstance(value, SequenceNode) and not value.flow_style and value.value:
        return _end_col(value.value[-1], None, lines)
    if _is_block_scalar(value):
        return len(lines[_content_end(key, value, lines)].rstrip("\r\n"))
    if key is not None and isinstance(value, ScalarNode) and value.value == "" and value.style is None:
        return key.end_mark.column + 1
    return value.end_mark.column


def _after(lines: list[str], line: int, col: int) -> str:
    return lines[line][col:] if line < len(lines) else ""


def _dash_column(lines: list[str], item: Node) -> int:
    """The column of the ``-`` that starts the list item ``item``."""
    line = lines[item.start_mark.line]
    col = item.start_mark.column
    head = line[:col].rstrip(" ")
    if not head.endswith("-"):
        raise _CannotSplice  # an item not on its marker's line (``-`` alone on a line)
    return len(head) - 1
