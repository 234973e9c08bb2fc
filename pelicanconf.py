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
