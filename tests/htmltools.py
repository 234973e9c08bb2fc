"""Tiny HTML helpers for tests (stdlib only): links, resources, text."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.resources: list[str] = []
        self.scripts = 0
        self.inline_scripts = 0
        self.handlers: list[str] = []
        self.text: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        # Resources the browser fetches; <link rel="canonical|alternate"> are only references.
        fetched_link = tag == "link" and (values.get("rel") or "") in {
            "stylesheet",
            "icon",
            "preload",
            "manifest",
        }
        if fetched_link or tag in {"img", "iframe", "source"}:
            self.resources.append(values.get("href") or values.get("src") or "")
        if tag == "script" and values.get("type") != "application/ld+json":  # data, never run
            self.scripts += 1
            if values.get("src"):
                self.resources.append(values["src"] or "")
            else:
                self.inline_scripts += 1
        self.handlers.extend(name for name, _ in attrs if name.startswith("on"))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def resolve(page: Path, href: str, root: Path) -> Path:
    """The file a relative link on `page` points to (directory links end in index.html)."""
    target = (page.parent / href.split("#")[0]).resolve()
    if target.is_dir() or href.endswith("/"):
        target = target / "index.html"
    return target
