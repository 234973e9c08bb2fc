"""``statistik/``: the catalogue in charts, each with its sentence and its table of numbers.

`StatisticsGenerator` is added through `get_generators` (see `katalog.site.plugin`) after the
`ReplicationGenerator`, so that in `generate_context` the replication views (how many
agencies replicated each entry, as ``replikasi/`` counts them) are in the context. There it
counts every chart once (`katalog.content.statistics`), and leaves `HOME_CHARTS` of them in
the context for the home page, which `katalog.site.generators` writes and which shows them
small (under `generators.HOME_CHARTS_KEY`: that module, which this one builds on, cannot
import this one). Each chart is drawn the first time a page prints it
(`katalog.site.charts.Chart`): pygal is imported only by a build that renders one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pelican.writers import Writer

from katalog.content.freshness import max_age, today
from katalog.content.statistics import catalogue_tallies
from katalog.site.charts import Chart
from katalog.site.generators import HOME_CHARTS_KEY, PageGenerator
from katalog.site.harvested import agency_facet
from katalog.site.replication_pages import CONTEXT_KEY as REPLICATION_VIEWS
from katalog.site.state import state_of

PAGE = "statistik/"
# Small enough for the home page (a few bars each): how much of the reported total is in,
# what kind of innovation, how far they travelled. Years and units are tall: statistik/ has them.
HOME_CHARTS = ("cakupan", "jenis", "replikasi")


@dataclass(frozen=True)
class Statistics:
    """The build's charts, in page order."""

    charts: tuple[Chart, ...]

    def only(self, keys: Sequence[str]) -> tuple[Chart, ...]:
        """The charts named by `keys`, in that order (a missing one left out)."""
        by_key = {chart.key: chart for chart in self.charts}
        return tuple(by_key[key] for key in keys if key in by_key)


def statistics_of(
    articles: Sequence[Any], settings: dict[str, Any], context: Mapping[str, Any]
) -> Statistics:
    """Count every chart of the build's `articles` (the replication views from `context`)."""
    views = context[REPLICATION_VIEWS]
    tallies = catalogue_tallies(
        articles,
        state_of(settings).facet_taxonomy,
        on=today(settings),
        max_age_days=max_age(settings),
        replications=lambda article: views[article.slug].count,
        reported=settings.get("KATALOG_REPORTED_TOTAL"),
        agency_of=agency_facet(settings),
    )
    return Statistics(tuple(Chart(tally) for tally in tallies))


class StatisticsGenerator(PageGenerator):
    """Counts the charts (`generate_context`) and writes ``statistik/index.html``."""

    statistics: Statistics | None = None

    def generate_context(self) -> None:
        self.statistics = statistics_of(self.context.get("articles", []), self.settings, self.context)
        self.context[HOME_CHARTS_KEY] = self.statistics.only(HOME_CHARTS)

    def generate_output(self, writer: Writer) -> None:
        statistics = self.statistics
        if statistics is None:  # Pelican runs every generate_context before any generate_output
            msg = "StatisticsGenerator.generate_context has not run"
            raise TypeError(msg)
        self.write_page(
            writer,
            PAGE,
            "statistik",
            charts=statistics.charts,
            total=len(self.context.get("articles", [])),
        )
