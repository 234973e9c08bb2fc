"""The editors' tools around a file: the schema modeline, VS Code's task, the pre-commit hook."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from katalog.content import frontmatter
from katalog.content.checking import check_files
from katalog.content.taxonomy import Taxonomy
from katalog.tools.scaffold import SCHEMA_REF, scaffold_text, schema_ref_for

from .conftest import FIXTURES, ROOT

PRE_COMMIT = ROOT / ".pre-commit-config.yaml"
TASKS = ROOT / ".vscode" / "tasks.json"


# --- the YAML language server's modeline ---------------------------------------------------


def test_modeline_is_the_first_line_inside_the_front_matter(tmp_path: Path, taxonomy: Taxonomy) -> None:
    path = tmp_path / "uji.md"
    path.write_text(scaffold_text("Uji", {"unit": "Biro Hubungan Masyarakat"}), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["---", f"# yaml-language-server: $schema={SCHEMA_REF}"]
    report = check_files([path], taxonomy)
    assert report.errors == []
    assert lines[report.entries[0].line_of("title") - 1] == "title: Uji"  # line numbers still match


def test_modeline_points_at_the_committed_schema_from_content_inovasi() -> None:
    folder = ROOT / "content" / "inovasi"
    assert schema_ref_for(folder) == SCHEMA_REF
    assert (folder / SCHEMA_REF).resolve() == (ROOT / "schema" / "innovation.schema.json").resolve()


def test_the_schema_the_modeline_names_accepts_the_scaffold_and_rejects_a_typo() -> None:
    schema = json.loads((ROOT / "content" / "inovasi" / SCHEMA_REF).read_text(encoding="utf-8"))
    text = scaffold_text("Uji", {"unit": "Biro Hubungan Masyarakat", "kind": ["digitalisasi"]})
    data = frontmatter.parse_yaml(frontmatter.split(text, "uji.md").yaml_text, "uji.md").data
    jsonschema.validate(data, schema)  # what the editor's YAML extension checks against
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "kind": ["digital"]}, schema)


# --- VS Code: `katalog check` as a task whose output lands on the right line ----------------


def _matchers() -> dict[str, re.Pattern[str]]:
    task = json.loads(TASKS.read_text(encoding="utf-8"))["tasks"][0]
    assert task["command"] == "${workspaceFolder}/.venv/bin/katalog"
    assert task["args"] == ["check", "${relativeFile}"]
    return {m["severity"]: re.compile(m["pattern"]["regexp"]) for m in task["problemMatcher"]}


def test_vscode_problem_matchers_read_katalog_check_output() -> None:
    matchers = _matchers()
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "katalog"), "check", "tests/fixtures/bad/year-wrong-type.md",
         "tests/fixtures/good/minimal.md"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    error, warning = done.stdout.splitlines()
    found = matchers["error"].match(error)
    assert found is not None and found.groups() == (
        "tests/fixtures/bad/year-wrong-type.md",
        "7",
        "year",
        "harus berupa bilangan bulat (mis. 2019), bukan teks '2019'",
    )
    assert matchers["warning"].match(error) is None
    assert matchers["error"].match(warning) is None
    assert matchers["warning"].match(warning).group(1, 2, 3) == (
        "tests/fixtures/good/minimal.md",
        "1",
        "last_verified",
    )


# --- pre-commit -----------------------------------------------------------------------------


def _hook(hook_id: str) -> dict[str, object]:
    from pre_commit.clientlib import load_config

    config = load_config(str(PRE_COMMIT))  # pre-commit's own schema check of the file
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    return hooks[hook_id]


def test_pre_commit_hook_runs_on_staged_innovation_files_only() -> None:
    hook = _hook("katalog-check")
    files = re.compile(str(hook["files"]))
    assert files.search("content/inovasi/simpel.md")
    assert not files.search("content/pages/kontribusi.md")
    assert not files.search("tests/fixtures/bad/year-wrong-type.md")
    assert hook["language"] in {"system", "unsupported"}  # pre-commit 4.4 renamed "system"
    assert hook["pass_filenames"] is True


@pytest.mark.parametrize(("fixture", "code"), [("bad/year-wrong-type.md", 1), ("good/minimal.md", 0)])
def test_pre_commit_hook_command_fails_on_a_bad_file(fixture: str, code: int) -> None:
    hook = _hook("katalog-check")
    command = [*shlex.split(str(hook["entry"])), f"tests/fixtures/{fixture}"]  # as pre-commit calls it
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == code, done.stdout + done.stderr
    if code:
        assert done.stdout.startswith(f"tests/fixtures/{fixture}:")


def test_pre_commit_rechecks_everything_when_the_taxonomy_changes() -> None:
    hook = _hook("katalog-check-taxonomy")
    assert re.compile(str(hook["files"])).search("content/taxonomy.yaml")
    assert shlex.split(str(hook["entry"]))[1:] == ["check", "content/inovasi"]
    assert hook["pass_filenames"] is False
    assert yaml.safe_load(PRE_COMMIT.read_text(encoding="utf-8"))["repos"][0]["repo"] == "local"
    assert FIXTURES.is_dir()


# --- the editors' guide ---------------------------------------------------------------------


def test_guide_walks_through_add_preview_fix_publish_with_its_screenshots(real_site: Path) -> None:
    guide = (ROOT / "content" / "pages" / "kontribusi.md").read_text(encoding="utf-8")
    steps = re.findall(r"^## (Langkah \d: .+)$", guide, flags=re.MULTILINE)
    assert steps == [
        "Langkah 1: tambah entri baru",
        "Langkah 2: isi kolom-kolomnya",
        "Langkah 3: tinjau di pratinjau",
        "Langkah 4: perbaiki kesalahan",
        "Langkah 5: terbitkan",
    ]
    for needed in ("katalog new", "make devserver", "make check", "status: draft", "pre-commit install",
                   "Ctrl+Shift+B", "yaml-language-server"):  # fmt: skip
        assert needed in guide, needed
    page = (real_site / "kontribusi" / "index.html").read_text(encoding="utf-8")
    images = re.findall(r'<img alt="[^"]+" src="\.\./(images/panduan/[a-z-]+\.png)">', page)
    shots = ("berkas-baru.png", "beranda-ponsel.png", "galat-pratinjau.png")  # made by scripts/screenshots.py
    assert images == [f"images/panduan/{name}" for name in shots]
    for image in images:
        assert (real_site / image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
