"""The `katalog` command line: check, new, build, search, init, devserver, schema, import, api, harvest,
majalah.

User errors (`KatalogError`) become clean lines and an exit code; usage errors exit 2.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from katalog import __version__
from katalog.content.taxonomy import Taxonomy
from katalog.errors import ConfigError, ContentError, KatalogError, UsageError

DEFAULT_CONTENT = Path("content")
MANIFEST_SCHEMA_NAME = "katalog.schema.json"  # `katalog schema` writes it beside the innovation schema
MAJALAH_FILE = "majalah-inovasi.pdf"  # in the site's output folder, unless --output names another
# Hosts a QR code cannot lead a reader's phone to: this machine, and the names reserved for
# examples and tests (RFC 2606; publishconf.py's default without KATALOG_SITEURL is one).
LOCAL_HOSTS = ("localhost", "127.", "::1")
RESERVED_DOMAINS = (".example", ".test", ".invalid", ".localhost")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="katalog", description="Katalog Inovasi: periksa, buat, dan bangun katalog.")
    parser.add_argument("--version", action="version", version=f"katalog {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("check", help="periksa berkas inovasi tanpa membangun situs")
    check.add_argument("paths", nargs="*", type=Path, help="berkas atau folder (bawaan: content/inovasi)")
    check.add_argument(
        "--settings",
        type=Path,
        default=None,
        help="pengaturan situs untuk memeriksa tautan internal (bawaan: pelicanconf.py bila ada)",
    )
    check.add_argument("--taxonomy", type=Path, default=None, help="bawaan: taksonomi dari pengaturan situs")
    check.add_argument(
        "--stale-after",
        type=int,
        default=365,
        metavar="HARI",
        help="peringatkan entri yang lebih lama belum diverifikasi",
    )
    check.add_argument(
        "--links",
        action="store_true",
        help="buka juga setiap tautan sumber (perlu internet; tidak saat build)",
    )
    check.add_argument("--timeout", type=float, default=10.0, metavar="DETIK", help="batas waktu per tautan")
    check.add_argument(
        "--report",
        action="store_true",
        help="cetak juga isian yang belum diketahui per entri, terbanyak lebih dulu (seperti lengkapi/)",
    )

    new = commands.add_parser("new", help="buat berkas inovasi baru yang lengkap dengan komentar")
    new.add_argument("title", nargs="?", help="judul inovasi (ditanyakan bila dijalankan di terminal)")
    new.add_argument("--title", dest="title_flag", metavar="JUDUL", help="judul inovasi (sama dengan TITLE)")
    new.add_argument("--unit", help="unit kerja: nama, slug, atau singkatan dari taxonomy.yaml")
    new.add_argument("--bidang", help="bidang: nama atau slug dari taxonomy.yaml")
    new.add_argument("--kind", action="append", help="jenis, dipisah koma (mis. digitalisasi,deregulasi)")
    new.add_argument("--year", help="tahun pertama tercatat (mis. 2019)")
    new.add_argument("--dir", type=Path, default=DEFAULT_CONTENT / "inovasi", help="folder tujuan")
    new.add_argument("--taxonomy", type=Path, default=DEFAULT_CONTENT / "taxonomy.yaml")
    new.add_argument("--no-input", action="store_true", help="jangan bertanya walau di terminal")

    schema = commands.add_parser("schema", help="tulis ulang JSON Schema dan tabel kunci di dokumentasi")
    schema.add_argument("--taxonomy", type=Path, default=DEFAULT_CONTENT / "taxonomy.yaml")
    schema.add_argument("--output", type=Path, default=Path("schema/innovation.schema.json"))

    search = commands.add_parser("search", help="cari di indeks Whoosh dari build terakhir")
    search.add_argument("query", help="kata pencarian")
    search.add_argument("--limit", type=int, default=10, help="jumlah hasil paling banyak (bawaan 10)")
    search.add_argument("--json", action="store_true", help="cetak hasil sebagai JSON")
    search.add_argument("--unit", help="slug unit kerja, mis. biro-ktln")
    search.add_argument("--bidang", help="slug bidang, mis. keuangan")
    search.add_argument("--jenis", help="digitalisasi, deregulasi, atau debirokratisasi")
    search.add_argument("--tahun", type=int, help="tahun, mis. 2018")
    search.add_argument("--instansi", help="slug instansi penerbit (katalog jaringan), mis. pemkot-contoh")
    search.add_argument("--index", type=Path, default=Path(".katalog/whoosh"), help="folder indeks")

    build = commands.add_parser("build", help="bangun situs ke output/ (sama dengan `make html`)")
    build.add_argument("--settings", type=Path, default=Path("pelicanconf.py"))
    build.add_argument("--output", type=Path, default=None)
    build.add_argument(
        "--no-wait", action="store_true", help="bila build lain sedang berjalan, berhenti alih-alih menunggu"
    )

    init = commands.add_parser("init", help="mulai katalog baru untuk instansi lain di folder DIR")
    init.add_argument("dir", type=Path, help="folder katalog baru (dibuat bila belum ada)")
    init.add_argument("--nama", default="", help='nama katalog, mis. "Katalog Inovasi Kota Contoh"')
    init.add_argument("--instansi", default="", help='nama instansi, mis. "Pemerintah Kota Contoh"')
    init.add_argument("--url", default="", help="alamat publik, mis. https://inovasi.contoh.go.id")
    init.add_argument(
        "--unit", action="append", default=[], metavar="NAMA[|SINGKATAN]", help="unit kerja (boleh berulang)"
    )
    init.add_argument(
        "--engine", default=None, help="spesifikasi pip mesin untuk Makefile (bawaan: versi ini)"
    )
    init.add_argument(
        "--force", action="store_true", help="tulis juga di folder yang tidak kosong (tanpa menimpa)"
    )
    init.add_argument("--no-input", action="store_true", help="jangan bertanya walau di terminal")

    imp = commands.add_parser("import", help="buat entri draf dari lembar .xlsx/.csv, satu per baris")
    imp.add_argument("file", nargs="?", type=Path, help="berkas .xlsx atau .csv")
    imp.add_argument("--mapping", type=Path, help="YAML: judul kolom -> kunci, nama lembar, baris judul")
    imp.add_argument("--dry-run", action="store_true", help="tampilkan perubahan sebagai diff, tanpa menulis")
    imp.add_argument("--dir", type=Path, default=DEFAULT_CONTENT / "inovasi", help="folder entri")
    imp.add_argument("--taxonomy", type=Path, default=DEFAULT_CONTENT / "taxonomy.yaml")
    imp.add_argument("--template", type=Path, metavar="FOLDER", help="tulis templat impor ke FOLDER")

    api = commands.add_parser("api", help="sajikan API JSON hanya-baca atas indeks build terakhir")
    api.add_argument("--port", type=int, default=8001, help="porta (bawaan 8001; 0: porta bebas)")
    api.add_argument("--bind", default="127.0.0.1", help="alamat (bawaan 127.0.0.1)")
    api.add_argument("--settings", type=Path, default=Path("pelicanconf.py"))
    api.add_argument("--output", type=Path, default=None, help="folder situs (bawaan: dari pengaturan)")
    api.add_argument("--index", type=Path, default=None, help="folder indeks (bawaan: dari pengaturan)")
    api.add_argument("--no-access-log", action="store_true", help="jangan cetak log akses (JSON per baris)")
    api.add_argument("--workers", type=int, default=1, help="jumlah proses (bawaan 1; mis. jumlah inti CPU)")

    harvest = commands.add_parser("harvest", help="panen katalog anggota (jaringan.yaml) ke snapshot")
    harvest.add_argument("--config", type=Path, default=Path("jaringan.yaml"), help="bawaan: jaringan.yaml")

    majalah = commands.add_parser("majalah", help="cetak Majalah Inovasi (PDF A4) dari entri yang terbit")
    majalah.add_argument(
        "--settings",
        type=Path,
        default=Path("publishconf.py"),
        help="bawaan: publishconf.py (alamat publik yang dituju kode QR)",
    )
    majalah.add_argument(
        "--output", type=Path, default=None, help=f"berkas PDF (bawaan: output/{MAJALAH_FILE})"
    )

    dev = commands.add_parser("devserver", help="pratinjau: bangun ulang tiap kali berkas disimpan")
    dev.add_argument("--settings", type=Path, default=Path("pelicanconf.py"))
    dev.add_argument("--output", type=Path, default=Path("output"))
    dev.add_argument("--port", type=int, default=8000, help="porta (bawaan 8000)")
    dev.add_argument("--bind", default="127.0.0.1", help="alamat (bawaan 127.0.0.1)")
    return parser


def cmd_check(args: argparse.Namespace) -> int:
    from katalog.content.checking import collect_files
    from katalog.site.inventory import settings_for_check
    from katalog.site.links import check_in_site
    from katalog.site.state import taxonomy_path

    settings = settings_for_check(args.settings)
    paths = args.paths or [Path(settings["PATH"]) / settings["ARTICLE_PATHS"][0]]
    files = collect_files(paths)
    taxonomy = Taxonomy.load(args.taxonomy or taxonomy_path(settings))
    report = check_in_site(files, taxonomy, settings, stale_after_days=args.stale_after)
    if args.links:
        from katalog.site.links import check_external_links

        report.problems.extend(check_external_links(report.entries, timeout=args.timeout))
    for problem in report.problems:
        print(problem)
    if args.report:
        from katalog.tools.report import completeness_report

        print("\n".join(completeness_report(files, report.entries, settings)))
    warnings = f" ({report.warnings} peringatan)" if report.warnings else ""
    if report.invalid_files:
        print(f"{report.invalid_files} dari {report.files} berkas bermasalah{warnings}.", file=sys.stderr)
        return 1
    print(f"{report.files} berkas diperiksa, semuanya sah{warnings}.", file=sys.stderr)
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from katalog.tools.interactive import NewEntry, ask_missing
    from katalog.tools.scaffold import write_scaffold

    taxonomy = Taxonomy.load(args.taxonomy)
    title = args.title_flag or args.title
    entry = NewEntry.from_flags(title, taxonomy, args.unit, args.bidang, args.kind, args.year)
    if sys.stdin.isatty() and not args.no_input:
        try:
            ask_missing(entry, taxonomy, args.dir, input, print)
        except (EOFError, KeyboardInterrupt):
            print(file=sys.stderr)
            msg = "dibatalkan; tidak ada berkas yang dibuat"
            raise UsageError(msg) from None
    if entry.title is None:
        msg = 'judul wajib diisi, mis. katalog new "Judul Inovasi"'
        raise UsageError(msg)
    path = write_scaffold(entry.title, args.dir, entry.values)
    print(path)
    print("Lengkapi isian bertanda komentar, lalu jalankan: katalog check", path, file=sys.stderr)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from katalog.site.build import build
    from katalog.site.progress import reporter_for, summary

    wait = 0 if args.no_wait else None
    report = build(args.settings, args.output, progress=reporter_for(sys.stderr), wait=wait)
    line = summary(report.entries, report.pages, report.warnings, report.seconds, report.written, report.kept)
    print(line, file=sys.stderr)
    return 0


def cmd_devserver(args: argparse.Namespace) -> int:
    from katalog.tools.devserver import serve

    try:
        serve(args.settings, args.output, args.bind, args.port)
    except OSError as exc:
        msg = f"porta {args.port} tidak dapat dipakai ({exc.strerror}); coba PORT=8001"
        raise UsageError(msg) from None
    return 0


def cmd_api(args: argparse.Namespace) -> int:
    from katalog.api.server import serve, sources_from_settings

    serve(
        sources_from_settings(args.settings, args.output, args.index),
        args.bind,
        args.port,
        not args.no_access_log,
        args.workers,
    )
    return 0


def leads_nowhere(url: str) -> bool:
    """Whether a QR code to `url` cannot open on a reader's phone (this machine, or a
    domain reserved for examples)."""
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    return host.startswith(LOCAL_HOSTS) or host.endswith(RESERVED_DOMAINS)


def cmd_majalah(args: argparse.Namespace) -> int:
    import time

    from katalog.majalah.collect import collect
    from katalog.majalah.layout import edition
    from katalog.majalah.render import render

    started = time.perf_counter()
    found = collect(args.settings)
    public_url = found.settings["KATALOG_PUBLIC_URL"]
    if leads_nowhere(public_url):
        print(
            f"peringatan: kode QR menunjuk ke {public_url} (KATALOG_PUBLIC_URL di {args.settings}), "
            "bukan situs publik; cetak dengan publishconf.py dan KATALOG_SITEURL=https://alamat-situs",
            file=sys.stderr,
        )
    target = args.output or Path(found.settings["OUTPUT_PATH"]) / MAJALAH_FILE
    magazine = edition(found.entries, found.taxonomy, found.settings, found.agency, found.network)
    rendered = render(magazine, found.settings, target)
    print(target)
    seconds = time.perf_counter() - started
    print(
        f"Selesai: Majalah Inovasi, {len(magazine.entries)} inovasi, {rendered.pages} halaman, "
        f"{seconds:.1f} detik",
        file=sys.stderr,
    )
    return 0


def cmd_harvest(args: argparse.Namespace) -> int:
    from katalog.network.harvest import harvest
    from katalog.network.members import load_config

    report = harvest(load_config(args.config))
    for line in report.lines():
        print(line, flush=True)
    print(report.summary(), file=sys.stderr)
    return report.exit_code


def cmd_init(args: argparse.Namespace) -> int:
    from katalog.tools.init import (
        DEFAULT_ENGINE,
        Answers,
        Unit,
        ask_answers,
        check_target,
        render_files,
        write_catalogue,
    )

    units = [Unit(*(part.strip() for part in value.split("|", 1))) for value in args.unit]
    answers = Answers(args.nama, args.instansi, args.url, units, engine=args.engine or DEFAULT_ENGINE)
    check_target(args.dir, args.force)  # before asking anything
    if sys.stdin.isatty() and not args.no_input and not (args.nama and args.instansi and args.url):
        try:
            answers = ask_answers(answers, input, print)
        except (EOFError, KeyboardInterrupt):
            print(file=sys.stderr)
            msg = "dibatalkan; tidak ada berkas yang dibuat"
            raise UsageError(msg) from None
    written = write_catalogue(args.dir, render_files(answers.checked()), args.force)
    print(f"Katalog baru di {args.dir} ({len(written)} berkas). Langkah berikutnya:", file=sys.stderr)
    print(f"  cd {args.dir} && make html && make serve", file=sys.stderr)
    print('  .venv/bin/katalog new "Judul Inovasi Pertama"', file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    if args.template is not None:
        from katalog.tools.sheettemplate import write_templates

        for path in write_templates(args.template):
            print(path)
        return 0
    if args.file is None:
        msg = "sebutkan berkas .xlsx atau .csv, mis. katalog import usulan.xlsx"
        raise UsageError(msg)
    from katalog.tools.importing import run_import

    return run_import(args.file, args.dir, Taxonomy.load(args.taxonomy), args.mapping, args.dry_run)


def cmd_schema(args: argparse.Namespace) -> int:
    from katalog.content.schema import write_schema
    from katalog.tools.doctables import refresh_field_table

    print(write_schema(Taxonomy.load(args.taxonomy), args.output))
    from katalog.network.manifest import write_manifest_schema

    print(write_manifest_schema(args.output.parent / MANIFEST_SCHEMA_NAME))
    for doc in (Path("README.md"), *sorted((DEFAULT_CONTENT / "pages").glob("*.md"))):
        if doc.is_file() and refresh_field_table(doc):
            print(doc)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    if args.limit < 1:
        message = "--limit harus 1 atau lebih"
        raise UsageError(message)
    from katalog.search.query import VERSION_FILE, missing_index, search

    if not (args.index / VERSION_FILE).is_file():  # written last: a build finished there
        raise UsageError(missing_index(args.index))
    facets = {"unit": args.unit, "bidang": args.bidang, "jenis": args.jenis, "tahun": args.tahun}
    hits = search(args.index, args.query, args.limit, **facets, instansi=args.instansi)
    if args.json:
        import json
        from dataclasses import asdict

        lines = [json.dumps([asdict(h) for h in hits], ensure_ascii=False, indent=2)]
    elif not hits:
        lines = [f"Tidak ada hasil untuk '{args.query}'."]
    else:
        width = max(len(h.slug) for h in hits)
        lines = [f"{'#':>2}  {'skor':>6}  {'slug':<{width}}  judul"]
        lines += [f"{n:>2}  {h.score:>6.2f}  {h.slug:<{width}}  {h.title}" for n, h in enumerate(hits, 1)]
    try:
        print("\n".join(lines), flush=True)
    except BrokenPipeError:
        # `katalog search ... | head -1`: the reader has gone. End quietly (Python's own
        # recipe: stdout to /dev/null, so the flush at exit cannot fail again).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


COMMANDS = {
    "check": cmd_check,
    "new": cmd_new,
    "build": cmd_build,
    "schema": cmd_schema,
    "search": cmd_search,
    "devserver": cmd_devserver,
    "init": cmd_init,
    "import": cmd_import,
    "harvest": cmd_harvest,
    "api": cmd_api,
    "majalah": cmd_majalah,
}


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    try:
        args = _parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"Gagal: {len(exc.problems)} masalah; situs sebelumnya tidak diubah.", file=sys.stderr)
        return exc.exit_code
    except ConfigError as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return exc.exit_code
    except KatalogError as exc:
        print(f"katalog: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
