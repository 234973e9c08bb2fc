"""`katalog api`: the site's settings to `Sources`, the socket, logging, and uvicorn.

The socket is bound here, before uvicorn starts, so a port in use is one Indonesian line
(exit 2) instead of uvicorn's log and exit, and ``--port 0`` takes a free port and says
which (the tests do that). uvicorn runs the h11 protocol with a larger limit on the request
head than its default, so that a 10,000-character query reaches the API and is refused
in JSON (422) with its reason; what h11 itself refuses is JSON too (`katalog.api.protocol`).
nginx in front keeps its own limit (docs/deploy/nginx-api.conf).
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import Any

from katalog.api.catalogue import Catalogue, Sources, check_sources
from katalog.api.spec import API_PREFIX
from katalog.errors import UsageError

DEFAULT_PORT = 8001  # 8000 is `make serve`'s
HEAD_LIMIT = 128 * 1024  # bytes of request line and headers (uvicorn's default is 16 KiB)
MISSING_EXTRA = (
    "katalog api memerlukan paket tambahan 'api' (Starlette, uvicorn, Swagger UI); "
    "pasang dengan: .venv/bin/pip install 'katalog-inovasi[api]'"
)


def sources_from_settings(settings_file: Path, output: Path | None, index: Path | None) -> Sources:
    """Where the last build of this site wrote its index and open data, and its agency."""
    from katalog.search.analysis import SITE_PROTECTED, SITE_SYNONYMS
    from katalog.site.build import load_settings
    from katalog.site.cache import index_dir

    settings: dict[str, Any] = load_settings(settings_file)
    content = Path(settings["PATH"])
    return Sources(
        index=index or index_dir(settings),
        output=output or Path(settings["OUTPUT_PATH"]),
        agency=settings.get("KATALOG_AGENCY", ""),
        public_url=settings.get("KATALOG_PUBLIC_URL", ""),
        protected=content / settings.get("KATALOG_PROTECTED_WORDS", SITE_PROTECTED),
        synonyms=content / settings.get("KATALOG_SYNONYMS", SITE_SYNONYMS),
    )


def bind(address: str, port: int) -> socket.socket:
    """A listening socket on `address`:`port` (IPv6 when the address has a colon)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((address, port))
    except OSError as exc:
        sock.close()
        msg = f"alamat {address} porta {port} tidak dapat dipakai ({exc.strerror}); coba --port lain"
        raise UsageError(msg) from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def serve(sources: Sources, address: str, port: int, access_log: bool = True, workers: int = 1) -> None:
    """Serve the API until interrupted (SIGINT, SIGTERM: requests in flight are finished).

    With `workers` > 1, uvicorn's supervisor runs that many processes on the one socket
    (each opens its own generation; a worker that dies is replaced): a query is pure Python,
    so processes, not threads, use more cores.
    """
    if workers < 1:
        msg = "--workers harus 1 atau lebih"
        raise UsageError(msg)
    try:
        import uvicorn
        from uvicorn.supervisors import Multiprocess

        from katalog.api.accesslog import access_logging
        from katalog.api.app import ACCESS_LOG_ENV, SOURCES_ENV, create_app, swagger_folder
        from katalog.api.protocol import JsonH11Protocol

        swagger_folder()
    except (ImportError, RuntimeError):
        raise UsageError(MISSING_EXTRA) from None
    # A missing or damaged index is a usage error, said before the socket is bound.
    catalogue = Catalogue(sources) if workers == 1 else None
    entries = catalogue.current.entries if catalogue else check_sources(sources)
    sock = bind(address, port)
    options: dict[str, Any] = {
        "http": JsonH11Protocol,  # h11, with a malformed request refused in JSON
        "h11_max_incomplete_event_size": HEAD_LIMIT,
        "access_log": False,  # ours is structured (katalog.api.accesslog)
        "log_config": None,
        "proxy_headers": True,  # client address from X-Forwarded-For, trusted from 127.0.0.1 only
        "server_header": False,
        "timeout_graceful_shutdown": 10,
    }
    host, bound = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    processes = f", {workers} proses" if workers > 1 else ""
    print(
        f"API katalog: http://{shown}:{bound}{API_PREFIX}/docs ({entries} inovasi{processes}); "
        "Ctrl+C untuk berhenti",
        file=sys.stderr,
        flush=True,
    )
    if catalogue is not None:
        access_logging(sys.stdout if access_log else None)
        uvicorn.Server(uvicorn.Config(create_app(catalogue), **options)).run(sockets=[sock])
        return
    os.environ[SOURCES_ENV] = sources.to_json()
    os.environ[ACCESS_LOG_ENV] = "1" if access_log else "0"
    factory = "katalog.api.app:from_environment"
    Multiprocess(uvicorn.Config(factory, factory=True, workers=workers, **options), sockets=[sock]).run()
