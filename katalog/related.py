"""Build-time search work: bring the Whoosh index up to date, then find similar innovations.

Runs after every file is read and validated and before any page is written, so each
innovation page can show "Inovasi serupa" computed from the same index `katalog search`
queries.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from katalog.clientindex import CLIENT_DIR, export_client_index
from katalog.facets import Link
from katalog.index import IndexReport, similar_all, update_index
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
    # The browser's static search is exported from the index just updated (cari/indeks/).
    export_client_index(folder, Path(settings["OUTPUT_PATH"]) / CLIENT_DIR, state.taxonomy)
    by_slug = {a.slug: a for a in articles}
    for slug, others in similar_all(folder, list(by_slug)).items():
        by_slug[slug].similar = [
            Link(other, by_slug[other].innovation.title, f"inovasi/{other}/")
            for other in others
            if other in by_slug
        ]
    return report
