"""Shared fixtures: the project root, the real taxonomy, and a helper to build a content tree."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from katalog.content.taxonomy import Taxonomy
from katalog.search.analysis import SITE_PROTECTED, SITE_SYNONYMS, use_site_lists
from katalog.site.build import BuildReport, build

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
TAXONOMY = ROOT / "content" / "taxonomy.yaml"


# An entry still being written (status: draft), its title and a tag that no other entry
# has: what must never appear in anything published (pages, feeds, data, the Majalah).
DRAFT = """---
title: Layanan Rahasia Baru
summary: Entri yang masih disusun redaksi dan belum boleh terbit.
unit: Biro Hubungan Masyarakat
category: null
kind: [digitalisasi]
year: 2024
status: draft
tags: [rahasiadraf]
sources:
  - https://example.org/draf
---
Uraian sementara tentang rahasiadraf.
"""
DRAFT_TITLE = "Layanan Rahasia Baru"


@pytest.fixture(autouse=True)
def _in_project_root() -> Iterator[None]:
    """Run every test from the project root, where the CLI and settings expect to be."""
    previous = Path.cwd()
    os.chdir(ROOT)
    yield
    os.chdir(previous)


@pytest.fixture(autouse=True)
def _repository_word_lists() -> Iterator[None]:
    """A build points the analysis at its site's word lists for the rest of the process
    (`analysis.use_site_lists`); after each test they are the repository's again, so a test
    of another site's build cannot change what a later test's search finds."""
    yield
    content = ROOT / "content"
    use_site_lists(content / SITE_PROTECTED, content / SITE_SYNONYMS)


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return Taxonomy.load(TAXONOMY)


def build_site(content: Path, output: Path, wait: float | None = None, **settings: object) -> BuildReport:
    """Build `content` (a folder with inovasi/ and pages/) with the project's settings;
    `wait` as `katalog.site.build.build` (how long to wait for another build)."""
    overrides = {
        "PATH": str(content.resolve()),
        "KATALOG_TAXONOMY": str(TAXONOMY),
        "KATALOG_SYNONYMS": str(ROOT / "content" / "sinonim.yaml"),
        "KATALOG_PROTECTED_WORDS": str(ROOT / "content" / "kata-dilindungi.txt"),
        "KATALOG_INDEX_DIR": str(output.parent / ".katalog-whoosh"),
        "KATALOG_CACHE_DIR": str(output.parent / ".katalog-cache"),
        **settings,
    }
    return build(ROOT / "pelicanconf.py", output, overrides, wait=wait)


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three-entry fixture site, built once per session."""
    output = tmp_path_factory.mktemp("fixture-site") / "output"
    build_site(FIXTURES / "site", output)
    return output


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real catalogue in content/, built once per session."""
    output = tmp_path_factory.mktemp("real-site") / "output"
    build_site(ROOT / "content", output)
    return output


@pytest.fixture(scope="session")
def real_index_dir(real_site: Path) -> Path:
    """The Whoosh index of `real_site` (what `katalog search` reads for it)."""
    return real_site.parent / ".katalog-whoosh"


@pytest.fixture(scope="module")
def real_served(real_site: Path) -> Iterator[str]:
    """`real_site` over http on 127.0.0.1 with the production headers (CSP): fetch()
    refuses file://, and the scripts must work under the headers they are published with."""
    from katalog.tools.browser import serving

    with serving(real_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless system Chromium per test module (each test opens its own pages).

    Module, not session, scope: Playwright's sync API runs an event loop while open, and the
    benchmark tests start Playwright themselves; a browser kept open across modules breaks them.
    """
    from katalog.tools.browser import CHROMIUM, MISSING, headless_chromium

    if not CHROMIUM.is_file():
        pytest.fail(MISSING)
    with headless_chromium() as chromium:
        yield chromium
