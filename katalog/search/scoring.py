"""`ranking.score` in numpy, for a reader that answers many queries (the API's generation).

The definition stays `katalog.search.ranking`: this computes the same numbers, to the last
bit, over dense rows indexed by Whoosh document number instead of dictionaries. At 10,000
entries a common word has thousands of postings, and one Python addition per posting made
a query cost 10-50 ms of CPU; here each term's postings are one scatter-add.

Why the sums are equal, not merely close:

- each term's BM25 is computed once per generation (`term_arrays`) with the operations of
  `ranking.bm25`, in its order, in double precision (numpy's ``+ - * /`` round like Python's;
  the idf is `ranking.idf` itself);
- a word's row is zero, then gets each (field, term)'s values added in `ranking.score`'s order
  (a term's documents are distinct, so ``row[docs] += values`` adds once per document), and so
  on up for parts and words: a document a term misses gets ``+ 0.0``, which leaves any
  non-negative double unchanged, and every value here is positive (idf > 0, tf > 0);
- the coordination factor is ``(1 - COORDINATION) + COORDINATION * matched / words`` in
  that order, as in `ranking.score`.

tests/test_search_scoring.py compares both on every search-parity query. `katalog search`
never imports this module: it is one process per query, and numpy's import alone would
cost it more than the sums it saves.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable
from typing import Protocol

import numpy as np

from katalog.search.ranking import (
    COORDINATION,
    FIELD_BOOSTS,
    K1,
    B,
    Part,
    Statistics,
    idf,
    near_words,
)

TermArrays = tuple[np.ndarray, np.ndarray]  # documents (distinct, ascending), BM25 without part boost


class ArrayStatistics(Statistics, Protocol):
    """`ranking.Statistics` that also give each term's scores as arrays."""

    doc_space: int  # one more than the highest document number (deleted ones included)

    def term_arrays(self, field: str, term: str) -> TermArrays: ...


def term_arrays(
    docs: np.ndarray, freqs: np.ndarray, lengths: np.ndarray, doc_count: int, field: str, average: float
) -> TermArrays:
    """A term's documents and `ranking.bm25` of each of its postings in `field` (documents,
    frequencies and stored lengths as `ranking.Statistics.postings` gives them)."""
    term_idf = idf(doc_count, len(docs))
    tf = freqs * FIELD_BOOSTS.get(field, 1.0)
    return docs, term_idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * lengths / average)))


def dense_scores(parts: list[Part], stats: ArrayStatistics) -> tuple[np.ndarray, np.ndarray]:
    """`ranking.score` as two rows by document number: whether any part matched, and the score."""
    size = stats.doc_space
    totals = np.zeros(size)
    reached = np.zeros(size, dtype=bool)
    for part in parts:
        sums = np.zeros(size)
        matched = np.zeros(size, dtype=np.int64)
        for word in part.words:
            terms = near_words(stats, word[0]) if part.fuzzy else word
            row, found = np.zeros(size), np.zeros(size, dtype=bool)
            for field in part.fields:
                for term in terms:
                    docs, values = stats.term_arrays(field, term)
                    row[docs] += values if part.boost == 1.0 else part.boost * values
                    found[docs] = True
            sums += row
            matched += found
        coord = (1 - COORDINATION) + COORDINATION * matched / len(part.words)
        totals += coord * sums
        reached |= matched > 0
    return reached, totals


def top_scores(
    parts: list[Part], stats: ArrayStatistics, wanted: int, allowed: Collection[int] | None = None
) -> tuple[int, dict[Hashable, float]]:
    """`ranking.top_scores` of the same parts: how many documents matched, and those of them
    that can be among the first `wanted` (ties at the cut included), with their scores."""
    reached, totals = dense_scores(parts, stats)
    if allowed is not None:
        keep = np.zeros(stats.doc_space, dtype=bool)
        keep[np.fromiter(allowed, dtype=np.int64, count=len(allowed))] = True
        reached &= keep
    docs = np.flatnonzero(reached)
    values = totals[docs]
    total = len(docs)
    if total > wanted > 0:
        cut = np.partition(values, total - wanted)[total - wanted]
        docs, values = docs[values >= cut], values[values >= cut]
    return total, dict(zip(docs.tolist(), values.tolist(), strict=True))
