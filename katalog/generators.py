"""The catalogue generator: home page, facet pages and facet indexes.

A Pelican generator (added through the `get_generators` signal) that reads the articles
the ArticlesGenerator produced (each carrying its validated `Entry` and `EntryView`) and
writes the pages that are not one-per-file: the home page with every innovation and the
facet pages at ``<facet>/<slug>/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pelican.generators import Generator
from pelican.writers import Writer

from katalog.facets import build_facets
from katalog.schema import schema_text
from katalog.state import state_of


def sort_key(article: Any) -> str:
    return article.innovation.title.casefold()


class CatalogueGenerator(Generator):
    """Writes ``index.html`` and every facet page."""

    def generate_output(self, writer: Writer) -> None:
        state = state_of(self.settings)
        articles = sorted(self.context.get("articles", []), key=sort_key)
        facets = build_facets(articles, state.taxonomy)
        common = {"facets": facets, "innovations": articles, "total": len(articles)}
        self._write_data("schema.json", schema_text(state.taxonomy))
        writer.write_file(
            "index.html",
            self.get_template("index"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            page_name="index",
            **common,
        )
        for facet in facets:
            writer.write_file(
                f"{facet.key}/index.html",
                self.get_template("facet_index"),
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                page_name=f"{facet.key}/index",
                facet=facet,
                **common,
            )
            for value in facet.values:
                writer.write_file(
                    f"{value.link.url}index.html",
                    self.get_template("facet"),
                    self.context,
                    relative_urls=self.settings["RELATIVE_URLS"],
                    page_name=f"{value.link.url}index",
                    facet=facet,
                    value=value,
                    **common,
                )

    def _write_data(self, name: str, text: str) -> None:
        """Write an open-data file under ``output/data/``."""
        path = Path(self.output_path) / "data" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
