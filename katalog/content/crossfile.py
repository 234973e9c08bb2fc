"""Problems no single file shows: two entries with one slug, a `based_on` naming no entry.

Shared by the build (which stops before writing anything) and `katalog check`, so both
reach the same verdict on a set of files. A `based_on` naming another catalogue's page by
its URL is not judged here: whether that page exists is known only online (the model has
checked that it is an http(s) address).
"""

from __future__ import annotations

from collections import defaultdict

from katalog.content.model import names_url
from katalog.content.validate import Entry
from katalog.errors import Problem


def cross_file_problems(entries: list[Entry]) -> list[Problem]:
    """Problems no single file shows: clashing slugs, `based_on` naming no entry."""
    return duplicate_slugs(entries) + unknown_originals(entries)


def unknown_originals(entries: list[Entry]) -> list[Problem]:
    slugs = {e.slug for e in entries}
    return [
        Problem(
            e.source,
            e.line_of("based_on"),
            "based_on",
            f"'{e.innovation.based_on}' bukan slug inovasi di katalog",
        )
        for e in entries
        if e.innovation.based_on is not None
        and not names_url(e.innovation.based_on)
        and (e.innovation.based_on not in slugs or e.innovation.based_on == e.slug)
    ]


def duplicate_slugs(entries: list[Entry]) -> list[Problem]:
    """One problem per entry whose slug an earlier file (in path order) already uses."""
    by_slug: dict[str, list[Entry]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: e.source):
        by_slug[entry.slug].append(entry)
    problems = []
    for slug, entries in by_slug.items():
        first, *others = entries
        problems.extend(
            Problem(
                other.source,
                other.line_of("slug"),
                "slug",
                f"'{slug}' sudah dipakai oleh {first.source}; isi 'slug' dengan nilai lain",
            )
            for other in others
        )
    return problems
