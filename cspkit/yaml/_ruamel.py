"""The one ruamel.yaml set-up every write goes through.

ruamel.yaml (imported on first use: it is slow to import) keeps comments, key order and
quoting through an edit. The settings are the project's canonical layout: two-space
indents, sequences flush with their key, no line wrapping, null written as an empty value,
decimal numbers as they were written ("69.70" stays "69.70"), never anchors or aliases.
"""

from __future__ import annotations

import io
from typing import Any


class WrittenFloat(float):
    """A number with a decimal point, remembering how it was written ("69.70" stays "69.70")."""

    text: str

    def __new__(cls, value: float, text: str) -> WrittenFloat:
        obj = super().__new__(cls, value)
        obj.text = text
        return obj

    def __reduce__(self) -> tuple[Any, ...]:  # copies (an edit works on a copy of the data) keep the text
        return (WrittenFloat, (float(self), self.text))


_representer: list[Any] = []


def _representer_class() -> Any:
    if not _representer:
        from ruamel.yaml.representer import RoundTripRepresenter

        class Representer(RoundTripRepresenter):
            # Records refuse anchors and aliases; never emit them, even for a value written twice.
            def ignore_aliases(self, data: Any) -> bool:
                return True

        Representer.add_representer(
            type(None), lambda rep, _v: rep.represent_scalar("tag:yaml.org,2002:null", ""))
        Representer.add_representer(
            WrittenFloat, lambda rep, v: rep.represent_scalar("tag:yaml.org,2002:float", v.text))
        _representer.append(Representer)
    return _representer[0]


def instance() -> Any:
    """A configured ruamel.yaml round-trip instance."""
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.Representer = _representer_class()
    y.indent(mapping=2, sequence=2, offset=0)
    y.width = 1_000_000  # never wrap: a changed word must not re-flow a paragraph in the diff
    y.preserve_quotes = True
    y.allow_duplicate_keys = False
    return y


def load(text: str) -> Any:
    """The round-trip document of ``text`` (comments and layout kept)."""
    return instance().load(text)


def dump(data: Any) -> str:
    buf = io.StringIO()
    instance().dump(data, buf)
    return buf.getvalue()
