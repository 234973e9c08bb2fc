"""Build progress: a bar on a terminal, plain lines in CI and logs, one closing summary.

A long build that prints nothing looks hung; a bar that redraws itself garbles a CI log.
So the reporter is chosen by where the output goes. It advances on two public Pelican
signals (a content object was created = one file read; a page was written), connected in
`katalog.site.plugin`, and finds the reporter of the current build in the settings, so nothing
module-global leaks between builds (tests run many in one process).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, TextIO

PROGRESS_KEY = "KATALOG_PROGRESS"
STEPS = 4  # plain mode prints at 25 %, 50 %, 75 % and 100 % of the files read


class Progress(Protocol):
    """What a build tells about itself while it runs."""

    def start(self, files: int) -> None: ...
    def read(self, path: str) -> None: ...
    def wrote(self, path: str) -> None: ...
    def finish(self) -> None: ...


class Silent:
    """No output (the devserver prints its own lines; tests)."""

    def start(self, files: int) -> None:
        pass

    def read(self, path: str) -> None:
        pass

    def wrote(self, path: str) -> None:
        pass

    def finish(self) -> None:
        pass


class Plain:
    """A few whole lines, for CI logs and pipes: never a carriage return."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.files = self.done = self.pages = 0
        self.writing = False

    def _say(self, text: str) -> None:
        print(f"katalog: {text}", file=self.stream, flush=True)

    def start(self, files: int) -> None:
        self.files = files
        self._say(f"membaca {files} berkas…")

    def read(self, path: str) -> None:
        self.done += 1
        if self.files and self.done <= self.files:
            step = self.files / STEPS
            if int(self.done / step) > int((self.done - 1) / step):
                self._say(f"dibaca {self.done}/{self.files} berkas")

    def wrote(self, path: str) -> None:
        if not self.writing:
            self.writing = True
            self._say("menulis halaman…")
        self.pages += 1

    def finish(self) -> None:
        if self.writing:
            self._say(f"ditulis {self.pages} halaman")


class Bar:
    """A `rich` progress bar on a terminal; it disappears when the build ends."""

    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(file=stream),
            transient=True,
        )
        self.reading = self.progress.add_task("Membaca berkas", total=None, visible=False)
        self.writing = self.progress.add_task("Menulis halaman", total=None, visible=False)

    def start(self, files: int) -> None:
        self.progress.update(self.reading, total=files, visible=True)
        self.progress.start()

    def read(self, path: str) -> None:
        self.progress.advance(self.reading)

    def wrote(self, path: str) -> None:
        self.progress.update(self.writing, visible=True)
        self.progress.advance(self.writing)

    def finish(self) -> None:
        self.progress.stop()


def reporter_for(stream: TextIO = sys.stderr, environ: Mapping[str, str] = os.environ) -> Progress:
    """A bar when `stream` is a terminal outside CI, else plain lines."""
    in_ci = environ.get("CI", "").casefold() in {"1", "true", "yes"}
    if stream.isatty() and not in_ci and environ.get("TERM") != "dumb":
        return Bar(stream)
    return Plain(stream)


def progress_of(settings: Mapping[str, Any]) -> Progress | None:
    reporter = settings.get(PROGRESS_KEY)
    return reporter if reporter is not None and hasattr(reporter, "read") else None


def on_content_init(content: Any) -> None:
    """Pelican made a content object: one source file has been read."""
    reporter = progress_of(getattr(content, "settings", {}) or {})
    if reporter is not None:
        reporter.read(str(getattr(content, "source_path", "")))


def on_content_written(path: str, context: Mapping[str, Any] | None = None) -> None:
    """Pelican wrote one page."""
    reporter = progress_of(context or {})
    if reporter is not None:
        reporter.wrote(path)


class WarningCounter(logging.Handler):
    """Counts warnings logged during a build (ours and Pelican's) for the summary line."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def source_files(content: Path) -> int:
    """How many Markdown files the build will read (the bar's length)."""
    return sum(1 for _ in content.rglob("*.md"))


@contextmanager
def tracking(reporter: Progress, content: Path) -> Iterator[WarningCounter]:
    """Show progress and count warnings for one build; Pelican's own summary is replaced."""
    from pelican.log import console  # Pelican prints "Done: Processed …" on its rich console

    counter = WarningCounter()
    root = logging.getLogger()
    root.addHandler(counter)
    quiet, console.quiet = console.quiet, True
    reporter.start(source_files(content))
    try:
        yield counter
    finally:
        reporter.finish()
        console.quiet = quiet
        root.removeHandler(counter)


def summary(entries: int, pages: int, warnings: int, seconds: float, written: int = 0, kept: int = 0) -> str:
    """The one line every build ends with; a rebuild also says how much it left as it was."""
    line = f"Selesai: {entries} inovasi, {pages} halaman, {warnings} peringatan, {seconds:.1f} detik"
    return f"{line}; {written} berkas ditulis, {kept} tidak berubah" if kept else line
