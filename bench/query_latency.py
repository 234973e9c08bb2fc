"""Whoosh query latency of one index, as `bench.run` measures it (median and p95, ms).

Run: ``.venv/bin/python -m bench.query_latency --index .katalog/whoosh [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from bench.measure import percentile
from bench.run import query_set, whoosh_latency


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="a Whoosh index written by katalog build")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the query set (default 3)")
    args = parser.parse_args(argv)
    queries = query_set()
    medians, p95s = [], []
    for _ in range(args.rounds):
        times = whoosh_latency(args.index, queries)
        medians.append(statistics.median(times))
        p95s.append(percentile(times, 0.95))
    print(f"{len(queries)} queries x {args.rounds} rounds: median {statistics.median(medians):.1f} ms, "
          f"p95 {statistics.median(p95s):.1f} ms")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
