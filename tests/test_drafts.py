"""Drafts: `status: draft` entries show, marked DRAF, in development builds and never in publish."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from katalog.site.build import BuildReport, build

from .conftest import DRAFT, FIXTURES, ROOT, TAXONOMY


def _build(content: Path, output: Path, settings_file: str) -> BuildReport:
    overrides = {
        "PATH": str(content),
        "KATALOG_TAXONOMY": str(TAXONOMY),
        "KATALOG_INDEX_DIR": str(output.parent / f"whoosh-{settings_file}"),
    }
    return build(ROOT / settings_file, output, overrides)


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("drafts") / "content"
    shutil.copytree(FIXTURES / "site", root)
    (root / "inovasi" / "layanan-rahasia-baru.md").write_text(DRAFT, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def dev(content: Path) -> tuple[BuildReport, Path]:
    output = content.parent / "dev"
    return _build(content, output, "pelicanconf.py"), output


@pytest.fixture(scope="module")
def published(content: Path) -> tuple[BuildReport, Path]:
    output = content.parent / "publish"
    return _build(content, output, "publishconf.py"), output


def test_development_build_shows_the_draft_with_a_mark(dev: tuple[BuildReport, Path]) -> None:
    report, output = dev
    assert report.entries == 4
    page = (output / "inovasi" / "layanan-rahasia-baru" / "index.html").read_text(encoding="utf-8")
    assert '<span class="draft-mark">DRAF</span> Entri ini belum terbit' in page
    home = (output / "index.html").read_text(encoding="utf-8")
    card_start = home.index('<span class="draft-mark">DRAF</span>')
    assert "Layanan Rahasia Baru" in home[card_start : card_start + 300]
    # Only the draft is marked.
    assert home.count('class="draft-mark"') == 1
    simpel = (output / "inovasi" / "simpel" / "index.html").read_text(encoding="utf-8")
    assert "draft-mark" not in simpel


def test_publish_build_never_contains_the_draft(published: tuple[BuildReport, Path]) -> None:
    report, output = published
    assert report.entries == 3
    assert not (output / "inovasi" / "layanan-rahasia-baru").exists()
    slugs = {item["slug"] for item in json.loads((output / "data" / "inovasi.json").read_text("utf-8"))}
    assert slugs == {"simpel", "istura", "c-mantap"}
    leaked = [
        path.relative_to(output).as_posix()
        for path in output.rglob("*")
        if path.is_file()
        and path.suffix in {".html", ".json", ".csv", ".xml", ".txt", ".js"}
        and ("rahasia" in path.read_text("utf-8", errors="replace").casefold())
    ]
    assert leaked == []  # not in pages, facets, open data, feeds, sitemap, search index


def test_publish_build_keeps_the_draft_out_of_the_whoosh_index(
    published: tuple[BuildReport, Path], content: Path
) -> None:
    from katalog.search.query import search

    index = content.parent / "whoosh-publishconf.py"
    assert [h.slug for h in search(index, "rahasiadraf", 10)] == []
    assert [h.slug for h in search(index, "perjalanan dinas", 10)][:1] == ["simpel"]


def test_drafts_are_still_validated_in_publish_builds(tmp_path: Path, content: Path) -> None:
    from katalog.errors import ContentError

    broken = tmp_path / "content"
    shutil.copytree(content, broken)
    path = broken / "inovasi" / "layanan-rahasia-baru.md"
    path.write_text(DRAFT.replace("year: 2024", 'year: "2024"'), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        _build(broken, tmp_path / "out", "publishconf.py")
    assert [p.field for p in caught.value.problems] == ["year"]
