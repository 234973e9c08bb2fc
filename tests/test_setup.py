"""`make test` on a fresh machine: missing system packages are installed, or named in one line."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .conftest import ROOT


def test_without_root_a_missing_java_is_named_in_one_line(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_id = bin_dir / "id"
    fake_id.write_text("#!/bin/sh\necho 1000\n", encoding="utf-8")  # not root, and no java on PATH
    fake_id.chmod(0o755)
    done = subprocess.run(
        ["/bin/bash", str(ROOT / "scripts" / "test-deps.sh")],
        capture_output=True, text=True, check=False, env={"PATH": str(bin_dir)}, timeout=30,
    )  # fmt: skip
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "make test: pasang dulu paket Debian berikut, lalu ulangi: sudo apt-get install"
    )
    assert lines[0].endswith("default-jre-headless")


def test_the_test_target_checks_system_packages_first() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "test: $(STAMP) test-deps" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
