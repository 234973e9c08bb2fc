"""The Pelican reader for our Markdown files (innovations and static pages).

Innovation files under ``inovasi/`` go through `validate.load_entry`; the validated
`Entry` rides along in the metadata, so nothing downstream re-parses the file. An invalid
file is recorded in the build state and skipped here; the build is stopped, with every
problem listed, before anything is written (see `plugin.stop_on_problems`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pelican.readers import BaseReader
from pelican.utils import SafeDatetime

from katalog.content.checking import load_page
from katalog.content.history import git_dates, last_changed
from katalog.content.taxonomy import DRAFT_STATUS
from katalog.errors import Problem
from katalog.network.manifest import own_agency
from katalog.site import cache
from katalog.site.harvested import site_agency
from katalog.site.reading import ReadResult, key_of, read_all, read_one, stamp
from katalog.site.state import state_of, taxonomy_path
from katalog.site.views import EntryView

SKIP = {"status": "skip", "title": "", "slug": ""}
DRAFT_MARK = "DRAF"  # shown on a draft's page and card in development builds


class KatalogReader(BaseReader):
    """Reads ``.md`` files with YAML front matter, validating them against our models."""

    enabled = True
    file_extensions = ("md",)

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        path = Path(source_path)
        state = state_of(self.settings)
        if _is_innovation(path, self.settings):
            read = _preloaded(path, self.settings) or read_one(
                path, state.taxonomy, own_agency(self.settings)
            )
            if read.loaded.entry is None or read.indexed is None:
                state.problems.extend(read.loaded.problems)
                return "", dict(SKIP)
            entry = read.loaded.entry
            is_draft = entry.innovation.status == DRAFT_STATUS
            if is_draft and not self.settings.get("KATALOG_INCLUDE_DRAFTS", False):
                # Validated, then left out: not written, indexed, exported or fed.
                return "", dict(SKIP)
            state.entries.append(entry)
            state.indexed.append(read.indexed)
            innovation = entry.innovation
            year = innovation.year or 2000
            metadata = {
                "title": innovation.title,
                "slug": entry.slug,
                "summary": innovation.summary,
                "date": SafeDatetime(year, 1, 1),
                "entry": entry,
                "innovation": innovation,
                "view": EntryView.of(
                    entry, state.taxonomy, self.settings, self._changed(path), site_agency(self.settings)
                ),
                # What the page shows of `entry` and `innovation`, for katalog.site.outputs.
                "content_hash": read.indexed.fields["content_hash"],
            }
            if is_draft:
                metadata["draft_mark"] = DRAFT_MARK
            return entry.body_html, metadata
        return self._read_page(path, state.problems)

    def _changed(self, path: Path) -> dt.datetime:
        state = state_of(self.settings)
        if state.changed is None:
            state.changed = git_dates(Path(self.settings["PATH"]))
        return last_changed(path, state.changed)

    def _read_page(self, path: Path, problems: list[Problem]) -> tuple[str, dict[str, Any]]:
        result = load_page(path)  # the same reading as `katalog check`
        problems.extend(result.problems)
        if result.entry is None:
            return "", dict(SKIP)
        page = result.entry.page
        metadata: dict[str, Any] = {"title": page.title, "slug": page.slug, "date": dt.datetime(2000, 1, 1)}
        if page.summary:
            metadata["summary"] = page.summary
        return result.entry.body_html, metadata


def _is_innovation(path: Path, settings: dict[str, Any]) -> bool:
    root = Path(key_of(settings["PATH"]))
    try:
        relative = Path(key_of(path)).relative_to(root)
    except ValueError:
        return False
    return relative.parts[:1] == tuple(settings.get("ARTICLE_PATHS", ["inovasi"]))[:1]


PRELOADED_KEY = "KATALOG_PRELOADED"  # settings key: this run's files, read before Pelican asks


def preload_entries(pelican: Any) -> None:
    """`get_generators` handler: read every innovation file of this run up front.

    Pelican asks the reader for one file at a time, which would keep one core busy; this
    reads them all first (`reading.read_all`: in parallel, and from the build cache for
    files unchanged since the last build), and `KatalogReader.read` then takes the stored
    result of a file unchanged since (else it reads the file itself). Problems are reported
    exactly as before: each result carries its file's problems. ``KATALOG_JOBS`` sets the
    number of processes (default: one per core for many files).
    """
    settings = pelican.settings
    folders = tuple(settings.get("ARTICLE_PATHS", ["inovasi"]))[:1]
    root = Path(settings["PATH"]) / folders[0] if folders else None
    paths = sorted(root.rglob("*.md")) if root is not None and root.is_dir() else []
    jobs = settings.get("KATALOG_JOBS")
    taxonomy = state_of(settings).taxonomy
    folder = cache.cache_dir(settings)
    agency = own_agency(settings)
    settings[PRELOADED_KEY] = read_all(paths, taxonomy, jobs, folder, taxonomy_path(settings), agency)


def _preloaded(path: Path, settings: dict[str, Any]) -> ReadResult | None:
    """The preloaded result for `path`, if the file has not changed since it was read."""
    found = settings.get(PRELOADED_KEY, {}).pop(key_of(path), None)
    if found is None or found[0] != stamp(path):
        return None
    return found[1]
