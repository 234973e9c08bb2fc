"""Back-links of replication across catalogues: ``data/replikasi.json`` (`manifest.REPLICATIONS_FILE`).

An entry's `based_on` may name an entry of another catalogue by its page's address. The
original's own catalogue cannot see that: only a catalogue that holds the replica can. So
every build publishes, for each original that one of its entries replicates, who
replicated it (original page -> ``[{agency, title, url}]``, `url` being the replica's own
canonical page). A network holds every member's entries, so its file is the complete one,
and a member that names the network (``KATALOG_NETWORK_URL``, `katalog.site.backlinks`)
reads it back at build time to list, on its own pages, the agencies that replicated them.

The file comes from another site, so `read_back_links` trusts nothing in it: it must be
this format, of a major version this code reads; each back-link is validated on its own
(text without control or bidi characters and of bounded length, an http(s) address), an
invalid one is skipped and counted, not fatal; only originals under the reader's own
address are kept (another agency's originals are none of its business), and back-links
to the reader's own pages are dropped (its build knows its own replicas). Templates escape
every value; nothing here is HTML.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from katalog.content.model import Text
from katalog.network.manifest import HttpUrl, major
from katalog.network.members import is_under, normalise_url, page_key

FORMAT = "katalog-inovasi-replikasi"
FORMAT_VERSION = "1.0"
MAX_ORIGINALS = 100_000  # originals in one file: more is no catalogue's
MAX_PER_ORIGINAL = 1_000  # back-links kept per original

Label = Annotated[Text, Field(max_length=300)]


class BackLink(BaseModel):
    """Satu replika di katalog lain: instansi, judul, dan alamat halamannya."""

    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)

    agency: Label = Field(description="Instansi yang mereplikasi.")
    title: Label = Field(description="Judul entri replika.")
    url: HttpUrl = Field(description="Alamat kanonis halaman replika, di situs instansinya.")


class BackLinksError(Exception):
    """A back-links file that cannot be used at all; the message says why, in Indonesian."""


@dataclass(frozen=True)
class ReadBackLinks:
    links: dict[str, tuple[BackLink, ...]]  # `page_key` of one of the reader's pages -> replicas elsewhere
    skipped: int  # back-links left out as invalid


def _order(link: BackLink) -> tuple[str, str, str]:
    return link.agency.casefold(), link.title.casefold(), link.url


def replications_dict(site_url: str, table: Mapping[str, Iterable[BackLink]]) -> dict[str, Any]:
    """The published document: originals in address order, each one's replicas by agency
    and title (a rebuild of unchanged content writes the same bytes)."""
    originals = {
        original: [link.model_dump() for link in sorted(set(links), key=_order)]
        for original, links in sorted(table.items())
    }
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "url": site_url.rstrip("/") + "/",
        "originals": {original: links for original, links in originals.items() if links},
    }


def replications_text(site_url: str, table: Mapping[str, Iterable[BackLink]]) -> str:
    return json.dumps(replications_dict(site_url, table), ensure_ascii=False, indent=1) + "\n"


def read_back_links(body: bytes, own_url: str) -> ReadBackLinks:
    """The back-links in `body` to pages under `own_url`; `BackLinksError` when the
    document as a whole cannot be used (not JSON, another format, a newer major version)."""
    originals = _originals(body)
    base = normalise_url(own_url)
    found: dict[str, dict[str, BackLink]] = {}
    skipped = 0
    for original, items in originals.items():
        if not isinstance(original, str) or not is_under(original, base):
            continue  # another catalogue's original (or no address at all): not ours to show
        if not isinstance(items, list):
            skipped += 1
            continue
        kept = found.setdefault(page_key(original), {})
        for item in items[:MAX_PER_ORIGINAL]:
            try:
                link = BackLink.model_validate(item)
            except ValidationError:
                skipped += 1
                continue
            if not is_under(link.url, base):  # our own entries' replicas the build knows itself
                kept.setdefault(page_key(link.url), link)
    links = {key: tuple(sorted(kept.values(), key=_order)) for key, kept in found.items() if kept}
    return ReadBackLinks(links, skipped)


def _originals(body: bytes) -> dict[Any, Any]:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # also UnicodeDecodeError, too many digits
        msg = f"bukan JSON yang sah ({str(exc)[:160]})"
        raise BackLinksError(msg) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        msg = f"bukan data replikasi Katalog Inovasi (kunci 'format' harus '{FORMAT}')"
        raise BackLinksError(msg)
    version = data.get("format_version")
    if not isinstance(version, str) or major(version) != major(FORMAT_VERSION):
        ours = major(FORMAT_VERSION)
        msg = f"format_version {str(version)[:20]!r} tidak didukung (versi ini membaca {ours}.x)"
        raise BackLinksError(msg)
    originals = data.get("originals")
    if not isinstance(originals, dict):
        msg = "kunci 'originals' harus berupa objek: alamat inovasi asal -> daftar replika"
        raise BackLinksError(msg)
    if len(originals) > MAX_ORIGINALS:
        msg = f"terlalu banyak inovasi asal ({len(originals)}; paling banyak {MAX_ORIGINALS})"
        raise BackLinksError(msg)
    return originals
