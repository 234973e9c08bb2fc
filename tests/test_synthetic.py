"""The synthetic-corpus generator of the benchmarks: deterministic, valid, realistic, same corpus in every format."""

from __future__ import annotations

import random
import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bench.synthetic import FORMATS, build_corpus, build_vocabulary, generate, inflections, main
from katalog.tools.cli import main as katalog_main

from .conftest import build_site


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """120 entries in every format."""
    return generate(120, tmp_path_factory.mktemp("synthetic"), seed=7)


def test_same_seed_gives_identical_bytes(corpus: Path, tmp_path: Path) -> None:
    again = tree(generate(120, tmp_path / "again", seed=7))
    assert again == tree(corpus)
    assert len(again) > 3 * 120


def test_other_seed_differs_and_smaller_corpus_is_a_prefix(corpus: Path, tmp_path: Path) -> None:
    other = tree(generate(30, tmp_path / "other", seed=8, formats=["katalog"]))
    small = tree(generate(30, tmp_path / "small", seed=7, formats=["katalog"]))
    full = tree(corpus)
    assert all(full[name] == data for name, data in small.items())
    assert sum(1 for name, data in other.items() if full.get(name) == data) < 5


def test_katalog_check_finds_no_error(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = corpus / "katalog"
    code = katalog_main(["check", str(root / "inovasi"), "--taxonomy", str(root / "taxonomy.yaml")])
    out = capsys.readouterr()
    assert code == 0, out.out
    assert "120 berkas diperiksa, semuanya sah" in out.err
    assert ": peringatan:" not in out.out.replace("last_verified: peringatan:", "")


def test_every_entry_is_marked_synthetic(corpus: Path) -> None:
    files = sorted((corpus / "katalog" / "inovasi").glob("*.md"))
    assert len(files) == 120
    for path in files:
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        assert front["synthetic"] is True, path.name


def test_taxonomy_spreads_entries_over_many_units(corpus: Path) -> None:
    taxonomy = yaml.safe_load((corpus / "katalog" / "taxonomy.yaml").read_text(encoding="utf-8"))
    assert len(taxonomy["units"]) >= 200
    entries, _ = build_corpus(120)
    assert len({e.meta["unit"] for e in entries}) > 40
    assert (corpus / "katalog" / "pages" / "tentang.md").is_file()


def test_pelican_and_hugo_trees_have_the_katalog_slugs(corpus: Path) -> None:
    katalog = {p.stem for p in (corpus / "katalog" / "inovasi").glob("*.md")}
    pelican_files = list((corpus / "pelican" / "content").glob("*.md"))
    pelican = {
        re.search(r"^Slug: (.+)$", p.read_text(encoding="utf-8"), re.M).group(1) for p in pelican_files
    }
    hugo_files = list((corpus / "hugo" / "content" / "inovasi").glob("*.md"))
    hugo = {yaml.safe_load(p.read_text(encoding="utf-8").split("---\n")[1])["slug"] for p in hugo_files}
    assert len(katalog) == 120
    assert pelican == katalog
    assert hugo == katalog


def test_nasal_assimilation() -> None:
    assert {"pelayanan", "melayani", "dilayani"} <= set(inflections("layan"))
    assert {"pengunjung", "mengunjungi", "kunjungan"} <= set(inflections("kunjung"))
    assert {"pengaduan", "mengadu", "diadukan"} <= set(inflections("adu"))
    assert {"pembayaran", "membayar"} <= set(inflections("bayar"))
    assert {"penyimpanan", "menyimpan"} <= set(inflections("simpan"))
    assert {"penilaian", "menilai"} <= set(inflections("nilai"))
    assert "belajar" in inflections("ajar")


def test_two_word_queries_match_few_entries() -> None:
    """Large vocabulary: the median 2-word query (words drawn by frequency) matches < 5% of 2000 entries."""
    vocabulary = build_vocabulary(7)
    assert len(vocabulary.words) >= 20_000
    entries, _ = build_corpus(2000)
    docs = [set(re.findall(r"[a-z]+", e.text.lower())) for e in entries]
    assert len(set().union(*docs)) >= 15_000
    rng = random.Random(1)
    fractions = []
    for _ in range(20):
        first, second = vocabulary.sample(rng, 2)
        fractions.append(sum(1 for d in docs if first in d and second in d) / len(docs))
    assert statistics.median(fractions) < 0.05
    # the vocabulary is not degenerate either: frequent words do recur across entries
    assert sum(1 for d in docs if vocabulary.words[0] in d) > 0.2 * len(docs)


def test_bodies_have_paragraphs_headings_and_lists() -> None:
    entries, _ = build_corpus(200)
    lengths = [len(e.body.split()) for e in entries]
    assert min(lengths) >= 100
    assert max(lengths) <= 500
    assert sum(1 for e in entries if "\n## " in "\n" + e.body) > 50
    assert sum(1 for e in entries if "\n- " in e.body) > 30
    assert sum(1 for e in entries if e.meta["expansion"]) > 30
    assert sum(1 for e in entries if re.match(r"^[A-Z][a-z]*-[A-Z]", e.meta["title"])) > 30


def test_katalog_build_of_50_entries(tmp_path: Path) -> None:
    root = generate(50, tmp_path / "corpus", formats=["katalog"]) / "katalog"
    output = tmp_path / "output"
    report = build_site(root, output, KATALOG_TAXONOMY=str(root / "taxonomy.yaml"))
    assert report.entries == 50
    pages = sorted(output.glob("inovasi/*/index.html"))
    assert len(pages) == 50
    assert (output / "tentang" / "index.html").is_file()


def test_plain_pelican_builds_the_pelican_tree(tmp_path: Path) -> None:
    root = generate(20, tmp_path / "corpus", formats=["pelican"]) / "pelican"
    output = tmp_path / "output"
    command = [sys.executable, "-m", "pelican", str(root / "content"), "-s", str(root / "pelicanconf.py")]
    done = subprocess.run([*command, "-o", str(output), "-q"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    slugs = {p.stem for p in (root / "content").glob("*.md")}
    assert {p.parent.name for p in output.glob("inovasi/*/index.html")} == slugs


def test_cli_rejects_unknown_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--n", "5", "--out", str(tmp_path), "--formats", "jekyll"])
    assert exc.value.code == 2
    assert ",".join(FORMATS) in capsys.readouterr().err
