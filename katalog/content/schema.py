"""The JSON Schema of innovation front matter, generated from the model and the taxonomy.

Committed as `schema/innovation.schema.json` (for editors' IDEs; a test keeps it current)
and published at `output/data/schema.json`.
"""

from __future__ import annotations

import json
from pathlib import Path

from katalog.content.model import Contact, Innovation, Replication, schema_dict
from katalog.content.taxonomy import Taxonomy

COMMITTED = Path("schema/innovation.schema.json")


def schema_text(taxonomy: Taxonomy) -> str:
    """Deterministic JSON text of the schema (stable key order, trailing newline)."""
    return json.dumps(schema_dict(taxonomy), ensure_ascii=False, indent=2) + "\n"


def write_schema(taxonomy: Taxonomy, path: Path = COMMITTED) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schema_text(taxonomy), encoding="utf-8")
    return path


FIELDS_START = "<!-- fields:start (katalog schema) -->"
FIELDS_END = "<!-- fields:end -->"


def field_table() -> str:
    """Markdown table of every front-matter key, derived from the model's descriptions."""
    lines = ["| Kunci | Wajib? | Keterangan |", "|---|---|---|"]
    for prefix, model in (("", Innovation), ("contact.", Contact), ("replication.", Replication)):
        for name, info in model.model_fields.items():
            required = "wajib" if info.is_required() else "pilihan"
            lines.append(f"| `{prefix}{name}` | {required} | {info.description} |")
    return "\n".join(lines)
