"""Incremental builds: unchanged outputs are kept, and the result equals a clean build.

Each scenario changes the content (or the theme) of a copy of the real catalogue, rebuilds
the same output folder, and compares it byte for byte with a clean build of the same
content into a fresh folder (fresh cache, fresh index).
"""

from __future__ import annotations

import itertools
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader, meta

from katalog.resources import THEME as THEME_DIR
from katalog.site.build import BuildReport
from katalog.site.outputs import CONTEXT_VARIABLES
from katalog.site.plugin import THEME_FILTERS

from .conftest import ROOT, build_site

THEME = THEME_DIR
_clean_builds = itertools.count()


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def files(root: Path) -> dict[str, tuple[int, int]]:
    """Path -> (inode, modification time) of every file: a file written again gets a new inode.
    (Folders are new after every build: the build assembles a new tree and swaps it in.)"""
    return {
        p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.fixture
def site(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the real content and theme, built once: (content folder, output folder)."""
    content, theme = tmp_path / "content", tmp_path / "theme"
    shutil.copytree(ROOT / "content", content)
    shutil.copytree(THEME, theme)
    output = tmp_path / "site" / "output"
    build_site(content, output, THEME=str(theme))
    return content, output


def rebuild(content: Path, output: Path) -> BuildReport:
    return build_site(content, output, THEME=str(content.parent / "theme"))


def clean_build(content: Path) -> Path:
    output = content.parent / f"clean-{next(_clean_builds)}" / "output"
    build_site(content, output, THEME=str(content.parent / "theme"))
    return output


def assert_same_as_clean(content: Path, output: Path) -> None:
    clean = tree(clean_build(content))
    incremental = tree(output)
    assert sorted(incremental) == sorted(clean)
    assert [name for name in clean if incremental[name] != clean[name]] == []


def edit(path: Path, change: Callable[[str], str]) -> None:
    text = path.read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text
    path.write_text(changed, encoding="utf-8")


def test_a_rebuild_without_changes_writes_no_file(site: tuple[Path, Path]) -> None:
    content, output = site
    before = files(output)
    report = rebuild(content, output)
    assert report.written == 0
    assert report.kept == len(before)
    assert files(output) == before  # same inodes and times: nothing was written or replaced


def test_editing_a_body_rerenders_few_pages_and_equals_a_clean_build(site: tuple[Path, Path]) -> None:
    content, output = site
    edit(content / "inovasi" / "simpel.md", lambda t: t.rstrip() + "\n\nKalimat tambahan untuk uji.\n")
    before = files(output)
    report = rebuild(content, output)
    after = files(output)
    pages = [name for name in after if name.endswith(".html")]
    rendered = [name for name in pages if after[name] != before[name]]
    # The entry's page and those listing it (home, its facet values, perlu-diperbarui),
    # plus any page whose "Inovasi serupa" list moved; never the other 60-odd pages.
    assert "inovasi/simpel/index.html" in rendered
    assert "tentang/index.html" not in rendered
    assert len(rendered) <= len(pages) // 5
    assert report.written < report.kept
    assert_same_as_clean(content, output)


def test_editing_a_title_reaches_every_page_that_shows_it(site: tuple[Path, Path]) -> None:
    content, output = site
    edit(content / "inovasi" / "simpel.md", lambda t: re.sub(r"(?m)^title: .*$", "title: Judul Baru Uji", t))
    report = rebuild(content, output)
    assert report.written > 1
    assert "Judul Baru Uji" in (output / "index.html").read_text(encoding="utf-8")
    assert_same_as_clean(content, output)


def test_moving_an_entry_to_another_unit_changes_the_counts(site: tuple[Path, Path]) -> None:
    content, output = site
    edit(
        content / "inovasi" / "simpel.md",
        lambda t: re.sub(r"(?m)^unit: .*$", "unit: Biro Hubungan Masyarakat", t),
    )
    rebuild(content, output)
    assert_same_as_clean(content, output)


def test_adding_and_deleting_entries_equals_a_clean_build(site: tuple[Path, Path]) -> None:
    content, output = site
    source = content / "inovasi" / "simpel.md"
    added = content / "inovasi" / "simpel-kedua.md"
    added.write_text(
        re.sub(r"(?m)^slug: .*$", "slug: simpel-kedua", source.read_text(encoding="utf-8")), encoding="utf-8"
    )
    rebuild(content, output)
    assert (output / "inovasi" / "simpel-kedua" / "index.html").is_file()
    assert_same_as_clean(content, output)
    added.unlink()
    (content / "inovasi" / "agentic-ai-analisis-kebijakan.md").unlink()
    rebuild(content, output)
    assert not (output / "inovasi" / "agentic-ai-analisis-kebijakan").exists()
    assert_same_as_clean(content, output)


def test_a_new_slug_reaches_the_pages_that_link_to_the_entry(site: tuple[Path, Path]) -> None:
    """c-skip's body links to ``{filename}c-mantap.md``: its page depends on that entry's URL."""
    content, output = site
    edit(content / "inovasi" / "c-mantap.md", lambda t: re.sub(r"(?m)^slug: .*$", "slug: c-mantap-baru", t))
    rebuild(content, output)
    assert "c-mantap-baru/" in (output / "inovasi" / "c-skip" / "index.html").read_text(encoding="utf-8")
    assert_same_as_clean(content, output)


def test_editing_a_static_page_title_reaches_the_menu_of_every_page(site: tuple[Path, Path]) -> None:
    content, output = site
    edit(content / "pages" / "tentang.md", lambda t: re.sub(r"(?m)^title: .*$", "title: Tentang Kami", t))
    report = rebuild(content, output)
    assert report.written >= report.pages  # every page shows the menu
    assert "Tentang Kami" in (output / "inovasi" / "simpel" / "index.html").read_text(encoding="utf-8")
    assert_same_as_clean(content, output)


def test_changing_a_template_or_a_theme_file_equals_a_clean_build(site: tuple[Path, Path]) -> None:
    content, output = site
    theme = content.parent / "theme"
    edit(theme / "templates" / "_card.html", lambda t: t.replace("</li>", "<!-- uji --></li>", 1))
    edit(theme / "static" / "css" / "site.css", lambda t: t + "\n/* uji */\n")
    rebuild(content, output)
    assert "<!-- uji -->" in (output / "index.html").read_text(encoding="utf-8")
    assert_same_as_clean(content, output)


def test_a_failed_incremental_build_keeps_the_previous_output(site: tuple[Path, Path]) -> None:
    content, output = site
    before = tree(output)
    edit(content / "inovasi" / "simpel.md", lambda t: re.sub(r"(?m)^year: .*$", 'year: "dua ribu"', t))
    with pytest.raises(Exception, match=r"year|tahun"):
        rebuild(content, output)
    assert tree(output) == before


# Variables a template may print: Pelican's and ours passed to each page (fingerprinted
# with the page), settings (in the site key), template-local names, and the context values
# of CONTEXT_VARIABLES. A context value outside this list would escape the fingerprint.
PAGE_VARIABLES = {
    "article", "category", "page", "page_name", "facets", "facet", "value", "innovations", "total",
    "feed_url", "stale_count", "stale", "max_age_days", "ranked", "total_replications", "choices",
    "max_compared", "search_facets", "manifest_url", "i", "r", "v", "item", "contact_list", "page_link",
    "incomplete_count", "incomplete", "gaps_by_field",
    "network_size", "members", "harvested_total", "failing",  # a network's home and jaringan/ page
    "charts", "summary_charts",  # statistik/ and the home page's glance at it
}  # fmt: skip


def test_templates_use_only_fingerprinted_variables() -> None:
    env = Environment(loader=FileSystemLoader(THEME / "templates"), autoescape=True)
    env.filters.update(THEME_FILTERS)
    used: set[str] = set()
    for name in env.list_templates():
        source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
        used |= meta.find_undeclared_variables(env.parse(source))
    unknown = {v for v in used if not v.isupper()} - PAGE_VARIABLES - set(CONTEXT_VARIABLES)
    assert unknown == set()
    assert set(CONTEXT_VARIABLES) <= used
