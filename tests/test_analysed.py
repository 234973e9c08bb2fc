"""Analysing once: the build's own analysis and statistics equal what Whoosh would make.

The build analyses every text while reading (`index.analyse_field`) and ranks "Inovasi
serupa" and exports the browser index from those terms (`ranking.MemoryStatistics`)
without reading them back out of Whoosh. These tests pin both to Whoosh itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.fields import FieldType

from katalog.content.checking import check_files, collect_files
from katalog.content.taxonomy import Taxonomy
from katalog.content.validate import Entry
from katalog.search.documents import (
    ANALYSED_FIELDS,
    FUZZY_FIELD,
    Analysed,
    analyse_field,
    build_schema,
    content_hash,
    document,
    index_version,
    indexed_document,
)
from katalog.search.index import open_index, update_index_with
from katalog.search.ranking import FIELD_BOOSTS, MemoryStatistics, WhooshStatistics

from .conftest import ROOT

SCHEMA = build_schema()


def whoosh_analysis(field_type: FieldType, text: str) -> Analysed:
    """The reference: Whoosh's own analysis of the whole text, as its writer does it."""
    found = field_type.format.word_values(text, field_type.analyzer, mode="index")
    counts = {term: freq for term, freq, _, _ in found}
    return Analysed(tuple(counts), tuple(counts.values()))


@pytest.fixture(scope="module")
def entries(taxonomy: Taxonomy) -> list[Entry]:
    return check_files(collect_files([ROOT / "content" / "inovasi"]), taxonomy).entries


def test_every_field_of_the_real_catalogue_analyses_as_whoosh_does(
    entries: list[Entry], taxonomy: Taxonomy
) -> None:
    compared = 0
    for entry in entries:
        doc = document(entry, taxonomy)
        for name in ANALYSED_FIELDS:
            ours = analyse_field(SCHEMA[name], doc[name]).as_dict()
            assert ours == whoosh_analysis(SCHEMA[name], doc[name]).as_dict(), (entry.slug, name)
            compared += bool(ours)
    assert compared >= len(entries) * 4


WORDS = st.sampled_from(
    ["pelayanan", "melayani", "C-Mantap", "e-KTP", "non-tunai", "perundang-undangan", "di", "yang",
     "pengunjung", "SIMPEL", "2019", "a", "Ā", "İstanbul", "ke-2", "—", "memperbaiki", "ber-"]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=30), st.sampled_from(ANALYSED_FIELDS))
def test_any_text_analyses_as_whoosh_does(words: list[str], name: str) -> None:
    text = " ".join(words)
    assert analyse_field(SCHEMA[name], text).as_dict() == whoosh_analysis(SCHEMA[name], text).as_dict()


def test_memory_statistics_equal_whoosh_statistics(
    entries: list[Entry], taxonomy: Taxonomy, tmp_path: Path
) -> None:
    docs = [indexed_document(e, taxonomy, SCHEMA) for e in entries]
    update_index_with(docs, tmp_path / "ix")
    memory = MemoryStatistics([d.analysed for d in docs])
    with open_index(tmp_path / "ix").searcher() as searcher:
        whoosh = WhooshStatistics(searcher.reader())
        slug_of = {n: searcher.stored_fields(n)["slug"] for n in whoosh.live}
        assert memory.doc_count == whoosh.doc_count == len(entries)
        for field in [*FIELD_BOOSTS, FUZZY_FIELD]:
            assert memory.average_length(field) == whoosh.average_length(field)
            ours = {
                term: sorted((docs[d].slug, f, n) for d, f, n in found)
                for term, found in memory.all_postings(field).items()
            }
            theirs = {
                term: sorted((slug_of[d], f, n) for d, f, n in found)
                for term, found in whoosh.all_postings(field).items()
            }
            assert ours == theirs, field
            assert len(ours) > 10


def test_the_build_writes_the_index_whoosh_writes_from_the_text(
    entries: list[Entry], taxonomy: Taxonomy, tmp_path: Path
) -> None:
    """Known lengths and known postings (index._KnownPostings) against Whoosh analysing,
    pooling and sorting the text itself: the same postings, block bounds, weights and
    stored fields."""
    update_index_with([indexed_document(e, taxonomy, SCHEMA) for e in entries], tmp_path / "ours")
    (tmp_path / "whoosh").mkdir()
    plain = whoosh_index.create_in(str(tmp_path / "whoosh"), build_schema())
    with plain.writer() as writer:
        for entry in entries:
            doc = document(entry, taxonomy)
            doc["content_hash"] = content_hash(entry, doc, index_version())
            writer.add_document(**doc)

    def blocks(folder: Path) -> list[tuple[object, ...]]:
        found: list[tuple[object, ...]] = []
        with open_index(folder).searcher() as searcher:
            reader = searcher.reader()
            slug_of = {n: searcher.stored_fields(n)["slug"] for n in range(reader.doc_count_all())}
            found.extend(sorted(tuple(sorted(f.items())) for f in searcher.all_stored_fields()))
            for name in searcher.schema.names():
                if not searcher.schema[name].indexed:
                    continue
                for term in reader.lexicon(name):
                    matcher = reader.postings(name, term)
                    while matcher.is_active():
                        found.append((name, term, slug_of[matcher.id()], matcher.weight()))
                        if name in ANALYSED_FIELDS:
                            found.append((matcher.block_min_length(), matcher.block_max_length()))
                        matcher.next()
        return found

    ours, theirs = blocks(tmp_path / "ours"), blocks(tmp_path / "whoosh")
    assert len(ours) > 1000
    assert ours == theirs
