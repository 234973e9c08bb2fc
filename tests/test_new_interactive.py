"""`katalog new` asks in a terminal (driven through a pseudo-terminal) and stays scriptable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from katalog.content.checking import check_files
from katalog.content.taxonomy import Taxonomy

from .conftest import ROOT

KATALOG = str(Path(sys.executable).parent / "katalog")


def _spawn(*args: str) -> pexpect.spawn:
    child = pexpect.spawn(KATALOG, ["new", *args], cwd=str(ROOT), encoding="utf-8", timeout=20)
    child.setwinsize(40, 120)
    return child


def test_terminal_session_asks_for_every_value(tmp_path: Path, taxonomy: Taxonomy) -> None:
    (tmp_path / "simpel.md").write_text("---\ntitle: SIMPEL\n---\nisi\n", encoding="utf-8")
    child = _spawn("--dir", str(tmp_path))
    child.expect_exact("Judul inovasi: ")
    child.sendline("SIMPEL")  # slug taken: asked again
    child.expect_exact("slug 'simpel' sudah dipakai")
    child.expect_exact("Judul inovasi: ")
    child.sendline("Layanan Tamu Istana")
    child.expect_exact("Unit kerja pemilik inovasi:")
    child.expect_exact(" 6. Biro Hubungan Masyarakat (Biro Humas)")
    child.expect_exact("Nomor atau nama")
    child.sendline("Biro Humsa")  # near miss: a suggestion, then asked again
    child.expect_exact("maksud Anda 'Biro Hubungan Masyarakat'?")
    child.expect_exact("Nomor atau nama")
    child.sendline("6")
    child.expect_exact("Bidang (Anugerah Inovasi):")
    child.expect_exact("Nomor atau nama")
    child.sendline("")  # unknown -> null
    child.expect_exact("Jenis inovasi (boleh lebih dari satu):")
    child.expect_exact("Nomor, dipisah koma")
    child.sendline("1, 3")
    child.expect_exact("Tahun pertama tercatat")
    child.sendline("2999")
    child.expect_exact("tahun '2999' tidak sah")
    child.expect_exact("Tahun pertama tercatat")
    child.sendline("2019")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    path = tmp_path / "layanan-tamu-istana.md"
    report = check_files([path], taxonomy)
    assert report.errors == []
    innovation = report.entries[0].innovation
    assert innovation.title == "Layanan Tamu Istana"
    assert innovation.unit == "Biro Hubungan Masyarakat"
    assert innovation.category is None
    assert innovation.kind == ["digitalisasi", "debirokratisasi"]
    assert innovation.year == 2019


def test_flags_are_not_asked_again_and_tab_completes_units(tmp_path: Path, taxonomy: Taxonomy) -> None:
    child = _spawn("Arsip Digital", "--kind", "deregulasi", "--year", "2020", "--dir", str(tmp_path))
    child.expect_exact("Unit kerja pemilik inovasi:")
    child.expect_exact("Nomor atau nama")
    child.send("Pusat Pendidikan\t")  # readline completes the only match
    child.sendline("")
    child.expect_exact("Bidang (Anugerah Inovasi):")
    child.expect_exact("Nomor atau nama")
    child.sendline("keuangan")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert "Jenis inovasi" not in child.before and "Tahun pertama" not in child.before
    innovation = check_files([tmp_path / "arsip-digital.md"], taxonomy).entries[0].innovation
    assert innovation.unit == "Pusat Pendidikan dan Pelatihan Kemensetneg"
    assert (innovation.category, innovation.kind, innovation.year) == ("Keuangan", ["deregulasi"], 2020)


def test_ctrl_d_cancels_without_writing(tmp_path: Path) -> None:
    child = _spawn("--dir", str(tmp_path))
    child.expect_exact("Judul inovasi: ")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "dibatalkan" in child.before
    assert list(tmp_path.iterdir()) == []


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KATALOG, "new", *args],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )


def test_without_a_terminal_flags_script_the_whole_entry(tmp_path: Path, taxonomy: Taxonomy) -> None:
    done = _run("--title", "Sapa Warga", "--unit", "biro-humas", "--bidang", "Informasi",
                "--kind", "digitalisasi,deregulasi", "--year", "2021", "--dir", str(tmp_path))  # fmt: skip
    assert done.returncode == 0, done.stderr
    innovation = check_files([tmp_path / "sapa-warga.md"], taxonomy).entries[0].innovation
    assert innovation.unit == "Biro Hubungan Masyarakat"
    assert (innovation.category, innovation.kind, innovation.year) == (
        "Informasi",
        ["digitalisasi", "deregulasi"],
        2021,
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["X", "--unit", "Biro Humsa"],
            "katalog: unit 'Biro Humsa' tidak dikenal; maksud Anda 'Biro Hubungan Masyarakat'?",
        ),
        (["X", "--kind", "digital"], "katalog: jenis 'digital' tidak dikenal; maksud Anda 'digitalisasi'?"),
        (["X", "--year", "1900"], "katalog: tahun '1900' tidak sah"),
        ([], "katalog: judul wajib diisi"),
    ],
)
def test_without_a_terminal_bad_flags_are_usage_errors(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    done = _run(*args, "--dir", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.startswith(expected)
    assert list(tmp_path.iterdir()) == []


def test_an_existing_slug_under_another_file_name_is_refused(tmp_path: Path) -> None:
    (tmp_path / "nama-lain.md").write_text("---\ntitle: SIMPEL\nslug: simpel\n---\nisi\n", encoding="utf-8")
    done = _run("SIMPEL", "--dir", str(tmp_path))
    assert done.returncode == 2
    assert "slug 'simpel' sudah dipakai oleh" in done.stderr and "nama-lain.md" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nama-lain.md"]
