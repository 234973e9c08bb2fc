"""The API's numpy ranking (`katalog.search.scoring`) equals `ranking.score` to the last bit.

`katalog search` sums in plain Python and the API in numpy (`katalog.api.statistics`); both
must give the same documents with the same floating-point scores, not merely close ones, for
every search-parity query, with and without its facet filter, on a fresh index, on one an
update left deleted documents in, and on a synthetic catalogue whose common words have
hundreds of postings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from bench.api_load import popular_queries
from bench.synthetic import generate
from katalog.api.statistics import RememberingStatistics, one_edit
from katalog.content.checking import check_files, collect_files
from katalog.content.taxonomy import Taxonomy
from katalog.content.validate import Entry
from katalog.search import ranking, scoring
from katalog.search.index import open_index, update_index
from katalog.search.query import facet_filter, query_analyzer, ranked_page

from .conftest import ROOT

QUERIES: list[dict[str, Any]] = yaml.safe_load(
    (ROOT / "tests" / "search_parity_queries.yaml").read_text(encoding="utf-8")
)
FACETS = ("unit", "bidang", "jenis", "tahun")


@pytest.fixture(scope="module")
def entries(taxonomy: Taxonomy) -> list[Entry]:
    return check_files(collect_files([ROOT / "content" / "inovasi"]), taxonomy).entries


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory, entries: list[Entry], taxonomy: Taxonomy) -> Path:
    path = tmp_path_factory.mktemp("fresh") / "index"
    update_index(entries, path, taxonomy)
    return path


@pytest.fixture(scope="module")
def updated(tmp_path_factory: pytest.TempPathFactory, entries: list[Entry], taxonomy: Taxonomy) -> Path:
    """The real catalogue after an update: the old versions of two entries stay, deleted."""
    path = tmp_path_factory.mktemp("updated") / "index"
    update_index(entries, path, taxonomy)
    changed = [
        replace(e, innovation=e.innovation.model_copy(update={"summary": "Layanan baru pelayanan izin"}))
        if i in (0, 3)
        else e
        for i, e in enumerate(entries)
    ]
    update_index(changed, path, taxonomy)
    return path


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = generate(300, tmp_path_factory.mktemp("synthetic"), formats=("katalog",)) / "katalog"
    taxonomy = Taxonomy.load(content / "taxonomy.yaml")
    path = content.parent / "index"
    update_index(check_files(collect_files([content / "inovasi"]), taxonomy).entries, path, taxonomy)
    return path


def _readers(folder: Path) -> Iterator[tuple[IndexReader, ranking.WhooshStatistics, RememberingStatistics]]:
    with open_index(folder).reader() as reader:
        yield reader, ranking.WhooshStatistics(reader), RememberingStatistics(reader)


def _allowed(reader: IndexReader, item: dict[str, Any]) -> set[int] | None:
    narrow = facet_filter(**{k: item[k] for k in FACETS if k in item})
    return None if narrow is None else set(Searcher(reader, closereader=False).docs_for_query(narrow))


def _assert_equal_scores(folder: Path, items: list[dict[str, Any]]) -> int:
    """Every query's scores and pages, plain against numpy; how many documents matched."""
    matched = 0
    for reader, plain, fast in _readers(folder):
        chain = query_analyzer(reader)
        for item in items:
            parts = ranking.plan(item["q"], chain)
            expected = ranking.score(parts, plain)
            reached, totals = scoring.dense_scores(parts, fast)
            found = dict(zip(reached.nonzero()[0].tolist(), totals[reached].tolist(), strict=True))
            assert found == expected, item["q"]  # floats compared with ==: the same bits
            matched += len(found)
            allowed = _allowed(reader, item)
            for wanted in (1, 5, 10, 30):
                assert fast.top_scores(parts, wanted, allowed) == plain.top_scores(parts, wanted, allowed)
            pages = [ranked_page(reader, item["q"], 5, 5, allowed=allowed, stats=s) for s in (plain, fast)]
            assert pages[0] == pages[1]
    return matched


def test_every_parity_query_scores_the_same_in_numpy(fresh: Path) -> None:
    assert _assert_equal_scores(fresh, QUERIES) > 5 * len(QUERIES)


def test_deleted_documents_are_skipped_the_same_way(updated: Path) -> None:
    with open_index(updated).reader() as reader:
        assert reader.has_deletions()
    assert _assert_equal_scores(updated, QUERIES) > 5 * len(QUERIES)


def test_the_load_bench_queries_score_the_same_on_a_synthetic_catalogue(synthetic: Path) -> None:
    items = [{"q": q} for q in popular_queries(count=300)]
    assert _assert_equal_scores(synthetic, items) > 50 * len(items)


@pytest.mark.parametrize("index", ["fresh", "updated"])
def test_typo_neighbours_are_whooshs(index: str, request: pytest.FixtureRequest) -> None:
    words = sorted({w for item in QUERIES for w in ranking.fuzzy_words(item["q"])})
    words += [w[:2] + w[3:] for w in words] + [w + "s" for w in words] + ["pelayana", "zzzzzz"]
    for _, plain, fast in _readers(request.getfixturevalue(index)):
        near = {w: ranking.near_words(plain, w) for w in words}
        assert {w: ranking.near_words(fast, w) for w in words} == near
        assert sum(bool(found) for found in near.values()) >= len(words) // 3
        assert sum(len(found) > 1 for found in near.values()) >= 3


def test_columns_are_the_postings(updated: Path) -> None:
    for reader, _, fast in _readers(updated):
        for field in ("title", "summary", "body", "kata"):
            for term in list(reader.field_terms(field))[::7]:
                docs, freqs, lengths = fast.columns(field, term)
                postings = list(zip(docs.tolist(), freqs.tolist(), lengths.tolist(), strict=True))
                assert postings == fast.postings(field, term), (field, term)


def test_one_edit_lists_insertions_deletions_and_substitutions() -> None:
    assert one_edit("ab", "ab") == {"ab", "b", "a", "bb", "aa", "aab", "bab", "abb", "aba"}
