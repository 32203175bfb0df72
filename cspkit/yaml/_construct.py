"""Building plain data from libyaml's node tree, faster than PyYAML's constructor.

``yaml.load`` spends about as long in PyYAML's Python constructor (generators, per-node
bookkeeping for recursive structures) as libyaml spends composing the node tree in C. A
record is text, numbers, dates, lists and mappings, so :func:`load` composes the tree with
the given loader (same resolver, same syntax errors) and builds the data with one small
recursive function.

It gives exactly what ``yaml.load(text, Loader=loader_class)`` gives, or nothing: anything
the full constructor handles differently or reports as an error — an alias, a duplicate key,
a merge key, a non-scalar key, a tag other than str/null/bool/int/float/timestamp/map/seq,
a scalar its constructor refuses — makes it hand the text to ``yaml.load``, which then says
exactly what it always said. Scalars other than strings and nulls go through the loader's
own registered constructors, so its rules for them apply unchanged.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
#: Scalars built by the loader's own constructor for the tag.
_SCALARS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("bool", "int", "float", "timestamp"))


class _Fallback(Exception):
    """Leave this document to the full constructor."""


def _same_as_safe(loader_class: type) -> bool:
    """Whether the loader builds strings, nulls, mappings and lists the way SafeConstructor does.

    Only then is the fast path equivalent; a loader that changes any of them always goes the
    full way.
    """
    c: dict[str, Any] = getattr(loader_class, "yaml_constructors", {})
    return (c.get(_STR) is SafeConstructor.construct_yaml_str
            and c.get(_NULL) is SafeConstructor.construct_yaml_null
            and c.get(_MAP) is SafeConstructor.construct_yaml_map
            and c.get(_SEQ) is SafeConstructor.construct_yaml_seq)


_CHECKED: dict[type, bool] = {}


def load(text: str, loader_class: type) -> Any:
    """``yaml.load(text, Loader=loader_class)``, usually without PyYAML's constructor."""
    fast = _CHECKED.get(loader_class)
    if fast is None:
        fast = _CHECKED[loader_class] = _same_as_safe(loader_class)
    if fast:
        loader = loader_class(text)
        try:
            node = loader.get_single_node()  # syntax errors are raised here, as yaml.load raises them
            if node is None:
                return None
            # Without a '*' in the text there is no alias, so no node can be reached twice.
            return _build(loader, node, "*" in text)
        except _Fallback:
            pass
        finally:
            loader.dispose()
    return yaml.load(text, Loader=loader_class)  # noqa: S506 - the loaders given are safe loaders


def _build(loader: Any, root: Any, track: bool) -> Any:
    constructors = loader.yaml_constructors
    seen: set[int] = set()

    def build(node: Any) -> Any:
        if track:
            if id(node) in seen:
                raise _Fallback  # an alias: the full constructor refuses it with its message
            seen.add(id(node))
        cls = node.__class__
        tag = node.tag
        if cls is ScalarNode:
            if tag == _STR:
                return node.value
            if tag == _NULL:
                return None
            if tag in _SCALARS:
                return constructors[tag](loader, node)
            raise _Fallback
        if cls is MappingNode:
            if tag != _MAP:
                raise _Fallback
            out: dict[Any, Any] = {}
            others: set[tuple[str, str]] | None = None
            for key_node, value_node in node.value:
                if key_node.__class__ is not ScalarNode:
                    raise _Fallback
                if key_node.tag == _STR:
                    if track:
                        if id(key_node) in seen:
                            raise _Fallback
                        seen.add(id(key_node))
                    key = key_node.value
                    # Only a str-tagged key builds a str, so a str already here is a duplicate.
                    if key in out:
                        raise _Fallback
                else:
                    pair = (key_node.tag, key_node.value)
                    if others is None:
                        others = set()
                    if pair in others or (key_node.tag not in _SCALARS and key_node.tag != _NULL):
                        raise _Fallback  # a duplicate, or a merge key, value key or other tag
                    others.add(pair)
                    key = build(key_node)
                # A string value, the commonest node, is built in place.
                if value_node.__class__ is ScalarNode and value_node.tag == _STR and not track:
                    out[key] = value_node.value
                else:
                    out[key] = build(value_node)
            return out
        if cls is SequenceNode:
            if tag != _SEQ:
                raise _Fallback
            if track:
                return [build(item) for item in node.value]
            return [item.value if item.__class__ is ScalarNode and item.tag == _STR else build(item)
                    for item in node.value]
        raise _Fallback

    try:
        return build(root)
    except _Fallback:
        raise
    except Exception:
        raise _Fallback from None
