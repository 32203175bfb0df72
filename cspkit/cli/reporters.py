"""One set of reporters: problems and tables as text, JSON, CSV or GitHub annotations.

The library returns data (a :class:`~cspkit.validate.Report`, a :class:`Table` of rows); a
command picks the reporter its ``--format`` names and prints what it returns. Text shown on
a terminal has control characters spelled out, so record text can never move the cursor or
change colours; CSV text cells that a spreadsheet would run as a formula are made inert.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cspkit.listing import Table
from cspkit.validate import Report

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

# --------------------------------------------------------------------------- text safety

#: C0 and C1 controls (ESC, BEL …) and DEL, but not TAB or line feed.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def terminal_safe(text: str) -> str:
    """``text`` with control characters shown as ``\\x1b``-style escapes (never sent raw to a terminal)."""
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else
                         f"\\u{ord(m.group()):04x}", text)


#: What a spreadsheet reads as the start of a formula (OWASP's list: = + - @, TAB, CR).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A text cell that would start a formula gets a leading ``'``; numbers are left as numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# --------------------------------------------------------------------------- problems


def problems_text(report: Report) -> str:
    lines = [terminal_safe(p.format()) for p in report.problems]
    errors, warnings = len(report.errors), len(report.warnings)
    files = len({p.file for p in report.problems})
    if errors or warnings:
        parts = []
        if errors:
            parts.append(f"{errors} problem{'s' if errors != 1 else ''}")
        if warnings:
            parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
        lines.append(f"{' and '.join(parts)} in {files} file{'s' if files != 1 else ''} ({report.files} checked)")
    else:
        lines.append(f"{report.files} files checked, no problems")
    return "\n".join(lines)


def problems_json(report: Report) -> str:
    return json.dumps({"ok": report.ok(), "files_checked": report.files,
                       "errors": len(report.errors), "warnings": len(report.warnings),
                       "problems": [p.as_dict() for p in report.problems]}, indent=2)


def problems_github(report: Report) -> str:
    """GitHub Actions workflow commands: each problem becomes an annotation on its line."""

    def esc(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return esc(text).replace(":", "%3A").replace(",", "%2C")

    out = []
    for p in report.problems:
        parts = [f"file={prop(p.file)}"]
        if p.line:
            parts += [f"line={p.line}", f"col={p.col or 1}"]
        title = f"cspkit: {p.field_path}" if p.field_path else "cspkit"
        parts.append(f"title={prop(title)}")
        level = "error" if p.is_error else "warning"
        out.append(f"::{level} {','.join(parts)}::{esc(terminal_safe(p.message))}")
    out.append(problems_text(report).splitlines()[-1])
    return "\n".join(out)


PROBLEM_FORMATS = {"text": problems_text, "json": problems_json, "github": problems_github}


# --------------------------------------------------------------------------- tables


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    return str(value)


def table_text(table: Table, console: Console) -> None:
    """The table laid out by rich on ``console`` (text cells terminal-safe).

    Text columns share what the fixed ones leave, and never shrink to nothing on a narrow
    terminal (rich would otherwise squeeze them out to fit the no-wrap columns).
    """
    if not table.rows:
        console.print(terminal_safe(table.empty), markup=False, highlight=False)
        return
    from rich.table import Table as RichTable

    shown = [c for c in table.columns if c.text]
    out = RichTable(title=_rich_text(terminal_safe(table.title)) if table.title else None, show_lines=False)
    for col in shown:
        if col.ratio is None:
            out.add_column(col.heading, no_wrap=True)
        else:
            out.add_column(col.heading, overflow="fold", ratio=col.ratio, min_width=col.min_width)
    for row in table.rows:
        out.add_row(*(_rich_text(terminal_safe(c.shown(row) if c.shown else _cell(row.get(c.key)))) for c in shown))
    console.print(out)


def _rich_text(text: str) -> Text:
    from rich.text import Text

    return Text(text)  # never markup: record text with [brackets] is shown as it is


def table_json(table: Table) -> str:
    """Every row with all its data (more than the text table shows: ids beside names …)."""
    data: Any = {**table.meta, table.rows_key: table.rows} if table.meta else table.rows
    return json_safe(json.dumps(data, indent=2, ensure_ascii=False, default=str))


#: What ``json.dumps(ensure_ascii=False)`` leaves raw that a terminal may act on (DEL, the C1
#: controls such as CSI) or that some readers take for a line break.
_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029]")


def json_safe(text: str) -> str:
    """JSON text (readable UTF-8) with the characters :func:`terminal_safe` would spell out
    written as JSON escapes instead, so it stays valid JSON on a terminal too (they can only
    be inside strings)."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def table_csv(table: Table) -> str:
    """Every column; text cells that a spreadsheet would run as a formula made inert."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([c.key for c in table.columns])
    for row in table.rows:
        cells = []
        for c in table.columns:
            value = row.get(c.key)
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            cells.append(value if number else csv_safe(_cell(value)))
        writer.writerow(cells)
    return buf.getvalue()


__all__: Sequence[str] = ["PROBLEM_FORMATS", "csv_safe", "json_safe", "table_csv", "table_json", "table_text",
                          "terminal_safe"]
