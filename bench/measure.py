"""Wall time, CPU time and peak memory of one command, run in a fresh process.

Every tool the benchmark compares (our build, plain Pelican, Hugo, Pagefind) runs as its own
child process, so each figure covers start-up, imports and teardown alike. A small launcher
forks it and reads ``os.wait4``: the rusage of the child and of the descendants it waited
for (peak resident memory: ``ru_maxrss``, in kibibytes on Linux). The launcher's own few
MiB are the floor of any peak-memory figure.

Output goes to files, not pipes: a pipe nobody reads blocks a chatty child (Pelican warns a
lot on 10,000 entries) and would inflate its time.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

TAIL = 2_000  # characters of a failed command's output shown in the error


@dataclass(frozen=True)
class Measurement:
    """One run: wall seconds, CPU seconds (user + system) and peak resident memory in MiB."""

    seconds: float
    cpu_seconds: float
    peak_mib: float


class CommandError(RuntimeError):
    """A measured command exited non-zero; the message carries the end of its output."""


# Forks and execs the command from a small process and reports the child's own figures. A
# child forked straight from the harness would inherit the harness's peak RSS: on exec, Linux
# keeps the old address space's high-water mark as the new program's starting ru_maxrss.
LAUNCHER = """
import json, os, sys, time
report, command = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execv(command[0], command)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as out:
    json.dump([time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss,
               os.waitstatus_to_exitcode(status)], out)
"""


def run_measured(
    command: Sequence[str | Path], cwd: Path | None = None, env: dict[str, str] | None = None
) -> Measurement:
    """Run `command` to completion and measure it; raise `CommandError` when it fails.

    `command[0]` must be a path to an executable (no PATH lookup).
    """
    with tempfile.TemporaryDirectory(prefix="katalog-measure-") as tmp:
        log, report = Path(tmp) / "log", Path(tmp) / "report.json"
        launcher = [sys.executable, "-I", "-S", "-c", LAUNCHER, str(report), *map(str, command)]
        with log.open("wb") as out:
            subprocess.run(launcher, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, check=True)
        seconds, cpu, max_rss_kib, code = json.loads(report.read_text(encoding="utf-8"))
        if code != 0:
            tail = log.read_text(encoding="utf-8", errors="replace")[-TAIL:]
            msg = f"{' '.join(map(str, command))} exited {code}:\n{tail}"
            raise CommandError(msg)
    return Measurement(seconds, cpu, max_rss_kib / 1024)


def median_of(runs: Sequence[Measurement]) -> Measurement:
    """Field-wise median of several runs of the same command."""
    return Measurement(
        statistics.median(r.seconds for r in runs),
        statistics.median(r.cpu_seconds for r in runs),
        statistics.median(r.peak_mib for r in runs),
    )


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The `fraction` quantile of `samples` by linear interpolation (0.5 is the median)."""
    if not samples:
        msg = "no samples"
        raise ValueError(msg)
    ordered = sorted(samples)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
