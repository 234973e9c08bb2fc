"""Link checks: internal links at every build, external `sources` links only on demand.

Internal links are checked on the built pages (after `finalized`), so links written by
templates and by editors in bodies are both covered; a broken one fails the build with the
source file named, and because `katalog build` swaps its staging folder only after Pelican
returns, the previous `output/` stays as it was. External links are never fetched during a
build (a build must not depend on other people's servers); `katalog check --links` fetches
each once, with a timeout, and reports every failure.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from pelican import Pelican

from katalog.errors import ContentError, Problem
from katalog.frontmatter import dotted
from katalog.state import state_of
from katalog.validate import Entry

_LINKING = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("form", "action")}
USER_AGENT = "katalog-inovasi link check"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if (tag, name) in _LINKING and value is not None:
                if tag == "link" and dict(attrs).get("rel") in {"canonical", "alternate"}:
                    continue  # references to the public address, not fetched from this folder
                self.links.append(value)


def links_of(page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.links


def target_of(page: Path, href: str, output: Path, site_url: str) -> Path | None:
    """The file in `output` that `href` on `page` needs, or None for links off the site."""
    if site_url and href.startswith(site_url.rstrip("/") + "/"):
        href = href[len(site_url.rstrip("/")) :]
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None  # another site, mailto:, tel:, or a fragment/query on this page
    path = unquote(parts.path)
    base = output if path.startswith("/") else page.parent
    target = (base / path.lstrip("/")).resolve()
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def broken_links(output: Path, site_url: str = "") -> Iterator[tuple[Path, str]]:
    """Every (page, href) whose target is missing from `output` or lies outside it."""
    root = output.resolve()
    for page in sorted(root.rglob("*.html")):
        for href in dict.fromkeys(links_of(page)):
            target = target_of(page, href, root, site_url)
            if target is not None and (not target.is_file() or not target.is_relative_to(root)):
                yield page, href


def _sources_by_page(pelican: Pelican, output: Path) -> dict[Path, str]:
    """Output page -> the content file it was written from (innovations and static pages)."""
    settings = pelican.settings
    found: dict[Path, str] = {}
    for entry in state_of(settings).entries:
        found[(output / settings["ARTICLE_SAVE_AS"].format(slug=entry.slug)).resolve()] = entry.source
    content = Path(settings["PATH"])
    for folder in settings.get("PAGE_PATHS", []):
        for source in sorted((content / folder).glob("*.md")):
            saved = settings["PAGE_SAVE_AS"].format(slug=source.stem)
            found[(output / saved).resolve()] = _display(source)
    return found


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _line_of(source: str, text: str, default: int = 1, body_first: bool = True) -> int:
    """The first line of `source` that mentions `text` (`default` when none does).

    A link in a page is searched for in the body first, a cited URL in the front matter.
    """
    try:
        lines = Path(source).read_text(encoding="utf-8-sig").splitlines()
    except OSError:
        return default
    fences = [n for n, line in enumerate(lines) if line.rstrip() == "---"][:2]
    body_start = fences[1] if len(fences) == 2 else 0
    order = [*range(body_start, len(lines)), *range(body_start)]
    if not body_first:
        order.reverse()
    return next((n + 1 for n in order if text in lines[n]), default)


def check_internal_links(pelican: Pelican) -> None:
    """`finalized` handler: fail the build on any link to a page that was not written."""
    output = Path(pelican.output_path).resolve()
    sources = _sources_by_page(pelican, output)
    problems = []
    for page, href in broken_links(output, pelican.settings.get("SITEURL", "")):
        source = sources.get(page)
        written = page.relative_to(output).as_posix()
        if source is None:
            where, line, field = f"{written} (templat)", 1, "tautan"
        else:
            where, line, field = source, _line_of(source, href), "isi"
        problems.append(
            Problem(where, line, field, f"tautan '{href}' di {written} menuju halaman yang tidak ada")
        )
    if problems:
        raise ContentError(problems)


# --- external links, on demand ----------------------------------------------------------------


@dataclass(frozen=True)
class LinkUse:
    url: str
    source: str
    line: int
    field: str


def external_links(entries: Iterable[Entry]) -> list[LinkUse]:
    """Every URL an entry cites (sources first), with the line it is written on."""
    uses = []
    for entry in entries:
        data = entry.innovation.model_dump()
        for loc, url in _urls(data, ()):
            line = _line_of(entry.source, url, entry.line_of(str(loc[0])), body_first=False)
            uses.append(LinkUse(url, entry.source, line, dotted(loc)))
    return uses


def _urls(value: Any, loc: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _urls(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _urls(item, (*loc, index))
    elif isinstance(value, str) and value.startswith(("http://", "https://")):
        yield loc, value


def fetch_status(url: str, timeout: float) -> str | None:
    """None when `url` answers with success; otherwise a short Indonesian reason."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout):
                return None
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in {403, 405, 501}:
                continue  # some servers refuse HEAD but serve GET
            return f"HTTP {exc.code}"
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError) or "timed out" in str(reason):
                return f"tidak menjawab dalam {timeout:g} detik"
            return f"tidak dapat dihubungi ({reason})"
    return None


def check_external_links(entries: Iterable[Entry], timeout: float = 10.0, workers: int = 8) -> list[Problem]:
    """Fetch each distinct URL once (in parallel) and report every use of a failing one."""
    uses = external_links(entries)
    urls = list(dict.fromkeys(use.url for use in uses))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = dict(zip(urls, pool.map(lambda u: fetch_status(u, timeout), urls), strict=True))
    return sorted(
        Problem(use.source, use.line, use.field, f"tautan '{use.url}' gagal dibuka: {results[use.url]}")
        for use in uses
        if results[use.url] is not None
    )
