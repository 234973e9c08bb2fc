"""The members of the network bench: synthetic catalogues, published as a built member publishes.

A member catalogue publishes its open data when it builds: ``data/katalog.json`` (the
manifest a network harvests), ``data/inovasi.json`` (its records), ``data/inovasi.csv`` and
two JSON Schemas. Building 500 sites would take far longer than what the bench measures,
so each member is published here without a build, by the very code the build writes those
files with:

1. `write_sources`: the synthetic corpus (`bench.synthetic`) is cut into members of
   `per` consecutive entries. Each gets a content folder as its editors would keep it: its
   own ``taxonomy.yaml`` (the corpus's categories, kinds and statuses; as units only those
   its entries name) and one Markdown file per entry, whose modification time is the
   entry's last change (which the build reads from it outside git). A `based_on` naming an
   entry of another member points instead at an earlier entry of the same member (none for
   its first), as the member's own `katalog check` requires.
2. `publish`: every file read by `katalog.content.validate.load_entry` (the build's reader)
   and `katalog.content.history.last_changed`, then written by `katalog.site.export`
   (`Published`, `innovations_json`, `innovations_csv`), `katalog.content.schema` and
   `katalog.network.manifest` (`manifest_dict`), with the settings `katalog init` gives a
   catalogue of that agency and address (`katalog.tools.init.Answers`). A file whose bytes
   are unchanged is not rewritten, as the build keeps it: its ETag stays.
3. `reference_build` and `differences`: one member is also built for real (``katalog
   init``, its content folder, ``katalog build --settings publishconf.py``); the bench stops
   unless every file `publish` writes equals the build's byte for byte.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import re
import shutil
import zlib
from concurrent.futures import ProcessPoolExecutor
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bench.synthetic import SyntheticEntry, write_katalog
from katalog import settings as engine_settings
from katalog.content.history import last_changed
from katalog.content.schema import schema_text
from katalog.content.taxonomy import Taxonomy
from katalog.content.validate import load_entry
from katalog.network.manifest import (
    CSV_FILE,
    MANIFEST_FILE,
    MANIFEST_SCHEMA_FILE,
    RECORDS_FILE,
    SCHEMA_FILE,
    manifest_dict,
    manifest_schema_text,
    manifest_text,
)
from katalog.site.export import Published, innovations_csv, innovations_json
from katalog.site.generators import NO_CHANGE
from katalog.tools.init import Answers

PUBLISHED = (MANIFEST_FILE, RECORDS_FILE, CSV_FILE, SCHEMA_FILE, MANIFEST_SCHEMA_FILE)
FIRST_CHANGE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
CHANGE_SPAN = 600 * 86_400  # seconds over which the entries' last changes are spread
EDITED_AT = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
EDIT_MARK = "Disunting untuk uji jaringan. "
_LINK_PLACEHOLDER = re.compile(r'(?:href|src)="[{|]')  # what the build would resolve first


@dataclass(frozen=True)
class Member:
    """One member catalogue of the bench: where its content lives and where it is served."""

    number: int  # from 1
    base_url: str  # http://127.0.0.1:PORT/ (the one server of every member)
    sources: Path  # its content folders, one per member
    served: Path  # the server's root, one folder per member

    @property
    def slug(self) -> str:
        return f"m{self.number:03d}"

    @property
    def url(self) -> str:
        return f"{self.base_url}{self.slug}/"

    @property
    def agency(self) -> str:
        return f"Pemerintah Daerah Sintetis {self.number:03d}"

    @property
    def content(self) -> Path:
        return self.sources / self.slug

    @property
    def folder(self) -> Path:
        return self.served / self.slug

    def answers(self) -> Answers:
        """What `katalog init` is told for this member (it derives the tagline)."""
        return Answers(f"Katalog Inovasi {self.agency}", self.agency, self.url).checked()

    def settings(self) -> dict[str, Any]:
        """The settings the manifest is made from, as `katalog init` and publishconf.py set them."""
        answers = self.answers()
        return {
            "SITENAME": answers.nama,
            "SITE_TAGLINE": answers.tagline,
            "KATALOG_AGENCY": answers.instansi,
            "KATALOG_PUBLIC_URL": answers.url,
            "DEFAULT_LANG": engine_settings.DEFAULT_LANG,
        }


def changed_at(slug: str) -> int:
    """An entry's last change (Unix seconds): fixed by its slug, spread over 600 days."""
    return int(FIRST_CHANGE.timestamp()) + zlib.crc32(slug.encode()) % CHANGE_SPAN


# --- Content folders ------------------------------------------------------------------------


def member_taxonomy(entries: list[SyntheticEntry], taxonomy: dict[str, Any]) -> dict[str, Any]:
    """The corpus's vocabularies with, as units, only those `entries` name (at least one)."""
    named = {entry.meta.get("unit") for entry in entries}
    units = [unit for unit in taxonomy["units"] if unit["name"] in named] or taxonomy["units"][:1]
    return {**taxonomy, "units": units}


def _within(entries: list[SyntheticEntry]) -> list[SyntheticEntry]:
    """`entries` with every `based_on` pointing at an earlier entry of the same list."""
    kept: list[SyntheticEntry] = []
    for position, entry in enumerate(entries):
        target = entry.meta.get("based_on")
        if target is None or target in {e.slug for e in kept}:
            kept.append(entry)
            continue
        meta = dict(entry.meta)
        if position:
            meta["based_on"] = entries[random.Random(entry.slug).randrange(position)].slug
        else:
            del meta["based_on"]
        kept.append(replace(entry, meta=meta))
    return kept


def write_sources(entries: list[SyntheticEntry], taxonomy: dict[str, Any], members: list[Member]) -> None:
    """Each member's content folder, from its `len(entries) // len(members)` entries."""
    per = len(entries) // len(members)
    for member in members:
        own = _within(entries[(member.number - 1) * per : member.number * per])
        shutil.rmtree(member.content, ignore_errors=True)
        write_katalog(own, member_taxonomy(own, taxonomy), member.content)
        for entry in own:
            moment = changed_at(entry.slug)
            os.utime(member.content / "inovasi" / f"{entry.slug}.md", (moment, moment))


def edited_file(member: Member) -> Path:
    files = sorted((member.content / "inovasi").glob("*.md"))
    return files[len(files) // 2]


def edit(member: Member) -> None:
    """Change one entry of `member` (its summary), as an editor would; `restore` undoes it."""
    path = edited_file(member)
    text = path.read_text(encoding="utf-8")
    if EDIT_MARK not in text:
        path.write_text(text.replace("\nsummary: ", f"\nsummary: {EDIT_MARK}", 1), encoding="utf-8")
    moment = int(EDITED_AT.timestamp())
    os.utime(path, (moment, moment))


def restore(member: Member) -> bool:
    """Undo `edit`; whether there was one to undo."""
    path = edited_file(member)
    text = path.read_text(encoding="utf-8")
    moment = changed_at(path.stem)
    was_edited = EDIT_MARK in text or int(path.stat().st_mtime) != moment
    if EDIT_MARK in text:
        path.write_text(text.replace(EDIT_MARK, "", 1), encoding="utf-8")
    os.utime(path, (moment, moment))
    return was_edited


# --- Publishing -----------------------------------------------------------------------------


def published_files(member: Member) -> dict[str, str]:
    """Every open-data file `member` publishes (path under its site -> text), as its build
    writes them (`katalog.site.generators`)."""
    settings = member.settings()
    taxonomy = Taxonomy.load(member.content / "taxonomy.yaml")
    public, agency = settings["KATALOG_PUBLIC_URL"], settings["KATALOG_AGENCY"]
    items = []
    for path in sorted((member.content / "inovasi").glob("*.md")):
        loaded = load_entry(path, taxonomy)
        if loaded.entry is None:
            msg = f"{path}: " + "; ".join(f"{p.field}: {p.message}" for p in loaded.problems)
            raise RuntimeError(msg)
        if _LINK_PLACEHOLDER.search(loaded.entry.body_html):
            msg = f"{path}: a {{filename}} link, which only a build resolves"
            raise RuntimeError(msg)
        modified = last_changed(path, {})
        items.append(Published.of(loaded.entry, public, agency, modified, loaded.entry.body_html))
    records = innovations_json(items)
    newest = max((item.modified for item in items), default=NO_CHANGE)
    manifest = manifest_dict(settings, taxonomy, len(items), newest, records.encode())
    return {
        RECORDS_FILE: records,
        CSV_FILE: innovations_csv(items),
        SCHEMA_FILE: schema_text(taxonomy),
        MANIFEST_FILE: manifest_text(manifest),
        MANIFEST_SCHEMA_FILE: manifest_schema_text(),
    }


def publish(member: Member) -> int:
    """Write `member`'s open data into its served folder; the number of files rewritten."""
    written = 0
    for name, text in published_files(member).items():
        path = member.folder / name
        data = text.encode()
        if path.is_file() and path.read_bytes() == data:
            continue  # kept, as the build keeps an unchanged file (its ETag stays)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(data)
        partial.replace(path)  # a harvest never sees half a file
        written += 1
    return written


def publish_all(members: list[Member], jobs: int) -> None:
    """`publish` every member, over `jobs` processes."""
    if jobs <= 1:
        for member in members:
            publish(member)
        return
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(publish, members, chunksize=max(1, len(members) // (jobs * 8))))


# --- The reference: one member built for real -----------------------------------------------


def reference_site(member: Member, site: Path) -> None:
    """`katalog init` a site for `member` at `site`, with the member's content folder."""
    from katalog.tools.cli import main as katalog

    shutil.rmtree(site, ignore_errors=True)
    answers = member.answers()
    flags = ["--nama", answers.nama, "--instansi", answers.instansi, "--url", answers.url, "--no-input"]
    with redirect_stdout(io.StringIO()) as said, redirect_stderr(said):
        status = katalog(["init", str(site), *flags])
    if status != 0:
        msg = f"katalog init {site} failed: {said.getvalue()}"
        raise RuntimeError(msg)
    shutil.copy2(member.content / "taxonomy.yaml", site / "content" / "taxonomy.yaml")
    inovasi = site / "content" / "inovasi"
    if any(inovasi.iterdir()):
        msg = f"{inovasi}: katalog init wrote entries of its own"
        raise RuntimeError(msg)
    shutil.copytree(member.content / "inovasi", inovasi, dirs_exist_ok=True)  # copy2: times kept


def differences(member: Member, output: Path) -> list[str]:
    """The files `publish` writes for `member` that differ from its real build's `output`."""
    found = []
    for name, text in published_files(member).items():
        built = output / name
        if not built.is_file():
            found.append(f"{name}: not written by the build")
        elif built.read_bytes() != text.encode():
            found.append(f"{name}: differs from the build's")
    return found
