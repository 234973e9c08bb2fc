"""``statistik/``: charts drawn at build time, each with its sentence and its table of numbers.

The numbers are checked against counts made here, independently, from the entries as the
content layer loads them: those in each chart's table, and those pygal was handed to draw
(recorded during a real build, not read back from the SVG's text). Then the page in
Chromium with the production headers (axe, no CSP violation, no sideways scrolling, print),
the SVG itself (nothing external, nothing inline the CSP refuses, the same bytes from two
builds), and that only a build imports the plotting library.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest

from katalog.content.checking import collect_files
from katalog.content.statistics import MOST_BARS, facet_tally, freshness_tally
from katalog.content.taxonomy import Taxonomy
from katalog.content.validate import Entry, load_entry

from .axetools import open_page
from .conftest import FIXTURES, ROOT, build_site

REPORTED = 153  # pelicanconf.py's KATALOG_REPORTED_TOTAL["count"]
UNKNOWN = "Tidak diketahui"
CHARTS = ["tahun", "jenis", "unit", "bidang", "status", "replikasi", "verifikasi", "cakupan"]


# --- what the content says, counted here --------------------------------------------------------


def entries_of(content: Path, taxonomy: Taxonomy) -> list[Entry]:
    results = [load_entry(path, taxonomy) for path in collect_files([content / "inovasi"])]
    assert [p for r in results for p in r.problems] == []
    return [r.entry for r in results if r.entry is not None]


def expected_counts(
    entries: list[Entry], taxonomy: Taxonomy, on: dt.date, max_age: int = 365, reported: int | None = REPORTED
) -> dict[str, dict[str, int]]:
    """Chart key -> {row label: number}, counted from the models alone."""

    def label(vocabulary: str, value: str | None) -> str:
        return UNKNOWN if value is None else getattr(taxonomy, vocabulary).get(value).label

    models = [e.innovation for e in entries]
    years = Counter(m.year for m in models)
    known = [y for y in years if y is not None]
    tahun = {str(y): years.get(y, 0) for y in range(min(known), max(known) + 1)} if known else {}
    if None in years:
        tahun[UNKNOWN] = years[None]
    replicated = Counter(min(len(m.replication.replicated_by), 5) for m in models)
    highest = max(replicated)
    replikasi = {
        ("Belum direplikasi" if n == 0 else f"{n} instansi"): replicated.get(n, 0) for n in range(highest + 1)
    }
    if highest == 5:
        replikasi["5 instansi atau lebih"] = replikasi.pop("5 instansi")
    half = max_age // 2
    ages = [None if m.last_verified is None else (on - m.last_verified).days for m in models]
    counts = {
        "tahun": tahun,
        "jenis": dict(Counter(label("kinds", k) for m in models for k in (m.kind or [None]))),
        "unit": dict(Counter(label("units", m.unit) for m in models)),
        "bidang": dict(Counter(label("categories", m.category) for m in models)),
        "status": dict(Counter(label("statuses", m.status) for m in models)),
        "replikasi": replikasi,
        "verifikasi": {
            f"0–{half} hari lalu": sum(1 for a in ages if a is not None and a <= half),
            f"{half + 1}–{max_age} hari lalu": sum(1 for a in ages if a is not None and half < a <= max_age),
            f"Lebih dari {max_age} hari": sum(1 for a in ages if a is not None and a > max_age),
            "Belum pernah": ages.count(None),
        },
    }
    if reported is not None:
        counts["cakupan"] = {
            "Tercatat di katalog": sum(1 for m in models if m.status != "draft"),
            "Dilaporkan": reported,
        }
    return counts


# --- what the page shows ------------------------------------------------------------------------


class _Tables(HTMLParser):
    """Each chart section's rows (label, number), its SVG's attributes, its sentence's id."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[tuple[str, int]]] = {}
        self.svgs: dict[str, dict[str, str | None]] = {}
        self.texts: dict[str, str] = {}  # element id -> its text
        self.scopes: list[str | None] = []
        self.captions: dict[str, str] = {}
        self._section: str | None = None
        self._cell: list[str] | None = None
        self._row: list[str] = []
        self._ids: list[tuple[str, str, list[str]]] = []  # open elements with an id

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "section" and "chart" in (values.get("class") or ""):
            self._section = values["id"]
            self.rows[self._section] = []
        if self._section is None:
            return
        if tag == "svg":
            self.svgs[self._section] = values
        if values.get("id"):
            self._ids.append((tag, values["id"] or "", []))
        if tag in {"th", "td", "caption"}:
            self._cell = []
            if tag == "th":
                self.scopes.append(values.get("scope"))
        if tag == "tr":
            self._row = []

    def handle_endtag(self, tag: str) -> None:
        if self._ids and self._ids[-1][0] == tag:
            _, name, text = self._ids.pop()
            self.texts[name] = "".join(text).strip()
        if tag in {"th", "td"} and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        if tag == "caption" and self._cell is not None and self._section:
            self.captions[self._section] = "".join(self._cell).strip()
            self._cell = None
        if tag == "tr" and self._section and len(self._row) == 2 and self._row[1][:1].isdigit():
            self.rows[self._section].append((self._row[0], int(self._row[1].replace(".", ""))))
        if tag == "section":
            self._section = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        for _, _, text in self._ids:
            text.append(data)


def tables(site: Path) -> _Tables:
    parsed = _Tables()
    parsed.feed((site / "statistik" / "index.html").read_text(encoding="utf-8"))
    return parsed


def svgs(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)


# --- a real build, with what pygal was handed recorded ------------------------------------------


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, list[float]]]]:
    """The real catalogue built with every chart's numbers recorded as pygal receives them
    (top bar first): (output folder, chart key -> numbers)."""
    import pygal

    from katalog.site import charts

    recorded: dict[str, list[float]] = {}
    drawing: list[str] = []
    draw, add = charts.draw, pygal.HorizontalBar.add

    def recording_draw(tally, labelled_by):  # type: ignore[no-untyped-def]
        drawing.append(tally.key)
        return draw(tally, labelled_by)

    def recording_add(self, title, values, **kwargs):  # type: ignore[no-untyped-def]
        recorded[drawing[-1]] = list(values)[::-1]  # pygal's first bar is the bottom one
        return add(self, title, values, **kwargs)

    output = tmp_path_factory.mktemp("statistik") / "output"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(charts, "draw", recording_draw)
        patch.setattr(pygal.HorizontalBar, "add", recording_add)
        build_site(ROOT / "content", output)
    yield output, recorded


def test_every_chart_draws_and_tabulates_the_counts_of_the_content(
    drawn: tuple[Path, dict[str, list[float]]], taxonomy: Taxonomy
) -> None:
    output, recorded = drawn
    expected = expected_counts(entries_of(ROOT / "content", taxonomy), taxonomy, dt.date.today())
    shown = tables(output).rows
    assert list(shown) == CHARTS
    assert sorted(recorded) == sorted(CHARTS)  # every chart drawn once, home page's included
    for key in CHARTS:
        assert dict(shown[key]) == expected[key], key
        assert len(shown[key]) == len(expected[key]), key  # no label twice
        assert [value for _, value in shown[key]] == recorded[key], key


def test_rows_run_in_reading_order(drawn: tuple[Path, dict[str, list[float]]]) -> None:
    shown = tables(drawn[0]).rows
    years = [int(label) for label, _ in shown["tahun"] if label != UNKNOWN]
    assert years == list(range(max(years), min(years) - 1, -1))  # newest first, no year skipped
    units = [value for label, value in shown["unit"] if label != UNKNOWN]
    assert units == sorted(units, reverse=True)  # largest first, "Tidak diketahui" last
    assert shown["unit"][-1][0] == UNKNOWN


def test_each_chart_has_a_title_a_sentence_and_a_table(drawn: tuple[Path, dict[str, list[float]]]) -> None:
    page = tables(drawn[0])
    for key in CHARTS:
        svg = page.svgs[key]
        assert svg["role"] == "img", key
        sentence = page.texts[svg["aria-labelledby"] or ""]
        assert len(sentence) > 20 and sentence.endswith("."), key
        assert page.texts[f"{key}-judul"], key  # the visible heading
        assert page.captions[key].startswith(page.texts[f"{key}-judul"]), key
    assert set(page.scopes) == {"col", "row"}
    assert "Katalog ini mencatat 35 dari 153 inovasi yang dilaporkan (23%)." in page.texts["cakupan-ringkas"]
    units = dict(page.rows["unit"])
    unknown = units.pop(UNKNOWN)
    assert page.texts["unit-ringkas"].startswith(f"Inovasi berasal dari {len(units)} unit kerja; terbanyak ")
    assert page.texts["unit-ringkas"].endswith(f"Unit kerja dari {unknown} inovasi belum diketahui.")


def test_the_fixture_site_counts_its_three_entries(fixture_site: Path, taxonomy: Taxonomy) -> None:
    expected = expected_counts(entries_of(FIXTURES / "site", taxonomy), taxonomy, dt.date.today())
    shown = tables(fixture_site).rows
    assert {key: dict(rows) for key, rows in shown.items()} == expected


def test_replications_are_counted_as_the_ranking_counts_them(tmp_path: Path, taxonomy: Taxonomy) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "site", content)
    shutil.copytree(FIXTURES / "site-replication", content, dirs_exist_ok=True)
    build_site(content, tmp_path / "output")
    expected = expected_counts(entries_of(content, taxonomy), taxonomy, dt.date.today())
    shown = dict(tables(tmp_path / "output").rows["replikasi"])
    assert shown == expected["replikasi"]
    assert shown["Belum direplikasi"] < 5  # some were replicated: this is not the empty case
    ranking = (tmp_path / "output" / "replikasi" / "index.html").read_text(encoding="utf-8")
    counts = Counter(int(n) for n in re.findall(r'<span class="count">(\d+) instansi</span>', ranking))
    as_ranked = {
        0 if label == "Belum direplikasi" else int(label.split()[0]): n for label, n in shown.items()
    }
    assert dict(counts) == {replicas: n for replicas, n in as_ranked.items() if n}


def test_a_ranked_chart_draws_twenty_bars_and_tabulates_every_value() -> None:
    """500 agencies in a network: 19 bars, then one for the other 481; the table has all 500."""
    from katalog.content.facets import AGENCY_FACET, Facet, FacetValue, Link

    values = [
        FacetValue(Link(f"i{n}", f"Instansi {n}", f"instansi/i{n}/"), entries=[None] * (1 + n % 7))
        for n in range(500)
    ]
    tally = facet_tally(Facet(AGENCY_FACET, values), "Inovasi per instansi", largest_first=True)
    assert len(tally.counts) == 500
    assert sum(c.value for c in tally.counts) == sum(v.count for v in values)
    bars = tally.bars
    assert len(bars) == MOST_BARS
    assert bars[:-1] == tally.counts[: MOST_BARS - 1]
    assert (bars[-1].label, bars[-1].value) == (
        "481 lainnya",
        sum(c.value for c in tally.counts[MOST_BARS - 1 :]),
    )
    assert tally.summary.startswith("Inovasi berasal dari 500 instansi; terbanyak Instansi 6 (7 inovasi), ")


def test_no_coverage_chart_without_a_reported_total(tmp_path: Path) -> None:
    build_site(FIXTURES / "site", tmp_path / "output", KATALOG_REPORTED_TOTAL=None)
    assert "cakupan" not in tables(tmp_path / "output").rows
    assert len(tables(tmp_path / "output").rows) == len(CHARTS) - 1
    home = (tmp_path / "output" / "index.html").read_text(encoding="utf-8")
    assert len(svgs(home)) == 2  # jenis and replikasi; the coverage chart is not there to show


def test_freshness_rows_split_at_half_the_limit_and_at_the_limit(taxonomy: Taxonomy) -> None:
    innovation = entries_of(FIXTURES / "site", taxonomy)[0].innovation
    on = dt.date(2027, 1, 1)
    items = [
        SimpleNamespace(
            innovation=innovation.model_copy(update={"last_verified": on - dt.timedelta(days=age)})
        )
        for age in (0, 182, 183, 365, 366, 3000)
    ] + [SimpleNamespace(innovation=innovation.model_copy(update={"last_verified": None}))]
    tally = freshness_tally(items, on, 365)
    assert [(c.label, c.value) for c in tally.counts] == [
        ("0–182 hari lalu", 2),
        ("183–365 hari lalu", 2),
        ("Lebih dari 365 hari", 2),
        ("Belum pernah", 1),
    ]
    assert tally.summary.startswith("3 inovasi dari 7 perlu diverifikasi ulang")


# --- the SVG ---------------------------------------------------------------------------------------


def test_no_svg_asks_for_anything_or_carries_what_the_csp_refuses(real_site: Path) -> None:
    pages = [real_site / "statistik" / "index.html", real_site / "index.html"]
    found = [svg for page in pages for svg in svgs(page.read_text(encoding="utf-8"))]
    assert len(found) == len(CHARTS) + 3
    for svg in found:
        without_namespace = svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
        for refused in ("http:", "https:", "//", "href", "url(", "<script", "<style", "style=", "@import"):
            assert refused not in without_namespace, refused
        assert re.search(r"\bon\w+=", svg) is None  # no event handler


def test_two_builds_in_two_processes_draw_the_same_bytes(real_site: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    script = (
        "import sys; from pathlib import Path; from tests.conftest import build_site; "
        "build_site(Path(sys.argv[1]), Path(sys.argv[2]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "1"}
    subprocess.run(
        [sys.executable, "-c", script, str(ROOT / "content"), str(output)], cwd=ROOT, env=env, check=True
    )
    for page in ("statistik/index.html", "index.html"):
        ours = svgs((output / page).read_text(encoding="utf-8"))
        assert ours and ours == svgs((real_site / page).read_text(encoding="utf-8")), page


def test_only_a_build_imports_the_plotting_library(real_site: Path) -> None:
    probe = (
        "import json, sys\n"
        "import katalog.site.plugin\n"
        "from katalog.tools.cli import main\n"
        "codes = [main(['check', 'content']), main(sys.argv[1:])]\n"
        "print(json.dumps({'codes': codes, 'pygal': 'pygal' in sys.modules}))\n"
    )
    index = real_site.parent / ".katalog-whoosh"
    args = ["search", "statistik", "--index", str(index), "--json"]
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    report = json.loads(done.stdout.strip().rpartition("\n")[2])
    assert report == {"codes": [0, 0], "pygal": False}


def test_a_build_that_keeps_every_chart_draws_none(tmp_path: Path) -> None:
    """A rebuild with nothing changed keeps statistik/ and the home page: no pygal at all."""
    probe = (
        "import sys; from pathlib import Path; from tests.conftest import build_site; "
        "report = build_site(Path(sys.argv[1]), Path(sys.argv[2])); "
        "print(report.written, 'pygal' in sys.modules)"
    )
    command = [sys.executable, "-c", probe, str(FIXTURES / "site"), str(tmp_path / "output")]
    first = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    assert first.stdout.split()[-1] == "True"  # the first build drew its charts
    assert again.stdout.split()[-2:] == ["0", "False"]  # nothing written, nothing drawn


# --- in Chromium, with the production headers ----------------------------------------------------


def axe_at(
    browser, real_served: str, paths: list[str], outside: list[str], viewport: dict
) -> dict[str, list[str]]:
    """Path -> axe's violations (any impact) at `viewport`, for the paths that have any."""
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(browser, real_served, "", outside, viewport=viewport)
    found = {}
    for path in paths:
        page.goto(f"{real_served}/{path}", wait_until="load")
        violations = Axe().run(page).response["violations"]
        if violations:
            found[path] = [
                f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in violations
            ]
    page.context.close()
    return found


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}])
def test_axe_finds_no_violation_and_the_browser_no_csp_violation(
    browser, real_served: str, viewport: dict
) -> None:
    outside: list[str] = []
    for path in ("statistik/", ""):
        page = open_page(browser, real_served, "", outside, viewport=viewport)
        messages: list[str] = []
        page.on("console", lambda m, messages=messages: messages.append(m.text))
        # Injected by the browser's own protocol, not by the page: the CSP does not apply to it.
        page.add_init_script(
            "window.__refused = []; document.addEventListener('securitypolicyviolation',"
            " e => window.__refused.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        page.goto(f"{real_served}/{path}", wait_until="load")
        drawn = page.evaluate(
            "() => [...document.querySelectorAll('svg.grafik')].map(s => s.getBBox().width)"
        )
        refused = page.evaluate("() => window.__refused")
        page.context.close()
        assert drawn and min(drawn) > 100, (path, drawn)  # drawn, not blank
        assert refused == [], path
        assert [m for m in messages if "Content Security Policy" in m] == [], path
    assert axe_at(browser, real_served, ["statistik/", ""], outside, viewport) == {}
    assert outside == []


def test_the_page_reads_at_320_px_and_on_paper(browser, real_served: str) -> None:
    outside: list[str] = []
    page = open_page(browser, real_served, "statistik/", outside, viewport={"width": 320, "height": 640})
    scrolled = page.evaluate("() => document.documentElement.scrollWidth")
    sizes = page.evaluate(
        "() => [...document.querySelectorAll('svg.grafik text')].map(t => parseFloat(getComputedStyle(t).fontSize)"
        " * t.getScreenCTM().a)"
    )
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    widths = page.evaluate(
        "() => [...document.querySelectorAll('svg.grafik')].map(s => s.getBoundingClientRect().width)"
    )
    header = page.evaluate("() => getComputedStyle(document.querySelector('.site-header')).display")
    page.context.close()
    assert scrolled <= 320
    assert min(sizes) >= 11.5, min(sizes)  # 15 units of a 360-unit drawing in 288 px: 12 px
    assert header == "none"  # print.css applies
    assert all(300 < w <= 454 for w in widths), widths  # 12 cm at most on paper (30rem on screen)
    assert outside == []


def test_check_knows_the_page_is_written() -> None:
    """`katalog check`'s inventory names the page without importing its generator."""
    from katalog.site.inventory import FIXED_PAGES
    from katalog.site.statistics_page import PAGE

    assert PAGE in FIXED_PAGES
