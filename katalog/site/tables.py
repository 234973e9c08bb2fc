"""A body's tables, each in a scroll container that the keyboard can reach.

A wide table (many columns, long codes) must not make the whole page scroll sideways on a
phone (WCAG 1.4.10, reflow), so it scrolls inside its own container. A container that
scrolls must be reachable by keyboard, and announced when it gets focus (axe's
`scrollable-region-focusable`): ``tabindex="0"``, ``role="region"`` and a name. Which
table will be too wide depends on the screen, so every top-level table of a body gets one.

Applied when a page is written (the Jinja filter ``scrollable_tables``, which the plugin
gives every build: `katalog.site.plugin.THEME_FILTERS`), not when Markdown is rendered:
the open data and feeds carry the body without this presentation markup, and a network's
harvested bodies get it like our own.
"""

from __future__ import annotations

import html
import re

CLASS = "table-scroll"  # site.css: overflow-x: auto (compare.css styles the same class)

# The body is sanitised HTML (`katalog.content.render.sanitise`): tables and headings carry
# no attributes but `align` on cells, so their tags are matched exactly.
_MARK = re.compile(r"<(/?)(table|h[2-6])>")
_TAG = re.compile(r"<[^>]*>")


def scrollable_tables(markup: str) -> str:
    """`markup` with each table not inside another wrapped in a named, focusable region.

    The name is "Tabel N" (unique on the page: axe's `landmark-unique`), followed by the
    heading the table stands under, which says what it lists: "Tabel 1: Kolom CSV".
    """
    if "<table>" not in markup:
        return markup
    parts: list[str] = []
    done = depth = count = 0
    heading = ""
    heading_start = -1
    for match in _MARK.finditer(markup):
        closing, tag = match.group(1), match.group(2)
        if tag != "table":
            if not closing:
                heading_start = match.end()
            elif heading_start >= 0:
                heading = " ".join(html.unescape(_TAG.sub("", markup[heading_start : match.start()])).split())
                heading_start = -1
            continue
        if closing:
            depth = max(depth - 1, 0)
            if depth == 0:
                parts += [markup[done : match.end()], "</div>"]
                done = match.end()
            continue
        if depth == 0:
            count += 1
            name = f"Tabel {count}: {heading}" if heading else f"Tabel {count}"
            parts += [markup[done : match.start()], _opening(name)]
            done = match.start()
        depth += 1
    parts.append(markup[done:])
    return "".join(parts)


def _opening(name: str) -> str:
    label = html.escape(name, quote=True)
    return f'<div class="{CLASS}" role="region" tabindex="0" aria-label="{label}">'
