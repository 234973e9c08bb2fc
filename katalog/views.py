"""What a template needs to show one innovation, computed once in Python."""

from __future__ import annotations

from dataclasses import dataclass

from katalog.facets import Link, links_of
from katalog.taxonomy import Taxonomy
from katalog.validate import Entry


@dataclass(frozen=True)
class EntryView:
    """Precomputed URL and facet links of an entry (templates only print these)."""

    url: str
    links: dict[str, list[Link]]

    @classmethod
    def of(cls, entry: Entry, taxonomy: Taxonomy) -> EntryView:
        return cls(url=f"inovasi/{entry.slug}/", links=links_of(entry.innovation, taxonomy))

    @property
    def unit(self) -> Link:
        return self.links["unit"][0]

    @property
    def category(self) -> Link:
        return self.links["bidang"][0]

    @property
    def kinds(self) -> list[Link]:
        return self.links["jenis"]

    @property
    def year(self) -> Link:
        return self.links["tahun"][0]

    @property
    def status(self) -> Link:
        return self.links["status"][0]
