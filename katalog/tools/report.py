"""`katalog check --report`: what each entry still lacks, as ``lengkapi/`` lists it.

The page and this report share `katalog.content.completeness` (what "unknown" means and the
order), and take the same entries: those a build with the same settings would write
(`inventory.is_published`: drafts too in a development build). The coverage line counts
the whole catalogue, so it is printed only when every innovation file of the site was
checked; a report on a few files says nothing about the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from katalog.content.checking import collect_files
from katalog.content.completeness import coverage_of, most_incomplete_first, report_lines
from katalog.content.validate import Entry
from katalog.site.inventory import is_published


def completeness_report(
    files: Sequence[Path], entries: Sequence[Entry], settings: Mapping[str, Any]
) -> list[str]:
    """The report's lines for the checked `files`, whose valid entries are `entries`."""
    shown = [entry for entry in entries if is_published(settings, entry)]
    lacking = most_incomplete_first(shown)
    coverage = None
    if _covers_the_site(files, settings):
        coverage = coverage_of((e.innovation for e in entries), settings.get("KATALOG_REPORTED_TOTAL"))
    return report_lines(lacking, len(shown), coverage)


def _covers_the_site(files: Sequence[Path], settings: Mapping[str, Any]) -> bool:
    """Whether `files` include every innovation file of the site (`ARTICLE_PATHS`)."""
    folders = [Path(settings["PATH"]) / folder for folder in settings["ARTICLE_PATHS"]]
    site = collect_files([folder for folder in folders if folder.is_dir()])
    return {path.resolve() for path in site} <= {path.resolve() for path in files}
