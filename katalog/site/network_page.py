"""The network page, ``jaringan/``: every member, its status, entries and last harvest.

Written only by a network (a site with ``jaringan.yaml``). What it shows comes from the
snapshots (`katalog.network.entries.MemberStatus`), so it says what this build holds: a
member whose last attempt failed is listed with that failure and the date of the data
still shown from it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pelican.writers import Writer

from katalog.content.facets import agency_link
from katalog.network.entries import MemberStatus
from katalog.site.generators import PageGenerator
from katalog.site.state import state_of

NETWORK_PAGE = "jaringan/"


@dataclass(frozen=True)
class MemberRow:
    """One row of the members' table, ready to print."""

    name: str
    url: str  # the member's own site
    agency: str | None
    agency_url: str | None  # its ``instansi/`` page, when the build holds entries of it
    entries: int
    harvested: dt.date | None
    ok: bool
    message: str

    @classmethod
    def of(cls, status: MemberStatus) -> MemberRow:
        link = agency_link(status.agency) if status.agency and status.entries else None
        harvested = status.harvested.date() if status.harvested else None
        return cls(
            status.name,
            status.member.url,
            status.agency,
            link.url if link else None,
            status.entries,
            harvested,
            status.ok,
            status.message,
        )


class NetworkPageGenerator(PageGenerator):
    """Writes ``jaringan/index.html`` in a network; nothing elsewhere."""

    def generate_output(self, writer: Writer) -> None:
        network = state_of(self.settings).network
        if network is None:
            return
        rows = sorted((MemberRow.of(m) for m in network.members), key=lambda r: r.name.casefold())
        self.write_page(
            writer,
            NETWORK_PAGE,
            "jaringan",
            members=rows,
            harvested_total=sum(r.entries for r in rows),
            failing=sum(1 for r in rows if not r.ok),
        )
