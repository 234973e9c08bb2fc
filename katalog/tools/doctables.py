"""Tables generated into the docs: front-matter keys, open-data columns, API endpoints.

`katalog schema` rewrites each table between its markers in the README and the site's
pages, from the model (`katalog.content.schema.field_table`), the CSV columns
(`katalog.site.export.COLUMNS`) and the API's OpenAPI document
(`katalog.api.reference.endpoint_table`), so the docs cannot drift from the code.
"""

from __future__ import annotations

from pathlib import Path

from katalog.api.reference import API_END, API_START, endpoint_table
from katalog.content.schema import FIELDS_END, FIELDS_START, field_table
from katalog.site.export import COLUMNS, CSV_ENVELOPE, ENVELOPE

COLUMNS_START = "<!-- columns:start (katalog schema) -->"
COLUMNS_END = "<!-- columns:end -->"


def column_table() -> str:
    """Markdown table of the CSV columns of `output/data/inovasi.csv`."""
    rows = [("slug", "Alamat halaman inovasi"), *((c.name, c.description) for c in COLUMNS)]
    rows.extend((name, ENVELOPE[name]) for name in CSV_ENVELOPE)
    return "\n".join(["| Kolom | Isi |", "|---|---|", *(f"| `{n}` | {d} |" for n, d in rows)])


def refresh_field_table(path: Path) -> bool:
    """Replace the generated tables between their markers in `path`; True when it changed."""
    text = new = path.read_text(encoding="utf-8")
    for start, end, table in (
        (FIELDS_START, FIELDS_END, field_table),
        (COLUMNS_START, COLUMNS_END, column_table),
        (API_START, API_END, endpoint_table),
    ):
        head, _, rest = new.partition(start)
        _, _, tail = rest.partition(end)
        if rest:
            new = f"{head}{start}\n{table()}\n{end}{tail}"
    path.write_text(new, encoding="utf-8")
    return new != text


def refresh_tables(folder: Path) -> list[Path]:
    """`refresh_field_table` on every page in `folder`; the pages that changed."""
    return [page for page in sorted(folder.glob("*.md")) if refresh_field_table(page)]
