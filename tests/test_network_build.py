"""The network build: a site with jaringan.yaml builds its members' snapshots, offline, into
pages, facets, search, feeds, comparison and open data, like its own entries.

Members are real catalogues (`katalog init`, entries, build) served on 127.0.0.1; one of
them sends hostile bodies, which must reach no page.
"""

from __future__ import annotations

import json
import re
import socket
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import chdir
from pathlib import Path

import pytest

from katalog.content.taxonomy import Taxonomy
from katalog.site.build import build, load_settings
from katalog.tools.cli import main

from .htmltools import parse
from .networktools import Site, entry, free_port, member_site, network_config

KOTA = "Pemerintah Kota Contoh"
KAB = "Pemerintah Kabupaten Contoh"
OWN = "Kementerian Contoh"
HOSTILE_BODY = (
    '<p onclick="alert(1)">Bahaya<script>alert(1)</script> <a href="javascript:alert(1)">klik</a> '
    '<img src="/images/x.png" alt="gambar asal" onerror="alert(1)"> <a href="../../unit/tidak-ada/">relatif</a> '
    '<iframe src="https://jahat.example/"></iframe><h1>Judul</h1></p>'
)


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """kota and kab harvested (kota's `antre-daring` carrying a hostile body and title), a
    third member that is down; then the network built with both servers stopped."""
    root = tmp_path_factory.mktemp("network")
    kota, kab = Site(), Site()
    try:
        kota.publish(
            member_site(
                root / "kota",
                KOTA,
                kota.url,
                {
                    "simpel": entry("SIMPEL", "Izin daring; lihat [Antre](../antre-daring/)."),
                    "antre-daring": entry("Antre Daring", "Antrean kependudukan tanpa datang ke kantor."),
                },
            )
        )
        kab.publish(
            member_site(
                root / "kab",
                KAB,
                kab.url,
                {
                    "simpel": entry("SIMPEL", "SIMPEL versi kabupaten.", unit="Bagian Umum"),
                    "replika": entry("Replika", "Meniru SIMPEL.", based_on="simpel"),
                },
            )
        )
        records = kota.json("data/inovasi.json")
        for record in records:
            if record["slug"] == "antre-daring":
                record["body_html"] = HOSTILE_BODY
                record["title"] = "Antre <script>alert(1)</script>"
        kota.tamper(records)
        site = root / "jaringan-nasional"
        flags = [
            "--nama",
            "Jaringan Inovasi Nasional",
            "--instansi",
            OWN,
            "--url",
            "https://inovasi.contoh.go.id",
        ]
        assert main(["init", str(site), *flags, "--unit=Deputi Pelayanan Publik", "--no-input"]) == 0
        (site / "content" / "inovasi" / "lokal.md").write_text(
            entry("Layanan Lokal", "Entri katalog ini sendiri.", unit="Deputi Pelayanan Publik"),
            encoding="utf-8",
        )
        down = f"http://127.0.0.1:{free_port()}/"
        network_config(site, {"kota": kota.url, "kab": kab.url, "mati": down}, timeout=2, connect_timeout=1)
        assert main(["harvest", "--config", str(site / "jaringan.yaml")]) == 1  # `mati` has no snapshot
    finally:
        kota.stop()
        kab.stop()
    with chdir(site):
        build(site / "pelicanconf.py", site / "output")
    return site


def page(network: Path, path: str) -> str:
    return (network / "output" / path / "index.html").read_text(encoding="utf-8")


def records(network: Path) -> dict[str, dict]:
    return {r["slug"]: r for r in json.loads((network / "output" / "data" / "inovasi.json").read_text())}


def snapshot_url(network: Path, member: str) -> str:
    return json.loads((network / "jaringan" / f"{member}.json").read_text(encoding="utf-8"))["url"]


def test_harvested_entries_have_pages_namespaced_by_member(network: Path) -> None:
    written = sorted(p.name for p in (network / "output" / "inovasi").iterdir())
    assert written == ["kab--replika", "kab--simpel", "kota--antre-daring", "kota--simpel", "layanan-lokal"]


def test_a_harvested_page_links_its_origin_and_dates_its_data(network: Path) -> None:
    html = page(network, "inovasi/kota--simpel")
    origin = snapshot_url(network, "kota") + "inovasi/simpel/"
    day = json.loads((network / "jaringan" / "_status.json").read_text())["members"]["kota"]["harvested"][:10]
    shown = "-".join(reversed(day.split("-")))
    assert f'<link rel="canonical" href="{origin}">' in html
    assert (
        f'Dari katalog <a href="../../instansi/pemerintah-kota-contoh/">{KOTA}</a>, data per '
        f'<time datetime="{day}">{shown}</time>. <a href="{origin}" rel="noopener noreferrer">Lihat di situs asalnya</a>'
    ) in html
    # its body's link to another entry of its member points at the member's page, not into ours
    assert (
        f'<a href="{snapshot_url(network, "kota")}inovasi/antre-daring/" rel="noopener noreferrer">Antre</a>'
        in html
    )
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL).group(1)
    )
    assert data["url"] == origin


def test_local_entries_name_the_site_s_agency(network: Path) -> None:
    html = page(network, "inovasi/layanan-lokal")
    assert f'<dt>Instansi</dt><dd><a href="../../instansi/kementerian-contoh/">{OWN}</a></dd>' in html
    assert "Dari katalog" not in html


def test_the_instansi_facet_counts_each_agency(network: Path) -> None:
    index = page(network, "instansi")
    for slug, label, count in (
        ("kementerian-contoh", OWN, 1),
        ("pemerintah-kabupaten-contoh", KAB, 2),
        ("pemerintah-kota-contoh", KOTA, 2),
    ):
        assert (
            f'<a href="../instansi/{slug}/">{label}</a> <span class="count">{count} inovasi</span>' in index
        )
    assert "SIMPEL" in page(network, "instansi/pemerintah-kabupaten-contoh")
    statistik = (
        page(network, "statistik").split('<section class="chart" id="instansi"')[1].split("</section>")[0]
    )
    for slug, label, count in (
        ("pemerintah-kabupaten-contoh", KAB, 2),
        ("pemerintah-kota-contoh", KOTA, 2),
        ("kementerian-contoh", OWN, 1),
    ):  # largest first, ties in the facet's order (by name)
        assert f'<a href="../instansi/{slug}/">{label}</a></th><td class="number">{count}</td>' in statistik
    home = page(network, "")
    assert "<summary>Instansi <span" in home
    assert 'termasuk dari <a href="./jaringan/">jaringan 3 katalog anggota</a>' in home


def test_two_agencies_simpel_stay_apart_and_units_merge_by_name(network: Path) -> None:
    kab_page, kota_page = page(network, "inovasi/kab--simpel"), page(network, "inovasi/kota--simpel")
    assert "SIMPEL versi kabupaten." in kab_page and "SIMPEL versi kabupaten." not in kota_page
    assert '<a href="../../unit/bagian-umum/">Bagian Umum</a>' in kab_page
    units = page(network, "unit")
    assert (
        '<a href="../unit/diskominfo/">Dinas Komunikasi dan Informatika</a> <span class="count">3 inovasi</span>'
        in units
    )


def test_replication_links_stay_inside_their_member(network: Path) -> None:
    assert 'Replikasi dari: <a href="../../inovasi/kab--simpel/">SIMPEL</a>' in page(
        network, "inovasi/kab--replika"
    )
    assert '<a href="../../inovasi/kab--replika/">Replika</a>' in page(network, "inovasi/kab--simpel")


def test_open_data_carries_agency_and_origin_for_every_record(network: Path) -> None:
    found = records(network)
    kota = snapshot_url(network, "kota")
    assert found["kota--simpel"]["agency"] == KOTA
    assert found["kota--simpel"]["origin_url"] == f"{kota}inovasi/simpel/"
    assert found["kota--simpel"]["url"] == "http://localhost:8000/inovasi/kota--simpel/"
    assert found["layanan-lokal"]["agency"] == OWN
    assert found["layanan-lokal"]["origin_url"] == found["layanan-lokal"]["url"]
    assert all(r["agency"] and r["origin_url"].startswith("http") for r in found.values())
    manifest = json.loads((network / "output" / "data" / "katalog.json").read_text())
    assert manifest["entries"] == 5 and manifest["agency"] == OWN
    csv = (network / "output" / "data" / "inovasi.csv").read_text(encoding="utf-8")
    assert f",{KAB},{snapshot_url(network, 'kab')}inovasi/replika/\n" in csv


def test_search_feeds_and_comparison_cover_harvested_entries(
    network: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "bahaya", "--json", "--index", str(network / ".katalog" / "whoosh")]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [h["slug"] for h in hits] == ["kota--antre-daring"]
    assert hits[0]["url"] == "inovasi/kota--antre-daring/"
    feed = ET.parse(network / "output" / "feeds" / "semua.atom.xml").getroot()
    links = {e.get("href") for e in feed.iter("{http://www.w3.org/2005/Atom}link")}
    assert "http://localhost:8000/inovasi/kab--replika/" in links
    compared = json.loads((network / "output" / "data" / "bandingkan.json").read_text())
    assert {i["slug"] for i in compared["innovations"]} == set(records(network))
    assert compared["fields"][0] == {"key": "agency", "label": "Instansi"}
    replica = next(i for i in compared["innovations"] if i["slug"] == "kab--replika")
    assert replica["values"]["agency"] == KAB


def test_no_script_handler_or_javascript_url_from_a_member_reaches_a_page(network: Path) -> None:
    html = page(network, "inovasi/kota--antre-daring")
    parsed = parse(network / "output" / "inovasi" / "kota--antre-daring" / "index.html")
    assert parsed.inline_scripts == 0  # JSON-LD is data, not counted
    assert html.count("<script") == len(re.findall(r'<script (?:type="application/ld\+json"|src=")', html))
    assert parsed.handlers == []
    assert not [link for link in parsed.links if link.lower().startswith("javascript:")]
    body = html.split('id="uraian"', 1)[1].split("</section>", 1)[0]
    assert "<iframe" not in body and "<h1" not in body and "<img" not in body
    assert "gambar asal" in body  # an image from the member's host is shown as its alt text
    assert (
        f'<a href="{snapshot_url(network, "kota")}unit/tidak-ada/" rel="noopener noreferrer">relatif</a>'
        in body
    )
    assert "<h1>Antre &lt;script&gt;alert(1)&lt;/script&gt;</h1>" in html
    published = records(network)["kota--antre-daring"]["body_html"]  # text fields stay text; HTML is clean
    assert "<script" not in published and "onclick" not in published and "javascript:" not in published


def test_the_network_page_lists_members_with_their_status(network: Path) -> None:
    html = page(network, "jaringan")
    kab = snapshot_url(network, "kab")
    assert (
        f'<th scope="row"><a href="{kab}" rel="noopener noreferrer">Katalog {KAB}</a></th>\n'
        f'      <td><a href="../instansi/pemerintah-kabupaten-contoh/">{KAB}</a></td>\n'
        "      <td>2</td>"
    ) in html
    assert "<td>Berhasil: 2 entri dipanen</td>" in html
    assert re.search(
        r"<td>Belum pernah</td>\s*<td><strong>Gagal</strong>: gagal: tidak dapat dihubungi", html
    )


def test_the_build_is_offline_and_predicted(network: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rebuilt with every connection refused, from the snapshots alone; and `katalog check`'s
    prediction of the written files holds for a network."""
    from katalog.site.inventory import SEARCH_MANIFEST, load_site, predict

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network used")

    before = records(network)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    with chdir(network):
        build(network / "pelicanconf.py", network / "output")
        settings = load_settings(network / "pelicanconf.py")
        taxonomy = Taxonomy.load(network / "content" / "taxonomy.yaml")
        predicted = predict(settings, taxonomy, *load_site(settings, taxonomy)).files
    assert records(network) == before
    output = network / "output"
    written = {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}
    shards = {name for name in written if name.startswith("cari/indeks/") and name != SEARCH_MANIFEST}
    assert predicted == written - shards


def test_the_devserver_session_keeps_harvested_entries_through_an_edit(network: Path, tmp_path: Path) -> None:
    """An edit to the network's own entry, handled in place by a devserver session, gives
    what a clean build gives: the harvested entries stay, once each."""
    import shutil

    from katalog.site.session import Session

    from .test_incremental import edit, tree

    site = tmp_path / "situs"
    shutil.copytree(network, site, ignore=shutil.ignore_patterns("output", ".katalog"))
    with chdir(site):
        session = Session(site / "pelicanconf.py", site / "output", {})
        session.build()
        edit(
            site / "content" / "inovasi" / "lokal.md",
            lambda t: t.replace("title: Layanan Lokal", "title: Lokal Baru"),
        )
        assert session.update([site / "content" / "inovasi" / "lokal.md"], lambda names, complete: None)
        build(site / "pelicanconf.py", tmp_path / "bersih", {"KATALOG_CACHE_DIR": str(tmp_path / "cache2")})
    kept, clean = tree(site / "output"), tree(tmp_path / "bersih")
    assert sorted(kept) == sorted(clean)
    assert [name for name in clean if kept[name] != clean[name]] == []
    assert "Lokal Baru" in (site / "output" / "inovasi" / "lokal-baru" / "index.html").read_text(
        encoding="utf-8"
    )
    assert len(records(site)) == 5


def test_the_network_s_new_pages_are_valid_html(network: Path) -> None:
    from .test_html_valid import validate

    done = validate(network / "output", minimum=20)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]


@pytest.mark.parametrize("width", ["wide", "narrow"])
def test_every_page_of_the_network_passes_axe(network: Path, browser: object, width: str) -> None:
    """Every page the network build wrote (its own, its members' entries, the agencies' and
    the network's pages), at desktop and phone widths."""
    from katalog.tools.browser import serving

    from .axetools import NARROW, WIDE, audit, scripted_pages, written_pages

    output = network / "output"
    pages = written_pages(output) + scripted_pages(output)
    assert {"jaringan/", "instansi/", "inovasi/kota--antre-daring/", "inovasi/kab--replika/"} <= set(pages)
    outside: list[str] = []
    with serving(output) as served:
        found = audit(browser, served, pages, outside, WIDE if width == "wide" else NARROW)
    assert {path: v for path, v in found.items() if v} == {}
    assert outside == []


def test_a_snapshot_edited_after_the_harvest_is_read_again_and_never_fails_the_build(
    network: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import shutil

    site = tmp_path / "situs"
    shutil.copytree(network, site, ignore=shutil.ignore_patterns("output", ".katalog"))
    with chdir(site):
        build(site / "pelicanconf.py", site / "output")  # the network now in the build cache
    path = site / "jaringan" / "kab.json"
    snapshot = json.loads(path.read_text(encoding="utf-8"))
    for record in snapshot["records"]:
        if record["slug"] == "simpel":
            record["year"] = "2019"  # no longer valid: left out
        else:
            record["title"] = "Replika Diperbarui"
    path.write_text(json.dumps(snapshot), encoding="utf-8")
    with chdir(site), caplog.at_level("WARNING", logger="katalog"):
        build(site / "pelicanconf.py", site / "output")
    assert f"katalog: jaringan: {path}: record simpel: year: harus berupa bilangan bulat" in caplog.text
    assert not (site / "output" / "inovasi" / "kab--simpel").exists()
    replica = page(site, "inovasi/kab--replika")
    assert "Replika Diperbarui" in replica and "Replikasi dari" not in replica  # its original is gone
