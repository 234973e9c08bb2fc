"""Change some keys of an innovation file's front matter in place, keeping every other byte.

`katalog import` updates an entry it created earlier with the keys its sheet gives. The
editor may have edited the rest since: comments, other keys, their order and quoting, and
the body. So the front matter is not re-dumped: PyYAML composes it (safely) only to learn
where each key's text starts and ends, and just that text is replaced. A key that is not
there yet is added at the end of its mapping, with the model's comment above it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml
from pydantic import BaseModel
from yaml.nodes import MappingNode, ScalarNode

from katalog.content.columns import model_of
from katalog.content.frontmatter import FENCE
from katalog.content.model import Innovation
from katalog.tools.scaffold import render_field

Path_ = tuple[str, ...]


class EditError(Exception):
    """The front matter cannot be edited in place (it is not a YAML mapping); the message
    is for the editor, naming what to fix by hand."""


def set_keys(text: str, changes: Sequence[tuple[Path_, Any]]) -> str:
    """`text` with each ``(path, value)`` of `changes` written into its front matter."""
    for path, value in changes:
        start, end = _front_matter(text)
        region = _set(text[start:end], path, value)
        text = text[:start] + region + text[end:]
    return text


def value_at(data: Any, path: Path_) -> Any:
    """The value at `path` in parsed front matter, or None when any step is missing."""
    for name in path:
        if not isinstance(data, dict):
            return None
        data = data.get(name)
    return data


def _front_matter(text: str) -> tuple[int, int]:
    """Character offsets of the YAML between the fences (as `frontmatter.split` cuts it)."""
    lines = text.split("\n")
    if lines[0].strip() != FENCE:
        msg = "baris pertama berkas bukan '---'"
        raise EditError(msg)
    start = len(lines[0]) + 1
    offset = start
    for line in lines[1:]:
        if line.rstrip() == FENCE:
            return start, max(start, offset - 1)
        offset += len(line) + 1
    msg = "penutup '---' metadata tidak ditemukan"
    raise EditError(msg)


def _set(region: str, path: Path_, value: Any) -> str:
    try:
        root = yaml.compose(region, Loader=yaml.SafeLoader)
        data = yaml.safe_load(region)
    except yaml.YAMLError as exc:
        msg = f"metadata YAML tidak dapat dibaca ({str(exc).splitlines()[0]})"
        raise EditError(msg) from None
    if root is None:
        return _append(region, len(region), Innovation, path, value, 0)
    if not isinstance(root, MappingNode):
        msg = "metadata harus berupa pasangan kunci: nilai"
        raise EditError(msg)
    return _set_in(region, root, Innovation, path, value, data)


def _set_in(
    region: str, node: MappingNode, model: type[BaseModel], path: Path_, value: Any, data: Any
) -> str:
    name, rest = path[0], path[1:]
    indent = node.value[0][0].start_mark.column if node.value else 0
    pair = next(((k, v) for k, v in node.value if isinstance(k, ScalarNode) and k.value == name), None)
    if pair is None:
        return _append(region, _mapping_end(region, node), model, path, value, indent)
    key, old = pair
    existing = data.get(name) if isinstance(data, dict) else None
    nested = model_of(model.model_fields[name].annotation)
    if rest and nested is not None and isinstance(old, MappingNode) and not old.flow_style:
        return _set_in(region, old, nested, rest, value, existing)
    if rest and nested is not None:  # null, or a one-line {a: b}: rewrite it as a block
        merged = dict(existing) if isinstance(existing, dict) else {}
        _put(merged, rest, value)
        value = merged
    lines = render_field(model, name, value, key.start_mark.column, comment=False)
    start = key.start_mark.index
    end = _content_end(region, start, old.end_mark.index, key.start_mark.column)
    return region[:start] + "\n".join(lines).lstrip(" ") + region[end:]


def _append(region: str, at: int, model: type[BaseModel], path: Path_, value: Any, indent: int) -> str:
    name, rest = path[0], path[1:]
    if rest:
        nested: dict[str, Any] = {}
        _put(nested, rest, value)
        value = nested
    lines = render_field(model, name, value, indent)
    separator = "\n" if at > 0 else ""
    return region[:at] + separator + "\n".join(lines) + region[at:]


def _mapping_end(region: str, node: MappingNode) -> int:
    if not node.value:
        return node.end_mark.index
    key, value = node.value[-1]
    return _content_end(region, key.start_mark.index, value.end_mark.index, key.start_mark.column)


def _content_end(region: str, start: int, end: int, column: int) -> int:
    """`end` moved back over trailing blank lines and over comments at the key's indentation
    or less: a block value "ends" at the next key, and the comment above that key is its own."""
    lines = region[start:end].split("\n")
    while len(lines) > 1:
        last = lines[-1]
        stripped = last.lstrip(" ")
        if stripped and not (stripped.startswith("#") and len(last) - len(stripped) <= column):
            break
        lines.pop()
    return start + len("\n".join(lines).rstrip(" \t"))


def _put(values: dict[str, Any], path: Path_, value: Any) -> None:
    for name in path[:-1]:
        values = values.setdefault(name, {})
    values[path[-1]] = value
