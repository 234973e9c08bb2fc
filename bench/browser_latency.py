"""Search latency in Chromium, ours (``cari/``) against Pagefind's, for ``bench/run.py``.

Four timings per round, each engine in fresh browser contexts (a cold HTTP cache):

- **typing** (``*_type``): a fresh ``cari/`` page per query, loaded and its engine ready;
  the query is typed into the search box at `TYPING_DELAY_MS` a key (a fast typist, about
  80 words a minute), and each key that changes the query is timed from its ``keydown``
  (the event's own time stamp) to the live status first showing the results of that
  query or of a later key (a key whose results come after the next key's never shows them:
  the wait until the next update is its time). Pagefind, in a fresh page after ``init()``:
  ``search()`` of the same prefixes at the same pace, each then ``data()`` of the results a
  list would show, timed the same way.
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
TYPING_DELAY_MS = 150  # between keys
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
        const detail = entry.detail || {};
        probe.measures.push({ name: entry.name.slice(5), start: entry.startTime, duration: entry.duration,
                              query: detail.query, waited: detail.waited });
      }
    }
  }).observe({ type: "measure", buffered: true });
  // Watched from the moment the parser inserts it: on cari/ the script runs before
  // DOMContentLoaded, and a query without results can be shown before that.
  const watch = (status) => new MutationObserver(() => {
    if (status.textContent) { probe.shown.push([performance.now(), status.textContent]); }
  }).observe(status, { childList: true, characterData: true, subtree: true });
  const inserted = new MutationObserver(() => {
    const status = document.getElementById("cari-status");
    if (status) { inserted.disconnect(); watch(status); }
  });
  inserted.observe(document, { childList: true, subtree: true });
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
      const waited = last.total.waited || [];
      resolve({ shown: shown[0], key: since, start: last.total.start, phases, waited });
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
# Pagefind after init(): each prefix searched at the typing pace; per prefix, the time to
# the first results ready of it or of a later prefix.
PAGEFIND_TYPE = """async ([queries, shown, delay]) => {
  const pagefind = await import("/pagefind/pagefind.js");
  await pagefind.init();
  const started = [], done = [];
  await Promise.all(queries.map((query, i) => new Promise((r) => setTimeout(r, i * delay)).then(async () => {
    started[i] = performance.now();
    const search = await pagefind.search(query);
    await Promise.all(search.results.slice(0, shown).map((r) => r.data()));
    done[i] = performance.now();
  })));
  return queries.map((query, i) => Math.min(...done.slice(i)) - started[i]);
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
    with _page(browser) as page:
        page.add_init_script(OURS_PROBE)
        page.goto(f"{base}/cari/")
        page.evaluate("window.KatalogCari.ready")
        page.focus("#cari-q")
        page.keyboard.type(query, delay=TYPING_DELAY_MS)
        page.evaluate(OURS_SHOWN, [query.strip(), TIMEOUT_MS])
        probe = page.evaluate("window.__katalogProbe")
    return typing_samples(query, probe["keys"], probe["shown"], probe["measures"])


def typing_samples(
    query: str, keys: list[float], shown: list[list[Any]], measures: list[dict[str, Any]]
) -> list[dict[str, float]]:
    """Per key that changes the query: keydown to the first status showing its query or a
    later one's; its phases when it was its own query that was shown (else none)."""
    values = [query[: i + 1].strip() for i in range(len(query))]
    changing = [i for i, v in enumerate(values) if v and (i == 0 or v != values[i - 1])]
    order = {values[i]: rank for rank, i in enumerate(changing)}
    samples = []
    for rank, i in enumerate(changing):
        later = {values[j] for j in changing[rank:]}
        found = next(
            (
                (time, value)
                for time, text in shown
                for value in later
                if time >= keys[i] and f"“{value}”" in text
            ),
            None,
        )
        if found is None:
            msg = f"no results shown after typing {values[i]!r}"
            raise RuntimeError(msg)
        time, value = found
        own = [m for m in measures if m["query"] == values[i]] if order[value] == rank else []
        last = {m["name"]: m for m in own}
        phases = {name: m["duration"] for name, m in last.items()}
        waited = last["total"].get("waited") or [] if "total" in last else []
        samples.append(_sample(time - keys[i], phases, waited))
    return samples


def _ours_open(browser: Any, base: str, query: str) -> dict[str, float]:
    """Open ``cari/?q=`` in a fresh context: navigation start to the results shown."""
    with _page(browser) as page:
        page.add_init_script(OURS_PROBE)
        page.goto(f"{base}/cari/?q={quote(query)}")
        found = page.evaluate(OURS_SHOWN, [query, TIMEOUT_MS])
        sample = _sample(found["shown"], found["phases"], found["waited"])
        sample["before"] = found["start"]  # navigation start to the query's start
        sample["other"] -= found["start"]
        return sample


def _pagefind_typing(browser: Any, base: str, query: str) -> list[float]:
    """Pagefind in a fresh context after ``init()``: each prefix of `query` in turn."""
    with _page(browser) as page:
        page.goto(f"{base}/probe.html")
        return page.evaluate(PAGEFIND_TYPE, [prefixes(query), SHOWN, TYPING_DELAY_MS])


def _sample(total: float, phases: dict[str, float], waited: list[str]) -> dict[str, float]:
    sample = {phase: phases.get(phase, 0.0) for phase in PHASES}
    sample["total"] = total
    sample["other"] = total - sum(sample[phase] for phase in PHASES)
    sample["downloads"] = float(len(waited))  # index files the query had to wait for
    sample["waited"] = 1.0 if waited else 0.0  # its mean: the share of queries that waited
    return sample


def phase_summary(samples: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Per phase (and total): mean, median and p95 over the samples, in ms; and the same of
    the files waited for (``downloads``) and of whether any was (``waited``)."""
    names = [
        name
        for name in (*PHASES, "before", "other", "total", "downloads", "waited")
        if samples and name in samples[0]
    ]
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
