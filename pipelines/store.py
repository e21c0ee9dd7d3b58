"""Store pipeline: archive every page item with its provenance (harvester.storage.Store).

Items are stored in batches, one transaction per batch, in a thread (the reactor never waits
for the database: an SQLite write waiting for a lock or a slow disk must not stall the downloads
of every other site in the process, docs/reliability.md): a batch is written when it holds
``HARVESTER_STORE_BATCH`` items, when its oldest item waited ``HARVESTER_STORE_FLUSH_SECONDS``,
when no item has joined it for ``HARVESTER_STORE_QUIET_SECONDS`` (the crawl has nothing more to
store for now, as at its end: the spider cannot close while items wait here), and when the spider
closes. One batch is written at a time, in order. An item leaves this
pipeline (``process_item`` returns) only once its batch is committed: what the crawl
acknowledges is durable; a crash loses at most the open batch, whose pages are not in the
archive and so are fetched again by the next run. When the database itself fails (disk full,
locked, corrupt) the crawl stops with finish reason ``storage_failed``: fetching pages that
cannot be stored would only lose them.

The run, lock, plan and monitor handling is not here: harvester.lifecycle.HarvestRunExtension
does it on the spider_opened / spider_closed signals and publishes the run id in the stats.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet import reactor
from twisted.internet.defer import Deferred, DeferredLock
from twisted.internet.threads import deferToThread

from harvester.items import PageItem
from harvester.pool import set_report_fields
from harvester.storage import StorageUnavailable, Store
from harvester.storage.attachments import save_files

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.batch_size = max(1, settings.getint("HARVESTER_STORE_BATCH", 50))
        self.flush_seconds = settings.getfloat("HARVESTER_STORE_FLUSH_SECONDS", 2.0)
        self.quiet_seconds = min(self.flush_seconds, settings.getfloat("HARVESTER_STORE_QUIET_SECONDS", 0.2))
        self.store: Store | None = None
        self._batch: list[tuple[PageItem, Deferred]] = []
        self._timer: Any = None
        #: monotonic times of the open batch's first and last item
        self._opened = self._joined = 0.0
        self._writing = DeferredLock()  # one batch transaction at a time, in batch order

    @classmethod
    def from_crawler(cls, crawler) -> "StorePipeline":
        if not crawler.settings.getbool("HARVESTER_ARCHIVE", True):
            # scrapy shell / fetch / parse / check (harvester.commands): look, never write
            raise NotConfigured  # no argument: Scrapy then skips it without a warning
        return cls(crawler)

    def open_spider(self) -> None:
        # None falls through to $HARVESTER_DATABASE_URL, then ./harvest.db. A database that
        # cannot be opened is reported by the run extension, which stops the crawl
        # (storage_failed); items are then counted as not stored.
        from harvester.storage import database_fault

        try:
            self.store = Store(self.crawler.settings.get("HARVESTER_DATABASE_URL") or None)
        except Exception as exc:
            if not database_fault(exc):
                raise
            logger.debug("store pipeline: database not available: %s", exc)
            self.store = None

    @property
    def storage_error(self) -> str | None:
        return self.crawler.stats.get_value("harvester/storage_error")

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, PageItem) or self.store is None or self.storage_error:
            if isinstance(item, PageItem) and (self.store is None or self.storage_error):
                self.crawler.stats.inc_value("harvester/not_stored")
            return item
        if item.harvest_run is None:
            item.harvest_run = self.crawler.stats.get_value("harvester/run_id")
            if item.result is not None:  # the parse pipeline ran before the run id was known
                set_report_fields(item.result, {"harvest_run": item.harvest_run})
        stored: Deferred = Deferred()
        self._batch.append((item, stored))
        self._joined = time.monotonic()
        if len(self._batch) >= self.batch_size:
            self._flush()
        elif self._timer is None:
            self._opened = self._joined
            self._timer = reactor.callLater(self.quiet_seconds, self._flush_when_due)
        await maybe_deferred_to_future(stored)
        return item

    def _flush_when_due(self) -> None:
        """Write the open batch if it has been quiet for quiet_seconds or open for flush_seconds,
        else look again when one of them is reached (one timer per batch, not one per item)."""
        self._timer = None
        now = time.monotonic()
        quiet_left = self.quiet_seconds - (now - self._joined)
        open_left = self.flush_seconds - (now - self._opened)
        if quiet_left <= 0 or open_left <= 0:
            self._flush()
        else:
            self._timer = reactor.callLater(min(quiet_left, open_left), self._flush_when_due)

    def _flush(self) -> Deferred:
        """Write the open batch (in a thread, after the batches before it)."""
        if self._timer is not None:
            if self._timer.active():
                self._timer.cancel()
            self._timer = None
        batch, self._batch = self._batch, []
        if not batch:
            return self._writing.run(lambda: None)
        return self._writing.run(self._write, batch)

    def _write(self, batch: list[tuple[PageItem, Deferred]]) -> Deferred | None:
        stats = self.crawler.stats
        if stats.get_value("harvester/lock_lost") or self.storage_error:
            # Another harvest holds the site now (it must be the only one writing), or the
            # database failed: these pages are not stored, so some harvest fetches them again.
            why = "harvest lock lost" if stats.get_value("harvester/lock_lost") else "storage failed"
            logger.warning("%s: %d fetched pages not stored", why, len(batch))
            stats.inc_value("harvester/not_stored", len(batch))
            for _, stored in batch:
                stored.errback(DropItem(f"{why}: not stored"))
            return None
        items = [item for item, _ in batch]
        done = deferToThread(self._save_batch, items)

        def acknowledge(outcomes: list[str]) -> None:
            for (item, stored), outcome in zip(batch, outcomes):
                item.store_outcome = outcome
                stats.inc_value(f"harvester/{outcome}")
                if item.kept_report:
                    stats.inc_value("harvester/kept_reports")
                    logger.warning("%s: kept its current report: %s", item.url, item.kept_report)
                stored.callback(item)

        def failed(failure) -> None:
            if failure.check(StorageUnavailable):
                self._storage_failed(str(failure.value))
                stats.inc_value("harvester/not_stored", len(batch))
                for _, stored in batch:
                    stored.errback(DropItem(f"storage failed: {failure.value}"))
                return
            logger.error("could not store a batch of %d items: %s", len(batch), failure.getErrorMessage())
            for _, stored in batch:
                stored.errback(failure)

        return done.addCallbacks(acknowledge, failed)

    def _save_batch(self, items: list[PageItem]) -> list[str]:
        """In the storage thread: the batch's pages in one transaction, then the files each page
        links (pipelines.files), their bytes beside the page's snapshots."""
        outcomes = self.store.save_pages(items)
        for item, outcome in zip(items, outcomes):
            if item.files and outcome != "failed":
                try:
                    save_files(self.store, item.url, item.harvest_run, item.files)
                except StorageUnavailable:
                    raise
                except Exception:
                    logger.exception("could not store the files of %s", item.url)
                    self.crawler.stats.inc_value("harvester/files/store_errors")
        return outcomes

    def _storage_failed(self, message: str) -> None:
        """The database cannot store anything: stop the crawl (once), say why."""
        if self.storage_error:
            return
        self.crawler.stats.set_value("harvester/storage_error", message)
        logger.error("storage failed, stopping the crawl: %s", message)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="storage_failed"))

    async def close_spider(self) -> None:
        if self.store is None:
            return
        try:
            await maybe_deferred_to_future(self._flush())
        finally:
            self.store.close()
            self.store = None
