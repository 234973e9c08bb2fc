"""A tiny static server for `make serve`: the built site with the headers production sends.

Previewing with the same Content-Security-Policy as production means an inline script or
style, or a request to another host, fails here first. `docs/nginx.conf` sends the same
headers; a test keeps the three copies (here, base.html's meta tag, nginx) in step.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Sequence
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# Only the site itself: scripts, styles, images, fonts and fetch() from its own origin.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'"
)
# `frame-ancestors` is ignored in a <meta> tag; only the header can forbid framing.
CSP_HEADER = f"{CSP}; frame-ancestors 'none'"
REFERRER_POLICY = "same-origin"
HEADERS = {
    "Content-Security-Policy": CSP_HEADER,
    "Referrer-Policy": REFERRER_POLICY,
    "X-Content-Type-Options": "nosniff",
}


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves files with the security headers; quiet unless asked to log."""

    verbose = False

    def end_headers(self) -> None:
        for name, value in HEADERS.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        if self.verbose:
            super().log_message(format, *args)


def make_server(directory: Path, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """A server for `directory` (port 0 picks a free port; tests use that)."""
    handler = functools.partial(SiteHandler, directory=str(directory))
    return ThreadingHTTPServer((host, port), handler)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m katalog.tools.serve", description="Sajikan situs hasil build."
    )
    parser.add_argument("--directory", type=Path, default=Path("output"))
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    SiteHandler.verbose = True
    server = make_server(args.directory, args.bind, args.port)
    print(f"Situs di http://{args.bind}:{server.server_address[1]}/ (Ctrl+C untuk berhenti)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
