"""Freshness: old or never-verified entries get a notice, a list page and check warnings."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from katalog.content.checking import check_files
from katalog.content.freshness import stale_note
from katalog.content.model import Innovation
from katalog.content.taxonomy import Taxonomy

from .conftest import FIXTURES, build_site

TODAY = dt.date(2026, 11, 25)


def _innovation(taxonomy: Taxonomy, last_verified: dt.date | None) -> Innovation:
    data = {
        "title": "X", "summary": "Y", "unit": None, "category": None, "kind": [], "year": None,
        "status": "aktif", "sources": ["https://example.org/x"], "last_verified": last_verified,
    }  # fmt: skip
    return Innovation.model_validate(data, context={"taxonomy": taxonomy})


def test_stale_note_boundaries(taxonomy: Taxonomy) -> None:
    assert stale_note(_innovation(taxonomy, TODAY - dt.timedelta(days=365)), TODAY, 365) is None
    old = stale_note(_innovation(taxonomy, TODAY - dt.timedelta(days=400)), TODAY, 365)
    assert old == "Isi entri ini terakhir diverifikasi 2025-10-21, sekitar 13 bulan lalu."
    assert "belum pernah" in (stale_note(_innovation(taxonomy, None), TODAY, 365) or "")


def _site_with_dates(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "site", content)
    for name, date in (("simpel", "2026-10-01"), ("c-mantap", "2024-01-15")):
        path = content / "inovasi" / f"{name}.md"
        text = path.read_text(encoding="utf-8").replace("\nsources:", f"\nlast_verified: {date}\nsources:", 1)
        path.write_text(text, encoding="utf-8")
    return content


def test_check_warns_but_does_not_fail(tmp_path: Path, taxonomy: Taxonomy) -> None:
    content = _site_with_dates(tmp_path)
    report = check_files(sorted((content / "inovasi").glob("*.md")), taxonomy, today=TODAY)
    assert report.errors == []
    assert report.invalid_files == 0
    warned = sorted((Path(p.path).stem, p.line) for p in report.problems if p.warning)
    assert warned == [("c-mantap", 10), ("istura", 1)]


def test_stale_entries_are_flagged_and_listed(tmp_path: Path) -> None:
    content = _site_with_dates(tmp_path)
    output = tmp_path / "output"
    build_site(content, output, KATALOG_TODAY=TODAY.isoformat())
    listing = (output / "perlu-diperbarui" / "index.html").read_text(encoding="utf-8")
    assert "2 dari 3 inovasi" in listing
    assert listing.index("inovasi/istura/") < listing.index("inovasi/c-mantap/")  # never verified first
    assert "inovasi/simpel/" not in listing
    assert "Perlu diperbarui." in (output / "inovasi" / "c-mantap" / "index.html").read_text(encoding="utf-8")
    assert "Perlu diperbarui." not in (output / "inovasi" / "simpel" / "index.html").read_text(
        encoding="utf-8"
    )
    home = (output / "index.html").read_text(encoding="utf-8")
    assert "2 entri perlu diverifikasi ulang" in home
