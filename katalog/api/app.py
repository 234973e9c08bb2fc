"""The Starlette application: one route per declared endpoint, errors as JSON.

Handlers are plain functions, so Starlette runs them in its thread pool and a query never
holds up the event loop (a 304, the health check). Each takes the generation being served
when it starts (`Catalogue.current`) and uses that one throughout. Every refusal, the
router's 404 and 405 included, is the JSON of `answers.refusal` with an Indonesian message;
an unexpected exception is logged with its traceback and answered as a JSON 500 that shows
none.
"""

from __future__ import annotations

import contextlib
import difflib
import importlib.util
import logging
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from katalog import __version__
from katalog.api.accesslog import AccessLog, access_logging
from katalog.api.answers import Asset, answer, asset, refusal
from katalog.api.catalogue import Catalogue, Sources
from katalog.api.headers import ApiHeaders
from katalog.api.params import ApiError, parse_query
from katalog.api.spec import API_PREFIX, BY_NAME, FACETS, SLUG_PARAM, STATIC_CACHE, openapi

logger = logging.getLogger("katalog.api")
STATIC = Path(__file__).parent / "static"
SWAGGER_FILES = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css"}
DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)  # Swagger UI sets style attributes; nothing else inline, nothing from elsewhere
MESSAGES = {
    404: "alamat '{path}' tidak ada; lihat {prefix}/docs untuk daftar alamat",
    405: "metode {method} tidak diizinkan di '{path}'; API ini hanya-baca: pakai GET atau HEAD",
}
SOURCES_ENV = "KATALOG_API_SOURCES"  # a worker process's `Sources`, as JSON (`from_environment`)
ACCESS_LOG_ENV = "KATALOG_API_ACCESS_LOG"  # "1": the worker writes the access log to stdout
SUGGESTED_SLUGS = 20_000  # above it, no "maksud Anda" for an unknown slug (difflib is linear)


def swagger_folder() -> Path:
    """Swagger UI's files, from the `swagger-ui-py` package (found, not imported)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        msg = "swagger-ui-py is missing: install the api extra"
        raise RuntimeError(msg)
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def docs_assets(generation: str) -> dict[str, Asset]:
    """The documentation page and its files, read once, each with its gzip form."""
    found = {
        name: Asset.of((swagger_folder() / name).read_bytes(), media, generation)
        for name, media in {**SWAGGER_FILES, "favicon-32x32.png": "image/png"}.items()
    }
    found["docs.js"] = Asset.of((STATIC / "docs.js").read_bytes(), "text/javascript", generation)
    found[""] = Asset.of((STATIC / "docs.html").read_bytes(), "text/html; charset=utf-8", generation)
    return found


class Handlers:
    """The endpoints of `spec.ENDPOINTS` over one catalogue."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.document = openapi()
        self.assets = docs_assets(__version__)
        self._facets: tuple[str, dict[str, Any]] | None = None

    def cari(self, request: Request) -> Response:
        generation = self.catalogue.current
        found = parse_query(request.scope["query_string"], BY_NAME["cari"].query_params)
        filters = {name: str(found[name]) for name in FACETS if name in found}
        limit, offset = int(found["limit"]), int(found["offset"])
        page = generation.search(str(found["q"]), filters, limit, offset)
        payload = {
            "q": found["q"],
            "filters": filters,
            "total": page.total,
            "limit": limit,
            "offset": offset,
            "hits": [generation.hit(hit) for hit in page.hits],
        }
        return answer(request, payload, generation.id)

    def inovasi(self, request: Request) -> Response:
        generation = self.catalogue.current
        parse_query(request.scope["query_string"], ())
        slug = request.path_params["slug"]
        if SLUG_PARAM.max_length is not None and len(slug) > SLUG_PARAM.max_length:
            message = f"slug terlalu panjang: {len(slug)} karakter; paling banyak {SLUG_PARAM.max_length}"
            raise ApiError(422, message, "slug")
        record = generation.records.get(slug)
        if record is None:
            raise ApiError(404, _no_entry(slug, generation.records), "slug")
        return answer(request, record, generation.id)

    def facets(self, request: Request) -> Response:
        generation = self.catalogue.current
        parse_query(request.scope["query_string"], ())
        if self._facets is None or self._facets[0] != generation.id:
            payload = {"total": generation.entries, "facets": generation.facet_counts()}
            self._facets = (generation.id, payload)
        return answer(request, self._facets[1], generation.id)

    def openapi(self, request: Request) -> Response:
        parse_query(request.scope["query_string"], ())
        return answer(request, self.document, __version__, STATIC_CACHE)

    def docs(self, request: Request) -> Response:
        parse_query(request.scope["query_string"], ())
        name = request.path_params.get("name", "")
        if name not in self.assets:
            raise HTTPException(404)
        policy = {"Content-Security-Policy": DOCS_POLICY} if name == "" else None
        return asset(request, self.assets[name], STATIC_CACHE, policy)

    def healthz(self, request: Request) -> Response:
        generation = self.catalogue.current
        parse_query(request.scope["query_string"], ())
        payload: dict[str, Any] = {
            "status": "ok",
            "generation": generation.id,
            "entries": generation.entries,
            "opened": generation.opened.isoformat().replace("+00:00", "Z"),
            "version": __version__,
        }
        if self.catalogue.failed:
            payload["warning"] = f"indeks baru belum dapat dibuka: {self.catalogue.failed}"
        return answer(request, payload, generation.id, BY_NAME["healthz"].cache)

    # --- errors ----------------------------------------------------------------------------

    def refused(self, request: Request, exc: Exception) -> Response:
        if not isinstance(exc, ApiError):  # pragma: no cover - registered for ApiError only
            raise exc
        return refusal(request, exc, self.catalogue.current.id)

    def http_error(self, request: Request, exc: Exception) -> Response:
        """The router's 404 and 405 (and any other HTTPException) in our words."""
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        template = MESSAGES.get(status, "permintaan tidak dapat dilayani")
        message = template.format(path=_shown(request.url.path), method=request.method, prefix=API_PREFIX)
        response = refusal(request, ApiError(status, message), self.catalogue.current.id)
        if isinstance(exc, HTTPException) and exc.headers:
            response.headers.update(exc.headers)
        return response

    def crashed(self, request: Request, exc: Exception) -> Response:
        logger.error("katalog api: galat tak terduga pada %s", request.url.path, exc_info=exc)
        error = ApiError(500, "galat di server; sudah dicatat di log. Coba lagi sebentar lagi")
        return refusal(request, error, self.catalogue.current.id)


def _shown(path: str) -> str:
    return path if len(path) <= 80 else path[:80] + "…"


def _no_entry(slug: str, records: dict[str, Any]) -> str:
    message = f"inovasi '{_shown(slug)}' tidak ada; cari dengan {API_PREFIX}/cari?q=…"
    if len(records) <= SUGGESTED_SLUGS:
        close = difflib.get_close_matches(slug, list(records), n=1)
        if close:
            return f"{message}; maksud Anda '{close[0]}'?"
    return message


def create_app(catalogue: Catalogue, watch: bool = True) -> Starlette:
    """The API over `catalogue`; `watch` starts its watcher for new builds with the app."""
    handlers = Handlers(catalogue)
    routes = [
        Route(BY_NAME[name].path, getattr(handlers, name), methods=["GET"], name=name) for name in BY_NAME
    ]
    routes.append(Route(f"{API_PREFIX}/docs/{{name}}", handlers.docs, methods=["GET"], name="docs-file"))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if watch:
            catalogue.start()
        try:
            yield
        finally:
            catalogue.stop()

    return Starlette(
        routes=routes,
        middleware=[
            Middleware(AccessLog),
            Middleware(ApiHeaders),
            Middleware(GZipMiddleware, minimum_size=500, compresslevel=6),
        ],
        exception_handlers={
            ApiError: handlers.refused,
            HTTPException: handlers.http_error,
            Exception: handlers.crashed,
        },
        lifespan=lifespan,
    )


def from_environment() -> Starlette:
    """The app of one worker process of `katalog api --workers N` (uvicorn's factory).

    uvicorn starts workers as fresh interpreters: the sources and the logging choice come
    through the environment the parent set, and each worker opens its own generation.
    """
    access_logging(sys.stdout if os.environ.get(ACCESS_LOG_ENV) == "1" else None)
    return create_app(Catalogue(Sources.from_json(os.environ[SOURCES_ENV])))
