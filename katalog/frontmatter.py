"""Split an innovation file into YAML front matter and Markdown body, keeping line numbers.

The YAML is composed into PyYAML's node graph with the *safe* loader and then turned into
plain Python values by hand, so that every key and list item keeps the line it came from
(`Located.lines`). Walking the node graph ourselves also lets us refuse what the safe
loader would accept silently: duplicate keys, non-standard tags, alias bombs, deep nesting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from katalog.errors import Problem

FENCE = "---"
MAX_NODES = 20_000  # far above any real entry; stops "billion laughs" alias bombs
MAX_DEPTH = 20
ALLOWED_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}

Loc = tuple[str | int, ...]


@dataclass
class Located:
    """Parsed front matter plus the 1-based source line of every key and list item."""

    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    start_line: int = 1

    def line_of(self, loc: Loc) -> int:
        """Line of `loc`, or of its nearest ancestor present in the file."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.start_line


@dataclass
class SplitFile:
    """A source file cut in two: the YAML text and the Markdown body."""

    yaml_text: str
    yaml_first_line: int  # line number of the first YAML line in the file
    body: str
    body_first_line: int


class FrontMatterError(Exception):
    """Raised with the problem found; the caller adds it to the file's report."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def decode(raw: bytes, path: str) -> str:
    """Decode UTF-8 (dropping a BOM) and normalise newlines, or report the bad line."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FrontMatterError(
            Problem(path, line, "berkas", "bukan teks UTF-8; simpan ulang berkas dengan pengodean UTF-8")
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split(text: str, path: str) -> SplitFile:
    """Cut `text` at the `---` fences; the body is everything after the closing fence."""
    if not text.strip():
        raise FrontMatterError(Problem(path, 1, "berkas", "berkas kosong; mulai dengan `katalog new`"))
    lines = text.split("\n")
    if lines[0].strip() != FENCE:
        raise FrontMatterError(
            Problem(path, 1, "front matter", "baris pertama harus '---' (awal metadata YAML)")
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() == FENCE:
            return SplitFile(
                yaml_text="\n".join(lines[1:index]),
                yaml_first_line=2,
                body="\n".join(lines[index + 1 :]),
                body_first_line=index + 2,
            )
    raise FrontMatterError(
        Problem(path, 1, "front matter", "penutup '---' tidak ditemukan setelah metadata YAML")
    )


def parse_yaml(text: str, path: str, first_line: int = 1) -> Located:
    """Parse YAML safely into plain values, recording each key's line."""
    offset = first_line - 1
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + offset) if mark else first_line
        reason = f"YAML tidak sah: {exc.problem or 'sintaks tidak sah'}"
        if exc.context_mark and exc.context_mark.line + 1 + offset != line:
            reason += f" (bagian ini dibuka di baris {exc.context_mark.line + 1 + offset})"
        raise FrontMatterError(Problem(path, line, "YAML", reason)) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(Problem(path, first_line, "YAML", f"YAML tidak sah: {exc}")) from None
    located = Located(data=None, start_line=max(first_line - 1, 1))
    if node is None:
        located.data = {}
        return located
    builder = _Builder(path, offset, located)
    located.data = builder.build(node, (), 0)
    return located


class _Builder:
    """Turns a node graph into Python values, counting nodes to defeat alias bombs."""

    def __init__(self, path: str, offset: int, located: Located) -> None:
        self.path = path
        self.offset = offset
        self.located = located
        self.nodes = 0
        self.scalars = SafeConstructor()

    def line(self, node: Node) -> int:
        return node.start_mark.line + 1 + self.offset

    def fail(self, node: Node, loc: Loc, message: str) -> FrontMatterError:
        return FrontMatterError(Problem(self.path, self.line(node), dotted(loc) or "YAML", message))

    def build(self, node: Node, loc: Loc, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(
                node, loc, f"metadata terlalu besar (lebih dari {MAX_NODES} simpul; alias berulang?)"
            )
        if depth > MAX_DEPTH:
            raise self.fail(node, loc, f"metadata terlalu dalam (lebih dari {MAX_DEPTH} tingkat)")
        if node.tag not in ALLOWED_TAGS:
            raise self.fail(node, loc, f"tag YAML '{node.tag}' tidak diizinkan")
        if isinstance(node, MappingNode):
            return self.mapping(node, loc, depth)
        if isinstance(node, SequenceNode):
            items = []
            for index, child in enumerate(node.value):
                self.located.lines[(*loc, index)] = self.line(child)
                items.append(self.build(child, (*loc, index), depth + 1))
            return items
        assert isinstance(node, ScalarNode)
        try:
            return self.scalars.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as exc:
            raise self.fail(node, loc, f"nilai tidak dapat dibaca: {exc}") from None

    def mapping(self, node: MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        if any(key.tag == "tag:yaml.org,2002:merge" for key, _ in node.value):
            raise self.fail(node, loc, "kunci gabungan YAML ('<<') tidak diizinkan")
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise self.fail(key_node, loc, "kunci harus berupa teks sederhana")
            key = str(key_node.value)
            if key in result:
                first = self.located.lines[(*loc, key)]
                raise self.fail(key_node, (*loc, key), f"kunci ganda; sudah ditulis di baris {first}")
            self.located.lines[(*loc, key)] = self.line(key_node)
            result[key] = self.build(value_node, (*loc, key), depth + 1)
        return result


def dotted(loc: Loc) -> str:
    """Render a location as the editors read it: ``replication.legal_basis[0].title``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
