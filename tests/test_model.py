"""The model, its generated JSON Schema, and the taxonomy."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from pydantic import BaseModel

from katalog.content.frontmatter import split
from katalog.content.model import Contact, Innovation, LegalBasis, Replica, Replication, slugify
from katalog.content.schema import schema_text
from katalog.content.taxonomy import Taxonomy

from .conftest import FIXTURES, ROOT


def test_committed_schema_is_current(taxonomy: Taxonomy) -> None:
    committed = (ROOT / "schema" / "innovation.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(taxonomy), "run `katalog schema` and commit the result"


def test_schema_accepts_the_good_fixture_and_rejects_unknown_keys(taxonomy: Taxonomy) -> None:
    schema = json.loads(schema_text(taxonomy))
    data = yaml.safe_load(split((FIXTURES / "good" / "minimal.md").read_text(), "x").yaml_text)
    jsonschema.validate(data, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "ringkasan": "x"}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "unit": "Biro Tidak Ada"}, schema)


@pytest.mark.parametrize("model", [Innovation, Contact, Replication, LegalBasis, Replica])
def test_every_field_is_described(model: type[BaseModel]) -> None:
    missing = [name for name, info in model.model_fields.items() if not info.description]
    assert missing == []


def test_vocabulary_values_are_normalised(taxonomy: Taxonomy) -> None:
    data = yaml.safe_load(split((FIXTURES / "good" / "minimal.md").read_text(), "x").yaml_text)
    data.update(unit="biro-humas", kind=["Digitalisasi"], category="informasi")
    innovation = Innovation.model_validate(data, context={"taxonomy": taxonomy})
    assert innovation.unit == "Biro Hubungan Masyarakat"
    assert innovation.kind == ["digitalisasi"]
    assert innovation.category == "Informasi"


def test_validation_without_taxonomy_is_a_programmer_error() -> None:
    data = yaml.safe_load(split((FIXTURES / "good" / "minimal.md").read_text(), "x").yaml_text)
    with pytest.raises(TypeError, match="taxonomy"):
        Innovation.model_validate(data)


@pytest.mark.parametrize(
    ("title", "slug"),
    [("SIMPEL Mobile (SIMPEL Versi 2.0)", "simpel-mobile-simpel-versi-2-0"), ("C-Mantap", "c-mantap"),
     ("Parkir nontunai kawasan GBK", "parkir-nontunai-kawasan-gbk"), ("Ékspor  Kopi", "ekspor-kopi")],
)  # fmt: skip
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_taxonomy_has_the_real_vocabularies(taxonomy: Taxonomy) -> None:
    assert [t.name for t in taxonomy.categories.terms] == [
        "Keuangan", "Organisasi", "Informasi", "Pelayanan Eksternal", "Pelayanan Internal",
        "Pelayanan Eksternal dan Internal", "Pengembangan SDM", "Pengelolaan Lingkungan",
    ]  # fmt: skip
    assert [t.slug for t in taxonomy.kinds.terms] == ["digitalisasi", "deregulasi", "debirokratisasi"]


def test_taxonomy_refuses_duplicate_terms(tmp_path: Path) -> None:
    from katalog.errors import ContentError

    text = (ROOT / "content" / "taxonomy.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "taxonomy.yaml"
    bad.write_text(text.replace("{slug: informasi,", "{slug: keuangan,"), encoding="utf-8")
    with pytest.raises(ContentError, match="'keuangan' dipakai lebih dari sekali"):
        Taxonomy.load(bad)


def test_taxonomy_error_is_reported_with_line(tmp_path: Path) -> None:
    from katalog.errors import ContentError

    bad = tmp_path / "taxonomy.yaml"
    bad.write_text("units:\n  - {slug: a, name: A\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        Taxonomy.load(bad)
    assert info.value.problems[0].line == 3
