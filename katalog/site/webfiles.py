"""The web's conventions written after every page exists: sitemap.xml and robots.txt.

Runs on Pelican's `finalized` signal and walks the output folder, so pages written by any
generator (ours, Pelican's, a later plugin's) are listed without knowing about them.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from pelican import Pelican

from katalog.site.outputs import required_plan


def page_urls(output: Path, site_url: str) -> list[str]:
    """Absolute URL of every HTML page, directory-style (``.../inovasi/simpel/``)."""
    base = site_url.rstrip("/")
    urls = []
    for page in sorted(output.rglob("index.html")):
        folder = page.parent.relative_to(output).as_posix()
        urls.append(f"{base}/" if folder == "." else f"{base}/{folder}/")
    return urls


def sitemap_xml(urls: list[str]) -> str:
    rows = "".join(f"  <url><loc>{escape(u)}</loc></url>\n" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{rows}</urlset>\n"
    )


def robots_txt(site_url: str) -> str:
    return f"User-agent: *\nAllow: /\nSitemap: {site_url.rstrip('/')}/sitemap.xml\n"


def write_web_files(pelican: Pelican) -> None:
    output = Path(pelican.output_path)
    site_url = pelican.settings["KATALOG_PUBLIC_URL"]
    plan = required_plan(pelican.settings)
    plan.write_text("sitemap.xml", sitemap_xml(page_urls(output, site_url)))
    plan.write_text("robots.txt", robots_txt(site_url))
