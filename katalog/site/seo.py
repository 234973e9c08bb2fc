"""Machine-readable descriptions of an innovation page: canonical URL and schema.org JSON-LD."""

from __future__ import annotations

import datetime as dt
import json

from katalog.content.validate import Entry


def canonical_url(entry: Entry, public_url: str) -> str:
    """The entry's canonical page: its own page, or for a network's harvested entry the
    page on its agency's site (search engines then credit the original, not the copy)."""
    if entry.origin is not None:
        return entry.origin.url
    return f"{public_url.rstrip('/')}/inovasi/{entry.slug}/"


def json_ld(
    entry: Entry, public_url: str, modified: dt.datetime, agency: str = "", language: str = "id"
) -> str:
    """schema.org description, safe to place inside ``<script type="application/ld+json">``.

    ``<`` is escaped as ``\\u003c`` so no value can close the script element early.
    """
    innovation = entry.innovation
    data = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "name": innovation.title,
        "alternateName": innovation.expansion,
        "description": innovation.summary,
        "url": canonical_url(entry, public_url),
        "dateModified": modified.isoformat(),
        "inLanguage": language,
        "keywords": ", ".join(innovation.tags) or None,
        "provider": {
            "@type": "GovernmentOrganization",
            "name": innovation.unit or (entry.origin.agency if entry.origin else agency) or None,
        },
        "citation": list(innovation.sources),
    }
    if data["provider"]["name"] is None:  # type: ignore[index]
        data["provider"] = None
    clean = {k: v for k, v in data.items() if v is not None}
    return json.dumps(clean, ensure_ascii=False).replace("<", "\\u003c")
