"""site (build, serve) and publish: the public website of the record."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from cspkit.cli.app import app
from cspkit.cli.common import parse_date, repo_root, say

site_app = typer.Typer(help="The public website of the partnership's meetings: build it, or look at it.",
                       no_args_is_help=True)
app.add_typer(site_app, name="site")


@site_app.command("build")
def build(
    ctx: typer.Context,
    output: Path = typer.Option(Path("build/site"), "--output", "-o", file_okay=False,
                                help="Folder to build the site into."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="The site's date, YYYY-MM-DD: the action log, the "
                                        "next meeting and the forward programme as at that day (default: "
                                        "$SOURCE_DATE_EPOCH's day, else today)."),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Render the agenda packs not yet published as PDF "
                             "(published packs are always linked as they were circulated)."),
    force: bool = typer.Option(False, "--force", help="Replace files in the folder that a site build did not write."),
) -> None:
    """Build the public website: meetings, minutes, decisions, action log, forward programme,
    PSA tracker, performance, partners, search, calendar and feed.

    Only what is public goes in: nothing restricted reaches any page, feed, JSON file or the
    search index. The same records and the same --as-of give the same files; a rebuild
    rewrites only the files that changed.
    """
    from cspkit.site import build_site

    day = parse_date(as_of, "--as-of") if as_of else None
    report = build_site(repo_root(ctx), output, day, pdf, force)
    parts = [f"{len(report.written)} written", f"{report.files - len(report.written)} unchanged"]
    if report.removed:
        parts.append(f"{len(report.removed)} removed")
    say(f"{output}: {report.files} files ({', '.join(parts)})")
    say(f"Open {output / 'index.html'}, or preview it with: cspkit site serve -d {output}")


@site_app.command("serve")
def serve(
    directory: Path = typer.Option(Path("build/site"), "--dir", "-d", file_okay=False,
                                   help="The built site's folder."),
    port: int = typer.Option(8000, "--port", "-p", min=0, max=65535, help="Port on 127.0.0.1 (0: any free port)."),
) -> None:
    """Serve the built site on http://127.0.0.1:PORT/ to look at it (Ctrl-C stops)."""
    from cspkit.site import serve as run

    run(directory, port, ready=lambda url: say(f"Serving {directory} at {url} (Ctrl-C stops)"))


@app.command()
def publish(
    ctx: typer.Context,
    meeting: str = typer.Argument(..., help="YYYY-MM-DD, next or latest."),
    on: Optional[str] = typer.Option(None, "--on", help="The day it is published, YYYY-MM-DD (default: today)."),
    force: bool = typer.Option(False, "--force", help="Publish again a pack already published (a corrected pack)."),
) -> None:
    """Freeze a meeting's public agenda pack as circulated, under published/.

    Writes published/DATE-agenda-pack.pdf and a record of its SHA-256 and publication day
    (commit both). The website links this file and never renders a published pack again.
    """
    from cspkit.site import publish as run

    root = repo_root(ctx)
    info = run(root, meeting, force, parse_date(on, "--on") if on else None)
    for path in (info.pdf, info.record):
        say(str(path.relative_to(root)))
    say(f"SHA-256 {info.sha256}")
