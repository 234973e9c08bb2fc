"""The build heals itself: damaged derived data, concurrent builds, killed builds.

The Whoosh index and the build cache are derived data: damaged, they are discarded and
rebuilt with one warning line. One build runs per output at a time; a second waits or
says who holds the lock. A build killed at any moment leaves either the old site or the
new one in `output/`, and the next build cleans up after it and equals a clean build.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from katalog.errors import ContentError
from katalog.search.index import FILES_FILE, VERSION_FILE
from katalog.search.query import search
from katalog.site.cache import CACHE_KEY, TARGET_KEY, cache_dir
from katalog.site.lock import BuildRunningError, build_lock, is_held
from tests.conftest import FIXTURES, ROOT, build_site


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` (relative path -> digest of its bytes)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.blake2b(p.read_bytes(), digest_size=16).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _cache_of(output: Path) -> Path:
    """The cache folder of `output` itself (one per output folder, named by its path)."""
    return cache_dir({TARGET_KEY: str(output.resolve()), CACHE_KEY: str(_cache(output))})


def _index(output: Path) -> Path:
    return output.parent / ".katalog-whoosh"


def _cache(output: Path) -> Path:
    return output.parent / ".katalog-cache"


# --- damaged index and cache ----------------------------------------------------------


def _segment(index: Path) -> Path:
    return next(index.glob("*.seg"))


def _toc(index: Path) -> Path:
    return next(index.glob("_MAIN_*.toc"))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "segment truncated": lambda ix: os.truncate(_segment(ix), 100),
    "segment emptied": lambda ix: os.truncate(_segment(ix), 0),
    "segment overwritten": lambda ix: _segment(ix).write_bytes(b"\0garbage" * 4096),
    "segment byte flipped": lambda ix: _flip(_segment(ix)),
    "segment deleted": lambda ix: _segment(ix).unlink(),
    "toc truncated": lambda ix: os.truncate(_toc(ix), 100),
    "toc deleted": lambda ix: _toc(ix).unlink(),
    "file list garbage": lambda ix: (ix / FILES_FILE).write_text("{not json", encoding="utf-8"),
    "version garbage": lambda ix: (ix / VERSION_FILE).write_bytes(b"\xff\xfe"),
}


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site built once; tests copy it (output, index and cache) to damage it."""
    output = tmp_path_factory.mktemp("healthy") / "output"
    build_site(FIXTURES / "site", output)
    return output


def _copy(built: Path, tmp_path: Path) -> Path:
    shutil.copytree(built.parent, tmp_path / "site")
    return tmp_path / "site" / "output"


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_index_is_rebuilt_with_one_warning(
    built: Path, tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    output = _copy(built, tmp_path)
    DAMAGE[damage](_index(output))
    report = build_site(FIXTURES / "site", output)
    lines = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    if damage == "version garbage":  # another version: rebuilt quietly, as after an upgrade
        assert report.warnings == 0, lines
    else:
        assert report.warnings == 1, lines
        assert "indeks pencarian" in lines[0]
        assert "dibangun ulang" in lines[0]
    hits = search(_index(output), "perjalanan dinas luar negeri")
    assert hits
    assert hits[0].slug == "simpel"
    assert tree(output) == tree(built)
    assert build_site(FIXTURES / "site", output).warnings == 0  # healed for good


@pytest.mark.parametrize("name", ["entries.pickle", "outputs.pickle", "related.pickle"])
@pytest.mark.parametrize("how", ["truncated", "garbage", "byte flipped"])
def test_a_damaged_cache_file_is_recomputed_with_one_warning(
    built: Path, tmp_path: Path, name: str, how: str, caplog: pytest.LogCaptureFixture
) -> None:
    output = tmp_path / "output"
    build_site(FIXTURES / "site", output)  # the cache is per output folder: no copy
    cached = _cache_of(output) / name
    {
        "truncated": lambda: os.truncate(cached, cached.stat().st_size // 2),
        "garbage": lambda: cached.write_bytes(b"not a cache"),
        "byte flipped": lambda: _flip(cached),
    }[how]()
    report = build_site(FIXTURES / "site", output)
    lines = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert report.warnings == 1, lines
    assert name in lines[0]
    assert "dihitung ulang" in lines[0]
    assert tree(output) == tree(built)


# --- one build at a time ----------------------------------------------------------------

HOLD = """
import sys, time
from pathlib import Path
from katalog.site.cache import CACHE_KEY, TARGET_KEY, cache_dir
from katalog.site.lock import build_lock
with build_lock([Path(p) for p in sys.argv[1:]]):
    print("held", flush=True)
    time.sleep(30)
"""


def _locks(output: Path) -> list[Path]:
    """The lock files a build of `output` takes (the cache's per output, the index's)."""
    index = _index(output)
    return [_cache_of(output) / "build.lock", index.with_name(index.name + ".lock")]


def _hold(paths: list[Path]) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, *map(str, paths)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_build_that_may_not_wait_names_the_running_one(built: Path, tmp_path: Path) -> None:
    output = _copy(built, tmp_path)
    before = tree(output)
    holder = _hold(_locks(output))
    try:
        with pytest.raises(BuildRunningError, match=rf"build lain sedang berjalan \(pid {holder.pid}\)"):
            build_site(FIXTURES / "site", output, wait=0)
    finally:
        holder.kill()
        holder.wait()
    assert tree(output) == before


def test_a_second_build_waits_for_the_first(
    built: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    output = _copy(built, tmp_path)
    holder = _hold(_locks(output))
    started = time.monotonic()
    try:
        subprocess.Popen(["sh", "-c", f"sleep 1.5; kill {holder.pid}"])
        report = build_site(FIXTURES / "site", output)
    finally:
        holder.wait()
    assert time.monotonic() - started >= 1.0  # it waited for the holder
    assert any(f"pid {holder.pid}" in r.getMessage() and "menunggu" in r.getMessage() for r in caplog.records)
    assert report.entries == 3
    assert tree(output) == tree(built)


def test_two_cli_builds_at_once_both_succeed_without_a_traceback(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(ROOT / "content", site / "content")
    shutil.copy(ROOT / "pelicanconf.py", site)
    command = [sys.executable, "-m", "katalog.tools.cli", "build"]
    runs = [subprocess.Popen(command, cwd=site, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(run.wait(timeout=120), run.stderr.read() if run.stderr else "") for run in runs]
    for code, stderr in results:
        assert code == 0, stderr
        assert "Traceback" not in stderr
    assert any("build lain sedang berjalan" in stderr for _, stderr in results)


def test_a_lock_left_by_a_killed_build_is_taken_over(
    built: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    output = _copy(built, tmp_path)
    dead = subprocess.Popen(["true"])
    dead.wait()
    for lock in _locks(output):
        lock.parent.mkdir(parents=True, exist_ok=True)
        lock.write_text(f"{dead.pid}\n", encoding="ascii")  # as a killed build leaves it
    report = build_site(FIXTURES / "site", output, wait=0)
    assert report.entries == 3
    assert any(f"pid {dead.pid}" in r.getMessage() and "terhenti" in r.getMessage() for r in caplog.records)
    assert all(lock.read_text(encoding="ascii") == "" for lock in _locks(output))  # released cleanly


def test_the_lock_is_free_after_a_failed_build(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "site", content)
    (content / "inovasi" / "rusak.md").write_text("---\ntitle: [\n---\nisi\n", encoding="utf-8")
    output = tmp_path / "output"
    with pytest.raises(ContentError, match="YAML tidak sah"):
        build_site(content, output)
    with build_lock(_locks(output), timeout=0):
        pass  # taken at once


def test_a_held_lock_is_seen_without_being_taken(tmp_path: Path) -> None:
    lock = tmp_path / "whoosh.lock"
    assert not is_held(lock)  # no file: no build ever ran
    with build_lock([lock], timeout=0):
        assert is_held(lock)
    assert not is_held(lock)
    with build_lock([lock], timeout=0):  # asking did not take it
        pass


# --- killed builds ----------------------------------------------------------------------


def test_the_next_build_removes_what_killed_builds_left(built: Path, tmp_path: Path) -> None:
    output = _copy(built, tmp_path)
    for name in (".output-new-a1b2c3", ".output-old-d4e5f6"):
        shutil.copytree(output, output.parent / name)
    cache = _cache_of(output)
    cache.mkdir(parents=True, exist_ok=True)
    (cache / ".entries.pickle-x7y8z9").write_bytes(b"half written")
    build_site(FIXTURES / "site", output)
    assert sorted(p.name for p in output.parent.glob(".output-*")) == []
    assert not list(cache.glob(".*"))
    assert tree(output) == tree(built)


BUILD = """
import json, sys
from pathlib import Path
from katalog.site.build import build
build(Path(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3]))
"""


def _overrides(content: Path, output: Path) -> dict[str, str]:
    return {
        "PATH": str(content),
        "KATALOG_TAXONOMY": str(ROOT / "content" / "taxonomy.yaml"),
        "KATALOG_SYNONYMS": str(ROOT / "content" / "sinonim.yaml"),
        "KATALOG_PROTECTED_WORDS": str(ROOT / "content" / "kata-dilindungi.txt"),
        "KATALOG_INDEX_DIR": str(_index(output)),
        "KATALOG_CACHE_DIR": str(_cache(output)),
    }


def _start_build(content: Path, output: Path) -> subprocess.Popen[bytes]:
    arguments = [str(ROOT / "pelicanconf.py"), str(output), json.dumps(_overrides(content, output))]
    return subprocess.Popen(
        [sys.executable, "-c", BUILD, *arguments], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def _finish(process: subprocess.Popen[bytes]) -> None:
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr.decode()


def _second_version(content: Path) -> None:
    """Edit one entry, delete one, add one: a new site that differs from the old in many files."""
    entries = sorted((content / "inovasi").glob("*.md"))
    (content / "inovasi" / f"{entries[0].stem}-salinan.md").write_text(
        entries[0]
        .read_text(encoding="utf-8")
        .replace(f"slug: {entries[0].stem}", f"slug: {entries[0].stem}-salinan", 1),
        encoding="utf-8",
    )
    first = entries[0].read_text(encoding="utf-8")
    entries[0].write_text(first.replace("title: ", "title: Versi Baru ", 1), encoding="utf-8")
    texts = {path: path.read_text(encoding="utf-8") for path in entries}
    unlinked = next(p for p in entries[1:] if not any(p.stem in t for q, t in texts.items() if q != p))
    unlinked.unlink()  # one no other entry links to or builds on


def test_a_build_killed_at_random_moments_leaves_old_or_new_and_heals(tmp_path: Path) -> None:
    """SIGKILL the build (the main process only, as `kill -9` does) at 20 random moments of
    its run (reading, rendering, index writing, swapping): `output/` is always exactly the
    old site or the new one, and the next build equals a clean build byte for byte."""
    versions = {}
    for name in ("old", "new"):
        content = tmp_path / name / "content"
        shutil.copytree(ROOT / "content", content)
        if name == "new":
            _second_version(content)
        reference = tmp_path / name / "reference" / "output"
        started = time.monotonic()
        _finish(_start_build(content, reference))
        versions[name] = (content, tree(reference), time.monotonic() - started)
    assert versions["old"][1] != versions["new"][1]
    cold = min(seconds for _, _, seconds in versions.values())

    output = tmp_path / "site" / "output"
    _finish(_start_build(versions["old"][0], output))
    current, warm, kills = "old", cold, 0
    rng = random.Random(20261201)  # reproducible moments
    for attempt in range(20):
        target = "new" if current == "old" else "old"
        starts_cold = attempt % 4 == 3
        if starts_cold:
            shutil.rmtree(_cache(output))  # some runs start cold: a longer reading phase
        moment = rng.uniform(0.05, 0.95 * (cold if starts_cold else warm))
        process = _start_build(versions[target][0], output)
        time.sleep(moment)
        process.send_signal(signal.SIGKILL)
        kills += process.wait() == -signal.SIGKILL
        found = tree(output)
        assert found in (versions[current][1], versions[target][1]), (
            f"attempt {attempt}: killed after {moment:.2f} s, output/ is a mix"
        )
        started = time.monotonic()
        _finish(_start_build(versions[target][0], output))
        warm = time.monotonic() - started
        assert tree(output) == versions[target][1], f"attempt {attempt}: the build after the kill differs"
        assert not list(output.parent.glob(".output-*"))
        current = target
    assert kills >= 15  # most moments fell inside a running build


def test_build_no_wait_on_the_command_line_exits_1_naming_the_holder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "site", site / "content")
    shutil.copy(ROOT / "pelicanconf.py", site)
    shutil.copy(ROOT / "content" / "taxonomy.yaml", site / "content")
    located = {TARGET_KEY: str((site / "output").resolve()), CACHE_KEY: str(site / ".katalog" / "cache")}
    holder = _hold([cache_dir(located) / "build.lock"])
    try:
        run = subprocess.run(
            [sys.executable, "-m", "katalog.tools.cli", "build", "--no-wait"],
            cwd=site,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        holder.kill()
        holder.wait()
    assert run.returncode == 1
    assert f"build lain sedang berjalan (pid {holder.pid})" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (site / "output").exists()
