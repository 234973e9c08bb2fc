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
from pydantic import ValidationError

from katalog import frontmatter
from katalog.errors import Problem
from katalog.frontmatter import FrontMatterError
from katalog.history import git_dates, last_changed
from katalog.model import StaticPage
from katalog.render import render_markdown
from katalog.state import state_of
from katalog.validate import display_path, load_entry, translate_errors
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
            result = load_entry(path, state.taxonomy)
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
