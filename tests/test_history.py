"""Last-changed dates come from git history, with the file time for what git does not know."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

from katalog.content.history import git_dates, last_changed


def _git(repo: Path, *args: str, when: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}  # fmt: skip
    if when:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)


def test_dates_from_git_newest_commit_wins(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    _git(tmp_path, "init", "-q")
    (content / "a.md").write_text("1", encoding="utf-8")
    (content / "b.md").write_text("1", encoding="utf-8")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "one", when="2024-01-02T03:04:05+00:00")
    (content / "a.md").write_text("2", encoding="utf-8")
    _git(tmp_path, "commit", "-qam", "two", when="2025-06-07T08:09:10+00:00")
    (content / "c.md").write_text("baru", encoding="utf-8")  # not committed
    known = git_dates(content)
    assert last_changed(content / "a.md", known) == dt.datetime(2025, 6, 7, 8, 9, 10, tzinfo=dt.UTC)
    assert last_changed(content / "b.md", known) == dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    os.utime(content / "c.md", (1_700_000_000, 1_700_000_000))
    assert last_changed(content / "c.md", known) == dt.datetime.fromtimestamp(1_700_000_000, tz=dt.UTC)


def test_outside_a_checkout_falls_back_to_file_time(tmp_path: Path) -> None:
    page = tmp_path / "x.md"
    page.write_text("x", encoding="utf-8")
    os.utime(page, (1_600_000_000, 1_600_000_000))
    assert git_dates(tmp_path) == {}
    assert last_changed(page, {}) == dt.datetime.fromtimestamp(1_600_000_000, tz=dt.UTC)
