"""'Inovasi serupa' in numpy equals its plain definition, whatever the block size."""

from __future__ import annotations

import heapq
from collections.abc import Hashable
from pathlib import Path

from bench.synthetic import generate
from katalog.content.checking import check_files, collect_files
from katalog.content.taxonomy import Taxonomy
from katalog.search.documents import build_schema, indexed_document
from katalog.search.ranking import FIELD_BOOSTS, MemoryStatistics, Posting, bm25, idf
from katalog.search.similarity import KEY_TERMS, SIMILAR_FIELDS, similar_documents

from .conftest import ROOT


def key_terms(postings: dict[str, list[Posting]], doc_count: int) -> dict[Hashable, list[tuple[str, float]]]:
    """Document -> its best `KEY_TERMS` (term, tf-idf) of one field, ties by term."""
    per_doc: dict[Hashable, list[tuple[float, str]]] = {}
    for term, found in postings.items():
        weight = idf(doc_count, len(found))
        for doc, freq, _ in found:
            per_doc.setdefault(doc, []).append((-freq * weight, term))
    return {
        doc: [(term, -negative) for negative, term in heapq.nsmallest(KEY_TERMS, scored)]
        for doc, scored in per_doc.items()
    }


def plain_similar(stats: MemoryStatistics, slug_of: dict[Hashable, str]) -> dict[str, list[str]]:
    """The definition, in dictionaries: the sums in the same order, one addition at a time."""
    totals: dict[Hashable, dict[Hashable, float]] = {doc: {} for doc in stats.live}
    for field in SIMILAR_FIELDS:
        postings = stats.all_postings(field)
        boost, average = FIELD_BOOSTS[field], stats.average_length(field)
        for doc, terms in key_terms(postings, stats.doc_count).items():
            for term, weight in terms:
                term_idf = idf(stats.doc_count, len(postings[term]))
                for other, freq, length in postings[term]:
                    value = bm25(term_idf, freq * boost, length, average)
                    totals[doc][other] = totals[doc].get(other, 0.0) + weight * value
    result = {}
    for doc, scores in totals.items():
        scores.pop(doc, None)
        best = heapq.nsmallest(5, scores.items(), key=lambda item: (-item[1], slug_of[item[0]]))
        result[slug_of[doc]] = [slug_of[other] for other, _ in best]
    return result


def statistics(folder: Path, taxonomy: Taxonomy) -> tuple[MemoryStatistics, dict[Hashable, str]]:
    entries = check_files(collect_files([folder]), taxonomy).entries
    schema = build_schema()
    docs = [indexed_document(e, taxonomy, schema) for e in entries]
    return MemoryStatistics([d.analysed for d in docs]), {n: d.slug for n, d in enumerate(docs)}


def test_numpy_sums_equal_the_plain_definition_on_the_real_catalogue(taxonomy: Taxonomy) -> None:
    stats, slug_of = statistics(ROOT / "content" / "inovasi", taxonomy)
    found = similar_documents(stats, slug_of)
    assert found == plain_similar(stats, slug_of)
    assert sum(map(len, found.values())) >= 4 * len(found)


def test_numpy_sums_equal_the_plain_definition_on_a_synthetic_catalogue(tmp_path: Path) -> None:
    generate(300, tmp_path, formats=("katalog",))
    content = tmp_path / "katalog"
    stats, slug_of = statistics(content / "inovasi", Taxonomy.load(content / "taxonomy.yaml"))
    assert similar_documents(stats, slug_of) == plain_similar(stats, slug_of)
