"""Query the catalogue's Whoosh index: stems, synonyms, one-typo tolerance and facet filters.

The query is analysed with the analyzer pickled in the index, so it always meets the
terms as they were written. Each query word becomes "any of its stems in any text
field"; words are OR-ed with a coordination bonus (Whoosh's ``OrGroup.factory(0.9)``), so
entries that match more words rank first without dropping partial matches. Typo matches
(one edit, words of five letters or more, against unstemmed words) join with a boost of
0.3 so an exact match always outranks them. Acronyms and their expansions from
``content/sinonim.yaml`` are added as alternative phrasings.

Ranking: `search` scores with `katalog.search.ranking` (one documented function of exported
statistics, which the browser's ``cari.js`` implements too), reading postings and field
lengths from Whoosh, so the CLI and the static search agree on order. Whoosh remains the
index and the reference for analysis; `build_query` keeps the same query as a Whoosh
`Query` for callers that want Whoosh's own matcher (and documents the structure).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from pathlib import Path

from whoosh.analysis import Analyzer
from whoosh.query import And, FuzzyTerm, NullQuery, Or, Query, Term

from katalog.search import ranking
from katalog.search.analysis import expand_query, token_groups
from katalog.search.documents import FUZZY_FIELD, SEARCH_FIELDS
from katalog.search.index import open_index, query_analyzer
from katalog.search.ranking import COORDINATION, FUZZY_BOOST, SYNONYM_BOOST, fuzzy_words


@dataclass(frozen=True)
class Hit:
    """One search result, with what a result list shows."""

    slug: str
    title: str
    url: str
    score: float
    unit: str | None
    year: int | None


def exact_query(chain: Analyzer, text: str, boost: float = 1.0) -> Query:
    """Every query word as "any of its stems in any text field"; words OR-ed with a bonus."""
    words = [
        Or([Term(name, alt, boost=boost) for name in SEARCH_FIELDS for alt in alternatives])
        for alternatives in token_groups(chain, text)
    ]
    if not words:
        return NullQuery
    return Or(words, scale=COORDINATION)


def fuzzy_query(text: str) -> Query:
    """One edit away (same first letter) from each surface word of five letters or more.

    The boost sits on each term: Whoosh ignores the boost of a compound query when scoring.
    """
    terms = [
        FuzzyTerm(FUZZY_FIELD, word, boost=FUZZY_BOOST, maxdist=1, prefixlength=1)
        for word in fuzzy_words(text)
    ]
    if not terms:
        return NullQuery
    return Or(terms, scale=COORDINATION)


def facet_filter(
    unit: str | None = None, bidang: str | None = None, jenis: str | None = None, tahun: int | None = None
) -> Query | None:
    """Facet values (taxonomy slugs, a year) as a filter; None when nothing is selected."""
    selected = {"unit": unit, "bidang": bidang, "jenis": jenis, "tahun": tahun}
    terms = [Term(name, str(value)) for name, value in selected.items() if value is not None]
    return And(terms) if terms else None


def build_query(chain: Analyzer, text: str, synonyms: dict[str, list[str]] | None = None) -> Query:
    """Exact words, synonym phrasings (slightly lower) and typo matches (much lower)."""
    parts = [exact_query(chain, text)]
    parts += [exact_query(chain, extra, SYNONYM_BOOST) for extra in expand_query(text, synonyms)]
    parts.append(fuzzy_query(text))
    return Or([p for p in parts if p is not NullQuery])


def search(
    index_dir: Path,
    query: str,
    limit: int = 10,
    unit: str | None = None,
    bidang: str | None = None,
    jenis: str | None = None,
    tahun: int | None = None,
    synonyms: dict[str, list[str]] | None = None,
) -> list[Hit]:
    """Best `limit` entries for `query`, optionally narrowed by facet slugs and year.

    `synonyms` defaults to ``content/sinonim.yaml``; an empty query returns no hits.
    """
    ix = open_index(index_dir)
    parts = ranking.plan(query, query_analyzer(ix), synonyms)
    with ix.searcher() as searcher:
        reader = searcher.reader()
        scores = ranking.score(parts, ranking.WhooshStatistics(reader))
        narrow = facet_filter(unit, bidang, jenis, tahun)
        if narrow is not None:
            allowed = set(searcher.docs_for_query(narrow))
            scores = {doc: value for doc, value in scores.items() if doc in allowed}
        # Only documents that can reach the first `limit` (ties at the cut included) need
        # their stored fields for the slug tie-break: at 10,000 entries a common word
        # scores thousands of documents, and reading each one's fields dominated a query.
        if len(scores) > limit > 0:
            cut = heapq.nlargest(limit, scores.values())[-1]
            scores = {doc: value for doc, value in scores.items() if value >= cut}
        fields = {doc: reader.stored_fields(doc) for doc in scores}
        ranked = ranking.rank(scores, lambda doc: fields[doc]["slug"], limit)
        return [_hit(fields[doc], value) for doc, value in ranked]


def _hit(fields: dict[str, str], score: float) -> Hit:
    year = fields.get("tahun", "")
    return Hit(
        slug=fields["slug"],
        title=fields["title"],
        url=fields["url"],
        score=float(score),
        unit=fields.get("unit") or None,
        year=int(year) if year.isdigit() else None,
    )
