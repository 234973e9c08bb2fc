"""What each page of the Majalah shows, computed once in Python; the templates only print it.

The order of the magazine is fixed here: cover, foreword (when the site writes one),
table of contents by unit, one page per innovation in that order, then the index of
keywords. Labels and links come from the same places as the site's (`facets.links_of`,
`replication_pages`), so paper and screen say the same thing.

An unknown fact is left out, never printed as a guess nor as "belum diketahui": a field
that is null or empty, a facet whose value is unknown (status "tidak diketahui" included),
a replication kit with nothing in it. The QR code's target is the entry's canonical page
on the public site (`seo.canonical_url`: a harvested entry's own agency's page).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from katalog.content.facets import UNKNOWN_SLUG, build_facets, links_of
from katalog.content.freshness import today
from katalog.content.model import Contact
from katalog.content.taxonomy import Taxonomy
from katalog.content.validate import Entry
from katalog.site.harvested import agency_of
from katalog.site.replication_links import PageLink, Sources
from katalog.site.replication_pages import PrerequisiteGroup, replication_views
from katalog.site.seo import canonical_url
from katalog.site.views import EntryView

PREFIX = "inovasi-"  # an entry page's anchor: the TOC, index and bookmarks point at it
UNKNOWN_UNIT = "Unit kerja belum diketahui"
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember")  # fmt: skip


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class Item:
    """One line of a list: text, and where it leads (another page of the Majalah, or a URL)."""

    text: str
    anchor: str | None = None  # an entry printed in this Majalah: "hlm. N" after the text
    url: str | None = None


@dataclass(frozen=True)
class EntryPage:
    """One innovation's page."""

    anchor: str
    title: str
    expansion: str | None
    summary: str
    unit: str  # short label, for the running head
    url: str  # its page on the public site: the QR code's target
    facts: tuple[Fact, ...]
    original: Item | None  # "Replikasi dari"
    prerequisites: tuple[PrerequisiteGroup, ...]
    legal_basis: tuple[Item, ...]
    kit_facts: tuple[Fact, ...]  # cost, duration
    steps: tuple[str, ...]
    documents: tuple[Item, ...]
    kit_contact: tuple[str, ...]  # who helps an agency replicate it
    contact: tuple[str, ...]  # the entry's own contact
    replicated_by: tuple[Item, ...]
    replicas: tuple[Item, ...]  # the same agency's replicas of it, printed in this Majalah
    sources: tuple[str, ...]
    keywords: tuple[str, ...]

    @property
    def has_kit(self) -> bool:
        """Whether the replication kit has anything to print (else its heading is left out)."""
        parts = (self.prerequisites, self.legal_basis, self.kit_facts, self.steps, self.documents)
        return any(parts) or any((self.kit_contact, self.replicated_by, self.replicas))


@dataclass(frozen=True)
class UnitSection:
    anchor: str
    title: str  # the unit's full name
    entries: tuple[EntryPage, ...]


@dataclass(frozen=True)
class IndexTerm:
    label: str
    anchors: tuple[str, ...]  # entries carrying the keyword, in page order


@dataclass(frozen=True)
class IndexLetter:
    letter: str
    terms: tuple[IndexTerm, ...]


@dataclass(frozen=True)
class Edition:
    """The whole Majalah, in page order."""

    title: str  # the PDF's title
    sitename: str
    agency: str
    tagline: str
    site_url: str
    printed_on: str  # "2 Desember 2025"
    lang: str
    foreword: tuple[str, ...]  # paragraphs; empty: no foreword page
    units: tuple[UnitSection, ...]
    index: tuple[IndexLetter, ...]

    @property
    def entries(self) -> tuple[EntryPage, ...]:
        return tuple(page for unit in self.units for page in unit.entries)


def indonesian_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def paragraphs(text: str | None) -> tuple[str, ...]:
    """A setting's text as paragraphs: split on blank lines, each one's lines joined."""
    if not text:
        return ()
    blocks = (" ".join(block.split()) for block in text.replace("\r\n", "\n").split("\n\n"))
    return tuple(block for block in blocks if block)


def sort_key(text: str) -> str:
    """Alphabetical order as a reader expects it: case and accents ignored."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join((ascii_text or text).casefold().split())


class _Printed:
    """An entry as `replication_views` expects an article: slug, innovation, entry, view."""

    def __init__(self, entry: Entry, taxonomy: Taxonomy) -> None:
        self.entry = entry
        self.slug = entry.slug
        self.innovation = entry.innovation
        self.view = EntryView(url=f"inovasi/{entry.slug}/", links=links_of(entry.innovation, taxonomy))


def edition(
    entries: Iterable[Entry], taxonomy: Taxonomy, settings: Mapping[str, Any], agency: str, network: bool
) -> Edition:
    """The Majalah of `entries` (published, checked) with the site's identity from `settings`."""
    entries = list(entries)
    public_url = settings["KATALOG_PUBLIC_URL"]
    printed = [_Printed(e, taxonomy) for e in entries]
    views = replication_views(printed, Sources(agency, public_url))
    pages = {p.slug: _entry_page(p, views[p.slug], public_url, agency if network else None) for p in printed}
    units = []
    for value in build_facets(printed, taxonomy)[0].values:  # the unit facet, in taxonomy order
        title = UNKNOWN_UNIT if value.link.slug == UNKNOWN_SLUG else value.link.title or value.link.label
        chosen = sorted(value.entries, key=lambda p: (sort_key(p.innovation.title), p.slug))
        units.append(UnitSection(f"unit-{value.link.slug}", title, tuple(pages[p.slug] for p in chosen)))
    ordered = [page for unit in units for page in unit.entries]
    sitename = settings["SITENAME"]
    return Edition(
        title=f"Majalah Inovasi — {sitename}",
        sitename=sitename,
        agency=settings.get("KATALOG_AGENCY") or "",
        tagline=settings.get("SITE_TAGLINE") or "",
        site_url=public_url,
        printed_on=indonesian_date(today(settings)),
        lang=settings.get("DEFAULT_LANG") or "id",
        foreword=paragraphs(settings.get("KATALOG_MAJALAH_PENGANTAR")),
        units=tuple(units),
        index=keyword_index(ordered),
    )


def _entry_page(printed: _Printed, view: Any, public_url: str, own_agency: str | None) -> EntryPage:
    innovation = printed.innovation
    replication = innovation.replication
    return EntryPage(
        anchor=PREFIX + printed.slug,
        title=innovation.title,
        expansion=innovation.expansion,
        summary=innovation.summary,
        unit=printed.view.unit.label if printed.view.unit.slug != UNKNOWN_SLUG else "",
        url=canonical_url(printed.entry, public_url),
        facts=_facts(printed, own_agency),
        original=_item(view.original),
        prerequisites=view.prerequisite_groups,
        legal_basis=tuple(Item(b.text, url=b.url) for b in view.legal_basis),
        kit_facts=tuple(
            Fact(label, value)
            for label, value in (
                ("Perkiraan biaya", replication.cost),
                ("Perkiraan waktu", replication.duration),
            )
            if value
        ),
        steps=tuple(replication.steps),
        documents=tuple(Item(f"{d.title} — {d.url}", url=d.url) for d in replication.documents),
        kit_contact=contact_lines(replication.contact),
        contact=contact_lines(innovation.contact),
        replicated_by=tuple(_replicator(r) for r in view.replicators),
        replicas=tuple(Item(link.label, anchor=PREFIX + link.slug) for link in view.replicas),
        sources=tuple(innovation.sources),
        keywords=tuple(innovation.tags),
    )


def _facts(printed: _Printed, own_agency: str | None) -> tuple[Fact, ...]:
    """The facts box: only what is known (a facet value "tidak diketahui" is left out)."""
    innovation, view = printed.innovation, printed.view
    facts = []
    if own_agency is not None:  # a network names each entry's publishing agency
        facts.append(Fact("Instansi", agency_of(printed.entry, own_agency)))
    for label, links in (
        ("Unit kerja", view.links["unit"]),
        ("Bidang", view.links["bidang"]),
        ("Jenis", view.links["jenis"]),
        ("Tahun", view.links["tahun"]),
        ("Status", view.links["status"]),
    ):
        known = [link.title or link.label for link in links if link.slug != UNKNOWN_SLUG]
        if known:
            facts.append(Fact(label, ", ".join(known)))
    if innovation.awards:
        facts.append(Fact("Penghargaan", "; ".join(innovation.awards)))
    if innovation.last_verified is not None:
        facts.append(Fact("Terakhir diverifikasi", indonesian_date(innovation.last_verified)))
    return tuple(facts)


def contact_lines(contact: Contact | None) -> tuple[str, ...]:
    if contact is None:
        return ()
    lines = (
        contact.name,
        f"Surel: {contact.email}" if contact.email else None,
        f"Telepon/WhatsApp: {contact.phone}" if contact.phone else None,
        f"Laman: {contact.url}" if contact.url else None,
    )
    return tuple(line for line in lines if line)


def _item(link: PageLink | None) -> Item | None:
    """A link of the site as printed: another entry of this Majalah by its page, else its URL."""
    if link is None:
        return None
    if link.external:
        return Item(link.label, url=link.url)
    label = f"{link.label} ({link.agency})" if link.agency else link.label
    return Item(label, anchor=PREFIX + link.url.strip("/").removeprefix("inovasi/"))


def _replicator(replicator: Any) -> Item:
    detail = ", ".join(str(part) for part in (replicator.year, replicator.status) if part)
    text = f"{replicator.agency} ({detail})" if detail else replicator.agency
    replica = _item(replicator.replica)
    if replica is not None:
        return Item(f"{text} — {replica.text}", anchor=replica.anchor, url=replica.url)
    return Item(text, url=replicator.source)


def keyword_index(pages: Iterable[EntryPage]) -> tuple[IndexLetter, ...]:
    """Every keyword (`tags`) with the entries carrying it, alphabetically under its letter.

    Spellings that differ only in case, accents or spacing are one keyword, shown as first
    met in page order."""
    terms: dict[str, tuple[str, list[str]]] = {}
    for page in pages:
        for tag in page.keywords:
            label, anchors = terms.setdefault(sort_key(tag), (" ".join(tag.split()), []))
            if page.anchor not in anchors:
                anchors.append(page.anchor)
    letters: dict[str, list[IndexTerm]] = {}
    for key in sorted(terms):
        label, anchors = terms[key]
        letter = key[:1].upper() if key[:1].isalpha() else "#"
        letters.setdefault(letter, []).append(IndexTerm(label, tuple(anchors)))
    return tuple(IndexLetter(letter, tuple(found)) for letter, found in letters.items())
