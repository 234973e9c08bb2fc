"""Read a CSV sheet: UTF-8 (a byte-order mark allowed), comma, semicolon or tab separated.

Excel in an Indonesian locale saves CSV with semicolons, so the delimiter is guessed from
the header line unless the mapping names it. The file is read line by line; a byte that is
not UTF-8 is reported with its line, never replaced. Records are numbered as a
spreadsheet shows them: a line break inside a quoted cell does not start a new row.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from katalog.content.sheetrows import (
    MAX_ROWS,
    Mapping,
    Sheet,
    SheetRow,
    blank,
    data_row,
    header_cells,
    too_many_rows,
)
from katalog.errors import UsageError

# The csv module refuses a field over 131,072 characters with its own English message;
# raised (while reading) to the file-size limit so that the cell limit speaks instead.
MAX_FIELD_CHARS = 50_000_000


def open_csv(path: Path, where: str, mapping: Mapping) -> Sheet:
    delimiter = mapping.delimiter or _guess_delimiter(path, mapping.header_row)
    records = _csv_records(path, where, delimiter)
    count = sum(1 for n, r in records if n > mapping.header_row and not all(map(blank, r)))
    if count > MAX_ROWS:  # counted first, cheaply: a huge file is refused before any row is judged
        raise UsageError(too_many_rows(where))
    records = _csv_records(path, where, delimiter)
    header: list[str] = []
    for number, record in records:
        if number == mapping.header_row:
            header = header_cells(record)
            break
    return Sheet(where, header, mapping.header_row, _csv_rows(records, len(header)))


def _csv_rows(records: Iterator[tuple[int, list[str]]], width: int) -> Iterator[SheetRow]:
    for number, record in records:
        row = data_row(number, dict(enumerate(record)), width)
        if row is not None:
            yield row


def _csv_records(path: Path, where: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Records of the CSV, numbered as a spreadsheet shows them (a quoted line break does not
    start a new row). The field limit is raised to the file limit so that a long cell gets
    our message, not the csv module's."""
    previous = csv.field_size_limit(MAX_FIELD_CHARS)
    try:
        with path.open("rb") as handle:
            reader = csv.reader(_decoded_lines(handle, where), delimiter=delimiter)
            try:
                yield from enumerate(reader, 1)
            except csv.Error as exc:
                msg = f"{where}: baris {reader.line_num}: CSV tidak dapat dibaca ({exc})"
                raise UsageError(msg) from None
    finally:
        csv.field_size_limit(previous)


def _decoded_lines(handle: IO[bytes], where: str) -> Iterator[str]:
    """Lines of the file decoded as UTF-8 (a BOM dropped), with the line of the first bad byte."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    number = 0
    while True:
        raw = handle.readline()  # at most the whole file, which open_sheet has bounded
        if not raw:
            break
        number += 1
        if b"\0" in raw:
            msg = f"{where}: berisi data biner (baris {number}), bukan teks CSV; periksa jenis berkasnya"
            raise UsageError(msg)
        try:
            yield decoder.decode(raw)
        except UnicodeDecodeError:
            msg = (
                f"{where}: baris {number} bukan teks UTF-8; di Excel simpan ulang sebagai "
                "'CSV UTF-8 (Comma delimited)'"
            )
            raise UsageError(msg) from None


def _guess_delimiter(path: Path, header_row: int) -> str:
    """Comma, semicolon (Excel in an Indonesian locale) or tab: whichever the header line
    has most of. Header cells are keys, which hold none of them."""
    with path.open("rb") as handle:
        lines = handle.read(64_000).decode("utf-8", errors="replace").splitlines()
    line = lines[header_row - 1] if len(lines) >= header_row else (lines[0] if lines else "")
    counts = {d: line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","
