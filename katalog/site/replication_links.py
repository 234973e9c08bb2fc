"""`based_on` resolved both ways and across agencies: what each entry replicates, and who
replicates it.

An entry names its original by a local slug or by the address of the original's page in
another catalogue (`Innovation.based_on`). Every article of the build (the site's own and,
in a network, every member's) is known here by its addresses, spelled one way
(`members.page_key`): its page on this site and, for a harvested one, its canonical page
on its agency's site. So an address finds its original whenever the build holds it,
whichever catalogue the replica was written in; otherwise the replica links to the
address itself.

On the original's side, replicas published by the original's own agency stay "Replika
dalam katalog"; replicas by other agencies join "Direplikasi oleh", beside the agencies
the entry declares (`replication.replicated_by`, matched by name), each linked to its
replica; then the network's back-links (`Sources.back_links`, read by
`katalog.site.backlinks`) for agencies not listed yet. The same resolution gives the
back-links this site publishes (`back_link_table`, `data/replikasi.json`): a network's
are everyone's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from katalog.content.model import Replica, names_url
from katalog.network.manifest import own_agency
from katalog.network.members import page_key
from katalog.network.replications import BackLink
from katalog.site.export import page_url
from katalog.site.harvested import agency_of
from katalog.site.state import state_of


@dataclass(frozen=True)
class Sources:
    """What resolving needs beyond the articles: the site's agency (its own entries') and
    public address, and the back-links a network published to this site's pages."""

    agency: str
    site_url: str
    back_links: Mapping[str, tuple[BackLink, ...]] = field(default_factory=dict)  # page_key -> replicas


def sources_of(settings: dict[str, Any]) -> Sources:
    return Sources(own_agency(settings), settings["KATALOG_PUBLIC_URL"], state_of(settings).back_links)


@dataclass(frozen=True)
class PageLink:
    """A link to an entry's page: on this site (`url` from its root) or elsewhere (`external`)."""

    label: str
    url: str
    external: bool = False
    agency: str | None = None  # named beside the link when it is not the linking entry's agency


@dataclass(frozen=True)
class Replicator:
    """One agency under "Direplikasi oleh": as declared, and/or with its replica's page."""

    agency: str
    year: int | None = None
    status: str | None = None
    source: str | None = None  # the declared source that mentions the replication
    replica: PageLink | None = None


def canonical(article: Any, site_url: str) -> str:
    """The article's canonical page: on its agency's own site (a harvested entry's origin)."""
    origin = article.entry.origin
    return origin.url if origin is not None else page_url(article.entry, site_url)


class Resolver:
    """Finds each article's original among `articles`, by slug or by any of its addresses."""

    def __init__(self, articles: Iterable[Any], sources: Sources) -> None:
        self.sources = sources
        self.by_slug: dict[str, Any] = {}
        self.by_page: dict[str, Any] = {}
        for article in articles:
            self.by_slug[article.slug] = article
            self.by_page.setdefault(page_key(page_url(article.entry, sources.site_url)), article)
            if article.entry.origin is not None:
                self.by_page.setdefault(page_key(article.entry.origin.url), article)

    def original(self, article: Any) -> tuple[Any | None, str | None]:
        """(the original article, None) when the build holds it; (None, its address) for an
        original elsewhere; (None, None) for no original (or one naming the entry itself)."""
        based_on = article.innovation.based_on
        if based_on is None:
            return None, None
        if names_url(based_on):
            found = self.by_page.get(page_key(based_on))
            if found is None:
                return None, based_on
        else:
            found = self.by_slug.get(based_on)  # the cross-file check stops a slug naming nothing
        return (found if found is not article else None), None

    def agency(self, article: Any) -> str:
        return agency_of(article, self.sources.agency)


def original_link(resolver: Resolver, article: Any) -> PageLink | None:
    """What "Replikasi dari" links to: the original's page here, else its address."""
    original, address = resolver.original(article)
    if address is not None:
        return PageLink(address, address, external=True)
    if original is None:
        return None
    agency = resolver.agency(original)
    shown = agency if agency != resolver.agency(article) else None
    return PageLink(original.innovation.title, original.view.url, agency=shown)


def replicas_of(resolver: Resolver, articles: Iterable[Any]) -> dict[str, list[Any]]:
    """Original's slug -> the articles replicating it, in the order of `articles`."""
    found: dict[str, list[Any]] = defaultdict(list)
    for article in articles:
        original, _ = resolver.original(article)
        if original is not None:
            found[original.slug].append(article)
    return found


def replicators(
    declared: Sequence[Replica], others: Iterable[Any], back_links: Iterable[BackLink], resolver: Resolver
) -> tuple[Replicator, ...]:
    """The declared agencies, then other agencies' replicas in the build, then the network's
    back-links; an agency already listed gets the link to its replica, once."""
    listed = [Replicator(r.agency, r.year, r.status, r.source) for r in declared]
    position = {_name(r.agency): n for n, r in enumerate(listed)}

    def add(agency: str, link: PageLink) -> None:
        n = position.get(_name(agency))
        if n is None:
            position[_name(agency)] = len(listed)
            listed.append(Replicator(agency, replica=link))
        elif listed[n].replica is None:
            listed[n] = replace(listed[n], replica=link)

    for replica in others:
        add(resolver.agency(replica), PageLink(replica.innovation.title, replica.view.url))
    for back in back_links:
        add(back.agency, PageLink(back.title, back.url, external=True))
    return tuple(listed)


def _name(agency: str) -> str:
    return " ".join(agency.casefold().split())


def replication_group(article: Any, articles: Sequence[Any], sources: Sources) -> list[Any]:
    """`article`, its original and its replicas: all that its replication view depends on
    (the devserver renders one edited entry's page from these)."""
    resolver = Resolver(articles, sources)
    original, _ = resolver.original(article)
    replicas = [a for a in articles if a is not article and resolver.original(a)[0] is article]
    return [article, *([original] if original is not None else []), *replicas]


def back_link_table(articles: Iterable[Any], sources: Sources) -> dict[str, list[BackLink]]:
    """Original's page (`page_key`) -> who replicates it, for every replica of the build:
    what this site publishes in ``data/replikasi.json``."""
    articles = list(articles)
    resolver = Resolver(articles, sources)
    table: dict[str, list[BackLink]] = defaultdict(list)
    for article in articles:
        original, address = resolver.original(article)
        if original is not None:
            key = page_key(canonical(original, sources.site_url))
        elif address is not None:
            key = page_key(address)
        else:
            continue
        # Our own data, validated when it was read: constructed, not validated again (a site's
        # agency may be longer than a back-link's limit, which guards what we read from others).
        link = BackLink.model_construct(
            agency=resolver.agency(article),
            title=article.innovation.title,
            url=canonical(article, sources.site_url),
        )
        table[key].append(link)
    return table
