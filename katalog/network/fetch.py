"""Fetch one document from an untrusted member: bounded, conditional, on its own host only.

Every member is untrusted, so each request is held to what the harvest grants it
(`members.Limits`): a connect timeout, a size limit enforced while the body streams in
(after decompression, so a small gzip bomb is no way around it; a body that never ends
stops there too, and the harvest's total timeout stops one that drips), and redirects
followed by hand, only to http(s) on the member's own scheme, host and port. A request
carries the validators of the copy already held (``If-None-Match``, ``If-Modified-Since``)
so an unchanged member answers 304 with no body.

Every failure is a `FetchError` with an Indonesian message; `harvest` reports it on the
member's line.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from katalog import __version__
from katalog.network.members import Member, origin

MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
USER_AGENT = f"katalog-inovasi/{__version__} (+Jaringan Inovasi; katalog harvest)"


class FetchError(Exception):
    """A member's answer that cannot be used; the message says why, in Indonesian."""


@dataclass(frozen=True)
class Validators:
    """What a server said about the copy we hold, to ask it whether it changed."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        found = {}
        if self.etag:
            found["If-None-Match"] = self.etag
        if self.last_modified:
            found["If-Modified-Since"] = self.last_modified
        return found


@dataclass(frozen=True)
class Fetched:
    url: str  # where the answer came from, after redirects
    status: int  # 200, or 304 (unchanged since `Validators`)
    body: bytes
    validators: Validators


def client(connect_timeout: float, read_timeout: float, concurrency: int) -> httpx.AsyncClient:
    """The harvest's one client: no automatic redirects (each is checked here)."""
    return httpx.AsyncClient(
        follow_redirects=False,
        timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
    )


async def fetch(
    http: httpx.AsyncClient, url: str, member: Member, max_bytes: int, held: Validators | None = None
) -> Fetched:
    """GET `url` from `member`; raise `FetchError` for anything but 200 (or 304 when `held`)."""
    for _ in range(MAX_REDIRECTS + 1):
        _check_target(url, member)
        try:
            request = http.build_request("GET", url, headers=held.headers() if held else {})
            response = await http.send(request, stream=True)
        except httpx.InvalidURL:
            msg = f"alamat '{_short(url)}' tidak sah"
            raise FetchError(msg) from None
        except httpx.ConnectTimeout:
            msg = f"tidak tersambung dalam {_seconds(http.timeout.connect)} detik"
            raise FetchError(msg) from None
        except httpx.TimeoutException:
            msg = f"tidak menjawab dalam {_seconds(http.timeout.read)} detik"
            raise FetchError(msg) from None
        except httpx.ConnectError as exc:
            msg = f"tidak dapat dihubungi ({_reason(exc)})"
            raise FetchError(msg) from None
        except httpx.HTTPError as exc:
            msg = f"galat HTTP ({_reason(exc)})"
            raise FetchError(msg) from None
        try:
            if response.status_code in REDIRECTS and "Location" in response.headers:
                url = urljoin(url, response.headers["Location"])
                continue
            return await _read(response, url, max_bytes, held, http.timeout.read)
        finally:
            await response.aclose()
    msg = f"dialihkan lebih dari {MAX_REDIRECTS} kali"
    raise FetchError(msg)


def _check_target(url: str, member: Member) -> None:
    """Only http(s), and only the member's own scheme, host and port."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in {"http", "https"}:
        msg = f"dialihkan ke '{_short(url)}': bukan alamat http(s)"
        raise FetchError(msg)
    try:
        same = origin(url) == origin(member.url)
    except ValueError:  # a port that is not a number
        same = False
    if not same:
        msg = f"dialihkan ke '{_short(url)}': bukan situs anggota ini ({member.url})"
        raise FetchError(msg)


async def _read(
    response: httpx.Response, url: str, max_bytes: int, held: Validators | None, wait: float | None
) -> Fetched:
    validators = Validators(response.headers.get("ETag"), response.headers.get("Last-Modified"))
    if response.status_code == 304 and held is not None:
        return Fetched(url, 304, b"", validators)
    if response.status_code != 200:
        msg = f"HTTP {response.status_code} untuk {_short(url)}"
        raise FetchError(msg)
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        msg = f"{_short(url)} lebih dari {max_bytes} bita ({declared} bita)"
        raise FetchError(msg)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in response.aiter_bytes():  # decoded: the limit is on what we hold
            size += len(chunk)
            if size > max_bytes:
                msg = f"{_short(url)} lebih dari {max_bytes} bita; unduhan dihentikan"
                raise FetchError(msg)
            chunks.append(chunk)
    except httpx.TimeoutException:
        msg = f"{_short(url)} berhenti mengalir (lebih dari {_seconds(wait)} detik)"
        raise FetchError(msg) from None
    except httpx.HTTPError as exc:
        msg = f"{_short(url)} terputus ({_reason(exc)})"
        raise FetchError(msg) from None
    return Fetched(url, 200, b"".join(chunks), validators)


def _seconds(value: object) -> str:
    return f"{value:g}" if isinstance(value, int | float) else "?"


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return _short(text.splitlines()[0] if text.splitlines() else text)


def _short(text: str, limit: int = 160) -> str:
    """A member-chosen text (an address, a message) in one bounded line."""
    flat = "".join(c if c.isprintable() else "?" for c in text)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
