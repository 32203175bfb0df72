"""Helpers shared by the tests/test_hardening_*.py files (not a test module itself).

``poison`` appends a payload to every free-text field of a repository's records (and of
``cspkit.yaml``), so a test can check that no field reaches any output format as markup,
script, link or template code. ``output_texts`` reads rendered files back as text (PDF
through pypdf), and ``pdf_link_targets`` lists every link target a PDF carries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Keys holding text a person typed, per kind of file: (path pattern of the file, keys).
#: ``*`` matches any one file name. Ids, dates, enums, file paths and numbers are left alone.
TEXT_KEYS: dict[str, set[str]] = {
    "cspkit.yaml": {"name", "short_name", "venue", "title", "purpose", "label", "minutes_title",
                    "action_log_title", "open", "complete", "closed", "online_marker"},
    "records/people.yaml": {"name", "title", "role"},
    "records/organisations.yaml": {"name", "short_name"},
    "records/meetings/*": {"title", "purpose", "heading", "points", "bullets", "text", "venue", "capacity",
                           "lead_text", "note", "qualifier", "honorific", "external"},
    "records/actions/*": {"text", "note", "raised_text"},
    "records/updates/*/*": {"subject", "summary", "recommendations", "performance", "text", "budget", "risks",
                            "planned_activity", "other", "support_required"},
    "records/psa/*": {"title", "assessment", "text", "reason"},
    "records/forward-programme.yaml": {"item", "detail", "note"},
    "records/performance/*": {"name", "source", "area"},
}


def text_keys_for(rel: str) -> set[str]:
    for pattern, keys in TEXT_KEYS.items():
        if re.fullmatch(pattern.replace(".", r"\.").replace("*", "[^/]+"), rel):
            return keys
    return set()


def rewrite(path: Path, mutate: Callable[[Any], None]) -> None:
    """Change one record file through the round-trip loader (comments and layout kept)."""
    from cspkit.yaml._ruamel import dump as dump_rt
    from cspkit.yaml._ruamel import load as load_rt

    doc = load_rt(path.read_text(encoding="utf-8"))
    mutate(doc)
    path.write_text(dump_rt(doc), encoding="utf-8")


def _walk(node: Any, keys: set[str], change: Callable[[str], str]) -> None:
    if isinstance(node, dict):
        for k in list(node):
            v = node[k]
            if k in keys and isinstance(v, str):
                node[k] = change(v)
            elif k in keys and isinstance(v, list) and all(isinstance(x, str) for x in v):
                for i, x in enumerate(v):
                    v[i] = change(x)
            else:
                _walk(v, keys, change)
    elif isinstance(node, list):
        for v in node:
            _walk(v, keys, change)


def poison(root: Path, change: Callable[[str], str]) -> list[str]:
    """Apply ``change`` to every free-text value in the repository; return the files changed."""
    changed = []
    for path in [root / "cspkit.yaml", *sorted((root / "records").rglob("*.yaml"))]:
        rel = path.relative_to(root).as_posix()
        keys = text_keys_for(rel)
        if keys:
            rewrite(path, lambda doc, keys=keys: _walk(doc, keys, change))
            changed.append(rel)
    return changed


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def output_texts(folder: Path) -> dict[str, str]:
    """Every rendered file in ``folder`` as text (PDF through pypdf), whitespace collapsed."""
    texts = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".pdf":
            texts[path.name] = pdf_text(path)
        elif path.suffix in (".md", ".html"):
            texts[path.name] = path.read_text(encoding="utf-8")
    return {k: re.sub(r"\s+", " ", v) for k, v in texts.items()}


def pdf_link_targets(path: Path) -> list[str]:
    """The target of every link annotation and every action in a PDF (URIs, JavaScript)."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    out: list[str] = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            action = a.get("/A")
            if action is not None:
                action = action.get_object()
                for key in ("/URI", "/JS", "/S"):
                    if key in action:
                        out.append(f"{key}={action[key]}")
    root = reader.trailer["/Root"]
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        out.append("/JavaScript name tree")
    if "/OpenAction" in root:
        out.append(f"/OpenAction={root['/OpenAction']}")
    return out


#: Agenda items for the mini repository's 2023-10-12 meeting carrying a paper of every kind,
#: so that one pack shows every record kind (item 2 already has the partner update).
EVERY_PAPER = """\
- number: 3
  title: Minutes of the last meeting
  papers:
  - kind: previous-minutes
- number: 4
  title: Action Log
  papers:
  - kind: action-log
- number: 5
  title: Performance
  papers:
  - kind: performance
- number: 6
  title: PSA Recommendations
  papers:
  - kind: psa-tracker
- number: 7
  title: A report
  purpose: To note the report.
  papers:
  - kind: document
    title: The report
    source: papers/2023-10-12/report.md
- number: 8
  title: Forward Programme
  papers:
  - kind: forward-programme
"""


def with_every_paper(root: Path, report: str = "# The report\n\nNothing to report.\n") -> Path:
    """Give the 2023-10-12 meeting of a mini repository copy a paper of every kind."""
    meeting = root / "records/meetings/2023-10-12.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8") + EVERY_PAPER, encoding="utf-8")
    paper = root / "records/papers/2023-10-12/report.md"
    paper.parent.mkdir(parents=True, exist_ok=True)
    paper.write_text(report, encoding="utf-8")
    return root
