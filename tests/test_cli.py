"""The `katalog` command line: exit codes, messages, scaffold."""

from __future__ import annotations

from pathlib import Path

import pytest

from katalog.checking import check_files
from katalog.cli import main
from katalog.scaffold import scaffold_text
from katalog.taxonomy import Taxonomy

from .conftest import FIXTURES


def test_check_valid_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(FIXTURES / "good")]) == 0
    assert "1 berkas diperiksa, semuanya sah" in capsys.readouterr().err


def test_check_reports_every_file_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    bad = FIXTURES / "bad"
    assert main(["check", str(bad / "year-wrong-type.md"), str(bad / "title-missing.md")]) == 1
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert lines == [
        "tests/fixtures/bad/title-missing.md:1: title: wajib diisi",
        "tests/fixtures/bad/year-wrong-type.md:7: year: harus berupa bilangan bulat (mis. 2019), bukan teks '2019'",
    ]
    assert "2 dari 2 berkas bermasalah" in out.err
    assert "Traceback" not in out.err


def test_check_missing_path_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "tidak/ada.md"]) == 2
    assert "'tidak/ada.md' tidak ditemukan" in capsys.readouterr().err


def test_unknown_option_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--tidak-ada"]) == 2
    assert capsys.readouterr().err.startswith("katalog: ")


def test_new_writes_a_valid_commented_scaffold(tmp_path: Path, taxonomy: Taxonomy) -> None:
    assert main(["new", "Layanan Surat Elektronik", "--dir", str(tmp_path)]) == 0
    path = tmp_path / "layanan-surat-elektronik.md"
    text = path.read_text(encoding="utf-8")
    report = check_files([path], taxonomy)
    assert report.problems == []
    assert report.entries[0].innovation.title == "Layanan Surat Elektronik"
    # Every top-level key is preceded by its Indonesian comment.
    assert "# Tautan sumber publik untuk setiap fakta di entri ini.\nsources:" in text
    assert "  # Instansi yang sudah mereplikasi.\n  replicated_by: []" in text


def test_new_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "simpel.md").write_text("isi lama", encoding="utf-8")
    assert main(["new", "SIMPEL", "--dir", str(tmp_path)]) == 2
    assert (tmp_path / "simpel.md").read_text(encoding="utf-8") == "isi lama"
    assert "sudah ada" in capsys.readouterr().err


def test_scaffold_lists_every_model_field() -> None:
    from katalog.model import Innovation, Replication

    text = scaffold_text("X")
    for name in Innovation.model_fields:
        assert f"\n{name}:" in text
    for name in Replication.model_fields:
        assert f"\n  {name}:" in text
