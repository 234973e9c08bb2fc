"""Majalah Inovasi: the real catalogue printed to PDF, read back as a reader's tools read it.

One PDF is made per module from a copy of `content/` with a draft added, with the publish
settings; every expectation is computed from the content files or the settings (never a
count or a page number written here). The PDF is read with pypdf (text, bookmarks,
metadata, fonts) and its pages are rendered with PDFium and their QR codes decoded with
zxing-cpp, as a phone would read them.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from katalog.majalah.collect import Collected, collect
from katalog.majalah.layout import Edition, EntryPage, edition, keyword_index, paragraphs, sort_key
from katalog.majalah.render import Rendered, html_of, render
from katalog.site.seo import canonical_url

from .conftest import DRAFT, DRAFT_TITLE, FIXTURES, ROOT


@dataclass(frozen=True)
class Made:
    content: Path
    found: Collected
    magazine: Edition
    rendered: Rendered
    reader: PdfReader
    texts: list[str]  # each page's text, whitespace collapsed
    lines: list[set[str]]  # each page's lines of text

    def page_of(self, page: EntryPage) -> int:
        """The page (from 1) an entry's bookmark points at."""
        return next(
            number for level, title, number in outline(self.reader) if level == 2 and title == page.title
        )


def flat(text: str) -> str:
    return " ".join(text.split())


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """Every bookmark as (level, title, page from 1), in order."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 1)
    return found


def make(content: Path, target: Path, settings_file: str = "publishconf.py", **overrides: Any) -> Made:
    found = collect(ROOT / settings_file, {"PATH": str(content), **overrides})
    magazine = edition(found.entries, found.taxonomy, found.settings, found.agency, found.network)
    rendered = render(magazine, found.settings, target)
    reader = PdfReader(rendered.path)
    raw = [page.extract_text() for page in reader.pages]
    lines = [{line.strip() for line in text.splitlines()} for text in raw]
    return Made(content, found, magazine, rendered, reader, [flat(text) for text in raw], lines)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Made:
    work = tmp_path_factory.mktemp("majalah")
    content = work / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "inovasi" / "layanan-rahasia-baru.md").write_text(DRAFT, encoding="utf-8")
    return make(content, work / "output" / "majalah-inovasi.pdf")


def front_matter(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def published_titles(content: Path) -> list[str]:
    """Read from the files themselves, not from the code under test."""
    files = sorted((content / "inovasi").glob("*.md"))
    return [meta["title"] for meta in map(front_matter, files) if meta["status"] != "draft"]


# --- the whole PDF -----------------------------------------------------------------------


def test_one_bookmark_per_published_entry_under_its_unit(made: Made) -> None:
    marks = outline(made.reader)
    entries = [title for level, title, _ in marks if level == 2]
    assert sorted(entries) == sorted(published_titles(made.content))
    assert entries == [p.title for p in made.magazine.entries]  # in the order of the pages
    sections = [title for level, title, _ in marks if level == 1]
    units = [u.title for u in made.magazine.units]
    assert sections == ["Pengantar", "Daftar Isi", *units, "Indeks kata kunci"]
    for unit in made.magazine.units:  # a unit's bookmark is on its first entry's page
        page = next(n for level, title, n in marks if level == 1 and title == unit.title)
        assert page == made.page_of(unit.entries[0])


def test_page_count_is_cover_foreword_contents_one_page_per_entry_and_index(made: Made) -> None:
    marks = {title: page for level, title, page in outline(made.reader) if level == 1}
    entries = made.magazine.entries
    first = made.page_of(entries[0])
    assert marks["Pengantar"] == 2  # the cover is page 1, alone
    assert marks["Daftar Isi"] == 3  # the foreword takes one page
    contents = first - marks["Daftar Isi"]
    # The contents run until the entries start: every page of it carries the running head
    # "Daftar Isi", and its last line (the index's, with its page) is on the page before.
    assert contents >= 1
    assert all("Daftar Isi" in text for text in made.texts[2 : first - 1])
    assert [made.page_of(p) for p in entries] == list(range(first, first + len(entries)))  # one page each
    assert marks["Indeks kata kunci"] == first + len(entries)
    last_line = re.findall(r"Indeks kata kunci \.{3,} ?(\d+)", made.texts[first - 2])
    assert last_line == [str(marks["Indeks kata kunci"])]
    index_pages = len(made.reader.pages) - marks["Indeks kata kunci"] + 1
    last_term = made.magazine.index[-1].terms[-1].label
    assert last_term in made.texts[-1]  # the index ends the Majalah: no blank page after it
    assert len(made.reader.pages) == 1 + 1 + contents + len(entries) + index_pages
    assert made.rendered.pages == len(made.reader.pages)


def test_each_table_of_contents_line_gives_the_page_where_the_title_is(made: Made) -> None:
    first = made.page_of(made.magazine.entries[0])
    contents = " ".join(made.texts[2 : first - 1])
    for page in made.magazine.entries:
        found = re.findall(re.escape(flat(page.title)) + r" ?\.{3,} ?(\d+)", contents)
        assert len(found) == 1, page.title
        number = int(found[0])
        assert number == made.page_of(page)
        assert flat(page.title) in made.texts[number - 1]


def test_each_entry_page_shows_its_title_summary_and_sources(made: Made) -> None:
    for page in made.magazine.entries:
        text = made.texts[made.page_of(page) - 1]
        assert flat(page.title) in text
        assert flat(page.summary)[:60] in text
        assert len(re.findall(r"https?://", text)) >= len(page.sources)


def test_each_qr_code_decodes_to_its_entrys_page_on_the_public_site(made: Made) -> None:
    import pypdfium2
    import zxingcpp

    public_url = made.found.settings["KATALOG_PUBLIC_URL"]
    assert public_url.startswith("http") and "localhost" not in public_url
    expected = {e.slug: canonical_url(e, public_url) for e in made.found.entries}
    pdf = pypdfium2.PdfDocument(str(made.rendered.path))
    try:
        for page in made.magazine.entries:
            image = pdf[made.page_of(page) - 1].render(scale=2).to_pil()
            codes = [
                c.text for c in zxingcpp.read_barcodes(image) if c.format == zxingcpp.BarcodeFormat.QRCode
            ]
            assert codes == [expected[page.anchor.removeprefix("inovasi-")]], page.title
    finally:
        pdf.close()


def test_every_font_is_embedded_and_is_the_bundled_one(made: Made) -> None:
    fonts: dict[str, DictionaryObject] = {}

    def collect_fonts(resources: Any) -> None:
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
        for xobject in (resources.get("/XObject") or {}).values():
            collect_fonts(xobject.get_object().get("/Resources"))

    for page in made.reader.pages:
        collect_fonts(page.get("/Resources"))
    assert fonts
    for name, font in fonts.items():
        descendants = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
        for part in descendants:
            descriptor = part["/FontDescriptor"].get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), f"{name} not embedded"
    # No fallback to the machine's fonts: every line is set in the bundled Noto Sans.
    assert {name.split("+")[-1] for name in fonts} <= {
        "Majalah-Sans",
        "Majalah-Sans-Bold",
        "Majalah-Sans-Italic",
    }


def test_metadata_has_the_title_and_language(made: Made) -> None:
    assert made.reader.metadata.title == made.magazine.title
    assert made.found.settings["SITENAME"] in made.reader.metadata.title
    assert made.reader.trailer["/Root"]["/Lang"] == made.found.settings["DEFAULT_LANG"] == "id"
    assert made.reader.metadata.author == made.found.settings["KATALOG_AGENCY"]
    root = made.reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root  # tagged, for screen readers


def test_the_cover_names_the_catalogue_and_the_foreword_comes_from_the_settings(made: Made) -> None:
    settings = made.found.settings
    assert settings["SITENAME"] in made.texts[0]
    assert settings["KATALOG_AGENCY"] in made.texts[0]
    assert f"{len(made.magazine.entries)} inovasi dari {len(made.magazine.units)} unit kerja" in made.texts[0]
    foreword = paragraphs(settings["KATALOG_MAJALAH_PENGANTAR"])
    assert foreword
    for paragraph in foreword:
        assert paragraph in made.texts[1]


def test_a_draft_is_absent(made: Made) -> None:
    assert DRAFT_TITLE not in made.texts[0]
    assert all(DRAFT_TITLE not in text and "rahasiadraf" not in text for text in made.texts)
    assert DRAFT_TITLE not in [title for _, title, _ in outline(made.reader)]


def test_the_index_lists_every_keyword_with_the_pages_of_its_entries(made: Made) -> None:
    start = next(page for level, title, page in outline(made.reader) if title == "Indeks kata kunci")
    index = " ".join(made.texts[start - 1 :])
    tags: dict[str, set[int]] = {}
    for page in made.magazine.entries:
        for tag in page.keywords:
            tags.setdefault(sort_key(tag), set()).add(made.page_of(page))
    for term in (t for letter in made.magazine.index for t in letter.terms):
        numbers = sorted(tags.pop(sort_key(term.label)))
        line = flat(term.label) + " " + ", ".join(map(str, numbers))
        assert re.search(re.escape(line) + r"(?!\d)", index), line
    assert tags == {}  # no keyword left out of the index


def test_unknown_facts_are_left_out_not_printed_as_unknown(made: Made) -> None:
    for entry in made.found.entries:
        page = next(p for p in made.magazine.entries if p.anchor == "inovasi-" + entry.slug)
        lines = made.lines[made.page_of(page) - 1]
        innovation, replication = entry.innovation, entry.innovation.replication
        assert not {"Tidak diketahui", "Belum diketahui"} & lines, entry.slug
        # Labels are set in capitals (text-transform), each on its own line.
        assert ("BIDANG" in lines) == (innovation.category is not None), entry.slug
        assert ("TAHUN" in lines) == (innovation.year is not None), entry.slug
        assert ("STATUS" in lines) == (innovation.status != "tidak-diketahui"), entry.slug
        assert ("PERKIRAAN BIAYA" in lines) == (replication.cost is not None), entry.slug
        assert ("Kontak" in lines) == (innovation.contact is not None), entry.slug
        assert ("Kontak replikasi" in lines) == (replication.contact is not None), entry.slug
        kit = (replication.prerequisites, replication.legal_basis, replication.cost, replication.duration)
        more = (replication.steps, replication.documents, replication.replicated_by, replication.contact)
        known = any(kit) or any(more)
        assert ("Bekal replikasi" in lines) == bool(known), entry.slug


# --- fitting, settings, layout and the command -----------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Made:
    """The three-entry fixture site and the replication fixtures (a full replication kit, a
    replica of SIMPEL), SIMPEL given too many sources for one page, and no foreword."""
    work = tmp_path_factory.mktemp("majalah-small")
    content = work / "content"
    shutil.copytree(FIXTURES / "site", content)
    shutil.copytree(FIXTURES / "site-replication" / "inovasi", content / "inovasi", dirs_exist_ok=True)
    shutil.copy(ROOT / "content" / "taxonomy.yaml", content / "taxonomy.yaml")
    simpel = content / "inovasi" / "simpel.md"
    text = simpel.read_text(encoding="utf-8")
    many = "".join(f"  - https://example.org/sumber/{n:02d}\n" for n in range(70))
    simpel.write_text(re.sub(r"sources:\n(  - .*\n)+", "sources:\n" + many, text, count=1), encoding="utf-8")
    return make(content, work / "m.pdf", KATALOG_MAJALAH_PENGANTAR=None)


def test_an_entry_too_long_for_its_page_is_set_smaller_to_fit(small: Made) -> None:
    assert small.rendered.compact == {"inovasi-simpel"}  # the others fit at the normal size
    assert small.rendered.overflowing == []
    pages = [small.page_of(p) for p in small.magazine.entries]
    assert pages == list(range(pages[0], pages[0] + len(pages)))
    simpel = small.texts[small.page_of(next(p for p in small.magazine.entries if p.title == "SIMPEL")) - 1]
    assert all(f"https://example.org/sumber/{n:02d}" in simpel for n in range(70))
    assert "Pengantar" not in [title for _, title, _ in outline(small.reader)]  # no foreword set
    assert small.page_of(small.magazine.entries[0]) == 3  # cover, contents, entries


def test_the_replication_kit_is_printed_in_full(small: Made) -> None:
    page = next(p for p in small.magazine.entries if p.title == "Arsip Digital")
    text = small.texts[small.page_of(page) - 1]
    for expected in (
        "Bekal replikasi",
        "Prasyarat SDM Dua arsiparis terlatih Satu pengelola aplikasi Infrastruktur Server berkas",
        "Regulasi Peraturan kepala unit tentang tata naskah elektronik",
        "Dasar hukum Peraturan Arsip Elektronik, Nomor 7 Tahun 2014",
        "PERKIRAAN BIAYA Sekitar Rp150 juta PERKIRAAN WAKTU Enam bulan",
        "Langkah Petakan jenis naskah Pasang aplikasi Latih arsiparis",
        "Dokumen SOP Arsip Digital — https://example.org/sop-arsip",
        "Kontak replikasi Tim Replikasi Arsip Surel: replikasi@example.org",
        "Direplikasi oleh Pemerintah Kota Contoh (2019, berjalan) Dinas Arsip Provinsi Contoh (2021)",
    ):
        assert expected in text


def test_a_replica_names_its_original_with_its_page(small: Made) -> None:
    original = next(p for p in small.magazine.entries if p.title == "SIMPEL")
    replica = next(p for p in small.magazine.entries if p.title == "SIMPEL Daerah")
    text = small.texts[small.page_of(replica) - 1]
    assert f"Replikasi dari: SIMPEL (hlm. {small.page_of(original)})" in text
    text = small.texts[small.page_of(original) - 1]
    assert f"Replika dalam katalog SIMPEL Daerah (hlm. {small.page_of(replica)})" in text


def test_the_foreword_setting_is_checked(tmp_path: Path) -> None:
    from katalog.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        collect(
            ROOT / "publishconf.py", {"PATH": str(FIXTURES / "site"), "KATALOG_MAJALAH_PENGANTAR": "x" * 2501}
        )
    assert caught.value.lines == [
        "publishconf.py: KATALOG_MAJALAH_PENGANTAR: terlalu panjang (2501 karakter); paling banyak 2500"
    ]


def test_keywords_differing_in_case_or_accents_are_one_index_term() -> None:
    tags = (("Layanan Daring", "izin"), ("layanan  daring",), ("Édukasi",))
    pages = [SimpleNamespace(anchor=f"inovasi-{n}", keywords=keywords) for n, keywords in enumerate(tags)]
    index = keyword_index(pages)  # type: ignore[arg-type]  # only anchor and keywords are read
    assert [(letter.letter, [(t.label, t.anchors) for t in letter.terms]) for letter in index] == [
        ("E", [("Édukasi", ("inovasi-2",))]),
        ("I", [("izin", ("inovasi-0",))]),
        ("L", [("Layanan Daring", ("inovasi-0", "inovasi-1"))]),
    ]


def test_paragraphs_of_a_setting() -> None:
    assert paragraphs(None) == ()
    assert paragraphs("Satu\nbaris.\n\n\n  Dua.  \n") == ("Satu baris.", "Dua.")


def test_without_a_foreword_the_html_has_no_foreword_page(made: Made) -> None:
    settings = {**made.found.settings, "KATALOG_MAJALAH_PENGANTAR": None}
    bare = edition(made.found.entries, made.found.taxonomy, settings, made.found.agency, False)
    assert bare.foreword == ()
    assert 'id="pengantar"' not in html_of(bare, settings)
    assert 'id="pengantar"' in html_of(made.magazine, made.found.settings)


def project(tmp_path: Path, settings_file: str, setting: str) -> Path:
    """A catalogue folder of its own: the fixture entries in content/, the
    taxonomy, and `settings_file` importing the engine's settings, SITENAME 'Katalog Uji'
    and one more `setting`."""
    site = tmp_path / "site"
    shutil.copytree(FIXTURES / "site", site / "content")
    shutil.copy(ROOT / "content" / "taxonomy.yaml", site / "content" / "taxonomy.yaml")
    (site / settings_file).write_text(
        f"from katalog.settings import *\nSITENAME = 'Katalog Uji'\n{setting}\n", encoding="utf-8"
    )
    return site


def test_katalog_majalah_writes_the_pdf_and_keeps_it_when_content_is_invalid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from katalog.tools.cli import main

    site = project(tmp_path, "pelicanconf.py", "KATALOG_AGENCY = 'Instansi Uji'")
    monkeypatch.chdir(site)
    assert main(["majalah", "--settings", "pelicanconf.py"]) == 0
    pdf = site / "output" / "majalah-inovasi.pdf"
    captured = capsys.readouterr()
    assert captured.out.strip() == "output/majalah-inovasi.pdf"
    assert "peringatan: kode QR menunjuk ke http://localhost:8000 (KATALOG_PUBLIC_URL" in captured.err
    assert "Selesai: Majalah Inovasi, 3 inovasi," in captured.err
    reader = PdfReader(pdf)
    assert reader.metadata.title == "Majalah Inovasi — Katalog Uji"
    before = pdf.read_bytes()
    broken = site / "content" / "inovasi" / "simpel.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("year: 2017", 'year: "2017"'), "utf-8")
    assert main(["majalah", "--settings", "pelicanconf.py"]) == 1
    assert "content/inovasi/simpel.md:" in capsys.readouterr().err
    assert pdf.read_bytes() == before
    assert sorted(p.name for p in pdf.parent.iterdir()) == ["majalah-inovasi.pdf"]  # no partial file left


def test_a_machine_without_any_font_sets_the_majalah_in_the_bundled_one(tmp_path: Path) -> None:
    """A fresh Debian may have no fonts: fontconfig pointed at an empty configuration finds
    none, and the Majalah is still set entirely in the bundled Noto Sans."""
    import subprocess
    import sys

    site = project(tmp_path, "publishconf.py", "KATALOG_PUBLIC_URL = 'https://inovasi.contoh.go.id'")
    config = tmp_path / "fonts.conf"
    config.write_text(
        f"<fontconfig><cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n", encoding="utf-8"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "FONTCONFIG_FILE": str(config)}
    if shutil.which("fc-list"):  # fontconfig's tools (not WeasyPrint's dependency) say so too
        listed = subprocess.run(["fc-list"], env=env, capture_output=True, text=True, check=False)
        assert listed.stdout.strip() == ""  # no font for anyone to fall back on
    done = subprocess.run(
        [sys.executable, "-m", "katalog.tools.cli", "majalah"],
        cwd=site,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "ugly" not in done.stderr and "peringatan" not in done.stderr
    reader = PdfReader(site / "output" / "majalah-inovasi.pdf")
    names = {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert names == {"Majalah-Sans", "Majalah-Sans-Bold", "Majalah-Sans-Italic"}
    text = " ".join(flat(page.extract_text()) for page in reader.pages)
    assert all(title in text for title in published_titles(site / "content"))


@pytest.mark.parametrize(
    ("url", "nowhere"),
    [
        ("http://localhost:8000", True),
        ("http://127.0.0.1:8000/", True),
        ("https://katalog-inovasi.example", True),
        ("https://inovasi.uji.test/", True),
        ("https://inovasi.setneg.go.id", False),
        ("https://example.org/katalog", False),
    ],
)
def test_a_qr_code_to_this_machine_or_a_reserved_domain_is_warned_about(url: str, nowhere: bool) -> None:
    from katalog.tools.cli import leads_nowhere

    assert leads_nowhere(url) is nowhere


def test_without_the_extra_katalog_majalah_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    from katalog.tools.cli import main

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint raises ImportError
    assert main(["majalah", "--settings", "publishconf.py", "--output", "/nonexistent/m.pdf"]) == 2
    assert "pip install 'katalog-inovasi[majalah]'" in capsys.readouterr().err


def test_the_build_and_the_command_line_never_import_the_pdf_engine() -> None:
    """`make html` must work without the majalah extra: nothing but `katalog majalah` loads it."""
    import subprocess
    import sys

    code = (
        "import sys, katalog.tools.cli, katalog.site.build, katalog.site.plugin; "
        "print(sorted(m for m in ('weasyprint', 'segno') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_without_root_missing_pango_is_named_in_one_line_by_both_scripts(tmp_path: Path) -> None:
    import subprocess

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in (("id", "echo 1000"), ("ldconfig", "exit 0")):  # not root; no library known
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    wanted = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
    for script, prefix in (("majalah-deps.sh", "Majalah Inovasi"), ("test-deps.sh", "make test")):
        done = subprocess.run(
            ["/bin/bash", str(ROOT / "scripts" / script)],
            capture_output=True, text=True, check=False, env={"PATH": str(bin_dir)}, timeout=30,
        )  # fmt: skip
        assert done.returncode == 1, done.stderr
        assert done.stderr.splitlines() == [
            f"{prefix}: pasang dulu paket Debian berikut, lalu ulangi: sudo apt-get install {wanted}"
            + (" default-jre-headless" if script == "test-deps.sh" else "")
        ]


def test_katalog_init_offers_the_foreword_setting() -> None:
    from katalog.tools.init import Answers, render_files

    files = render_files(
        Answers("Katalog Kota Contoh", "Pemerintah Kota Contoh", "https://inovasi.contoh.go.id").checked()
    )
    assert "# KATALOG_MAJALAH_PENGANTAR = " in files["pelicanconf.py"]
    assert "Majalah ini adalah cetakan Katalog Kota Contoh" in files["pelicanconf.py"]
    assert "\nmajalah: $(STAMP) ## " in files["Makefile"]
    assert "katalog majalah --settings $(PUBLISHCONF)" in files["Makefile"]
