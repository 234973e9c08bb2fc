"""The engine's settings: what every catalogue shares, imported first by a site's pelicanconf.py.

A site's ``pelicanconf.py`` starts with ``from katalog.settings import *`` and then sets
only its identity (name, agency, public URL, logo, colours, footer, contact). Upgrading
the engine upgrades these defaults with it; a site overrides one by assigning it after
the import. Every ``KATALOG_*`` key is checked when the build starts
(`katalog.site.config`): an unknown key or a wrong type is reported as
``pelicanconf.py: KEY: message``.
"""

from katalog.resources import THEME as _THEME

# --- identity: each site sets these (katalog init writes them) ------------------------
SITENAME = "Katalog Inovasi"
SITE_TAGLINE = "Inovasi untuk dicari, dibandingkan, dan direplikasi"
KATALOG_AGENCY = ""  # the agency that publishes the catalogue (instansi)
AUTHOR = ""
KATALOG_PUBLIC_URL = "http://localhost:8000"  # absolute address for open data, feeds, sitemap
KATALOG_LOGO = None  # e.g. "images/logo.svg", a file under content/images/
KATALOG_COLORS: dict[str, str] = {}  # e.g. {"accent": "#0b5394", "accent_fg": "#ffffff"}
KATALOG_FOOTER = None  # replaces the standard footer sentence
KATALOG_CONTACT = None  # e.g. {"email": "inovasi@contoh.go.id", "phone": "...", "url": "https://..."}
# The total the agency has reported publicly, for "36 dari 153 inovasi tercatat" on the home
# and about pages: {"count": 153, "label": "<what it counts>", "source": "https://...",
# "note": "<optional caveat>"}.
# None: no coverage line (a site that knows no such public figure states none).
KATALOG_REPORTED_TOTAL = None
DEFAULT_LANG = "id"  # the pages' language (<html lang>, JSON-LD); the interface text is Indonesian
OG_LOCALE = "id_ID"  # Open Graph locale of innovation pages

# --- where things are --------------------------------------------------------------------
SITEURL = ""
RELATIVE_URLS = True
PATH = "content"
THEME = str(_THEME)  # the engine's theme; a site overrides single files in theme/ (below)
KATALOG_THEME_OVERRIDES = "theme"  # theme/templates/*.html and theme/static/** win over the engine's
TIMEZONE = "Asia/Jakarta"
DEFAULT_DATE = (2000, 1, 1)

PLUGINS = ["katalog.site.plugin"]
KATALOG_TAXONOMY = "taxonomy.yaml"  # relative to PATH
KATALOG_SYNONYMS = "sinonim.yaml"  # relative to PATH; adds to the engine's list (optional file)
KATALOG_PROTECTED_WORDS = "kata-dilindungi.txt"  # relative to PATH; adds to the engine's (optional)
KATALOG_INDEX_DIR = ".katalog/whoosh"  # the Whoosh index of `katalog search` (never published)
KATALOG_STALE_AFTER_DAYS = 365  # entries not re-verified for longer are flagged
KATALOG_INCLUDE_DRAFTS = True  # `status: draft` entries shown with a DRAF mark (never in publish)
# Jaringan Inovasi: a site whose jaringan.yaml (beside the settings file) lists member
# catalogues is a network; `katalog harvest` fills its snapshots, the build merges them.
KATALOG_NETWORK = "jaringan.yaml"
# A member of a network that names the network's public address, e.g.
# "https://jaringan.contoh.go.id/", reads back at build time which agencies replicated its
# entries (the network's data/replikasi.json) and lists them on its own pages. The answer is
# kept in .katalog/ and asked again when older than KATALOG_NETWORK_REFRESH_HOURS (0: every
# build); with KATALOG_OFFLINE=1 in the environment, a build uses the kept answer only.
KATALOG_NETWORK_URL = None
KATALOG_NETWORK_REFRESH_HOURS = 6

ARTICLE_PATHS = ["inovasi"]
ARTICLE_URL = "inovasi/{slug}/"
ARTICLE_SAVE_AS = "inovasi/{slug}/index.html"
PAGE_PATHS = ["pages"]
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
# A catalogue has one language and its slugs are checked unique (katalog.content.crossfile),
# so no entry is another's translation. Pelican's matching of translations tests list
# membership for every article (`process_translations`): N²/2 comparisons, 1.3 s at 10,000
# entries and minutes at 100,000. None skips it; every article keeps `translations == []`.
ARTICLE_TRANSLATION_ID = None
PAGE_TRANSLATION_ID = None
STATIC_PATHS = ["images"]  # content/images/: logo, screenshots in the guide
STATIC_CHECK_IF_MODIFIED = True  # unchanged ones are kept from the last build (katalog.site.outputs)
THEME_STATIC_PATHS: list[str] = []  # the theme's static files are copied by katalog.site.outputs
IGNORE_FILES = [".#*", "*~", "*.swp", "README*"]

# The catalogue writes its own home and facet pages (katalog.site.generators);
# Pelican's blog pages (categories, tags, authors, archives) are not wanted.
DIRECT_TEMPLATES: list[str] = []
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
ARTICLE_LANG_SAVE_AS = ""
PAGE_LANG_SAVE_AS = ""
DEFAULT_PAGINATION = False

FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# Autoescape everything; only sanitised body HTML is marked safe in templates.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}

CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
DELETE_OUTPUT_DIRECTORY = False  # `katalog build` builds into a fresh folder and swaps
