"""Every kind of bad input gets its own fixture and its exact error line(s)."""

from __future__ import annotations

import datetime as dt

import pytest

from katalog.content.checking import check_files, collect_files
from katalog.content.taxonomy import Taxonomy

from .conftest import FIXTURES

BAD = "tests/fixtures/bad"
NEXT_YEAR = dt.date.today().year + 1

EXPECTED: dict[str, list[str]] = {
    "yaml-invalid": [
        f"{BAD}/yaml-invalid.md:7: YAML: YAML tidak sah: expected ',' or ']', but got ':'"
        " (bagian ini dibuka di baris 6)"
    ],
    "frontmatter-missing": [
        f"{BAD}/frontmatter-missing.md:1: front matter: baris pertama harus '---' (awal metadata YAML)"
    ],
    "frontmatter-unclosed": [
        f"{BAD}/frontmatter-unclosed.md:1: front matter: penutup '---' tidak ditemukan setelah metadata YAML"
    ],
    "file-empty": [f"{BAD}/file-empty.md:1: berkas: berkas kosong; mulai dengan `katalog new`"],
    "file-not-utf8": [
        f"{BAD}/file-not-utf8.md:12: berkas: bukan teks UTF-8; simpan ulang berkas dengan pengodean UTF-8"
    ],
    "title-missing": [f"{BAD}/title-missing.md:1: title: wajib diisi"],
    # `sources` cannot be null: no "(tulis null ...)" hint, unlike `year` or `contact`.
    "sources-missing": [f"{BAD}/sources-missing.md:1: sources: wajib diisi"],
    "summary-empty": [f"{BAD}/summary-empty.md:3: summary: tidak boleh kosong"],
    "year-wrong-type": [
        f"{BAD}/year-wrong-type.md:7: year: harus berupa bilangan bulat (mis. 2019), bukan teks '2019'"
    ],
    "kind-wrong-type": [
        f"{BAD}/kind-wrong-type.md:6: kind: harus berupa daftar (butir diawali '- '), bukan teks 'digitalisasi'"
    ],
    "key-unknown": [
        f"{BAD}/key-unknown.md:1: summary: wajib diisi",
        f"{BAD}/key-unknown.md:3: ringkasan: kunci 'ringkasan' tidak dikenal; maksud Anda 'summary'?",
    ],
    "key-duplicate": [f"{BAD}/key-duplicate.md:9: year: kunci ganda; sudah ditulis di baris 7"],
    "unit-not-in-taxonomy": [
        f"{BAD}/unit-not-in-taxonomy.md:4: unit: 'Biro Hubungan Masyarakt' tidak dikenal; "
        "pilihan: lihat content/taxonomy.yaml; maksud Anda 'Biro Hubungan Masyarakat'?"
    ],
    "kind-not-in-taxonomy": [
        f"{BAD}/kind-not-in-taxonomy.md:6: kind[1]: 'digital' tidak dikenal; "
        "pilihan: digitalisasi, deregulasi, debirokratisasi; maksud Anda 'digitalisasi'?"
    ],
    "status-not-in-taxonomy": [
        f"{BAD}/status-not-in-taxonomy.md:8: status: 'berjalan' tidak dikenal; "
        "pilihan: aktif, uji-coba, rencana, dihentikan, tidak-diketahui, draft"
    ],
    "year-out-of-range": [f"{BAD}/year-out-of-range.md:7: year: 1900 terlalu kecil; paling kecil 1945"],
    "year-in-future": [
        f"{BAD}/year-in-future.md:7: year: tahun 2999 belum terjadi (paling lambat {NEXT_YEAR})"
    ],
    "sources-malformed-url": [
        f"{BAD}/sources-malformed-url.md:10: sources[0]: 'example.org/sumber' bukan URL yang sah; "
        "tulis lengkap dengan https://"
    ],
    "sources-javascript-url": [
        f"{BAD}/sources-javascript-url.md:10: sources[0]: 'javascript:alert(1)' bukan URL yang sah; "
        "tulis lengkap dengan https://"
    ],
    "contact-email-malformed": [
        f"{BAD}/contact-email-malformed.md:10: contact.email: 'humas-at-setneg' bukan alamat surel yang sah"
    ],
    "title-control-char": [
        f"{BAD}/title-control-char.md:2: title: mengandung karakter tak terlihat U+202E; hapus karakter itu"
    ],
    "yaml-unsafe-tag": [
        f"{BAD}/yaml-unsafe-tag.md:2: title: tag YAML 'tag:yaml.org,2002:python/object/apply:os.system' "
        "tidak diizinkan"
    ],
    "based-on-unknown": [f"{BAD}/based-on-unknown.md:9: based_on: 'tidak-ada' bukan slug inovasi di katalog"],
    "body-empty": [
        f"{BAD}/body-empty.md:11: isi: isi (teks Markdown setelah '---') kosong; tulis uraian inovasi"
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_reports_exact_lines(name: str, taxonomy: Taxonomy) -> None:
    report = check_files([FIXTURES / "bad" / f"{name}.md"], taxonomy)
    assert [str(p) for p in report.errors] == EXPECTED[name]
    assert report.invalid_files == 1


def test_every_bad_fixture_has_an_expectation() -> None:
    on_disk = {p.stem for p in (FIXTURES / "bad").glob("*.md")}
    assert on_disk == set(EXPECTED)


def test_duplicate_slug_names_both_files(taxonomy: Taxonomy) -> None:
    files = collect_files([FIXTURES / "bad" / "slug-duplicate"])
    report = check_files(files, taxonomy)
    assert [str(p) for p in report.errors] == [
        f"{BAD}/slug-duplicate/b.md:3: slug: 'inovasi-contoh' sudah dipakai oleh "
        f"{BAD}/slug-duplicate/a.md; isi 'slug' dengan nilai lain"
    ]


def test_good_fixture_is_valid(taxonomy: Taxonomy) -> None:
    report = check_files([FIXTURES / "good" / "minimal.md"], taxonomy)
    assert report.errors == []
    assert [e.slug for e in report.entries] == ["inovasi-contoh"]
