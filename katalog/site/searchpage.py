"""The search page, ``cari/``: the form, its facet choices, and the hook for ``cari.js``.

The index the page queries is written by `katalog.search.browserindex` (through
`katalog.site.related`); this generator only writes the page that loads it.
"""

from __future__ import annotations

from pelican.writers import Writer

from katalog.content.facets import build_facets
from katalog.search.browserindex import CLIENT_DIR, MANIFEST
from katalog.site.generators import PageGenerator
from katalog.site.harvested import agency_facet
from katalog.site.state import state_of

# The filters the search page offers; ``instansi`` in a network only (`harvested.agency_facet`):
# a single catalogue's one agency would be a choice of one.
SEARCH_FACETS = ("unit", "bidang", "jenis", "tahun", "instansi")


class SearchPageGenerator(PageGenerator):
    """Writes ``cari/index.html``: the form, facet choices computed here, the script hook."""

    def generate_output(self, writer: Writer) -> None:
        state = state_of(self.settings)
        articles = self.context.get("articles", [])
        every = build_facets(articles, state.facet_taxonomy, agency_facet(self.settings))
        facets = [f for f in every if f.key in SEARCH_FACETS]
        self.write_page(
            writer,
            "cari/",
            "cari",
            search_facets=facets,
            manifest_url=f"{CLIENT_DIR.as_posix()}/{MANIFEST}",
            total=len(articles),
        )
