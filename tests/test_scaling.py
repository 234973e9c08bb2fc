"""Pelican's quadratic steps stay out of a catalogue's build.

Two of Pelican's steps compare every article with a list of articles: translation
matching (`process_translations`, list membership) and author pages (`generate_authors`,
`article in articles` per author). Neither does anything for a catalogue (one language,
unique slugs, no author pages), and at 100,000 entries each costs minutes, so the engine
turns them off. These tests fail if a settings or plugin change brings them back.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pelican import generators as pelican_generators

from katalog.site.plugin import sort_articles

from .conftest import FIXTURES, build_site


def test_a_build_matches_no_translations_and_no_authors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    translation_ids: list[Any] = []
    author_counts: list[int] = []
    real_translations = pelican_generators.process_translations
    real_authors = pelican_generators.ArticlesGenerator.generate_authors

    def recording_translations(content_list: list[Any], translation_id: Any = None) -> Any:
        translation_ids.append(translation_id)
        return real_translations(content_list, translation_id=translation_id)

    def recording_authors(self: Any, write: Any) -> None:
        author_counts.append(len(self.authors))
        real_authors(self, write)

    monkeypatch.setattr(pelican_generators, "process_translations", recording_translations)
    monkeypatch.setattr(pelican_generators.ArticlesGenerator, "generate_authors", recording_authors)
    output = tmp_path / "output"
    build_site(FIXTURES / "site", output)
    assert (output / "index.html").is_file()
    assert translation_ids, "Pelican's generators were not run"
    assert set(translation_ids) == {None}
    assert author_counts == [0]


def _article(slug: str, year: int) -> SimpleNamespace:
    return SimpleNamespace(slug=slug, date=dt.datetime(year, 1, 1, tzinfo=dt.UTC))


def test_articles_are_ordered_by_date_then_slug_whatever_order_they_were_read_in() -> None:
    read = [_article("c", 2020), _article("a", 2020), _article("z", 2022), _article("b", 2020)]
    expected = ["z", "a", "b", "c"]
    for arrangement in (read, read[::-1], read[1:] + read[:1]):
        generator = SimpleNamespace(
            settings={"ARTICLE_ORDER_BY": "reversed-date"},
            articles=list(arrangement),
            hidden_articles=[],
            drafts=list(arrangement),
        )
        sort_articles(generator)  # type: ignore[arg-type]
        assert [a.slug for a in generator.articles] == expected
        assert [a.slug for a in generator.drafts] == expected
