"""Reading record files: safe, fast, and refusing what could hurt.

Reading is the hot path (``cspkit validate`` in pre-commit hooks and CI), so a file is parsed
once with libyaml's C loader into plain Python data (:mod:`cspkit.yaml._construct` builds it
faster than PyYAML's constructor). Locating a problem is :mod:`cspkit.yaml.locate`'s job.

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

from cspkit.fileio import FileRefused, read_file, read_walked
from cspkit.locate import RECORDS_DIR_RE
from cspkit.yaml import _construct

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

    def __init__(self, message: str, line: int = 0, col: int = 0, code: str = "yaml", syntax: bool = False):
        super().__init__(message)
        self.message, self.line, self.col, self.code = message, line, col, code
        #: a syntax error the reader can resume after (not an alias, tag or duplicate key)
        self.syntax = syntax


class RecordLoader(_BaseLoader):
    """Safe loader with YAML 1.2 core scalars, duplicate-key and alias checks."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        if node in self.constructed_objects or node in self.recursive_objects:
            # The same node reached twice can only be an alias (*name).
            raise ConstructorError(
                None, None, "anchors and aliases (&name / *name) are not allowed in records",
                node.start_mark,
            )
        return super().construct_object(node, deep=deep)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
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

    # libyaml asks the resolver for every node's tag (half a million times for a county's
    # records). PyYAML's resolver builds a list per scalar and keeps a stack for path
    # resolvers, which a record loader has none of: this finds the same tags from a table made
    # once (:data:`_IMPLICIT`), and leaves anything else to PyYAML's own code.
    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if self.yaml_path_resolvers or self.yaml_implicit_resolvers is not _IMPLICIT[0]:
            return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in _IMPLICIT[1].get(value[:1], _IMPLICIT[2]):
                    if regexp.match(value):
                        return tag
            return self.DEFAULT_SCALAR_TAG
        if kind is SequenceNode:
            return self.DEFAULT_SEQUENCE_TAG
        if kind is MappingNode:
            return self.DEFAULT_MAPPING_TAG
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        if self.yaml_path_resolvers:
            super().descend_resolver(current_node, current_index)

    def ascend_resolver(self) -> None:
        if self.yaml_path_resolvers:
            super().ascend_resolver()

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            # 2023-02-30: left as the text it is, so the file still reads and the field that
            # holds it says what is wrong (with the file's other problems, in the same run)
            return node.value


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


def _implicit_table(resolvers: dict[Any, list[tuple[str, re.Pattern[str]]]]) -> tuple[Any, ...]:
    """(the resolvers it was made from, first character -> the resolvers to try in order, the
    resolvers for any other first character): PyYAML tries a scalar's first character's
    resolvers, then the wildcard (``None``) ones; an empty scalar's are under ``''``."""
    wildcard = tuple(resolvers.get(None, []))
    table = {first: (*found, *wildcard) for first, found in resolvers.items() if first is not None}
    return resolvers, table, wildcard


_IMPLICIT = _implicit_table(RecordLoader.yaml_implicit_resolvers)


#: A line git leaves in a file when a merge stopped on a conflict.
_CONFLICT = re.compile(r"^(<{7}|={7}|>{7}|\|{7})(?: .*)?$")

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
        colon = _text_ending_in_colon(lines, line, problem)
        if colon:
            line, col = colon, len(lines[colon - 1].rstrip())
            text = (f"this line ends with ':', so YAML reads its text as a key ({problem} on a later line): "
                    "put the text in quotes, or end it without a colon")
        else:
            text += next((f" ({hint})" for key, hint in _HINTS if key in problem), "")
    constructed = isinstance(exc, ConstructorError)
    return YamlProblem(text if constructed else f"YAML syntax: {text}", line, col, "yaml", syntax=not constructed)


def _text_ending_in_colon(lines: list[str], line: int, problem: str) -> int | None:
    """The line (1-based) above an error that is running text ending in ':' ("- The police
    said:"), which YAML reads as a key whose value should follow: the real cause."""
    if "could not find expected ':'" not in problem and "mapping values are not allowed" not in problem:
        return None
    for i in range(min(line, len(lines)) - 1, max(line - 6, 0) - 1, -1):
        stripped = lines[i].strip()
        if not stripped or stripped.startswith("#"):
            continue
        body = stripped[2:] if stripped.startswith("- ") else stripped
        if body.endswith(":") and " " in body[:-1].strip() and not body.startswith(("'", '"')):
            return i + 1
    return None


def read_bytes(path: Path, inside: Path, walked: bool = False) -> bytes:
    """A record file's bytes, by the one rule for reading files (:func:`cspkit.fileio.read_file`):
    inside the repository ``inside``, a regular file, at most :data:`MAX_FILE_BYTES`.
    ``walked``: found by a walk of the records folder that saw no link on its way
    (:func:`cspkit.fileio.read_walked`: its path is not resolved again)."""
    try:
        if walked:
            return read_walked(path, limit=MAX_FILE_BYTES)
        return read_file(path, limit=MAX_FILE_BYTES, inside=inside)
    except FileNotFoundError:
        raise YamlProblem("file not found", code="io") from None
    except FileRefused as exc:
        if exc.code == "size":
            raise YamlProblem(f"{exc.reason} for a record", code="io") from None
        if exc.reason.startswith("is a folder"):
            raise YamlProblem("is a folder, expected a YAML file", code="io") from None
        raise YamlProblem(exc.reason, code="io") from None


def read_text(path: Path, inside: Path) -> str:
    """Read a record file as UTF-8 text, refusing what cannot be a record."""
    return decode(read_bytes(path, inside))


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
                    raise YamlProblem(too_deep, mark.line + 1 if mark else 0, mark.column + 1 if mark else 0, "yaml")
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        # libyaml 0.2.6 (PyYAML >= 6.0.4) has a depth limit of its own: same refusal, same words
        mark = getattr(exc, "problem_mark", None)
        if mark is not None and "nesting depth" in str(getattr(exc, "problem", "")):
            raise YamlProblem(too_deep, mark.line + 1, mark.column + 1, "yaml") from None
        return  # a syntax error: parsing proper reports it, with its location


#: Characters YAML does not allow in a document (its printable set, YAML 1.2 §5.1). libyaml
#: lets a few through (U+FFFE in a block scalar) that every other YAML reader refuses, so a
#: record holding one would validate here and break the next tool (or write) that reads it.
_NOT_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")


def _check_characters(text: str) -> None:
    bad = _NOT_PRINTABLE.search(text)
    if bad is None:
        return
    before = text[: bad.start()]
    line = before.count("\n") + 1
    col = bad.start() - (before.rfind("\n") + 1) + 1
    raise YamlProblem(f"YAML syntax: the character U+{ord(bad.group()):04X} is not allowed in YAML text: remove it "
                      "(it often comes with text pasted from another program)", line, col, "yaml")


def conflict_markers(text: str) -> list[YamlProblem]:
    """Each line of git's merge-conflict markers, as a problem at that line."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _CONFLICT.match(line)
        if match:
            out.append(YamlProblem("unresolved merge conflict: keep the lines you want between the markers and "
                                   f"delete the marker lines ({match.group(1)} …)", number, 1, "conflict"))
    return out


def parse_reporting_all(text: str, limit: int = 50) -> tuple[Any, list[YamlProblem]]:
    """Parse ``text``; if it does not parse, every syntax error that can be found in one run.

    After an error the entry it is in (the line's key or list item, with everything indented
    under it) is set aside and parsing resumes at its next sibling, so that errors deep inside
    a long file are all reported together. Merge-conflict markers are reported as such. The
    data is None when there was any error.
    """
    try:
        return parse(text), []
    except YamlProblem as exc:
        first = exc
    markers = conflict_markers(text)
    if markers:
        return None, markers
    problems = [first]
    if not first.syntax:
        return None, problems
    lines = text.split("\n")
    seen = {first.line}
    for _ in range(limit):
        if not _set_aside(lines, problems[-1].line):
            break
        try:
            parse("\n".join(lines))
            break
        except YamlProblem as exc:
            if not exc.syntax or not exc.line or exc.line in seen:
                break
            seen.add(exc.line)
            problems.append(exc)
    return None, sorted(problems, key=lambda p: (p.line, p.col))


def _set_aside(lines: list[str], line: int) -> bool:
    """Blank the entry that holds ``line`` (1-based), keeping line numbers; False if it cannot."""
    i = line - 1
    if not 0 <= i < len(lines) or not lines[i].strip():
        return False
    indent = len(lines[i]) - len(lines[i].lstrip(" "))
    end = i + 1
    while end < len(lines):
        nxt = lines[end]
        if nxt.strip() and not nxt.lstrip(" ").startswith("#") and len(nxt) - len(nxt.lstrip(" ")) <= indent:
            break
        end += 1
    for j in range(i, end):
        lines[j] = ""
    return True


def parse(text: str) -> Any:
    """Parse one YAML document into plain data; raise :class:`YamlProblem` with a location."""
    try:
        _check_characters(text)
        _check_depth(text)
        return _construct.load(text, RecordLoader)  # yaml.load(text, Loader=RecordLoader), faster
    except yaml.YAMLError as exc:
        raise _mark_problem(exc, text) from None
    except RecursionError:
        raise YamlProblem("the document is nested too deeply", code="yaml") from None
    except UnicodeEncodeError as exc:  # a lone surrogate, e.g. from undecodable bytes in an argument
        raise YamlProblem(f"text that is not valid Unicode (at character {exc.start + 1})", code="encoding") from None


def isoformat(value: Any) -> str:
    """How a scalar read from YAML looked, for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return repr(value) if isinstance(value, str) else str(value)


def records_dir_of(config: bytes | Path | None) -> str:
    """The records folder ``cspkit.yaml`` names (``records`` unless it names a valid one).

    ``config`` is the file's bytes or its path. Loading checks the value properly and reports
    it; this is for what must know the folder before (the cache, fmt, reading a git revision).
    """
    try:
        data = config if isinstance(config, bytes) or config is None else read_bytes(config, config.parent)
        value = parse(decode(data)).get("records_dir") if data is not None else None
    except (YamlProblem, AttributeError):
        return "records"
    return value if isinstance(value, str) and re.match(RECORDS_DIR_RE, value) else "records"
