"""The Indonesian analysis chain: golden token lists, required conflations, word lists.

The golden file ``tests/fixtures/analysis/golden.tsv`` is the contract for this chain and
for the browser's port of it. Regenerate it after an intended change with
``.venv/bin/python -m tests.test_analysis`` and review the diff: the inputs (first column)
are kept, the tokens are recomputed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from whoosh.analysis import Token

from katalog.errors import ContentError
from katalog.search.analysis import (
    PROTECTED_FILE,
    STOP_WORDS,
    SYNONYMS_FILE,
    analyse,
    analyzer,
    analyzer_version,
    default_protected,
    default_synonyms,
    expand_query,
    load_protected,
    load_synonyms,
    stem,
    use_site_lists,
)

from .conftest import FIXTURES, ROOT

SITE_PROTECTED_FILE = ROOT / "content" / "kata-dilindungi.txt"

GOLDEN = FIXTURES / "analysis" / "golden.tsv"


def read_golden() -> list[tuple[str, str]]:
    lines = GOLDEN.read_text(encoding="utf-8").splitlines()
    return [(line.split("\t")[0], line.split("\t")[1]) for line in lines if line]


def write_golden(inputs: list[str] | None = None) -> None:
    """Rewrite the golden file from its own inputs (or `inputs`) with today's chain."""
    inputs = inputs if inputs is not None else [text for text, _ in read_golden()]
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{text}\t{' '.join(analyse(text))}\n" for text in inputs]
    GOLDEN.write_text("".join(lines), encoding="utf-8")


def test_golden_file_is_large_enough() -> None:
    assert len(read_golden()) >= 80


@pytest.mark.parametrize(("text", "expected"), read_golden())
def test_golden_tokens(text: str, expected: str) -> None:
    assert " ".join(analyse(text)) == expected


CONFLATIONS = [
    (["pelayanan", "melayani", "layanan", "dilayani"], "layan"),
    (["pengaduan", "mengadu", "aduan", "diadukan"], "adu"),
    (["kunjungan", "pengunjung", "berkunjung", "dikunjungi"], "kunjung"),
    (["perizinan", "izin", "mengizinkan"], "izin"),
    (["perjalanan", "berjalan", "jalan"], "jalan"),
    (["penilaian", "menilai", "nilai"], "nilai"),
    (["pengelolaan", "dikelola", "kelola"], "kelola"),
    (["penerbitan", "diterbitkan"], "terbit"),
    (["pemerintahan", "pemerintah"], "perintah"),
]


@pytest.mark.parametrize(("words", "root"), CONFLATIONS)
def test_required_conflations(words: list[str], root: str) -> None:
    assert {word: root in stem(word) for word in words} == dict.fromkeys(words, True)


def test_meng_and_peng_before_a_vowel_emit_both_readings() -> None:
    assert stem("pengunjung") == ["unjung", "kunjung"]
    assert stem("mengadu") == ["adu", "kadu"]


def test_both_readings_share_one_position() -> None:
    tokens = [(t.text, t.pos) for t in analyzer()("para pengunjung istana", positions=True)]
    assert tokens == [("unjung", 1), ("kunjung", 1), ("istana", 2)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("C-Mantap", "c-mantap"), ("cmantap", "cmantap"), ("mantap", "mantap")],
)
def test_c_mantap_is_findable_three_ways(query: str, expected: str) -> None:
    assert expected in set(analyse(query)) & set(analyse("Aplikasi C-Mantap PPK Kemayoran"))


def test_hyphenated_prefix_meets_the_joined_form() -> None:
    assert set(analyse("nontunai")) <= set(analyse("non-tunai"))
    assert "non" not in analyse("non-tunai")


def test_reduplication_reaches_its_root() -> None:
    assert "undang" in analyse("perundang-undangan")


def test_digits_and_short_tokens_are_not_stemmed() -> None:
    assert analyse("HUT RI ke-71 2017") == ["hut", "ri", "ke-71", "71", "2017"]
    assert stem("kanal") == ["kanal"]


@pytest.mark.parametrize("word", sorted(load_protected(PROTECTED_FILE) | load_protected(SITE_PROTECTED_FILE)))
def test_protected_words_are_never_stemmed(word: str) -> None:
    assert stem(word) == [word]


def test_protected_list_changes_stems_and_version() -> None:
    assert stem("digitalisasi", protected=()) == ["gitalisasi"]
    assert stem("digitalisasi") == ["digitalisasi"]
    assert analyzer_version(()) != analyzer_version()


def test_stop_words_are_removed() -> None:
    assert analyse("yang dan di ke dari untuk dengan pada ini itu dalam atau") == []
    assert 90 <= len(STOP_WORDS) <= 150


def test_tokens_keep_character_offsets() -> None:
    # Whoosh reuses one Token object, so each must be copied before the next is produced.
    tokens: list[Token] = [t.copy() for t in analyzer()("Aplikasi C-Mantap", chars=True)]
    spans = {t.text: (t.startchar, t.endchar) for t in tokens}
    assert spans == {"aplikasi": (0, 8), "c-mantap": (9, 17), "cmantap": (9, 17), "mantap": (11, 17)}


def test_stems_are_cached() -> None:
    from katalog.search.analysis import _stem

    _stem.cache_clear()
    stem("pelayanan")
    stem("pelayanan")
    assert _stem.cache_info().hits >= 1


def test_analyzer_survives_pickling_into_an_index() -> None:
    import pickle

    chain = pickle.loads(pickle.dumps(analyzer()))
    assert [t.text for t in chain("Pengunjung Istana")] == ["unjung", "kunjung", "istana"]


# --- synonyms -------------------------------------------------------------------------------


def test_expansion_of_an_acronym_and_acronym_of_an_expansion() -> None:
    synonyms = {"istura": ["istana untuk rakyat"], "gbk": ["gelanggang olahraga bung karno"]}
    assert expand_query("istana untuk rakyat", synonyms) == ["istura"]
    assert expand_query("Istana Rakyat", synonyms) == ["istura"]
    assert expand_query("parkir GBK", synonyms) == ["gelanggang olahraga bung karno"]
    assert expand_query("istana bogor", synonyms) == []


def _normalised(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def test_every_expansion_is_written_in_the_content() -> None:
    sources = [*sorted((ROOT / "content" / "inovasi").glob("*.md")), ROOT / "content" / "taxonomy.yaml"]
    corpus = _normalised(" ".join(p.read_text(encoding="utf-8") for p in sources))
    synonyms = default_synonyms()
    missing = [e for expansions in synonyms.values() for e in expansions if _normalised(e) not in corpus]
    assert "simpel" in synonyms
    assert missing == []


def test_a_malformed_synonym_file_is_a_content_error(tmp_path: Path) -> None:
    bad = tmp_path / "sinonim.yaml"
    bad.write_text("simpel: [1, 2]\n", encoding="utf-8")
    with pytest.raises(ContentError, match="simpel: kepanjangan harus berupa teks"):
        load_synonyms(bad)


@pytest.mark.parametrize("path", [PROTECTED_FILE, SITE_PROTECTED_FILE], ids=["engine", "site"])
def test_protected_file_is_lower_case_and_has_no_duplicates(path: Path) -> None:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    words = [line for line in lines if line and not line.startswith("#")]
    assert words == [w.lower() for w in words]
    assert len(words) == len(set(words))


def test_site_lists_extend_the_engines(tmp_path: Path) -> None:
    """The site's protected words join the engine's; its synonyms come first and win."""
    protected, synonyms = tmp_path / "kata-dilindungi.txt", tmp_path / "sinonim.yaml"
    protected.write_text("# nama daerah\nkotabaru\n", encoding="utf-8")
    synonyms.write_text(
        "sipd: sistem informasi pemerintahan daerah\nhumas: hubungan masyarakat kota\n", encoding="utf-8"
    )
    try:
        use_site_lists(protected, synonyms)
        assert default_protected() == load_protected(PROTECTED_FILE) | {"kotabaru"}
        merged = default_synonyms()
        assert list(merged)[:2] == ["sipd", "humas"]
        assert merged["humas"] == ["hubungan masyarakat kota"]
        assert set(load_synonyms(SYNONYMS_FILE)) <= set(merged)
        use_site_lists(tmp_path / "none.txt", tmp_path / "none.yaml")  # a site without lists
        assert default_protected() == load_protected(PROTECTED_FILE)
        assert default_synonyms() == load_synonyms(SYNONYMS_FILE)
    finally:
        use_site_lists(SITE_PROTECTED_FILE, ROOT / "content" / "sinonim.yaml")


def test_the_engines_lists_name_no_agency() -> None:
    for path in (PROTECTED_FILE, SYNONYMS_FILE):
        assert "setneg" not in path.read_text(encoding="utf-8").casefold()


if __name__ == "__main__":
    write_golden()
