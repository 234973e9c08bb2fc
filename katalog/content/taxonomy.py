"""The controlled vocabularies of `content/taxonomy.yaml`: units, categories, kinds, statuses.

Values in an innovation file may name a term by its ``name`` or its ``slug``; both resolve
to the same `Term`, so pages, facets and exports always carry the canonical spelling.
"""

from __future__ import annotations

import difflib
import functools
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from katalog.content import frontmatter
from katalog.errors import ContentError, Problem
from katalog.resources import DEFAULTS

VOCABULARIES = ("units", "categories", "kinds", "statuses")
# The engine's kinds and statuses, used when a site's taxonomy.yaml leaves them out.
DEFAULT_TAXONOMY = DEFAULTS / "taxonomy.yaml"
ENGINE_VOCABULARIES = ("kinds", "statuses")
DRAFT_STATUS = "draft"  # status of work in progress: previewed with a DRAF mark, never published


@dataclass(frozen=True)
class Term:
    """One value of a vocabulary."""

    slug: str
    name: str
    short: str = ""

    @property
    def label(self) -> str:
        return self.short or self.name


@dataclass(frozen=True)
class Vocabulary:
    """An ordered list of terms with lookup by name or slug and near-miss suggestions."""

    key: str
    terms: tuple[Term, ...]
    _index: dict[str, Term] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for term in self.terms:
            self._index[term.name] = term
            self._index[term.slug] = term
            if term.short:
                self._index[term.short] = term

    def get(self, value: str) -> Term | None:
        return self._index.get(value)

    def suggest(self, value: str) -> str | None:
        """Return the closest known spelling, or None when nothing is close."""
        folded = {k.casefold(): k for k in self._index}
        matches = difflib.get_close_matches(value.casefold(), folded, n=1, cutoff=0.6)
        if not matches:
            return None
        return self.spelling(self._index[folded[matches[0]]])

    def spelling(self, term: Term) -> str:
        """The canonical spelling stored in models: names for units and categories, else slugs."""
        return term.name if self.key in {"units", "categories"} else term.slug

    def choices(self) -> list[str]:
        return [self.spelling(t) for t in self.terms]


@dataclass(frozen=True)
class Taxonomy:
    """All four vocabularies."""

    units: Vocabulary
    categories: Vocabulary
    kinds: Vocabulary
    statuses: Vocabulary

    @classmethod
    def load(cls, path: Path) -> Taxonomy:
        """Read and check `taxonomy.yaml`; problems are reported as content errors."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ContentError([Problem(str(path), 1, "taxonomy", "berkas tidak ditemukan")]) from None
        return cls.parse(text, str(path))

    @classmethod
    def parse(cls, text: str, where: str) -> Taxonomy:
        """Check the text of a `taxonomy.yaml` (`where` names it in errors); kinds and
        statuses it leaves out are the engine's."""
        try:
            raw = frontmatter.safe_load(text)
        except yaml.YAMLError as exc:
            line = exc.problem_mark.line + 1 if getattr(exc, "problem_mark", None) else 1
            raise ContentError([Problem(where, line, "taxonomy", f"YAML tidak sah: {exc}")]) from None
        return cls.from_data(raw, where)

    @classmethod
    def from_data(cls, raw: object, where: str) -> Taxonomy:
        """Check parsed vocabularies (as `parse` reads them from YAML, or as a member's
        manifest publishes them); kinds and statuses left out are the engine's."""
        if not isinstance(raw, dict):
            raise ContentError([Problem(where, 1, "taxonomy", "harus berupa pemetaan")])
        vocabularies: dict[str, Vocabulary] = {}
        for key in VOCABULARIES:
            items = raw.get(key)
            if items is None and key in ENGINE_VOCABULARIES:
                items = _engine_vocabularies()[key]
            if not isinstance(items, list) or not items:
                raise ContentError([Problem(where, 1, key, "daftar istilah wajib diisi")])
            terms = tuple(
                Term(slug=str(i["slug"]), name=str(i["name"]), short=str(i.get("short", ""))) for i in items
            )
            spellings = Counter(s for t in terms for s in {t.slug, t.name})
            repeated = sorted(s for s, count in spellings.items() if count > 1)
            if repeated:
                message = f"'{repeated[0]}' dipakai lebih dari sekali"
                raise ContentError([Problem(where, 1, key, message)])
            vocabularies[key] = Vocabulary(key, terms)
        return cls(**vocabularies)


@functools.cache
def _engine_vocabularies() -> dict[str, list[dict[str, str]]]:
    """The engine's kinds and statuses (`DEFAULT_TAXONOMY`), read once per process."""
    return yaml.safe_load(DEFAULT_TAXONOMY.read_text(encoding="utf-8"))
