"""Index statistics that remember what queries read: postings and typo neighbours.

`katalog search` reads each posting list once per process, so `ranking.WhooshStatistics`
keeps nothing. The API's reader lives as long as its generation and sees the same words
again and again (at 10,000 entries a common word has thousands of postings, and reading them
was half of a query's time), so here each (field, term)'s postings and each word's one-edit
neighbours are kept, least recently used dropped first beyond a budget of postings. The
ranking is untouched: `ranking.score` gets exactly what the plain statistics would give.

Not thread-safe on its own: a generation runs one query at a time (`catalogue.Generation`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

from whoosh.reading import IndexReader

from katalog.search.ranking import Posting, WhooshStatistics

KEPT_POSTINGS = 2_000_000  # about 150 MB of (doc, freq, length) tuples at most
KEPT_NEIGHBOURS = 20_000  # words whose typo neighbours are kept


class RememberingStatistics(WhooshStatistics):
    """`WhooshStatistics` whose postings and typo neighbours are kept (see the module)."""

    def __init__(self, reader: IndexReader, budget: int = KEPT_POSTINGS) -> None:
        super().__init__(reader)
        self.budget = budget
        self.kept = 0  # postings held now
        self._postings: OrderedDict[tuple[str, str], list[Posting]] = OrderedDict()
        self._near: OrderedDict[tuple[str, str], tuple[str, ...]] = OrderedDict()

    def postings(self, field: str, term: str) -> list[Posting]:
        key = (field, term)
        found = self._postings.get(key)
        if found is not None:
            self._postings.move_to_end(key)
            return found
        found = super().postings(field, term)
        self._postings[key] = found
        self.kept += len(found)
        while self.kept > self.budget and len(self._postings) > 1:
            _, dropped = self._postings.popitem(last=False)
            self.kept -= len(dropped)
        return found

    def words_near(self, field: str, word: str) -> Iterable[str]:
        key = (field, word)
        found = self._near.get(key)
        if found is not None:
            self._near.move_to_end(key)
            return found
        found = tuple(super().words_near(field, word))
        self._near[key] = found
        if len(self._near) > KEPT_NEIGHBOURS:
            self._near.popitem(last=False)
        return found
