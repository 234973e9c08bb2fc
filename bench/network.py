"""A national network on one machine: 500 member catalogues of 60 entries, harvested and built.

Issue 13, part 5. One synthetic corpus (`bench.synthetic`, realistic profile, seed 7) of
``members × entries`` entries is cut into member catalogues, each published as a built
member publishes its open data (`bench.network_members`: the build's own reader, export
and manifest code; one member is built for real and must match byte for byte), and served
from one local static server process (`bench.static_server`, ETag and 304) at
``http://127.0.0.1:PORT/mNNN/``. A network site (``katalog init`` plus a ``jaringan.yaml``
listing every member) then runs, each command once in a fresh process
(`bench.measure.run_measured`: wall time, CPU time, peak memory):

1. the first harvest (``katalog harvest``: no snapshot yet, every member fetched);
2. a repeat harvest after ``--changed`` members (5) changed one entry each: those fetch
   their manifest and records again, every other member must cost one 304;
3. the network's clean build (``katalog build``: no output, index or cache);
4. after one more member changed, its harvest and the network's rebuild;
5. plain Pelican's clean build of the same entries (``bench.synthetic``'s Pelican tree),
   stopped after ``--pelican-timeout``; when it cannot finish, its rate is measured on
   ``--rate-n`` entries, as ``bench/national.py`` does.

The server logs every request, so the page counts what each harvest asked for. No request
leaves 127.0.0.1: members are served there, and the build reads snapshots only. The page
(``--out``) keeps the raw figures in a JSON block; ``--render-only`` rewrites it from them.

Run: ``nice -n 5 .venv/bin/python -m bench.network [--members 500] [--entries 60]
[--work /tmp/katalog-network] [--out docs/network-bench.md]``; ``--reuse`` keeps the corpus
and the published members of an earlier run in the working folder. ``--parts`` runs only
some of ``harvest`` (steps 0-2, and the reference member), ``build`` (steps 3-4) and
``pelican`` (step 5), as ``bench/national.py`` does: the figures of the others are kept from
the page's raw block. A build needs the harvests before it; without ``harvest`` they still
run, unmeasured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.measure import Measurement, TimedOutError, run_measured
from bench.network_members import (
    PUBLISHED,
    Member,
    differences,
    edit,
    publish,
    publish_all,
    reference_site,
    restore,
    write_sources,
)
from bench.network_page import RAW, render
from bench.run import BIN, ROOT, SEED, machine
from bench.synthetic import build_corpus, generate, write_pelican
from katalog.network.manifest import MANIFEST_FILE, RECORDS_FILE

SERVER_START_SECONDS = 20.0


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Work:
    """Where everything of one run lives, under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.stamp = root / "corpus.json"  # what the content folders were generated for
        self.sources = root / "sources"  # one content folder per member
        self.served = root / "served"  # the server's root: one folder per member
        self.published = root / "served" / ".published"  # the port the members were published for
        self.pelican = root / "pelican"  # plain Pelican's tree of the same entries
        self.pelican_out = root / "pelican-out"
        self.rate = root / "pelican-rate"  # a smaller tree, for Pelican's rate
        self.reference = root / "reference"  # one member built for real
        self.network = root / "network"  # the network site
        self.server_log = root / "server.log"
        self.server_ready = root / "server.port"


# --- The corpus and the members -------------------------------------------------------------


def prepare_sources(work: Work, members: int, entries: int, reuse: bool) -> None:
    """The members' content folders and Pelican's tree, unless `reuse` finds them made."""
    stamp = {"members": members, "entries": entries, "seed": SEED}
    if reuse and work.stamp.is_file() and json.loads(work.stamp.read_text(encoding="utf-8")) == stamp:
        _log("reusing the corpus")
        return
    _log(f"generating {members * entries:,} entries")
    corpus, taxonomy = build_corpus(members * entries, seed=SEED)
    work.stamp.unlink(missing_ok=True)
    write_sources(corpus, taxonomy, _members(work, members, ""))
    shutil.rmtree(work.pelican, ignore_errors=True)
    write_pelican(corpus, work.pelican)
    work.stamp.write_text(json.dumps(stamp), encoding="utf-8")


def _members(work: Work, count: int, base_url: str) -> list[Member]:
    return [Member(n, base_url, work.sources, work.served) for n in range(1, count + 1)]


def changed_members(members: list[Member], count: int) -> list[Member]:
    """`count` members spread over the list, never the last (it changes before the rebuild)."""
    pool = members[:-1] or members
    count = max(0, min(count, len(pool)))
    return [pool[(i * len(pool)) // count] for i in range(count)]


def publish_members(work: Work, members: list[Member], port: int, reuse: bool, jobs: int) -> None:
    """Every member's open data for a server on `port` (kept when `reuse` finds it done)."""
    touched = [member for member in members if restore(member)]  # a run stopped half-way
    if reuse and work.published.is_file() and work.published.read_text(encoding="utf-8") == str(port):
        for member in touched:
            publish(member)
        _log("reusing the published members")
        return
    _log(f"publishing {len(members)} members")
    work.published.unlink(missing_ok=True)
    for folder in work.served.iterdir():  # the server's root itself stays
        shutil.rmtree(folder)
    publish_all(members, jobs)
    work.published.write_text(str(port), encoding="utf-8")


# --- The server -----------------------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_size(self) -> int:
        return self.log.stat().st_size


def _start(work: Work, port: int) -> Server | None:
    work.server_ready.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.static_server", str(work.served), "--port", str(port)]
    command += ["--log", str(work.server_log), "--ready", str(work.server_ready)]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        if work.server_ready.is_file():
            return Server(process, int(work.server_ready.read_text(encoding="utf-8")), work.server_log)
        time.sleep(0.05)
    process.kill()
    process.wait()
    return None


@contextmanager
def serving(work: Work, reuse: bool):
    """One static server for every member (on the port of an earlier run when `reuse`)."""
    work.served.mkdir(parents=True, exist_ok=True)
    earlier = work.published.read_text(encoding="utf-8") if reuse and work.published.is_file() else ""
    server = (_start(work, int(earlier)) if earlier else None) or _start(work, 0)
    if server is None:
        msg = "the static server did not start"
        raise RuntimeError(msg)
    try:
        yield server
    finally:
        server.process.terminate()
        server.process.wait()


# --- The network site -----------------------------------------------------------------------

NETWORK_SETTINGS = """
# Added by bench/network.py: the build's index and cache beside the site, named.
KATALOG_INDEX_DIR = {index!r}
KATALOG_CACHE_DIR = {cache!r}
"""


def network_site(work: Work, members: list[Member]) -> Path:
    """A fresh network site: `katalog init`, no entries of its own, every member listed."""
    from katalog.tools.cli import main as katalog

    site = work.network
    shutil.rmtree(site, ignore_errors=True)
    flags = ["--nama", "Jaringan Inovasi Sintetis", "--instansi", "Kementerian Sintetis", "--no-input"]
    with redirect_stdout(io.StringIO()) as said, redirect_stderr(said):
        status = katalog(["init", str(site), *flags, "--url", "https://jaringan.sintetis.example"])
    if status:
        msg = f"katalog init of the network failed: {said.getvalue()}"
        raise RuntimeError(msg)
    lines = ["members:", *(f"  - {{url: '{m.url}', slug: {m.slug}}}" for m in members)]
    (site / "jaringan.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    extra = NETWORK_SETTINGS.format(
        index=str(site / ".katalog" / "whoosh"), cache=str(site / ".katalog" / "cache")
    )
    with (site / "pelicanconf.py").open("a", encoding="utf-8") as settings:
        settings.write(extra)
    return site


def _figures(measurement: Measurement, load_before: float) -> dict[str, Any]:
    return {**asdict(measurement), "load_before": load_before, "load_after": os.getloadavg()[0]}


STARTUP = "import katalog.tools.cli, katalog.network.harvest, katalog.network.members"


def startup(site: Path) -> dict[str, Any]:
    """The floor of any harvest: a process that only imports what `katalog harvest` imports."""
    load = os.getloadavg()[0]
    return _figures(run_measured([BIN / "python", "-c", STARTUP], cwd=site), load)


def harvest(site: Path, server: Server, changed: list[Member], members: list[Member]) -> dict[str, Any]:
    """One measured `katalog harvest`, with what the server was asked for meanwhile."""
    start, cpu, load = server.log_size(), server.cpu_seconds(), os.getloadavg()[0]
    measured = run_measured([BIN / "katalog", "harvest", "--config", site / "jaringan.yaml"], cwd=site)
    figures = _figures(measured, load)
    figures["server_cpu_seconds"] = server.cpu_seconds() - cpu
    with server.log.open("rb") as log:
        log.seek(start)
        lines = log.read().decode().splitlines()
    figures["requests"] = requests_of(lines, {m.slug for m in changed}, {m.slug for m in members})
    figures["records_held"] = sum(
        len(json.loads(path.read_text(encoding="utf-8"))["records"])
        for path in (site / "jaringan").glob("*.json")
        if not path.name.startswith("_")  # `_status.json`: dates only, no records
    )
    return figures


def requests_of(lines: list[str], changed: set[str], members: set[str]) -> dict[str, Any]:
    """What the server answered, and whether each member cost what it should: every
    unchanged member one 304 for its manifest, every changed one its manifest and records."""
    asked: dict[str, list[tuple[str, int]]] = defaultdict(list)
    statuses: Counter[str] = Counter()
    size = 0
    for line in lines:
        status, path, length = line.split(" ")
        statuses[status] += 1
        size += int(length)
        member, _, rest = path.lstrip("/").partition("/")
        asked[member].append((rest, int(status)))
    fetched = [(MANIFEST_FILE, 200), (RECORDS_FILE, 200)]
    return {
        "total": len(lines),
        "statuses": dict(sorted(statuses.items())),
        "bytes": size,
        "changed": len(changed),
        "changed_fetched": sum(1 for m in changed if asked.get(m) == fetched),
        "unchanged": len(members - changed),
        "unchanged_one_304": sum(1 for m in members - changed if asked.get(m) == [(MANIFEST_FILE, 304)]),
    }


def build(site: Path, clean: bool) -> dict[str, Any]:
    """One measured `katalog build` of the network (after removing output, index and cache)."""
    if clean:
        for folder in (site / "output", site / ".katalog"):
            shutil.rmtree(folder, ignore_errors=True)
    load = os.getloadavg()[0]
    command = [BIN / "katalog", "build", "--settings", site / "pelicanconf.py", "--output", site / "output"]
    figures = _figures(run_measured(command, cwd=site), load)
    figures["pages"] = sum(1 for _ in (site / "output" / "inovasi").iterdir())
    return figures


def pelican(tree: Path, out: Path, timeout: float) -> dict[str, Any]:
    """Plain Pelican's clean build of `tree`, or how long it ran before it was stopped."""
    shutil.rmtree(out, ignore_errors=True)
    command = [BIN / "pelican", tree / "content", "-s", tree / "pelicanconf.py", "-o", out]
    load = os.getloadavg()[0]
    try:
        return {"finished": True, **_figures(run_measured(command, cwd=tree, timeout=timeout), load)}
    except TimedOutError as stopped:
        return {"finished": False, "seconds": stopped.seconds, "load_before": load}


# --- One run --------------------------------------------------------------------------------


PARTS = ("harvest", "build", "pelican")


@dataclass(frozen=True)
class Options:
    members: int
    entries: int
    changed: int
    work: Path
    out: Path
    reuse: bool
    pelican_timeout: float
    rate_n: int
    jobs: int
    note: str
    parts: tuple[str, ...] = PARTS


def measure(options: Options, earlier: dict[str, Any] | None = None) -> dict[str, Any]:
    """The requested parts' steps, in order; the page is rewritten after each, so a stopped
    run keeps its figures. `earlier`: the runs of the parts not run (from the page)."""
    work = Work(options.work)
    parts = options.parts
    data: dict[str, Any] = {
        "members": options.members,
        "entries": options.entries,
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "note": options.note,
        "runs": dict(earlier or {}),
    }
    runs = data["runs"]
    measured: dict[str, Any] = runs if "harvest" in parts else {}  # else: run, not kept

    def save(label: str) -> None:
        options.out.write_text(render(data), encoding="utf-8")
        _log(f"{label}: written to {options.out}")

    prepare_sources(work, options.members, options.entries, options.reuse)
    if "harvest" in parts or "build" in parts:
        _networked(options, work, runs, measured, save)
    if "pelican" in parts:
        _log(f"plain Pelican, {options.members * options.entries:,} entries")
        runs["pelican"] = pelican(work.pelican, work.pelican_out, options.pelican_timeout)
        runs.pop("pelican_rate", None)
        if not runs["pelican"]["finished"]:
            if not (options.reuse and (work.rate / "pelican").is_dir()):
                generate(options.rate_n, work.rate, seed=SEED, formats=("pelican",))
            _log(f"plain Pelican at {options.rate_n:,} entries (its rate)")
            rate = pelican(work.rate / "pelican", work.pelican_out, options.pelican_timeout)
            runs["pelican_rate"] = {"n": options.rate_n, **rate}
        save("Pelican")
    return data


def _networked(
    options: Options, work: Work, runs: dict[str, Any], measured: dict[str, Any], save: Callable[[str], None]
) -> None:
    """Steps 0-4 against the served members: the harvests go to `measured` (`runs` when
    the harvest part was asked for), the builds to `runs` when the build part was."""
    with serving(work, options.reuse) as server:
        members = _members(work, options.members, f"http://127.0.0.1:{server.port}/")
        changed, last = changed_members(members, options.changed), members[-1]
        publish_members(work, members, server.port, options.reuse, options.jobs)
        try:
            if "harvest" in options.parts:
                _log("the reference member, built for real")
                runs["reference"] = reference(work, members[0])
            site = network_site(work, members)
            measured["harvest_startup"] = startup(site)
            _log("first harvest")
            measured["harvest_first"] = harvest(site, server, members, members)
            save("first harvest")
            for member in changed:
                edit(member)
                publish(member)
            _log(f"repeat harvest, {len(changed)} members changed")
            measured["harvest_repeat"] = harvest(site, server, changed, members)
            save("repeat harvest")
            _log("repeat harvest, nothing changed")
            measured["harvest_unchanged"] = harvest(site, server, [], members)
            save("unchanged harvest")
            if "build" not in options.parts:
                return
            _log("network clean build")
            runs["build_clean"] = build(site, clean=True)
            save("clean build")
            edit(last)
            publish(last)
            _log("harvest, one member changed")
            runs["harvest_one"] = harvest(site, server, [last], members)
            _log("network rebuild, one member changed")
            runs["build_one"] = build(site, clean=False)
            save("rebuild")
        finally:
            for member in [*changed, last]:
                restore(member)
                publish(member)


def reference(work: Work, member: Member) -> dict[str, Any]:
    """Build `member` for real and check that `publish` wrote what its build writes."""
    site = work.reference
    reference_site(member, site)
    load = os.getloadavg()[0]
    command = [BIN / "katalog", "build", "--settings", "publishconf.py", "--output", "output"]
    figures = _figures(run_measured(command, cwd=site), load)
    found = differences(member, site / "output")
    if found:
        msg = f"the generated member {member.slug} is not what its build publishes: " + "; ".join(found)
        raise RuntimeError(msg)
    figures["identical_files"] = len(PUBLISHED)
    return figures


def _raw(page: Path) -> dict[str, Any]:
    match = RAW.search(page.read_text(encoding="utf-8")) if page.is_file() else None
    return json.loads(match.group(1)) if match else {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--entries", type=int, default=60, help="entries per member")
    parser.add_argument("--changed", type=int, default=5, help="members changed before the repeat harvest")
    parser.add_argument("--work", type=Path, default=Path("/tmp/katalog-network"))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "network-bench.md")
    parser.add_argument("--reuse", action="store_true", help="keep the corpus and members already in --work")
    parser.add_argument("--pelican-timeout", type=float, default=2400.0, metavar="SECONDS")
    parser.add_argument("--rate-n", type=int, default=10_000, help="Pelican's rate, when it cannot finish")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes publishing members")
    parser.add_argument("--note", default="", help="a sentence for the page (what else ran meanwhile)")
    parser.add_argument("--render-only", action="store_true", help="rewrite the page from its raw figures")
    parser.add_argument("--parts", default=",".join(PARTS), help="which of harvest,build,pelican to run")
    args = parser.parse_args(argv)
    if args.render_only:
        data = _raw(args.out)
        data["note"] = args.note or data.get("note", "")
        args.out.write_text(render(data), encoding="utf-8")
        return 0
    if args.members < 2 or args.entries < 1:
        parser.error("at least 2 members of 1 entry")
    parts = tuple(part for part in args.parts.split(",") if part)
    if not parts or set(parts) - set(PARTS):
        parser.error(f"--parts: some of {','.join(PARTS)}")
    args.work.mkdir(parents=True, exist_ok=True)
    options = Options(
        args.members,
        args.entries,
        args.changed,
        args.work,
        args.out,
        args.reuse,
        args.pelican_timeout,
        args.rate_n,
        args.jobs,
        args.note,
        parts,
    )
    earlier = _raw(args.out).get("runs", {}) if set(parts) != set(PARTS) else {}
    measure(options, earlier)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
