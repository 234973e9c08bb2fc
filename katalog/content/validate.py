"""Read one innovation file into a validated `Entry`, or report every problem it has.

This is the single reader of innovation files: `katalog check`, the Pelican reader and
the tests all go through `load_entry`. Pydantic's errors are translated here into the
editors' language, each placed on the line of the offending key.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import gc
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from katalog.content import frontmatter
from katalog.content.frontmatter import FrontMatterError, Located, dotted
from katalog.content.model import KEY_SYNONYMS, Innovation, allows_none
from katalog.content.render import BODY_TOP, render_markdown
from katalog.content.taxonomy import Taxonomy
from katalog.errors import Problem
from katalog.processes import die_with_parent

T = TypeVar("T")


@dataclass(frozen=True)
class Origin:
    """Where a harvested entry comes from: a network's member catalogue (`katalog.network`)."""

    member: str  # the member's slug in the network's jaringan.yaml
    agency: str  # the agency that publishes the entry
    url: str  # the entry's canonical page, on the member's site
    harvested: dt.datetime  # when the member's data was last confirmed ("data per ...")
    modified: dt.datetime | None = None  # when the member last changed the entry


@dataclass(frozen=True)
class Entry:
    """A validated innovation with its rendered body: the single source for every output."""

    source: str  # path as given (relative to the project when possible)
    innovation: Innovation
    body_html: str
    body_markdown: str
    key_lines: dict[str, int] = field(default_factory=dict)  # line of each top-level key
    origin: Origin | None = None  # None: the site's own entry, read from its content folder

    def line_of(self, key: str) -> int:
        """Line of top-level `key`; a derived slug points at `title`."""
        if key == "slug" and key not in self.key_lines:
            key = "title"
        return self.key_lines.get(key, 1)

    @property
    def slug(self) -> str:
        return self.innovation.effective_slug


@dataclass(frozen=True)
class LoadResult:
    entry: Entry | None
    problems: list[Problem]


def display_path(path: Path) -> str:
    """Path as editors see it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(_resolved(str(Path.cwd()))))
    except ValueError:
        return str(path)


@functools.lru_cache(maxsize=4)
def _resolved(folder: str) -> Path:
    return Path(folder).resolve()


def load_entry(path: Path, taxonomy: Taxonomy) -> LoadResult:
    """Read, split, parse and validate one file; never raises for bad content."""
    where = display_path(path)
    try:
        text = frontmatter.decode(path.read_bytes(), where)
        parts = frontmatter.split(text, where)
        located = frontmatter.parse_yaml(parts.yaml_text, where, parts.yaml_first_line)
    except FrontMatterError as exc:
        return LoadResult(None, [exc.problem])
    result = validate_located(located, parts, where, taxonomy)
    return LoadResult(result.entry, sorted(result.problems))


def load_entries(
    paths: list[Path], taxonomy: Taxonomy, jobs: int, per_file: Callable[[Path, Taxonomy], T] = load_entry
) -> list[T]:
    """`per_file` (default `load_entry`) for every path, in order, over `jobs` processes.

    Reading is pure per file (YAML, model, Markdown), so a catalogue of thousands of
    entries is validated on every core; a worker's programmer error is re-raised here.
    `per_file` must be a module-level function (it is sent to the workers by name).
    """
    if jobs <= 1 or len(paths) < 2:
        return [per_file(path, taxonomy) for path in paths]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunk = max(1, len(paths) // (jobs * 4))
    setup = {"initializer": _adopt, "initargs": (taxonomy, per_file, os.getpid())}
    with ProcessPoolExecutor(jobs, mp_context=context, **setup) as pool:
        return list(pool.map(_load_in_worker, paths, chunksize=chunk))


_WORKER: list[Any] = []  # this worker process's (taxonomy, per_file)


def _adopt(taxonomy: Taxonomy, per_file: Callable[[Path, Taxonomy], Any], parent: int) -> None:
    die_with_parent(parent)  # a killed build leaves no reader behind
    gc.enable()  # a caller may have turned the collector off for its own long-lived results
    _WORKER[:] = [taxonomy, per_file]


def _load_in_worker(path: Path) -> Any:
    taxonomy, per_file = _WORKER
    return per_file(path, taxonomy)


def validate_located(
    located: Located, parts: frontmatter.SplitFile, where: str, taxonomy: Taxonomy
) -> LoadResult:
    problems: list[Problem] = []
    if not isinstance(located.data, dict):
        problems.append(
            Problem(where, located.start_line, "front matter", "metadata harus berupa pasangan kunci: nilai")
        )
        return LoadResult(None, problems)
    if not parts.body.strip():
        problems.append(
            Problem(
                where,
                parts.body_first_line - 1,
                "isi",
                "isi (teks Markdown setelah '---') kosong; tulis uraian inovasi",
            )
        )
    innovation: Innovation | None = None
    try:
        innovation = Innovation.model_validate(located.data, context={"taxonomy": taxonomy})
    except ValidationError as exc:
        problems.extend(translate_errors(exc, located, where))
    if problems or innovation is None:
        return LoadResult(None, problems)
    key_lines = {str(loc[0]): line for loc, line in located.lines.items() if len(loc) == 1}
    entry = Entry(where, innovation, render_markdown(parts.body, BODY_TOP), parts.body, key_lines)
    return LoadResult(entry, [])


def translate_errors(exc: ValidationError, located: Located, where: str) -> list[Problem]:
    """One Indonesian `Problem` per pydantic error, on the line of the key concerned."""
    return _dedupe(
        [Problem(where, located.line_of(loc), name, message) for loc, name, message in describe_errors(exc)]
    )


def describe_errors(exc: ValidationError) -> list[tuple[tuple[Any, ...], str, str]]:
    """(location, dotted field, Indonesian message) of each pydantic error, each one line:
    the words of `katalog check`, for data that has no lines (a network's harvested records)."""
    described = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        # Union members add their type name to the location; editors never wrote those.
        loc = tuple(p for p in loc if not _is_union_noise(p))
        if error["type"] == "extra_forbidden":  # the last part is the editor's own key ("Title")
            loc = (*(p for p in error["loc"][:-1] if not _is_union_noise(p)), error["loc"][-1])
        name = dotted(loc) or "front matter"
        described.append((loc, _one_line(name), _one_line(_message(error, loc))))
    return described


def _one_line(text: str) -> str:
    """Show control characters an editor typed as escapes: one problem is one line."""
    return "".join(f"\\u{ord(c):04x}" if c < " " or c == "\x7f" else c for c in text)


def _is_union_noise(part: str | int) -> bool:
    """Pydantic adds union-member names ("str", "function-after[...]", "Contact") to locations."""
    return isinstance(part, str) and (part[:1].isupper() or part in {"str", "int", "list"} or "[" in part)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: dict[tuple[int, str], Problem] = {}
    for problem in problems:
        seen.setdefault((problem.line, problem.field), problem)
    return list(seen.values())


def _message(error: ErrorDetails, loc: tuple[Any, ...]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind.startswith("katalog_"):
        return error["msg"]
    if kind == "missing":
        return "wajib diisi (tulis null bila memang tidak diketahui)" if _nullable(loc) else "wajib diisi"
    if kind == "extra_forbidden":
        return _unknown_key(loc)
    if kind in _TYPE_NAMES:
        return f"harus berupa {_TYPE_NAMES[kind]}, bukan {_describe(value)}"
    if kind == "string_too_short":
        return "tidak boleh kosong"
    if kind == "string_too_long":
        return f"terlalu panjang ({len(value)} karakter; paling banyak {ctx.get('max_length')})"
    if kind == "too_short" and isinstance(value, str):
        return "tidak boleh kosong"
    if kind == "too_short":
        return f"minimal {ctx.get('min_length')} butir"
    if kind == "greater_than_equal":
        return f"{value} terlalu kecil; paling kecil {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"{value} terlalu besar; paling besar {ctx.get('le')}"
    if kind == "string_pattern_mismatch":
        return f"'{value}' tidak sah; gunakan huruf kecil, angka, dan tanda hubung (mis. 'simpel-mobile')"
    if kind == "literal_error":
        return f"'{value}' tidak dikenal; pilihan: {ctx.get('expected')}"
    return f"nilai tidak sah: {error['msg']}"


_TYPE_NAMES = {
    "string_type": "teks",
    "int_type": "bilangan bulat (mis. 2019)",
    "int_from_float": "bilangan bulat (mis. 2019)",
    "bool_type": "true atau false",
    "list_type": "daftar (butir diawali '- ')",
    "dict_type": "pasangan kunci: nilai",
    "model_type": "pasangan kunci: nilai",
    "model_attributes_type": "pasangan kunci: nilai",
    "date_type": "tanggal (TTTT-BB-HH)",
}


def _describe(value: object) -> str:
    """Say what the editor wrote: "teks '2017'", "bilangan 2017", "daftar", "kosong (null)"."""
    if value is None:
        return "kosong (null)"
    if isinstance(value, list):
        return "daftar"
    if isinstance(value, dict):
        return "pemetaan"
    names = {str: "teks", bool: "true/false", int: "bilangan", float: "bilangan desimal"}
    return f"{names.get(type(value), type(value).__name__)} {value!r}"


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that owns the last key of `loc` (None when not a model field)."""
    model: type[BaseModel] = Innovation
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        inner = _model_in(field.annotation)
        if inner is None:
            return None
        model = inner
    return model


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _nullable(loc: tuple[Any, ...]) -> bool:
    model = _model_at(loc)
    if model is None or not loc:
        return False
    field = model.model_fields.get(str(loc[-1]))
    return field is not None and allows_none(field.annotation)


def _unknown_key(loc: tuple[Any, ...]) -> str:
    key = str(loc[-1])
    model = _model_at(loc)
    known = list(model.model_fields) if model else []
    message = f"kunci '{key}' tidak dikenal"
    hint = KEY_SYNONYMS.get(key.casefold())
    if hint not in known:
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = close[0] if close else None
    if hint:
        return f"{message}; maksud Anda '{hint}'?"
    return f"{message}; kunci yang dikenal: {', '.join(known)}"
