"""Link checks: internal links at every build, external `sources` links only on demand.

Internal links are checked on the built pages (after `finalized`), so links written by
templates and by editors in bodies are both covered; a broken one fails the build with the
source file named, and because `katalog build` swaps its staging folder only after Pelican
returns, the previous `output/` stays as it was. `katalog check` reaches the same verdict
without building (`check_in_site`): the same resolution, against the files `inventory`
predicts the build will write, over each body as Pelican resolves it, with the same
`Problem` on the same line. External links are never fetched during a build (a build must
not depend on other people's servers); `katalog check --links` fetches each once, with a
timeout, and reports every failure.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import os
import posixpath
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from pelican import Pelican

from katalog.content.checking import CheckReport, check_files, load_page
from katalog.content.freshness import DEFAULT_MAX_AGE_DAYS
from katalog.content.frontmatter import dotted
from katalog.content.taxonomy import Taxonomy
from katalog.content.validate import Entry
from katalog.errors import ContentError, Problem
from katalog.site.inventory import (
    Inventory,
    is_inside,
    is_page,
    is_published,
    load_site,
    predict,
    sources_of,
)
from katalog.site.outputs import plan_of
from katalog.site.state import state_of

_LINKING = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"), ("form", "action")}
USER_AGENT = "katalog-inovasi link check"

# Pages are our own templates plus nh3-sanitised bodies, so a tag scanner is enough: quoted
# values are read whole (a '>' inside one does not end the tag), comments and the raw text
# of <script>/<style> are dropped first, as an HTML parser would.
# The '<' both alternatives start with is written once: then the engine tries the rest only
# where a '<' is, which made this pass eight times faster (it scans every page of the site).
_SKIPPED = re.compile(
    r"<(?:!--.*?-->|((script|style)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>).*?</\2\s*>)", re.I | re.S
)
_TAG = re.compile(r"<(a|link|script|img|form)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.I)
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


def _keep_open_tag(match: re.Match[str]) -> str:
    return "<" + match.group(1) if match.group(1) is not None else ""


def links_in(text: str) -> list[str]:
    """Every href/src/action an HTML page fetches or links to, in document order."""
    text = _SKIPPED.sub(_keep_open_tag, text)
    links = []
    for tag_match in _TAG.finditer(text):
        tag = tag_match.group(1).lower()
        attrs = []
        for found in _ATTRIBUTE.finditer(tag_match.group(2)):
            value = next((v for v in found.group(2, 3, 4) if v is not None), None)
            if value is not None:
                attrs.append((found.group(1).lower(), html.unescape(value) if "&" in value else value))
        if tag == "link" and dict(attrs).get("rel") in {"canonical", "alternate"}:
            continue  # references to the public address, not fetched from this folder
        links.extend(value for name, value in attrs if (tag, name) in _LINKING)
    return links


def links_of(page: Path) -> list[str]:
    return links_in(page.read_text(encoding="utf-8"))


class _Site:
    """The files of a site, as posix paths relative to its root, to resolve links against.

    Built from a written folder (`in_folder`, the build) or from the files a build would
    write (`inventory.predict`, `katalog check`): one resolution, one verdict.
    """

    def __init__(self, files: Iterable[str], site_url: str) -> None:
        self.prefix = site_url.rstrip("/") + "/" if site_url else ""
        self.files: set[str] = set(files)
        self.folders: set[str] = {"."}
        for name in self.files:
            folder = posixpath.dirname(name)
            while folder and folder not in self.folders:
                self.folders.add(folder)
                folder = posixpath.dirname(folder)
        self._known: dict[tuple[str, str], bool] = {}

    @classmethod
    def in_folder(cls, root: Path, site_url: str) -> _Site:
        files = []
        for folder, _dirs, names in os.walk(root):
            relative = os.path.relpath(folder, root).replace(os.sep, "/")
            base = "" if relative == "." else relative + "/"
            files.extend(base + n for n in names)
        return cls(files, site_url)

    def is_broken(self, folder: str, href: str) -> bool:
        """Whether `href` on a page in `folder` names a file missing from (or outside) the site."""
        depth = 0 if folder == "." else folder.count("/") + 1
        climb = "../" * depth
        # Links written from the site root ("../../unit/x/" on inovasi/<slug>/) resolve the
        # same on every page of that depth: one answer for 10,000 innovation pages.
        key = (str(depth), href) if depth and href.startswith(climb) else (folder, href)
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = self._broken(folder, href)
        return found

    def _broken(self, folder: str, href: str) -> bool:
        if self.prefix and href.startswith(self.prefix):
            href = href[len(self.prefix) - 1 :]
        path = _path_of(href)
        if path is None:
            return False  # another site, mailto:, tel:, or a fragment/query on this page
        joined = path.lstrip("/") if path.startswith("/") else posixpath.join(folder, path)
        target = posixpath.normpath(joined or ".")
        if target == ".." or target.startswith("../"):
            return True  # outside the site
        if path.endswith("/") or target in self.folders:
            target = "index.html" if target == "." else target + "/index.html"
        return target not in self.files


@functools.lru_cache(maxsize=65536)
def _path_of(href: str) -> str | None:
    """The decoded path `href` names on this site, or None when it leaves the page or the site."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return unquote(parts.path)


def broken_links(
    output: Path, site_url: str = "", known: Callable[[str, Callable[[], list[str]]], list[str]] | None = None
) -> Iterator[tuple[Path, str]]:
    """Every (page, href) whose target is missing from `output` or lies outside it.

    `known(page, read)` may answer a page's links without reading it (the build's plan
    knows those of every page kept from the previous build); it calls `read()` otherwise.
    """
    root = output.resolve()
    site = _Site.in_folder(root, site_url)
    for page in sorted((p for p in site.files if p.endswith(".html")), key=lambda p: p.split("/")):
        folder = posixpath.dirname(page) or "."
        path = root / page
        hrefs = known(page, lambda path=path: links_of(path)) if known else links_of(path)
        for href in dict.fromkeys(hrefs):
            if site.is_broken(folder, href):
                yield root / page, href


def _sources_by_page(pelican: Pelican, output: Path) -> dict[Path, str]:
    """Output page -> the content file it was written from (innovations and static pages)."""
    settings = pelican.settings
    found: dict[Path, str] = {}
    for entry in state_of(settings).entries:
        saved = settings["ARTICLE_SAVE_AS"].format(slug=entry.slug)
        found[Path(os.path.normpath(output / saved))] = entry.source
    content = Path(settings["PATH"])
    for name in sources_of(settings, "PAGE"):
        page = load_page(content / name).entry
        if page is not None:
            saved = settings["PAGE_SAVE_AS"].format(slug=page.slug)
            found[Path(os.path.normpath(output / saved))] = page.source
    return found


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


def _broken(source: str | None, written: str, href: str) -> Problem:
    """The problem of one broken link on page `written`, placed in the file it came from."""
    if source is None:
        where, line, field = f"{written} (templat)", 1, "tautan"
    else:
        where, line, field = source, _line_of(source, href), "isi"
    return Problem(where, line, field, f"tautan '{href}' di {written} menuju halaman yang tidak ada")


def check_internal_links(pelican: Pelican) -> None:
    """`finalized` handler: fail the build on any link to a page that was not written."""
    output = Path(pelican.output_path).resolve()
    sources = _sources_by_page(pelican, output)
    plan = plan_of(pelican.settings)
    known = plan.links if plan is not None else None
    problems = [
        _broken(sources.get(page), page.relative_to(output).as_posix(), href)
        for page, href in broken_links(output, pelican.settings.get("SITEURL", ""), known)
    ]
    if problems:
        raise ContentError(problems)


# --- the same verdict without a build: `katalog check` ----------------------------------------


def check_in_site(
    files: list[Path],
    taxonomy: Taxonomy,
    settings: Mapping[str, Any],
    stale_after_days: int = DEFAULT_MAX_AGE_DAYS,
    today: dt.date | None = None,
) -> CheckReport:
    """Validate `files` and judge the links they write as the build would: against the
    files a build of their site writes (`inventory.predict`).

    Files in the site's content folder are judged with the rest of that site (read, or
    taken from the last build's cache); files outside it form a site of their own, as
    innovations. Only problems the checked files take part in are reported.
    """
    inside = any(is_inside(settings, f) for f in files)
    entries, pages = load_site(settings, taxonomy, skip=files) if inside else ([], [])
    report = check_files(
        files,
        taxonomy,
        today,
        stale_after_days,
        is_page=functools.partial(is_page, settings),
        others=[e for e in entries if is_published(settings, e)],
        included=functools.partial(is_published, settings),
    )
    inventory = predict(settings, taxonomy, [*report.entries, *entries], [*report.pages, *pages])
    cited = {e.source: [use.url for use in external_links([e])] for e in report.entries}
    report.problems.extend(link_problems(inventory, set(report.sources), cited))
    report.problems.sort()
    return report


def link_problems(
    inventory: Inventory, sources: set[str], cited: Mapping[str, list[str]] | None = None
) -> list[Problem]:
    """The build's problems for links that `sources` write on their pages: in the body, and
    the front-matter URLs (`cited`) their template prints, which lead into the site when
    they start with its ``SITEURL``."""
    site = _Site(inventory.files, inventory.settings.get("SITEURL", ""))
    problems = []
    for page in inventory.pages:
        if page.source not in sources:
            continue
        folder = posixpath.dirname(page.save_as) or "."
        hrefs = [*links_in(inventory.resolved_body(page)), *(cited or {}).get(page.source, [])]
        problems.extend(
            _broken(page.source, page.save_as, href)
            for href in dict.fromkeys(hrefs)
            if site.is_broken(folder, href)
        )
    return problems


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
