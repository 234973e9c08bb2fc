"""Development settings: relative URLs, no feeds, no analytics.

`katalog build` and `make html` use this file; `publishconf.py` extends it.
"""

AUTHOR = "Kementerian Sekretariat Negara"
SITENAME = "Katalog Inovasi Kemensetneg"
SITE_TAGLINE = (
    "Inovasi unit kerja Kementerian Sekretariat Negara, untuk dicari, dibandingkan, dan direplikasi"
)
SITEURL = ""
RELATIVE_URLS = True
# Absolute address used where the web needs one (open data `url`, sitemap, feeds, canonical).
KATALOG_PUBLIC_URL = "http://localhost:8000"

PATH = "content"
THEME = "theme"
TIMEZONE = "Asia/Jakarta"
DEFAULT_LANG = "id"
DEFAULT_DATE = (2000, 1, 1)

PLUGINS = ["katalog.plugin"]
KATALOG_TAXONOMY = "taxonomy.yaml"  # relative to PATH
KATALOG_INDEX_DIR = ".katalog/whoosh"  # the Whoosh index of `katalog search` (never published)
KATALOG_STALE_AFTER_DAYS = 365  # entries not re-verified for longer are flagged
KATALOG_INCLUDE_DRAFTS = True  # `status: draft` entries shown with a DRAF mark (never in publish)

ARTICLE_PATHS = ["inovasi"]
ARTICLE_URL = "inovasi/{slug}/"
ARTICLE_SAVE_AS = "inovasi/{slug}/index.html"
PAGE_PATHS = ["pages"]
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
STATIC_PATHS = ["images"]  # screenshots in the editors' guide (made by scripts/screenshots.py)
STATIC_CHECK_IF_MODIFIED = True  # unchanged ones are kept from the last build (katalog.outputs)
THEME_STATIC_PATHS: list[str] = []  # theme/static is copied by katalog.outputs, kept when unchanged
IGNORE_FILES = [".#*", "*~", "*.swp", "README*"]

# The catalogue writes its own home and facet pages (katalog.generators);
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
