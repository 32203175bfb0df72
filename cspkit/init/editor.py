"""Editor integration: every record file names its JSON Schema, and VS Code knows the folders.

The YAML language server (VS Code's YAML extension, and most editors through it) reads a
first line ``# yaml-language-server: $schema=<path>``; with it a clerk gets completion,
hover help and red squiggles for a typo in a key while typing. The schemas are the ones
``cspkit schema -o schemas`` (and ``cspkit init``) write into ``<repository>/schemas/``.
"""

from __future__ import annotations

import json
from typing import Any

from cspkit.models import CONFIG_KIND, KINDS
from cspkit.yaml.layout import SCHEMAS_DIR


def schema_globs(records_dir: str = "records") -> dict[str, list[str]]:
    """Schema file (relative to the repository root) -> the file globs it applies to."""
    out = {f"./{SCHEMAS_DIR}/{CONFIG_KIND.schema_file}": [CONFIG_KIND.pattern]}
    for kind in KINDS:
        out.setdefault(f"./{SCHEMAS_DIR}/{kind.schema_file}", []).append(f"{records_dir}/{kind.pattern}")
    return out


def vscode_settings(records_dir: str = "records") -> dict[str, Any]:
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
