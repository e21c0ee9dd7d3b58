"""Run site spiders in this process with the project's settings (used by ``harvester demo`` and
``harvester harvest``; ``scrapy crawl <site>`` remains the plain Scrapy way)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Iterable

from scrapy.crawler import CrawlerProcess
from twisted.internet.defer import DeferredSemaphore
from scrapy.settings import Settings

from .sites import get_site


@dataclass
class SiteResult:
    site: str
    finish_reason: str | None
    stats: dict[str, Any] = field(default_factory=dict)

    def stat(self, name: str, default: Any = 0) -> Any:
        return self.stats.get(name, default)

    @property
    def reachable(self) -> bool:
        return self.stat("harvester/listing_pages") > self.stat("harvester/listing_unreachable")


#: Spiders run by name that are not registry bodies (spiders/column.py: any column URL).
PLAIN_SPIDERS = ("column",)

#: What a scheduled harvest changes from a plain `scrapy crawl` (overridable by the caller).
SCHEDULED_DEFAULTS: dict[str, Any] = {"HARVESTER_INCREMENTAL": True}


def project_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """The project's Scrapy settings (harvester.settings), independent of the working directory,
    with the scheduled-harvest defaults (incremental) under the caller's overrides."""
    settings = Settings()
    settings.setmodule("harvester.settings", priority="project")
    for name, value in SCHEDULED_DEFAULTS.items():
        settings.set(name, value, priority="project")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def fast_local_settings() -> dict[str, Any]:
    """Politeness off: only for the project's own replicas on loopback."""
    return {
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_START_DELAY": 0.0,
        "AUTOTHROTTLE_MAX_DELAY": 1.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 4.0,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
    }


def run_sites(sites: Iterable[str], *, settings: dict[str, Any] | None = None,
              spider_args: dict[str, dict[str, Any]] | None = None,
              concurrency: int | None = None) -> list[SiteResult]:
    """Crawl the given sites in this process, one crawler each, and return their stats.

    ``spider_args[site]`` holds the ``-a`` arguments of that site's spider (base_url, render...).
    ``concurrency``: how many sites crawl at once (1 = one after another; None = all at once).
    Incremental unless ``settings`` say ``HARVESTER_INCREMENTAL=False``.
    """
    # registry keys (UnknownSiteError before anything starts), or a spider of spiders/ (column)
    keys = [s if s in PLAIN_SPIDERS else get_site(s).key for s in sites]
    merged = project_settings(settings)
    process = CrawlerProcess(merged)
    for name in NETWORK_LOGGERS:
        log = logging.getLogger(name)
        if merged.get("LOG_LEVEL") == "DEBUG":
            log.removeFilter(one_line)
        else:
            log.addFilter(one_line)
    crawlers = []
    # A DeferredSemaphore bounds the crawls at once; CrawlerProcess.join() keeps the reactor up
    # while a released slot starts the next crawl (it loops while crawls are active).
    semaphore = DeferredSemaphore(max(1, concurrency or len(keys) or 1))
    for key in keys:
        crawler = process.create_crawler(process.spider_loader.load(key))
        crawlers.append((key, crawler))
        semaphore.run(process.crawl, crawler, **(spider_args or {}).get(key, {}))
    process.start()
    results = []
    for key, crawler in crawlers:
        stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
        # the column spider's archive key is the body it found or web-<host>-<hash>
        site = getattr(crawler.spider, "site_key", None) or key
        results.append(SiteResult(site=site, finish_reason=stats.get("finish_reason"), stats=stats))
    return results


#: Loggers whose errors are network conditions (refused, timeout, DNS), not bugs: one line each.
#: Errors in spider or pipeline code keep their traceback.
NETWORK_LOGGERS = (
    "scrapy.downloadermiddlewares.robotstxt",
    "scrapy.downloadermiddlewares.retry",
    "scrapy.core.downloader",
    "scrapy.core.engine",
)


def one_line(record: logging.LogRecord) -> bool:
    """Log filter: a network error is one line for a user; tracebacks only at DEBUG level."""
    record.exc_info = None
    record.exc_text = None
    return True


def log_settings(level: str = "WARNING") -> dict[str, Any]:
    """Scrapy's INFO log drowns the summary: warnings and errors only, one short line each."""
    return {"LOG_LEVEL": level, "LOG_FORMAT": "%(levelname)s %(name)s: %(message)s"}
