"""Facets (unit kerja, bidang, jenis, tahun, status): values, counts, URLs and labels.

Declared once in `FACETS`; the facet pages, the filters on the home page and the links on
every innovation page are all derived from it, so templates never build a URL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from katalog.content.model import Innovation, slugify
from katalog.content.taxonomy import Taxonomy, Vocabulary


class HasInnovation(Protocol):
    """An `Entry` or a Pelican article carrying one (both expose `.innovation`)."""

    innovation: Innovation


UNKNOWN_SLUG = "tidak-diketahui"
UNKNOWN_LABEL = "Tidak diketahui"


@dataclass(frozen=True)
class Link:
    """A labelled URL (relative to the site root) to a facet value."""

    slug: str
    label: str
    url: str
    title: str = ""  # long form for the `title` attribute (full unit name)


@dataclass(frozen=True)
class FacetSpec:
    """How one facet reads its values from an innovation."""

    key: str  # path segment: output/<key>/<slug>/
    label: str  # Indonesian heading
    vocabulary: str | None  # taxonomy vocabulary, None for years
    values_of: Callable[[Innovation], list[str | int | None]]


FACETS: tuple[FacetSpec, ...] = (
    FacetSpec("unit", "Unit kerja", "units", lambda i: [i.unit]),
    FacetSpec("bidang", "Bidang", "categories", lambda i: [i.category]),
    FacetSpec("jenis", "Jenis", "kinds", lambda i: list(i.kind) or [None]),
    FacetSpec("tahun", "Tahun", None, lambda i: [i.year]),
    FacetSpec("status", "Status", "statuses", lambda i: [i.status]),
)


def link_for(spec: FacetSpec, value: str | int | None, taxonomy: Taxonomy) -> Link:
    """The facet-page link of one value (unknown values share one page)."""
    if value is None:
        return Link(UNKNOWN_SLUG, UNKNOWN_LABEL, f"{spec.key}/{UNKNOWN_SLUG}/")
    if spec.vocabulary is None:
        return Link(str(value), str(value), f"{spec.key}/{value}/")
    vocabulary: Vocabulary = getattr(taxonomy, spec.vocabulary)
    term = vocabulary.get(str(value))
    if term is None:  # the model resolved it; reaching here is a programmer error
        msg = f"{value!r} not in vocabulary {spec.vocabulary}"
        raise KeyError(msg)
    return Link(term.slug, term.label, f"{spec.key}/{term.slug}/", term.name)


def links_of(innovation: Innovation, taxonomy: Taxonomy) -> dict[str, list[Link]]:
    """Every facet link of one innovation, keyed by facet key."""
    return {spec.key: [link_for(spec, v, taxonomy) for v in spec.values_of(innovation)] for spec in FACETS}


@dataclass
class FacetValue:
    link: Link
    entries: list[Any] = field(default_factory=list)  # HasInnovation items, in input order
    order: tuple[int, str] = (0, "")

    @property
    def count(self) -> int:
        return len(self.entries)


@dataclass
class Facet:
    spec: FacetSpec
    values: list[FacetValue]

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def label(self) -> str:
        return self.spec.label


# A network's facet: the agency publishing each entry (its own for the site's entries, a
# member's for harvested ones). Not a field of the model (the values come from where an
# entry was read), so it is no `FACETS` row: `build_facets` adds it when given `agency_of`.
AGENCY_FACET = FacetSpec("instansi", "Instansi", None, lambda i: [])


def agency_link(name: str) -> Link:
    """The ``instansi/<slug>/`` link of an agency (its name, slugified)."""
    slug = slugify(name) or UNKNOWN_SLUG
    return Link(slug, name or UNKNOWN_LABEL, f"{AGENCY_FACET.key}/{slug}/", name)


def build_facets(
    entries: Iterable[HasInnovation], taxonomy: Taxonomy, agency_of: Callable[[Any], str] | None = None
) -> list[Facet]:
    """Group entries by every facet value; values keep taxonomy order, years run newest first.
    With `agency_of` (a network), the ``instansi`` facet comes last, agencies by name."""
    entries = list(entries)
    facets = []
    for spec in FACETS:
        by_slug: dict[str, FacetValue] = {}
        for entry in entries:
            for value in spec.values_of(entry.innovation):
                link = link_for(spec, value, taxonomy)
                if link.slug not in by_slug:
                    by_slug[link.slug] = FacetValue(link, order=_order(spec, value, taxonomy))
                by_slug[link.slug].entries.append(entry)
        facets.append(Facet(spec, sorted(by_slug.values(), key=lambda v: v.order)))
    if agency_of is not None:
        agencies: dict[str, FacetValue] = {}
        for entry in entries:
            link = agency_link(agency_of(entry))
            value = agencies.setdefault(link.slug, FacetValue(link, order=(0, link.label.casefold())))
            value.entries.append(entry)
        facets.append(Facet(AGENCY_FACET, sorted(agencies.values(), key=lambda v: v.order)))
    return facets


def _order(spec: FacetSpec, value: str | int | None, taxonomy: Taxonomy) -> tuple[int, str]:
    if value is None:
        return (1_000_000, "")
    if spec.vocabulary is None:
        return (-int(value), "")
    terms = getattr(taxonomy, spec.vocabulary).terms
    position = next(i for i, t in enumerate(terms) if t.name == value or t.slug == value)
    return (position, "")
