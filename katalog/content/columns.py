"""Spreadsheet columns derived from the innovation model: which keys a sheet may name, and
how one cell becomes a front-matter value.

A column is a dotted front-matter key (``title``, ``contact.email``,
``replication.prerequisites``). Nothing here is declared by hand: adding a field to the
model adds its column, its conversion and its line in the import template.

Cells are converted only as far as a spreadsheet forces it (a CSV has no numbers, Excel
has no lists): ``"2019"`` becomes ``2019`` in an integer column, ``"a; b"`` a list. A
cell that does not convert cleanly is passed on unchanged, so that the model rejects it
with the very message `katalog check` gives. The one exception is a date in a year
column, which the model would wrongly report as a number: it gets its own message.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from katalog.content.frontmatter import Located
from katalog.content.model import FIRST_YEAR, Innovation, allows_none
from katalog.content.validate import translate_errors
from katalog.resources import IMPORT_TEMPLATE_NAME, IMPORT_TEMPLATES

LIST_SEPARATOR = ";"  # between the items of a list cell
PART_SEPARATOR = "|"  # between the parts of one item of a list of records
BODY_COLUMNS = ("body", "uraian")  # the entry's Markdown body, not a front-matter key
SKIPPED_FIELDS = frozenset({"synthetic"})  # only generated test entries set it; never imported
# The template's second row explains each column; a row whose first cell starts with this
# is that row (or a copy of it) and is never imported.
INSTRUCTION_MARK = "[PETUNJUK]"
TEMPLATE_NAME, TEMPLATE_FILES = IMPORT_TEMPLATE_NAME, IMPORT_TEMPLATES  # katalog.resources
EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # serial number 0 of Windows Excel's date system
# Values a new entry starts with when its row leaves the cell empty: a draft, as with
# `katalog new`, so that nothing imported is published before an editor has looked at it.
DEFAULTS: dict[str, Any] = {"status": "draft"}

Kind = Literal["text", "int", "bool", "date", "list", "records"]
MISSING: Any = PydanticUndefined  # "this field has no unknown value": the row must give one


@dataclass(frozen=True)
class Column:
    """One importable front-matter key and how its cells are read."""

    key: str  # dotted, e.g. "contact.email"
    kind: Kind
    description: str
    required: bool  # the model has no "unknown" value for it: a new entry needs the cell
    parts: tuple[tuple[str, Kind], ...] = ()  # records: each item's fields, in order

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self.key.split("."))


@dataclass
class RowValues:
    """What one row gives: nested front-matter values, the body, and conversion problems."""

    values: dict[str, Any] = field(default_factory=dict)
    given: list[Column] = field(default_factory=list)  # columns with a value, in sheet order
    body: str | None = None
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field, message)


def unknown_value(info: FieldInfo) -> Any:
    """The value meaning "not known" for a field: its default, null where the model allows
    it, [] for a list (the model still says when a list may not be empty), else MISSING."""
    if info.default_factory is not None:
        return info.default_factory()  # type: ignore[call-arg]
    if info.default is not PydanticUndefined:
        return info.default
    if allows_none(info.annotation):
        return None
    if typing.get_origin(_plain(info.annotation)) is list:
        return []
    return MISSING


@functools.cache
def columns() -> tuple[Column, ...]:
    """Every importable column, in the model's order (the template's column order)."""
    return tuple(_walk(Innovation, ()))


@functools.cache
def columns_by_key() -> dict[str, Column]:
    return {c.key: c for c in columns()}


def model_at(path: tuple[str, ...]) -> type[BaseModel]:
    """The model class whose fields live under `path` (``()`` is `Innovation`)."""
    model: type[BaseModel] = Innovation
    for name in path:
        nested = model_of(model.model_fields[name].annotation)
        if nested is None:
            msg = f"{'.'.join(path)} is not a nested model"
            raise KeyError(msg)
        model = nested
    return model


def unknown_column_message(key: str) -> str:
    """Why `key` is not a column, with the same hints `katalog check` gives for a bad key."""
    known = columns_by_key()
    deeper = [c.key for c in columns() if c.key.startswith(f"{key}.")]
    if deeper:
        return f"kolom '{key}' harus dipecah per subkolom: {', '.join(deeper)}"
    for column in known.values():
        if column.kind == "records" and key.startswith(f"{column.key}."):
            parts = f" {PART_SEPARATOR} ".join(name for name, _ in column.parts)
            return f"tulis butirnya dalam satu kolom '{column.key}' (tiap butir: {parts})"
    probe: dict[str, Any] = {}
    _set(probe, tuple(key.split(".")), "")
    try:
        Innovation.model_validate(probe)
    except ValidationError as exc:
        for problem in translate_errors(exc, Located(probe), key):
            if problem.field == key:
                return problem.message
    return f"kolom '{key}' tidak dikenal"


def convert_row(cells: Iterable[tuple[Column | str, Any]]) -> RowValues:
    """Turn `(column, cell)` pairs (a body column is named by a string) into `RowValues`.

    Empty cells give nothing: a new entry gets the model's unknown value there, and a
    re-import leaves the entry's own value alone.
    """
    row = RowValues()
    for column, cell in cells:
        if _empty(cell):
            continue
        if isinstance(column, str):
            row.body = _text(cell)
            continue
        value, problem = convert_cell(column, cell)
        if problem is not None:
            row.problems.append((column.key, problem))
            continue
        _set(row.values, column.path, value)
        row.given.append(column)
    return row


def convert_cell(column: Column, cell: Any) -> tuple[Any, str | None]:
    """The front-matter value of one non-empty cell, or a problem message."""
    if column.kind == "list":
        return _split(cell), None
    if column.kind == "records":
        return _records(column, cell)
    return _scalar(column.kind, cell)


def instruction(column: Column) -> str:
    """The template's explanation of `column`: the model's description plus how to write it."""
    how = {
        "text": "",
        "int": " Angka, mis. 2019.",
        "bool": " true atau false.",
        "date": " Tanggal TTTT-BB-HH, mis. 2024-01-31.",
        "list": f" Beberapa butir dipisah '{LIST_SEPARATOR}'.",
        "records": "",
    }[column.kind]
    if column.kind == "records":
        parts = f" {PART_SEPARATOR} ".join(name for name, _ in column.parts)
        how = f" Butir dipisah '{LIST_SEPARATOR}'; tiap butir: {parts}."
    need = " Wajib diisi." if column.required else " Boleh kosong."
    if column.key in DEFAULTS:
        need = f" Kosongkan untuk '{DEFAULTS[column.key]}'."
    return f"{column.description}{how}{need}"


BODY_INSTRUCTION = "Uraian inovasi (Markdown); hanya dipakai saat entri dibuat. Boleh kosong."


def template_rows() -> tuple[list[str], list[str]]:
    """The import template's header row and instruction row (marked, so it is skipped)."""
    header = [c.key for c in columns()] + [BODY_COLUMNS[0]]
    notes = [instruction(c) for c in columns()] + [BODY_INSTRUCTION]
    notes[0] = f"{INSTRUCTION_MARK} {notes[0]}"
    return header, notes


def is_instruction(first_cell: Any) -> bool:
    return isinstance(first_cell, str) and first_cell.lstrip().startswith(INSTRUCTION_MARK)


def year_from_date(value: dt.date) -> str:
    """The message for a date in a year column: Excel shows a typed 2019 as 1905-07-11
    once the cell is formatted as a date, so say which of the two it probably was."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
    serial = (moment - EXCEL_EPOCH).days
    shown = value.strftime("%Y-%m-%d")
    if FIRST_YEAR <= serial <= dt.date.today().year + 1:
        return (
            f"sel berformat tanggal (tampil {shown}), bukan tahun; ubah format sel menjadi "
            f"Angka atau Umum agar terbaca {serial}"
        )
    return f"berisi tanggal {shown}, bukan tahun; tulis tahunnya saja, mis. {value.year}"


def _walk(model: type[BaseModel], prefix: tuple[str, ...]) -> Iterable[Column]:
    for name, info in model.model_fields.items():
        if name in SKIPPED_FIELDS:
            continue
        path = (*prefix, name)
        nested = model_of(info.annotation)
        if nested is not None:
            yield from _walk(nested, path)
            continue
        kind = _kind(info.annotation)
        parts: tuple[tuple[str, Kind], ...] = ()
        if kind == "records":
            item = model_of(typing.get_args(_plain(info.annotation))[0])
            assert item is not None  # _kind said so
            parts = tuple((n, _kind(f.annotation)) for n, f in item.model_fields.items())
        required = not prefix and unknown_value(info) is MISSING and name not in DEFAULTS
        required = required or (not prefix and kind == "list" and _min_length(info) > 0)
        yield Column(".".join(path), kind, info.description or "", required, parts)


def _kind(annotation: Any) -> Kind:
    plain = _plain(annotation)
    if typing.get_origin(plain) is list:
        (item,) = typing.get_args(plain)
        return "records" if model_of(item) is not None else "list"
    if plain is bool:
        return "bool"
    if plain is int:
        return "int"
    if plain is dt.date:
        return "date"
    return "text"


def _plain(annotation: Any) -> Any:
    """`annotation` without `Annotated` metadata and without `None` in a union."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        others = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(others) == 1:
            return _plain(others[0])
    return annotation


def model_of(annotation: Any) -> type[BaseModel] | None:
    """The model class a field holds (also inside ``X | None``), or None for a plain value."""
    plain = _plain(annotation)
    if isinstance(plain, type) and issubclass(plain, BaseModel):
        return plain
    return None


def _min_length(info: FieldInfo) -> int:
    return max((getattr(m, "min_length", 0) or 0 for m in info.metadata), default=0)


def _set(values: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for name in path[:-1]:
        values = values.setdefault(name, {})
    values[path[-1]] = value


def _empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _text(cell: Any) -> str:
    """A cell as the text the spreadsheet shows (2019.0 stored by Excel reads "2019")."""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime) and cell.time() == dt.time():
        return cell.date().isoformat()
    if isinstance(cell, dt.date | dt.time):
        return cell.isoformat()
    return str(cell).strip()


_INT = re.compile(r"[+-]?[0-9]{1,30}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _scalar(kind: Kind, cell: Any) -> tuple[Any, str | None]:
    if kind == "int":
        if isinstance(cell, dt.date):
            return None, year_from_date(cell)
        if isinstance(cell, float) and cell.is_integer():
            return int(cell), None
        if isinstance(cell, str) and _INT.fullmatch(cell.strip()):
            return int(cell.strip()), None
        return (cell.strip() if isinstance(cell, str) else cell), None
    if kind == "date":
        if isinstance(cell, dt.datetime):
            return cell.date(), None
        if isinstance(cell, str) and _DATE.fullmatch(cell.strip()):
            try:
                return dt.date.fromisoformat(cell.strip()), None
            except ValueError:
                return cell.strip(), None
        return (cell.strip() if isinstance(cell, str) else cell), None
    if kind == "bool":
        if isinstance(cell, str) and cell.strip().lower() in {"true", "false"}:
            return cell.strip().lower() == "true", None
        return (cell.strip() if isinstance(cell, str) else cell), None
    return _text(cell), None


def _split(cell: Any) -> list[str]:
    return [item.strip() for item in _text(cell).split(LIST_SEPARATOR) if item.strip()]


def _records(column: Column, cell: Any) -> tuple[Any, str | None]:
    """``"sdm | Dua operator; anggaran | Rp 50 juta"`` as a list of mappings, by position."""
    items = []
    names = [name for name, _ in column.parts]
    for number, item in enumerate(_split(cell), 1):
        parts = [p.strip() for p in item.split(PART_SEPARATOR)]
        if len(parts) > len(names):
            return None, (
                f"butir ke-{number} berisi {len(parts)} bagian; paling banyak {len(names)} "
                f"({f' {PART_SEPARATOR} '.join(names)})"
            )
        record = {}
        for (name, kind), part in zip(column.parts, parts, strict=False):
            if part:
                record[name], problem = _scalar(kind, part)
                if problem is not None:
                    return None, f"butir ke-{number}, {name}: {problem}"
        items.append(record)
    return items, None
