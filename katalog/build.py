"""Build the site atomically: render into a fresh folder, then swap it in.

A failed build (invalid content, a template error, an interrupted run) leaves the
previous `output/` exactly as it was. The swap is two renames on the same file system.
"""

from __future__ import annotations

import gc
import logging
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.settings import read_settings

from katalog.cache import TARGET_KEY
from katalog.errors import UsageError
from katalog.outputs import required_plan, save_plan
from katalog.progress import PROGRESS_KEY, Progress, Silent, tracking
from katalog.state import state_of

logger = logging.getLogger("katalog")


@dataclass(frozen=True)
class BuildReport:
    entries: int
    pages: int
    seconds: float
    output: Path
    warnings: int = 0  # warnings logged during the build (katalog's and Pelican's)
    written: int = 0  # outputs rendered or written by this build
    kept: int = 0  # outputs kept unchanged from the previous build (not rendered, not written)


def load_settings(settings_file: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    if not settings_file.is_file():
        msg = f"berkas pengaturan '{settings_file}' tidak ditemukan"
        raise UsageError(msg)
    return read_settings(str(settings_file), override=overrides or {})


def build(
    settings_file: Path = Path("pelicanconf.py"),
    output: Path | None = None,
    overrides: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Build the site into a temporary folder beside `output`, then replace `output` with it.

    `overrides` replace settings (tests point ``PATH`` at a fixture content tree);
    `progress` shows the build advancing (`katalog.progress`; silent when None).
    """
    started = time.perf_counter()
    overrides = dict(overrides or {})
    settings = load_settings(settings_file, overrides)
    target = Path(output or settings["OUTPUT_PATH"]).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    try:
        reporter = progress or Silent()
        settings = load_settings(
            settings_file,
            {**overrides, "OUTPUT_PATH": str(staging), PROGRESS_KEY: reporter, TARGET_KEY: str(target)},
        )
        with tracking(reporter, Path(settings["PATH"])) as warnings:
            pelican = Pelican(settings)
            pelican.run()
        state, plan = state_of(pelican.settings), required_plan(pelican.settings)
        pages = sum(1 for _ in staging.rglob("*.html"))
        _swap(staging, target)
        save_plan(plan, pelican.settings, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        gc.unfreeze()  # frozen after reading (katalog.plugin.after_reading)
    seconds = time.perf_counter() - started
    logger.info("katalog: %s inovasi, %s halaman HTML, %.2f s", len(state.entries), pages, seconds)
    return BuildReport(
        len(state.entries), pages, seconds, target, warnings.count, plan.written, len(plan.kept)
    )


def _swap(staging: Path, target: Path) -> None:
    """Replace `target` by `staging`; the old tree is removed only after the new is in place."""
    staging.chmod(0o755)  # mkdtemp creates 0700; a web server must read the site
    if target.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
        retired.rmdir()
        target.rename(retired)
        staging.rename(target)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        staging.rename(target)
