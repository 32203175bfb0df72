"""A partnership's repository on disk: finding it, reading every record, locating problems.

``load_repo`` reads ``cspkit.yaml`` and every record file, validates each against its model
and returns a :class:`Repo` together with the problems found, each with file, line, column
and field. Cross-record checks live in :mod:`cspkit.checks`.
"""

from __future__ import annotations

import datetime as dt
import os
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from cspkit import yamlio
from cspkit.errors import Problem, RecordError, display_path
from cspkit.locate import CONFIG_NAME, find_root  # noqa: F401 - find_root is part of this module's API
from cspkit.models import CONFIG_KIND, KINDS, Kind
from cspkit.models.action import Action, ActionFile
from cspkit.models.config import Config
from cspkit.models.meeting import Meeting, MeetingStatus
from cspkit.models.partner_update import PartnerUpdate
from cspkit.models.performance import PerformanceYear
from cspkit.models.programme import ForwardProgramme
from cspkit.models.psa import PSA
from cspkit.models.registry import Organisation, Person


@dataclass
class Source:
    """One record file as read: its text (for locating problems) and its model."""

    path: Path
    rel: str
    kind: Kind
    text: str = ""
    data: Any = None
    model: BaseModel | None = None


@dataclass
class Repo:
    """Every record of one partnership, validated, indexed by id."""

    root: Path
    config: Config | None = None
    people: dict[str, Person] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    meetings: dict[dt.date, Meeting] = field(default_factory=dict)
    action_files: dict[dt.date, ActionFile] = field(default_factory=dict)
    actions: dict[str, Action] = field(default_factory=dict)
    updates: dict[tuple[dt.date, str], PartnerUpdate] = field(default_factory=dict)
    psa: dict[int, PSA] = field(default_factory=dict)
    programme: ForwardProgramme | None = None
    performance: dict[str, PerformanceYear] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    #: id(model object) -> (file, loc) so cross-record checks can point into files
    origin: dict[int, tuple[str, tuple]] = field(default_factory=dict)

    @property
    def records_dir(self) -> Path:
        return self.root / (self.config.records_dir if self.config else "records")

    def source_of(self, record: BaseModel) -> Source | None:
        where = self.origin.get(id(record))
        return self.sources.get(where[0]) if where else None

    def where(self, record: Any, *loc: Any) -> tuple[str, tuple]:
        """File and field path of ``record`` (a model object loaded from a file) plus ``loc``."""
        file, base = self.origin.get(id(record), ("?", ()))
        return file, base + tuple(loc)

    def meeting_list(self) -> list[Meeting]:
        return [self.meetings[d] for d in sorted(self.meetings)]

    def previous_meeting(self, day: dt.date, held_only: bool = True) -> Meeting | None:
        earlier = [
            m for d, m in sorted(self.meetings.items())
            if d < day and (m.status == MeetingStatus.held or not held_only)
        ]
        return earlier[-1] if earlier else None

    def next_meeting_after(self, day: dt.date) -> Meeting | None:
        later = [m for d, m in sorted(self.meetings.items()) if d > day and m.status != MeetingStatus.cancelled]
        return later[0] if later else None

    def updates_for(self, day: dt.date) -> list[PartnerUpdate]:
        return [u for (d, _), u in sorted(self.updates.items()) if d == day]


# --------------------------------------------------------------------------- reading


def _record_files(records: Path, kind: Kind, resolve: typing.Callable[[Path], Path] = Path.resolve) -> list[Path]:
    return sorted((resolve(p) for p in records.glob(kind.pattern) if not p.name.startswith(".")), key=_path_order)


def _as_is(path: Path) -> Path:
    return path


#: Sorting key giving Path order (part by part), without Path's slow comparisons.
_path_order = (lambda p: p.parts) if os.name == "posix" else None


class _Resolver:
    """``Path.resolve`` for thousands of files in a few folders: each folder is resolved once."""

    def __init__(self) -> None:
        self._folders: dict[Path, Path] = {}

    def __call__(self, path: Path) -> Path:
        if path.name in ("", ".", "..") or os.path.islink(path):
            return path.resolve()
        parent = path.parent
        folder = self._folders.get(parent)
        if folder is None:
            folder = self._folders[parent] = parent.resolve()
        return path if folder == parent else folder / path.name


def _is_kind(path: Path, records: Path, kind: Kind) -> bool:
    try:
        inner = path.relative_to(records.resolve())
    except ValueError:
        return False
    return inner.match(kind.pattern) and len(inner.parts) == len(Path(kind.pattern).parts)


def kind_for(path: Path, root: Path, records_dir: str = "records") -> Kind | None:
    """Which record kind a file is, from where it sits in the repository."""
    try:
        rel = path.resolve().relative_to(root.resolve())
    except ValueError:
        return None
    if rel.as_posix() == CONFIG_NAME:
        return CONFIG_KIND
    parts = rel.parts
    if not parts or parts[0] != records_dir:
        return None
    inner = Path(*parts[1:])
    for kind in KINDS:
        if inner.match(kind.pattern) and len(inner.parts) == len(Path(kind.pattern).parts):
            return kind
    return None


def read_source(path: Path, root: Path, kind: Kind, problems: list[Problem],
                overrides: dict[Path, str] | None = None, rel: str | None = None, cache: Any = None) -> Source:
    """Read and parse one file; problems with reading or YAML syntax go to ``problems``.

    ``overrides`` maps resolved paths to text to use instead of the file on disk: how an
    edit is checked against the whole repository before anything is written. ``rel`` is the
    path as shown (default: :func:`display_path`); ``cache`` a :class:`cspkit.cache.Cache`
    that parses each distinct text once.
    """
    src = Source(path=path, rel=rel if rel is not None else display_path(path, root), kind=kind)
    try:
        override = overrides.get(path.resolve()) if overrides else None
        if override is not None:
            src.text = override
        else:
            src.text = cache.read_text(path) if cache is not None else yamlio.read_text(path)
        src.data = cache.parse(src.text) if cache is not None else yamlio.parse(src.text)
    except yamlio.YamlProblem as exc:
        problems.append(Problem(src.rel, exc.line, exc.col, exc.message, code=exc.code))
        src.data = None
        return src
    if src.data is None:
        problems.append(Problem(src.rel, 1, 1, f"the file is empty (expected: {kind.title})", code="empty"))
    elif not isinstance(src.data, dict):
        problems.append(
            Problem(src.rel, 1, 1, f"expected a mapping of keys ({kind.title}), "
                    f"found a {_yaml_type(src.data)}", code="type")
        )
        src.data = None
    return src


def validate_source(src: Source, problems: list[Problem]) -> BaseModel | None:
    """Validate parsed data against the kind's model; errors become located problems."""
    if src.data is None:
        return None
    try:
        src.model = src.kind.model.model_validate(src.data)
    except ValidationError as exc:
        problems.extend(pydantic_problems(src, exc))
        return None
    return src.model


def _yaml_type(value: Any) -> str:
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


# --------------------------------------------------------------------------- pydantic errors


def _strip_union_tags(data: Any, loc: tuple) -> tuple:
    """Drop the union-member names pydantic puts in ``loc`` (they are not keys in the file)."""
    out: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
            out.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
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


def field_info_at(model: type, loc: tuple) -> tuple[type | None, str | None]:
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
                if getattr(meta, "description", None):
                    return meta.description
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
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
        elif origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            tp = models[0] if models else args[0] if len(args) == 1 else tp
            if len(args) > 1 and not models:
                return tp
        else:
            return tp
    return tp


def _owner_at(model: type, loc: tuple) -> type | None:
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
    from cspkit.lookup import did_you_mean

    by_loc: dict[tuple, list[dict]] = {}
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
            problems.append(Problem(src.rel, message=msg, loc=loc, code="extra_forbidden"))
            continue
        if etype == "invalid_key":  # a key YAML read as a number, boolean or date
            loc = loc[:-1] + (str(value),)
            msg = f"unknown key {yamlio.isoformat(value)}: keys are words such as 'name' (YAML read this one as a " \
                  f"{_yaml_type(value)})"
            problems.append(Problem(src.rel, message=msg, loc=loc, code="extra_forbidden"))
            continue
        if etype == "missing":
            what = f"required key '{loc[-1]}' is missing" if loc else "a required key is missing"
            problems.append(Problem(src.rel, message=what, loc=loc[:-1], code="missing"))
            continue
        if len(errs) > 1:
            _, desc = field_info_at(src.kind.model, loc)
            expected = desc or "; or ".join(dict.fromkeys(_clean_msg(e) for e in errs))
            msg = f"{expected.rstrip('.')}. Got {yamlio.isoformat(value)}."
        else:
            msg = _clean_msg(err)
            if etype not in ("value_error", "assertion_error") and not isinstance(value, (dict, list)):
                msg += f" (got {yamlio.isoformat(value)})"
            msg += _type_hint(etype, value)
        problems.append(Problem(src.rel, message=msg, loc=loc, code=etype))
    return problems


def _visible(text: str) -> str:
    """Text for a message with invisible characters spelled out (a non-breaking space pasted
    from a word processor looks like a space, and makes a key unknown)."""
    return "".join(ch if ch == " " or (ch.isprintable() and not ch.isspace()) else f"\\u{ord(ch):04x}"
                   for ch in text)


def _clean_msg(err: dict) -> str:
    msg = err["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
    if err["type"] == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        from cspkit.models.action import ACTION_ID_HINT, ACTION_ID_RE
        from cspkit.models.common import FINANCIAL_YEAR_RE, ITEM_NUMBER_RE, SLUG_RE

        if pattern == ITEM_NUMBER_RE:
            msg = "not an item number: write a number such as 5 (no leading zero), or a number and a letter such as 8a"
        elif pattern == FINANCIAL_YEAR_RE:
            msg = "not a financial year: write YYYY-YY, e.g. 2023-24"
        elif pattern == SLUG_RE:
            msg = "not a valid id: use lower-case letters, digits and hyphens (no spaces, '/', '..' or capitals)"
        elif "[0-9]{4}-(0[1-9]|1[0-2])" in pattern:
            msg = "not a month: write YYYY-MM"
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


# --------------------------------------------------------------------------- loading a repo


def load_config(root: Path, problems: list[Problem], overrides: dict[Path, str] | None = None,
                cache: Any = None) -> tuple[Config | None, Source]:
    src = read_source(root / CONFIG_NAME, root, CONFIG_KIND, problems, overrides, cache=cache)
    model = validate_source(src, problems)
    return (model if isinstance(model, Config) else None), src


def load_repo(root: Path, overrides: dict[Path, str] | None = None,
              cache: Any = None, strays: bool = True) -> tuple[Repo, list[Problem]]:
    """Read and validate every record under ``root``; return the repo and all problems.

    Cross-record checks are run by :func:`cspkit.checks.check_repo` on the result.
    ``overrides`` (resolved path -> text) stands in for files, including ones not yet written.
    ``cache`` (a :class:`cspkit.cache.Cache`) skips parsing texts it has parsed before.
    ``strays=False`` skips looking for files that are not records (:func:`check_all` does, when
    a clean report for these very files says there are none).
    """
    from cspkit.gcpolicy import loading

    with loading():
        return _load_repo(root, overrides, cache, strays)


def _load_repo(root: Path, overrides: dict[Path, str] | None, cache: Any,
               strays: bool) -> tuple[Repo, list[Problem]]:
    problems: list[Problem] = []
    repo = Repo(root=root)
    overrides = {Path(p).resolve(): t for p, t in (overrides or {}).items()}
    repo.config, cfg_src = load_config(root, problems, overrides, cache)
    repo.sources[cfg_src.rel] = cfg_src
    if repo.config is not None:
        repo.origin[id(repo.config)] = (cfg_src.rel, ())
    records = repo.records_dir
    if not records.is_dir():
        where = ("records_dir",) if isinstance(cfg_src.data, dict) and "records_dir" in cfg_src.data else ()
        problems.append(Problem(cfg_src.rel, 0, 0, f"records folder {display_path(records, root)}/ does not exist",
                                loc=where, code="io"))
        return repo, problems
    resolved_root = root.resolve()
    resolved_records = records.resolve()
    snap = getattr(cache, "snap", None)
    if snap is not None and snap.records == resolved_records:
        resolve = _as_is  # the snapshot walked it all: no link under the records folder to resolve
    else:
        resolve = _Resolver()
    for kind in KINDS:
        paths = _record_files(resolved_records, kind, resolve)
        extra = {p for p in overrides if _is_kind(p, records, kind)} if overrides else None
        if extra:
            paths = sorted(extra.union(paths), key=_path_order)
        for path in paths:
            src = read_source(path, root, kind, problems, overrides, _shown(path, resolved_root), cache)
            repo.sources[src.rel] = src
            model = validate_source(src, problems)
            if model is not None:
                _index(repo, src, model)
    if strays:
        _check_stray_files(repo, resolved_records, problems, resolve)
    return repo, problems


def _index(repo: Repo, src: Source, model: BaseModel) -> None:
    """Put a validated record into the repo's indexes, remembering where each part came from."""
    rel = src.rel
    repo.origin[id(model)] = (rel, ())
    name = src.kind.name
    if name == "people":
        for i, p in enumerate(model.people):  # type: ignore[attr-defined]
            repo.origin[id(p)] = (rel, ("people", i))
            repo.people.setdefault(p.id, p)
    elif name == "organisations":
        for i, o in enumerate(model.organisations):  # type: ignore[attr-defined]
            repo.origin[id(o)] = (rel, ("organisations", i))
            repo.organisations.setdefault(o.id, o)
    elif name == "meeting":
        assert isinstance(model, Meeting)
        repo.meetings.setdefault(model.date, model)
        for i, item in enumerate(model.agenda):
            repo.origin[id(item)] = (rel, ("agenda", i))
        if model.minutes:
            for i, mi in enumerate(model.minutes.items):
                repo.origin[id(mi)] = (rel, ("minutes", "items", i))
    elif name == "actions":
        assert isinstance(model, ActionFile)
        repo.action_files.setdefault(model.meeting, model)
        for i, a in enumerate(model.actions):
            repo.origin[id(a)] = (rel, ("actions", i))
            repo.actions.setdefault(a.id, a)
    elif name == "partner-update":
        assert isinstance(model, PartnerUpdate)
        repo.updates.setdefault((model.meeting, model.organisation), model)
    elif name == "psa":
        assert isinstance(model, PSA)
        repo.psa.setdefault(model.year, model)
        for i, r in enumerate(model.recommendations):
            repo.origin[id(r)] = (rel, ("recommendations", i))
    elif name == "forward-programme":
        assert isinstance(model, ForwardProgramme)
        repo.programme = model
        for i, it in enumerate(model.items):
            repo.origin[id(it)] = (rel, ("items", i))
    elif name == "performance":
        assert isinstance(model, PerformanceYear)
        repo.performance.setdefault(model.year, model)


def _shown(resolved: Path, resolved_root: Path) -> str:
    """:func:`display_path` of a path already resolved, against a root already resolved."""
    try:
        return resolved.relative_to(resolved_root).as_posix()
    except ValueError:
        return str(resolved)


def _check_stray_files(repo: Repo, records: Path, problems: list[Problem],
                       resolve: typing.Callable[[Path], Path] = Path.resolve) -> None:
    """YAML files under records/ that are no record kind: a misplaced or misnamed file."""
    known = {s.path if s.kind is not CONFIG_KIND else resolve(s.path) for s in repo.sources.values()}
    # A path in ``known`` is resolved already; only the others need resolving to be sure.
    strays = [path for path in records.rglob("*")
              if path.suffix in (".yaml", ".yml") and path not in known and resolve(path) not in known]
    for path in sorted(strays, key=_path_order):
        if not any(part.startswith(".") for part in path.relative_to(records).parts):
            rel = display_path(path, repo.root)
            hint = " (use .yaml)" if path.suffix == ".yml" else ""
            problems.append(Problem(rel, 0, 0,
                                    f"not a place cspkit reads records from{hint}; see the layout in the README",
                                    code="stray"))


def finish(repo: Repo, problems: list[Problem]) -> list[Problem]:
    """Fill in line numbers, drop duplicates and sort problems by file and line."""
    texts = {rel: s.text for rel, s in repo.sources.items() if s.text}
    yamlio.fill_lines(problems, texts)
    unique: dict[tuple, Problem] = {}
    for p in problems:
        unique.setdefault((p.file, p.line, p.col, p.message), p)
    return sorted(unique.values(), key=lambda p: (p.file, p.line, p.col, p.message))


def check_all(root: Path, cache: Any = None) -> tuple[Repo, list[Problem]]:
    """Load and check the repository at ``root``: the repo and every problem, located and sorted.

    With a :class:`cspkit.cache.Cache`, files whose text was parsed before are not parsed
    again, and the report is kept. When the cache holds a report with no problems for exactly
    the files on disk now (same content, same names), the cross-record checks are not run:
    they are a function of those files and found nothing.
    """
    from cspkit.checks import check_repo

    if cache is not None and cache.snap is None:
        cache.snapshot()
    known = cache.report() if cache is not None else None
    trusted = known is not None and not known[0]  # a stray file would be in the report: there is none
    repo, problems = load_repo(root, cache=cache, strays=not trusted)
    if cache is not None:
        cache.save()
    if trusted:
        if known[1] == len(repo.sources) and not problems:
            return repo, []
        if repo.records_dir.is_dir():  # not the same files after all: check for strays too
            _check_stray_files(repo, repo.records_dir.resolve(), problems)
    problems = finish(repo, problems + check_repo(repo))
    if cache is not None:
        cache.save_report(repo.config.records_dir if repo.config is not None else "records",
                          [(p.file, p.line, p.col, p.message, p.loc, p.code) for p in problems], len(repo.sources))
    return repo, problems


def open_repo(root: Path | None = None, strict: bool = True) -> Repo:
    """Load and check a repository; with ``strict``, raise :class:`RecordError` on any problem.

    This is what every command that reads records calls first.
    """
    from cspkit.cache import Cache

    root = find_root(root)
    repo, problems = check_all(root, Cache.open(root))
    if strict and problems:
        raise RecordError(problems)
    return repo


def env_root() -> Path | None:
    value = os.environ.get("CSPKIT_REPO")
    return Path(value) if value else None
