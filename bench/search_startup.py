"""`katalog search` as a whole process, against `pelican --version` (median of interleaved runs).

A query from the command line pays for starting Python and importing what the query needs
before it reads a single posting, so this times the whole process, start to exit, and
divides by the same figure for ``pelican --version`` (Python, Pelican's imports, nothing
else), measured in the same rounds: round i runs both commands one after the other, in an
order that alternates, so a busy machine slows both alike. The target is 0.75 or less.
Both run as a user's would, with Python's bytecode cache on (an unwarmed editable checkout,
or ``PYTHONDONTWRITEBYTECODE`` set, would compile our modules in every run, while
Pelican's come compiled from its wheel); a first, untimed run of each writes the cache.

Run from the project root (the query reads ``content/sinonim.yaml`` where it runs)::

    .venv/bin/python -m bench.search_startup --index .katalog/whoosh [--query layanan] [--runs 9]

``--katalog PATH`` times another executable instead of the venv's ``katalog`` (a launcher
of another checkout, to compare before and after a change in the same rounds).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

from bench.measure import Measurement, run_measured

BIN = Path(sys.executable).parent  # the venv's console scripts sit beside its Python


def measure(
    index: Path, query: str, runs: int, katalog: Path = BIN / "katalog"
) -> tuple[list[Measurement], list[Measurement]]:
    """`runs` whole-process timings of the search and of ``pelican --version``, interleaved."""
    ours = [str(katalog), "search", query, "--index", str(index)]
    theirs = [str(BIN / "pelican"), "--version"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    run_measured(ours, env=env)  # warm the caches, and fail early (CommandError) on a bad index
    run_measured(theirs, env=env)
    searched: list[Measurement] = []
    baseline: list[Measurement] = []
    for round_ in range(runs):
        if round_ % 2:
            baseline.append(run_measured(theirs, env=env))
            searched.append(run_measured(ours, env=env))
        else:
            searched.append(run_measured(ours, env=env))
            baseline.append(run_measured(theirs, env=env))
    return searched, baseline


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=Path(".katalog/whoosh"), help="a built Whoosh index")
    parser.add_argument("--query", default="layanan", help="the query (default: layanan)")
    parser.add_argument("--runs", type=int, default=9, help="rounds of both commands (default 9)")
    parser.add_argument(
        "--katalog", type=Path, default=BIN / "katalog", help="the command to time (another checkout's, say)"
    )
    args = parser.parse_args(argv)
    searched, baseline = measure(args.index, args.query, args.runs, args.katalog)
    ours = statistics.median(m.seconds for m in searched)
    theirs = statistics.median(m.seconds for m in baseline)
    ours_cpu = statistics.median(m.cpu_seconds for m in searched)
    theirs_cpu = statistics.median(m.cpu_seconds for m in baseline)
    print(f"katalog search {args.query!r}: {ours * 1000:.0f} ms (CPU {ours_cpu * 1000:.0f} ms)")
    print(f"pelican --version: {theirs * 1000:.0f} ms (CPU {theirs_cpu * 1000:.0f} ms)")
    print(f"ratio (median of {args.runs}): {ours / theirs:.2f}× wall, {ours_cpu / theirs_cpu:.2f}× CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
