"""Markdown to sanitised HTML: the only way body text reaches a page.

`markdown` renders, `nh3` (the Ammonia sanitiser) removes everything not on its allow
list: scripts, event handlers, `javascript:`/`data:` URLs, inline styles. Links to other
sites get ``rel="noopener noreferrer"``.
"""

from __future__ import annotations

import re

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
_EXTENSIONS = ["extra", "sane_lists"]


def sanitise(html: str) -> str:
    """Remove everything but plain document markup from `html`."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Render Markdown to sanitised HTML; headings start at h2 (h1 is the page title)."""
    html = markdown.markdown(text, extensions=_EXTENSIONS, output_format="html")
    return sanitise(_HEADING.sub(_shift_heading, html))


_HEADING = re.compile(r"<(/?)h([1-5])\b")


def _shift_heading(match: re.Match[str]) -> str:
    return f"<{match.group(1)}h{int(match.group(2)) + 1}"
