"""Real Pelican builds: pages at the contract paths, sanitising, atomic swap, the real content."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from katalog.content.checking import collect_files
from katalog.content.taxonomy import Taxonomy
from katalog.content.validate import load_entry
from katalog.errors import ContentError

from .conftest import FIXTURES, ROOT, build_site
from .htmltools import parse, resolve


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_fixture_site_has_every_contract_path(fixture_site: Path) -> None:
    for path in [
        "index.html",
        "inovasi/simpel/index.html",
        "inovasi/c-mantap/index.html",
        "inovasi/istura/index.html",
        "unit/biro-ktln/index.html",
        "unit/ppk-kemayoran/index.html",
        "bidang/keuangan/index.html",
        "jenis/digitalisasi/index.html",
        "tahun/2017/index.html",
        "tahun/tidak-diketahui/index.html",
        "tentang/index.html",
        "statistik/index.html",
        "data/schema.json",
        "theme/css/site.css",
    ]:
        assert (fixture_site / path).is_file(), path


def test_home_lists_every_innovation_with_count(fixture_site: Path) -> None:
    home = (fixture_site / "index.html").read_text(encoding="utf-8")
    assert "Katalog ini memuat <strong>3 inovasi</strong>" in home
    for slug in ("simpel", "c-mantap", "istura"):
        assert f'href="./inovasi/{slug}/"' in home


def test_pages_are_indonesian_and_self_contained(fixture_site: Path) -> None:
    """Every page: lang="id", nothing fetched from another host, no inline script."""
    for page in fixture_site.rglob("*.html"):
        parsed = parse(page)
        assert parsed.lang == "id", page
        external = [r for r in parsed.resources if r.startswith(("http:", "https:", "//"))]
        assert external == [], page
        assert parsed.inline_scripts == 0, page  # own files only (JSON-LD data blocks are not scripts)


def test_internal_links_resolve(fixture_site: Path) -> None:
    for page in fixture_site.rglob("*.html"):
        for href in parse(page).links:
            if href.startswith(("http:", "https:", "mailto:", "tel:", "#")):
                continue
            assert resolve(page, href, fixture_site).is_file(), f"{page}: {href}"


def test_body_and_metadata_are_sanitised(fixture_site: Path) -> None:
    page = fixture_site / "inovasi" / "simpel" / "index.html"
    parsed = parse(page)
    html = page.read_text(encoding="utf-8")
    # The only script is the theme's menu (katalog/theme/static/js/menu.js); none from the body.
    assert parsed.scripts == 1
    assert [r for r in parsed.resources if r.endswith(".js")] == ["../../theme/js/menu.js"]
    assert parsed.handlers == []
    assert "javascript:" not in html
    assert "klik" in html  # the link text survives, the payload does not


def test_innovation_page_shows_every_field(fixture_site: Path) -> None:
    html = (fixture_site / "inovasi" / "istura" / "index.html").read_text(encoding="utf-8")
    for text in [
        "Istana untuk Rakyat",
        "Kunjungan gratis masyarakat",
        "Prosedur Tetap, Nomor 01/RTK/06/2009 Tahun 2009",
        'href="mailto:humas@example.org"',
        "0813-111-7426",
        'href="https://example.org/istura"',
        "Direplikasi oleh 0 instansi",
        "Pendaftaran kunjungan dibakukan",
    ]:
        assert text in html, text


def _copy_site(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "site", content)
    return content


def test_failed_build_leaves_previous_output_untouched(tmp_path: Path) -> None:
    content = _copy_site(tmp_path)
    output = tmp_path / "output"
    build_site(content, output)
    before = tree(output)
    shutil.copy(FIXTURES / "bad" / "year-wrong-type.md", content / "inovasi" / "rusak.md")
    (content / "inovasi" / "simpel.md").unlink()  # would change output if anything were written
    with pytest.raises(ContentError) as info:
        build_site(content, output)
    assert [p.field for p in info.value.problems] == ["year"]
    assert tree(output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".katalog-cache",
        ".katalog-whoosh",
        ".katalog-whoosh.lock",  # the index's build lock (katalog.site.lock), free again
        "content",
        "output",
    ]  # no staging left


def test_successful_rebuild_replaces_output(tmp_path: Path) -> None:
    content = _copy_site(tmp_path)
    output = tmp_path / "output"
    build_site(content, output)
    (output / "stale.html").write_text("lama", encoding="utf-8")
    (content / "inovasi" / "istura.md").unlink()
    build_site(content, output)
    assert not (output / "stale.html").exists()
    assert not (output / "inovasi" / "istura").exists()
    assert (output / "inovasi" / "simpel" / "index.html").is_file()


def test_duplicate_slug_stops_the_build(tmp_path: Path) -> None:
    content = _copy_site(tmp_path)
    twin = (
        (content / "inovasi" / "simpel.md")
        .read_text(encoding="utf-8")
        .replace("title: SIMPEL", "title: Lain")
    )
    (content / "inovasi" / "simpel-2.md").write_text(twin, encoding="utf-8")
    with pytest.raises(ContentError, match="'simpel' sudah dipakai"):
        build_site(content, tmp_path / "output")
    assert not (tmp_path / "output").exists()


def test_invalid_static_page_stops_the_build(tmp_path: Path) -> None:
    content = _copy_site(tmp_path)
    (content / "pages" / "rusak.md").write_text("---\ntitle: X\n---\nIsi\n", encoding="utf-8")
    with pytest.raises(ContentError, match="slug: wajib diisi"):
        build_site(content, tmp_path / "output")


# --- the real catalogue ---------------------------------------------------------------------


def real_entries(taxonomy: Taxonomy) -> list:
    files = collect_files([ROOT / "content" / "inovasi"])
    results = [load_entry(f, taxonomy) for f in files]
    assert [p for r in results for p in r.problems] == []
    return [r.entry for r in results]


def test_real_content_is_one_entry_per_file(taxonomy: Taxonomy) -> None:
    files = sorted((ROOT / "content" / "inovasi").glob("*.md"))
    assert len(files) >= 35  # the 30 first entries and those of issue 14; none may vanish
    assert sorted(e.slug for e in real_entries(taxonomy)) == sorted(f.stem for f in files)


def test_real_content_every_entry_has_its_pages(real_site: Path, taxonomy: Taxonomy) -> None:
    from katalog.content.facets import links_of

    entries = real_entries(taxonomy)
    home = (real_site / "index.html").read_text(encoding="utf-8")
    assert f"Katalog ini memuat <strong>{len(entries)} inovasi</strong>" in home
    for entry in entries:
        page = real_site / "inovasi" / entry.slug / "index.html"
        assert page.is_file(), entry.source
        assert entry.innovation.title in page.read_text(encoding="utf-8")
        href = f'href="./inovasi/{entry.slug}/"'
        assert href in home, entry.source
        for facet_links in links_of(entry.innovation, taxonomy).values():
            for link in facet_links:
                facet_page = (real_site / link.url / "index.html").read_text(encoding="utf-8")
                assert f'href="../../inovasi/{entry.slug}/"' in facet_page, (entry.source, link.url)


def test_real_content_every_entry_is_in_open_data_and_found_by_its_title(
    real_site: Path, taxonomy: Taxonomy
) -> None:
    import json

    from katalog.search.query import search

    entries = real_entries(taxonomy)
    records = json.loads((real_site / "data" / "inovasi.json").read_text(encoding="utf-8"))
    assert sorted(r["slug"] for r in records) == sorted(e.slug for e in entries)
    csv_text = (real_site / "data" / "inovasi.csv").read_text(encoding="utf-8")
    index = real_site.parent / ".katalog-whoosh"
    for entry in entries:
        assert f"/inovasi/{entry.slug}/" in csv_text, entry.source
        hits = search(index, entry.innovation.title, limit=5)
        assert entry.slug in [hit.slug for hit in hits], entry.source


def test_real_content_static_pages(real_site: Path) -> None:
    for slug in ("tentang", "cara-replikasi", "kontribusi"):
        assert (real_site / slug / "index.html").is_file()
    guide = (real_site / "kontribusi" / "index.html").read_text(encoding="utf-8")
    assert "katalog new" in guide
    assert "make check" in guide


def test_repeated_runs_of_one_pelican_do_not_accumulate(tmp_path: Path) -> None:
    """`pelican --autoreload` reruns the same Pelican object; state must start fresh each run."""
    from pelican import Pelican

    from katalog.site.build import load_settings
    from katalog.site.state import state_of

    overrides = {
        "PATH": str(FIXTURES / "site"),
        "KATALOG_TAXONOMY": str(ROOT / "content" / "taxonomy.yaml"),
        "OUTPUT_PATH": str(tmp_path / "out"),
        "KATALOG_INDEX_DIR": str(tmp_path / "whoosh"),
    }
    pelican = Pelican(load_settings(ROOT / "pelicanconf.py", overrides))
    pelican.run()
    pelican.run()
    assert len(state_of(pelican.settings).entries) == 3


def test_similar_innovations_on_real_pages(real_site: Path, taxonomy: Taxonomy) -> None:
    import re

    for entry in real_entries(taxonomy):
        html = (real_site / "inovasi" / entry.slug / "index.html").read_text(encoding="utf-8")
        section = re.search(r'<ul class="similar">(.*?)</ul>', html)
        assert section, entry.slug
        targets = re.findall(r'href="\.\./\.\./inovasi/([a-z0-9-]+)/"', section.group(1))
        assert 1 <= len(targets) <= 5
        assert entry.slug not in targets
        assert len(set(targets)) == len(targets)
    simpel = (real_site / "inovasi" / "simpel" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../inovasi/simpel-mobile/"' in re.search(
        r'<ul class="similar">(.*?)</ul>', simpel
    ).group(1)


def test_reading_on_every_core_builds_the_same_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """KATALOG_JOBS=2 validates the files in worker processes; the pages are the same bytes."""
    import katalog.site.reading

    calls: list[int] = []
    real = katalog.site.reading.load_entries

    def spy(paths: list[Path], taxonomy: Taxonomy, jobs: int, per_file: Any) -> list:
        calls.append(jobs)
        return real(paths, taxonomy, jobs, per_file)

    monkeypatch.setattr(katalog.site.reading, "load_entries", spy)
    content = _copy_site(tmp_path)
    build_site(content, tmp_path / "one", KATALOG_JOBS=1)
    build_site(content, tmp_path / "two", KATALOG_JOBS=2)
    assert calls == [1, 2]  # every file read once per build: in this process, then in two
    assert tree(tmp_path / "two") == tree(tmp_path / "one")


def test_reading_on_every_core_reports_every_problem_of_every_file(tmp_path: Path) -> None:
    content = _copy_site(tmp_path)
    for bad in sorted((FIXTURES / "bad").glob("*.md")):
        shutil.copy(bad, content / "inovasi" / bad.name)
    with pytest.raises(ContentError) as one:
        build_site(content, tmp_path / "output", KATALOG_JOBS=1)
    with pytest.raises(ContentError) as two:
        build_site(content, tmp_path / "output", KATALOG_JOBS=2)
    assert [str(p) for p in two.value.problems] == [str(p) for p in one.value.problems]
    assert {Path(p.path).name for p in two.value.problems} == {
        b.name for b in (FIXTURES / "bad").glob("*.md")
    }
    assert not (tmp_path / "output").exists()


def test_the_kemensetneg_site_keeps_every_path_it_had_before_the_engine_split(real_site: Path) -> None:
    """The catalogue became the first site built on the installable engine (0.2) with the
    same URLs: every file it published then (browser-index shards aside, which are named
    by content) is still written. The pages were byte-identical at the move."""
    before = (ROOT / "tests" / "fixtures" / "kemensetneg-paths.txt").read_text(encoding="utf-8").split()
    assert len(before) > 100
    assert [path for path in before if not (real_site / path).is_file()] == []
