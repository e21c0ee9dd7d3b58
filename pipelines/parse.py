"""Parse pipeline: classify and parse each page (harvester.parsing), apply the registry body's
hints (harvester.hints) and attach the fetch's provenance to the report item.

With ``HARVESTER_PARSE_WORKERS`` > 0 (default: one per CPU, at a lower priority) the page is
cleaned, parsed and hinted in a worker process (harvester.pool); the item waits without blocking
the reactor. With 0, the clean pipeline has cleaned it and it is parsed here, in the reactor
thread."""

from __future__ import annotations

import logging

from scrapy.utils.defer import maybe_deferred_to_future

from harvester.feeds import attach_provenance, provenance_of
from harvester.items import PageItem
from harvester.pool import ParsePool, ShippedResult, worker_count

logger = logging.getLogger(__name__)


class ParsePipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        workers = worker_count(crawler.settings.get("HARVESTER_PARSE_WORKERS"))
        nice = crawler.settings.getint("HARVESTER_PARSE_WORKER_NICE", 10)
        timeout = crawler.settings.getfloat("HARVESTER_PARSE_TIMEOUT", 120)
        self.pool = ParsePool.shared(workers, nice, timeout) if workers else None

    @classmethod
    def from_crawler(cls, crawler) -> "ParsePipeline":
        return cls(crawler)

    def open_spider(self) -> None:
        if self.pool is not None:
            self.pool.start()

    async def process_item(self, item: PageItem) -> PageItem:
        if not isinstance(item, PageItem) or item.error or item.status == 304:
            return item
        stats = self.crawler.stats
        if self.pool is not None:
            extracted = await maybe_deferred_to_future(
                self.pool.submit(item.final_url or item.url, item.body, item.headers, item.site))
            item.decoded_as = extracted.encoding
            if extracted.failed_stage is not None:
                # the raw page is still stored; `harvester reparse` retries it later
                logger.error("%s failed for %s:\n%s", "parsing" if extracted.failed_stage == "parse" else "cleaning",
                             item.url, extracted.error)
                stats.inc_value(f"harvester/{extracted.failed_stage}_errors")
                return item
            result = extracted.result
        else:
            if item.cleaned is None:
                return item
            from harvester.hints import parse_with_hints  # the parser: imported only where it runs

            try:
                result = parse_with_hints(item.cleaned, item.site)
            except Exception:  # the raw page is still stored; `harvester reparse` retries it later
                logger.exception("parsing failed for %s", item.url)
                stats.inc_value("harvester/parse_errors")
                return item
        if isinstance(result, ShippedResult):
            # the report stays pickled until something reads it (harvester.pool.ShippedResult)
            result.set_fields(provenance_of(item, result.content_sha256))
            year, warnings = result.report_year, result.warnings
        else:
            attach_provenance(result.item, item)
            year, warnings = result.item.report_year, len(result.item.warnings)
        item.result = result
        stats.inc_value(f"harvester/kind/{result.kind}")
        if result.is_report:
            stats.inc_value("harvester/reports")
            if year:
                years = stats.get_value("harvester/report_years", [])
                if year not in years:
                    stats.set_value("harvester/report_years", sorted({*years, year}))
            if warnings:
                stats.inc_value("harvester/reports_with_warnings")
        else:
            logger.info("not a report (%s: %s): %s", result.kind, result.reason, item.url)
        return item
