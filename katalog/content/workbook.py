"""Stream one worksheet of an .xlsx: the values its author last saw, row by row.

openpyxl opens the workbook in read-only mode (`data_only`: the value each formula had
when the file was saved, never a formula evaluated here). Its read-only worksheet hides
what an import must know, so the sheet's XML is parsed here with openpyxl's own
`WorkSheetParser`, exactly as `ReadOnlyWorksheet._cells_by_row` does, to learn:

- which rows are hidden (the parser keeps each row's attributes in ``row_dimensions``);
- which cells are merged (``merged_cells``, parsed after the rows);
- which cells hold a formula with no saved value, or an error such as ``#DIV/0!``.

Hazard: `WorkSheetParser`, ``_get_source`` and the workbook's ``_date_formats`` are
openpyxl internals. pyproject.toml pins openpyxl to 3.1.x, and tests/test_import.py
reads hidden rows, merges and formulas through them, so an upgrade that moves them fails
there rather than in an editor's hands.
"""

from __future__ import annotations

import difflib
import itertools
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

from katalog.content.sheetrows import (
    MAX_COLUMNS,
    MAX_ROWS,
    CellProblem,
    Mapping,
    Merge,
    Sheet,
    SheetRow,
    data_row,
    header_cells,
    too_many_rows,
)
from katalog.errors import UsageError

_FORMULA = f"{{{SHEET_MAIN_NS}}}f"
UNCOMPUTED = CellProblem(
    "sel berisi rumus yang belum pernah dihitung; buka dan simpan berkas di Excel atau LibreOffice"
)
Parsed = tuple[int, dict[int, Any], bool]  # row number, cells by 0-based column, hidden


class _Parser(WorkSheetParser):  # type: ignore[misc]
    """openpyxl's parser, marking the cells that have no value an editor can see."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell: dict[str, Any] = super().parse_cell(element)
        if cell["data_type"] == "e":
            cell["value"] = CellProblem(f"sel berisi galat {cell['value']}; perbaiki rumus atau isinya")
        elif cell["value"] is None and element.find(_FORMULA) is not None:
            cell["value"] = UNCOMPUTED
        return cell


def open_workbook(path: Path, where_file: str, mapping: Mapping) -> Sheet:
    """Open the mapping's sheet (default the first) and read up to its header row."""
    book = _load(path, where_file)
    try:
        return _open(book, where_file, mapping)
    except BaseException:
        book.close()
        raise


def _open(book: Any, where_file: str, mapping: Mapping) -> Sheet:
    sheet = _worksheet(book, where_file, mapping.sheet)
    where = f"{where_file}:{sheet.title}"
    declared = sheet.max_row  # from the sheet's <dimension>, which counts formatted empty rows too
    if declared is not None and declared - mapping.header_row > MAX_ROWS:
        filled = _guarded(_parse(book, sheet, []), where)
        if sum(1 for n, cells, _ in filled if n > mapping.header_row and any(cells.values())) > MAX_ROWS:
            raise UsageError(too_many_rows(where))
    merges: list[Merge] = []
    stream = _guarded(_parse(book, sheet, merges), where)
    header: list[str] = []
    for number, cells, hidden in stream:
        if number == mapping.header_row:
            header = _header(cells, where)
        if number >= mapping.header_row:
            if number > mapping.header_row:  # the header row is empty: this row is data
                stream = itertools.chain([(number, cells, hidden)], stream)
            break
    return Sheet(where, header, mapping.header_row, _rows(stream, len(header), book), merges)


def _header(cells: dict[int, Any], where: str) -> list[str]:
    width = max((i for i, v in cells.items() if v is not None), default=-1) + 1
    if width > MAX_COLUMNS:
        msg = f"{where}: baris judul berisi {width} kolom (paling banyak {MAX_COLUMNS})"
        raise UsageError(msg)
    return header_cells([None if isinstance(v, CellProblem) else v for v in map(cells.get, range(width))])


def _load(path: Path, where: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # style and date warnings: our own messages say more
        try:
            return openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
        except Exception as exc:  # a hostile file can fail anywhere inside openpyxl
            name = type(exc).__name__
            msg = f"{where}: berkas XLSX rusak atau tidak dapat dibaca ({name}); simpan ulang di Excel"
            raise UsageError(msg) from None


def _worksheet(book: Any, where: str, name: str | None) -> ReadOnlyWorksheet:
    names = list(book.sheetnames)
    if name is None:  # the first sheet an editor sees: a hidden one often holds lookup lists
        sheets = [s for s in book.worksheets if isinstance(s, ReadOnlyWorksheet)]
        visible = [s for s in sheets if s.sheet_state == "visible"]
        if not visible:
            msg = f"{where}: buku kerja tidak berisi lembar data yang tampil"
            raise UsageError(msg)
        return visible[0]
    if name not in names:
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"; maksud Anda '{close[0]}'?" if close else ""
        msg = f"{where}: lembar '{name}' tidak ada (lembar yang ada: {', '.join(names)}){hint}"
        raise UsageError(msg)
    sheet = book[name]
    if not isinstance(sheet, ReadOnlyWorksheet):
        msg = f"{where}: '{name}' bukan lembar data (mungkin lembar grafik)"
        raise UsageError(msg)
    return sheet


def _parse(book: Any, sheet: ReadOnlyWorksheet, merges: list[Merge]) -> Iterator[Parsed]:
    """Every row present in the sheet's XML; `merges` is filled once the rows are read."""
    with sheet._get_source() as source, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "date out of range": that cell becomes an error cell
        parser = _Parser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, cells in parser.parse():
            attributes = parser.row_dimensions.pop(str(number), {})  # bounded: one row at a time
            hidden = str(attributes.get("hidden", "0")).lower() in {"1", "true"}
            yield number, {c["column"] - 1: c["value"] for c in cells}, hidden
        ranges = getattr(parser.merged_cells, "mergeCell", ())
        merges.extend(Merge(r.coord, r.min_row, r.max_row, r.min_col) for r in ranges)


def _guarded(stream: Iterator[Parsed], where: str) -> Iterator[Parsed]:
    """`stream`, with whatever a damaged sheet makes openpyxl or the XML parser raise as one
    clean usage error."""
    number = 0
    while True:
        try:
            item = next(stream)
        except StopIteration:
            return
        except Exception as exc:  # hostile XML can fail anywhere inside openpyxl
            msg = (
                f"{where}: lembar rusak setelah baris {number} ({type(exc).__name__}); simpan ulang di Excel"
            )
            raise UsageError(msg) from None
        number = item[0]
        yield item


def _rows(stream: Iterator[Parsed], width: int, book: Any) -> Iterator[SheetRow]:
    try:
        for number, cells, hidden in stream:
            row = data_row(number, cells, width, hidden)
            if row is not None:
                yield row
    finally:
        book.close()
