"""What a template needs to show one innovation, computed once in Python."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from katalog.content.facets import Link, agency_link, links_of
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
    agency: Link | None = None  # a network's: the publishing agency's ``instansi/`` page
    origin_url: str | None = None  # a harvested entry's page on its agency's own site
    data_as_of: dt.date | None = None  # a harvested entry's: when its member's data was confirmed

    @classmethod
    def of(
        cls,
        entry: Entry,
        taxonomy: Taxonomy,
        settings: Mapping[str, Any],
        modified: dt.datetime | None = None,
        agency: str | None = None,
    ) -> EntryView:
        """Everything a page shows about `entry` beyond the model itself; `agency` is the
        site's own in a network (a harvested entry names its own), None elsewhere."""
        public_url = settings.get("KATALOG_PUBLIC_URL", "")
        modified = modified or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
        origin = entry.origin
        return cls(
            url=f"inovasi/{entry.slug}/",
            agency=agency_link(origin.agency if origin else agency) if origin or agency else None,
            origin_url=origin.url if origin else None,
            data_as_of=origin.harvested.date() if origin else None,
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
