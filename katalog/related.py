"""Build-time search work: bring the Whoosh index up to date, then find similar innovations.

Runs after every file is read and validated and before any page is written, so each
innovation page can show "Inovasi serupa" computed from the same index `katalog search`
queries.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from katalog.clientindex import CLIENT_DIR, export_statistics
from katalog.facets import Link
from katalog.index import IndexReport, open_index, update_index
from katalog.ranking import WhooshStatistics
from katalog.similarity import similar_documents
from katalog.state import BuildState

logger = logging.getLogger(__name__)
DEFAULT_INDEX_DIR = ".katalog/whoosh"


def index_dir(settings: dict[str, Any]) -> Path:
    return Path(settings.get("KATALOG_INDEX_DIR") or DEFAULT_INDEX_DIR)


def index_and_relate(articles: list[Any], state: BuildState, settings: dict[str, Any]) -> IndexReport:
    """Update the index incrementally and give every article its `similar` links."""
    folder = index_dir(settings)
    report = update_index(state.entries, folder, state.taxonomy)
    logger.info("katalog: indeks %s", report)
    with open_index(folder).searcher() as searcher:
        # One read of the postings serves both the browser's static search (cari/indeks/),
        # exported from the index just updated, and "Inovasi serupa".
        stats = WhooshStatistics(searcher.reader())
        export_statistics(stats, Path(settings["OUTPUT_PATH"]) / CLIENT_DIR, state.taxonomy)
        slug_of = {doc: stats.reader.stored_fields(doc)["slug"] for doc in stats.live}
        related = similar_documents(stats, slug_of)
    by_slug = {a.slug: a for a in articles}
    for slug, article in by_slug.items():
        article.similar = [
            Link(other, by_slug[other].innovation.title, f"inovasi/{other}/")
            for other in related.get(slug, [])
            if other in by_slug
        ]
    return report
