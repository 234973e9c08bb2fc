"""Accessibility in real Chromium: axe-core on every page type, keyboard, focus, reflow.

axe-core comes bundled in `axe-playwright-python` (injected from a local file); every
request that would leave the local server is recorded and fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from katalog.tools.browser import serving

from .axetools import axe_violations, open_page

# Home, an innovation, each facet page type and facet index, search with results,
# the comparison with a table, the replication ranking, the editors' list of what entries
# lack, and every static page.
PAGES = [
    "",
    "inovasi/simpel/",
    "unit/",
    "unit/biro-ktln/",
    "bidang/",
    "jenis/digitalisasi/",
    "tahun/2017/",
    "status/aktif/",
    "cari/?q=simpel",
    "bandingkan/?pilih=simpel,istura",
    "replikasi/",
    "lengkapi/",
    "tentang/",
]


@pytest.fixture(scope="module")
def served(fixture_site: Path) -> Iterator[str]:
    with serving(fixture_site) as url:
        yield url


def test_fixture_site_has_every_page_type(fixture_site: Path) -> None:
    for path in PAGES:
        assert (fixture_site / path.split("?")[0] / "index.html").is_file(), path


def test_axe_finds_no_violation_of_any_impact(browser, served: str) -> None:
    outside: list[str] = []
    found = axe_violations(browser, served, PAGES, outside)
    assert {path: v for path, v in found.items() if v} == {}
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
