"""Parse pipeline: classify and parse each cleaned page (harvester.parsing.parse_cleaned), apply
the registry body's hints (harvester.hints) and attach the fetch's provenance to the report item."""

from __future__ import annotations

import logging

from harvester.feeds import attach_provenance
from harvester.hints import apply_hints, hints_for
from harvester.items import PageItem
from harvester.parsing import parse_cleaned

logger = logging.getLogger(__name__)


class ParsePipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler) -> "ParsePipeline":
        return cls(crawler)

    def process_item(self, item: PageItem) -> PageItem:
        if item.error or not isinstance(item, PageItem) or item.cleaned is None:
            return item
        stats = self.crawler.stats
        try:
            result = parse_cleaned(item.cleaned, item.site)
            apply_hints(result.item, hints_for(item.site))
        except Exception:  # the raw page is still stored; `harvester reparse` retries it later
            logger.exception("parsing failed for %s", item.url)
            stats.inc_value("harvester/parse_errors")
            return item
        report = result.item
        attach_provenance(report, item)
        item.result = result
        stats.inc_value(f"harvester/kind/{result.kind}")
        if result.is_report:
            stats.inc_value("harvester/reports")
            if report.report_year:
                years = set(stats.get_value("harvester/report_years", []))
                stats.set_value("harvester/report_years", sorted(years | {report.report_year}))
            if report.warnings:
                stats.inc_value("harvester/reports_with_warnings")
        else:
            logger.info("not a report (%s: %s): %s", result.kind, result.reason, item.url)
        return item
