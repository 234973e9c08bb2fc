"""uvicorn's h11 protocol, whose refusal of a malformed request is JSON like every other.

A request line with raw bytes outside ASCII (``GET /cari?q=\\xff``, which no URL may hold),
a header that does not parse, or a request head above `server.HEAD_LIMIT` never reaches
the application: h11 refuses it and uvicorn answers a plain-text 400. Here that answer is
the API's JSON error, in Indonesian, with the headers every answer has, so a client's
error handling needs only one format.
"""

from __future__ import annotations

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from katalog.api.answers import JSON, encode, error_payload, etag
from katalog.api.spec import NO_CACHE

MALFORMED = (
    "permintaan HTTP tidak dapat dibaca (mis. bita di luar ASCII yang tidak dipersen-kodekan, "
    "atau kepala permintaan terlalu besar); persen-kodekan alamat dan kueri sebagai UTF-8"
)


class JsonH11Protocol(H11Protocol):
    def send_400_response(self, msg: str) -> None:
        body = encode(error_payload(400, MALFORMED))
        headers = [
            (b"content-type", JSON.encode("ascii")),
            (b"content-length", str(len(body)).encode("ascii")),
            (b"etag", etag("-", body).encode("ascii")),
            (b"cache-control", NO_CACHE.encode("ascii")),
            (b"access-control-allow-origin", b"*"),
            (b"x-content-type-options", b"nosniff"),
            (b"connection", b"close"),
        ]
        for event in (
            h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
            h11.Data(data=body),
        ):
            self.transport.write(self.conn.send(event))
        self.transport.write(self.conn.send(h11.EndOfMessage()))
        self.transport.close()
