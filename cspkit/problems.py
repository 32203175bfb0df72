"""Pydantic's validation errors as problems a person can act on.

One problem per field, located by its field path, worded for the person editing the file:
"unknown key 'venu' (did you mean 'venue'?)", "not a time: write times in quotes as 'HH:MM'".
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from cspkit.errors import Loc, Problem, ProblemCode
from cspkit.locate import RECORDS_DIR_RE
from cspkit.lookup import did_you_mean
from cspkit.models.action import ACTION_ID_HINT, ACTION_ID_RE
from cspkit.models.common import FINANCIAL_YEAR_RE, ITEM_NUMBER_RE, SLUG_RE
from cspkit.yaml.read import isoformat

if TYPE_CHECKING:
    from cspkit.repo import Source


def _strip_union_tags(data: Any, loc: Loc) -> Loc:
    """Drop the union-member names pydantic puts in ``loc`` (they are not keys in the file)."""
    out: list[Any] = []
    node = data
    for part in loc:
        if (isinstance(node, dict) and part in node) or (isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)):
            node = node[part]
            out.append(part)
        elif isinstance(node, dict) and isinstance(part, str) and not _looks_like_tag(part):
            out.append(part)  # a missing or unknown key: keep it, it is what we report
            node = None
        else:
            continue
    return tuple(out)


def _looks_like_tag(part: str) -> bool:
    return "[" in part or part in {"str", "int", "float", "bool", "date", "datetime", "time", "constrained-str",
                                   "list", "dict", "none", "enum"} or part.startswith("function-")


def field_info_at(model: type, loc: Loc) -> tuple[type | None, str | None]:
    """The model class that owns the last key of ``loc`` and that field's description."""
    current: Any = model
    owner: type | None = None
    desc: str | None = None
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
            continue
        if isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            owner = current
            info = current.model_fields[part]
            desc = info.description or _annotated_description(info.annotation)
            current = info.annotation
        else:
            return (current if isinstance(current, type) and issubclass(current, BaseModel) else owner), None
    return owner, desc


def _annotated_description(tp: Any) -> str | None:
    """The description of an ``Annotated[..., Field(description=...)]`` inside ``Optional[...]``."""
    for _ in range(5):
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            for meta in typing.get_args(tp)[1:]:
                description = getattr(meta, "description", None)
                if isinstance(description, str) and description:
                    return description
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return None
            tp = args[0]
        else:
            return None
    return None


def _unwrap(tp: Any) -> Any:
    """Optional[X] / Annotated[X, ...] -> X; list[X] stays list[X]."""
    for _ in range(5):
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            tp = models[0] if models else args[0] if len(args) == 1 else tp
            if len(args) > 1 and not models:
                return tp
        else:
            return tp
    return tp


def _owner_at(model: type, loc: Loc) -> type[BaseModel] | None:
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = current.model_fields[part].annotation
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def pydantic_problems(src: Source, exc: ValidationError) -> list[Problem]:
    """Turn a ValidationError into one problem per field, with a message a person can act on."""
    by_loc: dict[Loc, list[ErrorDetails]] = {}
    for err in exc.errors(include_url=False):
        loc = _strip_union_tags(src.data, tuple(err["loc"]))
        by_loc.setdefault(loc, []).append(err)
    problems: list[Problem] = []
    for loc, errs in by_loc.items():
        err = errs[0]
        etype = err["type"]
        value = err.get("input")
        if etype == "extra_forbidden":
            owner = _owner_at(src.kind.model, loc[:-1])
            names = list(owner.model_fields) if owner else []
            hint = did_you_mean(str(loc[-1]), names)
            allowed = f" (allowed here: {', '.join(names)})" if names and not hint else ""
            msg = f"unknown key '{_visible(str(loc[-1]))}'{hint}{allowed}"
            problems.append(Problem(src.rel, message=msg, loc=loc, code=ProblemCode.unknown_key))
            continue
        if etype == "invalid_key":  # a key YAML read as a number, boolean or date
            loc = loc[:-1] + (str(value),)
            msg = f"unknown key {isoformat(value)}: keys are words such as 'name' (YAML read this one as a " \
                  f"{yaml_type(value)})"
            problems.append(Problem(src.rel, message=msg, loc=loc, code=ProblemCode.unknown_key))
            continue
        if etype == "missing":
            what = f"required key '{loc[-1]}' is missing" if loc else "a required key is missing"
            problems.append(Problem(src.rel, message=what, loc=loc[:-1], code=ProblemCode.missing_key))
            continue
        if len(errs) > 1:
            _, desc = field_info_at(src.kind.model, loc)
            expected = desc or "; or ".join(dict.fromkeys(_clean_msg(e) for e in errs))
            msg = f"{expected.rstrip('.')}. Got {isoformat(value)}."
        else:
            msg = _clean_msg(err)
            shown = etype not in ("value_error", "assertion_error", *_NOT_A_DATE) or "is not a real date" not in msg
            if shown and etype not in ("value_error", "assertion_error") and not isinstance(value, (dict, list)):
                msg += f" (got {isoformat(value)})"
            msg += _type_hint(etype, value)
        problems.append(Problem(src.rel, message=msg, loc=loc, code=ProblemCode.invalid_value))
    return problems


def _visible(text: str) -> str:
    """Text for a message with invisible characters spelled out (a non-breaking space pasted
    from a word processor looks like a space, and makes a key unknown)."""
    return "".join(ch if ch == " " or (ch.isprintable() and not ch.isspace()) else f"\\u{ord(ch):04x}"
                   for ch in text)


#: pydantic's errors for a date-shaped text that is not a real date (2023-02-30).
_NOT_A_DATE = {"date_from_datetime_parsing", "date_parsing", "datetime_from_date_parsing", "datetime_parsing"}


def _clean_msg(err: ErrorDetails) -> str:
    if err["type"] in _NOT_A_DATE and isinstance(err.get("input"), str):
        text = str(err["input"])
        if not re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", text):
            return "not a date: write YYYY-MM-DD"
        reason = str((err.get("ctx") or {}).get("error", "")).strip()
        return f"'{text}' is not a real date" + (f" ({reason})" if reason else "")
    msg = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    if err["type"] == "finite_number":
        msg = "a figure must be a finite number: .nan, .inf and numbers too large to hold are refused"
    if err["type"] == "string_pattern_mismatch":
        pattern = str((err.get("ctx") or {}).get("pattern", ""))
        if pattern == ITEM_NUMBER_RE:
            msg = "not an item number: write a number such as 5 (no leading zero), or a number and a letter such as 8a"
        elif pattern == FINANCIAL_YEAR_RE:
            msg = "not a financial year: write YYYY-YY, e.g. 2023-24"
        elif pattern == SLUG_RE:
            msg = "not a valid id: use lower-case letters, digits and hyphens (no spaces, '/', '..' or capitals)"
        elif "[0-9]{4}-(0[1-9]|1[0-2])" in pattern:
            msg = "not a month: write YYYY-MM"
        elif pattern == RECORDS_DIR_RE:
            msg = "not a folder of this repository: name one folder (letters, digits, '-', '_', '.'; " \
                  "not '..' and not starting with '.')"
        elif pattern == ACTION_ID_RE:
            msg = f"not an action id: {ACTION_ID_HINT}"
    return msg


def _type_hint(etype: str, value: Any) -> str:
    if etype == "bool_type":
        return "; write true or false"
    if etype in ("string_type",) and isinstance(value, bool):
        return "; YAML reads true and false as booleans: put the text in quotes"
    if etype in ("string_type",) and isinstance(value, (int, float)):
        return "; YAML read this as a number: put it in quotes"
    if etype.startswith("time") and isinstance(value, int):
        return "; write times as \"HH:MM\""
    return ""




def yaml_type(value: Any) -> str:
    """What YAML read a value as, in words."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, (dt.date, dt.datetime)):
        return "date"
    return type(value).__name__
