"""Bytes a browser downloads before it shows the first search result: ours against Pagefind.

Measured in real Chromium from Playwright's network events, with a cold cache per query:
every response's body is fetched and counted at its gzip size (level 9), or at its raw size
when gzip does not make it smaller (Pagefind's files are already compressed). Only what
search needs is counted, on both sides alike: scripts, WebAssembly, the index, its shards
and fragments, manifests. The HTML page itself, stylesheets, images and fonts are excluded.

- **katalog**: ``/cari/?q=...`` of the built site, until the first result link is shown:
  the responses to requests that started before it was (the page goes on to fetch the rest
  of its list, then its warm bundles when idle; `idle_download` counts those);
- **Pagefind**: a copy of the same site indexed by Pagefind (innovation pages only, as in
  ``bench/search_quality.py``), an empty probe page, ``pagefind.search(q)`` and the first
  result's ``data()`` (the fragment a result list needs to show a title).

For the real catalogue and a synthetic one (``bench/synthetic.py``, 10,000 entries by
default), the median over five representative queries is printed as a Markdown table.

Run: ``.venv/bin/python -m bench.search_size [--output DIR] [--n 10000] [--synthetic-output DIR]``.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench.search_quality import ROOT, build_real_site, chromium, pagefind_site, serve
from katalog.site.build import build

REAL_QUERIES = (
    "perjalanan dinas luar negeri",
    "pengaduan masyarakat",
    "kunjungan istana",
    "parkir gbk",
    "ujian kenaikan pangkat",
)
SYNTHETIC_QUERIES = (
    "pelayanan pengaduan",
    "izin usaha",
    "pembayaran pajak",
    "kunjungan wisata",
    "data penduduk",
)
COUNTED_TYPES = frozenset({"script", "fetch", "xhr", "other"})  # not document, stylesheet, image, font
FIRST_RESULT = "#cari-hasil a[href*='inovasi/']"  # the search page's first result link
# Installed before the page's scripts: when the first result link appears (page time).
FIRST_RESULT_TIME = """document.addEventListener("DOMContentLoaded", () => {
  const list = document.getElementById("cari-hasil");
  if (!list) { return; }
  new MutationObserver((records, observer) => {
    if (!list.querySelector("a[href*='inovasi/']")) { return; }
    window.__firstResult = performance.now();
    observer.disconnect();
  }).observe(list, { childList: true, subtree: true });
});"""
STARTED_BEFORE = """() => performance.getEntriesByType("resource")
  .filter((entry) => entry.startTime < window.__firstResult).map((entry) => entry.name)"""
TIMEOUT_MS = 60_000
PAGEFIND_FIRST = """async (query) => {
  const pagefind = await import("/pagefind/pagefind.js");
  const search = await pagefind.search(query);
  if (search.results.length === 0) return null;
  return (await search.results[0].data()).url;
}"""


@dataclass(frozen=True)
class Download:
    """What one query cost: counted bytes and the counted URLs (for the breakdown)."""

    bytes: int
    urls: list[str]


def compressed_size(body: bytes) -> int:
    """Bytes on the wire with gzip -9, or raw when that is smaller (already compressed)."""
    return min(len(body), len(gzip.compress(body, 9)))


def measure(browser: Any, visit: Callable[[Any], object]) -> Download:
    """Run `visit(page)` in a fresh context and add up the counted responses it caused (when
    it returns a set of URLs, only the responses to those)."""
    context = browser.new_context()
    page = context.new_page()
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))
    try:
        visited = visit(page)
        if visited is None:
            msg = "kueri tanpa hasil: pilih kueri yang representatif"
            raise RuntimeError(msg)
        only = visited if isinstance(visited, set) else None
        counted = [
            r
            for r in responses
            if r.request.resource_type in COUNTED_TYPES and r.ok and (only is None or r.url in only)
        ]
        total = sum(compressed_size(r.body()) for r in counted)
        return Download(total, [r.url for r in counted])
    finally:
        context.close()


def ours(base: str, query: str) -> Callable[[Any], object]:
    """Open the search page with `?q=` and wait for the first result link; the URLs of the
    requests that started before it was shown."""

    def visit(page: Any) -> object:
        page.add_init_script(FIRST_RESULT_TIME)
        page.goto(f"{base}/cari/?q={quote(query)}")
        page.wait_for_selector(FIRST_RESULT, timeout=TIMEOUT_MS)
        return set(page.evaluate(STARTED_BEFORE))

    return visit


def idle(base: str) -> Callable[[Any], object]:
    """Open the search page without a query and wait until its warm bundles are in."""

    def visit(page: Any) -> object:
        page.goto(f"{base}/cari/")
        page.evaluate("window.KatalogCari.warmed")
        return True

    return visit


def idle_download(site: Path) -> Download:
    """What opening ``cari/`` and leaving it idle downloads: script, manifest, warm bundles."""
    with serve(site) as base, chromium() as browser:
        return measure(browser, idle(base))


def pagefind(base: str, query: str) -> Callable[[Any], object]:
    """Open the empty probe page, search, and load the first result's data."""

    def visit(page: Any) -> object:
        page.goto(f"{base}/probe.html")
        return page.evaluate(PAGEFIND_FIRST, query)

    return visit


def median_download(site: Path, work: Path, queries: tuple[str, ...]) -> dict[str, Download]:
    """Median download per engine over `queries` (the Download of the median query)."""
    pagefind_copy = pagefind_site(site, work)
    results: dict[str, list[Download]] = {"katalog": [], "Pagefind": []}
    with serve(site) as base_ours, serve(pagefind_copy) as base_pf, chromium() as browser:
        for query in queries:
            results["katalog"].append(measure(browser, ours(base_ours, query)))
            results["Pagefind"].append(measure(browser, pagefind(base_pf, query)))
    return {name: _median(downloads) for name, downloads in results.items()}


def _median(downloads: list[Download]) -> Download:
    middle = statistics.median_low(d.bytes for d in downloads)
    return next(d for d in downloads if d.bytes == middle)


def build_synthetic(n: int, work: Path) -> Path:
    """Generate `n` synthetic entries (seed 7) and build them with our settings."""
    from bench.synthetic import generate

    source = generate(n, work / "corpus", seed=7, formats=("katalog",)) / "katalog"
    output = work / "synthetic-output"
    overrides = {
        "PATH": str(source),
        "KATALOG_TAXONOMY": str(source / "taxonomy.yaml"),
        "KATALOG_INDEX_DIR": str(work / "synthetic-whoosh"),
    }
    build(ROOT / "pelicanconf.py", output, overrides)
    return output


def table(rows: dict[str, dict[str, Download]]) -> str:
    """The Markdown table of the README: median kB per corpus and engine, and the ratio."""
    lines = [
        "| Katalog | katalog (kB) | Pagefind (kB) | katalog / Pagefind |",
        "| --- | ---: | ---: | ---: |",
    ]
    for corpus, medians in rows.items():
        ours_b, theirs_b = medians["katalog"].bytes, medians["Pagefind"].bytes
        lines.append(f"| {corpus} | {ours_b / 1000:.1f} | {theirs_b / 1000:.1f} | {ours_b / theirs_b:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, help="situs nyata yang sudah dibangun (default: bangun dulu)")
    parser.add_argument("--n", type=int, default=10_000, help="jumlah entri sintetis (0: lewati)")
    parser.add_argument("--synthetic-output", type=Path, help="situs sintetis yang sudah dibangun")
    args = parser.parse_args(argv)
    rows: dict[str, dict[str, Download]] = {}
    with tempfile.TemporaryDirectory(prefix="katalog-size-") as tmp:
        work = Path(tmp)
        real = args.output or build_real_site(work / "real")[0]
        rows["nyata (30 entri)"] = median_download(real, work / "real-pf", REAL_QUERIES)
        if args.n or args.synthetic_output:
            start = time.perf_counter()
            synthetic = args.synthetic_output or build_synthetic(args.n, work / "synthetic")
            print(f"situs sintetis siap dalam {time.perf_counter() - start:.0f} s")
            rows[f"sintetis ({args.n} entri)"] = median_download(
                synthetic, work / "syn-pf", SYNTHETIC_QUERIES
            )
    print(table(rows))
    for corpus, medians in rows.items():
        for name, download in medians.items():
            print(f"\n{corpus}, {name}: {len(download.urls)} berkas dihitung (kueri median)")
            for url in download.urls:
                print(f"- {url.split('/', 3)[-1]}")


if __name__ == "__main__":
    main()
