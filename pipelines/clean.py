"""Clean pipeline: decode and clean each fetched page (harvester.cleaning.clean_page), with the
container hints of the page's registry body (harvester.hints).

Only with ``HARVESTER_PARSE_WORKERS = 0``: by default cleaning runs together with parsing in a
worker process (pipelines.parse, harvester.pool), because the cleaned page is an lxml tree and
cannot cross a process boundary."""

from __future__ import annotations

import logging

from scrapy.exceptions import NotConfigured

from harvester.items import PageItem
from harvester.pool import worker_count

logger = logging.getLogger(__name__)


class CleanPipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler) -> "CleanPipeline":
        if worker_count(crawler.settings.get("HARVESTER_PARSE_WORKERS")) > 0:
            raise NotConfigured  # the parse workers clean: out of the item chain
        return cls(crawler)

    def process_item(self, item: PageItem) -> PageItem:
        if not isinstance(item, PageItem) or item.error or item.status == 304:
            return item  # failures are recorded as such; a 304 has no body (nothing changed)
        from harvester.hints import clean_with_hints  # the parser: imported only where it runs

        try:
            item.cleaned = clean_with_hints(item.body, item.headers, item.final_url or item.url, item.site)
        except Exception:  # never lose the raw page over a cleaning bug: store it, re-parse later
            logger.exception("cleaning failed for %s", item.url)
            self.crawler.stats.inc_value("harvester/clean_errors")
        return item
