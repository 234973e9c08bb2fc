""" "Inovasi serupa": the entries most like each entry, computed from the index's postings.

Each entry's key terms are its `KEY_TERMS` best terms per field by tf-idf; a candidate
scores the sum, over those terms, of the term's weight times its BM25 score in the
candidate (`katalog.search.ranking.bm25`, the search's own formula). Order is score descending,
then slug, so a rebuild gives the same lists; an entry is never its own neighbour.

The sums run in numpy, into one row of scores reused for every entry: one search per
entry cost a minute at 1,000 entries, and plain Python dictionaries two minutes at 10,000,
where one common key term ("kabupaten", in half the entries) already means millions of
additions. Each entry's additions happen in the same order as a plain loop (fields, then
its key terms), with the same double-precision operations (test_similarity checks numpy
against the plain definition). Only the candidates an entry's key terms reach are read
back, selected and cleared: a selection (`np.partition`) over all N cells per entry made
the work N² selections' worth, minutes at 100,000 entries; one scan for the non-zero cells
per entry is a small fraction of that.
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import Protocol

import numpy as np

from katalog.search.index import open_index
from katalog.search.postings import FieldPostings, ListsPostings, field_postings
from katalog.search.ranking import FIELD_BOOSTS, K1, B, WhooshStatistics, idf

SIMILAR_FIELDS = ("title", "summary", "body", "tags")
KEY_TERMS = 8  # per field, as Whoosh's `key_terms(numterms=8)` used to give
MAX_SIMILAR = 5


class AllPostings(ListsPostings, Protocol):
    doc_count: int

    def average_length(self, field: str) -> float: ...


def _key_postings(arrays: FieldPostings, doc_count: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions (into the arrays) of every document's key terms, grouped by document in
    key-term order, and each one's tf-idf weight: per document, its `KEY_TERMS` best terms
    by frequency times idf, ties by term (tests/test_similarity.py has the plain loop)."""
    frequencies = arrays.doc_frequencies
    term_idf = np.array([idf(doc_count, int(df)) for df in frequencies.tolist()], dtype=np.float64)
    term_of = np.repeat(np.arange(len(arrays.terms)), frequencies)
    weights = arrays.freqs * term_idf[term_of]  # exactly freq * idf, as the plain loop
    order = np.lexsort((term_of, -weights, arrays.docs))
    docs = arrays.docs[order]
    first = np.searchsorted(docs, docs, side="left")
    chosen = order[(np.arange(len(order)) - first) < KEY_TERMS]
    return chosen, weights[chosen]


def bm25_scores(arrays: FieldPostings, doc_count: int, boost: float, average: float) -> np.ndarray:
    """`ranking.bm25` of every posting, vectorised with the same operations in the same order."""
    frequencies = arrays.doc_frequencies
    term_idf = np.array([idf(doc_count, int(df)) for df in frequencies.tolist()], dtype=np.float64)
    idf_of = np.repeat(term_idf, frequencies)
    tf = arrays.freqs * boost
    return idf_of * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * arrays.lengths / average)))


class _KeyTerms:
    """One field's key terms of every entry, as arrays: entry `row`'s are `weights[k]` for
    k in `first[row]:first[row + 1]` (in key-term order), each adding `weights[k]` times
    the BM25 `scores[begin[k]:end[k]]` to the candidates `docs[begin[k]:end[k]]`.

    Arrays rather than a list of slices per entry: at 10,000 entries, 32 key terms each
    would be hundreds of thousands of small numpy views held at once.
    """

    def __init__(self, stats: AllPostings, field: str, row_of: dict[Hashable, int]) -> None:
        arrays = field_postings(stats, field, row_of)
        self.docs = arrays.docs
        self.scores = bm25_scores(arrays, stats.doc_count, FIELD_BOOSTS[field], stats.average_length(field))
        term_of = np.repeat(np.arange(len(arrays.terms)), arrays.doc_frequencies)
        chosen, weights = _key_postings(arrays, stats.doc_count)  # grouped by entry, ascending
        terms = term_of[chosen]
        self.weights = weights
        self.begin = arrays.starts[terms]
        self.end = arrays.starts[terms + 1]
        self.first = np.searchsorted(arrays.docs[chosen], np.arange(len(row_of) + 1)).tolist()

    def add(self, row: np.ndarray, entry: int) -> None:
        """Add entry `entry`'s key terms' scores to `row`, in key-term order."""
        low, high = self.first[entry], self.first[entry + 1]
        docs, scores = self.docs, self.scores
        weights, begin, end = (
            self.weights[low:high].tolist(),
            self.begin[low:high].tolist(),
            self.end[low:high].tolist(),
        )
        for weight, start, stop in zip(weights, begin, end, strict=True):
            row[docs[start:stop]] += weight * scores[start:stop]


def similar_documents(
    stats: AllPostings, slug_of: dict[Hashable, str], limit: int = MAX_SIMILAR
) -> dict[str, list[str]]:
    """Slug -> up to `limit` (at most five) slugs of the most similar live documents."""
    limit = min(limit, MAX_SIMILAR)
    docs = list(stats.live)
    row_of = {doc: row for row, doc in enumerate(docs)}
    slugs = [slug_of[doc] for doc in docs]
    fields = [_KeyTerms(stats, field, row_of) for field in SIMILAR_FIELDS]  # summation order
    row = np.zeros(len(docs))  # all zeros again after each entry
    result: dict[str, list[str]] = {}
    for entry, slug in enumerate(slugs):
        for field in fields:
            field.add(row, entry)
        row[entry] = 0.0  # never its own neighbour
        reached = np.flatnonzero(row)  # one fast scan; the selection below reads only these
        result[slug] = _best(row, reached, slugs, limit)
        row[reached] = 0.0
    return result


def _best(row: np.ndarray, candidates: np.ndarray, slugs: list[str], limit: int) -> list[str]:
    """The `limit` `candidates` with a score > 0 in `row`, by score descending, ties by slug."""
    values = row[candidates]
    positive = values > 0.0
    candidates, values = candidates[positive], values[positive]
    count = len(candidates)
    if count == 0 or limit <= 0:
        return []
    keep = min(limit, count)
    threshold = np.partition(values, count - keep)[count - keep]
    chosen = candidates[values >= threshold]  # every tie at the boundary, sorted below
    best = sorted(chosen.tolist(), key=lambda other: (-row[other], slugs[other]))
    return [slugs[other] for other in best[:limit]]


def similar(index_dir: Path, slug: str, limit: int = 5) -> list[str]:
    """Slugs of up to five entries most like `slug` (see `katalog.search.similarity`), never itself."""
    found = similar_all(index_dir, limit)
    if slug not in found:
        msg = f"'{slug}' tidak ada di indeks"
        raise KeyError(msg)
    return found[slug]


def similar_all(index_dir: Path, limit: int = 5) -> dict[str, list[str]]:
    """`similar` for every entry of the index, from one pass over its postings."""
    with open_index(index_dir).searcher() as searcher:
        stats = WhooshStatistics(searcher.reader())
        slug_of = {doc: stats.reader.stored_fields(doc)["slug"] for doc in stats.live}
        return similar_documents(stats, slug_of, limit)
