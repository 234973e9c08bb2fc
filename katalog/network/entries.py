"""A network's members, read back from their snapshots into entries like the site's own.

The build reads only snapshots (never the network): the same snapshots build the same
network, offline. Each kept record becomes an `Entry` whose `origin` names its member,
agency, canonical page and the date of its data, so every output (pages, facets, search,
feeds, open data) takes it as it takes a local one. What makes it the network's:

- **Its slug** is ``<member>--<slug>`` (pages at ``inovasi/<member>--<slug>/``): two
  agencies may both have a ``simpel``, and no slug of ours can hold ``--``. A `based_on`
  slug is renamed the same way, and dropped when it names no entry of that member; one
  naming a page by its URL is kept (`katalog.site.replication_links` resolves it).
- **Its vocabulary values** were validated at harvest against the member's own
  vocabularies; here the network's vocabularies are the site's own followed by every
  member's term of a name not seen yet (`merged_taxonomy`: terms of the same name are one
  facet value; an agency is told apart by the ``instansi`` facet), and each record is
  validated again, by the same model, against them.
- **Its body** is the member's sanitised HTML sanitised again here by the site's own
  sanitiser (`render.sanitise`, as every local body is), with every address made absolute
  against its canonical page, so no link points into the network by accident and no
  image is fetched from the member's host.

Nothing a snapshot holds can stop the build: a record that no longer validates is left
out with a warning, as is a snapshot that cannot be read.

The build keeps each member's result (`Made`) while its snapshot file is unchanged (its
stamp: a harvest rewrites it only when the member's data changed) and the merged
vocabularies are the same, so one member's change costs the validation of that member
only. The dates (last attempt, last confirmation) come from the status file every time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Hashable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from katalog.content.model import VOCABULARY_OF, Innovation, names_url
from katalog.content.render import BODY_TOP, absolute_links, outline, sanitise
from katalog.content.taxonomy import VOCABULARIES, Taxonomy, Term, Vocabulary
from katalog.content.validate import Entry, Origin, describe_errors
from katalog.errors import ContentError
from katalog.network.manifest import Manifest
from katalog.network.members import SEPARATOR, Member, NetworkConfig
from katalog.network.records import MODEL_KEYS
from katalog.network.snapshot import Snapshot, SnapshotError, Status, read_snapshot, read_status


@dataclass(frozen=True)
class MemberStatus:
    """What the network page says about one member."""

    member: Member
    name: str  # the catalogue's name (its address until one was harvested)
    agency: str | None
    entries: int  # entries of this member in the build
    harvested: dt.datetime | None  # last successful harvest
    ok: bool  # the last attempt succeeded
    message: str  # the last attempt's line (or why the snapshot cannot be read)


@dataclass(frozen=True)
class Network:
    taxonomy: Taxonomy  # the site's vocabularies, then the members'
    entries: tuple[Entry, ...]
    members: tuple[MemberStatus, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class _Loaded:
    member: Member
    snapshot: Snapshot | None
    manifest: Manifest | None
    vocabularies: Taxonomy | None
    problem: str


@dataclass(frozen=True)
class Made:
    """One member's snapshot as the build made it (records dropped, entries kept), reusable
    while `stamp` (its file's) and `taxonomy` (the merged vocabularies) are unchanged."""

    stamp: Hashable
    loaded: _Loaded
    taxonomy: Taxonomy | None  # None: no entries were made (nothing depends on it)
    entries: tuple[Entry, ...]
    skipped: tuple[str, ...]


def load_network(
    config: NetworkConfig,
    own: Taxonomy,
    memo: MutableMapping[str, Made] | None = None,
    stamp: Callable[[Path], Hashable] | None = None,
) -> Network:
    """Every member's snapshot as entries, with the merged vocabularies. With `memo` (the
    build cache's, by member slug) and `stamp` (a file's identity), a member whose snapshot
    file and merged vocabularies are unchanged is not read nor validated again; `memo` is
    updated to what this call made."""
    statuses = read_status(config.snapshots)
    memo = {} if memo is None else memo
    loaded: list[tuple[_Loaded, Hashable]] = []
    for member in config.members:
        path = config.snapshot_path(member)
        identity = _identity(path, stamp)
        known = memo.get(member.slug)
        item = (
            known.loaded if known is not None and identity is not None and known.stamp == identity else None
        )
        loaded.append((item or _load(config, member), identity))
    taxonomy = merged_taxonomy(own, [item.vocabularies for item, _ in loaded if item.vocabularies])
    entries: list[Entry] = []
    members: list[MemberStatus] = []
    warnings = [item.problem for item, _ in loaded if item.problem]
    for item, identity in loaded:
        known = memo.get(item.member.slug)
        if known is not None and item is known.loaded and known.taxonomy not in (None, taxonomy):
            item = _load(config, item.member)  # the memo holds no records: read them again
        made, skipped, used = _made(config, item, identity, taxonomy, known)
        if item.snapshot is not None and item.snapshot.records:  # what the memo keeps: no records
            item = replace(item, snapshot=replace(item.snapshot, records=()))
        memo[item.member.slug] = Made(identity, item, used, made, skipped)
        status = statuses.get(item.member.slug)
        snapshot = item.snapshot.with_status(status) if item.snapshot is not None else None
        dated = _dated(made, snapshot)
        warnings.extend(skipped)
        entries.extend(dated)
        members.append(_status(replace(item, snapshot=snapshot), len(dated), status))
    for slug in [slug for slug in memo if slug not in {m.slug for m in config.members}]:
        del memo[slug]
    return Network(taxonomy, tuple(entries), tuple(members), tuple(warnings))


def _identity(path: Path, stamp: Callable[[Path], Hashable] | None) -> Hashable:
    """`stamp(path)`; None (never equal to a remembered one) without `stamp` or a file."""
    if stamp is None:
        return None
    try:
        return stamp(path)
    except OSError:
        return None


def _made(
    config: NetworkConfig, item: _Loaded, identity: Hashable, taxonomy: Taxonomy, known: Made | None
) -> tuple[tuple[Entry, ...], tuple[str, ...], Taxonomy | None]:
    """The member's entries and skipped records: the memo's when its snapshot file and the
    merged vocabularies are those it was made from, else validated now."""
    if item.snapshot is None or item.manifest is None or item.vocabularies is None:
        return (), (), None
    if known is not None and identity is not None and known.stamp == identity and known.taxonomy == taxonomy:
        return known.entries, known.skipped, taxonomy
    source = config.snapshot_path(item.member)
    made, skipped = _entries(
        item.member.slug, item.snapshot, item.manifest, item.vocabularies, taxonomy, source
    )
    return tuple(made), tuple(skipped), taxonomy


def _dated(entries: tuple[Entry, ...], snapshot: Snapshot | None) -> tuple[Entry, ...]:
    """`entries` dated by the member's last confirmation ("data per ..."), which the status
    file gives and a harvest that found nothing changed moves on."""
    if snapshot is None or not entries:
        return entries
    harvested = snapshot.harvested or snapshot.attempt.at
    return tuple(
        entry
        if entry.origin is None or entry.origin.harvested == harvested
        else replace(entry, origin=replace(entry.origin, harvested=harvested))
        for entry in entries
    )


def _load(config: NetworkConfig, member: Member) -> _Loaded:
    path = config.snapshot_path(member)
    try:
        snapshot = read_snapshot(path)
    except SnapshotError as exc:
        return _Loaded(member, None, None, None, f"{exc}; anggota {member.slug} tidak dimuat")
    if snapshot is None or not snapshot.has_data or snapshot.url != member.url:
        return _Loaded(member, snapshot if snapshot and snapshot.url == member.url else None, None, None, "")
    try:
        manifest = Manifest.model_validate(snapshot.manifest, strict=False)
        vocabularies = manifest.vocabularies(str(path))
    except (ValidationError, ContentError) as exc:
        return _Loaded(member, snapshot, None, None, f"{path}: manifes dalam snapshot tidak sah ({exc})")
    return _Loaded(member, snapshot, manifest, vocabularies, "")


def _status(item: _Loaded, entries: int, status: Status | None) -> MemberStatus:
    snapshot, manifest = item.snapshot, item.manifest
    name = manifest.name if manifest else item.member.url
    if snapshot is None:
        if status is not None and status.url == item.member.url and not item.problem:
            message = status.attempt.message.removeprefix(f"{item.member.slug}: ")
            return MemberStatus(item.member, name, None, 0, None, status.attempt.ok, message)
        message = item.problem or "belum pernah dipanen"
        return MemberStatus(item.member, name, None, 0, None, False, message)
    agency = manifest.agency if manifest else None
    attempt = snapshot.attempt
    message = attempt.message.removeprefix(f"{item.member.slug}: ")  # the page names the member itself
    return MemberStatus(item.member, name, agency, entries, snapshot.harvested, attempt.ok, message)


def merged_taxonomy(own: Taxonomy, members: Iterable[Taxonomy]) -> Taxonomy:
    """The site's vocabularies, then each member's terms of a name not seen yet.

    A member's term keeps its slug and short form unless another term already spells
    them (then the slug gets a number, the short form is dropped): every name, slug and
    short form names one term, so a value resolves to one term whoever spelled it.
    """
    members = list(members)
    merged: dict[str, Vocabulary] = {}
    for key in VOCABULARIES:
        terms = list(getattr(own, key).terms)
        spelled = {spelling for term in terms for spelling in (term.name, term.slug, term.short) if spelling}
        for taxonomy in members:
            for term in getattr(taxonomy, key).terms:
                if term.name in spelled:
                    continue
                slug, number = term.slug, 1
                while slug in spelled:
                    number += 1
                    slug = f"{term.slug}-{number}"
                short = term.short if term.short and term.short not in spelled else ""
                terms.append(Term(slug, term.name, short))
                spelled.update(s for s in (term.name, slug, short) if s)
        merged[key] = Vocabulary(key, tuple(terms))
    return Taxonomy(**merged)


def _entries(
    member: str,
    snapshot: Snapshot,
    manifest: Manifest,
    vocabularies: Taxonomy,
    taxonomy: Taxonomy,
    source: Path,
) -> tuple[list[Entry], list[str]]:
    """The member's records as entries (validated against the network's vocabularies)."""
    harvested = snapshot.harvested or snapshot.attempt.at
    made: dict[str, Entry] = {}
    warnings: list[str] = []
    for record in snapshot.records:
        slug = str(record.get("slug"))
        try:
            innovation = _innovation(record, vocabularies, taxonomy)
            modified = dt.datetime.fromisoformat(str(record["modified"]))
            origin = Origin(member, manifest.agency, str(record["origin_url"]), harvested, modified)
            body = _body(str(record["body_html"]), origin.url)
        except ValidationError as exc:
            details = "; ".join(f"{name}: {message}" for _, name, message in describe_errors(exc)[:3])
            warnings.append(f"{source}: record {slug}: {details}; dilewati")
            continue
        except (KeyError, TypeError, ValueError) as exc:
            warnings.append(f"{source}: record {slug}: tidak dapat dibaca ({exc!r}); dilewati")
            continue
        own = innovation.effective_slug
        renamed = innovation.model_copy(update={"slug": f"{member}{SEPARATOR}{own}"})
        markdown = str(record.get("body_markdown", ""))
        made[own] = Entry(f"{source}#{own}", renamed, body, markdown, {}, origin)
    return [_linked(entry, member, made) for entry in made.values()], warnings


def _innovation(record: Mapping[str, Any], vocabularies: Taxonomy, taxonomy: Taxonomy) -> Innovation:
    """The record's model, its vocabulary values named as the member names them, then
    validated by the same model against the network's vocabularies."""
    model = {key: value for key, value in record.items() if key in MODEL_KEYS}
    for field, key in VOCABULARY_OF.items():
        vocabulary: Vocabulary = getattr(vocabularies, key)
        value = model.get(field)
        if isinstance(value, list):
            model[field] = [_named(vocabulary, v) for v in value]
        elif value is not None:
            model[field] = _named(vocabulary, value)
    return Innovation.model_validate_json(json.dumps(model), context={"taxonomy": taxonomy})


def _named(vocabulary: Vocabulary, value: object) -> object:
    term = vocabulary.get(value) if isinstance(value, str) else None
    return term.name if term is not None else value


def _body(markup: str, origin_url: str) -> str:
    """The member's body as this site shows it: sanitised here, addresses absolute, and
    sanitised again (an image now pointing at the member's host becomes its alt text); its
    headings renumbered as our own bodies' are, whatever levels the member sent."""
    return outline(sanitise(absolute_links(sanitise(markup), origin_url)), BODY_TOP)


def _linked(entry: Entry, member: str, made: Mapping[str, Entry]) -> Entry:
    """`entry` with `based_on` renamed into the network, or dropped when it names no entry."""
    original = entry.innovation.based_on
    if original is None or names_url(original):
        return entry
    target = f"{member}{SEPARATOR}{original}" if original in made else None
    if target == entry.slug:
        target = None
    return replace(entry, innovation=entry.innovation.model_copy(update={"based_on": target}))
