"""The Whoosh index of the catalogue, kept in ``.katalog/whoosh/`` and updated incrementally.

Each document carries a content hash (the model's JSON, the Markdown body, the facet slugs,
the URL and the analyzer version), so an update rewrites only the entries that changed and
a build where nothing changed opens nothing for writing. A change of schema or analyzer
(protected words, stop words, algorithm) rebuilds from scratch: Whoosh pickles the
analyzer into the index, so old terms and a new query chain would silently disagree.

The index is derived data, so damage is never fatal to a build: every write ends with a
list of the index's files, their sizes and digests (``KATALOG_FILES``). An index whose
files no longer match it (truncated, overwritten, deleted: a full disk, a killed writer,
a copy from another machine), or that Whoosh cannot read, is discarded and rebuilt, and
the report says why so the build can print one warning line.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh import scoring
from whoosh.analysis import Analyzer
from whoosh.fields import Schema
from whoosh.index import LockError
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte

from katalog.content.taxonomy import Taxonomy
from katalog.content.validate import Entry
from katalog.search.documents import (
    ANALYSED_FIELDS,
    LENGTH_MARK,
    URL_PATTERN,
    Analysed,
    IndexedDoc,
    LengthOnly,
    build_schema,
    index_version,
    indexed_document,
)
from katalog.search.postings import FieldPostings

DEFAULT_INDEX_DIR = Path(".katalog") / "whoosh"
VERSION_FILE = "KATALOG_VERSION"
FILES_FILE = "KATALOG_FILES"  # name -> [size, digest] of every index file after the last write
_NOT_LISTED = {VERSION_FILE, FILES_FILE}
SITE_TAXONOMY = Path("content") / "taxonomy.yaml"  # the site's, relative to where the command runs


def scorer() -> scoring.WeightingModel:
    """BM25F, Whoosh's default, named so index and search agree on it."""
    return scoring.BM25F()


@dataclass
class IndexReport:
    """What an update did; `changed` is False when no file was written."""

    rebuilt: bool = False
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    repaired: str = ""  # why a damaged index was discarded before this rebuild ("" if none was)

    @property
    def changed(self) -> bool:
        return self.rebuilt or bool(self.added or self.updated or self.removed)


def _stored_version(index_dir: Path) -> str | None:
    """The version the index in `index_dir` was written with; None when there is none (or
    it was written before indexes listed their files: an older engine's, rebuilt quietly)."""
    if not (index_dir / FILES_FILE).is_file():
        return None
    try:
        return (index_dir / VERSION_FILE).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None


def _listing(index_dir: Path) -> dict[str, list[int | str]]:
    """Size and digest of every file Whoosh keeps in `index_dir` (not its lock files)."""
    files = {}
    for path in sorted(index_dir.iterdir()):
        if path.name in _NOT_LISTED or path.name.endswith("LOCK") or not path.is_file():
            continue
        with path.open("rb") as stream:
            digest = hashlib.file_digest(stream, lambda: hashlib.blake2b(digest_size=16)).hexdigest()
        files[path.name] = [path.stat().st_size, digest]
    return files


def _record_files(index_dir: Path) -> None:
    (index_dir / FILES_FILE).write_text(json.dumps(_listing(index_dir), indent=0) + "\n", encoding="utf-8")


def damage(index_dir: Path) -> str | None:
    """Why the index in `index_dir` cannot be trusted as written (None: it can).

    Compares the files with the list written after the last successful write, so a
    truncated or overwritten segment is caught before Whoosh reads it, not by a reader's
    error (or, worse, wrong results) later.
    """
    try:
        recorded = json.loads((index_dir / FILES_FILE).read_text(encoding="utf-8"))
        present = _listing(index_dir)
    except (OSError, ValueError) as exc:
        return f"daftar berkasnya tidak dapat dibaca ({type(exc).__name__})"
    if not isinstance(recorded, dict):
        return "daftar berkasnya rusak"
    for name, expected in sorted(recorded.items()):
        found = present.get(name)
        if found is None:
            return f"{name} hilang"
        if found[0] != expected[0]:
            return f"ukuran {name} berubah ({expected[0]} → {found[0]} bita)"
        if found != expected:
            return f"isi {name} berubah"
    if not whoosh_index.exists_in(str(index_dir)):
        return "daftar isinya (TOC) tidak ada"
    return None


# Whoosh's posting pool; above it, it sorts runs through temporary files. A rebuild pools
# only the few postings of the unanalysed fields (slug, hash, facets: a few MB at 10,000
# entries), an update those of the changed documents.
WRITER_MEMORY_MB = 32
Postings = Mapping[str, FieldPostings]  # analysed field -> its postings, rows numbered as the documents


def _rebuild(
    index_dir: Path, docs: dict[str, IndexedDoc], version: str, postings: Postings | None = None
) -> IndexReport:
    """Empty the folder and write every document: used for new indexes and version changes."""
    if index_dir.exists():
        shutil.rmtree(index_dir)
    index_dir.mkdir(parents=True)
    ix = whoosh_index.create_in(str(index_dir), build_schema())
    with ix.writer(limitmb=WRITER_MEMORY_MB) as writer:
        _known_lengths(writer, list(docs.values()))
        writer.pool = _KnownPostings(writer.pool, list(docs.values()), writer.schema, postings)
        for doc in docs.values():
            writer.add_document(**doc.whoosh_fields(lengths_only=True))
    _record_files(index_dir)
    (index_dir / VERSION_FILE).write_text(version + "\n", encoding="utf-8")
    return IndexReport(rebuilt=True, added=sorted(docs))


class _KnownLengths:
    """A per-document reader answering field lengths from the analysed documents.

    At commit, Whoosh's codec asks for the length of the document of *every* posting (for
    its blocks' length bounds) and reads each from the column file just written: at 10,000
    entries that is millions of seeks. The lengths are known already; the answer is the
    same (the stored byte's length), anything else goes to Whoosh's own reader.
    """

    def __init__(self, reader: object, lengths: dict[str, list[int]]) -> None:
        self._reader = reader
        self._lengths = lengths

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        known = self._lengths.get(fieldname)
        if known is None:
            return self._reader.doc_field_length(docnum, fieldname, default)  # type: ignore[attr-defined]
        return known[docnum] or None  # as Whoosh: no length byte, no length

    def __getattr__(self, name: str) -> object:
        return getattr(self._reader, name)


def _known_lengths(writer: object, docs: list[IndexedDoc]) -> None:
    """Give a new index's writer the lengths of `docs`, numbered 0.. in adding order."""
    lengths = {
        name: [byte_to_length(length_to_byte(doc.analysed[name].length)) for doc in docs]
        for name in ANALYSED_FIELDS
    }
    own = writer.per_document_reader  # type: ignore[attr-defined]
    writer.per_document_reader = lambda: _KnownLengths(own(), lengths)  # type: ignore[attr-defined]


class _KnownPostings:
    """Whoosh's posting pool for a new index, given the analysed fields' postings in order.

    Whoosh collects every posting of every document in a pool, sorts them all (through
    temporary files past its memory limit) and hands them to the codec in (field, term,
    document) order. The analysed fields' postings are known already, and the build holds
    them grouped by term (`postings.FieldPostings`), so they are produced in that order
    directly; the pool keeps only the few others (slug, hash, facets), and the two sorted
    streams are merged. The index is the same (test_analysed compares every block).
    """

    def __init__(
        self, pool: object, docs: list[IndexedDoc], schema: Schema, postings: Postings | None = None
    ) -> None:
        self._pool = pool
        self._docs = docs
        self._schema = schema
        self._postings = postings

    def add(self, item: tuple[str, bytes, int, float, bytes]) -> None:
        if item[0] in ANALYSED_FIELDS:
            if item[1] != LENGTH_MARK:
                msg = f"posting of {item[0]!r} not from LengthOnly: {item[1]!r}"
                raise ValueError(msg)
            return
        self._pool.add(item)  # type: ignore[attr-defined]

    def _arrays(self, name: str) -> FieldPostings:
        if self._postings is not None and name in self._postings:
            return self._postings[name]
        docs = [doc.analysed for doc in self._docs]
        return FieldPostings.of_documents(docs, name, [0] * len(docs))

    def _known(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        for name in sorted(ANALYSED_FIELDS):
            arrays = self._arrays(name)
            boost = self._schema[name].format.field_boost
            rows, freqs, starts = arrays.docs, arrays.freqs, arrays.starts.tolist()
            for number, term in enumerate(arrays.terms):
                text = term.encode("utf-8")
                begin, end = starts[number], starts[number + 1]
                # One term's slice at a time: the whole field as Python ints would be
                # millions of objects at 10,000 entries.
                for row, freq in zip(rows[begin:end].tolist(), freqs[begin:end].tolist(), strict=True):
                    yield name, text, row, freq * boost, pack_uint(freq)

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        return heapq.merge(self._pool.iter_postings(), self._known())  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self._pool, name)


def _stored_hashes(ix: whoosh_index.Index) -> dict[str, str]:
    with ix.searcher() as searcher:
        return {f["slug"]: f["content_hash"] for f in searcher.all_stored_fields()}


def update_index(
    entries: list[Entry],
    index_dir: Path = DEFAULT_INDEX_DIR,
    taxonomy: Taxonomy | None = None,
    url_pattern: str = URL_PATTERN,
) -> IndexReport:
    """Bring the index in `index_dir` in line with `entries`: add, update, delete, or nothing.

    `taxonomy` turns unit/category/kind names into facet slugs; None reads the project's
    ``content/taxonomy.yaml`` (pass the build's own taxonomy when there is one).
    """
    taxonomy = taxonomy or Taxonomy.load(SITE_TAXONOMY)
    schema = build_schema()
    return update_index_with([indexed_document(e, taxonomy, schema, url_pattern) for e in entries], index_dir)


def update_index_with(
    indexed: list[IndexedDoc], index_dir: Path = DEFAULT_INDEX_DIR, postings: Postings | None = None
) -> IndexReport:
    """`update_index` for documents already analysed (the build analyses while it reads).

    A missing index, or one of another version, is rebuilt; a damaged one too, with the
    reason in `IndexReport.repaired`. `postings`, when given, are the analysed fields'
    postings of `indexed` (document `i` in row `i`: `FieldPostings.of_documents`), which a
    rebuild then takes instead of gathering them again.
    """
    version = index_version()
    docs = {doc.slug: doc for doc in indexed}
    if len(docs) != len(indexed):
        postings = None  # a repeated slug: rows no longer follow the documents
    if _stored_version(index_dir) != version:
        return _rebuild(index_dir, docs, version, postings)
    why = damage(index_dir)
    if why is None:
        try:
            return _update(whoosh_index.open_dir(str(index_dir)), docs, index_dir, postings)
        except LockError:
            raise  # another writer: not damage (the build lock makes this a programmer error)
        except Exception as exc:  # whatever Whoosh fails on, the index is rebuilt
            why = f"Whoosh tidak dapat membacanya ({type(exc).__name__}: {exc})"
    report = _rebuild(index_dir, docs, version, postings)
    report.repaired = why
    return report


def _update(
    ix: whoosh_index.Index, docs: dict[str, IndexedDoc], index_dir: Path, postings: Postings | None = None
) -> IndexReport:
    old = _stored_hashes(ix)
    report = IndexReport(
        added=sorted(set(docs) - set(old)),
        updated=sorted(s for s in set(docs) & set(old) if docs[s].fields["content_hash"] != old[s]),
        removed=sorted(set(old) - set(docs)),
    )
    report.unchanged = len(docs) - len(report.added) - len(report.updated)
    if report.changed:
        _apply(ix, report, _with_terms(docs, report.added + report.updated, postings))
        _record_files(index_dir)
    return report


def _with_terms(
    docs: dict[str, IndexedDoc], slugs: list[str], postings: Postings | None
) -> dict[str, IndexedDoc]:
    """`docs`, where those of `slugs` that carry only their fields' lengths (`LengthOnly`:
    the build sends its writer each term once, in `postings`) get their terms back out of
    `postings`, whose row `i` is the `i`-th document. Their order may differ from the
    analysis's; Whoosh sorts every posting before it writes."""
    light = [s for s in slugs if any(isinstance(a, LengthOnly) for a in docs[s].analysed.values())]
    if not light:
        return docs
    if postings is None:
        msg = "documents without their terms, and no postings to take them from"
        raise ValueError(msg)
    row_of = {slug: row for row, slug in enumerate(docs)}
    rows = sorted(row_of[slug] for slug in light)
    found: dict[int, dict[str, Analysed]] = {row: {} for row in rows}
    for name, arrays in postings.items():
        at = np.flatnonzero(np.isin(arrays.docs, rows))
        term_of = (np.searchsorted(arrays.starts, at, side="right") - 1).tolist()
        parts: dict[int, tuple[list[str], list[int]]] = {row: ([], []) for row in rows}
        for row, term, freq in zip(arrays.docs[at].tolist(), term_of, arrays.freqs[at].tolist(), strict=True):
            parts[row][0].append(arrays.terms[term])
            parts[row][1].append(freq)
        for row, (terms, freqs) in parts.items():
            found[row][name] = Analysed(terms, freqs)
    restored = dict(docs)
    for slug in light:
        terms = found[row_of[slug]]
        restored[slug] = IndexedDoc(docs[slug].fields, {name: terms[name] for name in docs[slug].analysed})
    return restored


def _apply(ix: whoosh_index.Index, report: IndexReport, docs: dict[str, IndexedDoc]) -> None:
    with ix.writer(limitmb=WRITER_MEMORY_MB) as writer:
        for slug in report.removed:
            writer.delete_by_term("slug", slug)
        for slug in report.added + report.updated:
            writer.update_document(**docs[slug].whoosh_fields())


def open_index(index_dir: Path) -> whoosh_index.Index:
    """Open an index written by `update_index`: missing, `UsageError`; unreadable,
    `SearchIndexError`. Defined with the queries (`katalog.search.query.open_index`),
    which must not import this module's build dependencies."""
    from katalog.search.query import open_index as open_for_reading

    return open_for_reading(index_dir)


def query_analyzer(ix: whoosh_index.Index, fieldname: str = "body") -> Analyzer:
    """The analyzer pickled in the index: queries must be analysed exactly as the terms were
    (`katalog.search.query.query_analyzer`)."""
    from katalog.search.query import query_analyzer as analyzer_of

    return analyzer_of(ix, fieldname)
