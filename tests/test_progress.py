"""Build progress: plain lines off a terminal, a bar on one, and the closing one-line summary."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pytest

from katalog.site.build import build
from katalog.site.progress import Bar, Plain, reporter_for, summary, tracking
from katalog.tools.cli import main

from .conftest import FIXTURES, ROOT, TAXONOMY


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_progress_lines_follow_the_build(tmp_path: Path) -> None:
    stream = io.StringIO()
    overrides = {
        "PATH": str(FIXTURES / "site"),
        "KATALOG_TAXONOMY": str(TAXONOMY),
        "KATALOG_INDEX_DIR": str(tmp_path / "whoosh"),
    }
    report = build(ROOT / "pelicanconf.py", tmp_path / "out", overrides, progress=Plain(stream))
    lines = stream.getvalue().splitlines()
    assert lines[0] == "katalog: membaca 4 berkas…"
    assert lines[1:5] == [f"katalog: dibaca {n}/4 berkas" for n in (1, 2, 3, 4)]
    assert lines[5] == "katalog: menulis halaman…"
    written = int(re.fullmatch(r"katalog: ditulis (\d+) halaman", lines[6]).group(1))
    assert written == report.pages  # every HTML page was written through Pelican's writer
    assert "\r" not in stream.getvalue()


def test_the_reporter_depends_on_the_terminal_and_ci() -> None:
    assert isinstance(reporter_for(io.StringIO(), {}), Plain)
    assert isinstance(reporter_for(_Terminal(), {"CI": "true"}), Plain)
    assert isinstance(reporter_for(_Terminal(), {"TERM": "dumb"}), Plain)
    assert isinstance(reporter_for(_Terminal(), {"TERM": "xterm"}), Bar)


def test_the_bar_draws_on_a_terminal_and_clears_itself() -> None:
    stream = _Terminal()
    bar = Bar(stream)
    bar.start(2)
    bar.read("a.md")
    bar.read("b.md")
    bar.wrote("index.html")
    bar.finish()
    drawn = stream.getvalue()
    assert "Membaca berkas" in drawn and "2/2" in drawn
    assert "\x1b[2K" in drawn  # transient: the bar erases itself before the summary


def test_warnings_during_a_build_are_counted(tmp_path: Path) -> None:
    with tracking(Plain(io.StringIO()), tmp_path) as counter:
        logging.getLogger("pelican.generators").warning("satu")
        logging.getLogger("katalog").warning("dua")
        logging.getLogger("katalog").info("bukan peringatan")
    logging.getLogger("katalog").warning("sesudah build: tidak dihitung")
    assert counter.count == 2


def test_summary_line() -> None:
    assert summary(30, 79, 1, 2.345) == "Selesai: 30 inovasi, 79 halaman, 1 peringatan, 2.3 detik"
    assert summary(30, 79, 0, 0.42, written=3, kept=354) == (
        "Selesai: 30 inovasi, 79 halaman, 0 peringatan, 0.4 detik; 3 berkas ditulis, 354 tidak berubah"
    )


def test_katalog_build_ends_with_the_summary_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = tmp_path / "uji.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"PATH = {str(FIXTURES / 'site')!r}\n\n"
        f"KATALOG_TAXONOMY = {str(TAXONOMY)!r}\nKATALOG_INDEX_DIR = {str(tmp_path / 'whoosh')!r}\n",
        encoding="utf-8",
    )
    assert main(["build", "--settings", str(settings), "--output", str(tmp_path / "out")]) == 0
    out = capsys.readouterr()
    assert "Done: Processed" not in out.out + out.err  # Pelican's own line is replaced by ours
    last = out.err.splitlines()[-1]
    assert re.fullmatch(r"Selesai: 3 inovasi, \d+ halaman, 0 peringatan, \d+\.\d detik", last), last
