"""Change a built site in place, with every change undoable until the new site is complete.

`katalog build` renders a whole new tree and swaps it in; at 10,000 entries just removing
the old tree costs seconds. The devserver's session (`katalog.site.session`) changes a
handful of files instead, rendered first into a staging folder beside ``output/``, and
moves them in here. The promise of the atomic build still holds: the first time a file is
replaced or deleted its previous version is kept (a hard link, so the same inode and time
come back), and `rollback` restores every one of them and removes every file and folder
that did not exist. Only `close` makes the changes final.

Hazard: a process killed between the first change and `close` leaves a mixed ``output/``.
The session therefore deletes the build's record of ``output/`` (`outputs.MANIFEST_FILE`)
before the first change, so the next `katalog build` trusts nothing in it and renders
everything afresh; the backups are named like a killed build's leftovers
(``.output-old-*``), which that build removes.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path


def staged_names(staging: Path) -> list[str]:
    """Every file under `staging`, as posix paths relative to it, sorted."""
    names = []
    for folder, _, files in os.walk(staging):
        base = os.path.relpath(folder, staging).replace(os.sep, "/")
        names.extend(name if base == "." else f"{base}/{name}" for name in files)
    return sorted(names)


def _same_bytes(one: Path, other: Path) -> bool:
    try:
        if one.stat().st_size != other.stat().st_size:
            return False
        return one.read_bytes() == other.read_bytes()
    except FileNotFoundError:
        return False


class InPlace:
    """Replacements and deletions in `output`, undoable until `close()`."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self._backup: Path | None = None
        self._saved: set[str] = set()  # names whose previous version is in the backup
        self._absent: set[str] = set()  # names that did not exist before the first change
        self._folders: list[Path] = []  # folders created in `output`, in creation order

    @property
    def touched(self) -> set[str]:
        """Every name changed since the last `close`: its file is not the previous build's."""
        return self._saved | self._absent

    @property
    def open(self) -> bool:
        return bool(self._saved or self._absent)

    def apply(self, staging: Path, deletions: Iterable[str] = ()) -> list[str]:
        """Move every file staged under `staging` into `output` and delete `deletions`;
        the names whose bytes changed. A staged file equal to the one in place is dropped,
        so the file in ``output/`` keeps its inode and time (and open pages do not reload)."""
        changed = []
        for name in staged_names(staging):
            source, target = staging / name, self.output / name
            if _same_bytes(source, target):
                continue
            self._remember(name)
            self._make_folder(target.parent)
            source.replace(target)
            changed.append(name)
        for name in sorted(set(deletions)):
            target = self.output / name
            if not target.is_file():
                continue
            self._remember(name)
            target.unlink()
            self._prune(target.parent)
            changed.append(name)
        return changed

    def rollback(self) -> None:
        """Put back every file as it was before the first change since the last `close`."""
        for name in sorted(self._absent):
            (self.output / name).unlink(missing_ok=True)
        if self._backup is not None:
            for name in sorted(self._saved):
                target = self.output / name
                target.parent.mkdir(parents=True, exist_ok=True)
                (self._backup / name).replace(target)
        for folder in reversed(self._folders):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        self.close()

    def close(self) -> None:
        """Keep every change; forget the previous versions."""
        if self._backup is not None:
            shutil.rmtree(self._backup, ignore_errors=True)
        self._backup = None
        self._saved, self._absent, self._folders = set(), set(), []

    def _remember(self, name: str) -> None:
        if name in self._saved or name in self._absent:
            return
        current = self.output / name
        if not current.is_file():
            self._absent.add(name)
            return
        if self._backup is None:
            prefix = f".{self.output.name}-old-undo-"  # a killed build's leftover, to the next build
            self._backup = Path(tempfile.mkdtemp(prefix=prefix, dir=self.output.parent))
        kept = self._backup / name
        kept.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(current, kept)  # the file stays in place, served, until it is replaced
        except OSError:
            shutil.copy2(current, kept)
        self._saved.add(name)

    def _make_folder(self, folder: Path) -> None:
        missing = []
        while not folder.is_dir():
            missing.append(folder)
            folder = folder.parent
        for created in reversed(missing):
            created.mkdir()
            self._folders.append(created)

    def _prune(self, folder: Path) -> None:
        """Remove folders emptied by a deletion (a clean build has no empty folders)."""
        while folder != self.output and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
