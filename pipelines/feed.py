"""Feed pipeline: what `scrapy crawl SITE -O reports.jsonl|csv` writes are report records
(harvester.feeds), not raw page items. Active only when the crawl writes a feed."""

from harvester.feeds import ReportFeedPipeline

__all__ = ["ReportFeedPipeline"]
