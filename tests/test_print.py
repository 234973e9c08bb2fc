"""The print stylesheet, checked on a real PDF from headless Chromium.

A screen check cannot tell whether navigation is hidden on paper or whether the sheet
fits on A4; only printing does. Chromium is a test dependency (Debian package `chromium`),
so its absence fails the test instead of silently skipping the print contract.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from katalog.tools.browser import CHROMIUM, CHROMIUM_ARGS, MISSING


def chromium() -> str:
    if not CHROMIUM.is_file():
        pytest.fail(MISSING)
    return str(CHROMIUM)


def print_to_pdf(page: Path, work: Path) -> Path:
    pdf = work / "x.pdf"
    command = [
        chromium(),
        "--headless",
        *CHROMIUM_ARGS,
        f"--user-data-dir={work / 'profile'}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        page.resolve().as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert pdf.is_file(), f"Chromium wrote no PDF (exit {done.returncode}): {done.stderr[-2000:]}"
    return pdf


@pytest.fixture(scope="module")
def istura_pdf(fixture_site: Path, tmp_path_factory: pytest.TempPathFactory) -> PdfReader:
    work = tmp_path_factory.mktemp("print")
    return PdfReader(print_to_pdf(fixture_site / "inovasi" / "istura" / "index.html", work))


def pdf_text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def test_innovation_prints_on_one_or_two_a4_pages(istura_pdf: PdfReader) -> None:
    assert 1 <= len(istura_pdf.pages) <= 2
    width, height = (float(v) for v in istura_pdf.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in PostScript points


def test_printed_sheet_has_title_label_and_legal_basis(istura_pdf: PdfReader) -> None:
    text = pdf_text(istura_pdf)
    for expected in ("ISTURA", "Lembar Replikasi", "Dasar hukum", "Prosedur Tetap"):
        assert expected in text, expected


def test_printed_sheet_has_no_site_chrome(istura_pdf: PdfReader) -> None:
    """Without print.css the nav prints as one line: "Beranda Unit kerja Bidang Jenis ..."."""
    text = " ".join(pdf_text(istura_pdf).split())
    for chrome in ("Unit kerja Bidang", "Langsung ke isi", "Beranda", "Bandingkan", "setiap entri ditulis"):
        assert chrome not in text, chrome


def test_external_links_print_their_address(istura_pdf: PdfReader) -> None:
    """The contact e-mail is a mailto: link (no address added); sources already show theirs."""
    text = pdf_text(istura_pdf).replace("\n", "")
    assert "https://example.org/istura" in text
    assert text.count("https://example.org/istura") == 1  # not doubled after its own text


def test_lembar_label_is_hidden_on_screen(fixture_site: Path) -> None:
    css = (fixture_site / "theme" / "css" / "site.css").read_text(encoding="utf-8")
    html = (fixture_site / "inovasi" / "istura" / "index.html").read_text(encoding="utf-8")
    assert css.rstrip().endswith(".print-only { display: none; }")
    assert '<p class="print-only lembar">Lembar Replikasi' in html
    assert '<link rel="stylesheet" href="../../theme/css/print.css" media="print">' in html
