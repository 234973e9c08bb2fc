"""The headers every answer carries, and what is refused before any route sees the request.

A plain ASGI middleware, outermost but for the access log, so that it also covers the
answers of Starlette's router (404, 405) and of the gzip middleware:

- CORS for GET from any origin: ``Access-Control-Allow-Origin: *`` on *every* answer, not
  only when the request has an ``Origin`` (Starlette's CORS middleware adds it only then,
  and a shared cache could keep an answer without it for a browser that needs it), the ETag
  exposed to scripts, and preflight requests answered here;
- ``X-Content-Type-Options: nosniff`` everywhere, and a Cache-Control default for any
  answer that has none;
- a path that is not valid percent-encoded UTF-8 is a JSON 400 here: uvicorn decodes the
  path leniently, and the router would otherwise look up a route with U+FFFD in it.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from katalog.api.answers import JSON, encode, error_payload, etag
from katalog.api.params import ApiError, decode_component
from katalog.api.spec import NO_CACHE

ALLOWED_METHODS = "GET, HEAD, OPTIONS"
PREFLIGHT_MAX_AGE = "86400"


class ApiHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        try:
            decode_component(scope.get("raw_path") or scope["path"].encode("utf-8"), "alamat")
        except ApiError as error:
            await _refused(error)(scope, receive, _with_headers(send))
            return
        if scope["method"] == "OPTIONS" and "access-control-request-method" in request_headers:
            await _preflight(request_headers)(scope, receive, _with_headers(send))
            return
        await self.app(scope, receive, _with_headers(send))


def _with_headers(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            headers["Access-Control-Allow-Origin"] = "*"
            headers["Access-Control-Expose-Headers"] = "ETag"
            headers["X-Content-Type-Options"] = "nosniff"
            if "cache-control" not in headers:
                headers["Cache-Control"] = NO_CACHE
        await send(message)

    return sending


def _refused(error: ApiError) -> Response:
    body = encode(error_payload(error.status, error.message, error.parameter))
    headers = {"ETag": etag("-", body), "Cache-Control": NO_CACHE}
    return Response(body, status_code=error.status, headers=headers, media_type=JSON)


def _preflight(request_headers: Headers) -> Response:
    """A CORS preflight: any origin may GET; it may send the headers it asks for."""
    headers = {
        "Access-Control-Allow-Methods": ALLOWED_METHODS,
        "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
        "ETag": etag("-", b""),
        "Cache-Control": NO_CACHE,
        "Vary": "Access-Control-Request-Headers",
    }
    asked = request_headers.get("access-control-request-headers")
    if asked:
        headers["Access-Control-Allow-Headers"] = asked
    return Response(status_code=204, headers=headers)
