"""The Indonesian analysis chain of the search index: tokenise, lower-case, stop, stem.

Built from Whoosh pieces (`tokenizer | filter | filter`) so that the index and the query
parser run the same chain, and small enough (a regular expression, two word lists and an
affix stripper) to be ported token for token to the browser's search; the golden file
``tests/fixtures/analysis/golden.tsv`` is the contract both must meet.

Why an algorithmic stemmer of our own (``bench/compare_stemmers.py`` on the 30 real
entries, 720 distinct words of five letters or more):

- Sastrawi is dictionary-based (~30 000 roots): too big to port to the browser, and it
  still over-stems words missing from its dictionary: ``diseminasi`` -> ``mas``,
  ``memenangi`` -> ``tang``, ``berbasis`` -> ``bas``, ``kemayoran`` -> ``mayor``.
- Snowball's Indonesian stemmer (Tala) is portable but strips ``di-``/``ke-``/``me-`` off
  loanwords and names (``digitalisasi`` -> ``gitalisasi``, ``diskusi`` -> ``skusi``,
  ``media`` -> ``dia``, ``menteri`` -> ``teri``, ``berita`` -> ``ita``, ``kelola`` ->
  ``lola``), cuts particles off roots (``majalah`` -> ``maja``, ``berlaku`` -> ``berla``)
  and drops the root consonant a nasal swallowed (``pengunjung`` -> ``unjung``,
  ``penilaian`` -> ``ilai``, ``berencana`` -> ``encana``).
- Ours follows Snowball's order, plus: the protected list ``content/kata-dilindungi.txt``
  (never stemmed, and stripping stops at a protected remainder: ``dikelola`` ->
  ``kelola``); both readings after meN-/peN-/ber-/per- + vowel at one position
  (``pengunjung`` -> ``unjung kunjung``); particles only after a vowel and only when three
  syllables remain (``pemerintah``, ``majalah`` keep their ending); ``-i`` kept after ``a``
  (``tunai``, ``nilai``); ``se-`` only in the confix ``se-...-nya`` (``selanjutnya``).
  Remaining over-stemming is symmetric (query and index alike) and costs only precision.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml
from whoosh.analysis import (
    Analyzer,
    CompositeAnalyzer,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StopFilter,
    Token,
)

from katalog.errors import ContentError, Problem
from katalog.resources import DEFAULTS

# Bump when the chain changes in a way that changes index terms; stored with the index.
ALGORITHM_VERSION = "id-1"

# The engine's lists; a site's own files (in its content folder) add to them.
PROTECTED_FILE = DEFAULTS / "kata-dilindungi.txt"
SYNONYMS_FILE = DEFAULTS / "sinonim.yaml"
SITE_PROTECTED = "kata-dilindungi.txt"  # file names in a site's content folder
SITE_SYNONYMS = "sinonim.yaml"
# The site whose lists extend the engine's: ``content/`` where the command runs, until a
# build names its own (`use_site_lists`).
_SITE_FILES: dict[str, Path] = {
    "protected": Path("content") / SITE_PROTECTED,
    "synonyms": Path("content") / SITE_SYNONYMS,
}
# Their merged lists, read once per `use_site_lists` (the stat-keyed caches below keep an
# unchanged file from being parsed again by the next build of a devserver).
_RESOLVED: dict[str, Any] = {}

# Words joined by hyphens stay one match, so `c-mantap` and `ke-71` reach the hyphen filter.
TOKEN_PATTERN = r"\w+(?:[-‐‑]\w+)*"
HYPHENS = re.compile(r"[-‐‑]")

# Bound prefixes written with or without a hyphen ("non-tunai" / "nontunai").
BOUND_PREFIXES = frozenset(
    {"non", "pra", "pasca", "antar", "multi", "semi", "swa", "anti", "inter", "sub", "super", "ultra"}
)

_STOP_TEXT = """
ada adalah agar akan aku anda antara apa apabila atas atau bagai bagaimana bagi bahkan
bahwa baik banyak beberapa begitu belum bersama beserta bila bisa boleh bukan dalam dan
dapat dari daripada demikian dengan di dia hal hanya harus hingga ia ialah ini itu jadi
jika juga justru kalau kami kamu karena ke kemudian kepada ketika kita lagi lain lalu
lebih maka masih melalui mereka meski meskipun mungkin namun nya oleh pada para per perlu
pula pun saat saja salah sampai sangat satu saya sebagai sebelum sedang sehingga sejak
selain selama semua seperti serta setelah setiap siapa sudah supaya tanpa tapi telah
tentang terhadap tersebut tetapi tidak untuk walau walaupun yaitu yakni yang
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

VOWELS = frozenset("aeiou")
PARTICLES = ("kah", "lah", "tah", "pun")

# First-order prefixes, longest first: (prefix, class). Class 1 forbids "-an"; class 3
# forbids "-kan" (read as "-an") and "-i" (Tala's ke-/peng- rules).
FIRST_ORDER = (
    ("meng", 1),
    ("meny", 1),
    ("men", 1),
    ("mem", 1),
    ("me", 1),
    ("peng", 3),
    ("peny", 3),
    ("pen", 3),
    ("pem", 3),
    ("di", 1),
    ("ter", 1),
    ("ke", 3),
)

# Root consonants a nasal prefix swallows before a vowel: both readings are emitted.
NASAL_RESTORE = {
    "meng": ("", "k"),
    "peng": ("", "k"),
    "meny": ("s",),
    "peny": ("s",),
    "men": ("t", "n"),
    "pen": ("t", "n"),
    "mem": ("p", "m"),
    "pem": ("p", "m"),
}


def measure(word: str) -> int:
    """Number of vowels: Tala's syllable count, which guards every stripping step."""
    return sum(1 for char in word if char in VOWELS)


def _first_order(word: str) -> list[tuple[str, int]]:
    """Remainders after a first-order prefix with the prefix class; [] when there is none."""
    for prefix, klass in FIRST_ORDER:
        if not word.startswith(prefix) or len(word) <= len(prefix) + 1:
            continue
        rest = word[len(prefix) :]
        if prefix in NASAL_RESTORE and rest[0] in VOWELS:
            return [(restored + rest, klass) for restored in NASAL_RESTORE[prefix]]
        if prefix in ("meny", "peny"):
            continue  # "meny" + consonant is not this prefix; let "men"/"pen" try
        return [(rest, klass)]
    return []


def _second_order(word: str) -> list[tuple[str, int]]:
    """Remainders after ber-/be-(C)er/per-/pe- with the prefix class (0 when none applied).

    Class 2 (pe-, per-) reads "-kan" as "-an"; class 4 (ber-, be-) forbids "-i". Before a
    vowel ber-/per- are ambiguous like a nasal: "berupa" <- rupa, "berada" <- ada.
    """
    if word.startswith("belajar"):
        return [(word[3:], 4)]
    for prefix, klass in (("ber", 4), ("per", 2)):
        if word.startswith(prefix) and len(word) > 4:
            rest = word[3:]
            return [(rest, klass), ("r" + rest, klass)] if rest[0] in VOWELS else [(rest, klass)]
    if word.startswith("be") and len(word) > 5 and word[2] not in VOWELS and word[3:5] == "er":
        return [(word[2:], 4)]
    if word.startswith("pe") and len(word) > 4:
        return [(word[2:], 2)]
    return [(word, 0)]


def _strip_suffix(word: str, klass: int) -> str:
    """Remove -kan/-an/-i unless the prefix class forbids it; -i stays after s and a."""
    if word.endswith("kan") and klass not in (2, 3):
        return word[:-3]
    if word.endswith("an"):
        return word if klass == 1 else word[:-2]
    if word.endswith("i") and klass <= 2 and word[-2:-1] not in ("s", "a"):
        return word[:-1]
    return word


def _after_prefixes(word: str, klass: int, protected: frozenset[str]) -> list[str]:
    """Suffix then (only if a suffix went) a second-order prefix, as Snowball orders them."""
    if word in protected or measure(word) <= 2:
        return [word]
    without_suffix = _strip_suffix(word, klass)
    if without_suffix == word or without_suffix in protected or measure(without_suffix) <= 2:
        return [without_suffix]
    return [rest for rest, _ in _second_order(without_suffix)]


def _without_first_order(word: str, protected: frozenset[str]) -> list[str]:
    """Second-order prefix, then suffix: the path for words without meN-/peN-/di-/ter-/ke-."""
    stems = []
    for rest, klass in _second_order(word):
        done = rest in protected or measure(rest) <= 2
        stems.append(rest if done else _strip_suffix(rest, klass))
    return stems


def _strip_inflection(word: str) -> str:
    """Drop -nya, or a particle/-ku/-mu when three syllables remain (majalah, berlaku stay).

    A particle must follow a vowel (apakah, meskipun): "pemerintah" has no "-tah".
    """
    for ending in PARTICLES:
        rest = word[: -len(ending)]
        if word.endswith(ending) and measure(rest) > 2 and rest[-1] in VOWELS:
            word = rest
            break
    if word.endswith("nya") and measure(word[:-3]) >= 1:
        return word[:-3]
    for ending in ("ku", "mu"):
        if word.endswith(ending) and measure(word[:-2]) > 2:
            return word[:-2]
    return word


@functools.lru_cache(maxsize=65536)
def _stem(word: str, protected: frozenset[str]) -> tuple[str, ...]:
    if word in protected or len(word) <= 4 or any(c.isdigit() for c in word) or HYPHENS.search(word):
        return (word,)
    if measure(word) <= 2:
        return (word,)
    if word.startswith("se") and word.endswith("nya") and measure(word[2:-3]) >= 2:
        return (word[2:-3],)  # the adverb confix se-...-nya: sebelumnya, selanjutnya
    word = _strip_inflection(word)
    if word in protected or measure(word) <= 2:
        return (word,)
    firsts = _first_order(word)
    if not firsts:
        return tuple(dict.fromkeys(_without_first_order(word, protected)))
    stems = (s for rest, klass in firsts for s in _after_prefixes(rest, klass, protected))
    return tuple(dict.fromkeys(stems))


def stem(word: str, protected: Iterable[str] | None = None) -> list[str]:
    """Candidate stems of one lower-case word: usually one, two after meng-/peng- + vowel.

    Deterministic and dictionary-free so the browser can run the same steps; cached per
    word (and protected list), since a catalogue repeats its vocabulary.
    """
    words = default_protected() if protected is None else frozenset(protected)
    return list(_stem(word, words))


class WordTokenizer(RegexTokenizer):
    """Words with their inner hyphens; positions always recorded.

    Later filters put several variants at one position and de-duplicate by position, so
    positions are needed even when the caller (a frequency-only field) did not ask.
    """

    def __init__(self) -> None:
        super().__init__(TOKEN_PATTERN)

    def __call__(self, value: str, positions: bool = False, **kwargs: object) -> Iterator[Token]:
        return super().__call__(value, positions=True, **kwargs)


class HyphenFilter(Filter):
    """Expand "c-mantap" to c-mantap, cmantap and its parts, all at the token's position.

    The joined form is emitted when the first part is a single letter (C-Mantap, e-KTP)
    or a bound prefix (non-tunai meets nontunai); the prefix alone is then dropped.
    Reduplications ("perundang-undangan") give their parts, which stem to one root.
    Hazard: Whoosh reuses one Token object; each variant is yielded before the next is set.
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            if not HYPHENS.search(token.text):
                yield token
                continue
            yield from self._variants(token)

    def _variants(self, token: Token) -> Iterator[Token]:
        whole, parts = token.text, HYPHENS.split(token.text)
        start = getattr(token, "startchar", None)
        joined = len(parts[0]) == 1 or parts[0] in BOUND_PREFIXES
        texts = [(whole, 0, len(whole))]
        if joined:
            texts.append(("".join(parts), 0, len(whole)))
        offset = 0
        for index, part in enumerate(parts):
            if part and not (joined and index == 0):
                texts.append((part, offset, offset + len(part)))
            offset += len(part) + 1
        seen: set[str] = set()
        for text, begin, end in texts:
            if text in seen:
                continue
            seen.add(text)
            token.text = text
            if start is not None:
                token.startchar, token.endchar = start + begin, start + end
            yield token


class IndonesianStemFilter(Filter):
    """Replace each token by its candidate stems, all at the token's position."""

    is_morph = True

    def __init__(self, protected: Iterable[str] = ()) -> None:
        self.protected = frozenset(protected)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IndonesianStemFilter) and self.protected == other.protected

    __hash__ = None  # type: ignore[assignment]  # mutable-looking filter, like Whoosh's own

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        position, seen = None, set()
        for token in tokens:
            if token.stopped:
                yield token
                continue
            if token.pos != position:
                position, seen = token.pos, set()
            for candidate in _stem(token.text, self.protected):
                if candidate not in seen:
                    seen.add(candidate)
                    token.text = candidate
                    yield token


def load_protected(path: Path = PROTECTED_FILE) -> frozenset[str]:
    """Words never stemmed, one per line; '#' starts a comment. A missing file raises."""
    lines = path.read_text(encoding="utf-8").splitlines()
    words = (line.split("#", 1)[0].strip().lower() for line in lines)
    return frozenset(word for word in words if word)


def use_site_lists(protected: Path, synonyms: Path) -> None:
    """Make `protected` and `synonyms` (a site's files; absent ones are skipped) extend the
    engine's lists in this process: the build calls it with the files its settings name,
    before anything is analysed (forked workers inherit it). The files are read on first
    use and kept until the next call, so analysing an entry costs no file system access."""
    _SITE_FILES.update(protected=protected, synonyms=synonyms)
    _RESOLVED.clear()


def _stamp(path: Path) -> tuple[str, int]:
    try:
        return str(path), path.stat().st_mtime_ns
    except OSError:
        return str(path), -1


def default_protected() -> frozenset[str]:
    """The engine's protected words plus the site's (`use_site_lists`)."""
    if "protected" not in _RESOLVED:
        _RESOLVED["protected"] = _protected(_stamp(_SITE_FILES["protected"]))
    return _RESOLVED["protected"]


@functools.cache
def _protected(site: tuple[str, int]) -> frozenset[str]:
    own = load_protected(Path(site[0])) if site[1] >= 0 else frozenset()
    return load_protected(PROTECTED_FILE) | own


def analyzer(
    protected: Iterable[str] | None = None, stop_words: Iterable[str] = STOP_WORDS, stemming: bool = True
) -> CompositeAnalyzer:
    """The chain for index and query: tokenise, lower-case, hyphen variants, stop, stem.

    Stop words are removed without renumbering, so variants sharing a position stay
    together and phrase positions still count the removed words. `stemming=False` gives
    the surface words that typo matching compares against ("negri" is one edit from
    "negeri" but two from its stem "neger").
    """
    chain = (
        WordTokenizer()
        | LowercaseFilter()
        | HyphenFilter()
        | StopFilter(stoplist=frozenset(stop_words), minsize=2, renumber=False)
    )
    if not stemming:
        return chain
    words = default_protected() if protected is None else frozenset(protected)
    return chain | IndonesianStemFilter(words)


def analyzer_version(protected: Iterable[str] | None = None) -> str:
    """A string that changes whenever index terms could change: algorithm and word lists."""
    words = default_protected() if protected is None else frozenset(protected)
    return _version_of(words)


@functools.lru_cache(maxsize=8)
def _version_of(words: frozenset[str]) -> str:
    """`analyzer_version` of a word list; every document's content hash names it."""
    digest = hashlib.sha256()
    for word in [*sorted(words), "\0", *sorted(STOP_WORDS), "\0", *sorted(BOUND_PREFIXES)]:
        digest.update(word.encode() + b"\n")
    return f"{ALGORITHM_VERSION}-{digest.hexdigest()[:12]}"


def analyse(text: str, protected: Iterable[str] | None = None) -> list[str]:
    """Token texts of `text` in order (variants at one position follow each other)."""
    return [token.text for token in analyzer(protected)(text, mode="index")]


def token_groups(chain: Analyzer, text: str) -> list[list[str]]:
    """Token texts of `text` grouped by position: the alternatives one query word may match."""
    groups: dict[int, list[str]] = {}
    for token in chain(text, positions=True, mode="query"):
        group = groups.setdefault(token.pos, [])
        if token.text not in group:
            group.append(token.text)
    return [groups[pos] for pos in sorted(groups)]


# --- Synonyms and acronyms (query time) ---------------------------------------------------


def load_synonyms(path: Path = SYNONYMS_FILE) -> dict[str, list[str]]:
    """Acronym -> expansions from a synonyms file (``sinonim.yaml``); a malformed file raises."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ContentError([Problem(str(path), 1, "sinonim", "harus berupa pasangan akronim: kepanjangan")])
    synonyms: dict[str, list[str]] = {}
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str) and v.strip() for v in values):
            message = "kepanjangan harus berupa teks atau daftar teks"
            raise ContentError([Problem(str(path), 1, str(key), message)])
        synonyms[str(key).lower()] = [v.lower() for v in values]
    return synonyms


def default_synonyms() -> dict[str, list[str]]:
    """The site's synonyms (`use_site_lists`), then the engine's for acronyms the site does
    not list; the order matters (it fixes the order of query parts)."""
    if "synonyms" not in _RESOLVED:
        _RESOLVED["synonyms"] = _synonyms(_stamp(_SITE_FILES["synonyms"]))
    return _RESOLVED["synonyms"]


@functools.cache
def _synonyms(site: tuple[str, int]) -> dict[str, list[str]]:
    own = load_synonyms(Path(site[0])) if site[1] >= 0 else {}
    engine = load_synonyms(SYNONYMS_FILE)
    return {**own, **{acronym: words for acronym, words in engine.items() if acronym not in own}}


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"\w+", text.lower()) if w not in STOP_WORDS]


def _contains(words: list[str], phrase: list[str]) -> bool:
    size = len(phrase)
    return size > 0 and any(words[i : i + size] == phrase for i in range(len(words) - size + 1))


def expand_query(query: str, synonyms: dict[str, list[str]] | None = None) -> list[str]:
    """Extra phrasings of `query`: an acronym's expansions, or the acronym of an expansion.

    Expanding at query time (not index time) keeps the index independent of the synonym
    list, so editors can change ``sinonim.yaml`` without a rebuild, and an entry that only
    writes "Istana untuk Rakyat" is found by "istura" and vice versa. Stop words are
    ignored when matching, so "istana rakyat" also counts as the expansion of ISTURA.
    """
    table = default_synonyms() if synonyms is None else synonyms
    words = _words(query)
    extra: list[str] = []
    for acronym, expansions, acronym_words, expansions_words in _tokenised(table):
        if _contains(words, acronym_words):
            extra.extend(expansions)
        if any(_contains(words, phrase) for phrase in expansions_words):
            extra.append(acronym)
    return list(dict.fromkeys(e for e in extra if e != query.lower()))


Tokenised = list[tuple[str, list[str], list[str], list[list[str]]]]
_TOKENISED: dict[int, tuple[dict[str, list[str]], Tokenised]] = {}


def _tokenised(table: dict[str, list[str]]) -> Tokenised:
    """The table's acronyms and expansions as words, once per table rather than per query
    (it was a third of a cached API query). Keyed by the table itself: the site's table is
    one dict per `use_site_lists`, and a table is never edited in place."""
    held = _TOKENISED.get(id(table))
    if held is not None and held[0] is table:
        return held[1]
    tokenised = [
        (acronym, expansions, _words(acronym), [_words(e) for e in expansions])
        for acronym, expansions in table.items()
    ]
    if len(_TOKENISED) >= 8:
        _TOKENISED.clear()
    _TOKENISED[id(table)] = (table, tokenised)
    return tokenised
