"""Pages for agencies that replicate: the replication ranking and the comparison page.

`ReplicationGenerator` is added through `get_generators` (see `katalog.site.plugin`) and runs
after Pelican's ArticlesGenerator, so its `generate_context` sees every article. There it
computes, once, what each innovation page shows about replication (prerequisites grouped
by type, legal-basis labels, the `based_on` links in both directions, across agencies:
`katalog.site.replication_links`) and stores it in the shared context under
``replication_views``; `article.html` only prints those values. It also publishes the
back-links of the build's replicas, ``data/replikasi.json`` (`katalog.network.replications`).

Hazard: `generate_context` runs *before* `plugin.stop_on_problems`, so a `based_on` that
names no entry must be skipped quietly here; the cross-file check reports it and stops
the build before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pelican.writers import Writer

from katalog.content.facets import Link
from katalog.content.model import Innovation, LegalBasis
from katalog.network.manifest import REPLICATIONS_FILE
from katalog.network.members import page_key
from katalog.network.replications import replications_text
from katalog.site.generators import PageGenerator
from katalog.site.outputs import required_plan
from katalog.site.replication_links import (
    PageLink,
    Replicator,
    Resolver,
    Sources,
    back_link_table,
    canonical,
    original_link,
    replicas_of,
    replicators,
    sources_of,
)
from katalog.site.views import EntryView

CONTEXT_KEY = "replication_views"
UNKNOWN = "Belum diketahui"
MAX_COMPARED = 3  # the comparison script reads this from the JSON

# Prerequisite types in display order, with their Indonesian labels.
PREREQUISITE_LABELS: dict[str, str] = {
    "sdm": "SDM",
    "infrastruktur": "Infrastruktur",
    "anggaran": "Anggaran",
    "regulasi": "Regulasi",
    "lainnya": "Lainnya",
}

# Rows of the comparison table: JSON key and Indonesian row heading, in display order.
COMPARED_FIELDS: tuple[tuple[str, str], ...] = (
    ("unit", "Unit kerja"),
    ("kind", "Jenis"),
    ("year", "Tahun"),
    ("status", "Status"),
    ("prerequisites", "Prasyarat"),
    ("cost", "Perkiraan biaya"),
    ("legal_basis", "Dasar hukum"),
    ("replications", "Jumlah replikasi"),
)
AGENCY_ROW = ("agency", "Instansi")  # a network's first row


@dataclass(frozen=True)
class PrerequisiteGroup:
    label: str  # "SDM", "Infrastruktur", ...
    items: tuple[str, ...]


@dataclass(frozen=True)
class LegalBasisView:
    title: str
    detail: str  # ", Nomor 1 Tahun 2009" (may be empty)
    url: str | None

    @property
    def text(self) -> str:
        return f"{self.title}{self.detail}"


@dataclass(frozen=True)
class ReplicationView:
    """What one innovation page shows about replication, computed once."""

    prerequisite_groups: tuple[PrerequisiteGroup, ...]
    legal_basis: tuple[LegalBasisView, ...]
    original: PageLink | None  # the innovation this one replicates (`based_on`)
    replicas: tuple[Link, ...]  # innovations of the same agency in the catalogue based on this one
    replicators: tuple[Replicator, ...] = ()  # agencies that replicated it (declared, or found)

    @property
    def count(self) -> int:
        """Agencies that replicated it: declared, with a replica in the build, or known to the network."""
        return len(self.replicators)


@dataclass(frozen=True)
class RankedInnovation:
    title: str
    url: str
    count: int


def _innovation(article: Any) -> Innovation:
    return article.innovation


def _view(article: Any) -> EntryView:
    return article.view


def _link(article: Any) -> Link:
    return Link(article.slug, _innovation(article).title, _view(article).url)


def _title_key(article: Any) -> str:
    return _innovation(article).title.casefold()


def group_prerequisites(innovation: Innovation) -> tuple[PrerequisiteGroup, ...]:
    """Prerequisites grouped by type, in `PREREQUISITE_LABELS` order, empty groups left out."""
    groups = []
    for kind, label in PREREQUISITE_LABELS.items():
        items = tuple(p.description for p in innovation.replication.prerequisites if p.type == kind)
        if items:
            groups.append(PrerequisiteGroup(label, items))
    return tuple(groups)


def legal_basis_view(basis: LegalBasis) -> LegalBasisView:
    detail = (f", Nomor {basis.number}" if basis.number else "") + (
        f" Tahun {basis.year}" if basis.year else ""
    )
    return LegalBasisView(basis.title, detail, basis.url)


def replication_views(articles: Iterable[Any], sources: Sources) -> dict[str, ReplicationView]:
    """One `ReplicationView` per article slug, with `based_on` links resolved both ways."""
    articles = sorted(articles, key=_title_key)
    resolver = Resolver(articles, sources)
    replicas = replicas_of(resolver, articles)
    views = {}
    for article in articles:
        innovation = article.innovation
        agency = resolver.agency(article)
        found = replicas.get(article.slug, [])
        back_links = sources.back_links.get(page_key(canonical(article, sources.site_url)), ())
        views[article.slug] = ReplicationView(
            prerequisite_groups=group_prerequisites(innovation),
            legal_basis=tuple(legal_basis_view(b) for b in innovation.replication.legal_basis),
            original=original_link(resolver, article),
            replicas=tuple(_link(r) for r in found if resolver.agency(r) == agency),
            replicators=replicators(
                innovation.replication.replicated_by,
                (r for r in found if resolver.agency(r) != agency),
                back_links,
                resolver,
            ),
        )
    return views


def ranking(articles: Iterable[Any], views: Mapping[str, ReplicationView]) -> list[RankedInnovation]:
    """Every innovation by number of replicating agencies (descending), then by title."""
    ranked = [RankedInnovation(_innovation(a).title, _view(a).url, views[a.slug].count) for a in articles]
    return sorted(ranked, key=lambda r: (-r.count, r.title.casefold()))


def comparison_entry(article: Any, count: int) -> dict[str, Any]:
    """The compared fields of one innovation, as display-ready Indonesian labels."""
    innovation = _innovation(article)
    view = _view(article)
    replication = innovation.replication
    prerequisites = [
        f"{group.label}: {item}" for group in group_prerequisites(innovation) for item in group.items
    ]
    values: dict[str, str | list[str]] = {
        "unit": view.unit.title or view.unit.label,
        "kind": [k.label for k in view.kinds],
        "year": view.year.label,
        "status": view.status.label,
        "prerequisites": prerequisites or UNKNOWN,
        "cost": replication.cost or UNKNOWN,
        "legal_basis": [legal_basis_view(b).text for b in replication.legal_basis] or UNKNOWN,
        "replications": f"{count} instansi",
    }
    if view.agency is not None:  # a network: which agency publishes it comes first
        values = {AGENCY_ROW[0]: view.agency.label, **values}
    return {"slug": article.slug, "title": innovation.title, "url": view.url, "values": values}


def comparison_data(articles: Iterable[Any], views: Mapping[str, ReplicationView]) -> dict[str, Any]:
    """The document `bandingkan.js` reads: row headings, the limit, and every innovation
    (in a network, with the publishing agency as the first row)."""
    articles = sorted(articles, key=_title_key)
    rows = COMPARED_FIELDS
    if any(_view(a).agency is not None for a in articles):
        rows = (AGENCY_ROW, *rows)
    return {
        "max": MAX_COMPARED,
        "fields": [{"key": key, "label": label} for key, label in rows],
        "innovations": [comparison_entry(a, views[a.slug].count) for a in articles],
    }


class ReplicationGenerator(PageGenerator):
    """Writes ``replikasi/``, ``bandingkan/``, ``data/bandingkan.json`` and ``data/replikasi.json``."""

    def generate_context(self) -> None:
        self.context[CONTEXT_KEY] = replication_views(
            self.context.get("articles", []), sources_of(self.settings)
        )

    def generate_output(self, writer: Writer) -> None:
        articles = sorted(self.context.get("articles", []), key=_title_key)
        views = self.context[CONTEXT_KEY]
        ranked = ranking(articles, views)
        self.write_page(
            writer,
            "replikasi/",
            "replikasi",
            ranked=ranked,
            total_replications=sum(r.count for r in ranked),
        )
        self.write_page(
            writer,
            "bandingkan/",
            "bandingkan",
            choices=[_link(a) for a in articles],
            max_compared=MAX_COMPARED,
        )
        plan = required_plan(self.settings)
        data = json.dumps(comparison_data(articles, views), ensure_ascii=False, separators=(",", ":"))
        plan.write_text("data/bandingkan.json", data + "\n")
        sources = sources_of(self.settings)
        plan.write_text(
            REPLICATIONS_FILE, replications_text(sources.site_url, back_link_table(articles, sources))
        )
