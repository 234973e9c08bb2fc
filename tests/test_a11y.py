"""Accessibility in real Chromium: axe-core on every page a build writes, keyboard, focus,
reflow.

axe-core comes bundled in `axe-playwright-python` (injected from a local file); every
request that would leave the local server is recorded and fails the test. The pages are
listed from the build's output when the test runs (`axetools.written_pages`), never by hand.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from katalog.tools.browser import serving

from .axetools import NARROW, WIDE, audit, open_page, scripted_pages, written_pages
from .conftest import FIXTURES, ROOT, build_site

# Home, an innovation, each facet page type and facet index, search, the comparison, the
# replication ranking, the editors' list of what entries lack, and a static page: the
# fixture site must keep showing every template (the keyboard and reflow tests use them).
PAGE_TYPES = [
    "",
    "inovasi/simpel/",
    "unit/",
    "unit/biro-ktln/",
    "bidang/",
    "jenis/digitalisasi/",
    "tahun/2017/",
    "status/aktif/",
    "cari/",
    "bandingkan/",
    "replikasi/",
    "lengkapi/",
    "tentang/",
]


@pytest.fixture(scope="module")
def served(fixture_site: Path) -> Iterator[str]:
    with serving(fixture_site) as url:
        yield url


def test_fixture_site_has_every_page_type(fixture_site: Path) -> None:
    assert set(PAGE_TYPES) <= set(written_pages(fixture_site))


def test_written_pages_are_found_from_the_output(real_site: Path) -> None:
    """The list covers what the build wrote: each innovation, each static page, the home."""
    pages = written_pages(real_site)
    records = json.loads((real_site / "data" / "inovasi.json").read_text(encoding="utf-8"))
    statics = [p.stem for p in (ROOT / "content" / "pages").glob("*.md")]
    assert {f"inovasi/{r['slug']}/" for r in records} <= set(pages)
    assert {f"{slug}/" for slug in statics} <= set(pages)
    assert {"", "cari/", "unit/", "bandingkan/"} <= set(pages)
    assert len(pages) == len(set(pages)) > len(records) + len(statics)


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1280px", "320px"])
@pytest.mark.parametrize("site", ["fixture_site", "real_site"])
def test_every_written_page_passes_axe_and_reflows(
    browser, request: pytest.FixtureRequest, site: str, viewport: dict[str, int]
) -> None:
    """axe finds no violation of any impact, and no page scrolls sideways, on every page of
    the build (and the search and comparison pages as their scripts fill them)."""
    output: Path = request.getfixturevalue(site)
    pages = written_pages(output) + scripted_pages(output)
    outside: list[str] = []
    with serving(output) as url:
        found = audit(browser, url, pages, outside, viewport)
    assert len(found) == len(pages)
    assert {path: v for path, v in found.items() if v} == {}
    assert outside == []


WIDE_TABLE = "\n".join(
    [
        "| " + " | ".join(f"Kolom {n}" for n in range(1, 15)) + " |",
        "|" + "---|" * 14,
        "| " + " | ".join(f"nilai-{n}" for n in range(1, 15)) + " |",
    ]
)
# An editor's page as written: a title-level heading, a skipped level, a wide table, a
# second table under the same heading, and a screenshot wider than a phone.
EDITED_PAGE = f"""---
title: Tabel Lebar
slug: tabel-lebar
---
Pengantar.

#### Subjudul yang melompat

{WIDE_TABLE}

# Bagian utama

| A | B |
|---|---|
| 1 | 2 |

| C | D |
|---|---|
| 3 | 4 |

![Tangkapan layar selebar 960 piksel]({{static}}/images/layar.png)

### Rincian
"""


@pytest.fixture(scope="module")
def edited_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site with `EDITED_PAGE` added."""
    root = tmp_path_factory.mktemp("edited")
    content = root / "content"
    shutil.copytree(FIXTURES / "site", content)
    (content / "images").mkdir()
    shutil.copy(
        ROOT / "content" / "images" / "panduan" / "galat-pratinjau.png", content / "images" / "layar.png"
    )
    (content / "pages" / "tabel-lebar.md").write_text(EDITED_PAGE, encoding="utf-8")
    output = root / "output"
    build_site(content, output)
    return output


def test_an_editor_s_headings_keep_the_page_s_outline(edited_site: Path) -> None:
    html = (edited_site / "tabel-lebar" / "index.html").read_text(encoding="utf-8")
    article = html[html.index('<article class="prose">') :]
    levels = [int(n) for n in re.findall(r"<h([1-6])\b", article)]
    assert levels == [1, 2, 2, 3]


def test_a_wide_table_scrolls_in_its_own_named_region_the_keyboard_reaches(
    browser, edited_site: Path
) -> None:
    outside: list[str] = []
    with serving(edited_site) as url:
        assert audit(browser, url, ["tabel-lebar/"], outside, NARROW) == {"tabel-lebar/": []}
        page = open_page(browser, url, "tabel-lebar/", outside, viewport=NARROW)
        regions = page.locator(".prose [role=region]")
        names = [regions.nth(i).get_attribute("aria-label") for i in range(regions.count())]
        first = regions.first
        scrolls = first.evaluate("e => e.scrollWidth > e.clientWidth")
        for _ in range(40):  # the skip link and the site's menu come first
            page.keyboard.press("Tab")
            if first.evaluate("e => e === document.activeElement"):
                break
        else:
            pytest.fail("Tab never reached the table's region")
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.querySelector('.prose [role=region]').scrollLeft > 0")
        page.context.close()
    assert names == ["Tabel 1: Subjudul yang melompat", "Tabel 2: Bagian utama", "Tabel 3: Bagian utama"]
    assert scrolls
    assert outside == []


FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])"


@pytest.mark.parametrize("path", ["", "inovasi/simpel/", "bandingkan/", "cari/?q=simpel"])
def test_keyboard_reaches_every_control_with_a_visible_focus(browser, served: str, path: str) -> None:
    outside: list[str] = []
    page = open_page(browser, served, path, outside)
    if path.startswith("cari/"):
        page.locator("#hasil li, .hasil li, ol li").first.wait_for(timeout=10_000)
    # Number every visible control, then Tab until each number has had focus.
    expected = set(
        page.evaluate(
            f"""() => [...document.querySelectorAll("{FOCUSABLE}")]
                .filter(e => e.getClientRects().length)
                .map((e, i) => (e.dataset.kbd = String(i)))"""
        )
    )
    reached: set[str] = set()
    unstyled = []
    for _ in range(len(expected) + 5):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => { const e = document.activeElement; if (!e || e === document.body) return null;
              const s = getComputedStyle(e);
              const shown = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
              const closed = e.tagName === 'SUMMARY' && !e.parentElement.open;
              return {key: e.dataset.kbd || e.outerHTML.slice(0, 80), shown, closed}; }"""
        )
        if info is None:
            continue
        if info["closed"]:  # a keyboard user opens a facet group with Enter, then tabs into it
            page.keyboard.press("Enter")
        reached.add(info["key"])
        if not info["shown"]:
            unstyled.append(info["key"])
    page.context.close()
    assert expected - reached == set()
    assert unstyled == []
    assert outside == []


@pytest.mark.parametrize(
    ("label", "viewport", "scale"),
    [("320px", {"width": 320, "height": 640}, 1), ("zoom200", {"width": 640, "height": 400}, 2)],
)
@pytest.mark.parametrize(
    "path", ["", "inovasi/simpel/", "bandingkan/?pilih=simpel,istura", "cari/?q=simpel", "lengkapi/"]
)
def test_layout_reflows_without_horizontal_scrolling(
    browser, served: str, tmp_path: Path, label: str, viewport: dict, scale: int, path: str
) -> None:
    """320 CSS px wide (WCAG 1.4.10), and 1280 px at 200% zoom, which is 640 CSS px at 2x."""
    outside: list[str] = []
    page = open_page(browser, served, path, outside, viewport=viewport, device_scale_factor=scale)
    if "?" in path:  # let the script render its table or results first
        page.locator("#hasil table, #hasil li, .hasil li, ol li").first.wait_for(timeout=10_000)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    shot = tmp_path / f"{label}.png"
    page.screenshot(path=str(shot), full_page=True)
    page.context.close()
    assert width <= viewport["width"], f"{path} scrolls sideways at {label}: {width}px"
    assert shot.stat().st_size > 1000
    assert outside == []
