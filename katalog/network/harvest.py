"""`katalog harvest`: fetch every member's manifest and records into its snapshot.

Members are fetched at once, a few at a time (`Limits.concurrency`), each within its own
total time. A member costs one request when nothing changed: its manifest is asked for
with the validators of the copy held (304), and the records are fetched only when the
manifest's SHA-256 of them (or its vocabularies) differ from the snapshot's. Its snapshot
file is then not written either: only the status file (`snapshot.write_status`, once per
harvest) says when it was confirmed, so the file and its stamp stay as the build cached them.

Every member is reported on its own line, and nothing a member sends can stop the
harvest of the others or raise a traceback: down, slow, oversized, endless, malformed,
of another format version, redirecting elsewhere, or impersonating another site, it
fails alone, and its last good snapshot is kept. Exit code (`HarvestReport.exit_code`):
0 when every member was harvested or kept, 1 when a member failed and has no snapshot.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
from pydantic import ValidationError

from katalog.content.model import SCHEMA_VERSION
from katalog.content.taxonomy import Taxonomy
from katalog.content.validate import describe_errors
from katalog.errors import ContentError, UsageError
from katalog.network import fetch as fetching
from katalog.network.fetch import FetchError
from katalog.network.manifest import FORMAT, FORMAT_VERSION, Manifest, major
from katalog.network.members import Member, NetworkConfig, is_under, normalise_url
from katalog.network.records import check_records
from katalog.network.snapshot import (
    Attempt,
    Held,
    Http,
    Snapshot,
    SnapshotError,
    Status,
    read_snapshot,
    read_status,
    write_snapshot,
    write_status,
)

MANIFEST_MAX_BYTES = 2_000_000  # a manifest is a few kilobytes plus its vocabularies


class HarvestError(Exception):
    """What a member sent cannot be used; the message says why, in Indonesian."""


@dataclass(frozen=True)
class MemberReport:
    member: Member
    line: str  # "<member>: ..."
    problems: tuple[str, ...]  # "<member>: record N: field: message"
    failed: bool
    has_data: bool  # a snapshot (new or kept) the build can use


@dataclass(frozen=True)
class HarvestReport:
    members: tuple[MemberReport, ...]

    @property
    def exit_code(self) -> int:
        return 1 if any(m.failed and not m.has_data for m in self.members) else 0

    def lines(self) -> list[str]:
        return [line for m in self.members for line in (m.line, *m.problems)]

    def summary(self) -> str:
        failed = [m for m in self.members if m.failed]
        lost = sum(1 for m in failed if not m.has_data)
        text = f"{len(self.members)} anggota: {len(self.members) - len(failed)} berhasil, {len(failed)} gagal"
        return text + (f" ({lost} tanpa snapshot)." if lost else ".")


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def harvest(config: NetworkConfig, now: Callable[[], dt.datetime] = now_utc) -> HarvestReport:
    """Harvest every member of `config` into its snapshot; never raises for a member."""
    return asyncio.run(_harvest_all(config, now))


async def _harvest_all(config: NetworkConfig, now: Callable[[], dt.datetime]) -> HarvestReport:
    try:
        config.snapshots.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = f"folder snapshot '{config.snapshots}' tidak dapat dibuat ({exc.strerror or exc})"
        raise UsageError(msg) from None
    if not os.access(config.snapshots, os.W_OK):
        msg = f"folder snapshot '{config.snapshots}' tidak dapat ditulis"
        raise UsageError(msg)
    limits = config.limits
    gate = asyncio.Semaphore(limits.concurrency)
    statuses = read_status(config.snapshots)
    async with fetching.client(limits.connect_timeout, limits.timeout, limits.concurrency) as http:
        done = await asyncio.gather(
            *(_member(http, gate, config, m, statuses.get(m.slug), now) for m in config.members)
        )
    reports = [report for report, _ in done]
    kept = {m.slug: status for m, (_, status) in zip(config.members, done, strict=True) if status is not None}
    try:
        write_status(config.snapshots, kept)
    except OSError as exc:  # the snapshots are written: the build can use them all the same
        name = config.snapshots / "_status.json"
        reports = [
            replace(r, line=f"{r.line} (status {name} tidak dapat ditulis: {exc.strerror or exc})")
            for r in reports
        ]
    return HarvestReport(tuple(reports))


class _Previous:
    """The member's snapshot, read only when it is needed: not at all when its status holds
    validators that match the file and the member answers 304."""

    def __init__(self, path: Path, member: Member, status: Status | None) -> None:
        self.path, self.member, self.status = path, member, status
        self.damaged = ""  # why the file could not be read, for the member's line
        self.held: Held | None = None  # validators matching the file, once known
        kept = status.held if status is not None and status.url == member.url else None
        if kept is not None and kept.matches(path):
            self.held = kept
        self._read = False
        self._snapshot: Snapshot | None = None

    def snapshot(self) -> Snapshot | None:
        """The snapshot file, with the status' last attempt (None: none, unreadable, or of
        another address); its stamp is taken first, so a file changed meanwhile never
        matches the validators kept for it."""
        if self._read:
            return self._snapshot
        self._read = True
        try:
            stat = self.path.stat()
            previous = read_snapshot(self.path)
        except FileNotFoundError:
            return None
        except SnapshotError as exc:
            self.damaged = f" (snapshot lama tidak terbaca: {exc})"
            return None
        except OSError as exc:
            self.damaged = f" (snapshot lama tidak terbaca: {exc.strerror or exc})"
            return None
        if previous is None or previous.url != self.member.url:
            return None  # the member's address changed: that data is another site's
        self._snapshot = previous.with_status(self.status)
        self.held = Held.of(previous, stat)
        return self._snapshot


async def _member(
    http: httpx.AsyncClient,
    gate: asyncio.Semaphore,
    config: NetworkConfig,
    member: Member,
    status: Status | None,
    now: Callable[[], dt.datetime],
) -> tuple[MemberReport, Status | None]:
    """The member's report and its new status. Its snapshot is read only once its turn
    has come, so no more than `Limits.concurrency` snapshots are held at once, and not at
    all when the status' validators let a 304 confirm it."""
    path = config.snapshot_path(member)
    async with gate:
        prior = _Previous(path, member, status)
        at = now()
        try:
            async with asyncio.timeout(config.limits.timeout):
                confirmed, got = await _conditional(http, member, prior.held, config, at)
                if confirmed is not None:
                    return MemberReport(member, confirmed.attempt.message, (), False, True), confirmed
                previous = prior.snapshot()
                snapshot, problems, changed = await _harvested(http, member, previous, config, at, got)
        except (FetchError, HarvestError) as exc:
            message = str(exc)
        except TimeoutError:
            message = f"tidak selesai dalam {config.limits.timeout:g} detik"
        else:
            report = MemberReport(member, snapshot.attempt.message, problems, False, True)
            if not changed:
                return report, Status.of(snapshot, prior.held)
            report, held = _saved(path, snapshot, report)
            return report, Status.of(snapshot, held)
    previous = prior.snapshot()
    kept = previous if previous is not None and previous.has_data else None
    if kept is not None and kept.harvested is not None:
        line = (
            f"{member.slug}: gagal: {message}; snapshot {kept.harvested.date().isoformat()} "
            f"tetap dipakai ({len(kept.records)} entri)"
        )
        return MemberReport(member, line, (), True, True), Status.of(kept.failed(at, line), prior.held)
    line = f"{member.slug}: gagal: {message}; belum ada snapshot{prior.damaged}"
    return MemberReport(member, line, (), True, False), Status(member.url, None, Attempt(at, False, line))


async def _conditional(
    http: httpx.AsyncClient, member: Member, held: Held | None, config: NetworkConfig, at: dt.datetime
) -> tuple[Status | None, fetching.Fetched | None]:
    """With validators kept in the status: the member's new status when it answers 304
    (its snapshot unread), else the manifest it sent, for `_harvested` to use."""
    if held is None:
        return None, None
    got = await fetching.fetch(http, member.manifest_url, member, _manifest_limit(config), held.validators)
    if got.status != 304:
        return None, got
    line = f"{member.slug}: tidak berubah (304); {held.entries} entri"
    return Status(member.url, at, Attempt(at, True, line), held), None


def _manifest_limit(config: NetworkConfig) -> int:
    return min(MANIFEST_MAX_BYTES, config.limits.max_bytes)


def _saved(path: Path, snapshot: Snapshot, report: MemberReport) -> tuple[MemberReport, Held | None]:
    """`report` and the validators to keep, once `snapshot` is written; a snapshot that
    cannot be written (a full disk) leaves the old file whole and makes the member fail,
    said on its line."""
    try:
        write_snapshot(path, snapshot)
        stat = path.stat()
    except OSError as exc:
        line = f"{report.member.slug}: gagal: snapshot {path} tidak dapat ditulis ({exc.strerror or exc})"
        return MemberReport(report.member, line, report.problems, True, path.is_file()), None
    return report, Held.of(snapshot, stat)


async def _harvested(
    http: httpx.AsyncClient,
    member: Member,
    previous: Snapshot | None,
    config: NetworkConfig,
    at: dt.datetime,
    got: fetching.Fetched | None = None,
) -> tuple[Snapshot, tuple[str, ...], bool]:
    """The member's new snapshot, its record problems, and whether its file must be written
    (its data changed, or the file is of format 1); raises when nothing is usable. `got`:
    the manifest already fetched (by `_conditional`), else it is fetched here."""
    held = previous if previous is not None and previous.has_data else None
    if got is None:
        validators = held.manifest_http.validators if held is not None and held.manifest_http else None
        got = await fetching.fetch(http, member.manifest_url, member, _manifest_limit(config), validators)
    if got.status == 304 and held is not None:
        line = f"{member.slug}: tidak berubah (304); {len(held.records)} entri"
        return replace(held, harvested=at, attempt=Attempt(at, True, line)), (), held.legacy
    raw, manifest, taxonomy = _manifest(got.body, member)
    same_records = (
        held is not None
        and held.manifest is not None
        and held.manifest.get("records", {}).get("sha256") == manifest.records.sha256
        and held.manifest.get("taxonomy") == raw["taxonomy"]
    )
    if same_records and held is not None:
        line = f"{member.slug}: manifes diperbarui, rekaman tidak berubah; {len(held.records)} entri"
        attempt = Attempt(at, True, line)
        renewed = replace(
            held, harvested=at, fetched=at, manifest=raw, manifest_http=Http.of(got), attempt=attempt
        )
        return renewed, (), True
    fetched = await fetching.fetch(http, manifest.records.download_url, member, config.limits.max_bytes)
    if hashlib.sha256(fetched.body).hexdigest() != manifest.records.sha256:
        msg = "rekaman tidak cocok dengan sha256 di manifes (situs anggota sedang diperbarui?)"
        raise HarvestError(msg)
    data = _json(fetched.body, "rekaman")
    if not isinstance(data, list):
        msg = "rekaman harus berupa larik JSON, satu objek per inovasi"
        raise HarvestError(msg)
    if len(data) > config.limits.max_records:
        msg = f"rekaman berisi {len(data)} entri, lebih dari batas {config.limits.max_records}"
        raise HarvestError(msg)
    checked = check_records(data, member.url, taxonomy)
    line = f"{member.slug}: {len(checked.records)} entri dipanen"
    if checked.problems:
        line += f", {len(checked.problems)} masalah pada rekaman (lihat di bawah)"
    if checked.drafts:
        line += f", {checked.drafts} draf tidak dipanen"
    snapshot = Snapshot(
        member.slug,
        member.url,
        Attempt(at, True, line),
        harvested=at,
        manifest=raw,
        manifest_http=Http.of(got),
        records_http=Http.of(fetched),
        records=tuple(checked.records),
        skipped=tuple(checked.problems),
        drafts=checked.drafts,
        fetched=at,
    )
    return snapshot, tuple(f"{member.slug}: {problem}" for problem in checked.problems), True


def _json(body: bytes, what: str) -> Any:
    try:
        return json.loads(body)
    except RecursionError:
        msg = f"{what}: JSON terlalu bersarang"
        raise HarvestError(msg) from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, too many digits
        msg = f"{what} bukan JSON yang sah ({str(exc)[:160]})"
        raise HarvestError(msg) from None


def _manifest(body: bytes, member: Member) -> tuple[dict[str, Any], Manifest, Taxonomy]:
    """The member's manifest, checked: format and versions first (so a newer format is
    named as such), then the model, its own address, and its vocabularies."""
    raw = _json(body, "manifes")
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        msg = f"bukan manifes Katalog Inovasi (kunci 'format' harus '{FORMAT}')"
        raise HarvestError(msg)
    for key, ours in (("format_version", FORMAT_VERSION), ("schema_version", SCHEMA_VERSION)):
        theirs = raw.get(key)
        if not isinstance(theirs, str) or major(theirs) != major(ours):
            msg = f"manifes: {key} {theirs!r} tidak didukung (pemanen ini membaca {major(ours)}.x)"
            raise HarvestError(msg)
    try:
        manifest = Manifest.model_validate_json(body)
    except ValidationError as exc:
        details = "; ".join(f"{name}: {message}" for _, name, message in describe_errors(exc)[:3])
        msg = f"manifes tidak sah: {details}"
        raise HarvestError(msg) from None
    try:
        claimed = normalise_url(manifest.url)
    except ValueError:
        claimed = manifest.url
    if claimed != member.url:
        msg = f"manifes menyebut alamat '{manifest.url[:200]}', bukan alamat anggota {member.url}"
        raise HarvestError(msg)
    records_url = manifest.records.download_url
    if not is_under(records_url, member.url):
        msg = f"manifes menunjuk rekaman di '{records_url[:200]}', di luar situs anggota {member.url}"
        raise HarvestError(msg)
    try:
        taxonomy = manifest.vocabularies(f"{member.slug}: manifes")
    except ContentError as exc:
        problem = exc.problems[0]
        msg = f"kosakata manifes tidak sah: {problem.field}: {problem.message}"
        raise HarvestError(msg) from None
    return raw, manifest, taxonomy
