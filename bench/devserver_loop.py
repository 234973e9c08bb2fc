"""Time the editor's loop in `make devserver`: save a file -> the open page shows the change.

Run from the project root::

    .venv/bin/python bench/devserver_loop.py [ROUNDS] [--entries N] [--http]

Without ``--entries`` it works on a copy of the real ``content/`` (30 entries); with it, on
the synthetic corpus of N entries (`bench.synthetic`, seed 7) in a temporary folder. The
page of one entry is watched either in headless Chromium (the default) or, with
``--http``, by fetching it every 20 ms (no browser competing for the cores). For each kind
of save (edit the summary, break the YAML, fix it again) it prints the wall time from the
write to what the editor sees: the new text, the error page, the page back. It also prints
when the devserver had the whole site up to date again (`complete`): the devserver shows the
edited page first and finishes the rest of the site afterwards (`katalog.site.session`).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from katalog.tools.devserver import DevServer  # noqa: E402 (after the path set-up above)

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
ENTRY = "simpel"
TIMEOUT = 600.0  # seconds: a full rebuild of 10,000 entries on a busy machine


def corpus(tmp: Path, entries: int | None) -> tuple[dict[str, str], Path]:
    """The content to serve (settings overrides) and the entry file whose page is watched."""
    if entries is None:
        content = tmp / "content"
        shutil.copytree(ROOT / "content", content)
        overrides = {"PATH": str(content)}
        source = content / "inovasi" / f"{ENTRY}.md"
    else:
        from bench.synthetic import generate

        content = generate(entries, tmp / "syn", formats=("katalog",)) / "katalog"
        overrides = {"PATH": str(content), "KATALOG_TAXONOMY": str(content / "taxonomy.yaml")}
        source = sorted((content / "inovasi").glob("*.md"))[entries // 2]
    overrides |= {"KATALOG_INDEX_DIR": str(tmp / "whoosh"), "KATALOG_CACHE_DIR": str(tmp / "cache")}
    return overrides, source


def wait_until(check: Callable[[], bool], what: str) -> None:
    deadline = time.perf_counter() + TIMEOUT
    while not check():
        if time.perf_counter() > deadline:
            msg = f"no {what} after {TIMEOUT:.0f} s"
            raise TimeoutError(msg)
        time.sleep(0.02)


class HttpWatcher:
    """Fetches the watched page, as a reloading browser would, without a browser."""

    def __init__(self, server: DevServer, path: str) -> None:
        self.server, self.url = server, f"{server.url}{path}"

    def _page(self) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def shows(self, marker: str) -> bool:
        status, text = self._page()
        return status == 200 and marker in text

    def lacks(self, marker: str) -> bool:
        status, text = self._page()
        return status == 200 and marker not in text

    def broken(self) -> bool:
        status, text = self._page()
        return status == 500 and "katalog-overlay" in text


def complete(server: DevServer) -> bool:
    """Whether the devserver has nothing left to do (older devservers: always)."""
    idle = getattr(server, "idle", None)
    return idle() if idle is not None else True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rounds", nargs="?", type=int, default=5)
    parser.add_argument("--entries", type=int, default=None, help="synthetic corpus of N entries")
    parser.add_argument("--http", action="store_true", help="fetch the page instead of Chromium")
    args = parser.parse_args(argv)
    times: dict[str, list[float]] = {"edit": [], "break": [], "fix": [], "complete": []}
    with tempfile.TemporaryDirectory(prefix="katalog-devloop-") as tmp:
        overrides, source = corpus(Path(tmp), args.entries)
        server = DevServer(
            ROOT / "pelicanconf.py", Path(tmp) / "output", overrides, port=0, say=lambda _: None
        )
        started = time.perf_counter()
        server.start()
        first = time.perf_counter() - started
        with Watching(server, f"inovasi/{_slug_of(source)}/", args.http) as watcher:
            original = source.read_text(encoding="utf-8")
            for n in range(args.rounds):
                for kind, seconds in one_round(server, watcher, source, original, n).items():
                    times[kind].append(seconds)
        server.stop()
    print(f"rounds: {args.rounds}; entries: {args.entries or 30}; "
          f"watcher: {'http' if args.http else 'chromium'}; first build: {first:.1f} s")  # fmt: skip
    for kind, found in times.items():
        median = statistics.median(found)
        print(f"{kind:>8}: median {median:.2f} s (min {min(found):.2f}, max {max(found):.2f})")
    print(json.dumps({"entries": args.entries or 30, "times": times}))
    return 0


def one_round(server: DevServer, watcher: Any, source: Path, original: str, n: int) -> dict[str, float]:
    """Edit the summary, break the YAML, fix it: the seconds until each shows (and until the
    edit's site was complete)."""
    marker = f"Uji putaran {n}."
    edited = original.replace("\nsummary: ", f"\nsummary: {marker} ", 1)
    started = time.perf_counter()
    found = {"edit": _timed(source, edited, lambda: watcher.shows(marker), "edit")}
    wait_until(lambda: complete(server), "complete site")  # the pass is running: not idle before
    found["complete"] = time.perf_counter() - started
    broken = edited.replace("\ntitle: ", "\ntitle: [", 1)
    found["break"] = _timed(source, broken, watcher.broken, "error page")
    found["fix"] = _timed(source, original, lambda: watcher.lacks(marker), "fix")
    wait_until(lambda: complete(server), "complete site")
    return found


def _timed(source: Path, text: str, check: Callable[[], bool], what: str) -> float:
    started = time.perf_counter()
    source.write_text(text, encoding="utf-8")
    wait_until(check, what)
    return time.perf_counter() - started


def _slug_of(source: Path) -> str:
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith("slug: "):
            return line.removeprefix("slug: ").strip().strip("'\"")
    return source.stem


class _Browser:
    """Chromium on the watched page: what an editor's open tab does."""

    def __init__(self, page: Any) -> None:
        self.page = page

    def _lead(self) -> str:
        try:
            return self.page.locator("p.lead").first.inner_text(timeout=200)
        except Exception:  # reloading, or the overlay has no lead paragraph
            return ""

    def shows(self, marker: str) -> bool:
        return marker in self._lead()

    def lacks(self, marker: str) -> bool:
        lead = self._lead()
        return bool(lead) and marker not in lead

    def broken(self) -> bool:
        return self.page.locator(".katalog-overlay").count() > 0


class Watching:
    def __init__(self, server: DevServer, path: str, http: bool) -> None:
        self.server, self.path, self.http = server, path, http

    def __enter__(self) -> Any:
        if self.http:
            return HttpWatcher(self.server, self.path)
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = self.browser.new_page()
        page.goto(f"{self.server.url}{self.path}")
        return _Browser(page)

    def __exit__(self, *exc: object) -> None:
        if not self.http:
            self.browser.close()
            self.playwright.stop()


if __name__ == "__main__":
    sys.exit(main())
