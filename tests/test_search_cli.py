"""`katalog search` as a whole process: one clean line for a missing or damaged index, and
a start-up that imports only what a query needs (no timing is asserted here: see
``bench/search_startup.py``)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from katalog.errors import SearchIndexError, UsageError
from katalog.search import index as index_module
from katalog.search import query as query_module
from katalog.search.documents import index_version
from katalog.tools.cli import main

from .conftest import ROOT

BROKEN = "rusak atau dari versi lain"
HINT = "jalankan `make html` untuk membangunnya ulang"
GARBAGE = bytes(range(256)) * 64  # not random: the same damage in every run


def _one(folder: Path, pattern: str) -> Path:
    (found,) = sorted(folder.glob(pattern))
    return found


def _truncate(path: Path, size: int) -> None:
    with path.open("r+b") as stream:
        stream.truncate(size)


def _overwrite(path: Path) -> None:
    path.write_bytes(GARBAGE[: path.stat().st_size])


def _rename_pickled_module(toc: Path) -> None:
    """The schema names a module this version lacks, as after a module moved (same length,
    so the pickle's framing stays valid)."""
    data = toc.read_bytes()
    assert b"katalog.search.documents" in data
    toc.write_bytes(data.replace(b"katalog.search.documents", b"katalog.search.documentz"))


def _segment_becomes_folder(folder: Path) -> None:
    segment = _one(folder, "*.seg")
    segment.unlink()
    segment.mkdir()  # unreadable for anyone, root included (chmod 000 is not, for root)


# Each damage: what it does to a copy of a built index, and what the reason names (only
# where our code, or the OS, decides it: Whoosh's own errors for bad bytes may change).
DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "toc-deleted": (lambda ix: _one(ix, "_MAIN_*.toc").unlink(), "TOC"),
    "toc-truncated": (lambda ix: _truncate(_one(ix, "_MAIN_*.toc"), 10), ""),
    "toc-empty": (lambda ix: _truncate(_one(ix, "_MAIN_*.toc"), 0), ""),
    "toc-garbage": (lambda ix: _overwrite(_one(ix, "_MAIN_*.toc")), ""),
    "toc-names-a-moved-module": (lambda ix: _rename_pickled_module(_one(ix, "_MAIN_*.toc")), "documentz"),
    "segment-deleted": (lambda ix: _one(ix, "*.seg").unlink(), "FileNotFoundError"),
    "segment-truncated": (lambda ix: _truncate(_one(ix, "*.seg"), _one(ix, "*.seg").stat().st_size // 2), ""),
    "segment-empty": (lambda ix: _truncate(_one(ix, "*.seg"), 0), ""),
    "segment-garbage": (lambda ix: _overwrite(_one(ix, "*.seg")), ""),
    "segment-unreadable": (_segment_becomes_folder, "IsADirectoryError"),
    "version-of-another-schema": (
        lambda ix: (ix / "KATALOG_VERSION").write_text("schema-0/old\n", encoding="utf-8"),
        "schema-0/old",
    ),
    "version-not-text": (
        lambda ix: (ix / "KATALOG_VERSION").write_bytes(b"\xff\xfe\x00"),
        "UnicodeDecodeError",
    ),
}


@pytest.fixture(scope="module")
def built_index(fixture_site: Path) -> Path:
    return fixture_site.parent / ".katalog-whoosh"


@pytest.fixture
def index_copy(built_index: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "whoosh"
    shutil.copytree(built_index, copy)
    return copy


def _katalog(*args: str, stdout: int = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it: its own process, from the project root."""
    command = [sys.executable, "-m", "katalog.tools.cli", *args]
    return subprocess.run(command, cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE, text=True, check=False)


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_index_is_one_line_and_exit_1(
    damage: str, index_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["search", "perjalanan dinas", "--index", str(index_copy)]) == 0
    capsys.readouterr()
    spoil, reason = DAMAGE[damage]
    spoil(index_copy)
    assert main(["search", "perjalanan dinas", "--index", str(index_copy)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"katalog: indeks pencarian di '{index_copy}' {BROKEN} (")
    assert lines[0].endswith(f"); {HINT}")
    assert reason in lines[0]


@pytest.mark.parametrize("damage", ["toc-garbage", "segment-truncated", "version-of-another-schema"])
def test_a_damaged_index_never_prints_a_traceback(damage: str, index_copy: Path) -> None:
    DAMAGE[damage][0](index_copy)
    done = _katalog("search", "layanan", "--index", str(index_copy))
    assert (done.returncode, done.stdout) == (1, "")
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and BROKEN in done.stderr and HINT in done.stderr


@pytest.mark.parametrize(
    "prepare",
    [
        pytest.param(lambda ix: shutil.rmtree(ix), id="no-folder"),
        pytest.param(lambda ix: [p.unlink() for p in ix.iterdir()], id="empty-folder"),
        pytest.param(lambda ix: (ix / "KATALOG_VERSION").unlink(), id="build-never-finished"),
    ],
)
def test_a_missing_index_is_a_usage_error(
    prepare: Callable[[Path], object], index_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prepare(index_copy)
    assert main(["search", "layanan", "--index", str(index_copy)]) == 2
    assert capsys.readouterr().err == (
        f"katalog: indeks pencarian di '{index_copy}' belum ada; jalankan `make html` dahulu\n"
    )


def test_opening_a_missing_or_damaged_index_raises_katalog_errors(index_copy: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="belum ada"):
        index_module.open_index(tmp_path / "none")
    _overwrite(_one(index_copy, "_MAIN_*.toc"))
    with pytest.raises(SearchIndexError, match=BROKEN):
        index_module.open_index(index_copy)


def test_the_query_side_knows_the_writer_side_names() -> None:
    """query.py cannot import index.py (its build dependencies); the names must agree."""
    assert query_module.VERSION_FILE == index_module.VERSION_FILE
    assert index_version().startswith(query_module.QUERYABLE_VERSION)


# Modules a query does not need; each was imported by `katalog search` before.
NOT_FOR_A_QUERY = (
    "pydantic",
    "numpy",
    "pelican",
    "markdown",
    "katalog.content.model",
    "katalog.content.validate",
    "katalog.search.index",
    "katalog.search.postings",
    "katalog.search.scoring",
    "whoosh.query",
    "whoosh.searching",
)  # Whoosh's own import brings asyncio and urllib.request (see bench/README.md)
PROBE = """
import json, sys
from katalog.tools.cli import main
code = main(sys.argv[1:])
loaded = [m for m in {modules!r} if m in sys.modules]
print(json.dumps({{"code": code, "loaded": loaded}}))
"""


def _probe(*args: str) -> tuple[list[dict[str, object]], dict[str, object]]:
    script = PROBE.format(modules=NOT_FOR_A_QUERY)
    done = subprocess.run(
        [sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    hits_text, _, report = done.stdout.rpartition("\n{")
    return json.loads(hits_text), json.loads("{" + report)


def test_a_query_process_imports_only_what_it_needs(built_index: Path) -> None:
    hits, report = _probe("search", "perjalanan dinas", "--json", "--index", str(built_index))
    assert report == {"code": 0, "loaded": []}
    assert hits[0]["slug"] == "simpel"


@pytest.mark.parametrize(
    "args",
    [
        ["perjalanan dinas luar negri"],
        ["istana untuk rakyat", "--limit", "2"],
        ["istana", "--unit", "biro-ktln"],
        ["layanan", "--tahun", "2018", "--jenis", "digitalisasi"],
    ],
)
def test_a_fresh_process_finds_what_the_library_finds(
    args: list[str], built_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fresh process (lazy imports) finds what this one (everything imported) finds."""
    assert main(["search", *args, "--json", "--index", str(built_index)]) == 0
    expected = json.loads(capsys.readouterr().out)
    hits, report = _probe("search", *args, "--json", "--index", str(built_index))
    assert hits == expected
    assert report["code"] == 0


def test_a_reader_that_leaves_early_gets_no_traceback(built_index: Path) -> None:
    """`katalog search ... | head -0`: the pipe is closed before the first line."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = _katalog("search", "layanan", "--index", str(built_index), stdout=write_end)
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (0, "")


def test_the_startup_benchmark_prints_its_ratio(
    built_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import search_startup

    assert search_startup.main(["--index", str(built_index), "--runs", "1"]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert re.fullmatch(r"ratio \(median of 1\): \d+\.\d\d× wall, \d+\.\d\d× CPU", last), last
