"""Scrapy settings for harvester (``scrapy crawl <site>`` from the project root uses these)."""

from harvester.useragent import user_agent

BOT_NAME = "harvester"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
#: shell / fetch / parse / check without writing into the archive (harvester.commands).
COMMANDS_MODULE = "harvester.commands"
# HARVESTER_ARCHIVE (default True; not set here, so that the inspection commands' own default
# of False, at Scrapy's lower "command" priority, applies): False turns the store pipeline off.
#: Contracts that `scrapy check` runs against the bundled replicas (harvester.contracts).
SPIDER_CONTRACTS = {"harvester.contracts.ReplicaContract": 10, "harvester.contracts.ReportContract": 20}

#: Where a site operator can read about this crawler; put your own page here (or
#: -s HARVESTER_CONTACT_URL=...). The User-Agent is derived from it (harvester.useragent, ASCII).
HARVESTER_CONTACT_URL = "https://github.com/harvester-project/harvester"
USER_AGENT = user_agent(HARVESTER_CONTACT_URL)

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
# 304 answers the conditional requests of known pages (harvester.incremental).
HTTPERROR_ALLOWED_CODES = [304, 404, 410, 412, 521]

# --- hostile sites (docs/reliability.md) ----------------------------------------------------------

#: Largest answer accepted, compressed or not: Scrapy 2.19's HttpCompressionMiddleware applies it
#: to the decompressed size as it inflates (a gzip bomb stops at this size, memory bounded).
#: Annual-report pages are well under 2 MiB; attachments are linked, not downloaded.
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
#: A redirect chain longer than this is a failure (a cycle ends here, recorded with its reason).
REDIRECT_MAX_TIMES = 5
#: Longest Retry-After (seconds) a 429/503 answer may ask for; a longer one is not retried.
HARVESTER_RETRY_AFTER_MAX = 120.0
DOWNLOADER_MIDDLEWARES = {
    # Only http(s) of the site's own host and port, redirects included (harvester.urls).
    "harvester.middlewares.SiteBoundaryMiddleware": 40,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "harvester.middlewares.RetryAfterMiddleware": 550,
    # Scrapy's, with every request that waited for robots.txt checked against it (the class says why)
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "harvester.middlewares.RobotsTxtMiddleware": 100,
}

#: Items of one response handled at once. Scrapy starts this many asyncio tasks per response and
#: keeps them until the response's last item leaves the pipelines; a detail page yields one item,
#: which waits for its parse worker and its store batch: at Scrapy's default of 100, some 30,000
#: finished tasks sat in memory and the garbage collector spent a quarter of the crawl process's
#: CPU walking them (bench/RESULTS.md, issue 15). A listing page's requests are scheduled at once.
CONCURRENT_ITEMS = 8

COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"

ITEM_PIPELINES = {
    "pipelines.clean.CleanPipeline": 100,
    "pipelines.parse.ParsePipeline": 200,
    "pipelines.files.FilesPipeline": 250,
    "pipelines.store.StorePipeline": 300,
    # `-o/-O FILE` (FEEDS): page items become report records (harvester.feeds); off otherwise.
    "pipelines.feed.ReportFeedPipeline": 900,
}
#: CSV feeds get a fixed column set and JSON for nested fields (JSON/JSON lines need nothing).
FEED_EXPORTERS = {"csv": "harvester.feed_exporters.ReportCsvItemExporter"}

#: Worker processes that clean and parse pages (harvester.pool), shared by the crawls of one
#: process; None = one per usable CPU (the process's CPU affinity); 0 = clean and parse in the
#: reactor thread (slower crawl).
HARVESTER_PARSE_WORKERS = None
#: How much the parse workers lower their priority (Unix nice increment; 0 = as the crawl
#: process). The reactor then gets a CPU when it needs one instead of waiting behind parsing,
#: and the workers take the rest: on 2 CPUs, figure 2's full-pipeline crawl (bench/RESULTS.md)
#: went from 195/188 pages/s at 0 to 201/195 at 10 on a quiet machine, 115/106 to 130/124 under load.
HARVESTER_PARSE_WORKER_NICE = 10
#: Seconds a parse worker may spend on one page before it is stopped (and replaced): the page is
#: then stored unparsed, with the reason in the log, for `harvester reparse`; the slowest real
#: page measured parses in well under a second (bench figure 6). 0 = no limit.
HARVESTER_PARSE_TIMEOUT = 120
#: The store pipeline writes items in batches of this many, one transaction each, and at the
#: latest this many seconds after a batch's first item; an item counts as stored (leaves the
#: pipeline) once its batch is committed. A crash loses at most the open batch (fetched again).
HARVESTER_STORE_BATCH = 50
HARVESTER_STORE_FLUSH_SECONDS = 2.0
#: ... and as soon as no item has joined the open batch for this many seconds: the crawl has
#: nothing more to store for now. At a crawl's end the last batch then waits this long, not
#: HARVESTER_STORE_FLUSH_SECONDS (the spider cannot close while items wait in the pipeline:
#: ~2 s of a 20 s crawl in bench figure 2).
HARVESTER_STORE_QUIET_SECONDS = 0.2
#: Runs, site locks, incremental plans and monitors (harvester.lifecycle.HarvestRunExtension);
#: None = whenever the store pipeline is on (a bare crawl with ITEM_PIPELINES = {} records nothing).
HARVESTER_RUNS = None

#: SQLAlchemy URL of the archive; HARVESTER_DATABASE_URL in the environment overrides it,
#: and so does ``-s HARVESTER_DATABASE_URL=...``.
HARVESTER_DATABASE_URL = None  # None -> sqlite:///harvest.db in the working directory

#: Rendering backend for requests a spider marks as needing a browser: "splash" or "playwright".
#: None -> "splash" when SPLASH_URL is set (setting or environment), otherwise no renderer.
#: The add-on below wires the chosen backend's middlewares and handlers (docs/rendering.md).
HARVESTER_RENDERER = None
SPLASH_URL = None
ADDONS = {"harvester.render.RenderAddon": 0, "harvester.useragent.UserAgentAddon": 0,
          "harvester.distributed_addon.DistributedAddon": 10}

# --- distributed harvests (harvester.distributed, docs/scaling.md) -------------------------------

#: redis://host:port/db shared by the workers of a distributed harvest (scheduler queue,
#: dupefilter, per-site politeness, the run); None = a crawl of its own. Also read from the
#: environment. `harvester harvest --distributed --redis URL` sets it.
HARVESTER_REDIS_URL = None
#: A request a worker took from the shared queue goes back to it when the worker did not finish
#: it (stored its item) within this many seconds: a killed worker loses nothing.
HARVESTER_LEASE_SECONDS = 120.0
#: ... at most this many times (then it is given up and logged).
HARVESTER_LEASE_ATTEMPTS = 3

# --- scheduled, incremental harvests (docs/scheduling.md) ---------------------------------------

#: Skip known pages fetched recently and stop the pagination at the first listing page of known
#: items. Off for a plain `scrapy crawl` (a complete crawl, known pages requested conditionally);
#: `harvester harvest`, `harvester demo`, harvester.runner.run_sites and the deploy/ recipes turn
#: it on (`harvester harvest --full` turns it off again).
HARVESTER_INCREMENTAL = False
#: A known page whose listing date did not change is skipped without a request when it was
#: fetched less than this many days ago; older ones get a conditional request. 0: every known
#: page that the crawl reaches is requested conditionally.
HARVESTER_RECHECK_DAYS = 30
#: An incremental harvest walks every listing page when the last complete sweep of the site is
#: this many days old (pages not linked any more are only marked gone after a complete sweep).
HARVESTER_FULL_SWEEP_DAYS = 7
#: Send the stored ETag / Last-Modified with requests for known pages (304 = unchanged).
HARVESTER_CONDITIONAL = True
#: One harvest of a site at a time (a lock row in the database, harvester.locks).
HARVESTER_LOCK = True
#: A lock whose holder sent no heartbeat for this long is stale (a holder on the same host whose
#: process is gone is stale at once).
HARVESTER_LOCK_STALE_SECONDS = 600
HARVESTER_LOCK_HEARTBEAT_SECONDS = 60

# --- monitoring after each run (harvester.monitoring) --------------------------------------------

#: The day the missing-report check judges by (ISO date); None = today.
HARVESTER_TODAY = None
#: Share of failed fetches among the detail and listing pages above which the site is broken.
HARVESTER_MAX_ERROR_RATIO = 0.2
#: Share of parsed reports with warnings above which the run raises an alert (not a failure).
HARVESTER_MAX_WARNING_SHARE = 0.5

# --- progress (harvester.progress) ---------------------------------------------------------------

#: "off", "plain" (a log line per site every HARVESTER_PROGRESS_INTERVAL seconds and at the end),
#: "live" (a rich table on the terminal) or "auto" (live on a terminal, plain otherwise).
#: `harvester harvest` uses auto.
HARVESTER_PROGRESS = "off"
HARVESTER_PROGRESS_INTERVAL = 30.0
EXTENSIONS = {
    "harvester.lifecycle.HarvestRunExtension": 100,
    "harvester.progress.ProgressExtension": 500,
    "harvester.gcfreeze.FreezeStartupObjects": 900,
}
#: Once the engine has started, the process's startup objects (modules, mapped classes, settings:
#: ~150,000) are frozen out of the cyclic garbage collector's full collections, which walked
#: them all for ~7 % of a full-pipeline crawl's CPU (harvester.gcfreeze).
HARVESTER_GC_FREEZE = True

#: Listing entries whose title says they are not an annual report (a notice 通知/通报, a letter
#: 函, a work plan 工作要点, a meeting or training news item) are not fetched (stat
#: harvester/skipped_not_report). Titles that may be reports are fetched and the parser decides.
HARVESTER_SKIP_NON_REPORT_TITLES = True
#: Spiders come from spiders/ and from the registry of bodies: `scrapy crawl <key>` works for
#: every registry body (harvester/registry/bodies.toml and the files in $HARVESTER_REGISTRY).
SPIDER_LOADER_CLASS = "harvester.registry.spiderloader.RegistrySpiderLoader"

# --- reports published as files (docs/files.md) -------------------------------------------------

#: Fetch the files report pages link (PDF, DOC(X), WPS, XLS(X), pictures) in the same crawl,
#: read them and merge their text and statistics into the report item.
HARVESTER_FILES = True
#: Files larger than this are not downloaded (Scrapy's download_maxsize for those requests).
HARVESTER_FILE_MAX_BYTES = 50 * 1024 * 1024
#: At most this many files per page.
HARVESTER_FILES_PER_PAGE = 10
#: Read pictures and scanned PDFs by OCR (RapidOCR; ~10 s per table picture on two cores).
#: Off by default; HARVESTER_OCR=1 in the environment turns it on too.
HARVESTER_OCR = False
