"""Open data: every innovation as JSON and as flat CSV, from the validated models.

The CSV columns are declared once in `COLUMNS` (name, Indonesian description, getter);
the "Data terbuka" page documents them from the same list. Both files are sorted by slug
so that a rebuild with no change produces identical bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from katalog.content.model import Innovation
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
    Column("based_on", "Slug inovasi asal (bila replikasi)", lambda i: i.based_on),
    Column("last_verified", "Tanggal verifikasi terakhir (TTTT-BB-HH)", lambda i: i.last_verified),
)  # fmt: skip


def page_url(entry: Entry, site_url: str) -> str:
    return f"{site_url.rstrip('/')}/inovasi/{entry.slug}/"


def record(entry: Entry, site_url: str) -> dict[str, Any]:
    """Every field of the model (JSON types), with the effective slug and the page URL."""
    data = entry.innovation.model_dump(mode="json")
    data["slug"] = entry.slug
    data["url"] = page_url(entry, site_url)
    return data


def innovations_json(entries: Iterable[Entry], site_url: str) -> str:
    records = [record(e, site_url) for e in sorted(entries, key=lambda e: e.slug)]
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"


def innovations_csv(entries: Iterable[Entry], site_url: str) -> str:
    """One row per innovation; empty cells for unknown values (never the text 'None')."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["slug", *(c.name for c in COLUMNS), "url"])
    for entry in sorted(entries, key=lambda e: e.slug):
        cells = [c.get(entry.innovation) for c in COLUMNS]
        writer.writerow([entry.slug, *("" if v is None else v for v in cells), page_url(entry, site_url)])
    return buffer.getvalue()
