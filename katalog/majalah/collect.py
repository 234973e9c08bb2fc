"""The entries a Majalah prints: the catalogue's published entries, validated as a build does.

A printed copy cannot be corrected once it is handed out, so nothing reaches it that the
public site would not show: drafts are left out whatever ``KATALOG_INCLUDE_DRAFTS`` says
(the development settings show them), and an invalid file stops the run with every
problem listed, as `make html` stops, never silently dropped. In a network the members'
harvested entries are published too, so they are printed as well.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from katalog.content.crossfile import cross_file_problems
from katalog.content.taxonomy import DRAFT_STATUS, Taxonomy
from katalog.content.validate import Entry, load_entries
from katalog.errors import ContentError
from katalog.network.manifest import own_agency
from katalog.site.build import load_settings
from katalog.site.harvested import load_site_network
from katalog.site.inventory import sources_of
from katalog.site.reading import PARALLEL_FROM
from katalog.site.state import taxonomy_path


@dataclass(frozen=True)
class Collected:
    """What the Majalah is made from: the checked settings, the entries, their vocabularies."""

    settings: dict[str, Any]
    taxonomy: Taxonomy  # labels and unit order; in a network, merged with the members'
    entries: tuple[Entry, ...]  # published only, in file order
    agency: str  # the site's own agency (a harvested entry names its own)
    network: bool = False


def is_printed(entry: Entry) -> bool:
    """Whether `entry` belongs in the printed catalogue: every status but a draft."""
    return entry.innovation.status != DRAFT_STATUS


def collect(settings_file: Path, overrides: dict[str, Any] | None = None) -> Collected:
    """Read and check the site's settings and every innovation file; raise `ContentError`
    with every problem when any file is invalid (drafts are validated too, as in publish)."""
    settings = load_settings(settings_file, overrides)
    taxonomy = Taxonomy.load(taxonomy_path(settings))
    root = Path(settings["PATH"])
    paths = [root / p for p in sources_of(settings, "ARTICLE")]
    jobs = (os.cpu_count() or 1) if len(paths) >= PARALLEL_FROM else 1
    results = load_entries(paths, taxonomy, jobs)
    problems = [p for r in results for p in r.problems if not p.warning]
    published = [r.entry for r in results if r.entry is not None and is_printed(r.entry)]
    problems += cross_file_problems(published)
    if problems:
        raise ContentError(problems)
    network = load_site_network(settings, taxonomy)
    if network is not None:
        published += network.entries
        taxonomy = network.taxonomy
    return Collected(settings, taxonomy, tuple(published), own_agency(settings), network is not None)
