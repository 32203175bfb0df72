"""What ``cspkit init`` adds for review: editor settings, the CI workflow, canonical records."""

from __future__ import annotations

from pathlib import Path


def review_files(target: Path, files: dict[str, str]) -> dict[str, str]:
    """``files`` (path -> text) of a new repository, each record file in the canonical layout,
    plus ``.vscode/`` settings and the GitHub Actions workflow.

    A new repository passes ``cspkit fmt --check`` from its first commit, so the CI it is
    given starts green.
    """
    from cspkit.repo import kind_for
    from cspkit.review.ci import ci_files
    from cspkit.review.editor import editor_files
    from cspkit.review.fmt import canonical

    out: dict[str, str] = {}
    for rel, text in files.items():
        path = target / rel
        kind = kind_for(path, target) if rel.endswith(".yaml") else None
        out[rel] = canonical(text, path, target, kind) if kind is not None else text
    return out | editor_files() | ci_files()
