"""A build kept in memory: after an edit to innovation files, only what changed is redone.

`katalog devserver` used to run the whole atomic `katalog.site.build.build()` on every
save. At 10,000 entries that loads every entry from the build cache, makes 10,000 Pelican
articles, fingerprints every page, links the unchanged site into a new tree and deletes the
old one: half a minute or more for one edited summary. A `Session` runs that build once,
keeps what Pelican made (its settings, generators and shared context, every article, our
`BuildState` and the record of every output), and then handles a save in two steps:

1. **Show** (`Session._show`): re-read only the files whose stamp (time, size, inode)
   changed, validate everything (every file's stored problems and the cross-file checks,
   so an invalid save shows the error page exactly as a build would), render the edited
   entries' own pages and move them into ``output/``. The page the editor looks at reloads
   now, with the "serupa" list of the last complete site.
2. **Complete** (`Session._complete`): regroup the articles as Pelican's
   `ArticlesGenerator.generate_context` does, recompute "serupa" and the browser index in a
   child process (`katalog.site.relating`) that a newer save can stop at once, re-render
   every page whose fingerprint changed (`katalog.site.outputs`, with article digests kept
   across passes), write sitemap.xml and robots.txt, delete what is no longer built, check
   internal links. Then ``output/`` equals what a clean build of
   the same content writes, byte for byte (tests/test_session.py). The Whoosh index of
   `katalog search` is updated afterwards, on a thread of its own.

A newer save stops step 2 at its next check (between generators, or at once while the
child process computes); the next pass covers both saves. Files written by step 1 and 2
go through `katalog.site.inplace.InPlace`: until a pass completes, every replaced file is
kept and a failure (invalid content, a broken link, any exception) restores ``output/``
as it was, so the atomic promise of `katalog build` stands. Anything else changing falls
back to a full build: the taxonomy, a static page, an image, the theme, the settings, the
day (stale notes), the git history (modification dates), a `{static}` link in an entry.

Hazards: the objects captured from the build are mutated by later passes (articles are
replaced, the context is regrouped), so nothing else may hold on to them; a pass that
fails with anything but invalid content drops them, and the next save builds afresh.
"""

from __future__ import annotations

import gc
import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Collection, Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from types import SimpleNamespace
from typing import Any

from pelican import signals
from pelican.contents import Article, Content
from pelican.generators import ArticlesGenerator, PagesGenerator, StaticGenerator
from pelican.writers import Writer

from katalog.errors import ContentError
from katalog.site import cache
from katalog.site.build import BuildReport, build, build_locks, load_settings, tell_waiting
from katalog.site.inplace import InPlace
from katalog.site.links import check_internal_links
from katalog.site.lock import build_lock
from katalog.site.outputs import (
    MANIFEST_FILE,
    PLAN_KEY,
    Fingerprints,
    KeepingWriter,
    OutputPlan,
    StaticFilesGenerator,
    save_plan,
)
from katalog.site.related import corpus_key, index_dir
from katalog.site.relating import FOLDER, IndexUpdates, Related, Relating, Superseded
from katalog.site.replication_links import replication_group, sources_of
from katalog.site.replication_pages import CONTEXT_KEY, replication_views
from katalog.site.resident import Capture, Resident, git_log, scan_sources, similar_links
from katalog.site.state import taxonomy_path
from katalog.site.webfiles import robots_txt, sitemap_xml

logger = logging.getLogger("katalog")

# Files moved into output/ (None: all of it, by a full build); whether the site is complete.
Publish = Callable[[list[str] | None, bool], None]


def _never() -> bool:
    return False


def _nobody(names: list[str] | None, complete: bool) -> None:
    pass


class _FullBuild(Exception):  # noqa: N818 - a decision, not an error
    """This change needs the whole build (a `{static}` link moved)."""


# --- what each pass renders and keeps ---------------------------------------------------------


class _LastingFingerprints(Fingerprints):
    """`Fingerprints` whose article digests outlive one pass.

    An article's digest depends on the object (replaced when its file changes), its
    "serupa" list and its replication view (compared here; a static page's, on the coverage
    line), and on the URLs its body
    links to through Pelican's ``{filename}`` syntax: such bodies are digested every pass.
    """

    def __init__(self, context: Any, live: Resident) -> None:
        super().__init__(context)
        self._live = live
        self._menu: tuple[object, bytes] | None = None

    def _content(self, content: Content) -> bytes:
        similar = getattr(content, "similar", None)
        inputs = (None if similar is None else tuple(similar), self.read_from_context(content))
        found = self._live.lasting.get(id(content))
        if found is not None and found[0] is content and found[1] == inputs:
            return found[2]
        digest = super()._content(content)
        if not self._live.links_elsewhere(content):
            self._live.lasting[id(content)] = (content, inputs, digest)
        return digest

    def navigation(self, pages: Iterable[Any]) -> bytes:
        if self._menu is None or self._menu[0] is not pages:
            self._menu = (pages, super().navigation(pages))
        return self._menu[1]


@dataclass
class _PassPlan(OutputPlan):
    """The plan of a pass: a kept page's links need no check unless a file was deleted
    (they were all valid in the complete site, and every target is still there)."""

    every_link: bool = True

    def links(self, name: str, read: Callable[[], list[str]]) -> list[str]:
        if not self.every_link and name in self.kept:
            return []
        return super().links(name, read)


def _write_articles(gen: ArticlesGenerator, writer: Writer) -> None:
    """`ArticlesGenerator.generate_output`, without the tag, category and author pages
    whose ``*_SAVE_AS`` is empty: Pelican lists each one's articles anyway, scanning the
    whole list per article (3 s at 10,000 entries with one author), to write nothing."""
    gen.generate_feeds(writer)
    write = partial(writer.write_file, relative_urls=gen.settings["RELATIVE_URLS"])
    gen.generate_articles(write)
    gen.generate_period_archives(write)
    gen.generate_direct_templates(write)
    pages = {"TAG": gen.generate_tags, "CATEGORY": gen.generate_categories, "AUTHOR": gen.generate_authors}
    for kind, step in pages.items():
        if gen.settings.get(f"{kind}_SAVE_AS"):
            step(write)
    gen.generate_drafts(write)
    signals.article_writer_finalized.send(gen, writer=writer)


def _page_urls(names: Iterable[str], site_url: str) -> list[str]:
    """`webfiles.page_urls` from the names of the outputs instead of a walk of the folder."""
    base = site_url.rstrip("/")
    pages = sorted(PurePosixPath(n) for n in names if n == "index.html" or n.endswith("/index.html"))
    return [f"{base}/" if str(p.parent) == "." else f"{base}/{p.parent}/" for p in pages]


# --- the session -----------------------------------------------------------------------------


class Session:
    """A site built once, then brought up to date by passes over what changed."""

    def __init__(self, settings_file: Path, output: Path, overrides: dict[str, Any] | None = None) -> None:
        self.settings_file = settings_file
        self.output = output.resolve()
        self.overrides = dict(overrides or {})
        self._live: Resident | None = None
        self._changes = InPlace(self.output)
        self._index = IndexUpdates()
        self._record_stale = False  # the build's record of output/ was deleted by a pass
        self._lock = ExitStack()  # the output's build lock, held while output/ is unfinished
        self._locked = False
        self._unfinished = False  # files changed since the last complete pass

    @property
    def idle(self) -> bool:
        """Whether output/ is complete and the Whoosh index written."""
        return not self._unfinished and self._index.idle

    def build(self) -> BuildReport:
        """A full `katalog.site.build.build()`, keeping what it made for later passes."""
        self._abandon()
        self._live, self._unfinished = None, False
        settings = load_settings(self.settings_file, self.overrides)
        before = scan_sources(settings)  # before reading: a save during the build is seen later
        history = git_log(settings["PATH"])
        with Capture(self.output) as captured:
            report = build(self.settings_file, self.output, self.overrides)
        self._live = Resident.of(captured, before, self.output, history)
        self._live.forget_memoized_bodies()  # and the objects of the previous build
        gc.collect()  # what the previous build left in cycles, before the rest is frozen
        gc.freeze()  # the kept site is long-lived: out of the collector's sight
        return report

    def update(
        self,
        changed: Collection[Path] | None = None,
        publish: Publish = _nobody,
        interrupted: Callable[[], bool] = _never,
    ) -> BuildReport | None:
        """Bring output/ up to date after `changed` files changed (None: anything may have).

        `publish(names, complete)` is called each time files moved into output/. Returns
        None when `interrupted()` turned true before the site was complete: call again.
        Raises `ContentError` (output/ as the last complete site) like `build()`.
        """
        live = self._live
        if live is None or changed is None or not live.takes(changed):
            report = self.build()
            publish(None, True)
            return report
        started = time.perf_counter()
        self._hold(live.settings)
        try:
            if self._show(live, publish):
                self._unfinished = True
            elif not self._unfinished:
                return BuildReport(len(live.state.entries), 0, time.perf_counter() - started, self.output)
            return self._complete(live, publish, interrupted, started)
        except Superseded:
            return None
        except _FullBuild:
            report = self.build()
            publish(None, True)
            return report
        except ContentError:
            self._undo()
            raise
        except BaseException:
            self._undo()
            self._live = None  # whatever state the objects are in, the next save builds afresh
            raise
        finally:
            if not self._changes.open:
                self._release()

    def close(self) -> None:
        """Leave output/ complete (undoing an unfinished pass) with its record, the index written."""
        self._abandon()

    # -- step 1: show the edited pages ---------------------------------------------------------

    def _show(self, live: Resident, publish: Publish) -> bool:
        """Whether any innovation file changed (or disappeared) since the last pass."""
        now, sources = scan_sources(live.settings, live.gen.readers.extensions), live.sources
        changed = sorted(
            rel for rel, stamp in now.items() if rel not in sources or sources[rel].stamp != stamp
        )
        deleted = sorted(set(live.sources) - set(now))
        links_before = live.links([*deleted, *changed])
        for rel in [*deleted, *changed]:
            old = live.sources.get(rel)
            if old is not None and old.article is not None and old.article.get_static_links():
                raise _FullBuild
            live.forget(rel)
        fresh = [article for rel in changed if (article := live.read(rel, now[rel])) is not None]
        if any(article.get_static_links() for article in fresh):
            raise _FullBuild
        problems = live.problems(links_moved=live.links(changed) != links_before)
        if problems:
            raise ContentError(problems)
        if changed or deleted:
            live.forget_memoized_bodies()
        shown = [a for a in fresh if a.status in {"published", "hidden"}]
        if shown:
            publish(self._apply(lambda staging: self._render_entries(live, shown, staging)), False)
        return bool(changed or deleted)

    def _render_entries(self, live: Resident, articles: list[Article], staging: Path) -> None:
        """The edited entries' pages, with the last complete site's "serupa" lists."""
        gen, settings = live.gen, live.settings
        by_slug = live.published()
        views = gen.context.setdefault(CONTEXT_KEY, {})
        writer = Writer(str(staging), settings=settings)
        sources = sources_of(settings)
        for article in articles:
            if article.status == "published":  # as `index_and_relate` and `replication_views`
                article.similar = similar_links(live.related.get(article.slug, []), by_slug)
                group = replication_group(article, list(by_slug.values()), sources)
                views[article.slug] = replication_views(group, sources)[article.slug]
            signals.article_generator_write_article.send(gen, content=article)
            writer.write_file(
                article.save_as,
                gen.get_template(article.template),
                gen.context,
                relative_urls=settings["RELATIVE_URLS"],
                article=article,
                category=getattr(article, "category", None),
                override_output=hasattr(article, "override_save_as"),
                url=article.url,
                blog=True,
            )

    # -- step 2: complete the site -------------------------------------------------------------

    def _complete(
        self, live: Resident, publish: Publish, interrupted: Callable[[], bool], started: float
    ) -> BuildReport:
        settings, state, gen = live.settings, live.state, live.gen
        if interrupted():
            raise Superseded
        live.regroup()
        for other in live.generators:
            if not isinstance(other, ArticlesGenerator | PagesGenerator | StaticGenerator) and hasattr(
                other, "generate_context"
            ):
                other.generate_context()  # replication views, from the regrouped articles
        staging = Path(tempfile.mkdtemp(prefix=f".{self.output.name}-new-pass-", dir=self.output.parent))
        touched = self._changes.touched
        old = {name: value for name, value in live.outputs.items() if name not in touched}
        plan = _PassPlan(staging, self.output, old, live.site)
        plan.fingerprints = _LastingFingerprints(gen.context, live)
        settings[PLAN_KEY] = plan
        network_taxonomy = state.network and state.network.taxonomy
        key = corpus_key(state.indexed, taxonomy_path(settings), network_taxonomy, state.agencies)
        relating = (
            None
            if key == live.corpus
            else Relating(list(state.indexed), state.facet_taxonomy, plan, state.agencies)
        )
        try:
            related = self._render_site(live, plan, staging, relating, interrupted)
        except BaseException:
            if relating is not None:
                relating.stop()
            shutil.rmtree(staging, ignore_errors=True)
            raise
        deletions = (set(live.outputs) | touched) - set(plan.outputs)
        try:
            self._forget_record(settings)
            changed = self._changes.apply(staging, deletions)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        plan.every_link = any(name not in plan.outputs for name in changed)
        check_internal_links(SimpleNamespace(output_path=str(self.output), settings=settings))  # type: ignore[arg-type]
        self._changes.close()
        self._unfinished = False
        live.outputs, live.related, live.corpus = dict(plan.outputs), related, key
        self._index.submit(state.indexed, index_dir(settings))
        publish(changed, True)
        pages = sum(1 for name in plan.outputs if name.endswith(".html"))
        seconds = time.perf_counter() - started
        logger.info(
            "katalog: %s inovasi, %s berkas diganti, %.2f s", len(state.entries), len(changed), seconds
        )
        return BuildReport(len(state.entries), pages, seconds, self.output, 0, plan.written, len(plan.kept))

    def _render_site(
        self,
        live: Resident,
        plan: _PassPlan,
        staging: Path,
        relating: Relating | None,
        interrupted: Callable[[], bool],
    ) -> Related:
        """Every output but the static files into `staging` (unchanged ones kept), once the
        "serupa" lists are known (every article's digest includes its list); the lists."""
        settings, gen = live.settings, live.gen
        related = live.related
        if relating is None:
            for name, (file_key, _) in live.outputs.items():
                if name.startswith(f"{FOLDER}/"):
                    plan.keep(name, file_key)
        else:
            related, files, kept = relating.result(interrupted)
            plan.outputs.update(files)
            plan.kept |= kept
            plan.written += len(files) - len(kept)
        by_slug = {a.slug: a for a in gen.articles}
        for article in gen.articles:
            article.similar = similar_links(related.get(article.slug, []), by_slug)
        writer = KeepingWriter(str(staging), settings=settings)
        for generator in live.generators:
            if isinstance(generator, StaticGenerator | StaticFilesGenerator):
                continue  # static files only change with a full build
            if interrupted():
                raise Superseded
            if generator is gen:
                _write_articles(gen, writer)
            else:
                generator.generate_output(writer)
        theme = f"{settings.get('THEME_STATIC_DIR', 'theme')}/"
        for name, value in live.outputs.items():
            if name.startswith(theme) and name not in plan.outputs:
                plan.outputs[name] = value  # the theme's files, written only by a full build
                plan.kept.add(name)
        site_url = settings["KATALOG_PUBLIC_URL"]
        plan.write_text("sitemap.xml", sitemap_xml(_page_urls(plan.outputs, site_url)))
        plan.write_text("robots.txt", robots_txt(site_url))
        return related

    # -- output/ and its record ----------------------------------------------------------------

    def _apply(self, render: Callable[[Path], None]) -> list[str]:
        staging = Path(tempfile.mkdtemp(prefix=f".{self.output.name}-new-pass-", dir=self.output.parent))
        try:
            render(staging)
            if self._live is not None:
                self._forget_record(self._live.settings)
            return self._changes.apply(staging)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _forget_record(self, settings: dict[str, Any]) -> None:
        """Before output/ changes: the build's record of it would no longer be true."""
        if not self._record_stale:
            (cache.cache_dir(settings) / MANIFEST_FILE).unlink(missing_ok=True)
            self._record_stale = True

    def _undo(self) -> None:
        if self._changes.open:
            self._changes.rollback()

    def _hold(self, settings: dict[str, Any]) -> None:
        """Take the locks `katalog build` takes on this output and index (a build started in
        another terminal waits) and keep them until output/ is complete or restored."""
        if not self._locked:
            self._lock.enter_context(build_lock(build_locks(settings), None, tell_waiting))
            self._locked = True

    def _release(self) -> None:
        self._lock.close()
        self._locked = False

    def _abandon(self) -> None:
        """Back to the last complete site, its record saved, no index update running."""
        self._index.wait()
        self._undo()
        self._release()
        live = self._live
        if live is not None and self._record_stale:
            record = OutputPlan(self.output, None, {}, live.site, outputs=dict(live.outputs))
            save_plan(record, live.settings, self.output)
            self._record_stale = False
