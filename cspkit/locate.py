"""Finding a partnership's repository: the nearest folder holding ``cspkit.yaml``.

Kept apart from :mod:`cspkit.repo` so that a command can find its repository without
importing the models (pydantic and every record model take longer to import than a warm
``cspkit validate`` takes to run).
"""

from __future__ import annotations

from pathlib import Path

from cspkit.errors import RepoNotFound

CONFIG_NAME = "cspkit.yaml"

#: ``records_dir`` in cspkit.yaml: one folder name inside the repository (no "..", no hidden folder).
RECORDS_DIR_RE = r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*$"


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` holding ``cspkit.yaml``."""
    here = (start or Path.cwd()).resolve()
    if not here.exists():
        raise RepoNotFound(f"{here}: no such folder (give --repo the folder that holds {CONFIG_NAME})")
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_dir():
            raise RepoNotFound(f"{folder / CONFIG_NAME}: is a folder, expected the partnership's YAML file")
        if (folder / "cspkit.yml").is_file():
            raise RepoNotFound(f"{folder / 'cspkit.yml'}: name it {CONFIG_NAME} (cspkit reads .yaml files only)")
    raise RepoNotFound(
        f"no {CONFIG_NAME} in {here} or any folder above it "
        "(run cspkit in a partnership's repository, pass --repo DIR, or start one with cspkit init)"
    )
