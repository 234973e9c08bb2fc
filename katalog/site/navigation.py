"""The main menu: the ways into the catalogue, declared once, each shown only if it is built.

Every page's header (``base.html``) prints the same menu and marks the current item with
``aria-current``; the static pages (about, guides) are listed in the footer instead, so the
menu stays one line on a desktop and a short list behind a button on a phone.

An item is listed only when the build writes its page: a facet index, or one of the pages
`inventory.FIXED_PAGES` predicts. A link to a page no generator writes would fail every
build's link check (`katalog.site.links`); the statistics page ``statistik/`` thus joins
the menu as soon as its generator is registered there (tests/test_home_search.py checks the
menu against the written pages).

The menu reaches the templates as a Jinja global (Pelican's ``JINJA_GLOBALS`` setting),
not as a context value: it is part of the settings, so the site key of the incremental
build (`katalog.site.outputs.site_key`) covers it with the rest of the code.
"""

from __future__ import annotations

from typing import Any

from katalog.content.facets import FACETS
from katalog.site.inventory import FIXED_PAGES

MENU_GLOBAL = "MAIN_MENU"  # the templates' name for it (upper case: it lives in the settings)
MENU_FACETS = ("unit", "bidang", "jenis", "tahun")  # facet indexes worth a menu item; status is on each entry

# (folder, label) in the menu's order: searching first, then browsing, then the tools.
MENU: tuple[tuple[str, str], ...] = (
    ("cari/", "Cari"),
    *((f"{spec.key}/", spec.label) for key in MENU_FACETS for spec in FACETS if spec.key == key),
    ("replikasi/", "Replikasi"),
    ("bandingkan/", "Bandingkan"),
    ("statistik/", "Statistik"),
)


def menu_links() -> list[tuple[str, str]]:
    """The `MENU` items whose page the build writes, as (folder, label) pairs."""
    written = {*FIXED_PAGES, *(f"{spec.key}/" for spec in FACETS)}
    return [(folder, label) for folder, label in MENU if folder in written]


def use_menu(settings: dict[str, Any]) -> None:
    """Give the templates the menu (before the generators, which read ``JINJA_GLOBALS``
    when they make their Jinja environment, are created)."""
    settings["JINJA_GLOBALS"] = {**settings.get("JINJA_GLOBALS", {}), MENU_GLOBAL: menu_links()}
