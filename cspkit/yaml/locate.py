"""Where in a file a value is: a field path such as ``('attendance', 'present', 3, 'person')``
turned into a line and column.

Reading (:mod:`cspkit.yaml.read`) builds plain data and keeps no positions, because most files
have no problem; a file that has one is composed again into a node tree, once, and every
problem in it is located on that tree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cspkit.errors import Loc
from cspkit.yaml.read import RecordLoader, YamlProblem, _check_depth


class Locatable(Protocol):
    """What :func:`fill_lines` needs of a problem: where it is, and a line and column to fill."""

    line: int
    col: int

    @property
    def file(self) -> str: ...

    @property
    def loc(self) -> Loc: ...

    @property
    def code(self) -> str: ...


class _Composer(RecordLoader):
    """The record loader's parser, with no implicit tags to resolve: positions are all that
    locating needs, and resolving every scalar's type was most of the time composing took."""

    yaml_implicit_resolvers: dict[Any, Any] = {}


def compose(text: str) -> Node | None:
    """The node tree of a document (used only to locate problems and lines, never for data)."""
    try:
        _check_depth(text)
        return yaml.compose(text, Loader=_Composer)
    except (yaml.YAMLError, YamlProblem, RecursionError, UnicodeEncodeError):
        return None


def locate(root: Node | None, loc: Loc) -> tuple[int, int]:
    """Line and column (1-based) of the deepest node on ``loc`` that exists.

    A missing key points at the mapping that should hold it; an unknown key points at the
    key itself, which is where a person has to look.
    """
    node = root
    if node is None:
        return (0, 0)
    best = node
    key_mark = None
    for part in loc:
        key_mark = None
        if isinstance(node, MappingNode):
            nxt = None
            for k, v in node.value:
                if isinstance(k, ScalarNode) and k.value == str(part):
                    nxt, key_mark = v, k
                    break
            if nxt is None:
                break
            node = nxt
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            break
        best = node
    mark = best.start_mark
    if key_mark is not None and isinstance(best, (MappingNode, SequenceNode)) and best.start_mark.line != key_mark.start_mark.line:
        # block collections start on the next line; the key's line reads better
        mark = key_mark.start_mark
    return (mark.line + 1, mark.column + 1)


def locate_key(root: Node | None, loc: Loc) -> tuple[int, int]:
    """Like :func:`locate`, but for ``loc`` ending in a key: the position of that key."""
    if root is None or not loc:
        return locate(root, loc)
    parent: Node | None = root
    for part in loc[:-1]:
        if isinstance(parent, MappingNode):
            parent = next((v for k, v in parent.value if isinstance(k, ScalarNode) and k.value == str(part)), None)
        elif isinstance(parent, SequenceNode) and isinstance(part, int) and 0 <= part < len(parent.value):
            parent = parent.value[part]
        else:
            parent = None
        if parent is None:
            return locate(root, loc)
    if isinstance(parent, MappingNode):
        for k, _ in parent.value:
            if isinstance(k, ScalarNode) and k.value == str(loc[-1]):
                return (k.start_mark.line + 1, k.start_mark.column + 1)
    return locate(root, loc)


def fill_lines(problems: Sequence[Locatable], texts: dict[str, str]) -> None:
    """Give every problem without a line the line of its ``loc``, composing each file once."""
    trees: dict[str, Node | None] = {}
    for p in problems:
        if p.line or p.file not in texts:
            continue
        if p.file not in trees:
            trees[p.file] = compose(texts[p.file])
        finder = locate_key if str(p.code) == "unknown-key" else locate
        p.line, p.col = finder(trees[p.file], p.loc)
