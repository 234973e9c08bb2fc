"""The devserver session's search work: "serupa" and the browser index in a child process
that can be stopped, and the Whoosh index brought up to date behind the editor's back.

Both depend on the whole corpus (an edit changes the idf of its terms and the average
field lengths, which can move any entry's neighbours and change any shard), so a session
computes them from every analysed document, as a clean build does (`katalog.site.related`),
with the same functions. What differs is where they run:

- `Relating` forks a process that writes the browser index into the pass's staging folder
  and sends back the "serupa" lists and the files' records. A newer save stops it at once
  (`Relating.result` kills it), which a computation in the session's own thread could not.
  (Pages are rendered after it: every article's fingerprint includes its "serupa" list, so
  a page rendered before would be recorded under a key no clean build computes.)
- `IndexUpdates` runs `related.start_index_update` one at a time, for the latest
  documents only, on a thread of its own: `katalog search` answers from the edited content
  a few seconds after the page shows it, and a failure is logged, never shown as a build
  error (the site itself is fine).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import traceback
from collections.abc import Callable, Mapping
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from katalog.content.taxonomy import Taxonomy
from katalog.errors import KatalogError
from katalog.processes import die_with_parent
from katalog.search.browserindex import CLIENT_DIR, export_statistics
from katalog.search.documents import IndexedDoc
from katalog.search.ranking import MemoryStatistics
from katalog.search.similarity import similar_documents
from katalog.site.lock import build_lock
from katalog.site.outputs import OutputPlan
from katalog.site.related import finish_index_update, start_index_update

logger = logging.getLogger("katalog")
FOLDER = CLIENT_DIR.as_posix()
POLL = 0.05  # seconds between looks at whether a newer save is waiting


class Superseded(Exception):  # noqa: N818 - not an error: newer changes are waiting
    """The pass stopped because newer saves are waiting; the next pass covers them."""


Related = dict[str, list[str]]
Records = dict[str, tuple[bytes, tuple[str, ...] | None]]


def relate(
    docs: list[IndexedDoc], taxonomy: Taxonomy, plan: OutputPlan, agencies: Mapping[str, str] | None = None
) -> tuple[Related, Records, set[str]]:
    """The "serupa" lists of `docs`, and the browser index written through `plan`: the
    records and kept names of its files (as `related.index_and_relate` computes them)."""
    stats = MemoryStatistics([doc.analysed for doc in docs])

    def write(name: str, data: bytes) -> None:
        plan.write_bytes(f"{FOLDER}/{name}", data)

    export_statistics(
        stats, {number: doc.fields for number, doc in enumerate(docs)}, taxonomy, write, agencies
    )
    related = similar_documents(stats, {number: doc.slug for number, doc in enumerate(docs)})
    files = {name: value for name, value in plan.outputs.items() if name.startswith(f"{FOLDER}/")}
    return related, files, {name for name in plan.kept if name.startswith(f"{FOLDER}/")}


def _child(
    docs: list[IndexedDoc],
    taxonomy: Taxonomy,
    plan: OutputPlan,
    agencies: Mapping[str, str] | None,
    parent: int,
    channel: Connection,
) -> None:
    die_with_parent(parent)
    try:
        channel.send(("ok", relate(docs, taxonomy, plan, agencies)))
    except BaseException:  # the parent raises it: a programmer error, with its traceback
        channel.send(("error", traceback.format_exc()))
    channel.close()


class Relating:
    """`relate` running in a forked process (or at once, where processes cannot fork)."""

    def __init__(
        self,
        docs: list[IndexedDoc],
        taxonomy: Taxonomy,
        plan: OutputPlan,
        agencies: Mapping[str, str] | None = None,
    ) -> None:
        self._done: tuple[Related, Records, set[str]] | None = None
        self._process: BaseProcess | None = None
        if "fork" not in multiprocessing.get_all_start_methods():
            self._done = relate(docs, taxonomy, plan, agencies)
            return
        receiving, sending = multiprocessing.Pipe(duplex=False)
        self._process = multiprocessing.get_context("fork").Process(
            target=_child, args=(docs, taxonomy, plan, agencies, os.getpid(), sending), name="katalog-serupa"
        )
        self._process.start()
        sending.close()
        self._channel = receiving

    def result(self, interrupted: Callable[[], bool]) -> tuple[Related, Records, set[str]]:
        """Wait for the lists and records; kill the process and raise `Superseded` as soon as
        `interrupted()` says newer saves are waiting."""
        if self._done is not None:
            return self._done
        try:
            kind, value = self._receive(interrupted)
        except BaseException:
            self.stop()
            raise
        if self._process is not None:
            self._process.join()
        if kind != "ok":
            msg = f"'serupa' dan indeks peramban gagal dihitung:\n{value}"
            raise RuntimeError(msg)
        self._done = value
        return value

    def _receive(self, interrupted: Callable[[], bool]) -> tuple[str, Any]:
        while not self._channel.poll(POLL):
            if interrupted():
                raise Superseded
            if self._process is not None and not self._process.is_alive() and not self._channel.poll():
                msg = f"proses 'serupa' berhenti tanpa hasil (kode keluar {self._process.exitcode})"
                raise KatalogError(msg)
        return self._channel.recv()

    def stop(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.kill()
        if self._process is not None:
            self._process.join()
        self._channel.close()


class IndexUpdates:
    """Whoosh updates on a thread of their own: one at a time, only the latest documents."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._pending: tuple[list[IndexedDoc], Path] | None = None
        self._busy = False
        self._running = False  # a thread is taking updates (set and cleared under the lock)

    def submit(self, docs: list[IndexedDoc], folder: Path) -> None:
        """Bring the index in `folder` to `docs` (replacing an update not yet started)."""
        with self._lock:
            self._pending = (list(docs), folder)
            if not self._running:
                self._running = True
                threading.Thread(target=self._run, name="katalog-whoosh-updates", daemon=True).start()

    def wait(self) -> None:
        """Until every submitted update is written (before a full build takes the index)."""
        with self._lock:
            while self._pending is not None or self._busy:
                self._lock.wait()

    @property
    def idle(self) -> bool:
        with self._lock:
            return self._pending is None and not self._busy

    def _run(self) -> None:
        while True:
            with self._lock:
                if self._pending is None:
                    self._running = False
                    return
                (docs, folder), self._pending = self._pending, None
                self._busy = True
            try:
                _write_index(docs, folder)
            except Exception:
                logger.exception("katalog: indeks pencarian gagal diperbarui")
            finally:
                with self._lock:
                    self._busy = False
                    self._lock.notify_all()


def _write_index(docs: list[IndexedDoc], folder: Path) -> None:
    """Under the index's build lock (as `katalog.site.build.build` takes it)."""
    with build_lock([folder.with_name(folder.name + ".lock")]):
        holder: Any = SimpleNamespace(index_writer=start_index_update(docs, folder))
        finish_index_update(holder)
