"""Kemensetneg's catalogue: the engine's settings, then this site's identity.

Development settings (relative URLs, drafts shown); `publishconf.py` extends them.
`katalog build` and `make html` read this file. Every engine setting, and what it does,
is in `katalog/settings.py`.
"""

from katalog.settings import *  # noqa: F403 - the engine's defaults; the site sets its identity below

SITENAME = "Katalog Inovasi Kemensetneg"
SITE_TAGLINE = (
    "Inovasi unit kerja Kementerian Sekretariat Negara, untuk dicari, dibandingkan, dan direplikasi"
)
KATALOG_AGENCY = "Kementerian Sekretariat Negara"
AUTHOR = KATALOG_AGENCY
KATALOG_PUBLIC_URL = "http://localhost:8000"  # publishconf.py sets the public address

# What Kemensetneg has said publicly about how many innovations its units made: the home
# and about pages set the catalogue's count against it ("36 dari 153 inovasi tercatat").
KATALOG_REPORTED_TOTAL = {
    "count": 153,
    "label": (
        "jumlah inovasi yang dihasilkan unit-unit kerja Kemensetneg selama lima tahun, "
        "menurut pernyataan Kemensetneg pada Februari 2020"
    ),
    "source": "https://www.setneg.go.id/baca/index/diseminasikan_beragam_inovasi_kemensetneg_sambangi_pr",
    "note": (
        "Sebagian entri katalog ini berasal dari sebelum atau sesudah kurun itu, "
        "jadi tidak semuanya termasuk dalam angka tersebut."
    ),
}
