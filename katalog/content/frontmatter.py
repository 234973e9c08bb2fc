"""Split an innovation file into YAML front matter and Markdown body, keeping line numbers.

The YAML is composed into PyYAML's node graph with the *safe* loader and then turned into
plain Python values by hand, so that every key and list item keeps the line it came from
(`Located.lines`). Walking the node graph ourselves also lets us refuse what the safe
loader would accept silently: duplicate keys, non-standard tags, alias bombs, deep nesting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from katalog.errors import Problem

FENCE = "---"
MAX_NODES = 20_000  # far above any real entry; stops "billion laughs" alias bombs
MAX_DEPTH = 20
COMPOSE_DEPTH = 100  # the composer's own bound (see _BoundedLoader)
MAX_INT_DIGITS = 30
# Bounds on the Markdown body, so a hostile file cannot stall the build. Python-Markdown's
# inline patterns are quadratic in the '[' and '<' of one block, and it recurses once per
# nesting level (a few hundred nested list items already take seconds, a thousand crash).
MAX_BODY_BYTES = 1_000_000
MAX_BLOCK_MARKERS = 500  # '[' plus '<' in one block (paragraph, list or table)
MAX_BODY_MARKER_WORK = 4_000_000  # sum over blocks of markers squared: about a second
MAX_BODY_NESTING = 64  # leading columns of indentation and '>' of one line
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
            parts = SplitFile(
                yaml_text="\n".join(lines[1:index]),
                yaml_first_line=2,
                body="\n".join(lines[index + 1 :]),
                body_first_line=index + 2,
            )
            check_body(parts.body, path, parts.body_first_line)
            return parts
    raise FrontMatterError(
        Problem(path, 1, "front matter", "penutup '---' tidak ditemukan setelah metadata YAML")
    )


def check_body(body: str, path: str, first_line: int) -> None:
    """Refuse a body too large or too convoluted to render in bounded time and memory.

    No real entry comes near these limits (the longest has 4 markers in a block and 2
    columns of nesting); they exist so that one hostile file cannot hang a build.
    """
    size = len(body.encode("utf-8"))
    if size > MAX_BODY_BYTES:
        raise FrontMatterError(
            Problem(
                path,
                first_line,
                "isi",
                f"isi terlalu besar ({size} bita; paling banyak {MAX_BODY_BYTES}); pecah atau ringkas uraian",
            )
        )
    work = 0
    block_start, markers = first_line, 0
    for number, line in enumerate(body.split("\n"), first_line):
        if not line.strip():
            block_start, markers = number + 1, 0
            continue
        prefix = line[: len(line) - len(line.lstrip(" \t>"))]
        if len(prefix.expandtabs(4)) > MAX_BODY_NESTING:
            raise FrontMatterError(
                Problem(
                    path,
                    number,
                    "isi",
                    f"baris bersarang terlalu dalam (paling banyak {MAX_BODY_NESTING} kolom)",
                )
            )
        found = line.count("[") + line.count("<")
        work += found * (2 * markers + found)  # keeps work == sum of markers squared per block
        markers += found
        if markers > MAX_BLOCK_MARKERS:
            raise FrontMatterError(
                Problem(
                    path,
                    block_start,
                    "isi",
                    f"paragraf terlalu rumit (lebih dari {MAX_BLOCK_MARKERS} tanda '[' dan '<'); "
                    "pecah dengan baris kosong",
                )
            )
    if work > MAX_BODY_MARKER_WORK:
        raise FrontMatterError(
            Problem(
                path,
                first_line,
                "isi",
                "isi terlalu rumit (terlalu banyak tanda '[' dan '<'); ringkas uraian",
            )
        )


class _TooDeepError(Exception):
    def __init__(self, line: int) -> None:
        self.line = line
        super().__init__(line)


class _BoundedLoader(yaml.SafeLoader):
    """The safe loader, refusing absurd nesting while composing.

    PyYAML's composer recurses once per level, so thousands of nested brackets exhaust
    the stack (slowly) before `_Builder` can apply MAX_DEPTH; this bound is far above it
    so that ordinary deep input still gets the builder's more precise message.
    """

    depth = 0

    def compose_node(self, parent: Node | None, index: object) -> Node | None:
        self.depth += 1
        try:
            if self.depth > COMPOSE_DEPTH:
                raise _TooDeepError(self.peek_event().start_mark.line + 1)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_FAST_LOADER: type | None = getattr(yaml, "CSafeLoader", None)  # libyaml, when installed
# PyYAML refuses what libyaml accepts: non-printable characters, tabs and BOMs in some places.
_NOT_FAST = re.compile(yaml.reader.Reader.NON_PRINTABLE.pattern + "|[\\t\\ufeff]")


def _question_in_flow(text: str) -> bool:
    """PyYAML refuses a '?' inside a plain scalar of a flow collection (``[a?b]``); libyaml not."""
    return "?" in text and ("[" in text or "{" in text)


def safe_load(text: str) -> Any:
    """`yaml.safe_load`, through libyaml where the two parsers agree (as `parse_yaml`):
    the same values, and the reference's own error for text either of them refuses."""
    if _FAST_LOADER is not None and not _NOT_FAST.search(text) and not _question_in_flow(text):
        try:
            return yaml.load(text, Loader=_FAST_LOADER)  # CSafeLoader: the safe loader, in C
        except yaml.YAMLError:
            pass  # the reference below reports it in its own words
    return yaml.safe_load(text)


def parse_yaml(text: str, path: str, first_line: int = 1) -> Located:
    """Parse YAML safely into plain values, recording each key's line.

    libyaml composes about ten times faster than PyYAML's pure-Python composer, so it is
    tried first; the pure-Python `_BoundedLoader` stays the reference. Text where the two
    are known to disagree (tabs, BOMs, non-printable characters, '?' in a flow collection;
    found by comparing both on mutated fixtures) goes straight to the reference, and so
    does any file libyaml or `_Builder` refuses, so every message and line is the
    reference's.
    """
    if _FAST_LOADER is not None and not _NOT_FAST.search(text) and not _question_in_flow(text):
        try:
            node = yaml.compose(text, Loader=_FAST_LOADER)
            return _located(node, path, first_line)
        except (yaml.YAMLError, FrontMatterError, RecursionError):
            pass  # the reference parser below reports it in its own words
    return _parse_reference(text, path, first_line)


def _parse_reference(text: str, path: str, first_line: int) -> Located:
    offset = first_line - 1
    try:
        node = yaml.compose(text, Loader=_BoundedLoader)
    except _TooDeepError as exc:
        line = exc.line + offset
        raise FrontMatterError(
            Problem(path, line, "YAML", f"metadata terlalu dalam (lebih dari {MAX_DEPTH} tingkat)")
        ) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + first_line
        raise FrontMatterError(
            Problem(
                path,
                line,
                "YAML",
                f"karakter tak terlihat U+{exc.character:04X} tidak diizinkan; hapus karakter itu",
            )
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + offset) if mark else first_line
        reason = f"YAML tidak sah: {exc.problem or 'sintaks tidak sah'}"
        if exc.context_mark and exc.context_mark.line + 1 + offset != line:
            reason += f" (bagian ini dibuka di baris {exc.context_mark.line + 1 + offset})"
        raise FrontMatterError(Problem(path, line, "YAML", reason)) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(Problem(path, first_line, "YAML", f"YAML tidak sah: {exc}")) from None
    return _located(node, path, first_line)


def _located(node: Node | None, path: str, first_line: int) -> Located:
    located = Located(data=None, start_line=max(first_line - 1, 1))
    if node is None:
        located.data = {}
        return located
    builder = _Builder(path, first_line - 1, located)
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
        if node.tag.endswith(":int") and len(node.value) > MAX_INT_DIGITS:
            raise self.fail(node, loc, f"bilangan terlalu panjang ({len(node.value)} angka)")
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
