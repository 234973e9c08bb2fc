"""Make the editors' guide screenshots: a new scaffold, the devserver's error page, and the
home page on a phone as visitors see it.

Run from the project root: ``.venv/bin/python scripts/screenshots.py``. It writes
``content/images/panduan/berkas-baru.png``, ``galat-pratinjau.png`` and ``beranda-ponsel.png``
with headless Chromium (Debian's ``/usr/bin/chromium``), so the pictures in
``content/pages/kontribusi.md`` can be refreshed whenever the overlay or the scaffold
changes. Nothing here is part of the build.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import YamlLexer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from katalog.tools.browser import headless_chromium, serving  # noqa: E402 (after the path set-up above)
from katalog.tools.devserver import DevServer  # noqa: E402
from katalog.tools.scaffold import scaffold_text  # noqa: E402

OUT = ROOT / "content" / "images" / "panduan"
SCAFFOLD_LINES = 32  # the top of the file: the modeline and the first keys with their comments
PHONE = {"width": 390, "height": 844}  # the first screen the guide shows: search before anything else
PHONE_QUERY = "perjalanan dinas"


def scaffold_page(folder: Path) -> Path:
    """The top of a new scaffold, highlighted like a code editor, as a local HTML file."""
    text = scaffold_text(
        "Layanan Tamu Istana",
        {"unit": "Biro Hubungan Masyarakat", "kind": ["digitalisasi"], "year": 2024},
    )
    top = "\n".join(text.splitlines()[:SCAFFOLD_LINES])
    formatter = HtmlFormatter(linenos="table", style="monokai", full=True)
    page = highlight(top, YamlLexer(), formatter)
    chrome = (
        "<style>body{margin:0;background:#272822;font:15px/1.45 'DejaVu Sans Mono',monospace}"
        ".tab{background:#1e1f1c;color:#f8f8f2;padding:6px 14px;font:13px sans-serif}"
        "h2{display:none}pre{margin:0}td.linenos{color:#75715e;padding-right:10px}</style>"
        '<div class="tab">content/inovasi/layanan-tamu-istana.md</div>'
    )
    path = folder / "scaffold.html"
    path.write_text(page.replace("<body>", "<body>" + chrome, 1), encoding="utf-8")
    return path


def broken_site(folder: Path) -> tuple[DevServer, Path]:
    """A devserver on the three-entry fixture site with one file broken, as an editor would."""
    content = folder / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "site", content)
    overrides = {
        "PATH": str(content),
        "KATALOG_TAXONOMY": str(ROOT / "content" / "taxonomy.yaml"),
        "KATALOG_INDEX_DIR": str(folder / "whoosh"),
    }
    server = DevServer(ROOT / "pelicanconf.py", folder / "output", overrides, port=0, say=lambda _: None)
    server.start()
    source = content / "inovasi" / "simpel.md"
    source.write_text(source.read_text(encoding="utf-8").replace("year: 2017", 'year: "2017"'), "utf-8")
    while server.state.ok:  # the watcher notices the save and rebuilds, as for an editor
        time.sleep(0.1)
    return server, source


def phone_home(browser: object, folder: Path) -> None:
    """This catalogue's home page on a phone, built from `content/`, a query typed in its box."""
    output = folder / "beranda"
    command = [sys.executable, "-m", "katalog.tools.cli", "build", "--settings", "pelicanconf.py"]
    subprocess.run([*command, "--output", str(output)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    with serving(output) as url:
        page = browser.new_page(viewport=PHONE, device_scale_factor=1)
        page.goto(url + "/")
        page.get_by_label("Cari inovasi").fill(PHONE_QUERY)
        page.locator("#beranda-hasil li").first.wait_for()
        page.screenshot(path=str(OUT / "beranda-ponsel.png"))
        page.close()


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, headless_chromium() as browser:
        folder = Path(tmp)
        page = browser.new_page(viewport={"width": 960, "height": 700}, device_scale_factor=1)
        page.goto(scaffold_page(folder).as_uri())
        page.screenshot(path=str(OUT / "berkas-baru.png"), full_page=True)
        server, source = broken_site(folder)
        try:
            page.goto(server.url + "inovasi/simpel/")
            page.locator(".katalog-overlay").wait_for()
            # Show the path as an editor sees it, not the temporary folder.
            page.evaluate(
                "([from, to]) => document.querySelectorAll('code.file')"
                ".forEach(e => { e.textContent = e.textContent.replace(from, to); })",
                [str(source), "content/inovasi/simpel.md"],
            )
            page.screenshot(path=str(OUT / "galat-pratinjau.png"), full_page=True)
        finally:
            server.stop()
        phone_home(browser, folder)
    for name in ("berkas-baru.png", "galat-pratinjau.png", "beranda-ponsel.png"):
        print(OUT / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
