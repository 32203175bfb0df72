"""Listing packaged templates and copying one into a repository to override it."""

from __future__ import annotations

from pathlib import Path

from cspkit.errors import NotFound, UserError
from cspkit.fileio import inside, write_text
from cspkit.lookup import did_you_mean
from cspkit.render.env import package_templates


def _names(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.j2"))


def list_templates(root: Path | None) -> list[tuple[str, str]]:
    """(name, "package" or "repository") for every template cspkit would use."""
    own = set(_names(root / "templates")) if root is not None and (root / "templates").is_dir() else set()
    names = sorted(set(_names(package_templates())) | own)
    return [(n, "repository" if n in own else "package") for n in names]


def copy_template(root: Path, name: str, force: bool = False) -> Path:
    source = package_templates() / name
    if not name.endswith(".j2") or not source.is_file() or ".." in Path(name).parts:
        raise NotFound(f"no template '{name}'{did_you_mean(name, _names(package_templates()))} "
                       "(cspkit templates list shows them)")
    target = root / "templates" / name
    if not inside(target.parent, root):  # a linked templates/ folder would have cspkit write elsewhere
        raise UserError(f"templates/{name}: the folder is a link to outside the repository; nothing was written")
    write_text(target, source.read_text(encoding="utf-8"), overwrite=force)
    return target
