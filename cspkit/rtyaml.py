"""Round-trip YAML for writing records: comments, key order and quoting survive an edit.

Reading for validation uses PyYAML's C loader (:mod:`cspkit.yamlio`); anything that
*writes* a record goes through here. ruamel.yaml keeps comments and layout, and the
settings below are the project's canonical layout: two-space indents, sequences flush
with their key, no line wrapping.
"""

from __future__ import annotations

import io
from typing import Any


def yaml_rt():
    """A configured ruamel.yaml round-trip instance (imported lazily: it is slow to import)."""
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.indent(mapping=2, sequence=2, offset=0)
    y.width = 1_000_000  # never wrap: a changed word must not re-flow a paragraph in the diff
    y.preserve_quotes = True
    y.allow_duplicate_keys = False
    # Records refuse anchors and aliases; never emit them, even for a value written twice.
    y.representer.ignore_aliases = lambda data: True
    return y


def load_rt(text: str) -> Any:
    return yaml_rt().load(text)


def dump_rt(data: Any) -> str:
    buf = io.StringIO()
    yaml_rt().dump(data, buf)
    return buf.getvalue()
