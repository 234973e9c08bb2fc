"""The Pelican plugin: every signal Katalog Inovasi uses, connected in one place.

Handlers live at module level because blinker keeps only weak references.
"""

from __future__ import annotations

import gc
from operator import attrgetter
from pathlib import Path
from typing import Any

from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator, Generator
from pelican.readers import Readers
from pelican.utils import order_content

from katalog.content.crossfile import cross_file_problems
from katalog.content.taxonomy import Taxonomy
from katalog.errors import ContentError
from katalog.search.analysis import SITE_PROTECTED, SITE_SYNONYMS, use_site_lists
from katalog.site.backlinks import back_links_for_build
from katalog.site.cache import index_dir
from katalog.site.generators import CatalogueGenerator
from katalog.site.harvested import add_harvested, agency_labels, network_for_build
from katalog.site.links import check_internal_links
from katalog.site.navigation import use_menu
from katalog.site.network_page import NetworkPageGenerator
from katalog.site.outputs import StaticFilesGenerator, required_plan, start_plan, use_keeping_writer
from katalog.site.overrides import warn_about_overrides
from katalog.site.progress import on_content_init, on_content_written
from katalog.site.reader import KatalogReader, preload_entries
from katalog.site.related import (
    abandon_index_update,
    finish_index_update,
    index_and_relate,
    prepare_index_update,
)
from katalog.site.replication_pages import ReplicationGenerator
from katalog.site.searchpage import SearchPageGenerator
from katalog.site.state import STATE_KEY, BuildState, state_of, taxonomy_path
from katalog.site.statistics_page import StatisticsGenerator
from katalog.site.tables import scrollable_tables
from katalog.site.webfiles import write_web_files

# The theme's own Jinja filters: its templates call them, so every build has them; a site's
# JINJA_FILTERS (pelicanconf.py) may add others, or replace one of these under the same name.
THEME_FILTERS = {"scrollable_tables": scrollable_tables}  # body tables in keyboard-reachable regions


def use_our_reader(readers: Readers) -> None:
    """Markdown goes through our validating reader; no other format is accepted.

    Pelican's "static" pseudo-reader stays: it copies STATIC_PATHS files (the guide's images).
    """
    static = readers.reader_classes.get("static")
    readers.reader_classes.clear()
    readers.reader_classes["md"] = KatalogReader
    if static is not None:
        readers.reader_classes["static"] = static


def start_run(pelican: Pelican) -> tuple[type[Generator], ...]:
    """Give every run a fresh state (taxonomy re-read) and output plan; add our generators.

    `get_generators` is the one signal Pelican sends at the start of *every* `run()`,
    including each rebuild of `--autoreload`; `initialized` fires only once per process,
    so state kept from it would accumulate entries across rebuilds.
    """
    settings = pelican.settings
    content = Path(settings["PATH"])
    use_site_lists(
        content / settings.get("KATALOG_PROTECTED_WORDS", SITE_PROTECTED),
        content / settings.get("KATALOG_SYNONYMS", SITE_SYNONYMS),
    )
    settings["JINJA_FILTERS"] = {**THEME_FILTERS, **(settings.get("JINJA_FILTERS") or {})}
    warn_about_overrides(settings)  # after the filters: it reads templates that use them
    use_menu(settings)  # before the generators make their Jinja environments, and before the site key
    settings[STATE_KEY] = state = BuildState(taxonomy=Taxonomy.load(taxonomy_path(settings)))
    state.network, state.network_docs = network_for_build(settings, state.taxonomy)  # a network's snapshots
    state.agencies = agency_labels(settings, state.network)  # a network's agencies, for search labels
    state.back_links = back_links_for_build(settings)  # a member's: who replicated its entries (cached)
    start_plan(pelican.settings)
    # The Whoosh writer is forked now, while this process is small (katalog.site.related).
    state.index_writer = prepare_index_update(index_dir(settings))
    return (
        CatalogueGenerator,
        ReplicationGenerator,
        StatisticsGenerator,  # after ReplicationGenerator: counts its replication views
        SearchPageGenerator,
        NetworkPageGenerator,
        StaticFilesGenerator,
    )


def after_reading(generators: list[Any]) -> None:
    """After reading, before writing: stop on any invalid file, else index and relate.

    One handler, not two, because the order matters (never index invalid content) and
    blinker does not promise an order between receivers of one signal.
    """
    settings = generators[0].settings
    state = state_of(settings)
    problems = list(state.problems) + cross_file_problems(state.entries)
    if problems:
        abandon_index_update(state)
        raise ContentError(problems)
    articles = next((g.articles for g in generators if isinstance(g, ArticlesGenerator)), [])
    # Everything read so far lives until the build ends: out of the collector's sight, a
    # 10,000-entry catalogue's millions of objects are not traversed again and again by
    # collections that can free none of them (build.py unfreezes at the end).
    gc.freeze()
    _skip_author_pages(generators)
    index_and_relate(articles, state, settings)


def _skip_author_pages(generators: list[Any]) -> None:
    """Pelican's `generate_authors` runs even when no author page is written, and it is
    quadratic (`article in articles` over a list, for every article of every author): with
    one AUTHOR for the whole catalogue, minutes at 100,000 entries. The context keeps its
    own reference to the list, so templates still see `authors`."""
    for generator in generators:
        if isinstance(generator, ArticlesGenerator) and not generator.settings.get("AUTHOR_SAVE_AS"):
            generator.authors = []


def order_articles(generator: ArticlesGenerator) -> None:
    """Put the articles in Pelican's order (ARTICLE_ORDER_BY, ties by slug) without its
    translation matching, which the engine's settings turn off (`ARTICLE_TRANSLATION_ID =
    None`, see katalog/settings.py): that matching was what sorted by slug, and files are
    read in no fixed order, so without this two builds could list equal dates differently.

    A network's harvested articles are added first (`harvested.add_harvested`), in this
    handler, so that they are ordered with the rest whatever order blinker calls receivers in."""
    add_harvested(generator)
    sort_articles(generator)


def sort_articles(generator: ArticlesGenerator) -> None:
    """ARTICLE_ORDER_BY, ties by slug, for the published, hidden and draft lists."""
    order = generator.settings["ARTICLE_ORDER_BY"]
    for name in ("articles", "hidden_articles", "drafts"):
        by_slug = sorted(getattr(generator, name), key=attrgetter("slug"))
        setattr(generator, name, order_content(by_slug, order))


def finish_build(pelican: Pelican) -> None:
    """After every page is written, in this order: wait for the Whoosh writer (its failure
    fails the build); sitemap.xml and robots.txt list every page; a link to a page that does
    not exist fails the build (build.py swaps output/ only after Pelican returns, so the
    old site stays)."""
    finish_index_update(state_of(pelican.settings))
    required_plan(pelican.settings).finish()  # kept pages are in place before anyone lists them
    write_web_files(pelican)
    check_internal_links(pelican)


def register() -> None:
    # Start of every run: fresh BuildState (taxonomy, problems); home and facet pages.
    signals.get_generators.connect(start_run)
    # Start of every run: validate all innovation files at once, on every core; the
    # reader then takes each file's stored result.
    signals.get_generators.connect(preload_entries)
    # After every page is written: wait for the index writer, list pages in sitemap.xml,
    # fail on broken internal links.
    signals.finalized.connect(finish_build)
    # Pages and feeds whose fingerprint is unchanged are kept, not rendered (katalog.site.outputs).
    signals.get_writer.connect(use_keeping_writer)
    # Our reader validates front matter against the model.
    signals.readers_init.connect(use_our_reader)
    # Before any page is written: abort on invalid content, else update the search index
    # and compute "Inovasi serupa" for every innovation page.
    signals.all_generators_finalized.connect(after_reading)
    # Articles read, before categories and dates: a network's harvested articles added, then
    # a fixed order (ties by slug).
    signals.article_generator_pretaxonomy.connect(order_articles)
    # Each content object made (one file read): advance the build's progress display.
    signals.content_object_init.connect(on_content_init)
    # Each page written: advance the progress display's page count.
    signals.content_written.connect(on_content_written)
