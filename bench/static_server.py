"""A static web server for benchmarks: one folder, on 127.0.0.1 only, with ETag and 304.

`bench/network.py` serves its 500 generated member catalogues from one process of this
server, each under its own path (``http://127.0.0.1:PORT/m001/``), as an ordinary static
host (nginx, GitHub Pages) would serve a built site: files as they are on disk, an
``ETag`` and a ``Last-Modified`` from the file's modification time and size (nginx's
recipe, with nanoseconds), and ``304 Not Modified`` to a conditional request for a file
that has not changed since (``If-None-Match`` first; ``If-Modified-Since`` only when no
``If-None-Match`` was sent, as RFC 9110 says). HTTP/1.1 with keep-alive, one thread per
connection.

Every request is logged as one line, ``STATUS PATH BYTES``, to ``--log``, so the bench
can count what each harvest asked for (and check that an unchanged member cost one 304).
The chosen port is written to ``--ready`` once the server listens.

Run: ``python -m bench.static_server ROOT --log FILE --ready FILE [--port 0]``.
"""

from __future__ import annotations

import argparse
import email.utils
import os
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

HOST = "127.0.0.1"
TYPES = {".json": "application/json", ".csv": "text/csv; charset=utf-8", ".html": "text/html; charset=utf-8"}


def validators(stat: os.stat_result) -> tuple[str, str]:
    """(ETag, Last-Modified) of a file: nginx's recipe, with the mtime in nanoseconds."""
    etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
    return etag, email.utils.formatdate(stat.st_mtime, usegmt=True)


def not_modified(headers: dict[str, str], etag: str, stat: os.stat_result) -> bool:
    """Whether a conditional GET may be answered 304 (If-None-Match wins over If-Modified-Since)."""
    match = headers.get("if-none-match")
    if match is not None:
        return match.strip() == "*" or etag in (tag.strip() for tag in match.split(","))
    since = headers.get("if-modified-since")
    if since is None:
        return False
    try:
        moment = email.utils.parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    return int(stat.st_mtime) <= moment.timestamp()


class Handler(BaseHTTPRequestHandler):
    server: StaticServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.answer(with_body=True)

    def do_HEAD(self) -> None:
        self.answer(with_body=False)

    def answer(self, with_body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        file = self.server.file_for(path)
        try:
            stat = file.stat() if file is not None else None
        except OSError:
            stat = None
        if file is None or stat is None or not file.is_file():
            self.finish_with(HTTPStatus.NOT_FOUND, path, b"not found\n", {}, with_body)
            return
        etag, last_modified = validators(stat)
        headers = {"ETag": etag, "Last-Modified": last_modified}
        if not_modified({k.lower(): v for k, v in self.headers.items()}, etag, stat):
            self.finish_with(HTTPStatus.NOT_MODIFIED, path, b"", headers, with_body)
            return
        headers["Content-Type"] = TYPES.get(file.suffix, "application/octet-stream")
        self.finish_with(HTTPStatus.OK, path, file.read_bytes(), headers, with_body)

    def finish_with(
        self, status: HTTPStatus, path: str, body: bytes, headers: dict[str, str], with_body: bool
    ) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body and status != HTTPStatus.NOT_MODIFIED:
            self.wfile.write(body)
        self.server.record(int(status), path, len(body) if with_body else 0)

    def log_message(self, format: str, *args: object) -> None:
        pass  # requests go to the server's own log, one line each


class StaticServer(ThreadingHTTPServer):
    """Serves the files under `root` on 127.0.0.1:`port` (0: any free port)."""

    daemon_threads = True
    request_queue_size = 128  # a harvest opens several connections at once

    def __init__(self, root: Path, port: int, log: BinaryIO) -> None:
        super().__init__((HOST, port), Handler)
        self.root = root.resolve()
        self.log = log
        self.lock = threading.Lock()

    def file_for(self, path: str) -> Path | None:
        """The file under `root` that `path` names; None for anything outside it."""
        candidate = (self.root / path.lstrip("/")).resolve()
        return candidate if candidate.is_relative_to(self.root) else None

    def record(self, status: int, path: str, size: int) -> None:
        with self.lock:
            self.log.write(f"{status} {path} {size}\n".encode())
            self.log.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", type=Path, required=True, help="one line per request: STATUS PATH BYTES")
    parser.add_argument("--ready", type=Path, required=True, help="the port is written here once listening")
    args = parser.parse_args(argv)
    with args.log.open("ab") as log, StaticServer(args.root, args.port, log) as server:
        partial = args.ready.with_suffix(".partial")
        partial.write_text(str(server.server_address[1]), encoding="utf-8")
        partial.replace(args.ready)
        server.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
