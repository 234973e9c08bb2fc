"""Docs are tested: the README's commands, the CLI commands and the field table."""

from __future__ import annotations

import re

from katalog.content.schema import FIELDS_END, FIELDS_START, field_table
from katalog.tools.cli import COMMANDS

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_gives_the_two_setup_commands_near_the_top() -> None:
    top = README[:1500]
    assert "```sh\nmake html\nmake test\n```" in top


def test_every_cli_command_is_in_the_readme() -> None:
    for name in COMMANDS:
        assert f"`katalog {name}" in README, name


def test_every_make_target_is_in_the_readme() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = re.findall(r"^([a-z-]+):.*## ", makefile, flags=re.MULTILINE)
    assert targets
    for target in targets:
        if target in {"help", "install"}:
            continue
        assert f"make {target}" in README, target


def test_field_tables_are_current() -> None:
    for doc in (ROOT / "README.md", ROOT / "content" / "pages" / "kontribusi.md"):
        text = doc.read_text(encoding="utf-8")
        if doc.name == "kontribusi.md" and FIELDS_START not in text:
            continue
        assert f"{FIELDS_START}\n{field_table()}\n{FIELDS_END}" in text, f"run `katalog schema` ({doc.name})"


def test_open_data_page_documents_every_csv_column() -> None:
    from katalog.tools.doctables import COLUMNS_END, COLUMNS_START, column_table

    page = (ROOT / "content" / "pages" / "data-terbuka.md").read_text(encoding="utf-8")
    assert f"{COLUMNS_START}\n{column_table()}\n{COLUMNS_END}" in page, "run `katalog schema`"


def test_editors_guide_explains_every_key() -> None:
    from katalog.content.model import Innovation, Replication

    guide = (ROOT / "content" / "pages" / "kontribusi.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `([a-z_]+)` \|", guide, flags=re.MULTILINE))
    missing = (set(Innovation.model_fields) | set(Replication.model_fields)) - rows
    assert missing == set()


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "\nmake test\n" in ci
