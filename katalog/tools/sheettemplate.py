"""The import template: a sheet with every column `katalog import` reads, and a row saying
in Indonesian what goes in each (from the model's descriptions, `columns.template_rows`).

The build publishes the copy committed in ``katalog/defaults/`` (``output/data/``) rather
than writing a workbook on every build; `katalog import --template katalog/defaults`
regenerates it, and a test fails when it is stale. The workbook is written byte for byte
the same each time (fixed zip timestamps and document dates), so regenerating an
unchanged template shows no change in git.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from katalog.content.columns import TEMPLATE_NAME, template_rows

SHEET_TITLE = "Inovasi"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the zip format's earliest date
_DOCUMENT_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def write_templates(folder: Path) -> list[Path]:
    """Write ``templat-impor.xlsx`` and ``templat-impor.csv`` into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    xlsx, csv_path = folder / f"{TEMPLATE_NAME}.xlsx", folder / f"{TEMPLATE_NAME}.csv"
    xlsx.write_bytes(template_xlsx())
    csv_path.write_bytes(template_csv())
    return [xlsx, csv_path]


def template_csv() -> bytes:
    """The template as CSV, UTF-8 with a byte-order mark so that Excel reads it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(template_rows())
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    """The template as a workbook: bold header, wrapped instructions, both rows frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    header, notes = template_rows()
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.append(header)
    sheet.append(notes)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="555555")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[1]:
        sheet.column_dimensions[cell.column_letter].width = 28
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return _reproducible(buffer.getvalue())


def _reproducible(data: bytes) -> bytes:
    """The same zip with fixed member timestamps and document dates."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = _DOCUMENT_DATES.sub(rb"\g<1>2024-01-01T00:00:00Z\g<3>", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, content)
    return out.getvalue()
