"""Serve a built site folder over HTTP on this machine, for looking at it in a browser.

The site also works straight from disk (file://); serving it is closer to how it is published
and lets you check it the way readers will see it. Standard library only: `http.server`, bound to
the folder (never the current directory), with a quiet log.

    from dashboards.serve import serve
    serve(Path("var/site"))            # http://127.0.0.1:8000/ until Ctrl-C

`gmsd serve` wraps this function. For tests, `make_server` returns the server without blocking.
"""

from __future__ import annotations

import functools
import http.server
from pathlib import Path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files from the given directory; logs only errors (4xx/5xx), in one short line."""

    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".css": "text/css",
        ".html": "text/html; charset=utf-8",
        ".csv": "text/csv; charset=utf-8",
        ".parquet": "application/vnd.apache.parquet",
    }

    def log_request(self, code="-", size="-") -> None:
        try:
            status = int(code)
        except (TypeError, ValueError):
            status = 0
        if status >= 400:
            self.log_message('"%s" %s', self.requestline, code)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (signature of the base class)
        print(f"  {self.address_string()} {format % args}", flush=True)


def make_server(site_dir: Path, host: str = "127.0.0.1", port: int = 8000) -> http.server.ThreadingHTTPServer:
    """An HTTP server for `site_dir` (not started). Port 0 picks a free port: see `server.server_address`."""
    site_dir = Path(site_dir).resolve()
    if not (site_dir / "index.html").is_file():
        raise FileNotFoundError(f"Geen site gevonden in {site_dir}: index.html ontbreekt. Bouw eerst de site.")
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    return http.server.ThreadingHTTPServer((host, port), handler)


def serve(site_dir: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve `site_dir` at http://host:port/ until Ctrl-C; prints the address (in Dutch).

    Binds to 127.0.0.1 by default, so only this machine can see the site. Raises
    FileNotFoundError when `site_dir` holds no built site, OSError when the port is taken.
    """
    server = make_server(site_dir, host, port)
    shown_host, shown_port = server.server_address[:2]
    print(f"De site staat op http://{shown_host}:{shown_port}/ (map: {Path(site_dir).resolve()}).")
    print("Stop met Ctrl-C.", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nGestopt.")
    finally:
        server.server_close()
