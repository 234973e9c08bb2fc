"""The Whoosh index and search on the real catalogue: incremental updates, ranking, facets."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest
from whoosh.query import FuzzyTerm

from katalog.content.checking import check_files, collect_files
from katalog.content.model import Innovation
from katalog.content.taxonomy import Taxonomy
from katalog.content.validate import Entry
from katalog.search.documents import FACET_FIELDS, TEXT_FIELDS, build_schema
from katalog.search.index import VERSION_FILE, open_index, update_index
from katalog.search.query import build_query, search
from katalog.search.similarity import similar, similar_all

from .conftest import ROOT


@pytest.fixture(scope="module")
def entries(taxonomy: Taxonomy) -> list[Entry]:
    report = check_files(collect_files([ROOT / "content" / "inovasi"]), taxonomy)
    assert [p for p in report.problems if not p.warning] == []
    return report.entries


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory, entries: list[Entry], taxonomy: Taxonomy) -> Path:
    path = tmp_path_factory.mktemp("whoosh") / "index"
    update_index(entries, path, taxonomy)
    return path


def _snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(folder.iterdir())}


def _slugs(index_dir: Path, query: str, **filters: object) -> list[str]:
    return [hit.slug for hit in search(index_dir, query, limit=30, **filters)]  # type: ignore[arg-type]


# --- schema and incremental updates ---------------------------------------------------------


def test_schema_fields_come_from_the_model() -> None:
    model_fields = {f for f, _ in TEXT_FIELDS.values() if f} | set(FACET_FIELDS.values())
    assert model_fields - set(Innovation.model_fields) == set()
    schema = build_schema()
    assert schema["title"].format.field_boost == 3.0
    assert schema["summary"].format.field_boost == 2.0
    assert {n for n in schema.names() if schema[n].stored} >= {"slug", "title", "summary", "url", "unit"}


def test_first_update_builds_every_entry(tmp_path: Path, entries: list[Entry], taxonomy: Taxonomy) -> None:
    report = update_index(entries, tmp_path / "ix", taxonomy)
    assert report.rebuilt
    assert len(report.added) == len(entries) >= 35


def test_nothing_changed_writes_nothing(tmp_path: Path, entries: list[Entry], taxonomy: Taxonomy) -> None:
    folder = tmp_path / "ix"
    update_index(entries, folder, taxonomy)
    before = _snapshot(folder)
    time.sleep(0.01)
    report = update_index(entries, folder, taxonomy)
    assert not report.changed
    assert report.unchanged == len(entries)
    assert _snapshot(folder) == before


def test_changed_added_and_removed_entries(tmp_path: Path, entries: list[Entry], taxonomy: Taxonomy) -> None:
    folder = tmp_path / "ix"
    update_index(entries[1:], folder, taxonomy)
    edited = replace(entries[2], body_markdown=entries[2].body_markdown + "\nKata zirkonium baru.\n")
    edited = replace(edited, body_html=edited.body_html + "<p>Kata zirkonium baru.</p>")
    changed = [*entries[:2], edited, *entries[4:]]
    report = update_index(changed, folder, taxonomy)
    assert (report.rebuilt, report.added, report.updated, report.removed) == (
        False,
        [entries[0].slug],
        [entries[2].slug],
        [entries[3].slug],
    )
    assert _slugs(folder, "zirkonium") == [entries[2].slug]
    assert entries[3].slug not in _slugs(folder, entries[3].innovation.title)


def test_a_different_analyzer_version_rebuilds(
    tmp_path: Path, entries: list[Entry], taxonomy: Taxonomy
) -> None:
    folder = tmp_path / "ix"
    update_index(entries, folder, taxonomy)
    (folder / VERSION_FILE).write_text("schema-0/old\n", encoding="utf-8")
    report = update_index(entries, folder, taxonomy)
    assert report.rebuilt
    assert "old" not in (folder / VERSION_FILE).read_text(encoding="utf-8")


# --- search --------------------------------------------------------------------------------


def test_typo_in_expansion_finds_simpel(index_dir: Path) -> None:
    assert _slugs(index_dir, "perjalanan dinas luar negri")[0] in {"simpel", "simpel-mobile", "simpel-v3"}
    assert "simpel" in _slugs(index_dir, "perjalanan dinas luar negri")[:3]


def test_expansion_finds_the_acronym(index_dir: Path) -> None:
    assert _slugs(index_dir, "istana untuk rakyat")[0] == "istura"


def test_acronym_finds_entries_that_only_write_the_expansion(index_dir: Path) -> None:
    # No entry writes "setwapres" (sinonim.yaml: sekretariat wakil presiden).
    assert _slugs(index_dir, "setwapres", synonyms={}) == []
    assert "lapor-mas-wapres" in _slugs(index_dir, "setwapres")[:3]
    assert _slugs(index_dir, "qwerty", synonyms={"qwerty": ["pengaduan masyarakat"]})[:2] == [
        "monitoring-pengaduan-masyarakat",
        "kanal-pengaduan-presiden",
    ]


def test_word_forms_find_the_same_entries(index_dir: Path) -> None:
    assert set(_slugs(index_dir, "pelayanan")) == set(_slugs(index_dir, "melayani")) != set()


@pytest.mark.parametrize("query", ["C-Mantap", "cmantap", "mantap"])
def test_hyphenated_name_three_ways(index_dir: Path, query: str) -> None:
    assert _slugs(index_dir, query)[0] == "c-mantap"


def test_joined_and_hyphenated_prefix_meet(index_dir: Path) -> None:
    assert _slugs(index_dir, "non-tunai")[0] == _slugs(index_dir, "nontunai")[0] == "parkir-nontunai-gbk"


def test_facet_filters_narrow_results(index_dir: Path) -> None:
    everything = _slugs(index_dir, "istana")
    cipanas = _slugs(index_dir, "istana", unit="istana-cipanas")
    assert cipanas == ["istura-cipanas-daring"]
    assert len(everything) > len(cipanas)
    assert set(_slugs(index_dir, "aplikasi", jenis="digitalisasi", tahun=2018)) == {
        "c-mantap",
        "c-skip",
        "simpel-mobile",
    }
    assert _slugs(index_dir, "aplikasi", bidang="keuangan") == ["c-mantap"]


def test_exact_match_outranks_a_typo_match(index_dir: Path) -> None:
    exact = search(index_dir, "pengaduan", limit=30)
    typo = search(index_dir, "pengadian", limit=30)  # one edit from "pengaduan"
    assert typo, "a one-letter typo should still find something"
    assert exact[0].score > typo[0].score * 3
    assert {h.slug for h in typo} <= {h.slug for h in exact}


def _variant(entry: Entry, slug: str, word: str) -> Entry:
    innovation = entry.innovation.model_copy(update={"slug": slug, "title": slug.title()})
    return replace(entry, innovation=innovation, body_html=f"<p>{word}</p>", body_markdown=word)


def test_exact_word_ranks_above_a_one_edit_word(
    tmp_path: Path, entries: list[Entry], taxonomy: Taxonomy
) -> None:
    exact, typo = _variant(entries[0], "satu", "zirkonium"), _variant(entries[0], "dua", "zirkanium")
    update_index([typo, exact], tmp_path / "ix", taxonomy)
    hits = search(tmp_path / "ix", "zirkonium")
    assert [h.slug for h in hits] == ["satu", "dua"]
    assert hits[0].score > 2 * hits[1].score


def test_fuzzy_terms_are_boosted_below_exact_terms(index_dir: Path) -> None:
    from whoosh.index import open_dir

    chain = open_dir(str(index_dir)).schema["body"].analyzer
    exact, fuzzy = build_query(chain, "perjalanan", synonyms={}).subqueries
    assert {t.boost for t in exact.leaves()} == {1.0}
    (term,) = fuzzy.subqueries
    assert (type(term), term.fieldname, term.text) == (FuzzyTerm, "kata", "perjalanan")
    assert (term.boost, term.maxdist, term.prefixlength) == (0.3, 1, 1)


def test_short_words_get_no_typo_tolerance(index_dir: Path) -> None:
    assert _slugs(index_dir, "izon", synonyms={}) == []


def test_hits_carry_what_a_result_list_shows(index_dir: Path) -> None:
    hit = search(index_dir, "simpel", limit=1)[0]
    assert (hit.slug, hit.title, hit.url, hit.unit, hit.year) == (
        "simpel",
        "SIMPEL",
        "inovasi/simpel/",
        "biro-ktln",
        2017,
    )


def test_empty_query_finds_nothing(index_dir: Path) -> None:
    assert search(index_dir, "  yang dan  ") == []


def test_similar_entries(index_dir: Path) -> None:
    related = similar(index_dir, "simpel")
    assert "simpel" not in related
    assert 1 <= len(related) <= 5
    assert {"simpel-mobile", "simpel-v3"} <= set(related[:3])
    assert len(similar(index_dir, "istura", limit=50)) <= 5


def test_similar_of_an_unknown_slug_raises(index_dir: Path) -> None:
    with pytest.raises(KeyError):
        similar(index_dir, "tidak-ada")


def test_similar_lists_do_not_depend_on_indexing_order(
    tmp_path: Path, index_dir: Path, entries: list[Entry], taxonomy: Taxonomy
) -> None:
    update_index(entries[::-1], tmp_path / "reversed", taxonomy)
    forward, backward = similar_all(index_dir), similar_all(tmp_path / "reversed")
    assert forward == backward
    assert sorted(forward) == sorted(e.slug for e in entries)
    assert all(
        slug not in others and len(set(others)) == len(others) <= 5 for slug, others in forward.items()
    )


def test_search_after_an_update_equals_search_on_a_fresh_index(
    tmp_path: Path, entries: list[Entry], taxonomy: Taxonomy
) -> None:
    """An update leaves the old document deleted in its segment; statistics and postings
    must skip it exactly as a rebuilt index would (katalog.search.ranking.WhooshStatistics)."""
    changed = [
        replace(e, innovation=e.innovation.model_copy(update={"summary": "Layanan baru pelayanan izin"}))
        if e.slug == "simpel"
        else e
        for e in entries
    ]
    updated, fresh = tmp_path / "updated", tmp_path / "fresh"
    update_index(entries, updated, taxonomy)
    report = update_index(changed, updated, taxonomy)
    assert report.updated == ["simpel"]
    update_index(changed, fresh, taxonomy)
    with open_index(updated).searcher() as searcher:
        assert searcher.reader().has_deletions()
    for query in ("pelayanan izin", "layanan", "istana", "simpel", "pengaduan masyarakat"):
        ours = [(h.slug, round(h.score, 9)) for h in search(updated, query, limit=30)]
        assert ours == [(h.slug, round(h.score, 9)) for h in search(fresh, query, limit=30)], query
        assert ours
