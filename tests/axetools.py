"""axe-core in Chromium over a served site, with every request off the local server refused.

`written_pages` lists what a build wrote, at run time, so a page added to the engine later
is checked without anyone adding it to a list; `audit` runs axe over them in one browser
context and one tab (axe injected by the browser into each document it loads).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}  # WCAG 1.4.10: content reflows at 320 CSS px


def written_pages(output: Path) -> list[str]:
    """Every HTML file under `output`, as the path a visitor requests ("unit/x/" for
    ``unit/x/index.html``, "" for the home page)."""
    pages = []
    for file in sorted(output.rglob("*.html")):
        path = file.relative_to(output).as_posix()
        pages.append(path.removesuffix("index.html") if file.name == "index.html" else path)
    return pages


# The first value of the search page's first filter (folded away in a <template> until wanted).
FIRST_FILTER = re.compile(
    r'<select id="cari-[\w-]+" name="([\w-]+)">\s*<option value="">[^<]*</option>\s*<option value="([^"]+)"'
)


def scripted_pages(output: Path) -> list[str]:
    """The pages whose content a script writes from the address: a search with results, the
    same search with a filter (which puts the filters in place), and a comparison of two
    entries, chosen from the site's own open data."""
    records = json.loads((output / "data" / "inovasi.json").read_text(encoding="utf-8"))
    pages = []
    if records:
        word = records[0]["title"].split()[0].lower()
        pages.append(f"cari/?q={quote(word)}")
        search = output / "cari" / "index.html"
        found = FIRST_FILTER.search(search.read_text(encoding="utf-8")) if search.exists() else None
        if found:
            pages.append(f"cari/?q={quote(word)}&{found[1]}={quote(found[2])}")
    if len(records) > 1:
        pages.append(f"bandingkan/?pilih={records[0]['slug']},{records[1]['slug']}")
    return pages


def open_page(browser, served: str, path: str, outside: list[str], **context: object):
    """A new page at `served`/`path`; requests to any other host are aborted and listed."""
    page = _context(browser, served, outside, **context).new_page()
    page.goto(f"{served}/{path}", wait_until="load")
    return page


def _context(browser, served: str, outside: list[str], **context: object):
    ctx = browser.new_context(**context)
    host = urlsplit(served).netloc

    def route(r) -> None:
        if urlsplit(r.request.url).netloc == host:
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    return ctx


def audit(
    browser, served: str, paths: list[str], outside: list[str], viewport: dict[str, int] = WIDE
) -> dict[str, list[str]]:
    """Path -> what is wrong on it at `viewport`: axe's violations (any impact), and the
    page scrolling sideways. Search and comparison pages are read after their script has
    rendered.

    One context and one tab for all paths: a context per page costs more than axe on a
    small page. axe is added to the context as an init script (Playwright's, so the site's
    CSP does not apply to it), which the browser evaluates in each new document, instead
    of sending its 570 kB source over the protocol for every page.
    """
    from axe_playwright_python.sync_playwright import Axe

    ctx = _context(browser, served, outside, viewport=viewport)
    ctx.add_init_script(Axe().axe_script)
    page = ctx.new_page()
    found: dict[str, list[str]] = {}
    try:
        for path in paths:
            page.goto(f"{served}/{path}", wait_until="load")
            if path.startswith("cari/?"):  # its results, or its status saying there are none
                page.locator("#cari-status:not(:empty)").wait_for(timeout=10_000)
            if path.startswith("bandingkan/?"):
                page.locator("#hasil table.compare").wait_for(timeout=10_000)
            results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
            found[path] = [
                f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
                for v in results["violations"]
            ]
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > viewport["width"]:
                found[path].append(f"scrolls sideways: {width}px at {viewport['width']}px")
    finally:
        ctx.close()
    return found


def axe_violations(browser, served: str, paths: list[str], outside: list[str]) -> dict[str, list[str]]:
    """`audit` at the desktop width (kept for callers that check a chosen list of pages)."""
    return audit(browser, served, paths, outside)
