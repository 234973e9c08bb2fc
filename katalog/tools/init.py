"""`katalog init DIR`: start a new agency's catalogue, as `pelican-quickstart` starts a blog.

The files it writes are Jinja2 templates in ``katalog/tools/templates/`` (as Pelican keeps
its own in ``pelican/tools/templates/``). Every file is rendered in memory first; then
either all of them are written or, on any error, none is left behind. A file that exists
is never overwritten, and a folder that already holds a catalogue is refused.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import yaml

from katalog import __version__
from katalog.content.model import slugify
from katalog.content.schema import schema_text
from katalog.content.taxonomy import Taxonomy
from katalog.errors import UsageError
from katalog.resources import QUICKSTART
from katalog.tools.doctables import refresh_tables

# Template -> path in the new catalogue, in writing order.
FILES: dict[str, str] = {
    "pelicanconf.py.jinja2": "pelicanconf.py",
    "publishconf.py.jinja2": "publishconf.py",
    "Makefile.jinja2": "Makefile",
    "README.md.jinja2": "README.md",
    "gitignore.jinja2": ".gitignore",
    "pre-commit-config.yaml.jinja2": ".pre-commit-config.yaml",
    "github-pages.yml.jinja2": ".github/workflows/pages.yml",
    "gitlab-ci.yml.jinja2": ".gitlab-ci.yml",
    "taxonomy.yaml.jinja2": "content/taxonomy.yaml",
    "content/pages/tentang.md.jinja2": "content/pages/tentang.md",
    "content/pages/kontribusi.md.jinja2": "content/pages/kontribusi.md",
    "content/pages/cara-replikasi.md.jinja2": "content/pages/cara-replikasi.md",
    "content/pages/data-terbuka.md.jinja2": "content/pages/data-terbuka.md",
    "content/pages/panduan-jaringan.md.jinja2": "content/pages/panduan-jaringan.md",
    "theme-README.md.jinja2": "theme/README.md",
}
EMPTY_FOLDERS = ("content/inovasi", "content/images", "theme/templates", "theme/static")
SCHEMA_PATH = "schema/innovation.schema.json"
CATALOGUE_MARKERS = ("pelicanconf.py", "content/taxonomy.yaml")  # a folder holding either is a catalogue
DEFAULT_ENGINE = f"katalog-inovasi=={__version__}"


@dataclass
class Unit:
    name: str
    short: str = ""

    @property
    def slug(self) -> str:
        return slugify(self.short or self.name) or "unit"


@dataclass
class Answers:
    """What a new catalogue is made from: flags or answers at the prompts."""

    nama: str
    instansi: str
    url: str
    units: list[Unit] = field(default_factory=list)
    tagline: str = ""
    engine: str = DEFAULT_ENGINE

    def checked(self) -> Answers:
        """Normalise and check every answer; a bad one is a usage error (exit 2)."""
        for label, value in (("--nama", self.nama), ("--instansi", self.instansi)):
            if not value.strip():
                msg = f"{label} wajib diisi"
                raise UsageError(msg)
        url = self.url.strip().rstrip("/")
        if not url.startswith(("http://", "https://")) or " " in url or len(url.split("/")) < 3:
            msg = f"--url '{self.url}' bukan alamat http(s) yang lengkap, mis. https://inovasi.contoh.go.id"
            raise UsageError(msg)
        units = self.units or [Unit(self.instansi.strip())]
        slugs = [u.slug for u in units]
        if len(set(slugs)) != len(slugs):
            repeated = next(s for s in slugs if slugs.count(s) > 1)
            msg = f"unit kerja dengan slug '{repeated}' ditulis lebih dari sekali"
            raise UsageError(msg)
        tagline = (
            self.tagline or f"Inovasi {self.instansi.strip()}, untuk dicari, dibandingkan, dan direplikasi"
        )
        return Answers(self.nama.strip(), self.instansi.strip(), url, units, tagline, self.engine)


def _pyrepr(value: str) -> str:
    return repr(value)


def _yamlstr(value: str) -> str:
    """A YAML flow scalar for `value` (quoted when it needs to be)."""
    return (
        yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1000)
        .strip()
        .removesuffix("...")
        .strip()
    )


def render_files(answers: Answers) -> dict[str, str]:
    """Path in the new catalogue -> its text, for every file `init` writes."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(QUICKSTART)),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    env.filters.update(pyrepr=_pyrepr, yamlstr=_yamlstr)
    variables = {
        "nama": answers.nama,
        "instansi": answers.instansi,
        "url": answers.url,
        "units": answers.units,
        "tagline": answers.tagline,
        "engine": answers.engine,
    }
    files = {path: env.get_template(template).render(variables) for template, path in FILES.items()}
    taxonomy = "content/taxonomy.yaml"
    files[SCHEMA_PATH] = schema_text(Taxonomy.parse(files[taxonomy], taxonomy))
    return files


def check_target(target: Path, force: bool) -> None:
    """Refuse a file, a catalogue, a non-empty folder (unless `force`), an unwritable place."""
    if target.exists() and not target.is_dir():
        msg = f"'{target}' adalah berkas, bukan folder; pilih folder baru"
        raise UsageError(msg)
    if target.is_dir():
        found = [m for m in CATALOGUE_MARKERS if (target / m).exists()]
        if found:
            msg = f"'{target}' sudah berisi katalog ({found[0]} ada); tidak ada yang ditulis"
            raise UsageError(msg)
        if any(target.iterdir()) and not force:
            msg = (
                f"'{target}' tidak kosong; pakai --force untuk tetap menulis di sana "
                "(berkas yang ada tidak ditimpa)"
            )
            raise UsageError(msg)
    existing = target if target.is_dir() else _nearest_existing(target)
    if not os.access(existing, os.W_OK | os.X_OK):
        msg = f"tidak ada izin menulis di '{existing}'"
        raise UsageError(msg)


def _nearest_existing(path: Path) -> Path:
    path = path.absolute()
    while not path.exists():
        path = path.parent
    return path


def write_catalogue(target: Path, files: dict[str, str], force: bool = False) -> list[Path]:
    """Write `files` under `target`: all or nothing, never over an existing file."""
    check_target(target, force)
    clashes = [name for name in files if (target / name).exists()]
    if clashes:
        msg = f"'{target / clashes[0]}' sudah ada; tidak ada berkas yang ditimpa, tidak ada yang ditulis"
        raise UsageError(msg)
    written: list[Path] = []
    created_root = not target.exists()
    try:
        for name, text in files.items():
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as stream:  # "x": never overwrite, even in a race
                stream.write(text)
            written.append(path)
        for folder in EMPTY_FOLDERS:
            (target / folder).mkdir(parents=True, exist_ok=True)
        refresh_tables(target / "content" / "pages")
    except OSError as exc:
        _undo(target, written, created_root)
        msg = f"tidak dapat menulis di '{target}': {exc.strerror or exc}; tidak ada yang ditulis"
        raise UsageError(msg) from None
    except BaseException:
        _undo(target, written, created_root)
        raise
    return written


def _undo(target: Path, written: list[Path], created_root: bool) -> None:
    if created_root:
        shutil.rmtree(target, ignore_errors=True)
        return
    for path in written:
        path.unlink(missing_ok=True)


Ask = Callable[[str], str]
Say = Callable[[str], None]


def ask_answers(given: Answers, ask: Ask, say: Say) -> Answers:
    """Ask, in a terminal, for what the flags left out: name, agency, URL, units one by one."""
    say("Membuat katalog inovasi baru. Tekan Enter untuk menerima nilai dalam [kurung].")
    instansi = given.instansi or _required(ask, "Nama instansi (mis. Pemerintah Kota Contoh): ")
    nama = (
        given.nama
        or ask(f"Nama katalog [Katalog Inovasi {instansi}]: ").strip()
        or f"Katalog Inovasi {instansi}"
    )
    url = given.url or _required(ask, "Alamat publik situs (mis. https://inovasi.contoh.go.id): ")
    units = list(given.units)
    if not units:
        say("Unit kerja, satu per satu (kosongkan untuk selesai):")
        while True:
            name = ask(f"  Unit kerja ke-{len(units) + 1}: ").strip()
            if not name:
                break
            short = ask("  Singkatannya (boleh kosong): ").strip()
            units.append(Unit(name, short))
    return Answers(nama, instansi, url, units, given.tagline, given.engine)


def _required(ask: Ask, prompt: str) -> str:
    while True:
        answer = ask(prompt).strip()
        if answer:
            return answer
