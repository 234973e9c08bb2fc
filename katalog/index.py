"""The Whoosh index of the catalogue, kept in ``.katalog/whoosh/`` and updated incrementally.

Each document carries a content hash (the model's JSON, the Markdown body, the facet slugs,
the URL and the analyzer version), so an update rewrites only the entries that changed and
a build where nothing changed opens nothing for writing. A change of schema or analyzer
(protected words, stop words, algorithm) rebuilds from scratch: Whoosh pickles the
analyzer into the index, so old terms and a new query chain would silently disagree.
"""

from __future__ import annotations

import hashlib
import html
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import scoring
from whoosh.analysis import Analyzer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, FieldType, Schema

from katalog.analysis import analyzer, analyzer_version
from katalog.facets import links_of
from katalog.model import Innovation
from katalog.taxonomy import Taxonomy
from katalog.validate import Entry

SCHEMA_VERSION = "2"
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


def build_schema() -> Schema:
    """Whoosh schema derived from the model's fields (test_index checks the mapping)."""
    stemmed, plain = analyzer(), analyzer(stemming=False)
    fields: dict[str, FieldType] = {
        "slug": ID(stored=True, unique=True),
        "url": STORED(),
        "content_hash": ID(stored=True),
        FUZZY_FIELD: TEXT(analyzer=plain, phrase=False),
    }
    for name, (_, boost) in TEXT_FIELDS.items():
        stored = name in ("title", "summary")
        fields[name] = TEXT(analyzer=stemmed, field_boost=boost, stored=stored, phrase=False)
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


def _rebuild(index_dir: Path, docs: dict[str, dict[str, str]], version: str) -> IndexReport:
    """Empty the folder and write every document: used for new indexes and version changes."""
    if index_dir.exists():
        shutil.rmtree(index_dir)
    index_dir.mkdir(parents=True)
    ix = whoosh_index.create_in(str(index_dir), build_schema())
    with ix.writer() as writer:
        for doc in docs.values():
            writer.add_document(**doc)
    (index_dir / VERSION_FILE).write_text(version + "\n", encoding="utf-8")
    return IndexReport(rebuilt=True, added=sorted(docs))


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
    version = index_version()
    docs = {e.slug: document(e, taxonomy, url_pattern) for e in entries}
    for entry in entries:
        docs[entry.slug]["content_hash"] = content_hash(entry, docs[entry.slug], version)
    if _stored_version(index_dir) != version:
        return _rebuild(index_dir, docs, version)
    ix = whoosh_index.open_dir(str(index_dir))
    old = _stored_hashes(ix)
    report = IndexReport(
        added=sorted(set(docs) - set(old)),
        updated=sorted(s for s in set(docs) & set(old) if docs[s]["content_hash"] != old[s]),
        removed=sorted(set(old) - set(docs)),
    )
    report.unchanged = len(docs) - len(report.added) - len(report.updated)
    if report.changed:
        _apply(ix, report, docs)
    return report


def _apply(ix: whoosh_index.Index, report: IndexReport, docs: dict[str, dict[str, str]]) -> None:
    with ix.writer() as writer:
        for slug in report.removed:
            writer.delete_by_term("slug", slug)
        for slug in report.added + report.updated:
            writer.update_document(**docs[slug])


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
