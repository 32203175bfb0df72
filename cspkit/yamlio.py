"""Reading record files: safe, fast, and able to say where in the file a value is.

Reading is the hot path (``cspkit validate`` in pre-commit hooks and CI), so a file is parsed
once with libyaml's C loader into plain Python data. Only when a file has a problem is it
composed again into a node tree, to turn a field path such as
``('attendance', 'present', 3, 'person')`` into a line and column.

The loader resolves plain scalars the YAML 1.2 way, which is what people expect: ``no``,
``on`` and ``off`` stay strings, ``10:30`` stays a string (YAML 1.1 reads it as the number
630), ``010`` stays a string rather than octal 8. Duplicate keys, which PyYAML silently
accepts, are an error; so are anchors and aliases (records never need them, and refusing
them makes "billion laughs" documents harmless), and so are custom tags.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:  # libyaml's C parser when the wheel has it (it nearly always does)
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - pure Python fallback
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

from cspkit import fastyaml
from cspkit.errors import Problem

#: Files larger than this are refused before parsing: no record is anywhere near it.
MAX_FILE_BYTES = 2 * 1024 * 1024

#: Documents nested deeper than this are refused before composing: records need a dozen
#: levels, and libyaml's composer recurses in C, so ``[[[[…`` tens of thousands deep would
#: overflow the stack and kill the process instead of being reported.
MAX_DEPTH = 1000

_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_MERGE = "tag:yaml.org,2002:merge"


class YamlProblem(Exception):
    """A file that cannot be read as YAML; carries a located :class:`Problem`-to-be."""

    def __init__(self, message: str, line: int = 0, col: int = 0, code: str = "yaml"):
        super().__init__(message)
        self.message, self.line, self.col, self.code = message, line, col, code


class RecordLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe loader with YAML 1.2 core scalars, duplicate-key and alias checks."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            # The same node reached twice can only be an alias (*name).
            raise ConstructorError(
                None, None, "anchors and aliases (&name / *name) are not allowed in records",
                node.start_mark,
            )
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: Node, deep: bool = False) -> dict:
        if isinstance(node, MappingNode):
            seen: dict[tuple[str, str], Node] = {}
            for key_node, _ in node.value:
                if isinstance(key_node, ScalarNode):
                    k = (key_node.tag, key_node.value)
                    if k in seen:
                        first = seen[k].start_mark.line + 1
                        raise ConstructorError(
                            None, None,
                            f"duplicate key '{key_node.value}' (first given on line {first})",
                            key_node.start_mark,
                        )
                    seen[k] = key_node
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: Node) -> Any:  # type: ignore[override]
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise ConstructorError(
                None, None, f"'{node.value}' is not a real date ({exc})", node.start_mark
            ) from None


RecordLoader.add_constructor("tag:yaml.org,2002:timestamp", RecordLoader.construct_yaml_timestamp)


def _refuse_tag(loader: RecordLoader, node: Node) -> Any:
    # YAML 1.1's extra types: bytes from base64, sets, ordered pairs. A record is text,
    # numbers, dates, lists and mappings; anything else would be silently coerced.
    raise ConstructorError(None, None, f"the tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed "
                           "in records", node.start_mark)


for _tag in ("binary", "set", "omap", "pairs"):
    RecordLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)

# Start from SafeLoader's implicit resolvers, drop YAML 1.1's bool/int/float/merge rules and
# put back the YAML 1.2 core schema's narrower ones.
RecordLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _INT, _FLOAT, _MERGE)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
RecordLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
RecordLoader.add_implicit_resolver(
    _INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
RecordLoader.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^(?:[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.[0-9]+(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


#: Where libyaml's wording leaves a person guessing, what to look at.
_HINTS = (
    ("mapping values are not allowed", "put text that contains ': ' in quotes, or check the indentation"),
    ("did not find expected key", "check the indentation of this line and the one above"),
    ("did not find expected '-' indicator", "check the indentation of this line and the one above"),
)
#: Constructs that run on until closed: the place they were opened is where to look.
_OPENED = (("quoted scalar", "a quoted text"), ("flow sequence", "a '[' list"), ("flow mapping", "a '{' mapping"))


def _reader_problem(exc: yaml.reader.ReaderError, text_in: str) -> YamlProblem:
    """A character YAML does not allow (NUL, BEL, U+FFFE …), located and on one line."""
    data = text_in.encode("utf-8", "surrogateescape")
    pos = exc.position if isinstance(exc.position, int) and 0 <= exc.position <= len(data) else 0
    before = data[:pos].decode("utf-8", "replace")  # libyaml reports a byte offset
    line = before.count("\n") + 1
    col = len(before) - (before.rfind("\n") + 1) + 1
    char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    return YamlProblem(f"YAML syntax: the character U+{char:04X} is not allowed in YAML text: remove it "
                       "(it often comes with text pasted from another program)", line, col, "yaml")


def _mark_problem(exc: yaml.YAMLError, text_in: str = "") -> YamlProblem:
    if isinstance(exc, yaml.reader.ReaderError):
        return _reader_problem(exc, text_in)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    text = problem
    if context and "constructor" not in str(context) and context not in problem:
        text = f"{context}: {problem}" if not problem.startswith(context) else problem
    text = text.replace("could not determine a constructor for the tag", "custom tags are not allowed:")
    line = mark.line + 1 if mark else 0
    col = mark.column + 1 if mark else 0
    lines = text_in.splitlines()
    bad_line = lines[line - 1] if 0 < line <= len(lines) else ""
    indent = bad_line[: len(bad_line) - len(bad_line.lstrip(" \t"))]
    opened = next((what for key, what in _OPENED if context and key in context), None)
    if isinstance(exc, ConstructorError):
        pass  # the document parsed: duplicate keys, aliases, tags, dates say exactly what is wrong
    elif "found character '\\t'" in text or "\t" in indent:
        text = "a tab character here: indent YAML with spaces, not tabs"
        col = indent.index("\t") + 1 if "\t" in indent else col
    elif opened and context_mark and mark and context_mark.line != mark.line:
        text = f"{opened} opened here is not closed ({problem} on line {line})"
        line, col = context_mark.line + 1, context_mark.column + 1
    else:
        text += next((f" ({hint})" for key, hint in _HINTS if key in problem), "")
    return YamlProblem(f"YAML syntax: {text}" if not isinstance(exc, ConstructorError) else text,
                       line, col, "yaml")


def read_text(path: Path) -> str:
    """Read a record file as UTF-8 text, refusing what cannot be a record."""
    try:
        if path.is_dir():
            raise YamlProblem("is a folder, expected a YAML file", code="io")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise YamlProblem(
                f"file is {size // 1024} KiB, over the {MAX_FILE_BYTES // 1024} KiB limit for a record",
                code="io",
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise YamlProblem("file not found", code="io") from None
    except PermissionError:
        raise YamlProblem("cannot read file (permission denied)", code="io") from None
    except OSError as exc:
        raise YamlProblem(f"cannot read file ({exc.strerror})", code="io") from None
    return decode(data)


def decode(data: bytes) -> str:
    """A record file's bytes as text (UTF-8, a byte-order mark dropped), or a located problem."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a byte-order mark from Windows editors is harmless
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        col = len(data[line_start: exc.start].decode("utf-8")) + 1  # valid UTF-8 up to the bad byte
        raise YamlProblem(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8", line, col, "encoding"
        ) from None


def _check_depth(text: str) -> None:
    """Refuse a document nested deeper than :data:`MAX_DEPTH` before anything recurses into it.

    Nesting without indentation needs ``[``, ``{``, ``- `` or ``? `` at every level; counting
    them is nearly free and bounds the depth, so ordinary files skip the exact check (a walk
    over libyaml's events, which is flat and stops at the first level too deep).
    """
    bound = text.count("[") + text.count("{") + text.count("- ") + text.count("? ") + text.count("-\t")
    if bound <= MAX_DEPTH:
        return
    depth = 0
    too_deep = f"the document is nested more than {MAX_DEPTH} levels deep: no record needs that"
    try:
        for event in yaml.parse(text, Loader=RecordLoader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    raise YamlProblem(too_deep, mark.line + 1, mark.column + 1, "yaml")
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        # libyaml 0.2.6 (PyYAML >= 6.0.4) has a depth limit of its own: same refusal, same words
        mark = getattr(exc, "problem_mark", None)
        if mark is not None and "nesting depth" in str(getattr(exc, "problem", "")):
            raise YamlProblem(too_deep, mark.line + 1, mark.column + 1, "yaml") from None
        return  # a syntax error: parsing proper reports it, with its location


def parse(text: str) -> Any:
    """Parse one YAML document into plain data; raise :class:`YamlProblem` with a location."""
    try:
        _check_depth(text)
        return fastyaml.load(text, RecordLoader)  # yaml.load(text, Loader=RecordLoader), faster
    except yaml.YAMLError as exc:
        raise _mark_problem(exc, text) from None
    except RecursionError:
        raise YamlProblem("the document is nested too deeply", code="yaml") from None
    except UnicodeEncodeError as exc:  # a lone surrogate, e.g. from undecodable bytes in an argument
        raise YamlProblem(f"text that is not valid Unicode (at character {exc.start + 1})", code="encoding") from None


def compose(text: str) -> Node | None:
    """The node tree of a document (used only to locate problems)."""
    try:
        _check_depth(text)
        return yaml.compose(text, Loader=RecordLoader)
    except (yaml.YAMLError, YamlProblem, RecursionError, UnicodeEncodeError):
        return None


def locate(root: Node | None, loc: tuple) -> tuple[int, int]:
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


def locate_key(root: Node | None, loc: tuple) -> tuple[int, int]:
    """Like :func:`locate`, but for ``loc`` ending in a key: the position of that key."""
    if root is None or not loc:
        return locate(root, loc)
    parent = root
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


def fill_lines(problems: list[Problem], texts: dict[str, str]) -> None:
    """Give every problem without a line the line of its ``loc``, composing each file once."""
    trees: dict[str, Node | None] = {}
    for p in problems:
        if p.line or p.file not in texts:
            continue
        if p.file not in trees:
            trees[p.file] = compose(texts[p.file])
        finder = locate_key if p.code == "extra_forbidden" else locate
        p.line, p.col = finder(trees[p.file], p.loc)


def isoformat(value: Any) -> str:
    """How a scalar read from YAML looked, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return repr(value) if isinstance(value, str) else str(value)
