"""The front-matter splitter and the line-keeping YAML parser."""

from __future__ import annotations

import pytest

from katalog.content.frontmatter import FrontMatterError, decode, parse_yaml, split

NESTED = """\
title: A
replication:
  legal_basis:
    - title: B
      number: "1"
    - title: C
sources:
  - https://example.org
"""


def test_lines_are_kept_for_nested_keys_and_items() -> None:
    located = parse_yaml(NESTED, "x.md", first_line=2)
    assert located.lines[("title",)] == 2
    assert located.lines[("replication", "legal_basis", 0)] == 5
    assert located.lines[("replication", "legal_basis", 0, "number")] == 6
    assert located.lines[("replication", "legal_basis", 1, "title")] == 7
    assert located.lines[("sources", 0)] == 9
    # A location absent from the file falls back to its nearest present ancestor.
    assert located.line_of(("replication", "legal_basis", 1, "year")) == 7


def test_values_are_plain_python() -> None:
    located = parse_yaml("year: 2017\nkind: [a, b]\nx: null\nok: true\n", "x.md")
    assert located.data == {"year": 2017, "kind": ["a", "b"], "x": None, "ok": True}


def test_split_reports_body_line_and_strips_crlf_and_bom() -> None:
    text = decode(b"\xef\xbb\xbf---\r\ntitle: A\r\n---\r\nIsi\r\n", "x.md")
    parts = split(text, "x.md")
    assert parts.yaml_text == "title: A"
    assert parts.body.strip() == "Isi"
    assert parts.body_first_line == 4


def test_alias_bomb_is_refused_quickly() -> None:
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in "bcdefghij":
        previous = chr(ord(level) - 1)
        bomb.append(f"{level}: &{level} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}]")
    with pytest.raises(FrontMatterError, match="terlalu besar"):
        parse_yaml("\n".join(bomb), "bomb.md")


def test_deep_nesting_is_refused() -> None:
    deep = "a: " + "[" * 40 + "]" * 40
    with pytest.raises(FrontMatterError, match="terlalu dalam"):
        parse_yaml(deep, "deep.md")


def test_merge_keys_are_refused() -> None:
    with pytest.raises(FrontMatterError, match="'<<'"):
        parse_yaml("base: &b {x: 1}\nother:\n  <<: *b\n", "merge.md")


def test_non_string_keys_are_refused() -> None:
    with pytest.raises(FrontMatterError, match="kunci harus berupa teks"):
        parse_yaml("? [a, b]\n: 1\n", "key.md")
