"""Search quality on the judged queries: our Whoosh search, the same without stemming, and Pagefind.

Prints a Markdown table of MRR@10 and recall@5 over ``tests/judged_queries.yaml``, then
the queries where an engine misses, so a loss can be explained query by query:

- **katalog**: ``katalog.search.query.search`` on the Whoosh index the build wrote;
- **tanpa stemming**: the same documents, fields, boosts, synonyms and typo matching, but
  every text field analysed with ``analyzer(stemming=False)``. The search code is reused
  unchanged: it analyses queries with the analyzer pickled in the index, so an index
  written with the plain chain is queried with the plain chain;
- **pagefind**: Pagefind (``pagefind-bin``, the ``bench`` extra) run over a copy of the
  built site, restricted to the innovation pages (the ``article`` element, without the
  "similar entries" list), queried in real Chromium through its JavaScript API.

Run: ``.venv/bin/python -m bench.search_quality [--output DIR] [--no-pagefind]``. Without
``--output`` the real catalogue is built into a temporary folder first; with it, the built
site in DIR and the index in ``--index`` (default ``.katalog/whoosh``) are used.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from whoosh import index as whoosh_index
from whoosh.fields import TEXT

from katalog.content.checking import check_files, collect_files
from katalog.content.taxonomy import Taxonomy
from katalog.search.analysis import analyzer
from katalog.search.documents import TEXT_FIELDS, build_schema, document
from katalog.search.query import search
from katalog.site.build import build
from katalog.tools.browser import headless_chromium, require_chromium, serving

ROOT = Path(__file__).resolve().parent.parent
JUDGED = ROOT / "tests" / "judged_queries.yaml"
TAXONOMY = ROOT / "content" / "taxonomy.yaml"
DEPTH = 10  # results kept per query: MRR is MRR@10
RECALL_AT = 5
# Pagefind sees what our index sees: the entry's article, not menus or the related list.
PAGEFIND_ARGS = [
    "--glob",
    "inovasi/*/index.html",
    "--root-selector",
    "article.innovation",
    "--exclude-selectors",
    'section[aria-labelledby="serupa"]',
]
SLUG_IN_URL = re.compile(r"inovasi/([^/]+)/")

Ranker = Callable[[str], list[str]]


@dataclass(frozen=True)
class Judged:
    """One judged query: what staff typed and the slugs that answer it."""

    query: str
    relevant: frozenset[str]


@dataclass(frozen=True)
class Scores:
    """Mean figures of one engine over the judged set, and the queries it handled badly."""

    mrr: float
    recall: float
    misses: list[str]


def load_judged(path: Path = JUDGED) -> list[Judged]:
    """The judged set; every query needs at least one relevant slug."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    judged = [Judged(item["query"], frozenset(item["relevant"])) for item in data["queries"]]
    if any(not j.relevant for j in judged):
        msg = f"{path}: every query needs relevant slugs"
        raise ValueError(msg)
    return judged


def reciprocal_rank(ranked: list[str], relevant: frozenset[str]) -> float:
    """1/rank of the first relevant slug in `ranked`, 0 when none is there."""
    return next((1 / rank for rank, slug in enumerate(ranked, 1) if slug in relevant), 0.0)


def recall_at(ranked: list[str], relevant: frozenset[str], k: int = RECALL_AT) -> float:
    """Share of the relevant slugs found in the first `k` results."""
    return len(relevant & set(ranked[:k])) / len(relevant)


def evaluate(rank: Ranker, judged: list[Judged]) -> Scores:
    """MRR and recall@5 of `rank` over `judged`; a miss is a query with recall@5 below 1."""
    mrr = recall = 0.0
    misses = []
    for item in judged:
        ranked = rank(item.query)[:DEPTH]
        rr, rec = reciprocal_rank(ranked, item.relevant), recall_at(ranked, item.relevant)
        mrr, recall = mrr + rr, recall + rec
        if rec < 1:
            lost = ", ".join(sorted(item.relevant - set(ranked[:RECALL_AT])))
            misses.append(f"{item.query!r}: RR {rr:.2f}, recall@5 {rec:.2f}, tidak di 5 teratas: {lost}")
    return Scores(mrr / len(judged), recall / len(judged), misses)


# --- Whoosh: ours and the no-stemming baseline ----------------------------------------------


def real_entries(content: Path = ROOT / "content") -> tuple[list[Any], Taxonomy]:
    """The validated entries of `content`/inovasi and the taxonomy, as the build reads them."""
    taxonomy = Taxonomy.load(TAXONOMY)
    report = check_files(collect_files([content / "inovasi"]), taxonomy)
    if report.errors:
        msg = f"{len(report.errors)} masalah di {content}; jalankan `katalog check`"
        raise SystemExit(msg)
    return report.entries, taxonomy


def plain_schema() -> Any:
    """The index schema with every ranked text field analysed without stemming.

    Same fields, boosts, stored and vector flags as ``build_schema``; only the chain differs.
    """
    schema, plain = build_schema(), analyzer(stemming=False)
    for name, (_, boost) in TEXT_FIELDS.items():
        stored = schema[name].stored
        schema.remove(name)
        schema.add(name, TEXT(analyzer=plain, field_boost=boost, stored=stored, vector=True))
    return schema


def write_plain_index(entries: list[Any], taxonomy: Taxonomy, folder: Path) -> Path:
    """Write the no-stemming baseline index of `entries` into `folder` (created afresh)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    ix = whoosh_index.create_in(str(folder), plain_schema())
    with ix.writer() as writer:
        for entry in entries:
            writer.add_document(**document(entry, taxonomy))
    return folder


def whoosh_ranker(index_dir: Path) -> Ranker:
    """Slugs in rank order from ``katalog.search.query.search`` on `index_dir`."""
    return lambda query: [hit.slug for hit in search(index_dir, query, limit=DEPTH)]


def build_real_site(work: Path) -> tuple[Path, Path]:
    """Build content/ into `work`/output with its Whoosh index in `work`/whoosh."""
    output, index_dir = work / "output", work / "whoosh"
    overrides = {
        "PATH": str(ROOT / "content"),
        "KATALOG_TAXONOMY": str(TAXONOMY),
        "KATALOG_INDEX_DIR": str(index_dir),
    }
    build(ROOT / "pelicanconf.py", output, overrides)
    return output, index_dir


# --- Pagefind in Chromium ---------------------------------------------------------------------


def serve(folder: Path) -> AbstractContextManager[str]:
    """Serve `folder` without our CSP: Pagefind's WebAssembly would be refused by it."""
    return serving(folder, security_headers=False)


def chromium() -> AbstractContextManager[Any]:
    """Debian's Chromium driven by Playwright; a clear exit when it is missing."""
    try:
        require_chromium()
    except FileNotFoundError as exc:
        raise SystemExit(str(exc)) from None
    return headless_chromium()


PROBE_PAGE = "<!doctype html><html lang=id><meta charset=utf-8><title>pagefind</title></html>\n"


def pagefind_site(site: Path, work: Path) -> Path:
    """Copy `site` into `work`, index it with Pagefind and add an empty probe page."""
    target = work / "pagefind-site"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(site, target)
    command = [sys.executable, "-m", "pagefind_bin", "--site", str(target), "--quiet", *PAGEFIND_ARGS]
    try:
        subprocess.run(command, check=True)
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        msg = f"Pagefind gagal ({exc}); pasang extra bench: .venv/bin/pip install -e '.[bench]'"
        raise SystemExit(msg) from exc
    (target / "probe.html").write_text(PROBE_PAGE, encoding="utf-8")
    return target


# Runs in the page: the JavaScript API, the data of the first `depth` results, their URLs.
PAGEFIND_QUERY = """async ([query, depth]) => {
  const pagefind = await import("/pagefind/pagefind.js");
  const search = await pagefind.search(query);
  const data = await Promise.all(search.results.slice(0, depth).map((r) => r.data()));
  return data.map((d) => d.url);
}"""


def slugs_of(urls: list[str]) -> list[str]:
    """Innovation slugs of result URLs, in order; other pages are dropped."""
    return [m.group(1) for url in urls if (m := SLUG_IN_URL.search(url))]


@contextmanager
def pagefind_ranker(site: Path, work: Path) -> Iterator[Ranker]:
    """A ranker that asks Pagefind, in Chromium, over a Pagefind-indexed copy of `site`."""
    target = pagefind_site(site, work)
    with serve(target) as base, chromium() as browser:
        page = browser.new_page()
        page.goto(f"{base}/probe.html")
        yield lambda query: slugs_of(page.evaluate(PAGEFIND_QUERY, [query, DEPTH]))


# --- Report --------------------------------------------------------------------------------


def table(results: dict[str, Scores], count: int) -> str:
    """The Markdown table of the README."""
    lines = [
        f"| Mesin ({count} kueri) | MRR@{DEPTH} | recall@{RECALL_AT} |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {name} | {s.mrr:.3f} | {s.recall:.3f} |" for name, s in results.items()]
    return "\n".join(lines)


def run(output: Path | None, index_dir: Path, work: Path, with_pagefind: bool) -> dict[str, Scores]:
    """Score every engine; builds the real site into `work` when `output` is None."""
    if output is None:
        output, index_dir = build_real_site(work)
    judged = load_judged()
    entries, taxonomy = real_entries()
    plain = write_plain_index(entries, taxonomy, work / "whoosh-plain")
    results = {
        "katalog (Whoosh, stemming)": evaluate(whoosh_ranker(index_dir), judged),
        "tanpa stemming": evaluate(whoosh_ranker(plain), judged),
    }
    if with_pagefind:
        with pagefind_ranker(output, work) as rank:
            results["Pagefind 1.5"] = evaluate(rank, judged)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, help="situs yang sudah dibangun (default: bangun dulu)")
    parser.add_argument("--index", type=Path, default=ROOT / ".katalog" / "whoosh", help="indeks Whoosh")
    parser.add_argument("--no-pagefind", action="store_true", help="lewati Pagefind (tanpa Chromium)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="katalog-quality-") as tmp:
        results = run(args.output, args.index, Path(tmp), not args.no_pagefind)
    print(table(results, len(load_judged())))
    for name, scores in results.items():
        print(f"\n{name}: {len(scores.misses)} kueri tanpa recall@5 penuh")
        for line in scores.misses:
            print(f"- {line}")


if __name__ == "__main__":
    main()
