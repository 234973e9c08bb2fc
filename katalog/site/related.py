"""Build-time search work: the Whoosh index, the browser's index and "Inovasi serupa".

Runs after every file is read and validated and before any page is written. The terms
were analysed while reading (`reading.read_all`), so nothing here analyses text again:
the browser index and "Inovasi serupa" are computed from those terms in memory
(`ranking.MemoryStatistics`, equal to the statistics Whoosh would give), while a second
process brings the Whoosh index of `katalog search` up to date from the same terms. That
writer runs beside the page rendering; the build waits for it before it finishes.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from katalog.content.facets import Link
from katalog.errors import KatalogError
from katalog.processes import die_with_parent
from katalog.search.browserindex import CLIENT_DIR, export_statistics
from katalog.search.documents import IndexedDoc
from katalog.search.index import update_index_with
from katalog.search.ranking import MemoryStatistics
from katalog.search.similarity import similar_documents
from katalog.site import cache, outputs
from katalog.site.cache import index_dir
from katalog.site.state import BuildState, taxonomy_path

logger = logging.getLogger(__name__)
RELATED_FILE = "related.pickle"  # in the build cache: the last corpus key, "serupa" lists, export files


def corpus_key(docs: list[IndexedDoc], taxonomy_file: Path) -> str:
    """Everything the browser index and "Inovasi serupa" depend on: each document's content
    hash (model, body, facets, URL, analyzer), their order-free set, and the taxonomy's labels."""
    digest = hashlib.blake2b(digest_size=16)
    for content in sorted(doc.fields["content_hash"] for doc in docs):
        digest.update(content.encode() + b"\0")
    digest.update(taxonomy_file.read_bytes() if taxonomy_file.is_file() else b"")
    return digest.hexdigest()


def index_and_relate(articles: list[Any], state: BuildState, settings: dict[str, Any]) -> None:
    """Start updating the Whoosh index, export the browser index, give articles `similar`.

    When no document changed since the last build (same corpus key), the last build's
    "serupa" lists are reused and its browser-index files kept as they are.
    """
    state.index_writer = start_index_update(state.indexed, index_dir(settings))
    plan, folder = outputs.required_plan(settings), CLIENT_DIR.as_posix()
    key = corpus_key(state.indexed, taxonomy_path(settings))
    remembered = cache.cache_dir(settings) / RELATED_FILE
    stored = cache.load(remembered, cache.code_version())
    if stored is not None and stored[0] == key and all(plan.can_keep(n, k) for n, k in stored[2].items()):
        related, files = stored[1], stored[2]
        for name, file_key in files.items():
            plan.keep(name, file_key)
    else:
        stats = MemoryStatistics([doc.analysed for doc in state.indexed])
        fields = {number: doc.fields for number, doc in enumerate(state.indexed)}

        def write(name: str, data: bytes) -> None:
            plan.write_bytes(f"{folder}/{name}", data)

        export_statistics(stats, fields, state.taxonomy, write)
        related = similar_documents(stats, {number: doc.slug for number, doc in enumerate(state.indexed)})
        files = {name: value[0] for name, value in plan.outputs.items() if name.startswith(f"{folder}/")}
        cache.save(remembered, cache.code_version(), (key, related, files))
    by_slug = {a.slug: a for a in articles}
    for slug, article in by_slug.items():
        article.similar = [
            Link(other, by_slug[other].innovation.title, f"inovasi/{other}/")
            for other in related.get(slug, [])
            if other in by_slug
        ]


def _update(docs: list[IndexedDoc], folder: Path, parent: int, channel: Connection) -> None:
    """The forked writer: update the index, tell the build whether it had to repair it."""
    die_with_parent(parent)  # a killed build leaves no writer behind
    report = update_index_with(docs, folder)
    logger.info("katalog: indeks %s", report)
    channel.send(report.repaired)
    channel.close()


@dataclass
class IndexWriter:
    """The index update running beside page rendering (or already done, without fork)."""

    folder: Path
    process: BaseProcess | None = None
    channel: Connection | None = None
    repaired: str = ""


def start_index_update(docs: list[IndexedDoc], folder: Path) -> IndexWriter:
    """Update the index in a forked process (which shares `docs` without copying them);
    where processes cannot fork, update it here."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return IndexWriter(folder, repaired=update_index_with(docs, folder).repaired)
    receiving, sending = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.get_context("fork").Process(
        target=_update, args=(docs, folder, os.getpid(), sending), name="katalog-whoosh"
    )
    process.start()
    sending.close()
    return IndexWriter(folder, process, receiving)


def finish_index_update(state: BuildState) -> None:
    """Wait for the index writer; a writer that failed fails the build (its error is above).

    A damaged index that the writer discarded and rebuilt is worth one warning line.
    """
    writer, state.index_writer = state.index_writer, None
    if writer is None:
        return
    if writer.process is not None and writer.channel is not None:
        repaired = writer.channel.recv() if writer.channel.poll(None) else ""
        writer.process.join()
        code = writer.process.exitcode
        if code != 0:
            msg = f"indeks pencarian gagal diperbarui (kode keluar {code}); lihat galat di atas"
            raise KatalogError(msg)
        writer.repaired = repaired
    if writer.repaired:
        logger.warning(
            "katalog: indeks pencarian di '%s' rusak (%s); dibuang dan dibangun ulang",
            writer.folder,
            writer.repaired,
        )
