"""Coverage, visible: "N dari 153 inovasi tercatat" with its source, and ``lengkapi/``.

The count is checked against what is published (drafts are not in the catalogue), the
unknown fields against the model, and ``katalog check --report`` against the page, line
for line. The scenario site (tests/fixtures/site-coverage) has one complete entry, one
lacking two facts, one lacking nearly everything, and a draft.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from katalog.content.completeness import (
    GAP_FIELDS,
    LABELS,
    NOT_GAPS,
    Coverage,
    coverage_of,
    unknown_fields,
)
from katalog.content.model import Innovation
from katalog.content.taxonomy import DRAFT_STATUS
from katalog.tools.cli import main

from .conftest import FIXTURES, ROOT, TAXONOMY, build_site

SCENARIO = FIXTURES / "site-coverage"
REPORTED = {
    "count": 20,
    "label": "jumlah inovasi uji menurut sumber uji",
    "source": "https://example.org/jumlah",
}
REAL_SOURCE = "https://www.setneg.go.id/baca/index/diseminasikan_beragam_inovasi_kemensetneg_sambangi_pr"
REPORT_LINE = re.compile(r"^(?P<path>\S+\.md): (?P<count>\d+) belum diketahui: (?P<lacks>.+)$")


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])


def published_in(folder: Path) -> int:
    """Entries of `folder` that count as in the catalogue, read from the files themselves."""
    return sum(1 for p in folder.glob("*.md") if front_matter(p)["status"] != DRAFT_STATUS)


class _Lacking(HTMLParser):
    """The rows of ``lengkapi/``: (link, what it lacks) in page order."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, str]] = []
        self._in_list = False
        self._in_p = False
        self._href = ""
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "ol" and ("class", "lacking") in attrs:
            self._in_list = True
        elif self._in_list and tag == "a":
            self._href = dict(attrs)["href"] or ""
        elif self._in_list and tag == "p":
            self._in_p, self._text = True, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "ol":
            self._in_list = False
        elif tag == "p" and self._in_p:
            self._in_p = False
            self.rows.append((self._href, "".join(self._text).strip()))

    def handle_data(self, data: str) -> None:
        if self._in_p:
            self._text.append(data)


def lacking_rows(output: Path) -> list[tuple[str, str]]:
    """(slug, "N belum diketahui: a, b") of each row of ``lengkapi/``, in order."""
    parser = _Lacking()
    parser.feed((output / "lengkapi" / "index.html").read_text(encoding="utf-8"))
    return [(href.rstrip("/").rsplit("/", 1)[-1], text) for href, text in parser.rows]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scenario as a site of its own (a settings file naming a reported total)."""
    site = tmp_path_factory.mktemp("coverage")
    shutil.copytree(SCENARIO, site / "content")
    (site / "pelicanconf.py").write_text(
        f"from katalog.settings import *\n\nKATALOG_TAXONOMY = {str(TAXONOMY)!r}\n"
        f"KATALOG_REPORTED_TOTAL = {REPORTED!r}\n",
        encoding="utf-8",
    )
    return site


@pytest.fixture(scope="module")
def built(scenario: Path) -> Path:
    output = scenario / "output"
    build_site(scenario / "content", output, KATALOG_REPORTED_TOTAL=REPORTED)
    return output


# --- what "unknown" means ----------------------------------------------------------------------


def test_every_field_that_may_be_empty_is_a_gap_or_says_why_not() -> None:
    gaps = {path for path, _ in GAP_FIELDS}
    assert gaps == set(LABELS)
    assert gaps.isdisjoint(NOT_GAPS)
    for path in [*gaps, *NOT_GAPS]:  # every name is a real field of the model
        model, *rest = path.split(".")
        assert model in Innovation.model_fields, path
        if rest:
            nested = Innovation.model_fields[model].annotation
            assert rest[0] in nested.model_fields, path  # type: ignore[union-attr]


def test_unknown_fields_are_the_empty_ones(taxonomy) -> None:
    from katalog.content.validate import load_entry

    def lacks(name: str) -> tuple[str, ...]:
        entry = load_entry(SCENARIO / "inovasi" / name, taxonomy).entry
        assert entry is not None
        return unknown_fields(entry.innovation)

    assert lacks("layanan-lengkap.md") == ()
    assert lacks("layanan-kurang-dua.md") == ("kontak", "biaya")  # `contact: {}` states nothing
    assert lacks("layanan-serba-kosong.md") == (*LABELS.values(), "status")


# --- the coverage line ---------------------------------------------------------------------------


def test_the_count_is_the_published_entries_with_the_source_on_home_and_about(built: Path) -> None:
    recorded = published_in(SCENARIO / "inovasi")
    assert recorded == 3  # the draft is left out
    line = f"{recorded} dari {REPORTED['count']} inovasi tercatat"
    for page in ("index.html", "tentang/index.html"):
        html = (built / page).read_text(encoding="utf-8")
        assert f"<strong>{line}</strong>" in html, page
        assert f'<a href="{REPORTED["source"]}">sumber</a>' in html, page
        assert REPORTED["label"] in html, page


def test_the_real_site_states_its_count_against_153_with_the_source(real_site: Path) -> None:
    """The number is what the build published: its open data, drafts (shown in development
    builds) left out. Counted from the build, not from content/ now: entries may be added
    while the tests run."""
    published = [
        e for e in json.loads((real_site / "data" / "inovasi.json").read_text(encoding="utf-8"))
        if e["status"] != DRAFT_STATUS
    ]  # fmt: skip
    assert published
    line = f"<strong>{len(published)} dari 153 inovasi tercatat</strong>"
    for page in ("index.html", "tentang/index.html"):
        html = (real_site / page).read_text(encoding="utf-8")
        assert line in html, page
        assert f'<a href="{REAL_SOURCE}">sumber</a>' in html, page
    about = (real_site / "tentang" / "index.html").read_text(encoding="utf-8")
    for count in ("47 inovasi", "106 usulan", "92 inovasi"):  # the award editions, as what they are
        assert count in about
    assert "bukan jumlah seluruh inovasi Kemensetneg" in about


def test_no_line_when_the_site_reports_no_total(scenario: Path, tmp_path: Path) -> None:
    output = tmp_path / "output"
    build_site(scenario / "content", output, KATALOG_REPORTED_TOTAL=None)
    for page in ("index.html", "tentang/index.html", "lengkapi/index.html"):
        html = (output / page).read_text(encoding="utf-8")
        assert 'class="coverage"' not in html, page
        assert "inovasi tercatat" not in html, page
    assert (output / "lengkapi" / "index.html").is_file()  # the list itself needs no setting


def test_coverage_counts_no_draft(taxonomy) -> None:
    from katalog.content.validate import load_entry

    innovations = [load_entry(p, taxonomy).entry.innovation for p in sorted(SCENARIO.glob("inovasi/*.md"))]  # type: ignore[union-attr]
    assert coverage_of(innovations, None) is None
    found = coverage_of(innovations, REPORTED)
    assert found == Coverage(3, 20, REPORTED["label"], REPORTED["source"])
    assert found.headline == "3 dari 20 inovasi tercatat"


def test_a_wrong_setting_stops_with_its_key(tmp_path: Path) -> None:
    from katalog.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        build_site(SCENARIO, tmp_path / "output", KATALOG_REPORTED_TOTAL={"count": "153", "source": "x"})
    assert caught.value.lines == [
        "pelicanconf.py: KATALOG_REPORTED_TOTAL.count: harus berupa bilangan bulat, bukan str '153'",
        "pelicanconf.py: KATALOG_REPORTED_TOTAL.label: wajib diisi",
        "pelicanconf.py: KATALOG_REPORTED_TOTAL.source: 'x' bukan URL http(s) yang lengkap, "
        "mis. 'https://inovasi.contoh.go.id'",
    ]


# --- lengkapi/ and check --report ----------------------------------------------------------------


def test_lengkapi_lists_the_most_incomplete_first_with_what_each_lacks(built: Path) -> None:
    assert lacking_rows(built) == [
        ("layanan-serba-kosong", f"13 belum diketahui: {', '.join([*LABELS.values(), 'status'])}"),
        (
            "layanan-draf",  # a development build shows drafts, here too
            "9 belum diketahui: bidang, kontak, prasyarat, dasar hukum, biaya, waktu replikasi, "
            "langkah replikasi, dokumen, kontak replikasi",
        ),
        ("layanan-kurang-dua", "2 belum diketahui: kontak, biaya"),
    ]  # the complete entry is not listed
    html = (built / "lengkapi" / "index.html").read_text(encoding="utf-8")
    assert "3 dari 4 entri belum lengkap." in html
    assert '<a href="./lengkapi/">3 entri belum lengkap</a>' in (built / "index.html").read_text(
        encoding="utf-8"
    )


def test_check_report_prints_the_pages_list(
    scenario: Path, built: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(scenario)
    assert main(["check", "--report"]) == 0  # every innovation file of the site: with coverage
    out = capsys.readouterr().out.splitlines()
    rows = [m for line in out if (m := REPORT_LINE.match(line))]
    assert [(Path(m["path"]).stem, f"{m['count']} belum diketahui: {m['lacks']}") for m in rows] == (
        lacking_rows(built)
    )
    assert rows[0]["path"] == "content/inovasi/layanan-serba-kosong.md"
    assert out[-1] == (
        "Belum lengkap: 3 dari 4 entri. 3 dari 20 inovasi tercatat. "
        f"Angka 20 adalah {REPORTED['label']} (sumber: {REPORTED['source']})."
    )


def test_check_report_on_some_files_lists_them_without_coverage(
    scenario: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(scenario)
    assert main(["check", "--report", "content/inovasi/layanan-kurang-dua.md"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == [
        "content/inovasi/layanan-kurang-dua.md: 2 belum diketahui: kontak, biaya",
        "Belum lengkap: 1 dari 1 entri.",
    ]


def test_check_report_keeps_the_exit_code_of_an_invalid_file(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "rusak.md"
    bad.write_text(
        (SCENARIO / "inovasi" / "layanan-lengkap.md")
        .read_text(encoding="utf-8")
        .replace("year: 2018", "year: x"),
        encoding="utf-8",
    )
    settings = ["--settings", str(scenario / "pelicanconf.py")]
    assert (
        main(["check", "--report", *settings, str(bad), str(SCENARIO / "inovasi" / "layanan-draf.md")]) == 1
    )
    out = capsys.readouterr().out
    assert "year:" in out
    assert out.splitlines()[-1] == "Belum lengkap: 1 dari 1 entri."


def test_the_settings_file_sets_the_153_with_its_source() -> None:
    from katalog.site.build import load_settings

    reported = load_settings(ROOT / "pelicanconf.py")["KATALOG_REPORTED_TOTAL"]
    assert (reported["count"], reported["source"]) == (153, REAL_SOURCE)
    from katalog import settings as engine

    assert engine.KATALOG_REPORTED_TOTAL is None  # the engine names no agency


def test_a_new_entry_updates_the_count_on_the_kept_about_page(scenario: Path, tmp_path: Path) -> None:
    """The about page is written by Pelican, not by us: its fingerprint must cover the count,
    or an incremental build would keep the old number (katalog.site.outputs)."""
    content, output = tmp_path / "content", tmp_path / "output"
    shutil.copytree(scenario / "content", content)
    build_site(content, output, KATALOG_REPORTED_TOTAL=REPORTED)
    shutil.copy(content / "inovasi" / "layanan-lengkap.md", content / "inovasi" / "layanan-baru.md")
    text = (content / "inovasi" / "layanan-baru.md").read_text(encoding="utf-8")
    (content / "inovasi" / "layanan-baru.md").write_text(
        text.replace("title: Layanan Lengkap", "title: Layanan Baru"), encoding="utf-8"
    )
    build_site(content, output, KATALOG_REPORTED_TOTAL=REPORTED)
    about = (output / "tentang" / "index.html").read_text(encoding="utf-8")
    assert "<strong>4 dari 20 inovasi tercatat</strong>" in about
