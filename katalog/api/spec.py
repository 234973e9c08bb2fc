"""Every endpoint and parameter of the API, declared once; the OpenAPI document derived from it.

The request checks (`katalog.api.params`), the routes (`katalog.api.app`), the OpenAPI
document served at ``/api/v1/openapi.json`` and the README's reference table
(`katalog.api.reference`) all read these declarations, so none of them can drift from the
others. Descriptions are Indonesian: they are shown to the agencies' developers.

Pure Python on purpose: `katalog schema` writes the README table without the ``api`` extra.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from katalog import __version__

API_PREFIX = "/api/v1"
MAX_QUERY_CHARS = 200  # longer than any real query; longer ones are refused, not truncated
DEFAULT_LIMIT = 10
MAX_LIMIT = 100
MAX_OFFSET = 10_000  # deeper pages cost a ranking of offset + limit entries each
FACETS = ("unit", "bidang", "jenis", "tahun", "status", "instansi")
OK_CACHE = "public, max-age=60"  # a build can change any answer; the ETag makes revalidation cheap
STATIC_CACHE = "public, max-age=3600"  # the OpenAPI document and its page change only with the engine
NO_CACHE = "no-store"  # health and errors describe this moment only


@dataclass(frozen=True)
class Param:
    """One query or path parameter: its type, limits and Indonesian description."""

    name: str
    description: str
    kind: Literal["string", "integer"] = "string"
    required: bool = False
    default: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    facet: bool = False  # the value must be one of the facet's values (`/api/v1/facets`)
    example: str | int | None = None
    where: Literal["query", "path"] = "query"

    def schema(self) -> dict[str, Any]:
        """The parameter's JSON Schema in the OpenAPI document."""
        found: dict[str, Any] = {"type": self.kind}
        for key, value in (
            ("default", self.default),
            ("minimum", self.minimum),
            ("maximum", self.maximum),
            ("maxLength", self.max_length),
        ):
            if value is not None:
                found[key] = value
        if self.kind == "string" and self.required:
            found["minLength"] = 1
        return found

    def openapi(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "name": self.name,
            "in": self.where,
            "required": self.required or self.where == "path",
            "description": self.description,
            "schema": self.schema(),
        }
        if self.example is not None:
            found["example"] = self.example
        return found


@dataclass(frozen=True)
class Endpoint:
    """One GET endpoint: where, what it answers, with which parameters and errors."""

    name: str  # the route's name and the OpenAPI operationId
    path: str
    summary: str
    description: str
    response: str  # a schema in `SCHEMAS`, or "html"
    params: tuple[Param, ...] = ()
    errors: tuple[int, ...] = (400, 405, 422)
    cache: str = OK_CACHE
    tag: str = "katalog"

    @property
    def query_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.where == "query")


def _facet(name: str, description: str) -> Param:
    """A facet filter. No `example`: Swagger UI would fill it in and filter every try."""
    return Param(name, description, facet=True, max_length=MAX_QUERY_CHARS)


SEARCH_PARAMS = (
    Param(
        "q",
        "Kata pencarian, diolah seperti `katalog search` dan halaman cari/ (imbuhan, sinonim, "
        f"salah ketik satu huruf). Wajib, paling banyak {MAX_QUERY_CHARS} karakter.",
        required=True,
        max_length=MAX_QUERY_CHARS,
        example="pelayanan publik",
    ),
    _facet("unit", "Slug unit kerja, mis. `biro-ktln` (semua nilai faset ada di `/api/v1/facets`)."),
    _facet("bidang", "Slug bidang, mis. `keuangan`."),
    _facet("jenis", "`digitalisasi`, `deregulasi`, atau `debirokratisasi`."),
    _facet("tahun", "Tahun pertama tercatat (empat angka), atau `tidak-diketahui`."),
    _facet("status", "Slug status, mis. `berjalan`."),
    _facet(
        "instansi",
        "Slug instansi penerbit entri, mis. `pemerintah-kota-contoh`. Entri situs ini memakai "
        "`KATALOG_AGENCY` dari pengaturannya; katalog jaringan menambah instansi anggotanya "
        "(kunci `agency` di rekamannya).",
    ),
    Param(
        "limit",
        f"Jumlah hasil paling banyak, 1 sampai {MAX_LIMIT}.",
        kind="integer",
        default=DEFAULT_LIMIT,
        minimum=1,
        maximum=MAX_LIMIT,
    ),
    Param(
        "offset",
        f"Lewati sekian hasil pertama (halaman berikutnya), 0 sampai {MAX_OFFSET}.",
        kind="integer",
        default=0,
        minimum=0,
        maximum=MAX_OFFSET,
    ),
)
SLUG_PARAM = Param(
    "slug", "Slug inovasi, seperti di alamat halamannya.", where="path", example="simpel", max_length=200
)

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "cari",
        f"{API_PREFIX}/cari",
        "Cari inovasi",
        "Hasil pencarian berperingkat, sama dengan `katalog search` dan halaman cari/ untuk kata "
        "yang sama, dengan saringan faset dan halaman (`limit`, `offset`). `total` menghitung semua "
        "entri yang cocok.",
        "SearchResult",
        SEARCH_PARAMS,
    ),
    Endpoint(
        "inovasi",
        f"{API_PREFIX}/inovasi/{{slug}}",
        "Satu inovasi",
        "Rekaman lengkap satu inovasi, sama dengan unsurnya di `data/inovasi.json`.",
        "Innovation",
        (SLUG_PARAM,),
        errors=(400, 404, 405, 422),
    ),
    Endpoint(
        "facets",
        f"{API_PREFIX}/facets",
        "Nilai faset",
        "Setiap nilai faset (unit, bidang, jenis, tahun, status, instansi) dengan labelnya dan "
        "jumlah inovasinya; slug-nya dipakai sebagai saringan di `/api/v1/cari`.",
        "Facets",
    ),
    Endpoint(
        "openapi",
        f"{API_PREFIX}/openapi.json",
        "Dokumen OpenAPI",
        "Dokumen OpenAPI 3.1 API ini.",
        "OpenAPI",
        cache=STATIC_CACHE,
        tag="dokumentasi",
    ),
    Endpoint(
        "docs",
        f"{API_PREFIX}/docs",
        "Halaman dokumentasi interaktif",
        "Swagger UI untuk dokumen OpenAPI, disajikan dari server ini (tanpa CDN).",
        "html",
        cache=STATIC_CACHE,
        tag="dokumentasi",
    ),
    Endpoint(
        "healthz",
        "/healthz",
        "Kesehatan server",
        "200 selama indeks terbuka: generasi indeks, jumlah entri, kapan dibuka.",
        "Health",
        cache=NO_CACHE,
        tag="operasi",
    ),
)
BY_NAME = {endpoint.name: endpoint for endpoint in ENDPOINTS}

STATUSES = {
    200: "Berhasil.",
    304: "Tidak berubah: ETag di `If-None-Match` masih berlaku.",
    400: "Permintaan rusak: pengodean persen atau UTF-8 yang tidak sah.",
    404: "Tidak ditemukan.",
    405: "Metode tidak diizinkan: hanya GET dan HEAD.",
    422: "Parameter tidak sah: tidak dikenal, ganda, kosong, terlalu panjang, di luar batas, "
    "atau nilai faset yang tidak ada.",
}


def _object(properties: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required or list(properties), **extra}


_TEXT = {"type": "string"}
_NULLABLE_TEXT = {"type": ["string", "null"]}
SCHEMAS: dict[str, dict[str, Any]] = {
    "Hit": _object(
        {
            "slug": {**_TEXT, "description": "Slug inovasi (`/api/v1/inovasi/{slug}`)."},
            "title": {**_TEXT, "description": "Nama inovasi."},
            "url": {**_TEXT, "description": "Alamat lengkap halaman inovasi."},
            "score": {"type": "number", "description": "Skor peringkat (lebih besar lebih relevan)."},
            "unit": {**_NULLABLE_TEXT, "description": "Slug unit kerja."},
            "year": {"type": ["integer", "null"], "description": "Tahun pertama tercatat."},
            "instansi": {**_NULLABLE_TEXT, "description": "Slug instansi penerbit entri."},
        }
    ),
    "SearchResult": _object(
        {
            "q": {**_TEXT, "description": "Kata pencarian yang diolah."},
            "filters": {
                "type": "object",
                "additionalProperties": _TEXT,
                "description": "Saringan faset yang dipakai.",
            },
            "total": {"type": "integer", "description": "Jumlah semua entri yang cocok."},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
            "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
        }
    ),
    "Innovation": _object(
        {"slug": _TEXT, "title": _TEXT, "url": _TEXT},
        additionalProperties=True,
        description="Rekaman seperti di `data/inovasi.json`; skema isiannya di `data/schema.json`.",
    ),
    "FacetValue": _object(
        {
            "slug": {**_TEXT, "description": "Nilai untuk saringan di `/api/v1/cari`."},
            "label": _TEXT,
            "count": {"type": "integer", "description": "Jumlah inovasi dengan nilai ini."},
        }
    ),
    "Facets": _object(
        {
            "total": {"type": "integer", "description": "Jumlah inovasi di indeks."},
            "facets": {
                "type": "object",
                "description": "Nama faset -> nilainya, terbanyak lebih dulu.",
                "properties": {
                    name: {"type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}}
                    for name in FACETS
                },
            },
        }
    ),
    "Health": _object(
        {
            "status": {**_TEXT, "enum": ["ok"]},
            "generation": {**_TEXT, "description": "Generasi indeks dan data yang sedang disajikan."},
            "entries": {"type": "integer"},
            "opened": {**_TEXT, "format": "date-time", "description": "Kapan generasi ini dibuka."},
            "version": {**_TEXT, "description": "Versi mesin katalog."},
        }
    ),
    "Error": _object(
        {
            "error": _object(
                {
                    "status": {"type": "integer"},
                    "message": {**_TEXT, "description": "Penjelasan dalam bahasa Indonesia."},
                    "parameter": {**_NULLABLE_TEXT, "description": "Parameter yang bermasalah."},
                }
            )
        }
    ),
    "OpenAPI": {"type": "object", "description": "Dokumen ini."},
}


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    if endpoint.response == "html":
        content: dict[str, Any] = {"text/html": {"schema": {"type": "string"}}}
    else:
        content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{endpoint.response}"}}}
    headers = {
        "ETag": {"schema": _TEXT, "description": "Berubah bila indeks atau data berubah."},
        "Cache-Control": {"schema": _TEXT, "description": f"`{endpoint.cache}`"},
    }
    responses: dict[str, Any] = {
        "200": {"description": STATUSES[200], "headers": headers, "content": content}
    }
    if endpoint.cache != NO_CACHE:
        responses["304"] = {"description": STATUSES[304]}
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for status in endpoint.errors:
        responses[str(status)] = {"description": STATUSES[status], "content": error}
    return {
        "operationId": endpoint.name,
        "summary": endpoint.summary,
        "description": endpoint.description,
        "tags": [endpoint.tag],
        "parameters": [param.openapi() for param in endpoint.params],
        "responses": responses,
    }


def openapi() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the API (served as JSON; rendered into the README)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "API Katalog Inovasi",
            "version": f"v1 (katalog {__version__})",
            "description": (
                "API JSON hanya-baca atas indeks pencarian dan data terbuka build terakhir. "
                "Setiap jawaban membawa ETag dan Cache-Control (kirim `If-None-Match` untuk 304), "
                "CORS untuk GET dari asal mana pun, dan gzip bila diminta. Galat berupa JSON "
                '`{"error": {"status", "message", "parameter"}}` dengan pesan berbahasa Indonesia.'
            ),
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "paths": {endpoint.path: {"get": _operation(endpoint)} for endpoint in ENDPOINTS},
        "components": {"schemas": SCHEMAS},
    }
