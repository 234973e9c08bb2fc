"""The API's reference in Markdown, rendered from its OpenAPI document.

`katalog schema` writes it into the README between its markers (`katalog.tools.doctables`),
as it does the field table, so the README cannot describe an endpoint or a parameter the
server does not have.
"""

from __future__ import annotations

from typing import Any

from katalog.api.spec import openapi

API_START = "<!-- api:start (katalog schema) -->"
API_END = "<!-- api:end -->"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _limits(schema: dict[str, Any]) -> str:
    parts = [schema["type"]]
    if "minimum" in schema or "maximum" in schema:
        parts.append(f"{schema.get('minimum', '')}–{schema.get('maximum', '')}")
    if "maxLength" in schema:
        parts.append(f"≤ {schema['maxLength']} karakter")
    if "default" in schema:
        parts.append(f"bawaan {schema['default']}")
    return ", ".join(parts)


def endpoint_table(document: dict[str, Any] | None = None) -> str:
    """One table of the endpoints, then one of each endpoint's parameters."""
    document = document or openapi()
    lines = ["| Alamat (GET) | Isi | Status |", "|---|---|---|"]
    params: list[str] = []
    for path, item in document["paths"].items():
        operation = item["get"]
        statuses = ", ".join(operation["responses"])
        lines.append(f"| `{path}` | {_cell(operation['description'])} | {statuses} |")
        for param in operation["parameters"]:
            wajib = "ya" if param["required"] else ""
            where = "alamat" if param["in"] == "path" else "kueri"
            params.append(
                f"| `{path}` | `{param['name']}` | {where} | {_limits(param['schema'])} | {wajib} "
                f"| {_cell(param['description'])} |"
            )
    lines += ["", "| Alamat | Parameter | Di | Jenis | Wajib | Isi |", "|---|---|---|---|---|---|", *params]
    return "\n".join(lines)
