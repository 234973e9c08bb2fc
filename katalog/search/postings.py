"""Every posting of one field as numpy arrays: what "Inovasi serupa" and the browser index
read in bulk, without one Python tuple per posting.

Terms are numbered in sorted order; postings are grouped by term, documents ascending
within a term (the order Whoosh's matchers give), and `starts[t]:starts[t + 1]` is the
slice of term `t`.
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from katalog.search.documents import Analysed

Posting = tuple[Hashable, int, int]  # (document, frequency, field length), as katalog.search.ranking


class ListsPostings(Protocol):
    """Statistics that can list every posting (`ranking.WhooshStatistics`, `MemoryStatistics`)."""

    live: list[Hashable]

    def all_postings(self, field: str) -> dict[str, list[Posting]]: ...


def field_postings(stats: ListsPostings, field: str, row_of: Mapping[Hashable, int]) -> FieldPostings:
    """Every posting of `field`, rows per `row_of`: the statistics' own arrays when they
    keep them (`MemoryStatistics`, whose rows are its document numbers), else built from
    their lists (Whoosh's)."""
    own = getattr(stats, "field_postings", None)
    return own(field) if own is not None else FieldPostings.of_postings(stats.all_postings(field), row_of)


@dataclass(frozen=True)
class FieldPostings:
    terms: list[str]  # sorted
    starts: np.ndarray  # len(terms) + 1 offsets into the arrays below
    docs: np.ndarray  # document row (position in the statistics' `live` list)
    freqs: np.ndarray
    lengths: np.ndarray  # the document's stored (quantised) field length

    @property
    def doc_frequencies(self) -> np.ndarray:
        return np.diff(self.starts)

    @classmethod
    def of_documents(cls, docs: list[dict[str, Analysed]], field: str, lengths: list[int]) -> FieldPostings:
        """From analysed documents, document `i` being row `i`."""
        number: dict[str, int] = {}
        rows, terms, freqs = array("q"), array("q"), array("q")
        for row, analysed in enumerate(docs):
            part = analysed[field]
            names = part.terms
            terms.extend([number.setdefault(term, len(number)) for term in names])
            freqs.extend(part.freqs)
            rows.extend([row] * len(names))
        by_row = np.asarray(lengths, dtype=np.int64)
        return cls._grouped(number, _ints(rows), _ints(terms), _ints(freqs), by_row)

    @classmethod
    def of_postings(
        cls, postings: Mapping[str, list[Posting]], row_of: Mapping[Hashable, int]
    ) -> FieldPostings:
        """From term -> postings (any `Statistics.all_postings`), documents mapped to rows."""
        number: dict[str, int] = {}
        rows, terms, freqs, lengths = array("q"), array("q"), array("q"), array("q")
        for term, found in postings.items():
            index = number.setdefault(term, len(number))
            for doc, freq, length in found:
                rows.append(row_of[doc])
                terms.append(index)
                freqs.append(freq)
                lengths.append(length)
        row_lengths = np.zeros(len(row_of), dtype=np.int64)
        row_lengths[_ints(rows)] = _ints(lengths)
        return cls._grouped(number, _ints(rows), _ints(terms), _ints(freqs), row_lengths)

    @classmethod
    def _grouped(
        cls,
        number: dict[str, int],
        rows: np.ndarray,
        terms: np.ndarray,
        freqs: np.ndarray,
        lengths: np.ndarray,
    ) -> FieldPostings:
        """Group by term (sorted), documents ascending; `lengths` is indexed by row."""
        ordered = sorted(number)
        rank = np.empty(len(number), dtype=np.int64)
        rank[[number[term] for term in ordered]] = np.arange(len(ordered))
        sorted_terms = rank[terms]
        order = np.lexsort((rows, sorted_terms))
        starts = np.zeros(len(ordered) + 1, dtype=np.int64)
        np.cumsum(np.bincount(sorted_terms, minlength=len(ordered)), out=starts[1:])
        docs = rows[order]
        return cls(ordered, starts, docs, freqs[order], lengths[docs])


def _ints(values: array) -> np.ndarray:
    return np.frombuffer(values, dtype=np.int64) if len(values) else np.zeros(0, dtype=np.int64)
