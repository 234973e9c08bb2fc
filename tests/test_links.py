"""Internal links fail the build (previous output kept), and `katalog check` reaches the same
verdict without building; external links are checked on demand.

External checks run only against a local http.server on 127.0.0.1, never the internet.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from katalog.content.taxonomy import Taxonomy
from katalog.errors import ContentError
from katalog.tools.cli import main

from .conftest import FIXTURES, ROOT, TAXONOMY, build_site


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


# --- `katalog check` judges internal links as the build does ------------------------------------


def own_site(tmp_path: Path) -> Path:
    """A copy of the fixture site with its own pelicanconf.py (and the project's taxonomy)."""
    shutil.copytree(FIXTURES / "site", tmp_path / "content")
    (tmp_path / "pelicanconf.py").write_text(
        f"from katalog.settings import *\n\nKATALOG_TAXONOMY = {str(TAXONOMY)!r}\n", encoding="utf-8"
    )
    return tmp_path


def append(source: Path, *lines: str) -> dict[str, int]:
    """Add `lines` to the end of `source`; the line number of each."""
    text = source.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    first = text.count("\n") + 1
    source.write_text(text + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return {line: first + n for n, line in enumerate(lines)}


def errors(out: str) -> list[str]:
    return [line for line in out.splitlines() if ": peringatan: " not in line]


def test_check_reports_broken_body_links_exactly_as_the_build_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = own_site(tmp_path)
    entry = site / "content" / "inovasi" / "simpel.md"
    page = site / "content" / "pages" / "tentang.md"
    lines = append(
        entry,
        "Lihat [hilang](../tidak-ada/), [unit](/unit/tidak-ada/) dan [xyz](../../inovasi/xyz/).",
        "Juga [berkas]({filename}tidak-ada.md) dan [ISTURA]({filename}istura.md).",
    )
    page_line = append(page, "Baca [yang hilang](../hilang/).")["Baca [yang hilang](../hilang/)."]
    broken = {"../tidak-ada/": 0, "/unit/tidak-ada/": 0, "../../inovasi/xyz/": 0, "{filename}tidak-ada.md": 1}
    expected = sorted(
        f"{entry}:{list(lines.values())[n]}: isi: tautan '{href}' di inovasi/simpel/index.html "
        "menuju halaman yang tidak ada"
        for href, n in broken.items()
    )
    on_page = (
        f"{page}:{page_line}: isi: tautan '../hilang/' di tentang/index.html menuju halaman yang tidak ada"
    )
    settings = ["--settings", str(site / "pelicanconf.py")]

    assert main(["check", *settings, str(entry)]) == 1  # one staged file, as the pre-commit hook runs it
    assert errors(capsys.readouterr().out) == expected
    assert main(["check", *settings, str(site / "content")]) == 1  # innovations and static pages
    checked = errors(capsys.readouterr().out)
    assert checked == sorted([*expected, on_page])
    with pytest.raises(ContentError) as caught:
        build_site(site / "content", tmp_path / "output")
    assert [str(p) for p in caught.value.problems] == checked


def test_valid_internal_links_pass_check_and_build(
    tmp_path: Path, taxonomy: Taxonomy, capsys: pytest.CaptureFixture[str]
) -> None:
    site = own_site(tmp_path)
    unit = taxonomy.units.get("PPK Kemayoran")
    assert unit is not None
    append(
        site / "content" / "inovasi" / "simpel.md",
        "Lihat [ISTURA](../istura/), [C-Mantap]({filename}c-mantap.md), [unit](../../unit/"
        f"{unit.slug}/), [tahun](/tahun/2017/) dan [bidang](../../bidang/).",
        "Halaman [Tentang](../../tentang/) ({filename}/pages/tentang.md), data [CSV](../../data/inovasi.csv),",
        "[umpan](../../feeds/semua.atom.xml), [cari](../../cari/?q=izin#hasil), [beranda](../../) dan [di sini](#isi).",
    )
    append(
        site / "content" / "pages" / "tentang.md",
        "Lihat [SIMPEL](../inovasi/simpel/) dan [JSON](../data/inovasi.json).",
    )

    assert main(["check", "--settings", str(site / "pelicanconf.py"), str(site / "content")]) == 0
    out = capsys.readouterr()
    assert errors(out.out) == []
    assert "4 berkas diperiksa, semuanya sah" in out.err
    build_site(site / "content", tmp_path / "output")


def test_check_finds_the_settings_of_the_site_it_runs_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    site = own_site(tmp_path)
    line = append(site / "content" / "inovasi" / "istura.md", "Lihat [x](/unit/tidak-ada/).")
    monkeypatch.chdir(site)
    assert main(["check"]) == 1
    assert errors(capsys.readouterr().out) == [
        f"content/inovasi/istura.md:{line['Lihat [x](/unit/tidak-ada/).']}: isi: tautan '/unit/tidak-ada/' "
        "di inovasi/istura/index.html menuju halaman yang tidak ada"
    ]


def test_without_a_settings_file_check_uses_the_engine_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(FIXTURES / "site", tmp_path / "content")
    shutil.copy(TAXONOMY, tmp_path / "content" / "taxonomy.yaml")
    append(tmp_path / "content" / "inovasi" / "istura.md", "Lihat [SIMPEL](../simpel/) dan [x](../y/).")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "content"]) == 1
    assert [line.split(": isi: ")[1] for line in errors(capsys.readouterr().out)] == [
        "tautan '../y/' di inovasi/istura/index.html menuju halaman yang tidak ada"
    ]


DRAFT = """---
title: Layanan Draf
summary: Entri yang belum boleh terbit.
unit: Biro Hubungan Masyarakat
category: null
kind: [digitalisasi]
year: 2024
status: draft
tags: [draf]
sources:
  - https://example.org/draf
---
Belum terbit; tautan [ini](../tidak-ada/) tidak diperiksa karena halamannya tidak ditulis.
"""


def test_publish_settings_absolute_urls_and_left_out_drafts_get_the_same_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from katalog.site.build import build

    site = own_site(tmp_path)
    publish = site / "publishconf.py"
    publish.write_text(
        (site / "pelicanconf.py").read_text(encoding="utf-8")
        + 'SITEURL = KATALOG_PUBLIC_URL = "https://contoh.go.id"\n'
        + "RELATIVE_URLS = False\nKATALOG_INCLUDE_DRAFTS = False\n",
        encoding="utf-8",
    )
    inovasi = site / "content" / "inovasi"
    (inovasi / "layanan-draf.md").write_text(DRAFT, encoding="utf-8")
    entry = inovasi / "simpel.md"
    own = "https://contoh.go.id/inovasi/hilang/"  # a cited URL into the site itself
    entry.write_text(
        entry.read_text(encoding="utf-8").replace("  - https://example.org/simpel\n", f"  - {own}\n"),
        encoding="utf-8",
    )
    append(
        entry,
        "Lihat [draf](../layanan-draf/), [lagi]({filename}layanan-draf.md), [ISTURA]({filename}istura.md).",
    )

    assert main(["check", "--settings", str(publish), str(site / "content")]) == 1
    checked = errors(capsys.readouterr().out)
    assert [line.split(": isi: tautan ")[1] for line in checked] == [
        f"'{own}' di inovasi/simpel/index.html menuju halaman yang tidak ada",
        "'../layanan-draf/' di inovasi/simpel/index.html menuju halaman yang tidak ada",
        "'{filename}layanan-draf.md' di inovasi/simpel/index.html menuju halaman yang tidak ada",
    ]
    overrides = {"KATALOG_INDEX_DIR": str(tmp_path / "whoosh"), "KATALOG_CACHE_DIR": str(tmp_path / "cache")}
    with pytest.raises(ContentError) as caught:
        build(publish, tmp_path / "output", overrides)
    assert [str(p) for p in caught.value.problems] == checked


@pytest.mark.parametrize(
    ("built", "content"), [("fixture_site", FIXTURES / "site"), ("real_site", ROOT / "content")]
)
def test_check_predicts_every_file_the_build_writes(
    built: str, content: Path, taxonomy: Taxonomy, request: pytest.FixtureRequest
) -> None:
    """The guard against drift: a generator writing a new kind of file fails here until
    `katalog.site.inventory` predicts it."""
    from katalog.site.build import load_settings
    from katalog.site.inventory import SEARCH_MANIFEST, load_site, predict

    output: Path = request.getfixturevalue(built)
    settings = load_settings(
        ROOT / "pelicanconf.py", {"PATH": str(content), "KATALOG_TAXONOMY": str(TAXONOMY)}
    )
    predicted = predict(settings, taxonomy, *load_site(settings, taxonomy)).files
    written = {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}
    pages = {name for name in written if name.endswith("index.html")}
    shards = {name for name in written if name.startswith("cari/indeks/") and name != SEARCH_MANIFEST}
    assert {name for name in predicted if name.endswith(".html")} == pages
    assert predicted == written - shards


def test_the_predicted_search_manifest_is_the_exported_one() -> None:
    from katalog.search.browserindex import CLIENT_DIR, MANIFEST
    from katalog.site.inventory import SEARCH_MANIFEST

    assert f"{CLIENT_DIR.as_posix()}/{MANIFEST}" == SEARCH_MANIFEST


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
