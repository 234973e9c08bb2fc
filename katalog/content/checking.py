"""Validate content files without building: the engine of `katalog check` and `make check`.

Innovation files go through `validate.load_entry`; static pages (``content/pages/``)
through `load_page`, which reads them as the build's reader does. Whether a file is a page
depends on the site's settings, so the caller says (`is_page`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from katalog.content import frontmatter
from katalog.content.crossfile import cross_file_problems
from katalog.content.freshness import DEFAULT_MAX_AGE_DAYS, stale_warnings
from katalog.content.model import StaticPage
from katalog.content.render import PAGE_TOP, render_markdown
from katalog.content.taxonomy import Taxonomy
from katalog.content.validate import Entry, display_path, load_entry, translate_errors
from katalog.errors import Problem, UsageError


@dataclass(frozen=True)
class PageEntry:
    """A validated static page; its body is rendered when first asked for."""

    source: str  # path as editors see it (`validate.display_path`)
    page: StaticPage
    body_markdown: str

    @property
    def slug(self) -> str:
        return self.page.slug

    @functools.cached_property
    def body_html(self) -> str:
        """The sanitised body (rendering a long page costs more than reading it)."""
        return render_markdown(self.body_markdown, PAGE_TOP)


@dataclass(frozen=True)
class PageResult:
    entry: PageEntry | None
    problems: list[Problem]


def load_page(path: Path) -> PageResult:
    """Read one static page: the build (`KatalogReader._read_page`) and `katalog check` share it."""
    where = display_path(path)
    try:
        text = frontmatter.decode(path.read_bytes(), where)
        parts = frontmatter.split(text, where)
        located = frontmatter.parse_yaml(parts.yaml_text, where, parts.yaml_first_line)
        page = StaticPage.model_validate(located.data)
    except frontmatter.FrontMatterError as exc:
        return PageResult(None, [exc.problem])
    except ValidationError as exc:
        return PageResult(None, sorted(translate_errors(exc, located, where)))
    return PageResult(PageEntry(where, page, parts.body), [])


@dataclass
class CheckReport:
    files: int = 0
    entries: list[Entry] = field(default_factory=list)
    pages: list[PageEntry] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # every file checked, as problems name it
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
    *,
    is_page: Callable[[Path], bool] | None = None,
    others: Iterable[Entry] = (),
    included: Callable[[Entry], bool] | None = None,
) -> CheckReport:
    """Validate each file and the slugs across them; collect every problem, stop at none.

    Files for which `is_page` is true are read as static pages, the others as innovations.
    `others` are the valid entries of the rest of the site that the build would publish,
    and `included` says which checked entries it would (drafts may be left out): slugs and
    `based_on` are judged across both, as the build judges them. Entries not re-verified
    within `stale_after_days` add warnings, which never fail a check.
    """
    report = CheckReport()
    for path in files:
        report.files += 1
        report.sources.append(display_path(path))
        if is_page is not None and is_page(path):
            page = load_page(path)
            report.problems.extend(page.problems)
            if page.entry is not None:
                report.pages.append(page.entry)
            continue
        result = load_entry(path, taxonomy)
        report.problems.extend(result.problems)
        if result.entry is not None:
            report.entries.append(result.entry)
    report.problems.extend(_cross_file(report.entries, list(others), included))
    report.problems.extend(stale_warnings(report.entries, today or dt.date.today(), stale_after_days))
    report.problems.sort()
    return report


def _cross_file(
    checked: list[Entry], others: list[Entry], included: Callable[[Entry], bool] | None
) -> list[Problem]:
    """The build's cross-file problems that the checked entries take part in: their own, and
    another file's clash with one of their slugs (reported on the later file, as the build does)."""
    published = [e for e in checked if included is None or included(e)]
    sources = {e.source for e in checked}
    slugs = {e.slug for e in published}
    other_slugs = {e.source: e.slug for e in others}
    return [
        p
        for p in cross_file_problems(published + others)
        if p.path in sources or (p.field == "slug" and other_slugs.get(p.path) in slugs)
    ]
