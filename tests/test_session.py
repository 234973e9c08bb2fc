"""The devserver's session: after any sequence of edits, output/ equals a clean build.

Each scenario changes a copy of the real catalogue (30 entries, with `based_on` links, a
``{filename}`` link between entries, drafts and static pages), lets a `Session` bring its
output/ up to date in place, and compares it byte for byte with a clean `katalog build` of
the same content into a fresh folder (fresh cache, fresh index).
"""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import pytest
from pelican.generators import ArticlesGenerator

from katalog.errors import ContentError
from katalog.search.query import search
from katalog.site.build import build
from katalog.site.outputs import MANIFEST_FILE
from katalog.site.session import Session, scan_sources

from .conftest import ROOT, TAXONOMY, build_site
from .test_incremental import edit, files, tree

_clean_builds = itertools.count()


def overrides(content: Path, output: Path) -> dict[str, str]:
    return {
        "PATH": str(content.resolve()),
        "THEME": str(content.parent / "theme"),
        "KATALOG_INDEX_DIR": str(output.parent / ".katalog-whoosh"),
        "KATALOG_CACHE_DIR": str(output.parent / ".katalog-cache"),
    }


@pytest.fixture
def site(tmp_path: Path) -> tuple[Session, Path]:
    """A copy of the real content and theme, built once by a session: (session, content)."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    shutil.copytree(ROOT / "katalog" / "theme", tmp_path / "theme")
    output = tmp_path / "site" / "output"
    session = Session(ROOT / "pelicanconf.py", output, overrides(content, output))
    session.build()
    return session, content


def clean_build(content: Path) -> Path:
    """`katalog build` of `content` with the session's settings, into a fresh folder."""
    output = content.parent / f"clean-{next(_clean_builds)}" / "output"
    build(ROOT / "pelicanconf.py", output, overrides(content, output))
    return output


def assert_same_as_clean(session: Session, content: Path) -> None:
    clean, kept = tree(clean_build(content)), tree(session.output)
    assert sorted(kept) == sorted(clean)
    assert [name for name in clean if kept[name] != clean[name]] == []


def update(session: Session, *changed: Path) -> list[tuple[list[str] | None, bool]]:
    """One pass over `changed`; what it published, in order."""
    published: list[tuple[list[str] | None, bool]] = []
    report = session.update(list(changed), lambda names, complete: published.append((names, complete)))
    assert report is not None
    return published


def replace_line(key: str, value: str) -> object:
    return lambda text: re.sub(rf"(?m)^{key}: .*$", f"{key}: {value}", text)


def test_edits_to_title_unit_and_body_equal_a_clean_build(site: tuple[Session, Path]) -> None:
    session, content = site
    simpel, sigap, mantul = (content / "inovasi" / f"{n}.md" for n in ("simpel", "sigap", "mantul"))
    edit(simpel, replace_line("title", "Judul Baru Uji"))
    published = update(session, simpel)
    # The edited page first, on its own; then the rest of the site.
    assert published[0] == (["inovasi/simpel/index.html"], False)
    assert published[-1][1] is True and "index.html" in (published[-1][0] or [])
    assert "Judul Baru Uji" in (session.output / "index.html").read_text(encoding="utf-8")
    assert_same_as_clean(session, content)

    edit(sigap, replace_line("unit", "Biro Hubungan Masyarakat"))
    edit(mantul, lambda t: t.rstrip() + "\n\nKalimat tambahan untuk uji sesi.\n")
    update(session, sigap, mantul)
    assert_same_as_clean(session, content)


def test_a_new_slug_reaches_the_page_that_links_to_the_entry(site: tuple[Session, Path]) -> None:
    """c-skip's body links to ``{filename}c-mantap.md``: its page changes with that URL."""
    session, content = site
    edit(content / "inovasi" / "c-mantap.md", replace_line("slug", "c-mantap-baru"))
    update(session, content / "inovasi" / "c-mantap.md")
    assert "c-mantap-baru/" in (session.output / "inovasi" / "c-skip" / "index.html").read_text(
        encoding="utf-8"
    )
    assert not (session.output / "inovasi" / "c-mantap").exists()
    assert_same_as_clean(session, content)


def test_adding_and_deleting_entries_equal_a_clean_build(site: tuple[Session, Path]) -> None:
    session, content = site
    source = content / "inovasi" / "simpel.md"
    added = content / "inovasi" / "simpel-kedua.md"
    added.write_text(
        replace_line("slug", "simpel-kedua")(source.read_text(encoding="utf-8")), encoding="utf-8"
    )
    published = update(session, added)
    assert published[0] == (["inovasi/simpel-kedua/index.html"], False)
    assert_same_as_clean(session, content)
    added.unlink()
    (content / "inovasi" / "agentic-ai-analisis-kebijakan.md").unlink()
    update(session, added, content / "inovasi" / "agentic-ai-analisis-kebijakan.md")
    assert not (session.output / "inovasi" / "agentic-ai-analisis-kebijakan").exists()
    assert_same_as_clean(session, content)


def test_invalid_content_keeps_the_last_site_until_it_is_fixed(site: tuple[Session, Path]) -> None:
    session, content = site
    source = content / "inovasi" / "simpel.md"
    original = source.read_text(encoding="utf-8")
    edit(source, replace_line("title", "Judul Sementara"))
    published: list[object] = []
    session.update([source], lambda names, complete: published.append(names), lambda: True)  # superseded
    assert published == [["inovasi/simpel/index.html"]]  # shown, the rest not done yet
    before = tree(session.output)
    edit(source, replace_line("year", '"dua ribu"'))
    with pytest.raises(ContentError, match="year"):
        session.update([source])
    # The unfinished pass is undone as well: output/ is the last complete site again.
    assert tree(session.output) != before
    assert "Judul Sementara" not in (session.output / "inovasi" / "simpel" / "index.html").read_text()
    with pytest.raises(ContentError, match="year"):
        session.update([])  # still invalid, whatever else is saved
    source.write_text(original.replace("year: 2017", "year: 2018"), encoding="utf-8")
    update(session, source)
    assert_same_as_clean(session, content)


def test_clashing_slugs_and_lost_originals_stop_a_pass(site: tuple[Session, Path]) -> None:
    session, content = site
    source = content / "inovasi" / "simpel.md"
    twin = content / "inovasi" / "simpel-daerah.md"
    twin.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")  # the same slug
    with pytest.raises(ContentError, match="sudah dipakai"):
        session.update([twin])
    replica = replace_line("slug", "simpel-daerah")(source.read_text(encoding="utf-8"))
    twin.write_text(replica.replace("\nyear: ", "\nbased_on: simpel\nyear: ", 1), encoding="utf-8")
    update(session, twin)
    assert "simpel-daerah" in (session.output / "inovasi" / "simpel" / "index.html").read_text(
        encoding="utf-8"
    )
    assert_same_as_clean(session, content)
    source.unlink()
    with pytest.raises(ContentError, match="bukan slug"):
        session.update([source])


def test_a_broken_link_restores_every_file(site: tuple[Session, Path]) -> None:
    session, content = site
    before = files(session.output)
    edit(content / "inovasi" / "simpel.md", lambda t: t.rstrip() + "\n\n[Hilang](/tidak-ada/)\n")
    with pytest.raises(ContentError, match="tidak-ada"):
        session.update([content / "inovasi" / "simpel.md"])
    assert files(session.output) == before  # the same inodes and times: nothing left changed


def test_a_superseded_pass_is_finished_by_the_next(site: tuple[Session, Path]) -> None:
    session, content = site
    edit(content / "inovasi" / "simpel.md", replace_line("title", "Judul Baru Uji"))
    assert session.update([content / "inovasi" / "simpel.md"], interrupted=lambda: True) is None
    assert not session.idle
    edit(content / "inovasi" / "sigap.md", replace_line("title", "Sigap Uji"))
    assert session.update([content / "inovasi" / "sigap.md"], interrupted=lambda: True) is None
    update(session)  # nothing new: the pass completes what the others showed
    assert_same_as_clean(session, content)


@pytest.mark.parametrize(
    "changed",
    ["taxonomy.yaml", "pages/tentang.md", "../theme/templates/_card.html", "../theme/static/css/site.css"],
)
def test_other_changes_fall_back_to_a_full_build(site: tuple[Session, Path], changed: str) -> None:
    session, content = site
    path = content / changed
    text = path.read_text(encoding="utf-8")
    if changed == "taxonomy.yaml":
        path.write_text(text.replace("short: Biro Humas}", "short: Humas Biro}"), encoding="utf-8")
    elif changed.endswith(".md"):
        path.write_text(replace_line("title", "Tentang Kami")(text), encoding="utf-8")
    else:
        path.write_text(text.replace("</li>", "<!-- uji --></li>", 1) + "\n/* uji */\n", encoding="utf-8")
    published = update(session, path)
    assert published == [(None, True)]  # the whole site, by `katalog.site.build.build`
    assert_same_as_clean(session, content)


def test_swap_files_change_nothing(site: tuple[Session, Path]) -> None:
    session, content = site
    before = files(session.output)
    swap = content / "inovasi" / ".simpel.md.swp"
    swap.write_text("x", encoding="utf-8")
    assert update(session, swap) == []
    assert files(session.output) == before


def test_the_search_index_and_the_build_record_follow(site: tuple[Session, Path]) -> None:
    session, content = site
    edit(content / "inovasi" / "simpel.md", lambda t: t.rstrip() + "\n\nKata zorbulanteks untuk uji.\n")
    update(session, content / "inovasi" / "simpel.md")
    session.close()  # waits for the index; saves the record of output/ for `katalog build`
    index = Path(overrides(content, session.output)["KATALOG_INDEX_DIR"])
    assert [hit.slug for hit in search(index, "zorbulanteks")] == ["simpel"]
    assert (next(Path(session.output.parent / ".katalog-cache").rglob(MANIFEST_FILE))).is_file()
    before = files(session.output)
    report = build(ROOT / "pelicanconf.py", session.output, overrides(content, session.output))
    assert report.written == 0  # the record is true: the next build keeps every file
    assert files(session.output) == before


def test_scan_finds_the_files_pelican_reads(site: tuple[Session, Path]) -> None:
    session, content = site
    (content / "inovasi" / "catatan.txt").write_text("bukan entri", encoding="utf-8")
    (content / "inovasi" / ".#simpel.md").write_text("kunci emacs", encoding="utf-8")
    live = session._live
    assert live is not None
    gen = next(g for g in live.generators if isinstance(g, ArticlesGenerator))
    found = gen.get_files(live.settings["ARTICLE_PATHS"], exclude=live.settings["ARTICLE_EXCLUDES"])
    assert set(scan_sources(live.settings, gen.readers.extensions)) == found


def test_a_site_with_its_own_taxonomy_path(tmp_path: Path) -> None:
    """`tests.conftest.build_site`'s overrides (taxonomy outside the content) work too."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "tests" / "fixtures" / "site", content)
    output = tmp_path / "site" / "output"
    settings = {
        "PATH": str(content),
        "KATALOG_TAXONOMY": str(TAXONOMY),
        "KATALOG_SYNONYMS": str(ROOT / "content" / "sinonim.yaml"),
        "KATALOG_PROTECTED_WORDS": str(ROOT / "content" / "kata-dilindungi.txt"),
        "KATALOG_INDEX_DIR": str(tmp_path / "whoosh"),
        "KATALOG_CACHE_DIR": str(tmp_path / "cache"),
    }
    session = Session(ROOT / "pelicanconf.py", output, settings)
    session.build()
    edit(content / "inovasi" / "simpel.md", replace_line("title", "SIMPEL Daring"))
    assert update(session, content / "inovasi" / "simpel.md")[0] == (["inovasi/simpel/index.html"], False)
    clean = tmp_path / "clean" / "output"
    build_site(content, clean)
    assert tree(output) == tree(clean)
