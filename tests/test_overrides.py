"""A site's identity and overrides: settings checked, one template and one CSS file replaced,
and a clear warning when an override relies on what the engine's theme does not provide."""

from __future__ import annotations

import logging
from contextlib import chdir
from pathlib import Path

import pytest

from katalog.site.config import contrast
from katalog.tools.cli import main

from .test_init import build_here, init


@pytest.fixture
def site(tmp_path: Path) -> Path:
    target = tmp_path / "kota"
    assert init(target) == 0
    with chdir(target):
        assert (
            main(["new", "Layanan Izin Daring", "--unit", "Diskominfo", "--year", "2024", "--no-input"]) == 0
        )
    return target


def add_settings(site: Path, text: str) -> None:
    conf = site / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_one_template_and_one_css_file_override_the_engine(site: Path) -> None:
    templates = site / "theme" / "templates"
    (templates / "page.html").write_text(
        '{% extends "base.html" %}\n{% block content %}<p class="milik-kota">{{ page.title }}</p>'
        "{{ page.content }}{% endblock %}\n",
        encoding="utf-8",
    )
    css = site / "theme" / "static" / "css"
    css.mkdir(parents=True)
    (css / "site.css").write_text("/* warna kota */ body { color: #111; }\n", encoding="utf-8")
    output = build_here(site)
    about = (output / "tentang" / "index.html").read_text(encoding="utf-8")
    assert '<p class="milik-kota">' in about
    assert (output / "theme" / "css" / "site.css").read_text(encoding="utf-8").startswith("/* warna kota */")
    assert (output / "theme" / "js" / "cari.js").is_file()  # the rest of the engine's theme is still there
    entry = (output / "inovasi" / "layanan-izin-daring" / "index.html").read_text(encoding="utf-8")
    assert "milik-kota" not in entry  # only the overridden template changed


def test_an_override_using_what_the_engine_lacks_is_warned_about(
    site: Path, caplog: pytest.LogCaptureFixture
) -> None:
    templates = site / "theme" / "templates"
    (templates / "page.html").write_text(
        '{% extends "base.html" %}\n{% block sidebar %}x{% endblock %}\n'
        "{% block content %}{{ page.content }}{{ jumlah_pengunjung }}{% endblock %}\n",
        encoding="utf-8",
    )
    (templates / "artikel.html").write_text("<p>lama</p>\n", encoding="utf-8")
    (templates / "base.html").write_text("<html><body>{% block content %}{% endblock %}</body></html>\n")
    with caplog.at_level(logging.WARNING):
        build_here(site)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("katalog: theme/")]
    assert (
        "katalog: theme/templates/page.html: blok 'sidebar' tidak ada di templat mesin 'base.html'; isinya tidak akan tampil"
        in lines
    )
    assert (
        "katalog: theme/templates/page.html: variabel 'jumlah_pengunjung' tidak disediakan mesin untuk 'page.html'; nilainya akan kosong"
        in lines
    )
    assert (
        "katalog: theme/templates/artikel.html: tidak ada templat mesin bernama 'artikel.html'; berkas ini tidak dipakai"
        in lines
    )
    assert any("base.html: blok 'footer' dari templat mesin hilang" in line for line in lines)


def test_identity_comes_from_the_settings(site: Path) -> None:
    images = site / "content" / "images"
    (images / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>\n')
    add_settings(
        site,
        'KATALOG_LOGO = "images/logo.svg"\nKATALOG_COLORS = {"accent": "#0B5394", "accent_fg": "#ffffff"}\n'
        'KATALOG_FOOTER = "Dikelola Bagian Organisasi."\n'
        'KATALOG_CONTACT = {"email": "inovasi@contoh.go.id", "url": "https://contoh.go.id"}\n',
    )
    output = build_here(site)
    home = (output / "index.html").read_text(encoding="utf-8")
    assert '<img class="logo" src="./images/logo.svg" alt="" height="32">' in home
    assert '<link rel="stylesheet" href="./theme/css/identitas.css">' in home
    assert "Dikelola Bagian Organisasi." in home
    assert '<a href="mailto:inovasi@contoh.go.id">' in home
    css = (output / "theme" / "css" / "identitas.css").read_text(encoding="utf-8")
    assert css == ":root {\n  --accent: #0b5394;\n  --accent-fg: #ffffff;\n}\n"
    assert (output / "images" / "logo.svg").is_file()


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        (
            'KATALOG_COLOURS = {"accent": "#000000"}',
            "pelicanconf.py: KATALOG_COLOURS: kunci tidak dikenal; maksud Anda 'KATALOG_COLORS'?",
        ),
        (
            'KATALOG_COLORS = {"accent": "merah"}',
            "pelicanconf.py: KATALOG_COLORS: 'merah' bukan warna; tulis kode heksadesimal, mis. '#0b5394'",
        ),
        (
            'KATALOG_COLORS = {"accent": "#ffff00"}',
            "pelicanconf.py: KATALOG_COLORS: kontras accent_fg #ffffff di atas accent #ffff00 hanya 1.1:1; minimal 4.5:1",
        ),
        (
            'KATALOG_COLORS = {"latar": "#000000"}',
            "pelicanconf.py: KATALOG_COLORS: warna 'latar' tidak dikenal; pilihan: accent, accent_fg, link, focus",
        ),
        (
            "KATALOG_STALE_AFTER_DAYS = '365'",
            "pelicanconf.py: KATALOG_STALE_AFTER_DAYS: harus berupa bilangan bulat, bukan str '365'",
        ),
        (
            "KATALOG_PUBLIC_URL = 'inovasi.contoh.go.id'",
            "pelicanconf.py: KATALOG_PUBLIC_URL: 'inovasi.contoh.go.id' bukan URL http(s) yang lengkap, mis. 'https://inovasi.contoh.go.id'",
        ),
        (
            'KATALOG_LOGO = "../rahasia.png"',
            "pelicanconf.py: KATALOG_LOGO: '../rahasia.png' harus berkas gambar di dalam content/, mis. 'images/logo.svg'",
        ),
        (
            'KATALOG_CONTACT = {"surel": "a@b.go.id"}',
            "pelicanconf.py: KATALOG_CONTACT.surel: kunci tidak dikenal",
        ),
        ("SITENAMA = 'Katalog'", "pelicanconf.py: SITENAMA: kunci tidak dikenal; maksud Anda 'SITENAME'?"),
        (
            "KATALOG_INCLUDE_DRAFTS = 'ya'",
            "pelicanconf.py: KATALOG_INCLUDE_DRAFTS: harus berupa True atau False, bukan str 'ya'",
        ),
    ],
)
def test_a_bad_setting_is_one_clear_line_and_exit_2(
    site: Path, setting: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    add_settings(site, setting + "\n")
    with chdir(site):
        assert main(["build"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [expected]
    assert not (site / "output").exists()


def test_a_settings_file_that_does_not_run_is_reported_on_its_line(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = (site / "pelicanconf.py").read_text(encoding="utf-8").count("\n")
    add_settings(site, "SITENAME = 'tanpa penutup\n")
    with chdir(site):
        assert main(["build"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"pelicanconf.py:{lines + 1}: berkas pengaturan tidak dapat dibaca: SyntaxError")
    assert "Traceback" not in err


def test_contrast_is_wcag() -> None:
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#8a1c1c", "#fff"), 1) == 9.3  # the theme's header: AA with room
