"""The project's versions of Scrapy's inspection commands (``COMMANDS_MODULE``).

``scrapy shell``, ``scrapy fetch``, ``scrapy parse`` and ``scrapy check`` look at pages; they
must never write into the archive (no run, no alert, no "sweep complete"). Each one here is
Scrapy's own command with ``HARVESTER_ARCHIVE = False``, which disables the store pipeline.
``scrapy parse`` also picks the detail callback for a detail-page URL and prints the parsed
report item (harvester.feeds) instead of the raw page item.
"""

from __future__ import annotations

#: Settings every inspection command adds to Scrapy's own defaults for it.
NO_ARCHIVE = {"HARVESTER_ARCHIVE": False}
