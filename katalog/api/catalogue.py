"""What the API serves: one *generation* of the last build (its Whoosh reader and open data),
replaced by the next one when a build has finished.

A build changes the index in place (Whoosh commits a new table of contents and deletes the
segments it merged; a rebuild from scratch empties the folder) and then swaps `output/` in
one `renameat2`. A reader that opened between those steps would pair a new index with old
records, and one that opened during a rebuild from scratch would find no index at all. So
a new generation is opened only when

- the build's files say a build finished: the index's ``KATALOG_VERSION`` and
  ``KATALOG_FILES`` (written after every commit) and ``data/inovasi.json`` exist, and
  their *stamp* (inode, mtime, size, the table of contents' name) differs from the open one;
- no build holds the index's lock (`katalog.site.lock`: a build holds it from start to swap);
- the stamp is still the same once everything is open (else a build moved on meanwhile).

Until then the old generation keeps answering, and the new one ranks the searches clients
made last (its page cache warmed for a few seconds) before it replaces it. The old reader
stays valid after the build has deleted or replaced its files: Whoosh maps each segment
into memory when it opens it, and Linux keeps a deleted file's pages while they are mapped.
A request holds the generation it started with, so a swap never changes the index under a
running query; the old one is freed when the last request using it ends. A generation that
fails to open (damage, a build killed half-way) is logged once per stamp, the old one kept.

No Starlette here: this is the data side, tested and benchmarked without a server.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from katalog.api.params import ApiError, unknown_facet_value
from katalog.api.spec import FACETS
from katalog.api.statistics import RememberingStatistics
from katalog.content.facets import UNKNOWN_LABEL, UNKNOWN_SLUG
from katalog.content.model import slugify
from katalog.errors import UsageError
from katalog.search import ranking
from katalog.search.analysis import default_synonyms, use_site_lists
from katalog.search.documents import FUZZY_FIELD
from katalog.search.index import FILES_FILE
from katalog.search.query import VERSION_FILE, Hit, Page, open_for_search, ranked_page
from katalog.site.lock import is_held

logger = logging.getLogger("katalog.api")
POLL_SECONDS = 0.5  # how soon a finished build is served
CACHED_PAGES = 4096  # result pages kept per generation (popular queries repeat)
WARM_SEARCHES = 500  # a new generation ranks the old one's latest searches before it serves...
WARM_SECONDS = 5.0  # ...for at most this long (the old one keeps answering meanwhile)
INDEX_FACETS = ("unit", "bidang", "jenis", "tahun", "status")  # stored in the index
RECORD_KEYS = {"unit": "unit", "bidang": "category", "jenis": "kind", "tahun": "year", "status": "status"}
Stamp = tuple[Any, ...]


@dataclass(frozen=True)
class Sources:
    """Where one site's build output is, and what its settings say about it."""

    index: Path  # the Whoosh index folder (KATALOG_INDEX_DIR)
    output: Path  # the published site (OUTPUT_PATH)
    agency: str = ""  # KATALOG_AGENCY: the instansi of the site's own entries
    public_url: str = ""  # KATALOG_PUBLIC_URL, for hits whose record is not (yet) published
    protected: Path | None = None  # the site's word lists (KATALOG_PROTECTED_WORDS, KATALOG_SYNONYMS)
    synonyms: Path | None = None

    @property
    def records(self) -> Path:
        return self.output / "data" / "inovasi.json"

    def to_json(self) -> str:
        """For worker processes, which get their sources through the environment."""
        fields = {"agency": self.agency, "public_url": self.public_url}
        paths = {
            "index": self.index,
            "output": self.output,
            "protected": self.protected,
            "synonyms": self.synonyms,
        }
        return json.dumps({**fields, **{k: str(v) if v is not None else None for k, v in paths.items()}})

    @classmethod
    def from_json(cls, text: str) -> Sources:
        found = json.loads(text)
        paths = {
            k: Path(found[k]) if found[k] is not None else None
            for k in ("index", "output", "protected", "synonyms")
        }
        return cls(agency=found["agency"], public_url=found["public_url"], **paths)  # type: ignore[arg-type]

    @property
    def lock(self) -> Path:
        """The index's build lock (`katalog.site.build.build_locks`)."""
        return self.index.with_name(self.index.name + ".lock")


def _file_stamp(path: Path) -> tuple[int, int, int]:
    found = path.stat()
    return found.st_ino, found.st_mtime_ns, found.st_size


def stamp(sources: Sources) -> Stamp | None:
    """What identifies the finished build's files; None while they are not all there."""
    try:
        tocs = sorted(p.name for p in sources.index.iterdir() if p.name.endswith(".toc"))
        return (
            _file_stamp(sources.index / VERSION_FILE),
            _file_stamp(sources.index / FILES_FILE),
            tuple(tocs),
            _file_stamp(sources.records),
        )
    except OSError:
        return None


def build_running(sources: Sources) -> bool:
    """Whether a build holds the index's lock now."""
    return is_held(sources.lock)


@dataclass
class FacetValue:
    slug: str
    label: str
    docs: set[int] = field(default_factory=set)


class Generation:
    """One build's index reader, statistics, records and facets, opened together.

    Queries on one generation run one at a time (`_lock`): a Whoosh reader's files keep a
    read position, and the work is pure Python, so threads would not run it faster.
    """

    def __init__(self, sources: Sources, found: Stamp) -> None:
        self.stamp = found
        self.id = hashlib.blake2b(repr(found).encode(), digest_size=6).hexdigest()
        self.opened = dt.datetime.now(dt.UTC).replace(microsecond=0)
        self._index = open_for_search(sources.index)
        self.reader = self._index.reader()
        self.stats = RememberingStatistics(self.reader)
        for name in (*ranking.FIELD_BOOSTS, FUZZY_FIELD):
            self.stats.average_length(name)  # read every length column now, not in a request
        self.stats.read_lexicon(FUZZY_FIELD)  # and the typo part's words
        if sources.protected is not None and sources.synonyms is not None:
            use_site_lists(sources.protected, sources.synonyms)
        self.synonyms = default_synonyms()  # as the build that wrote this index read them
        records = json.loads(sources.records.read_text(encoding="utf-8"))
        self.records: dict[str, dict[str, Any]] = {r["slug"]: r for r in records}
        self.public_url = sources.public_url.rstrip("/")
        self.facets, self.instansi_of = self._facets(sources.agency)
        self.entries = self.reader.doc_count()
        self._lock = threading.Lock()
        self._pages: OrderedDict[tuple[Any, ...], Page] = OrderedDict()

    def _facets(self, agency: str) -> tuple[dict[str, dict[str, FacetValue]], dict[str, str | None]]:
        """Each facet's values (slug, label, documents), from the index's stored facet slugs
        (what a Whoosh facet filter matches) labelled from the published records."""
        facets: dict[str, dict[str, FacetValue]] = {name: {} for name in FACETS}
        instansi_of: dict[str, str | None] = {}
        for doc in self.reader.all_doc_ids():
            stored = self.reader.stored_fields(doc)
            record = self.records.get(stored["slug"], {})
            for name in INDEX_FACETS:
                slugs = [s.strip() for s in stored.get(name, "").split(",") if s.strip()]
                labels = record.get(RECORD_KEYS[name])
                labels = labels if isinstance(labels, list) else [labels] * len(slugs)
                for slug, label in zip(slugs, [*labels, *[None] * len(slugs)], strict=False):
                    value = facets[name].setdefault(slug, FacetValue(slug, _label(slug, label)))
                    value.docs.add(doc)
            name = record.get("agency") or agency
            slug = slugify(name) if name else UNKNOWN_SLUG
            value = facets["instansi"].setdefault(slug, FacetValue(slug, name or UNKNOWN_LABEL))
            value.docs.add(doc)
            instansi_of[stored["slug"]] = slug
        return facets, instansi_of

    def allowed(self, filters: dict[str, str]) -> set[int] | None:
        """Documents having every facet value of `filters`; None when there are none.

        Raises `ApiError` 422 for a value this generation does not have.
        """
        sets = []
        for name, value in filters.items():
            values = self.facets[name]
            if value not in values:
                raise unknown_facet_value(name, value, sorted(values))
            sets.append(values[value].docs)
        if not sets:
            return None
        return set.intersection(*sorted(sets, key=len))

    def search(self, q: str, filters: dict[str, str], limit: int, offset: int) -> Page:
        """The ranking of `katalog search` (`query.ranked_page`), pages kept for repeats."""
        allowed = self.allowed(filters)
        key = (q, tuple(sorted(filters.items())), limit, offset)
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
                return page
            page = ranked_page(self.reader, q, limit, offset, self.synonyms, allowed, self.stats)
            self._pages[key] = page
            if len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
            return page

    def recent_searches(self, count: int) -> list[tuple[Any, ...]]:
        """The keys of the `count` pages most recently asked for, latest first."""
        with self._lock:
            return list(reversed(self._pages))[:count]

    def warm(self, keys: list[tuple[Any, ...]], seconds: float) -> int:
        """Rank `keys` (another generation's `recent_searches`) for at most `seconds`, so the
        searches clients are making do not all start cold after a build; how many were."""
        deadline = time.monotonic() + seconds
        done = 0
        for q, filters, limit, offset in keys:
            if time.monotonic() > deadline:
                break
            with contextlib.suppress(ApiError):  # a facet value the new build no longer has
                self.search(q, dict(filters), limit, offset)
                done += 1
        return done

    def hit(self, hit: Hit) -> dict[str, Any]:
        """A hit as the API answers it: absolute URL (the record's) and instansi added."""
        record = self.records.get(hit.slug)
        url = record["url"] if record else f"{self.public_url}/{hit.url}"
        found = {"slug": hit.slug, "title": hit.title, "url": url, "score": hit.score}
        return {**found, "unit": hit.unit, "year": hit.year, "instansi": self.instansi_of.get(hit.slug)}

    def facet_counts(self) -> dict[str, list[dict[str, Any]]]:
        """Every facet's values, most entries first, then by slug."""
        return {
            name: [
                {"slug": v.slug, "label": v.label, "count": len(v.docs)}
                for v in sorted(values.values(), key=lambda v: (-len(v.docs), v.slug))
            ]
            for name, values in self.facets.items()
        }


def _label(slug: str, label: object) -> str:
    if slug == UNKNOWN_SLUG:
        return UNKNOWN_LABEL
    return str(label) if label not in (None, "") else slug


def check_sources(sources: Sources) -> int:
    """The number of entries in the index; `UsageError` when no build wrote the index or the
    open data there, `SearchIndexError` when the index cannot be read."""
    entries = open_for_search(sources.index).doc_count()
    if not sources.records.is_file():
        msg = f"data terbuka '{sources.records}' belum ada; jalankan `make html` dahulu"
        raise UsageError(msg)
    return entries


class Catalogue:
    """The generation being served, and a watcher that opens the next one (see the module)."""

    def __init__(self, sources: Sources, poll: float = POLL_SECONDS) -> None:
        self.sources = sources
        self.poll = poll
        self.failed: str | None = None  # why the last attempt to open a new generation failed
        self._failed_stamp: Stamp | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        found = stamp(sources)
        if found is None:
            self.current = self._open_first()
        else:
            self.current = Generation(sources, found)

    def _open_first(self) -> Generation:
        """At start-up: open what is there, or say what is missing (`check_sources`)."""
        check_sources(self.sources)
        # Some build file is missing (an index from before KATALOG_FILES, a build running):
        # serve what opens, with a stamp no finished build has, so the next one replaces it.
        return Generation(self.sources, (time.time_ns(),))

    def refresh(self) -> bool:
        """Open the build's new generation if one has finished; True when it was swapped in."""
        found = stamp(self.sources)
        if found is None or found == self.current.stamp or found == self._failed_stamp:
            return False
        if build_running(self.sources):
            return False
        try:
            generation = Generation(self.sources, found)
        except Exception as exc:
            self._failed_stamp, self.failed = found, f"{type(exc).__name__}: {exc}"
            logger.warning("katalog api: indeks baru belum dapat dibuka (%s); yang lama tetap dipakai", exc)
            return False
        warmed = generation.warm(self.current.recent_searches(WARM_SEARCHES), WARM_SECONDS)
        if stamp(self.sources) != found:
            return False  # a build moved on while this one was opening: open the next one
        self.current, self.failed, self._failed_stamp = generation, None, None
        logger.info(
            "katalog api: generasi %s dibuka (%s inovasi, %s pencarian dihangatkan)",
            generation.id,
            generation.entries,
            warmed,
        )
        return True

    def _watch(self) -> None:
        while not self._stop.wait(self.poll):
            try:
                self.refresh()
            except Exception:  # the watcher must outlive any surprise; the old generation serves
                logger.exception("katalog api: pemeriksaan generasi baru gagal")

    def start(self) -> None:
        """Watch for new generations in a daemon thread until `stop`."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="katalog-api-watch", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @contextlib.contextmanager
    def watching(self) -> Iterator[Catalogue]:
        self.start()
        try:
            yield self
        finally:
            self.stop()
