"""The Pelican reader for our Markdown files (innovations and static pages).

Innovation files under ``inovasi/`` go through `validate.load_entry`; the validated
`Entry` rides along in the metadata, so nothing downstream re-parses the file. An invalid
file is recorded in the build state and skipped here; the build is stopped, with every
problem listed, before anything is written (see `plugin.stop_on_problems`).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from pelican.readers import BaseReader
from pelican.utils import SafeDatetime
from pydantic import ValidationError

from katalog import frontmatter
from katalog.errors import Problem
from katalog.frontmatter import FrontMatterError
from katalog.history import git_dates, last_changed
from katalog.model import StaticPage
from katalog.render import render_markdown
from katalog.state import state_of, taxonomy_path
from katalog.taxonomy import Taxonomy
from katalog.validate import LoadResult, display_path, load_entries, load_entry, translate_errors
from katalog.views import EntryView

SKIP = {"status": "skip", "title": "", "slug": ""}
DRAFT_STATUS = "draft"  # taxonomy status of work in progress
DRAFT_MARK = "DRAF"  # shown on a draft's page and card in development builds


class KatalogReader(BaseReader):
    """Reads ``.md`` files with YAML front matter, validating them against our models."""

    enabled = True
    file_extensions = ("md",)

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        path = Path(source_path)
        state = state_of(self.settings)
        if _is_innovation(path, self.settings):
            result = _preloaded(path, self.settings) or load_entry(path, state.taxonomy)
            if result.entry is None:
                state.problems.extend(result.problems)
                return "", dict(SKIP)
            entry = result.entry
            is_draft = entry.innovation.status == DRAFT_STATUS
            if is_draft and not self.settings.get("KATALOG_INCLUDE_DRAFTS", False):
                # Validated, then left out: not written, indexed, exported or fed.
                return "", dict(SKIP)
            state.entries.append(entry)
            innovation = entry.innovation
            year = innovation.year or 2000
            metadata = {
                "title": innovation.title,
                "slug": entry.slug,
                "summary": innovation.summary,
                "date": SafeDatetime(year, 1, 1),
                "entry": entry,
                "innovation": innovation,
                "view": EntryView.of(entry, state.taxonomy, self.settings, self._changed(path)),
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
        where = display_path(path)
        try:
            text = frontmatter.decode(path.read_bytes(), where)
            parts = frontmatter.split(text, where)
            located = frontmatter.parse_yaml(parts.yaml_text, where, parts.yaml_first_line)
            page = StaticPage.model_validate(located.data)
        except FrontMatterError as exc:
            problems.append(exc.problem)
            return "", dict(SKIP)
        except ValidationError as exc:
            problems.extend(translate_errors(exc, located, where))
            return "", dict(SKIP)
        metadata: dict[str, Any] = {"title": page.title, "slug": page.slug, "date": dt.datetime(2000, 1, 1)}
        if page.summary:
            metadata["summary"] = page.summary
        return render_markdown(parts.body), metadata


def _is_innovation(path: Path, settings: dict[str, Any]) -> bool:
    root = Path(settings["PATH"]).resolve()
    try:
        relative = path.resolve().relative_to(root)
    except ValueError:
        return False
    return relative.parts[:1] == tuple(settings.get("ARTICLE_PATHS", ["inovasi"]))[:1]


PRELOADED_KEY = "KATALOG_PRELOADED"  # settings key: this run's entries, validated in parallel
PARALLEL_FROM = 100  # innovation files from which reading is spread over every core


def preload_entries(pelican: Any) -> None:
    """`get_generators` handler: validate every innovation file of this run on every core.

    Pelican asks the reader for one file at a time, which would keep one core busy; this
    reads them all first (`validate.load_entries`), and `KatalogReader.read` then takes
    the stored result of a file unchanged since (else it reads the file itself). Problems
    are reported exactly as before: each result carries its file's problems.
    ``KATALOG_JOBS`` sets the number of processes (default: one per core, from
    PARALLEL_FROM files; 1 turns preloading off).
    """
    settings = pelican.settings
    settings[PRELOADED_KEY] = {}
    folders = tuple(settings.get("ARTICLE_PATHS", ["inovasi"]))[:1]
    root = Path(settings["PATH"]) / folders[0] if folders else None
    paths = sorted(root.rglob("*.md")) if root is not None and root.is_dir() else []
    jobs = settings.get("KATALOG_JOBS") or ((os.cpu_count() or 1) if len(paths) >= PARALLEL_FROM else 1)
    if jobs <= 1:
        return
    taxonomy = Taxonomy.load(taxonomy_path(settings))
    results = load_entries(paths, taxonomy, jobs)
    settings[PRELOADED_KEY] = {
        str(path.resolve()): (_stamp(path), result) for path, result in zip(paths, results, strict=True)
    }


def _preloaded(path: Path, settings: dict[str, Any]) -> LoadResult | None:
    """The preloaded result for `path`, if the file has not changed since it was read."""
    found = settings.get(PRELOADED_KEY, {}).pop(str(path.resolve()), None)
    if found is None or found[0] != _stamp(path):
        return None
    return found[1]


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_mtime_ns, status.st_size
