"""The innovation model: every field declared once, with its Indonesian description.

The JSON Schema (`schema/innovation.schema.json`), the `katalog new` scaffold, the CSV
columns and the field table of the editors' guide are all derived from these classes.
Values are validated strictly: YAML `2017` is not a title, `"2017"` is not a year. Nothing
is coerced silently, because a government catalogue must not publish a guessed fact.

Vocabulary fields (`unit`, `category`, `kind`, `status`) are checked against the taxonomy
passed in the validation context (``{"taxonomy": Taxonomy}``) and normalised to its
canonical spelling.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from katalog.content.taxonomy import Taxonomy, Vocabulary

FIRST_YEAR = 1945
# The front-matter schema's version (docs/versioning.md): the major number grows when a key is
# renamed or removed, the minor when a key or a form of value is added (1.1: `based_on` may
# name another catalogue's page by its URL).
SCHEMA_VERSION = "1.1"
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_SLUG = re.compile(SLUG_PATTERN)
_URL = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_PHONE = re.compile(r"^\+?[0-9][0-9 ().-]{5,}$")


def allows_none(annotation: Any) -> bool:
    """Whether a field's annotation is ``X | None``: it may be written ``null`` (unknown).

    Read from the annotation's structure, not its text: a list of URLs names NoneType in its
    metadata, yet takes no null. Shared by the validator's hints, the completeness list and
    the importer's empty cells.
    """
    return typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in typing.get_args(
        annotation
    )


def slugify(text: str) -> str:
    """ASCII, lower-case, hyphen-separated slug of `text` ("SIMPEL Mobile" -> "simpel-mobile")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _check_url(value: str) -> str:
    if not _URL.match(value):
        raise PydanticCustomError(
            "katalog_url", "'{value}' bukan URL yang sah; tulis lengkap dengan https://", {"value": value}
        )
    return value


def names_url(based_on: str) -> bool:
    """Whether a `based_on` names another catalogue's page (a URL) rather than a local slug."""
    return based_on[:8].lower().startswith(("http://", "https://"))


def _check_original(value: str) -> str:
    """A local slug, or the http(s) address of the original's page in another catalogue."""
    if _URL.match(value) if names_url(value) else _SLUG.match(value):
        return value
    raise PydanticCustomError(
        "katalog_based_on",
        "'{value}' bukan slug inovasi di katalog ini maupun alamat lengkap halaman inovasi di "
        "katalog lain; tulis mis. 'simpel' atau 'https://inovasi.contoh.go.id/inovasi/simpel/'",
        {"value": value},
    )


def _check_email(value: str) -> str:
    if not _EMAIL.match(value):
        raise PydanticCustomError("katalog_email", "'{value}' bukan alamat surel yang sah", {"value": value})
    return value


def _check_phone(value: str) -> str:
    if not _PHONE.match(value):
        raise PydanticCustomError(
            "katalog_phone", "'{value}' bukan nomor telepon yang sah (angka, spasi, +, -)", {"value": value}
        )
    return value


def _check_text(value: str) -> str:
    """Refuse invisible control and bidi-override characters that can disguise text."""
    if value.isprintable():  # no Cc or Cf character (nor a line break): the common case, fast
        return value.strip()
    for char in value:
        if char in "\n\t":
            continue
        if unicodedata.category(char) in {"Cc", "Cf"}:
            raise PydanticCustomError(
                "katalog_control_char",
                "mengandung karakter tak terlihat U+{code}; hapus karakter itu",
                {"code": f"{ord(char):04X}"},
            )
    return value.strip()


def _in_vocabulary(key: str) -> AfterValidator:
    """Validator resolving a value against taxonomy vocabulary `key` (from the context)."""

    def check(value: str, info: ValidationInfo) -> str:
        taxonomy = (info.context or {}).get("taxonomy")
        if not isinstance(taxonomy, Taxonomy):
            msg = "Innovation must be validated with context={'taxonomy': Taxonomy}"
            raise TypeError(msg)
        return _resolve(getattr(taxonomy, key), value)

    return AfterValidator(check)


def _unique(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise PydanticCustomError("katalog_duplicate", "nilai yang sama ditulis lebih dari sekali", {})
    return values


Url = Annotated[str, AfterValidator(_check_url), Field(json_schema_extra={"format": "uri"})]
Email = Annotated[str, AfterValidator(_check_email), Field(json_schema_extra={"format": "email"})]
Phone = Annotated[str, AfterValidator(_check_phone)]
Original = Annotated[
    str,
    AfterValidator(_check_original),
    Field(
        json_schema_extra={"anyOf": [{"pattern": SLUG_PATTERN}, {"format": "uri", "pattern": "^https?://"}]}
    ),
]
Text = Annotated[str, AfterValidator(_check_text), Field(min_length=1)]
UnitName = Annotated[str, _in_vocabulary("units")]
CategoryName = Annotated[str, _in_vocabulary("categories")]
KindName = Annotated[str, _in_vocabulary("kinds")]
StatusName = Annotated[str, _in_vocabulary("statuses")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Contact(_Strict):
    """Kontak untuk pertanyaan tentang inovasi ini."""

    name: Text | None = Field(None, description="Nama orang atau unit yang dapat dihubungi.")
    email: Email | None = Field(None, description="Alamat surel resmi.")
    phone: Phone | None = Field(None, description="Nomor telepon atau WhatsApp resmi.")
    url: Url | None = Field(None, description="Laman resmi layanan.")


class Prerequisite(_Strict):
    """Satu prasyarat replikasi."""

    type: Literal["sdm", "infrastruktur", "anggaran", "regulasi", "lainnya"] = Field(
        description="Jenis prasyarat: sdm, infrastruktur, anggaran, regulasi, atau lainnya."
    )
    description: Text = Field(description="Uraian prasyarat.")


class LegalBasis(_Strict):
    """Satu dasar hukum."""

    title: Text = Field(description="Judul peraturan.")
    number: Text | None = Field(None, description="Nomor peraturan.")
    year: int | None = Field(None, ge=FIRST_YEAR, description="Tahun peraturan.")
    url: Url | None = Field(None, description="Tautan ke naskah peraturan.")


class Document(_Strict):
    """Satu dokumen pendukung (SOP, panduan)."""

    title: Text = Field(description="Judul dokumen.")
    url: Url = Field(description="Tautan ke dokumen.")


class Replica(_Strict):
    """Satu instansi yang telah mereplikasi inovasi ini."""

    agency: Text = Field(description="Nama instansi yang mereplikasi.")
    year: int | None = Field(None, ge=FIRST_YEAR, description="Tahun replikasi.")
    status: Text | None = Field(None, description="Status replikasi (mis. berjalan, uji coba).")
    source: Url | None = Field(None, description="Tautan sumber yang menyebut replikasi.")


class Replication(_Strict):
    """Bekal replikasi: apa yang dibutuhkan instansi lain untuk meniru inovasi ini."""

    prerequisites: list[Prerequisite] = Field(default_factory=list, description="Prasyarat replikasi.")
    legal_basis: list[LegalBasis] = Field(default_factory=list, description="Dasar hukum.")
    cost: Text | None = Field(None, description="Perkiraan biaya replikasi.")
    duration: Text | None = Field(None, description="Perkiraan waktu replikasi.")
    steps: list[Text] = Field(default_factory=list, description="Langkah-langkah replikasi.")
    documents: list[Document] = Field(default_factory=list, description="Dokumen pendukung (SOP, panduan).")
    replicated_by: list[Replica] = Field(default_factory=list, description="Instansi yang sudah mereplikasi.")
    contact: Contact | None = Field(None, description="Kontak yang membantu instansi yang ingin mereplikasi.")


class Innovation(_Strict):
    """Satu inovasi dalam katalog."""

    title: Text = Field(max_length=160, description="Nama inovasi, seperti dikenal publik.")
    slug: str | None = Field(
        None,
        pattern=SLUG_PATTERN,
        validate_default=True,
        description="Alamat halaman (huruf kecil, angka, tanda hubung). Kosongkan untuk dibuat dari judul.",
    )
    expansion: Text | None = Field(None, description="Kepanjangan akronim nama inovasi, bila ada.")
    summary: Text = Field(
        max_length=500, description="Ringkasan satu-dua kalimat: apa yang berubah bagi pengguna."
    )
    unit: UnitName | None = Field(
        description="Unit kerja pemilik inovasi (dari taxonomy.yaml); null bila tidak diketahui."
    )
    category: CategoryName | None = Field(
        description="Bidang inovasi (dari taxonomy.yaml); null bila tidak diketahui."
    )
    kind: Annotated[list[KindName], AfterValidator(_unique)] = Field(
        description="Jenis inovasi (digitalisasi, deregulasi, debirokratisasi); [] bila tidak diketahui."
    )
    year: int | None = Field(
        ge=FIRST_YEAR, description="Tahun pertama inovasi tercatat; null bila tidak diketahui."
    )
    status: StatusName = Field(description="Status inovasi saat ini (dari taxonomy.yaml).")
    tags: list[Text] = Field(default_factory=list, description="Kata kunci bebas untuk pencarian.")
    awards: list[Text] = Field(default_factory=list, description="Penghargaan yang diterima.")
    contact: Contact | None = Field(None, description="Kontak resmi; null bila tidak diketahui.")
    sources: list[Url] = Field(
        min_length=1, description="Tautan sumber publik untuk setiap fakta di entri ini."
    )
    replication: Replication = Field(default_factory=Replication, description="Bekal replikasi.")
    based_on: Original | None = Field(
        None,
        description=(
            "Inovasi asal, bila inovasi ini replikasinya: slug inovasi di katalog ini, atau alamat "
            "lengkap halaman inovasi di katalog instansi lain."
        ),
    )
    last_verified: dt.date | None = Field(
        None, description="Tanggal terakhir isi entri diperiksa ulang terhadap sumbernya (TTTT-BB-HH)."
    )
    synthetic: bool = Field(False, description="true hanya untuk entri buatan (uji dan tolok ukur).")

    @field_validator("slug")
    @classmethod
    def _slug_derivable(cls, value: str | None, info: ValidationInfo) -> str | None:
        """A title of only symbols or non-Latin script derives an empty slug: ask for one."""
        title = info.data.get("title")
        if value is None and isinstance(title, str) and not slugify(title):
            raise PydanticCustomError(
                "katalog_slug_empty",
                "judul '{title}' tidak menghasilkan alamat halaman; isi 'slug' dengan huruf kecil, "
                "angka, dan tanda hubung",
                {"title": title},
            )
        return value

    @field_validator("year")
    @classmethod
    def _year_not_in_future(cls, value: int | None) -> int | None:
        limit = dt.date.today().year + 1
        if value is not None and value > limit:
            raise PydanticCustomError(
                "katalog_year",
                "tahun {value} belum terjadi (paling lambat {limit})",
                {"value": value, "limit": limit},
            )
        return value

    @property
    def effective_slug(self) -> str:
        return self.slug or slugify(self.title)


VOCABULARY_OF = {"unit": "units", "category": "categories", "kind": "kinds", "status": "statuses"}


def _resolve(vocabulary: Vocabulary, value: str) -> str:
    """Return the canonical spelling of `value`, or raise with choices and a suggestion."""
    term = vocabulary.get(value)
    if term is not None:
        return vocabulary.spelling(term)
    choices = vocabulary.choices()
    hint = vocabulary.suggest(value)
    shown = ", ".join(choices) if len(choices) <= 8 else "lihat content/taxonomy.yaml"
    message = "'{value}' tidak dikenal; pilihan: {choices}"
    if hint:
        message += "; maksud Anda '{hint}'?"
    raise PydanticCustomError("katalog_vocabulary", message, {"value": value, "choices": shown, "hint": hint})


# Indonesian words editors reach for, mapped to the model's English keys (for hints).
KEY_SYNONYMS: dict[str, str] = {
    "judul": "title",
    "nama": "title",
    "ringkasan": "summary",
    "deskripsi": "summary",
    "unit_kerja": "unit",
    "satker": "unit",
    "bidang": "category",
    "kategori": "category",
    "jenis": "kind",
    "tahun": "year",
    "tag": "tags",
    "kata_kunci": "tags",
    "penghargaan": "awards",
    "kontak": "contact",
    "sumber": "sources",
    "source": "sources",
    "replikasi": "replication",
    "kepanjangan": "expansion",
    "prasyarat": "prerequisites",
    "dasar_hukum": "legal_basis",
    "biaya": "cost",
    "langkah": "steps",
    "dokumen": "documents",
    "direplikasi_oleh": "replicated_by",
}


def schema_dict(taxonomy: Taxonomy | None = None) -> dict[str, Any]:
    """The JSON Schema of an innovation file's front matter, with vocabularies as enums."""
    schema = Innovation.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://katalog-inovasi.example/data/schema.json"
    schema["x-schema-version"] = SCHEMA_VERSION
    if taxonomy is not None:
        props = schema["properties"]
        for field_name, key in VOCABULARY_OF.items():
            vocabulary: Vocabulary = getattr(taxonomy, key)
            enum = vocabulary.choices()
            if field_name == "kind":
                props[field_name]["items"] = {"type": "string", "enum": enum}
            elif field_name == "status":
                props[field_name]["enum"] = enum
            else:
                props[field_name]["anyOf"] = [{"type": "string", "enum": enum}, {"type": "null"}]
    return schema


class StaticPage(_Strict):
    """Metadata of a static page under ``content/pages/`` (tentang, kontribusi, ...)."""

    title: Text = Field(description="Judul halaman.")
    slug: str = Field(pattern=SLUG_PATTERN, description="Alamat halaman, mis. 'tentang'.")
    summary: Text | None = Field(None, description="Ringkasan untuk mesin pencari.")
