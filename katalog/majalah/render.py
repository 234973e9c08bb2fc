"""The Majalah laid out and written as a PDF: Jinja templates, a print stylesheet, WeasyPrint.

Why WeasyPrint rather than headless Chromium (already a test dependency): it implements
the CSS for paged media that a printed catalogue needs, in one pass — page numbers in the
table of contents and the index with ``target-counter()``, running heads, left and right
pages for duplex, PDF bookmarks from ``bookmark-level``, the ``lang`` and title in the
PDF's metadata — where Chromium has no ``target-counter()`` (two passes and a text search
for page numbers) and no running heads. It is pure Python over Pango, which Debian
provides (`scripts/majalah-deps.sh`), and it embeds every font it uses.

Each innovation gets exactly one page. After laying the Majalah out, every entry whose
end lands on a later page than its start is set again in the compact style (smaller
type) and the whole is laid out once more; one still too long keeps its extra page, with
a warning naming it. The file is written beside the target and renamed over it, so a
failed run leaves the previous PDF in place.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
import warnings
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from katalog import __version__
from katalog.content.freshness import today
from katalog.errors import UsageError
from katalog.majalah.layout import Edition
from katalog.majalah.qr import qr_svg
from katalog.site.overrides import template_dirs

if TYPE_CHECKING:
    from weasyprint import Document

logger = logging.getLogger("katalog")

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STYLESHEET = HERE / "static" / "majalah.css"
TEMPLATE = "majalah.html"
END = "akhir-"  # the anchor closing an entry's page: it must land on the page of its start
DEFAULT_ACCENT = "#8a1c1c"  # the theme's (site.css); KATALOG_COLORS["accent"] replaces both
MISSING_PACKAGES = (
    "Majalah Inovasi memerlukan paket tambahan 'majalah' (WeasyPrint, segno); pasang dengan "
    "`make install`, atau: .venv/bin/pip install 'katalog-inovasi[majalah]'"
)
MISSING_PANGO = (
    "WeasyPrint tidak menemukan pustaka Pango ({error}); pasang dengan `make majalah` sebagai "
    "root, atau: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
)


@dataclass(frozen=True)
class Rendered:
    """What was written, for the command's summary line and the tests."""

    path: Path
    pages: int
    entry_pages: Mapping[str, tuple[int, int]]  # anchor -> (first, last) page, numbered from 1
    compact: frozenset[str]  # anchors set in the compact style to fit their page

    @property
    def overflowing(self) -> list[str]:
        return [anchor for anchor, (first, last) in self.entry_pages.items() if last > first]


def environment(settings: Mapping[str, Any]) -> jinja2.Environment:
    """The site's Jinja setup (autoescape, filters), reading the Majalah's templates first
    and then the theme's, so the site's macros and overrides are at hand."""
    options = dict(settings.get("JINJA_ENVIRONMENT") or {"autoescape": True})
    folders = [TEMPLATES, *template_dirs(dict(settings))]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(f) for f in folders]), **options)
    env.filters.update(settings.get("JINJA_FILTERS") or {})
    env.globals["qr"] = lambda url: Markup(qr_svg(url))  # segno's own SVG: no text of ours in it
    return env


def html_of(
    edition: Edition,
    settings: Mapping[str, Any],
    compact: Collection[str] = (),
    created: dt.date | None = None,
) -> str:
    """The Majalah as one HTML document; `compact` names the entries set in smaller type."""
    template = environment(settings).get_template(TEMPLATE)
    return template.render(
        e=edition,
        compact=frozenset(compact),
        created=(created or today(settings)).isoformat(),
        version=__version__,
        END=END,
    )


def _weasyprint() -> Any:
    """WeasyPrint, or a user error saying what to install (the extra, or Pango)."""
    try:
        with warnings.catch_warnings():  # said on import; a machine without fonts is fine: ours are bundled
            warnings.filterwarnings("ignore", message="No fonts configured in FontConfig")
            import weasyprint
    except ImportError:
        raise UsageError(MISSING_PACKAGES) from None
    except OSError as exc:  # cffi could not open Pango, GLib or HarfBuzz
        raise UsageError(MISSING_PANGO.format(error=exc)) from None
    return weasyprint


def _layout(html: str, accent: str) -> Document:
    weasyprint = _weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    styles = [
        weasyprint.CSS(filename=str(STYLESHEET), font_config=fonts),
        weasyprint.CSS(string=f":root {{ --accent: {accent}; }}", font_config=fonts),
    ]
    return weasyprint.HTML(string=html, base_url=str(TEMPLATES)).render(stylesheets=styles, font_config=fonts)


def anchor_pages(document: Document) -> dict[str, int]:
    """Every anchor of the laid-out document -> the page it is on (numbered from 1)."""
    found: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            found.setdefault(anchor, number)
    return found


def entry_pages(document: Document, edition: Edition) -> dict[str, tuple[int, int]]:
    pages = anchor_pages(document)
    return {p.anchor: (pages[p.anchor], pages[END + p.anchor]) for p in edition.entries}


def render(edition: Edition, settings: Mapping[str, Any], target: Path) -> Rendered:
    """Lay the Majalah out (fitting each entry to its page) and write it to `target`."""
    created = today(settings)
    accent = (settings.get("KATALOG_COLORS") or {}).get("accent", DEFAULT_ACCENT)
    document = _layout(html_of(edition, settings, created=created), accent)
    spans = entry_pages(document, edition)
    compact = frozenset(anchor for anchor, (first, last) in spans.items() if last > first)
    if compact:
        document = _layout(html_of(edition, settings, compact, created), accent)
        spans = entry_pages(document, edition)
    rendered = Rendered(target, len(document.pages), spans, compact)
    for anchor in rendered.overflowing:
        first, last = spans[anchor]
        logger.warning(
            "katalog: majalah: %s memakan %d halaman (hlm. %d-%d); persingkat isiannya agar muat satu",
            anchor.removeprefix("inovasi-"),
            last - first + 1,
            first,
            last,
        )
    _write(document, target)
    return rendered


def _write(document: Document, target: Path) -> None:
    """Write beside `target`, then rename over it: a reader never sees half a PDF."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=f".{target.name}-", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        document.write_pdf(partial, pdf_tags=True)  # tagged: a screen reader follows the structure
        Path(partial).chmod(0o644)
        Path(partial).replace(target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
