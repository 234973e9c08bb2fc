"""The catalogue manifest, ``output/data/katalog.json``: what a network needs to harvest a site.

Every catalogue publishes it beside its open data, so any catalogue can become a member
of a network without doing anything. It names the catalogue and its agency, says where
the records are (with their SHA-256, so a harvester that already holds them fetches
nothing more) and carries the catalogue's own vocabularies, against which its records
are validated: a member's units are not the network's.

It is plain JSON that is also JSON-LD: ``@context`` maps its keys to DCAT and Dublin Core
terms (`DCAT_TERMS`, declared once; the context and the documentation table are derived
from it), so a linked-data harvester reads it as a ``dcat:Catalog`` and ours reads keys.

Versions: `FORMAT_VERSION` is this manifest's (the minor number grows when an optional key
is added; the major when a key changes meaning or goes); ``schema_version`` is the
front-matter schema's (`katalog.content.model.SCHEMA_VERSION`) that the records follow. A
harvester takes a manifest whose two major numbers equal its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from katalog import __version__
from katalog.content.model import SCHEMA_VERSION, SLUG_PATTERN
from katalog.content.taxonomy import VOCABULARIES, Taxonomy

FORMAT = "katalog-inovasi-manifest"
FORMAT_VERSION = "1.1"  # 1.1: `replications`
MANIFEST_FILE = "data/katalog.json"
MANIFEST_SCHEMA_FILE = "data/katalog.schema.json"
RECORDS_FILE = "data/inovasi.json"
CSV_FILE = "data/inovasi.csv"
SCHEMA_FILE = "data/schema.json"
REPLICATIONS_FILE = "data/replikasi.json"  # `katalog.network.replications`
SCHEMA_ID = "https://katalog-inovasi.example/data/katalog.schema.json"
COMMITTED_SCHEMA = Path("schema/katalog.schema.json")
_HTTP_URL = re.compile(r"^https?://[^\s/?#@]+(?:[/?#]\S*)?$", re.IGNORECASE)
MAX_TERMS = 5000  # per vocabulary: a manifest is small, a member is untrusted


def _http_url(value: str) -> str:
    if not _HTTP_URL.match(value):
        msg = f"'{value[:200]}' bukan alamat http(s) yang lengkap"
        raise ValueError(msg)
    return value


HttpUrl = Annotated[
    str, AfterValidator(_http_url), Field(max_length=2000, json_schema_extra={"format": "uri"})
]
Version = Annotated[str, Field(pattern=r"^[0-9]+\.[0-9]+$", description="MAYOR.MINOR, mis. '1.0'.")]
Label = Annotated[str, Field(min_length=1, max_length=300)]

# Manifest key -> (DCAT / Dublin Core term, the value's JSON-LD type or None, Indonesian note).
DCAT_TERMS: dict[str, tuple[str, str | None, str]] = {
    "name": ("dct:title", None, "Nama katalog."),
    "description": ("dct:description", None, "Keterangan singkat katalog."),
    "agency": ("dct:publisher", None, "Instansi penerbit katalog."),
    "url": ("foaf:homepage", "@id", "Alamat publik katalog."),
    "language": ("dct:language", None, "Bahasa isi (kode BCP 47)."),
    "entries": ("schema:numberOfItems", None, "Jumlah rekaman di `records`."),
    "modified": ("dct:modified", "xsd:dateTime", "Waktu perubahan terakhir isi katalog."),
    "records": ("dcat:distribution", None, "Rekaman inovasi (JSON), sumber panen jaringan."),
    "distributions": ("dcat:distribution", None, "Bentuk lain data yang sama (CSV)."),
    "replications": (
        "dcat:distribution",
        None,
        "Replika lintas katalog: siapa mereplikasi inovasi mana (JSON).",
    ),
    "download_url": ("dcat:downloadURL", "@id", "Alamat unduhan."),
    "media_type": ("dcat:mediaType", None, "Jenis media (MIME)."),
    "conforms_to": ("dct:conformsTo", "@id", "JSON Schema yang diikuti isinya."),
    "format_version": ("dcat:version", None, "Versi format manifes ini."),
}
_PREFIXES = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def json_ld_context() -> dict[str, Any]:
    """The ``@context`` of every manifest, from `DCAT_TERMS`; keys it does not map (the
    taxonomy, the checksums) are plain JSON to a linked-data reader."""
    context: dict[str, Any] = dict(_PREFIXES)
    for key, (term, kind, _) in DCAT_TERMS.items():
        context[key] = {"@id": term, "@type": kind} if kind else term
    return context


def dcat_table() -> str:
    """Markdown table of the mapping, for the docs (derived, like the field table)."""
    rows = [f"| `{key}` | `{term}` | {note} |" for key, (term, _, note) in DCAT_TERMS.items()]
    return "\n".join(["| Kunci | Istilah DCAT/DC | Isi |", "|---|---|---|", *rows])


class _Strict(BaseModel):
    # Unknown keys are ignored, not refused: a member on a newer minor version adds
    # optional keys, and an older harvester must still take its manifest.
    model_config = ConfigDict(extra="ignore", strict=True, frozen=True, populate_by_name=True)


class Distribution(_Strict):
    """Satu berkas data katalog."""

    download_url: HttpUrl = Field(description="Alamat unduhan berkas.")
    media_type: Annotated[str, Field(max_length=100)] = Field(description="Jenis media, mis. text/csv.")
    conforms_to: HttpUrl | None = Field(None, description="JSON Schema yang diikuti isi berkas.")


class Records(Distribution):
    """Rekaman inovasi katalog: larik JSON, satu objek per inovasi."""

    media_type: Literal["application/json"] = Field(description="Selalu application/json.")
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] = Field(
        description="SHA-256 (heksadesimal) isi berkas: pemanen yang sudah memegangnya tidak mengunduh ulang."
    )
    bytes: Annotated[int, Field(ge=0)] = Field(description="Ukuran berkas dalam bita.")


class TermData(_Strict):
    """Satu istilah kosakata (seperti di taxonomy.yaml)."""

    slug: Annotated[str, Field(pattern=SLUG_PATTERN, max_length=200)]
    name: Label
    short: Annotated[str, Field(max_length=100)] = ""


Terms = Annotated[list[TermData], Field(min_length=1, max_length=MAX_TERMS)]


class Vocabularies(_Strict):
    """Kosakata katalog: nilai unit, category, kind dan status rekamannya diperiksa terhadapnya."""

    units: Terms = Field(description="Unit kerja.")
    categories: Terms = Field(description="Bidang.")
    kinds: Terms = Field(description="Jenis inovasi.")
    statuses: Terms = Field(description="Status inovasi.")


class Manifest(_Strict):
    """Manifes katalog inovasi: identitas, rekaman, dan kosakatanya, untuk Jaringan Inovasi."""

    context: dict[str, Any] | None = Field(None, alias="@context", description="Konteks JSON-LD (DCAT).")
    type: Literal["dcat:Catalog"] | None = Field(None, alias="@type")
    format: Literal["katalog-inovasi-manifest"] = Field(description="Selalu 'katalog-inovasi-manifest'.")
    format_version: Version = Field(description="Versi format manifes ini.")
    schema_version: Version = Field(description="Versi skema front matter yang diikuti rekamannya.")
    generator: Annotated[str, Field(max_length=200)] | None = Field(None, description="Perangkat penulis.")
    name: Label = Field(description="Nama katalog.")
    description: Annotated[str, Field(max_length=2000)] | None = Field(None, description="Keterangan.")
    agency: Label = Field(description="Instansi penerbit katalog.")
    url: HttpUrl = Field(description="Alamat publik katalog, diakhiri '/'.")
    language: Annotated[str, Field(max_length=35)] = Field(description="Bahasa isi, mis. 'id'.")
    entries: Annotated[int, Field(ge=0)] = Field(description="Jumlah rekaman.")
    modified: dt.datetime = Field(description="Waktu perubahan terakhir isi katalog (ISO 8601).")
    records: Records = Field(description="Rekaman inovasi (data/inovasi.json).")
    distributions: list[Distribution] = Field(default_factory=list, description="Berkas lain (CSV).")
    replications: Distribution | None = Field(
        None, description="Replika lintas katalog (data/replikasi.json), sejak versi format 1.1."
    )
    taxonomy: Vocabularies = Field(description="Kosakata katalog ini.")

    def vocabularies(self, where: str) -> Taxonomy:
        """The member's own `Taxonomy`, against which its records are validated."""
        raw = {key: [term.model_dump() for term in getattr(self.taxonomy, key)] for key in VOCABULARIES}
        return Taxonomy.from_data(raw, where)


def major(version: str) -> str:
    return version.split(".", 1)[0]


def schema_dict() -> dict[str, Any]:
    """The manifest's JSON Schema (committed as schema/katalog.schema.json, published)."""
    schema = Manifest.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["x-format-version"] = FORMAT_VERSION
    return schema


def manifest_schema_text() -> str:
    return json.dumps(schema_dict(), ensure_ascii=False, indent=2) + "\n"


def write_manifest_schema(path: Path = COMMITTED_SCHEMA) -> Path:
    """Write the committed copy (`katalog schema`; a test keeps it equal to the code)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(manifest_schema_text(), encoding="utf-8")
    return path


def _terms(taxonomy: Taxonomy, key: str) -> list[dict[str, str]]:
    terms = getattr(taxonomy, key).terms
    return [{"slug": t.slug, "name": t.name, **({"short": t.short} if t.short else {})} for t in terms]


def own_agency(settings: Mapping[str, Any]) -> str:
    """The agency a site publishes as (its records' `agency`): ``KATALOG_AGENCY``, or the
    catalogue's name when a site has not set one."""
    return settings.get("KATALOG_AGENCY") or settings["SITENAME"]


def manifest_dict(
    settings: Mapping[str, Any], taxonomy: Taxonomy, entries: int, modified: dt.datetime, records: bytes
) -> dict[str, Any]:
    """The manifest of a site with these `settings`, vocabularies and published records.

    Every value comes from the content and settings, none from the clock: a rebuild of
    unchanged content writes the same bytes (and a harvester's conditional request gets
    a 304). `modified` is the newest change of an entry.
    """
    base = settings["KATALOG_PUBLIC_URL"].rstrip("/") + "/"
    return {
        "@context": json_ld_context(),
        "@type": "dcat:Catalog",
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_version": SCHEMA_VERSION,
        "generator": f"katalog-inovasi {__version__}",
        "name": settings["SITENAME"],
        "description": settings.get("SITE_TAGLINE") or None,
        "agency": own_agency(settings),
        "url": base,
        "language": settings.get("DEFAULT_LANG", "id"),
        "entries": entries,
        "modified": modified.isoformat(),
        "records": {
            "download_url": base + RECORDS_FILE,
            "media_type": "application/json",
            "conforms_to": base + SCHEMA_FILE,
            "sha256": hashlib.sha256(records).hexdigest(),
            "bytes": len(records),
        },
        "distributions": [{"download_url": base + CSV_FILE, "media_type": "text/csv"}],
        "replications": {"download_url": base + REPLICATIONS_FILE, "media_type": "application/json"},
        "taxonomy": {key: _terms(taxonomy, key) for key in VOCABULARIES},
    }


def manifest_text(manifest: Mapping[str, Any]) -> str:
    return json.dumps(manifest, ensure_ascii=False, indent=1) + "\n"
