"""What a sheet is once opened, whatever its format: a header, then numbered rows.

The readers (`csvsheet`, `workbook`) produce these and `katalog.tools.importing` consumes
them. Rows are numbered as the spreadsheet shows them (the header of a default sheet is
row 1); empty rows are never produced. The limits bound what one row may cost, so that a
hostile sheet is refused with a message instead of filling memory.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from katalog.errors import Problem, UsageError

MAX_ROWS = 10_000  # data rows after the header; a bigger sheet is split in several files
MAX_COLUMNS = 200
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
_MAPPING_KEYS = ("sheet", "header_row", "columns", "delimiter")


class RowProblem(Problem):
    """A problem of one row of a sheet, printed ``FILE:SHEET:row N: field: message``.

    `path` is the file (with ``:SHEET`` for a workbook), `line` the row number.
    """

    def __str__(self) -> str:
        prefix = "peringatan: " if self.warning else ""
        return f"{self.path}:row {self.line}: {self.field}: {prefix}{self.message}"


@dataclass(frozen=True)
class Mapping:
    """How to read a sheet whose headers are not front-matter keys (``--mapping``)."""

    sheet: str | None = None  # the worksheet to read; default the first visible one
    header_row: int = 1
    columns: dict[str, str] = field(default_factory=dict)  # sheet header -> key
    delimiter: str | None = None  # CSV only; default guessed from the header line

    @classmethod
    def load(cls, path: Path) -> Mapping:
        """Read and check a mapping file; any mistake in it is a usage error."""
        if not path.is_file():
            msg = f"berkas pemetaan '{path}' tidak ditemukan"
            raise UsageError(msg)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            msg = f"berkas pemetaan '{path}' bukan YAML UTF-8 yang sah ({_first_line(exc)})"
            raise UsageError(msg) from None
        if not isinstance(data, dict):
            msg = f"berkas pemetaan '{path}' harus berisi pasangan kunci: nilai ({', '.join(_MAPPING_KEYS)})"
            raise UsageError(msg)
        for key in data:
            if key not in _MAPPING_KEYS:
                close = difflib.get_close_matches(str(key), _MAPPING_KEYS, n=1)
                hint = (
                    f"; maksud Anda '{close[0]}'?"
                    if close
                    else f"; kunci yang dikenal: {', '.join(_MAPPING_KEYS)}"
                )
                msg = f"{path}: kunci '{key}' tidak dikenal{hint}"
                raise UsageError(msg)
        return cls(
            sheet=_optional_text(data, "sheet", path),
            header_row=_header_row(data.get("header_row", 1), path),
            columns=_columns(data.get("columns") or {}, path),
            delimiter=_delimiter(data.get("delimiter"), path),
        )


@dataclass(frozen=True)
class SheetRow:
    """One non-empty data row: its cells aligned with the header, and what was wrong."""

    number: int
    cells: tuple[Any, ...]
    hidden: bool = False
    problems: tuple[tuple[int | None, str], ...] = ()  # (column index or None, message)


@dataclass(frozen=True)
class Merge:
    """A range of merged cells (1-based, inclusive), named as Excel names it ("A3:A5")."""

    name: str
    min_row: int
    max_row: int
    min_col: int


@dataclass(frozen=True)
class CellProblem:
    """A cell that has no usable value (a formula never computed, an error like #DIV/0!)."""

    message: str


class Sheet:
    """An open sheet: its header, then its rows, streamed once; merges known at the end."""

    def __init__(
        self,
        where: str,
        header: list[str],
        header_row: int,
        rows: Iterator[SheetRow],
        merges: list[Merge] | None = None,
    ) -> None:
        self.where = where  # "FILE" or "FILE:SHEET", as problems name it
        self.header = header
        self.header_row = header_row
        self._rows = rows
        self.merges = merges if merges is not None else []  # filled when the rows are read

    def close(self) -> None:
        """Release the file when the rows are not read to the end (a workbook stays open)."""
        close = getattr(self._rows, "close", None)
        if close is not None:
            close()

    def rows(self) -> Iterator[SheetRow]:
        for count, row in enumerate(self._rows, 1):
            if count > MAX_ROWS:
                raise UsageError(too_many_rows(self.where))
            yield row


def too_many_rows(where: str) -> str:
    return f"{where}: lebih dari {MAX_ROWS} baris data; pecah lembar menjadi beberapa berkas"


def header_cells(values: list[Any]) -> list[str]:
    """Header cells as text, trailing empty cells dropped."""
    header = ["" if v is None else str(v).strip() for v in values]
    while header and not header[-1]:
        header.pop()
    return header


def data_row(number: int, values: dict[int, Any], width: int, hidden: bool = False) -> SheetRow | None:
    """A `SheetRow` from the cells read (by 0-based column), or None when every one is empty."""
    present = {i: v for i, v in values.items() if not blank(v)}
    if not present:
        return None
    problems: list[tuple[int | None, str]] = []
    cells: list[Any] = [None] * width
    for index, value in sorted(present.items()):
        column = index if index < width else None
        if isinstance(value, CellProblem):
            problems.append((column, value.message))
        elif isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            problems.append(
                (column, f"sel terlalu panjang ({len(value)} karakter; paling banyak {MAX_CELL_CHARS})")
            )
        elif column is None:
            problems.append(
                (None, f"kolom ke-{index + 1} berisi data tetapi tidak berjudul; beri judul atau kosongkan")
            )
        else:
            cells[index] = value
    return SheetRow(number, tuple(cells), hidden, tuple(problems))


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _optional_text(data: dict[str, Any], key: str, path: Path) -> str | None:
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    msg = f"{path}: '{key}' harus berupa teks (nama lembar), bukan {value!r}"
    raise UsageError(msg)


def _header_row(value: Any, path: Path) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 1000:
        return value
    msg = f"{path}: 'header_row' harus berupa nomor baris 1 sampai 1000, bukan {value!r}"
    raise UsageError(msg)


def _columns(value: Any, path: Path) -> dict[str, str]:
    if not isinstance(value, dict):
        msg = f"{path}: 'columns' harus berupa pasangan 'judul kolom di lembar: kunci'"
        raise UsageError(msg)
    columns = {}
    for header, key in value.items():
        if not isinstance(key, str) or not key.strip():
            msg = f"{path}: columns: '{header}' harus dipetakan ke satu kunci (mis. title), bukan {key!r}"
            raise UsageError(msg)
        columns[str(header).strip()] = key.strip()
    return columns


def _delimiter(value: Any, path: Path) -> str | None:
    if value is None or (isinstance(value, str) and len(value) == 1):
        return value
    msg = f"{path}: 'delimiter' harus berupa satu karakter (mis. ';'), bukan {value!r}"
    raise UsageError(msg)
