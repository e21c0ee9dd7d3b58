"""Store pipeline: archive every page item with its provenance (harvester.storage.Store).

Thin on purpose: the work is in Store methods and in harvester.locks / harvester.incremental /
harvester.monitoring. When a crawl opens, the pipeline takes the site's harvest lock (a second
harvest of the site closes at once with reason "locked"), marks runs left "running" by a killed
process "abandoned", opens the run and hands the spider its incremental plan; when it closes, it
marks unlinked pages gone (complete sweeps only), closes the run and stores the checks. Uses
``self.crawler.spider`` (the ``spider`` arguments are deprecated in Scrapy 2.19) and the
``spider_closed`` signal, which is the first place the finish reason is known.

Storing runs in one worker thread, not on the reactor thread: an SQLite write waiting for a lock
(busy_timeout) or a slow disk must not stall the downloads of every other site in the process
(docs/reliability.md). One thread keeps the writes in order. When the database itself fails
(disk full, locked, corrupt) the crawl stops with finish reason ``storage_failed``: fetching
pages that cannot be stored would only lose them.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timezone
from typing import Any

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro
from scrapy.exceptions import CloseSpider, NotConfigured

from harvester import __version__
from harvester.incremental import build_plan
from harvester.items import PageItem
from harvester.locks import LockHeld, SiteLock
from harvester.monitoring import as_json, run_checks
from harvester.parsing import PARSER_VERSION
from harvester.storage import StorageUnavailable, Store, database_fault
from harvester.storage.attachments import save_files

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.store: Store | None = None
        self.run_id: int | None = None
        self.lock: SiteLock | None = None
        self._heartbeat: Any = None
        self._pool: Any = None
        self.storage_error: str | None = None

    @classmethod
    def from_crawler(cls, crawler) -> "StorePipeline":
        if not crawler.settings.getbool("HARVESTER_ARCHIVE", True):
            # scrapy shell / fetch / parse / check (harvester.commands): look, never write
            raise NotConfigured  # no argument: Scrapy then skips it without a warning
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        try:
            self._open()
        except CloseSpider:
            raise
        except Exception as exc:
            fault = database_fault(exc)
            if not fault:
                raise
            # Locked past busy_timeout, disk full, corrupt file: no run can be recorded.
            self.storage_error = fault
            self.crawler.stats.set_value("harvester/storage_error", fault)
            logger.error("storage failed, not crawling: %s", fault)
            if self.store is not None:
                self.store.close()
                self.store = None
            raise CloseSpider("storage_failed") from None

    def _open(self) -> None:
        spider = self.crawler.spider
        settings = self.crawler.settings
        stats = self.crawler.stats
        site = getattr(spider, "site_key", None) or spider.name
        # None falls through to $HARVESTER_DATABASE_URL, then ./harvest.db.
        self.store = Store(settings.get("HARVESTER_DATABASE_URL") or None)
        if settings.getbool("HARVESTER_LOCK", True):
            lock = SiteLock(self.store, site, stale_after=settings.getfloat("HARVESTER_LOCK_STALE_SECONDS", 600))
            try:
                self.lock = lock.acquire()
            except LockHeld as exc:
                holder = exc.holder
                logger.error("harvest of %s refused: another harvest holds its lock: %s", site, holder.describe())
                stats.set_value("harvester/lock_holder", holder.describe())
                raise CloseSpider("locked") from None
            if lock.took_over:
                previous, why = lock.took_over
                stats.set_value("harvester/lock_taken_over", f"{previous.describe()}: {why}")
            preset = settings.get("HARVESTER_RUN_ID")
            abandoned = self.store.abandon_runs(site, keep=int(preset) if preset else None)
            if abandoned:
                logger.warning("%s: runs %s did not finish (killed); marked abandoned", site,
                               ", ".join(map(str, abandoned)))
                stats.set_value("harvester/abandoned_runs", abandoned)
        preset_run = settings.get("HARVESTER_RUN_ID")
        if preset_run:
            self.run_id = int(preset_run)
        else:
            self.run_id = self.store.start_run(
                site=site,
                spider=spider.name,
                args=_spider_args(spider),
                harvester_version=__version__,
                parser_version=PARSER_VERSION,
            )
        stats.set_value("harvester/run_id", self.run_id)
        if self.lock is not None:
            self.lock.set_run(self.run_id)
            self._start_heartbeat(settings.getfloat("HARVESTER_LOCK_HEARTBEAT_SECONDS", 60))
        plan = build_plan(
            self.store, site,
            incremental=settings.getbool("HARVESTER_INCREMENTAL"),
            run_id=self.run_id,
            now=datetime.now(timezone.utc),
            recheck_days=settings.getfloat("HARVESTER_RECHECK_DAYS", 30),
            sweep_days=settings.getfloat("HARVESTER_FULL_SWEEP_DAYS", 7),
            conditional=settings.getbool("HARVESTER_CONDITIONAL", True),
        )
        spider.harvest_plan = plan
        stats.set_value("harvester/mode", plan.mode)
        stats.set_value("harvester/walk", plan.reason)
        logger.info("%s: %s; %d known pages", site, plan.reason, len(plan.known))

    def _start_heartbeat(self, interval: float) -> None:
        from twisted.internet import task

        if interval > 0:
            self._heartbeat = task.LoopingCall(self._beat)
            self._heartbeat.start(interval, now=False)

    def _beat(self) -> Any:
        """Refresh the site lock (in the store's thread: a locked database must not stall the
        reactor); if another harvest took it over (it judged us stale), stop: two harvests of
        one site must never write at once."""
        if self.lock is None:
            return None
        beat = self._in_thread(self.lock.heartbeat)
        beat.addCallback(self._after_beat)
        beat.addErrback(lambda failure: logger.error("harvest lock heartbeat failed: %s",
                                                     database_fault(failure.value) or failure.getErrorMessage()))
        return beat

    def _after_beat(self, alive: bool) -> None:
        if not alive:
            logger.error("%s: stopping this crawl, its harvest lock is lost", self.crawler.spider.site_key)
            self.crawler.stats.set_value("harvester/lock_lost", True)
            if self._heartbeat is not None and self._heartbeat.running:
                self._heartbeat.stop()
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="lock_lost"))

    def _in_thread(self, func: Any, *args: Any) -> Any:
        """Run a blocking store call in the pipeline's worker thread (a Deferred)."""
        from twisted.internet import reactor, threads
        from twisted.python.threadpool import ThreadPool

        if self._pool is None:
            self._pool = ThreadPool(minthreads=1, maxthreads=1, name="harvester-store")
            self._pool.start()
        return threads.deferToThreadPool(reactor, self._pool, func, *args)

    async def process_item(self, item: Any) -> Any:
        from scrapy.utils.defer import maybe_deferred_to_future

        if not isinstance(item, PageItem) or self.store is None or self.storage_error:
            if isinstance(item, PageItem) and self.storage_error:
                self.crawler.stats.inc_value("harvester/not_stored")
            return item
        if item.harvest_run is None:
            item.harvest_run = self.run_id
            report = getattr(item.result, "item", None)
            if report is not None and report.harvest_run is None:
                report.harvest_run = self.run_id
        try:
            # handles item.error via record_failure, 304 as unchanged
            outcome = await maybe_deferred_to_future(self._in_thread(self.store.save_page, item))
        except StorageUnavailable as exc:
            self._storage_failed(str(exc))
            self.crawler.stats.inc_value("harvester/not_stored")
            return item
        item.store_outcome = outcome
        stats = self.crawler.stats
        stats.inc_value(f"harvester/{outcome}")
        if item.kept_report:
            stats.inc_value("harvester/kept_reports")
            logger.warning("%s: kept its current report: %s", item.url, item.kept_report)
        if item.files and outcome != "failed":
            try:  # the page's linked files (pipelines.files), bytes beside the page's snapshots
                await maybe_deferred_to_future(
                    self._in_thread(save_files, self.store, item.url, item.harvest_run, item.files))
            except Exception:
                logger.exception("could not store the files of %s", item.url)
                stats.inc_value("harvester/files/store_errors")
        return item

    def _storage_failed(self, message: str) -> None:
        """The database cannot store anything: stop the crawl (once), say why."""
        if self.storage_error:
            return
        self.storage_error = message
        self.crawler.stats.set_value("harvester/storage_error", message)
        logger.error("storage failed, stopping the crawl: %s", message)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="storage_failed"))

    def spider_closed(self, spider, reason: str) -> None:
        if self.store is None:
            return
        stats = self.crawler.stats
        try:
            if self.run_id is None:  # refused (locked): no run was opened
                return
            site = getattr(spider, "site_key", None) or spider.name
            seen_urls = getattr(spider, "seen_urls", None)
            complete = reason == "finished" and getattr(spider, "sweep_complete", True)
            if complete and seen_urls:
                # A page answering 404/410 on a complete sweep is gone even though still listed:
                # with a new report version, the only evidence that retires a kept report.
                dead = set(getattr(spider, "dead_urls", None) or ())
                gone = self.store.mark_gone(site, set(seen_urls) - dead, self.run_id)
                stats.set_value("harvester/gone", gone)
            elif getattr(spider, "skipped_urls", None):
                self.store.mark_seen(site, spider.skipped_urls)
            stats.set_value("harvester/sweep", "complete" if complete else "partial")
            # A run pre-created by `harvester harvest` is closed here too; the command may
            # overwrite the outcome afterwards (finish_run is idempotent).
            run_stats = dict(stats.get_stats())
            run_stats.setdefault("finish_reason", reason)
            self.store.finish_run(self.run_id, reason, run_stats, sweep="complete" if complete else "partial")
            self._check(site, run_stats)
        except Exception as exc:
            fault = database_fault(exc)
            if not fault:
                raise
            # Disk still full / database locked: the run stays "running" and the next harvest of
            # the site marks it abandoned and walks every listing page again (a resume).
            self._storage_failed(fault)
            logger.error("ALERT %s: run %s could not be closed in the database (%s); the next harvest marks "
                         "it abandoned and resumes", getattr(spider, "site_key", spider.name), self.run_id, fault)
        finally:
            if self._pool is not None:
                self._pool.stop()
                self._pool = None
            if self._heartbeat is not None and self._heartbeat.running:
                self._heartbeat.stop()
            if self.lock is not None:
                try:
                    self.lock.release()
                except Exception as exc:
                    if not database_fault(exc):
                        raise
                    # the lock row names this process: once it exits the lock is stale at once
                    logger.error("could not release the harvest lock: %s", database_fault(exc))
            self.store.close()
            self.store = None

    def _check(self, site: str, run_stats: dict) -> None:
        """Monitoring: the checks are stored with the run and kept in the stats for the CLI."""
        from harvester.sites import SITES

        settings = self.crawler.settings
        today = settings.get("HARVESTER_TODAY")
        registered = SITES.get(site)
        checks = as_json(run_checks(
            run_stats,
            report_years=self.store.report_years(site),
            today=date.fromisoformat(str(today)) if today else date.today(),
            agency=registered.agency if registered else site,
            max_error_ratio=settings.getfloat("HARVESTER_MAX_ERROR_RATIO", 0.2),
            max_warning_share=settings.getfloat("HARVESTER_MAX_WARNING_SHARE", 0.5),
        ))
        self.store.set_run_checks(self.run_id, checks)
        self.crawler.stats.set_value("harvester/checks", checks)
        for name, check in checks.items():
            if check["status"] == "fail":
                logger.error("ALERT %s: %s check failed: %s", site, name, check["message"])
            elif check["status"] == "alert":
                logger.warning("alert %s: %s: %s", site, name, check["message"])

def _spider_args(spider) -> dict:
    """The -a arguments of the crawl, as far as the spider kept them."""
    args = getattr(spider, "crawl_args", None)
    if isinstance(args, dict):
        return args
    skip = {"name", "crawler", "settings", "custom_settings", "start_urls", "allowed_domains", "seen_urls", "site",
            "stopped_early", "capped"}
    return {
        key: value
        for key, value in vars(spider).items()
        if not key.startswith("_") and key not in skip and isinstance(value, (str, int, float, bool))
    }
