"""The benchmark harness (bench/run.py): a tiny end-to-end run, and the table's arithmetic.

The run measures every tool for real (our build, plain Pelican, Hugo, Pagefind, Whoosh and
Chromium) on 20 synthetic entries, once. Only the first-query download, which is
``bench/search_size.py``'s measurement (several fresh Chromium contexts per engine), is
replaced by fixed figures to keep the test fast. No timing is asserted: only that every
figure exists, is a number, and that every ratio is its value over its baseline.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from bench import run
from bench.measure import median_of, percentile, run_measured

ROW = re.compile(
    r"^\| (?P<label>[^|]+?) \| (?P<value>[^|]*?) \| (?P<base>[^|]*?) \| (?P<bvalue>[^|]*?) \| (?P<ratio>[^|]*?) \|"
)


def _table(page: str, n: int) -> list[dict[str, str]]:
    """The rows of size `n`'s table in the Markdown page."""
    section = page.split(f"### N = {n:,} ")[1].split("\n\n", 2)[1]
    lines = [line for line in section.splitlines() if not line.startswith(("| Figure ", "| --- "))]
    return [m.groupdict() for line in lines if (m := ROW.match(line))]


@pytest.fixture(scope="module")
def bench_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("bench")
    out = work / "benchmarks.md"
    fixed = {"ours": 21_600, "pagefind": 125_800, "ours_idle": 40_000, "queries": ("izin usaha",)}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(run, "first_query_bytes", lambda corpus: dict(fixed))
        assert (
            run.main(["--n", "20", "--repeat", "1", "--opened", "1", "--out", str(out), "--work", str(work)])
            == 0
        )
    return out


def test_every_row_has_numbers_and_ratios_from_the_raw_figures(bench_page: Path) -> None:
    page = bench_page.read_text(encoding="utf-8")
    flat = run.figures(run.load(bench_page)["runs"]["20"])
    rows = _table(page, 20)
    assert [r["label"] for r in rows] == [r.label for r in run.ROWS] + [
        label for label, _, _ in run.BASE_ROWS
    ]
    for row, shown in zip(run.ROWS, rows, strict=False):
        value, base = flat[row.key], flat[row.baseline_key]
        assert isinstance(value, float) and value > 0, row
        assert isinstance(base, float) and base > 0, row
        assert re.fullmatch(r"[\d,]+(\.\d+)? (s|ms|kB|MiB)", shown["value"]), shown
        assert shown["ratio"] == f"{value / base:.2f}×", (row, shown)
        digits = {"s": 2, "ms": 1, "kB": 1, "MiB": 0}[row.unit]
        assert shown["value"] == f"{value:,.{digits}f} {row.unit}"
    assert flat["ours_kb"] == 21.6 and flat["pagefind_kb"] == 125.8


def test_raw_figures_cover_every_tool_and_the_page_names_the_versions(bench_page: Path) -> None:
    data = run.load(bench_page)
    result = data["runs"]["20"]
    page = bench_page.read_text(encoding="utf-8")
    tools = {"ours_clean", "ours_nochange", "ours_edit", "pelican", "hugo", "pagefind"}
    assert set(result["builds"]) == tools
    for name in tools:
        assert result["builds"][name]["seconds"] > 0
        assert result["builds"][name]["peak_mib"] > 10, name  # a real process, not the launcher
    assert len(result["queries"]) >= 20
    assert set(result["latency_ms"]) == {
        f"{engine}_{p}"
        for engine in (
            "whoosh",
            "ours_type",
            "pagefind_type",
            "ours_warm",
            "pagefind_warm",
            "ours_open",
            "pagefind_open",
        )
        for p in ("p50", "p95")
    }
    phases = result["phases_ms"]
    for kind in ("type", "open"):
        assert set(phases[kind]) >= {"fetch", "decode", "score", "render", "other", "total"}
        total = phases[kind]["total"]
        assert total["mean"] > 0 and total["p95"] >= total["p50"] > 0
    assert "before" in phases["open"]  # the page's own start, before the query runs
    assert "Where the time goes (ours, N = 20;" in page
    for version in ("Python", "Pelican 4.12", "Hugo v0.", "Pagefind 1.", "Chromium 1"):
        assert version in page
    assert f"{data['machine']['cores']} cores" in page


def test_a_later_size_is_merged_and_floors_are_judged(tmp_path: Path, bench_page: Path) -> None:
    data = run.load(bench_page)
    big = dict(data["runs"]["20"], n=10_000)
    big["builds"] = {k: dict(v) for k, v in big["builds"].items()}
    big["builds"]["ours_clean"]["seconds"] = big["builds"]["pelican"]["seconds"] * 1.3
    big["builds"]["ours_edit"]["seconds"] = big["builds"]["ours_clean"]["seconds"] * 0.05
    big["builds"]["hugo"]["seconds"] = big["builds"]["ours_edit"]["seconds"] * 2
    data["runs"]["10000"] = big
    page = tmp_path / "b.md"
    page.write_text(run.render(data), encoding="utf-8")
    assert run.load(page) == data
    rows = {(r["label"], r["base"]): r for r in _table(page.read_text(encoding="utf-8"), 10_000)}
    verdict = {(r.label, r.baseline): run._verdict(r, run.figures(big), 10_000) for r in run.ROWS}
    assert verdict[(run.ROWS[0].label, "plain Pelican clean build")] == "**no**"  # 1.30× > 1.25×
    assert verdict[("Rebuild, one entry edited (ours)", "our clean build")] == "yes"  # 0.05× < 0.10×
    assert verdict[("Rebuild, one entry edited (ours)", "Hugo clean build")] == "yes"
    assert rows[(run.ROWS[0].label, "plain Pelican clean build")]["ratio"] == "1.30×"
    assert "### N = 20 " in page.read_text(encoding="utf-8")  # the earlier size is kept


def test_peak_memory_is_the_commands_own_not_the_harness(tmp_path: Path) -> None:
    ballast = bytearray(150 * 2**20)  # the harness grows; a child must not inherit its peak
    small = run_measured(["/bin/true"])
    big = run_measured([sys.executable, "-c", "x = bytearray(120 * 2**20)"])
    assert small.peak_mib < 30 < 120 < big.peak_mib < 200
    assert len(ballast) > 0
    failed = tmp_path / "x"
    with pytest.raises(RuntimeError, match="exited 3"):
        run_measured([sys.executable, "-c", f"open({str(failed)!r}, 'w'); raise SystemExit(3)"])


def test_medians_and_percentiles() -> None:
    assert percentile([1, 2, 3, 4, 5], 0.5) == 3
    assert percentile([10, 20], 0.95) == pytest.approx(19.5)
    assert percentile(list(range(1, 101)), 0.95) == pytest.approx(95.05)
    runs = [run_measured(["/bin/true"]) for _ in range(3)]
    assert median_of(runs).seconds == sorted(r.seconds for r in runs)[1]


def test_query_latency_reports_median_and_p95_of_an_index(
    real_site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench.query_latency import main

    assert main(["--index", str(real_site.parent / ".katalog-whoosh"), "--rounds", "1"]) == 0
    found = re.search(
        r"(\d+) queries x 1 rounds: median ([\d.]+) ms, p95 ([\d.]+) ms", capsys.readouterr().out
    )
    assert found is not None
    assert int(found.group(1)) >= 20
    assert 0 < float(found.group(2)) <= float(found.group(3))


def test_network_bench_measures_every_step_and_an_unchanged_member_costs_one_304(tmp_path: Path) -> None:
    """bench/network.py at 3 members of 4 entries (and plain Pelican on those 12 entries)."""
    import json

    from bench import network
    from bench.network_members import PUBLISHED
    from bench.network_page import RAW

    out = tmp_path / "network-bench.md"
    common = ["--members", "3", "--entries", "4", "--changed", "1", "--jobs", "1"]
    assert network.main([*common, "--work", str(tmp_path / "work"), "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    found = RAW.search(page)
    assert found is not None
    runs = json.loads(found.group(1))["runs"]
    steps = ("harvest_startup", "harvest_first", "harvest_repeat", "harvest_unchanged")
    steps += ("build_clean", "harvest_one", "build_one")
    for step in (*steps, "pelican", "reference"):
        assert runs[step]["seconds"] > 0 and runs[step]["cpu_seconds"] > 0, step
        assert runs[step]["peak_mib"] > 10, step  # a real process, not the launcher
    assert runs["pelican"]["finished"] is True
    assert runs["reference"]["identical_files"] == len(PUBLISHED)  # generated == built, byte for byte
    harvests = ("harvest_first", "harvest_repeat", "harvest_unchanged", "harvest_one")
    first, repeat, unchanged, one = (runs[key]["requests"] for key in harvests)
    assert first["statuses"] == {"200": 6} and first["changed_fetched"] == 3
    assert repeat["statuses"] == {"200": 2, "304": 2}
    assert unchanged["statuses"] == {"304": 3} and unchanged["unchanged_one_304"] == 3
    assert (repeat["changed_fetched"], repeat["unchanged_one_304"], repeat["unchanged"]) == (1, 2, 2)
    assert (one["changed_fetched"], one["unchanged_one_304"], one["unchanged"]) == (1, 2, 2)
    assert all(runs[key]["records_held"] == 12 for key in harvests)
    assert runs["build_clean"]["pages"] == runs["build_one"]["pages"] == 12
    share = runs["harvest_unchanged"]["seconds"] / runs["harvest_first"]["seconds"]
    assert f"| Repeat harvest of unchanged members (2b) / first harvest, wall | {share:.1%} | < 10% |" in page
    share = runs["harvest_repeat"]["seconds"] / runs["harvest_first"]["seconds"]
    assert f"| Repeat harvest (2; members changed: 1) / first harvest, wall | {share:.1%} |" in page
    versus = runs["build_clean"]["seconds"] / runs["pelican"]["seconds"]
    assert f"| Network clean build / plain Pelican, wall | {versus:.2f}× |" in page
    assert "| 2. Repeat | 4 | 2 | 2 | 0 |" in page
    assert "1 of 1 changed or new: manifest and records; 2 of 2 unchanged: one 304 only" in page
    assert network.main(["--render-only", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == page  # the page is a function of its raw figures


def test_a_key_is_timed_to_the_first_update_showing_its_query_or_a_later_one() -> None:
    from bench.browser_latency import typing_samples

    keys = [100.0, 250.0, 400.0, 550.0]  # "ab c": the space changes nothing, so it is not timed
    shown = [[130.0, "2 hasil untuk “a”."], [620.0, "1 hasil untuk “ab c”."]]  # "ab" never shown
    measures = [
        {"name": "fetch", "query": "a", "duration": 20.0},
        {"name": "total", "query": "a", "duration": 28.0, "waited": ["t/1.json"]},
        {"name": "fetch", "query": "ab c", "duration": 0.0},
        {"name": "total", "query": "ab c", "duration": 9.0, "waited": []},
    ]
    samples = typing_samples("ab c", keys, shown, measures)
    assert [s["total"] for s in samples] == [30.0, 370.0, 70.0]  # "ab" waited for the next update
    assert samples[0]["fetch"] == 20.0 and samples[0]["waited"] == 1.0 and samples[0]["downloads"] == 1.0
    assert samples[1]["fetch"] == 0.0 and samples[1]["waited"] == 0.0  # superseded: no phases of its own
    assert samples[2]["other"] == 70.0  # no phase took time: all of it is "other"
    with pytest.raises(RuntimeError, match="no results shown"):
        typing_samples("abc", [1.0, 2.0, 3.0], [[2.5, "x “ab”"]], [])
