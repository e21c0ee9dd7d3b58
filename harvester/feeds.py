"""What Scrapy's feed exports write: report items, not raw pages.

``scrapy crawl zhaoqing -O reports.jsonl`` (or ``.csv``, ``.json``) gets one record per detail
page the crawl reached, marked by ``kind``: ``report`` records carry every field of the report
item contract (docs/design.md) plus the body's identity (``body_key``, ``body_name``,
``body_region``) beside the printed ``agency``; other pages (``notice``, ``news``, ... as the
classifier calls them, ``failed``, ``not_modified``) carry only what identifies them and why they
are not reports. Everything is JSON-safe (no bytes). :class:`ReportFeedPipeline` turns the page
items into these records at the end of the pipelines, only when the crawl writes a feed.
"""

from __future__ import annotations

import hashlib
from typing import Any

from scrapy.exceptions import NotConfigured

from .bodies import BODY_COLUMNS, with_identity
from .units import with_units
from .items import REPORT_FIELDS, PageItem, ReportItem

#: Columns of a CSV feed, in order: kind, who, the contract's fields, why a page is not a report.
FEED_FIELDS: tuple[str, ...] = ("kind", "site", *BODY_COLUMNS,
                                *(f for f in REPORT_FIELDS if f != "site"), "reason", "error")


def attach_provenance(report: ReportItem, item: PageItem) -> None:
    """The fetch's provenance on the parsed report (fetched_at, content hash, status, ...)."""
    for name, value in provenance_of(item).items():
        setattr(report, name, value)


def provenance_of(item: PageItem, content_sha256: str | None = None) -> dict[str, Any]:
    """The report fields that come from the fetch (``content_sha256``: the body's, if known)."""
    return {"fetched_at": item.fetched_at,
            "content_sha256": content_sha256 or hashlib.sha256(item.body).hexdigest(),
            "status": item.status, "final_url": item.final_url, "harvest_run": item.harvest_run}


def parse_page_item(item: PageItem) -> None:
    """Clean and parse ``item`` in place, as the clean and parse pipelines do (for commands that
    run a callback without the pipelines, e.g. ``scrapy parse``)."""
    from .hints import clean_with_hints, parse_with_hints

    if item.error or item.status == 304 or item.result is not None:
        return
    if item.cleaned is None:
        item.cleaned = clean_with_hints(item.body, item.headers, item.final_url or item.url, item.site)
    item.result = parse_with_hints(item.cleaned, item.site)
    attach_provenance(item.result.item, item)


def feed_record(item: Any) -> Any:
    """The feed record of one item (see the module docs); anything but a PageItem unchanged."""
    if not isinstance(item, PageItem):
        return item
    base = {"site": item.site, "url": item.url, "final_url": item.final_url, "status": item.status}
    if item.error:
        return {"kind": "failed", **base, "error": item.error}
    if item.status == 304:
        return {"kind": "not_modified", **base}
    result = item.result
    if result is None:
        return {"kind": "unparsed", **base, "error": "cleaning or parsing failed (see the log)"}
    if result.is_report:
        record = {"kind": "report", **with_identity(result.item.to_dict())}
        record["stats"] = with_units(record.get("stats") or [])
        return record
    return {"kind": result.kind, **base, "title": item.listing_title, "reason": result.reason}


class ReportFeedPipeline:
    """Last item pipeline: page items become feed records, when the crawl writes a feed
    (``-o``/``-O``/FEEDS); otherwise it is disabled and items stay page items."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> "ReportFeedPipeline":
        if not crawler.settings.getdict("FEEDS"):
            raise NotConfigured  # no argument: skipped without a warning
        return cls()

    def process_item(self, item: Any) -> Any:
        return feed_record(item)
