"""Validate a member's records as local content is validated, one record at a time.

A record is the JSON a catalogue publishes for one entry (`katalog.site.export.record`):
the model's fields, then its envelope (`origin_url`, `modified`, the body). The model's
fields go through the very `Innovation` model local files go through (strict, JSON mode:
``"2017"`` is no year, an ISO date string is a date), with the *member's own* vocabularies
(published in its manifest) as the taxonomy: its units are its own, not the network's.
Messages are `katalog check`'s (`validate.describe_errors`), placed as ``record N: field:
message`` (N counts from 1, in the member's file).

An invalid record is skipped and the rest are kept. A record whose canonical page is not
under the member's own address is refused: no member may publish another's entries (nor
re-publish what it harvested itself). Drafts are left out, as a published site leaves them.
A `based_on` naming no other kept record of the member is dropped, and said so; one naming
another catalogue's page by its URL is kept as it is (the network resolves it).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from katalog.content.model import Innovation, names_url
from katalog.content.taxonomy import DRAFT_STATUS, Taxonomy
from katalog.content.validate import describe_errors
from katalog.network.members import is_under

MODEL_KEYS = frozenset(Innovation.model_fields)
# The envelope as stored in a snapshot; `url` (the page on the member's site when it is not
# the canonical one) and `agency` (the manifest's is the member's) are not kept.
STORED_ENVELOPE = ("origin_url", "modified", "body_markdown", "body_html")


@dataclass
class CheckedRecords:
    records: list[dict[str, Any]] = field(default_factory=list)  # model dump + `STORED_ENVELOPE`
    problems: list[str] = field(default_factory=list)  # "record N: field: message"
    drafts: int = 0


def check_records(data: object, member_url: str, taxonomy: Taxonomy) -> CheckedRecords:
    """Every valid, published record of `data` (a member's parsed inovasi.json)."""
    checked = CheckedRecords()
    if not isinstance(data, list):
        checked.problems.append("rekaman: harus berupa larik JSON, satu objek per inovasi")
        return checked
    first_of: dict[str, int] = {}
    numbers: list[int] = []
    for number, item in enumerate(data, 1):
        innovation, problems = _checked(item, member_url, taxonomy)
        if innovation is None or problems:
            checked.problems.extend(f"record {number}: {where}: {message}" for where, message in problems)
            continue
        stored = _stored(item, innovation)
        if stored["status"] == DRAFT_STATUS:
            checked.drafts += 1
            continue
        slug = stored["slug"]
        if slug in first_of:
            checked.problems.append(f"record {number}: slug: '{slug}' sudah dipakai record {first_of[slug]}")
            continue
        first_of[slug] = number
        checked.records.append(stored)
        numbers.append(number)
    for number, stored in zip(numbers, checked.records, strict=True):
        original = stored.get("based_on")
        if original is None or names_url(original):
            continue
        if original not in first_of or original == stored["slug"]:
            checked.problems.append(
                f"record {number}: based_on: '{original}' bukan slug entri lain anggota ini; diabaikan"
            )
            stored["based_on"] = None
    return checked


def _checked(
    item: object, member_url: str, taxonomy: Taxonomy
) -> tuple[Innovation | None, list[tuple[str, str]]]:
    """The record's model (None when invalid) and (field, message) of all that is wrong."""
    if not isinstance(item, dict):
        return None, [("rekaman", "harus berupa objek JSON")]
    problems: list[tuple[str, str]] = []
    innovation = None
    try:
        model = {key: value for key, value in item.items() if key in MODEL_KEYS}
        innovation = Innovation.model_validate_json(json.dumps(model), context={"taxonomy": taxonomy})
    except ValidationError as exc:
        problems.extend((name, message) for _, name, message in describe_errors(exc))
    problems.extend(_envelope_problems(item, member_url))
    return innovation, problems


def _envelope_problems(item: dict[str, Any], member_url: str) -> Iterator[tuple[str, str]]:
    origin = item.get("origin_url")
    if not isinstance(origin, str):
        yield "origin_url", "wajib diisi: alamat halaman entri di situs anggota"
    elif not is_under(origin, member_url):
        outside = f"'{origin[:200]}' bukan alamat di bawah {member_url}"
        yield "origin_url", f"{outside}; anggota hanya boleh menerbitkan entrinya sendiri"
    modified = item.get("modified")
    if not isinstance(modified, str) or _aware(modified) is None:
        yield "modified", "wajib berupa waktu ISO 8601 dengan zona waktu, mis. 2024-05-01T10:00:00+07:00"
    for key in ("body_markdown", "body_html"):
        if not isinstance(item.get(key), str):
            yield key, "wajib berupa teks"
    if isinstance(item.get("body_html"), str) and not item["body_html"].strip():
        yield "body_html", "uraian kosong"


def _stored(item: dict[str, Any], innovation: Innovation) -> dict[str, Any]:
    """The record as a snapshot keeps it: the model's canonical dump (the member's own
    spellings), the effective slug, and the envelope."""
    stored = innovation.model_dump(mode="json")
    stored["slug"] = innovation.effective_slug
    stored.update({key: item[key] for key in STORED_ENVELOPE})
    return stored


def _aware(text: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
