"""The load benchmark of issue 16: `katalog api` under 50 concurrent clients, with Locust.

For each N the synthetic corpus (``bench/synthetic.py``, seed 7, as ``bench/run.py`` makes
it) is built once with `katalog build`, then `katalog api` serves it on 127.0.0.1 (a free
port, its JSON access log written to a file as in production) and Locust, headless in its
own process, runs ``bench/api_locustfile.py``: agencies' systems that search (Zipf-popular
queries from the synthetic vocabulary, the bench's fixed query set and the search-parity
queries; a fifth with a facet filter, a tenth asking for page two), open results, read
the facets and revalidate with ``If-None-Match``. Three scenarios, each ``--seconds`` long:

- ``steady``: ``--users`` clients, each waiting ``--wait`` seconds (0.5–1.5) between requests;
- ``rebuild``: the same, while `katalog build` runs again and again (one entry's summary
  edited each time): every build updates the Whoosh index in place and swaps ``output/``,
  and the API opens each new generation while it answers;
- ``saturation``: the same clients with no wait, to find the throughput one API process
  gives on this machine (latency is then queueing: clients / throughput).

Figures are Locust's (its percentiles round above 100 ms), the API process's CPU time, and
for ``rebuild`` the builds finished and the index generations the API served. Locust and the
API share the machine's cores (and the build, in ``rebuild``): on two cores the load
generator takes a large part of one.

Run: ``.venv/bin/python -m bench.api_load --n 1000,10000 [--seconds 60] [--users 50]
[--out docs/api-load.md]`` (needs the ``bench`` and ``api`` extras).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import random
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from bench.run import ROOT, SEED, Corpus, edited, ours, query_set, write_settings
from bench.synthetic import build_vocabulary, generate

BIN = Path(sys.executable).parent
LOCUSTFILE = Path(__file__).with_name("api_locustfile.py")
SCENARIOS = ("steady", "rebuild", "saturation")
DISTINCT_QUERIES = 2000
STARTUP_SECONDS = 300
MAX_SECONDS = 900  # a rebuild scenario lasts until a build has swapped, but no longer than this


def popular_queries(seed: int = SEED, count: int = DISTINCT_QUERIES) -> list[str]:
    """Distinct queries, most popular first: the bench's fixed set, then the search-parity
    queries (real-catalogue words, mostly rare here), then words and word pairs drawn from the
    synthetic vocabulary by its Zipf weights, a few with one letter dropped (typos)."""
    parity = yaml.safe_load((ROOT / "tests" / "search_parity_queries.yaml").read_text(encoding="utf-8"))
    found = dict.fromkeys([*query_set(seed), *(item["q"] for item in parity)])
    vocabulary = build_vocabulary(seed)
    rng = random.Random(seed)
    while len(found) < count:
        words = vocabulary.sample_real(rng, rng.choice((1, 1, 2, 2, 3)))
        query = " ".join(words)
        if rng.random() < 0.05 and len(words[0]) > 5:
            cut = rng.randrange(1, len(words[0]) - 1)
            query = words[0][:cut] + words[0][cut + 1 :] + query[len(words[0]) :]
        found.setdefault(query)
    return list(found)[:count]


def prepared(n: int, work: Path) -> Corpus:
    """The corpus of `n` entries built once under `work` (kept for the next run)."""
    corpus = Corpus(n, work / f"n{n}")
    marker = corpus.work / "built"
    if marker.is_file() and marker.read_text(encoding="utf-8") == str(n):
        return corpus
    _log(f"N={n}: generating and building the corpus")
    generate(n, corpus.work / "corpus", seed=SEED, formats=("katalog",))
    write_settings(corpus)
    measured = ours(corpus)
    if not (corpus.output / "data" / "inovasi.json").is_file():
        msg = f"katalog build failed for N={n}"
        raise RuntimeError(msg)
    _log(f"N={n}: built in {measured.seconds:.1f} s")
    marker.write_text(str(n), encoding="utf-8")
    return corpus


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return json.load(answer)


@contextlib.contextmanager
def serving(corpus: Corpus, logs: Path, workers: int = 1) -> Iterator[tuple[str, int]]:
    """`katalog api` on a free port of 127.0.0.1 for `corpus`: its URL and pid."""
    command = [BIN / "katalog", "api", "--port", "0", "--settings", corpus.settings]
    command += ["--output", corpus.output, "--workers", workers]
    with (logs / "access.log").open("wb") as out, (logs / "api.err").open("wb") as err:
        process = subprocess.Popen([str(c) for c in command], cwd=ROOT, stdout=out, stderr=err)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        url = None
        while url is None:
            found = re.search(r"(http://127\.0\.0\.1:\d+)/api/v1/docs", (logs / "api.err").read_text("utf-8"))
            url = found.group(1) if found else None
            if process.poll() is not None or time.monotonic() > deadline:
                msg = f"katalog api did not start: {(logs / 'api.err').read_text('utf-8')}"
                raise RuntimeError(msg)
            time.sleep(0.2)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_healthy(url: str) -> None:
    """Workers open their generation after the socket is bound: wait for one to answer."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        with contextlib.suppress(OSError):
            _get_json(f"{url}/healthz")
            return
        if time.monotonic() > deadline:
            msg = f"{url}/healthz did not answer"
            raise RuntimeError(msg)
        time.sleep(0.2)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children so far, waited for or not (/proc)."""
    total = 0.0
    for task in [pid, *_children(pid)]:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{task}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _children(pid: int) -> list[int]:
    found = []
    with contextlib.suppress(OSError):
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii").split():
            found += [int(child), *_children(int(child))]
    return found


@dataclass
class Rebuilds:
    """`katalog build` again and again beside the load, one entry edited each time."""

    corpus: Corpus
    url: str
    seconds: list[float] = field(default_factory=list)
    generations: list[str] = field(default_factory=list)
    swapped: float | None = None  # when the last build finished (monotonic)
    stop: threading.Event = field(default_factory=threading.Event)

    def build_loop(self) -> None:
        repeat = 0
        while not self.stop.is_set():
            repeat += 1
            with edited(self.corpus, 1000 + repeat):
                measured = ours(self.corpus)
            if not self.stop.is_set():
                self.seconds.append(measured.seconds)
                self.swapped = time.monotonic()

    def watch(self) -> None:
        while not self.stop.wait(0.5):
            with contextlib.suppress(OSError, ValueError):
                generation = _get_json(f"{self.url}/healthz")["generation"]
                if not self.generations or self.generations[-1] != generation:
                    self.generations.append(generation)


def run_locust(
    url: str, setup: Path, users: int, wait: str, prefix: Path, done: Callable[[], bool]
) -> dict[str, Any]:
    """Locust, headless, until `done()` (polled each second); its aggregated and per-endpoint
    figures. Stopped with SIGTERM, on which Locust stops its users and writes its CSV."""
    command = [BIN / "locust", "-f", LOCUSTFILE, "--headless", "--users", users, "--spawn-rate", users]
    command += ["--run-time", f"{MAX_SECONDS}s", "--host", url, "--csv", prefix, "--only-summary"]
    command += ["--loglevel", "WARNING", "--stop-timeout", "10"]
    env = {**os.environ, "KATALOG_LOAD_QUERIES": str(setup), "KATALOG_LOAD_WAIT": wait}
    process = subprocess.Popen([str(c) for c in command], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    while process.poll() is None and not done():
        time.sleep(1)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=120)
    with Path(f"{prefix}_stats.csv").open(encoding="utf-8") as stream:
        rows = {row["Name"]: row for row in csv.DictReader(stream)}
    return {name: _figures(row) for name, row in rows.items()}


def _figures(row: dict[str, str]) -> dict[str, float]:
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
        "p99": float(row["99%"]),
        "max": float(row["Max Response Time"]),
    }


def scenario(corpus: Corpus, name: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """One scenario against a fresh `katalog api` process."""
    logs = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=work))
    with serving(corpus, logs, args.workers) as (url, pid):
        _wait_until_healthy(url)
        facets = _get_json(f"{url}/api/v1/facets")["facets"]
        setup = logs / "queries.json"
        values = {facet: [v["slug"] for v in found[:20]] for facet, found in facets.items()}
        setup.write_text(json.dumps({"queries": popular_queries(), "facets": values}), encoding="utf-8")
        rebuilds = Rebuilds(corpus, url)
        threads = [threading.Thread(target=rebuilds.build_loop), threading.Thread(target=rebuilds.watch)]
        if name == "rebuild":
            for thread in threads:
                thread.start()
        started, load = cpu_seconds(pid), os.getloadavg()[0]
        wait = "0-0" if name == "saturation" else args.wait
        begun = time.monotonic()

        def done() -> bool:
            """`--seconds` passed; in *rebuild*, also a build swapped and was served 10 s."""
            now = time.monotonic()
            if now - begun < args.seconds:
                return False
            served = name != "rebuild" or (rebuilds.swapped is not None and now - rebuilds.swapped >= 10)
            return served or now - begun > MAX_SECONDS

        figures = run_locust(url, setup, args.users, wait, logs / "locust", done)
        duration = time.monotonic() - begun
        cpu = cpu_seconds(pid) - started
        rebuilds.stop.set()
        if name == "rebuild":
            for thread in threads:
                thread.join()
    aggregated = figures.pop("Aggregated")
    _log(f"N={corpus.n} {name}: {aggregated}")
    return {
        **aggregated,
        "endpoints": figures,
        "api_cpu_seconds": round(cpu, 1),
        "load_average": round(load, 2),
        "builds": [round(s, 1) for s in rebuilds.seconds],
        "generations": len(set(rebuilds.generations)),
        "wait": wait,
        "seconds": round(duration),
    }


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- The page ----------------------------------------------------------------------------------

TARGET_N = 10_000
TARGET_P95_MS = 100
TARGET = f"0 errors, p95 < {TARGET_P95_MS} ms at N={TARGET_N:,} (steady)"
INTRO = """# `katalog api` under load

Measured by `bench/api_load.py` (issue 16) with [Locust](https://locust.io) in headless mode,
against `katalog api --workers {workers}` on 127.0.0.1: {users} concurrent clients for {seconds} s
per scenario, at each size of the synthetic corpus (`bench/synthetic.py`, seed 7, built with
`katalog build`).
The clients are agencies' systems (`bench/api_locustfile.py`): 70% searches over
{queries:,} distinct queries drawn with Zipf popularity (the bench's fixed query set, the
search-parity queries, then words and pairs of the synthetic vocabulary, a few with typos),
a fifth of them with a facet filter and a tenth asking for page two; 25% open a result;
5% read the facets; 15% of repeats revalidate with `If-None-Match` (a 304 counts as a
success). Scenarios:

- **steady**: each client waits {wait} s between requests (an agency's system serving its users);
- **rebuild**: the same, while `katalog build` runs again and again with one entry edited:
  each build updates the Whoosh index in place and swaps `output/`, and the API opens the
  new generation while it answers (this scenario lasts until a build has finished and its
  generation has been served for 10 s, so it can be longer than the others);
- **saturation**: no wait at all: the throughput the API gives on this machine (the latency
  is then mostly queueing, about clients ÷ throughput).

Target: {target}. Latencies in ms (Locust's percentiles, rounded above 100 ms). The API,
Locust and (in *rebuild*) the build share the machine: {cores} cores; the load average
(other jobs included) is given when each scenario started.{note}

Reading the figures: every scenario starts with all clients arriving at once on a server
whose result pages and postings are not cached yet, so its first seconds weigh on p99 and
max. A search the API has not ranked before gets the ranking of `katalog search`
(`katalog.search.ranking`, shared with the CLI and the browser), summed in numpy over each
term's scores, which a generation keeps (`katalog.search.scoring`, equal to the last bit);
repeated searches are answered from the generation's page cache, records and facets from
memory. A worker process ranks one query at a time: more cores, more `--workers`.

Command: `{command}`
"""
HEADER = (
    "| N | scenario | seconds | requests | errors | req/s | p50 | p95 | p99 | max | API CPU s "
    "| load average | builds (s each) | generations served |"
)


def _row(n: int, name: str, run: dict[str, Any]) -> str:
    builds = ", ".join(f"{s:.0f}" for s in run["builds"]) if run["builds"] else "–"
    generations = str(run["generations"]) if name == "rebuild" else "–"
    return (
        f"| {n:,} | {name} | {run['seconds']} | {run['requests']:,} | {run['failures']} | {run['rps']:.1f} "
        f"| {run['p50']:.0f} | {run['p95']:.0f} | {run['p99']:.0f} | {run['max']:.0f} "
        f"| {run['api_cpu_seconds']} | {run['load_average']} "
        f"| {len(run['builds'])} ({builds}) | {generations} |"
    )


def verdict(data: dict[str, Any]) -> str:
    """Whether the target held, from the steady run at the target size (if it ran)."""
    run = data["runs"].get(str(TARGET_N), {}).get("steady")
    if run is None:
        return f"Target not measured (no steady run at N={TARGET_N:,})."
    errors = sum(r["failures"] for runs in data["runs"].values() for r in runs.values())
    held = errors == 0 and run["p95"] < TARGET_P95_MS
    return (
        f"**Target {'met' if held else 'not met'}**: {errors} errors in every scenario; "
        f"p95 {run['p95']:.0f} ms at N={TARGET_N:,} (steady)."
    )


def render(data: dict[str, Any]) -> str:
    setup = {"note": "", **data["setup"]}
    if setup["note"] and not setup["note"].startswith(" "):
        setup["note"] = " " + setup["note"]
    lines = [
        INTRO.format(**setup).rstrip(),
        "",
        "## Results",
        "",
        verdict(data),
        "",
        HEADER,
        "|" + "---|" * 14,
    ]
    for n, runs in data["runs"].items():
        lines += [_row(int(n), name, run) for name, run in runs.items()]
    lines += [
        "",
        "## By endpoint",
        "",
        "| N | scenario | endpoint | requests | p50 | p95 | p99 |",
        "|---|---|---|---|---|---|---|",
    ]
    for n, runs in data["runs"].items():
        for name, run in runs.items():
            for endpoint, figures in run["endpoints"].items():
                lines.append(
                    f"| {int(n):,} | {name} | `{endpoint}` | {figures['requests']:,} | {figures['p50']:.0f} "
                    f"| {figures['p95']:.0f} | {figures['p99']:.0f} |"
                )
    machine = data["machine"]
    lines += ["", "## Machine", "", *(f"- {key}: {value}" for key, value in machine.items())]
    lines += ["", "<!-- raw figures", json.dumps(data, indent=1), "-->", ""]
    return "\n".join(lines)


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    versions = {
        name: metadata.version(name) for name in ("starlette", "uvicorn", "locust", "whoosh-reloaded")
    }
    return {"cpu": cpu, "cores": str(os.cpu_count()), "python": platform.python_version(), **versions}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", default="1000,10000", help="corpus sizes, comma-separated")
    parser.add_argument("--seconds", type=int, default=60, help="length of each scenario")
    parser.add_argument("--users", type=int, default=50, help="concurrent clients")
    parser.add_argument("--wait", default="0.5-1.5", help="think time between requests, MIN-MAX seconds")
    parser.add_argument("--workers", type=int, default=1, help="katalog api --workers")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "katalog-api-load")
    parser.add_argument("--out", type=Path, default=None, help="write the results page here")
    parser.add_argument("--note", default="", help="a sentence for the page: what else loaded the machine")
    parser.add_argument(
        "--render", type=Path, default=None, help="only re-render this page from its raw figures"
    )
    args = parser.parse_args(argv)
    if args.render is not None:
        raw = args.render.read_text(encoding="utf-8").split("<!-- raw figures\n", 1)[1].rsplit("\n-->", 1)[0]
        args.render.write_text(render(json.loads(raw)), encoding="utf-8")
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    runs: dict[str, dict[str, Any]] = {}
    for n in (int(part) for part in args.n.split(",")):
        corpus = prepared(n, args.work)
        runs[str(n)] = {name: scenario(corpus, name, args, args.work) for name in args.scenarios.split(",")}
    setup = {
        "users": args.users,
        "workers": args.workers,
        "seconds": args.seconds,
        "wait": args.wait.replace("-", "–"),
        "queries": DISTINCT_QUERIES,
        "target": TARGET,
        "cores": os.cpu_count(),
        "load": f"{load:.1f}",
        "note": args.note,
        "command": ".venv/bin/python -m bench.api_load "
        + shlex.join(argv if argv is not None else sys.argv[1:]),
    }
    page = render({"setup": setup, "runs": runs, "machine": machine()})
    if args.out:
        args.out.write_text(page, encoding="utf-8")
    print(page)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
