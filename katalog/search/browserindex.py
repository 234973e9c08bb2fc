"""The browser's search index, exported from the Whoosh index's statistics.

Written at build time right after the Whoosh index is updated, into ``output/cari/indeks/``:

- ``manifest.json`` — small: document count, average field lengths, field boosts, the
  ranking constants of `katalog.search.ranking`, the analyzer version with its word lists (stop
  words, protected words, bound prefixes), the synonyms (in file order, which fixes the
  order of query parts), and the maps below.
- ``t/*.json`` — postings split into shards of contiguous ranges of the sorted term list
  (the manifest lists each shard's first term), so a query downloads only its terms'
  shards. A term maps field -> flat ``[doc gap, frequency, field length, ...]``.
  Shards are ranges of the sorted term list: their boundaries are term prefixes, and a
  frequent term gets a shard of its own.
- ``k/*.json`` — the unstemmed words of field ``kata`` a word of one first letter and
  length may be one edit from (length -> sorted words, for the length and its two
  neighbours), for typo matching; while a word is typed, the browser fetches them a few
  keys ahead.
- ``d/*.json`` — stored fields for result lists, `DOCS_PER_SHARD` documents per file, or
  all of them in one file when they are small (`DOCS_ONE_FILE_BYTES`).
- ``f/*.json`` — per facet, value slug -> document gaps; fetched only when filtering.
- ``w/*.json`` — warm bundles: every file of one kind (``k``, ``d``, then ``t``)
  as ``{path: content}``, for each kind that still fits `WARM_BUDGET_BYTES` (gzip) after
  those before it. The page fetches them when it is idle, so a small catalogue's queries
  need no download at all; the files themselves stay for pages that have not got them yet.

Terms are Whoosh's already-analysed terms, never re-derived from the Markdown. Documents are
numbered in slug order and every file is written with sorted keys under a numbered name,
so a rebuild of unchanged content writes identical bytes; the manifest's ``build`` digest
(appended by the browser as ``?v=``) keeps caches from mixing builds.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from katalog.content.facets import FACETS, UNKNOWN_LABEL, UNKNOWN_SLUG
from katalog.content.taxonomy import Taxonomy
from katalog.search import ranking
from katalog.search.analysis import (
    BOUND_PREFIXES,
    STOP_WORDS,
    analyzer_version,
    default_protected,
    default_synonyms,
)
from katalog.search.documents import AGENCY_FIELD, FILTER_FIELDS, FUZZY_FIELD
from katalog.search.index import open_index
from katalog.search.postings import field_postings

FORMAT_VERSION = 2
CLIENT_DIR = Path("cari") / "indeks"
MANIFEST = "manifest.json"
# Raw JSON per postings shard: total / SHARD_COUNT_GOAL, kept between the two bounds, so a
# small catalogue still splits into a few dozen shards and a large one into ~5 KB gzip files.
# A term larger than the target gets a shard of its own.
SHARD_COUNT_GOAL = 32
SHARD_MIN_BYTES = 2_000
SHARD_MAX_BYTES = 16_000
DOCS_PER_SHARD = 8  # small: a result page touches up to 20 documents spread over the corpus
# Below this (raw JSON of every document), one file holds them all: a result page then costs
# one request instead of one per hit, for fewer bytes than the 8-document files it touches.
DOCS_ONE_FILE_BYTES = 96_000
# What the page may prefetch when idle, in gzip bytes: about one first query of Pagefind's
# (bench/search_size.py), so that at a few hundred entries the whole index is in memory.
WARM_BUDGET_BYTES = 160_000
# In order of use: typo words (each long word), documents (each hit), postings shards (each
# term). Facet files are left out: filtering is a choice made once, not a key typed.
WARM_KINDS = ("k", "d", "t")
# A kind whose raw JSON is above this cannot fit the budget (JSON compresses less than 8x):
# its text is not kept for a bundle.
WARM_RAW_LIMIT = 8 * WARM_BUDGET_BYTES


def dumps(value: Any) -> str:
    """Compact JSON with sorted keys: identical input gives identical bytes."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class _Files:
    """Writes numbered files under the export folder; a digest of all of them names the build.

    Names are short numbers, not content hashes, because the manifest lists every shard:
    at 10 000 entries that list is thousands long. Caches are kept honest by the ``build``
    digest, which the browser appends to every fetch (``?v=``).
    """

    def __init__(self, write: Callable[[str, bytes], None]) -> None:
        self._write = write
        self.counts: dict[str, int] = {}
        self.digest = hashlib.sha256()
        # Folder -> (name, text) of each file, for a warm bundle; dropped past WARM_RAW_LIMIT.
        self.texts: dict[str, list[tuple[str, str]] | None] = {}
        self._sizes: dict[str, int] = {}

    def write(self, folder: str, text: str) -> str:
        number = self.counts.get(folder, 0)
        self.counts[folder] = number + 1
        name = f"{folder}/{number}.json"
        data = text.encode("utf-8")
        self.digest.update(name.encode() + b"\0" + data + b"\0")
        self._write(name, data)
        self._sizes[folder] = self._sizes.get(folder, 0) + len(data)
        kept = self.texts.setdefault(folder, [])
        if kept is not None and folder in WARM_KINDS:
            if self._sizes[folder] <= WARM_RAW_LIMIT:
                kept.append((name, text))
            else:
                self.texts[folder] = None  # too large for any bundle: free the texts
        return name


def _gaps(numbers: Iterable[int]) -> list[int]:
    previous, gaps = 0, []
    for number in sorted(numbers):
        gaps.append(number - previous)
        previous = number
    return gaps


def _pieces(stats: ranking.WholeStatistics, doc_id: dict[int, int]) -> tuple[dict[str, str], list[str]]:
    """term -> its entry in a postings shard, and the terms of the typo field (`FUZZY_FIELD`).

    An entry is `dumps` of ``{term: {field: [doc gap, frequency, length, ...]}}`` without
    its braces, for live documents numbered by `doc_id` (slug order). Written straight
    from the arrays, a term's slice at a time: the postings as Python ints would be
    millions of objects at 10,000 entries.
    """
    row_of = {doc: row for row, doc in enumerate(stats.live)}
    number = np.zeros(len(row_of), dtype=np.int64)
    number[list(row_of.values())] = [doc_id[doc] for doc in row_of]
    parts: dict[str, list[str]] = {}
    kata: list[str] = []
    for field in sorted([*ranking.FIELD_BOOSTS, FUZZY_FIELD]):  # an entry's keys, as `dumps` sorts them
        arrays = field_postings(stats, field, row_of)
        ids = number[arrays.docs]
        term_of = np.repeat(np.arange(len(arrays.terms)), arrays.doc_frequencies)
        order = np.lexsort((ids, term_of))
        ids = ids[order]
        gaps = np.diff(ids, prepend=0)
        firsts = arrays.starts[:-1][arrays.doc_frequencies > 0]
        gaps[firsts] = ids[firsts]  # each term's first document counts from 0
        flat = np.stack([gaps, arrays.freqs[order], arrays.lengths[order]], axis=1).ravel()
        starts = arrays.starts.tolist()
        key = dumps(field) + ":["
        for index, term in enumerate(arrays.terms):
            values = flat[3 * starts[index] : 3 * starts[index + 1]].tolist()
            parts.setdefault(term, []).append(key + ",".join(map(str, values)) + "]")  # as `dumps`
        if field == FUZZY_FIELD:
            kata = list(arrays.terms)
    pieces = {term: dumps(term) + ":{" + ",".join(parts.pop(term)) + "}" for term in list(parts)}
    return pieces, kata


def _shards(pieces: dict[str, str], files: _Files) -> list[str]:
    """Cut the sorted terms into shards of about the target size: shard i is ``t/<i>.json``
    and holds the terms from its first term (listed) up to the next shard's first term.

    `pieces` are the terms' entries (`_pieces`); a shard is its terms' entries joined,
    which is exactly `dumps` of the shard (keys sorted, compact separators)."""
    ordered = sorted(pieces)
    sizes = {term: len(pieces[term].encode("utf-8")) + 2 for term in ordered}  # as dumps({term: ...})
    target = min(SHARD_MAX_BYTES, max(SHARD_MIN_BYTES, sum(sizes.values()) // SHARD_COUNT_GOAL))
    shards: list[str] = []
    current: list[str] = []
    size = 0
    for term in ordered:
        entry_size = sizes[term]
        if current and size + entry_size > target:
            files.write("t", "{" + ",".join(pieces[t] for t in current) + "}")
            shards.append(current[0])
            current, size = [], 0
        current.append(term)
        size += entry_size
    if current:
        files.write("t", "{" + ",".join(pieces[t] for t in current) + "}")
        shards.append(current[0])
    return shards


def _kata_words(kata: list[str], files: _Files) -> dict[str, str]:
    """ "<first letter>:<length>" -> file of the typo field's words a query word of that
    letter and length may be one edit from: ``{length: sorted words}`` for the length and
    the lengths one shorter and one longer.

    By length because a word one edit away is at most one letter longer or shorter: a query
    word needs a few small lists, not its whole letter (at 10,000 entries a letter is up to
    40 KB gzipped); the three in one file because a query then asks for one file a word, not
    three. Each list is written in three files; gzip finds the repeats of neighbouring files
    in a warm bundle. Files start at length FUZZY_MIN_LENGTH - 2: the browser reads which
    letters follow a word being typed from the lengths just above it (`cari.js` anticipate).
    """
    groups: dict[str, dict[int, list[str]]] = {}
    for term in sorted(kata):
        groups.setdefault(term[0], {}).setdefault(len(term), []).append(term)
    written = {}
    for letter, by_length in groups.items():
        for length in range(ranking.FUZZY_MIN_LENGTH - 2, max(by_length) + 2):
            near = {str(n): by_length[n] for n in (length - 1, length, length + 1) if n in by_length}
            if near:
                written[f"{letter}:{length}"] = files.write("k", dumps(near))
    return written


def facet_labels(taxonomy: Taxonomy, agencies: Mapping[str, str] | None = None) -> dict[str, dict[str, str]]:
    """Facet key -> value slug -> display label (years are their own label); with
    `agencies` (a network's, slug -> name), the agencies' too: results then name theirs."""
    labels: dict[str, dict[str, str]] = {}
    for spec in FACETS:
        terms = getattr(taxonomy, spec.vocabulary).terms if spec.vocabulary else []
        labels[spec.key] = {UNKNOWN_SLUG: UNKNOWN_LABEL, **{t.slug: t.label for t in terms}}
    if agencies:
        labels[AGENCY_FIELD] = {UNKNOWN_SLUG: UNKNOWN_LABEL, **agencies}
    return labels


def _documents(stored: list[dict[str, Any]], files: _Files) -> dict[str, int]:
    """Write document ``i`` into ``d/<i // per_file>.json``; the number of files and per_file."""
    docs = []
    for fields in stored:
        doc = {key: fields.get(key, "") for key in ("slug", "title", "url", "summary")}
        doc.update({key: [v for v in fields.get(key, "").split(",") if v] for key in FILTER_FIELDS})
        docs.append(doc)
    per_file = DOCS_PER_SHARD
    if len(dumps(docs).encode("utf-8")) <= DOCS_ONE_FILE_BYTES:
        per_file = max(len(docs), 1)
    for start in range(0, len(docs), per_file):
        files.write("d", dumps(docs[start : start + per_file]))
    return {"files": files.counts.get("d", 0), "per_file": per_file}


def _warm(files: _Files) -> list[list[str]]:
    """Write the warm bundles that fit `WARM_BUDGET_BYTES`: [[kind, file], ...], in order.

    A bundle is ``{path: content}`` of every file of its kind, the files' own texts joined in
    the order written (numbered, so deterministic). Sizes are counted gzipped, as a server
    sends them.
    """
    bundles: list[list[str]] = []
    spent = 0
    for kind in WARM_KINDS:
        texts = files.texts.get(kind)
        if not texts:
            continue
        text = "{" + ",".join(dumps(name) + ":" + body for name, body in texts) + "}"
        size = len(gzip.compress(text.encode("utf-8"), 6, mtime=0))
        if spent + size > WARM_BUDGET_BYTES:
            continue
        spent += size
        # A kind of one file is its own bundle: the page warms that file.
        bundles.append([kind, texts[0][0] if len(texts) == 1 else files.write("w", text)])
    return bundles


def _facets(stored: list[dict[str, Any]], files: _Files) -> dict[str, str]:
    """Facet key -> file of value slug -> document gaps."""
    result = {}
    for key in FILTER_FIELDS:
        members: dict[str, list[int]] = {}
        for doc, fields in enumerate(stored):
            for value in fields.get(key, "").split(","):
                if value:
                    members.setdefault(value, []).append(doc)
        result[key] = files.write("f", dumps({value: _gaps(docs) for value, docs in members.items()}))
    return result


def _settings(stats: ranking.WholeStatistics) -> dict[str, Any]:
    """Everything the browser needs to analyse and rank exactly as `katalog.search.ranking`."""
    fields = [*ranking.FIELD_BOOSTS, FUZZY_FIELD]
    return {
        "analysis": {
            "bound_prefixes": sorted(BOUND_PREFIXES),
            "protected": sorted(default_protected()),
            "stop_words": sorted(STOP_WORDS),
            "version": analyzer_version(),
        },
        "average_lengths": {field: stats.average_length(field) for field in fields},
        "boosts": ranking.FIELD_BOOSTS,
        "doc_count": stats.doc_count,
        "fields": list(ranking.FIELD_BOOSTS),
        "ranking": {
            "b": ranking.B,
            "coordination": ranking.COORDINATION,
            "fuzzy_boost": ranking.FUZZY_BOOST,
            "fuzzy_field": FUZZY_FIELD,
            "fuzzy_min_length": ranking.FUZZY_MIN_LENGTH,
            "k1": ranking.K1,
            "synonym_boost": ranking.SYNONYM_BOOST,
        },
        # A list, not an object: file order decides the order of query parts.
        "synonyms": [[acronym, expansions] for acronym, expansions in default_synonyms().items()],
    }


def export_client_index(
    index_dir: Path, target: Path, taxonomy: Taxonomy, agencies: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Write the browser's index for the Whoosh index in `index_dir` into `target`; the manifest."""
    if target.exists():
        shutil.rmtree(target)

    def write(name: str, data: bytes) -> None:
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    with open_index(index_dir).searcher() as searcher:
        stats = ranking.WhooshStatistics(searcher.reader())
        stored = {d: stats.reader.stored_fields(d) for d in stats.live}
        return export_statistics(stats, stored, taxonomy, write, agencies)


def export_statistics(
    stats: ranking.WholeStatistics,
    stored_fields: dict[int, dict[str, Any]],
    taxonomy: Taxonomy,
    write: Callable[[str, bytes], None],
    agencies: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """`export_client_index` from statistics at hand (the build's own, shared with "Inovasi
    serupa"; `stored_fields` maps each live document to its stored fields); the manifest.
    `write(name, data)` stores one file, `name` relative to the export folder; `agencies`
    (slug -> name) labels the ``instansi`` values, in a network."""
    files = _Files(write)
    by_slug = sorted(stats.live, key=lambda d: stored_fields[d]["slug"])
    doc_id = {docnum: number for number, docnum in enumerate(by_slug)}
    stored = [stored_fields[d] for d in by_slug]
    pieces, kata = _pieces(stats, doc_id)
    manifest = {
        **_settings(stats),
        "docs": _documents(stored, files),
        "facets": {"files": _facets(stored, files), "labels": facet_labels(taxonomy, agencies)},
        "format": FORMAT_VERSION,
        "kata": _kata_words(kata, files),
        "shards": _shards(pieces, files),
    }
    manifest["warm"] = _warm(files)
    manifest["build"] = hashlib.sha256(files.digest.digest() + dumps(manifest).encode()).hexdigest()[:16]
    write(MANIFEST, dumps(manifest).encode("utf-8"))
    return manifest
