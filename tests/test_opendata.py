"""Open data, feeds, sitemap and page metadata, checked against the content field by field."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from katalog.content.checking import check_files, collect_files
from katalog.content.taxonomy import Taxonomy
from katalog.site.export import COLUMNS, CSV_ENVELOPE

from .conftest import ROOT

ATOM = "{http://www.w3.org/2005/Atom}"


def entries_by_slug(taxonomy: Taxonomy) -> dict:
    report = check_files(collect_files([ROOT / "content" / "inovasi"]), taxonomy)
    assert report.errors == []
    return {e.slug: e for e in report.entries}


def test_json_has_every_model_field_of_every_entry(real_site: Path, taxonomy: Taxonomy) -> None:
    entries = entries_by_slug(taxonomy)
    records = json.loads((real_site / "data" / "inovasi.json").read_text(encoding="utf-8"))
    assert [r["slug"] for r in records] == sorted(entries)
    for record in records:
        entry = entries[record["slug"]]
        expected = entry.innovation.model_dump(mode="json")
        for field, value in expected.items():
            assert record[field] == value, (record["slug"], field)
        assert record["url"] == f"http://localhost:8000/inovasi/{entry.slug}/"


def test_csv_rows_agree_with_content(real_site: Path, taxonomy: Taxonomy) -> None:
    entries = entries_by_slug(taxonomy)
    with (real_site / "data" / "inovasi.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["slug", *(c.name for c in COLUMNS), *CSV_ENVELOPE]
    assert [r["slug"] for r in rows] == sorted(entries)
    for row in rows:
        innovation = entries[row["slug"]].innovation
        assert row["title"] == innovation.title
        assert row["unit"] == (innovation.unit or "")
        assert row["year"] == ("" if innovation.year is None else str(innovation.year))
        assert row["kind"].split("; ") == (innovation.kind or [""])
        assert row["sources"].split("; ") == list(innovation.sources)
        assert row["replicated_by_count"] == str(len(innovation.replication.replicated_by))
        assert "None" not in row.values()


def test_schema_is_published(real_site: Path) -> None:
    committed = (ROOT / "schema" / "innovation.schema.json").read_text(encoding="utf-8")
    assert (real_site / "data" / "schema.json").read_text(encoding="utf-8") == committed


def test_feeds_all_and_per_unit(real_site: Path, taxonomy: Taxonomy) -> None:
    entries = entries_by_slug(taxonomy)
    root = ET.parse(real_site / "feeds" / "semua.atom.xml").getroot()
    links = {e.find(f"{ATOM}link").get("href") for e in root.iter(f"{ATOM}entry")}
    assert links == {f"http://localhost:8000/inovasi/{slug}/" for slug in entries}
    ktln = ET.parse(real_site / "feeds" / "unit" / "biro-ktln.atom.xml").getroot()
    titles = sorted(e.findtext(f"{ATOM}title") for e in ktln.iter(f"{ATOM}entry"))
    expected = sorted(
        e.innovation.title
        for e in entries.values()
        if e.innovation.unit == "Biro Kerja Sama Teknik Luar Negeri"
    )
    assert titles == expected and titles
    unit_page = (real_site / "unit" / "biro-ktln" / "index.html").read_text(encoding="utf-8")
    assert 'rel="alternate" type="application/atom+xml"' in unit_page
    assert 'href="../../feeds/unit/biro-ktln.atom.xml"' in unit_page


def test_sitemap_and_robots(real_site: Path, taxonomy: Taxonomy) -> None:
    tree = ET.parse(real_site / "sitemap.xml").getroot()
    locs = {e.text for e in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    for slug in entries_by_slug(taxonomy):
        assert f"http://localhost:8000/inovasi/{slug}/" in locs
    assert "http://localhost:8000/" in locs
    robots = (real_site / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: http://localhost:8000/sitemap.xml" in robots


def test_innovation_page_json_ld_and_social_meta(real_site: Path, taxonomy: Taxonomy) -> None:
    for slug, entry in entries_by_slug(taxonomy).items():
        html = (real_site / "inovasi" / slug / "index.html").read_text(encoding="utf-8")
        block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.DOTALL)
        assert block, slug
        data = json.loads(block.group(1))
        assert data["name"] == entry.innovation.title
        assert data["description"] == entry.innovation.summary
        assert data["url"] == f"http://localhost:8000/inovasi/{slug}/"
        assert data["provider"]["name"] == (entry.innovation.unit or "Kementerian Sekretariat Negara")
        assert re.match(r"\d{4}-\d\d-\d\dT", data["dateModified"])
        assert f'<link rel="canonical" href="http://localhost:8000/inovasi/{slug}/">' in html
        assert '<meta property="og:title"' in html and '<meta name="twitter:card"' in html
