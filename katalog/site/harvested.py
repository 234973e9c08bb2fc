"""A network's harvested entries in the build: Pelican articles beside the site's own.

The seam is Pelican's own: after the ArticlesGenerator has read the content folder and
before it groups articles (`article_generator_pretaxonomy`, connected in
`katalog.site.plugin`), each harvested `Entry` (`katalog.network.entries`, read from the
snapshots once per run by `load_site_network`) is made an `Article` carrying the same
metadata the reader gives a local one (model, view, content hash), with its search
document added to the build state. From there on nothing tells them apart: pages, facets,
the search indexes, "serupa", replication links, feeds and open data take every article.

Harvested articles have no file in the content folder: their `source_path` is
``jaringan/<member>.json#<slug>``. The devserver's passes rebuild the article list from
the content files and send the same signal, so the same objects are added back each time
(made once per run, kept in `BuildState.harvested`). Like unchanged files, unchanged
snapshots are not read again: the network and its search documents come from the build
cache (`network_for_build`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pelican.contents import Article
from pelican.generators import ArticlesGenerator
from pelican.utils import SafeDatetime

from katalog.content.facets import agency_link
from katalog.content.taxonomy import Taxonomy
from katalog.content.validate import Entry
from katalog.network.entries import Made, Network, load_network
from katalog.network.manifest import own_agency
from katalog.network.members import CONFIG_FILE, load_config
from katalog.search.documents import IndexedDoc, build_schema, indexed_document
from katalog.site import cache
from katalog.site.reading import cache_version, stamp
from katalog.site.state import state_of, taxonomy_path
from katalog.site.views import EntryView

logger = logging.getLogger("katalog")


NETWORK_CACHE = "jaringan.pickle"  # in the build cache: the network read from its snapshots


def network_file(settings: dict[str, Any]) -> Path:
    return Path(settings.get("KATALOG_NETWORK") or CONFIG_FILE)


def load_site_network(settings: dict[str, Any], taxonomy: Taxonomy) -> Network | None:
    """The site's network from its snapshots; None when the site has no jaringan.yaml.

    A bad jaringan.yaml stops the build (`ConfigError`, exit 2), as bad settings do; what a
    snapshot holds never does (its problems are warnings: `entries.load_network`).
    """
    path = network_file(settings)
    if not path.is_file():
        return None
    network = load_network(load_config(path), taxonomy)
    _warn(network)
    return network


def network_for_build(
    settings: dict[str, Any], taxonomy: Taxonomy
) -> tuple[Network | None, list[IndexedDoc]]:
    """`load_site_network` and the harvested entries' search documents, member by member
    from the build cache while jaringan.yaml, the taxonomy and the code are unchanged
    (validating, sanitising and analysing tens of thousands of records costs seconds): a
    member is made again only when its snapshot file changed (a harvest rewrites it only
    when the member's data did) or the merged vocabularies did (`entries.load_network`)."""
    path = network_file(settings)
    if not path.is_file():
        return None, []
    config = load_config(path)
    key = (str(path), stamp(path), cache_version(taxonomy_path(settings)))
    remembered = cache.cache_dir(settings) / NETWORK_CACHE
    stored = cache.load(remembered, cache.code_version())
    memo: dict[str, Made] = {}
    analysed: dict[str, tuple[Made, list[IndexedDoc]]] = {}
    if stored is not None and stored[0] == key:
        memo, analysed = dict(stored[1]), stored[2]
    network = load_network(config, taxonomy, memo, stamp)
    schema = None
    docs: list[IndexedDoc] = []
    fresh: dict[str, tuple[Made, list[IndexedDoc]]] = {}
    for member in config.members:
        made = memo[member.slug]
        old = analysed.get(member.slug)
        if old is not None and old[0].entries is made.entries:
            member_docs = old[1]
        else:
            schema = schema or build_schema()
            member_docs = [indexed_document(entry, network.taxonomy, schema) for entry in made.entries]
        fresh[member.slug] = (made, member_docs)
        docs.extend(member_docs)
    remade = [
        slug for slug, (made, _) in fresh.items() if slug not in analysed or analysed[slug][0] is not made
    ]
    logger.debug("katalog: jaringan: %d dari %d anggota dibaca ulang", len(remade), len(config.members))
    if remade or set(analysed) != set(fresh) or stored is None or stored[0] != key:
        cache.save(remembered, cache.code_version(), (key, memo, fresh))
    _warn(network)
    return network, docs


def _warn(network: Network) -> None:
    for warning in network.warnings:
        logger.warning("katalog: jaringan: %s", warning)


def agency_of(item: Any, own: str) -> str:
    """The agency publishing `item` (an article or an `Entry`): a member's, else `own`."""
    entry: Entry = getattr(item, "entry", item)
    return entry.origin.agency if entry.origin is not None else own


def agency_facet(settings: dict[str, Any]) -> Callable[[Any], str] | None:
    """`build_facets`' `agency_of` for this build: only a network has the ``instansi`` facet."""
    if state_of(settings).network is None:
        return None
    own = own_agency(settings)
    return lambda item: agency_of(item, own)


def agency_labels(settings: dict[str, Any], network: Network | None) -> dict[str, str]:
    """A network's agencies, slug -> name (the site's own, then its members'); empty elsewhere,
    where the one agency needs no label."""
    if network is None:
        return {}
    names = [own_agency(settings), *(entry.origin.agency for entry in network.entries if entry.origin)]
    labels: dict[str, str] = {}
    for name in names:
        link = agency_link(name)
        labels.setdefault(link.slug, link.label)
    return dict(sorted(labels.items()))


def site_agency(settings: dict[str, Any]) -> str | None:
    """The agency an own entry's view names: the site's, in a network; else None."""
    return own_agency(settings) if state_of(settings).network is not None else None


def add_harvested(generator: ArticlesGenerator) -> None:
    """Add the network's harvested articles (once each) to what `generator` has read."""
    settings = generator.settings
    state = state_of(settings)
    if state.network is None:
        return
    if not state.harvested:
        for entry, doc in zip(state.network.entries, state.network_docs, strict=True):
            state.harvested.append((_article(generator, entry, doc.fields["content_hash"]), entry, doc))
    listed = {id(article) for article in generator.articles}
    known = {id(entry) for entry in state.entries}
    for article, entry, doc in state.harvested:
        if id(article) not in listed:
            generator.articles.append(article)
        if id(entry) not in known:
            state.entries.append(entry)
            state.indexed.append(doc)


def _article(generator: ArticlesGenerator, entry: Entry, content_hash: str) -> Article:
    """A harvested entry as the reader would make it of a file (`reader.KatalogReader`)."""
    settings = generator.settings
    innovation = entry.innovation
    modified = entry.origin.modified if entry.origin is not None else None
    metadata = {
        "title": innovation.title,
        "slug": entry.slug,
        "summary": innovation.summary,
        "date": SafeDatetime(innovation.year or 2000, 1, 1),
        "entry": entry,
        "innovation": innovation,
        "view": EntryView.of(entry, state_of(settings).facet_taxonomy, settings, modified),
        "content_hash": content_hash,
    }
    return Article(
        entry.body_html, metadata, settings=settings, source_path=entry.source, context=generator.context
    )
