"""Every hostile page that builds, opened in real Chromium: nothing runs, nothing leaves.

One site holds all of them (built once for this module) and is served by `katalog.tools.serve`,
so the browser enforces the production Content-Security-Policy headers as well as the
meta tag. Requests to any host other than the local server are recorded and aborted.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from katalog.tools.browser import serving

from .test_hostile import PAGES, hostile_site_once


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site, _ = hostile_site_once(tmp_path_factory)
    with serving(site) as url:
        yield url


class Watch:
    """A page with listeners for dialogs, errors and every request leaving the server."""

    def __init__(self, browser, origin: str) -> None:
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.outside: list[str] = []
        self.errors: list[str] = []
        host = urlsplit(origin).netloc
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.context.route("**/*", lambda route: self._route(route, host))

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _route(self, route, host: str) -> None:
        url = route.request.url
        if urlsplit(url).netloc == host:
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def open(self, url: str) -> None:
        self.page.goto(url, wait_until="load")
        # Give timers, focus and toggle handlers a moment to fire if any had survived.
        self.page.mouse.move(200, 300)
        self.page.keyboard.press("Tab")
        self.page.wait_for_timeout(50)

    def close(self) -> None:
        self.context.close()


def test_no_hostile_page_opens_a_dialog_runs_content_or_leaves_localhost(browser, served: str) -> None:
    watch = Watch(browser, served)
    try:
        ran: dict[str, int] = {}
        for name in PAGES:
            watch.open(f"{served}/inovasi/{name}/")
            # Any script element that is not one of our files or JSON-LD data came from content.
            ran[name] = watch.page.evaluate(
                """() => [...document.scripts].filter(s =>
                    s.type !== 'application/ld+json' && !/\\/theme\\/js\\/[a-z-]+\\.js$/.test(s.src)).length"""
            )
        assert watch.dialogs == []
        assert watch.outside == []
        assert watch.errors == []
        assert ran == dict.fromkeys(PAGES, 0)
    finally:
        watch.close()


def test_payloads_show_as_plain_text(browser, served: str) -> None:
    watch = Watch(browser, served)
    try:
        watch.open(f"{served}/inovasi/xss-title-script/")
        assert watch.page.locator("h1").inner_text() == "</script><script>alert('judul')</script> Judul"
        watch.open(f"{served}/inovasi/xss-summary-img-onerror/")
        assert watch.page.locator("p.lead").inner_text() == '<img src=x onerror=alert("ringkasan")> Ringkasan'
        assert watch.dialogs == []
    finally:
        watch.close()


def test_home_comparison_and_search_pages_stay_inert_with_hostile_titles(browser, served: str) -> None:
    watch = Watch(browser, served)
    try:
        watch.open(f"{served}/")
        watch.open(f"{served}/bandingkan/?pilih=xss-title-script,xss-summary-img-onerror,body-svg-math")
        watch.page.locator("#hasil table.compare").wait_for(timeout=10_000)
        heads = watch.page.locator("#hasil thead th").all_inner_texts()
        assert heads[0] == "</script><script>alert('judul')</script> Judul"
        watch.open(f"{served}/cari/?q=script")
        assert watch.dialogs == []
        assert watch.outside == []
        assert watch.errors == []
    finally:
        watch.close()
