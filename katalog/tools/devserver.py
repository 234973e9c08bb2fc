"""`make devserver`: rebuild on every save, reload the browser, show errors in the page.

An editor saves a file and looks at the browser, not at a terminal. So this server
watches the content and theme folders (by polling mtimes: no dependency, works on every
file system, including network shares), brings ``output/`` up to date and tells open pages
to reload. When the content is invalid, every HTML request gets an error page built from
the `Problem` list (file, line, field, message, with the offending lines quoted) until a
build succeeds again; the previous site stays in ``output/`` untouched.

The first build is the same atomic `katalog.site.build` as `make html`. After it, the
server keeps that build in memory (`katalog.site.session.Session`) and a save to
innovation files is handled in place: the edited entries' pages are rendered and shown
first (in about a second at 10,000 entries, `bench/devserver_loop.py`), then the rest of
the site ("serupa", home and facet pages, feeds, open data, the browser index, the
sitemap) is completed behind it, and ``output/`` ends byte for byte as a clean build of
the same content would write it. Every change to ``output/`` can be undone until the pass
completes, so invalid content or a broken link leaves the last complete site. A newer save
stops the unfinished pass; the next pass covers both. A change to anything else (taxonomy, static pages,
images, theme, settings) runs the full build again.

Watching and building run on two threads: the watcher notes changes while a pass runs,
which is how the pass knows it is superseded.

The reload script is injected into HTML responses at serve time, never into the built
files, so `output/` is exactly what `make html` would publish. It is served from
``/__katalog/`` as a file (no inline script: the site's Content-Security-Policy forbids it)
and polls ``/__katalog/status?page=<its path>``; a page reloads when the version it was
served at is no longer its current one. A page's version changes when its file changed,
and every page's when a full build ran or the error page appeared or went away, so the
editor's page reloads once when it shows the edit, not again for every other file. The
rest of the pass waits up to `SHOW_GRACE` for that reload to fetch the page.
"""

from __future__ import annotations

import html
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from katalog.errors import ContentError, KatalogError, Problem
from katalog.site.build import BuildReport, load_settings
from katalog.site.session import Session

logger = logging.getLogger("katalog")
PREFIX = "/__katalog/"
RELOAD_JS = """\
// Served only by `katalog devserver`: reload when this page changed, or the error page came or went.
(function () {
  "use strict";
  var me = document.currentScript;
  var served = Number(me && me.dataset.generation);
  var status = "/__katalog/status?page=" + encodeURIComponent(window.location.pathname);
  function poll() {
    fetch(status, { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.generation !== served) { window.location.reload(); return; }
        window.setTimeout(poll, 150);
      })
      .catch(function () { window.setTimeout(poll, 1000); });
  }
  poll();
})();
"""

OVERLAY_CSS = """\
body { margin: 0; background: #1f2937; font: 16px/1.5 system-ui, sans-serif; color: #111827; }
.katalog-overlay { max-width: 60rem; margin: 2rem auto; background: #fff; border-top: 8px solid #b91c1c;
  border-radius: 6px; padding: 1.5rem 2rem; box-shadow: 0 10px 30px rgba(0,0,0,.4); }
.katalog-overlay h1 { color: #b91c1c; font-size: 1.5rem; margin: 0 0 .5rem; }
.problems { padding-left: 1.5rem; }
.problem { margin: 1rem 0; }
.problem p { margin: .2rem 0; }
.problem .file { font-weight: 700; }
.problem .message { font-size: 1.1rem; }
.excerpt { background: #f3f4f6; padding: .5rem; overflow-x: auto; font-size: .9rem; border-radius: 4px; }
.excerpt b { color: #6b7280; font-weight: 400; }
.excerpt span { display: block; }
.excerpt .here { background: #fee2e2; color: #7f1d1d; font-weight: 700; }
.hint { color: #4b5563; font-size: .9rem; }
"""
SHOW_GRACE = 0.5  # seconds an edited page has to be fetched before the rest of the pass starts
ASSETS = {"reload.js": ("text/javascript", RELOAD_JS), "overlay.css": ("text/css", OVERLAY_CSS)}
Snapshot = dict[str, tuple[int, int]]


@dataclass
class DevState:
    """The outcome of the latest build, read by every request thread.

    `generation` counts changes; a page's version (`version_of`) is the generation at which
    its file last changed, or `base` when that is later: full builds and the error page
    coming or going move `base`, so that every open page reloads.
    """

    generation: int = 0
    base: int = 0
    versions: dict[str, int] = field(default_factory=dict)  # output file -> generation it changed at
    problems: list[Problem] = field(default_factory=list)
    failure: str | None = None  # a non-content error (template, settings): shown as is
    report: BuildReport | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    awaited: set[str] = field(default_factory=set)  # pages just shown, not yet fetched again
    served: threading.Event = field(default_factory=threading.Event)

    @property
    def ok(self) -> bool:
        return not self.problems and self.failure is None

    def version_of(self, name: str) -> int:
        """The version of output file `name` (posix, relative to output/)."""
        return max(self.base, self.versions.get(name, 0))

    def changed(self, names: list[str] | None) -> None:
        """Files of output/ changed (None: all of them); a broken site is whole again."""
        self.generation += 1
        if names is None or not self.ok:
            self.base, self.problems, self.failure = self.generation, [], None
            self.versions.clear()
        else:
            self.versions.update(dict.fromkeys(names, self.generation))

    def await_pages(self, names: list[str]) -> None:
        """Note when one of `names` is next served (see `DevServer._publish`)."""
        with self.lock:
            self.awaited = set(names)
            self.served.clear()

    def note_served(self, name: str) -> None:
        if name in self.awaited:
            self.served.set()

    def broke(self, problems: list[Problem], failure: str | None) -> None:
        self.generation += 1
        self.base, self.problems, self.failure = self.generation, problems, failure


def snapshot(roots: list[Path]) -> Snapshot:
    """Modification time and size of every file under `roots` (files or folders).

    Walked with `os.scandir` and keyed by plain strings: at 10,000 entries this runs five
    times a second, and `Path.rglob` with a `Path` per file cost most of a core.
    """
    found: Snapshot = {}
    for root in roots:
        if root.is_dir():
            _scan(str(root), found)
        else:
            try:
                status = root.stat()
            except FileNotFoundError:
                continue
            found[str(root)] = (status.st_mtime_ns, status.st_size)
    return found


def _scan(folder: str, found: Snapshot) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:  # deleted while walking
        return
    for entry in entries:
        try:
            if entry.is_dir():
                _scan(entry.path, found)
            else:
                status = entry.stat()
                found[entry.path] = (status.st_mtime_ns, status.st_size)
        except FileNotFoundError:  # deleted while walking (editors' swap files)
            continue


def changed_files(before: Snapshot, after: Snapshot) -> list[Path]:
    return sorted(Path(p) for p in before.keys() | after.keys() if before.get(p) != after.get(p))


class DevServer:
    """Watch, rebuild and serve; `start()` returns once the first build is done."""

    def __init__(
        self,
        settings_file: Path,
        output: Path,
        overrides: dict[str, Any] | None = None,
        host: str = "127.0.0.1",
        port: int = 8000,
        interval: float = 0.2,
        say: Callable[[str], None] | None = None,
    ) -> None:
        self.say = say or _to_stderr
        self.settings_file = settings_file
        self.output = output.resolve()
        self.overrides = dict(overrides or {})
        self.interval = interval
        self.state = DevState()
        self.session = Session(settings_file, self.output, self.overrides)
        self._stop = threading.Event()
        self._wanted = threading.Event()  # changes are waiting for the builder
        self._pending: set[Path] = set()
        self._pending_lock = threading.Lock()
        self._building = threading.Lock()
        self._started = 0.0
        settings = load_settings(settings_file, self.overrides)
        content = Path(settings["PATH"])
        taxonomy = content / settings.get("KATALOG_TAXONOMY", "taxonomy.yaml")
        overrides = settings.get("KATALOG_THEME_OVERRIDES")
        self.watched = [
            content,
            Path(settings["THEME"]),
            taxonomy,
            settings_file,
            *([Path(overrides)] if overrides else []),
        ]
        handler = partial(DevHandler, directory=str(self.output), state=self.state)
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self._threads: list[threading.Thread] = []
        self._seen: Snapshot = {}

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def idle(self) -> bool:
        """Nothing waiting, nothing building, output/ complete and the search index written."""
        if self._wanted.is_set() or not self._building.acquire(blocking=False):
            return False
        try:
            return self.session.idle
        finally:
            self._building.release()

    def rebuild(self, reason: str = "", changed: list[Path] | None = None) -> None:
        """Bring output/ up to date (`changed`: the files that changed; None: a full build)
        and publish the outcome to the request threads."""
        with self._building:
            if reason:
                self.say(f"Berubah: {reason}; membangun ulang…")
            self._started = time.perf_counter()
            problems: list[Problem] = []
            failure = None
            report = None
            try:
                report = self.session.update(changed, self._publish, self._superseded)
            except ContentError as exc:
                problems = exc.problems
            except KatalogError as exc:
                failure = str(exc)
            except Exception as exc:  # a template or plugin bug: show it, keep serving
                logger.exception("katalog: build gagal")
                failure = f"{type(exc).__name__}: {exc}"
            if report is None and not problems and failure is None:
                return  # superseded by newer saves: the next pass reports
            with self.state.lock:
                if report is None:
                    self.state.broke(problems, failure)
                else:
                    self.state.report = report
        for problem in problems:
            self.say(str(problem))
        if report is not None and not report.pages:
            self.say("Tidak ada yang berubah di situs")  # a file no build reads (a swap file)
        elif report is not None:
            self.say(
                f"Selesai: {report.entries} inovasi, {report.pages} halaman, {report.seconds:.1f} detik; "
                "halaman yang terbuka dimuat ulang"
            )
        else:
            self.say(f"Gagal: {len(problems) or 1} masalah; pesannya juga tampil di peramban")

    def _publish(self, names: list[str] | None, complete: bool) -> None:
        """Files of output/ changed. When they are the edited pages, shown before the rest of
        the site is done, wait a moment for an open tab to fetch them (`SHOW_GRACE`): the
        rest of the pass starts with a fork and a busy second that would slow that reload."""
        if not complete and names:
            self.state.await_pages(names)
        with self.state.lock:
            self.state.changed(names)
        if not complete and names:
            seconds = time.perf_counter() - self._started
            self.say(f"Tampil: {', '.join(names[:3])} ({seconds:.1f} detik); sisa situs menyusul…")
            self.state.served.wait(SHOW_GRACE)

    def _superseded(self) -> bool:
        return self._wanted.is_set() or self._stop.is_set()

    def watch(self) -> None:
        """Poll for changes until stopped; wait for a quiet moment so one save is one build."""
        seen = self._seen
        while not self._stop.wait(self.interval):
            now = snapshot(self.watched)
            if now == seen:
                continue
            while not self._stop.wait(self.interval / 2):  # editors write in several steps
                settled = snapshot(self.watched)
                if settled == now:
                    break
                now = settled
            changed = changed_files(seen, now)
            seen = now
            with self._pending_lock:
                self._pending.update(changed)
                self._wanted.set()

    def build_when_wanted(self) -> None:
        """The builder thread: one pass per batch of changes noted by `watch`."""
        while not self._stop.is_set():
            if not self._wanted.wait(timeout=0.5):
                continue
            with self._pending_lock:
                changed, self._pending = sorted(self._pending), set()
                self._wanted.clear()
            if self._stop.is_set():
                return
            self.rebuild(
                ", ".join(_short(p) for p in changed[:3]) + (" …" if len(changed) > 3 else ""), changed
            )

    def start(self) -> str:
        self._seen = snapshot(self.watched)  # before the build: a save during it is not lost
        self.rebuild()
        for target in (self.httpd.serve_forever, self.watch, self.build_when_wanted):
            thread = threading.Thread(target=target, daemon=True, name=f"katalog-{target.__name__}")
            thread.start()
            self._threads.append(thread)
        return self.url

    def stop(self) -> None:
        self._stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        if self._building.acquire(timeout=30):  # a full build cannot be stopped half-way
            try:
                self.session.close()
            finally:
                self._building.release()

    def serve_forever(self) -> None:
        """Run until Ctrl+C (the `katalog devserver` command)."""
        url = self.start()
        self.say(f"Pratinjau: {url}  (Ctrl+C untuk berhenti)")
        try:
            while not self._stop.wait(3600):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _short(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class DevHandler(SimpleHTTPRequestHandler):
    """Serves `output/`, the reload script, the status, and the error page when broken."""

    def __init__(self, *args: Any, state: DevState, **kwargs: Any) -> None:
        self.state = state
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per request would bury the build messages editors need to see

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path.startswith(PREFIX):
            self._internal(path.removeprefix(PREFIX))
            return
        with self.state.lock:  # before the file is read: a page never misses a newer version
            ok, generation = self.state.ok, self.state.version_of(page_name(path))
            problems, failure = list(self.state.problems), self.state.failure
        if not ok and _wants_html(path):
            self._send(500, "text/html; charset=utf-8", error_page(problems, failure, generation).encode())
            return
        file = Path(self.translate_path(path))
        if file.is_dir() and path.endswith("/"):
            file = file / "index.html"
        if file.suffix == ".html" and file.is_file():
            page = inject(file.read_text(encoding="utf-8"), generation)
            self._send(200, "text/html; charset=utf-8", page.encode())
            self.state.note_served(page_name(path))
            return
        super().do_GET()

    def _internal(self, name: str) -> None:
        if name == "status":
            page = parse_qs(urlsplit(self.path).query).get("page")
            with self.state.lock:
                generation = self.state.version_of(page_name(page[0])) if page else self.state.generation
                body = {"generation": generation, "ok": self.state.ok}
            self._send(200, "application/json", json.dumps(body).encode())
        elif name in ASSETS:
            kind, text = ASSETS[name]
            self._send(200, f"{kind}; charset=utf-8", text.encode())
        else:
            self.send_error(404)

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def page_name(path: str) -> str:
    """The file of output/ a URL path serves: ``/inovasi/x/`` -> ``inovasi/x/index.html``."""
    name = unquote(path).lstrip("/")
    return f"{name}index.html" if not name or name.endswith("/") else name


def _wants_html(path: str) -> bool:
    return path.endswith(("/", ".html"))


def reload_tag(generation: int) -> str:
    return f'<script src="{PREFIX}reload.js" data-generation="{generation}" defer></script>'


def inject(page: str, generation: int) -> str:
    """Add the reload script before ``</head>`` (or at the end) of a built page."""
    tag = reload_tag(generation)
    if "</head>" in page:
        return page.replace("</head>", f"{tag}\n</head>", 1)
    return page + tag


def error_page(problems: list[Problem], failure: str | None, generation: int) -> str:
    """The page shown instead of the site while the content is invalid (in Indonesian)."""
    count = len(problems) or 1
    items = "".join(_problem_item(p) for p in problems)
    if failure:
        items += f'<li><span class="message">{html.escape(failure)}</span></li>'
    return f"""<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Galat: {count} masalah — pratinjau Katalog Inovasi</title>
<link rel="stylesheet" href="{PREFIX}overlay.css">
{reload_tag(generation)}
</head>
<body>
<main class="katalog-overlay" role="alert" aria-labelledby="katalog-overlay-title">
<h1 id="katalog-overlay-title">Situs belum dapat dibangun: {count} masalah</h1>
<p>Perbaiki isian di bawah ini, lalu simpan berkasnya. Halaman ini dimuat ulang sendiri
begitu semua masalah teratasi. Situs yang terakhir berhasil dibangun tetap utuh di
<code>output/</code>.</p>
<ol class="problems">{items}</ol>
<p class="hint">Pesan yang sama tampil di terminal dan pada <code>make check</code>,
dalam bentuk <code>berkas:baris: kolom: pesan</code>.</p>
</main>
</body>
</html>
"""


def _problem_item(problem: Problem) -> str:
    where, name = html.escape(problem.path), html.escape(problem.field)
    return (
        f'<li class="problem"><p><code class="file">{where}</code>, baris '
        f'<strong class="line">{problem.line}</strong>: <code class="field">{name}</code>'
        f'</p><p class="message">{html.escape(problem.message)}</p>{_excerpt(problem)}</li>'
    )


def _excerpt(problem: Problem, around: int = 2) -> str:
    """The lines around the problem, numbered, the offending one marked."""
    try:
        lines = Path(problem.path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    first = max(problem.line - around, 1)
    rows = []
    for number in range(first, min(problem.line + around, len(lines)) + 1):
        mark = ' class="here"' if number == problem.line else ""
        rows.append(f"<span{mark}><b>{number:>4}</b>  {html.escape(lines[number - 1])}</span>")
    body = "".join(rows)  # each row is a block: no newline, or <pre> doubles the spacing
    return f'<pre class="excerpt">{body}</pre>' if rows else ""


def serve(settings_file: Path, output: Path, host: str, port: int) -> None:
    """Entry point of `katalog devserver`."""
    DevServer(settings_file, output, host=host, port=port).serve_forever()
