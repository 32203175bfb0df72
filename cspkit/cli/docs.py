"""``docs/cli.md``: the command reference, generated from every command's ``--help``.

Regenerate with ``python -m cspkit.cli.docs`` (or ``cspkit docs``); ``--check`` exits 1
when the file is out of date, which is what ``tests/test_docs.py`` asserts.

The help is Click's plain text (not Rich's boxes) at a fixed width of 100 columns, so the
file is the same on every machine and terminal.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WIDTH = 100
DOC_PATH = Path("docs") / "cli.md"
REGENERATE = "python -m cspkit.cli.docs"


@dataclass
class Documented:
    """One command as it is documented: its full name, Click command and context."""

    name: str
    command: Any
    context: Any


def commands(include_hidden: bool = False) -> list[Documented]:
    """Every command and group of the CLI, depth first, in the order ``--help`` lists them."""
    from cspkit.cli.app import build_app

    root = build_app()
    out: list[Documented] = []

    def walk(cmd: Any, name: str, parent: Any) -> None:
        # Plain Click help: Typer takes its Rich path only when this is set.
        if hasattr(cmd, "rich_markup_mode"):
            cmd.rich_markup_mode = None
        settings = {**cmd.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
        ctx = cmd.context_class(cmd, info_name=name.rsplit(" ", 1)[-1], parent=parent, **settings)
        out.append(Documented(name, cmd, ctx))
        for sub_name in getattr(cmd, "list_commands", lambda _c: [])(ctx):
            sub = cmd.get_command(ctx, sub_name)
            if sub is None or (sub.hidden and not include_hidden):
                continue
            walk(sub, f"{name} {sub_name}", ctx)

    walk(root, "cspkit", None)
    return out


def help_text(doc: Documented) -> str:
    text = doc.command.get_help(doc.context)
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")


def reference() -> str:
    """The whole of ``docs/cli.md``."""
    docs = commands()
    lines = [
        "# cspkit command reference",
        "",
        f"Generated from each command's `--help` by `{REGENERATE}`; do not edit by hand.",
        "",
    ]
    for doc in docs[1:]:
        short = doc.command.get_short_help_str(limit=90) if hasattr(doc.command, "get_short_help_str") else ""
        depth = doc.name.count(" ") - 1
        lines.append(f"{'  ' * depth}- [`{doc.name}`](#{anchor(doc.name)}){': ' + short if short else ''}")
    for doc in docs:
        lines += ["", f"## `{doc.name}`", "", "```text", help_text(doc), "```"]
    return "\n".join(lines) + "\n"


def anchor(name: str) -> str:
    """GitHub's anchor for a heading ``## `cspkit render pack` ``."""
    return name.lower().replace(" ", "-")


def write_reference(path: Path = DOC_PATH, check: bool = False) -> bool:
    """Write the reference to ``path``; with ``check``, only say whether it is current."""
    from cspkit.fileio import write_text

    text = reference()
    current = path.read_text(encoding="utf-8") if path.is_file() else None
    if check:
        return current == text
    if current != text:
        write_text(path, text, overwrite=True)
    return True


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog=REGENERATE, description="Regenerate docs/cli.md from the CLI's --help.")
    parser.add_argument("-o", "--output", type=Path, default=None,
                        help="file to write (default: docs/cli.md of this source tree)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    args = parser.parse_args(argv)
    path = args.output or Path(__file__).resolve().parents[2] / DOC_PATH
    ok = write_reference(path, check=args.check)
    if not ok:
        sys.stderr.write(f"{path} is out of date: run {REGENERATE}\n")
        return 1
    sys.stdout.write(f"{path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
