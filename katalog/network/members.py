"""`jaringan.yaml`: the members of a network, where their snapshots live, and the limits.

A site becomes a network by listing member catalogues in ``jaringan.yaml`` at its root::

    members:
      - url: https://inovasi.kota-contoh.go.id/
      - url: https://inovasi.kabupaten-contoh.go.id/
        slug: kab-contoh        # optional: derived from the address

Each member has a slug (its pages are ``inovasi/<member>--<slug>/``: two agencies may
both have a ``simpel``, and no slug of our own can hold ``--``). Every problem of the file
is collected and reported as ``jaringan.yaml:LINE: field: message``; a bad file is a
usage error (exit 2), as a bad settings file is.

`is_under` is the one rule about addresses: what a member publishes (its manifest, its
records, each record's canonical page, every redirect) must lie under its own address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from katalog.content.frontmatter import FrontMatterError, Located, parse_yaml
from katalog.content.model import SLUG_PATTERN, slugify
from katalog.errors import ConfigError, UsageError
from katalog.network.manifest import MANIFEST_FILE

CONFIG_FILE = "jaringan.yaml"
SNAPSHOTS = "jaringan"  # beside jaringan.yaml: committed with the site (see `snapshot`)
SEPARATOR = "--"  # between a member's slug and an entry's slug: never inside a slug of ours
_SLUG = re.compile(SLUG_PATTERN)


@dataclass(frozen=True)
class Limits:
    """What a harvest grants each member: none may hold the harvest up or fill the disk."""

    concurrency: int = 8  # members fetched at once
    connect_timeout: float = 5.0  # seconds to connect
    timeout: float = 60.0  # seconds for a member's whole harvest (manifest and records)
    max_bytes: int = 50_000_000  # per response body, counted while it streams in
    max_records: int = 20_000  # per member


@dataclass(frozen=True)
class Member:
    slug: str
    url: str  # normalised: scheme://host[:port]/path/ (always ending in '/')

    @property
    def manifest_url(self) -> str:
        return self.url + MANIFEST_FILE


@dataclass(frozen=True)
class NetworkConfig:
    path: Path  # jaringan.yaml
    members: tuple[Member, ...]
    snapshots: Path  # one JSON file per member
    limits: Limits = Limits()

    def snapshot_path(self, member: Member) -> Path:
        return self.snapshots / f"{member.slug}.json"


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) address, the port made explicit."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80)


def is_under(url: str, base: str) -> bool:
    """Whether `url` lies under `base` (same scheme, host and port; its path inside base's)."""
    try:
        inside = urlsplit(url)
        return origin(url) == origin(base) and inside.path.startswith(urlsplit(base).path)
    except ValueError:  # a port that is not a number, an unclosed IPv6 bracket
        return False


def page_key(url: str) -> str:
    """`url` as the one spelling of the page it names, to match addresses written by hand
    against the addresses a catalogue publishes: scheme and host in lower case, no default
    port, no fragment, ``…/index.html`` and ``…/`` both as ``…/``. The query is kept (it
    may name another page); an address that cannot be parsed is its own key."""
    try:
        parts = urlsplit(url.strip())
        scheme, host, port = origin(url.strip())
    except ValueError:
        return url
    default = {"http": 80, "https": 443}.get(scheme)
    netloc = host if port == default else f"{host}:{port}"
    path = parts.path.removesuffix("index.html").rstrip("/") + "/"
    return urlunsplit((scheme, netloc, path, parts.query, ""))


def normalise_url(value: str) -> str:
    """`value` as a member address (``…/`` at the end), or raise ValueError saying why."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        msg = f"'{value}' bukan alamat http(s) yang lengkap, mis. https://inovasi.contoh.go.id/"
        raise ValueError(msg)
    if parts.query or parts.fragment or parts.username or parts.password:
        msg = f"'{value}' tidak boleh memuat ?, # atau nama pengguna"
        raise ValueError(msg)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    host = parts.hostname.lower() + (f":{port}" if port else "")
    return f"{parts.scheme.lower()}://{host}{path}"


def member_slug(url: str) -> str:
    """The slug a member gets from its address: host, port and path ("127-0-0-1-8101")."""
    parts = urlsplit(url)
    return slugify(f"{parts.hostname} {parts.port or ''} {parts.path}")


def load_config(path: Path) -> NetworkConfig:
    """Read and check `path`; every problem at once, as a `ConfigError` (exit 2)."""
    if not path.is_file():
        msg = f"berkas jaringan '{path}' tidak ditemukan; tulis daftar anggota di {CONFIG_FILE}"
        raise UsageError(msg)
    try:
        located = parse_yaml(path.read_text(encoding="utf-8"), str(path))
    except FrontMatterError as exc:
        raise ConfigError([str(exc.problem)]) from None
    except UnicodeDecodeError:
        raise ConfigError([f"{path}:1: {CONFIG_FILE}: bukan teks UTF-8"]) from None
    return _Reader(path, located).config()


class _Reader:
    """Checks one parsed jaringan.yaml, collecting `path:line: field: message` lines."""

    def __init__(self, path: Path, located: Located) -> None:
        self.path, self.located = path, located
        self.problems: list[str] = []

    def problem(self, loc: tuple[Any, ...], field: str, message: str) -> None:
        self.problems.append(f"{self.path}:{self.located.line_of(loc)}: {field}: {message}")

    def config(self) -> NetworkConfig:
        data = self.located.data
        if not isinstance(data, dict):
            raise ConfigError([f"{self.path}:1: {CONFIG_FILE}: harus berupa pemetaan dengan kunci 'members'"])
        known = {"members", "snapshots", *Limits.__dataclass_fields__}
        for key in sorted(set(map(str, data)) - known):
            self.problem((key,), key, f"kunci tidak dikenal; kunci yang dikenal: {', '.join(sorted(known))}")
        members = self.members(data.get("members"))
        limits = self.limits(data)
        snapshots = data.get("snapshots", SNAPSHOTS)
        if not isinstance(snapshots, str) or not snapshots.strip():
            self.problem(("snapshots",), "snapshots", "harus berupa nama folder, mis. 'jaringan'")
            snapshots = SNAPSHOTS
        if self.problems:
            raise ConfigError(self.problems)
        return NetworkConfig(self.path, tuple(members), (self.path.parent / snapshots).resolve(), limits)

    def members(self, items: object) -> list[Member]:
        if not isinstance(items, list) or not items:
            self.problem(("members",), "members", "daftar anggota wajib diisi, mis. '- url: https://…/'")
            return []
        members: list[Member] = []
        seen_urls: dict[str, int] = {}
        seen_slugs: dict[str, int] = {}
        for n, item in enumerate(items):
            where = f"members[{n}]"
            if not isinstance(item, dict) or "url" not in item:
                self.problem(("members", n), where, "tulis 'url: https://…/' untuk setiap anggota")
                continue
            for key in sorted(set(map(str, item)) - {"url", "slug"}):
                self.problem(("members", n, key), f"{where}.{key}", "kunci tidak dikenal; pilihan: url, slug")
            try:
                url = normalise_url(str(item["url"]))
            except ValueError as exc:
                self.problem(("members", n, "url"), f"{where}.url", str(exc))
                continue
            slug = item.get("slug", member_slug(url))
            if not isinstance(slug, str) or not _SLUG.match(slug) or SEPARATOR in slug:
                message = f"'{slug}' tidak sah; mis. 'kota-contoh'"
                self.problem(("members", n, "slug"), f"{where}.slug", message)
                continue
            for table, key, field in ((seen_urls, url, "url"), (seen_slugs, slug, "slug")):
                if key in table:
                    message = f"'{key}' sudah dipakai members[{table[key]}]"
                    self.problem(("members", n, field), f"{where}.{field}", message)
                table.setdefault(key, n)
            members.append(Member(slug, url))
        return members if len(seen_urls) == len(members) == len(seen_slugs) else []

    def limits(self, data: dict[str, Any]) -> Limits:
        values: dict[str, Any] = {}
        for name, field in Limits.__dataclass_fields__.items():
            if name not in data:
                continue
            value = data[name]
            kind = int if isinstance(field.default, int) else (int, float)
            if isinstance(value, bool) or not isinstance(value, kind) or value <= 0:
                self.problem((name,), name, f"harus bilangan lebih dari 0, bukan {value!r}")
                continue
            values[name] = value
        return Limits(**values)
