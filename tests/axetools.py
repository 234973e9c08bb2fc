"""axe-core in Chromium over a served site, with every request off the local server refused."""

from __future__ import annotations

from urllib.parse import urlsplit


def open_page(browser, served: str, path: str, outside: list[str], **context: object):
    """A new page at `served`/`path`; requests to any other host are aborted and listed."""
    ctx = browser.new_context(**context)
    host = urlsplit(served).netloc

    def route(r) -> None:
        if urlsplit(r.request.url).netloc == host:
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    page = ctx.new_page()
    page.goto(f"{served}/{path}", wait_until="load")
    return page


def axe_violations(browser, served: str, paths: list[str], outside: list[str]) -> dict[str, list[str]]:
    """Path -> axe's violations (any impact) on it; search and comparison pages are read
    after their script has rendered."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found: dict[str, list[str]] = {}
    page = open_page(browser, served, "", outside)
    for path in paths:
        page.goto(f"{served}/{path}", wait_until="load")
        if path.startswith("cari/?"):
            page.locator("#cari-hasil li").first.wait_for(timeout=10_000)
        if path.startswith("bandingkan/?"):
            page.locator("#hasil table.compare").wait_for(timeout=10_000)
        results = axe.run(page)
        found[path] = [
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
        ]
    page.context.close()
    return found
