"""Search quality on the judged queries: stemming must pay for itself against a no-stemming index.

Python only (Whoosh); Pagefind and the browser are compared by ``bench/search_quality.py``.
Both indexes hold the same 30 real entries, fields, boosts, synonyms and typo matching;
only the analysis of the text fields differs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.search_quality import (
    JUDGED,
    Scores,
    evaluate,
    load_judged,
    real_entries,
    recall_at,
    reciprocal_rank,
    whoosh_ranker,
    write_plain_index,
)
from katalog.search.index import update_index

# Floors with margin below what the judged set measured on 2026-11-25 (recall@5 0.974, MRR@10
# 1.000): a drop past them means a real regression, not a tie broken differently.
RECALL_FLOOR = 0.9
MRR_FLOOR = 0.95


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Scores]:
    folder = tmp_path_factory.mktemp("quality")
    entries, taxonomy = real_entries()
    update_index(entries, folder / "stemmed", taxonomy)
    write_plain_index(entries, taxonomy, folder / "plain")
    judged = load_judged()
    return {
        "stemmed": evaluate(whoosh_ranker(folder / "stemmed"), judged),
        "plain": evaluate(whoosh_ranker(folder / "plain"), judged),
    }


def test_judged_set_is_large_and_names_real_entries() -> None:
    judged = load_judged(JUDGED)
    slugs = {p.stem for p in (Path(__file__).parent.parent / "content" / "inovasi").glob("*.md")}
    assert len(judged) >= 30
    assert len({j.query for j in judged}) == len(judged)
    assert {s for j in judged for s in j.relevant} - slugs == set()


def test_metrics_count_ranks_and_the_first_five_only() -> None:
    relevant = frozenset({"a", "b"})
    assert reciprocal_rank(["x", "b", "a"], relevant) == 0.5
    assert reciprocal_rank(["x", "y"], relevant) == 0.0
    assert recall_at(["x", "a", "y", "z", "w", "b"], relevant) == 0.5


def test_stemming_finds_more_relevant_entries_than_no_stemming(scores: dict[str, Scores]) -> None:
    assert scores["stemmed"].recall > scores["plain"].recall, scores["stemmed"].misses


def test_recall_at_five_stays_above_its_floor(scores: dict[str, Scores]) -> None:
    assert scores["stemmed"].recall >= RECALL_FLOOR, scores["stemmed"].misses


def test_first_relevant_result_is_no_lower_than_without_stemming(scores: dict[str, Scores]) -> None:
    """Not strictly higher: both put a relevant entry first for every judged query (MRR 1.0).

    On 30 entries each query has one distinctive word that matches unstemmed, so MRR cannot
    separate the two; stemming shows in recall (``mengadu`` meets ``pengaduan``).
    """
    assert scores["stemmed"].mrr >= scores["plain"].mrr
    assert scores["stemmed"].mrr >= MRR_FLOOR, scores["stemmed"].misses
