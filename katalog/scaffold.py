"""`katalog new`: write a valid, fully commented innovation file derived from the model.

Every key, its order and its Indonesian comment come from `katalog.model`; adding a field
to the model adds it here with no other change.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from katalog.errors import UsageError
from katalog.model import Innovation, slugify

# Values a new entry starts with; anything not listed starts as its model default.
STARTING_VALUES: dict[str, Any] = {
    "summary": "Tulis ringkasan satu-dua kalimat: apa yang berubah bagi pengguna layanan.",
    "unit": None,
    "category": None,
    "kind": [],
    "status": "tidak-diketahui",
    "sources": ["https://www.setneg.go.id/"],
}
BODY = """Tulis uraian inovasi di sini: masalah yang diatasi, cara kerjanya, dan hasilnya.
Tulis hanya fakta yang ada sumbernya, dan cantumkan tautan sumber di `sources`.

## Cara kerja

## Capaian
"""


def scaffold_text(title: str) -> str:
    """The full text of a new innovation file titled `title`."""
    values = {**STARTING_VALUES, "title": title, "slug": slugify(title), "year": dt.date.today().year}
    lines = ["---", *_render_model(Innovation, values, indent=0), "---", "", BODY]
    return "\n".join(lines)


def write_scaffold(title: str, folder: Path) -> Path:
    """Create ``<folder>/<slug>.md``; refuse to overwrite an existing file."""
    slug = slugify(title)
    if not slug:
        msg = "judul harus mengandung huruf atau angka"
        raise UsageError(msg)
    path = folder / f"{slug}.md"
    if path.exists():
        msg = f"{path} sudah ada; pilih judul lain atau sunting berkas itu"
        raise UsageError(msg)
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(scaffold_text(title), encoding="utf-8")
    return path


def _render_model(model: type[BaseModel], values: dict[str, Any], indent: int) -> list[str]:
    pad = " " * indent
    lines = []
    for name, info in model.model_fields.items():
        lines.append(f"{pad}# {info.description}")
        nested = _nested_model(info)
        if name in values:
            lines.append(f"{pad}{name}: {_dump(values[name])}")
        elif nested is not None and info.default_factory is not None:
            lines.append(f"{pad}{name}:")
            lines.extend(_render_model(nested, {}, indent + 2))
        else:
            lines.append(f"{pad}{name}: {_dump(_default(info))}")
    return lines


def _default(info: FieldInfo) -> Any:
    if info.default_factory is not None:
        return info.default_factory()  # type: ignore[call-arg]
    return info.default


def _nested_model(info: FieldInfo) -> type[BaseModel] | None:
    annotation = info.annotation
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _dump(value: Any) -> str:
    """One-line YAML for a scalar or a list."""
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000)
    return text.removesuffix("\n...\n").strip()
