"""Payloads and errors as HTTP answers: compact JSON, an ETag, Cache-Control, and 304s.

Every answer goes through `answer` (or `asset` for the documentation page's files), so
every one carries an ETag and a Cache-Control header. The ETag is weak (gzip changes the
bytes, not the meaning) and names the index generation, so it changes whenever a build
does, then a digest of the body, so two answers of one generation differ when their bodies
do. A conditional GET whose ``If-None-Match`` names it is answered 304 with no body.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from katalog.api.params import ApiError
from katalog.api.spec import NO_CACHE, OK_CACHE

JSON = "application/json"


def etag(generation: str, body: bytes) -> str:
    return f'W/"{generation}-{hashlib.blake2b(body, digest_size=8).hexdigest()}"'


def not_modified(request: Request, tag: str) -> bool:
    """Whether the request's ``If-None-Match`` names `tag` (weak comparison) or is ``*``."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    wanted = tag.removeprefix("W/")
    return any(t.strip() == "*" or t.strip().removeprefix("W/") == wanted for t in header.split(","))


def encode(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def answer(
    request: Request, payload: Any, generation: str, cache: str = OK_CACHE, status: int = 200
) -> Response:
    """`payload` as JSON with its ETag and `cache`; 304 when the client has it already."""
    body = encode(payload)
    headers = {"ETag": etag(generation, body), "Cache-Control": cache}
    if status == 200 and not_modified(request, headers["ETag"]):
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status, headers=headers, media_type=JSON)


def error_payload(status: int, message: str, parameter: str | None = None) -> dict[str, Any]:
    return {"error": {"status": status, "message": message, "parameter": parameter}}


def refusal(request: Request, error: ApiError, generation: str) -> Response:
    """An `ApiError` as its JSON answer (never cached: it describes this request)."""
    payload = error_payload(error.status, error.message, error.parameter)
    return answer(request, payload, generation, NO_CACHE, error.status)


@dataclass(frozen=True)
class Asset:
    """A file of the documentation page, held in memory with its gzip form made once."""

    body: bytes
    media_type: str
    tag: str
    gzipped: bytes

    @classmethod
    def of(cls, body: bytes, media_type: str, generation: str) -> Asset:
        return cls(body, media_type, etag(generation, body), gzip.compress(body, 9, mtime=0))


def asset(request: Request, found: Asset, cache: str, extra: dict[str, str] | None = None) -> Response:
    """`found` as it is, or gzipped when accepted (the gzip middleware leaves it alone then)."""
    headers = {"ETag": found.tag, "Cache-Control": cache, "Vary": "Accept-Encoding", **(extra or {})}
    if not_modified(request, found.tag):
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", "") and len(found.gzipped) < len(found.body):
        headers["Content-Encoding"] = "gzip"
        return Response(found.gzipped, headers=headers, media_type=found.media_type)
    return Response(found.body, headers=headers, media_type=found.media_type)
