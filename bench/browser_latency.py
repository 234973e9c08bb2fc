"""Search latency in Chromium, ours (``cari/``) against Pagefind's, for ``bench/run.py``.

Four timings per round, each engine in fresh browser contexts (a cold HTTP cache):

- **typing** (``*_type``): a fresh ``cari/`` page per query, loaded and its engine ready;
  the query is typed a key at a time into the search box, and each key that changes the
  query is timed from its ``keydown`` (the event's own time stamp) to the live status
  showing that query's results; the next key is pressed once they are shown. Pagefind, in
  a fresh page after ``init()``: ``search()`` of each of the same prefixes, then ``data()``
  of the results a list would show.
- **submit** (``*_warm``): one page, every query in turn, from ``requestSubmit()`` to the
  status update (the figure of issue 7).
- **open** (``*_open``): a fresh page load of ``cari/?q=`` from navigation start to the
  status showing the results (Pagefind: an empty page importing it, ``search()``, ``data()``).

Where the time goes: ``cari.js`` records, per shown query, User Timing measures of its
fetch, decode, score and render milliseconds (``cari:<phase>``, detail ``{query}``), read
here through a ``PerformanceObserver``. "other" is the rest of the observed time (event
dispatch, waiting for the main thread, the page's own start for "open": ``before``).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

from bench.measure import percentile
from bench.search_quality import chromium, serve

SHOWN = 20  # results whose documents the search page loads (cari.js SHOWN); Pagefind loads as many
PHASES = ("fetch", "decode", "score", "render")
TIMEOUT_MS = 60_000

# Installed before cari.js runs: every keydown's time, every status text with its time, and
# every measure cari.js records.
OURS_PROBE = """(() => {
  const probe = window.__katalogProbe = { keys: [], shown: [], measures: [] };
  document.addEventListener("keydown", (event) => probe.keys.push(event.timeStamp), true);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.name.startsWith("cari:")) {
        probe.measures.push({ name: entry.name.slice(5), start: entry.startTime,
                              duration: entry.duration, query: entry.detail && entry.detail.query });
      }
    }
  }).observe({ type: "measure", buffered: true });
  document.addEventListener("DOMContentLoaded", () => {
    const status = document.getElementById("cari-status");
    if (!status) { return; }
    new MutationObserver(() => {
      if (status.textContent) { probe.shown.push([performance.now(), status.textContent]); }
    }).observe(status, { childList: true, characterData: true, subtree: true });
  });
})();"""
# Polls in the page (wait_for_function would evaluate a string, which the site's CSP
# forbids) until the status shows `query` after the last key, and its measures are in.
OURS_SHOWN = """([query, timeout]) => new Promise((resolve, reject) => {
  const probe = window.__katalogProbe, quoted = "\\u201c" + query + "\\u201d";
  const failed = "Indeks pencarian tidak dapat dimuat";
  const since = probe.keys.length ? probe.keys[probe.keys.length - 1] : 0;
  const limit = performance.now() + timeout;
  const poll = () => {
    const shown = probe.shown.find(([time, text]) => time >= since && text.includes(quoted));
    const measures = probe.measures.filter((m) => m.query === query);
    if (shown && measures.some((m) => m.name === "total")) {
      const last = {};
      for (const m of measures) { last[m.name] = m; }  // the latest run of this query
      const phases = {};
      for (const [name, m] of Object.entries(last)) { phases[name] = m.duration; }
      resolve({ shown: shown[0], key: since, start: last.total.start, phases });
    } else if (probe.shown.some(([time, text]) => time >= since && text.startsWith(failed))) {
      reject(new Error("the search page could not load its index"));
    } else if (performance.now() > limit) {
      reject(new Error("no results shown for " + query));
    } else {
      setTimeout(poll, 1);
    }
  };
  poll();
})"""
OURS_WARM = """async (queries) => {
  await window.KatalogCari.ready;
  const form = document.getElementById("cari-form");
  const input = document.getElementById("cari-q");
  const status = document.getElementById("cari-status");
  const times = [];
  for (const query of queries) {
    const shown = new Promise((resolve) => {
      const observer = new MutationObserver(() => { observer.disconnect(); resolve(); });
      observer.observe(status, { childList: true, characterData: true, subtree: true });
    });
    input.value = query;
    const started = performance.now();
    form.requestSubmit();
    await shown;
    times.push(performance.now() - started);
  }
  return times;
}"""
# Pagefind after init(): search, then the data of the results a list would show.
PAGEFIND_WARM = """async ([queries, shown]) => {
  const pagefind = await import("/pagefind/pagefind.js");
  await pagefind.init();
  const times = [];
  for (const query of queries) {
    const started = performance.now();
    const search = await pagefind.search(query);
    await Promise.all(search.results.slice(0, shown).map((r) => r.data()));
    times.push(performance.now() - started);
  }
  return times;
}"""
PAGEFIND_OPEN = """async ([query, shown]) => {
  const pagefind = await import("/pagefind/pagefind.js");
  const search = await pagefind.search(query);
  await Promise.all(search.results.slice(0, shown).map((r) => r.data()));
  return performance.now();
}"""


def prefixes(query: str) -> list[str]:
    """The queries a visitor typing `query` sees in turn: each key that changes the trimmed text."""
    seen: list[str] = []
    for end in range(1, len(query) + 1):
        typed = query[:end].strip()
        if typed and (not seen or typed != seen[-1]):
            seen.append(typed)
    return seen


def browser_latency(output: Any, pagefind_site: Any, queries: Sequence[str], opened: int) -> dict[str, Any]:
    """Chromium timings (ms) of `output` (our site) and `pagefind_site`; with the phases."""
    with serve(output) as base, serve(pagefind_site) as pf_base, chromium() as browser:
        times: dict[str, Any] = {"version": browser.version}
        phases: dict[str, list[dict[str, float]]] = {"type": [], "open": []}
        times["ours_type"], times["pagefind_type"] = [], []
        for query in queries:
            for sample in _ours_typing(browser, base, query):
                times["ours_type"].append(sample["total"])
                phases["type"].append(sample)
            times["pagefind_type"] += _pagefind_typing(browser, pf_base, query)
        with _page(browser) as page:
            page.goto(f"{base}/cari/")
            times["ours_warm"] = page.evaluate(OURS_WARM, list(queries))
        with _page(browser) as page:
            page.goto(f"{pf_base}/probe.html")
            times["pagefind_warm"] = page.evaluate(PAGEFIND_WARM, [list(queries), SHOWN])
        times["ours_open"], times["pagefind_open"] = [], []
        for query in queries[:opened]:
            sample = _ours_open(browser, base, query)
            times["ours_open"].append(sample["total"])
            phases["open"].append(sample)
            with _page(browser) as page:
                page.goto(f"{pf_base}/probe.html")
                times["pagefind_open"].append(page.evaluate(PAGEFIND_OPEN, [query, SHOWN]))
        times["phases"] = phases
    return times


def _ours_typing(browser: Any, base: str, query: str) -> list[dict[str, float]]:
    """Type `query` into a freshly loaded ``cari/``: one sample per key that changes the query."""
    samples = []
    with _page(browser) as page:
        page.add_init_script(OURS_PROBE)
        page.goto(f"{base}/cari/")
        page.evaluate("window.KatalogCari.ready")
        page.focus("#cari-q")
        typed = ""
        for char in query:
            before, typed = typed.strip(), typed + char
            page.keyboard.type(char)
            if typed.strip() and typed.strip() != before:
                found = page.evaluate(OURS_SHOWN, [typed.strip(), TIMEOUT_MS])
                samples.append(_sample(found["shown"] - found["key"], found["phases"]))
    return samples


def _ours_open(browser: Any, base: str, query: str) -> dict[str, float]:
    """Open ``cari/?q=`` in a fresh context: navigation start to the results shown."""
    with _page(browser) as page:
        page.add_init_script(OURS_PROBE)
        page.goto(f"{base}/cari/?q={quote(query)}")
        found = page.evaluate(OURS_SHOWN, [query, TIMEOUT_MS])
        sample = _sample(found["shown"], found["phases"])
        sample["before"] = found["start"]  # navigation start to the query's start
        sample["other"] -= found["start"]
        return sample


def _pagefind_typing(browser: Any, base: str, query: str) -> list[float]:
    """Pagefind in a fresh context after ``init()``: each prefix of `query` in turn."""
    with _page(browser) as page:
        page.goto(f"{base}/probe.html")
        return page.evaluate(PAGEFIND_WARM, [prefixes(query), SHOWN])


def _sample(total: float, phases: dict[str, float]) -> dict[str, float]:
    sample = {phase: phases.get(phase, 0.0) for phase in PHASES}
    sample["total"] = total
    sample["other"] = total - sum(sample[phase] for phase in PHASES)
    return sample


def phase_summary(samples: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Per phase (and total): mean, median and p95 over the samples, in ms."""
    names = [name for name in (*PHASES, "before", "other", "total") if samples and name in samples[0]]
    return {
        name: {
            "mean": statistics.fmean(s[name] for s in samples),
            "p50": percentile([s[name] for s in samples], 0.5),
            "p95": percentile([s[name] for s in samples], 0.95),
        }
        for name in names
    }


@contextmanager
def _page(browser: Any) -> Iterator[Any]:
    """A page in a fresh context: a cold HTTP cache and a fresh engine every time."""
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()
