"""Search as you type on cari/: the idle prefetch, late answers to earlier keys, the full list.

Behaviour only, never timing (the figures are `bench/run.py`'s): prefetching changes no
result, a slow answer to an earlier key never replaces the results of a later one, and the
list typed into is the ranking of `katalog search`.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import expect

from katalog.search import browserindex
from katalog.search.index import open_index
from katalog.search.query import search

from .test_client_search import INDEX, SAVE_DATA, _expected_shards, open_search, results

PARITY = yaml.safe_load((Path(__file__).parent / "search_parity_queries.yaml").read_text(encoding="utf-8"))
FACETS = ("unit", "bidang", "jenis", "tahun")
# Every shown status text, in order (installed before the page's scripts).
STATUS_LOG = """document.addEventListener("DOMContentLoaded", () => {
  const status = document.getElementById("cari-status"), log = window.__statusLog = [];
  new MutationObserver(() => { if (status.textContent) { log.push(status.textContent); } })
    .observe(status, { childList: true, characterData: true, subtree: true });
});"""
# Answers to requests for the index files in `window.__slow` arrive `delay` ms late; the
# time each late answer was handed over is kept in `window.__late`.
SLOW_ANSWERS = """(() => {
  const realFetch = window.fetch.bind(window), delay = 1500;
  window.__slow = [];
  window.__late = [];
  window.fetch = (input, init) => {
    const slow = window.__slow.some((file) => String(input).includes("/cari/indeks/" + file + "?"));
    const answer = realFetch(input, init);
    if (!slow) { return answer; }
    return answer.then((response) => new Promise((resolve) => setTimeout(() => {
      window.__late.push(performance.now());
      resolve(response);
    }, delay)));
  };
})();"""


# Resolves once late answers came and none for 300 ms (a function, not a string: the CSP
# forbids evaluating strings, which wait_for_function does).
SETTLED = """() => new Promise((resolve) => {
  const poll = () => window.__late.length && performance.now() - Math.max(...window.__late) > 300
    ? resolve() : setTimeout(poll, 20);
  poll();
})"""


def _parity_results(page: Any) -> list[Any]:
    """The top five (slug, score) of every search-parity query, in the page."""
    items = [[item["q"], {k: str(item[k]) for k in FACETS if k in item}] for item in PARITY]
    return page.evaluate(
        "items => Promise.all(items.map(([q, f]) => window.KatalogCari.search(q, f, 5)))", items
    )


def _index_files(urls: list[str]) -> set[str]:
    return {url.split("?")[0].split(INDEX, 1)[1] for url in urls if INDEX in url}


# --- the export ----------------------------------------------------------------------------


def test_warm_bundles_hold_exactly_the_files_of_their_kind(real_site: Path) -> None:
    folder = real_site / INDEX
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert [kind for kind, _ in manifest["warm"]] == ["k", "d", "t"]  # 35 entries: the whole index
    for kind, path in manifest["warm"]:
        files = {
            p.relative_to(folder).as_posix(): json.loads(p.read_text(encoding="utf-8"))
            for p in (folder / kind).glob("*.json")
        }
        if path.startswith("w/"):
            assert json.loads((folder / path).read_text(encoding="utf-8")) == files
        else:  # a kind of one file is warmed as that file
            assert list(files) == [path]
    spent = sum(len(gzip.compress((folder / path).read_bytes(), 6)) for _, path in manifest["warm"])
    assert spent <= browserindex.WARM_BUDGET_BYTES


def test_warm_bundles_stay_within_the_budget_in_order(
    real_site: Path, tmp_path: Path, taxonomy: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = real_site.parent / ".katalog-whoosh"
    monkeypatch.setattr(browserindex, "WARM_BUDGET_BYTES", 0)
    assert browserindex.export_client_index(index, tmp_path / "none", taxonomy)["warm"] == []
    assert not (tmp_path / "none" / "w").exists()
    first = json.loads((real_site / INDEX / "manifest.json").read_text(encoding="utf-8"))["warm"][0]
    monkeypatch.setattr(
        browserindex, "WARM_BUDGET_BYTES", len(gzip.compress((real_site / INDEX / first[1]).read_bytes(), 6))
    )
    only = browserindex.export_client_index(index, tmp_path / "typo", taxonomy)["warm"]
    assert only == [first]  # the typo words fit exactly; the documents no longer do


def test_typo_word_files_hold_every_lexicon_word_around_their_length(real_site: Path) -> None:
    folder = real_site / INDEX
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    with open_index(real_site.parent / ".katalog-whoosh").searcher() as searcher:
        lexicon = {word.decode() if isinstance(word, bytes) else word for word in searcher.lexicon("kata")}
    by_kind: dict[tuple[str, int], set[str]] = {}
    for word in lexicon:
        by_kind.setdefault((word[0], len(word)), set()).add(word)
    for key, path in manifest["kata"].items():
        letter, length = key.split(":")
        lists = json.loads((folder / path).read_text(encoding="utf-8"))
        expected = {
            str(n): sorted(by_kind[letter, n])
            for n in range(int(length) - 1, int(length) + 2)
            if (letter, n) in by_kind
        }
        assert lists == expected, key
    lengths = {n for _, n in by_kind}
    assert {f"{w[0]}:{len(w)}" for w in lexicon if len(w) >= 5} <= set(
        manifest["kata"]
    )  # every typo word's file
    assert max(lengths) > 5


# --- Chromium ------------------------------------------------------------------------------


def test_after_the_idle_prefetch_queries_download_nothing_and_rank_the_same(
    browser: Any, real_served: str
) -> None:
    cold = browser.new_page()
    cold.add_init_script(SAVE_DATA)
    cold_requests: list[str] = []
    cold.on("request", lambda r: cold_requests.append(r.url))
    cold.goto(f"{real_served}/cari/")
    cold.evaluate("window.KatalogCari.warmed")
    expected = _parity_results(cold)
    assert not any(f.startswith("w/") for f in _index_files(cold_requests))  # saving data: no bundle

    warm = browser.new_page()
    requests: list[str] = []
    warm.on("request", lambda r: requests.append(r.url))
    warm.goto(f"{real_served}/cari/")
    warm.evaluate("window.KatalogCari.warmed")
    prefetched = _index_files(requests)
    assert {"w/0.json", "w/1.json"} <= prefetched  # the bundles came while the page was idle
    requests.clear()
    assert _parity_results(warm) == expected  # same slugs, same scores to the last bit
    assert {f.split("/")[0] for f in _index_files(requests)} <= {"f"}  # only facet files, for filters


def test_a_late_answer_to_an_earlier_key_never_replaces_later_results(
    browser: Any, real_served: str, real_site: Path, real_index_dir: Path
) -> None:
    manifest = json.loads((real_site / INDEX / "manifest.json").read_text(encoding="utf-8"))
    # The shards only the earlier query needs answer late (a shared one would hold both back).
    slow = _expected_shards(real_index_dir, manifest, "pengaduan") - _expected_shards(
        real_index_dir, manifest, "simpel"
    )
    assert slow
    page = browser.new_page()
    page.add_init_script(SAVE_DATA)  # every key fetches what it needs
    page.add_init_script(SLOW_ANSWERS)
    page.add_init_script(STATUS_LOG)
    page.goto(f"{real_served}/cari/")
    page.evaluate("window.KatalogCari.ready")
    page.evaluate("files => { window.__slow = files; }", sorted(slow))
    page.fill("#cari-q", "pengaduan")  # its own shards answer 1.5 s late
    page.fill("#cari-q", "simpel")
    expected = [hit.slug for hit in search(real_index_dir, "simpel", limit=20)]
    expect(page.locator("#cari-hasil li")).to_have_count(len(expected))
    shown_at = page.evaluate("performance.now()")
    page.evaluate(SETTLED)
    assert max(page.evaluate("window.__late")) > shown_at  # the earlier key's answers came after
    assert results(page) == expected
    log = page.evaluate("window.__statusLog")
    assert log[-1] == f"{len(expected)} hasil untuk “simpel”."
    assert not any("“pengaduan”" in text for text in log)


def test_typing_lists_the_ranking_of_katalog_search_without_touching_the_address(
    browser: Any, real_served: str, real_index_dir: Path
) -> None:
    page = open_search(browser, f"{real_served}/cari/")
    page.focus("#cari-q")
    page.keyboard.type("layanan publik")
    expected = [hit.slug for hit in search(real_index_dir, "layanan publik", limit=100)]
    assert len(expected) > 5  # more than the first results shown at once
    more = "; 20 teratas ditampilkan" if len(expected) > 20 else ""
    expect(page.locator("#cari-status")).to_have_text(f"{len(expected)} hasil untuk “layanan publik”{more}.")
    expect(page.locator("#cari-hasil li")).to_have_count(min(len(expected), 20))
    assert results(page) == expected[:20]
    assert page.url.endswith("/cari/")  # typing runs the search; only submitting makes history
