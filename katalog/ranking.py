"""The one definition of search ranking, shared by `katalog search` and the browser's `cari.js`.

Whoosh stays the index and the reference for analysis: it stores the analysed terms, their
postings and the field lengths. The *score*, though, is defined here as a plain function of
statistics that the client index exports too, because Whoosh's matcher tree (BM25F with
block-quality shortcuts, its ``CoordMatcher`` whose bonus depends on a query's maximum
quality) cannot be reproduced in JavaScript bit for bit. ``theme/static/js/cari.js`` implements
exactly the same steps, in the same order, so both rank the same entries in the same order.

The score of a document d for a query::

    score(d)   = sum over parts p of  coord(p, d) * sum over words w of p of  word(w, d)
    word(w, d) = sum over fields f of p, over terms t of w:
                     p.boost * bm25(idf(f, t), freq(f, t, d) * field_boost(f), len(f, d), avglen(f))
    bm25       = idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * len / avglen))     (Whoosh's formula)
    idf(f, t)  = ln(N / (df(f, t) + 1)) + 1                                          (Whoosh's idf)
    coord(p,d) = (1 - COORDINATION) + COORDINATION * matched_words(p, d) / words(p)

Parts: the query's own words (boost 1), each synonym phrasing of ``content/sinonim.yaml``
(SYNONYM_BOOST), and the typo part (FUZZY_BOOST): every surface word of FUZZY_MIN_LENGTH letters
or more, expanded to the unstemmed words of field ``kata`` one Levenshtein edit away with the
same first letter (Whoosh's ``FuzzyTerm(maxdist=1, prefixlength=1)``, the word itself included).
N counts live documents; len is Whoosh's stored (byte-quantised) field length; avglen is the
mean of those over live documents, or 1 when it is 0. Ties are broken by slug. Sums run in the
order written above (parts, words, fields, terms), so Python and JavaScript add the same
floating-point numbers in the same order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Protocol

from whoosh.analysis import Analyzer
from whoosh.reading import IndexReader

from katalog.analysis import analyzer, expand_query, token_groups
from katalog.index import FUZZY_FIELD, TEXT_FIELDS

K1 = 1.2
B = 0.75
COORDINATION = 0.9
SYNONYM_BOOST = 0.8
FUZZY_BOOST = 0.3
FUZZY_MIN_LENGTH = 5
# Text fields searched for exact terms, in summation order, with Whoosh's field boosts.
FIELD_BOOSTS: dict[str, float] = {name: boost for name, (_, boost) in TEXT_FIELDS.items()}

Posting = tuple[Hashable, int, int]  # (document, frequency, field length)


class Statistics(Protocol):
    """What the score needs from an index: Whoosh's (`WhooshStatistics`) or the exported one."""

    doc_count: int

    def average_length(self, field: str) -> float: ...

    def postings(self, field: str, term: str) -> list[Posting]: ...

    def words_starting(self, field: str, first: str) -> Iterable[str]: ...


@dataclass(frozen=True)
class Part:
    """One phrasing of the query: its words (each a tuple of alternative terms) and boost."""

    boost: float
    words: tuple[tuple[str, ...], ...]
    fields: tuple[str, ...]
    fuzzy: bool = False  # words are surface words, expanded to lexicon words one edit away


def bm25(idf: float, tf: float, length: float, average: float) -> float:
    """Whoosh's `scoring.bm25` with its default B and K1."""
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * length / average)))


def idf(doc_count: int, doc_frequency: int) -> float:
    """Whoosh's `WeightingModel.idf`."""
    return math.log(doc_count / (doc_frequency + 1)) + 1


def within_one_edit(word: str, other: str) -> bool:
    """Levenshtein distance <= 1 (insert, delete, substitute; no transposition), as Whoosh's
    `levenshtein_automaton(word, 1, prefix=1)` accepts once the first letter is shared."""
    if word == other:
        return True
    if abs(len(word) - len(other)) > 1:
        return False
    short, long_ = (word, other) if len(word) <= len(other) else (other, word)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    if len(short) == len(long_):
        return short[i + 1 :] == long_[i + 1 :]
    return short[i:] == long_[i + 1 :]


def fuzzy_words(text: str) -> tuple[str, ...]:
    """Surface words of `text` eligible for typo matching, sorted."""
    words = {w for group in token_groups(analyzer(stemming=False), text) for w in group}
    return tuple(sorted(w for w in words if len(w) >= FUZZY_MIN_LENGTH and "-" not in w))


def plan(
    text: str, chain: Analyzer | None = None, synonyms: dict[str, list[str]] | None = None
) -> list[Part]:
    """The parts of a query: its own words, each synonym phrasing, and the typo part."""
    chain = chain or analyzer()
    fields = tuple(FIELD_BOOSTS)
    phrasings = [(text, 1.0)] + [(extra, SYNONYM_BOOST) for extra in expand_query(text, synonyms)]
    parts = [
        Part(boost, tuple(map(tuple, token_groups(chain, phrase))), fields) for phrase, boost in phrasings
    ]
    parts.append(Part(FUZZY_BOOST, tuple((w,) for w in fuzzy_words(text)), (FUZZY_FIELD,), fuzzy=True))
    return [part for part in parts if part.words]


def near_words(stats: Statistics, word: str) -> list[str]:
    """Lexicon words of the typo field one edit from `word`, sharing its first letter, sorted."""
    return sorted(w for w in stats.words_starting(FUZZY_FIELD, word[0]) if within_one_edit(word, w))


def score(parts: list[Part], stats: Statistics) -> dict[Hashable, float]:
    """Score of every document any part matches (see the module docstring for the formula)."""
    totals: dict[Hashable, float] = {}
    for part in parts:
        sums: dict[Hashable, float] = {}
        matched: dict[Hashable, int] = {}
        for word in part.words:
            terms = near_words(stats, word[0]) if part.fuzzy else list(word)
            word_scores = _word_scores(part, terms, stats)
            for doc, value in word_scores.items():
                sums[doc] = sums.get(doc, 0.0) + value
                matched[doc] = matched.get(doc, 0) + 1
        for doc, value in sums.items():
            coord = (1 - COORDINATION) + COORDINATION * matched[doc] / len(part.words)
            totals[doc] = totals.get(doc, 0.0) + coord * value
    return totals


def _word_scores(part: Part, terms: list[str], stats: Statistics) -> dict[Hashable, float]:
    scores: dict[Hashable, float] = {}
    for field in part.fields:
        boost, average = FIELD_BOOSTS.get(field, 1.0), stats.average_length(field)
        for term in terms:
            postings = stats.postings(field, term)
            term_idf = idf(stats.doc_count, len(postings))
            for doc, freq, length in postings:
                value = part.boost * bm25(term_idf, freq * boost, length, average)
                scores[doc] = scores.get(doc, 0.0) + value
    return scores


def rank(
    scores: dict[Hashable, float], slug_of: Callable[[Hashable], str], limit: int | None = None
) -> list[tuple[Hashable, float]]:
    """Documents by descending score, ties by slug; the first `limit` of them."""
    ordered = sorted(scores.items(), key=lambda item: (-item[1], slug_of(item[0])))
    return ordered if limit is None else ordered[:limit]


class WhooshStatistics:
    """`Statistics` read from a Whoosh reader: live documents only, keyed by Whoosh docnum.

    Deleted documents (an incremental update leaves them in old segments until a merge) are
    skipped everywhere, so the statistics equal those of an index rebuilt from scratch.
    """

    def __init__(self, reader: IndexReader) -> None:
        self.reader = reader
        self.live = [d for d in range(reader.doc_count_all()) if not reader.is_deleted(d)]
        self.doc_count = len(self.live)
        self._lengths: dict[str, dict[int, int]] = {}
        self._averages: dict[str, float] = {}

    def lengths(self, field: str) -> dict[int, int]:
        """Whoosh's stored length of `field` per live document (None, in a multi-segment
        index, for an empty field, reads as 0); read once per field."""
        if field not in self._lengths:
            length = self.reader.doc_field_length
            self._lengths[field] = {d: length(d, field, 0) or 0 for d in self.live}
        return self._lengths[field]

    def average_length(self, field: str) -> float:
        if field not in self._averages:
            total = sum(self.lengths(field).values())
            self._averages[field] = total / self.doc_count if total else 1.0
        return self._averages[field]

    def postings(self, field: str, term: str) -> list[Posting]:
        if (field, term) not in self.reader:
            return []
        return self.read_postings(field, term)

    def read_postings(self, field: str, term: str) -> list[Posting]:
        """`postings` for a term known to be in the lexicon (the export walks the lexicon)."""
        boost = self.reader.schema[field].format.field_boost
        lengths = self.lengths(field)
        matcher = self.reader.postings(field, term)
        found: list[Posting] = []
        while matcher.is_active():
            doc = matcher.id()
            if doc in lengths:  # live documents only
                freq = round(matcher.weight() / boost)  # Whoosh stores frequency * field boost
                found.append((doc, freq, lengths[doc]))
            matcher.next()
        return found

    def words_starting(self, field: str, first: str) -> Iterable[str]:
        decode = self.reader.schema[field].from_bytes
        return [decode(b) for b in self.reader.expand_prefix(field, first)]
