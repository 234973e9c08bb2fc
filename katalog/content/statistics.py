"""The catalogue in numbers: what ``statistik/`` charts and tabulates, counted from the model.

Each chart of the page is one `Tally`: a title, the counts it draws (each a label, a number
and, where one exists, the page listing those entries), and the sentence that says what the
chart shows, which is the chart's text alternative. The counts come from the validated
entries only, through the same definitions the rest of the site uses, so the page cannot
disagree with them: facet values and their pages from `facets.build_facets` (unit kerja,
bidang, jenis, tahun, status and, in a network, instansi), staleness from
`freshness.stale_note` (the entries of ``perlu-diperbarui/``), coverage from
`completeness.coverage_of`. How many agencies replicated an entry is the site's to say
(declared ``replicated_by``, replicas elsewhere in a network): it is passed in as a function.

Drawing is another module's job (`katalog.site.charts`); nothing here imports a plotting
library, so `katalog check` and `katalog search` never pay for one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from katalog.content.completeness import Coverage, HasInnovation, coverage_of
from katalog.content.facets import UNKNOWN_SLUG, Facet, build_facets
from katalog.content.freshness import stale_note
from katalog.content.taxonomy import Taxonomy

STALE_PAGE = "perlu-diperbarui/"
REPLICATION_PAGE = "replikasi/"
MOST_REPLICATED = 5  # the last row of the replication chart: "5 instansi atau lebih"
LISTED = 3  # a sentence names this many values of a facet, the largest first
# A chart of values ranked largest first draws at most this many bars, the last one for the
# rest together ("480 lainnya", in a network of 500 agencies); its table lists every value.
MOST_BARS = 20


@dataclass(frozen=True)
class Count:
    """One row of a chart's table, and its bar."""

    label: str
    value: int
    url: str | None = None  # the page listing these entries, from the site root
    title: str = ""  # the long form of `label` (a unit's full name), for a `title` attribute

    @property
    def text(self) -> str:
        """The number as Indonesian writes it: 10.000 (a dot between thousands)."""
        return number(self.value)


@dataclass(frozen=True)
class Tally:
    """One chart: what it counts, its numbers, and what they say in one sentence."""

    key: str  # the chart's name in ids and tests: "tahun", "unit", "replikasi", ...
    title: str  # the visible heading: "Inovasi per tahun"
    label_heading: str  # the table's first column: "Tahun"
    counts: tuple[Count, ...]
    summary: str  # what the chart shows, in a sentence: its text alternative
    value_heading: str = "Jumlah inovasi"
    note: str = ""  # how to read it, when the bars do not add up to the catalogue
    more: tuple[str, str] | None = None  # (url from the site root, link text): the details
    source: str | None = None  # the public page a number comes from (coverage's reported total)
    rest: int = 0  # how many of the last counts share the last bar (see `MOST_BARS`)

    @property
    def bars(self) -> tuple[Count, ...]:
        """What the chart draws: every count, or the first ones and one bar for the rest."""
        if not self.rest:
            return self.counts
        kept, merged = self.counts[: -self.rest], self.counts[-self.rest :]
        return (*kept, Count(f"{number(len(merged))} lainnya", sum(c.value for c in merged)))


def number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _inovasi(value: int) -> str:
    return f"{number(value)} inovasi"


def catalogue_tallies(
    items: Sequence[HasInnovation],
    taxonomy: Taxonomy,
    *,
    on: dt.date,
    max_age_days: int,
    replications: Callable[[Any], int],
    reported: Mapping[str, Any] | None = None,
    agency_of: Callable[[Any], str] | None = None,
) -> tuple[Tally, ...]:
    """Every chart of ``statistik/``, in page order, for the entries of one build.

    `items` are the build's articles (or `Entry` objects: anything with `innovation`),
    `replications` gives the number of agencies that replicated one, `reported` is the
    ``KATALOG_REPORTED_TOTAL`` setting (no coverage chart without it), and `agency_of`
    names an entry's agency in a network (an ``instansi`` chart only then).
    """
    facets = {f.key: f for f in build_facets(items, taxonomy, agency_of)}
    tallies = [
        year_tally(facets["tahun"]),
        facet_tally(
            facets["jenis"],
            "Inovasi per jenis",
            note="Satu inovasi dapat termasuk lebih dari satu jenis, jadi jumlahnya dapat melebihi "
            "banyaknya inovasi.",
        ),
        facet_tally(facets["unit"], "Inovasi per unit kerja", largest_first=True),
    ]
    if "instansi" in facets:
        tallies.append(facet_tally(facets["instansi"], "Inovasi per instansi", largest_first=True))
    tallies += [
        facet_tally(facets["bidang"], "Inovasi per bidang", largest_first=True),
        facet_tally(facets["status"], "Inovasi per status"),
        replication_tally(items, replications),
        freshness_tally(items, on, max_age_days),
    ]
    coverage = coverage_of((item.innovation for item in items), reported)
    if coverage is not None:
        tallies.append(coverage_tally(coverage))
    return tuple(tallies)


# --- facets -------------------------------------------------------------------------------


def facet_counts(facet: Facet) -> list[Count]:
    """The facet's values with their entry counts, in the facet's order (taxonomy order)."""
    return [Count(v.link.label, v.count, v.link.url, v.link.title) for v in facet.values]


def facet_tally(facet: Facet, title: str, *, largest_first: bool = False, note: str = "") -> Tally:
    """A chart of one facet: values in taxonomy order, or the largest first (ties keep it)."""
    counts = facet_counts(facet)
    rest = 0
    if largest_first:  # "Tidak diketahui" stays last: it is no value, rather the lack of one
        counts.sort(key=lambda c: (_is_unknown(facet, c), -c.value))
        rest = len(counts) - MOST_BARS + 1 if len(counts) > MOST_BARS else 0
    sentence = _facet_sentence(facet, counts)
    return Tally(facet.key, title, facet.label, tuple(counts), sentence, note=note, rest=rest)


def _facet_sentence(facet: Facet, counts: list[Count]) -> str:
    """What a facet's chart shows: every value when there are few ("Status: Aktif 20
    inovasi, Rencana 1 inovasi."), else how many values and the three largest ("Inovasi
    berasal dari 17 unit kerja; terbanyak ..."), and then how many entries lack a value."""
    if not counts:
        return "Belum ada inovasi."
    if len(counts) <= LISTED + 1:
        return f"{facet.label}: {', '.join(f'{c.label} {_inovasi(c.value)}' for c in counts)}."
    known = [c for c in counts if not _is_unknown(facet, c)]
    top = sorted(known, key=lambda c: -c.value)[:LISTED]
    named = ", ".join(f"{c.label} ({_inovasi(c.value)})" for c in top)
    sentence = f"Inovasi berasal dari {len(known)} {facet.label.casefold()}; terbanyak {named}."
    unknown = sum(c.value for c in counts if _is_unknown(facet, c))
    if unknown:
        sentence += f" {facet.label} dari {_inovasi(unknown)} belum diketahui."
    return sentence


def _is_unknown(facet: Facet, count: Count) -> bool:
    return count.url == f"{facet.key}/{UNKNOWN_SLUG}/"


def year_tally(facet: Facet) -> Tally:
    """Inovasi per tahun, newest first as on the facet pages, with the years between the
    first and the last that have no entry shown as 0 (a gap is a fact too)."""
    counts = facet_counts(facet)
    unknown = [c for c in counts if _is_unknown(facet, c)]
    known = {int(c.label): c for c in counts if c not in unknown}
    rows = [
        known.get(year, Count(str(year), 0))
        for year in range(max(known, default=0), min(known, default=1) - 1, -1)
    ]
    if known:
        busiest = max(known.values(), key=lambda c: c.value)
        summary = (
            f"Inovasi dalam katalog berasal dari tahun {min(known)} sampai {max(known)}; "
            f"terbanyak dari tahun {busiest.label} ({_inovasi(busiest.value)})."
        )
    else:
        summary = "Tahun inovasi belum diketahui."
    if unknown:
        summary += f" Tahun dari {_inovasi(unknown[0].value)} belum diketahui."
    return Tally("tahun", "Inovasi per tahun", "Tahun", (*rows, *unknown), summary)


# --- replication, freshness, coverage ----------------------------------------------------


def replication_tally(items: Iterable[Any], replications: Callable[[Any], int]) -> Tally:
    """Entries by how many agencies replicated them: 0, 1, ... up to "5 atau lebih"."""
    found = [replications(item) for item in items]
    highest = min(max(found, default=0), MOST_REPLICATED)
    rows = [0] * (highest + 1)
    for count in found:
        rows[min(count, MOST_REPLICATED)] += 1
    labels = ["Belum direplikasi", *(f"{n} instansi" for n in range(1, highest + 1))]
    if highest == MOST_REPLICATED:
        labels[-1] = f"{MOST_REPLICATED} instansi atau lebih"
    replicated = sum(1 for n in found if n)
    summary = (
        f"{_inovasi(replicated)} dari {number(len(found))} telah direplikasi instansi lain, "
        f"dengan {number(sum(found))} replikasi tercatat."
        if replicated
        else "Belum ada replikasi yang tercatat dalam katalog ini."
    )
    return Tally(
        "replikasi",
        "Replikasi oleh instansi lain",
        "Direplikasi oleh",
        tuple(Count(label, value) for label, value in zip(labels, rows, strict=True)),
        summary,
        more=(REPLICATION_PAGE, "Peringkat inovasi menurut jumlah replikasi"),
    )


def freshness_tally(items: Iterable[HasInnovation], on: dt.date, max_age_days: int) -> Tally:
    """Entries by when their facts were last re-checked against the sources; the last two
    rows are exactly the entries listed on ``perlu-diperbarui/``."""
    half = max_age_days // 2
    recent = older = stale = never = 0
    for item in items:
        innovation = item.innovation
        if innovation.last_verified is None:
            never += 1
        elif stale_note(innovation, on, max_age_days) is not None:
            stale += 1
        elif (on - innovation.last_verified).days <= half:
            recent += 1
        else:
            older += 1
    counts = (
        Count(f"0–{half} hari lalu", recent),
        Count(f"{half + 1}–{max_age_days} hari lalu", older),
        Count(f"Lebih dari {max_age_days} hari", stale, STALE_PAGE),
        Count("Belum pernah", never, STALE_PAGE),
    )
    total = recent + older + stale + never
    summary = (
        f"{_inovasi(stale + never)} dari {number(total)} perlu diverifikasi ulang terhadap "
        f"sumbernya: {number(stale)} terakhir diverifikasi lebih dari {max_age_days} hari lalu, "
        f"{number(never)} belum pernah."
    )
    return Tally(
        "verifikasi",
        "Verifikasi terhadap sumber",
        "Terakhir diverifikasi",
        counts,
        summary,
        more=(STALE_PAGE, "Daftar entri yang perlu diverifikasi ulang"),
    )


def coverage_tally(coverage: Coverage) -> Tally:
    """The catalogue's published entries beside the total the agency reported."""
    share = round(100 * coverage.recorded / coverage.reported) if coverage.reported else 0
    return Tally(
        "cakupan",
        "Cakupan katalog",
        "Inovasi",
        (
            Count("Tercatat di katalog", coverage.recorded),
            Count("Dilaporkan", coverage.reported),
        ),
        f"Katalog ini mencatat {number(coverage.recorded)} dari {_inovasi(coverage.reported)} "
        f"yang dilaporkan ({share}%).",
        note=f"{coverage.explanation}." + (f" {coverage.note}" if coverage.note else ""),
        source=coverage.source,
    )
