"""Open data: every innovation as JSON and as flat CSV, from the validated models.

The CSV columns are declared once in `COLUMNS` (name, Indonesian description, getter);
the "Data terbuka" page documents them from the same list. Both files are sorted by slug
so that a rebuild with no change produces identical bytes.

A JSON record is also what a network harvests (`katalog.network`): besides the model's
fields it carries what another site needs to show and search the entry without reading
this one (`ENVELOPE`): the body, as the Markdown its editors wrote and as the sanitised
HTML this site shows (every address absolute, so it means the same on any site), the
canonical page (`origin_url`: on the site of the agency that publishes the entry, which
is this site's `url` except for a network's harvested entries), the agency and the time
of the last change.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from katalog.content.model import Innovation
from katalog.content.render import absolute_links
from katalog.content.validate import Entry

LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    get: Callable[[Innovation], Any]


def _join(values: Iterable[Any]) -> str:
    return LIST_SEPARATOR.join(str(v) for v in values)


def _legal_titles(i: Innovation) -> str:
    return _join(b.title for b in i.replication.legal_basis)


def _replicators(i: Innovation) -> str:
    return _join(r.agency for r in i.replication.replicated_by)


def _contact(attribute: str) -> Callable[[Innovation], Any]:
    return lambda i: getattr(i.contact, attribute) if i.contact else None


COLUMNS: tuple[Column, ...] = (
    Column("title", "Nama inovasi", lambda i: i.title),
    Column("expansion", "Kepanjangan akronim", lambda i: i.expansion),
    Column("summary", "Ringkasan", lambda i: i.summary),
    Column("unit", "Unit kerja", lambda i: i.unit),
    Column("category", "Bidang", lambda i: i.category),
    Column("kind", "Jenis, dipisah '; '", lambda i: _join(i.kind)),
    Column("year", "Tahun pertama tercatat", lambda i: i.year),
    Column("status", "Status", lambda i: i.status),
    Column("tags", "Kata kunci, dipisah '; '", lambda i: _join(i.tags)),
    Column("awards", "Penghargaan, dipisah '; '", lambda i: _join(i.awards)),
    Column("contact_name", "Nama kontak", _contact("name")),
    Column("contact_email", "Surel kontak", _contact("email")),
    Column("contact_phone", "Telepon kontak", _contact("phone")),
    Column("contact_url", "Laman kontak", _contact("url")),
    Column("sources", "Tautan sumber, dipisah '; '", lambda i: _join(i.sources)),
    Column("legal_basis", "Judul dasar hukum, dipisah '; '", _legal_titles),
    Column("replication_cost", "Perkiraan biaya replikasi", lambda i: i.replication.cost),
    Column("replication_duration", "Perkiraan waktu replikasi", lambda i: i.replication.duration),
    Column("replicated_by_count", "Jumlah instansi yang mereplikasi", lambda i: len(i.replication.replicated_by)),  # noqa: E501
    Column("replicated_by", "Instansi yang mereplikasi, dipisah '; '", _replicators),
    Column("based_on", "Slug atau alamat halaman inovasi asal (bila replikasi)", lambda i: i.based_on),
    Column("last_verified", "Tanggal verifikasi terakhir (TTTT-BB-HH)", lambda i: i.last_verified),
)  # fmt: skip


# Record keys beyond the model's fields (the model's own `slug` holds the effective slug).
ENVELOPE: dict[str, str] = {
    "url": "Alamat lengkap halaman inovasi di situs ini",
    "origin_url": "Alamat halaman inovasi di situs instansi penerbitnya (kanonis)",
    "agency": "Instansi penerbit inovasi",
    "modified": "Waktu perubahan terakhir entri (ISO 8601)",
    "body_markdown": "Uraian inovasi, Markdown seperti ditulis editor",
    "body_html": "Uraian inovasi, HTML yang sudah dibersihkan, semua alamat absolut",
}
CSV_ENVELOPE = ("url", "agency", "origin_url")  # the envelope's columns in the CSV, after the model's


def page_url(entry: Entry, site_url: str) -> str:
    return f"{site_url.rstrip('/')}/inovasi/{entry.slug}/"


@dataclass(frozen=True)
class Published:
    """One entry as open data publishes it: its model, and where and by whom it is published."""

    entry: Entry
    url: str  # its page on this site
    origin_url: str  # its canonical page, on the publishing agency's own site
    agency: str
    modified: dt.datetime
    body_html: str  # sanitised, every address absolute

    @classmethod
    def of(cls, entry: Entry, site_url: str, agency: str, modified: dt.datetime, body_html: str) -> Published:
        """`entry` published on the site at `site_url` of `agency` (a harvested entry keeps
        its own agency and canonical page: `entry.origin`)."""
        url = page_url(entry, site_url)
        origin = entry.origin
        return cls(
            entry,
            url,
            origin.url if origin else url,
            origin.agency if origin else agency,
            modified,
            absolute_links(body_html, url),
        )


def record(item: Published) -> dict[str, Any]:
    """Every field of the model (JSON types), with the effective slug, then `ENVELOPE`."""
    data = item.entry.innovation.model_dump(mode="json")
    data["slug"] = item.entry.slug
    data["url"] = item.url
    data["origin_url"] = item.origin_url
    data["agency"] = item.agency
    data["modified"] = item.modified.isoformat()
    data["body_markdown"] = item.entry.body_markdown
    data["body_html"] = item.body_html
    return data


def innovations_json(items: Iterable[Published]) -> str:
    records = [record(i) for i in sorted(items, key=lambda i: i.entry.slug)]
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"


def innovations_csv(items: Iterable[Published]) -> str:
    """One row per innovation; empty cells for unknown values (never the text 'None')."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["slug", *(c.name for c in COLUMNS), *CSV_ENVELOPE])
    for item in sorted(items, key=lambda i: i.entry.slug):
        cells = [c.get(item.entry.innovation) for c in COLUMNS]
        envelope = [item.url, item.agency, item.origin_url]
        writer.writerow([item.entry.slug, *("" if v is None else v for v in cells), *envelope])
    return buffer.getvalue()
