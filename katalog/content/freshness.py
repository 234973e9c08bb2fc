"""Freshness: entries whose facts nobody re-checked for too long are flagged, never hidden.

The limit is ``KATALOG_STALE_AFTER_DAYS`` (default 365). ``KATALOG_TODAY`` (an ISO date)
pins "today" so tests and reproducible builds do not depend on the calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from katalog.content.model import Innovation
from katalog.content.validate import Entry
from katalog.errors import Problem

DEFAULT_MAX_AGE_DAYS = 365


def today(settings: Mapping[str, Any]) -> dt.date:
    pinned = settings.get("KATALOG_TODAY")
    return dt.date.fromisoformat(pinned) if pinned else dt.date.today()


def max_age(settings: Mapping[str, Any]) -> int:
    return int(settings.get("KATALOG_STALE_AFTER_DAYS", DEFAULT_MAX_AGE_DAYS))


def stale_note(innovation: Innovation, on: dt.date, max_age_days: int) -> str | None:
    """Indonesian notice when the entry needs re-checking, else None."""
    verified = innovation.last_verified
    if verified is None:
        return "Isi entri ini belum pernah diverifikasi ulang terhadap sumbernya."
    age = (on - verified).days
    if age > max_age_days:
        months = age // 30
        return f"Isi entri ini terakhir diverifikasi {verified.isoformat()}, sekitar {months} bulan lalu."
    return None


def stale_warnings(entries: list[Entry], on: dt.date, max_age_days: int) -> list[Problem]:
    """`katalog check` warnings (not errors) for entries past the limit."""
    problems = []
    for entry in entries:
        note = stale_note(entry.innovation, on, max_age_days)
        if note is not None:
            line = entry.line_of("last_verified") if "last_verified" in entry.key_lines else 1
            problems.append(
                Problem(entry.source, line, "last_verified", f"{note} Perlu diperbarui.", warning=True)
            )
    return problems
