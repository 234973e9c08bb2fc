"""Locust users for `bench/api_load.py`: agencies' systems calling `katalog api`.

Run by `bench.api_load` as ``locust -f bench/api_locustfile.py --headless ...``; the query
list and the think time come from the environment it sets (``KATALOG_LOAD_QUERIES``, a JSON
file, and ``KATALOG_LOAD_WAIT``, "MIN-MAX" seconds). Each user, like a system embedding the
catalogue's search, mostly searches (popular queries far more often than rare ones: the
list is ordered by popularity and drawn with Zipf weights), sometimes with a facet filter
or the second page, opens one of the results, now and then reads the facets, and
revalidates what it has seen with ``If-None-Match`` as an HTTP cache would. A 304 is a
success; anything but 200 or 304 is a failure.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from locust import FastHttpUser, between, task

_SETUP: dict[str, Any] = json.loads(Path(os.environ["KATALOG_LOAD_QUERIES"]).read_text(encoding="utf-8"))
QUERIES: list[str] = _SETUP["queries"]
WEIGHTS = [1 / (rank + 1) for rank in range(len(QUERIES))]  # Zipf, s = 1
FACETS: dict[str, list[str]] = _SETUP["facets"]  # facet -> its values, most frequent first
_LOW, _HIGH = (float(part) for part in os.environ.get("KATALOG_LOAD_WAIT", "0.5-1.5").split("-"))
FILTERED = 0.2  # share of searches with one facet filter
SECOND_PAGE = 0.1  # share of searches asking for the second page
REVALIDATE = 0.15  # share of requests for something the user has, sent with If-None-Match


class AgencySystem(FastHttpUser):
    wait_time = between(_LOW, _HIGH)

    def on_start(self) -> None:
        self.rng = random.Random()
        self.seen_slugs: list[str] = []
        self.etags: dict[str, str] = {}

    def _get(self, path: str, name: str) -> dict[str, Any] | None:
        headers = {"Accept-Encoding": "gzip"}
        known = self.etags.get(path)
        if known is not None and self.rng.random() < REVALIDATE:
            headers["If-None-Match"] = known
        with self.client.get(path, name=name, headers=headers, catch_response=True) as answer:
            if answer.status_code == 304:
                answer.success()
                return None
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code}: {answer.text[:200] if answer.text else ''}")
                return None
            tag = answer.headers.get("etag")
            if tag:
                self.etags[path] = tag
            return answer.json()

    @task(14)
    def search(self) -> None:
        params: dict[str, str | int] = {"q": self.rng.choices(QUERIES, WEIGHTS)[0]}
        if self.rng.random() < FILTERED:
            facet = self.rng.choice(sorted(FACETS))
            values = FACETS[facet]
            params[facet] = values[min(int(self.rng.expovariate(0.5)), len(values) - 1)]
        if self.rng.random() < SECOND_PAGE:
            params["offset"] = 10
        found = self._get(f"/api/v1/cari?{urlencode(params)}", "/api/v1/cari")
        if found:
            self.seen_slugs = [hit["slug"] for hit in found["hits"][:5]] or self.seen_slugs

    @task(5)
    def record(self) -> None:
        if self.seen_slugs:
            slug = self.rng.choice(self.seen_slugs)
            self._get(f"/api/v1/inovasi/{quote(slug)}", "/api/v1/inovasi/{slug}")

    @task(1)
    def facets(self) -> None:
        self._get("/api/v1/facets", "/api/v1/facets")
