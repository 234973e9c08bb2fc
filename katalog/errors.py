"""The error tree: user errors (bad content, bad usage) apart from programmer errors.

Editors never see a traceback. Everything they can cause is a `KatalogError`; the CLI
turns it into clean lines and an exit code. Anything else is a bug and may crash loudly.
"""

from __future__ import annotations

from dataclasses import dataclass
from os import PathLike


@dataclass(frozen=True, order=True)
class Problem:
    """One validation problem, printed as ``path:line: field: message``."""

    path: str
    line: int
    field: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        prefix = "peringatan: " if self.warning else ""
        return f"{self.path}:{self.line}: {self.field}: {prefix}{self.message}"


class KatalogError(Exception):
    """Base class of every error a user (editor, operator) can cause."""

    exit_code = 1


class UsageError(KatalogError):
    """The command line was wrong (unknown path, bad option)."""

    exit_code = 2


class ContentError(KatalogError):
    """One or more content files are invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class BuildError(KatalogError):
    """The site could not be built (other than invalid content)."""


class ConfigError(KatalogError):
    """The site's settings file is invalid; carries one `file: KEY: message` line per problem."""

    exit_code = 2

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))


class SearchIndexError(KatalogError):
    """The search index exists but cannot be used: damaged, or written by another version.

    It is derived data, so the hint is always the same: build again. `reason` names what
    was found (a version, or the error Whoosh met) for whoever has to look closer.
    """

    def __init__(self, index_dir: str | PathLike[str], reason: str) -> None:
        self.index_dir = index_dir
        self.reason = reason
        super().__init__(
            f"indeks pencarian di '{index_dir}' rusak atau dari versi lain ({reason}); "
            "jalankan `make html` untuk membangunnya ulang"
        )
