"""Build the site atomically: render into a fresh folder, then swap it in.

A failed build (invalid content, a template error, an interrupted run) leaves the
previous `output/` exactly as it was. On Linux the swap is one atomic exchange of two
directory entries (`renameat2` with ``RENAME_EXCHANGE``), so even a build killed at any
instant leaves either the old site or the new one in `output/`; elsewhere it is two
renames. One build runs per output and index at a time (`katalog.site.lock`), and each
build first removes what killed builds left beside `output/`.
"""

from __future__ import annotations

import ctypes
import errno
import gc
import logging
import os
import shutil
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pelican import Pelican
from pelican.settings import DEFAULT_CONFIG, read_settings

from katalog.errors import ConfigError, UsageError
from katalog.site.cache import TARGET_KEY, cache_dir, index_dir, remove_leftovers
from katalog.site.config import check_settings
from katalog.site.lock import build_lock
from katalog.site.outputs import required_plan, save_plan
from katalog.site.overrides import use_theme_overrides
from katalog.site.progress import PROGRESS_KEY, Progress, Silent, tracking
from katalog.site.related import abandon_index_update
from katalog.site.state import state_of

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
    """Read a site's settings, check them (`katalog.site.config`), and resolve its overrides.

    A settings file that cannot even be executed (a syntax error, a failed import) is
    reported on its line, never as a traceback.
    """
    if not settings_file.is_file():
        msg = f"berkas pengaturan '{settings_file}' tidak ditemukan"
        raise UsageError(msg)
    try:
        settings = read_settings(str(settings_file), override=dict(overrides or {}))
    except Exception as exc:
        raise ConfigError([_unreadable(settings_file, exc)]) from None
    check_settings(settings, settings_file, frozenset(DEFAULT_CONFIG))
    site = settings_file.resolve().parent
    use_theme_overrides(settings, site)
    settings["KATALOG_NETWORK"] = str(site / settings.get("KATALOG_NETWORK", "jaringan.yaml"))
    return settings


def _unreadable(settings_file: Path, exc: Exception) -> str:
    """`file:line: ...` for an exception raised while executing the settings file."""
    line = getattr(exc, "lineno", None)
    if line is None:
        frames = [
            f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == settings_file.resolve()
        ]
        line = frames[-1].lineno if frames else 1
    return f"{settings_file.name}:{line}: berkas pengaturan tidak dapat dibaca: {type(exc).__name__}: {exc}"


def build(
    settings_file: Path = Path("pelicanconf.py"),
    output: Path | None = None,
    overrides: dict[str, Any] | None = None,
    progress: Progress | None = None,
    wait: float | None = None,
) -> BuildReport:
    """Build the site into a temporary folder beside `output`, then replace `output` with it.

    `overrides` replace settings (tests point ``PATH`` at a fixture content tree);
    `progress` shows the build advancing (`katalog.site.progress`; silent when None);
    `wait` is how long to wait for another build of the same output or index (None: as
    long as it takes; 0: fail at once with `lock.BuildRunning`).
    """
    started = time.perf_counter()
    overrides = dict(overrides or {})
    settings = load_settings(settings_file, overrides)
    target = Path(output or settings["OUTPUT_PATH"]).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    located = {**settings, TARGET_KEY: str(target)}
    with build_lock(build_locks(located), wait, tell_waiting) as interrupted:
        reporter = progress or Silent()
        with tracking(reporter, Path(settings["PATH"])) as warnings:
            _clean_after_killed_builds(target, cache_dir(located), interrupted)
            staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
            try:
                staged = {"OUTPUT_PATH": str(staging), PROGRESS_KEY: reporter, TARGET_KEY: str(target)}
                settings = load_settings(settings_file, {**overrides, **staged})
                pelican = Pelican(settings)
                pelican.run()
                state, plan = state_of(pelican.settings), required_plan(pelican.settings)
                pages = sum(1 for _ in staging.rglob("*.html"))
                _swap(staging, target)
                save_plan(plan, pelican.settings, target)
            except BaseException:
                _stop_index_writer(settings)
                shutil.rmtree(staging, ignore_errors=True)
                raise
            finally:
                gc.unfreeze()  # frozen after reading (katalog.site.plugin.after_reading)
    seconds = time.perf_counter() - started
    logger.info("katalog: %s inovasi, %s halaman HTML, %.2f s", len(state.entries), pages, seconds)
    return BuildReport(
        len(state.entries), pages, seconds, target, warnings.count, plan.written, len(plan.kept)
    )


def _stop_index_writer(settings: dict[str, Any]) -> None:
    """A build that failed before handing the Whoosh writer its documents stops it."""
    try:
        state = state_of(settings)
    except TypeError:
        return  # the plugin never started
    abandon_index_update(state)


def build_locks(settings: dict[str, Any]) -> list[Path]:
    """The locks a build of these settings' output holds: its cache folder's and its index's."""
    index = index_dir(settings)
    return [cache_dir(settings) / "build.lock", index.with_name(index.name + ".lock")]


def tell_waiting(pid: int | None) -> None:
    """Say, once, that this build waits for another (`lock.build_lock`'s `waiting`)."""
    who = f" (pid {pid})" if pid else ""
    logger.warning("katalog: build lain sedang berjalan%s; menunggu sampai selesai…", who)


def _clean_after_killed_builds(target: Path, cache: Path, interrupted: list[int]) -> None:
    """Remove the staging and retired copies of the site, and the half-written cache files,
    that killed builds left; under the lock, so none of them belongs to a running build."""
    leftovers = [
        *target.parent.glob(f".{target.name}-new-*"),
        *target.parent.glob(f".{target.name}-old-*"),
    ]
    for folder in leftovers:
        shutil.rmtree(folder, ignore_errors=True)
    remove_leftovers(cache)
    if interrupted or leftovers:
        who = ", ".join(f"pid {pid}" for pid in sorted(set(interrupted))) or "build sebelumnya"
        logger.warning(
            "katalog: build sebelumnya (%s) terhenti di tengah jalan; %s salinan sisa dihapus",
            who,
            len(leftovers),
        )


def _swap(staging: Path, target: Path) -> None:
    """Replace `target` by `staging`; the old tree is removed only after the new is in place."""
    staging.chmod(0o755)  # mkdtemp creates 0700; a web server must read the site
    if not target.exists():
        staging.rename(target)
    elif _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # the old site, now under the staging name
    else:
        retired = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
        retired.rmdir()
        target.rename(retired)
        staging.rename(target)
        shutil.rmtree(retired, ignore_errors=True)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> bool:
    """Swap two directory entries in one step (Linux `renameat2`); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP}:
        return False  # the kernel or the file system cannot exchange: rename twice instead
    raise OSError(code, os.strerror(code), str(second))
