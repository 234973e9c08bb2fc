"""One snapshot per member: its last good data, with provenance, and its last attempt.

``jaringan/<member>.json`` beside ``jaringan.yaml``. Snapshots are committed with the
site, not kept in ``.katalog/``: they cannot be derived again (a member may be down, or
have changed since), so a network builds offline and reproducibly from its repository,
its CI needs no access to the members, and the history of the folder is the record of
what the network published about each agency and when.

A snapshot holds the member's manifest and validated records as last fetched (with the
URL, HTTP status, ``ETag`` and ``Last-Modified`` of each), when the data was last
confirmed current (``harvested``: a 304 confirms it too), and the outcome of the last
attempt, good or bad. A failed attempt changes only the latter: the last good data stays.
Files are written whole or not at all (a temporary file, then a rename).

What changes on every harvest (the last attempt, and when the data was last confirmed) is
kept out of the snapshot files, in one small ``jaringan/_status.json`` (`read_status`,
`write_status`): a member that did not change costs no write of its snapshot, whose file
(and its modification time, which keys the build's cache) stays as it was. A snapshot file
says when its own data was fetched (``fetched``), so it stays usable without the status.
Format 1 kept ``harvested`` and ``attempt`` in the file; it is still read, and rewritten
as format 2 by the next harvest of the member.

The status also keeps what the next conditional request needs (`Held`: the manifest's
validators, the number of entries for the member's line) with the size, modification time
and inode of the snapshot file they were taken from: a member whose file still matches is
asked with them without its snapshot (~200 KB of JSON at 60 entries) being read, which is
most of what a repeat harvest of unchanged members would otherwise cost. A status without
them (an older one) or a file that does not match only means the snapshot is read.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from katalog.network.fetch import Fetched, Validators

FORMAT = "katalog-inovasi-snapshot"
FORMAT_VERSION = 2
READABLE = (1, FORMAT_VERSION)  # format 1: `harvested` and `attempt` inside the file
STATUS_FILE = "_status.json"  # beside the snapshots; "_" is in no member slug
STATUS_FORMAT = "katalog-inovasi-status"


class SnapshotError(Exception):
    """A snapshot file that cannot be read (damaged, or of another format)."""


@dataclass(frozen=True)
class Http:
    """Provenance of one fetched document."""

    url: str
    status: int
    etag: str | None = None
    last_modified: str | None = None

    @classmethod
    def of(cls, fetched: Fetched) -> Http:
        return cls(fetched.url, fetched.status, fetched.validators.etag, fetched.validators.last_modified)

    @property
    def validators(self) -> Validators:
        return Validators(self.etag, self.last_modified)


@dataclass(frozen=True)
class Attempt:
    at: dt.datetime
    ok: bool
    message: str  # the member's line of that harvest


@dataclass(frozen=True)
class Snapshot:
    member: str  # slug in jaringan.yaml
    url: str
    attempt: Attempt
    harvested: dt.datetime | None = None  # when the data below was last confirmed current
    manifest: dict[str, Any] | None = None  # as the member published it (validated)
    manifest_http: Http | None = None
    records_http: Http | None = None
    records: tuple[dict[str, Any], ...] = ()  # `records.check_records`' kept records
    skipped: tuple[str, ...] = field(default=())  # its problems: "record N: field: message"
    drafts: int = 0
    fetched: dt.datetime | None = None  # when the data above was fetched (stored in the file)
    legacy: bool = False  # read from a format 1 file: rewrite it at the next harvest

    @property
    def has_data(self) -> bool:
        return self.harvested is not None and self.manifest is not None

    def failed(self, at: dt.datetime, message: str) -> Snapshot:
        """This snapshot after a failed attempt: its data kept, the failure recorded."""
        return replace(self, attempt=Attempt(at, False, message))

    def with_status(self, status: Status | None) -> Snapshot:
        """This snapshot with the member's last attempt and confirmation from the status
        file; a status of another address (the member moved) is not this data's."""
        if status is None or status.url != self.url:
            return self
        times = [t for t in (self.harvested, status.harvested) if t is not None]
        return replace(self, attempt=status.attempt, harvested=max(times) if times else None)


@dataclass(frozen=True)
class Held:
    """What a conditional request for a member's manifest needs, and the stamp of the
    snapshot file it was taken from: trusted only while that file is still the same one."""

    etag: str | None
    last_modified: str | None
    entries: int  # len(records), for the member's line after a 304
    size: int
    mtime_ns: int
    inode: int  # a rewrite is a rename of a new file: a new inode even within one tick

    @classmethod
    def of(cls, snapshot: Snapshot, stat: os.stat_result) -> Held | None:
        """`snapshot`'s validators, stamped with `stat` of its file; None when it holds no
        data or no validators (its member cannot be asked conditionally)."""
        http = snapshot.manifest_http
        if not snapshot.has_data or snapshot.legacy or http is None or not (http.etag or http.last_modified):
            return None
        entries = len(snapshot.records)
        return cls(http.etag, http.last_modified, entries, stat.st_size, stat.st_mtime_ns, stat.st_ino)

    @property
    def validators(self) -> Validators:
        return Validators(self.etag, self.last_modified)

    def matches(self, path: Path) -> bool:
        """Whether `path` is still the file these validators came from (by its stamp)."""
        try:
            stat = path.stat()
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns, stat.st_ino) == (self.size, self.mtime_ns, self.inode)


@dataclass(frozen=True)
class Status:
    """One member's line of the status file: what changes on every harvest."""

    url: str
    harvested: dt.datetime | None  # when the member's data was last confirmed current
    attempt: Attempt
    held: Held | None = None  # its snapshot's validators, while its file is unchanged

    @classmethod
    def of(cls, snapshot: Snapshot, held: Held | None = None) -> Status:
        return cls(snapshot.url, snapshot.harvested, snapshot.attempt, held)


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(item) for item in value]
    return value


def to_json(snapshot: Snapshot) -> str:
    """The snapshot file: its data only (`attempt`, `harvested` go to the status file)."""
    data = _encode(asdict(snapshot))
    fetched = data.pop("fetched") or data["harvested"]
    for key in ("attempt", "harvested", "legacy"):
        del data[key]
    data = {"format": FORMAT, "format_version": FORMAT_VERSION, "fetched": fetched, **data}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def from_json(text: str, where: str) -> Snapshot:
    """Parse a snapshot file; `SnapshotError` naming `where` when it cannot be used."""
    try:
        data = json.loads(text)
        format_ok = data.get("format") == FORMAT and data.get("format_version") in READABLE
        snapshot = _snapshot(data) if format_ok else None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        msg = f"{where}: snapshot rusak ({type(exc).__name__}: {exc})"
        raise SnapshotError(msg) from None
    if snapshot is None:
        msg = f"{where}: bukan snapshot format {FORMAT} {FORMAT_VERSION}"
        raise SnapshotError(msg)
    return snapshot


def _snapshot(data: dict[str, Any]) -> Snapshot:
    legacy = data["format_version"] == 1
    key = "harvested" if legacy else "fetched"
    fetched = _moment(data[key]) if data.get(key) else None
    if legacy:
        attempt = _attempt(data["attempt"])
    else:  # until the status file says otherwise: the harvest that fetched this data
        attempt = Attempt(fetched, True, "") if fetched is not None else Attempt(_EPOCH, False, "")
    return Snapshot(
        member=str(data["member"]),
        url=str(data["url"]),
        attempt=attempt,
        harvested=fetched,
        fetched=fetched,
        legacy=legacy,
        manifest=data.get("manifest"),
        manifest_http=Http(**data["manifest_http"]) if data.get("manifest_http") else None,
        records_http=Http(**data["records_http"]) if data.get("records_http") else None,
        records=tuple(data.get("records") or ()),
        skipped=tuple(data.get("skipped") or ()),
        drafts=int(data.get("drafts") or 0),
    )


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _attempt(data: dict[str, Any]) -> Attempt:
    return Attempt(_moment(data["at"]), bool(data["ok"]), str(data["message"]))


def _moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        msg = f"waktu tanpa zona: {text}"
        raise ValueError(msg)
    return moment


def read_snapshot(path: Path) -> Snapshot | None:
    """The snapshot at `path`; None when there is none; `SnapshotError` when damaged."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"{path}: tidak dapat dibaca ({exc})"
        raise SnapshotError(msg) from None
    return from_json(text, str(path))


def write_snapshot(path: Path, snapshot: Snapshot) -> None:
    """Replace `path` with `snapshot` in one step (never half a file)."""
    _write(path, to_json(snapshot))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        Path(temporary).chmod(0o644)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def status_path(folder: Path) -> Path:
    return folder / STATUS_FILE


def read_status(folder: Path) -> dict[str, Status]:
    """Every member's status in `folder`, by slug; empty when there is no status file or it
    cannot be read (then each snapshot says when its data was fetched, which is enough)."""
    try:
        data = json.loads(status_path(folder).read_text(encoding="utf-8"))
        if data.get("format") != STATUS_FORMAT:
            return {}
        return {
            str(slug): Status(
                str(item["url"]),
                _moment(item["harvested"]) if item.get("harvested") else None,
                _attempt(item["attempt"]),
                _held(item.get("held")),
            )
            for slug, item in data["members"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _held(data: Any) -> Held | None:
    """A status line's `Held`; None when absent (an older status) or not understood."""
    if not isinstance(data, dict):
        return None
    try:
        held = Held(**data)
    except TypeError:
        return None
    numbers = (held.entries, held.size, held.mtime_ns, held.inode)
    texts = (held.etag, held.last_modified)
    if not all(type(n) is int for n in numbers) or not all(t is None or isinstance(t, str) for t in texts):
        return None
    return held


def write_status(folder: Path, statuses: dict[str, Status]) -> None:
    """Replace the status file (members sorted, so the same statuses give the same bytes)."""
    members = {slug: _encode(asdict(statuses[slug])) for slug in sorted(statuses)}
    text = json.dumps(
        {"format": STATUS_FORMAT, "format_version": 1, "members": members}, ensure_ascii=False, indent=1
    )
    _write(status_path(folder), text + "\n")
