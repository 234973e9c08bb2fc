"""`katalog init`: a new agency's catalogue that builds, searches, and names no other agency.

Sites are built in-process from their own pelicanconf.py (which imports `katalog.settings`),
from the site's folder as `make html` runs there. The wheel and a fresh virtual
environment are exercised in tests/test_engine_package.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import chdir
from pathlib import Path

import pytest
import yaml

from katalog.site.build import build
from katalog.tools.cli import main
from katalog.tools.init import FILES, SCHEMA_PATH

from .conftest import ROOT

FLAGS = [
    "--nama",
    "Katalog Inovasi Kota Contoh",
    "--instansi",
    "Pemerintah Kota Contoh",
    "--url",
    "https://inovasi.contoh.go.id",
    "--unit",
    "Dinas Komunikasi dan Informatika|Diskominfo",
    "--unit",
    "Bagian Organisasi",
]


def init(target: Path, *extra: str) -> int:
    return main(["init", str(target), *FLAGS, "--no-input", *extra])


def build_here(site: Path, **overrides: object) -> Path:
    with chdir(site):
        build(site / "pelicanconf.py", site / "output", dict(overrides))
    return site / "output"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    target = tmp_path / "kota"
    assert init(target) == 0
    return target


def test_init_writes_the_design_card_shape(site: Path) -> None:
    for name in [*FILES.values(), SCHEMA_PATH]:
        assert (site / name).is_file(), name
    assert (site / "content" / "inovasi").is_dir()
    assert list((site / "content" / "inovasi").iterdir()) == []
    taxonomy = yaml.safe_load((site / "content" / "taxonomy.yaml").read_text(encoding="utf-8"))
    assert taxonomy["units"] == [
        {"slug": "diskominfo", "name": "Dinas Komunikasi dan Informatika", "short": "Diskominfo"},
        {"slug": "bagian-organisasi", "name": "Bagian Organisasi"},
    ]
    conf = (site / "pelicanconf.py").read_text(encoding="utf-8")
    assert "SITENAME = 'Katalog Inovasi Kota Contoh'" in conf
    assert "KATALOG_AGENCY = 'Pemerintah Kota Contoh'" in conf
    assert "https://inovasi.contoh.go.id" in (site / "publishconf.py").read_text(encoding="utf-8")
    schema = json.loads((site / SCHEMA_PATH).read_text(encoding="utf-8"))
    assert schema["properties"]["unit"]["anyOf"][0]["enum"] == [
        "Dinas Komunikasi dan Informatika",
        "Bagian Organisasi",
    ]
    makefile = (site / "Makefile").read_text(encoding="utf-8")
    for target in (
        "help",
        "install",
        "html",
        "publish",
        "check",
        "test",
        "lint",
        "serve",
        "devserver",
        "clean",
    ):
        assert f"\n{target}:" in makefile, target


def test_no_written_file_names_another_agency(site: Path) -> None:
    for path in site.rglob("*"):
        if path.is_file():
            assert "setneg" not in path.read_text(encoding="utf-8").casefold(), path


def test_an_empty_catalogue_builds_a_friendly_home(site: Path) -> None:
    output = build_here(site)
    home = (output / "index.html").read_text(encoding="utf-8")
    assert "Katalog ini belum berisi inovasi" in home
    assert 'katalog new "Judul Inovasi"' in home
    assert "<title>Katalog Inovasi Kota Contoh</title>" in home
    assert (output / "kontribusi" / "index.html").is_file()


def test_a_first_entry_builds_and_is_found(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with chdir(site):
        assert main(["new", "Layanan Izin Daring", "--unit", "Diskominfo", "--kind", "digitalisasi",
                     "--year", "2024", "--no-input"]) == 0  # fmt: skip
        assert main(["check"]) == 0
    output = build_here(site)
    page = (output / "inovasi" / "layanan-izin-daring" / "index.html").read_text(encoding="utf-8")
    assert "Dinas Komunikasi dan Informatika" in page
    assert '"name": "Dinas Komunikasi dan Informatika"' in page  # JSON-LD provider
    with chdir(site):
        capsys.readouterr()
        assert main(["search", "izin daring", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [h["slug"] for h in hits] == ["layanan-izin-daring"]
    for path in output.rglob("*"):
        if path.is_file():
            assert b"setneg" not in path.read_bytes().lower(), path


def test_workflows_pass_the_forges_schemas(site: Path) -> None:
    """check-jsonschema validates against its vendored SchemaStore schemas (no network)."""
    checks = [
        ("vendor.github-workflows", ".github/workflows/pages.yml"),
        ("vendor.gitlab-ci", ".gitlab-ci.yml"),
    ]
    for schema, name in checks:
        done = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "check-jsonschema"), "--builtin-schema", schema, str(site / name)],
            capture_output=True, text=True, check=False, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
    workflow = yaml.safe_load((site / ".github/workflows/pages.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    assert any(s.get("run") == "make publish" for s in steps)
    assert workflow["jobs"]["deploy"]["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"


def _refused(target: Path, *extra: str, capsys: pytest.CaptureFixture[str]) -> str:
    before = sorted(p.relative_to(target.parent) for p in target.parent.rglob("*"))
    assert init(target, *extra) == 2
    assert sorted(p.relative_to(target.parent) for p in target.parent.rglob("*")) == before  # nothing written
    return capsys.readouterr().err


def test_init_into_a_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "berkas.txt"
    target.write_text("x", encoding="utf-8")
    assert "adalah berkas, bukan folder" in _refused(target, capsys=capsys)


def test_init_over_a_catalogue_is_refused_even_with_force(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "sudah berisi katalog" in _refused(site, "--force", capsys=capsys)


def test_a_non_empty_folder_needs_force_and_nothing_is_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "repo"
    target.mkdir()
    (target / "catatan.txt").write_text("milik kami", encoding="utf-8")
    assert "tidak kosong" in _refused(target, capsys=capsys)
    (target / "README.md").write_text("README kami", encoding="utf-8")
    assert "README.md' sudah ada" in _refused(target, "--force", capsys=capsys)
    (target / "README.md").unlink()
    assert init(target, "--force") == 0
    assert (target / "catatan.txt").read_text(encoding="utf-8") == "milik kami"
    assert (target / "pelicanconf.py").is_file()


def test_init_without_write_permission_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder the user may not write to; root may write to any folder, so as root the
    place is sysfs, where creating a folder is not permitted to anyone."""
    if os.geteuid() == 0:
        target = Path("/sys/katalog-uji")
    else:
        parent = tmp_path / "readonly"
        parent.mkdir()
        parent.chmod(0o555)
        target = parent / "kota"
    assert init(target) == 2
    err = capsys.readouterr().err
    assert "tidak ada izin menulis" in err or "tidak dapat menulis" in err
    assert "Traceback" not in err
    assert not target.exists()


def test_bad_flags_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "a"), "--nama", "A", "--instansi", "B", "--url", "inovasi.go.id",
                 "--no-input"]) == 2  # fmt: skip
    assert "bukan alamat http(s) yang lengkap" in capsys.readouterr().err
    assert not (tmp_path / "a").exists()


def test_interactive_init_asks_name_agency_url_and_units(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    target = tmp_path / "prov"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "katalog.tools.cli", "init", str(target)],
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=30,
    )
    child.expect("Nama instansi")
    child.sendline("Pemerintah Provinsi Contoh")
    child.expect(r"Nama katalog \[Katalog Inovasi Pemerintah Provinsi Contoh\]")
    child.sendline("")
    child.expect("Alamat publik")
    child.sendline("https://inovasi.prov-contoh.go.id")
    child.expect("Unit kerja ke-1")
    child.sendline("Biro Organisasi")
    child.expect("Singkatannya")
    child.sendline("Biro Ortala")
    child.expect("Unit kerja ke-2")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    conf = (target / "pelicanconf.py").read_text(encoding="utf-8")
    assert "SITENAME = 'Katalog Inovasi Pemerintah Provinsi Contoh'" in conf
    taxonomy = yaml.safe_load((target / "content" / "taxonomy.yaml").read_text(encoding="utf-8"))
    assert taxonomy["units"] == [{"slug": "biro-ortala", "name": "Biro Organisasi", "short": "Biro Ortala"}]
