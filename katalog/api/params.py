"""Check a request's raw query string against an endpoint's declared parameters.

Starlette would parse the query string leniently: invalid UTF-8 becomes U+FFFD and a broken
percent-escape stays as it is, so ``q=%FF`` would silently search for "�". An agency's system
sending bad bytes should hear about it, so the raw bytes are parsed here, strictly: a broken
escape or invalid UTF-8 is a 400; an unknown, repeated, empty, too long or out-of-range
parameter is a 422. Every message says which parameter, what was expected, what was
received, and a hint (STYLE.md, errors 7).

Facet values are checked later, against the open index generation (`catalogue`): which
values exist is data, not declaration.
"""

from __future__ import annotations

import difflib
import re
from urllib.parse import unquote_to_bytes

from katalog.api.spec import Param

_BROKEN_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DIGITS = re.compile(r"-?[0-9]{1,12}")  # more digits than any limit: refused before int()
SHOWN_CHOICES = 12  # a longer list of choices is cut, with a pointer to where it is whole


class ApiError(Exception):
    """A request the API refuses: its HTTP status, Indonesian message and the parameter."""

    def __init__(self, status: int, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameter = parameter


def decode_component(raw: bytes, what: str) -> str:
    """Percent-decode one part of a URL strictly (``+`` as space in query strings).

    Raises `ApiError` 400 on a broken escape (``%ZZ``, a lone ``%``) or bytes that are not
    UTF-8 (``%FF``), naming `what` (the parameter, or "alamat" for the path).
    """
    if _BROKEN_ESCAPE.search(raw):
        message = f"{what}: pengodean persen tidak sah (setiap % harus diikuti dua angka heksadesimal)"
        raise ApiError(400, message, _parameter(what))
    try:
        return unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        message = f"{what}: bukan teks UTF-8 yang sah; kodekan teks sebagai UTF-8 lalu persen-kodekan"
        raise ApiError(400, message, _parameter(what)) from None


def _parameter(what: str) -> str | None:
    return None if what == "alamat" else what


def split_query(raw: bytes) -> list[tuple[str, str]]:
    """The (name, value) pairs of a raw query string, decoded strictly, in order."""
    pairs = []
    for piece in raw.split(b"&"):
        if not piece:
            continue
        name_raw, _, value_raw = piece.partition(b"=")
        name = decode_component(name_raw.replace(b"+", b" "), "nama parameter")
        value = decode_component(value_raw.replace(b"+", b" "), name or "parameter")
        pairs.append((name, value))
    return pairs


def parse_query(raw: bytes, declared: tuple[Param, ...]) -> dict[str, str | int]:
    """The declared parameters of a raw query string, typed and checked; defaults filled in.

    Raises `ApiError` (400 or 422) for the first problem found, in the order: encoding,
    unknown names, repetitions, then each parameter's own checks.
    """
    by_name = {param.name: param for param in declared}
    pairs = split_query(raw)
    for name, _ in pairs:
        if name not in by_name:
            raise ApiError(422, _unknown("parameter", name, list(by_name)), name)
    seen: dict[str, str] = {}
    for name, value in pairs:
        if name in seen:
            count = sum(1 for n, _ in pairs if n == name)
            raise ApiError(422, f"parameter '{name}' diberikan {count} kali; berikan sekali saja", name)
        seen[name] = value
    found: dict[str, str | int] = {}
    for param in declared:
        if param.name in seen:
            found[param.name] = checked(param, seen[param.name])
        elif param.required:
            example = f", mis. ?{param.name}={param.example}" if param.example is not None else ""
            raise ApiError(422, f"parameter '{param.name}' wajib diisi{example}", param.name)
        elif param.default is not None:
            found[param.name] = param.default
    return found


def checked(param: Param, value: str) -> str | int:
    """`value` as `param` declares it: a bounded integer, or trimmed text of bounded length."""
    if param.kind == "integer":
        return _integer(param, value)
    text = value.strip()
    if not text:
        raise ApiError(422, f"{param.name} kosong; isi dengan {_wanted(param)}", param.name)
    if param.max_length is not None and len(text) > param.max_length:
        message = f"{param.name} terlalu panjang: {len(text)} karakter; paling banyak {param.max_length}"
        raise ApiError(422, message, param.name)
    if _CONTROL.search(text):
        raise ApiError(422, f"{param.name} berisi karakter kendali; kirim teks biasa", param.name)
    return text


def _integer(param: Param, value: str) -> int:
    text = value.strip()
    bounds = f"bilangan bulat {param.minimum} sampai {param.maximum}"
    if not _DIGITS.fullmatch(text):
        shown = text if len(text) <= 20 else text[:20] + "…"
        raise ApiError(422, f"{param.name} harus {bounds}; diterima '{shown}'", param.name)
    number = int(text)
    if (param.minimum is not None and number < param.minimum) or (
        param.maximum is not None and number > param.maximum
    ):
        raise ApiError(422, f"{param.name} harus {bounds}; diterima {number}", param.name)
    return number


def _wanted(param: Param) -> str:
    return f"nilai seperti '{param.example}'" if param.example is not None else "sebuah nilai"


def _unknown(what: str, value: str, choices: list[str], where: str = "") -> str:
    """ "'x' tidak dikenal; pilihan: a, b, c; maksud Anda 'y'?", the choices cut when many."""
    shown = value if len(value) <= 40 else value[:40] + "…"
    listed = ", ".join(choices[:SHOWN_CHOICES])
    if len(choices) > SHOWN_CHOICES:
        listed += f", dan {len(choices) - SHOWN_CHOICES} lainnya{where}"
    message = f"{what} '{shown}' tidak dikenal; pilihan: {listed or '(tidak ada)'}"
    close = difflib.get_close_matches(value.lower(), choices, n=1)
    return f"{message}; maksud Anda '{close[0]}'?" if close else message


def unknown_facet_value(facet: str, value: str, choices: list[str]) -> ApiError:
    """The 422 for a facet value the open index does not have, with the values it has."""
    return ApiError(422, _unknown(f"nilai {facet}", value, choices, " (lihat /api/v1/facets)"), facet)
