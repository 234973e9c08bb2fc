"""When each content file last changed: from git history when the content is a checkout.

One `git log` over the whole content folder (not one call per file, which would cost a
process per entry on a national-size catalogue); files git does not know fall back to
their modification time.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

_MARK = "@@katalog@@"


def git_dates(folder: Path) -> dict[Path, dt.datetime]:
    """Latest commit time of every file under `folder` that git tracks (empty if not a checkout)."""
    try:
        top = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--show-toplevel"],
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout.strip()  # fmt: skip
        log = subprocess.run(
            ["git", "-C", top, "log", f"--format={_MARK}%cI", "--name-only", "--", str(folder.resolve())],
            capture_output=True, text=True, check=True, timeout=120,
        ).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return {}
    dates: dict[Path, dt.datetime] = {}
    current: dt.datetime | None = None
    for line in log.splitlines():
        if line.startswith(_MARK):
            current = dt.datetime.fromisoformat(line.removeprefix(_MARK))
        elif line and current is not None:
            dates.setdefault((Path(top) / line).resolve(), current)  # newest commit comes first
    return dates


def last_changed(path: Path, known: dict[Path, dt.datetime]) -> dt.datetime:
    """Commit time from `known`, else the file's modification time (uncommitted edits)."""
    if known:  # resolving costs a system call per file: only when there is history to look in
        resolved = path.resolve()
        if resolved in known:
            return known[resolved]
    return dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC).replace(microsecond=0)
