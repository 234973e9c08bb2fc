"""`katalog import`: one spreadsheet row, one draft entry under ``content/inovasi/``.

Each row is written as `katalog new` writes an entry (the scaffold, with comments and the
schema modeline), from the row's cells instead of placeholders, and validated through
the same reader `katalog check` uses, so a row is reported with the very messages a file
would get (``FILE:SHEET:row N: field: message``). Nothing is written until the whole sheet
has been read: a sheet that turns out too big, or a merge found at its end, stops the
rows it concerns before any file changes.

Re-importing is idempotent. An entry this command created carries `IMPORT_MARK`; a row
with its slug updates, in place, only the keys whose cells are filled (`frontedit`), and
leaves the body and everything else the editor wrote. A row whose slug belongs to an
entry written by hand is an error, as is a second row with the slug of an earlier one.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from katalog.content import frontmatter
from katalog.content.columns import (
    BODY_COLUMNS,
    DEFAULTS,
    Column,
    columns_by_key,
    convert_row,
    is_instruction,
    unknown_column_message,
)
from katalog.content.crossfile import unknown_originals
from katalog.content.model import slugify
from katalog.content.sheetrows import Mapping, RowProblem, Sheet, SheetRow
from katalog.content.sheets import open_sheet
from katalog.content.taxonomy import Taxonomy
from katalog.content.validate import Entry, display_path, validate_located
from katalog.errors import Problem, UsageError
from katalog.tools.frontedit import EditError, set_keys, value_at
from katalog.tools.scaffold import BODY, scaffold_text, schema_ref_for, slug_index

IMPORT_MARK = "# katalog import: dibuat dari lembar; impor ulang memperbarui kolom lembar, bukan uraian."
_MARK_PREFIX = "# katalog import:"
_INDEX = re.compile(r"\[[0-9]+\]")

Target = Column | str | None  # a front-matter column, the body column, or a column left out


@dataclass(frozen=True)
class Change:
    """A file this import creates (`old` is None) or changes."""

    row: int
    path: Path
    old: str | None
    new: str

    def diff(self) -> str:
        """The change as a unified diff, as `--dry-run` prints it."""
        old = self.old.splitlines(keepends=True) if self.old is not None else []
        lines = difflib.unified_diff(
            old,
            self.new.splitlines(keepends=True),
            "/dev/null" if self.old is None else f"a/{display_path(self.path)}",
            f"b/{display_path(self.path)}",
        )
        return "".join(line if line.endswith("\n") else f"{line}\n" for line in lines)


@dataclass
class ImportReport:
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    changes: dict[int, Change] = field(default_factory=dict)  # by row
    unchanged: set[int] = field(default_factory=set)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def invalid_rows(self) -> int:
        return len({p.line for p in self.errors})


def run_import(
    source: Path,
    folder: Path,
    taxonomy: Taxonomy,
    mapping_file: Path | None,
    dry_run: bool,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Import `source` into `folder`, print problems and changes; the exit code (0 or 1)."""
    out, err = out or sys.stdout, err or sys.stderr
    mapping = Mapping() if mapping_file is None else check_mapping(Mapping.load(mapping_file), mapping_file)
    report = plan_import(source, folder, taxonomy, mapping)
    for problem in sorted(report.problems):
        print(problem, file=out)
    changes = [report.changes[row] for row in sorted(report.changes)]
    for change in changes:
        if dry_run:
            out.write(change.diff())
        else:
            try:
                write_atomically(change.path, change.new)
            except OSError as exc:
                msg = f"tidak dapat menulis {display_path(change.path)} ({exc.strerror or exc})"
                raise UsageError(msg) from None
            print(
                f"{'dibuat' if change.old is None else 'diperbarui'}: {display_path(change.path)}", file=out
            )
    created = sum(1 for c in changes if c.old is None)
    summary = (
        f"{report.rows} baris: {created} dibuat, {len(changes) - created} diperbarui, "
        f"{len(report.unchanged)} tidak berubah, {report.invalid_rows} bermasalah"
    )
    print(f"{summary}{' (uji coba: tidak ada berkas yang ditulis)' if dry_run else ''}.", file=err)
    return 1 if report.errors else 0


def plan_import(source: Path, folder: Path, taxonomy: Taxonomy, mapping: Mapping) -> ImportReport:
    """Read the whole sheet and decide every row; nothing is written here."""
    sheet = open_sheet(source, display_path(source), mapping)
    try:
        targets, header_problems = layout(sheet, mapping)
        report = ImportReport(problems=header_problems)
        if report.errors:
            return report
        planner = _Planner(sheet, targets, folder, taxonomy, report)
        for row in sheet.rows():
            planner.add(row)
        planner.finish()
        return report
    finally:
        sheet.close()


def check_mapping(mapping: Mapping, path: Path) -> Mapping:
    """Refuse a mapping to a key that is no column, with `katalog check`'s hint."""
    for header, key in mapping.columns.items():
        if _target(key) is None:
            msg = f"{path}: columns: '{header}' dipetakan ke '{key}': {unknown_column_message(key)}"
            raise UsageError(msg)
    return mapping


def layout(sheet: Sheet, mapping: Mapping) -> tuple[list[Target], list[Problem]]:
    """What each header names; problems of the header row (a bad mapping is a usage error)."""
    where, row = sheet.where, sheet.header_row
    problems: list[Problem] = []
    targets: list[Target] = []
    seen: dict[str, str] = {}
    for header in sheet.header:
        target: Target = _target(mapping.columns.get(header, header))
        if target is None and header:
            if mapping.columns:
                msg = f"kolom '{header}' tidak dipetakan; isinya diabaikan"
                problems.append(RowProblem(where, row, header, msg, warning=True))
            else:
                problems.append(RowProblem(where, row, header, unknown_column_message(header)))
        name = BODY_COLUMNS[0] if isinstance(target, str) else target.key if target else ""
        if name and name in seen:
            msg = f"kolom untuk '{name}' muncul dua kali ('{seen[name]}' dan '{header}'); hapus salah satunya"
            problems.append(RowProblem(where, row, header, msg))
        seen.setdefault(name, header)
        targets.append(target)
    for header in mapping.columns:
        if header not in sheet.header:
            close = difflib.get_close_matches(header, [h for h in sheet.header if h], n=1)
            hint = f"; maksud Anda '{close[0]}'?" if close else ""
            msg = f"kolom '{header}' dari pemetaan tidak ada di baris judul (baris {row}){hint}"
            problems.append(RowProblem(where, row, header, msg))
    if not sheet.header:
        problems.append(RowProblem(where, row, "judul kolom", f"baris judul (baris {row}) kosong"))
    elif "title" not in seen:
        msg = "tidak ada kolom 'title'; setiap baris perlu judul inovasi"
        problems.append(RowProblem(where, row, "judul kolom", msg))
    return targets, problems


def _target(key: str) -> Target:
    if key in BODY_COLUMNS:
        return key
    return columns_by_key().get(key)


class _Planner:
    """Decides each row: a new entry, an update, no change, or problems."""

    def __init__(
        self, sheet: Sheet, targets: list[Target], folder: Path, taxonomy: Taxonomy, report: ImportReport
    ) -> None:
        self.sheet, self.targets, self.folder, self.taxonomy = sheet, targets, folder, taxonomy
        self.report = report
        self.existing = slug_index(folder)
        self.seen: dict[str, int] = {}  # slug -> first row
        self.headers = {
            t.key: h for t, h in zip(targets, sheet.header, strict=False) if isinstance(t, Column)
        }
        self.based_on: list[tuple[int, Entry]] = []
        self.read: set[int] = set()  # the data rows read, for merges found at the end
        self.schema_ref = schema_ref_for(folder)

    def add(self, row: SheetRow) -> None:
        n = row.number
        if row.hidden:
            msg = "baris tersembunyi dilewati; tampilkan baris itu untuk mengimpornya"
            self.report.problems.append(RowProblem(self.sheet.where, n, "baris", msg, warning=True))
            return
        if is_instruction(next((c for c in row.cells if c is not None), None)):
            return
        self.report.rows += 1
        self.read.add(n)
        problems = [(self._column_name(i), message) for i, message in row.problems]
        pairs: list[tuple[Column | str, Any]] = []
        for index, (target, cell) in enumerate(zip(self.targets, row.cells, strict=False)):
            if target is not None:
                pairs.append((target, cell))
            elif cell is not None and not self.sheet.header[index]:
                msg = "sel berisi data tetapi kolomnya tidak berjudul; beri judul atau kosongkan"
                problems.append((self._column_name(index), msg))
        values = convert_row(pairs)
        problems.extend(values.problems)
        title = values.values.get("title")
        slug = values.values.get("slug") or slugify(title if isinstance(title, str) else "")
        problems.extend(self._slug_problems(n, slug, "slug" in values.values))
        path = self.existing.get(slug) or self.folder / f"{slug}.md"
        if slug in self.existing and not problems:
            old, new, edit_problems = self._updated(path, values.given, values.values)
            problems.extend(edit_problems)
        else:
            old = None
            new = scaffold_text(
                title if isinstance(title, str) else None,
                values.values,
                self.schema_ref,
                starting=DEFAULTS,
                body=_body(values.body),
                header=[IMPORT_MARK],
            )
        done = {f for f, _ in problems}
        found = self._validate(n, new, values.given, path, updating=old is not None)
        problems.extend((f, m) for f, m in found if _base(f) not in done)
        if problems:
            self._fail(n, problems)
        elif old == new:
            self.report.unchanged.add(n)
        else:
            self.report.changes[n] = Change(n, path, old, new)

    def finish(self) -> None:
        """What only the whole sheet shows: merged cells, and `based_on` naming no entry."""
        where, first = self.sheet.where, self.sheet.header_row
        for merge in self.sheet.merges:
            if merge.max_row < first:
                continue  # a title above the header
            column = self._column_name(merge.min_col - 1)
            msg = f"sel digabung ({merge.name}); pisahkan gabungan sel dan isi setiap baris"
            if merge.min_row <= first:
                self.report.problems.append(RowProblem(where, first, column, msg))
            rows = sorted(r for r in self.read if merge.min_row <= r <= merge.max_row)
            for row in rows:  # only rows that exist: a merge may claim a million
                self._fail(row, [(column, msg)])
        known = set(self.existing) | set(self.seen)
        for n, entry in self.based_on:
            original = entry.innovation.based_on
            if original in known and original != entry.slug:
                continue
            for problem in unknown_originals([entry]):
                self._fail(n, [(problem.field, problem.message)])

    def _slug_problems(self, n: int, slug: str, explicit: bool) -> list[tuple[str, str]]:
        if not slug:
            return []  # the model says why (no title, or a title with no letters)
        key = "slug" if explicit else "title"
        if slug in self.seen:
            msg = f"slug '{slug}' sama dengan baris {self.seen[slug]}; satu inovasi cukup satu baris"
            return [(key, msg)]
        self.seen[slug] = n
        path = self.existing.get(slug)
        if path is not None and not _imported(path):
            msg = (
                f"slug '{slug}' sudah dipakai oleh {display_path(path)}, yang tidak dibuat dengan "
                "katalog import (berkas itu tidak diubah); ganti judul atau isi kolom slug"
            )
            return [(key, msg)]
        return []

    def _updated(
        self, path: Path, given: list[Column], values: dict[str, Any]
    ) -> tuple[str | None, str, list[tuple[str, str]]]:
        """The entry at `path` with the row's filled cells written into its front matter."""
        where = display_path(path)
        try:
            old = frontmatter.decode(path.read_bytes(), where)
            parts = frontmatter.split(old, where)
            data = frontmatter.parse_yaml(parts.yaml_text, where, parts.yaml_first_line).data
            changes = [
                (c.path, value_at(values, c.path))
                for c in given
                if value_at(data, c.path) != value_at(values, c.path)
            ]
            return old, set_keys(old, changes), []
        except frontmatter.FrontMatterError as exc:
            return None, "", [("berkas", f"{where} tidak dapat diperbarui: {exc.problem}")]
        except EditError as exc:
            return None, "", [("berkas", f"{where} tidak dapat diperbarui: {exc}")]

    def _validate(
        self, n: int, text: str, given: list[Column], path: Path, *, updating: bool
    ) -> list[tuple[str, str]]:
        """The problems `katalog check` would report for `text`, by field."""
        if not text:
            return []
        where = display_path(path)
        try:
            parts = frontmatter.split(text, where)
            located = frontmatter.parse_yaml(parts.yaml_text, where, parts.yaml_first_line)
        except frontmatter.FrontMatterError as exc:
            return [(exc.problem.field, exc.problem.message)]
        result = validate_located(located, parts, where, self.taxonomy)
        if result.entry is not None and result.entry.innovation.based_on is not None:
            self.based_on.append((n, result.entry))
        from_sheet = {c.key for c in given} | {"title", "slug"}
        found = []
        for problem in result.problems:
            message = problem.message
            column = self._column_of(problem.field)
            if column is not None and self.headers.get(column, column) != column:
                message += f" (kolom '{self.headers[column]}')"
            elif updating and column not in from_sheet:
                message += f" (di {where}:{problem.line})"
            found.append((problem.field, message))
        return found

    def _fail(self, n: int, problems: Iterable[tuple[str, str]]) -> None:
        where = self.sheet.where
        self.report.problems.extend(RowProblem(where, n, f, m) for f, m in problems)
        self.report.changes.pop(n, None)
        self.report.unchanged.discard(n)

    def _column_name(self, index: int | None) -> str:
        """A column as problems name it: its key, or its header, or its place."""
        if index is None:
            return "baris"
        target = self.targets[index] if index < len(self.targets) else None
        if isinstance(target, Column):
            return target.key
        header = self.sheet.header[index] if index < len(self.sheet.header) else ""
        return header or f"kolom ke-{index + 1}"

    def _column_of(self, problem_field: str) -> str | None:
        """The column a problem's field belongs to (``kind[1]`` -> ``kind``)."""
        key = _INDEX.sub("", problem_field)
        while key:
            if key in self.headers:
                return key
            key = key.rpartition(".")[0]
        return None


def _base(problem_field: str) -> str:
    return _INDEX.sub("", problem_field)


def _body(body: str | None) -> str:
    return f"{body.strip()}\n" if body else BODY


def _imported(path: Path) -> bool:
    """Whether `path` was created by `katalog import` (its front matter carries the mark)."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        head = handle.read(4000)
    return any(line.startswith(_MARK_PREFIX) for line in head.split("\n"))


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file, so an interrupted import leaves
    either the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
