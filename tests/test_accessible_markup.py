"""The body markup that keeps every page accessible whatever an editor writes: heading levels
derived from the nesting (`render.outline`) and tables in named, focusable scroll regions
(`site.tables`). The browser tests in test_a11y.py check the pages themselves."""

from __future__ import annotations

import re

import pytest

from katalog.content.render import BODY_TOP, PAGE_TOP, outline, render_markdown
from katalog.site.tables import scrollable_tables


def levels(markup: str) -> list[int]:
    return [int(n) for n in re.findall(r"<h([1-6])>", markup)]


@pytest.mark.parametrize(
    ("markdown", "top", "expected"),
    [
        ("## A\n\n### B\n\n## C", PAGE_TOP, [2, 3, 2]),  # the Kemensetneg pages' style
        ("# A\n\n## B\n\n# C", PAGE_TOP, [2, 3, 2]),  # the generic pages' style: the same page
        ("### A\n\n## B", PAGE_TOP, [2, 2]),  # a sub-heading under no section
        ("## A\n\n#### B\n\n###### C", PAGE_TOP, [2, 3, 4]),  # skipped levels closed up
        ("## A\n\n#### B\n\n### C\n\n## D", PAGE_TOP, [2, 3, 3, 2]),
        ("## Latar belakang\n\n## Capaian", BODY_TOP, [3, 3]),  # an innovation under "Uraian"
        ("# A\n\n## B\n\n### C\n\n#### D\n\n##### E", BODY_TOP, [3, 4, 5, 6, 6]),  # h6 at most
        ("Teks tanpa subjudul.", PAGE_TOP, []),
    ],
)
def test_heading_levels_follow_the_nesting_from_the_top(markdown: str, top: int, expected: list[int]) -> None:
    assert levels(render_markdown(markdown, top)) == expected


def test_closing_tags_match_their_renumbered_heading() -> None:
    html = render_markdown("#### Satu *dua*\n\nTeks.\n\n# Tiga", PAGE_TOP)
    assert html == "<h2>Satu <em>dua</em></h2>\n<p>Teks.</p>\n<h2>Tiga</h2>"


def test_a_member_s_sanitised_body_is_renumbered_like_ours() -> None:
    assert (
        outline("<h5>Latar</h5><p>x</p><h2>Capaian</h2>", BODY_TOP)
        == "<h3>Latar</h3><p>x</p><h3>Capaian</h3>"
    )


def test_each_table_gets_a_unique_name_from_its_heading() -> None:
    body = render_markdown(
        "Awal.\n\n| a |\n|---|\n| 1 |\n\n## Kolom & isi\n\n| b |\n|---|\n| 2 |\n\n| c |\n|---|\n| 3 |",
        PAGE_TOP,
    )
    wrapped = scrollable_tables(body)
    assert re.findall(
        r'<div class="table-scroll" role="region" tabindex="0" aria-label="([^"]*)">', wrapped
    ) == [
        "Tabel 1",
        "Tabel 2: Kolom &amp; isi",
        "Tabel 3: Kolom &amp; isi",
    ]
    assert wrapped.count("<table>") == wrapped.count("</table></div>") == 3
    assert re.sub(r"<div [^>]*>|</div>", "", wrapped) == body


def test_a_table_inside_a_table_stays_in_its_parent_s_region() -> None:
    body = "<table><tbody><tr><td><table><tbody><tr><td>x</td></tr></tbody></table></td></tr></tbody></table>"
    wrapped = scrollable_tables(body)
    assert wrapped.count("<div") == 1
    assert wrapped.endswith("</table></td></tr></tbody></table></div>")


def test_a_body_without_tables_is_unchanged() -> None:
    body = render_markdown("## A\n\nTeks.", PAGE_TOP)
    assert scrollable_tables(body) is body
