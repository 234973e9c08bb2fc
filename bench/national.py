"""National scale: one catalogue of 100,000 entries on this machine, against Pelican and Hugo.

The network catalogue harvests every agency's entries into one site, so the engine must
build a six-figure corpus on an ordinary 2-core machine. This measures, on one synthetic
corpus (`bench.synthetic`, realistic profile, seed 7) written three ways:

1. our clean build (no output, index or cache), a no-change rebuild and a rebuild after
   one entry's summary was edited (`bench.run.edited`);
2. plain Pelican with its default theme, stopped after ``--pelican-timeout`` seconds (an
   hour by default); its rate is also measured on a ``--rate-n`` corpus (10,000) so that a
   run it cannot finish still gives entries per second and a projected time;
3. Hugo with a minimal layout.

Each runs once, in a fresh process (`bench.measure`: wall time, CPU time, peak memory).
The page (``--out``, default ``docs/national.md``) keeps the raw figures in a JSON block.

Run: ``.venv/bin/python -m bench.national [--n 100000] [--work /tmp/national]``; with
``--reuse`` an existing corpus in the working folder is built again, not regenerated.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from bench.measure import Measurement, TimedOutError, run_measured
from bench.run import BIN, ROOT, SEED, Corpus, edited, hugo_binary, machine, ours, write_settings
from bench.synthetic import generate

RAW = re.compile(r"<!-- raw\n(.*?)\n-->", re.S)


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _figures(measurement: Measurement) -> dict[str, float]:
    return {
        "seconds": measurement.seconds,
        "cpu_seconds": measurement.cpu_seconds,
        "peak_mib": measurement.peak_mib,
    }


def pelican(work: Path, corpus_dir: Path, timeout: float) -> dict[str, Any]:
    """Plain Pelican's clean build of `corpus_dir`'s pelican tree, or how long it ran."""
    out = work / "pelican-out"
    shutil.rmtree(out, ignore_errors=True)
    tree = corpus_dir / "pelican"
    command = [BIN / "pelican", tree / "content", "-s", tree / "pelicanconf.py", "-o", out]
    try:
        return {"finished": True, **_figures(run_measured(command, cwd=work, timeout=timeout))}
    except TimedOutError as stopped:
        return {"finished": False, "seconds": stopped.seconds}


def hugo(work: Path, corpus_dir: Path) -> dict[str, Any]:
    out = work / "hugo-out"
    shutil.rmtree(out, ignore_errors=True)
    command = [hugo_binary(), "--source", corpus_dir / "hugo", "--destination", out, "--quiet"]
    return _figures(run_measured(command, cwd=work))


PARTS = ("ours", "hugo", "pelican")


def measure(
    n: int, work: Path, rate_n: int, timeout: float, reuse: bool, parts: tuple[str, ...] = PARTS
) -> dict[str, Any]:
    """Run the requested `parts`; the runs of the others are left to the caller to merge."""
    corpus = Corpus(n, work)
    if not (reuse and corpus.source.is_dir()):
        _log(f"generating {n:,} entries")
        generate(n, work / "corpus", seed=SEED)
    runs: dict[str, Any] = {}
    if "ours" in parts:
        write_settings(corpus)
        shutil.rmtree(corpus.output, ignore_errors=True)
        shutil.rmtree(corpus.index, ignore_errors=True)
        shutil.rmtree(corpus.cache, ignore_errors=True)
        _log("our clean build")
        runs["ours_clean"] = _figures(ours(corpus))
        _log("our no-change rebuild")
        runs["ours_nochange"] = _figures(ours(corpus))
        with edited(corpus, 0):
            _log("our one-edit rebuild")
            runs["ours_edit"] = _figures(ours(corpus))
    if "hugo" in parts:
        _log("Hugo")
        runs["hugo"] = hugo(work, work / "corpus")
    if "pelican" in parts:
        rate_dir = work / f"rate-{rate_n}"
        if not (reuse and (rate_dir / "pelican").is_dir()):
            generate(rate_n, rate_dir, seed=SEED, formats=("pelican",))
        _log(f"Pelican at {rate_n:,} (its rate)")
        runs["pelican_rate"] = {"n": rate_n, **pelican(work, rate_dir, timeout)}
        _log(f"Pelican at {n:,} (stopped after {timeout:.0f} s)")
        runs["pelican"] = pelican(work, work / "corpus", timeout)
    return {"n": n, "date": dt.date.today().isoformat(), "machine": machine(), "runs": runs}


def _row(label: str, value: float | None, unit: str, base: float | None) -> str:
    shown = "—" if value is None else (f"{value:,.0f} {unit}" if value >= 100 else f"{value:.1f} {unit}")
    ratio = f"{value / base:.2f}×" if value is not None and base else "—"
    return f"| {label} | {shown} | {ratio} |"


def render(data: dict[str, Any]) -> str:
    """The page: each figure that was measured, with its ratio to Pelican's clean build."""
    runs, n = data["runs"], data["n"]
    rate, pelican_run = runs.get("pelican_rate", {}), runs.get("pelican", {})
    per_second = rate["n"] / rate["seconds"] if rate.get("finished") else None
    finished = pelican_run.get("finished", False)
    projected = n / per_second if per_second else None
    base_seconds = pelican_run["seconds"] if finished else projected
    base_memory = pelican_run.get("peak_mib") if finished else None
    lines = [
        f"# National scale: {n:,} entries on one machine",
        "",
        f"Generated by `bench/national.py` on {data['date']} (synthetic corpus, realistic profile,",
        "seed 7). Machine: " + ", ".join(f"{k}: {v}" for k, v in data["machine"].items()) + ".",
        "Each build ran once in a fresh process; ratios are against plain Pelican's clean build",
        "(measured, or projected from its rate when it could not finish in the time limit).",
        "",
        "| Figure | Value | vs Pelican |",
        "| --- | ---: | ---: |",
    ]
    labels = {
        "ours_clean": "Our clean build",
        "ours_nochange": "Our rebuild, no change",
        "ours_edit": "Our rebuild, one entry edited",
        "hugo": "Hugo clean build (minimal layout)",
    }
    for key, label in labels.items():
        if key in runs:
            lines.append(_row(f"{label}, wall", runs[key]["seconds"], "s", base_seconds))
            lines.append(_row(f"{label}, CPU", runs[key]["cpu_seconds"], "s", None))
    if finished:
        lines.append(_row("Plain Pelican clean build, wall", pelican_run["seconds"], "s", base_seconds))
    elif pelican_run:
        lines.append(f"| Plain Pelican clean build | did not finish in {pelican_run['seconds']:,.0f} s | — |")
    if per_second:
        lines.append(f"| Plain Pelican's rate at {rate['n']:,} entries | {per_second:.0f} entries/s | — |")
        label = f"Plain Pelican projected at {n:,} (N ÷ rate; a lower bound, its time grows faster than N)"
        lines.append(_row(label, projected, "s", base_seconds))
    lines += ["", "| Peak memory (largest process) | Value | vs Pelican |", "| --- | ---: | ---: |"]
    memory_labels = {"ours_clean": "Our clean build", "ours_edit": "Our one-edit rebuild", "hugo": "Hugo"}
    for key, label in memory_labels.items():
        if key in runs:
            lines.append(_row(label, runs[key]["peak_mib"], "MiB", base_memory))
    if finished:
        lines.append(_row("Plain Pelican", base_memory, "MiB", base_memory))
    elif rate.get("finished"):
        lines.append(_row(f"Plain Pelican at {rate['n']:,}", rate["peak_mib"], "MiB", None))
    lines += ["", "<!-- raw", json.dumps(data, indent=1), "-->", ""]
    return "\n".join(lines)


def _raw(page: Path) -> dict[str, Any]:
    """The raw figures kept at the end of `page` ({} when there is no page yet)."""
    match = RAW.search(page.read_text(encoding="utf-8")) if page.is_file() else None
    return json.loads(match.group(1)) if match else {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--rate-n", type=int, default=10_000, help="corpus size for Pelican's rate")
    parser.add_argument("--pelican-timeout", type=float, default=3600.0, metavar="SECONDS")
    parser.add_argument("--work", type=Path, default=Path("/tmp/katalog-national"))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "national.md")
    parser.add_argument("--reuse", action="store_true", help="build the corpus already in --work")
    parser.add_argument("--parts", default=",".join(PARTS), help="which of ours,hugo,pelican to run")
    parser.add_argument("--render-only", action="store_true", help="rewrite the page from its raw figures")
    args = parser.parse_args(argv)
    if args.render_only:
        args.out.write_text(render(_raw(args.out)), encoding="utf-8")
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    parts = tuple(part for part in args.parts.split(",") if part)
    data = measure(args.n, args.work, args.rate_n, args.pelican_timeout, args.reuse, parts)
    if set(parts) != set(PARTS):  # merge with the other parts' last figures
        data["runs"] = {**_raw(args.out).get("runs", {}), **data["runs"]}
    args.out.write_text(render(data), encoding="utf-8")
    _log(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
