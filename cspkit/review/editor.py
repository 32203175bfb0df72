"""Editor integration: every record file names its JSON Schema, and VS Code knows the folders.

The YAML language server (VS Code's YAML extension, and most editors through it) reads a
first line ``# yaml-language-server: $schema=<path>``; with it a clerk gets completion,
hover help and red squiggles for a typo in a key while typing. The schemas are the ones
``cspkit schema -o schemas`` (and ``cspkit init``) write into ``<repository>/schemas/``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from cspkit.models import CONFIG_KIND, KINDS, Kind

#: Folder under the repository root that holds ``<kind>.schema.json`` files.
SCHEMAS_DIR = "schemas"
MODELINE_PREFIX = "# yaml-language-server:"


def schema_file(kind: Kind) -> str:
    """``meeting`` -> ``meeting.schema.json`` (the name :func:`cspkit.schema.write_schemas` uses)."""
    return f"{kind.name}.schema.json"


def schemas_dir(root: Path, kind: Kind) -> Path:
    """Where the schema of ``kind`` is for the repository at ``root``.

    ``<root>/schemas/``; for a repository without one (an example kept inside another
    repository), the nearest ``schemas/`` above it that has the schema, up to the top of
    the git work tree.
    """
    root = Path(os.path.abspath(root))
    chain = [root, *root.parents]
    top = next((i for i, folder in enumerate(chain) if (folder / ".git").exists()), None)
    for folder in chain[: top + 1] if top is not None else chain[:1]:
        if (folder / SCHEMAS_DIR / schema_file(kind)).is_file():
            return folder / SCHEMAS_DIR
    return root / SCHEMAS_DIR


def schema_path(path: Path, root: Path, kind: Kind) -> str:
    """The schema of ``kind`` relative to the folder of ``path`` (posix separators).

    ``records/meetings/2023-10-12.yaml`` -> ``../../schemas/meeting.schema.json``.
    """
    target = schemas_dir(root, kind) / schema_file(kind)
    folder = Path(os.path.abspath(path)).parent
    return Path(os.path.relpath(target, folder)).as_posix()


def schema_comment(path: Path, root: Path, kind: Kind) -> str:
    """The first line a record file carries: ``# yaml-language-server: $schema=...``."""
    return f"{MODELINE_PREFIX} $schema={schema_path(path, root, kind)}"


def is_modeline(line: str) -> bool:
    return line.lstrip().startswith(MODELINE_PREFIX)


def schema_globs(records_dir: str = "records") -> dict[str, list[str]]:
    """Schema file (relative to the repository root) -> the file globs it applies to."""
    out = {f"./{SCHEMAS_DIR}/{schema_file(CONFIG_KIND)}": [CONFIG_KIND.pattern]}
    for kind in KINDS:
        out.setdefault(f"./{SCHEMAS_DIR}/{schema_file(kind)}", []).append(f"{records_dir}/{kind.pattern}")
    return out


def vscode_settings(records_dir: str = "records") -> dict:
    """``.vscode/settings.json`` for a records repository.

    ``yaml.schemas`` maps each record folder to its schema, so files without the
    ``# yaml-language-server`` line (a new file typed by hand) are checked too.
    """
    return {
        "yaml.schemas": schema_globs(records_dir),
        "yaml.format.enable": False,  # cspkit fmt owns the layout; the editor's formatter would fight it
        "[yaml]": {"editor.tabSize": 2, "editor.insertSpaces": True, "files.insertFinalNewline": True},
    }


def editor_files(records_dir: str = "records") -> dict[str, str]:
    """Files ``cspkit init`` writes for editors: path -> text."""
    return {
        ".vscode/settings.json": json.dumps(vscode_settings(records_dir), indent=2) + "\n",
        ".vscode/extensions.json": json.dumps({"recommendations": ["redhat.vscode-yaml"]}, indent=2) + "\n",
    }
