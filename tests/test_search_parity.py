"""The browser's search ranks like `katalog search`: same top five slugs, same order.

Every query of ``search_parity_queries.yaml`` runs in one Chromium page against the real
catalogue's static index, and through `katalog.search.query.search` (what `katalog search --json`
prints) against its Whoosh index.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from katalog.search.query import search
from katalog.tools.browser import serving
from katalog.tools.cli import main as katalog_main

from .test_client_search import open_search

QUERIES = yaml.safe_load((Path(__file__).parent / "search_parity_queries.yaml").read_text(encoding="utf-8"))
FACETS = ("unit", "bidang", "jenis", "tahun")


def _id(item: dict[str, Any]) -> str:
    return " ".join([item["q"], *(f"{k}={item[k]}" for k in FACETS if k in item)])


@pytest.fixture(scope="module")
def page(real_site: Path, browser: Any) -> Iterator[Any]:
    with serving(real_site) as url:
        yield open_search(browser, f"{url}/cari/")


def test_the_query_list_covers_enough() -> None:
    assert len(QUERIES) >= 40
    assert sum(1 for item in QUERIES if any(k in item for k in FACETS)) >= 5


@pytest.mark.parametrize("item", QUERIES, ids=_id)
def test_browser_returns_the_same_top_five(page: Any, real_index_dir: Path, item: dict[str, Any]) -> None:
    filters = {k: str(item[k]) for k in FACETS if k in item}
    python = search(
        real_index_dir, item["q"], limit=5, **{k: int(v) if k == "tahun" else v for k, v in filters.items()}
    )
    browser = page.evaluate("([q, f]) => window.KatalogCari.search(q, f, 5)", [item["q"], filters])
    assert [hit["slug"] for hit in browser] == [hit.slug for hit in python]
    for ours, theirs in zip(browser, python, strict=True):
        assert ours["score"] == pytest.approx(theirs.score, rel=1e-9)


def test_queries_with_and_without_results_are_both_covered(real_index_dir: Path) -> None:
    found = [bool(search(real_index_dir, item["q"], limit=1)) for item in QUERIES]
    assert sum(found) >= 35
    assert found.count(False) >= 3


def test_cli_json_is_the_ranking_the_browser_matches(
    page: Any, real_index_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        katalog_main(["search", "pelayanan", "--limit", "5", "--json", "--index", str(real_index_dir)]) == 0
    )
    cli = [hit["slug"] for hit in json.loads(capsys.readouterr().out)]
    browser = page.evaluate("q => window.KatalogCari.search(q, {}, 5)", "pelayanan")
    assert [hit["slug"] for hit in browser] == cli
    assert len(cli) == 5
