"""Where the engine's package data lives: the default theme, vocabularies, word lists, schema.

Everything a new catalogue needs ships inside the package (``pip install`` is enough);
a site's own files (``content/``, ``theme/``) extend or override these, never edit them.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
THEME = PACKAGE / "theme"  # templates/ and static/ of the default theme
DEFAULTS = PACKAGE / "defaults"  # vocabularies, word lists and the generic JSON Schema
QUICKSTART = PACKAGE / "tools" / "templates"  # the files `katalog init` writes
# `katalog import`'s template sheets in DEFAULTS (katalog.tools.sheettemplate writes them);
# every build publishes them under data/, so their names live here, not in the importer.
IMPORT_TEMPLATE_NAME = "templat-impor"
IMPORT_TEMPLATES = (f"{IMPORT_TEMPLATE_NAME}.xlsx", f"{IMPORT_TEMPLATE_NAME}.csv")
