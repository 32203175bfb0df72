"""``cspkit fmt``: one canonical layout for every record file, so that diffs show changes only.

The layout:

* keys in the order the model declares its fields, all the way down (nested records and
  lists of records follow their own models); keys the model does not know keep their
  place after the known ones (``cspkit validate`` reports them);
* block style everywhere (``leads: [chair]`` becomes a list under the key), two-space
  indents, list items flush with their key, no line wrapping;
* strings plain where that reads back as the same string, in single quotes where it would
  not — also under YAML 1.1 rules, so ``'10:00'`` (a sexagesimal number to a YAML 1.1
  reader), ``'no'`` and ``'2023-07-13'`` as a string stay quoted; text with line breaks as a
  literal block (``|``);
* first line ``# yaml-language-server: $schema=...`` pointing at the repository's
  ``schemas/<kind>.schema.json``; exactly one newline at the end.

Comments are kept and move with what they are about: a full-line comment belongs to the
next line of content (a key or a list item), an end-of-line comment to the key or item on
its line. Comments before the first key stay at the top, those after the last at the end.
Runs of blank lines become one. The result is checked to read back as the same data, so
fmt can never change what a record says.
"""

from __future__ import annotations

import bisect
import collections.abc
import functools
import os
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from yaml.nodes import MappingNode, SequenceNode

from cspkit.errors import CspkitError
from cspkit.yaml import read as yamlio
from cspkit.yaml._ruamel import WrittenFloat, dump
from cspkit.yaml.locate import compose

#: A place in a document: keys and list indexes.
Path_ = tuple[Any, ...]

# --------------------------------------------------------------------------- shapes


@dataclass(frozen=True)
class _ListOf:
    item: Any


@dataclass(frozen=True)
class _DictOf:
    value: Any


@dataclass(frozen=True)
class _Choice:
    options: tuple[Any, ...]


def _shape(tp: Any) -> Any:
    """What a field holds, as far as layout cares: a model, a list/dict of shapes, or None."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _shape(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        options = tuple(s for s in (_shape(a) for a in typing.get_args(tp) if a is not type(None)) if s is not None)
        if not options:
            return None
        return options[0] if len(options) == 1 else _Choice(options)
    if origin in (list, tuple, set, frozenset, collections.abc.Sequence):
        args = typing.get_args(tp)
        return _ListOf(_shape(args[0]) if args else None)
    if origin in (dict, collections.abc.Mapping):
        args = typing.get_args(tp)
        return _DictOf(_shape(args[1]) if len(args) == 2 else None)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp
    return None


@functools.cache
def _fields(model: type[BaseModel]) -> tuple[tuple[str, Any], ...]:
    """The model's field names in declaration order, with the shape of each."""
    return tuple((name, _shape(info.annotation)) for name, info in model.model_fields.items())


def _pick(shape: Any, node: Any) -> Any:
    """Resolve a union of shapes against the node actually found in the file."""
    if not isinstance(shape, _Choice):
        return shape
    if isinstance(node, list):
        return next((s for s in shape.options if isinstance(s, _ListOf)), None)
    if isinstance(node, dict):
        models = [s for s in shape.options if isinstance(s, type) and issubclass(s, BaseModel)]
        if models:
            return max(models, key=lambda m: sum(1 for k in node if k in m.model_fields))
        return next((s for s in shape.options if isinstance(s, _DictOf)), None)
    return None


# --------------------------------------------------------------------------- scalars

_STR_TAG = "tag:yaml.org,2002:str"


def _implicit_tag(text: str, resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]]) -> str:
    for tag, regexp in resolvers.get(text[:1], []) + resolvers.get(None, []):
        if regexp.match(text):
            return str(tag)
    return _STR_TAG


def needs_quotes(text: str) -> bool:
    """Would a plain ``text`` be read back as something other than this string?

    Checked against YAML 1.2 (how cspkit and most editors read) and YAML 1.1 (PyYAML's
    default, many other tools): ``10:00`` is a string to one and the number 600 to the other.
    """
    return (_implicit_tag(text, yaml.resolver.Resolver.yaml_implicit_resolvers) != _STR_TAG
            or _implicit_tag(text, yamlio.RecordLoader.yaml_implicit_resolvers) != _STR_TAG)


class _FmtLoader(yamlio.RecordLoader):
    """The record loader, keeping the written form of decimal numbers."""

    def construct_yaml_float(self, node: Any) -> Any:
        value = super().construct_yaml_float(node)
        text = node.value.strip()
        return WrittenFloat(value, text) if re.fullmatch(r"[-+]?[0-9]+\.[0-9]+", text) else value


_FmtLoader.add_constructor("tag:yaml.org,2002:float", _FmtLoader.construct_yaml_float)


def load_keeping_decimals(text: str) -> Any:
    """The data of ``text`` as the record loader reads it, decimals keeping their written form."""
    return yaml.load(text, Loader=_FmtLoader)  # noqa: S506 - a SafeLoader (see cspkit.yaml.read)


_load = load_keeping_decimals


def render(data: Any, model: type[BaseModel] | None = None, modeline: str | None = None) -> str:
    """``data`` laid out canonically (no comments: there are none in data), after ``modeline``."""
    body = dump(_rebuild(data, model))
    return (modeline + "\n" if modeline else "") + body


#: Characters only a double-quoted scalar can hold (escaped).
_DOUBLE_ONLY = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")

#: Characters a literal block cannot hold as they are (other line breaks, controls).
_NOT_LITERAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


def _scalar(value: Any) -> Any:
    """A scalar as it is written canonically (values come from the record loader)."""
    from ruamel.yaml.scalarstring import (
        DoubleQuotedScalarString,
        LiteralScalarString,
        SingleQuotedScalarString,
    )

    if isinstance(value, str):
        if _DOUBLE_ONLY.search(value):
            # Line and paragraph separators, NEL, controls, a BOM: only double quotes can hold
            # them (escaped), anywhere in a value; written any other way they would read back
            # as line breaks, or not at all.
            return DoubleQuotedScalarString(value)
        if "\n" in value:
            # Text with line breaks reads best as a literal block; the emitter falls back to
            # quotes when it cannot be one (trailing spaces on a line, say), and so do we for
            # what a block would read back differently or libyaml refuses (a line of only
            # spaces, a line starting with a tab).
            awkward = any((line and not line.strip()) or line.startswith("\t") for line in value.split("\n"))
            if _NOT_LITERAL.search(value) or awkward:
                return DoubleQuotedScalarString(value)
            return LiteralScalarString(value)
        return SingleQuotedScalarString(value) if needs_quotes(value) else value
    return value  # numbers, booleans, dates and null are written the one way ruamel writes them


def _key(key: Any) -> Any:
    return _scalar(key) if isinstance(key, str) else key


def _rebuild(node: Any, shape: Any) -> Any:
    """A fresh copy of ``node`` in canonical form: ordered keys, block style, no comments."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    shape = _pick(shape, node)
    if isinstance(node, dict):
        out = CommentedMap()
        out.fa.set_block_style()
        if isinstance(shape, type):
            known = _fields(shape)
            for name, sub in known:
                if name in node:
                    out[_key(name)] = _rebuild(node[name], sub)
            names = {name for name, _ in known}
            for key, value in node.items():
                if key not in names:
                    out[_key(key)] = _rebuild(value, None)
        else:
            sub = shape.value if isinstance(shape, _DictOf) else None
            for key, value in node.items():
                out[_key(key)] = _rebuild(value, sub)
        return out
    if isinstance(node, list):
        out_seq = CommentedSeq()
        out_seq.fa.set_block_style()
        sub = shape.item if isinstance(shape, _ListOf) else None
        out_seq.extend(_rebuild(item, sub) for item in node)
        return out_seq
    return _scalar(node)


# --------------------------------------------------------------------------- comments


@dataclass
class _Comment:
    line: int
    """0-based line in the text it was read from."""
    text: str
    """From the ``#`` to the end of the line, or "" for a blank line."""
    eol: bool
    """After content on the same line (rather than a line of its own)."""


_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _lines(text: str) -> list[str]:
    """Lines as YAML counts them (the line numbers in its marks)."""
    lines = _BREAK.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def _comments(text: str, lines: list[str]) -> list[_Comment]:
    """Every comment and blank line of ``text`` that is not inside a scalar.

    PyYAML's scanner gives every token's span and skips comments, so a ``#`` outside all
    spans starts a comment; a line with nothing but spaces outside all spans is blank.
    """
    covered: dict[int, list[tuple[int, int]]] = {}

    def cover(line: int, start: int, end: int) -> None:
        if end > start:
            covered.setdefault(line, []).append((start, end))

    for tok in yaml.scan(text, Loader=yamlio.RecordLoader):
        s, e = tok.start_mark, tok.end_mark
        if (s.line, s.column) == (e.line, e.column):
            continue
        if isinstance(tok, yaml.ScalarToken) and tok.style in ("|", ">"):
            head = re.match(r"[|>][-+0-9]*", lines[s.line][s.column:])
            cover(s.line, s.column, s.column + (len(head.group(0)) if head else 1))
            last = e.line - 1 if e.column == 0 else e.line
            if "+" not in (head.group(0) if head else ""):
                # blank lines after the text belong to the layout, not the scalar
                while last > s.line and not lines[last].strip():
                    last -= 1
            for ln in range(s.line + 1, last + 1):
                cover(ln, 0, len(lines[ln]) + 1)
            continue
        if s.line == e.line:
            cover(s.line, s.column, e.column)
        else:
            cover(s.line, s.column, len(lines[s.line]) + 1)
            for ln in range(s.line + 1, e.line):
                cover(ln, 0, len(lines[ln]) + 1)
            cover(e.line, 0, e.column)

    found: list[_Comment] = []
    for i, line in enumerate(lines):
        spans = covered.get(i, [])
        if not spans and not line.strip():
            found.append(_Comment(i, "", False))
            continue
        for m in re.finditer("#", line):
            p = m.start()
            if not any(a <= p < b for a, b in spans):
                found.append(_Comment(i, line[p:].rstrip(), bool(line[:p].strip())))
                break
    return found


def _anchors(text: str) -> list[tuple[int, int, int, Path_]]:
    """(line, column, depth, path) of every key and list item of ``text``, in document order."""
    out: list[tuple[int, int, int, Path_]] = []

    def walk(node: Any, path: Path_) -> None:
        if isinstance(node, MappingNode):
            for key, value in node.value:
                sub = path + (getattr(key, "value", None),)
                out.append((key.start_mark.line, key.start_mark.column, len(path), sub))
                walk(value, sub)
        elif isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                out.append((item.start_mark.line, item.start_mark.column, len(path), path + (i,)))
                walk(item, path + (i,))

    walk(compose(text), ())
    out.sort(key=lambda a: (a[0], a[1], a[2]))
    return out


@dataclass
class _Placed:
    header: list[_Comment] = field(default_factory=list)
    before: dict[Path_, list[_Comment]] = field(default_factory=dict)
    eol: dict[Path_, list[_Comment]] = field(default_factory=dict)
    trailer: list[_Comment] = field(default_factory=list)


def _place(comments: list[_Comment], anchors: list[tuple[int, int, int, Path_]]) -> _Placed:
    placed = _Placed()
    lines = [a[0] for a in anchors]
    first = lines[0] if lines else None
    for c in comments:
        idx = bisect.bisect_right(lines, c.line)
        if first is None or (c.line < first) or (c.eol and idx == 0):
            placed.header.append(c)
        elif c.eol:
            placed.eol.setdefault(anchors[idx - 1][3], []).append(c)
        elif idx < len(anchors):
            placed.before.setdefault(anchors[idx][3], []).append(c)
        else:
            placed.trailer.append(c)
    return placed


# --------------------------------------------------------------------------- formatting


class FormatError(CspkitError):
    """A file that cannot be formatted; carries a located problem."""

    def __init__(self, line: int, col: int, message: str, code: str = "yaml"):
        super().__init__(message)
        self.line, self.col, self.message, self.code = line, col, message, code


def _blank_runs(lines: list[str]) -> list[str]:
    """Runs of blank lines become one."""
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return out


def format_text(text: str, model: type[BaseModel] | None = None, modeline: str | None = None) -> str:
    """The canonical form of one record document.

    ``model`` orders the keys (None keeps the order found); ``modeline`` is the
    ``# yaml-language-server`` first line (None leaves any such line out).
    Raises :class:`FormatError` (with a line and column) when the text is not YAML or not
    a mapping of keys.
    """
    text = text.lstrip("\ufeff")
    try:
        data = yamlio.parse(text)
    except yamlio.YamlProblem as exc:
        raise FormatError(exc.line, exc.col, exc.message, exc.code) from None
    if data is None:
        raise FormatError(1, 1, "the file is empty (expected a mapping of keys)", "empty")
    if not isinstance(data, dict):
        raise FormatError(1, 1, "expected a mapping of keys at the top of the file", "type")
    comments = [c for c in _comments(text, _lines(text)) if not (c.text and _is_modeline(c.text))]
    body = dump(_rebuild(_load(text), model))
    result = _assemble(body, comments, text, modeline, keep_blank=True)
    if yamlio.parse(result) != data:
        # A blank line after a keep-chomped block (|+) would become part of its text.
        result = _assemble(body, comments, text, modeline, keep_blank=False)
        if yamlio.parse(result) != data:  # pragma: no cover - a bug in the formatter, never data loss
            raise CspkitError("cspkit fmt would change what this file says; it was left as it is "
                              "(please report this as a bug)")
    return result


def _is_modeline(text: str) -> bool:
    return is_modeline(text)


def _assemble(body: str, comments: list[_Comment], source: str, modeline: str | None, keep_blank: bool) -> str:
    if not keep_blank:
        comments = [c for c in comments if c.text]
    out_lines = _lines(body)
    placed = _place(comments, _anchors(source)) if comments else _Placed()
    before_at: dict[int, list[_Comment]] = {}
    eol_at: dict[int, list[_Comment]] = {}
    if placed.before or placed.eol:
        where = {a[3]: a[0] for a in _anchors(body)}
        for path, cs in placed.before.items():
            before_at.setdefault(where[path], []).extend(cs)
        for path, cs in placed.eol.items():
            eol_at.setdefault(where[path], []).extend(cs)
    result: list[str] = [modeline] if modeline else []
    header = _blank_runs([c.text for c in placed.header])
    while header and header[0] == "":
        header.pop(0)
    result += header
    for i, line in enumerate(out_lines):
        group = sorted(before_at.get(i, []), key=lambda c: c.line)
        if group:
            indent = line[: len(line) - len(line.lstrip(" "))]
            texts = [indent + c.text if c.text else "" for c in group]
            for t in texts:
                if t == "" and (not result or result[-1] == "" or result == [modeline]):
                    continue
                result.append(t)
        eols = sorted(eol_at.get(i, []), key=lambda c: c.line)
        if eols:
            line = f"{line}  {' '.join(c.text for c in eols)}"
        result.append(line)
    trailer = _blank_runs([c.text for c in placed.trailer])
    if trailer and trailer[0] == "" and result and result[-1] == "":
        trailer.pop(0)
    result += trailer
    while result and result[-1] == "":
        result.pop()
    return "\n".join(result) + "\n"


# --------------------------------------------------------------------------- schema modelines

#: Folder under the repository root that holds ``<kind>.schema.json`` files.
SCHEMAS_DIR = "schemas"
MODELINE_PREFIX = "# yaml-language-server:"


def schemas_dir(root: Path, schema_file: str) -> Path:
    """Where ``schema_file`` is for the repository at ``root``.

    ``<root>/schemas/``; for a repository without one (an example kept inside another
    repository), the nearest ``schemas/`` above it that has the schema, up to the top of
    the git work tree.
    """
    root = Path(os.path.abspath(root))
    chain = [root, *root.parents]
    top = next((i for i, folder in enumerate(chain) if (folder / ".git").exists()), None)
    for folder in chain[: top + 1] if top is not None else chain[:1]:
        if (folder / SCHEMAS_DIR / schema_file).is_file():
            return folder / SCHEMAS_DIR
    return root / SCHEMAS_DIR


def schema_path(path: Path, root: Path, schema_file: str) -> str:
    """The schema file relative to the folder of ``path`` (posix separators).

    ``records/meetings/2023-10-12.yaml`` -> ``../../schemas/meeting.schema.json``.
    """
    target = schemas_dir(root, schema_file) / schema_file
    folder = Path(os.path.abspath(path)).parent
    return Path(os.path.relpath(target, folder)).as_posix()


def schema_comment(path: Path, root: Path, schema_file: str) -> str:
    """The first line a record file carries: ``# yaml-language-server: $schema=...``."""
    return f"{MODELINE_PREFIX} $schema={schema_path(path, root, schema_file)}"


def is_modeline(line: str) -> bool:
    return line.lstrip().startswith(MODELINE_PREFIX)


def canonical(text: str, path: Path, root: Path, model: type[BaseModel] | None, schema_file: str | None) -> str:
    """The canonical text of the record file ``path`` in the repository ``root``."""
    return format_text(text, model, schema_comment(path, root, schema_file) if schema_file else None)
