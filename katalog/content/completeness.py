"""Completeness: which facts of an entry are still unknown, and how much of the catalogue exists.

The catalogue never guesses: a fact no source states is left empty (``null``, ``[]``, or a
nested block with nothing in it), as the model's descriptions say ("null bila tidak
diketahui"). That emptiness is the to-do list of editors and of the agency's units, shown on
``lengkapi/`` and printed by ``katalog check --report``; both take it from `unknown_fields`
and order it with `most_incomplete_first`, so the page and the command cannot disagree.

Which fields can be unknown is derived from the model, not listed by hand: every field that
may be empty (optional, or a list with no minimum length), nested blocks walked into. The
few empty-able fields whose emptiness is not a gap are named in `NOT_GAPS` with the reason;
every other one needs an Indonesian label in `LABELS`, and a model field added without
either fails at import, so no new fact escapes the list silently.

Coverage compares the number of published entries with a total the agency has reported
publicly (``KATALOG_REPORTED_TOTAL``, a site setting): "36 dari 153 inovasi tercatat".
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel

from katalog.content.facets import UNKNOWN_SLUG
from katalog.content.model import Innovation, allows_none
from katalog.content.taxonomy import DRAFT_STATUS

# Indonesian labels of the fields that can be unknown, as editors and units read them.
LABELS: dict[str, str] = {
    "unit": "unit kerja",
    "category": "bidang",
    "kind": "jenis",
    "year": "tahun",
    "contact": "kontak",
    "replication.prerequisites": "prasyarat",
    "replication.legal_basis": "dasar hukum",
    "replication.cost": "biaya",
    "replication.duration": "waktu replikasi",
    "replication.steps": "langkah replikasi",
    "replication.documents": "dokumen",
    "replication.contact": "kontak replikasi",
}
# Fields that may be empty where empty is not a missing fact.
NOT_GAPS: dict[str, str] = {
    "slug": "derived from the title when empty",
    "expansion": "only an acronym has one",
    "tags": "search aids, not facts",
    "awards": "an innovation without awards is the common case",
    "based_on": "only a replica has one",
    "last_verified": "freshness, listed on perlu-diperbarui/",
    "replication.replicated_by": "only documented replications are recorded; none is a fact",
}
# The status is required, so it is never null: its "unknown" is this taxonomy value.
STATUS_LABEL = "status"
UNKNOWN_STATUS = UNKNOWN_SLUG


def _may_be_empty(annotation: Any, metadata: list[Any]) -> bool:
    """Whether a field of this type can hold nothing: None, or a list with no minimum."""
    if allows_none(annotation):
        return True
    if typing.get_origin(annotation) is list:
        return not any(getattr(m, "min_length", 0) for m in metadata)
    return False


def _empty_able(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """Dotted paths of the fields of `model` that may be empty, nested blocks walked into."""
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from _empty_able(annotation, f"{path}.")
        elif _may_be_empty(annotation, info.metadata):
            yield path


def _gap_fields() -> tuple[tuple[str, str], ...]:
    """(dotted path, label) of every field that can be unknown, in the model's order."""
    fields = []
    for path in _empty_able(Innovation):
        if path in NOT_GAPS:
            continue
        if path not in LABELS:
            msg = f"{path}: add an Indonesian label to LABELS or a reason to NOT_GAPS"
            raise TypeError(msg)
        fields.append((path, LABELS[path]))
    return tuple(fields)


GAP_FIELDS = _gap_fields()


def is_empty(value: Any) -> bool:
    """Whether `value` states nothing: None, blank text, an empty list, or a block of empties."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return not value
    if isinstance(value, BaseModel):
        return all(is_empty(getattr(value, name)) for name in type(value).model_fields)
    return False


def _value_at(innovation: Innovation, path: str) -> Any:
    value: Any = innovation
    for name in path.split("."):
        value = getattr(value, name)
    return value


def unknown_fields(innovation: Innovation) -> tuple[str, ...]:
    """Indonesian labels of what `innovation` does not know yet, in the model's order."""
    labels = [label for path, label in GAP_FIELDS if is_empty(_value_at(innovation, path))]
    if innovation.status == UNKNOWN_STATUS:
        labels.append(STATUS_LABEL)
    return tuple(labels)


def all_labels() -> tuple[str, ...]:
    """Every label `unknown_fields` can return, in its order (the page's summary rows)."""
    return (*(label for _, label in GAP_FIELDS), STATUS_LABEL)


class HasInnovation(Protocol):
    """An `Entry` or a Pelican article: both carry the model and a slug."""

    @property
    def innovation(self) -> Innovation: ...

    @property
    def slug(self) -> str: ...


T = TypeVar("T", bound=HasInnovation)


def most_incomplete_first(items: Iterable[T]) -> list[tuple[T, tuple[str, ...]]]:
    """The items that lack something, with what they lack: most unknown fields first, then
    by title and slug (a stable order, so the page and ``check --report`` list alike)."""
    found = [(item, unknown_fields(item.innovation)) for item in items]
    lacking = [(item, gaps) for item, gaps in found if gaps]
    return sorted(
        lacking, key=lambda pair: (-len(pair[1]), pair[0].innovation.title.casefold(), pair[0].slug)
    )


def gap_counts(lacking: Iterable[tuple[Any, tuple[str, ...]]]) -> tuple[tuple[str, int], ...]:
    """(label, number of entries lacking it) for every label some entry lacks, in field order."""
    counts = dict.fromkeys(all_labels(), 0)
    for _, gaps in lacking:
        for label in gaps:
            counts[label] += 1
    return tuple((label, count) for label, count in counts.items() if count)


# --- coverage ------------------------------------------------------------------------------


def in_catalogue(innovation: Innovation) -> bool:
    """Whether an entry counts as recorded: every status but a draft (a development build
    shows drafts, marked; they are not in the catalogue until an editor publishes them)."""
    return innovation.status != DRAFT_STATUS


@dataclass(frozen=True)
class Coverage:
    """Published entries against the total the agency reported, with its public source."""

    recorded: int  # published entries (drafts are not in the catalogue yet)
    reported: int  # ``KATALOG_REPORTED_TOTAL["count"]``
    label: str  # what the reported number counts, in the site's words
    source: str  # the public page that states it
    note: str | None = None  # a caveat, e.g. that some entries fall outside the reported period

    @property
    def headline(self) -> str:
        """The coverage in words: "36 dari 153 inovasi tercatat"."""
        return f"{self.recorded} dari {self.reported} inovasi tercatat"

    @property
    def explanation(self) -> str:
        """What the reported number is: "Angka 153 adalah <label>" (no closing stop: the
        page adds the source link, the command line the source address)."""
        return f"Angka {self.reported} adalah {self.label}"


def coverage_of(innovations: Iterable[Innovation], reported: Mapping[str, Any] | None) -> Coverage | None:
    """The catalogue's coverage, or None when the site reports no total (the engine's default).

    `reported` is the checked ``KATALOG_REPORTED_TOTAL`` setting (`katalog.site.config`).
    """
    if not reported:
        return None
    recorded = sum(1 for innovation in innovations if in_catalogue(innovation))
    note = reported.get("note")
    return Coverage(
        recorded,
        int(reported["count"]),
        str(reported["label"]),
        str(reported["source"]),
        None if note is None else str(note),
    )


def report_lines(
    lacking: list[tuple[Any, tuple[str, ...]]], checked: int, coverage: Coverage | None
) -> list[str]:
    """`katalog check --report`: one line per entry that lacks something (`lacking`, from
    `most_incomplete_first` over entries with a ``source``), then the total line."""
    lines = [f"{item.source}: {len(gaps)} belum diketahui: {', '.join(gaps)}" for item, gaps in lacking]
    total = f"Belum lengkap: {len(lacking)} dari {checked} entri."
    if coverage is not None:
        total += f" {coverage.headline}. {coverage.explanation} (sumber: {coverage.source})."
        if coverage.note:
            total += f" {coverage.note}"
    return [*lines, total]
