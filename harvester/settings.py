"""Scrapy settings for harvester (``scrapy crawl <site>`` from the project root uses these)."""

from harvester import __version__

BOT_NAME = "harvester"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

#: Where a site operator can read about this crawler; put your own page here.
HARVESTER_CONTACT_URL = "https://github.com/harvester-project/harvester"
USER_AGENT = f"harvester/{__version__} (+{HARVESTER_CONTACT_URL}; research archive of 政府信息公开工作年度报告)"

ROBOTSTXT_OBEY = True

# Politeness: government sites are small and slow; one request at a time per site.
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
RETRY_TIMES = 2

# Dead links and anti-bot answers reach the spider so they are recorded, not silently dropped.
HTTPERROR_ALLOWED_CODES = [404, 410, 412, 521]

COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"

ITEM_PIPELINES = {
    "pipelines.clean.CleanPipeline": 100,
    "pipelines.parse.ParsePipeline": 200,
    "pipelines.store.StorePipeline": 300,
}

#: SQLAlchemy URL of the archive; HARVESTER_DATABASE_URL in the environment overrides it,
#: and so does ``-s HARVESTER_DATABASE_URL=...``.
HARVESTER_DATABASE_URL = None  # None -> sqlite:///harvest.db in the working directory

#: Rendering backend for requests a spider marks as needing a browser: "splash" or "playwright".
#: None -> "splash" when SPLASH_URL is set (setting or environment), otherwise no renderer.
#: The add-on below wires the chosen backend's middlewares and handlers (docs/rendering.md).
HARVESTER_RENDERER = None
SPLASH_URL = None
ADDONS = {"harvester.render.RenderAddon": 0}
