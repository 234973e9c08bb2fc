"""`katalog new`: write a valid, fully commented innovation file derived from the model.

Every key, its order and its Indonesian comment come from `katalog.content.model`; adding a field
to the model adds it here with no other change.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from katalog.content.columns import MISSING, model_of, unknown_value
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


def scaffold_text(
    title: str | None,
    choices: Mapping[str, Any] | None = None,
    schema_ref: str = SCHEMA_REF,
    *,
    starting: Mapping[str, Any] | None = None,
    body: str = BODY,
    header: Sequence[str] = (),
) -> str:
    """The full text of a new innovation file titled `title`.

    `choices` overrides starting values (``unit``, ``category``, ``kind``, ``year``) picked
    by the editor. The first line inside the front matter is the YAML language server's
    modeline, so an editor showing the front matter as YAML validates and completes it;
    `header` adds comment lines after it.

    `starting` replaces `STARTING_VALUES` (and today's year): `katalog import` starts from
    the model's "unknown" values instead of placeholders, because a row must not gain facts
    nobody wrote. A required field that has no unknown value and no value in `choices` is
    left out, so that validating the text says "wajib diisi"; such a text is never written.
    """
    start = {**STARTING_VALUES, "year": dt.date.today().year} if starting is None else starting
    values = {**start, **(choices or {})}
    if title is not None:
        values["title"] = title
        values.setdefault("slug", slugify(title) or None)  # None: the model explains why
    modeline = MODELINE.format(ref=schema_ref)
    lines = ["---", modeline, *header, *render_fields(Innovation, values, indent=0), "---", "", body]
    return "\n".join(lines)


def schema_ref_for(folder: Path) -> str:
    """Relative path from `folder` to the committed JSON Schema (the modeline's target)."""
    return Path(os.path.relpath(SCHEMA_FILE.resolve(), folder.resolve())).as_posix()


def existing_slug(title: str, folder: Path) -> Path | None:
    """The file in `folder` that already uses the slug of `title` (by name or `slug:`), if any."""
    return slug_index(folder).get(slugify(title))


def slug_index(folder: Path) -> dict[str, Path]:
    """Every slug a file in `folder` takes, by its name or its `slug:` line; the first file
    (in name order) wins. Read once, so that importing a sheet does not rescan per row."""
    index: dict[str, Path] = {}
    if not folder.is_dir():
        return index
    for path in sorted(folder.glob("*.md")):
        index.setdefault(path.stem, path)
        with path.open(encoding="utf-8", errors="replace") as handle:
            head = handle.read(4000)
        for slug in _SLUG_LINE.findall(head):
            index.setdefault(slug, path)
    return index


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


def render_fields(model: type[BaseModel], values: Mapping[str, Any], indent: int) -> list[str]:
    """Every field of `model` as commented YAML lines, from `values` or the model's defaults."""
    lines = []
    for name, info in model.model_fields.items():
        value = values[name] if name in values else unknown_value(info)
        if value is not MISSING:
            lines.extend(render_field(model, name, value, indent))
    return lines


def render_field(
    model: type[BaseModel], name: str, value: Any, indent: int, *, comment: bool = True
) -> list[str]:
    """One field of `model` as YAML lines, after its description as a comment.

    A nested model given as a mapping (``contact: {email: ...}``), or one that always
    exists (``replication``), is written as an indented block with its own comments.
    """
    pad = " " * indent
    info = model.model_fields[name]
    lines = [f"{pad}# {info.description}"] if comment else []
    nested = model_of(info.annotation)
    if nested is not None and (isinstance(value, Mapping) or info.default_factory is not None):
        lines.append(f"{pad}{name}:")
        lines.extend(render_fields(nested, value if isinstance(value, Mapping) else {}, indent + 2))
    else:
        lines.append(f"{pad}{name}: {dump_value(value)}")
    return lines


_PLAIN = {type(None): lambda _: "null", bool: lambda v: "true" if v else "false", int: str}


def dump_value(value: Any) -> str:
    """One-line YAML for a scalar or a list.

    Most fields of a new entry are null, false or empty: those skip PyYAML's emitter, which
    costs a tenth of a millisecond a call (an imported sheet of thousands of rows notices).
    """
    plain = _PLAIN.get(type(value))
    if plain is not None:
        return plain(value)
    if isinstance(value, list | dict) and not value:
        return "[]" if isinstance(value, list) else "{}"
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000, sort_keys=False)
    text = text.removesuffix("\n...\n").strip()
    if "\n" in text:  # a line break inside a value: JSON's escaped string is one line of valid YAML
        return json.dumps(value, ensure_ascii=False, default=str)
    return text
