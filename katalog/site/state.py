"""Per-build state shared by the reader, the generators and the final checks.

Pelican hands the same settings dict to the readers and (shallow-copied) to every
generator, so one `BuildState` stored under ``settings["KATALOG_STATE"]`` is visible to
all of them without a module-level global (which would leak between builds in tests).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from katalog.content.taxonomy import Taxonomy
from katalog.content.validate import Entry
from katalog.errors import Problem
from katalog.network.entries import Network
from katalog.network.replications import BackLink
from katalog.search.documents import IndexedDoc

STATE_KEY = "KATALOG_STATE"


@dataclass
class BuildState:
    taxonomy: Taxonomy
    problems: list[Problem] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    indexed: list[IndexedDoc] = field(default_factory=list)  # entries' search documents, same order
    changed: dict[Path, dt.datetime] | None = None  # git commit times, read once per run
    index_writer: Any = None  # the Whoosh index update while it runs (related.IndexWriter)
    network: Network | None = None  # a network's members, read from their snapshots (harvested.py)
    network_docs: list[IndexedDoc] = field(default_factory=list)  # search documents of `network.entries`
    harvested: list[Any] = field(default_factory=list)  # their (article, entry, doc), made once per run
    # A member's: its network's back-links to its pages (backlinks.py), page_key -> replicas elsewhere.
    back_links: dict[str, tuple[BackLink, ...]] = field(default_factory=dict)
    agencies: dict[str, str] = field(default_factory=dict)  # a network's: agency slug -> name (search labels)

    @property
    def facet_taxonomy(self) -> Taxonomy:
        """The vocabularies facets and labels come from: the site's own (against which its
        files are validated), followed in a network by its members' (`merged_taxonomy`)."""
        return self.network.taxonomy if self.network is not None else self.taxonomy


def taxonomy_path(settings: dict[str, Any]) -> Path:
    return Path(settings["PATH"]) / settings.get("KATALOG_TAXONOMY", "taxonomy.yaml")


def state_of(settings: dict[str, Any]) -> BuildState:
    state = settings.get(STATE_KEY)
    if not isinstance(state, BuildState):
        msg = "katalog plugin not initialised: add 'katalog.site.plugin' to PLUGINS"
        raise TypeError(msg)
    return state
