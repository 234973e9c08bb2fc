"""A member's back-links from its network: which agencies replicated its entries elsewhere.

Opt-in: a catalogue that names its network (``KATALOG_NETWORK_URL``) reads, at build time,
the network's ``data/replikasi.json`` (`katalog.network.replications`), and its pages list
under "Direplikasi oleh" the agencies whose entries say they are based on them
(`katalog.site.replication_links`). Only back-links to its own pages (under
``KATALOG_PUBLIC_URL``) are kept, so a development build (``http://localhost:8000``) shows
none and the published one shows them.

A build must still work offline and stay fast, so:

- The network's answer is kept in ``.katalog/`` (`CACHE_FILE`, beside the build caches and
  shared by every output folder, as the network does not depend on it) with its ETag. The
  network is asked again only when that copy is older than
  ``KATALOG_NETWORK_REFRESH_HOURS`` (0: every build), after a failure no sooner than
  `RETRY_AFTER`, and never while ``KATALOG_OFFLINE`` is set in the environment.
- One request, bounded like a harvest's (`katalog.network.fetch`: redirects only on the
  network's own host, the body's size counted as it streams in), with a short connect
  timeout (an offline build loses at most that) and a deadline for the whole request.
- Any failure (no connection, a timeout, an error status, data that cannot be used, a
  damaged cache) is one warning line, and the last list that could be used is kept.
  Never a traceback, never a failed build.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import httpx

from katalog.network.fetch import Fetched, FetchError, Validators, client, fetch
from katalog.network.manifest import REPLICATIONS_FILE
from katalog.network.members import Member, normalise_url
from katalog.network.replications import BackLink, BackLinksError, read_back_links
from katalog.site.cache import CACHE_KEY, DEFAULT_CACHE_DIR

logger = logging.getLogger("katalog")

CACHE_FILE = "jaringan-replikasi.json"  # in the build cache's root folder
OFFLINE_ENV = "KATALOG_OFFLINE"  # set (to anything but "" or "0"): never ask the network
CONNECT_TIMEOUT = 3.0  # seconds: the most an offline build can lose
READ_TIMEOUT = 10.0  # seconds between two pieces of the answer
DEADLINE = 20.0  # seconds for the whole request
MAX_BYTES = 20_000_000
RETRY_AFTER = dt.timedelta(minutes=10)  # after a failed request, before the next one
BackLinkTable = dict[str, tuple[BackLink, ...]]


@dataclass(frozen=True)
class Held:
    """The cached answer: where from, when confirmed and last asked, and the document."""

    url: str  # the network's address (a copy of another network's answer is not used)
    checked: str | None = None  # ISO time the body was last confirmed current (200 or 304)
    attempted: str | None = None  # ISO time of the last request, good or bad
    etag: str | None = None
    last_modified: str | None = None
    body: str | None = None  # the document as the network sent it (validated before it was kept)


def cache_path(settings: dict[str, Any]) -> Path:
    return Path(settings.get(CACHE_KEY) or DEFAULT_CACHE_DIR) / CACHE_FILE


def back_links_for_build(settings: dict[str, Any], now: dt.datetime | None = None) -> BackLinkTable:
    """The network's back-links to this site's pages (`page_key` -> replicas elsewhere);
    empty when the site names no network or none could ever be read."""
    if not settings.get("KATALOG_NETWORK_URL"):
        return {}
    network = normalise_url(settings["KATALOG_NETWORK_URL"])  # checked with the settings (`config`)
    own = settings["KATALOG_PUBLIC_URL"]
    path = cache_path(settings)
    now = now or dt.datetime.now(dt.UTC)
    held = _load(path, network)
    if _due(held, float(settings.get("KATALOG_NETWORK_REFRESH_HOURS", 6)), now):
        held = _refresh(path, network, own, held, now)
    if held is None or held.body is None:
        return {}
    try:
        return read_back_links(held.body.encode("utf-8"), own).links
    except BackLinksError as exc:  # kept by an older engine that read it differently
        logger.warning("katalog: jaringan: %s: salinan data replikasi tidak terbaca (%s)", path, exc)
        return {}


def _offline() -> bool:
    return os.environ.get(OFFLINE_ENV, "") not in {"", "0"}


def _due(held: Held | None, hours: float, now: dt.datetime) -> bool:
    if _offline():
        return False
    if held is None:
        return True
    checked = _moment(held.checked)
    if checked is not None and now - checked < dt.timedelta(hours=hours):
        return False
    attempted = _moment(held.attempted)
    failed_lately = attempted is not None and (checked is None or attempted > checked)
    return not (failed_lately and attempted is not None and now - attempted < RETRY_AFTER)


def _moment(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _refresh(path: Path, network: str, own: str, held: Held | None, now: dt.datetime) -> Held | None:
    """Ask the network; the new copy when it answered with usable data (or 304), else
    `held` with the failed attempt recorded, and one warning line."""
    url = network + REPLICATIONS_FILE
    attempt = replace(held or Held(network), attempted=now.isoformat())
    try:
        # In a thread of its own: the build may run where an event loop already runs (a
        # test driving a browser, a notebook), and asyncio.run refuses to nest.
        with ThreadPoolExecutor(1, thread_name_prefix="katalog-jaringan") as pool:
            fetched = pool.submit(asyncio.run, _fetch(url, network, held)).result()
    except (FetchError, TimeoutError, OSError, httpx.HTTPError) as exc:
        reason = str(exc) if isinstance(exc, FetchError) else _failure(exc)
        return _kept(path, attempt, url, reason)
    if fetched.status == 304 and held is not None and held.body is not None:
        fresh = replace(attempt, checked=now.isoformat())
    else:
        try:
            text = fetched.body.decode("utf-8")
            read = read_back_links(fetched.body, own)
        except (UnicodeDecodeError, BackLinksError) as exc:
            reason = "bukan teks UTF-8" if isinstance(exc, UnicodeDecodeError) else str(exc)
            return _kept(path, attempt, url, reason)
        if read.skipped:
            logger.warning("katalog: jaringan: %s: %d tautan replikasi tidak sah dilewati", url, read.skipped)
        validators = fetched.validators
        fresh = replace(
            attempt,
            checked=now.isoformat(),
            etag=validators.etag,
            last_modified=validators.last_modified,
            body=text,
        )
    _save(path, fresh)
    return fresh


async def _fetch(url: str, network: str, held: Held | None) -> Fetched:
    validators = (
        Validators(held.etag, held.last_modified) if held is not None and held.body is not None else None
    )
    async with client(CONNECT_TIMEOUT, READ_TIMEOUT, 1) as http:
        return await asyncio.wait_for(
            fetch(http, url, Member("jaringan", network), MAX_BYTES, validators), DEADLINE
        )


def _failure(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return f"tidak selesai dalam {DEADLINE:g} detik"
    return f"{type(exc).__name__}: {str(exc)[:160]}"


def _kept(path: Path, attempt: Held, url: str, reason: str) -> Held | None:
    """Record the failed attempt; warn, naming what is still shown."""
    since = attempt.checked[:10] if attempt.body is not None and attempt.checked else None
    kept = f"daftar per {since} tetap dipakai" if since else "belum ada daftar replikasi dari jaringan"
    logger.warning("katalog: jaringan: %s: %s; %s", url, reason, kept)
    _save(path, attempt)
    return attempt if attempt.body is not None else None


def _load(path: Path, network: str) -> Held | None:
    """The cached answer for `network`; None when there is none (a damaged one is one warning)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        held = Held(**{key: data.get(key) for key in Held.__dataclass_fields__})
        if not all(isinstance(value, str | None) for value in asdict(held).values()):
            raise TypeError(held)  # noqa: TRY301 - one handler for every way the file can be wrong
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, AttributeError):
        logger.warning("katalog: jaringan: %s rusak; dibuang", path)
        return None
    return held if held.url == network else None


def _save(path: Path, held: Held) -> None:
    """Replace the cache file in one step; a cache that cannot be written is only a warning."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(asdict(held), stream, ensure_ascii=False)
        Path(temporary).replace(path)
    except OSError as exc:
        logger.warning("katalog: jaringan: %s tidak dapat ditulis (%s)", path, exc.strerror or exc)
