"""The static search page (cari/) in Chromium: analyzer, URL state, filters, announcements, shards.

The real catalogue is built once per session (`real_site`); its Whoosh index sits beside the
output in ``.katalog-whoosh``. The browser's analyzer is checked against every line of the
golden file the Python analyzer meets; the first query must download only its own shards.
"""

from __future__ import annotations

import bisect
import gzip
import json
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from katalog.search import ranking
from katalog.search.index import open_index
from katalog.search.query import search

from .conftest import FIXTURES

INDEX = "cari/indeks/"
# Installed before the page's scripts: the browser says the visitor wants to save data, so
# the search page prefetches nothing when idle (cari.js `Files.warm`).
SAVE_DATA = "Object.defineProperty(navigator, 'connection', { value: { saveData: true } });"


def open_search(browser: Any, url: str) -> Any:
    """A fresh page (empty cache) at `url`, returned once the initial search has rendered."""
    page = browser.new_page()
    page.goto(url)
    page.evaluate("window.KatalogCari.ready")
    return page


def golden_lines() -> list[tuple[str, list[str]]]:
    lines = (FIXTURES / "analysis" / "golden.tsv").read_text(encoding="utf-8").splitlines()
    pairs = [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]
    return [(text, tokens.split()) for text, tokens in pairs]


def results(page: Any) -> list[str]:
    hrefs = page.eval_on_selector_all("#cari-hasil h2 a", "links => links.map(a => a.getAttribute('href'))")
    return [re.fullmatch(r"\.\./inovasi/([^/]+)/", href).group(1) for href in hrefs]


# --- the page without a browser ----------------------------------------------------------


def test_search_page_is_a_plain_form_with_an_external_script(real_site: Path) -> None:
    html = (real_site / "cari" / "index.html").read_text(encoding="utf-8")
    assert '<form class="search-form" method="get" action="../cari/" role="search"' in html
    assert '<label for="cari-q">Kata pencarian</label>' in html
    assert '<input type="search" id="cari-q" name="q"' in html
    # The filters are folded in a disclosure named by its summary, in a <template> that cari.js
    # puts in place when it opens (or the address holds a filter).
    assert (
        '<details class="search-filters-toggle">\n  <summary id="cari-saring">Saring hasil</summary>' in html
    )
    assert (
        '<template id="cari-saringan">\n  <fieldset class="search-filters" aria-labelledby="cari-saring">'
        in html
    )
    assert '<select id="cari-unit" name="unit">' in html
    assert '<option value="biro-ktln">Biro KTLN (' in html
    assert '<select id="cari-tahun" name="tahun">' in html
    assert "<noscript>" in html
    assert '<p id="cari-status" class="search-status" role="status" aria-live="polite"></p>' in html
    # Last in the content and not deferred: the address's query starts before the first paint.
    assert '<script src="../theme/js/cari.js"></script>\n' in html
    assert html.index('id="cari-hasil"') < html.index("theme/js/cari.js")
    assert "<script>" not in html and " style=" not in html
    assert '<a href="../cari/" aria-current="page">Cari</a>' in html
    # V8's compile hint stays the script's first line (it must come before any code).
    script = (real_site / "theme" / "js" / "cari.js").read_text(encoding="utf-8")
    assert script.splitlines()[0] == "//# allFunctionsCalledOnLoad"


def test_export_is_deterministic_and_from_the_whoosh_index(real_site: Path, tmp_path: Path, taxonomy) -> None:
    from katalog.search.browserindex import export_client_index

    folder = real_site / INDEX
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    whoosh_count = open_index(real_site.parent / ".katalog-whoosh").doc_count()
    assert manifest["doc_count"] == whoosh_count >= 35
    assert len(manifest["shards"]) > 10
    export_client_index(real_site.parent / ".katalog-whoosh", tmp_path / "again", taxonomy)
    written = {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*.json"))}
    again = {
        p.relative_to(tmp_path / "again"): p.read_bytes()
        for p in sorted((tmp_path / "again").rglob("*.json"))
    }
    assert written == again


# --- Chromium ------------------------------------------------------------------------------


def test_js_analyzer_reproduces_every_golden_line(browser: Any, real_served: str) -> None:
    page = open_search(browser, f"{real_served}/cari/")
    lines = golden_lines()
    assert len(lines) > 100
    got = page.evaluate(
        "texts => Promise.all(texts.map(t => window.KatalogCari.analyse(t)))", [t for t, _ in lines]
    )
    mismatches = [(text, tokens, js) for (text, tokens), js in zip(lines, got, strict=True) if js != tokens]
    assert mismatches == []


def test_query_in_the_url_runs_and_announces_the_count(
    browser: Any, real_served: str, real_index_dir: Path
) -> None:
    page = open_search(browser, f"{real_served}/cari/?q=pengaduan")
    expected = [hit.slug for hit in search(real_index_dir, "pengaduan", limit=100)]
    assert page.input_value("#cari-q") == "pengaduan"
    assert page.get_attribute("#cari-status", "aria-live") == "polite"
    assert page.inner_text("#cari-status") == f"{len(expected)} hasil untuk “pengaduan”."
    assert results(page) == expected[:20]


def test_matched_words_are_highlighted(browser: Any, real_served: str) -> None:
    page = open_search(browser, f"{real_served}/cari/?q=pengaduan+masyarakat")
    marks = page.eval_on_selector_all("#cari-hasil mark", "ms => ms.map(m => m.textContent.toLowerCase())")
    assert "pengaduan" in marks and "masyarakat" in marks
    stems = page.evaluate("ws => Promise.all(ws.map(w => window.KatalogCari.analyse(w)))", marks)
    assert all({"adu", "kadu", "masyarakat"} & set(forms) for forms in stems), list(
        zip(marks, stems, strict=True)
    )


def test_facet_filters_combine_with_the_query_and_live_in_the_url(browser: Any, real_served: str) -> None:
    page = open_search(browser, f"{real_served}/cari/?q=aplikasi&jenis=digitalisasi&tahun=2018")
    assert sorted(results(page)) == ["c-mantap", "c-skip", "simpel-mobile"]
    assert page.input_value("#cari-jenis") == "digitalisasi"
    assert page.locator("details.search-filters-toggle").get_attribute("open") == ""  # a filter: shown
    assert page.inner_text("#cari-status") == "3 hasil untuk “aplikasi” dengan saringan terpilih."
    page.select_option("#cari-bidang", "keuangan")
    expect(page).to_have_url(re.compile(r"bidang=keuangan"))
    expect(page.locator("#cari-hasil li")).to_have_count(1)
    assert results(page) == ["c-mantap"]


def test_the_filters_stay_folded_until_asked_for_and_open_by_keyboard(browser: Any, real_served: str) -> None:
    page = open_search(browser, f"{real_served}/cari/?q=aplikasi")
    assert page.locator("details.search-filters-toggle").get_attribute("open") is None
    assert page.locator("select").count() == 0  # kept in a <template>: nothing to style or lay out
    page.focus("#cari-saring")
    page.keyboard.press("Enter")
    assert page.is_visible("#cari-unit")
    assert page.locator("template").count() == 0
    page.select_option("#cari-jenis", "digitalisasi")
    expect(page).to_have_url(re.compile(r"jenis=digitalisasi"))  # pushed before the search runs
    expect(page.locator("#cari-status")).to_have_text(re.compile(r"dengan saringan terpilih\.$"))
    page.close()


def test_typing_and_back_forward_keep_the_url_and_results_in_step(browser: Any, real_served: str) -> None:
    page = open_search(browser, f"{real_served}/cari/")
    assert page.inner_text("#cari-status") == ""
    page.focus("#cari-q")
    page.keyboard.type("istura")
    page.keyboard.press("Enter")
    expect(page.locator("#cari-status")).to_contain_text("“istura”")
    assert page.url.endswith("/cari/?q=istura")
    assert results(page)[0] == "istura"
    page.fill("#cari-q", "simpel")
    page.keyboard.press("Enter")
    expect(page.locator("#cari-status")).to_contain_text("“simpel”")
    assert results(page)[0] == "simpel"
    page.go_back()
    expect(page.locator("#cari-status")).to_contain_text("“istura”")
    assert page.input_value("#cari-q") == "istura"
    assert results(page)[0] == "istura"
    page.go_forward()
    expect(page.locator("#cari-status")).to_contain_text("“simpel”")
    assert page.input_value("#cari-q") == "simpel"


def test_no_result_is_announced(browser: Any, real_served: str) -> None:
    page = open_search(browser, f"{real_served}/cari/?q=zirkonium")
    assert page.inner_text("#cari-status") == "Tidak ada hasil untuk “zirkonium”."
    assert results(page) == []


def test_no_console_errors_or_failed_requests(browser: Any, real_served: str) -> None:
    page = browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "console",
        lambda m: (
            problems.append(m.text) if m.type == "error" and "favicon" not in m.location["url"] else None
        ),
    )
    page.on(
        "response", lambda r: problems.append(r.url) if r.status >= 400 and "favicon" not in r.url else None
    )
    page.goto(f"{real_served}/cari/?q=perjalanan+dinas+luar+negri&unit=biro-ktln")
    page.evaluate("window.KatalogCari.ready")
    assert results(page)[:1] == ["simpel"]
    assert problems == []


def _expected_shards(real_index_dir: Path, manifest: dict[str, Any], query: str) -> set[str]:
    """Shard files holding the terms `katalog.search.ranking` looks up for `query`."""
    with open_index(real_index_dir).searcher() as searcher:
        stats = ranking.WhooshStatistics(searcher.reader())
        terms = set()
        for part in ranking.plan(query):
            for word in part.words:
                terms.update(ranking.near_words(stats, word[0]) if part.fuzzy else word)
    shards = manifest["shards"]
    return {f"t/{bisect.bisect_right(shards, t) - 1}.json" for t in terms if t >= shards[0]}


def test_first_query_downloads_only_its_shards(
    browser: Any, real_served: str, real_site: Path, real_index_dir: Path
) -> None:
    page = browser.new_page()
    page.add_init_script(SAVE_DATA)  # no idle prefetch: only what the query itself needs
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url.split("?")[0]))
    page.goto(f"{real_served}/cari/?q=pengaduan")
    page.evaluate("window.KatalogCari.ready")
    index_files = {u.split(INDEX, 1)[1] for u in fetched if INDEX in u}
    manifest = json.loads((real_site / INDEX / "manifest.json").read_text(encoding="utf-8"))
    shards = {f for f in index_files if f.startswith("t/")}
    assert shards == _expected_shards(real_index_dir, manifest, "pengaduan")
    assert 0 < len(shards) < len(manifest["shards"]) / 4
    # The typo words around nine letters starting with p: one file for "pengaduan".
    assert {f for f in index_files if f.startswith("k/")} == {manifest["kata"]["p:9"]}
    assert not any(f.startswith(("f/", "w/")) for f in index_files)  # no filter, no bundle
    # Everything the search downloaded, gzip-compressed, stays far below Pagefind's ~129 KB.
    site_files = [real_site / u.split(real_served + "/", 1)[1] for u in fetched if u.startswith(real_served)]
    first_query = sum(len(gzip.compress(p.read_bytes(), 9)) for p in site_files if "cari/indeks" in str(p))
    assert first_query < 30_000
