"""The devserver in real Chromium: edit -> the page changes; break -> overlay; fix -> recovers."""

from __future__ import annotations

import json
import shutil
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from katalog.errors import Problem
from katalog.site.build import build
from katalog.tools.devserver import DevServer, changed_files, error_page, inject, page_name, snapshot

from .conftest import FIXTURES, ROOT, TAXONOMY
from .test_incremental import tree

WAIT_MS = 30_000  # generous: a rebuild on a loaded CI machine; not a speed assertion


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[DevServer, Path, list[str]]]:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "site", content)
    said: list[str] = []
    overrides = {
        "PATH": str(content),
        "KATALOG_TAXONOMY": str(TAXONOMY),
        "KATALOG_INDEX_DIR": str(tmp_path / "whoosh"),
        "KATALOG_CACHE_DIR": str(tmp_path / "cache"),
    }
    server = DevServer(
        ROOT / "pelicanconf.py", tmp_path / "output", overrides, port=0, interval=0.1, say=said.append
    )
    server.start()
    yield server, content, said
    server.stop()


def test_edit_break_and_fix_a_file_in_the_browser(browser, site) -> None:
    from playwright.sync_api import expect

    server, content, said = site
    source = content / "inovasi" / "simpel.md"
    original = source.read_text(encoding="utf-8")
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url + "inovasi/simpel/")
    expect(page.locator("h1")).to_have_text("SIMPEL")

    # Edit: the open page reloads by itself and shows the new title.
    source.write_text(original.replace("title: SIMPEL\n", "title: SIMPEL Daring\n"), encoding="utf-8")
    expect(page.locator("h1")).to_have_text("SIMPEL Daring", timeout=WAIT_MS)
    # The page shows first; the rest of the site completes behind it. A save before that
    # supersedes the pass, and a failure then restores the last *complete* site.
    wait_until_idle(server)

    # Break: the same page becomes the error overlay naming the file, the line and the field.
    broken = original.replace("title: SIMPEL\n", "title: SIMPEL Daring\n").replace(
        "year: 2017", 'year: "2017"'
    )
    source.write_text(broken, encoding="utf-8")
    overlay = page.locator(".katalog-overlay")
    expect(overlay).to_be_visible(timeout=WAIT_MS)
    expect(overlay.locator("h1")).to_have_text("Situs belum dapat dibangun: 1 masalah")
    problem = overlay.locator(".problem")
    expect(problem.locator(".file")).to_have_text(f"{source}")
    expect(problem.locator(".line")).to_have_text("9")
    expect(problem.locator(".field")).to_have_text("year")
    expect(problem.locator(".message")).to_contain_text("harus berupa bilangan bulat")
    expect(problem.locator(".excerpt .here")).to_contain_text('year: "2017"')
    # Other pages are replaced by the overlay too, and the last good site stays in output/.
    built = (server.output / "inovasi" / "simpel" / "index.html").read_text(encoding="utf-8")
    assert "SIMPEL Daring" in built and "__katalog" not in built

    # Fix: the overlay goes away on its own and the page is back.
    source.write_text(broken.replace('year: "2017"', "year: 2018"), encoding="utf-8")
    expect(page.locator("h1")).to_have_text("SIMPEL Daring", timeout=WAIT_MS)
    expect(page.locator(".katalog-overlay")).to_have_count(0)
    expect(page.locator(".facts").first).to_contain_text("2018")
    assert errors == []
    assert any(line.startswith(f"{source}:9: year: ") for line in said)


def test_the_error_page_is_served_for_every_html_request(site) -> None:
    server, content, _ = site
    (content / "inovasi" / "istura.md").write_text("---\ntitle: [\n---\nisi\n", encoding="utf-8")
    server.rebuild("uji")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(server.url)
    body = caught.value.read().decode()
    assert caught.value.code == 500
    assert 'istura.md</code>, baris <strong class="line">2</strong>' in body
    # Static files still come from the last good build.
    with urllib.request.urlopen(server.url + "theme/css/site.css") as response:
        assert response.status == 200


def test_reload_script_is_injected_at_serve_time_only() -> None:
    page = "<html><head><title>x</title></head><body></body></html>"
    assert inject(page, 7) == (
        '<html><head><title>x</title><script src="/__katalog/reload.js" data-generation="7" defer></script>\n'
        "</head><body></body></html>"
    )


def test_error_page_escapes_what_it_quotes() -> None:
    text = error_page([Problem("x.md", 3, "title", "<b>bukan</b> teks")], None, 1)
    assert "&lt;b&gt;bukan&lt;/b&gt; teks" in text
    assert "<script>" not in text.replace('<script src="/__katalog/reload.js"', "")


def test_snapshot_sees_edits_additions_and_deletions(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("a", encoding="utf-8")
    before = snapshot([tmp_path])
    (tmp_path / "a.md").write_text("aa", encoding="utf-8")
    (tmp_path / "b.md").write_text("b", encoding="utf-8")
    assert changed_files(before, snapshot([tmp_path])) == [tmp_path / "a.md", tmp_path / "b.md"]
    (tmp_path / "a.md").unlink()
    assert changed_files(before, snapshot([tmp_path])) == [tmp_path / "a.md", tmp_path / "b.md"]


def wait_until_idle(server: DevServer, timeout: float = 60) -> None:
    """Until the watcher saw the save and the pass (or build) it started is complete."""
    time.sleep(server.interval * 3)  # the watcher's poll and its quiet moment
    deadline = time.monotonic() + timeout
    while not server.idle():
        assert time.monotonic() < deadline, "the devserver did not finish"
        time.sleep(0.05)


def version(server: DevServer, page: str) -> int:
    with urllib.request.urlopen(f"{server.url}__katalog/status?page={page}") as response:
        return json.loads(response.read())["generation"]


def test_output_equals_a_clean_build_after_saves(site, tmp_path: Path) -> None:
    server, content, said = site
    source = content / "inovasi" / "simpel.md"
    original = source.read_text(encoding="utf-8")
    before = {page: version(server, page) for page in ("/inovasi/simpel/", "/tentang/", "/")}
    source.write_text(
        original.replace("title: SIMPEL\n", "title: SIMPEL Daring\n").replace(
            "unit: Biro Kerja Sama Teknik Luar Negeri", "unit: Biro Hubungan Masyarakat"
        ),
        encoding="utf-8",
    )
    (content / "inovasi" / "simpel-kedua.md").write_text(
        original.replace("slug: simpel", "slug: simpel-kedua")
    )
    (content / "inovasi" / "istura.md").unlink()
    wait_until_idle(server)
    assert any(line.startswith("Tampil: inovasi/") for line in said)  # shown before the rest
    # Only pages whose files changed reload: the edited entry and the home page, not `tentang`.
    after = {page: version(server, page) for page in before}
    assert after["/inovasi/simpel/"] > before["/inovasi/simpel/"]
    assert after["/"] > before["/"]
    assert after["/tentang/"] == before["/tentang/"]
    clean = tmp_path / "clean" / "output"
    cache = {
        "KATALOG_INDEX_DIR": str(tmp_path / "clean-whoosh"),
        "KATALOG_CACHE_DIR": str(tmp_path / "clean-cache"),
    }
    build(ROOT / "pelicanconf.py", clean, {**server.overrides, **cache})
    assert tree(server.output) == tree(clean)


def test_page_names_of_urls() -> None:
    assert page_name("/") == "index.html"
    assert page_name("/inovasi/simpel/") == "inovasi/simpel/index.html"
    assert page_name("/cari/indeks/manifest.json") == "cari/indeks/manifest.json"
    assert page_name("/unit/biro%20humas/") == "unit/biro humas/index.html"
