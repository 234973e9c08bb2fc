"""Property tests of the reader and validator: any input gives a model or error lines.

For generated front matter (valid-looking mappings with wrong, missing and unknown keys,
and raw YAML text) and generated bodies, `load_entry` returns either a validated entry
and no problem, or no entry and one or more problems, each a single
`path:line: field: message` line. Never an exception, never both, never neither.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from katalog.content.model import Innovation
from katalog.content.taxonomy import Taxonomy
from katalog.content.validate import load_entry

from .conftest import TAXONOMY

TAX = Taxonomy.load(TAXONOMY)
KEYS = [*Innovation.model_fields, "judul", "Title", "", "<<", "a:b", "x\ny"]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(
        ["Biro Hubungan Masyarakat", "Informasi", "digitalisasi", "aktif", "https://example.org/a"]
    ),
    st.dates().map(str),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)
    ),
    max_leaves=12,
)
VALID = {
    "title": "Inovasi Uji",
    "summary": "Ringkasan.",
    "unit": "Biro Hubungan Masyarakat",
    "category": "Informasi",
    "kind": ["digitalisasi"],
    "year": 2019,
    "status": "aktif",
    "sources": ["https://example.org/sumber"],
}
mappings = st.builds(
    lambda base, extra, drop: {**{k: v for k, v in base.items() if k not in drop}, **extra},
    st.just(VALID),
    st.dictionaries(st.sampled_from(KEYS), values, max_size=4),
    st.sets(st.sampled_from(list(VALID)), max_size=3),
)
bodies = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.sampled_from(["[a](b)", "<script>", "> ", "  - ", "![i](data:x)", "\n\n", "**", "<!--", "`"])
    ).map("".join),
)
LINE = re.compile(r"^(?P<path>[^\n]+?):(?P<line>[0-9]+): (?P<field>[^\n]+?): (?P<message>[^\n]+)$")


def check(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "uji.md"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        result = load_entry(path, TAX)
    if result.entry is not None:
        assert result.problems == []
        assert isinstance(result.entry.innovation, Innovation)
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", result.entry.slug)
        assert isinstance(result.entry.body_html, str)
        return
    assert result.problems, "no entry and no problem"
    lines = text.count("\n") + 1
    for problem in result.problems:
        found = LINE.match(str(problem))
        assert found, repr(str(problem))
        assert 1 <= int(found["line"]) <= lines


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(mappings, bodies)
def test_generated_front_matter_gives_a_model_or_error_lines(data: dict, body: str) -> None:
    check("---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n" + body)


@SETTINGS
@given(st.text(max_size=200), bodies)
def test_arbitrary_yaml_text_gives_a_model_or_error_lines(front: str, body: str) -> None:
    check("---\n" + front + "\n---\n" + body)


@SETTINGS
@given(st.text(max_size=300))
def test_arbitrary_file_text_gives_a_model_or_error_lines(text: str) -> None:
    check(text)
