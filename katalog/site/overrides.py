"""A site's overrides of the engine's theme: single templates and static files, kept across upgrades.

A site never copies the theme. ``theme/templates/<name>.html`` in the site replaces the
engine's template of that name (Pelican's ``THEME_TEMPLATES_OVERRIDES``), and any file
under ``theme/static/`` replaces or adds to the engine's static files at the same path.

Jinja is silent about what an upgrade may break: a block the parent no longer defines is
dropped, an undefined variable prints nothing. So every build compares each override
with the engine's templates and warns, naming the file, about a block or variable the
engine no longer provides, and about an override no engine template uses.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta, nodes

logger = logging.getLogger(__name__)

# What Pelican puts in every template's context besides the settings (uppercase keys).
PELICAN_CONTEXT = frozenset(
    {"articles", "pages", "dates", "hidden_pages", "draft_articles", "hidden_articles", "draft_pages",
     "staticfiles", "static_links", "static_content", "period_archives", "authors", "categories", "tags",
     "output_file", "page_name", "localsiteurl", "main_siteurl"}
)  # fmt: skip


def use_theme_overrides(settings: dict[str, Any], site_dir: Path) -> None:
    """Resolve ``KATALOG_THEME_OVERRIDES`` against the site's folder; put its templates first."""
    folder = settings.get("KATALOG_THEME_OVERRIDES")
    if not folder:
        settings["KATALOG_THEME_OVERRIDES"] = None
        return
    root = (site_dir / folder).resolve()
    settings["KATALOG_THEME_OVERRIDES"] = str(root)
    templates = root / "templates"
    if templates.is_dir() and str(templates) not in settings["THEME_TEMPLATES_OVERRIDES"]:
        settings["THEME_TEMPLATES_OVERRIDES"] = [str(templates), *settings["THEME_TEMPLATES_OVERRIDES"]]


def overrides_root(settings: dict[str, Any]) -> Path | None:
    folder = settings.get("KATALOG_THEME_OVERRIDES")
    return Path(folder) if folder else None


def template_dirs(settings: dict[str, Any]) -> list[Path]:
    """Every folder templates are read from, override folders first (as Pelican searches)."""
    return [
        *(Path(p) for p in settings.get("THEME_TEMPLATES_OVERRIDES", [])),
        Path(settings["THEME"]) / "templates",
    ]


def static_files(settings: dict[str, Any]) -> Iterator[tuple[str, Path]]:
    """(path under the theme's output folder, source file): the engine's static files, each
    replaced by the site's file of the same path, plus the site's own additions."""
    found: dict[str, Path] = {}
    layers = [Path(settings["THEME"]) / "static"]
    root = overrides_root(settings)
    if root is not None:
        layers.append(root / "static")
    for layer in layers:
        if layer.is_dir():
            for path in layer.rglob("*"):
                if path.is_file():
                    found[path.relative_to(layer).as_posix()] = path
    yield from sorted(found.items())


def _environment(folder: Path, filters: Iterable[str]) -> jinja2.Environment:
    """An environment to read templates with; it knows the names of the filters the build's
    own adds (JINJA_FILTERS), since Jinja refuses a template that uses an unknown one."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True)
    env.filters.update(dict.fromkeys(filters, str))
    return env


def _blocks(ast: nodes.Template) -> set[str]:
    return {block.name for block in ast.find_all(nodes.Block)}


def _parent(ast: nodes.Template) -> str | None:
    extends = next(ast.find_all(nodes.Extends), None)
    if extends is not None and isinstance(extends.template, nodes.Const):
        return str(extends.template.value)
    return None


class _EngineTheme:
    """The engine's templates, parsed once: blocks (with those of parents) and variables."""

    def __init__(self, folder: Path, filters: Iterable[str]) -> None:
        self.env = _environment(folder, filters)
        self.names = set(self.env.list_templates(extensions=["html"]))
        self.asts = {
            name: self.env.parse(self.env.loader.get_source(self.env, name)[0]) for name in self.names
        }  # type: ignore[union-attr]
        self.everywhere = set().union(*(meta.find_undeclared_variables(a) for a in self.asts.values()))
        self.parents = {p for p in (_parent(a) for a in self.asts.values()) if p is not None}

    def blocks(self, name: str) -> set[str]:
        """Blocks `name` defines or inherits from the templates it extends."""
        found: set[str] = set()
        while name in self.asts and name not in found:
            found |= _blocks(self.asts[name])
            parent = _parent(self.asts[name])
            if parent is None:
                break
            name = parent
        return found

    def variables(self, name: str) -> set[str]:
        """Variables the engine passes to `name`: what its own template reads (partials, which
        any page may include, get what any template reads)."""
        if name.startswith("_") or name not in self.asts:
            return self.everywhere
        chain = {name, *(n for n in self.names if n.startswith("_") or n == "base.html")}
        return set().union(*(meta.find_undeclared_variables(self.asts[n]) for n in chain))


@functools.cache
def _engine(folder: str, filters: tuple[str, ...]) -> _EngineTheme:
    return _EngineTheme(Path(folder), filters)


def check_overrides(settings: dict[str, Any]) -> list[str]:
    """One warning line per problem of the site's template overrides (none without overrides)."""
    engine_dir = Path(settings["THEME"]) / "templates"
    root = overrides_root(settings)
    if root is None or not (root / "templates").is_dir() or not engine_dir.is_dir():
        return []
    folder = root / "templates"
    filters = tuple(sorted(settings.get("JINJA_FILTERS") or {}))
    engine = _engine(str(engine_dir), filters)
    own = _environment(folder, filters)
    known = {k for k in settings if k.isupper()} | PELICAN_CONTEXT
    warnings = []
    for name in sorted(own.list_templates(extensions=["html"])):
        where = (folder / name).relative_to(root.parent).as_posix()
        try:
            ast = own.parse(own.loader.get_source(own, name)[0])  # type: ignore[union-attr]
        except jinja2.TemplateSyntaxError as exc:
            warnings.append(f"{where}:{exc.lineno}: templat tidak sah: {exc.message}")
            continue
        warnings.extend(_check_one(name, ast, engine, known, where))
    return warnings


def _check_one(
    name: str, ast: nodes.Template, engine: _EngineTheme, known: set[str], where: str
) -> list[str]:
    found = []
    if name not in engine.names:
        found.append(f"{where}: tidak ada templat mesin bernama '{name}'; berkas ini tidak dipakai")
    parent = _parent(ast)
    if parent is not None:
        available = engine.blocks(parent)
        found.extend(
            f"{where}: blok '{block}' tidak ada di templat mesin '{parent}'; isinya tidak akan tampil"
            for block in sorted(_blocks(ast) - available)
        )
    elif name in engine.parents:
        missing = _blocks(engine.asts[name]) - _blocks(ast)
        found.extend(
            f"{where}: blok '{block}' dari templat mesin hilang; "
            "templat lain yang mengisinya tidak akan tampil"
            for block in sorted(missing)
        )
    provided = engine.variables(name) | known
    found.extend(
        f"{where}: variabel '{variable}' tidak disediakan mesin untuk '{name}'; nilainya akan kosong"
        for variable in sorted(meta.find_undeclared_variables(ast) - provided)
    )
    return found


def warn_about_overrides(settings: dict[str, Any]) -> None:
    for line in check_overrides(settings):
        logger.warning("katalog: %s", line)
