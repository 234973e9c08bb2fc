"""The synthetic-corpus generator of the benchmarks: deterministic, valid, realistic, same corpus in every format."""

from __future__ import annotations

import functools
import hashlib
import math
import random
import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bench.synthetic import (
    BODY_WORDS,
    FORMATS,
    PROFILES,
    SyntheticEntry,
    build_corpus,
    build_vocabulary,
    generate,
    inflections,
    main,
    measure,
    open_vocabulary,
    read_bodies,
    tokens,
)
from katalog.tools.cli import main as katalog_main

from .conftest import build_site

REAL = Path(__file__).resolve().parent.parent / "content" / "inovasi"
# sha256 of each tree of `generate(40, seed=7)` before the realistic profile existed: the heavy
# profile must keep producing exactly these bytes, so figures measured on it stay comparable.
HEAVY_40 = {
    "katalog": "8244c2a046caa194495745a81b8e539dc8b995260c2acd59a0f38d8762ddbac5",
    "pelican": "30908f5e587a64d288d9259979422720be7a870b672626a50405bb2915da24a7",
    "hugo": "31b5d416a81b54dd845667b06120d9d28583d091c26ba271c17519c57c8ac54d",
}


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def digest(root: Path) -> str:
    h = hashlib.sha256()
    for name, data in tree(root).items():
        h.update(name.encode() + b"\0" + data + b"\0")
    return h.hexdigest()


@functools.cache
def entries_of(profile: str, n: int = 2000) -> tuple[SyntheticEntry, ...]:
    """Built once per module run: 2,000 entries take about a second per profile."""
    return tuple(build_corpus(n, profile=profile)[0])


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


@pytest.mark.parametrize("profile", PROFILES)
def test_two_word_queries_match_few_entries(profile: str) -> None:
    """Large vocabulary: the median 2-word query (words drawn by frequency) matches < 5% of 2000 entries."""
    vocabulary = open_vocabulary(7) if profile == "realistic" else build_vocabulary(7)
    assert len(vocabulary.words) >= 20_000
    entries = entries_of(profile)
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


def test_heavy_bodies_have_paragraphs_headings_and_lists() -> None:
    entries = entries_of("heavy")[:200]
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


def test_realistic_bodies_have_headings_lists_and_names() -> None:
    """As every real entry: a `## ` heading, mostly a bulleted list; titles as in the heavy profile."""
    entries = entries_of("realistic")[:200]
    assert all("\n## " in e.body for e in entries)
    assert sum(1 for e in entries if "\n- " in e.body) > 120
    assert sum(1 for e in entries if e.meta["expansion"]) > 30
    assert sum(1 for e in entries if re.match(r"^[A-Z][a-z]*-[A-Z]", e.meta["title"])) > 30


def test_realistic_body_lengths_match_the_real_catalogue() -> None:
    real = statistics.median(len(b.split()) for b in read_bodies(REAL))
    lengths = [len(e.body.split()) for e in entries_of("realistic")[:500]]
    assert abs(statistics.median(lengths) / real - 1) <= 0.25, (statistics.median(lengths), real)
    # the body is cut to its drawn length: at most a sentence's extras over the clip, a few words under
    assert BODY_WORDS[0] - 4 <= min(lengths)
    assert max(lengths) <= BODY_WORDS[1] + 12
    heavy = statistics.median(len(e.body.split()) for e in entries_of("heavy")[:500])
    assert heavy > 2 * real


def test_realistic_vocabulary_keeps_growing_like_the_real_heaps_law() -> None:
    """Distinct body forms at 500 and 2,000 entries against K * n^beta fitted on content/inovasi."""
    real = measure(read_bodies(REAL))
    docs = [tokens(e.body) for e in entries_of("realistic")]
    (n1, v1), (n2, v2) = (
        (sum(len(d) for d in docs[:k]), len({w for d in docs[:k] for w in d})) for k in (500, 2000)
    )
    assert v2 > 2 * v1
    beta = math.log(v2 / v1) / math.log(n2 / n1)
    assert abs(beta - real.heaps_beta) < 0.1, (beta, real.heaps_beta)
    expected = real.heaps_k * n2**real.heaps_beta
    assert abs(v2 / expected - 1) < 0.25, (v2, expected)


def test_open_vocabulary_forms_depend_only_on_the_rank() -> None:
    """Tail forms are made per rank, so the order in which ranks are first drawn does not matter."""
    ranks = [10, 23_999, 24_000, 24_011, 24_012, 10**6, 10**12]
    forward = open_vocabulary(7)
    backward = open_vocabulary(7)
    first = [forward.word(r) for r in ranks]
    assert [backward.word(r) for r in reversed(ranks)] == list(reversed(first))
    assert first[0] == build_vocabulary(7).words[10]
    assert len(set(first[2:])) == len(first) - 2


@pytest.mark.parametrize("profile", PROFILES)
def test_each_profile_is_deterministic_and_nested(profile: str, tmp_path: Path) -> None:
    small = tree(generate(25, tmp_path / "small", profile=profile, formats=["katalog"]))
    again = tree(generate(25, tmp_path / "again", profile=profile, formats=["katalog"]))
    large = tree(generate(60, tmp_path / "large", profile=profile, formats=["katalog"]))
    assert small == again
    assert all(large[name] == data for name, data in small.items())
    assert len(large) == len(small) + 35
    bodies = [e.body for e in build_corpus(300, profile=profile)[0]]
    assert bodies == [e.body for e in entries_of(profile)[:300]]


def test_heavy_profile_is_the_old_generator(tmp_path: Path) -> None:
    out = generate(40, tmp_path, seed=7, profile="heavy")
    assert {name: digest(out / name) for name in FORMATS} == HEAVY_40


def test_profiles_differ_and_unknown_profile_is_refused(tmp_path: Path) -> None:
    realistic = tree(generate(10, tmp_path / "r", formats=["katalog"]))
    heavy = tree(generate(10, tmp_path / "h", formats=["katalog"], profile="heavy"))
    assert realistic != heavy
    with pytest.raises(ValueError, match="unknown profile 'light'; choose from realistic, heavy"):
        build_corpus(1, profile="light")


def test_cli_profile_and_measure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["--n", "5", "--out", str(tmp_path / "cli"), "--formats", "katalog", "--profile", "heavy"]) == 0
    )
    assert tree(tmp_path / "cli") == tree(generate(5, tmp_path / "api", formats=["katalog"], profile="heavy"))
    assert main(["--measure", str(REAL)]) == 0
    out = capsys.readouterr().out
    assert f"{REAL}: {len(read_bodies(REAL))} bodies, words median " in out
    assert re.search(r"Heaps V\(n\) = \d+\.\d\d \* n\^0\.\d{3}$", out.strip())
    with pytest.raises(SystemExit) as exc:
        main(["--n", "5", "--out", str(tmp_path), "--profile", "light"])
    assert exc.value.code == 2
