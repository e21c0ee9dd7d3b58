"""Store pipeline: archive every page item with its provenance (harvester.storage.Store).

Thin on purpose: opening the run, storing an item, marking pages gone and closing the run are
all Store methods. Uses ``self.crawler.spider`` (the ``spider`` arguments are deprecated in
Scrapy 2.19) and the ``spider_closed`` signal, which is the first place the finish reason is known.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals

from harvester import __version__
from harvester.items import PageItem
from harvester.parsing import PARSER_VERSION
from harvester.storage import Store

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.store: Store | None = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler) -> "StorePipeline":
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        spider = self.crawler.spider
        settings = self.crawler.settings
        # None falls through to $HARVESTER_DATABASE_URL, then ./harvest.db.
        self.store = Store(settings.get("HARVESTER_DATABASE_URL") or None)
        preset_run = settings.get("HARVESTER_RUN_ID")
        if preset_run:
            self.run_id = int(preset_run)
        else:
            self.run_id = self.store.start_run(
                site=getattr(spider, "site_key", None) or spider.name,
                spider=spider.name,
                args=_spider_args(spider),
                harvester_version=__version__,
                parser_version=PARSER_VERSION,
            )
        self.crawler.stats.set_value("harvester/run_id", self.run_id)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageItem) or self.store is None:
            return item
        if item.harvest_run is None:
            item.harvest_run = self.run_id
            report = getattr(item.result, "item", None)
            if report is not None and report.harvest_run is None:
                report.harvest_run = self.run_id
        outcome = self.store.save_page(item)  # handles item.error via record_failure
        item.store_outcome = outcome
        self.crawler.stats.inc_value(f"harvester/{outcome}")
        return item

    def spider_closed(self, spider, reason: str) -> None:
        if self.store is None:
            return
        try:
            seen_urls = getattr(spider, "seen_urls", None)
            if reason == "finished" and seen_urls:
                gone = self.store.mark_gone(getattr(spider, "site_key", None) or spider.name, set(seen_urls), self.run_id)
                self.crawler.stats.set_value("harvester/gone", gone)
            # A run pre-created by `harvester harvest` is closed here too; the command may
            # overwrite the outcome afterwards (finish_run is idempotent).
            if self.run_id is not None:
                stats = dict(self.crawler.stats.get_stats())
                stats.setdefault("finish_reason", reason)
                self.store.finish_run(self.run_id, reason, stats)
        finally:
            self.store.close()
            self.store = None


def _spider_args(spider) -> dict:
    """The -a arguments of the crawl, as far as the spider kept them."""
    args = getattr(spider, "crawl_args", None)
    if isinstance(args, dict):
        return args
    skip = {"name", "crawler", "settings", "custom_settings", "start_urls", "allowed_domains", "seen_urls", "site"}
    return {
        key: value
        for key, value in vars(spider).items()
        if not key.startswith("_") and key not in skip and isinstance(value, (str, int, float, bool))
    }
