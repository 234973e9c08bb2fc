"""The search document of one entry: its fields, its Whoosh schema, and its analysed terms.

What the index, the browser index and "Inovasi serupa" all read: each entry becomes one
`IndexedDoc` (stored fields plus every text field analysed once, in the reading workers),
so no later stage analyses text again. `build_schema` and `index_version` name the
schema and analyzer the terms were made with; a change of either rebuilds the index.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from whoosh.analysis import Analyzer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, FieldType, Schema
from whoosh.system import pack_uint

from katalog.search.analysis import TOKEN_PATTERN, analyzer, analyzer_version

if TYPE_CHECKING:
    # The content model (pydantic, Markdown) is for building documents only: opening an
    # index unpickles `AnalysedText` from here, and `katalog search` must not pay for it.
    from katalog.content.model import Innovation
    from katalog.content.taxonomy import Taxonomy
    from katalog.content.validate import Entry

SCHEMA_VERSION = "4"  # 4: the `instansi` filter field
URL_PATTERN = "inovasi/{slug}/"

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
# Facet fields -> the model field their taxonomy slugs come from (see katalog.content.facets).
FACET_FIELDS = {"unit": "unit", "bidang": "category", "jenis": "kind", "tahun": "year", "status": "status"}
# The publishing agency's slug (`facets.agency_link`): not a model field but where the entry
# was read from (a network's member, else the site itself), so the reader passes it in.
AGENCY_FIELD = "instansi"
FILTER_FIELDS = (*FACET_FIELDS, AGENCY_FIELD)  # every field a search can be narrowed by


_SEPARATOR = "\0"  # never in a term: terms are made of word characters and hyphens


class Analysed:
    """One field of one document after analysis: its distinct terms and their frequencies.

    A build analyses each text once (in the reading workers) and the Whoosh writer, the
    browser index and "Inovasi serupa" all take these terms, instead of Whoosh analysing
    while it writes and the others reading the postings back out of the index.

    Held compact, because a build holds every field of every entry at once and sends them
    from the reading workers and through the build cache: the terms as one string, the
    frequencies as machine integers, instead of a tuple of strings and a tuple of ints
    (at 10,000 entries, hundreds of megabytes of small objects against a few dozen).
    `terms` and `freqs` are made again on each access.
    """

    __slots__ = ("_freqs", "_terms", "length")

    def __init__(self, terms: Iterable[str], freqs: Iterable[int]) -> None:
        listed = list(terms)
        joined = _SEPARATOR.join(listed)
        if joined.count(_SEPARATOR) != max(len(listed) - 1, 0) or (len(listed) == 1 and not joined):
            msg = f"a term is empty or holds {_SEPARATOR!r}: {listed!r}"
            raise ValueError(msg)
        counts = array("I", freqs)
        if len(counts) != len(listed):
            msg = f"{len(listed)} terms, {len(counts)} frequencies"
            raise ValueError(msg)
        self._terms = joined
        self._freqs = counts.tobytes()
        self.length = sum(counts)  # Whoosh's field length: the number of tokens

    @property
    def terms(self) -> tuple[str, ...]:
        """The distinct terms, in no particular order."""
        return tuple(self._terms.split(_SEPARATOR)) if self._terms else ()

    @property
    def freqs(self) -> tuple[int, ...]:
        return tuple(array("I", self._freqs))

    def as_dict(self) -> dict[str, int]:
        return dict(zip(self.terms, self.freqs, strict=True))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Analysed):
            return NotImplemented
        return (self._terms, self._freqs) == (other._terms, other._freqs)

    def __hash__(self) -> int:
        return hash((self._terms, self._freqs))

    def __repr__(self) -> str:
        return f"Analysed(terms={self.terms!r}, freqs={self.freqs!r})"

    def __reduce__(self) -> tuple[object, ...]:
        return (_analysed, (self._terms, self._freqs, self.length))


def _analysed(terms: str, freqs: bytes, length: int) -> Analysed:
    """Unpickle an `Analysed` without checking again what its constructor checked."""
    made = Analysed.__new__(Analysed)
    made._terms, made._freqs, made.length = terms, freqs, length
    return made


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
    for name in FILTER_FIELDS:
        fields[name] = KEYWORD(stored=True, commas=True) if name == "jenis" else ID(stored=True)
    return Schema(**fields)


def index_version() -> str:
    """Schema and analyzer version; a difference forces a full rebuild."""
    return f"schema-{SCHEMA_VERSION}/{analyzer_version()}"


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


def document(
    entry: Entry, taxonomy: Taxonomy, url_pattern: str = URL_PATTERN, agency: str | None = None
) -> dict[str, str]:
    """The Whoosh document of one entry, without its content hash. `agency` publishes the
    site's own entries (a harvested entry names its own); None: unknown."""
    from katalog.content.facets import agency_link, links_of

    innovation = entry.innovation
    doc = {"slug": entry.slug, "url": url_pattern.format(slug=entry.slug)}
    for name, (model_field, _) in TEXT_FIELDS.items():
        doc[name] = _field_text(innovation, model_field) if model_field else ""
    doc["body"] = "\n".join([html_text(entry.body_html), *innovation.awards])
    doc[FUZZY_FIELD] = "\n".join(doc[name] for name in TEXT_FIELDS)
    links = links_of(innovation, taxonomy)
    for name in FACET_FIELDS:
        doc[name] = ",".join(link.slug for link in links[name])
    doc[AGENCY_FIELD] = agency_link(entry.origin.agency if entry.origin is not None else agency or "").slug
    return doc


def content_hash(entry: Entry, doc: dict[str, str], version: str) -> str:
    """Hash of everything that shapes the entry's document and its terms."""
    digest = hashlib.sha256()
    facets = "|".join(f"{name}={doc[name]}" for name in FILTER_FIELDS)
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
    return Analysed(counts, counts.values())


def indexed_document(
    entry: Entry,
    taxonomy: Taxonomy,
    schema: Schema | None = None,
    url_pattern: str = URL_PATTERN,
    agency: str | None = None,
) -> IndexedDoc:
    """`document` with its content hash and every text field analysed (pass one `schema`
    for many entries: building it compiles the analyzers)."""
    schema = schema or build_schema()
    doc = document(entry, taxonomy, url_pattern, agency)
    doc["content_hash"] = content_hash(entry, doc, index_version())
    analysed = {name: analyse_field(schema[name], doc[name]) for name in ANALYSED_FIELDS}
    # Only stored text is kept as text: the rest lives on as terms (the body's text, twice
    # over with `kata`, would be most of a 10,000-entry build's memory and cache).
    kept = {name: value for name, value in doc.items() if name not in ANALYSED_FIELDS or name in STORED_TEXT}
    return IndexedDoc(kept, analysed)
