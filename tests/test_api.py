"""`katalog api`: the real server (a `katalog api` process on a free port), called over HTTP.

Every endpoint against its OpenAPI schema; the ranking of `katalog search --json` for every
parity query; every kind of bad input answered in JSON with an Indonesian message and
never a 500; ETags and 304s, CORS, gzip, the access log; and a client looping on queries
while builds replace the index, in place and from scratch, without one failed request.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import re
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import jsonschema
import pytest
import yaml
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from katalog.api.reference import API_END, API_START, endpoint_table
from katalog.api.spec import ENDPOINTS, MAX_LIMIT, MAX_QUERY_CHARS, openapi
from katalog.tools.cli import main as katalog_main

from .conftest import FIXTURES, ROOT, build_site

QUERIES = yaml.safe_load((Path(__file__).parent / "search_parity_queries.yaml").read_text(encoding="utf-8"))
FILTERS = ("unit", "bidang", "jenis", "tahun")
AGENCY = "kementerian-sekretariat-negara"  # pelicanconf.py's KATALOG_AGENCY, slugified
STARTUP_SECONDS = 60


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    logs: Path
    output: Path
    index: Path

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **kwargs)

    def access_lines(self) -> list[dict[str, Any]]:
        text = (self.logs / "access.log").read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines()]


def _katalog(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "katalog.tools.cli", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def _katalog_api(output: Path, index: Path, logs: Path, *extra: str) -> subprocess.Popen[bytes]:
    logs.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "katalog.tools.cli", "api", "--port", "0"]
    command += ["--output", str(output), "--index", str(index), *extra]
    with (logs / "access.log").open("wb") as stdout, (logs / "stderr.log").open("wb") as stderr:
        return subprocess.Popen(command, cwd=ROOT, stdout=stdout, stderr=stderr)


def _wait_for_url(process: subprocess.Popen[bytes], stderr: Path) -> str:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        text = stderr.read_text(encoding="utf-8", errors="replace")
        found = re.search(r"(http://127\.0\.0\.1:\d+)/api/v1/docs", text)
        if found:
            return found.group(1)
        if process.poll() is not None:
            pytest.fail(f"katalog api ended with {process.returncode}: {text}")
        time.sleep(0.1)
    process.kill()
    pytest.fail("katalog api did not start")


@contextlib.contextmanager
def running_api(output: Path, index: Path, logs: Path) -> Iterator[Server]:
    """`katalog api` on a free port of 127.0.0.1 until the block ends (then SIGTERM)."""
    process = _katalog_api(output, index, logs)
    try:
        yield Server(_wait_for_url(process, logs / "stderr.log"), process, logs, output, index)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def api(real_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    logs = tmp_path_factory.mktemp("api-logs")
    with running_api(real_site, real_site.parent / ".katalog-whoosh", logs) as server:
        yield server


@pytest.fixture(scope="module")
def client(api: Server) -> Iterator[httpx.Client]:
    with api.client() as opened:
        yield opened


@pytest.fixture(scope="module")
def records(real_site: Path) -> dict[str, dict[str, Any]]:
    data = json.loads((real_site / "data" / "inovasi.json").read_text(encoding="utf-8"))
    return {record["slug"]: record for record in data}


# --- Endpoints, against their OpenAPI schemas ----------------------------------------------------


def _validate(payload: Any, schema_name: str) -> None:
    document = openapi()
    registry = Registry().with_resource("api", DRAFT202012.create_resource(document))
    schema = {"$ref": f"api#/components/schemas/{schema_name}"}
    jsonschema.Draft202012Validator(schema, registry=registry).validate(payload)


def test_every_declared_endpoint_answers(client: httpx.Client) -> None:
    paths = {
        e.path.replace("{slug}", "simpel") + ("?q=istana" if e.name == "cari" else "") for e in ENDPOINTS
    }
    for path in paths:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.text)
        assert answer.headers["etag"].startswith('W/"')
        assert answer.headers["cache-control"]


def test_search_answers_hits_with_the_total(client: httpx.Client, records: dict[str, Any]) -> None:
    answer = client.get("/api/v1/cari", params={"q": "pelayanan", "limit": 3})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    found = answer.json()
    _validate(found, "SearchResult")
    assert (found["q"], found["limit"], found["offset"], found["filters"]) == ("pelayanan", 3, 0, {})
    assert len(found["hits"]) == 3 < found["total"]
    for hit in found["hits"]:
        assert hit["url"] == records[hit["slug"]]["url"]
        assert hit["instansi"] == AGENCY
    assert [h["score"] for h in found["hits"]] == sorted((h["score"] for h in found["hits"]), reverse=True)


def test_pages_follow_one_another(client: httpx.Client) -> None:
    whole = client.get("/api/v1/cari", params={"q": "layanan", "limit": 9}).json()
    pages = [
        client.get("/api/v1/cari", params={"q": "layanan", "limit": 3, "offset": start}).json()
        for start in (0, 3, 6)
    ]
    assert [h["slug"] for page in pages for h in page["hits"]] == [h["slug"] for h in whole["hits"]]
    assert {page["total"] for page in pages} == {whole["total"]}
    beyond = client.get("/api/v1/cari", params={"q": "layanan", "offset": whole["total"]}).json()
    assert (beyond["hits"], beyond["total"]) == ([], whole["total"])


def test_one_record_is_the_open_data_record(client: httpx.Client, records: dict[str, Any]) -> None:
    answer = client.get("/api/v1/inovasi/simpel")
    assert answer.status_code == 200
    assert answer.json() == records["simpel"]
    _validate(answer.json(), "Innovation")


def test_an_unknown_slug_is_404_with_a_hint(client: httpx.Client) -> None:
    answer = client.get("/api/v1/inovasi/simpell")
    assert answer.status_code == 404
    assert answer.json()["error"]["message"] == (
        "inovasi 'simpell' tidak ada; cari dengan /api/v1/cari?q=…; maksud Anda 'simpel'?"
    )


def test_facets_count_every_entry(client: httpx.Client, records: dict[str, Any]) -> None:
    found = client.get("/api/v1/facets").json()
    _validate(found, "Facets")
    assert found["total"] == len(records)
    for name in ("unit", "bidang", "tahun", "status", "instansi"):  # one value per entry
        assert sum(value["count"] for value in found["facets"][name]) == len(records), name
    assert found["facets"]["instansi"] == [
        {"slug": AGENCY, "label": "Kementerian Sekretariat Negara", "count": len(records)}
    ]
    ktln = next(v for v in found["facets"]["unit"] if v["slug"] == "biro-ktln")
    expected = sum(1 for r in records.values() if r["unit"] == ktln["label"])
    assert ktln["count"] == expected > 0


def test_each_facet_value_filters_the_search(client: httpx.Client) -> None:
    facets = client.get("/api/v1/facets").json()["facets"]
    for name, values in facets.items():
        for value in values[:3]:
            found = client.get("/api/v1/cari", params={"q": "inovasi layanan aplikasi", name: value["slug"]})
            assert found.status_code == 200, found.text
            assert found.json()["total"] <= value["count"], (name, value)
            assert found.json()["filters"] == {name: value["slug"]}


def test_instansi_filters_on_the_sites_agency(client: httpx.Client) -> None:
    plain = client.get("/api/v1/cari", params={"q": "istana"}).json()
    mine = client.get("/api/v1/cari", params={"q": "istana", "instansi": AGENCY}).json()
    assert mine["hits"] == plain["hits"]
    other = client.get("/api/v1/cari", params={"q": "istana", "instansi": "pemerintah-kota-contoh"})
    assert other.status_code == 422
    assert other.json()["error"]["parameter"] == "instansi"


def test_the_health_check(client: httpx.Client, records: dict[str, Any]) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    found = answer.json()
    _validate(found, "Health")
    assert (found["status"], found["entries"]) == ("ok", len(records))


def test_head_answers_without_a_body(client: httpx.Client) -> None:
    answer = client.head("/api/v1/cari", params={"q": "istana"})
    assert answer.status_code == 200
    assert answer.content == b""
    assert answer.headers["etag"] == client.get("/api/v1/cari", params={"q": "istana"}).headers["etag"]


# --- OpenAPI document and its page ---------------------------------------------------------------


def test_the_openapi_document_is_served_and_complete(client: httpx.Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert document == json.loads(json.dumps(openapi()))
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {e.path for e in ENDPOINTS}
    jsonschema.Draft202012Validator.check_schema(document["components"]["schemas"]["SearchResult"])


def test_the_docs_page_uses_only_local_files(client: httpx.Client) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and not [s for s in sources if "//" in s]
    for source in sources:
        if source.startswith("docs/"):
            asset = client.get(f"/api/v1/{source}")
            assert asset.status_code == 200, source
            assert asset.headers["etag"] and asset.headers["cache-control"]
    script = client.get("/api/v1/docs/docs.js").text
    assert "openapi.json" in script and "validatorUrl: null" in script
    assert client.get("/api/v1/docs/nothing.js").status_code == 404


# --- Parity with `katalog search --json` ---------------------------------------------------------


def _id(item: dict[str, Any]) -> str:
    return " ".join([item["q"], *(f"{k}={item[k]}" for k in FILTERS if k in item)])


def _cli_json(
    index: Path, query: str, *args: str, capsys: pytest.CaptureFixture[str]
) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert katalog_main(["search", query, "--json", "--index", str(index), *args]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("item", QUERIES, ids=_id)
def test_the_ranking_is_katalog_searchs(
    client: httpx.Client, api: Server, item: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    filters = {k: str(item[k]) for k in FILTERS if k in item}
    flags = [part for k, v in filters.items() for part in (f"--{k}", v)]
    expected = _cli_json(api.index, item["q"], "--limit", "5", *flags, capsys=capsys)
    answer = client.get("/api/v1/cari", params={"q": item["q"], "limit": 5, **filters})
    if answer.status_code == 422:  # a filter value the catalogue lacks: the CLI finds nothing
        assert answer.json()["error"]["parameter"] in filters
        assert expected == []
        return
    assert answer.status_code == 200, answer.text
    hits = answer.json()["hits"]
    assert [h["slug"] for h in hits] == [h["slug"] for h in expected]
    for ours, theirs in zip(hits, expected, strict=True):
        assert ours["score"] == theirs["score"]  # the API sums in numpy, to the same bits
        assert (ours["title"], ours["unit"], ours["year"]) == (
            theirs["title"],
            theirs["unit"],
            theirs["year"],
        )


def test_a_katalog_search_process_agrees(client: httpx.Client, api: Server) -> None:
    done = _katalog("search", "aplikasi", "--jenis", "digitalisasi", "--json", "--index", str(api.index))
    assert done.returncode == 0, done.stderr
    answer = client.get("/api/v1/cari", params={"q": "aplikasi", "jenis": "digitalisasi"}).json()
    assert [h["slug"] for h in answer["hits"]] == [h["slug"] for h in json.loads(done.stdout)]
    assert answer["hits"]


def test_a_katalog_search_process_imports_no_server(api: Server) -> None:
    probe = (
        "import sys; from katalog.tools.cli import main; main(sys.argv[1:]); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'starlette', 'uvicorn', 'anyio'} "
        "or m.startswith('katalog.api')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, "search", "istana", "--unit", "biro-ktln", "--index", str(api.index)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


# --- Bad input -------------------------------------------------------------------------------------

LONG = "a" * 10_000
BAD_REQUESTS = [
    # (raw path and query, status, parameter, start of the message)
    ("/api/v1/cari", 422, "q", "parameter 'q' wajib diisi, mis. ?q=pelayanan publik"),
    ("/api/v1/cari?q=", 422, "q", "q kosong"),
    ("/api/v1/cari?q=+++", 422, "q", "q kosong"),
    (f"/api/v1/cari?q={LONG}", 422, "q", f"q terlalu panjang: 10000 karakter; paling banyak {MAX_QUERY_CHARS}"),
    ("/api/v1/cari?q=" + quote("é" * 10_000), 422, "q", "q terlalu panjang: 10000 karakter"),
    ("/api/v1/cari?q=%FF", 400, "q", "q: bukan teks UTF-8 yang sah"),
    ("/api/v1/cari?q=%C3%28", 400, "q", "q: bukan teks UTF-8 yang sah"),
    ("/api/v1/cari?q=%ZZ", 400, "q", "q: pengodean persen tidak sah"),
    ("/api/v1/cari?q=100%", 400, "q", "q: pengodean persen tidak sah"),
    ("/api/v1/cari?q=a%00b", 422, "q", "q berisi karakter kendali"),
    ("/api/v1/inovasi/%FF", 400, None, "alamat: bukan teks UTF-8 yang sah"),
    ("/api/v1/inovasi/%E0%A4", 400, None, "alamat: bukan teks UTF-8 yang sah"),
    ("/api/v1/cari?q=istana&unit=biro-xyz", 422, "unit", "nilai unit 'biro-xyz' tidak dikenal; pilihan: "),
    ("/api/v1/cari?q=istana&jenis=digital", 422, "jenis", "nilai jenis 'digital' tidak dikenal"),
    ("/api/v1/cari?q=istana&tahun=1850", 422, "tahun", "nilai tahun '1850' tidak dikenal"),
    ("/api/v1/cari?q=istana&limit=-1", 422, "limit", f"limit harus bilangan bulat 1 sampai {MAX_LIMIT}; diterima -1"),
    ("/api/v1/cari?q=istana&limit=0", 422, "limit", "limit harus bilangan bulat 1 sampai 100; diterima 0"),
    ("/api/v1/cari?q=istana&limit=101", 422, "limit", "limit harus bilangan bulat 1 sampai 100; diterima 101"),
    ("/api/v1/cari?q=istana&limit=" + "9" * 5000, 422, "limit", "limit harus bilangan bulat 1 sampai 100; diterima '99999"),
    ("/api/v1/cari?q=istana&limit=sepuluh", 422, "limit", "limit harus bilangan bulat 1 sampai 100; diterima 'sepuluh'"),
    ("/api/v1/cari?q=istana&limit=1.5", 422, "limit", "limit harus bilangan bulat"),
    ("/api/v1/cari?q=istana&offset=-5", 422, "offset", "offset harus bilangan bulat 0 sampai 10000; diterima -5"),
    ("/api/v1/cari?q=istana&offset=1000000000000", 422, "offset", "offset harus bilangan bulat 0 sampai 10000"),
    ("/api/v1/cari?q=istana&sort=tahun", 422, "sort", "parameter 'sort' tidak dikenal; pilihan: q, unit, bidang"),
    ("/api/v1/cari?q=istana&limt=5", 422, "limt", "parameter 'limt' tidak dikenal; pilihan: q, unit, bidang, jenis, tahun, status, instansi, limit, offset; maksud Anda 'limit'?"),
    ("/api/v1/cari?q=istana&q=pelayanan", 422, "q", "parameter 'q' diberikan 2 kali; berikan sekali saja"),
    ("/api/v1/facets?unit=biro-ktln", 422, "unit", "parameter 'unit' tidak dikenal; pilihan: (tidak ada)"),
    ("/api/v1/inovasi/simpel?full=1", 422, "full", "parameter 'full' tidak dikenal"),
    ("/api/v1/inovasi/" + "a" * 300, 422, "slug", "slug terlalu panjang: 300 karakter"),
    ("/healthz?x=1", 422, "x", "parameter 'x' tidak dikenal"),
    ("/api/v1/tidak-ada", 404, None, "alamat '/api/v1/tidak-ada' tidak ada; lihat /api/v1/docs"),
    ("/", 404, None, "alamat '/' tidak ada"),
]  # fmt: skip


def _raw_get(url: str, target: str | bytes, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """Send `target` byte for byte (httpx would re-encode a broken escape)."""
    host, port = url.removeprefix("http://").split(":")
    raw = target if isinstance(target, bytes) else target.encode("latin-1")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(method.encode() + b" " + raw + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def _is_refusal(status: int, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    assert headers["content-type"] == "application/json"
    assert headers["access-control-allow-origin"] == "*"
    assert headers["etag"] and headers["cache-control"] == "no-store"
    assert b"Traceback" not in body
    error = json.loads(body)["error"]
    assert error["status"] == status
    return error


@pytest.mark.parametrize(
    ("target", "status", "parameter", "message"), BAD_REQUESTS, ids=lambda v: str(v)[:60]
)
def test_bad_input_is_refused_in_json(
    api: Server, target: str, status: int, parameter: str | None, message: str
) -> None:
    got, headers, body = _raw_get(api.url, target)
    assert got == status, body[:300]
    error = _is_refusal(got, headers, body)
    assert error["parameter"] == parameter
    assert error["message"].startswith(message), error["message"]


@pytest.mark.parametrize(
    "target", [b"/api/v1/cari?q=\xff\xfe", b"/api/v1/inovasi/\xff", b"/api/v1/inovasi/caf\xc3\xa9"]
)
def test_raw_bytes_outside_ascii_are_refused_in_json(api: Server, target: bytes) -> None:
    """No URL may hold them; h11 refuses the request before the application sees it."""
    error = _is_refusal(*_raw_get(api.url, target))
    assert (error["status"], error["parameter"]) == (400, None)
    assert error["message"].startswith("permintaan HTTP tidak dapat dibaca")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
@pytest.mark.parametrize(
    "path", ["/api/v1/cari?q=istana", "/api/v1/inovasi/simpel", "/api/v1/facets", "/healthz"]
)
def test_wrong_methods_are_405(api: Server, method: str, path: str) -> None:
    status, headers, body = _raw_get(api.url, path, method)
    assert status == 405
    error = _is_refusal(status, headers, body)
    assert error["message"].startswith(f"metode {method} tidak diizinkan di ")
    assert set(headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}


def test_no_request_of_the_access_log_was_a_500(api: Server, client: httpx.Client) -> None:
    client.get("/healthz")
    statuses = [line["status"] for line in api.access_lines()]
    assert statuses and 500 not in statuses


# --- Caching, CORS, gzip, the access log -----------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cari?q=istana",
        "/api/v1/inovasi/simpel",
        "/api/v1/facets",
        "/api/v1/openapi.json",
        "/api/v1/docs",
    ],
)
def test_a_conditional_get_is_304(client: httpx.Client, path: str) -> None:
    first = client.get(path)
    tag = first.headers["etag"]
    again = client.get(path, headers={"If-None-Match": tag})
    assert (again.status_code, again.content) == (304, b"")
    assert again.headers["etag"] == tag
    assert again.headers["cache-control"] == first.headers["cache-control"]
    assert again.headers["access-control-allow-origin"] == "*"
    assert client.get(path, headers={"If-None-Match": f'"other", {tag}'}).status_code == 304
    assert client.get(path, headers={"If-None-Match": tag.removeprefix("W/")}).status_code == 304
    assert client.get(path, headers={"If-None-Match": 'W/"other"'}).status_code == 200


def test_etags_differ_between_answers(client: httpx.Client) -> None:
    tags = {
        client.get("/api/v1/cari", params={"q": q}).headers["etag"] for q in ("istana", "parkir", "museum")
    }
    assert len(tags) == 3
    generation = client.get("/healthz").json()["generation"]
    assert all(tag.startswith(f'W/"{generation}-') for tag in tags)


def test_cors_allows_get_from_any_origin(client: httpx.Client) -> None:
    answer = client.get(
        "/api/v1/cari", params={"q": "istana"}, headers={"Origin": "https://dinas.example.go.id"}
    )
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "etag" in answer.headers["access-control-expose-headers"].lower()
    plain = client.get("/api/v1/facets")
    assert plain.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/api/v1/cari",
        headers={
            "Origin": "https://dinas.example.go.id",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "GET" in preflight.headers["access-control-allow-methods"]
    assert preflight.headers["access-control-allow-headers"] == "if-none-match"


def test_gzip_when_asked(api: Server) -> None:
    with (
        api.client(headers={"Accept-Encoding": "gzip"}) as zipped,
        api.client(headers={"Accept-Encoding": "identity"}) as plain,
    ):
        big = zipped.get("/api/v1/facets")
        assert big.headers["content-encoding"] == "gzip"
        assert "accept-encoding" in big.headers["vary"].lower()
        raw = plain.get("/api/v1/facets")
        assert "content-encoding" not in raw.headers
        assert big.json() == raw.json()
        assert int(big.headers["content-length"]) < len(raw.content)
        script = zipped.get("/api/v1/docs/swagger-ui-bundle.js")
        assert script.headers["content-encoding"] == "gzip"
        assert gzip.compress(script.content)  # httpx decoded it: it was valid gzip
        small = zipped.get("/healthz")
        assert "content-encoding" not in small.headers


def test_the_access_log_is_json_lines(api: Server, client: httpx.Client) -> None:
    client.get("/api/v1/cari", params={"q": "akses log"}, headers={"User-Agent": "uji-log"})
    time.sleep(0.2)
    lines = [line for line in api.access_lines() if line["user_agent"] == "uji-log"]
    assert len(lines) == 1
    line = lines[0]
    assert set(line) == {
        "time",
        "client",
        "method",
        "path",
        "query",
        "status",
        "bytes",
        "ms",
        "user_agent",
        "referer",
    }
    assert (line["method"], line["path"], line["query"], line["status"]) == (
        "GET",
        "/api/v1/cari",
        "q=akses+log",
        200,
    )
    assert line["client"] == "127.0.0.1" and line["bytes"] > 0 and line["ms"] >= 0


# --- The command line -------------------------------------------------------------------------------


def test_a_port_in_use_is_one_line(real_site: Path, api: Server) -> None:
    port = api.url.rsplit(":", 1)[1]
    done = _katalog("api", "--port", port, "--output", str(real_site), "--index", str(api.index))
    assert done.returncode == 2
    assert re.fullmatch(
        rf"katalog: alamat 127\.0\.0\.1 porta {port} tidak dapat dipakai \(.+\); coba --port lain\n",
        done.stderr,
    )


def test_a_missing_index_is_one_line(tmp_path: Path) -> None:
    done = _katalog(
        "api", "--port", "0", "--output", str(tmp_path / "out"), "--index", str(tmp_path / "whoosh")
    )
    assert done.returncode == 2
    assert (
        done.stderr
        == f"katalog: indeks pencarian di '{tmp_path / 'whoosh'}' belum ada; jalankan `make html` dahulu\n"
    )


def test_without_the_api_extra_one_line_says_what_to_install(api: Server) -> None:
    blocked = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in {'starlette', 'uvicorn'}: raise ImportError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "from katalog.tools.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", blocked, "api", "--output", str(api.output), "--index", str(api.index)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr == (
        "katalog: katalog api memerlukan paket tambahan 'api' (Starlette, uvicorn, Swagger UI); "
        "pasang dengan: .venv/bin/pip install 'katalog-inovasi[api]'\n"
    )


# --- A rebuild while a client loops ------------------------------------------------------------------


@dataclass
class Looping:
    """A client asking one query after another until stopped, counting what came back."""

    url: str
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            while not self.stop.is_set():
                for query in ("aplikasi keuangan", "istana", "perjalanan dinas", "replikasi baru"):
                    try:
                        answer = client.get("/api/v1/cari", params={"q": query})
                        record = client.get("/api/v1/inovasi/simpel")
                    except httpx.HTTPError as exc:
                        self.failures.append(f"{type(exc).__name__}: {exc}")
                        continue
                    for got in (answer, record):
                        self.statuses[got.status_code] = self.statuses.get(got.status_code, 0) + 1
                        if got.status_code != 200:
                            self.failures.append(f"{got.status_code} {got.text[:200]}")
                    self.tags.add(answer.headers.get("etag", ""))


def _generation(client: httpx.Client) -> str:
    return client.get("/healthz").json()["generation"]


def _wait_for_new_generation(client: httpx.Client, old: str, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        current = _generation(client)
        if current != old:
            return current
        time.sleep(0.1)
    pytest.fail(f"the API still serves generation {old} after the build")


NEW_ENTRY = """---
title: Replikasi Baru Uji API
summary: Entri yang ditambahkan saat klien terus bertanya, untuk uji API.
unit: PPK Kemayoran
category: Keuangan
kind: [digitalisasi]
year: 2020
status: aktif
sources: [https://example.org/replikasi-baru]
---
Entri baru untuk uji pembangunan ulang.
"""


def test_rebuilds_fail_no_request(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "site", content)
    output = tmp_path / "site" / "output"
    build_site(content, output)
    index = output.parent / ".katalog-whoosh"
    with running_api(output, index, tmp_path / "logs") as server, server.client() as client:
        first = _generation(client)
        assert client.get("/api/v1/cari", params={"q": "replikasi baru"}).json()["total"] == 0
        looping = Looping(server.url)
        thread = threading.Thread(target=looping.run)
        thread.start()
        try:
            time.sleep(0.5)
            (content / "inovasi" / "replikasi-baru.md").write_text(NEW_ENTRY, encoding="utf-8")
            build_site(content, output)  # the index updated in place, output/ swapped
            second = _wait_for_new_generation(client, first)
            found = client.get("/api/v1/cari", params={"q": "replikasi baru"}).json()
            assert found["hits"][0]["slug"] == "replikasi-baru-uji-api"
            assert client.get("/api/v1/inovasi/replikasi-baru-uji-api").status_code == 200
            shutil.rmtree(index)  # the next build writes the index from scratch
            build_site(content, output)
            _wait_for_new_generation(client, second)
            time.sleep(0.5)
        finally:
            looping.stop.set()
            thread.join(timeout=60)
        assert looping.failures == []
        assert sum(looping.statuses.values()) > 20
        assert len(looping.tags) >= 2  # the ETag changed with the generation
        assert client.get("/api/v1/cari", params={"q": "replikasi baru"}).json()["total"] >= 1


# --- The deployment files --------------------------------------------------------------------------

DEPLOY = ROOT / "docs" / "deploy"


def test_the_deployment_files_agree() -> None:
    """The systemd unit and the container run commands `katalog api` accepts, on the port
    nginx proxies to; each file the guide lists exists."""
    from katalog.tools.cli import _parser

    unit = (DEPLOY / "katalog-api.service").read_text(encoding="utf-8")
    exec_start = shlex.split(re.search(r"^ExecStart=(.+)$", unit, re.MULTILINE).group(1))
    assert exec_start[0] == "/srv/katalog/.venv/bin/katalog"
    service = _parser().parse_args(exec_start[1:])
    container = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    cmd = json.loads(re.search(r"^CMD (\[.+\])$", container, re.MULTILINE).group(1))
    assert cmd[0] == "katalog"
    image = _parser().parse_args(cmd[1:])
    nginx = (DEPLOY / "nginx-api.conf").read_text(encoding="utf-8")
    upstream = int(re.search(r"server 127\.0\.0\.1:(\d+);", nginx).group(1))
    exposed = int(re.search(r"^EXPOSE (\d+)$", container, re.MULTILINE).group(1))
    assert (service.command, image.command) == ("api", "api")
    assert service.port == image.port == upstream == exposed
    assert (service.bind, image.bind) == ("127.0.0.1", "0.0.0.0")
    assert service.settings == image.settings == Path("publishconf.py")
    assert (ROOT / service.settings).is_file()
    guide = (DEPLOY / "api.md").read_text(encoding="utf-8")
    for name in ("katalog-api.service", "nginx-api.conf", "Containerfile", "../nginx.conf", "../api-load.md"):
        assert f"]({name})" in guide, name
        assert (DEPLOY / name).is_file(), name


# --- The README's reference ----------------------------------------------------------------------


def test_the_readme_reference_is_the_openapi_documents() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{API_START}\n{endpoint_table()}\n{API_END}" in readme, "run `katalog schema`"


def test_several_worker_processes_serve_one_port(real_site: Path, tmp_path: Path) -> None:
    index = real_site.parent / ".katalog-whoosh"
    process = _katalog_api(real_site, index, tmp_path, "--workers", "2")
    try:
        url = _wait_for_url(process, tmp_path / "stderr.log")
        assert "2 proses" in (tmp_path / "stderr.log").read_text(encoding="utf-8")
        with httpx.Client(base_url=url, timeout=30) as client:
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:  # the workers open their generation after the socket is bound
                with contextlib.suppress(httpx.HTTPError):
                    if client.get("/healthz").status_code == 200:
                        break
                assert time.monotonic() < deadline
                time.sleep(0.2)
            tags = {client.get("/api/v1/cari", params={"q": "istana"}).headers["etag"] for _ in range(6)}
            assert len(tags) == 1  # every worker names the same generation
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert process.returncode == 0


def test_the_docs_page_runs_a_search_in_chromium(api: Server, browser: Any) -> None:
    """Swagger UI renders the document and "Try it out" calls the API; nothing leaves the host."""
    page = browser.new_page(viewport={"width": 1200, "height": 1400})
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    try:
        page.goto(f"{api.url}/api/v1/docs")
        page.wait_for_selector("#operations-katalog-cari", timeout=20_000)
        assert page.inner_text(".swagger-ui .info .title").startswith("API Katalog Inovasi")
        page.click("#operations-katalog-cari .opblock-summary")  # "Try it out" is on (docs.js)
        page.fill("#operations-katalog-cari input[placeholder='q']", "istana")
        page.click("#operations-katalog-cari .execute")
        status = "#operations-katalog-cari .live-responses-table .response .response-col_status"
        page.wait_for_selector(status, timeout=20_000)
        assert page.inner_text(status).strip() == "200"
    finally:
        page.close()
    assert hosts == {api.url.removeprefix("http://")}


# --- The load benchmark ----------------------------------------------------------------------------


def test_the_load_bench_queries_are_distinct_and_popular_first() -> None:
    from bench.api_load import DISTINCT_QUERIES, popular_queries
    from bench.run import query_set

    queries = popular_queries()
    assert len(queries) == len(set(queries)) == DISTINCT_QUERIES
    assert queries[: len(query_set())] == list(query_set())
    assert {item["q"] for item in QUERIES} <= set(queries)
    assert popular_queries() == queries  # seeded: every run asks the same


def test_the_load_page_is_rendered_from_its_raw_figures() -> None:
    from bench.api_load import SCENARIOS, TARGET_N, render

    page = (ROOT / "docs" / "api-load.md").read_text(encoding="utf-8")
    raw = json.loads(page.split("<!-- raw figures\n", 1)[1].rsplit("\n-->", 1)[0])
    assert render(raw) == page, "re-render with: python -m bench.api_load --render docs/api-load.md"
    assert set(raw["runs"]) == {"1000", str(TARGET_N)}
    for runs in raw["runs"].values():
        assert set(runs) == set(SCENARIOS)
        assert all(run["seconds"] >= raw["setup"]["seconds"] for run in runs.values())
        assert runs["rebuild"]["builds"] and runs["rebuild"]["generations"] >= 2
