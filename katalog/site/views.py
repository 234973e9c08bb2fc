"""What a template needs to show one innovation, computed once in Python."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from katalog.content.facets import Link, links_of
from katalog.content.freshness import max_age, stale_note, today
from katalog.content.taxonomy import Taxonomy
from katalog.content.validate import Entry
from katalog.site.seo import canonical_url, json_ld


@dataclass(frozen=True)
class EntryView:
    """Precomputed URL and facet links of an entry (templates only print these)."""

    url: str
    links: dict[str, list[Link]]
    canonical: str = ""
    modified: dt.datetime | None = None
    json_ld: str = ""
    stale_note: str | None = None  # shown on the page and listed on perlu-diperbarui/

    @classmethod
    def of(
        cls,
        entry: Entry,
        taxonomy: Taxonomy,
        settings: Mapping[str, Any],
        modified: dt.datetime | None = None,
    ) -> EntryView:
        """Everything a page shows about `entry` beyond the model itself."""
        public_url = settings.get("KATALOG_PUBLIC_URL", "")
        modified = modified or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
        return cls(
            url=f"inovasi/{entry.slug}/",
            links=links_of(entry.innovation, taxonomy),
            canonical=canonical_url(entry, public_url),
            modified=modified,
            json_ld=json_ld(
                entry,
                public_url,
                modified,
                settings.get("KATALOG_AGENCY", ""),
                settings.get("DEFAULT_LANG", "id"),
            ),
            stale_note=stale_note(entry.innovation, today(settings), max_age(settings)),
        )

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
