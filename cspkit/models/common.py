"""Types shared by every record kind: ids, dates, times, months, and the record base."""

from __future__ import annotations

import datetime as dt
import os
from enum import Enum
from functools import cache
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    WithJsonSchema,
)

from cspkit.dates import ISO_DATE, in_range
from cspkit.models.refs import LEAD, ORGANISATION, PERSON
from cspkit.usercache import read_json, write_json

#: A yes/no field: only true or false (YAML 1.2), never "yes", "on" or 1.
Flag = Annotated[bool, Strict()]

#: A slug usable as a file name and in URLs: lower-case letters, digits, hyphens.
SLUG_RE = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"

Slug = Annotated[
    str,
    StringConstraints(pattern=SLUG_RE),
    Field(description="An id: lower-case letters, digits and hyphens (safe as a file name)."),
]
PersonId = Annotated[Slug, Field(description="A person's id from records/people.yaml."), PERSON]
OrgId = Annotated[Slug, Field(description="An organisation's id from records/organisations.yaml."), ORGANISATION]
#: Who leads an agenda item: a person's id, or a role word (chair, vice-chair, clerk).
Lead = Annotated[str, LEAD]

#: What a venue says when it is not yet known ("Venue: to be confirmed" on the notice).
VENUE_TBC = "to be confirmed"


def _number_to_str(value: Any) -> Any:
    # Item numbers are labels ("5", "8a"); a bare 5 in YAML is fine, 5.0 or true is not.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


ITEM_NUMBER = r"(0|[1-9][0-9]{0,2})[a-z]?"  # no leading zero: "03" and 3 would be two items
ITEM_NUMBER_RE = f"^{ITEM_NUMBER}$"
ItemNumber = Annotated[
    str,
    BeforeValidator(_number_to_str, json_schema_input_type=int | str),
    StringConstraints(pattern=ITEM_NUMBER_RE),
    # The exported schema must accept what validation accepts: a bare 5 as well as "8a".
    WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0, "maximum": 999},
                              {"type": "string", "pattern": ITEM_NUMBER_RE}]}),
    Field(description='An agenda item number such as 5 or "8a".'),
]

def _time_not_number(value: Any) -> Any:
    # Pydantic reads a number as seconds since midnight UTC: start: 10.30 would become 00:00:10.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(f"not a time: write times in quotes as 'HH:MM', e.g. '10:30' "
                         f"(YAML read this as the number {value})")
    return value


#: A time of day written "HH:MM" (quoted in YAML); a bare number is refused, not misread.
Time = Annotated[dt.time, BeforeValidator(_time_not_number)]

def _iso_date(value: Any) -> Any:
    # Pydantic reads 1689206400 as seconds since 1970 (a date in 2023), "20231012" and a date
    # with a time as dates too: each a typo that would become a wrong date without a word.
    if isinstance(value, dt.datetime):
        raise ValueError(f"{value.isoformat(sep=' ')} is a date and a time: write the date alone, YYYY-MM-DD")
    if isinstance(value, str) and not ISO_DATE.fullmatch(value):
        raise ValueError(f"not a date: write YYYY-MM-DD (got '{value}')")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(f"not a date: write YYYY-MM-DD (YAML read this as the number {value})")
    return value  # a date; YYYY-MM-DD text (pydantic says if it is not a real date); a list …


#: A date, written YYYY-MM-DD and nothing else, in the years records are kept for (see
#: :mod:`cspkit.dates`).
Date = Annotated[dt.date, BeforeValidator(_iso_date), AfterValidator(in_range)]

MeetingRef = Annotated[Date, Field(description="A meeting, by its date (YYYY-MM-DD).")]


#: A figure (a performance value, a target): a real number, never NaN or infinity (YAML has
#: ``.nan`` and ``.inf``, and reads ``1e400`` as infinity; a pack would print "nan").
Number = Annotated[float, Field(allow_inf_nan=False)]

MONTH_RE = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
Month = Annotated[
    str,
    StringConstraints(pattern=MONTH_RE),
    Field(description="A month as YYYY-MM, for example 2024-01."),
]

#: Text that may use Markdown (emphasis, lists, links); raw HTML is shown as text.
Markdown = Annotated[str, Field(description="Text; Markdown is allowed, raw HTML is not rendered.")]

FINANCIAL_YEAR_RE = r"^[0-9]{4}-[0-9]{2}$"
FinancialYear = Annotated[
    str,
    StringConstraints(pattern=FINANCIAL_YEAR_RE),
    Field(description="A financial year (April to March) as YYYY-YY, for example 2023-24."),
]


def empty_list() -> Any:
    """A field's default of ``[]``, made new for each record: pydantic deep-copies a ``[]``
    default for every record that leaves the field out (a county's records leave out tens of
    thousands), where a factory costs a call. The schema still shows the default."""
    return Field(default_factory=list, json_schema_extra={"default": []})


def empty_dict() -> Any:
    """A field's default of ``{}``, made new for each record (see :func:`empty_list`)."""
    return Field(default_factory=dict, json_schema_extra={"default": {}})


class Record(BaseModel):
    """Base of every record model: unknown keys are errors, not silence.

    A field's docstring is its description (in the JSON Schemas and in messages), as pydantic's
    ``use_attribute_docstrings`` makes it; but read here from each module's source once, not
    from each class's source by walking frames: that took a third of the time importing the
    models takes, on every command. Validators are built on first use (``defer_build``),
    once the descriptions are in place.
    """

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=False,
        validate_default=False,
        frozen=False,
        defer_build=True,
    )

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        docs = _attribute_docstrings(cls)
        for name, info in cls.__pydantic_fields__.items():
            if info.description is None and name in docs:
                info.description = docs[name]


def _attribute_docstrings(cls: type) -> dict[str, str]:
    """``{field: docstring}`` of a class: a string right after an annotated attribute."""
    import sys

    module = sys.modules.get(cls.__module__)
    found = _module_docstrings(getattr(module, "__file__", None) or "")
    same_name = [docs for (name, _), docs in found.items() if name == cls.__name__]
    if len(same_name) == 1:
        return same_name[0]
    from pydantic._internal._docs_extraction import extract_docstrings_from_cls  # two classes of one name

    return extract_docstrings_from_cls(cls, use_inspect=True)


#: The field descriptions of every models module, as kept in the user's cache folder: reading
#: them from each module's source (parsing it) took a fifth of the time importing the models takes.
_KEPT_DOCSTRINGS = "model-docstrings.json"


@cache
def _kept_docstrings() -> dict[str, Any]:
    kept = read_json(_KEPT_DOCSTRINGS)
    return kept if isinstance(kept, dict) else {}


@cache
def _module_docstrings(filename: str) -> dict[tuple[str, int], dict[str, str]]:
    """``{(class, line): {field: docstring}}`` of a module, by its source; kept in the user's
    cache folder under the file's name, size and modification time."""
    try:
        st = os.stat(filename)
    except OSError:
        return {}
    stamp = [st.st_size, st.st_mtime_ns]
    kept = _kept_docstrings().get(filename)
    if isinstance(kept, dict) and kept.get("stamp") == stamp and isinstance(kept.get("classes"), list):
        try:
            return {(name, line): dict(docs) for name, line, docs in kept["classes"]}
        except (TypeError, ValueError):
            pass
    found = _read_docstrings(filename)
    if found:
        everything = _kept_docstrings()
        everything[filename] = {"stamp": stamp, "classes": [[name, line, docs] for (name, line), docs in found.items()]}
        write_json(_KEPT_DOCSTRINGS, everything)
    return found


def _read_docstrings(filename: str) -> dict[tuple[str, int], dict[str, str]]:
    import ast
    import inspect
    from pathlib import Path

    try:
        tree = ast.parse(Path(filename).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return {}
    out: dict[tuple[str, int], dict[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            docs: dict[str, str] = {}
            previous: ast.stmt | None = None
            for stmt in node.body:
                if (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
                        and isinstance(stmt.value.value, str) and isinstance(previous, ast.AnnAssign)
                        and isinstance(previous.target, ast.Name)):
                    docs[previous.target.id] = inspect.cleandoc(stmt.value.value)
                previous = stmt
            out[(node.name, node.lineno)] = docs
    return out


class StrEnum(str, Enum):
    """An enum whose values are the words written in the YAML."""

    def __str__(self) -> str:
        return str(self.value)


class Mode(StrEnum):
    in_person = "in-person"
    online = "online"
    hybrid = "hybrid"


def financial_year_of(day: dt.date) -> str:
    """``2023-10-12`` -> ``2023-24`` (the UK financial year runs April to March)."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"
