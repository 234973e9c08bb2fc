"""The package reads as the pipeline: content <- search <- network <- site <- api, majalah <- tools; no import cycle."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "katalog"
# Each layer may import only from itself and the layers before it; the top-level leaf
# modules (errors, resources, settings) may be imported by any layer.
# api: the JSON API over a build; majalah: the printed catalogue (a PDF)
LAYERS = ["content", "search", "network", "site", "api", "majalah", "tools"]
LEAVES = {"katalog", "katalog.errors", "katalog.processes", "katalog.resources", "katalog.settings"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every `katalog.*` module `path` imports, lazily inside functions too."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("katalog"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(
                    candidate
                    if (PACKAGE.parent / (candidate.replace(".", "/") + ".py")).is_file()
                    else node.module
                )
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("katalog"))
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) - {module_name(p)} for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else -1


def test_every_module_lives_in_a_layer_or_is_a_leaf() -> None:
    assert {m for m in graph() if layer(m) < 0} <= LEAVES


def test_dependencies_point_one_way() -> None:
    wrong = [
        f"{module} imports {target}"
        for module, targets in graph().items()
        for target in targets
        if target not in LEAVES and layer(target) > layer(module)
    ]
    assert wrong == []


def test_the_leaves_import_no_layer() -> None:
    edges = graph()
    assert {m: {t for t in edges[m] if layer(t) >= 0} for m in LEAVES if m in edges} == {
        m: set() for m in LEAVES if m in edges
    }


def test_there_is_no_import_cycle() -> None:
    graphlib.TopologicalSorter(graph()).prepare()  # raises CycleError naming the cycle
