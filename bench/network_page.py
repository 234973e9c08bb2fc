"""The page of `bench/network.py`: every figure, the ratios against their targets, the raw data.

Rendered only from the raw figures, which it keeps in a JSON block at its end, so that
``--render-only`` rewrites the page (after a change of wording) without measuring again.
"""

from __future__ import annotations

import json
import re
from typing import Any

RAW = re.compile(r"<!-- raw\n(.*?)\n-->", re.S)
REPEAT_TARGET = 0.10  # repeat harvest / first harvest (issue 13)
PELICAN_TARGET = 1.0  # clean build / plain Pelican: the engine's target (issue 7, at 10,000 entries)
PELICAN_EVERY_N = 1.25  # clean build / plain Pelican: the engine's target at every N (issue 7)
MEMORY_TARGET = 2.0  # peak memory summed over processes / plain Pelican's (issue 12, at 10,000 entries)

METHOD = """\
Method. One synthetic corpus (`bench/synthetic.py`, realistic profile, seed 7) of
{total:,} entries is cut into {members:,} member catalogues of {entries:,} consecutive entries.
Each member is an ordinary catalogue's content folder: its own `taxonomy.yaml` (the
corpus's categories, kinds and statuses, and as units only those its entries name) and
one Markdown file per entry, dated by its modification time. Building {members:,} sites would
take far longer than what is measured here, so each member is *published without a build*
by the code its build writes its open data with (`bench/network_members.py`): every file
read by the build's reader (`katalog.content.validate.load_entry`), then `data/inovasi.json`,
`data/inovasi.csv` and `data/schema.json` written by `katalog.site.export` and
`katalog.content.schema`, and `data/katalog.json` (the manifest) and its schema by
`katalog.network.manifest`, with the settings `katalog init` gives a catalogue of that
agency and address. To check that this is what a member publishes, one member was also
built for real (`katalog init`, its content folder, `katalog build --settings
publishconf.py`): its {identical} published files equal the generated ones byte for byte (the
bench stops otherwise). The members' folders hold these open-data files only (a harvest
reads nothing else) and are served by one local static server process
(`bench/static_server.py`: threaded, HTTP/1.1, `ETag` and `Last-Modified` from each file's
modification time and size as nginx makes them, `304` to a conditional request), each
member under its own path, `http://127.0.0.1:PORT/m001/`. A file whose bytes do not change
is not rewritten, as the build keeps it, so its ETag stays.

The network is a site made by `katalog init` with no entries of its own and a
`jaringan.yaml` listing every member (default limits: 8 members at a time). Each step ran
once, in a fresh process (`bench/measure.py`): wall time; CPU time (user + system, the
command and its children; the static server's own CPU time is counted apart, below); peak
memory summed over the process tree (PSS, sampled every 50 ms) and of the largest process.
The steps, in order: (1) the first harvest, no snapshot held; (2) a repeat harvest after
{changed} members each changed one entry's summary (their manifest and records change; every
other member must answer its conditional request with one `304`); (2b) the same harvest again
with nothing changed, every member one `304`: "a repeat harvest of unchanged members", which
the 10% target reads; (3) the network's clean
build (no output, Whoosh index or build cache); (4) one more member changed, harvested, and
the network rebuilt; (5) plain Pelican 4.12 (default theme, no plugins) building the same
{total:,} entries from `bench/synthetic.py`'s Pelican tree, stopped after its time limit.
Plain Pelican still runs `process_translations`, quadratic in the number of articles (our
engine switches it off); when it cannot finish, its rate is measured on a smaller tree, as
`bench/national.py` does. No request left 127.0.0.1: the members are served there, and the
build reads the committed snapshots only.

The 1-minute load average before each step is in the table ({cores} cores: {cores}.0 means
every core busy); on a shared machine, compare ratios and CPU times rather than wall times.
"""


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f} s" if value >= 100 else f"{value:.1f} s"


def _mib(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} MiB"


def _ratio(value: float | None, base: float | None) -> float | None:
    return value / base if value is not None and base else None


STEPS = (
    ("harvest_startup", "0. Start-up of a harvest process (its imports, nothing fetched)"),
    ("harvest_first", "1. First harvest ({members:,} members, nothing held)"),
    ("harvest_repeat", "2. Repeat harvest ({changed} members changed, the rest unchanged)"),
    ("harvest_unchanged", "2b. Repeat harvest, no member changed (every member one 304)"),
    ("build_clean", "3. Network clean build ({total:,} harvested entries)"),
    ("harvest_one", "4a. Harvest after one member changed"),
    ("build_one", "4b. Network rebuild after one member changed"),
    ("pelican", "5. Plain Pelican clean build ({total:,} entries)"),
    ("pelican_rate", "5'. Plain Pelican clean build at {n:,} entries (its rate)"),
    ("reference", "One member's real build ({entries:,} entries; the reference)"),
)


def _step_rows(data: dict[str, Any], names: dict[str, Any]) -> list[str]:
    runs = data["runs"]
    rows = []
    for key, label in STEPS:
        run = runs.get(key)
        if run is None:
            continue
        label = label.format(**names, n=run.get("n", 0))
        load = f"{run['load_before']:.1f}" if "load_before" in run else "—"
        if run.get("finished", True):
            cells = [_seconds(run["seconds"]), _seconds(run["cpu_seconds"])]
            cells += [_mib(run.get("pss_mib")), _mib(run.get("peak_mib"))]
        else:
            cells = [f"did not finish in {run['seconds']:,.0f} s", "—", "—", "—"]
        rows.append(f"| {label} | {' | '.join(cells)} | {load} |")
    return rows


def _pelican_base(runs: dict[str, Any], total: int) -> tuple[float | None, float | None, str]:
    """Plain Pelican's wall and CPU seconds at the full size, and what they are."""
    run, rate = runs.get("pelican", {}), runs.get("pelican_rate", {})
    if run.get("finished"):
        return run["seconds"], run["cpu_seconds"], "measured"
    if rate.get("finished"):
        scale = total / rate["n"]
        return (
            rate["seconds"] * scale,
            rate["cpu_seconds"] * scale,
            (
                f"projected from its rate at {rate['n']:,} entries "
                f"({rate['n'] / rate['seconds']:.0f} entries/s; a lower bound: its time grows faster than N)"
            ),
        )
    return None, None, "not measured"


def _verdict(value: float | None, limit: float, inclusive: bool) -> str:
    if value is None:
        return "n/a"
    met = value <= limit if inclusive else value < limit
    return "yes" if met else "**no**"


def _ratio_rows(data: dict[str, Any], total: int) -> tuple[list[str], str]:
    runs = data["runs"]
    first, repeat = runs.get("harvest_first", {}), runs.get("harvest_repeat", {})
    unchanged = runs.get("harvest_unchanged", {})
    changed = repeat.get("requests", {}).get("changed", "—")
    clean, one = runs.get("build_clean", {}), runs.get("build_one", {})
    wall, cpu, how = _pelican_base(runs, total)
    repeat_wall = _ratio(repeat.get("seconds"), first.get("seconds"))
    repeat_cpu = _ratio(repeat.get("cpu_seconds"), first.get("cpu_seconds"))
    unchanged_wall = _ratio(unchanged.get("seconds"), first.get("seconds"))
    unchanged_cpu = _ratio(unchanged.get("cpu_seconds"), first.get("cpu_seconds"))
    floor = runs.get("harvest_startup", {}).get("cpu_seconds")
    beyond = (
        _ratio(repeat["cpu_seconds"] - floor, first["cpu_seconds"] - floor)
        if floor is not None and repeat and first and first["cpu_seconds"] > floor
        else None
    )
    build_wall = _ratio(clean.get("seconds"), wall)
    build_cpu = _ratio(clean.get("cpu_seconds"), cpu)
    rebuild = _ratio(one.get("seconds"), clean.get("seconds"))
    pelican = runs.get("pelican", {})
    memory = _ratio(clean.get("pss_mib"), pelican.get("pss_mib") if pelican.get("finished") else None)

    def percent(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.1%}"

    def times(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f}×"

    rows = [
        f"| Repeat harvest of unchanged members (2b) / first harvest, wall | {percent(unchanged_wall)} "
        f"| < 10% | {_verdict(unchanged_wall, REPEAT_TARGET, inclusive=False)} |",
        f"| Repeat harvest of unchanged members (2b) / first harvest, CPU | {percent(unchanged_cpu)} "
        f"| < 10% | {_verdict(unchanged_cpu, REPEAT_TARGET, inclusive=False)} |",
        f"| Repeat harvest (2; members changed: {changed}) / first harvest, wall | {percent(repeat_wall)} "
        "| | |",
        f"| Repeat harvest (2; members changed: {changed}) / first harvest, CPU | {percent(repeat_cpu)} "
        "| | |",
        f"| Repeat harvest (2) / first harvest, CPU beyond start-up (step 0) | {percent(beyond)} | | |",
        f"| Network clean build / plain Pelican, wall | {times(build_wall)} | ≤ 1.0× (the engine's "
        f"target, set at 10,000 entries) | {_verdict(build_wall, PELICAN_TARGET, inclusive=True)} |",
        f"| Network clean build / plain Pelican, wall | {times(build_wall)} | ≤ 1.25× (the engine's "
        f"target at every N) | {_verdict(build_wall, PELICAN_EVERY_N, inclusive=True)} |",
        f"| Network clean build / plain Pelican, CPU | {times(build_cpu)} | | |",
        f"| Network clean build / plain Pelican, peak memory summed (PSS) | {times(memory)} | ≤ 2× (the "
        f"engine's target, set at 10,000 entries) | {_verdict(memory, MEMORY_TARGET, inclusive=True)} |",
        f"| Network rebuild after one member changed / clean build, wall | {times(rebuild)} | | |",
    ]
    return rows, how


def _request_rows(data: dict[str, Any]) -> list[str]:
    labels = {
        "harvest_first": "1. First",
        "harvest_repeat": "2. Repeat",
        "harvest_unchanged": "2b. Repeat, nothing changed",
        "harvest_one": "4a. One member changed",
    }
    rows = []
    for key, label in labels.items():
        run = data["runs"].get(key)
        if run is None:
            continue
        asked = run["requests"]
        statuses = asked["statuses"]
        other = asked["total"] - statuses.get("200", 0) - statuses.get("304", 0)
        expected = f"{asked['changed_fetched']} of {asked['changed']} changed or new: manifest and records"
        if asked["unchanged"]:
            expected += f"; {asked['unchanged_one_304']} of {asked['unchanged']} unchanged: one 304 only"
        rows.append(
            f"| {label} | {asked['total']:,} | {statuses.get('200', 0):,} | {statuses.get('304', 0):,} "
            f"| {other:,} | {asked['bytes'] / 1e6:,.1f} MB | {_seconds(run['server_cpu_seconds'])} "
            f"| {run['records_held']:,} | {expected} |"
        )
    return rows


def render(data: dict[str, Any]) -> str:
    """The page, from the raw figures of one run (`bench.network.measure`)."""
    members, entries = data["members"], data["entries"]
    total = members * entries
    runs = data["runs"]
    changed = runs.get("harvest_repeat", {}).get("requests", {}).get("changed", "—")
    identical = runs.get("reference", {}).get("identical_files", "—")
    names = {"members": members, "entries": entries, "total": total, "changed": changed}
    ratio_rows, how = _ratio_rows(data, total)
    pages = runs.get("build_clean", {}).get("pages")
    lines = [
        f"# Jaringan Inovasi at national scale: {members:,} members × {entries:,} entries",
        "",
        f"Generated by `bench/network.py` on {data['date']} "
        f"(`.venv/bin/python -m bench.network --members {members} --entries {entries}`; "
        "`--render-only` rewrites this page from the raw figures at its end).",
        "Machine: " + ", ".join(f"{k}: {v}" for k, v in data["machine"].items()) + ".",
        "",
        METHOD.format(identical=identical, cores=data["machine"].get("cores", "?"), **names),
        "## Figures",
        "",
        "| Step | Wall | CPU | Peak memory, summed (PSS) | Largest process | Load before |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        *_step_rows(data, names),
        "",
        f"The clean build wrote {pages:,} innovation pages." if pages is not None else "",
        "",
        "## Ratios",
        "",
        f"Plain Pelican's clean build: {how}.",
        "",
        "| Ratio | Value | Target | Met |",
        "| --- | ---: | --- | --- |",
        *ratio_rows,
        "",
        "## What each harvest asked the members' server",
        "",
        "| Harvest | Requests | 200 | 304 | Other | Bytes served | Server CPU | Records held | Members |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        *_request_rows(data),
        "",
        *(["## This run", "", data["note"], ""] if data.get("note") else []),
        "<!-- raw",
        json.dumps(data, indent=1, ensure_ascii=False),
        "-->",
        "",
    ]
    return "\n".join(lines)
