"""Replication pages, `based_on` links, the comparison data and the comparison page in Chromium.

The fixture site plus the entries in ``fixtures/site-replication/`` (two innovations with
recorded replicas, one of them `based_on: simpel`) is built once for this module.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from katalog.tools.browser import serving

from .conftest import FIXTURES, build_site
from .htmltools import parse


@pytest.fixture(scope="module")
def replication_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("replication-site")
    content = root / "content"
    shutil.copytree(FIXTURES / "site", content)
    shutil.copytree(FIXTURES / "site-replication", content, dirs_exist_ok=True)
    build_site(content, root / "output")
    return root / "output"


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def main_of(html: str) -> str:
    return html[html.index('<main id="isi"') : html.index("</main>")]


RANK_ITEM = re.compile(r'<li><a href="([^"]+)">([^<]+)</a> <span class="count">(\d+) instansi</span></li>')


def test_ranking_orders_by_count_then_title(replication_site: Path) -> None:
    html = read(replication_site, "replikasi/index.html")
    ranked = [(href, title, int(n)) for href, title, n in RANK_ITEM.findall(main_of(html))]
    assert ranked == [
        ("../inovasi/arsip-digital/", "Arsip Digital", 2),
        ("../inovasi/simpel-daerah/", "SIMPEL Daerah", 2),
        ("../inovasi/c-mantap/", "C-Mantap", 0),
        ("../inovasi/istura/", "ISTURA", 0),
        ("../inovasi/simpel/", "SIMPEL", 0),
    ]
    assert "Belum ada replikasi yang tercatat dalam katalog" not in html
    assert '<a href="../replikasi/" aria-current="page">Replikasi</a>' in html


def test_ranking_says_when_nothing_is_replicated_yet(fixture_site: Path) -> None:
    html = main_of(read(fixture_site, "replikasi/index.html"))
    assert "Belum ada replikasi yang tercatat dalam katalog ini." in html
    assert [int(n) for *_, n in RANK_ITEM.findall(html)] == [0, 0, 0]


def test_based_on_links_both_ways(replication_site: Path) -> None:
    copy = read(replication_site, "inovasi/simpel-daerah/index.html")
    original = read(replication_site, "inovasi/simpel/index.html")
    other = read(replication_site, "inovasi/arsip-digital/index.html")
    assert 'Replikasi dari: <a href="../../inovasi/simpel/">SIMPEL</a>' in copy
    assert "Replika dalam katalog" not in copy
    assert (
        '<h3>Replika dalam katalog</h3>\n    <ul class="replicas-here">'
        '<li><a href="../../inovasi/simpel-daerah/">SIMPEL Daerah</a></li></ul>'
    ) in original
    assert "Replikasi dari:" not in original
    assert "Replikasi dari:" not in other
    assert "Replika dalam katalog" not in other


def test_replication_kit_is_rendered_in_full(replication_site: Path) -> None:
    html = read(replication_site, "inovasi/arsip-digital/index.html")
    kit = html[html.index('<section class="replication"') : html.index('<section aria-labelledby="kontak">')]
    groups = re.findall(r'<h4 class="prereq-type">([^<]+)</h4>\n\s*<ul class="checklist">(.*?)</ul>', kit)
    assert groups == [
        ("SDM", "<li>Dua arsiparis terlatih</li><li>Satu pengelola aplikasi</li>"),
        ("Infrastruktur", "<li>Server berkas dengan cadangan harian</li>"),
        ("Regulasi", "<li>Peraturan kepala unit tentang tata naskah elektronik</li>"),
    ]
    for text in [
        '<a href="https://example.org/peraturan-arsip">Peraturan Arsip Elektronik</a>, Nomor 7 Tahun 2014',
        "<dd>Sekitar Rp150 juta</dd>",
        "<dd>Enam bulan</dd>",
        "<li>Petakan jenis naskah</li><li>Pasang aplikasi</li><li>Latih arsiparis</li>",
        '<a href="https://example.org/sop-arsip">SOP Arsip Digital</a>',
        "<li>Tim Replikasi Arsip</li>",
        '<a href="mailto:replikasi@example.org">replikasi@example.org</a>',
        "<h3>Direplikasi oleh 2 instansi</h3>",
        'Pemerintah Kota Contoh (2019), berjalan — <a href="https://example.org/kota-contoh">sumber</a>',
        "<li>Dinas Arsip Provinsi Contoh (2021)</li>",
    ]:
        assert text in kit, text


def test_replication_contact_falls_back_to_the_contact_section(fixture_site: Path) -> None:
    html = read(fixture_site, "inovasi/istura/index.html")
    assert 'Belum ada kontak khusus replikasi; gunakan <a href="#kontak">Kontak</a> di bawah.' in html
    assert '<h2 id="kontak">Kontak</h2>' in html


def test_comparison_data_has_display_labels_for_every_entry(replication_site: Path) -> None:
    data = json.loads(read(replication_site, "data/bandingkan.json"))
    assert data["max"] == 3
    assert [f["key"] for f in data["fields"]] == [
        "unit", "kind", "year", "status", "prerequisites", "cost", "legal_basis", "replications",
    ]  # fmt: skip
    assert [f["label"] for f in data["fields"]][:4] == ["Unit kerja", "Jenis", "Tahun", "Status"]
    by_slug = {i["slug"]: i for i in data["innovations"]}
    assert [i["slug"] for i in data["innovations"]] == [
        "arsip-digital", "c-mantap", "istura", "simpel", "simpel-daerah",
    ]  # fmt: skip
    assert by_slug["arsip-digital"] == {
        "slug": "arsip-digital",
        "title": "Arsip Digital",
        "url": "inovasi/arsip-digital/",
        "values": {
            "unit": "Biro Hubungan Masyarakat",
            "kind": ["Digitalisasi"],
            "year": "2015",
            "status": "Aktif",
            "prerequisites": [
                "SDM: Dua arsiparis terlatih",
                "SDM: Satu pengelola aplikasi",
                "Infrastruktur: Server berkas dengan cadangan harian",
                "Regulasi: Peraturan kepala unit tentang tata naskah elektronik",
            ],
            "cost": "Sekitar Rp150 juta",
            "legal_basis": ["Peraturan Arsip Elektronik, Nomor 7 Tahun 2014"],
            "replications": "2 instansi",
        },
    }
    assert by_slug["istura"]["values"] == {
        "unit": "Tidak diketahui",
        "kind": ["Tidak diketahui"],
        "year": "Tidak diketahui",
        "status": "Tidak diketahui",
        "prerequisites": "Belum diketahui",
        "cost": "Belum diketahui",
        "legal_basis": ["Prosedur Tetap, Nomor 01/RTK/06/2009 Tahun 2009"],
        "replications": "0 instansi",
    }
    assert by_slug["simpel"]["values"]["unit"] == "Biro Kerja Sama Teknik Luar Negeri"
    assert by_slug["simpel"]["values"]["kind"] == ["Digitalisasi", "Debirokratisasi"]


def test_comparison_page_is_a_plain_form_with_an_external_script(replication_site: Path) -> None:
    page = replication_site / "bandingkan" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert '<form method="get" class="compare-form">' in html
    boxes = re.findall(r'<input type="checkbox" name="pilih" value="([a-z0-9-]+)">', html)
    assert boxes == ["arsip-digital", "c-mantap", "istura", "simpel", "simpel-daerah"]
    assert re.findall(r"<script[^>]*>", html) == [
        '<script src="../theme/js/bandingkan.js" defer>',
        '<script src="../theme/js/menu.js" defer>',  # the header's menu, on every page
    ]
    assert re.search(r"<script[^>]*>\s*[^<\s]", html) is None  # no inline code
    assert parse(page).handlers == []
    assert 'data-source="../data/bandingkan.json"' in html
    assert (replication_site / "theme" / "js" / "bandingkan.js").is_file()


# --- the comparison page in a real browser --------------------------------------------------


@pytest.fixture(scope="module")
def served(replication_site: Path) -> Iterator[str]:
    """The built site over http (fetch() refuses file://), with the production headers."""
    with serving(replication_site) as url:
        yield url


def test_comparison_table_shows_both_innovations_side_by_side(browser, served: str) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{served}/bandingkan/?pilih=simpel,istura")
    table = page.locator("#hasil table.compare")
    table.wait_for(timeout=10_000)
    assert table.locator("caption").inner_text() == "Perbandingan 2 inovasi"
    # Its scroll box is a named region the keyboard reaches (axe: scrollable-region-focusable).
    scroll = page.locator("#hasil .table-scroll")
    assert scroll.get_attribute("role") == "region"
    assert scroll.get_attribute("tabindex") == "0"
    assert scroll.get_attribute("aria-label") == "Perbandingan 2 inovasi"
    assert table.locator("thead th[scope=col]").all_inner_texts() == ["SIMPEL", "ISTURA"]
    rows = table.locator("tbody tr")
    assert rows.locator("th[scope=row]").all_inner_texts() == [
        "Unit kerja", "Jenis", "Tahun", "Status", "Prasyarat", "Perkiraan biaya", "Dasar hukum", "Jumlah replikasi",
    ]  # fmt: skip
    assert rows.nth(2).locator("td").all_inner_texts() == ["2017", "Tidak diketahui"]
    assert rows.nth(6).locator("td").nth(1).inner_text() == "Prosedur Tetap, Nomor 01/RTK/06/2009 Tahun 2009"
    assert table.locator("thead a").first.get_attribute("href") == "../inovasi/simpel/"
    assert page.locator("input[value=simpel]").is_checked()
    assert page.locator("input[value=istura]").is_checked()
    assert not page.locator("input[value=c-mantap]").is_checked()
    assert errors == []
    page.close()


def test_comparison_asks_for_two_and_keeps_at_most_three(browser, served: str) -> None:
    page = browser.new_page()
    page.goto(f"{served}/bandingkan/?pilih=simpel")
    notice = page.locator("#hasil .notice")
    notice.wait_for(timeout=10_000)
    assert "paling sedikit dua" in notice.inner_text()
    assert page.locator("#hasil table").count() == 0
    page.goto(f"{served}/bandingkan/?pilih=simpel&pilih=istura,c-mantap&pilih=arsip-digital")
    page.locator("#hasil table.compare").wait_for(timeout=10_000)
    assert page.locator("#hasil thead th").all_inner_texts() == ["SIMPEL", "ISTURA", "C-Mantap"]
    assert "Paling banyak 3 inovasi" in page.locator("#hasil .notice").inner_text()
    page.close()


def test_submitting_the_form_shares_one_comma_separated_selection(browser, served: str) -> None:
    page = browser.new_page()
    page.goto(f"{served}/bandingkan/")
    page.locator("#hasil .notice").wait_for(timeout=10_000)
    page.check("input[value=c-mantap]")
    page.check("input[value=simpel-daerah]")
    page.click("form.compare-form button[type=submit]")
    page.wait_for_url("**/bandingkan/?pilih=c-mantap,simpel-daerah")
    page.locator("#hasil table.compare").wait_for(timeout=10_000)
    assert page.locator("#hasil thead th").all_inner_texts() == ["C-Mantap", "SIMPEL Daerah"]
    page.close()
