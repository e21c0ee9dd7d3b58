"""The CSV feed exporter of report records (``FEED_EXPORTERS["csv"]``).

Apart from harvester.feeds because Scrapy's exporters module imports pydantic (~0.2-0.3 s of CPU):
every crawl loads the feed and parse pipelines, but only a crawl writing a CSV feed needs this.
"""

from __future__ import annotations

import json
from typing import Any

from scrapy.exporters import CsvItemExporter

from .feeds import FEED_FIELDS


class ReportCsvItemExporter(CsvItemExporter):
    """CSV feed of report records: a fixed column set (FEED_FIELDS, unless FEED_EXPORT_FIELDS
    says otherwise), whatever kind comes first, and nested values (sections, stats, tables,
    attachments, warnings, cleaning) as JSON, never Python reprs."""

    def __init__(self, file: Any, **kwargs: Any) -> None:
        if not kwargs.get("fields_to_export"):
            kwargs["fields_to_export"] = list(FEED_FIELDS)
        super().__init__(file, **kwargs)

    def serialize_field(self, field: Any, name: str, value: Any) -> Any:
        if isinstance(value, (list, dict)):
            return json.dumps(value, ensure_ascii=False)
        return super().serialize_field(field, name, value)
