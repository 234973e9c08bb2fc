"""Changes to output/ in place: every one undoable until the pass completes."""

from __future__ import annotations

from pathlib import Path

from katalog.site.inplace import InPlace, staged_names


def state(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file (its bytes and inode) and folder (b"" and 0: a folder emptied and made
    again may get a new inode number, which no web server or hard link cares about)."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_ino) if p.is_file() else (b"", 0)
        for p in sorted(root.rglob("*"))
    }


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def test_apply_then_rollback_restores_every_file_folder_and_file_inode(tmp_path: Path) -> None:
    output, staging = tmp_path / "output", tmp_path / "staging"
    write(output, {"index.html": "lama", "inovasi/a/index.html": "a", "inovasi/b/index.html": "b"})
    before = state(output)
    write(staging, {"index.html": "baru", "inovasi/c/index.html": "c", "inovasi/a/index.html": "a"})
    changes = InPlace(output)
    changed = changes.apply(staging, deletions=["inovasi/b/index.html"])
    assert changed == ["index.html", "inovasi/c/index.html", "inovasi/b/index.html"]
    assert (output / "index.html").read_text() == "baru"
    assert not (output / "inovasi" / "b").exists()  # emptied folders go, as in a clean build
    assert changes.touched == {"index.html", "inovasi/c/index.html", "inovasi/b/index.html"}
    changes.rollback()
    assert state(output) == before
    assert not changes.open
    assert [p.name for p in tmp_path.iterdir() if "-undo-" in p.name] == []


def test_a_staged_file_equal_to_the_one_in_place_is_not_moved(tmp_path: Path) -> None:
    output, staging = tmp_path / "output", tmp_path / "staging"
    write(output, {"a.html": "sama"})
    write(staging, {"a.html": "sama"})
    before = state(output)
    assert InPlace(output).apply(staging) == []
    assert state(output) == before


def test_close_keeps_the_changes_and_forgets_the_old_versions(tmp_path: Path) -> None:
    output, staging = tmp_path / "output", tmp_path / "staging"
    write(output, {"a.html": "lama"})
    changes = InPlace(output)
    write(staging, {"a.html": "baru"})
    changes.apply(staging)
    write(staging, {"a.html": "lebih baru"})  # a second pass over the same file
    changes.apply(staging)
    changes.close()
    changes.rollback()  # nothing left to undo
    assert (output / "a.html").read_text() == "lebih baru"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output", "staging"]  # no backup left


def test_staged_names_are_posix_and_sorted(tmp_path: Path) -> None:
    write(tmp_path, {"b/c.json": "", "a.html": "", "b/a/d.xml": ""})
    assert staged_names(tmp_path) == ["a.html", "b/a/d.xml", "b/c.json"]
