"""The Pelican plugin: every signal Katalog Inovasi uses, connected in one place.

Handlers live at module level because blinker keeps only weak references.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pelican import Pelican, signals
from pelican.readers import Readers

from katalog.errors import ContentError, Problem
from katalog.generators import CatalogueGenerator
from katalog.reader import KatalogReader
from katalog.state import STATE_KEY, BuildState, state_of, taxonomy_path
from katalog.taxonomy import Taxonomy
from katalog.validate import Entry


def start_build(pelican: Pelican) -> None:
    """Load the taxonomy once and give the build a fresh state."""
    pelican.settings[STATE_KEY] = BuildState(taxonomy=Taxonomy.load(taxonomy_path(pelican.settings)))


def use_our_reader(readers: Readers) -> None:
    """Markdown goes through our validating reader; no other format is accepted."""
    readers.reader_classes.clear()
    readers.reader_classes["md"] = KatalogReader


def add_generators(pelican: Pelican) -> type[CatalogueGenerator]:
    return CatalogueGenerator


def stop_on_problems(generators: list[Any]) -> None:
    """After reading, before writing: any invalid file (or clashing slug) stops the build."""
    state = state_of(generators[0].settings)
    problems = list(state.problems) + duplicate_slugs(state)
    if problems:
        raise ContentError(problems)


def duplicate_slugs(state: BuildState) -> list[Problem]:
    """One problem per entry whose slug an earlier file (in path order) already uses."""
    by_slug: dict[str, list[Entry]] = defaultdict(list)
    for entry in sorted(state.entries, key=lambda e: e.source):
        by_slug[entry.slug].append(entry)
    problems = []
    for slug, entries in by_slug.items():
        first, *others = entries
        problems.extend(
            Problem(
                other.source,
                other.slug_line,
                "slug",
                f"'{slug}' sudah dipakai oleh {first.source}; isi 'slug' dengan nilai lain",
            )
            for other in others
        )
    return problems


def register() -> None:
    # A fresh BuildState (taxonomy, collected problems) for every build.
    signals.initialized.connect(start_build)
    # Our reader validates front matter against the model.
    signals.readers_init.connect(use_our_reader)
    # Home page and facet pages.
    signals.get_generators.connect(add_generators)
    # Abort before any page is written when any content is invalid.
    signals.all_generators_finalized.connect(stop_on_problems)
