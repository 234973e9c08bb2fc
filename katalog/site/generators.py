"""The catalogue generator: home page, facet pages and facet indexes, the editors' lists.

A Pelican generator (added through the `get_generators` signal) that reads the articles
the ArticlesGenerator produced (each carrying its validated `Entry` and `EntryView`) and
writes the pages that are not one-per-file: the home page with every innovation, the
facet pages at ``<facet>/<slug>/``, and the editors' lists ``perlu-diperbarui/`` (stale
entries) and ``lengkapi/`` (what entries do not know yet). It also puts the coverage line
in the shared context, for the about page that Pelican writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pelican.generators import Generator
from pelican.writers import Writer

from katalog.content.completeness import coverage_of, gap_counts, most_incomplete_first
from katalog.content.facets import Facet, build_facets
from katalog.content.freshness import max_age
from katalog.content.schema import schema_text
from katalog.network.manifest import (
    MANIFEST_FILE,
    MANIFEST_SCHEMA_FILE,
    manifest_dict,
    manifest_schema_text,
    manifest_text,
    own_agency,
)
from katalog.resources import DEFAULTS, IMPORT_TEMPLATES
from katalog.site.export import Published, innovations_csv, innovations_json
from katalog.site.harvested import agency_facet
from katalog.site.outputs import COVERAGE_KEY, required_plan
from katalog.site.state import state_of

ALL_FEED = "feeds/semua.atom.xml"
STALE_PAGE = "perlu-diperbarui/"
LACKING_PAGE = "lengkapi/"  # entries by how many facts are still unknown (katalog.content.completeness)
FEED_FACETS = ("unit", "bidang", "instansi")  # one Atom feed per value of these (instansi: networks)
# The charts the home page shows small: set by `statistics_page.StatisticsGenerator` (which
# builds on this module, so the key lives here), passed to the page as `summary_charts`.
HOME_CHARTS_KEY = "katalog_home_charts"
TEMPLATE_DATA = tuple(f"data/{name}" for name in IMPORT_TEMPLATES)  # the import template, copied


def sort_key(article: Any) -> str:
    return article.innovation.title.casefold()


def feed_path(facet_key: str, value_slug: str) -> str | None:
    """Path of the Atom feed of one facet value, or None when that facet has no feeds."""
    return f"feeds/{facet_key}/{value_slug}.atom.xml" if facet_key in FEED_FACETS else None


@dataclass(frozen=True)
class LackingRow:
    """One row of ``lengkapi/``: an entry and the labels of what it does not know yet."""

    title: str
    url: str
    unit: str
    unknown: tuple[str, ...]


class PageGenerator(Generator):
    """A Pelican generator that writes directory-style pages (``<folder>index.html``)."""

    def write_page(self, writer: Writer, folder: str, template: str, **variables: Any) -> None:
        """Write ``<folder>index.html`` from `template`; `page_name` drives nav highlighting."""
        writer.write_file(
            f"{folder}index.html",
            self.get_template(template),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            page_name=f"{folder}index",
            **variables,
        )


class CatalogueGenerator(PageGenerator):
    """Writes ``index.html``, every facet page, and the editors' lists."""

    def generate_context(self) -> None:
        """The coverage line, shared: the about page (Pelican's PagesGenerator) prints it too.

        Runs after Pelican has read every article, and again in each pass of a kept build
        (`katalog.site.session`), so an added or deleted entry changes the count.
        """
        articles = self.context.get("articles", [])
        reported = self.settings.get("KATALOG_REPORTED_TOTAL")
        self.context[COVERAGE_KEY] = coverage_of((a.innovation for a in articles), reported)

    def generate_output(self, writer: Writer) -> None:
        state = state_of(self.settings)
        articles = sorted(self.context.get("articles", []), key=sort_key)
        facets = build_facets(articles, state.facet_taxonomy, agency_facet(self.settings))
        total = len(articles)
        self._write_feeds(writer, articles, facets)
        self._write_data("schema.json", schema_text(state.taxonomy))
        self._write_open_data(articles)
        for name in IMPORT_TEMPLATES:  # `katalog import`'s template: the committed copy, not made per build
            required_plan(self.settings).write_bytes(f"data/{name}", (DEFAULTS / name).read_bytes())
        lacking = most_incomplete_first(articles)  # the same order as `katalog check --report`
        coverage = self.context.get(COVERAGE_KEY)
        # Each page gets only what its template prints: a page is re-rendered when one of
        # its variables changes (katalog.site.outputs), so the home page's list of every
        # innovation must not ride along to the facet pages.
        self.write_page(
            writer,
            "",
            "index",
            facets=facets,
            innovations=articles,
            total=total,
            feed_url=ALL_FEED,
            stale_count=sum(1 for a in articles if a.view.stale_note),
            incomplete_count=len(lacking),
            coverage=coverage,
            network_size=len(state.network.members) if state.network is not None else 0,
            manifest_url=_search_manifest(),
            summary_charts=self.context.get(HOME_CHARTS_KEY, ()),
        )
        self.write_page(
            writer,
            LACKING_PAGE,
            "lengkapi",
            incomplete=[
                LackingRow(a.innovation.title, a.view.url, a.view.unit.label, gaps) for a, gaps in lacking
            ],
            gaps_by_field=gap_counts(lacking),
            total=total,
            coverage=coverage,
        )
        stale = sorted(
            (a for a in articles if a.view.stale_note),
            key=lambda a: (a.innovation.last_verified or dt.date.min, sort_key(a)),
        )
        self.write_page(
            writer,
            STALE_PAGE,
            "perlu_diperbarui",
            stale=stale,
            max_age_days=max_age(self.settings),
            total=total,
        )
        for facet in facets:
            self.write_page(writer, f"{facet.key}/", "facet_index", facet=facet)
            for value in facet.values:
                feed = feed_path(facet.key, value.link.slug) or ALL_FEED
                self.write_page(
                    writer,
                    value.link.url,
                    "facet",
                    facets=facets,
                    facet=facet,
                    value=value,
                    total=total,
                    feed_url=feed,
                )

    def _write_open_data(self, articles: list[Any]) -> None:
        """inovasi.json and .csv, and the manifest that points networks at them (with the
        JSON's checksum, so it is written after it)."""
        settings = self.settings
        public, agency = settings["KATALOG_PUBLIC_URL"], own_agency(settings)
        items = [Published.of(a.entry, public, agency, a.view.modified, _body(a, public)) for a in articles]
        records = innovations_json(items)
        self._write_data("inovasi.json", records)
        self._write_data("inovasi.csv", innovations_csv(items))
        newest = max((i.modified for i in items), default=NO_CHANGE)
        manifest = manifest_dict(settings, state_of(settings).taxonomy, len(items), newest, records.encode())
        required_plan(settings).write_text(MANIFEST_FILE, manifest_text(manifest))
        required_plan(settings).write_text(MANIFEST_SCHEMA_FILE, manifest_schema_text())

    def _write_data(self, name: str, text: str) -> None:
        """Write an open-data file under ``output/data/`` (kept when its bytes are the same)."""
        required_plan(self.settings).write_text(f"data/{name}", text)

    def _write_feeds(self, writer: Writer, articles: list[Any], facets: list[Facet]) -> None:
        """Atom feeds with absolute URLs: all innovations, and one per unit, per bidang and,
        in a network, per agency."""
        public = self.settings["KATALOG_PUBLIC_URL"].rstrip("/")
        context = {**self.context, "SITEURL": public, "FEED_DOMAIN": public}
        newest = sorted(articles, key=lambda a: (a.date, a.slug), reverse=True)
        writer.write_feed(newest, context, ALL_FEED, feed_title="Semua inovasi")
        for facet in facets:
            for value in facet.values:
                path = feed_path(facet.key, value.link.slug)
                if path is None:
                    continue
                items = sorted(value.entries, key=lambda a: (a.date, a.slug), reverse=True)
                title = f"{facet.label}: {value.link.title or value.link.label}"
                writer.write_feed(items, context, path, feed_title=title)


def _search_manifest() -> str:
    """The browser index's manifest, for the home page's search box (the one ``cari/`` uses).

    Imported here, not at the top: `katalog check` imports this module (through
    `katalog.site.inventory`) and should not pay for the exporter's numpy.
    """
    from katalog.search.browserindex import CLIENT_DIR, MANIFEST

    return f"{CLIENT_DIR.as_posix()}/{MANIFEST}"


NO_CHANGE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # a catalogue with no entry: a fixed time, not the clock


def _body(article: Any, site_url: str) -> str:
    """An article's body as its page shows it, with ``{filename}`` and other placeholders
    resolved against `site_url` (most bodies have none).

    Pelican's own replacement, called directly: its public `get_content` would memoise a
    second copy of every body for the whole build. Both methods are private to Pelican
    (pinned to 4.12 in pyproject.toml; `katalog.site.resident` uses the first too).
    """
    body: str = article.entry.body_html
    if article._get_intrasite_link_regex().search(body):
        return article._update_content(body, site_url)
    return body
