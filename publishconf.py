"""Production settings: absolute URLs for the public site.

Used by `make publish` (`katalog build --settings publishconf.py`).
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *

SITEURL = os.environ.get("KATALOG_SITEURL", "https://katalog-inovasi.example")
RELATIVE_URLS = False
KATALOG_PUBLIC_URL = SITEURL
KATALOG_INCLUDE_DRAFTS = False  # drafts are validated but never published
