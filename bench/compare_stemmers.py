"""Compare our stemmer with PySastrawi and Snowball's Indonesian stemmer on the real corpus.

Prints, for every distinct word of ``content/inovasi/*.md``, where the three disagree, and a
list of suspected over-stemming (stems under four letters, loanword endings cut off) per
stemmer. Used to fill ``content/kata-dilindungi.txt``; the findings are summarised in the
docstring of ``katalog/search/analysis.py``.

Needs the bench-only packages ``PySastrawi`` and ``snowballstemmer`` (not runtime
dependencies): ``.venv/bin/pip install PySastrawi snowballstemmer``.
Run: ``.venv/bin/python bench/compare_stemmers.py [--all]``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from katalog.search.analysis import STOP_WORDS, default_protected, stem

ROOT = Path(__file__).resolve().parent.parent
LOANWORD = re.compile(r"(isasi|asi|logi|isme|itas|if|al|ik)$")


def corpus_words() -> list[str]:
    """Distinct lower-case words (letters only, 5+ letters, no stop words) of the corpus."""
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "content/inovasi").glob("*.md")))
    text = re.sub(r"https?://\S+", " ", text)
    words = {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 4 and w not in STOP_WORDS}
    return sorted(words)


def stemmers() -> dict[str, Callable[[str], str]]:
    try:
        import snowballstemmer
        from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
    except ImportError:
        sys.exit("perlu paket bench: .venv/bin/pip install PySastrawi snowballstemmer")
    sastrawi = StemmerFactory().create_stemmer()
    snowball = snowballstemmer.stemmer("indonesian")
    return {
        "sastrawi": sastrawi.stem,
        "snowball": snowball.stemWord,
        "katalog": lambda w: "|".join(stem(w, protected=())),
        "katalog+dilindungi": lambda w: "|".join(stem(w)),
    }


def suspect(word: str, result: str) -> bool:
    """Probably over-stemmed: very short, or a loanword ending cut through."""
    shortest = min(result.split("|"), key=len)
    return len(shortest) < 4 or (LOANWORD.search(word) is not None and not LOANWORD.search(shortest))


def main(argv: list[str]) -> None:
    words, table = corpus_words(), stemmers()
    print(f"{len(words)} kata; {len(default_protected())} kata dilindungi\n")
    print("word\t" + "\t".join(table))
    flagged: dict[str, list[str]] = {name: [] for name in table}
    for word in words:
        results = {name: fn(word) for name, fn in table.items()}
        distinct = {results["sastrawi"], results["snowball"], results["katalog"].split("|")[-1]}
        if "--all" in argv or len(distinct) > 1:
            print(word + "\t" + "\t".join(results.values()))
        for name, result in results.items():
            if result != word and suspect(word, result):
                flagged[name].append(f"{word}->{result}")
    for name, items in flagged.items():
        print(f"\n## {name}: {len(items)} dicurigai terpotong berlebihan")
        print(", ".join(items))


if __name__ == "__main__":
    main(sys.argv[1:])
