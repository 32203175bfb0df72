"""``cspkit site serve``: the built site on http://127.0.0.1:PORT/, to look at before publishing.

Python's own static file server, bound to the loopback address only (nobody else on the
network can reach it), serving nothing outside the site's folder and only files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from cspkit.errors import NotFound, UserError

HOST = "127.0.0.1"
TYPES = {".atom": "application/atom+xml", ".ics": "text/calendar; charset=utf-8",
         ".json": "application/json", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".html": "text/html; charset=utf-8"}


def make_server(folder: Path, port: int = 8000) -> Any:
    """A threading HTTP server for ``folder`` on 127.0.0.1 (``port`` 0: any free port)."""
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    if not (folder / "index.html").is_file():
        raise NotFound(f"{folder}: no site here (build it first: cspkit site build -o {folder})")

    class Handler(SimpleHTTPRequestHandler):
        extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **TYPES}

        def end_headers(self) -> None:
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def list_directory(self, path):
            self.send_error(404, "Not found")
            return None

        def log_message(self, format: str, *args: Any) -> None:
            pass

    try:
        return ThreadingHTTPServer((HOST, port), functools.partial(Handler, directory=str(folder)))
    except OSError as exc:
        raise UserError(f"cannot serve on {HOST}:{port} ({exc.strerror or exc}); try another --port") from None


def serve(folder: Path, port: int = 8000, ready: Callable[[str], None] | None = None) -> None:
    """Serve ``folder`` until interrupted; ``ready`` is told the address first."""
    server = make_server(folder, port)
    try:
        if ready is not None:
            ready(f"http://{HOST}:{server.server_address[1]}/")
        server.serve_forever()
    finally:
        server.server_close()
