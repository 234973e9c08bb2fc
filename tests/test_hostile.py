"""The hostile corpus: every attack ends in a clean page or one exact error line, in bounds.

`tests/fixtures/hostile/expected.yaml` maps each file to its outcome. Error cases are
checked in this process (exact line, tracemalloc peak) and once more through the real
`katalog check` in a subprocess with a timeout, which also proves there is no traceback.
Page cases are built together into one site, in a subprocess with a timeout; each page
is then searched for anything executable, and for its payload, escaped.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tracemalloc
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from katalog.content.checking import check_files
from katalog.content.render import ALLOWED_TAGS
from katalog.content.taxonomy import Taxonomy
from katalog.resources import THEME as THEME_DIR

from .conftest import FIXTURES, ROOT

HOSTILE = FIXTURES / "hostile"
EXPECTED: dict[str, dict] = yaml.safe_load((HOSTILE / "expected.yaml").read_text(encoding="utf-8"))
ERRORS = sorted(name for name, case in EXPECTED.items() if "error" in case)
PAGES = sorted(name for name, case in EXPECTED.items() if "page" in case)
MEMORY_BOUND = 200 * 1024 * 1024  # bytes: a correctness bound, far above any real need
PROCESS_BOUND_KB = 600 * 1024  # maximum resident size of a whole check or build process
TIMEOUT = 60  # seconds for a whole check or build; a hang fails instead of stalling CI
DANGEROUS_URL = re.compile(r"^(?:javascript|data|vbscript):", re.IGNORECASE)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "poster", "xlink:href", "data", "ping"}
VOID = {"br", "hr", "img", "input", "meta", "link", "source", "wbr"}


# --- the corpus ----------------------------------------------------------------------------


def test_every_hostile_file_has_exactly_one_expected_outcome() -> None:
    on_disk = {p.stem for p in HOSTILE.glob("*.md")}
    assert on_disk == set(EXPECTED)
    assert len(on_disk) >= 40
    for name, case in EXPECTED.items():
        assert ("error" in case) != ("page" in case), name
        assert case["class"] in {
            "xss-metadata", "xss-body", "yaml", "invisible-or-slug", "url", "size", "encoding",
        }, name  # fmt: skip


def test_the_corpus_covers_every_required_attack() -> None:
    names = set(EXPECTED)
    for required in [
        "yaml-alias-bomb", "yaml-python-object", "yaml-deep-nesting", "body-5mb", "title-bidi-override",
        "slug-path-traversal", "slug-bidi-override", "file-crlf", "file-bom", "key-duplicate-nested",
        "body-script-tags", "body-event-handlers", "body-javascript-links", "body-data-urls",
        "body-svg-math", "body-comments-cdata", "body-markdown-image-variants", "title-symbols-only",
    ]:  # fmt: skip
        assert required in names
    assert (HOSTILE / "body-5mb.md").stat().st_size > 5_000_000 * 0.99


# --- error cases -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ERRORS)
def test_hostile_file_is_refused_with_its_exact_line(name: str, taxonomy: Taxonomy) -> None:
    tracemalloc.start()
    try:
        report = check_files([HOSTILE / f"{name}.md"], taxonomy)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [str(p) for p in report.errors] == [EXPECTED[name]["error"]]
    assert report.entries == []
    assert peak < MEMORY_BOUND


_MEASURED = """
import resource, sys
from katalog.tools.cli import main
code = main(sys.argv[1:])
print("maxrss_kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def run_measured(args: list[str], code: str = _MEASURED) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run `code` in a fresh interpreter with a timeout; return it and its peak RSS (KiB)."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    found = re.search(r"^maxrss_kb (\d+)$", done.stderr, re.MULTILINE)
    assert found, done.stderr[-2000:]
    return done, int(found.group(1))


def test_katalog_check_reports_every_error_line_without_traceback_in_bounds() -> None:
    files = [f"tests/fixtures/hostile/{name}.md" for name in ERRORS]
    done, maxrss_kb = run_measured(["check", *files])
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stdout.splitlines() == sorted(EXPECTED[name]["error"] for name in ERRORS)
    assert f"{len(ERRORS)} dari {len(ERRORS)} berkas bermasalah" in done.stderr
    assert maxrss_kb < PROCESS_BOUND_KB


# --- page cases ------------------------------------------------------------------------------

_BUILD = """
import resource, sys
from pathlib import Path
sys.path.insert(0, ".")
from tests.conftest import build_site
build_site(Path(sys.argv[1]), Path(sys.argv[2]))
print("maxrss_kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def build_hostile_site(root: Path) -> tuple[Path, int]:
    """Build every hostile file that should build (plus the fixture pages) into one site."""
    content = root / "content"
    (content / "inovasi").mkdir(parents=True)
    shutil.copytree(FIXTURES / "site" / "pages", content / "pages")
    for name in PAGES:
        shutil.copy(HOSTILE / f"{name}.md", content / "inovasi" / f"{name}.md")
    done, maxrss_kb = run_measured([str(content), str(root / "output")], _BUILD)
    assert done.returncode == 0, done.stderr[-3000:]
    return root / "output", maxrss_kb


_BUILT: dict[str, tuple[Path, int]] = {}


def hostile_site_once(factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The hostile site, built once per session for this module and the browser tests."""
    if "site" not in _BUILT:
        _BUILT["site"] = build_hostile_site(factory.mktemp("hostile-site"))
    return _BUILT["site"]


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    return hostile_site_once(tmp_path_factory)


@pytest.fixture(scope="module")
def hostile_site(hostile_build: tuple[Path, int]) -> Path:
    return hostile_build[0]


def test_hostile_site_builds_in_bounds(hostile_build: tuple[Path, int]) -> None:
    site, maxrss_kb = hostile_build
    assert sorted(p.name for p in (site / "inovasi").iterdir()) == PAGES
    assert maxrss_kb < PROCESS_BOUND_KB


class _Audit(HTMLParser):
    """Every element, attribute and URL of a page, and which elements sit in the body."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.body_tags: set[str] = set()
        self._depth_in_body = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self._depth_in_body:
            self.body_tags.add(tag)
            self._depth_in_body += tag not in VOID
        elif tag == "section" and values.get("class") == "body":
            self._depth_in_body = 1
        if tag == "script" and values.get("type") != "application/ld+json":
            src = values.get("src") or ""
            if not re.fullmatch(r"(\./|(\.\./)*)theme/js/[a-z-]+\.js", src):
                self.problems.append(f"script {src or '(inline)'}")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"<{tag} {name}>")
            cleaned = re.sub(r"[\x00-\x20]", "", value or "")
            if name in URL_ATTRIBUTES and DANGEROUS_URL.match(cleaned):
                self.problems.append(f"<{tag} {name}={value}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self._depth_in_body and tag not in VOID:
            self._depth_in_body -= 1


def audit(path: Path) -> _Audit:
    parser = _Audit()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("name", PAGES)
def test_hostile_page_is_clean_and_shows_the_payload_as_text(hostile_site: Path, name: str) -> None:
    case = EXPECTED[name]
    page = hostile_site / "inovasi" / case["page"] / "index.html"
    html = page.read_text(encoding="utf-8")
    found = audit(page)
    assert found.problems == []
    # The body holds only what the sanitiser allows (plus the section's own h2).
    assert found.body_tags <= ALLOWED_TAGS, found.body_tags - ALLOWED_TAGS
    for text in case["present"]:
        assert text in html, text
    for text in case["absent"]:
        assert text not in html, text


def test_no_page_of_the_hostile_site_runs_anything_but_our_scripts(hostile_site: Path) -> None:
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > len(PAGES)
    problems = {str(p.relative_to(hostile_site)): audit(p).problems for p in pages}
    assert {path: found for path, found in problems.items() if found} == {}


def test_hostile_data_files_escape_markup_for_script_consumers(hostile_site: Path) -> None:
    """Data files are JSON (parsed, never evaluated) and carry the payload as plain text."""
    data = json.loads((hostile_site / "data" / "bandingkan.json").read_text(encoding="utf-8"))
    titles = {item["slug"]: item["title"] for item in data["innovations"]}
    assert titles["xss-title-script"] == "</script><script>alert('judul')</script> Judul"


# --- a site that can be trusted: one policy, three copies ------------------------------------


def test_every_page_carries_the_policy_of_the_server(hostile_site: Path) -> None:
    from katalog.tools.serve import CSP, REFERRER_POLICY

    meta = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
    referrer = f'<meta name="referrer" content="{REFERRER_POLICY}">'
    for page in hostile_site.rglob("*.html"):
        head = page.read_text(encoding="utf-8").split("</head>")[0]
        assert meta in head, page
        assert referrer in head, page


def test_nginx_snippet_sends_the_same_headers_as_make_serve() -> None:
    from katalog.tools.serve import HEADERS

    conf = (ROOT / "docs" / "nginx.conf").read_text(encoding="utf-8")
    for name, value in HEADERS.items():
        assert f'add_header {name} "{value}" always;' in conf
    assert "katalog.tools.serve" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_serve_sends_the_security_headers(hostile_site: Path) -> None:
    import threading
    import urllib.request

    from katalog.tools.serve import HEADERS, make_server

    server = make_server(hostile_site, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/inovasi/xss-title-script/"
        with urllib.request.urlopen(url, timeout=10) as response:
            headers = dict(response.headers)
            assert response.status == 200
    finally:
        server.shutdown()
        server.server_close()
    assert {name: headers.get(name) for name in HEADERS} == HEADERS
    assert "frame-ancestors 'none'" in HEADERS["Content-Security-Policy"]


def test_theme_has_no_inline_style_or_script_and_scripts_set_no_style() -> None:
    theme = THEME_DIR
    for template in sorted((theme / "templates").glob("*.html")):
        text = template.read_text(encoding="utf-8")
        assert re.search(r"\sstyle=", text) is None, template
        assert re.search(r"<style\b", text) is None, template
        assert re.search(r"\son[a-z]+=", text) is None, template
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/ld+json"' in tag, (template, tag)
    for script in sorted((theme / "static" / "js").glob("*.js")):
        text = script.read_text(encoding="utf-8")
        # CSP style-src 'self' blocks style attributes set from script too; use classes.
        assert re.search(r"\.style\b|cssText|setAttribute\(\s*['\"]style", text) is None, script
        assert re.search(r"\beval\(|new Function\(|innerHTML|outerHTML|insertAdjacentHTML", text) is None, (
            script
        )


def test_the_nesting_fixture_would_crash_plain_pyyaml() -> None:
    """Why `_BoundedLoader` exists: unguarded, this file is a RecursionError (a traceback)."""
    from katalog.content import frontmatter

    text = frontmatter.decode((HOSTILE / "yaml-stack-exhaustion.md").read_bytes(), "x")
    with pytest.raises(RecursionError):
        yaml.compose(frontmatter.split(text, "x").yaml_text, Loader=yaml.SafeLoader)
