"""Headless system Chromium and a local server: shared by tests, benchmarks and screenshots.

Always Debian's `/usr/bin/chromium`, driven by Playwright (a test/bench dependency,
imported lazily): a browser downloaded by a tool would fail on machines without network.
The flags keep Chromium from calling home, which a closed network refuses noisily.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from katalog.tools.serve import SiteHandler

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MISSING = f"{CHROMIUM} tidak ditemukan: pasang paket Debian `chromium` (CI: apt-get install chromium)"


def require_chromium() -> Path:
    """The Chromium binary, or FileNotFoundError saying which package to install."""
    if not CHROMIUM.is_file():
        raise FileNotFoundError(MISSING)
    return CHROMIUM


@contextmanager
def headless_chromium() -> Iterator[Any]:
    """A Playwright `Browser` on the system Chromium, closed on exit."""
    from playwright.sync_api import sync_playwright  # a test/bench dependency only

    executable = require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class _PlainHandler(SimpleHTTPRequestHandler):
    """Quiet static files without our security headers (for third-party pages: Pagefind)."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm"}  # noqa: RUF012

    def log_message(self, format: str, *args: object) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    """A browser that closes a page drops the requests still under way (prefetches, warm
    bundles): their broken pipes are expected, not tracebacks for the test's output."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serving(folder: Path, security_headers: bool = True) -> Iterator[str]:
    """Serve `folder` on a free 127.0.0.1 port; yields the base URL (no trailing slash).

    With `security_headers` the production headers of `katalog.tools.serve` (CSP and friends) are
    sent, so a page that works here also works when published.
    """
    handler = SiteHandler if security_headers else _PlainHandler
    server = _QuietServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
