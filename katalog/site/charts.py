"""Charts drawn at build time as inline SVG (pygal), fit for the site's Content-Security-Policy.

pygal (3.1) draws a horizontal bar chart as a small SVG tree whose parts carry class names
(``axis``, ``guides``, ``bar``, ``value``), and offers a seam to change that tree before it
is written (`add_xml_filter`). Out of the box it also writes what the site must not send:
a ``<style>`` element and a ``style`` attribute (refused by ``style-src 'self'``), a
``<script>`` (its tooltips; ``js=[]`` drops only the external one), a random ``id``, a
comment dated with today's date, and tooltip data. `_fit_for_the_site` removes all of
those, so the SVG is deterministic and can sit inline in the page, where the site's own
stylesheet (``.grafik`` in ``site.css`` and ``print.css``) colours and sizes it: the bars
follow the site's colours, the text its font, and paper the print sheet.

One bar per row, labels on the left, the number at the end of each bar, drawn on a canvas
360 units wide: at 320 CSS px (the narrowest screen WCAG asks for) the 15-unit text is
still 12 px. pygal lays text out by an estimate (0.6 em a character), so the label column
is as wide as the longest label, cut at `LONGEST_LABEL` characters (the table below each
chart has the whole label).

pygal is imported on the first drawing only: `katalog check` and `katalog search` never
import this module, and a build that keeps every page with a chart draws nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any
from xml.etree import ElementTree

from markupsafe import Markup

from katalog.content.statistics import Tally, number

WIDTH = 360  # the SVG's user units; CSS scales the drawing to the column
ROW = 26  # height of one bar and its gap
FONT = 15  # in user units; site.css sets the same size (pygal's layout assumes it)
LONGEST_LABEL = 22  # characters of a label shown beside its bar
DROPPED = {"style", "script", "desc", "title", "defs"}  # elements the page must not carry


@dataclass(frozen=True)
class Chart:
    """A tally and its drawing, drawn the first time a page prints it.

    The page's fingerprint (`katalog.site.outputs`) is the tally's (the repr shows the
    tally only), so an unchanged chart is neither drawn nor written again.
    """

    tally: Tally

    @property
    def key(self) -> str:
        return self.tally.key

    @property
    def caption_id(self) -> str:
        """The id of the element holding the chart's sentence: the SVG's accessible name."""
        return f"{self.tally.key}-ringkas"

    @cached_property
    def svg(self) -> Markup:
        return Markup(draw(self.tally, self.caption_id))  # ElementTree escaped every text


def short(label: str) -> str:
    """`label`, cut to `LONGEST_LABEL` characters with an ellipsis."""
    return label if len(label) <= LONGEST_LABEL else label[: LONGEST_LABEL - 1].rstrip() + "…"


def draw(tally: Tally, labelled_by: str) -> str:
    """The SVG of one tally: a horizontal bar per count, first count on top; the root is
    ``role="img"`` named by the element `labelled_by` (the sentence under the chart)."""
    # Imported here, not at the top: about 0.1 s, paid only when a chart is drawn.
    import pygal
    from pygal.etree import etree
    from pygal.style import Style

    etree.to_etree()  # the standard library's ElementTree, never lxml: the same bytes everywhere
    counts = tally.bars[::-1]  # pygal draws the first bar at the bottom
    style = Style(
        font_family="inherit",
        label_font_size=FONT,
        major_label_font_size=FONT,
        value_font_size=FONT,
        value_label_font_size=FONT,
        tooltip_font_size=FONT,
        background="transparent",
        plot_background="transparent",
    )
    chart = pygal.HorizontalBar(
        style=style,
        width=WIDTH,
        height=2 * FONT + ROW * max(len(counts), 1),
        explicit_size=False,  # only a viewBox: CSS gives the size
        js=[],
        disable_xml_declaration=True,
        no_prefix=True,
        classes=["grafik"],
        show_legend=False,
        show_x_labels=False,  # the numbers are printed at the bars' ends instead
        show_x_guides=False,
        show_y_guides=False,
        print_values=True,
        print_values_position="top",
        print_zeroes=True,
        value_formatter=lambda value: number(round(value)),
        margin=4,
        margin_right=8 + round(0.7 * FONT * len(number(max((c.value for c in counts), default=0)))),
        spacing=6,
        x_labels=[short(c.label) for c in counts],
    )
    chart.add(tally.value_heading, [c.value for c in counts])
    chart.add_xml_filter(lambda root: _fit_for_the_site(root, labelled_by))
    svg: str = chart.render(is_unicode=True)
    return svg


def _fit_for_the_site(root: Any, labelled_by: str) -> Any:
    """pygal's tree without what the CSP refuses, what changes from run to run, and what a
    static image does not use (tooltips); an image named by the chart's sentence."""
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag is ElementTree.Comment or child.tag in DROPPED or _is_tooltip(child):
                parent.remove(child)
    for element in root.iter():
        element.attrib.pop("style", None)
        if element.get("class") == "":
            del element.attrib["class"]
        if element.tag == "rect":  # pygal drops a zero width (a bar for 0); SVG requires one
            element.attrib.setdefault("width", "0")
            element.attrib.setdefault("height", "0")
    del root.attrib["id"]  # pygal's is random (or empty with no_prefix); the page needs none
    root.set("role", "img")
    root.set("aria-labelledby", labelled_by)
    return root


def _is_tooltip(element: Any) -> bool:
    return "tooltip-overlay" in (element.get("class") or "").split()
