"""Incremental output: an output whose inputs did not change is neither rendered nor written.

The build still renders into a fresh staging folder, because a failed build must leave
``output/`` as it was. An output kept from the previous build is hard-linked into the
staging folder from ``output/`` at the end (`OutputPlan.finish`): no rendering, no writing,
and after the swap ``output/`` holds the very same file (same inode, same modification
time). A build in which nothing changed therefore writes no file at all.

What a page depends on is what its template prints: the variables passed to
`Writer.write_file` and the few context values of `CONTEXT_VARIABLES`. Their fingerprint
(`Fingerprints`) is computed from those values themselves (an article's model, body, view,
"serupa" list and replication view; a facet's labels and counts), not from the files they
came from, so any change that reaches a page through any path (another entry's title in a
"serupa" list, a count, the day an entry turns stale) changes the page's key. The site key
covers everything else: our code, the templates, the settings. Files that are not
rendered pages (data, the browser index, feeds' neighbours, theme files) go through
`OutputPlan.write_bytes`, which keeps the old file when the new bytes are the same.

test_incremental compares incremental builds with clean builds byte for byte, and checks
that templates read no context value the fingerprint does not cover.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pelican.contents import Content, Page
from pelican.generators import Generator
from pelican.urlwrappers import URLWrapper
from pelican.writers import Writer
from pydantic import BaseModel

from katalog.content.facets import Facet, FacetSpec, FacetValue
from katalog.site import cache
from katalog.site.overrides import static_files, template_dirs

logger = logging.getLogger(__name__)

MANIFEST_FILE = "outputs.pickle"
PLAN_KEY = "KATALOG_OUTPUTS"  # settings key: this build's OutputPlan
# Context values that templates read besides the variables passed to each page; a test
# compares this list with the templates. `pages` is the navigation; `replication_views`
# is read for the article on the page only, `coverage` by static pages (the about page's
# line, set by generators.CatalogueGenerator); see `Fingerprints.read_from_context`.
COVERAGE_KEY = "coverage"
CONTEXT_VARIABLES = ("pages", "replication_views", COVERAGE_KEY)
# Settings that describe this run, not the site: they never change what a page shows.
RUN_SETTINGS = frozenset(
    {"OUTPUT_PATH", "KATALOG_STATE", "KATALOG_PRELOADED", "KATALOG_PROGRESS", "KATALOG_JOBS",
     "KATALOG_TARGET", "KATALOG_CACHE_DIR", "KATALOG_INDEX_DIR", PLAN_KEY}
)  # fmt: skip
LINK_ROOT = "/~katalog-root~"  # resolves bodies' links for fingerprints, independent of page depth
LARGE = 16  # sequences longer than this are fingerprinted once per build and reused


def _plain(value: Any) -> bool:
    if value is None or isinstance(value, bool | int | float | str):
        return True
    if isinstance(value, list | tuple):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def _digest_of_repr(value: Any) -> bytes:
    """Digest of the repr of a value built from dataclasses, pydantic models, containers,
    strings, numbers and dates: each of those shows its whole content in its repr, in a
    fixed order. An object that shows only its address would make a key change on every
    build (nothing would ever be kept), so it is refused."""
    text = repr(value)
    if " object at 0x" in text:
        msg = f"no stable fingerprint: {text[:200]}"
        raise TypeError(msg)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _shown_metadata(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """Metadata as fingerprinted: an innovation's model and entry are stood for by their
    content hash (model, Markdown body, facets, URL; the body's HTML follows from the code,
    which is in the site key), which the reader computed already."""
    skipped = {"reader", "entry", "innovation"} if "content_hash" in metadata else {"reader"}
    return {key: value for key, value in metadata.items() if key not in skipped}


def site_key(settings: Mapping[str, Any]) -> bytes:
    """What every output depends on: our code, the theme's templates, the site's settings."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(cache.code_version().encode())
    for templates in template_dirs(settings):
        for path in sorted(templates.rglob("*")) if templates.is_dir() else []:
            if path.is_file():
                digest.update(path.relative_to(templates).as_posix().encode() + b"\0" + path.read_bytes())
    for key in sorted(settings):
        if key not in RUN_SETTINGS and _plain(settings[key]):
            digest.update(f"{key}={settings[key]!r}\0".encode())
    return digest.digest()


class Fingerprints:
    """Digests of the values a template prints, memoised for one build.

    Objects are memoised by identity (and kept alive, so an identity is never reused);
    an article is fingerprinted once however many pages and feeds show it. A value of a
    type not handled here raises: a page must never be kept on a guess.
    """

    def __init__(self, context: Mapping[str, Any]) -> None:
        self.context = context
        self._memo: dict[int, tuple[object, bytes]] = {}

    def of(self, value: Any) -> bytes:
        digest = hashlib.blake2b(digest_size=16)
        self._feed(digest, value)
        return digest.digest()

    def _once(self, value: Any, compute: Callable[[], bytes]) -> bytes:
        found = self._memo.get(id(value))
        if found is None:
            found = self._memo[id(value)] = (value, compute())
        return found[1]

    def _feed(self, digest: Any, value: Any) -> None:
        update = digest.update
        if value is None or isinstance(value, bool | int | float | str):
            update(f"{type(value).__name__}:{value!r};".encode())
        elif isinstance(value, bytes):
            update(b"bytes:%d:" % len(value) + value)
        elif isinstance(value, dt.date):
            update(f"{type(value).__name__}:{value.isoformat()};".encode())
        elif isinstance(value, list | tuple):
            if len(value) > LARGE:
                update(self._once(value, lambda: self._sequence(value)))
            else:
                self._items(digest, value)
        elif isinstance(value, dict):
            update(b"{")
            for key in sorted(value, key=repr):
                self._feed(digest, key)
                self._feed(digest, value[key])
            update(b"}")
        elif isinstance(value, set | frozenset):
            self._feed(digest, sorted(value, key=repr))
        elif isinstance(value, Content):
            update(self._once(value, lambda: self._content(value)))
        elif isinstance(value, Facet):
            # What any template shows of a whole facet: its labels and each value's count
            # (the members of a value are printed only on that value's page, as `value`).
            update(self._once(value, lambda: self.of(self._facet_summary(value))))
        elif isinstance(value, FacetValue):  # holds articles, whose repr shows only an address
            self._items(digest, (value.link, value.entries, value.order))
        elif isinstance(value, URLWrapper):
            update(f"{type(value).__name__}:{value.name!r}:{value.slug!r};".encode())
        elif isinstance(value, BaseModel) or (
            dataclasses.is_dataclass(value) and not isinstance(value, type | FacetSpec)
        ):
            update(self._once(value, lambda: _digest_of_repr(value)))
        else:
            msg = f"no fingerprint for {type(value).__qualname__}; teach katalog.site.outputs.Fingerprints"
            raise TypeError(msg)

    def _items(self, digest: Any, items: list[Any] | tuple[Any, ...]) -> None:
        digest.update(b"[")
        for item in items:
            self._feed(digest, item)
        digest.update(b"]")

    def _sequence(self, items: list[Any] | tuple[Any, ...]) -> bytes:
        digest = hashlib.blake2b(digest_size=16)
        self._items(digest, items)
        return digest.digest()

    @staticmethod
    def _facet_summary(facet: Facet) -> tuple[Any, ...]:
        return (facet.key, facet.label, [(v.link, v.count) for v in facet.values])

    def read_from_context(self, content: Content) -> Any:
        """What the template of `content` reads from the shared context for it: an
        article's replication view; a static page's coverage line (static pages are few,
        so tying them all to it costs nothing)."""
        if isinstance(content, Page):
            return self.context.get(COVERAGE_KEY)
        return (self.context.get("replication_views") or {}).get(content.slug)

    def _content(self, content: Content) -> bytes:
        """An article or page: its metadata (model, view, ...), body, "serupa" list, and
        what its template reads for it from the context (`read_from_context`)."""
        category = getattr(content, "category", None)
        return _digest_of_repr(
            (
                type(content).__name__,
                content.save_as,
                content.url,
                _shown_metadata(content.metadata),
                # The body with {filename}/{static} links resolved against a fixed root: a
                # page changes when an entry it links to moves (its own URL is in `name`).
                content.get_content(LINK_ROOT),
                getattr(content, "similar", None),
                self.read_from_context(content),
                (category.name, category.slug) if category is not None else None,
            )
        )

    def navigation(self, pages: Iterable[Any]) -> bytes:
        """What every page shows of the static pages: the menu's links."""
        return self.of([(p.slug, p.title, p.url) for p in pages])


@dataclass
class OutputPlan:
    """This build's record of its outputs, and what it may keep from the previous build."""

    staging: Path  # where this build writes
    previous: Path | None  # the output folder being replaced, when its record is trusted
    old: dict[str, tuple[bytes, tuple[str, ...] | None]]  # path -> (key, links) of that build
    site: bytes
    fingerprints: Fingerprints | None = None
    outputs: dict[str, tuple[bytes, tuple[str, ...] | None]] = field(default_factory=dict)
    kept: set[str] = field(default_factory=set)
    written: int = 0
    finished: bool = False  # kept outputs are linked in; any kept from now on is linked at once

    def can_keep(self, name: str, key: bytes) -> bool:
        """Whether `keep(name, key)` would keep the old file (nothing is recorded)."""
        old = self.old.get(_posix(name))
        return (
            old is not None
            and old[0] == key
            and self.previous is not None
            and (self.previous / name).is_file()
        )

    def keep(self, name: str, key: bytes) -> bool:
        """Record `name`'s key; True (and the old file is kept) when the previous build
        wrote the same key there and the file is still in place."""
        name = _posix(name)
        old = self.old.get(name)
        if (
            old is not None
            and old[0] == key
            and self.previous is not None
            and (self.previous / name).is_file()
        ):
            self.outputs[name] = old
            self.kept.add(name)
            if self.finished:
                self._link(name)
            return True
        self.outputs[name] = (key, None)
        self.written += 1
        return False

    def write_bytes(self, name: str, data: bytes) -> None:
        """Write a file that is not a rendered page, unless the old one has the same bytes."""
        if self.keep(name, b"bytes:" + hashlib.blake2b(data, digest_size=16).digest()):
            return
        path = self.staging / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def write_text(self, name: str, text: str) -> None:
        self.write_bytes(name, text.encode("utf-8"))

    def links(self, name: str, read: Callable[[], list[str]]) -> list[str]:
        """The links of page `name`: the previous build's for a kept page, else `read()`."""
        key, links = self.outputs.get(name, (b"", None))
        if links is None:
            # Interned: pages repeat the same links (menu, facets, neighbours), and every
            # page's list is held until the build's record is saved.
            links = tuple(map(sys.intern, read()))
            self.outputs[name] = (key, links)
        return list(links)

    def finish(self) -> None:
        """Hard-link every kept output from the previous folder into the staging folder."""
        self.finished = True
        for name in sorted(self.kept):
            self._link(name)

    def _link(self, name: str) -> None:
        target = self.staging / name
        if self.previous is None or target.exists():
            return  # already in place (a static file linked before Pelican's copying)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(self.previous / name, target)


def _posix(name: str) -> str:
    return Path(os.path.normpath(name)).as_posix()


def _identity(folder: Path) -> tuple[int, int]:
    status = folder.stat()
    return status.st_dev, status.st_ino


def start_plan(settings: dict[str, Any]) -> OutputPlan:
    """The plan of this build: the previous record is trusted only for the same output
    folder (by inode, so a folder replaced by hand starts afresh) and the same code."""
    staging = Path(settings["OUTPUT_PATH"])
    target = Path(settings.get(cache.TARGET_KEY) or staging)
    stored = cache.load(cache.cache_dir(settings) / MANIFEST_FILE, cache.code_version())
    previous, old = None, {}
    if stored is not None and target != staging and target.is_dir() and stored[0] == _identity(target):
        previous, old = target, stored[1]
    plan = OutputPlan(staging, previous, old, site_key(settings))
    settings[PLAN_KEY] = plan
    return plan


def plan_of(settings: Mapping[str, Any]) -> OutputPlan | None:
    plan = settings.get(PLAN_KEY)
    return plan if isinstance(plan, OutputPlan) else None


def required_plan(settings: Mapping[str, Any]) -> OutputPlan:
    plan = plan_of(settings)
    if plan is None:
        msg = "katalog plugin not initialised: add 'katalog.site.plugin' to PLUGINS"
        raise TypeError(msg)
    return plan


def save_plan(plan: OutputPlan, settings: Mapping[str, Any], output: Path) -> None:
    """After the swap: remember what `output` now holds, for the next build."""
    outputs = {name: value for name, value in plan.outputs.items() if (output / name).is_file()}
    cache.save(cache.cache_dir(settings) / MANIFEST_FILE, cache.code_version(), (_identity(output), outputs))


class KeepingWriter(Writer):
    """Pelican's writer, skipping every page and feed whose fingerprint is unchanged."""

    def write_file(
        self, name: Any, template: Any, context: Any, relative_urls: bool = False, **kwargs: Any
    ) -> Any:
        plan = plan_of(self.settings)
        if plan is None or not name or self.settings.get("DEFAULT_PAGINATION"):
            return super().write_file(name, template, context, relative_urls, **kwargs)
        fingerprints = plan.fingerprints = plan.fingerprints or Fingerprints(context)
        variables = {k: v for k, v in kwargs.items() if k not in {"override_output", "url", "paginated"}}
        key = fingerprints.of(
            (plan.site, "page", name, template.name, relative_urls, variables)
        ) + fingerprints.navigation(context.get("pages", []))
        if plan.keep(name, key):
            return None
        return super().write_file(name, template, context, relative_urls, **kwargs)

    def write_feed(self, elements: Any, context: Any, path: Any = None, *args: Any, **kwargs: Any) -> Any:
        plan = plan_of(self.settings)
        if plan is None or not path:
            return super().write_feed(elements, context, path, *args, **kwargs)
        fingerprints = plan.fingerprints = plan.fingerprints or Fingerprints(context)
        site = (context.get("SITEURL"), context.get("FEED_DOMAIN"))
        key = fingerprints.of((plan.site, "feed", path, args, kwargs, site, list(elements)))
        if plan.keep(path, key):
            return None
        return super().write_feed(elements, context, path, *args, **kwargs)


def identity_css(colors: Mapping[str, str]) -> str:
    """The site's colours (``KATALOG_COLORS``, checked by `katalog.site.config`) as the
    theme's CSS custom properties, loaded after ``site.css``."""
    rules = "".join(
        f"  --{key.replace('_', '-')}: {value.lower()};\n" for key, value in sorted(colors.items())
    )
    return f":root {{\n{rules}}}\n"


def use_keeping_writer(pelican: Any) -> type[Writer]:
    """`get_writer` handler."""
    return KeepingWriter


class StaticFilesGenerator(Generator):
    """Theme files (``output/theme/``) through the plan, and unchanged content static files
    (the guide's images) kept from the previous build.

    Pelican's own StaticGenerator runs last and, with ``STATIC_CHECK_IF_MODIFIED``, copies
    only a file whose source is newer than what is in the output: a file linked here from
    the previous build has the same bytes and a modification time no older than its
    source, so Pelican leaves it; any other file it copies afresh (never through a link).
    """

    def generate_output(self, writer: Writer) -> None:
        plan = required_plan(self.settings)
        folder = self.settings.get("THEME_STATIC_DIR", "theme")
        for name, path in static_files(self.settings):
            plan.write_bytes(f"{folder}/{name}", path.read_bytes())
        colors = self.settings.get("KATALOG_COLORS")
        if colors:  # base.html links it only then; CSP forbids an inline <style>
            plan.write_text(f"{folder}/css/identitas.css", identity_css(colors))
        for static in self.context.get("staticfiles", []):
            self._keep_unchanged(plan, Path(self.path) / static.source_path, _posix(static.save_as))

    @staticmethod
    def _keep_unchanged(plan: OutputPlan, source: Path, name: str) -> None:
        old = plan.previous / name if plan.previous is not None else None
        if old is None or not old.is_file() or source.stat().st_mtime > old.stat().st_mtime:
            plan.written += 1
            return
        if old.stat().st_size != source.stat().st_size or old.read_bytes() != source.read_bytes():
            plan.written += 1
            return
        target = plan.staging / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(old, target)
        plan.kept.add(name)
