"""Time the editor's loop in `make devserver`: save a file -> the open page shows the change.

Run from the project root: ``.venv/bin/python bench/devserver_loop.py [ROUNDS]``. Works on a
copy of the real ``content/`` (30 entries) in a temporary folder, with headless Chromium
on one entry page, and prints for each kind of save (edit, break, fix) the wall time from
the write to what the editor sees (new text, the error page, the page back), next to the
build time alone; the ratio says how much of the loop is the rebuild itself.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from katalog.tools.devserver import DevServer  # noqa: E402 (after the path set-up above)

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
ENTRY = "simpel"


def main(rounds: int) -> int:
    from playwright.sync_api import expect, sync_playwright

    loops: dict[str, list[float]] = {"edit": [], "break": [], "fix": []}
    builds: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        content = Path(tmp) / "content"
        shutil.copytree(ROOT / "content", content)
        overrides = {"PATH": str(content), "KATALOG_INDEX_DIR": str(Path(tmp) / "whoosh")}
        server = DevServer(
            ROOT / "pelicanconf.py", Path(tmp) / "output", overrides, port=0, say=lambda _: None
        )
        server.start()
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(f"{server.url}inovasi/{ENTRY}/")
        source = content / "inovasi" / f"{ENTRY}.md"
        original = source.read_text(encoding="utf-8")
        lead = page.locator("p.lead")
        for n in range(rounds):
            marker = f"Uji putaran {n}."
            edited = original.replace("\nsummary: ", f"\nsummary: {marker} ", 1)
            started = time.perf_counter()
            source.write_text(edited, encoding="utf-8")
            expect(lead).to_contain_text(marker, timeout=60_000)
            loops["edit"].append(time.perf_counter() - started)
            builds.append(server.state.report.seconds)
            started = time.perf_counter()
            source.write_text(edited.replace("\ntitle: ", "\ntitle: [", 1), encoding="utf-8")
            expect(page.locator(".katalog-overlay")).to_be_visible(timeout=60_000)
            loops["break"].append(time.perf_counter() - started)
            started = time.perf_counter()
            source.write_text(original, encoding="utf-8")
            expect(lead).not_to_contain_text(marker, timeout=60_000)
            loops["fix"].append(time.perf_counter() - started)
        browser.close()
        server.stop()
    build = statistics.median(builds)
    print(f"rounds: {rounds}; entries: 30; median build alone: {build:.2f} s")
    for kind, times in loops.items():
        median = statistics.median(times)
        print(f"{kind:>5}: median {median:.2f} s (min {min(times):.2f}, max {max(times):.2f}); "
              f"loop/build ratio {median / build:.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5))
