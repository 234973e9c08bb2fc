"""What a build writes, predicted from the content without building.

`katalog check` judges the links written in a file against this prediction, so it reaches
the build's verdict (`links.check_internal_links`, which scans the written pages) with no
Pelican run and no template rendered. Each path comes from the settings and the names the
generators use; `tests/test_links.py` compares the prediction with real builds, so a
generator that starts writing a new kind of file fails that test until it is added here.

Bodies are resolved as Pelican resolves them when it writes a page: ``{filename}``,
``{static}``, ``{index}``... placeholders become the URL of what they name, relative to
the page (`resolved_body`); a placeholder naming nothing stays as written.

Not predicted: the search index's shards (``cari/indeks/<kind>/<n>.json``), whose names
follow from the analysed text (only its manifest has a stable address); where a
``{attach}`` file moves to (it is taken to stay at its static address).
"""

from __future__ import annotations

import copy
import fnmatch
import html
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import ParseResult, unquote, urljoin, urlparse, urlunparse

from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Author, Category, Tag
from pelican.utils import get_relative_path, path_to_url

from katalog import settings as engine_settings
from katalog.content.checking import PageEntry, load_page
from katalog.content.facets import build_facets
from katalog.content.taxonomy import Taxonomy
from katalog.content.validate import Entry, load_entries
from katalog.network.manifest import MANIFEST_FILE, MANIFEST_SCHEMA_FILE, REPLICATIONS_FILE, own_agency
from katalog.site import cache
from katalog.site.generators import ALL_FEED, LACKING_PAGE, STALE_PAGE, TEMPLATE_DATA, feed_path
from katalog.site.harvested import agency_of, load_site_network
from katalog.site.network_page import NETWORK_PAGE
from katalog.site.overrides import static_files, use_theme_overrides
from katalog.site.reader import DRAFT_STATUS
from katalog.site.reading import CACHE_FILE, PARALLEL_FROM, cache_version, key_of, stamp
from katalog.site.state import taxonomy_path

DEFAULT_SETTINGS = Path("pelicanconf.py")
# Folders of the pages written once per site, besides the home page, `STALE_PAGE` and
# `LACKING_PAGE` (generators.CatalogueGenerator): replication_pages.ReplicationGenerator,
# statistics_page.StatisticsGenerator and searchpage.SearchPageGenerator.
FIXED_PAGES = ("replikasi/", "bandingkan/", "statistik/", "cari/")
# Data files: generators.CatalogueGenerator._write_data and _write_open_data (the network
# manifest and its schema), and replication_pages' comparison and back-links.
DATA_FILES = (
    "data/schema.json",
    "data/inovasi.json",
    "data/inovasi.csv",
    "data/bandingkan.json",
    MANIFEST_FILE,
    MANIFEST_SCHEMA_FILE,
    REPLICATIONS_FILE,
    *TEMPLATE_DATA,
)
WEB_FILES = ("sitemap.xml", "robots.txt")  # webfiles.write_web_files
# The search index's manifest (browserindex.CLIENT_DIR / MANIFEST; a test keeps them equal):
# written out here because importing the exporter costs `katalog check` numpy's start-up.
SEARCH_MANIFEST = "cari/indeks/manifest.json"
IDENTITY_CSS = "css/identitas.css"  # outputs.StaticFilesGenerator, when KATALOG_COLORS is set


def settings_for_check(settings_file: Path | None) -> dict[str, Any]:
    """The settings `katalog check` judges links with: the site's settings file (by default
    ``pelicanconf.py`` when there is one), else the engine's defaults."""
    if settings_file is not None or DEFAULT_SETTINGS.is_file():
        from katalog.site.build import load_settings

        return load_settings(settings_file or DEFAULT_SETTINGS)
    settings = copy.deepcopy(DEFAULT_CONFIG)
    settings.update(
        {k: copy.deepcopy(getattr(engine_settings, k)) for k in dir(engine_settings) if k.isupper()}
    )
    settings["PATH"] = os.path.abspath(settings["PATH"])  # noqa: PTH100 - as Pelican does
    for one, other in (("ARTICLE", "PAGE"), ("PAGE", "ARTICLE")):  # as pelican.settings does
        excludes = settings[f"{other}_EXCLUDES"]
        excludes.extend(p for p in settings[f"{one}_PATHS"] if p not in excludes)
    use_theme_overrides(settings, Path.cwd())
    return settings


@dataclass(frozen=True)
class SourcePage:
    """A page written from one content file, with what its body links to."""

    source: str  # the content file, as problems name it
    relative: str  # its path from the content folder: Pelican's key for {filename} links
    save_as: str  # the page, relative to the output folder
    url: str
    content: Entry | PageEntry  # its body: `body_html` sanitised, placeholders not yet resolved


@dataclass(frozen=True)
class Inventory:
    """Every file a build of the site writes, and the pages written from content files."""

    settings: Mapping[str, Any]
    files: frozenset[str]
    pages: tuple[SourcePage, ...]
    generated: Mapping[str, str]  # content file (from the content folder) -> URL of its page
    statics: Mapping[str, str]  # static file (from the content folder) -> its URL

    def resolved_body(self, page: SourcePage) -> str:
        """`page`'s body as the build writes it: placeholders replaced by URLs."""
        siteurl = self.settings["SITEURL"]
        if self.settings["RELATIVE_URLS"]:
            siteurl = path_to_url(get_relative_path(page.save_as))
        body = page.content.body_html
        return intrasite_regex(self.settings).sub(lambda m: self._replace(page, siteurl, m), body)

    def _replace(self, page: SourcePage, siteurl: str, match: re.Match[str]) -> str:
        """One placeholder, as `pelican.contents.Content._link_replacer` replaces it."""
        settings = self.settings
        what, value, origin = match.group("what"), urlparse(match.group("value")), match.group("path")
        if settings["RELATIVE_URLS"]:
            joiner: Any = os.path.join
        else:
            joiner = urljoin
            siteurl = siteurl if siteurl.endswith("/") else siteurl + "/"
        if what in {"filename", "static", "attach"}:
            url, value = self._linked(page, what, value)
            if url is not None:
                origin = joiner(siteurl, url).replace("\\", "/")
        elif what in _WRAPPERS:
            origin = joiner(siteurl, _WRAPPERS[what](value.path, dict(settings)).url)
        elif what == "index":
            origin = joiner(siteurl, settings["INDEX_SAVE_AS"])
        parts = list(value)
        parts[2] = origin  # Pelican's quirk kept: an unresolved path keeps its query and fragment twice
        return "".join((match.group("markup"), match.group("quote"), urlunparse(parts), match.group("quote")))

    def _linked(self, page: SourcePage, what: str, value: ParseResult) -> tuple[str | None, ParseResult]:
        """The URL a {filename}/{static}/{attach} placeholder names, tried as Pelican tries it."""
        tables = [self.generated, self.statics] if what == "filename" else [self.statics]
        for table in tables:
            unescaped = urlparse(html.unescape(value.geturl()))
            for path, parsed in (
                (value.path, value),
                (unquote(value.path), value),
                (unescaped.path, unescaped),
            ):
                url = table.get(_source_key(self.settings, page.relative, path))
                if url is not None:
                    return url, parsed
        return None, value


_WRAPPERS = {"category": Category, "tag": Tag, "author": Author}


def intrasite_regex(settings: Mapping[str, Any]) -> re.Pattern[str]:
    """Pelican's pattern of placeholder links (`Content._get_intrasite_link_regex`)."""
    return re.compile(
        r"""(?P<markup><[^\>]+(?:href|src|poster|data|cite|formaction|action|content)\s*=\s*)"""
        rf"""(?P<quote>["\'])(?P<path>{settings["INTRASITE_LINK_REGEX"]}(?P<value>.*?))(?P=quote)""",
    )


def _source_key(settings: Mapping[str, Any], relative: str, path: str) -> str:
    """The content-folder path a placeholder's `path` names from the file at `relative`."""
    if path.startswith("/"):
        return path[1:]
    root = os.path.abspath(settings["PATH"])  # noqa: PTH100 - Pelican's arithmetic, kept
    joined = os.path.abspath(os.path.join(root, posixpath.dirname(relative), path))  # noqa: PTH100, PTH118
    return path_to_url(os.path.relpath(joined, root))


def _static_links(settings: Mapping[str, Any], page: SourcePage) -> set[str]:
    """Files a body names with {static} or {attach}: the build copies them too
    (`pelican.contents.Content.get_static_links`)."""
    found: set[str] = set()
    if not re.search(settings["INTRASITE_LINK_REGEX"], page.content.body_markdown):
        return found  # no placeholder at all: a page's body is not rendered for nothing
    for match in intrasite_regex(settings).finditer(page.content.body_html):
        if match.group("what") in {"static", "attach"}:
            path = _source_key(settings, page.relative, urlparse(match.group("value")).path)
            found.add(path.replace("%20", " "))
    return found


# --- the site's source files ---------------------------------------------------------------


def pelican_files(
    settings: Mapping[str, Any], folders: Iterable[str], exclude: Iterable[str], md_only: bool
) -> list[str]:
    """Files under the content folder as Pelican's `Generator.get_files` finds them (relative,
    '/'-separated): `IGNORE_FILES` by name, `exclude` by path, Markdown only when `md_only`."""
    root = os.path.abspath(settings["PATH"])  # noqa: PTH100
    ignores = settings["IGNORE_FILES"]
    excluded: dict[str, set[str]] = {}
    for path in exclude:
        parent, name = os.path.split(os.path.join(root, path))  # noqa: PTH118
        excluded.setdefault(parent, set()).add(name)

    def wanted(name: str) -> bool:
        return not _ignored(name, ignores) and (not md_only or name.endswith(".md"))

    found = set()
    for folder in folders:
        top = os.path.join(root, folder) if folder else root  # noqa: PTH118
        if os.path.isdir(top):  # noqa: PTH112
            for current, dirs, names in os.walk(top, followlinks=True):
                skip = excluded.get(current, set())
                dirs[:] = [d for d in dirs if d not in skip and not _ignored(d, ignores)]
                relative = os.path.relpath(current, root)
                found.update(_norm(f"{relative}/{name}") for name in names if wanted(name))
        elif os.path.exists(top) and wanted(os.path.basename(folder)):  # noqa: PTH110, PTH119
            found.add(_norm(folder))
    return sorted(found)


def _ignored(name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in patterns)


def sources_of(settings: Mapping[str, Any], kind: str) -> list[str]:
    """The Markdown files the build reads as `kind` ("ARTICLE": innovations, "PAGE")."""
    return pelican_files(settings, settings[f"{kind}_PATHS"], settings[f"{kind}_EXCLUDES"], md_only=True)


def is_page(settings: Mapping[str, Any], path: Path) -> bool:
    """Whether the build reads `path` as a static page (it lies in one of `PAGE_PATHS`)."""
    root = os.path.abspath(settings["PATH"])  # noqa: PTH100
    relative = Path(os.path.relpath(key_of(path), root))
    return any(relative.parts[: len(Path(p).parts)] == Path(p).parts for p in settings["PAGE_PATHS"] if p)


def is_inside(settings: Mapping[str, Any], path: Path) -> bool:
    """Whether `path` lies in the site's content folder."""
    return not os.path.relpath(key_of(path), os.path.abspath(settings["PATH"])).startswith("..")  # noqa: PTH100


def is_published(settings: Mapping[str, Any], entry: Entry) -> bool:
    """Whether the build writes `entry` (a draft only with ``KATALOG_INCLUDE_DRAFTS``), as
    `reader.KatalogReader.read` decides."""
    return entry.innovation.status != DRAFT_STATUS or bool(settings.get("KATALOG_INCLUDE_DRAFTS", False))


def load_site(
    settings: Mapping[str, Any], taxonomy: Taxonomy, skip: Iterable[Path] = ()
) -> tuple[list[Entry], list[PageEntry]]:
    """The valid innovations and static pages of the site, except the files in `skip`.

    An innovation unchanged since the last build is taken from that build's cache
    (`reading.read_all`: validated against the settings' taxonomy); the others are read, on
    every core when there are many. Invalid files are left out: the build stops on them, and
    `katalog check` reports them when it is given them.
    """
    root = Path(settings["PATH"])
    skipped = {key_of(p) for p in skip}
    innovations, pages = (
        [root / p for p in sources_of(settings, kind) if key_of(root / p) not in skipped]
        for kind in ("ARTICLE", "PAGE")
    )
    entries = _cached_entries(settings, innovations)
    todo = [p for p in innovations if key_of(p) not in entries]
    jobs = (os.cpu_count() or 1) if len(todo) >= PARALLEL_FROM else 1
    for path, result in zip(todo, load_entries(todo, taxonomy, jobs), strict=True):
        entries[key_of(path)] = result.entry
    found = [entries[key_of(p)] for p in innovations]
    read_pages = [load_page(p).entry for p in pages]
    return [e for e in found if e is not None], [p for p in read_pages if p is not None]


def _cached_entries(settings: Mapping[str, Any], paths: list[Path]) -> dict[str, Entry | None]:
    """What the last build read of `paths`, for the files unchanged since (none when the
    cache is absent, stale, or of another taxonomy)."""
    if not paths:
        return {}
    folder = cache.cache_dir(dict(settings))
    version = cache_version(taxonomy_path(dict(settings)), own_agency(settings))
    stored = cache.load(folder / CACHE_FILE, version) or {}
    found: dict[str, Entry | None] = {}
    for path in paths:
        key = key_of(path)
        kept = stored.get(key)
        if kept is not None and kept[0] == stamp(path):
            found[key] = kept[1].loaded.entry
    return found


# --- the prediction --------------------------------------------------------------------------


def predict(
    settings: Mapping[str, Any], taxonomy: Taxonomy, entries: Iterable[Entry], pages: Iterable[PageEntry]
) -> Inventory:
    """Every file a build of `entries` and `pages` (all valid) writes with `settings`; in a
    network, its members' entries too (read from the snapshots, as the build reads them)."""
    published = [e for e in entries if is_published(settings, e)]
    network = load_site_network(dict(settings), taxonomy)
    agency = None
    if network is not None:
        published += network.entries
        taxonomy = network.taxonomy
        own = own_agency(settings)
        agency = lambda item: agency_of(item, own)  # noqa: E731 - the one place it is needed
    sources = [_source_page(settings, "ARTICLE", e) for e in published]
    sources += [_source_page(settings, "PAGE", p) for p in pages]
    generated = {s.relative: s.url for s in sources}
    statics = _statics(settings, sources, generated)
    root = Path(settings["PATH"])
    files = {s.save_as for s in sources}
    files.update(_catalogue_outputs(published, taxonomy, agency))
    if network is not None:
        files.add(f"{NETWORK_PAGE}index.html")
    files.update(_theme_outputs(settings))
    files.update(_norm(settings["STATIC_SAVE_AS"].format(path=p)) for p in statics if (root / p).is_file())
    return Inventory(settings, frozenset(files), tuple(sources), generated, statics)


def _norm(path: str) -> str:
    return Path(os.path.normpath(path)).as_posix()


def _relative(settings: Mapping[str, Any], source: str) -> str:
    """`source`'s path from the content folder (both resolved: `source` is a display path,
    `validate.display_path`, which resolves symbolic links)."""
    return path_to_url(os.path.relpath(Path(source).resolve(), Path(settings["PATH"]).resolve()))


def _source_page(settings: Mapping[str, Any], kind: str, item: Entry | PageEntry) -> SourcePage:
    """Where an innovation (`kind` "ARTICLE") or a static page ("PAGE") is written and linked."""
    return SourcePage(
        item.source,
        _relative(settings, item.source),
        _norm(settings[f"{kind}_SAVE_AS"].format(slug=item.slug)),
        settings[f"{kind}_URL"].format(slug=item.slug),
        item,
    )


def _statics(
    settings: Mapping[str, Any], sources: list[SourcePage], generated: Mapping[str, str]
) -> dict[str, str]:
    """Static file -> URL, as Pelican's StaticGenerator collects them: `STATIC_PATHS`, plus
    every file a body links with {static} or {attach} (a missing one too: its link is
    replaced, and then found broken)."""
    found = set(pelican_files(settings, settings["STATIC_PATHS"], settings["STATIC_EXCLUDES"], md_only=False))
    for page in sources:
        found |= _static_links(settings, page)
    if settings["STATIC_EXCLUDE_SOURCES"]:
        found -= set(generated)
    return {path: settings["STATIC_URL"].format(path=path) for path in sorted(found)}


def _catalogue_outputs(
    published: list[Entry], taxonomy: Taxonomy, agency: Callable[[Any], str] | None = None
) -> set[str]:
    """The home, facet and fixed pages, the feeds and the data files (the generators' own)."""
    folders = ["", STALE_PAGE, LACKING_PAGE, *FIXED_PAGES]
    files = {ALL_FEED, *DATA_FILES, *WEB_FILES, SEARCH_MANIFEST}
    for facet in build_facets(published, taxonomy, agency):
        folders.append(f"{facet.key}/")
        for value in facet.values:
            folders.append(value.link.url)
            feed = feed_path(facet.key, value.link.slug)
            if feed is not None:
                files.add(feed)
    files.update(f"{folder}index.html" for folder in folders)
    return files


def _theme_outputs(settings: Mapping[str, Any]) -> set[str]:
    """The theme's static files under ``THEME_STATIC_DIR`` (`outputs.StaticFilesGenerator`,
    and Pelican's copy of `THEME_STATIC_PATHS`)."""
    folder = settings["THEME_STATIC_DIR"]
    files = {f"{folder}/{name}" for name, _ in static_files(dict(settings))}
    if settings.get("KATALOG_COLORS"):
        files.add(f"{folder}/{IDENTITY_CSS}")
    theme = Path(settings["THEME"])
    for path in settings["THEME_STATIC_PATHS"]:
        source = theme / path
        if source.is_dir():
            found = (p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file())
            files.update(_norm(f"{folder}/{name}") for name in found)
        elif source.is_file():
            files.add(f"{folder}/{source.name}")
    return files
