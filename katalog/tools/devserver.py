"""`make devserver`: rebuild on every save, reload the browser, show errors in the page.

An editor saves a file and looks at the browser, not at a terminal. So this server
watches the content and theme folders (by polling mtimes: no dependency, works on every
file system, including network shares), rebuilds with the same atomic `katalog.site.build`
as `make html`, and tells open pages to reload. When the content is invalid, every HTML
request gets an error page built from the `Problem` list (file, line, field, message,
with the offending lines quoted) until a build succeeds again; the previous site stays
in `output/` untouched, because the build is atomic.

The reload script is injected into HTML responses at serve time, never into the built
files, so `output/` is exactly what `make html` would publish. It is served from
``/__katalog/`` as a file (no inline script: the site's Content-Security-Policy forbids it)
and polls ``/__katalog/status``; a page reloads when the build generation it was served
with is no longer the current one.
"""

from __future__ import annotations

import html
import json
import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from katalog.errors import ContentError, KatalogError, Problem
from katalog.site.build import BuildReport, build, load_settings

logger = logging.getLogger("katalog")
PREFIX = "/__katalog/"
RELOAD_JS = """\
// Served only by `katalog devserver`: reload when a newer build (or its error page) exists.
(function () {
  "use strict";
  var me = document.currentScript;
  var served = Number(me && me.dataset.generation);
  function poll() {
    fetch("/__katalog/status", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.generation !== served) { window.location.reload(); return; }
        window.setTimeout(poll, 250);
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
ASSETS = {"reload.js": ("text/javascript", RELOAD_JS), "overlay.css": ("text/css", OVERLAY_CSS)}
Snapshot = dict[Path, tuple[int, int]]


@dataclass
class DevState:
    """The outcome of the latest build, read by every request thread."""

    generation: int = 0
    problems: list[Problem] = field(default_factory=list)
    failure: str | None = None  # a non-content error (template, settings): shown as is
    report: BuildReport | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def ok(self) -> bool:
        return not self.problems and self.failure is None


def snapshot(roots: list[Path]) -> Snapshot:
    """Modification time and size of every file under `roots` (files or folders)."""
    found: Snapshot = {}
    for root in roots:
        paths = [root] if root.is_file() else (p for p in root.rglob("*") if p.is_file())
        for path in paths:
            try:
                stat = path.stat()
            except FileNotFoundError:  # deleted while walking (editors' swap files)
                continue
            found[path] = (stat.st_mtime_ns, stat.st_size)
    return found


def changed_files(before: Snapshot, after: Snapshot) -> list[Path]:
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


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
        self._stop = threading.Event()
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

    def rebuild(self, reason: str = "") -> None:
        """Build once and publish the outcome to the request threads."""
        if reason:
            self.say(f"Berubah: {reason}; membangun ulang…")
        problems: list[Problem] = []
        failure = None
        report = None
        try:
            report = build(self.settings_file, self.output, self.overrides)
        except ContentError as exc:
            problems = exc.problems
        except KatalogError as exc:
            failure = str(exc)
        except Exception as exc:  # a template or plugin bug: show it, keep serving
            logger.exception("katalog: build gagal")
            failure = f"{type(exc).__name__}: {exc}"
        with self.state.lock:
            self.state.problems, self.state.failure = problems, failure
            self.state.report = report or self.state.report
            self.state.generation += 1
        for problem in problems:
            self.say(str(problem))
        if report is not None:
            self.say(
                f"Selesai: {report.entries} inovasi, {report.pages} halaman, {report.seconds:.1f} detik; "
                "halaman yang terbuka dimuat ulang"
            )
        else:
            self.say(f"Gagal: {len(problems) or 1} masalah; pesannya juga tampil di peramban")

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
            self.rebuild(", ".join(_short(p) for p in changed[:3]) + (" …" if len(changed) > 3 else ""))

    def start(self) -> str:
        self._seen = snapshot(self.watched)  # before the build: a save during it is not lost
        self.rebuild()
        for target in (self.httpd.serve_forever, self.watch):
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
        with self.state.lock:
            ok, generation = self.state.ok, self.state.generation
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
            return
        super().do_GET()

    def _internal(self, name: str) -> None:
        if name == "status":
            with self.state.lock:
                body = {"generation": self.state.generation, "ok": self.state.ok}
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
