"""Read every innovation file once per build, on every core, reusing unchanged files' work.

For each file: the validated `Entry` (or its problems) and the entry's analysed search
document (`index.IndexedDoc`), which the Whoosh writer, the browser index and "Inovasi
serupa" share. The previous build's results are kept in the build cache, keyed by each
file's modification time, size and inode; the cache as a whole is keyed by the code
version, the taxonomy and the analyzer, so a change to any of them reads everything again.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from whoosh.fields import Schema

from katalog.content.taxonomy import Taxonomy
from katalog.content.validate import LoadResult, load_entries, load_entry
from katalog.search.documents import IndexedDoc, build_schema, index_version, indexed_document
from katalog.site import cache

PARALLEL_FROM = 100  # files to read from which reading is spread over every core
CACHE_FILE = "entries.pickle"

Stamp = tuple[int, int, int]


@dataclass(frozen=True)
class ReadResult:
    loaded: LoadResult
    indexed: IndexedDoc | None  # None when the file is invalid


def key_of(path: Path | str) -> str:
    """A file's key in the results: its absolute path (no symlink resolution: a system
    call per file, 60,000 of them in a 10,000-entry build, for no difference here)."""
    return os.path.abspath(path)  # noqa: PTH100 - resolve() is the system call avoided here


def stamp(path: Path) -> Stamp:
    status = path.stat()
    return status.st_mtime_ns, status.st_size, status.st_ino


@functools.cache
def _schema() -> Schema:
    return build_schema()


def read_one(path: Path, taxonomy: Taxonomy, agency: str | None = None) -> ReadResult:
    """Validate one file and, when valid, analyse its search document (`agency`: the
    site's, which publishes the entry)."""
    loaded = load_entry(path, taxonomy)
    indexed = indexed_document(loaded.entry, taxonomy, _schema(), agency=agency) if loaded.entry else None
    return ReadResult(loaded, indexed)


def cache_version(taxonomy_file: Path, agency: str | None = None) -> str:
    digest = hashlib.sha256(taxonomy_file.read_bytes() if taxonomy_file.is_file() else b"")
    if agency is not None:  # every search document names it (`documents.AGENCY_FIELD`)
        digest.update(b"\0" + agency.encode("utf-8"))
    return f"{cache.code_version()}/{index_version()}/{digest.hexdigest()[:16]}"


def read_all(
    paths: list[Path],
    taxonomy: Taxonomy,
    jobs: int | None,
    folder: Path | None,
    taxonomy_file: Path,
    agency: str | None = None,
) -> dict[str, tuple[Stamp, ReadResult]]:
    """`key_of(path)` -> (stamp, result) of every path; unchanged files come from the cache
    in `folder` (None: no cache), the rest are read on `jobs` processes (None: one per
    core from `PARALLEL_FROM` files, as starting processes costs more for a few files).
    `agency` publishes the entries (`read_one`).

    The collector is off meanwhile: everything made here lives until the build ends (the
    plugin freezes it after reading), and at 10,000 entries each full collection would
    traverse millions of objects for no garbage."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _read_all(paths, taxonomy, jobs, folder, taxonomy_file, agency)
    finally:
        if enabled:
            gc.enable()


def _read_all(
    paths: list[Path],
    taxonomy: Taxonomy,
    jobs: int | None,
    folder: Path | None,
    taxonomy_file: Path,
    agency: str | None,
) -> dict[str, tuple[Stamp, ReadResult]]:
    version = cache_version(taxonomy_file, agency)
    stored = (cache.load(folder / CACHE_FILE, version) if folder else None) or {}
    stamps = {key_of(path): stamp(path) for path in paths}
    results = {key: stored[key] for key, now in stamps.items() if key in stored and stored[key][0] == now}
    todo = [path for path in paths if key_of(path) not in results]
    workers = jobs or ((os.cpu_count() or 1) if len(todo) >= PARALLEL_FROM else 1)
    per_file = functools.partial(read_one, agency=agency)  # a partial of a module-level function pickles
    for path, result in zip(todo, load_entries(todo, taxonomy, workers, per_file), strict=True):
        key = key_of(path)
        results[key] = (stamps[key], result)
    if folder is not None and (todo or len(stored) != len(results)):
        cache.save(folder / CACHE_FILE, version, results)
    return results
