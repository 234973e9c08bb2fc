"""Wall time, CPU time and peak memory of one command, run in a fresh process.

Every tool the benchmark compares (our build, plain Pelican, Hugo, Pagefind) runs as its own
child process, so each figure covers start-up, imports and teardown alike. A small launcher
forks it and reads ``os.wait4``: the rusage of the child and of the descendants it waited
for (peak resident memory: ``ru_maxrss``, in kibibytes on Linux). The launcher's own few
MiB are the floor of any peak-memory figure.

``ru_maxrss`` is the largest process, not the build: our build forks reading workers and a
Whoosh writer. So, on Linux, a thread of the launcher also samples the whole process tree
every `SAMPLE_SECONDS` (less often when one sample takes over a twentieth of that: reading
``smaps_rollup`` walks a process's page tables) and keeps the peak of the sum of each
process's proportional set size (``Pss`` in ``/proc/<pid>/smaps_rollup``). PSS, not RSS: a
page shared by n processes (copy-on-write after fork, shared libraries) counts 1/n in
each, so the sum counts it once, where a sum of RSS would count a forked child's inherited
pages twice. A peak shorter than the interval can be missed; the sampler's own CPU time
is not in the command's figures.

Output goes to files, not pipes: a pipe nobody reads blocks a chatty child (Pelican warns a
lot on 10,000 entries) and would inflate its time.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

TAIL = 2_000  # characters of a failed command's output shown in the error


@dataclass(frozen=True)
class Measurement:
    """One run: wall seconds, CPU seconds (user + system) and peak resident memory in MiB:
    of the largest process (`peak_mib`), and summed over the process tree (`pss_mib`, the
    peak of the sampled sum of PSS; None where /proc has no ``smaps_rollup``)."""

    seconds: float
    cpu_seconds: float
    peak_mib: float
    pss_mib: float | None = None


class CommandError(RuntimeError):
    """A measured command exited non-zero; the message carries the end of its output."""


class TimedOutError(CommandError):
    """A measured command was stopped after its time limit; `seconds` it had run."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"stopped after {seconds:.0f} s")
        self.seconds = seconds


# Forks and execs the command from a small process and reports the child's own figures. A
# child forked straight from the harness would inherit the harness's peak RSS: on exec, Linux
# keeps the old address space's high-water mark as the new program's starting ru_maxrss.
# The sampler runs in a thread, so that the wait (and the wall time) is not a polling loop.
SAMPLE_SECONDS = 0.05
LAUNCHER = """
import json, os, sys, threading, time
report, command = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execv(command[0], command)
    finally:
        os._exit(127)
peak, running, parents = [None], [True], {}

def tree(root):
    # A process's parent is read once (the machine may run hundreds of processes).
    names = [name for name in os.listdir("/proc") if name.isdigit()]
    for gone in set(parents).difference(names):
        del parents[gone]
    children = {}
    for name in names:
        parent = parents.get(name)
        if parent is None:
            try:
                with open("/proc/" + name + "/stat", "rb") as stat:
                    parent = parents[name] = int(stat.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
        children.setdefault(parent, []).append(name)
    found, todo = [], [str(root)]
    while todo:
        found.append(todo.pop())
        todo.extend(children.get(int(found[-1]), ()))
    return found

def pss(name):
    try:
        with open("/proc/" + name + "/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

def sample():
    if not os.path.exists("/proc/self/smaps_rollup"):
        return
    while running[0]:
        took = time.thread_time()
        total = sum(pss(name) for name in tree(pid))
        peak[0] = max(peak[0] or 0, total)
        # Reading smaps_rollup walks a process's page tables: a large tree is sampled less
        # often, so that sampling takes at most about 5% of one core from the command.
        time.sleep(max(INTERVAL, 20 * (time.thread_time() - took)))

threading.Thread(target=sample, daemon=True).start()
_, status, usage = os.wait4(pid, 0)
running[0] = False
with open(report, "w") as out:
    json.dump([time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss,
               os.waitstatus_to_exitcode(status), peak[0]], out)
""".replace("INTERVAL", repr(SAMPLE_SECONDS))


def run_measured(
    command: Sequence[str | Path],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float | None = None,
) -> Measurement:
    """Run `command` to completion and measure it; raise `CommandError` when it fails, and
    `TimedOutError` (after killing it) when it runs longer than `timeout` seconds.

    `command[0]` must be a path to an executable (no PATH lookup).
    """
    with tempfile.TemporaryDirectory(prefix="katalog-measure-") as tmp:
        log, report = Path(tmp) / "log", Path(tmp) / "report.json"
        launcher = [sys.executable, "-I", "-S", "-c", LAUNCHER, str(report), *map(str, command)]
        with log.open("wb") as out:
            started = time.perf_counter()
            process = subprocess.Popen(
                launcher, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # the launcher and the command it runs
                process.wait()
                raise TimedOutError(time.perf_counter() - started) from None
        seconds, cpu, max_rss_kib, code, pss_kib = json.loads(report.read_text(encoding="utf-8"))
        if code != 0:
            tail = log.read_text(encoding="utf-8", errors="replace")[-TAIL:]
            msg = f"{' '.join(map(str, command))} exited {code}:\n{tail}"
            raise CommandError(msg)
    return Measurement(seconds, cpu, max_rss_kib / 1024, None if pss_kib is None else pss_kib / 1024)


def median_of(runs: Sequence[Measurement]) -> Measurement:
    """Field-wise median of several runs of the same command."""
    return Measurement(
        statistics.median(r.seconds for r in runs),
        statistics.median(r.cpu_seconds for r in runs),
        statistics.median(r.peak_mib for r in runs),
        _median_known([r.pss_mib for r in runs]),
    )


def _median_known(values: Sequence[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return statistics.median(known) if known else None


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
