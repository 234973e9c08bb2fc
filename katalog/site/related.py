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
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import numpy as np

from katalog.content.facets import Link
from katalog.content.taxonomy import Taxonomy
from katalog.errors import KatalogError
from katalog.processes import die_with_parent
from katalog.search.browserindex import CLIENT_DIR, export_statistics
from katalog.search.documents import ANALYSED_FIELDS, IndexedDoc, LengthOnly
from katalog.search.index import Postings, update_index_with
from katalog.search.postings import FieldPostings
from katalog.search.ranking import MemoryStatistics
from katalog.search.similarity import similar_documents
from katalog.site import cache, outputs
from katalog.site.cache import index_dir
from katalog.site.state import BuildState, taxonomy_path

logger = logging.getLogger(__name__)
RELATED_FILE = "related.pickle"  # in the build cache: the last corpus key, "serupa" lists, export files


def corpus_key(
    docs: list[IndexedDoc],
    taxonomy_file: Path,
    facet_taxonomy: Taxonomy | None = None,
    agencies: Mapping[str, str] | None = None,
) -> str:
    """Everything the browser index and "Inovasi serupa" depend on: each document's content
    hash (model, body, facets, URL, analyzer), their order-free set, and the taxonomy's labels
    (in a network, its members' too: `facet_taxonomy`, and its agencies' names)."""
    digest = hashlib.blake2b(digest_size=16)
    for content in sorted(doc.fields["content_hash"] for doc in docs):
        digest.update(content.encode() + b"\0")
    digest.update(taxonomy_file.read_bytes() if taxonomy_file.is_file() else b"")
    if facet_taxonomy is not None:
        digest.update(repr(facet_taxonomy).encode())
    if agencies:
        digest.update(repr(sorted(agencies.items())).encode())
    return digest.hexdigest()


def index_and_relate(articles: list[Any], state: BuildState, settings: dict[str, Any]) -> None:
    """Start updating the Whoosh index, export the browser index, give articles `similar`.

    When no document changed since the last build (same corpus key), the last build's
    "serupa" lists are reused and its browser-index files kept as they are. Otherwise the
    postings of every analysed field are gathered once, and the writer
    (`index._KnownPostings`), the browser index and "serupa" all read the same arrays. The
    writer was forked at the start of the build (`prepare_index_update`) and is sent them
    here, with the documents.
    """
    plan, folder = outputs.required_plan(settings), CLIENT_DIR.as_posix()
    key = corpus_key(
        state.indexed, taxonomy_path(settings), state.network and state.network.taxonomy, state.agencies
    )
    remembered = cache.cache_dir(settings) / RELATED_FILE
    stored = cache.load(remembered, cache.code_version())
    if stored is not None and stored[0] == key and all(plan.can_keep(n, k) for n, k in stored[2].items()):
        state.index_writer = start_index_update(
            state.indexed, index_dir(settings), prepared=state.index_writer
        )
        related, files = stored[1], stored[2]
        for name, file_key in files.items():
            plan.keep(name, file_key)
    else:
        stats = MemoryStatistics([doc.analysed for doc in state.indexed])
        postings = {name: stats.field_postings(name) for name in ANALYSED_FIELDS}
        state.index_writer = start_index_update(
            state.indexed, index_dir(settings), postings, prepared=state.index_writer
        )
        fields = {number: doc.fields for number, doc in enumerate(state.indexed)}

        def write(name: str, data: bytes) -> None:
            plan.write_bytes(f"{folder}/{name}", data)

        export_statistics(stats, fields, state.facet_taxonomy, write, state.agencies)
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


def _update(
    docs: list[IndexedDoc], folder: Path, postings: Postings | None, parent: int, channel: Connection
) -> None:
    """The forked writer: update the index, tell the build whether it had to repair it."""
    die_with_parent(parent)  # a killed build leaves no writer behind
    report = update_index_with(docs, folder, postings)
    logger.info("katalog: indeks %s", report)
    channel.send(report.repaired)
    channel.close()


@dataclass
class IndexWriter:
    """The index update running beside page rendering (or already done, without fork).

    A writer forked early (`prepare_index_update`) waits for its documents on `documents`
    until `start_index_update` sends them.
    """

    folder: Path
    process: BaseProcess | None = None
    channel: Connection | None = None
    repaired: str = ""
    documents: Connection | None = None


DOCS_PER_MESSAGE = 500  # documents pickled at once when sent to an early writer


def prepare_index_update(folder: Path) -> IndexWriter | None:
    """Fork the index writer at the start of a build, to be handed its documents later
    (`start_index_update`); None where processes cannot fork.

    Forked at the start, the writer shares only the imported modules with the build. Forked
    after reading, it shared every entry, model and page object copy-on-write, and as both
    processes touched them (a reference count is a write) the pages were copied one by
    one: at 10,000 entries, the build's whole heap twice over. Now it holds only what it
    is sent: the documents and the postings arrays.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    documents_in, documents_out = multiprocessing.Pipe(duplex=False)
    receiving, sending = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.get_context("fork").Process(
        target=_wait_for_documents,
        args=(folder, os.getpid(), documents_in, documents_out, sending),
        name="katalog-whoosh",
    )
    process.start()
    documents_in.close()
    sending.close()
    return IndexWriter(folder, process, receiving, documents=documents_out)


def _wait_for_documents(
    folder: Path, parent: int, documents: Connection, own_copy: Connection, channel: Connection
) -> None:
    """The early writer: receive the documents (in parts, so neither side holds one pickle
    of them all), then update as `_update`; nothing when the build stopped before sending."""
    die_with_parent(parent)
    own_copy.close()  # the sending end, inherited: else the build closing its own is no end
    docs: list[IndexedDoc] = []
    postings: dict[str, FieldPostings] | None = None
    try:
        while (message := documents.recv()) is not None:
            kind, value = message
            if kind == "docs":
                docs.extend(value)
            else:
                name, arrays = value
                postings = postings or {}
                postings[name] = arrays
    except EOFError:
        return  # the build stopped before its documents were ready: nothing to write
    documents.close()
    _update(docs, folder, postings, parent, channel)


def start_index_update(
    docs: list[IndexedDoc],
    folder: Path,
    postings: Postings | None = None,
    prepared: IndexWriter | None = None,
) -> IndexWriter:
    """Update the index in the writer `prepare_index_update` forked (`prepared`), or in a
    process forked now (which shares `docs` and `postings`, the analysed fields' postings
    when already gathered, without copying them); where processes cannot fork, here."""
    if prepared is not None and prepared.documents is not None:
        sending, prepared.documents = prepared.documents, None
        # With the postings sent, the documents need not carry their terms a second time:
        # the writer takes back out of the arrays those of the few an update rewrites.
        light = postings is not None and len({doc.slug for doc in docs}) == len(docs)
        for start in range(0, len(docs), DOCS_PER_MESSAGE):
            part = docs[start : start + DOCS_PER_MESSAGE]
            sending.send(("docs", [_lengths_only(doc) for doc in part] if light else part))
        for name, arrays in (postings or {}).items():
            sending.send(("postings", (name, _for_writer(arrays))))
        sending.send(None)
        sending.close()
        return prepared
    if "fork" not in multiprocessing.get_all_start_methods():
        return IndexWriter(folder, repaired=update_index_with(docs, folder, postings).repaired)
    receiving, sending = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.get_context("fork").Process(
        target=_update, args=(docs, folder, postings, os.getpid(), sending), name="katalog-whoosh"
    )
    process.start()
    sending.close()
    return IndexWriter(folder, process, receiving)


def _lengths_only(doc: IndexedDoc) -> IndexedDoc:
    lengths = {name: LengthOnly(analysed.length) for name, analysed in doc.analysed.items()}
    return IndexedDoc(doc.fields, lengths)  # type: ignore[arg-type] - what `index._with_terms` restores


def _for_writer(arrays: FieldPostings) -> FieldPostings:
    """What the writer reads of a field's postings (terms, their slices, documents and
    frequencies), documents and frequencies in 32 bits: half the bytes to send and hold."""
    return FieldPostings(
        arrays.terms,
        arrays.starts,
        arrays.docs.astype(np.int32),
        arrays.freqs.astype(np.int32),
        np.zeros(0, dtype=np.int64),  # the writer takes lengths from the documents
    )


def abandon_index_update(state: BuildState) -> None:
    """Stop a writer still waiting for its documents (the build failed before sending)."""
    writer = state.index_writer
    if isinstance(writer, IndexWriter) and writer.documents is not None:
        state.index_writer = None
        writer.documents.close()
        if writer.process is not None:
            writer.process.join()


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
