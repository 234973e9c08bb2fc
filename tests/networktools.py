"""Member catalogues for the network tests: real sites (`katalog init`, entries, build)
served on 127.0.0.1 by a small server that speaks ETag and 304, and can misbehave.

Nothing here opens a connection beyond 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from contextlib import chdir
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from katalog.site.build import build
from katalog.tools.cli import main

LAST_MODIFIED = "Wed, 01 May 2024 10:00:00 GMT"
UNITS = ("Dinas Komunikasi dan Informatika|Diskominfo", "Bagian Umum")


class Handler(BaseHTTPRequestHandler):
    server: Site

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        self.server.requests.append((path, dict(self.headers)))
        behaviour = self.server.behaviours.get(path) or self.server.behaviours.get("*")
        if behaviour is not None:
            behaviour(self)
            return
        body = self.server.files.get(path.lstrip("/"))
        if body is None:
            self.send_error(404)
            return
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", LAST_MODIFIED)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class Site(ThreadingHTTPServer):
    """A member's web server: `files` by path, or a `behaviours[path]` (or ``"*"``) instead."""

    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.files: dict[str, bytes] = {}
        self.behaviours: dict[str, Callable[[Handler], None]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def publish(self, output: Path) -> None:
        """Serve the open data of a built site's `output`."""
        self.files = {
            f"data/{p.name}": p.read_bytes() for p in (output / "data").iterdir() if p.suffix == ".json"
        }

    def json(self, name: str) -> Any:
        return json.loads(self.files[name])

    def tamper(self, entries: list[Any] | None = None, **manifest: Any) -> None:
        """Replace the records (`entries`) and/or manifest keys, keeping its checksum true."""
        if entries is not None:
            self.files["data/inovasi.json"] = json.dumps(entries, ensure_ascii=False).encode()
        document = self.json("data/katalog.json")
        document.update(manifest)
        raw = self.files["data/inovasi.json"]
        document["records"] = {
            **document["records"],
            "sha256": hashlib.sha256(raw).hexdigest(),
            "bytes": len(raw),
        }
        self.files["data/katalog.json"] = json.dumps(document, ensure_ascii=False).encode()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def free_port() -> int:
    """A port nothing listens on (bound, then closed)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def entry(title: str, body: str, unit: str = "Diskominfo", status: str = "aktif", **extra: str) -> str:
    lines = "".join(f"{key}: {value}\n" for key, value in extra.items())
    return (
        f"---\ntitle: {title}\nsummary: Ringkasan {title}.\nunit: {unit}\ncategory: Pelayanan Publik\n"
        f"kind: [digitalisasi]\nyear: 2021\nstatus: {status}\ntags: [layanan]\n{lines}"
        f"sources:\n  - https://example.org/{title.lower().replace(' ', '-')}\n---\n{body}\n"
    )


def member_site(root: Path, agency: str, url: str, entries: dict[str, str], drafts: bool = False) -> Path:
    """`katalog init` a member of `agency` at `root`, write `entries` (slug -> file text),
    build it for the public address `url`; its output folder."""
    flags = ["--nama", f"Katalog {agency}", "--instansi", agency, "--url", url.rstrip("/")]
    assert main(["init", str(root), *flags, *(f"--unit={u}" for u in UNITS), "--no-input"]) == 0
    rebuild(root, url, entries, drafts)
    return root / "output"


def rebuild(root: Path, url: str, entries: dict[str, str], drafts: bool = False) -> None:
    for slug, text in entries.items():
        (root / "content" / "inovasi" / f"{slug}.md").write_text(text, encoding="utf-8")
    overrides = {"KATALOG_PUBLIC_URL": url.rstrip("/"), "KATALOG_INCLUDE_DRAFTS": drafts}
    with chdir(root):
        build(root / "pelicanconf.py", root / "output", overrides)


def network_config(root: Path, members: dict[str, str], **settings: object) -> Path:
    """A jaringan.yaml at `root` listing `members` (slug -> address), with `settings`."""
    lines = ["members:", *(f"  - {{url: '{url}', slug: {slug}}}" for slug, url in members.items())]
    lines += [f"{key}: {value}" for key, value in settings.items()]
    path = root / "jaringan.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
