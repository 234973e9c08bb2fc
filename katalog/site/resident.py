"""A build kept resident in memory, and its innovation files brought up to date one by one.

`katalog.site.session` runs the atomic `katalog.site.build.build()` once and keeps what
Pelican made (`Capture`): its settings, generators and shared context, every article, our
`BuildState` and the record of every output. `Resident` holds those objects and does, for
the files that changed, what Pelican's `ArticlesGenerator.generate_context` does for all of
them: find the files (`scan_sources`, as `Generator.get_files`), read one (`Resident.read`,
through the same readers and signals), and group the articles again (`Resident.regroup`).

Hazards: Pelican memoizes each content's body with its ``{filename}`` links resolved, for
the life of the process and keyed by the object (`forget_memoized_bodies`), and these
objects are mutated by every pass: nothing else may hold on to them.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import re
import subprocess
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.contents import Article, Content, SkipStub
from pelican.generators import ArticlesGenerator, Generator
from pelican.utils import order_content, process_translations

from katalog.content.crossfile import cross_file_problems
from katalog.content.facets import Link
from katalog.content.freshness import today
from katalog.content.validate import Entry
from katalog.errors import Problem
from katalog.search.documents import IndexedDoc
from katalog.site import cache
from katalog.site.outputs import required_plan
from katalog.site.reading import Stamp
from katalog.site.related import corpus_key
from katalog.site.relating import Related
from katalog.site.state import BuildState, state_of, taxonomy_path

logger = logging.getLogger("katalog")


# --- finding the innovation files, as Pelican's ArticlesGenerator.get_files does ---------------


def scan_sources(settings: dict[str, Any], extensions: Collection[str] | None = None) -> dict[str, Stamp]:
    """Stamp of every innovation file, keyed by its path relative to ``PATH`` (Pelican's
    `Generator.get_files`: ``ARTICLE_PATHS``, ``ARTICLE_EXCLUDES``, ``IGNORE_FILES``).

    Plain strings and `os.scandir`, not `Path`: this runs on every save, over every file.
    """
    base = Path(settings["PATH"])
    ignored = ignoring(settings["IGNORE_FILES"])
    excluded = {str(base / e) for e in settings.get("ARTICLE_EXCLUDES", [])}
    found: dict[str, Stamp] = {}

    def wanted(name: str) -> bool:
        return not ignored(name) and (extensions is None or extension(name) in extensions)

    def walk(folder: str, relative: str) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            if entry.is_dir():
                if entry.path not in excluded and not ignored(entry.name):
                    walk(entry.path, f"{relative}{os.sep}{entry.name}")
            elif wanted(entry.name):
                try:
                    status = entry.stat()
                except OSError:  # deleted while walking
                    continue
                stamp = (status.st_mtime_ns, status.st_size, status.st_ino)
                found[f"{relative}{os.sep}{entry.name}"] = stamp

    for path in settings["ARTICLE_PATHS"]:
        root = base / path if path else base
        if root.is_dir():
            walk(str(root), os.path.relpath(root, base))
    return found


def git_log(folder: str) -> Path | None:
    """The reflog git appends to at every commit and checkout, when `folder` is a checkout."""
    try:
        found = subprocess.run(
            ["git", "-C", folder, "rev-parse", "--absolute-git-dir"],
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(found) / "logs" / "HEAD"


def file_stamp(path: Path | None) -> tuple[int, int] | None:
    try:
        status = path.stat() if path is not None else None
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_size) if status is not None else None


# --- what a build leaves behind --------------------------------------------------------------


@dataclass
class Source:
    """One innovation file as last read: None for what it did not yield."""

    stamp: Stamp | None
    article: Article | None = None  # None: skipped (invalid, a draft left out, unreadable)
    entry: Entry | None = None
    doc: IndexedDoc | None = None
    problems: tuple[Problem, ...] = ()


class Capture:
    """Receives the generators and the Pelican object of the build into `output`.

    Connected for one build only, not in `katalog.site.plugin.register`: nothing but a
    session wants the build's objects after it ends. Builds into other folders (tests run
    several in one process) are told apart by their target.
    """

    def __init__(self, output: Path) -> None:
        self.output = str(output)
        self.generators: list[Generator] | None = None
        self.pelican: Any = None

    def _on_generators(self, generators: list[Generator]) -> None:
        if generators and generators[0].settings.get(cache.TARGET_KEY) == self.output:
            self.generators = generators

    def _on_finalized(self, pelican: Any) -> None:
        if pelican.settings.get(cache.TARGET_KEY) == self.output:
            self.pelican = pelican

    def __enter__(self) -> Capture:
        signals.all_generators_finalized.connect(self._on_generators, weak=False)
        signals.finalized.connect(self._on_finalized, weak=False)
        return self

    def __exit__(self, *exc: object) -> None:
        signals.all_generators_finalized.disconnect(self._on_generators)
        signals.finalized.disconnect(self._on_finalized)


CONTEXT_ITEMS = (
    "articles",
    "drafts",
    "hidden_articles",
    "dates",
    "tags",
    "categories",
    "authors",
    "related_posts",
)


def articles_of(gen: ArticlesGenerator) -> list[Article]:
    return [
        *gen.articles, *gen.translations, *gen.hidden_articles, *gen.hidden_translations,
        *gen.drafts, *gen.drafts_translations,
    ]  # fmt: skip


@dataclass
class Resident:
    """Everything a pass works on: the build's objects, kept up to date by each pass."""

    pelican: Any
    generators: list[Generator]
    gen: ArticlesGenerator
    sources: dict[str, Source]
    outputs: dict[str, tuple[bytes, tuple[str, ...] | None]]  # the complete site in output/
    site: bytes
    related: Related  # "serupa" of the complete site
    corpus: str
    environment: tuple[Any, ...]
    history: Path | None  # git's reflog of the content's checkout
    lasting: dict[int, tuple[Content, tuple[Any, Any], bytes]] = field(default_factory=dict)
    elsewhere: dict[int, tuple[Content, bool]] = field(default_factory=dict)
    crossfile: list[Problem] = field(default_factory=list)  # as last found (none after a build)

    @property
    def settings(self) -> dict[str, Any]:
        return self.pelican.settings

    @property
    def state(self) -> BuildState:
        return state_of(self.settings)

    @classmethod
    def of(cls, captured: Capture, before: dict[str, Stamp], output: Path, history: Path | None) -> Resident:
        pelican, generators = captured.pelican, captured.generators
        if pelican is None or generators is None:
            msg = "the build's generators were not seen (is katalog.site.plugin in PLUGINS?)"
            raise RuntimeError(msg)
        settings = pelican.settings
        gen = next(g for g in generators if isinstance(g, ArticlesGenerator))
        state, plan = state_of(settings), required_plan(settings)
        doc_of = {id(entry): doc for entry, doc in zip(state.entries, state.indexed, strict=True)}
        readable = gen.readers.extensions
        sources = {r: Source(stamp) for r, stamp in before.items() if extension(Path(r).name) in readable}
        for article in articles_of(gen):
            rel = os.path.relpath(article.source_path, gen.path)
            entry = getattr(article, "entry", None)
            sources[rel] = Source(before.get(rel), article, entry, doc_of.get(id(entry)))
        return cls(
            pelican,
            generators,
            gen,
            sources,
            {name: value for name, value in plan.outputs.items() if (output / name).is_file()},
            plan.site,
            {a.slug: [link.slug for link in getattr(a, "similar", None) or []] for a in gen.articles},
            corpus_key(
                state.indexed,
                taxonomy_path(settings),
                state.network and state.network.taxonomy,
                state.agencies,
            ),
            environment_of(settings, history),
            history,
        )

    def alive(self) -> set[int]:
        """Identities of every content object the site is made of now."""
        context = self.gen.context
        pages = [*context.get("pages", []), *context.get("hidden_pages", []), *context.get("draft_pages", [])]
        return {id(s.article) for s in self.sources.values() if s.article is not None} | {
            id(p) for p in pages
        }

    def links_elsewhere(self, content: Content) -> bool:
        """Whether the body links to other content with Pelican's ``{filename}`` syntax (so
        it depends on their URLs); worked out once per object."""
        found = self.elsewhere.get(id(content))
        if found is None or found[0] is not content:
            body = getattr(content, "_content", None) or ""
            found = self.elsewhere[id(content)] = (
                content,
                bool(content._get_intrasite_link_regex().search(body)),
            )
        return found[1]

    def forget_memoized_bodies(self) -> None:
        alive = self.alive()
        self.elsewhere = {k: v for k, v in self.elsewhere.items() if k in alive}
        self.lasting = {k: v for k, v in self.lasting.items() if k in alive}
        forget_memoized_bodies(alive, self.links_elsewhere)

    def takes(self, changed: Collection[Path]) -> bool:
        """Whether a pass can handle these changed files: innovation files (and files no
        build reads), on the same day and git history; anything else needs a full build."""
        if environment_of(self.settings, self.history) != self.environment:
            return False
        settings = self.settings
        content = Path(settings["PATH"]).absolute()
        ignored, extensions = ignoring(settings["IGNORE_FILES"]), self.gen.readers.extensions
        linked = self.gen.context.get("static_links", set())
        for path in changed:
            if ignored(path.name):
                continue  # editors' lock and swap files
            if not path.absolute().is_relative_to(content):
                return False  # the theme, the settings, a taxonomy kept elsewhere
            rel = path.absolute().relative_to(content)
            if not in_article_paths(rel, settings):
                return False  # the taxonomy, a static page, an image, the word lists
            if extension(rel.name) not in extensions and rel.as_posix() in linked:
                return False  # a file an entry links to with {static}
        return True

    # -- reading ------------------------------------------------------------------------------

    def read(self, rel: str, stamp: Stamp) -> Article | None:
        """Read one file as `ArticlesGenerator.generate_context` does; remember what it gave."""
        gen, state = self.gen, self.state
        state.entries, state.indexed, state.problems = [], [], []
        article: Any
        try:
            article = gen.readers.read_file(
                base_path=gen.path,
                path=rel,
                content_class=Article,
                context=gen.context,
                preread_signal=signals.article_generator_preread,
                preread_sender=gen,
                context_signal=signals.article_generator_context,
                context_sender=gen,
            )
        except Exception:
            logger.exception("Could not process %s", rel)  # Pelican's words: the build goes on
            gen._add_failed_source_path(rel)
            article = None
        if isinstance(article, SkipStub):
            article = None
        elif article is not None and not article.is_valid():
            gen._add_failed_source_path(rel)
            article = None
        if article is not None:
            gen.add_source_path(article)
            gen.add_static_links(article)
            article.refresh_metadata_intersite_links()
        entry, doc = (state.entries[0], state.indexed[0]) if state.entries else (None, None)
        self.sources[rel] = Source(stamp, article, entry, doc, tuple(state.problems))
        return article

    def forget(self, rel: str) -> None:
        self.sources.pop(rel, None)
        self.gen.context["generated_content"].pop(Path(rel).as_posix(), None)

    def links(self, rels: Iterable[str]) -> dict[str, tuple[str, str | None]]:
        """Slug and `based_on` of the entries of `rels`: all the cross-file checks look at."""
        found = {}
        for rel in rels:
            entry = self.sources[rel].entry if rel in self.sources else None
            if entry is not None:
                found[rel] = (entry.slug, entry.innovation.based_on)
        return found

    def problems(self, links_moved: bool = True) -> list[Problem]:
        """What a build would stop on: every file's problems, then the cross-file ones.

        The cross-file checks (`cross_file_problems`) run again only when a slug or a
        `based_on` moved (`links_moved`) or they found problems last time: an edit to a
        summary cannot make two slugs clash or an original disappear.
        """
        ordered = [self.sources[rel] for rel in sorted(self.sources)]
        found = [problem for source in ordered for problem in source.problems]
        if links_moved or self.crossfile:
            self.crossfile = cross_file_problems([s.entry for s in ordered if s.entry is not None])
        return found + self.crossfile

    # -- regrouping ---------------------------------------------------------------------------

    def regroup(self) -> None:
        """The end of `ArticlesGenerator.generate_context`, over the articles at hand, and our
        `BuildState` lists; Pelican's quadratic `process_translations` only when needed."""
        gen, settings, state = self.gen, self.settings, self.state
        by_status: dict[str, list[Article]] = {"published": [], "hidden": [], "draft": []}
        state.entries, state.indexed, state.problems = [], [], []
        for rel in sorted(self.sources):
            source = self.sources[rel]
            if source.entry is not None and source.doc is not None:
                state.entries.append(source.entry)
                state.indexed.append(source.doc)
            if source.article is not None and source.article.status in by_status:
                by_status[source.article.status].append(source.article)
        translation, order = settings["ARTICLE_TRANSLATION_ID"], settings["ARTICLE_ORDER_BY"]
        gen.articles, gen.translations = originals(by_status["published"], translation, order)
        gen.hidden_articles, gen.hidden_translations = originals(by_status["hidden"], translation, order)
        gen.drafts, gen.drafts_translations = originals(by_status["draft"], translation, order)
        signals.article_generator_pretaxonomy.send(gen)
        categories: dict[Any, list[Article]] = defaultdict(list)
        tags: dict[Any, list[Article]] = defaultdict(list)
        authors: dict[Any, list[Article]] = defaultdict(list)
        for article in gen.articles:
            if hasattr(article, "category"):
                categories[article.category].append(article)
            for tag in getattr(article, "tags", []):
                tags[tag].append(article)
            for author in getattr(article, "authors", []):
                authors[author].append(article)
        gen.dates = sorted(gen.articles, key=attrgetter("date"), reverse=gen.context["NEWEST_FIRST_ARCHIVES"])
        gen.period_archives = gen._build_period_archives(gen.dates, gen.articles, settings)
        gen.categories = sorted(categories.items(), reverse=settings["REVERSE_CATEGORY_ORDER"])
        gen.tags = tags
        gen.authors = sorted(authors.items())
        gen._update_context(CONTEXT_ITEMS)
        gen.context["period_archives"] = gen.period_archives
        signals.article_generator_finalized.send(gen)

    def published(self) -> dict[str, Article]:
        """Slug -> article of every listed entry (`generate_context`'s ``articles``)."""
        articles = (s.article for s in self.sources.values() if s.article is not None)
        return {a.slug: a for a in articles if a.status == "published"}


def originals(items: list[Article], translation_id: Any, order_by: Any) -> tuple[list[Article], list[Any]]:
    """`process_translations` then `order_content`, as `generate_context` calls them; when
    every item has its own translation id (always, once the slugs are checked unique), the
    result is the items sorted by that id, none a translation, which takes no quadratic scan."""
    if isinstance(translation_id, str):
        key = attrgetter(translation_id)
        items.sort(key=key)
        if len({key(item) for item in items}) == len(items):
            for item in items:
                item.translations = []
            return order_content(list(items), order_by), []
    if not translation_id:
        return order_content(items, order_by), []
    originals, translations = process_translations(items, translation_id=translation_id)
    return order_content(originals, order_by), translations


def environment_of(settings: dict[str, Any], history: Path | None) -> tuple[Any, ...]:
    """What pages depend on besides the files: the day (stale notes) and the git history."""
    return today(settings), file_stamp(history)


def similar_links(slugs: Iterable[str], by_slug: dict[str, Article]) -> list[Link]:
    """An article's "serupa" links, as `related.index_and_relate` gives them."""
    return [
        Link(slug, by_slug[slug].innovation.title, f"inovasi/{slug}/") for slug in slugs if slug in by_slug
    ]


def forget_memoized_bodies(alive: Collection[int], links_elsewhere: Callable[[Content], bool]) -> None:
    """Drop what Pelican memoized of replaced contents and of bodies that link to others.

    `Content.get_content` and `get_summary` are memoized for the life of the process, in one
    dictionary per method keyed by the object itself: a body's ``{filename}`` links stay
    resolved to the URLs of the first rendering, and every content object ever made stays
    alive. A clean build makes new objects; a session keeps its objects, so it drops those
    entries before each pass (and those of the objects it no longer holds).
    """
    for method in (Content.get_content, Content.get_summary):
        memo = getattr(method, "cache", None)
        if not isinstance(memo, dict):
            continue
        for key in [k for k in memo if id(k[0]) not in alive or links_elsewhere(k[0])]:
            del memo[key]


def ignoring(patterns: Iterable[str]) -> Callable[[str], bool]:
    """Whether a name matches any of `patterns`, as `fnmatch` decides, with one expression
    (four `fnmatch` calls per file cost a tenth of a second at 10,000 entries)."""
    expression = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns) or r"(?!)")
    return lambda name: expression.match(name) is not None


def extension(name: str) -> str:
    """What `os.path.splitext` gives (without the dot), as Pelican matches readers."""
    stem, dot, extension = name.rpartition(".")
    return extension if dot and stem.strip(".") else ""


def in_article_paths(rel: Path, settings: dict[str, Any]) -> bool:
    """Whether `rel` (relative to ``PATH``) lies where `scan_sources` looks."""
    parts = rel.parts
    excluded = {Path(os.path.normpath(e)).parts for e in settings.get("ARTICLE_EXCLUDES", [])}
    for path in settings["ARTICLE_PATHS"]:
        root = Path(os.path.normpath(path)).parts if path else ()
        if parts[: len(root)] != root or len(parts) == len(root):
            continue
        folders = parts[len(root) : -1]
        if any(parts[: len(root) + i + 1] in excluded for i in range(len(folders))):
            continue
        if not any(map(ignoring(settings["IGNORE_FILES"]), folders)):
            return True
    return False
