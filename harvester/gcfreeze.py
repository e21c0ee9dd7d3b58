"""Scrapy extension: the crawl process's startup objects moved out of the cyclic collector's reach.

A crawl process holds ~150,000 objects that live as long as it does: the modules of Scrapy,
Twisted, SQLAlchemy, Alembic, lxml and the harvester, the mapped classes, compiled regexes,
settings, the spider registry. Python's cyclic garbage collector walked all of them at each of
its full collections, ~100 ms each, a dozen a minute in a busy crawl: 1.1 s of the 9.6 s of CPU the
crawl process spent on a 2,000-report crawl of the scaled replica, all of it holding the GIL that
the reactor and the store thread share (bench/RESULTS.md, issue 15, store cost). Once the engine
has started they are collected once and frozen (``gc.freeze``): full collections then walk what
the crawl allocates, not what it was started with. Objects that die later are still freed by
reference counting; only cyclic garbage made of frozen objects would stay, and there is none
at that point (the collection just before the freeze took it).

Frozen once per process (a process running several crawls freezes at the first one's start).
``HARVESTER_GC_FREEZE = False`` turns it off.
"""

from __future__ import annotations

import gc
import logging

from scrapy import signals
from scrapy.exceptions import NotConfigured

log = logging.getLogger(__name__)

_frozen = False


class FreezeStartupObjects:
    def __init__(self, crawler) -> None:
        crawler.signals.connect(self.engine_started, signal=signals.engine_started)

    @classmethod
    def from_crawler(cls, crawler) -> "FreezeStartupObjects":
        if not crawler.settings.getbool("HARVESTER_GC_FREEZE", True):
            raise NotConfigured
        return cls(crawler)

    def engine_started(self) -> None:
        freeze_startup_objects()


def freeze_startup_objects() -> int:
    """Collect, then freeze every object alive (once per process); returns how many are frozen."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()
        log.debug("%d startup objects frozen out of the cyclic collector's walks", gc.get_freeze_count())
    return gc.get_freeze_count()
