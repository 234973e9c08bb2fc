""" "Inovasi serupa": the entries most like each entry, computed from the index's postings.

One Whoosh search per entry (key terms from term vectors, then an ``Or`` query) cost a
minute at 1,000 entries. Here every posting of the similarity fields is read once and the
same idea runs in memory: each entry's key terms are its `KEY_TERMS` best terms per field
by tf-idf, and a candidate scores the sum, over those terms, of the term's weight times
its BM25 score in the candidate (`katalog.ranking.bm25`, the search's own formula). Order
is score descending, then slug, so a rebuild gives the same lists; an entry is never its
own neighbour.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable

from katalog.ranking import FIELD_BOOSTS, Posting, WhooshStatistics, bm25, idf

SIMILAR_FIELDS = ("title", "summary", "body", "tags")
KEY_TERMS = 8  # per field, as Whoosh's `key_terms(numterms=8)` used to give
MAX_SIMILAR = 5


def key_terms(postings: dict[str, list[Posting]], doc_count: int) -> dict[Hashable, list[tuple[str, float]]]:
    """Document -> its best `KEY_TERMS` (term, tf-idf) of one field, ties by term."""
    per_doc: dict[Hashable, list[tuple[float, str]]] = {}
    for term, found in postings.items():
        weight = idf(doc_count, len(found))
        for doc, freq, _ in found:
            per_doc.setdefault(doc, []).append((-freq * weight, term))
    return {
        doc: [(term, -negative) for negative, term in heapq.nsmallest(KEY_TERMS, scored)]
        for doc, scored in per_doc.items()
    }


def _term_scores(
    found: list[Posting], doc_count: int, boost: float, average: float
) -> list[tuple[Hashable, float]]:
    term_idf = idf(doc_count, len(found))
    return [(doc, bm25(term_idf, freq * boost, length, average)) for doc, freq, length in found]


def similar_documents(
    stats: WhooshStatistics, slug_of: dict[Hashable, str], limit: int = MAX_SIMILAR
) -> dict[str, list[str]]:
    """Slug -> up to `limit` (at most five) slugs of the most similar live documents."""
    limit = min(limit, MAX_SIMILAR)
    totals: dict[Hashable, dict[Hashable, float]] = {doc: {} for doc in stats.live}
    for field in SIMILAR_FIELDS:
        postings = stats.all_postings(field)
        boost, average = FIELD_BOOSTS[field], stats.average_length(field)
        cache: dict[str, list[tuple[Hashable, float]]] = {}
        for doc, terms in key_terms(postings, stats.doc_count).items():
            scores = totals[doc]
            for term, weight in terms:
                if term not in cache:
                    cache[term] = _term_scores(postings[term], stats.doc_count, boost, average)
                for other, value in cache[term]:
                    scores[other] = scores.get(other, 0.0) + weight * value
    result = {}
    for doc, scores in totals.items():
        scores.pop(doc, None)
        best = heapq.nsmallest(limit, scores.items(), key=lambda item: (-item[1], slug_of[item[0]]))
        result[slug_of[doc]] = [slug_of[other] for other, _ in best]
    return result
