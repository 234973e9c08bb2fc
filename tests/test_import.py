"""`katalog import`: spreadsheet rows to draft entries, hostile sheets, idempotence, template."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import shutil
import string
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from katalog.content import csvsheet, sheetrows, workbook
from katalog.content.columns import TEMPLATE_FILES, columns
from katalog.content.sheetrows import Mapping
from katalog.content.sheets import open_sheet
from katalog.resources import DEFAULTS
from katalog.tools.cli import main
from katalog.tools.scaffold import scaffold_text
from katalog.tools.sheettemplate import template_csv, template_xlsx

from .conftest import TAXONOMY

HEADER = ["title", "summary", "unit", "kind", "year", "tags", "sources", "contact.email", "body"]
IZIN = [
    "Layanan Izin Daring",
    "Izin diurus dari rumah, tanpa antre.",
    "Biro Hubungan Masyarakat",
    "digitalisasi; deregulasi",
    2019,
    "izin; daring",
    "https://example.go.id/izin",
    "humas@example.go.id",
    "Warga mengajukan izin lewat laman.\n\n## Cara kerja\n\nFormulir daring.",
]
TAMU = [
    "Buku Tamu Digital",
    "Tamu mendaftar sebelum datang.",
    None,
    None,
    None,
    None,
    "https://example.go.id/tamu",
]
IZIN_FILE = "content/inovasi/layanan-izin-daring.md"
TAMU_FILE = "content/inovasi/buku-tamu-digital.md"


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site folder as `katalog init` lays it out (content/inovasi, taxonomy), as the cwd."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "content" / "inovasi").mkdir(parents=True)
    shutil.copy(TAXONOMY, tmp_path / "content" / "taxonomy.yaml")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = main(["import", *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out.splitlines(), captured.err


def check_site(capsys: pytest.CaptureFixture[str]) -> str:
    """`katalog check` on the site's entries: every imported file must pass it."""
    code = main(["check", "content/inovasi"])
    err = capsys.readouterr().err
    assert code == 0, err
    return err


def write_csv(path: Path, rows: list[list[Any]], delimiter: str = ",", encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(
    path: Path, rows: list[list[Any]], title: str = "Usulan", setup: Callable[[Any], None] | None = None
) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    if setup is not None:
        setup(sheet)
    book.save(path)
    return path


def patch_sheet(path: Path, old: str, new: str) -> None:
    """Edit the first sheet's XML, for what openpyxl cannot write (a saved formula value)."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            if info.filename == "xl/worksheets/sheet1.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            archive.writestr(info, data)


def files(site: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((site / "content" / "inovasi").glob("*.md"))}


# --- rows become entries ------------------------------------------------------------------


def test_csv_rows_become_draft_entries_that_pass_check(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_csv(site / "usulan.csv", [HEADER, IZIN, TAMU])
    assert run(capsys, "usulan.csv") == (
        0,
        [f"dibuat: {IZIN_FILE}", f"dibuat: {TAMU_FILE}"],
        ("2 baris: 2 dibuat, 0 diperbarui, 0 tidak berubah, 0 bermasalah.\n"),
    )
    text = (site / IZIN_FILE).read_text(encoding="utf-8")
    assert text.startswith("---\n# yaml-language-server: $schema=../../schema/innovation.schema.json\n")
    for line in [
        "title: Layanan Izin Daring",
        "slug: layanan-izin-daring",
        "summary: Izin diurus dari rumah, tanpa antre.",
        "unit: Biro Hubungan Masyarakat",
        "kind: [digitalisasi, deregulasi]",
        "year: 2019",
        "status: draft",
        "tags: [izin, daring]",
        "  email: humas@example.go.id",
        "sources: ['https://example.go.id/izin']",
        "# Kontak resmi; null bila tidak diketahui.",
    ]:
        assert f"\n{line}\n" in text, line
    assert text.endswith("---\n\nWarga mengajukan izin lewat laman.\n\n## Cara kerja\n\nFormulir daring.\n")
    tamu = (site / TAMU_FILE).read_text(encoding="utf-8")
    # What the row does not say stays unknown: no invented year, unit or placeholder facts.
    for line in ["unit: null", "category: null", "kind: []", "year: null", "contact: null", "tags: []"]:
        assert f"\n{line}\n" in tamu, line
    assert "example.org" not in tamu
    assert "Tulis ringkasan" not in tamu
    assert "2 berkas diperiksa, semuanya sah" in check_site(capsys)


def test_a_workbook_is_read_with_its_types(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Numbers stay numbers where the model wants them and become text where it wants text."""
    rows = [["title", "summary", "year", "sources", "last_verified", "replication.legal_basis"]]
    rows.append(
        [2045, 12.0, 2019.0, "https://example.go.id/a", dt.datetime(2024, 1, 31), "Perpres | 95 | 2018"]
    )
    write_xlsx(site / "usulan.xlsx", rows)
    assert run(capsys, "usulan.xlsx")[:2] == (0, ["dibuat: content/inovasi/2045.md"])
    text = (site / "content" / "inovasi" / "2045.md").read_text(encoding="utf-8")
    for line in [
        "title: '2045'",
        "summary: '12'",
        "year: 2019",
        "last_verified: 2024-01-31",
        "  legal_basis: [{title: Perpres, number: '95', year: 2018}]",
    ]:
        assert f"\n{line}\n" in text, line
    check_site(capsys)


def test_a_semicolon_csv_from_an_indonesian_excel_is_read(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_csv(site / "usulan.csv", [HEADER, IZIN], delimiter=";")
    assert run(capsys, "usulan.csv")[:2] == (0, [f"dibuat: {IZIN_FILE}"])
    assert "\nkind: [digitalisasi, deregulasi]\n" in (site / IZIN_FILE).read_text(encoding="utf-8")


# --- invalid rows ------------------------------------------------------------------------


def test_invalid_rows_get_check_messages_and_valid_rows_are_still_written(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        HEADER,
        IZIN,
        ["Salah Unit", "Ringkas.", "Biro Humsa", "digital", "20x9", None, "https://example.go.id/u"],
        ["Tanpa Ringkasan", None, None, None, 2019, None, "https://example.go.id/r"],
        ["Tanpa Sumber", "Ringkas.", None, None, 2019, None, None, "bukan-surel"],
        [None, "Tanpa judul."],
    ]
    write_xlsx(site / "usulan.xlsx", rows)
    code, out, err = run(capsys, "usulan.xlsx")
    assert code == 1
    assert out == [
        "usulan.xlsx:Usulan:row 3: kind[0]: 'digital' tidak dikenal; pilihan: digitalisasi, deregulasi, "
        "debirokratisasi; maksud Anda 'digitalisasi'?",
        "usulan.xlsx:Usulan:row 3: unit: 'Biro Humsa' tidak dikenal; pilihan: lihat content/taxonomy.yaml; "
        "maksud Anda 'Biro Hubungan Masyarakat'?",
        "usulan.xlsx:Usulan:row 3: year: harus berupa bilangan bulat (mis. 2019), bukan teks '20x9'",
        "usulan.xlsx:Usulan:row 4: summary: wajib diisi",
        "usulan.xlsx:Usulan:row 5: contact.email: 'bukan-surel' bukan alamat surel yang sah",
        "usulan.xlsx:Usulan:row 5: sources: minimal 1 butir",
        "usulan.xlsx:Usulan:row 6: sources: minimal 1 butir",
        "usulan.xlsx:Usulan:row 6: title: wajib diisi",
        f"dibuat: {IZIN_FILE}",
    ]
    assert err == "5 baris: 1 dibuat, 0 diperbarui, 0 tidak berubah, 4 bermasalah.\n"
    assert list(files(site)) == ["layanan-izin-daring.md"]
    check_site(capsys)


def test_a_row_gets_the_very_message_katalog_check_gives_a_file(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = site / "content" / "inovasi" / "uji.md"
    bad.write_text(scaffold_text("Uji", {"unit": "Biro Humsa", "kind": ["digital"]}), encoding="utf-8")
    assert main(["check", str(bad)]) == 1
    from_check = [
        line.split(": ", 1)[1] for line in capsys.readouterr().out.splitlines() if "peringatan" not in line
    ]
    bad.unlink()
    row = ["Uji", "Ringkas.", "Biro Humsa", "digital", "https://example.go.id/x"]
    write_csv(site / "usulan.csv", [["title", "summary", "unit", "kind", "sources"], row])
    code, out, _ = run(capsys, "usulan.csv")
    assert code == 1
    from_import = [line.split(": ", 1)[1] for line in out]
    assert len(from_check) == 2
    assert sorted(from_import) == sorted(from_check)  # the same words, hints and all


def test_an_unknown_header_is_reported_once_with_a_hint_and_nothing_is_written(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_csv(
        site / "usulan.csv", [["judul", "summary", "sources", "contact"], ["X", "Y", "https://a.go.id", "Z"]]
    )
    code, out, _ = run(capsys, "usulan.csv")
    assert code == 1
    assert out == [
        "usulan.csv:row 1: contact: kolom 'contact' harus dipecah per subkolom: contact.name, contact.email, "
        "contact.phone, contact.url",
        "usulan.csv:row 1: judul: kunci 'judul' tidak dikenal; maksud Anda 'title'?",
        "usulan.csv:row 1: judul kolom: tidak ada kolom 'title'; setiap baris perlu judul inovasi",
    ]
    assert files(site) == {}


def test_text_that_means_something_in_yaml_stays_text(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["title", "summary", "tags", "sources", "replication.cost"]]
    rows.append(["Ya: #1 [baru]", "null", "yes; - a; {b}", "https://a.go.id", "Rp 5 juta\nper tahun"])
    rows.append(["Dua Baris", "Baris satu.\nBaris dua: 'kutip' \"ganda\"", None, "https://a.go.id", None])
    write_csv(site / "usulan.csv", rows)
    assert run(capsys, "usulan.csv")[0] == 0
    check_site(capsys)
    from katalog.content.taxonomy import Taxonomy
    from katalog.content.validate import load_entry

    taxonomy = Taxonomy.load(TAXONOMY)
    first = load_entry(site / "content/inovasi/ya-1-baru.md", taxonomy).entry
    second = load_entry(site / "content/inovasi/dua-baris.md", taxonomy).entry
    assert first is not None and second is not None
    assert (first.innovation.title, first.innovation.summary) == ("Ya: #1 [baru]", "null")
    assert first.innovation.tags == ["yes", "- a", "{b}"]
    assert first.innovation.replication.cost == "Rp 5 juta\nper tahun"
    assert second.innovation.summary == "Baris satu.\nBaris dua: 'kutip' \"ganda\""


def test_a_column_given_twice_is_reported(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_csv(site / "usulan.csv", [["title", "summary", "uraian", "body"], ["X", "Y", "a", "b"]])
    assert run(capsys, "usulan.csv")[:2] == (
        1,
        [
            "usulan.csv:row 1: body: kolom untuk 'body' muncul dua kali ('uraian' dan 'body'); hapus salah satunya"
        ],
    )


def test_list_of_records_with_too_many_parts_is_explained(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [["title", "summary", "sources", "replication.documents"]]
    rows.append(["X", "Y", "https://a.go.id", "SOP | https://a.go.id/sop | lebih"])
    write_csv(site / "usulan.csv", rows)
    assert run(capsys, "usulan.csv")[:2] == (
        1,
        [
            "usulan.csv:row 2: replication.documents: butir ke-1 berisi 3 bagian; paling banyak 2 (title | url)"
        ],
    )


# --- re-import: idempotent, and the editor's work survives ---------------------------------


def test_importing_the_same_sheet_again_changes_no_byte(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_xlsx(site / "usulan.xlsx", [HEADER, IZIN, TAMU])
    assert run(capsys, "usulan.xlsx")[0] == 0
    before = files(site)
    stamps = {p: p.stat().st_mtime_ns for p in (site / "content" / "inovasi").iterdir()}
    time.sleep(0.01)
    assert run(capsys, "usulan.xlsx") == (
        0,
        [],
        "2 baris: 0 dibuat, 0 diperbarui, 2 tidak berubah, 0 bermasalah.\n",
    )
    assert files(site) == before
    assert {p: p.stat().st_mtime_ns for p in (site / "content" / "inovasi").iterdir()} == stamps


def test_a_re_import_changes_only_the_sheets_keys(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_csv(site / "usulan.csv", [HEADER, IZIN])
    run(capsys, "usulan.csv")
    entry = site / IZIN_FILE
    edited = (
        entry.read_text(encoding="utf-8")
        .replace("status: draft", "status: aktif")
        .replace("awards: []", "awards: [Top 45 KIPP 2020]  # dari laman KemenPANRB")
        .replace(
            "\nslug: layanan-izin-daring\n",
            "\nslug: layanan-izin-daring\n# catatan redaksi: sudah ditinjau\n",
        )
        .replace("Formulir daring.", "Formulir daring, ditulis ulang oleh redaksi.")
    )
    entry.write_text(edited, encoding="utf-8")
    changed = [*IZIN[:1], "Ringkasan yang diperbarui.", *IZIN[2:-1], "Uraian baru dari lembar."]
    write_csv(site / "usulan.csv", [HEADER, changed])
    assert run(capsys, "usulan.csv")[:2] == (0, [f"diperbarui: {IZIN_FILE}"])
    assert entry.read_text(encoding="utf-8") == edited.replace(
        "summary: Izin diurus dari rumah, tanpa antre.", "summary: Ringkasan yang diperbarui."
    )
    check_site(capsys)


def test_a_re_import_fills_a_key_the_entry_lacks_and_leaves_empty_cells_alone(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_csv(site / "usulan.csv", [HEADER, TAMU])
    run(capsys, "usulan.csv")
    entry = site / TAMU_FILE
    entry.write_text(entry.read_text(encoding="utf-8").replace("tags: []", "tags: [tamu]"), encoding="utf-8")
    more = [*TAMU, None]
    more[HEADER.index("contact.email")] = "tamu@example.go.id"
    write_csv(site / "usulan.csv", [HEADER, more])
    assert run(capsys, "usulan.csv")[:2] == (0, [f"diperbarui: {TAMU_FILE}"])
    text = entry.read_text(encoding="utf-8")
    assert "\ntags: [tamu]\n" in text  # the sheet's tags cell is empty: the editor's tags stay
    assert "\ncontact:\n  # Nama orang atau unit yang dapat dihubungi.\n  name: null\n" in text
    assert "\n  email: tamu@example.go.id\n" in text
    check_site(capsys)


def test_dry_run_prints_a_diff_and_writes_nothing(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_csv(site / "usulan.csv", [HEADER, IZIN])
    code, out, err = run(capsys, "usulan.csv", "--dry-run")
    assert code == 0
    assert out[:3] == ["--- /dev/null", f"+++ b/{IZIN_FILE}", "@@ -0,0 +1,68 @@"]
    assert "+title: Layanan Izin Daring" in out
    assert (
        err
        == "1 baris: 1 dibuat, 0 diperbarui, 0 tidak berubah, 0 bermasalah (uji coba: tidak ada berkas yang ditulis).\n"
    )
    assert files(site) == {}
    run(capsys, "usulan.csv")
    before = files(site)
    write_csv(site / "usulan.csv", [HEADER, [IZIN[0], "Ringkasan baru.", *IZIN[2:]]])
    code, out, _ = run(capsys, "usulan.csv", "--dry-run")
    assert code == 0
    assert out[:2] == [f"--- a/{IZIN_FILE}", f"+++ b/{IZIN_FILE}"]
    assert [line for line in out if line[:1] in "+-" and line[:3] not in ("+++", "---")] == [
        "-summary: Izin diurus dari rumah, tanpa antre.",
        "+summary: Ringkasan baru.",
    ]
    assert files(site) == before


# --- duplicates ----------------------------------------------------------------------------


def test_a_second_row_with_the_same_slug_is_an_error(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    again = ["LAYANAN IZIN DARING", "Lagi.", None, None, None, None, "https://example.go.id/lagi"]
    write_csv(site / "usulan.csv", [HEADER, IZIN, again])
    assert run(capsys, "usulan.csv")[:2] == (
        1,
        [
            "usulan.csv:row 3: title: slug 'layanan-izin-daring' sama dengan baris 2; satu inovasi cukup satu baris",
            f"dibuat: {IZIN_FILE}",
        ],
    )
    assert "\nsummary: Izin diurus dari rumah, tanpa antre.\n" in (site / IZIN_FILE).read_text(
        encoding="utf-8"
    )


def test_a_slug_of_an_entry_written_by_hand_is_an_error_and_the_entry_is_untouched(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = site / "content" / "inovasi" / "tamu.md"
    mine.write_text(scaffold_text("Tamu", {"slug": "buku-tamu-digital"}), encoding="utf-8")
    before = files(site)
    write_csv(site / "usulan.csv", [HEADER, TAMU])
    assert run(capsys, "usulan.csv")[:2] == (
        1,
        [
            "usulan.csv:row 2: title: slug 'buku-tamu-digital' sudah dipakai oleh content/inovasi/tamu.md, yang "
            "tidak dibuat dengan katalog import (berkas itu tidak diubah); ganti judul atau isi kolom slug"
        ],
    )
    assert files(site) == before


# --- hostile workbooks ---------------------------------------------------------------------


def test_a_formula_gives_its_saved_value_never_evaluated(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [["title", "summary", "sources"], ["Rumus", '=CONCAT("Ring","kas")', "https://example.go.id/r"]]
    rows.append(["Belum Dihitung", "=1+1", "https://example.go.id/b"])
    rows.append(["Galat", "=1/0", "https://example.go.id/g"])
    path = write_xlsx(site / "usulan.xlsx", rows)
    patch_sheet(
        path,
        '<c r="B2"><f>CONCAT("Ring","kas")</f><v /></c>',
        '<c r="B2" t="str"><f>CONCAT("Ring","kas")</f><v>Tersimpan, bukan dihitung.</v></c>',
    )
    patch_sheet(path, '<c r="B4"><f>1/0</f><v /></c>', '<c r="B4" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
    assert run(capsys, "usulan.xlsx")[:2] == (
        1,
        [
            "usulan.xlsx:Usulan:row 3: summary: sel berisi rumus yang belum pernah dihitung; buka dan simpan berkas "
            "di Excel atau LibreOffice",
            "usulan.xlsx:Usulan:row 4: summary: sel berisi galat #DIV/0!; perbaiki rumus atau isinya",
            "dibuat: content/inovasi/rumus.md",
        ],
    )
    assert "\nsummary: Tersimpan, bukan dihitung.\n" in (site / "content/inovasi/rumus.md").read_text("utf-8")


def test_a_year_shown_as_a_date_is_explained(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def as_dates(sheet: Any) -> None:
        sheet["C2"].number_format = "dd/mm/yyyy"  # an editor typed 2019 into a date-formatted cell

    rows = [["title", "summary", "year", "sources"], ["Satu", "R.", 2019, "https://a.go.id"]]
    rows.append(["Dua", "R.", dt.datetime(2019, 8, 17), "https://a.go.id"])
    write_xlsx(site / "usulan.xlsx", rows, setup=as_dates)
    assert run(capsys, "usulan.xlsx")[:2] == (
        1,
        [
            "usulan.xlsx:Usulan:row 2: year: sel berformat tanggal (tampil 1905-07-11), bukan tahun; ubah format sel "
            "menjadi Angka atau Umum agar terbaca 2019",
            "usulan.xlsx:Usulan:row 3: year: berisi tanggal 2019-08-17, bukan tahun; tulis tahunnya saja, mis. 2019",
        ],
    )
    assert files(site) == {}


def test_merged_cells_are_errors_on_each_row_they_cover(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def merge(sheet: Any) -> None:
        sheet.merge_cells("C3:C4")

    rows = [["title", "summary", "unit", "sources"], ["Satu", "R.", None, "https://a.go.id/1"]]
    rows += [
        ["Dua", "R.", "Biro Hubungan Masyarakat", "https://a.go.id/2"],
        ["Tiga", "R.", None, "https://a.go.id/3"],
    ]
    write_xlsx(site / "usulan.xlsx", rows, setup=merge)
    message = "unit: sel digabung (C3:C4); pisahkan gabungan sel dan isi setiap baris"
    assert run(capsys, "usulan.xlsx")[:2] == (
        1,
        [
            f"usulan.xlsx:Usulan:row 3: {message}",
            f"usulan.xlsx:Usulan:row 4: {message}",
            "dibuat: content/inovasi/satu.md",
        ],
    )


def test_hidden_rows_are_skipped_with_a_warning_and_empty_rows_silently(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def hide(sheet: Any) -> None:
        sheet.row_dimensions[3].hidden = True

    rows = [["title", "summary", "sources"], ["Satu", "R.", "https://a.go.id/1"], ["Tersembunyi", "R.", "x"]]
    rows += [[None, None, None], ["   ", None, None], ["Lima", None, "https://a.go.id/5"]]
    write_xlsx(site / "usulan.xlsx", rows, setup=hide)
    code, out, err = run(capsys, "usulan.xlsx")
    assert (code, out) == (
        1,
        [
            "usulan.xlsx:Usulan:row 3: baris: peringatan: baris tersembunyi dilewati; tampilkan baris itu untuk "
            "mengimpornya",
            "usulan.xlsx:Usulan:row 6: summary: wajib diisi",  # numbered as the sheet shows it
            "dibuat: content/inovasi/satu.md",
        ],
    )
    assert err.startswith("2 baris: 1 dibuat")


IZIN_SHORT = ["Layanan Izin Daring", "R.", "https://a.go.id/izin", None]


def test_a_cell_of_a_megabyte_is_refused_with_the_limit(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = "".join(random.Random(1).choices(string.ascii_letters + " ", k=1_000_000))
    rows = [["title", "summary", "sources", "body"], ["Besar", "R.", "https://a.go.id", huge], IZIN_SHORT]
    write_csv(site / "usulan.csv", rows)
    rows[1][3] = "SEL-BESAR"  # openpyxl cuts a cell at Excel's limit; another program may not
    patch_sheet(write_xlsx(site / "usulan.xlsx", rows), "SEL-BESAR", huge)
    message = "body: sel terlalu panjang (1000000 karakter; paling banyak 32767)"
    assert run(capsys, "usulan.csv")[:2] == (1, [f"usulan.csv:row 2: {message}", f"dibuat: {IZIN_FILE}"])
    (site / IZIN_FILE).unlink()
    assert run(capsys, "usulan.xlsx")[:2] == (
        1,
        [f"usulan.xlsx:Usulan:row 2: {message}", f"dibuat: {IZIN_FILE}"],
    )


# --- files that are not what they say, and usage errors ---------------------------------


def zip_bomb(path: Path, size: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * size)
    return path


def png(path: Path) -> Path:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0")
    return path


@pytest.mark.parametrize(
    ("make", "name", "message"),
    [
        (None, "tidak-ada.csv", "'tidak-ada.csv' tidak ditemukan"),
        (
            lambda p: p.write_text("a"),
            "usulan.ods",
            "usulan.ods: jenis berkas '.ods' tidak didukung; simpan lembar sebagai .xlsx atau .csv",
        ),
        (
            png,
            "gambar.csv",
            "gambar.csv: bukan teks CSV (berisi data biner, mungkin gambar); periksa berkasnya",
        ),
        (
            lambda p: write_csv(p, [HEADER, IZIN]),
            "teks.xlsx",
            "teks.xlsx: bukan arsip XLSX; simpan ulang dari Excel "
            "sebagai 'Excel Workbook (.xlsx)' atau 'CSV UTF-8'",
        ),
        (
            lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),
            "lama.xlsx",
            "lama.xlsx: "
            "berkas Excel lama (.xls); simpan ulang dari Excel sebagai 'Excel Workbook (.xlsx)' atau 'CSV UTF-8'",
        ),
        (
            lambda p: write_xlsx(p, [HEADER]),
            "buku.csv",
            "buku.csv: berkas ini tampaknya XLSX (arsip zip), bukan CSV; ubah ekstensinya menjadi .xlsx",
        ),
        (
            lambda p: p.write_bytes("title,summary\nSIMPEL,Rp 5 juta\nCafé,é\n".encode("latin-1")),
            "latin.csv",
            "latin.csv: baris 3 bukan teks UTF-8; di Excel simpan ulang sebagai 'CSV UTF-8 (Comma delimited)'",
        ),
        (
            lambda p: p.write_bytes(b"PK\x03\x04 rusak"),
            "rusak.xlsx",
            "rusak.xlsx: arsip XLSX rusak; buka dan simpan ulang di Excel atau LibreOffice",
        ),
    ],
)
def test_files_that_cannot_be_read_are_usage_errors(
    site: Path,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path], Any] | None,
    name: str,
    message: str,
) -> None:
    if make is not None:
        make(site / name)
    assert run(capsys, name) == (2, [], f"katalog: {message}\n")
    assert files(site) == {}


def test_a_zip_bomb_is_refused_from_its_declared_sizes(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zip_bomb(site / "bom.xlsx", 101_000_000)
    assert run(capsys, "bom.xlsx") == (
        2,
        [],
        (
            "katalog: bom.xlsx: isi arsip 101000019 bita setelah dibuka (paling banyak 100000000); mungkin bom zip, "
            "berkas tidak dibuka\n"
        ),
    )
    zip_bomb(site / "bom.xlsx", 20_000_000)  # small enough in total, but 20 MB from 20 KB
    member = zipfile.ZipFile(site / "bom.xlsx").getinfo("xl/worksheets/sheet1.xml")
    ratio = member.file_size / member.compress_size
    assert ratio > 500
    assert run(capsys, "bom.xlsx") == (
        2,
        [],
        (
            f"katalog: bom.xlsx: 'xl/worksheets/sheet1.xml' mengembang {ratio:.0f} kali (paling banyak 500); "
            "mungkin bom zip, berkas tidak dibuka\n"
        ),
    )


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("columns: [a", "peta.yaml' bukan YAML UTF-8 yang sah"),
        ("sheets: Usulan\n", "peta.yaml: kunci 'sheets' tidak dikenal; maksud Anda 'sheet'?"),
        ("header_row: nol\n", "peta.yaml: 'header_row' harus berupa nomor baris 1 sampai 1000, bukan 'nol'"),
        (
            "columns:\n  Nama: judul\n",
            "peta.yaml: columns: 'Nama' dipetakan ke 'judul': kunci 'judul' tidak dikenal; "
            "maksud Anda 'title'?",
        ),
        ("- a\n", "peta.yaml' harus berisi pasangan kunci: nilai (sheet, header_row, columns, delimiter)"),
    ],
)
def test_a_bad_mapping_file_is_a_usage_error(
    site: Path, capsys: pytest.CaptureFixture[str], mapping: str, message: str
) -> None:
    write_csv(site / "usulan.csv", [HEADER, IZIN])
    (site / "peta.yaml").write_text(mapping, encoding="utf-8")
    code, out, err = run(capsys, "usulan.csv", "--mapping", "peta.yaml")
    assert (code, out) == (2, [])
    assert message in err
    assert err.startswith("katalog: ")


def test_no_file_and_a_missing_mapping_are_usage_errors(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys) == (
        2,
        [],
        "katalog: sebutkan berkas .xlsx atau .csv, mis. katalog import usulan.xlsx\n",
    )
    write_csv(site / "usulan.csv", [HEADER, IZIN])
    assert run(capsys, "usulan.csv", "--mapping", "peta.yaml") == (
        2,
        [],
        "katalog: berkas pemetaan 'peta.yaml' tidak ditemukan\n",
    )


# --- big sheets ----------------------------------------------------------------------------


def test_a_sheet_of_100000_rows_is_refused_without_reading_them_all(
    site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [["title", "summary", "sources"]] + [
        [f"Inovasi {i}", "R.", "https://a.go.id"] for i in range(100_000)
    ]
    write_csv(site / "besar.csv", rows)
    judged: list[int] = []  # the rows turned into data, by row number

    def data_row(number: int, *args: Any, **kwargs: Any) -> Any:
        judged.append(number)
        return sheetrows.data_row(number, *args, **kwargs)

    monkeypatch.setattr(csvsheet, "data_row", data_row)
    monkeypatch.setattr(workbook, "data_row", data_row)
    assert run(capsys, "besar.csv") == (
        2,
        [],
        ("katalog: besar.csv: lebih dari 10000 baris data; pecah lembar menjadi beberapa berkas\n"),
    )
    assert judged == []  # a CSV file is counted first: no row is judged
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Besar")
    for row in rows:
        sheet.append(row)
    book.save(site / "besar.xlsx")
    assert run(capsys, "besar.xlsx") == (
        2,
        [],
        ("katalog: besar.xlsx:Besar: lebih dari 10000 baris data; pecah lembar menjadi beberapa berkas\n"),
    )
    assert files(site) == {}
    # A workbook streams: it stops at the limit instead of reading the 100,000 rows.
    assert len(judged) == sheetrows.MAX_ROWS + 1


def test_a_workbook_lying_about_its_size_is_stopped_by_the_row_count(
    site: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sheetrows, "MAX_ROWS", 50)
    rows = [["title", "summary", "sources"]] + [[f"Inovasi {i}", "R.", "https://a.go.id"] for i in range(60)]
    path = write_xlsx(site / "besar.xlsx", rows)
    patch_sheet(path, '<dimension ref="A1:C61" />', '<dimension ref="A1:C2" />')
    assert run(capsys, "besar.xlsx") == (
        2,
        [],
        ("katalog: besar.xlsx:Usulan: lebih dari 50 baris data; pecah lembar menjadi beberapa berkas\n"),
    )
    assert files(site) == {}


def test_rows_are_streamed_in_bounded_memory(tmp_path: Path) -> None:
    """10,000 rows of 8 MB of text are read holding about one row at a time."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("S")
    sheet.append(["title", "summary"])
    for i in range(10_000):
        sheet.append([f"Inovasi {i}", f"Ringkasan nomor {i} " * 40])
    book.save(tmp_path / "s.xlsx")
    tracemalloc.start()
    try:
        opened = open_sheet(tmp_path / "s.xlsx", "s.xlsx", Mapping())
        count = sum(1 for _ in opened.rows())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 10_000
    assert peak < 4_000_000, peak  # holding the rows would take over 12 MB


# --- a mapping for another form ------------------------------------------------------------


def test_an_award_form_is_read_through_a_mapping(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Petunjuk"
    book.active.append(["Isi lembar Formulir."])
    form = book.create_sheet("Formulir")
    form.append(["FORMULIR USULAN INOVASI 2024"])
    form.merge_cells("A1:E1")  # a title above the header: not data
    form.append([])
    form.append(["No.", "Nama Inovasi", "Ringkasan", "Tautan Bukti", "Uraian Lengkap"])
    form.append([1, "Sapa Warga", "Aduan dijawab dalam sehari.", "https://example.go.id/sapa", "Uraian."])
    form.append([2, "Tanpa Ringkasan", None, "https://example.go.id/t", None])
    book.save(site / "form.xlsx")
    (site / "peta.yaml").write_text(
        "sheet: Formulir\nheader_row: 3\ncolumns:\n  Nama Inovasi: title\n  Ringkasan: summary\n"
        "  Tautan Bukti: sources\n  Uraian Lengkap: body\n",
        encoding="utf-8",
    )
    assert run(capsys, "form.xlsx", "--mapping", "peta.yaml")[:2] == (
        1,
        [
            "form.xlsx:Formulir:row 3: No.: peringatan: kolom 'No.' tidak dipetakan; isinya diabaikan",
            "form.xlsx:Formulir:row 5: summary: wajib diisi (kolom 'Ringkasan')",
            "dibuat: content/inovasi/sapa-warga.md",
        ],
    )
    assert (site / "content/inovasi/sapa-warga.md").read_text("utf-8").endswith("---\n\nUraian.\n")
    check_site(capsys)


def test_a_mapped_column_missing_from_the_sheet_is_reported_with_a_hint(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_csv(site / "usulan.csv", [["Nama inovasi", "summary", "sources"], ["X", "Y", "https://a.go.id"]])
    (site / "peta.yaml").write_text("columns:\n  Nama Inovasi: title\n", encoding="utf-8")
    assert run(capsys, "usulan.csv", "--mapping", "peta.yaml")[:2] == (
        1,
        [
            "usulan.csv:row 1: Nama Inovasi: kolom 'Nama Inovasi' dari pemetaan tidak ada di baris judul (baris 1); "
            "maksud Anda 'Nama inovasi'?",
            "usulan.csv:row 1: Nama inovasi: peringatan: kolom 'Nama inovasi' tidak dipetakan; isinya diabaikan",
            "usulan.csv:row 1: judul kolom: tidak ada kolom 'title'; setiap baris perlu judul inovasi",
        ],
    )


def test_the_first_visible_sheet_is_read_by_default(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Daftar"
    book.active.append(["title"])
    book.active.append(["Bukan Inovasi"])
    book.active.sheet_state = "hidden"  # lookup lists for the form's drop-downs
    usulan = book.create_sheet("Usulan")
    for row in (HEADER, IZIN):
        usulan.append(row)
    book.save(site / "usulan.xlsx")
    assert run(capsys, "usulan.xlsx")[:2] == (0, [f"dibuat: {IZIN_FILE}"])


def test_a_sheet_named_in_the_mapping_must_exist(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_xlsx(site / "usulan.xlsx", [HEADER, IZIN])
    (site / "peta.yaml").write_text("sheet: usulan\n", encoding="utf-8")
    assert run(capsys, "usulan.xlsx", "--mapping", "peta.yaml") == (
        2,
        [],
        (
            "katalog: usulan.xlsx: lembar 'usulan' tidak ada (lembar yang ada: Usulan); maksud Anda 'Usulan'?\n"
        ),
    )


# --- the template --------------------------------------------------------------------------


def test_the_template_has_every_column_and_an_instruction_row() -> None:
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx()), read_only=True)
    header, notes = list(book["Inovasi"].iter_rows(values_only=True))
    assert list(header) == [c.key for c in columns()] + ["body"]
    assert notes[0] == "[PETUNJUK] Nama inovasi, seperti dikenal publik. Wajib diisi."
    assert notes[header.index("replication.prerequisites")] == (
        "Prasyarat replikasi. Butir dipisah ';'; tiap butir: type | description. Boleh kosong."
    )
    assert (
        notes[header.index("status")]
        == "Status inovasi saat ini (dari taxonomy.yaml). Kosongkan untuk 'draft'."
    )
    assert "synthetic" not in header


def test_the_committed_template_is_current() -> None:
    """The build copies these; regenerate with `katalog import --template katalog/defaults`."""
    assert TEMPLATE_FILES == ("templat-impor.xlsx", "templat-impor.csv")
    assert (DEFAULTS / "templat-impor.xlsx").read_bytes() == template_xlsx()
    assert (DEFAULTS / "templat-impor.csv").read_bytes() == template_csv()


def test_a_filled_template_imports(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "--template", "templat"]) == 0
    assert capsys.readouterr().out.split() == ["templat/templat-impor.xlsx", "templat/templat-impor.csv"]
    book = openpyxl.load_workbook(site / "templat" / "templat-impor.xlsx")
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    filled = dict(zip(HEADER, IZIN, strict=True))
    filled["replication.prerequisites"] = "sdm | Dua operator; anggaran | Rp 50 juta"
    sheet.append([filled.get(key) for key in header])
    book.save(site / "isian.xlsx")
    assert run(capsys, "isian.xlsx")[:2] == (0, [f"dibuat: {IZIN_FILE}"])
    text = (site / IZIN_FILE).read_text(encoding="utf-8")
    assert (
        "\n  prerequisites: [{type: sdm, description: Dua operator}, {type: anggaran, description: Rp 50 juta}]\n"
        in text
    )
    rows = list(csv.reader(io.StringIO((site / "templat" / "templat-impor.csv").read_text("utf-8-sig"))))
    rows.append([{**filled, "title": "Buku Tamu Digital"}.get(key, "") for key in rows[0]])
    write_csv(site / "isian.csv", rows)
    assert run(capsys, "isian.csv")[:2] == (0, [f"dibuat: {TAMU_FILE}"])
    check_site(capsys)


def test_the_build_publishes_the_template(fixture_site: Path) -> None:
    for name in TEMPLATE_FILES:
        assert (fixture_site / "data" / name).read_bytes() == (DEFAULTS / name).read_bytes()
