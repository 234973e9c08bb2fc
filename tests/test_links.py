"""Internal links fail the build (previous output kept); external links are checked on demand.

External checks run only against a local http.server on 127.0.0.1, never the internet.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from katalog.errors import ContentError
from katalog.tools.cli import main

from .conftest import FIXTURES, build_site


def test_a_broken_link_in_a_body_fails_the_build_and_keeps_the_old_site(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "site", content)
    output = tmp_path / "output"
    build_site(content, output)
    before = (output / "inovasi" / "simpel" / "index.html").read_text(encoding="utf-8")
    source = content / "inovasi" / "simpel.md"
    source.write_text(
        source.read_text(encoding="utf-8")
        + "\nLihat juga [ISTURA](../istura/) dan [hilang](../tidak-ada/).\n",
        encoding="utf-8",
    )
    line = (
        source.read_text(encoding="utf-8")
        .splitlines()
        .index("Lihat juga [ISTURA](../istura/) dan [hilang](../tidak-ada/).")
        + 1
    )
    with pytest.raises(ContentError) as caught:
        build_site(content, output)
    assert [str(p) for p in caught.value.problems] == [
        f"{source}:{line}: isi: tautan '../tidak-ada/' di inovasi/simpel/index.html menuju halaman yang tidak ada"
    ]
    assert (output / "inovasi" / "simpel" / "index.html").read_text(encoding="utf-8") == before
    assert not list(tmp_path.glob(".output-new-*"))


def test_every_internal_link_of_the_fixture_site_resolves(fixture_site: Path) -> None:
    from katalog.site.links import broken_links

    assert list(broken_links(fixture_site)) == []


class _Answers(BaseHTTPRequestHandler):
    """/ok answers 200, /hilang 404, /head-ditolak refuses HEAD but serves GET, /lambat hangs."""

    def do_HEAD(self) -> None:
        if self.path == "/head-ditolak":
            self.send_response(405)
            self.end_headers()
            return
        self.do_GET()

    def do_GET(self) -> None:
        if self.path == "/lambat":
            threading.Event().wait(3)
        code = 404 if self.path == "/hilang" else 200
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_check_links_reports_each_failing_source_with_its_line(
    tmp_path: Path, local_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = tmp_path / "uji.md"
    text = (
        (FIXTURES / "good" / "minimal.md")
        .read_text(encoding="utf-8")
        .replace(
            "  - https://example.org/sumber\n",
            "".join(f"  - {local_server}/{p}\n" for p in ["ok", "hilang", "head-ditolak", "lambat"]),
        )
    )
    entry.write_text(text, encoding="utf-8")
    code = main(["check", str(entry), "--links", "--timeout", "1"])
    out = [line for line in capsys.readouterr().out.splitlines() if "peringatan:" not in line]
    assert code == 1
    assert out == [
        f"{entry}:11: sources[1]: tautan '{local_server}/hilang' gagal dibuka: HTTP 404",
        f"{entry}:13: sources[3]: tautan '{local_server}/lambat' gagal dibuka: tidak menjawab dalam 1 detik",
    ]


def test_check_without_links_never_opens_a_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network used")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    assert main(["check", str(FIXTURES / "good" / "minimal.md")]) == 0
