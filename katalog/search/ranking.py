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

import heapq
import math
from collections import Counter
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from whoosh.analysis import Analyzer
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.columns import FixedBytesColumn
from whoosh.matching import Matcher
from whoosh.reading import IndexReader
from whoosh.util.numeric import byte_to_length, length_to_byte

from katalog.search.analysis import analyzer, expand_query, token_groups
from katalog.search.documents import FUZZY_FIELD, TEXT_FIELDS, Analysed

if TYPE_CHECKING:
    # numpy is for the build's bulk postings only; a query (`katalog search`) never loads it.
    from katalog.search.postings import FieldPostings

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
    near = getattr(stats, "words_near", None)  # Whoosh's automaton when the statistics have one
    candidates = near(FUZZY_FIELD, word) if near else stats.words_starting(FUZZY_FIELD, word[0])
    return sorted(w for w in candidates if w[:1] == word[:1] and within_one_edit(word, w))


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


def top_scores(
    parts: list[Part], stats: Statistics, wanted: int, allowed: Collection[Hashable] | None = None
) -> tuple[int, dict[Hashable, float]]:
    """How many documents `parts` match (only `allowed` ones, when given), and those of them
    that can be among the first `wanted` (ties at the cut included), with their scores.

    Only these need their stored fields for the slug tie-break of `rank`: at 10,000 entries
    a common word scores thousands of documents, and reading each one's fields dominated a
    query. `katalog.search.scoring.top_scores` is the same in numpy (for the API).
    """
    scores = score(parts, stats)
    if allowed is not None:
        scores = {doc: value for doc, value in scores.items() if doc in allowed}
    total = len(scores)
    if total > wanted > 0:
        cut = heapq.nlargest(wanted, scores.values())[-1]
        scores = {doc: value for doc, value in scores.items() if value >= cut}
    return total, scores


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
    Field lengths are read as whole columns of length bytes, so a query at 10,000 entries
    does not pay one call per document and field.
    """

    def __init__(self, reader: IndexReader) -> None:
        self.reader = reader
        total = reader.doc_count_all()
        gone: frozenset[int] = frozenset()
        if reader.has_deletions():
            gone = frozenset(base + d for leaf, base in reader.leaf_readers() for d in _deleted_docs(leaf))
        self.live = [d for d in range(total) if d not in gone] if gone else list(range(total))
        self._gone = gone  # deleted documents (an update leaves them until a merge)
        self.doc_count = len(self.live)
        self._bytes: dict[str, bytes] = {}
        self._averages: dict[str, float] = {}
        self._all: dict[str, dict[str, list[Posting]]] = {}

    @property
    def gone(self) -> frozenset[int]:
        """Deleted document numbers (an update leaves them in their segment until a merge)."""
        return self._gone

    def length_bytes(self, field: str) -> bytes:
        """Whoosh's length byte of `field` for every document number (0: empty field)."""
        if field not in self._bytes:
            parts = [_leaf_length_bytes(leaf, field) for leaf, _ in self.reader.leaf_readers()]
            self._bytes[field] = b"".join(parts)
        return self._bytes[field]

    def lengths(self, field: str) -> dict[int, int]:
        """Whoosh's stored (byte-quantised) length of `field` per live document."""
        raw = self.length_bytes(field)
        return {d: LENGTHS[raw[d]] for d in self.live}

    def average_length(self, field: str) -> float:
        if field not in self._averages:
            raw = self.length_bytes(field)
            counts = Counter(raw)
            counts.subtract(raw[d] for d in self._gone)
            total = sum(LENGTHS[value] * count for value, count in counts.items())
            self._averages[field] = total / self.doc_count if total else 1.0
        return self._averages[field]

    def postings(self, field: str, term: str) -> list[Posting]:
        if (field, term) not in self.reader:
            return []
        return self.read_postings(field, term)

    def read_postings(self, field: str, term: str) -> list[Posting]:
        """`postings` for a term known to be in the lexicon."""
        boost = self.reader.schema[field].format.field_boost
        raw = self.length_bytes(field)
        found: list[Posting] = []
        for matcher, base in self.segment_matchers(field, term):
            found += self._live_only(_leaf_postings(matcher, base, boost, raw))
        return found

    def segment_matchers(self, field: str, term: str) -> list[tuple[Matcher, int]]:
        """Each segment's matcher of a term, with the segment's first document number; deleted
        documents included (`gone`), weights are frequency * field boost (`segment_blocks`)."""
        leaves = self.reader.leaf_readers()
        return [(_raw_postings(leaf, field, term), base) for leaf, base in leaves if (field, term) in leaf]

    def all_postings(self, field: str) -> dict[str, list[Posting]]:
        """term -> postings of every term of `field`, in one pass over each segment's lexicon
        (the export and "Inovasi serupa" read everything; a lookup per term is slower).
        Kept for the next caller: the build's export and similarity share one read."""
        if field in self._all:
            return self._all[field]
        boost = self.reader.schema[field].format.field_boost
        raw = self.length_bytes(field)
        decode = self.reader.schema[field].from_bytes
        terms: dict[str, list[Posting]] = {}
        for leaf, base in self.reader.leaf_readers():
            for btext in leaf.lexicon(field):
                found = self._live_only(_leaf_postings(_raw_postings(leaf, field, btext), base, boost, raw))
                if found:
                    terms.setdefault(decode(btext), []).extend(found)
        self._all[field] = terms
        return terms

    def _live_only(self, postings: list[Posting]) -> list[Posting]:
        if not self._gone:
            return postings
        gone = self._gone
        return [p for p in postings if p[0] not in gone]

    def top_scores(
        self, parts: list[Part], wanted: int, allowed: Collection[int] | None = None
    ) -> tuple[int, dict[Hashable, float]]:
        """`top_scores` on these statistics (a subclass may compute the same numbers faster)."""
        return top_scores(parts, self, wanted, allowed)

    def words_starting(self, field: str, first: str) -> Iterable[str]:
        decode = self.reader.schema[field].from_bytes
        return [decode(b) for b in self.reader.expand_prefix(field, first)]

    def words_near(self, field: str, word: str) -> Iterable[str]:
        """Lexicon words within one Damerau-Levenshtein edit sharing the first letter: a
        superset of `near_words`' result, found by Whoosh's automaton per segment instead
        of walking every word of the letter."""
        found: set[str] = set()
        for leaf, _ in self.reader.leaf_readers():
            found.update(leaf.terms_within(field, word, 1, prefix=1))
        return found


LENGTHS = [byte_to_length(value) for value in range(256)]  # length byte -> stored length


class MemoryStatistics:
    """`Statistics` of documents analysed in this build, numbered by position in `docs`.

    Equal to `WhooshStatistics` of an index holding the same documents (test_ranking checks
    this): each length is quantised through Whoosh's length byte. The build ranks "Inovasi
    serupa" and exports the browser index from these, so neither waits for Whoosh to write.
    """

    def __init__(self, docs: list[dict[str, Analysed]]) -> None:
        self.docs = docs
        self.live = list(range(len(docs)))
        self.doc_count = len(docs)
        self._lengths: dict[str, list[int]] = {}
        self._all: dict[str, dict[str, list[Posting]]] = {}
        self._arrays: dict[str, FieldPostings] = {}

    def field_postings(self, field: str) -> FieldPostings:
        """Every posting of `field` as arrays (rows are document numbers)."""
        from katalog.search.postings import FieldPostings

        if field not in self._arrays:
            self._arrays[field] = FieldPostings.of_documents(self.docs, field, self.lengths(field))
        return self._arrays[field]

    def lengths(self, field: str) -> list[int]:
        """Whoosh's stored (byte-quantised) length of `field`, by document number."""
        if field not in self._lengths:
            self._lengths[field] = [LENGTHS[length_to_byte(doc[field].length)] for doc in self.docs]
        return self._lengths[field]

    def average_length(self, field: str) -> float:
        total = sum(self.lengths(field))
        return total / self.doc_count if total else 1.0

    def all_postings(self, field: str) -> dict[str, list[Posting]]:
        """term -> postings, documents ascending (as Whoosh's matchers give them)."""
        if field not in self._all:
            arrays = self.field_postings(field)
            columns = (arrays.docs.tolist(), arrays.freqs.tolist(), arrays.lengths.tolist())
            triples = list(zip(*columns, strict=True))
            starts = arrays.starts.tolist()
            self._all[field] = {
                term: triples[starts[number] : starts[number + 1]] for number, term in enumerate(arrays.terms)
            }
        return self._all[field]

    def postings(self, field: str, term: str) -> list[Posting]:
        return self.all_postings(field).get(term, [])

    def words_starting(self, field: str, first: str) -> Iterable[str]:
        return sorted(term for term in self.all_postings(field) if term.startswith(first))


WholeStatistics = WhooshStatistics | MemoryStatistics  # the ones that can list every posting


def _leaf_length_bytes(leaf: IndexReader, field: str) -> bytes:
    """One segment's length bytes: its whole column at once when the codec is Whoosh 2.7's
    W3 (a private but pinned layout), else document by document."""
    count = leaf.doc_count_all()
    perdoc = getattr(leaf, "_perdoc", None)
    if hasattr(perdoc, "_cached_reader"):
        column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        if column is None:
            return bytes(count)  # no length column: the field is empty in the whole segment
        if isinstance(column, FixedBytesColumn.Reader) and column._fixedlen == 1:
            stored = min(column._count, count)
            return column._dbfile.get(column._basepos, stored) + bytes(count - stored)
        return bytes(column[d] for d in range(count))
    return bytes(length_to_byte(leaf.doc_field_length(d, field, 0) or 0) for d in range(count))


def _deleted_docs(leaf: IndexReader) -> Iterable[int]:
    """A segment's deleted document numbers: its own set when it keeps one (Whoosh's
    SegmentReader), else asked document by document."""
    found = getattr(leaf, "deleted_docs_set", None)
    if isinstance(found, frozenset):
        return found
    return [d for d in range(leaf.doc_count_all()) if leaf.is_deleted(d)]


def _raw_postings(leaf: IndexReader, field: str, term: str | bytes) -> Matcher:
    """A segment's matcher for a term *including* deleted documents (the caller drops those
    with `_live_only`): Whoosh wraps a segment with deletions in a filter that must be read
    posting by posting, which made a query at 10,000 entries after one update 3x slower."""
    terms = getattr(leaf, "_terms", None)
    if terms is None or not isinstance(getattr(leaf, "deleted_docs_set", None), frozenset):
        return leaf.postings(field, term)
    text = term if isinstance(term, bytes) else leaf.schema[field].to_bytes(term)
    return terms.matcher(field, text, leaf.schema[field].format)


def _leaf_postings(matcher: Matcher, base: int, boost: float, raw: bytes) -> list[Posting]:
    """Postings of one segment's matcher as (docnum, frequency, length), deleted ones too.

    Whoosh stores frequency * field boost as the weight.
    """
    found: list[Posting] = []
    for ids, weights in segment_blocks(matcher):
        found += [
            (base + d, round(w / boost), LENGTHS[raw[base + d]]) for d, w in zip(ids, weights, strict=True)
        ]
    return found


def segment_blocks(matcher: Matcher) -> Iterator[tuple[Sequence[int], Sequence[float]]]:
    """A segment matcher's postings as (document numbers in the segment, weights), a block
    at a time: plain W3 leaf matchers a block (up to 128 postings) at once, reading Whoosh's
    decoded block; anything else (a deletion filter, inlined postings) posting by posting."""
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            yield matcher._ids, matcher._weights
            matcher._next_block()
        return
    while matcher.is_active():
        yield (matcher.id(),), (matcher.weight(),)
        matcher.next()
