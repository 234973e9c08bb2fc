"""Open a spreadsheet (.xlsx or .csv) as a `Sheet`, after checking it is what it says.

Sheets come from outside (award forms, other agencies), so they are read as untrusted:
the file must be what its extension says; a workbook is a zip whose declared sizes are
checked before openpyxl opens it (a zip bomb never gets decompressed); the sheet is
streamed (`workbook`: openpyxl's read-only mode; `csvsheet`: line by line), so memory
stays bounded by one row; formulas are never evaluated, only the value the spreadsheet
saved is read; and every limit ends in an Indonesian message, never a traceback.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from katalog.content.csvsheet import MAX_FIELD_CHARS, open_csv
from katalog.content.sheetrows import Mapping, Sheet
from katalog.errors import UsageError

SUFFIXES = (".xlsx", ".csv")
MAX_FILE_BYTES = MAX_FIELD_CHARS  # the file as stored (a CSV, or a workbook's zip)
MAX_UNCOMPRESSED_BYTES = 100_000_000  # the sum of a workbook's declared member sizes
MAX_RATIO = 500  # declared size over compressed size, for members of over 1 MB
MAX_MEMBERS = 10_000
_BINARY_PROBE = 8192  # a text file has no NUL byte here; an image or a document does
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls), also the old .doc


def open_sheet(path: Path, where: str, mapping: Mapping) -> Sheet:
    """Open `path` as its extension says, after checking it is that kind of file."""
    if not path.is_file():
        msg = f"'{path}' tidak ditemukan"
        raise UsageError(msg)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        kind = path.suffix or "(tanpa ekstensi)"
        msg = f"{where}: jenis berkas '{kind}' tidak didukung; simpan lembar sebagai .xlsx atau .csv"
        raise UsageError(msg)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        msg = f"{where}: berkas terlalu besar ({size} bita; paling banyak {MAX_FILE_BYTES})"
        raise UsageError(msg)
    with path.open("rb") as handle:
        head = handle.read(_BINARY_PROBE)
    magic = head[:8]
    if suffix == ".csv":
        if magic.startswith(_ZIP_MAGIC):
            msg = f"{where}: berkas ini tampaknya XLSX (arsip zip), bukan CSV; ubah ekstensinya menjadi .xlsx"
            raise UsageError(msg)
        if b"\0" in head:
            msg = f"{where}: bukan teks CSV (berisi data biner, mungkin gambar); periksa berkasnya"
            raise UsageError(msg)
        return open_csv(path, where, mapping)
    if not magic.startswith(_ZIP_MAGIC):
        what = "berkas Excel lama (.xls)" if magic.startswith(_OLE_MAGIC) else "bukan arsip XLSX"
        msg = f"{where}: {what}; simpan ulang dari Excel sebagai 'Excel Workbook (.xlsx)' atau 'CSV UTF-8'"
        raise UsageError(msg)
    from katalog.content import workbook  # openpyxl only when a workbook is read

    check_zip(path, where)
    return workbook.open_workbook(path, where, mapping)


def check_zip(path: Path, where: str) -> None:
    """Refuse a workbook whose declared contents are too big or too compressed to be a sheet.

    The sizes are the zip's own declarations; zipfile stops at the declared size and checks
    the CRC, so a member that lies about its size fails to read instead of growing.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        msg = f"{where}: arsip XLSX rusak; buka dan simpan ulang di Excel atau LibreOffice"
        raise UsageError(msg) from None
    if len(members) > MAX_MEMBERS:
        msg = f"{where}: arsip berisi {len(members)} berkas; bukan lembar kerja biasa"
        raise UsageError(msg)
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        msg = (
            f"{where}: isi arsip {total} bita setelah dibuka (paling banyak {MAX_UNCOMPRESSED_BYTES}); "
            "mungkin bom zip, berkas tidak dibuka"
        )
        raise UsageError(msg)
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1_000_000 and ratio > MAX_RATIO:
            msg = (
                f"{where}: '{member.filename}' mengembang {ratio:.0f} kali (paling banyak {MAX_RATIO}); "
                "mungkin bom zip, berkas tidak dibuka"
            )
            raise UsageError(msg)
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        msg = f"{where}: arsip zip ini bukan buku kerja XLSX (tidak ada xl/workbook.xml)"
        raise UsageError(msg)
