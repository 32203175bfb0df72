"""Loading a partnership's repository: find every record file, read it, validate it, index it.

:func:`load_repo` reads ``cspkit.yaml`` and every record file under the records folder, validates
each against its kind's model (:mod:`cspkit.problems` turns pydantic's errors into located
problems) and returns the :class:`~cspkit.repo.Repo` with every problem found on the way.
Cross-record checks are :mod:`cspkit.checks`'; :mod:`cspkit.session` runs both, through the
parse cache.

Every file is read by the one rule (:func:`cspkit.fileio.read_file`): a record that is a link to
outside the repository, a pipe or a device is a located problem, never read.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from pydantic import BaseModel, ValidationError

from cspkit.cache import NULL_CACHE, NullCache, ParseCache
from cspkit.errors import Problem, ProblemCode, display_path
from cspkit.fileio import FileRefused, decode_text, probe_file, probe_walked, read_text, read_walked, real_path
from cspkit.gcpolicy import loading
from cspkit.locate import CONFIG_NAME, find_root  # noqa: F401 - find_root is re-exported
from cspkit.models import CONFIG_KIND, KINDS, Kind
from cspkit.models.config import Config
from cspkit.problems import pydantic_problems, yaml_type
from cspkit.repo import Repo, Source
from cspkit.yaml.locate import fill_lines
from cspkit.yaml.read import YamlProblem, parse_reporting_all

# --------------------------------------------------------------------------- finding files

#: Sorting key giving Path order (part by part), without Path's slow comparisons.
_path_order: Callable[[Path], Any] | None = (lambda p: p.parts) if os.name == "posix" else None


class _Resolver:
    """Resolves the folder part of thousands of paths in a few folders, each folder once.

    A file that is a symbolic link keeps its own name (it is not followed here): reading it
    follows it, by the rule that refuses a link out of the repository, and the problem is
    reported at the link's name.
    """

    def __init__(self) -> None:
        self._folders: dict[Path, Path] = {}

    def __call__(self, path: Path) -> Path:
        if path.name in ("", ".", ".."):
            return real_path(path)
        parent = path.parent
        folder = self._folders.get(parent)
        if folder is None:
            folder = self._folders[parent] = real_path(parent)
        return path if folder == parent else folder / path.name


def _as_is(path: Path) -> Path:
    return path


def _record_files(records: Path, kind: Kind[Any], resolve: Callable[[Path], Path]) -> list[Path]:
    return sorted((resolve(p) for p in records.glob(kind.pattern) if not p.name.startswith(".")), key=_path_order)


def _is_kind(path: Path, records: Path, kind: Kind[Any]) -> bool:
    try:
        inner = path.relative_to(real_path(records))
    except ValueError:
        return False
    return kind.matches(inner)


def kind_for(path: Path, root: Path, records_dir: str = "records") -> Kind[Any] | None:
    """Which record kind a file is, from where it sits in the repository."""
    try:
        rel = Path(os.path.abspath(path)).relative_to(Path(os.path.abspath(root)))
    except ValueError:
        try:
            rel = real_path(path).relative_to(real_path(root))
        except ValueError:
            return None
    if rel.as_posix() == CONFIG_NAME:
        return CONFIG_KIND
    parts = rel.parts
    records_parts = PurePosixPath(records_dir).parts
    if tuple(parts[: len(records_parts)]) != tuple(records_parts):
        return None
    inner = PurePosixPath(*parts[len(records_parts):])
    return next((kind for kind in KINDS if kind.matches(inner)), None)


# --------------------------------------------------------------------------- reading one file


def read_source(path: Path, root: Path, kind: Kind[Any], problems: list[Problem], cache: ParseCache = NULL_CACHE,
                rel: str | None = None, text: str | None = None) -> Source:
    """Read and parse one file; problems with reading or YAML syntax go to ``problems``.

    ``text`` stands in for the file on disk (how a change is checked before it is written);
    ``rel`` is the path as shown (default: :func:`display_path`).
    """
    src = Source(path=path, rel=rel if rel is not None else display_path(path, root), kind=kind)
    kept = cache.reuse(path) if text is None else None
    if kept is not None:  # the data of the very bytes on disk, the file left unread
        src.digest, src.data = kept
        src._text = None
    else:
        try:
            if text is not None:
                src.text = text
                src.digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
            else:
                src.text, src.digest = cache.read(path, root)
        except YamlProblem as exc:
            problems.append(_yaml_problem(src.rel, exc))
            return src
        try:
            src.data = cache.parse(src.text, src.digest)
        except YamlProblem:
            # every syntax error the file has, in one run (not just the first)
            _, found = parse_reporting_all(src.text)
            problems.extend(_yaml_problem(src.rel, exc) for exc in found)
            src.data = None
            return src
    if src.data is None:
        problems.append(Problem(src.rel, 1, 1, f"the file is empty (expected: {kind.title})", code=ProblemCode.empty))
    elif not isinstance(src.data, dict):
        problems.append(Problem(src.rel, 1, 1, f"expected a mapping of keys ({kind.title}), "
                                               f"found a {yaml_type(src.data)}", code=ProblemCode.not_a_mapping))
        src.data = None
    return src


#: A paper (a Markdown document a meeting's agenda names) larger than this is refused.
MAX_PAPER_BYTES = 4 * 1024 * 1024


def read_paper(repo: Repo, source: str) -> str:
    """The text of a document paper (``source`` is relative to the records folder), by the one
    reading rule: inside the repository, a regular file, at most :data:`MAX_PAPER_BYTES`, UTF-8.

    Raises :class:`~cspkit.fileio.FileRefused` (with the reason) or ``FileNotFoundError``.
    """
    _refuse_outside(source)
    walked = _walked(repo, source)
    if walked is not None:
        return decode_text(read_walked(walked, limit=MAX_PAPER_BYTES))
    return read_text(repo.records_dir / source, limit=MAX_PAPER_BYTES, inside=repo.root)


def _walked(repo: Repo, source: str) -> str | None:
    """The path of a paper as loading's walk of the records folder found it (no symbolic link
    on the way), or None: not found by that walk, so resolved when it is read."""
    if not repo.walked:
        return None
    path = os.path.join(repo.walked_in, source)
    return path if path in repo.walked else None


def check_paper(repo: Repo, source: str) -> None:
    """What reading a document paper would refuse, said without reading a PDF or Word file
    (a pack reads those; validate only looks): its place, its kind of file, its size against
    ``papers.max_size_mb`` in cspkit.yaml. A Markdown paper is read, for its encoding.

    Raises :class:`~cspkit.fileio.FileRefused` (with the reason) or ``FileNotFoundError``.
    """
    if PurePosixPath(source).suffix.lower() in (".md", ".markdown"):
        read_paper(repo, source)
        return
    _refuse_outside(source)
    limit = (repo.config.papers.max_size_mb if repo.config else 50) * 1024 * 1024
    walked = _walked(repo, source)
    try:
        if walked is not None:
            probe_walked(walked, limit=limit)
        else:
            probe_file(repo.records_dir / source, limit=limit, inside=repo.root)
    except FileRefused as exc:
        if exc.code == "size":
            exc.reason += " (papers.max_size_mb in cspkit.yaml)"
        raise


def _refuse_outside(source: str) -> None:
    if PurePosixPath(source).is_absolute() or ".." in PurePosixPath(source).parts or "\0" in source:
        raise FileRefused("a paper's source must be a path inside the records folder")


_YAML_CODES = {"io": ProblemCode.unreadable, "encoding": ProblemCode.encoding, "yaml": ProblemCode.yaml_syntax,
               "conflict": ProblemCode.merge_conflict}


def _yaml_problem(rel: str, exc: YamlProblem) -> Problem:
    return Problem(rel, exc.line, exc.col, exc.message, code=_YAML_CODES.get(exc.code, ProblemCode.yaml_syntax))


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


# --------------------------------------------------------------------------- loading a repo


def load_config(root: Path, problems: list[Problem], cache: ParseCache = NULL_CACHE,
                text: str | None = None) -> tuple[Config | None, Source]:
    src = read_source(root / CONFIG_NAME, root, CONFIG_KIND, problems, cache, text=text)
    model = validate_source(src, problems)
    return (model if isinstance(model, Config) else None), src


def load_repo(root: Path, cache: ParseCache = NULL_CACHE, overrides: dict[Path, str] | None = None,
              strays: bool = True) -> tuple[Repo, list[Problem]]:
    """Read and validate every record under ``root``; return the repo and all its file problems.

    ``cache`` skips parsing texts parsed before. ``overrides`` (path -> text) stands in for
    files, including ones not yet written. ``strays=False`` skips looking for files that are not
    records (the session does, when a clean report for these very files says there are none).
    """
    with loading():
        return _load_repo(root, cache, overrides, strays)


def _load_repo(root: Path, cache: ParseCache, overrides: dict[Path, str] | None,
               strays: bool) -> tuple[Repo, list[Problem]]:
    problems: list[Problem] = []
    repo = Repo(root=root)
    overrides = {real_path(Path(p)): t for p, t in (overrides or {}).items()}
    config, cfg_src = load_config(root, problems, cache, overrides.get(real_path(root / CONFIG_NAME)))
    repo.sources[cfg_src.rel] = cfg_src
    if config is not None:
        repo.index(cfg_src, config)
    records = repo.records_dir
    where = ("records_dir",) if isinstance(cfg_src.data, dict) and "records_dir" in cfg_src.data else ()
    if not records.is_dir():
        problems.append(Problem(cfg_src.rel, 0, 0, f"records folder {display_path(records, root)}/ does not exist",
                                loc=where, code=ProblemCode.unreadable))
        return repo, problems
    resolved_root = real_path(root)
    resolved_records = real_path(records)
    if not records_inside(repo):
        problems.append(Problem(cfg_src.rel, 0, 0, f"the records folder {records.relative_to(root).as_posix()}/ is "
                                                   "a link to outside the repository; records are read only from "
                                                   "inside it", loc=where, code=ProblemCode.unreadable))
        return repo, problems
    snap = getattr(cache, "snap", None)
    resolve: Callable[[Path], Path]
    if snap is not None and snap.records == resolved_records:
        resolve = _as_is  # the snapshot walked it all: no link under the records folder to resolve
        walk = Walk(snap.yaml_paths, [], snap.other_paths)
    else:
        resolve = _Resolver()
        walk = walk_records(resolved_records)  # no cache (or it could not vouch for the folder)
        if isinstance(cache, NullCache):  # read the record files the walk found as it found them
            cache = NullCache(frozenset(walk.yaml_files))
    for kind in KINDS:
        paths = _record_files(resolved_records, kind, resolve)
        extra = {p for p in overrides if _is_kind(p, records, kind)} if overrides else None
        if extra:
            paths = sorted(extra.union(paths), key=_path_order)
        for path in paths:
            src = read_source(path, root, kind, problems, cache, _shown(path, resolved_root), overrides.get(path))
            repo.sources[src.rel] = src
            model = validate_source(src, problems)
            if model is not None:
                repo.index(src, model)
    repo.walked, repo.walked_in = frozenset(walk.others), str(resolved_records)
    repo.stands = snap.stands if snap is not None and resolve is _as_is else {}
    if strays:
        check_stray_files(repo, problems, resolve, walk.yaml_paths)
    return repo, problems


class Walk(NamedTuple):
    """What a walk of the (resolved) records folder found."""

    #: everything named like a YAML file, links too (a stray file is a stray file)
    yaml_paths: list[str]
    #: the regular files among them reached through no symbolic link
    yaml_files: list[str]
    #: every other regular file reached through no symbolic link (papers, images)
    others: list[str]


def walk_records(records: Path) -> Walk:
    """What the cache's snapshot finds walking the records folder, for a run without one. A
    link is listed if named like YAML but never followed; files reached through none are read
    without resolving their paths again (:func:`cspkit.fileio.read_walked`)."""
    yaml_paths: list[str] = []
    yaml_files: list[str] = []
    others: list[str] = []

    def walk(folder: str) -> None:
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if entry.name.endswith((".yaml", ".yml")):
                yaml_paths.append(entry.path)
            try:
                if entry.is_symlink():
                    continue
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    (yaml_files if entry.name.endswith((".yaml", ".yml")) else others).append(entry.path)
            except OSError:
                continue

    walk(str(records))
    return Walk(yaml_paths, yaml_files, others)


def records_inside(repo: Repo) -> bool:
    """Whether the records folder is a folder inside the repository (not a link out of it)."""
    root, records = real_path(repo.root), real_path(repo.records_dir)
    return records.is_dir() and records != root and root in records.parents


def _shown(resolved: Path, resolved_root: Path) -> str:
    """:func:`display_path` of a path already resolved, against a root already resolved."""
    text, top = str(resolved), str(resolved_root)
    if os.sep == "/" and text.startswith(top.rstrip("/") + "/"):
        return text[len(top.rstrip("/")) + 1:]  # what relative_to gives, without building paths
    try:
        return resolved.relative_to(resolved_root).as_posix()
    except ValueError:
        return str(resolved)


def check_stray_files(repo: Repo, problems: list[Problem], resolve: Callable[[Path], Path] | None = None,
                      listed: list[str] | None = None) -> None:
    """YAML files under records/ that are no record kind: a misplaced or misnamed file.

    ``listed``: every path under the records folder named like a YAML file, as the cache's
    snapshot or :func:`walk_records` found them (else the folder is walked here).
    """
    records = real_path(repo.records_dir)
    if not records.is_dir():
        return
    resolve = resolve or _Resolver()
    known = {s.path for s in repo.sources.values()}
    if listed is None:
        listed = walk_records(records).yaml_paths
    found = [Path(p) for p in listed]
    strays = [path for path in found if path not in known and resolve(path) not in known]
    for path in sorted(strays, key=_path_order):
        if not any(part.startswith(".") for part in path.relative_to(records).parts):
            rel = display_path(path, repo.root)
            hint = " (use .yaml)" if path.suffix == ".yml" else ""
            problems.append(Problem(rel, 0, 0, f"not a place cspkit reads records from{hint}; see the layout in the "
                                               "README", code=ProblemCode.stray_file))


def finish(repo: Repo, problems: list[Problem]) -> list[Problem]:
    """Fill in line numbers, drop duplicates and sort problems by file and line."""
    unlocated = {p.file for p in problems if not p.line}  # only their files' texts are read
    texts = {rel: text for rel in unlocated if rel in repo.sources and (text := repo.sources[rel].text)}
    fill_lines(problems, texts)
    unique: dict[tuple[str, int, int, str], Problem] = {}
    for p in problems:
        unique.setdefault((p.file, p.line, p.col, p.message), p)
    return sorted(unique.values(), key=lambda p: (p.file, p.line, p.col, p.message))
