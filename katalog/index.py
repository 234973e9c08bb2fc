"""The Whoosh index of the catalogue, kept in ``.katalog/whoosh/`` and updated incrementally.

Each document carries a content hash (the model's JSON, the Markdown body, the facet slugs,
the URL and the analyzer version), so an update rewrites only the entries that changed and
a build where nothing changed opens nothing for writing. A change of schema or analyzer
(protected words, stop words, algorithm) rebuilds from scratch: Whoosh pickles the
analyzer into the index, so old terms and a new query chain would silently disagree.
"""

from __future__ import annotations

import hashlib
import heapq
import html
import itertools
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import scoring
from whoosh.analysis import Analyzer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, FieldType, Schema
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte

from katalog.analysis import TOKEN_PATTERN, analyzer, analyzer_version
from katalog.facets import links_of
from katalog.model import Innovation
from katalog.taxonomy import Taxonomy
from katalog.validate import Entry

SCHEMA_VERSION = "3"
DEFAULT_INDEX_DIR = Path(".katalog") / "whoosh"
VERSION_FILE = "KATALOG_VERSION"
URL_PATTERN = "inovasi/{slug}/"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TAXONOMY = ROOT / "content" / "taxonomy.yaml"

# Text fields ranked for search: index field -> (model field or None, field boost).
# `body` is the rendered body plus awards; `kata` holds unstemmed words for typo matching.
TEXT_FIELDS: dict[str, tuple[str | None, float]] = {
    "title": ("title", 3.0),
    "expansion": ("expansion", 3.0),
    "summary": ("summary", 2.0),
    "body": (None, 1.0),
    "tags": ("tags", 1.0),
}
SEARCH_FIELDS = tuple(TEXT_FIELDS)
FUZZY_FIELD = "kata"
# Facet fields -> the model field their taxonomy slugs come from (see katalog.facets).
FACET_FIELDS = {"unit": "unit", "bidang": "category", "jenis": "kind", "tahun": "year", "status": "status"}


@dataclass(frozen=True)
class Analysed:
    """One field of one document after analysis: its distinct terms and their frequencies.

    A build analyses each text once (in the reading workers) and the Whoosh writer, the
    browser index and "Inovasi serupa" all take these terms, instead of Whoosh analysing
    while it writes and the others reading the postings back out of the index.
    """

    terms: tuple[str, ...]  # in no particular order
    freqs: tuple[int, ...]

    def as_dict(self) -> dict[str, int]:
        return dict(zip(self.terms, self.freqs, strict=True))

    @property
    def length(self) -> int:
        """Whoosh's field length: the number of tokens."""
        return sum(self.freqs)


@dataclass(frozen=True)
class LengthOnly:
    """A field's value when its postings reach the writer by another way (`_KnownPostings`):
    only its length, which Whoosh's `add_document` sums from the items `index` yields."""

    length: int


LENGTH_MARK = b"\x00katalog-length"  # the one item a LengthOnly value yields; never indexed


class AnalysedText(TEXT):
    """A TEXT field that also takes an `Analysed` value, indexed without analysing again.

    Postings equal those Whoosh makes from the text itself (`Frequency.word_values`: weight
    is frequency times field boost, as our analyzer gives every token a boost of 1).
    Queries still go through the field's analyzer, which is pickled with the schema.
    """

    def index(self, value: object, **kwargs: object) -> Iterator[tuple[bytes, int, float, bytes]]:
        if isinstance(value, LengthOnly):
            yield LENGTH_MARK, value.length, 0.0, b""
            return
        if not isinstance(value, Analysed):
            yield from super().index(value, **kwargs)
            return
        boost = self.format.field_boost
        for term, freq in zip(value.terms, value.freqs, strict=True):
            yield term.encode("utf-8"), freq, freq * boost, pack_uint(freq)


def build_schema() -> Schema:
    """Whoosh schema derived from the model's fields (test_index checks the mapping)."""
    stemmed, plain = analyzer(), analyzer(stemming=False)
    fields: dict[str, FieldType] = {
        "slug": ID(stored=True, unique=True),
        "url": STORED(),
        "content_hash": ID(stored=True),
        FUZZY_FIELD: AnalysedText(analyzer=plain, phrase=False),
    }
    for name, (_, boost) in TEXT_FIELDS.items():
        stored = name in STORED_TEXT
        fields[name] = AnalysedText(analyzer=stemmed, field_boost=boost, stored=stored, phrase=False)
    for name in FACET_FIELDS:
        fields[name] = KEYWORD(stored=True, commas=True) if name == "jenis" else ID(stored=True)
    return Schema(**fields)


def index_version() -> str:
    """Schema and analyzer version; a difference forces a full rebuild."""
    return f"schema-{SCHEMA_VERSION}/{analyzer_version()}"


def scorer() -> scoring.WeightingModel:
    """BM25F, Whoosh's default, named so index and search agree on it."""
    return scoring.BM25F()


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(markup: str) -> str:
    """Visible text of the rendered body: Markdown link targets must not become terms."""
    parser = _TextOnly()
    parser.feed(markup)
    parser.close()
    return html.unescape(" ".join(parser.parts))


def _field_text(innovation: Innovation, model_field: str) -> str:
    value = getattr(innovation, model_field)
    if isinstance(value, list):
        return ", ".join(value)
    return value or ""


def document(entry: Entry, taxonomy: Taxonomy, url_pattern: str = URL_PATTERN) -> dict[str, str]:
    """The Whoosh document of one entry, without its content hash."""
    innovation = entry.innovation
    doc = {"slug": entry.slug, "url": url_pattern.format(slug=entry.slug)}
    for name, (model_field, _) in TEXT_FIELDS.items():
        doc[name] = _field_text(innovation, model_field) if model_field else ""
    doc["body"] = "\n".join([html_text(entry.body_html), *innovation.awards])
    doc[FUZZY_FIELD] = "\n".join(doc[name] for name in TEXT_FIELDS)
    links = links_of(innovation, taxonomy)
    for name in FACET_FIELDS:
        doc[name] = ",".join(link.slug for link in links[name])
    return doc


def content_hash(entry: Entry, doc: dict[str, str], version: str) -> str:
    """Hash of everything that shapes the entry's document and its terms."""
    digest = hashlib.sha256()
    facets = "|".join(f"{name}={doc[name]}" for name in FACET_FIELDS)
    for part in (entry.innovation.model_dump_json(), entry.body_markdown, facets, doc["url"], version):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


ANALYSED_FIELDS = (*TEXT_FIELDS, FUZZY_FIELD)
STORED_TEXT = ("title", "summary")  # text fields whose text Whoosh stores (see build_schema)


@dataclass(frozen=True)
class IndexedDoc:
    """An entry ready for every index: its Whoosh document (with content hash) and terms."""

    fields: dict[str, str]
    analysed: dict[str, Analysed]

    @property
    def slug(self) -> str:
        return self.fields["slug"]

    def whoosh_fields(self, lengths_only: bool = False) -> dict[str, object]:
        """Keyword arguments for Whoosh's `add_document`: stored fields keep their text;
        `lengths_only` when the writer gets the postings from `_KnownPostings`."""
        analysed = (
            {n: LengthOnly(a.length) for n, a in self.analysed.items()} if lengths_only else self.analysed
        )
        values: dict[str, object] = {**self.fields, **analysed}
        for name in STORED_TEXT:
            values[f"_stored_{name}"] = self.fields[name]
        return values


_WORDS = re.compile(TOKEN_PATTERN)  # the tokenizer's own pattern (`analysis.WordTokenizer`)
_WORD_TERMS: dict[int, tuple[Analyzer, dict[str, tuple[str, ...]]]] = {}  # chain id -> (chain, cache)


def analyse_field(field_type: FieldType, text: str) -> Analysed:
    """Analyse `text` exactly as Whoosh indexes it into a field of `field_type`.

    Every filter of our chains works within one token (hyphen variants and stems share
    the word's position), so the terms of a text are the terms of each of its words, and
    each distinct word goes through the chain once per process: a catalogue repeats its
    vocabulary, and this is what makes analysing a 10,000-entry catalogue cheap. Counting
    follows Whoosh's `Frequency` format: one per term the chain yields (test_analysed.py
    compares it with Whoosh analysing the whole text).
    """
    chain = field_type.analyzer
    cache = _WORD_TERMS.setdefault(id(chain), (chain, {}))[1]  # holding chain keeps its id
    words = _WORDS.findall(text)
    for word in set(words).difference(cache):
        cache[word] = tuple(t.text for t in chain(word, mode="index") if not t.stopped)
    counts = Counter(itertools.chain.from_iterable(map(cache.__getitem__, words)))
    return Analysed(tuple(counts), tuple(counts.values()))


def indexed_document(
    entry: Entry, taxonomy: Taxonomy, schema: Schema | None = None, url_pattern: str = URL_PATTERN
) -> IndexedDoc:
    """`document` with its content hash and every text field analysed (pass one `schema`
    for many entries: building it compiles the analyzers)."""
    schema = schema or build_schema()
    doc = document(entry, taxonomy, url_pattern)
    doc["content_hash"] = content_hash(entry, doc, index_version())
    analysed = {name: analyse_field(schema[name], doc[name]) for name in ANALYSED_FIELDS}
    # Only stored text is kept as text: the rest lives on as terms (the body's text, twice
    # over with `kata`, would be most of a 10,000-entry build's memory and cache).
    kept = {name: value for name, value in doc.items() if name not in ANALYSED_FIELDS or name in STORED_TEXT}
    return IndexedDoc(kept, analysed)


@dataclass
class IndexReport:
    """What an update did; `changed` is False when no file was written."""

    rebuilt: bool = False
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return self.rebuilt or bool(self.added or self.updated or self.removed)


def _stored_version(index_dir: Path) -> str | None:
    path = index_dir / VERSION_FILE
    if not path.is_file() or not whoosh_index.exists_in(str(index_dir)):
        return None
    return path.read_text(encoding="utf-8").strip()


WRITER_MEMORY_MB = 256  # Whoosh's posting pool; above it, it sorts runs through temporary files


def _rebuild(index_dir: Path, docs: dict[str, IndexedDoc], version: str) -> IndexReport:
    """Empty the folder and write every document: used for new indexes and version changes."""
    if index_dir.exists():
        shutil.rmtree(index_dir)
    index_dir.mkdir(parents=True)
    ix = whoosh_index.create_in(str(index_dir), build_schema())
    with ix.writer(limitmb=WRITER_MEMORY_MB) as writer:
        _known_lengths(writer, list(docs.values()))
        writer.pool = _KnownPostings(writer.pool, list(docs.values()), writer.schema)
        for doc in docs.values():
            writer.add_document(**doc.whoosh_fields(lengths_only=True))
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

    def __init__(self, pool: object, docs: list[IndexedDoc], schema: Schema) -> None:
        self._pool = pool
        self._docs = docs
        self._schema = schema

    def add(self, item: tuple[str, bytes, int, float, bytes]) -> None:
        if item[0] in ANALYSED_FIELDS:
            if item[1] != LENGTH_MARK:
                msg = f"posting of {item[0]!r} not from LengthOnly: {item[1]!r}"
                raise ValueError(msg)
            return
        self._pool.add(item)  # type: ignore[attr-defined]

    def _known(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        from katalog.postings import FieldPostings  # postings imports this module's Analysed

        docs = [doc.analysed for doc in self._docs]
        for name in sorted(ANALYSED_FIELDS):
            arrays = FieldPostings.of_documents(docs, name, [0] * len(docs))
            boost = self._schema[name].format.field_boost
            rows, freqs, starts = arrays.docs.tolist(), arrays.freqs.tolist(), arrays.starts.tolist()
            for number, term in enumerate(arrays.terms):
                text = term.encode("utf-8")
                for at in range(starts[number], starts[number + 1]):
                    freq = freqs[at]
                    yield name, text, rows[at], freq * boost, pack_uint(freq)

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
    taxonomy = taxonomy or Taxonomy.load(DEFAULT_TAXONOMY)
    schema = build_schema()
    return update_index_with([indexed_document(e, taxonomy, schema, url_pattern) for e in entries], index_dir)


def update_index_with(indexed: list[IndexedDoc], index_dir: Path = DEFAULT_INDEX_DIR) -> IndexReport:
    """`update_index` for documents already analysed (the build analyses while it reads)."""
    version = index_version()
    docs = {doc.slug: doc for doc in indexed}
    if _stored_version(index_dir) != version:
        return _rebuild(index_dir, docs, version)
    ix = whoosh_index.open_dir(str(index_dir))
    old = _stored_hashes(ix)
    report = IndexReport(
        added=sorted(set(docs) - set(old)),
        updated=sorted(s for s in set(docs) & set(old) if docs[s].fields["content_hash"] != old[s]),
        removed=sorted(set(old) - set(docs)),
    )
    report.unchanged = len(docs) - len(report.added) - len(report.updated)
    if report.changed:
        _apply(ix, report, docs)
    return report


def _apply(ix: whoosh_index.Index, report: IndexReport, docs: dict[str, IndexedDoc]) -> None:
    with ix.writer(limitmb=WRITER_MEMORY_MB) as writer:
        for slug in report.removed:
            writer.delete_by_term("slug", slug)
        for slug in report.added + report.updated:
            writer.update_document(**docs[slug].whoosh_fields())


def open_index(index_dir: Path) -> whoosh_index.Index:
    """Open an index written by `update_index`; a missing one is a usage problem."""
    if not whoosh_index.exists_in(str(index_dir)):
        msg = f"indeks pencarian tidak ditemukan di '{index_dir}'; bangun situs dulu"
        raise FileNotFoundError(msg)
    return whoosh_index.open_dir(str(index_dir))


def query_analyzer(ix: whoosh_index.Index, fieldname: str = "body") -> Analyzer:
    """The analyzer pickled in the index: queries must be analysed exactly as the terms were."""
    return ix.schema[fieldname].analyzer


def similar(index_dir: Path, slug: str, limit: int = 5) -> list[str]:
    """Slugs of up to five entries most like `slug` (see `katalog.similarity`), never itself."""
    found = similar_all(index_dir, limit)
    if slug not in found:
        msg = f"'{slug}' tidak ada di indeks"
        raise KeyError(msg)
    return found[slug]


def similar_all(index_dir: Path, limit: int = 5) -> dict[str, list[str]]:
    """`similar` for every entry of the index, from one pass over its postings."""
    from katalog.ranking import WhooshStatistics  # ranking imports this module's field table
    from katalog.similarity import similar_documents

    with open_index(index_dir).searcher() as searcher:
        stats = WhooshStatistics(searcher.reader())
        slug_of = {doc: stats.reader.stored_fields(doc)["slug"] for doc in stats.live}
        return similar_documents(stats, slug_of, limit)
