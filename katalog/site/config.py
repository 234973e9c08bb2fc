"""Check a site's settings before anything is built: `pelicanconf.py: KEY: message`.

Pelican accepts any setting and lets a typo pass silently (``KATALOG_COLOURS`` would just
be ignored, and the site would publish in the engine's colours). Every ``KATALOG_*`` key
and the identity keys are checked here against `SiteConfig`, with a suggestion for a near
miss; all problems are collected, then the build stops with exit code 2.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from katalog import settings as engine_settings
from katalog.errors import ConfigError
from katalog.network.members import normalise_url

_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_URL = re.compile(r"^https?://[^\s/?#]+(?:[/?#]\S*)?$")
_LANG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_LOGO = re.compile(r"^(?!/)(?!.*\.\.)[\w./-]+\.(?:svg|png|jpe?g|webp)$", re.IGNORECASE)
COLOR_KEYS = ("accent", "accent_fg", "link", "focus")  # CSS custom properties of the theme
MIN_CONTRAST = 4.5  # WCAG AA for body text: the header's text on its background
MAX_FOREWORD = 2500  # characters of KATALOG_MAJALAH_PENGANTAR: one A4 page at the foreword's size


def _matching(pattern: re.Pattern[str], hint: str) -> Callable[[str], str]:
    """A check refusing a text `pattern` does not match: "'<value>' <hint>"."""

    def check(value: str) -> str:
        if not pattern.match(value):
            msg = f"'{value}' {hint}"
            raise ValueError(msg)
        return value

    return check


_color = _matching(_COLOR, "bukan warna; tulis kode heksadesimal, mis. '#0b5394'")
Url = Annotated[
    str,
    AfterValidator(_matching(_URL, "bukan URL http(s) yang lengkap, mis. 'https://inovasi.contoh.go.id'")),
]
Lang = Annotated[str, AfterValidator(_matching(_LANG, "bukan kode bahasa, mis. 'id'"))]
# A network's address as jaringan.yaml takes a member's: http(s), no query, fragment or user.
NetworkUrl = Annotated[str, AfterValidator(normalise_url)]
Logo = Annotated[
    str, AfterValidator(_matching(_LOGO, "harus berkas gambar di dalam content/, mis. 'images/logo.svg'"))
]


def _colors(value: dict[str, str]) -> dict[str, str]:
    unknown = sorted(set(value) - set(COLOR_KEYS))
    if unknown:
        msg = f"warna '{unknown[0]}' tidak dikenal; pilihan: {', '.join(COLOR_KEYS)}"
        raise ValueError(msg)
    colors = {key: _color(color) for key, color in value.items()}
    background, text = colors.get("accent", "#8a1c1c"), colors.get("accent_fg", "#ffffff")
    ratio = contrast(background, text)
    if ratio < MIN_CONTRAST:
        msg = (
            f"kontras accent_fg {text} di atas accent {background} hanya {ratio:.1f}:1; "
            f"minimal {MIN_CONTRAST}:1"
        )
        raise ValueError(msg)
    return colors


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` or ``#rgb`` colours."""

    def luminance(color: str) -> float:
        digits = color[1:] if len(color) == 7 else "".join(c * 2 for c in color[1:])
        channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


Text = Annotated[str, Field(min_length=1)]


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    email: str | None = None
    phone: str | None = None
    url: Url | None = None
    address: str | None = None


class ReportedTotal(BaseModel):
    """A total the agency has stated publicly, which the catalogue's count is set against."""

    model_config = ConfigDict(extra="forbid", strict=True)

    count: Annotated[int, Field(gt=0)]
    label: Text  # what the number counts, e.g. "jumlah inovasi unit kerja ... menurut ..."
    source: Url  # the public page that states it (a stated figure needs its source)
    note: Text | None = None  # a caveat shown after the source, e.g. entries outside its period


class SiteConfig(BaseModel):
    """Every setting a site may set beyond Pelican's own, with its type."""

    model_config = ConfigDict(extra="ignore", strict=True)

    SITENAME: Text
    SITE_TAGLINE: str = ""
    KATALOG_AGENCY: str = ""
    KATALOG_PUBLIC_URL: Url
    KATALOG_LOGO: Logo | None = None
    KATALOG_COLORS: Annotated[dict[str, str], AfterValidator(_colors)] = Field(default_factory=dict)
    KATALOG_FOOTER: Text | None = None
    KATALOG_CONTACT: Contact | None = None
    KATALOG_REPORTED_TOTAL: ReportedTotal | None = None
    # The Majalah's foreword; the limit keeps it to its one page (katalog.majalah.layout).
    KATALOG_MAJALAH_PENGANTAR: Annotated[str, Field(min_length=1, max_length=MAX_FOREWORD)] | None = None
    DEFAULT_LANG: Lang = "id"
    OG_LOCALE: Annotated[str, Field(pattern=r"^[a-z]{2,3}_[A-Z]{2}$")] = "id_ID"
    KATALOG_THEME_OVERRIDES: str | None = None
    KATALOG_TAXONOMY: Text = "taxonomy.yaml"
    KATALOG_SYNONYMS: Text = "sinonim.yaml"
    KATALOG_PROTECTED_WORDS: Text = "kata-dilindungi.txt"
    KATALOG_INDEX_DIR: Text = ".katalog/whoosh"
    KATALOG_STALE_AFTER_DAYS: Annotated[int, Field(gt=0)] = 365
    KATALOG_INCLUDE_DRAFTS: bool = True
    KATALOG_NETWORK: Text = "jaringan.yaml"  # relative to the settings file's folder
    KATALOG_NETWORK_URL: NetworkUrl | None = None  # the network whose back-links a member reads
    KATALOG_NETWORK_REFRESH_HOURS: Annotated[float, Field(ge=0)] = 6  # 0: ask at every build


# Keys the build and the tests set for one run (never in a settings file); not checked.
RUN_KEYS = frozenset(
    {"KATALOG_STATE", "KATALOG_PRELOADED", "KATALOG_PROGRESS", "KATALOG_JOBS", "KATALOG_TARGET",
     "KATALOG_CACHE_DIR", "KATALOG_OUTPUTS", "KATALOG_TODAY"}
)  # fmt: skip
KNOWN = frozenset(SiteConfig.model_fields) | RUN_KEYS
ENGINE_KEYS = frozenset(k for k in vars(engine_settings) if k.isupper())  # katalog.settings
_PELICAN_PATTERN = re.compile(r"_(?:SAVE_AS|URL)$")  # Pelican derives these per template


def problems_of(settings: dict[str, Any], pelican_keys: frozenset[str]) -> list[tuple[str, str]]:
    """(key, message) for every unknown or ill-typed setting, in key order."""
    found: list[tuple[str, str]] = []
    for key in sorted(k for k in settings if k.isupper()):
        if key in KNOWN or key in pelican_keys or key in ENGINE_KEYS or _PELICAN_PATTERN.search(key):
            continue
        close = difflib.get_close_matches(key, sorted(KNOWN | pelican_keys), n=1, cutoff=0.8)
        if key.startswith("KATALOG_") or close:
            hint = (
                f"; maksud Anda '{close[0]}'?"
                if close
                else f"; kunci yang dikenal: {', '.join(sorted(KNOWN - RUN_KEYS))}"
            )
            found.append((key, f"kunci tidak dikenal{hint}"))
    try:
        SiteConfig.model_validate({k: v for k, v in settings.items() if k in SiteConfig.model_fields})
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = ".".join(str(p) for p in error["loc"] if not str(p).startswith("function-"))
            found.append((loc, _message(error)))
    return sorted(found)


def _message(error: Any) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "value_error":
        return str(error["ctx"]["error"])
    types = {"string_type": "teks", "int_type": "bilangan bulat", "float_type": "bilangan",
             "bool_type": "True atau False", "dict_type": "kamus {...}",
             "model_type": "kamus {...}"}  # fmt: skip
    if kind in types:
        return f"harus berupa {types[kind]}, bukan {type(value).__name__} {value!r}"
    if kind == "missing":
        return "wajib diisi"
    if kind == "string_too_short":
        return "tidak boleh kosong"
    if kind == "string_too_long":
        return f"terlalu panjang ({len(value)} karakter); paling banyak {error['ctx']['max_length']}"
    if kind == "extra_forbidden":
        return "kunci tidak dikenal"
    if kind == "string_pattern_mismatch":
        return f"'{value}' tidak sah; bentuknya {error['ctx']['pattern']}"
    if kind == "greater_than":
        return f"harus lebih dari {error['ctx']['gt']}"
    if kind == "greater_than_equal":
        return f"harus paling sedikit {error['ctx']['ge']:g}"
    return str(error["msg"])


def check_settings(settings: dict[str, Any], settings_file: Path, pelican_keys: frozenset[str]) -> None:
    """Raise `ConfigError` listing every problem of `settings` (read from `settings_file`)."""
    found = problems_of(settings, pelican_keys)
    if found:
        raise ConfigError([f"{settings_file.name}: {key}: {message}" for key, message in found])
