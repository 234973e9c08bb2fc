"""The engine as a pip package: the wheel alone starts, builds and searches a new catalogue.

Builds the wheel and sdist (`python -m build`), installs the wheel into a fresh virtual
environment in a temporary folder (nothing else of this repository is importable there),
runs `katalog init` with flags and `katalog new`, and `make html` in the new catalogue
with that environment. Then: the pages pass axe and the Nu checker, the search page finds
the entry in Chromium, and no file, in the wheel or the built site, names Kemensetneg.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from katalog.tools.browser import serving

from .axetools import NARROW, WIDE, audit, scripted_pages, written_pages
from .conftest import ROOT
from .test_html_valid import validate
from .test_init import FLAGS

AGENCY_WORDS = (b"kemensetneg", b"setneg")


def run(command: list[str], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(folder), str(ROOT)], ROOT)
    return folder


@pytest.fixture(scope="module")
def new_site(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A catalogue made and built by the installed wheel, in a folder outside this repository."""
    place = tmp_path_factory.mktemp("agency")
    venv = place / "venv"
    run([sys.executable, "-m", "venv", str(venv)], place)
    wheel = next(dist.glob("katalog_inovasi-*.whl"))
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], place, timeout=900)
    katalog = str(venv / "bin" / "katalog")
    site = place / "kota"
    run([katalog, "init", str(site), *FLAGS, "--no-input"], place)
    run([katalog, "new", "Layanan Izin Daring", "--unit", "Diskominfo", "--kind", "digitalisasi",
         "--year", "2024", "--no-input"], site)  # fmt: skip
    # The site's own Makefile, with the fresh environment as its .venv (already holding the wheel).
    run(["make", "html", f"VENV={venv}", f"KATALOG={wheel}"], site, timeout=900)
    yield site


def test_the_wheel_carries_the_engine_and_names_no_agency(dist: Path) -> None:
    wheel = next(dist.glob("katalog_inovasi-*.whl"))
    assert next(dist.glob("katalog_inovasi-*.tar.gz")).is_file()
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        for name in names:
            data = archive.read(name).lower()
            assert not any(word in data for word in AGENCY_WORDS), name
    for needed in ("katalog/theme/templates/base.html", "katalog/theme/static/js/cari.js",
                   "katalog/theme/static/js/bandingkan.js", "katalog/defaults/innovation.schema.json",
                   "katalog/defaults/taxonomy.yaml", "katalog/defaults/sinonim.yaml",
                   "katalog/defaults/kata-dilindungi.txt", "katalog/tools/templates/Makefile.jinja2",
                   "katalog/tools/templates/content/pages/kontribusi.md.jinja2", "katalog/py.typed"):  # fmt: skip
        assert needed in names, needed
    assert not any(name.startswith(("content/", "tests/", "bench/")) for name in names)


def test_the_new_catalogue_builds_and_searches(new_site: Path) -> None:
    output = new_site / "output"
    assert (output / "inovasi" / "layanan-izin-daring" / "index.html").is_file()
    venv_katalog = new_site.parent / "venv" / "bin" / "katalog"
    hits = json.loads(run([str(venv_katalog), "search", "perizinan daring", "--json"], new_site).stdout)
    assert hits[0]["slug"] == "layanan-izin-daring"
    for path in output.rglob("*"):
        if path.is_file():
            assert not any(word in path.read_bytes().lower() for word in AGENCY_WORDS), path


def test_the_new_catalogue_passes_axe_and_finds_in_the_browser(new_site: Path, browser) -> None:
    """Every page `katalog init` and a first entry make, at desktop and phone widths."""
    output = new_site / "output"
    pages = written_pages(output) + scripted_pages(output)
    assert {"", "inovasi/layanan-izin-daring/", "kontribusi/", "cari/?q=layanan"} <= set(pages)
    with serving(output) as url:
        outside: list[str] = []
        found = audit(browser, url, pages, outside, WIDE)
        found.update({f"{p} (320px)": v for p, v in audit(browser, url, pages, outside, NARROW).items()})
        page = browser.new_page()
        page.goto(f"{url}/cari/?q=izin")
        page.locator("#cari-hasil li").first.wait_for(timeout=10_000)
        first = page.locator("#cari-hasil li a").first.get_attribute("href")
        page.close()
    assert {path: v for path, v in found.items() if v} == {}
    assert outside == []
    assert first is not None and "layanan-izin-daring" in first


def test_the_new_catalogue_is_valid_html(new_site: Path) -> None:
    done = validate(new_site / "output", minimum=10)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
