"""Markdown to sanitised HTML: the only way body text reaches a page.

`markdown` renders, `nh3` (the Ammonia sanitiser) removes everything not on its allow
list: scripts, event handlers, `javascript:`/`data:` URLs, inline styles. Links to other
sites get ``rel="noopener noreferrer"``.
"""

from __future__ import annotations

import html
import re
import threading
from urllib.parse import urljoin

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
    """Remove everything but plain document markup from `html`.

    Images must live on the site itself: an image from another host is a request to a
    third party on every visit (and the Content-Security-Policy would block it anyway), so
    it is replaced by its alt text, its accessible equivalent. (Not by a link: the image
    may already sit inside one, and links do not nest.)
    """
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    if "<img" in clean:
        clean = _IMG.sub(_local_image_or_alt, clean)
    return _ANCHOR.sub(_link_or_text, clean)


# nh3's serialiser quotes every attribute with '"' and escapes '"' inside values.
_IMG = re.compile(r'<img\b(?:[^>"]|"[^"]*")*>')
# Attributes are read left to right, each value whole, so "src=" inside a title is no src.
_ATTR = re.compile(r'\s([a-z][a-z0-9-]*)="([^"]*)"')
_OFF_SITE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|[/\\\\]{2})", re.IGNORECASE)  # scheme, //host, \\host


def _local_image_or_alt(match: re.Match[str]) -> str:
    attrs = dict(_ATTR.findall(match.group(0)))
    src = html.unescape(attrs.get("src", ""))
    # Browsers drop tabs and newlines inside URLs and read '\\' as '/': "/\t/host" is off-site.
    if src and not _OFF_SITE.match(re.sub(r"[\x00-\x20]", "", src)):
        return match.group(0)
    return html.escape(html.unescape(attrs.get("alt", "")), quote=False)


_ANCHOR = re.compile(r'<a\b((?:[^>"]|"[^"]*")*)>(.*?)</a>', re.DOTALL)


def _link_or_text(match: re.Match[str]) -> str:
    """A link whose URL the sanitiser removed (javascript:, data:) becomes its plain text.

    An `<a>` left with `rel` but no `href` is invalid HTML and a dead control for
    keyboard and screen-reader users.
    """
    attrs = dict(_ATTR.findall(" " + match.group(1)))
    return match.group(0) if "href" in attrs else match.group(2)


_RENDERERS = threading.local()


def _renderer() -> markdown.Markdown:
    """This thread's Markdown instance: building one (extensions, patterns) costs more than
    converting a typical body, so it is built once and `reset()` between documents."""
    renderer = getattr(_RENDERERS, "markdown", None)
    if renderer is None:
        renderer = _RENDERERS.markdown = markdown.Markdown(extensions=_EXTENSIONS, output_format="html")
    return renderer


# Where a body sits in its page: an innovation's description under the page's "Uraian"
# (h2), a static page's text right under its title (h1).
BODY_TOP = 3
PAGE_TOP = 2


def render_markdown(text: str, top: int) -> str:
    """Render Markdown to sanitised HTML whose outline starts at `top` (see `outline`)."""
    html = _renderer().reset().convert(text)
    return sanitise(outline(html, top))


_HEADING = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)


def outline(markup: str, top: int) -> str:
    """`markup` with its headings renumbered: the outermost at level `top`, and each one at
    most one level below the heading it belongs under.

    Screen-reader users move through a page by its headings, and a skipped level
    (axe's `heading-order`: an h1 title, then an h3) reads as a missing section. Editors
    write ``##`` or ``#`` for a section and may skip a level; what they mean is the nesting,
    so the levels are derived from it here and no body can break the page's outline: a
    heading nests under the nearest earlier heading with a smaller Markdown level.
    """
    nesting: list[int] = []  # the written levels of the headings now open, outermost first
    level = top

    def renumber(match: re.Match[str]) -> str:
        nonlocal level
        if match.group(1):  # a closing tag: headings do not nest, so it closes the last one
            return f"</h{level}"
        written = int(match.group(2))
        while nesting and nesting[-1] >= written:
            nesting.pop()
        level = min(top + len(nesting), 6)
        nesting.append(written)
        return f"<h{level}"

    return _HEADING.sub(renumber, markup)


_LINKED = re.compile(r'(<(?:a|img)\b(?:[^>"]|"[^"]*")*?\s(?:href|src)=")([^"]*)(")')


def absolute_links(markup: str, base: str) -> str:
    """`markup` (sanitised HTML) with every link and image address made absolute against
    `base`, the page's own URL.

    A body that leaves its site (open data, a network's copy of a member's entry) must not
    keep addresses that only mean something on its own site: read on another site, a
    relative link would point into that site (and fail its link check), and a ``{filename}``
    placeholder would be resolved against its content. A placeholder Pelican did not
    resolve has no address of its own, so it is sent to `base` itself. A link within the
    page (``#bagian``) stays as it is: its anchor is in every copy of the body.
    """

    def absolute(match: re.Match[str]) -> str:
        target = html.unescape(match.group(2))
        if target.startswith("#"):
            return match.group(0)
        found = base if target.startswith(("{", "|")) else urljoin(base, target)
        return f"{match.group(1)}{html.escape(found, quote=True)}{match.group(3)}"

    return _LINKED.sub(absolute, markup)
