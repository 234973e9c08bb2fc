"""Structured access logs: one JSON object per answered request, one line each.

JSON lines because the readers are machines (journald, a container's log driver, jq, a log
shipper), and a line that parses needs no regular expression that breaks on a quote in a
query. Written by a plain ASGI middleware, outermost, so every answer is logged: the
router's 404 and 405, the 400 of a malformed path, a 304. uvicorn's own access log is
turned off (`katalog.api.server`), so there is one line per request.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import time
from typing import TextIO

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ACCESS_LOGGER = "katalog.api.access"
MAX_FIELD = 1000  # a 10,000-character query is logged cut, with its length
logger = logging.getLogger(ACCESS_LOGGER)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_FIELD else f"{text[:MAX_FIELD]}…(+{len(text) - MAX_FIELD})"


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not logger.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        seen: dict[str, int] = {"status": 500, "bytes": 0}

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
            elif message["type"] == "http.response.body":
                seen["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            logger.info("%s", line(scope, seen["status"], seen["bytes"], time.perf_counter() - started))


def line(scope: Scope, status: int, size: int, seconds: float) -> str:
    """The JSON line of one request (client address as uvicorn resolved it behind a proxy)."""
    headers = Headers(scope=scope)
    client = scope.get("client")
    record = {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "client": client[0] if client else None,
        "method": scope["method"],
        "path": _cut(scope.get("raw_path", b"").decode("latin-1") or scope["path"]),
        "query": _cut(scope.get("query_string", b"").decode("latin-1")),
        "status": status,
        "bytes": size,
        "ms": round(seconds * 1000, 2),
        "user_agent": _cut(headers.get("user-agent", "")),
        "referer": _cut(headers.get("referer", "")),
    }
    return json.dumps(record, ensure_ascii=False)


def access_logging(stream: TextIO | None) -> None:
    """Access lines (JSON) to `stream` (None: none), alone on their line; the server's own
    messages (a generation opened, one that failed) to stderr, one line each."""
    access = logging.getLogger(ACCESS_LOGGER)
    access.propagate = False
    access.handlers.clear()
    if stream is not None:
        handler = logging.StreamHandler(stream)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access.addHandler(handler)
        access.setLevel(logging.INFO)
    else:
        access.setLevel(logging.WARNING)
    server = logging.getLogger("katalog.api")
    errors = logging.StreamHandler(sys.stderr)
    errors.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    server.handlers[:] = [errors]
    server.setLevel(logging.INFO)
    server.propagate = False
