"""The add-on that makes a crawl a worker of a distributed harvest (harvester.distributed).

Apart from harvester.distributed so that every crawl can load it (``ADDONS`` in
harvester.settings) without importing scrapy-redis and redis: a crawl of its own never needs them
(importing them cost ~0.13 s of CPU at every crawl start on the bench machine)."""

from __future__ import annotations

import os
from typing import Any


class DistributedAddon:
    """Scrapy add-on: with ``HARVESTER_REDIS_URL`` set, the crawl is a worker of a distributed
    harvest (the settings below merged into the project's); without it, nothing changes."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> "DistributedAddon":
        return cls()

    def update_settings(self, settings) -> None:
        url = settings.get("HARVESTER_REDIS_URL") or os.environ.get("HARVESTER_REDIS_URL")
        if not url:
            return
        from .render.config import merge_settings

        merge_settings(settings, distributed_settings(url))


def distributed_settings(redis_url: str) -> dict[str, Any]:
    """The settings that make a crawl a worker of a distributed harvest."""
    return {
        "HARVESTER_REDIS_URL": redis_url,
        "REDIS_URL": redis_url,
        "SCHEDULER": "harvester.distributed.DistributedScheduler",
        "SCHEDULER_QUEUE_CLASS": "harvester.distributed.LeasedQueue",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,  # the last worker clears the site's keys, not the first to stop
        "SPIDER_MIDDLEWARES": {"harvester.distributed.LeaseAckMiddleware": 50},
        "DOWNLOADER_MIDDLEWARES": {"harvester.distributed.LeaseReleaseMiddleware": 50,
                                   "harvester.distributed.SharedPolitenessMiddleware": 590},
    }
