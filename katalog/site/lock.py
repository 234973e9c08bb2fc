"""One build at a time per output folder and per search index.

Two builds writing one `output/` or one Whoosh index would race (an editor's `make html`
while `make devserver` rebuilds). Each build holds an advisory lock (`fcntl.flock`) on a
small file for as long as it runs, and writes its pid there so a second build can say who
it waits for. The kernel drops the lock when the holder dies, however it dies, so a lock
left by a killed build is never an obstacle: its file still names the dead pid, which is
how the next build knows the last one was interrupted (and cleans up after it).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from katalog.errors import KatalogError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: builds are not serialised there
    fcntl = None  # type: ignore[assignment]

POLL_SECONDS = 0.2


class BuildRunningError(KatalogError):
    """Another build holds the lock and this one was told not to wait (or waited too long)."""

    exit_code = 1


def holder(path: Path) -> int | None:
    """The pid written in the lock file at `path`, if any."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def is_held(path: Path) -> bool:
    """Whether a build holds the lock at `path` now, without waiting or taking it: a shared
    lock cannot be had while `build_lock` holds the exclusive one (the API asks this before
    it opens a new index generation)."""
    if fcntl is None:  # pragma: no cover
        return False
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return False  # no lock file: no build ever ran here, or the index was copied
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(descriptor)  # closing drops the shared lock at once
    return False


@contextlib.contextmanager
def build_lock(
    paths: list[Path],
    timeout: float | None = None,
    waiting: Callable[[int | None], None] | None = None,
) -> Iterator[list[int]]:
    """Hold the locks at `paths` (taken in sorted order, so two builds never deadlock).

    `timeout` is how long to wait for another build (None: as long as it takes, 0: not at
    all); `waiting(pid)` is called once when this build has to wait. Yields the pids of
    builds that were killed while holding one of these locks (their file was not emptied).
    """
    if fcntl is None:  # pragma: no cover
        yield []
        return
    held: list[int] = []
    interrupted: list[int] = []
    try:
        for path in sorted({p.resolve() for p in paths}):
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            held.append(descriptor)
            _acquire(descriptor, path, timeout, waiting)
            stale = holder(path)
            if stale is not None and stale != os.getpid():
                interrupted.append(stale)
            os.ftruncate(descriptor, 0)
            os.pwrite(descriptor, f"{os.getpid()}\n".encode("ascii"), 0)
        yield interrupted
    finally:
        for descriptor in reversed(held):
            with contextlib.suppress(OSError):
                os.ftruncate(descriptor, 0)  # emptied: this build ended, it was not killed
                fcntl.flock(descriptor, fcntl.LOCK_UN)  # also for forked children sharing it
            os.close(descriptor)


def _acquire(
    descriptor: int, path: Path, timeout: float | None, waiting: Callable[[int | None], None] | None
) -> None:
    deadline = None if timeout is None else time.monotonic() + timeout
    told = False
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = holder(path)
        else:
            return
        if deadline is not None and time.monotonic() >= deadline:
            who = f" (pid {pid})" if pid else ""
            msg = f"build lain sedang berjalan{who}; tunggu sampai selesai lalu ulangi"
            raise BuildRunningError(msg)
        if not told and waiting is not None:
            waiting(pid)
            told = True
        time.sleep(POLL_SECONDS)
