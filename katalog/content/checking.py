"""Validate content files without building: the engine of `katalog check` and `make check`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from katalog.content.crossfile import cross_file_problems
from katalog.content.freshness import DEFAULT_MAX_AGE_DAYS, stale_warnings
from katalog.content.taxonomy import Taxonomy
from katalog.content.validate import Entry, load_entry
from katalog.errors import Problem, UsageError


@dataclass
class CheckReport:
    files: int = 0
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.warning)

    @property
    def invalid_files(self) -> int:
        return len({p.path for p in self.problems if not p.warning})


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Every ``.md`` file named or inside a named folder; a missing path is a usage error."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.rglob("*.md")))
        elif path.is_file():
            files.append(path)
        else:
            msg = f"'{path}' tidak ditemukan"
            raise UsageError(msg)
    return files


def check_files(
    files: Iterable[Path],
    taxonomy: Taxonomy,
    today: dt.date | None = None,
    stale_after_days: int = DEFAULT_MAX_AGE_DAYS,
) -> CheckReport:
    """Validate each file and the slugs across them; collect every problem, stop at none.

    Entries not re-verified within `stale_after_days` add warnings, which never fail a check.
    """
    report = CheckReport()
    for path in files:
        report.files += 1
        result = load_entry(path, taxonomy)
        report.problems.extend(result.problems)
        if result.entry is not None:
            report.entries.append(result.entry)
    report.problems.extend(cross_file_problems(report.entries))
    report.problems.extend(stale_warnings(report.entries, today or dt.date.today(), stale_after_days))
    report.problems.sort()
    return report
