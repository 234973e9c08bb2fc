"""`katalog harvest`: real member catalogues served on 127.0.0.1, and hostile ones.

Each member fails alone, on its own line; its last good snapshot is kept; exit 0 when
every member was harvested or kept, 1 when one failed with no snapshot, 2 on usage.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from unittest.mock import ANY

import pytest

from katalog.tools.cli import main

from .networktools import Handler, Site, entry, free_port, member_site, network_config

KOTA = "Pemerintah Kota Contoh"
KAB = "Pemerintah Kabupaten Contoh"
LIMITS = {"timeout": 1, "connect_timeout": 1, "max_bytes": 300000}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Site]]:
    """Two members: kota (two entries and a draft, built with drafts as `make html` does)
    and kab (its own `simpel`, and a replica of it)."""
    root = tmp_path_factory.mktemp("members")
    kota, kab = Site(), Site()
    kota_entries = {
        "simpel": entry("SIMPEL", "Izin daring, lihat [Antre](../antre-daring/)."),
        "antre-daring": entry("Antre Daring", "Antrean tanpa datang."),
        "rencana": entry("Rencana Baru", "Belum terbit.", status="draft"),
    }
    kab_entries = {
        "simpel": entry("SIMPEL", "SIMPEL versi kabupaten.", unit="Bagian Umum"),
        "replika": entry("Replika", "Meniru SIMPEL.", based_on="simpel"),
    }
    kota.publish(member_site(root / "kota", KOTA, kota.url, kota_entries, drafts=True))
    kab.publish(member_site(root / "kab", KAB, kab.url, kab_entries))
    yield {"kota": kota, "kab": kab}
    kota.stop()
    kab.stop()


@pytest.fixture
def members(sites: dict[str, Site]) -> Iterator[dict[str, Site]]:
    """The two members, restored after each test (tampered files, behaviours, requests)."""
    saved = {name: dict(site.files) for name, site in sites.items()}
    yield sites
    for name, site in sites.items():
        site.files = saved[name]
        site.behaviours.clear()
        site.requests.clear()


def harvest(network: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["harvest", "--config", str(network / "jaringan.yaml")])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out.splitlines()


def snapshot(network: Path, slug: str) -> dict:
    return json.loads((network / "jaringan" / f"{slug}.json").read_text(encoding="utf-8"))


def status(network: Path, slug: str) -> dict:
    """The member's line of the status file: its last attempt and last confirmation."""
    return json.loads((network / "jaringan" / "_status.json").read_text(encoding="utf-8"))["members"][slug]


def test_members_are_harvested_with_their_provenance(
    tmp_path: Path, members: dict[str, Site], capsys: pytest.CaptureFixture[str]
) -> None:
    network_config(tmp_path, {"kota": members["kota"].url, "kab": members["kab"].url}, **LIMITS)
    code, lines = harvest(tmp_path, capsys)
    assert (code, lines) == (0, ["kota: 2 entri dipanen, 1 draf tidak dipanen", "kab: 2 entri dipanen"])
    kota = snapshot(tmp_path, "kota")
    assert kota["member"] == "kota" and kota["url"] == members["kota"].url
    kota_status = status(tmp_path, "kota")
    assert "attempt" not in kota and "harvested" not in kota  # they change on every harvest
    assert kota_status["attempt"]["ok"] is True and kota["fetched"] == kota_status["harvested"]
    assert kota_status["harvested"] == kota_status["attempt"]["at"]
    assert kota["manifest"]["agency"] == KOTA
    assert kota["manifest_http"]["status"] == kota["records_http"]["status"] == 200
    assert kota["manifest_http"]["url"] == members["kota"].url + "data/katalog.json"
    assert kota["manifest_http"]["etag"] and kota["manifest_http"]["last_modified"]
    assert sorted(r["slug"] for r in kota["records"]) == ["antre-daring", "simpel"]
    assert {r["origin_url"] for r in kota["records"]} == {
        f"{members['kota'].url}inovasi/antre-daring/",
        f"{members['kota'].url}inovasi/simpel/",
    }
    assert kota["drafts"] == 1 and kota["skipped"] == []
    replica = next(r for r in snapshot(tmp_path, "kab")["records"] if r["slug"] == "replika")
    assert replica["based_on"] == "simpel" and replica["unit"] == "Dinas Komunikasi dan Informatika"


def test_an_unchanged_member_costs_one_304(
    tmp_path: Path, members: dict[str, Site], capsys: pytest.CaptureFixture[str]
) -> None:
    network_config(tmp_path, {"kota": members["kota"].url}, **LIMITS)
    assert harvest(tmp_path, capsys)[0] == 0
    before = snapshot(tmp_path, "kota")
    members["kota"].requests.clear()
    code, lines = harvest(tmp_path, capsys)
    assert (code, lines) == (0, ["kota: tidak berubah (304); 2 entri"])
    [(path, headers)] = members["kota"].requests
    assert path == "/data/katalog.json" and headers["If-None-Match"] == before["manifest_http"]["etag"]
    after = snapshot(tmp_path, "kota")
    assert (
        after["records"] == before["records"] and status(tmp_path, "kota")["harvested"] >= before["fetched"]
    )


def test_a_changed_member_is_fetched_again(
    tmp_path: Path, members: dict[str, Site], capsys: pytest.CaptureFixture[str]
) -> None:
    network_config(tmp_path, {"kota": members["kota"].url}, **LIMITS)
    assert harvest(tmp_path, capsys)[0] == 0
    kota = members["kota"]
    kota.tamper([r for r in kota.json("data/inovasi.json") if r["slug"] != "antre-daring"])
    assert harvest(tmp_path, capsys) == (0, ["kota: 1 entri dipanen, 1 draf tidak dipanen"])
    assert [r["slug"] for r in snapshot(tmp_path, "kota")["records"]] == ["simpel"]


def test_invalid_records_are_skipped_one_by_one(
    tmp_path: Path, members: dict[str, Site], capsys: pytest.CaptureFixture[str]
) -> None:
    kota, kab = members["kota"], members["kab"]
    records = kota.json("data/inovasi.json")
    first = next(r for r in records if r["slug"] == "simpel")
    records += [
        {**first, "slug": "tahun-teks", "year": "2019"},
        {**first, "slug": "unit-asing", "unit": "Biro Rahasia"},
        {**first, "slug": "menyamar", "origin_url": f"{kab.url}inovasi/simpel/"},
        ["bukan", "objek"],
        {**first, "slug": "tanpa-isi", "body_html": "  "},
    ]
    kota.tamper(records)
    network_config(tmp_path, {"kota": kota.url}, **LIMITS)
    code, lines = harvest(tmp_path, capsys)
    assert code == 0
    assert lines == [
        "kota: 2 entri dipanen, 5 masalah pada rekaman (lihat di bawah), 1 draf tidak dipanen",
        "kota: record 4: year: harus berupa bilangan bulat (mis. 2019), bukan teks '2019'",
        "kota: record 5: unit: 'Biro Rahasia' tidak dikenal; pilihan: Dinas Komunikasi dan Informatika, "
        "Bagian Umum",
        f"kota: record 6: origin_url: '{kab.url}inovasi/simpel/' bukan alamat di bawah {kota.url}; "
        "anggota hanya boleh menerbitkan entrinya sendiri",
        "kota: record 7: rekaman: harus berupa objek JSON",
        "kota: record 8: body_html: uraian kosong",
    ]
    assert len(snapshot(tmp_path, "kota")["skipped"]) == 5


def test_a_member_cannot_speak_for_another(
    tmp_path: Path, members: dict[str, Site], capsys: pytest.CaptureFixture[str]
) -> None:
    """A site republishing kota's records under its own manifest gets none of them in."""
    impostor = Site()
    try:
        impostor.files = dict(members["kota"].files)
        records = {
            **impostor.json("data/katalog.json")["records"],
            "download_url": f"{impostor.url}data/inovasi.json",
        }
        impostor.tamper(url=impostor.url, records=records)
        network_config(tmp_path, {"palsu": impostor.url}, **LIMITS)
        code, lines = harvest(tmp_path, capsys)
    finally:
        impostor.stop()
    assert code == 0, lines
    assert lines[0] == "palsu: 0 entri dipanen, 3 masalah pada rekaman (lihat di bawah)"
    assert all(
        " origin_url: " in line and "hanya boleh menerbitkan entrinya sendiri" in line for line in lines[1:]
    )
    assert snapshot(tmp_path, "palsu")["records"] == []


# --- hostile members -------------------------------------------------------------------------


def _never_answers(handler: Handler) -> None:
    threading.Event().wait(3)


def _drips(handler: Handler) -> None:
    handler.send_response(200)
    handler.end_headers()
    for _ in range(100):
        try:
            handler.wfile.write(b" ")
            handler.wfile.flush()
        except OSError:
            return
        time.sleep(0.1)


def _endless(handler: Handler) -> None:
    handler.send_response(200)
    handler.end_headers()
    chunk = b"[" * 65536
    for _ in range(1000):
        try:
            handler.wfile.write(chunk)
        except OSError:
            return


def _declares_huge(handler: Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Length", str(10**10))
    handler.end_headers()


def _malformed(handler: Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Length", "9")
    handler.end_headers()
    handler.wfile.write(b"{bukan js")


def _redirect(location: str) -> Callable[[Handler], None]:
    def redirect(handler: Handler) -> None:
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return redirect


def _fails(handler: Handler) -> None:
    handler.send_error(500)


def _hostile(site: Site, kind: str) -> str:
    """Make `site` misbehave as `kind`; the expected message (a regular expression)."""
    manifest = "/data/katalog.json"
    if kind == "lambat":
        site.behaviours[manifest] = _never_answers
        return r"(tidak menjawab|tidak selesai) dalam 1 detik"
    if kind == "menetes":
        site.behaviours[manifest] = _drips
        return r"tidak selesai dalam 1 detik"
    if kind == "tanpa-akhir":
        site.files["data/inovasi.json"] += b"\n"  # changed records: the harvest fetches them
        site.tamper()
        site.behaviours["/data/inovasi.json"] = _endless
        return r"http://127\.0\.0\.1:\d+/data/inovasi\.json lebih dari 300000 bita; unduhan dihentikan"
    if kind == "raksasa":
        site.behaviours[manifest] = _declares_huge
        return r"http://127\.0\.0\.1:\d+/data/katalog\.json lebih dari 300000 bita \(10000000000 bita\)"
    if kind == "rusak":
        site.behaviours[manifest] = _malformed
        return r"manifes bukan JSON yang sah \(.+\)"
    if kind == "ke-file":
        site.behaviours[manifest] = _redirect("file:///etc/passwd")
        return r"dialihkan ke 'file:///etc/passwd': bukan alamat http\(s\)"
    if kind == "ke-host-lain":
        site.behaviours[manifest] = _redirect(f"http://localhost:{free_port()}/data/katalog.json")
        return rf"dialihkan ke 'http://localhost:\d+/data/katalog\.json': bukan situs anggota ini \({re.escape(site.url)}\)"
    if kind == "versi-lain":
        site.tamper(format_version="2.0")
        return r"manifes: format_version '2\.0' tidak didukung \(pemanen ini membaca 1\.x\)"
    if kind == "alamat-lain":
        site.tamper(url="https://inovasi.lain.go.id/")
        return rf"manifes menyebut alamat 'https://inovasi\.lain\.go\.id/', bukan alamat anggota {re.escape(site.url)}"
    if kind == "rekaman-di-luar":
        elsewhere = f"http://localhost:{free_port()}/data/inovasi.json"
        site.tamper(records={**site.json("data/katalog.json")["records"], "download_url": elsewhere})
        return rf"manifes menunjuk rekaman di '{elsewhere}', di luar situs anggota {re.escape(site.url)}"
    if kind == "checksum":
        document = site.json("data/katalog.json")
        document["records"]["sha256"] = "0" * 64  # not the records it serves
        site.files["data/katalog.json"] = json.dumps(document).encode()
        return r"rekaman tidak cocok dengan sha256 di manifes \(situs anggota sedang diperbarui\?\)"
    if kind == "galat":
        site.behaviours[manifest] = _fails
        return r"HTTP 500 untuk http://127\.0\.0\.1:\d+/data/katalog\.json"
    raise AssertionError(kind)


HOSTILE = [
    "lambat", "menetes", "tanpa-akhir", "raksasa", "rusak", "ke-file", "ke-host-lain", "versi-lain",
    "alamat-lain", "rekaman-di-luar", "checksum", "galat",
]  # fmt: skip


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_member_fails_alone_and_keeps_its_last_snapshot(
    kind: str, tmp_path: Path, members: dict[str, Site], capsys: pytest.CaptureFixture[str]
) -> None:
    kota, kab = members["kota"], members["kab"]
    network_config(tmp_path, {"kota": kota.url, "kab": kab.url}, **LIMITS)
    assert harvest(tmp_path, capsys)[0] == 0
    good = snapshot(tmp_path, "kota")
    good_status = status(tmp_path, "kota")
    expected = _hostile(kota, kind)
    kab.tamper([r for r in kab.json("data/inovasi.json") if r["slug"] != "replika"])
    code, lines = harvest(tmp_path, capsys)
    assert code == 0
    day = good_status["harvested"][:10]
    assert re.fullmatch(f"kota: gagal: {expected}; snapshot {day} tetap dipakai \\(2 entri\\)", lines[0]), (
        lines[0]
    )
    assert lines[1:] == ["kab: 1 entri dipanen"]  # the other member is harvested all the same
    assert snapshot(tmp_path, "kota") == good  # a failure writes the status only
    kept = status(tmp_path, "kota")
    assert kept["harvested"] == good_status["harvested"]
    assert kept["attempt"]["ok"] is False and kept["attempt"]["message"] == lines[0]


@pytest.mark.parametrize("kind", ["rusak", "ke-file", "versi-lain"])
def test_a_failed_member_with_no_snapshot_exits_1_and_the_rest_is_harvested(
    kind: str, tmp_path: Path, members: dict[str, Site], capsys: pytest.CaptureFixture[str]
) -> None:
    kota, kab = members["kota"], members["kab"]
    expected = _hostile(kota, kind)
    network_config(tmp_path, {"kota": kota.url, "kab": kab.url}, **LIMITS)
    code, lines = harvest(tmp_path, capsys)
    assert code == 1
    assert re.fullmatch(f"kota: gagal: {expected}; belum ada snapshot", lines[0]), lines[0]
    assert lines[1:] == ["kab: 2 entri dipanen"]
    assert len(snapshot(tmp_path, "kab")["records"]) == 2
    assert not (tmp_path / "jaringan" / "kota.json").exists()
    assert status(tmp_path, "kota")["harvested"] is None
    assert status(tmp_path, "kota")["attempt"] == {"at": ANY, "ok": False, "message": lines[0]}


def test_a_member_that_is_down(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    network_config(tmp_path, {"mati": url}, **LIMITS)
    code, lines = harvest(tmp_path, capsys)
    assert code == 1
    assert re.fullmatch(r"mati: gagal: tidak dapat dihubungi \(.+\); belum ada snapshot", lines[0]), lines


def test_a_damaged_snapshot_is_replaced_by_a_good_harvest(
    tmp_path: Path, members: dict[str, Site], capsys: pytest.CaptureFixture[str]
) -> None:
    network_config(tmp_path, {"kota": members["kota"].url}, **LIMITS)
    (tmp_path / "jaringan").mkdir()
    (tmp_path / "jaringan" / "kota.json").write_text("{rusak", encoding="utf-8")
    assert harvest(tmp_path, capsys) == (0, ["kota: 2 entri dipanen, 1 draf tidak dipanen"])
    assert len(snapshot(tmp_path, "kota")["records"]) == 2


# --- usage -----------------------------------------------------------------------------------


def test_no_network_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["harvest", "--config", str(tmp_path / "jaringan.yaml")]) == 2
    assert capsys.readouterr().err == (
        f"katalog: berkas jaringan '{tmp_path / 'jaringan.yaml'}' tidak ditemukan; "
        "tulis daftar anggota di jaringan.yaml\n"
    )


def test_every_problem_of_the_network_file_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "jaringan.yaml"
    path.write_text(
        "members:\n"
        "  - url: https://inovasi.kota.go.id\n"
        "  - url: ftp://inovasi.kab.go.id/\n"
        "  - url: https://inovasi.kota.go.id/\n"
        "  - {url: 'https://a.go.id/', slug: 'A B'}\n"
        "  - {url: 'https://b.go.id/', kota: x}\n"
        "timeout: -1\n"
        "anggota: []\n",
        encoding="utf-8",
    )
    assert main(["harvest", "--config", str(path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"{path}:8: anggota: kunci tidak dikenal; kunci yang dikenal: concurrency, connect_timeout, "
        "max_bytes, max_records, members, snapshots, timeout",
        f"{path}:3: members[1].url: 'ftp://inovasi.kab.go.id/' bukan alamat http(s) yang lengkap, "
        "mis. https://inovasi.contoh.go.id/",
        f"{path}:4: members[2].url: 'https://inovasi.kota.go.id/' sudah dipakai members[0]",
        f"{path}:4: members[2].slug: 'inovasi-kota-go-id' sudah dipakai members[0]",
        f"{path}:5: members[3].slug: 'A B' tidak sah; mis. 'kota-contoh'",
        f"{path}:6: members[4].kota: kunci tidak dikenal; pilihan: url, slug",
        f"{path}:7: timeout: harus bilangan lebih dari 0, bukan -1",
    ]


def test_a_snapshot_folder_that_cannot_be_made_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "berkas").write_text("bukan folder", encoding="utf-8")
    network_config(tmp_path, {"kota": "https://inovasi.kota.go.id/"}, snapshots="berkas")
    assert main(["harvest", "--config", str(tmp_path / "jaringan.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"katalog: folder snapshot '{tmp_path / 'berkas'}' tidak dapat dibuat (")


# --- repeat harvests: only the status file changes ---------------------------------------------


def _harvest_at(network: Path, moment: dt.datetime) -> list[str]:
    """One harvest as if run at `moment` (so two harvests within a second differ)."""
    from katalog.network.harvest import harvest as run
    from katalog.network.members import load_config

    return run(load_config(network / "jaringan.yaml"), lambda: moment).lines()


def test_an_unchanged_member_s_snapshot_file_is_not_written_again(
    tmp_path: Path, members: dict[str, Site]
) -> None:
    network_config(tmp_path, {"kota": members["kota"].url}, **LIMITS)
    first = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert _harvest_at(tmp_path, first) == ["kota: 2 entri dipanen, 1 draf tidak dipanen"]
    path = tmp_path / "jaringan" / "kota.json"
    before, stamp = path.read_bytes(), path.stat().st_mtime_ns
    later = first + dt.timedelta(days=3)
    assert _harvest_at(tmp_path, later) == ["kota: tidak berubah (304); 2 entri"]
    assert path.read_bytes() == before and path.stat().st_mtime_ns == stamp
    assert status(tmp_path, "kota")["harvested"] == later.isoformat()
    assert status(tmp_path, "kota")["attempt"]["message"] == "kota: tidak berubah (304); 2 entri"
    assert snapshot(tmp_path, "kota")["fetched"] == first.isoformat()


def _counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The snapshot files the harvest reads from now on, by name."""
    from katalog.network import harvest as harvesting
    from katalog.network.snapshot import Snapshot

    read: list[str] = []
    real = harvesting.read_snapshot

    def counted(path: Path) -> Snapshot | None:
        read.append(path.name)
        return real(path)

    monkeypatch.setattr(harvesting, "read_snapshot", counted)
    return read


def test_a_repeat_harvest_of_unchanged_members_reads_no_snapshot(
    tmp_path: Path, members: dict[str, Site], monkeypatch: pytest.MonkeyPatch
) -> None:
    network_config(tmp_path, {"kota": members["kota"].url, "kab": members["kab"].url}, **LIMITS)
    first = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    _harvest_at(tmp_path, first)
    folder = tmp_path / "jaringan"
    before = {slug: (folder / f"{slug}.json").read_bytes() for slug in ("kota", "kab")}
    assert status(tmp_path, "kota")["held"]["etag"] == snapshot(tmp_path, "kota")["manifest_http"]["etag"]
    read = _counting_reads(monkeypatch)
    later = first + dt.timedelta(days=2)
    lines = _harvest_at(tmp_path, later)
    assert lines == ["kota: tidak berubah (304); 2 entri", "kab: tidak berubah (304); 2 entri"]
    assert read == []
    assert {slug: (folder / f"{slug}.json").read_bytes() for slug in ("kota", "kab")} == before
    assert status(tmp_path, "kota")["harvested"] == status(tmp_path, "kab")["harvested"] == later.isoformat()
    kota = members["kota"]  # a changed member is read: its records are compared with the held ones
    kota.tamper([r for r in kota.json("data/inovasi.json") if r["slug"] != "antre-daring"])
    assert (
        _harvest_at(tmp_path, later + dt.timedelta(days=1))[0]
        == "kota: 1 entri dipanen, 1 draf tidak dipanen"
    )
    assert read == ["kota.json"]


def test_a_status_without_matching_validators_falls_back_to_the_snapshot(
    tmp_path: Path, members: dict[str, Site], monkeypatch: pytest.MonkeyPatch
) -> None:
    network_config(tmp_path, {"kota": members["kota"].url, "kab": members["kab"].url}, **LIMITS)
    first = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    _harvest_at(tmp_path, first)
    folder = tmp_path / "jaringan"
    old = json.loads((folder / "_status.json").read_text(encoding="utf-8"))
    del old["members"]["kota"]["held"]  # a status written before validators were kept
    (folder / "_status.json").write_text(json.dumps(old), encoding="utf-8")
    kab = folder / "kab.json"
    kab.write_bytes(kab.read_bytes())  # same bytes, another stamp: no longer trusted
    read = _counting_reads(monkeypatch)
    later = first + dt.timedelta(days=1)
    lines = _harvest_at(tmp_path, later)
    assert lines == ["kota: tidak berubah (304); 2 entri", "kab: tidak berubah (304); 2 entri"]
    assert sorted(read) == ["kab.json", "kota.json"]
    assert status(tmp_path, "kota")["held"] and status(tmp_path, "kab")["held"]
    read.clear()
    _harvest_at(tmp_path, later + dt.timedelta(days=1))
    assert read == []


def test_a_format_1_snapshot_still_loads_and_is_rewritten_at_the_next_harvest(
    tmp_path: Path, members: dict[str, Site]
) -> None:
    from katalog.network.snapshot import read_snapshot

    network_config(tmp_path, {"kota": members["kota"].url}, **LIMITS)
    first = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    _harvest_at(tmp_path, first)
    path = tmp_path / "jaringan" / "kota.json"
    old = snapshot(tmp_path, "kota")
    old["format_version"] = 1
    old["harvested"] = old.pop("fetched")
    old["attempt"] = {"at": old["harvested"], "ok": True, "message": "kota: 2 entri dipanen"}
    path.write_text(json.dumps(old), encoding="utf-8")
    (tmp_path / "jaringan" / "_status.json").unlink()
    loaded = read_snapshot(path)
    assert loaded is not None and loaded.has_data and loaded.harvested == first and len(loaded.records) == 2
    assert loaded.attempt.message == "kota: 2 entri dipanen"
    later = first + dt.timedelta(days=1)
    assert _harvest_at(tmp_path, later) == ["kota: tidak berubah (304); 2 entri"]
    migrated = snapshot(tmp_path, "kota")
    assert migrated["format_version"] == 2 and "attempt" not in migrated
    assert migrated["fetched"] == first.isoformat() and migrated["records"] == old["records"]
    assert status(tmp_path, "kota")["harvested"] == later.isoformat()


def test_the_build_re_uses_every_member_a_harvest_left_unchanged(
    tmp_path: Path, members: dict[str, Site], monkeypatch: pytest.MonkeyPatch
) -> None:
    from katalog.content.taxonomy import Taxonomy
    from katalog.network import entries
    from katalog.site.harvested import network_for_build

    network_config(tmp_path, {"kota": members["kota"].url, "kab": members["kab"].url}, **LIMITS)
    first = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    _harvest_at(tmp_path, first)
    taxonomy = Taxonomy.from_data(
        {"units": [{"slug": "umum", "name": "Umum"}], "categories": [{"slug": "lain", "name": "Lain"}]}, "uji"
    )
    settings = {
        "KATALOG_NETWORK": str(tmp_path / "jaringan.yaml"),
        "OUTPUT_PATH": str(tmp_path / "output"),
        "KATALOG_CACHE_DIR": str(tmp_path / "cache"),
        "PATH": str(tmp_path / "content"),
    }
    made: list[str] = []
    validate = entries._entries

    def counted(member: str, *args: object) -> object:
        made.append(member)
        return validate(member, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(entries, "_entries", counted)
    network, docs = network_for_build(settings, taxonomy)
    assert network is not None and sorted(made) == ["kab", "kota"] and len(docs) == len(network.entries) == 4
    later = first + dt.timedelta(days=2)
    assert _harvest_at(tmp_path, later) == [
        "kota: tidak berubah (304); 2 entri",
        "kab: tidak berubah (304); 2 entri",
    ]
    made.clear()
    again, docs_again = network_for_build(settings, taxonomy)
    assert again is not None and made == []  # nothing validated nor analysed again
    assert [d.fields for d in docs_again] == [d.fields for d in docs]
    assert {e.origin.harvested for e in again.entries if e.origin} == {later}  # "data per" moves on
    assert {m.harvested for m in again.members} == {later}
    kab = members["kab"]
    kab.tamper([r for r in kab.json("data/inovasi.json") if r["slug"] != "replika"])
    _harvest_at(tmp_path, later + dt.timedelta(days=1))
    made.clear()
    third, _ = network_for_build(settings, taxonomy)
    assert third is not None and made == ["kab"]  # the changed member only
    assert sorted(e.slug for e in third.entries) == ["kab--simpel", "kota--antre-daring", "kota--simpel"]


def test_a_harvest_process_imports_neither_httpx_command_line_nor_its_terminal_libraries() -> None:
    """A repeat harvest is mostly start-up: httpx's own CLI (click, rich, pygments) stays out,
    and sniffio is there, so httpcore does not search sys.path for it on every request."""
    import subprocess
    import sys

    probe = (
        "import sys, katalog.network.harvest, httpx\n"
        "print(sorted(m for m in ('click', 'rich', 'pygments', 'httpx._main') if sys.modules.get(m)))\n"
        "print(callable(httpx.main), 'sniffio' in sys.modules or __import__('sniffio') is not None)\n"
    )
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert shown.stdout.splitlines() == ["[]", "True True"]
