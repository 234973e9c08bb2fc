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


async def _member(
    http: httpx.AsyncClient,
    gate: asyncio.Semaphore,
    config: NetworkConfig,
    member: Member,
    status: Status | None,
    now: Callable[[], dt.datetime],
) -> tuple[MemberReport, Status | None]:
    """The member's report and its new status. Its snapshot is read only once its turn
    has come, so no more than `Limits.concurrency` snapshots are held at once."""
    path = config.snapshot_path(member)
    async with gate:
        damaged = ""
        try:
            previous = read_snapshot(path)
        except SnapshotError as exc:
            previous, damaged = None, f" (snapshot lama tidak terbaca: {exc})"
        if previous is not None and previous.url != member.url:
            previous = None  # the member's address changed: that data is another site's
        if previous is not None:
            previous = previous.with_status(status)
        at = now()
        try:
            async with asyncio.timeout(config.limits.timeout):
                snapshot, problems, changed = await _harvested(http, member, previous, config, at)
        except (FetchError, HarvestError) as exc:
            message = str(exc)
        except TimeoutError:
            message = f"tidak selesai dalam {config.limits.timeout:g} detik"
        else:
            report = MemberReport(member, snapshot.attempt.message, problems, False, True)
            return _saved(path, snapshot, report, changed), Status.of(snapshot)
    kept = previous if previous is not None and previous.has_data else None
    if kept is not None and kept.harvested is not None:
        line = (
            f"{member.slug}: gagal: {message}; snapshot {kept.harvested.date().isoformat()} "
            f"tetap dipakai ({len(kept.records)} entri)"
        )
        return MemberReport(member, line, (), True, True), Status.of(kept.failed(at, line))
    line = f"{member.slug}: gagal: {message}; belum ada snapshot{damaged}"
    return MemberReport(member, line, (), True, False), Status(member.url, None, Attempt(at, False, line))


def _saved(path: Path, snapshot: Snapshot, report: MemberReport, changed: bool) -> MemberReport:
    """`report`, once `snapshot` is written when its data `changed`; a snapshot that cannot
    be written (a full disk) leaves the old file whole and makes the member fail, said on
    its line."""
    if not changed:
        return report
    try:
        write_snapshot(path, snapshot)
    except OSError as exc:
        line = f"{report.member.slug}: gagal: snapshot {path} tidak dapat ditulis ({exc.strerror or exc})"
        return MemberReport(report.member, line, report.problems, True, path.is_file())
    return report


async def _harvested(
    http: httpx.AsyncClient, member: Member, previous: Snapshot | None, config: NetworkConfig, at: dt.datetime
) -> tuple[Snapshot, tuple[str, ...], bool]:
    """The member's new snapshot, its record problems, and whether its file must be written
    (its data changed, or the file is of format 1); raises when nothing is usable."""
    held = previous if previous is not None and previous.has_data else None
    validators = held.manifest_http.validators if held is not None and held.manifest_http else None
    limit = min(MANIFEST_MAX_BYTES, config.limits.max_bytes)
    got = await fetching.fetch(http, member.manifest_url, member, limit, validators)
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
