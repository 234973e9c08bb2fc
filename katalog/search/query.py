"""Query the catalogue's Whoosh index: stems, synonyms, one-typo tolerance and facet filters.

The query is analysed with the analyzer pickled in the index, so it always meets the
terms as they were written. Each query word becomes "any of its stems in any text
field"; words are OR-ed with a coordination bonus (Whoosh's ``OrGroup.factory(0.9)``), so
entries that match more words rank first without dropping partial matches. Typo matches
(one edit, words of five letters or more, against unstemmed words) join with a boost of
0.3 so an exact match always outranks them. Acronyms and their expansions from
``content/sinonim.yaml`` are added as alternative phrasings.

Ranking: `search` scores with `katalog.search.ranking` (one documented function of exported
statistics, which the browser's ``cari.js`` implements too), reading postings and field
lengths from Whoosh, so the CLI and the static search agree on order. Whoosh remains the
index and the reference for analysis; `build_query` keeps the same query as a Whoosh
`Query` for callers that want Whoosh's own matcher (and documents the structure).

This is the reading side of the index, and `katalog search` is a whole process per query:
it imports only what a query needs. Not `katalog.search.index` (the writer: the content
model, pydantic, numpy), nor Whoosh's query and searcher modules unless a facet is given.
A missing index is a usage error; one Whoosh cannot read, or written by another version,
is a `SearchIndexError` (derived data: build again), never a traceback.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from katalog.errors import KatalogError, SearchIndexError, UsageError
from katalog.search import ranking
from katalog.search.analysis import ALGORITHM_VERSION, default_synonyms, expand_query, token_groups
from katalog.search.documents import FUZZY_FIELD, SCHEMA_VERSION, SEARCH_FIELDS
from katalog.search.ranking import COORDINATION, FUZZY_BOOST, SYNONYM_BOOST, fuzzy_words

if TYPE_CHECKING:
    from whoosh.analysis import Analyzer
    from whoosh.index import Index
    from whoosh.query import Query
    from whoosh.reading import IndexReader

VERSION_FILE = "KATALOG_VERSION"  # written by katalog.search.index after every build
# The start of every version string this code can query (`documents.index_version`): the
# rest digests the word lists, which the analyzer pickled in the index carries itself.
QUERYABLE_VERSION = f"schema-{SCHEMA_VERSION}/{ALGORITHM_VERSION}-"


@dataclass(frozen=True)
class Hit:
    """One search result, with what a result list shows."""

    slug: str
    title: str
    url: str
    score: float
    unit: str | None
    year: int | None


def exact_query(chain: Analyzer, text: str, boost: float = 1.0) -> Query:
    """Every query word as "any of its stems in any text field"; words OR-ed with a bonus."""
    from whoosh.query import NullQuery, Or, Term

    words = [
        Or([Term(name, alt, boost=boost) for name in SEARCH_FIELDS for alt in alternatives])
        for alternatives in token_groups(chain, text)
    ]
    if not words:
        return NullQuery
    return Or(words, scale=COORDINATION)


def fuzzy_query(text: str) -> Query:
    """One edit away (same first letter) from each surface word of five letters or more.

    The boost sits on each term: Whoosh ignores the boost of a compound query when scoring.
    """
    from whoosh.query import FuzzyTerm, NullQuery, Or

    terms = [
        FuzzyTerm(FUZZY_FIELD, word, boost=FUZZY_BOOST, maxdist=1, prefixlength=1)
        for word in fuzzy_words(text)
    ]
    if not terms:
        return NullQuery
    return Or(terms, scale=COORDINATION)


def facet_filter(
    unit: str | None = None,
    bidang: str | None = None,
    jenis: str | None = None,
    tahun: int | None = None,
    instansi: str | None = None,
) -> Query | None:
    """Facet values (taxonomy slugs, a year, an agency's slug) as a filter; None when nothing
    is selected."""
    given = {"unit": unit, "bidang": bidang, "jenis": jenis, "tahun": tahun, "instansi": instansi}
    selected = {name: value for name, value in given.items() if value is not None}
    if not selected:
        return None
    from whoosh.query import And, Term

    return And([Term(name, str(value)) for name, value in selected.items()])


def build_query(chain: Analyzer, text: str, synonyms: dict[str, list[str]] | None = None) -> Query:
    """Exact words, synonym phrasings (slightly lower) and typo matches (much lower)."""
    from whoosh.query import NullQuery, Or

    parts = [exact_query(chain, text)]
    parts += [exact_query(chain, extra, SYNONYM_BOOST) for extra in expand_query(text, synonyms)]
    parts.append(fuzzy_query(text))
    return Or([p for p in parts if p is not NullQuery])


def search(
    index_dir: Path,
    query: str,
    limit: int = 10,
    unit: str | None = None,
    bidang: str | None = None,
    jenis: str | None = None,
    tahun: int | None = None,
    synonyms: dict[str, list[str]] | None = None,
    instansi: str | None = None,
) -> list[Hit]:
    """Best `limit` entries for `query`, optionally narrowed by facet slugs and year.

    `synonyms` defaults to ``content/sinonim.yaml``; an empty query returns no hits. Raises
    `UsageError` when no build wrote an index in `index_dir`, `SearchIndexError` when it
    cannot be read. Once the synonyms are read, everything reads the index (the query's
    analyzer is the one pickled in it), so any failure is reported as damage, naming the
    exception: the hint (build again) is the same whichever part of Whoosh met it.
    """
    ix = open_for_search(index_dir)
    table = default_synonyms() if synonyms is None else synonyms  # the site's file, not the index
    try:
        with ix.reader() as reader:
            narrow = facet_filter(unit, bidang, jenis, tahun, instansi)
            allowed = None
            if narrow is not None:
                from whoosh.searching import Searcher  # its import (with whoosh.query) is for facets only

                allowed = set(Searcher(reader, closereader=False).docs_for_query(narrow))
            return ranked_page(reader, query, limit, synonyms=table, allowed=allowed).hits
    except KatalogError:
        raise
    except Exception as exc:
        raise SearchIndexError(index_dir, _described(exc)) from exc


@dataclass(frozen=True)
class Page:
    """One page of a ranking: its hits and how many entries matched in all."""

    total: int
    hits: list[Hit]


def ranked_page(
    reader: IndexReader,
    query: str,
    limit: int,
    offset: int = 0,
    synonyms: dict[str, list[str]] | None = None,
    allowed: Collection[int] | None = None,
    stats: ranking.WhooshStatistics | None = None,
) -> Page:
    """The ranking of `search` on an open reader: the `limit` hits after the first `offset`.

    The one ranking of `katalog search` and the API (`katalog.api`), so both return the same
    order. `allowed` keeps only those document numbers (a facet filter); `stats` lets a
    long-lived reader (the API's) keep what it read and score in numpy (its `top_scores`,
    equal to the plain one to the last bit). `synonyms` None means the site's
    (`analysis.default_synonyms`).
    """
    parts = ranking.plan(query, query_analyzer(reader), synonyms)
    wanted = offset + limit
    total, scores = (stats or ranking.WhooshStatistics(reader)).top_scores(parts, wanted, allowed)
    fields = {doc: reader.stored_fields(doc) for doc in scores}
    ranked = ranking.rank(scores, lambda doc: fields[doc]["slug"], wanted)[offset:]
    return Page(total, [_hit(fields[doc], value) for doc, value in ranked])


def open_index(index_dir: Path) -> Index:
    """Open the Whoosh index in `index_dir`, with its errors as the user can act on them.

    No folder or no table of contents: `UsageError` (build first). Anything else Whoosh
    cannot open (a truncated or overwritten TOC, a class its pickled schema names that
    this version lacks, an unreadable file): `SearchIndexError`.
    """
    from whoosh.index import EmptyIndexError, open_dir

    missing = missing_index(index_dir)
    if not index_dir.is_dir():
        raise UsageError(missing)
    try:
        return open_dir(str(index_dir))
    except EmptyIndexError:
        raise UsageError(missing) from None
    except Exception as exc:
        raise SearchIndexError(index_dir, _described(exc)) from exc


def open_for_search(index_dir: Path) -> Index:
    """`open_index`, refusing an index whose ``KATALOG_VERSION`` (written when a build
    finishes) names a version this code cannot query. Without that file (a Whoosh index
    of another tool, such as the bench's baselines) there is nothing to check; with it,
    a missing TOC is damage, not a missing index."""
    try:
        version: str | None = (index_dir / VERSION_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        version = None
    except (OSError, UnicodeDecodeError) as exc:
        raise SearchIndexError(index_dir, _described(exc)) from exc
    if version is not None and not version.startswith(QUERYABLE_VERSION):
        found = f"{VERSION_FILE} berisi {version[:60]!r}; versi ini membaca {QUERYABLE_VERSION}…"
        raise SearchIndexError(index_dir, found)
    try:
        return open_index(index_dir)
    except UsageError:
        if version is None:
            raise
        raise SearchIndexError(index_dir, "daftar isinya (TOC) tidak ada") from None


def query_analyzer(ix: Index | IndexReader, fieldname: str = "body") -> Analyzer:
    """The analyzer pickled in the index: queries must be analysed exactly as the terms were.

    Pass the reader when there is one: each ``Index.schema`` reads the TOC again.
    """
    return ix.schema[fieldname].analyzer


def missing_index(index_dir: Path) -> str:
    """The one line for an index no build has written (a usage error: build first)."""
    return f"indeks pencarian di '{index_dir}' belum ada; jalankan `make html` dahulu"


def _described(exc: BaseException) -> str:
    """An exception as one short line: its class (``struct.error``, ``EOFError``) and the
    start of its message."""
    kind = type(exc)
    name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
    text = str(exc).strip().splitlines()[0][:100] if str(exc).strip() else ""
    return f"{name}: {text}" if text else name


def _hit(fields: dict[str, str], score: float) -> Hit:
    year = fields.get("tahun", "")
    return Hit(
        slug=fields["slug"],
        title=fields["title"],
        url=fields["url"],
        score=float(score),
        unit=fields.get("unit") or None,
        year=int(year) if year.isdigit() else None,
    )
