"""Where records refer to people and organisations, read from the models themselves.

A field that holds a person's id is typed :data:`cspkit.models.common.PersonId`, whose
``Annotated`` metadata carries a :class:`Ref` marker (``Ref("person")``); organisations and
agenda leads likewise. :func:`references` walks a record's *plain data* (as read from YAML,
valid or not) alongside its model and yields every such value with its field path. One walk
serves the commands that rename or merge a person in every record, and the checks that
report a misspelt id in a file whose other fields are still wrong.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

#: A field path inside a record: keys and list indexes (as :data:`cspkit.errors.Loc`).
Loc = tuple[Any, ...]


class Ref:
    """Metadata marking a field as a reference: ``Annotated[str, ..., Ref("person")]``."""

    __slots__ = ("kind",)

    def __init__(self, kind: str):
        #: person, organisation, or lead (a person's id or a role word such as chair)
        self.kind = kind

    def __repr__(self) -> str:
        return f"Ref({self.kind!r})"


PERSON = Ref("person")
ORGANISATION = Ref("organisation")
LEAD = Ref("lead")


def references(model: type[BaseModel], data: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str, Any]]:
    """``(field path, kind, value)`` for every reference in ``data`` read as ``model``.

    ``data`` is plain (dicts, lists, scalars) and need not be valid: what is not where the
    model expects it is skipped, so a file with a wrong field still has its references found.
    """
    if not isinstance(data, dict):
        return
    for name, info in model.model_fields.items():
        if name not in data:
            continue
        ref = _ref_in(info.metadata)
        if ref is not None:
            yield (*loc, name), ref.kind, data[name]
        else:
            yield from _walk(info.annotation, data[name], (*loc, name))


def _ref_in(metadata: Any) -> Ref | None:
    return next((m for m in metadata if isinstance(m, Ref)), None)


def _walk(tp: Any, value: Any, loc: Loc) -> Iterator[tuple[Loc, str, Any]]:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(tp)
        ref = _ref_in(meta)
        if ref is not None:
            if not isinstance(value, (dict, list)):
                yield loc, ref.kind, value
            return
        yield from _walk(base, value, loc)
    elif origin in (typing.Union, types.UnionType):
        seen: set[Loc] = set()
        for arg in typing.get_args(tp):
            for found in _walk(arg, value, loc):
                if found[0] not in seen:
                    seen.add(found[0])
                    yield found
    elif origin in (list, tuple, set):
        args = typing.get_args(tp)
        if args and isinstance(value, list):
            for i, item in enumerate(value):
                yield from _walk(args[0], item, (*loc, i))
    elif origin is dict:
        args = typing.get_args(tp)
        if len(args) == 2 and isinstance(value, dict):
            for key, item in value.items():
                yield from _walk(args[1], item, (*loc, key))
    elif isinstance(tp, type) and issubclass(tp, BaseModel):
        yield from references(tp, value, loc)


def get_at(data: Any, loc: Loc) -> Any:
    """The value at ``loc`` in plain data."""
    for part in loc:
        data = data[part]
    return data


def set_at(data: Any, loc: Loc, value: Any) -> None:
    """Set the value at ``loc`` in plain data."""
    get_at(data, loc[:-1])[loc[-1]] = value
