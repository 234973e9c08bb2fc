"""The publication contract of Jaringan Inovasi: data/katalog.json beside the open data.

Every catalogue publishes it; it validates against its committed JSON Schema, its counts
and checksum match data/inovasi.json, and every address in it and in the records is
absolute (a network shows them on another site).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from katalog.content.taxonomy import VOCABULARIES, Taxonomy
from katalog.network.manifest import (
    COMMITTED_SCHEMA,
    DCAT_TERMS,
    FORMAT_VERSION,
    Manifest,
    dcat_table,
    manifest_schema_text,
)

from .conftest import FIXTURES, ROOT, build_site

PUBLIC = "https://inovasi.contoh.go.id"
ABSOLUTE = re.compile(r"^(?:https?://|mailto:|tel:|#)")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site, one body linking with a relative path and a {filename} placeholder."""
    root = tmp_path_factory.mktemp("manifest")
    shutil.copytree(FIXTURES / "site", root / "content")
    simpel = root / "content" / "inovasi" / "simpel.md"
    simpel.write_text(
        simpel.read_text(encoding="utf-8")
        + "\nLihat [ISTURA](../istura/), [C-Mantap]({filename}c-mantap.md) dan [di sini](#isi).\n",
        encoding="utf-8",
    )
    build_site(root / "content", root / "output", KATALOG_PUBLIC_URL=PUBLIC)
    return root / "output"


def read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_committed_schema_is_the_code_s() -> None:
    assert (ROOT / COMMITTED_SCHEMA).read_text(encoding="utf-8") == manifest_schema_text(), (
        "run `katalog schema`"
    )


def test_the_manifest_validates_against_its_published_schema(site: Path) -> None:
    schema = read(site / "data" / "katalog.schema.json")
    assert schema == read(ROOT / COMMITTED_SCHEMA)
    jsonschema.Draft202012Validator.check_schema(schema)
    manifest = read(site / "data" / "katalog.json")
    jsonschema.Draft202012Validator(schema).validate(manifest)
    parsed = Manifest.model_validate_json((site / "data" / "katalog.json").read_bytes())
    assert parsed.format_version == FORMAT_VERSION
    assert parsed.agency == "Kementerian Sekretariat Negara"
    assert parsed.name == "Katalog Inovasi Kemensetneg"


def test_counts_checksum_and_date_match_the_records(site: Path) -> None:
    manifest = read(site / "data" / "katalog.json")
    raw = (site / "data" / "inovasi.json").read_bytes()
    records = json.loads(raw)
    pages = list((site / "inovasi").glob("*/index.html"))
    assert manifest["entries"] == len(records) == len(pages) == 3
    assert manifest["records"]["sha256"] == hashlib.sha256(raw).hexdigest()
    assert manifest["records"]["bytes"] == len(raw)
    assert manifest["modified"] == max(r["modified"] for r in records)


def test_every_address_is_absolute(site: Path) -> None:
    manifest = read(site / "data" / "katalog.json")
    assert manifest["url"] == f"{PUBLIC}/"
    assert manifest["records"]["download_url"] == f"{PUBLIC}/data/inovasi.json"
    assert manifest["records"]["conforms_to"] == f"{PUBLIC}/data/schema.json"
    assert [d["download_url"] for d in manifest["distributions"]] == [f"{PUBLIC}/data/inovasi.csv"]
    for record in read(site / "data" / "inovasi.json"):
        assert record["url"] == record["origin_url"] == f"{PUBLIC}/inovasi/{record['slug']}/"
        assert record["agency"] == "Kementerian Sekretariat Negara"
        addresses = re.findall(r'(?:href|src)="([^"]*)"', record["body_html"])
        assert [a for a in addresses if not ABSOLUTE.match(a)] == [], record["slug"]


def test_a_body_travels_with_its_links_resolved(site: Path) -> None:
    simpel = next(r for r in read(site / "data" / "inovasi.json") if r["slug"] == "simpel")
    assert f'<a href="{PUBLIC}/inovasi/istura/" rel="noopener noreferrer">ISTURA</a>' in simpel["body_html"]
    assert (
        f'<a href="{PUBLIC}/inovasi/c-mantap/" rel="noopener noreferrer">C-Mantap</a>' in simpel["body_html"]
    )
    assert '<a href="#isi" rel="noopener noreferrer">di sini</a>' in simpel["body_html"]
    assert "[C-Mantap]({filename}c-mantap.md)" in simpel["body_markdown"]


def test_the_manifest_carries_the_site_s_own_vocabularies(site: Path, taxonomy: Taxonomy) -> None:
    parsed = Manifest.model_validate_json((site / "data" / "katalog.json").read_bytes())
    published = parsed.vocabularies("katalog.json")
    for key in VOCABULARIES:
        assert getattr(published, key).terms == getattr(taxonomy, key).terms, key


def test_the_json_ld_context_maps_every_documented_key(site: Path) -> None:
    context = read(site / "data" / "katalog.json")["@context"]
    for key, (term, _, _) in DCAT_TERMS.items():
        mapped = context[key]
        assert (mapped["@id"] if isinstance(mapped, dict) else mapped) == term
    assert dcat_table().count("\n") == len(DCAT_TERMS) + 1


def test_the_csv_names_agency_and_origin(site: Path) -> None:
    header, first = (site / "data" / "inovasi.csv").read_text(encoding="utf-8").splitlines()[:2]
    assert header.endswith(",url,agency,origin_url")
    assert first.endswith(
        f",{PUBLIC}/inovasi/c-mantap/,Kementerian Sekretariat Negara,{PUBLIC}/inovasi/c-mantap/"
    )
