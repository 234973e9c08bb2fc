"""What keeps a large build's memory bounded (issue 12), pinned to its plain definitions.

The analysed fields are held compact (`documents.Analysed`), the Whoosh writer is forked at
the start of the build and sent its documents (`related.prepare_index_update`), and
`bench.measure` sums the proportional set sizes of a build's processes.
"""

from __future__ import annotations

import multiprocessing
import pickle
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from bench.measure import run_measured
from katalog.content.checking import check_files, collect_files
from katalog.content.taxonomy import Taxonomy
from katalog.errors import ContentError
from katalog.search.documents import Analysed, build_schema, indexed_document
from katalog.search.index import update_index_with
from katalog.search.postings import FieldPostings
from katalog.search.query import open_index
from katalog.site.related import _for_writer

from .conftest import FIXTURES, build_site


def test_analysed_keeps_its_terms_and_counts() -> None:
    terms, freqs = ("layan", "adu", "pelayanan-publik"), (3, 1, 70_000)
    analysed = Analysed(terms, freqs)
    assert (analysed.terms, analysed.freqs, analysed.length) == (terms, freqs, 70_004)
    assert analysed.as_dict() == {"layan": 3, "adu": 1, "pelayanan-publik": 70_000}
    again = pickle.loads(pickle.dumps(analysed))
    assert again == analysed
    assert (again.terms, again.freqs, again.length) == (terms, freqs, 70_004)
    assert Analysed((), ()).terms == ()
    assert Analysed((), ()).length == 0
    assert analysed != Analysed(("layan", "adu"), (3, 1))


@pytest.mark.parametrize("terms", [("a\0b",), ("",), ("a", "b\0")])
def test_analysed_refuses_a_term_it_could_not_give_back(terms: tuple[str, ...]) -> None:
    with pytest.raises(ValueError, match="empty or holds"):
        Analysed(terms, [1] * len(terms))


def test_analysed_holds_far_fewer_bytes_than_tuples() -> None:
    terms = tuple(f"kata{n}" for n in range(1000, 1080))
    freqs = tuple(range(300, 380))  # not the interpreter's cached small ints
    _, (text, counts, _) = Analysed(terms, freqs).__reduce__()  # type: ignore[misc]
    compact = sys.getsizeof(text) + sys.getsizeof(counts)
    plain = sum(map(sys.getsizeof, (terms, freqs, *terms, *freqs)))
    assert compact < plain * 0.25


def test_the_writer_builds_the_same_index_from_32_bit_postings(tmp_path: Path, taxonomy: Taxonomy) -> None:
    """The arrays the early writer is sent (`related._for_writer`) give the index the
    documents give."""
    entries = check_files(collect_files([FIXTURES / "site" / "inovasi"]), taxonomy).entries
    schema = build_schema()
    docs = [indexed_document(e, taxonomy, schema) for e in entries]
    names = list(docs[0].analysed)
    sent = {
        name: _for_writer(FieldPostings.of_documents([d.analysed for d in docs], name, [0] * len(docs)))
        for name in names
    }
    assert all(arrays.docs.dtype == np.int32 for arrays in sent.values())
    update_index_with(docs, tmp_path / "from-docs")
    update_index_with(docs, tmp_path / "from-arrays", sent)

    def postings(folder: Path) -> dict[tuple[str, bytes], list[tuple[int, float]]]:
        found = {}
        with open_index(folder).searcher() as searcher:
            reader = searcher.reader()
            for field, text in reader.all_terms():
                matcher, listed = reader.postings(field, text), []
                while matcher.is_active():
                    listed.append((matcher.id(), matcher.weight()))
                    matcher.next()
                found[(field, text)] = listed
        return found

    theirs = postings(tmp_path / "from-docs")
    assert postings(tmp_path / "from-arrays") == theirs
    assert len(theirs) > 100


def test_a_failed_build_leaves_no_writer_waiting(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "site", content)
    shutil.copy(FIXTURES / "bad" / "year-wrong-type.md", content / "inovasi" / "rusak.md")
    with pytest.raises(ContentError):
        build_site(content, tmp_path / "output")
    assert [p.name for p in multiprocessing.active_children()] == []


def test_a_build_writes_its_index_from_the_early_writer(tmp_path: Path) -> None:
    report = build_site(FIXTURES / "site", tmp_path / "output")
    with open_index(tmp_path / ".katalog-whoosh").searcher() as searcher:
        assert searcher.doc_count() == report.entries == 3
    assert [p.name for p in multiprocessing.active_children()] == []


def test_memory_is_summed_over_the_process_tree_counting_shared_pages_once() -> None:
    """A child forked after touching 120 MB shares it: the sum of PSS counts it once."""
    code = (
        "import os, time\n"
        "x = bytearray(120 * 2**20)\n"
        "for i in range(0, len(x), 4096): x[i] = 1\n"
        "if os.fork() == 0:\n"
        "    time.sleep(0.6)\n"
        "    os._exit(0)\n"
        "os.wait()\n"
    )
    measured = run_measured([sys.executable, "-c", code])
    if measured.pss_mib is None:
        pytest.skip("no /proc/<pid>/smaps_rollup here")
    assert 110 < measured.pss_mib < 180  # once, not twice (a sum of RSS would be ~250)
    assert measured.peak_mib > 110


def _postings_by_slug(folder: Path) -> dict[tuple[str, bytes], list[tuple[str, float]]]:
    """Every live posting of the index in `folder`, documents named by slug."""
    found = {}
    with open_index(folder).searcher() as searcher:
        reader = searcher.reader()
        slug_of = {doc: searcher.stored_fields(doc)["slug"] for doc in reader.all_doc_ids()}
        for field, text in reader.all_terms():
            listed = []
            matcher = reader.postings(field, text)
            while matcher.is_active():
                if matcher.id() in slug_of:
                    listed.append((slug_of[matcher.id()], matcher.weight()))
                matcher.next()
            if listed:
                found[(field, text)] = sorted(listed)
    return found


def test_an_update_takes_the_terms_it_rewrites_back_out_of_the_postings(tmp_path: Path) -> None:
    """The writer gets documents without their terms (`related._lengths_only`); an edited
    and an added entry are indexed with the terms the postings give back, as a clean build
    indexes them."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "site", content)
    build_site(content, tmp_path / "output")
    simpel = content / "inovasi" / "simpel.md"
    text = simpel.read_text(encoding="utf-8")
    simpel.write_text(text.replace("diterbitkan secara daring", "diterbitkan lewat aplikasi ponsel"), "utf-8")
    twin = text.replace("title: SIMPEL", "title: Kembaran Baru").replace(
        "slug: simpel", "slug: kembaran-baru"
    )
    (content / "inovasi" / "kembaran-baru.md").write_text(twin, encoding="utf-8")
    build_site(content, tmp_path / "output")
    clean = tmp_path / "clean"
    clean.mkdir()
    build_site(content, clean / "output")
    updated = _postings_by_slug(tmp_path / ".katalog-whoosh")
    assert updated == _postings_by_slug(clean / ".katalog-whoosh")
    assert any(slug == "kembaran-baru" for found in updated.values() for slug, _ in found)
    assert ("summary", b"ponsel") in updated
