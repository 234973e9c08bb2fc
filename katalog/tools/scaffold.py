"""`katalog new`: write a valid, fully commented innovation file derived from the model.

Every key, its order and its Indonesian comment come from `katalog.content.model`; adding a field
to the model adds it here with no other change.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from katalog.content.model import Innovation, slugify
from katalog.errors import UsageError

# Values a new entry starts with; anything not listed starts as its model default.
STARTING_VALUES: dict[str, Any] = {
    "summary": "Tulis ringkasan satu-dua kalimat: apa yang berubah bagi pengguna layanan.",
    "unit": None,
    "category": None,
    "kind": [],
    "status": "draft",  # previewed with a DRAF mark, never published until an editor changes it
    # A placeholder that passes validation; the comment above `sources` says to replace it.
    "sources": ["https://example.org/ganti-dengan-tautan-sumber"],
}
BODY = """Tulis uraian inovasi di sini: masalah yang diatasi, cara kerjanya, dan hasilnya.
Tulis hanya fakta yang ada sumbernya, dan cantumkan tautan sumber di `sources`.

## Cara kerja

## Capaian
"""


SCHEMA_FILE = Path("schema/innovation.schema.json")
SCHEMA_REF = "../../schema/innovation.schema.json"  # from content/inovasi/, where entries live
MODELINE = "# yaml-language-server: $schema={ref}"
_SLUG_LINE = re.compile(r"^slug:\s*['\"]?([a-z0-9-]+)['\"]?\s*$", re.MULTILINE)


def scaffold_text(title: str, choices: dict[str, Any] | None = None, schema_ref: str = SCHEMA_REF) -> str:
    """The full text of a new innovation file titled `title`.

    `choices` overrides starting values (``unit``, ``category``, ``kind``, ``year``) picked
    by the editor. The first line inside the front matter is the YAML language server's
    modeline, so an editor showing the front matter as YAML validates and completes it.
    """
    values = {**STARTING_VALUES, "year": dt.date.today().year, **(choices or {})}
    values.update(title=title, slug=slugify(title))
    modeline = MODELINE.format(ref=schema_ref)
    lines = ["---", modeline, *_render_model(Innovation, values, indent=0), "---", "", BODY]
    return "\n".join(lines)


def schema_ref_for(folder: Path) -> str:
    """Relative path from `folder` to the committed JSON Schema (the modeline's target)."""
    return Path(os.path.relpath(SCHEMA_FILE.resolve(), folder.resolve())).as_posix()


def existing_slug(title: str, folder: Path) -> Path | None:
    """The file in `folder` that already uses the slug of `title` (by name or `slug:`), if any."""
    slug = slugify(title)
    if not folder.is_dir():
        return None
    for path in sorted(folder.glob("*.md")):
        if path.stem == slug:
            return path
        head = path.read_text(encoding="utf-8", errors="replace")[:4000]
        if slug in _SLUG_LINE.findall(head):
            return path
    return None


def check_title(title: str, folder: Path) -> str:
    """The slug `title` gives, or a usage error when it is empty or already used in `folder`."""
    slug = slugify(title)
    if not slug:
        msg = "judul harus mengandung huruf atau angka"
        raise UsageError(msg)
    taken = existing_slug(title, folder)
    if taken is not None:
        msg = f"slug '{slug}' sudah dipakai oleh {taken} (berkas sudah ada); pilih judul lain"
        raise UsageError(msg)
    return slug


def write_scaffold(title: str, folder: Path, choices: dict[str, Any] | None = None) -> Path:
    """Create ``<folder>/<slug>.md``; refuse a slug another file in `folder` already uses."""
    slug = check_title(title, folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.md"
    path.write_text(scaffold_text(title, choices, schema_ref_for(folder)), encoding="utf-8")
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
