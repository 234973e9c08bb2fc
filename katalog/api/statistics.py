"""Index statistics that remember what queries read, and score in numpy.

`katalog search` reads each posting list once per process, so `ranking.WhooshStatistics`
keeps nothing. The API's reader lives as long as its generation and sees the same words
again and again (at 10,000 entries a common word has thousands of postings), so here each
(field, term)'s documents and BM25 scores are kept as arrays (`scoring.term_arrays`), least
recently used dropped first beyond a budget of postings, and each word's one-edit neighbours
are kept too. The sums run in numpy (`scoring.top_scores`): the same numbers as
`ranking.score`, to the last bit (tests/test_search_scoring.py), at a fraction of the cost.

Not thread-safe on its own: a generation runs one query at a time (`catalogue.Generation`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Hashable

import numpy as np
from whoosh.reading import IndexReader

from katalog.search import scoring
from katalog.search.ranking import LENGTHS, Part, WhooshStatistics, segment_blocks

KEPT_POSTINGS = 4_000_000  # 16 bytes each (document, score): about 64 MB at most
KEPT_NEIGHBOURS = 20_000  # words whose typo neighbours are kept
Columns = tuple[np.ndarray, np.ndarray, np.ndarray]  # documents, frequencies, stored lengths
_LENGTHS = np.array(LENGTHS, dtype=np.int64)


class RememberingStatistics(WhooshStatistics):
    """`WhooshStatistics` that keep each term's scores and typo neighbours (see the module)."""

    def __init__(self, reader: IndexReader, budget: int = KEPT_POSTINGS) -> None:
        super().__init__(reader)
        self.budget = budget
        self.kept = 0  # postings held now
        self.doc_space = reader.doc_count_all()
        self._arrays: OrderedDict[tuple[str, str], scoring.TermArrays] = OrderedDict()
        self._near: OrderedDict[tuple[str, str], tuple[str, ...]] = OrderedDict()
        self._letters: dict[str, dict[str, tuple[frozenset[str], str]]] = {}
        self._lengths: dict[str, np.ndarray] = {}
        self._gone_rows = np.zeros(self.doc_space, dtype=bool)
        self._gone_rows[list(self.gone)] = True

    def top_scores(
        self, parts: list[Part], wanted: int, allowed: Collection[int] | None = None
    ) -> tuple[int, dict[Hashable, float]]:
        return scoring.top_scores(parts, self, wanted, allowed)

    def term_arrays(self, field: str, term: str) -> scoring.TermArrays:
        key = (field, term)
        found = self._arrays.get(key)
        if found is not None:
            self._arrays.move_to_end(key)
            return found
        docs, freqs, lengths = self.columns(field, term)
        found = scoring.term_arrays(docs, freqs, lengths, self.doc_count, field, self.average_length(field))
        self._arrays[key] = found
        self.kept += len(found[0])
        while self.kept > self.budget and len(self._arrays) > 1:
            _, dropped = self._arrays.popitem(last=False)
            self.kept -= len(dropped[0])
        return found

    def columns(self, field: str, term: str) -> Columns:
        """`postings(field, term)` as arrays, without a Python tuple per posting (a common
        word's thousands of tuples were most of the first query that met it)."""
        docs: list[np.ndarray] = []
        weights: list[float] = []
        if (field, term) in self.reader:
            for matcher, base in self.segment_matchers(field, term):
                ids: list[int] = []
                for block_ids, block_weights in segment_blocks(matcher):
                    ids.extend(block_ids)
                    weights.extend(block_weights)
                docs.append(np.array(ids, dtype=np.int64) + base)
        rows = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64)
        boost = self.reader.schema[field].format.field_boost
        freqs = np.rint(np.array(weights, dtype=np.float64) / boost).astype(np.int64)  # round() of each
        if self.gone:
            live = ~self._gone_rows[rows]
            rows, freqs = rows[live], freqs[live]
        return rows, freqs, self._field_lengths(field)[rows]

    def _field_lengths(self, field: str) -> np.ndarray:
        """Whoosh's stored length of `field` by document number."""
        if field not in self._lengths:
            self._lengths[field] = _LENGTHS[np.frombuffer(self.length_bytes(field), dtype=np.uint8)]
        return self._lengths[field]

    def words_near(self, field: str, word: str) -> tuple[str, ...]:
        """Lexicon words one edit from `word` (and `word` itself), sharing its first letter.

        Whoosh's automaton walks the lexicon's hash file key by key, about 5 ms a word at
        10,000 entries, paid by every unseen typo-part word. Here the field's words are read
        once (`read_lexicon`), grouped by first letter with the letters each group uses, and
        every string one edit away over those letters is looked up: the same words
        (`ranking.near_words` keeps those within one edit of any superset), in well under a
        millisecond.
        """
        key = (field, word)
        found = self._near.get(key)
        if found is not None:
            self._near.move_to_end(key)
            return found
        lexicon, letters = self.read_lexicon(field).get(word[:1], (frozenset(), ""))
        found = tuple(sorted(lexicon.intersection(one_edit(word, letters))))
        self._near[key] = found
        if len(self._near) > KEPT_NEIGHBOURS:
            self._near.popitem(last=False)
        return found

    def read_lexicon(self, field: str) -> dict[str, tuple[frozenset[str], str]]:
        """First letter -> the words of `field` starting with it, and the letters they use.

        Read at once (0.2 s at 10,000 entries): letter by letter, the first queries after
        a start paid up to 50 ms each for Whoosh's prefix walk across segments.
        """
        if field not in self._letters:
            words: set[bytes] = set()
            for leaf, _ in self.reader.leaf_readers():
                words.update(leaf.lexicon(field))  # terms of deleted documents too, as Whoosh's automaton
            grouped: dict[str, set[str]] = {}
            for word in map(self.reader.schema[field].from_bytes, words):
                grouped.setdefault(word[:1], set()).add(word)
            self._letters[field] = {
                first: (frozenset(found), "".join(sorted(set().union(*found))))
                for first, found in grouped.items()
            }
        return self._letters[field]


def one_edit(word: str, letters: str) -> set[str]:
    """Every string one insertion, deletion or substitution (of a letter of `letters`) from
    `word`, and `word` itself."""
    found = {word}
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        found.update(head + letter + tail for letter in letters)
        if tail:
            found.add(head + tail[1:])
            found.update(head + letter + tail[1:] for letter in letters)
    return found
