"""The `katalog` command line: exit codes, messages, scaffold."""

from __future__ import annotations

from pathlib import Path

import pytest

from katalog.content.checking import check_files
from katalog.content.taxonomy import Taxonomy
from katalog.tools.cli import main
from katalog.tools.scaffold import scaffold_text

from .conftest import FIXTURES, ROOT, TAXONOMY


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


def test_check_reads_static_pages_as_pages(capsys: pytest.CaptureFixture[str]) -> None:
    files = [*(ROOT / "content" / "inovasi").glob("*.md"), *(ROOT / "content" / "pages").glob("*.md")]
    assert main(["check", "content"]) == 0
    assert f"{len(files)} berkas diperiksa, semuanya sah" in capsys.readouterr().err


def test_check_names_a_missing_settings_file_as_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--settings", "tidak-ada.py"]) == 2
    assert "'tidak-ada.py' tidak ditemukan" in capsys.readouterr().err


def replication_site(tmp_path: Path) -> Path:
    """The fixture site plus `simpel-daerah` (`based_on: simpel`), with its own settings."""
    import shutil

    shutil.copytree(FIXTURES / "site", tmp_path / "content")
    shutil.copytree(FIXTURES / "site-replication", tmp_path / "content", dirs_exist_ok=True)
    settings = tmp_path / "pelicanconf.py"
    settings.write_text(
        f"from katalog.settings import *\n\nKATALOG_TAXONOMY = {str(TAXONOMY)!r}\n", encoding="utf-8"
    )
    return settings


def test_one_file_is_judged_with_the_rest_of_its_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As the pre-commit hook runs it: `based_on: simpel` names an entry of the site, not of the check."""
    settings = replication_site(tmp_path)
    entry = tmp_path / "content" / "inovasi" / "simpel-daerah.md"
    assert main(["check", "--settings", str(settings), str(entry)]) == 0
    assert "1 berkas diperiksa, semuanya sah" in capsys.readouterr().err


def test_a_new_file_taking_a_slug_of_the_site_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = replication_site(tmp_path)
    content = tmp_path / "content" / "inovasi"
    new = content / "aaa-simpel-lagi.md"
    new.write_text((content / "simpel.md").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["check", "--settings", str(settings), str(new)]) == 1
    assert [line for line in capsys.readouterr().out.splitlines() if ": peringatan: " not in line] == [
        f"{content / 'simpel.md'}:3: slug: 'simpel' sudah dipakai oleh {new}; isi 'slug' dengan nilai lain"
    ]


def test_a_static_page_is_validated_as_a_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = replication_site(tmp_path)
    page = tmp_path / "content" / "pages" / "tentang.md"
    page.write_text(page.read_text(encoding="utf-8").replace("slug: tentang\n", ""), encoding="utf-8")
    assert main(["check", "--settings", str(settings), str(page)]) == 1
    # The build's reader says the same (its hint about null comes from the innovation model).
    assert capsys.readouterr().out.splitlines() == [
        f"{page}:1: slug: wajib diisi (tulis null bila memang tidak diketahui)"
    ]


def test_new_writes_a_valid_commented_scaffold(tmp_path: Path, taxonomy: Taxonomy) -> None:
    assert main(["new", "Layanan Surat Elektronik", "--dir", str(tmp_path)]) == 0
    path = tmp_path / "layanan-surat-elektronik.md"
    text = path.read_text(encoding="utf-8")
    report = check_files([path], taxonomy)
    assert report.errors == []
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
    from katalog.content.model import Innovation, Replication

    text = scaffold_text("X")
    for name in Innovation.model_fields:
        assert f"\n{name}:" in text
    for name in Replication.model_fields:
        assert f"\n  {name}:" in text


def test_search_json_contract(fixture_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    index = fixture_site.parent / ".katalog-whoosh"
    assert main(["search", "perjalanan dinas", "--json", "--index", str(index)]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["slug"] == "simpel"
    assert set(hits[0]) >= {"slug", "title", "url", "score"}
    assert hits[0]["url"] == "inovasi/simpel/"


def test_search_table_limit_and_facets(fixture_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index = str(fixture_site.parent / ".katalog-whoosh")
    assert main(["search", "istana untuk rakyat", "--limit", "1", "--index", index]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[1].split()[2] == "istura"
    assert main(["search", "istana untuk rakyat", "--unit", "biro-ktln", "--index", index]) == 0
    assert "Tidak ada hasil" in capsys.readouterr().out


def test_search_without_index_is_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "x", "--index", str(tmp_path / "none")]) == 2
    assert "belum ada" in capsys.readouterr().err
