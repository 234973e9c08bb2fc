"""`katalog new` in a terminal: ask the editor for each starting value, in Indonesian.

Editors do not know the taxonomy by heart, so every vocabulary is offered as a numbered
list (and Tab completes names where `readline` exists); a typed near miss is answered with
a suggestion instead of being written into the file. Values given as flags are not asked
again, and the same resolution rules apply to them, so the scripted and the interactive
paths produce the same file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from katalog.content.model import FIRST_YEAR
from katalog.content.taxonomy import Taxonomy, Vocabulary
from katalog.errors import UsageError
from katalog.tools.scaffold import check_title

T = TypeVar("T")
Ask = Callable[[str], str]
Say = Callable[[str], None]
UNKNOWN = ("", "-", "?", "tidak tahu", "tidak diketahui")


@dataclass
class NewEntry:
    """What `katalog new` writes: a title and the starting values chosen so far.

    `values` holds only what a flag or an answer set (keys of the model: ``unit``,
    ``category``, ``kind``, ``year``); anything absent keeps the scaffold's default.
    """

    title: str | None = None
    values: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_flags(
        cls,
        title: str | None,
        taxonomy: Taxonomy,
        unit: str | None = None,
        bidang: str | None = None,
        kinds: list[str] | None = None,
        year: str | None = None,
    ) -> NewEntry:
        """Resolve flag values with the same rules as the prompts (a near miss is an error)."""
        entry = cls(title)
        if unit is not None:
            entry.values["unit"] = resolve(taxonomy.units, unit, "unit")
        if bidang is not None:
            entry.values["category"] = resolve(taxonomy.categories, bidang, "bidang")
        if kinds is not None:
            entry.values["kind"] = parse_kinds(kinds, taxonomy.kinds)
        if year is not None:
            entry.values["year"] = parse_year(year)
        return entry


def resolve(vocabulary: Vocabulary, value: str, label: str) -> str:
    """Canonical spelling of `value` in `vocabulary`, or a usage error with a suggestion."""
    term = vocabulary.get(value.strip())
    if term is not None:
        return vocabulary.spelling(term)
    hint = vocabulary.suggest(value)
    message = f"{label} '{value}' tidak dikenal"
    if hint:
        message += f"; maksud Anda '{hint}'?"
    raise UsageError(message)


def parse_year(text: str) -> int | None:
    """A year between 1945 and next year, or None for "unknown"; else a usage error."""
    text = text.strip()
    if text.casefold() in UNKNOWN:
        return None
    limit = dt.date.today().year + 1
    if not text.isdigit() or not FIRST_YEAR <= int(text) <= limit:
        message = f"tahun '{text}' tidak sah; tulis angka {FIRST_YEAR}–{limit}, atau kosongkan"
        raise UsageError(message)
    return int(text)


def parse_kinds(texts: list[str], vocabulary: Vocabulary) -> list[str]:
    """Kinds from comma-separated names, slugs or list numbers (1-based), without repeats."""
    kinds: list[str] = []
    for part in (p.strip() for text in texts for p in text.split(",")):
        if not part:
            continue
        value = _by_number(vocabulary, part) or resolve(vocabulary, part, "jenis")
        if value not in kinds:
            kinds.append(value)
    return kinds


def _by_number(vocabulary: Vocabulary, text: str) -> str | None:
    if text.isdigit() and 1 <= int(text) <= len(vocabulary.terms):
        return vocabulary.spelling(vocabulary.terms[int(text) - 1])
    if text.isdigit():
        message = f"nomor {text} tidak ada; pilih 1–{len(vocabulary.terms)}"
        raise UsageError(message)
    return None


def ask_missing(entry: NewEntry, taxonomy: Taxonomy, folder: Path, ask: Ask, say: Say) -> NewEntry:
    """Prompt for every value not given as a flag; re-ask after each wrong answer."""
    _complete_with([t.name for t in taxonomy.units.terms + taxonomy.categories.terms])
    if entry.title is None:
        entry.title = _again(lambda: _ask_title(folder, ask), say)
    if "unit" not in entry.values:
        entry.values["unit"] = _ask_term(taxonomy.units, "Unit kerja pemilik inovasi", ask, say)
    if "category" not in entry.values:
        entry.values["category"] = _ask_term(taxonomy.categories, "Bidang (Anugerah Inovasi)", ask, say)
    if "kind" not in entry.values:
        _show(taxonomy.kinds, "Jenis inovasi (boleh lebih dari satu)", say)
        entry.values["kind"] = _again(
            lambda: parse_kinds(
                [ask("Nomor, dipisah koma (mis. 1,3; kosongkan bila tidak diketahui): ")], taxonomy.kinds
            ),
            say,
        )
    if "year" not in entry.values:
        entry.values["year"] = _again(
            lambda: parse_year(ask("Tahun pertama tercatat (mis. 2019; kosongkan bila tidak diketahui): ")),
            say,
        )
    return entry


def _ask_title(folder: Path, ask: Ask) -> str:
    title = ask("Judul inovasi: ").strip()
    check_title(title, folder)
    return title


def _ask_term(vocabulary: Vocabulary, label: str, ask: Ask, say: Say) -> str | None:
    _show(vocabulary, label, say)

    def one() -> str | None:
        answer = ask("Nomor atau nama (Tab melengkapi; kosongkan bila tidak diketahui): ").strip()
        if answer.casefold() in UNKNOWN:
            return None
        return _by_number(vocabulary, answer) or resolve(vocabulary, answer, label.split(" (")[0].lower())

    return _again(one, say)


def _show(vocabulary: Vocabulary, label: str, say: Say) -> None:
    say(f"\n{label}:")
    for number, term in enumerate(vocabulary.terms, 1):
        short = f" ({term.short})" if term.short else ""
        say(f"  {number:>2}. {term.name}{short}")


def _again(question: Callable[[], T], say: Say) -> T:
    """Ask until the answer is valid; each wrong answer is explained first."""
    while True:
        try:
            return question()
        except UsageError as exc:
            say(f"  ! {exc}")


def _complete_with(words: list[str]) -> None:
    """Tab-complete taxonomy names at the prompts, where the platform has `readline`."""
    try:
        import readline
    except ImportError:  # Windows without pyreadline: numbers still work
        return

    def complete(text: str, state: int) -> str | None:
        matches = [w for w in words if w.casefold().startswith(text.casefold())]
        return matches[state] if state < len(matches) else None

    readline.set_completer_delims("")
    readline.set_completer(complete)
    readline.parse_and_bind("tab: complete")
