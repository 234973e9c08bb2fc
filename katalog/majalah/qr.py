"""A QR code per entry, leading from the printed page to the entry's page on the site.

Drawn by segno as inline SVG: vector, so it prints sharp at any size and WeasyPrint draws
it as paths (no image to rasterise, nothing to fetch). Error correction level M (15% of
the code may be lost) suits paper that gets folded or marked, at a size phones read from
arm's length; the quiet zone of four modules is the standard's.
"""

from __future__ import annotations

import segno

ERROR_LEVEL = "m"
QUIET_ZONE = 4  # modules of white around the code, as ISO/IEC 18004 asks


def qr_svg(url: str) -> str:
    """`url` as an inline ``<svg>`` that scales to its box (its size is set in CSS)."""
    code = segno.make(url, error=ERROR_LEVEL, micro=False)
    return code.svg_inline(
        scale=1,
        border=QUIET_ZONE,
        omitsize=True,
        svgclass="qr",
        lineclass=None,
        dark="#000",
        light="#fff",
    )
