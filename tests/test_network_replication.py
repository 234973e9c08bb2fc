"""Replication across agencies, both ways; search and feeds by agency in a network.

Real catalogues served on 127.0.0.1 (`networktools`): kota publishes SIMPEL; kab's `replika`
names it by its page's address (spelled with another case and no trailing slash), and
`tiruan` names a page outside the network; the network's own `lokal` names kota's page too.
The network shows both directions; kota, opted in (``KATALOG_NETWORK_URL``), reads the
network's back-links at build time, keeps them when the network is down, and refuses
what a hostile network sends.
"""

from __future__ import annotations

import json
import re
import shutil
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import chdir
from pathlib import Path
from typing import Any

import pytest

from katalog.content.model import Innovation
from katalog.content.taxonomy import Taxonomy
from katalog.network.members import page_key
from katalog.network.replications import BackLinksError, read_back_links
from katalog.site.backlinks import CACHE_FILE, CONNECT_TIMEOUT, OFFLINE_ENV
from katalog.site.build import build
from katalog.site.config import problems_of
from katalog.tools.cli import main

from .networktools import Site, entry, free_port, member_site, network_config

KOTA = "Pemerintah Kota Contoh"
KAB = "Pemerintah Kabupaten Contoh"
OWN = "Kementerian Contoh"
ELSEWHERE = "https://inovasi.provinsi-lain.go.id/inovasi/lapor-cepat/"
Sites = dict[str, Any]


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    """kota and kab built and served; the network harvested and built offline, its open
    data served at `network_site`; every server stopped at the end of the module."""
    root = tmp_path_factory.mktemp("replication")
    kota, kab, served = Site(), Site(), Site()
    original = kota.url + "inovasi/simpel/"
    shouted = original.replace("http://", "HTTP://").removesuffix("/")  # the same page, spelled by hand
    try:
        kota.publish(member_site(root / "kota", KOTA, kota.url, {"simpel": entry("SIMPEL", "Izin daring.")}))
        kab.publish(
            member_site(
                root / "kab",
                KAB,
                kab.url,
                {
                    "replika": entry("Replika", "Meniru SIMPEL kota.", based_on=shouted),
                    "tiruan": entry("Tiruan", "Meniru inovasi provinsi lain.", based_on=ELSEWHERE),
                },
            )
        )
        network = root / "jaringan"
        flags = ["--nama", "Jaringan Contoh", "--instansi", OWN, "--url", "https://jaringan.contoh.go.id"]
        assert main(["init", str(network), *flags, "--unit=Deputi Pelayanan Publik", "--no-input"]) == 0
        (network / "content" / "inovasi" / "lokal.md").write_text(
            entry("Lokal", "Meniru SIMPEL kota.", unit="Deputi Pelayanan Publik", based_on=original),
            encoding="utf-8",
        )
        network_config(network, {"kota": kota.url, "kab": kab.url})
        assert main(["harvest", "--config", str(network / "jaringan.yaml")]) == 0
        with chdir(network):
            build(network / "pelicanconf.py", network / "output")
        served.publish(network / "output")
        yield {"root": root, "kota": kota, "kab": kab, "network": served, "network_site": network}
    finally:
        for server in (kota, kab, served):
            server.stop()


def page(output: Path, path: str) -> str:
    return (output / path / "index.html").read_text(encoding="utf-8")


def replication_section(html: str) -> str:
    start = html.index('<section class="replication"')
    return html[start : html.index("</section>", start)]


def opted_in(sites: Sites, folder: Path, network_url: str, **settings: object) -> Path:
    """Build a copy of kota in `folder` that names `network_url` as its network; its output."""
    if not folder.exists():
        shutil.copytree(sites["root"] / "kota", folder, ignore=shutil.ignore_patterns("output"))
    overrides = {
        "KATALOG_PUBLIC_URL": sites["kota"].url.rstrip("/"),
        "KATALOG_NETWORK_URL": network_url,
        "KATALOG_NETWORK_REFRESH_HOURS": 0,
        **settings,
    }
    with chdir(folder):
        build(folder / "pelicanconf.py", folder / "output", overrides)
    return folder / "output"


# --- the model and the addresses -------------------------------------------------------------


@pytest.mark.parametrize(
    ("based_on", "valid"),
    [
        ("simpel", True),
        ("https://inovasi.kota-contoh.go.id/inovasi/simpel/", True),
        ("HTTP://127.0.0.1:8000/inovasi/simpel", True),
        ("javascript:alert(1)", False),
        ("ftp://inovasi.kota-contoh.go.id/simpel/", False),
        ("https://tanpa-titik/inovasi/simpel/", False),
        ("Simpel Kota", False),
    ],
)
def test_based_on_is_a_slug_or_an_http_address(based_on: str, valid: bool, taxonomy: Taxonomy) -> None:
    data = {
        "title": "Replika",
        "summary": "Ringkasan.",
        "unit": None,
        "category": None,
        "kind": [],
        "year": None,
        "status": "aktif",
        "sources": ["https://example.org/x"],
        "based_on": based_on,
    }
    if valid:
        assert Innovation.model_validate(data, context={"taxonomy": taxonomy}).based_on == based_on
    else:
        with pytest.raises(ValueError, match=r"bukan slug inovasi di katalog ini maupun alamat lengkap"):
            Innovation.model_validate(data, context={"taxonomy": taxonomy})


def test_page_addresses_match_whatever_their_spelling() -> None:
    key = page_key("https://inovasi.kota.go.id/inovasi/simpel/")
    for spelling in (
        "HTTPS://Inovasi.Kota.go.id/inovasi/simpel",
        "https://inovasi.kota.go.id:443/inovasi/simpel/index.html",
        "https://inovasi.kota.go.id/inovasi/simpel/#replikasi",
    ):
        assert page_key(spelling) == key, spelling
    assert page_key("http://inovasi.kota.go.id/inovasi/simpel/") != key  # another scheme, another page
    assert page_key("https://inovasi.kota.go.id/inovasi/simpel-2/") != key


def test_the_opt_in_settings_are_checked() -> None:
    base = {"SITENAME": "Katalog", "KATALOG_PUBLIC_URL": "https://inovasi.kota.go.id"}
    assert problems_of({**base, "KATALOG_NETWORK_URL": "https://jaringan.go.id"}, frozenset()) == []
    assert problems_of({**base, "KATALOG_NETWORK_URL": "jaringan.go.id"}, frozenset()) == [
        (
            "KATALOG_NETWORK_URL",
            "'jaringan.go.id' bukan alamat http(s) yang lengkap, mis. https://inovasi.contoh.go.id/",
        )
    ]
    assert problems_of({**base, "KATALOG_NETWORK_REFRESH_HOURS": -1}, frozenset()) == [
        ("KATALOG_NETWORK_REFRESH_HOURS", "harus paling sedikit 0")
    ]


# --- the network: both directions --------------------------------------------------------------


def test_the_harvest_keeps_an_address_based_on(sites: Sites) -> None:
    snapshot = json.loads((sites["network_site"] / "jaringan" / "kab.json").read_text(encoding="utf-8"))
    kept = {r["slug"]: r["based_on"] for r in snapshot["records"]}
    assert kept == {
        "replika": sites["kota"].url.replace("http://", "HTTP://") + "inovasi/simpel",
        "tiruan": ELSEWHERE,
    }


def test_a_replica_links_to_its_original_in_the_network(sites: Sites) -> None:
    output = sites["network_site"] / "output"
    expected = f'Replikasi dari: <a href="../../inovasi/kota--simpel/">SIMPEL</a> ({KOTA})'
    assert expected in page(output, "inovasi/kab--replika")
    assert expected in page(output, "inovasi/lokal")


def test_a_replica_of_a_page_outside_the_network_links_to_that_page(sites: Sites) -> None:
    html = page(sites["network_site"] / "output", "inovasi/kab--tiruan")
    assert f'Replikasi dari: <a href="{ELSEWHERE}" rel="noopener noreferrer">{ELSEWHERE}</a>' in html


def test_the_original_lists_every_agency_that_replicated_it(sites: Sites) -> None:
    section = replication_section(page(sites["network_site"] / "output", "inovasi/kota--simpel"))
    assert "<h3>Direplikasi oleh 2 instansi</h3>" in section
    assert (
        '<ul class="replicas">'
        f'<li>{OWN} — <a href="../../inovasi/lokal/">Lokal</a></li>'
        f'<li>{KAB} — <a href="../../inovasi/kab--replika/">Replika</a></li></ul>'
    ) in section
    assert "Replika dalam katalog" not in section  # kept for the agency's own replicas
    ranking = page(sites["network_site"] / "output", "replikasi")
    assert '<a href="../inovasi/kota--simpel/">SIMPEL</a> <span class="count">2 instansi</span>' in ranking


def test_the_network_publishes_the_back_links(sites: Sites) -> None:
    output = sites["network_site"] / "output"
    data = json.loads((output / "data" / "replikasi.json").read_text(encoding="utf-8"))
    kab = sites["kab"].url
    assert data["format"] == "katalog-inovasi-replikasi" and data["url"] == "http://localhost:8000/"
    assert data["originals"] == {
        ELSEWHERE: [{"agency": KAB, "title": "Tiruan", "url": f"{kab}inovasi/tiruan/"}],
        sites["kota"].url + "inovasi/simpel/": [
            {"agency": OWN, "title": "Lokal", "url": "http://localhost:8000/inovasi/lokal/"},
            {"agency": KAB, "title": "Replika", "url": f"{kab}inovasi/replika/"},
        ],
    }
    manifest = json.loads((output / "data" / "katalog.json").read_text(encoding="utf-8"))
    assert manifest["format_version"] == "1.1"
    assert manifest["replications"] == {
        "download_url": "http://localhost:8000/data/replikasi.json",
        "media_type": "application/json",
    }


def test_a_member_alone_links_to_the_address_and_publishes_its_back_link(sites: Sites) -> None:
    output = sites["root"] / "kab" / "output"
    original = sites["kota"].url.replace("http://", "HTTP://") + "inovasi/simpel"
    assert f'Replikasi dari: <a href="{original}" rel="noopener noreferrer">{original}</a>' in page(
        output, "inovasi/replika"
    )
    data = json.loads((output / "data" / "replikasi.json").read_text(encoding="utf-8"))
    assert list(data["originals"]) == [sites["kota"].url + "inovasi/simpel/", ELSEWHERE]  # in address order


# --- the member that opted in --------------------------------------------------------------------


def test_an_opted_in_member_lists_the_agencies_that_replicated_it(sites: Sites, tmp_path: Path) -> None:
    output = opted_in(sites, tmp_path / "kota", sites["network"].url)
    section = replication_section(page(output, "inovasi/simpel"))
    kab = sites["kab"].url
    assert "<h3>Direplikasi oleh 2 instansi</h3>" in section
    assert (
        f'<li>{OWN} — <a href="http://localhost:8000/inovasi/lokal/" rel="noopener noreferrer">Lokal</a></li>'
        f'<li>{KAB} — <a href="{kab}inovasi/replika/" rel="noopener noreferrer">Replika</a></li>'
    ) in section
    assert "/data/replikasi.json" in [path for path, _ in sites["network"].requests]
    # and without the setting, nothing is asked and nothing is shown
    plain = sites["root"] / "kota" / "output"
    assert "<h3>Direplikasi oleh 0 instansi</h3>" in page(plain, "inovasi/simpel")


def test_a_development_build_shows_no_back_links_of_the_public_site(sites: Sites, tmp_path: Path) -> None:
    """Only back-links to pages under the site's own KATALOG_PUBLIC_URL are taken."""
    output = opted_in(
        sites, tmp_path / "kota", sites["network"].url, KATALOG_PUBLIC_URL="http://localhost:8000"
    )
    assert "<h3>Direplikasi oleh 0 instansi</h3>" in page(output, "inovasi/simpel")


def test_the_last_known_list_is_kept_when_the_network_is_down(
    sites: Sites, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    mirror = Site()
    mirror.files = dict(sites["network"].files)
    folder = tmp_path / "kota"
    opted_in(sites, folder, mirror.url)
    mirror.stop()  # the network goes away: nothing listens on its port now
    started = time.monotonic()
    with caplog.at_level("WARNING", logger="katalog"):
        output = opted_in(sites, folder, mirror.url)
    assert "<h3>Direplikasi oleh 2 instansi</h3>" in page(output, "inovasi/simpel")
    warnings = [r.getMessage() for r in caplog.records if "replikasi.json" in r.getMessage()]
    assert len(warnings) == 1, warnings
    day = time.strftime("%Y-%m-%d", time.gmtime())
    assert re.fullmatch(
        rf"katalog: jaringan: {re.escape(mirror.url)}data/replikasi\.json: tidak dapat dihubungi \(.+\); "
        rf"daftar per {day} tetap dipakai",
        warnings[0],
    ), warnings[0]
    assert "Traceback" not in caplog.text
    # The next builds wait before asking again; with KATALOG_OFFLINE nothing is asked at all.
    caplog.clear()
    with caplog.at_level("WARNING", logger="katalog"):
        opted_in(sites, folder, mirror.url)
        monkeypatch.setenv(OFFLINE_ENV, "1")
        opted_in(sites, folder, mirror.url)
    assert "replikasi.json" not in caplog.text
    assert time.monotonic() - started < 60  # four builds; no request waited for its timeout


def test_an_offline_build_asks_nothing(sites: Sites, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(OFFLINE_ENV, "1")
    before = len(sites["network"].requests)
    output = opted_in(sites, tmp_path / "kota", sites["network"].url)
    assert len(sites["network"].requests) == before
    assert "<h3>Direplikasi oleh 0 instansi</h3>" in page(output, "inovasi/simpel")  # nothing held yet


def test_an_unreachable_network_with_nothing_held_costs_at_most_the_connect_timeout(
    sites: Sites, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "kota"
    opted_in(sites, folder, sites["network"].url, KATALOG_NETWORK_URL=None)  # warm caches, no network
    nowhere = f"http://127.0.0.1:{free_port()}/"
    started = time.monotonic()
    with caplog.at_level("WARNING", logger="katalog"):
        output = opted_in(sites, folder, nowhere)
    assert time.monotonic() - started < 30 + CONNECT_TIMEOUT
    assert f"{nowhere}data/replikasi.json: tidak dapat dihubungi" in caplog.text
    assert "belum ada daftar replikasi dari jaringan" in caplog.text
    assert "<h3>Direplikasi oleh 0 instansi</h3>" in page(output, "inovasi/simpel")


# --- a hostile network -------------------------------------------------------------------------


def hostile_document(kota: str, kab: str) -> dict[str, Any]:
    original = kota + "inovasi/simpel/"
    return {
        "format": "katalog-inovasi-replikasi",
        "format_version": "1.9",  # a newer minor version: still read
        "originals": {
            original: [
                {
                    "agency": "<script>alert(1)</script>Kota Jahat",
                    "title": "<b>Tiruan</b>",
                    "url": "https://jahat.example/x/",
                },
                {"agency": "Jahat", "title": "Tautan", "url": "javascript:alert(1)"},
                {"agency": "Jahat", "title": "Tautan", "url": "data:text/html,<script>alert(1)</script>"},
                {"agency": "Jahat\u202e", "title": "Bidi", "url": "https://jahat.example/bidi/"},
                {"agency": "J" * 1000, "title": "Panjang", "url": "https://jahat.example/panjang/"},
                {"agency": "Jahat", "title": "Sendiri", "url": kota + "inovasi/lain/"},  # our own page
                "bukan objek",
                {"agency": 7, "title": "Angka", "url": "https://jahat.example/angka/"},
            ],
            kab + "inovasi/replika/": [  # another agency's original: not ours to show
                {"agency": "Pihak Ketiga", "title": "Lain", "url": "https://pihak-ketiga.example/"}
            ],
            "javascript:alert(1)": [{"agency": "X", "title": "Y", "url": "https://x.example/"}],
        },
    }


def test_hostile_back_links_are_refused_one_by_one(
    sites: Sites, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    hostile = Site()
    try:
        document = hostile_document(sites["kota"].url, sites["kab"].url)
        hostile.files = {"data/replikasi.json": json.dumps(document, ensure_ascii=False).encode()}
        with caplog.at_level("WARNING", logger="katalog"):
            output = opted_in(sites, tmp_path / "kota", hostile.url)
    finally:
        hostile.stop()
    html = page(output, "inovasi/simpel")
    section = replication_section(html)
    assert "<h3>Direplikasi oleh 1 instansi</h3>" in section
    assert (
        "<li>&lt;script&gt;alert(1)&lt;/script&gt;Kota Jahat — "
        '<a href="https://jahat.example/x/" rel="noopener noreferrer">&lt;b&gt;Tiruan&lt;/b&gt;</a></li>'
    ) in section
    for refused in (
        "javascript:",
        "data:text",
        "Bidi",
        "Panjang",
        "Sendiri",
        "Angka",
        "Pihak Ketiga",
        "<script>",
    ):
        assert refused not in html, refused
    assert f"{hostile.url}data/replikasi.json: 6 tautan replikasi tidak sah dilewati" in caplog.text


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{", "bukan JSON yang sah"),
        (b"[" * 100_000 + b"]" * 100_000, "bukan JSON yang sah"),
        (b'{"format": "lain"}', "bukan data replikasi Katalog Inovasi"),
        (
            b'{"format": "katalog-inovasi-replikasi", "format_version": "2.0", "originals": {}}',
            "tidak didukung",
        ),
        (
            b'{"format": "katalog-inovasi-replikasi", "format_version": "1.0", "originals": []}',
            "harus berupa objek",
        ),
    ],
)
def test_a_document_that_cannot_be_used_is_refused_whole(body: bytes, reason: str) -> None:
    with pytest.raises(BackLinksError, match=reason):
        read_back_links(body, "https://inovasi.kota.go.id")


def test_unusable_data_keeps_the_last_good_list(
    sites: Sites, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    network = Site()
    try:
        network.files = dict(sites["network"].files)
        folder = tmp_path / "kota"
        opted_in(sites, folder, network.url)
        network.files["data/replikasi.json"] = b"<html>Situs sedang dipelihara</html>"
        with caplog.at_level("WARNING", logger="katalog"):
            output = opted_in(sites, folder, network.url)
    finally:
        network.stop()
    assert "<h3>Direplikasi oleh 2 instansi</h3>" in page(output, "inovasi/simpel")
    assert "data/replikasi.json: bukan JSON yang sah" in caplog.text and "tetap dipakai" in caplog.text
    held = json.loads((folder / ".katalog" / "cache" / CACHE_FILE).read_text(encoding="utf-8"))
    assert "Replika" in held["body"]  # the good copy, not the bad answer


# --- search and feeds by agency ----------------------------------------------------------------


def test_katalog_search_filters_by_agency(sites: Sites, capsys: pytest.CaptureFixture[str]) -> None:
    index = sites["network_site"] / ".katalog" / "whoosh"
    found = {}
    for agency in (
        "pemerintah-kota-contoh",
        "pemerintah-kabupaten-contoh",
        "kementerian-contoh",
        "tidak-ada",
    ):
        assert main(["search", "simpel", "--json", "--instansi", agency, "--index", str(index)]) == 0
        found[agency] = sorted(hit["slug"] for hit in json.loads(capsys.readouterr().out))
    assert found == {
        "pemerintah-kota-contoh": ["kota--simpel"],
        "pemerintah-kabupaten-contoh": ["kab--replika"],
        "kementerian-contoh": ["lokal"],
        "tidak-ada": [],
    }


def test_a_single_catalogue_indexes_its_agency_too(sites: Sites, capsys: pytest.CaptureFixture[str]) -> None:
    """`--instansi` works on any catalogue; the search page offers it only in a network."""
    kota = sites["root"] / "kota"
    index = kota / ".katalog" / "whoosh"
    assert (
        main(["search", "izin", "--json", "--instansi", "pemerintah-kota-contoh", "--index", str(index)]) == 0
    )
    assert [hit["slug"] for hit in json.loads(capsys.readouterr().out)] == ["simpel"]
    assert 'id="cari-instansi"' not in page(kota / "output", "cari")
    network = page(sites["network_site"] / "output", "cari")
    assert '<select id="cari-instansi" name="instansi">' in network
    assert f'<option value="pemerintah-kota-contoh">{KOTA} (1)</option>' in network


def test_each_agency_has_its_feed(sites: Sites) -> None:
    output = sites["network_site"] / "output"
    atom = "{http://www.w3.org/2005/Atom}"
    feeds = sorted(p.name for p in (output / "feeds" / "instansi").iterdir())
    assert feeds == [
        "kementerian-contoh.atom.xml",
        "pemerintah-kabupaten-contoh.atom.xml",
        "pemerintah-kota-contoh.atom.xml",
    ]
    feed = ET.parse(output / "feeds" / "instansi" / "pemerintah-kabupaten-contoh.atom.xml").getroot()
    assert feed.findtext(f"{atom}title") == f"Jaringan Contoh - Instansi: {KAB}"
    links = sorted(e.get("href") for e in feed.iter(f"{atom}link") if "/inovasi/" in (e.get("href") or ""))
    assert links == [
        "http://localhost:8000/inovasi/kab--replika/",
        "http://localhost:8000/inovasi/kab--tiruan/",
    ]
    facet = page(output, "instansi/pemerintah-kabupaten-contoh")
    assert 'href="../../feeds/instansi/pemerintah-kabupaten-contoh.atom.xml"' in facet
    assert not (sites["root"] / "kota" / "output" / "feeds" / "instansi").exists()  # networks only


# --- the search page in Chromium (last: the browser's event loop stays open to the end) ----------


def test_the_search_page_filters_by_agency(sites: Sites, browser: Any) -> None:
    from katalog.tools.browser import serving

    with serving(sites["network_site"] / "output") as served:
        tab = browser.new_page()
        tab.goto(f"{served}/cari/?q=simpel&instansi=pemerintah-kabupaten-contoh")
        tab.evaluate("window.KatalogCari.ready")
        hrefs = tab.eval_on_selector_all(
            "#cari-hasil h2 a", "links => links.map(a => a.getAttribute('href'))"
        )
        assert hrefs == ["../inovasi/kab--replika/"]
        assert tab.input_value("#cari-instansi") == "pemerintah-kabupaten-contoh"
        assert tab.inner_text("#cari-hasil .meta").startswith(KAB)
        tab.select_option("#cari-instansi", "pemerintah-kota-contoh")
        tab.wait_for_function(
            "document.querySelector('#cari-hasil h2 a')?.getAttribute('href') === '../inovasi/kota--simpel/'"
        )
        assert "instansi=pemerintah-kota-contoh" in tab.url


def test_a_visitor_goes_from_an_agency_to_a_replica_its_origin_and_its_original(
    sites: Sites, browser: Any
) -> None:
    """The network as a visitor clicks through it: the instansi facet page, a harvested
    entry's provenance (agency, data date, link to its own site), the original it replicates,
    and the original's "Direplikasi oleh"."""
    from katalog.tools.browser import serving

    with serving(sites["network_site"] / "output") as served:
        tab = browser.new_page()
        tab.goto(f"{served}/instansi/pemerintah-kabupaten-contoh/")
        tab.get_by_role("link", name="Replika", exact=True).first.click()
        tab.wait_for_url("**/inovasi/kab--replika/")
        origin = tab.locator("p.notice.origin")
        assert origin.inner_text().startswith(f"Dari katalog {KAB}, data per ")
        href = origin.get_by_role("link", name="Lihat di situs asalnya").get_attribute("href")
        assert href == sites["kab"].url + "inovasi/replika/"
        tab.locator("p.based-on").get_by_role("link", name="SIMPEL").click()
        tab.wait_for_url("**/inovasi/kota--simpel/")
        assert tab.get_by_role("heading", name="Direplikasi oleh 2 instansi").is_visible()
        assert tab.locator("ul.replicas li").all_inner_texts() == [f"{OWN} — Lokal", f"{KAB} — Replika"]


def test_a_visitor_compares_entries_of_two_agencies(sites: Sites, browser: Any) -> None:
    """`bandingkan/` in Chromium with a harvested entry of each member: one column each,
    linking to its page in the network, and the "Instansi" row naming each agency."""
    from katalog.tools.browser import serving

    with serving(sites["network_site"] / "output") as served:
        tab = browser.new_page()
        tab.goto(f"{served}/bandingkan/?pilih=kota--simpel,kab--replika")
        table = tab.locator("#hasil table.compare")
        table.wait_for()
        heads = table.locator("thead th a")
        assert heads.all_inner_texts() == ["SIMPEL", "Replika"]
        assert [heads.nth(i).get_attribute("href") for i in range(2)] == [
            "../inovasi/kota--simpel/",
            "../inovasi/kab--replika/",
        ]
        agency = table.locator("tbody tr").filter(has=tab.get_by_role("rowheader", name="Instansi"))
        assert agency.locator("td").all_inner_texts() == [KOTA, KAB]
        heads.nth(1).click()
        tab.wait_for_url("**/inovasi/kab--replika/")
