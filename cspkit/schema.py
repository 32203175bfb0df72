"""JSON Schemas for every record kind, draft-07 compatible, for editors and other checkers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cspkit.errors import ConflictError, UsageError, UserError
from cspkit.fileio import ANYWHERE, FileRefused, cannot_write, read_file, write_text
from cspkit.models import CONFIG_KIND, KINDS, Kind

SCHEMA_BASE = "https://cspkit.dev/schema/"


def schema_for(kind: Kind[Any]) -> dict[str, Any]:
    """A draft-07 schema: ``$defs`` become ``definitions`` and refs point there."""
    raw = kind.model.model_json_schema(ref_template="#/definitions/{model}", mode="validation")
    defs = raw.pop("$defs", {})
    schema: dict[str, Any] = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": f"{SCHEMA_BASE}{kind.name}.json",
        **raw,
        "title": f"cspkit: {kind.title}",
    }
    if defs:
        schema["definitions"] = defs
    draft7: dict[str, Any] = _draft7(schema)  # a dict in, a dict out
    return draft7


def _draft7(node: Any) -> Any:
    """Remove the few 2020-12 keywords pydantic may emit that draft-07 does not know."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "const" and "enum" not in node:
                out["enum"] = [v]
                continue
            if k in ("discriminator",):
                continue
            out[k] = _draft7(v)
        return out
    if isinstance(node, list):
        return [_draft7(v) for v in node]
    return node


def all_kinds() -> tuple[Kind[Any], ...]:
    return (CONFIG_KIND, *KINDS)


def schemas(kind: str | None = None) -> dict[str, Any]:
    """The schema of one record kind (by name), or of every kind by name."""
    kinds = {k.name: k for k in all_kinds()}
    if kind is None:
        return {name: schema_for(k) for name, k in kinds.items()}
    if kind not in kinds:
        raise UsageError(f"unknown record kind '{kind}' (kinds: {', '.join(kinds)})")
    return schema_for(kinds[kind])


def write_schemas(out: Path, force: bool = False) -> list[Path]:
    """Write ``<kind>.schema.json`` for every kind into the folder ``out``; return the paths written.

    Schemas written before (by cspkit) are replaced: they are generated. Any other file of one
    of those names is left alone unless ``force``; ``out`` naming a file is refused.
    """
    if out.exists() and not out.is_dir():
        raise UserError(f"{out}: is a file, not a folder (--out names the folder to write the "
                        "<kind>.schema.json files into)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(out, exc) from None
    paths = [out / kind.schema_file for kind in all_kinds()]
    if not force:
        foreign = [p for p in paths if p.exists() and not _generated(p)]
        if foreign:
            raise ConflictError(f"{foreign[0]}: exists and is not a schema cspkit wrote; nothing was written "
                                "(use --force to replace it)")
    for kind, path in zip(all_kinds(), paths, strict=True):
        write_text(path, json.dumps(schema_for(kind), indent=2) + "\n", overwrite=True)
    return paths


def _generated(path: Path) -> bool:
    """Whether ``path`` holds a schema cspkit wrote (its ``$id`` is one of cspkit's)."""
    try:
        data = json.loads(read_file(path, limit=4 * 1024 * 1024, inside=ANYWHERE))
    except (OSError, FileRefused, ValueError):
        return False
    return isinstance(data, dict) and str(data.get("$id", "")).startswith(SCHEMA_BASE)
