"""The import graph is visible: library modules import each other at the top of the file.

Lazy imports (inside functions) are allowed in four places only: the command line
(``cspkit/cli/``, where start-up time is what matters), the warm-validate path
(``validate.py`` and ``cache.py``, which answer an unchanged repository without importing the
models), cspkit's readers of Word and PDF files (a command that reads none, such as a site
rebuild or a pack of Markdown papers, does not import them), and for an allow-list of heavy
third-party packages that only some commands need — which, conversely, are never imported at
the top of a library module. The layer contracts
themselves are import-linter's (``[tool.importlinter]`` in pyproject.toml, run by ``make test``).
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cspkit"

#: Third-party packages slow to import that only some commands need; imported inside functions.
HEAVY = {
    "weasyprint", "pygal", "docx", "lxml", "playwright", "axe_playwright_python", "pypdf", "icalendar",
    "ruamel", "markdown_it", "jinja2", "markupsafe", "rapidfuzz",
}
#: Where cspkit's own modules may be imported inside functions.
LAZY_OK = ("cli/", "validate.py", "cache.py", "__main__.py")
#: cspkit's own modules that may be imported inside functions anywhere: the Word reader, the PDF
#: paper reader and the PDF merge (about 30 ms to import, needed only where such a paper is read).
LAZY_OWN = ("cspkit.documents", "cspkit.render.attachments", "cspkit.render.pdf_merge", "cspkit.render.word_papers")
#: Single exceptions, each with its reason.
EXCEPTIONS = {
    # two model classes of one name in one module (never in cspkit's own models): pydantic's own
    # docstring reader, a private module not worth importing on every start
    ("models/common.py", "pydantic._internal._docs_extraction"),
}
#: Modules still being brought under the rule (each branch landing removes its entries).
PENDING: tuple[str, ...] = ()


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _imports(tree: ast.AST) -> list[tuple[ast.stmt, str, bool]]:
    """(node, module, inside a function) for every import in ``tree``."""
    out: list[tuple[ast.stmt, str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                out.extend((child, a.name, in_function) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                name = ("cspkit." if child.level else "") + (child.module or "")
                out.append((child, name, in_function))
            visit(child, inside)

    visit(tree, False)
    return out


def _type_checking_only(tree: ast.AST) -> set[int]:
    """Line numbers of imports under ``if TYPE_CHECKING:`` (not imports at run time)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            lines |= {n.lineno for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))}
    return lines


def test_library_modules_import_cspkit_at_the_top_and_heavy_packages_lazily():
    wrong: list[str] = []
    stdlib = set(sys.stdlib_module_names)
    for path in _modules():
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith(PENDING):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        guarded = _type_checking_only(tree)
        for node, name, in_function in _imports(tree):
            top = name.split(".")[0]
            if node.lineno in guarded or (rel, name) in EXCEPTIONS:
                continue
            if top in HEAVY and not in_function:
                wrong.append(f"{rel}:{node.lineno}: {name} is heavy: import it where it is needed")
            elif in_function and top == "cspkit" and not rel.startswith(LAZY_OK) and not name.startswith(LAZY_OWN):
                wrong.append(f"{rel}:{node.lineno}: {name} imported inside a function: import it at the top")
            elif in_function and top not in stdlib and top not in HEAVY and top != "cspkit" \
                    and not rel.startswith(LAZY_OK):
                wrong.append(f"{rel}:{node.lineno}: {name} is not on the heavy list: import it at the top")
    assert wrong == []


@pytest.mark.parametrize("name", sorted(HEAVY))
def test_the_heavy_list_names_real_packages(name):
    import importlib.util

    if name in ("playwright", "axe_playwright_python") and importlib.util.find_spec(name) is None \
            and not os.environ.get("CI"):
        pytest.skip(f"{name} comes with the browser tests' packages")
    assert importlib.util.find_spec(name) is not None
