"""The life of one harvest run as a Scrapy extension driven by signals (like Scrapy's own
``extensions/closespider.py``); the item pipelines only transform and store.

``spider_opened``: take the site's harvest lock (a second harvest of the site closes at once
with reason "locked"), mark runs left "running" by a killed process "abandoned", open the run
(or adopt ``HARVESTER_RUN_ID``), publish its id in the stats (``harvester/run_id``, which the
store pipeline stamps on items) and hand the spider its incremental plan (harvester.incremental).
While the crawl runs, a heartbeat keeps the lock; a lost lock stops the crawl ("lock_lost").
``spider_closed`` (sent after the item pipelines closed, so the store's last batch is
committed): mark unlinked pages gone (complete sweeps only), close the run, store the checks
(harvester.monitoring), release the lock - in a thread, so the other crawls of the process
(``harvester harvest`` of many sites) go on while a site's run is closed.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timezone
from typing import Any

from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.utils.defer import deferred_from_coro

from . import __version__
from .incremental import build_plan
from .locks import LockHeld, SiteLock
from .monitoring import as_json, run_checks
from .parsing import PARSER_VERSION
from .storage import Store, database_fault

logger = logging.getLogger(__name__)


class HarvestRunExtension:
    """Runs, locks, incremental plans and monitors of a crawl (``HARVESTER_RUNS``)."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.store: Store | None = None
        self.run_id: int | None = None
        self.lock: SiteLock | None = None
        self.shared: Any = None  # harvester.distributed.DistributedRun of a distributed harvest
        self._heartbeat: Any = None
        self._shared_beat: Any = None

    @classmethod
    def from_crawler(cls, crawler) -> "HarvestRunExtension":
        if not runs_enabled(crawler.settings):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        try:
            self._opened(spider)
        except CloseSpider:
            raise
        except Exception as exc:
            fault = database_fault(exc)
            if not fault:
                raise
            # Locked past busy_timeout, disk full, corrupt file: no run can be recorded.
            self.crawler.stats.set_value("harvester/storage_error", fault)
            logger.error("storage failed, not crawling: %s", fault)
            if self.store is not None:
                self.store.close()
                self.store = None
            raise CloseSpider("storage_failed") from None

    def _opened(self, spider) -> None:
        settings = self.crawler.settings
        stats = self.crawler.stats
        site = site_key(spider)
        # None falls through to $HARVESTER_DATABASE_URL, then ./harvest.db.
        self.store = Store(settings.get("HARVESTER_DATABASE_URL") or None)
        redis_url = settings.get("HARVESTER_REDIS_URL")
        if redis_url:
            # A worker of a distributed harvest: the first worker of the site opens the run (lock
            # included), the others adopt it and share the lock (harvester.distributed).
            from .distributed import DistributedRun

            self.shared = DistributedRun(self.crawler, site, redis_url)
            self.run_id, token, opened = self.shared.join(lambda: self._open_run(spider, site))
            if not opened and token and settings.getbool("HARVESTER_LOCK", True):
                self.lock = SiteLock(self.store, site, stale_after=settings.getfloat("HARVESTER_LOCK_STALE_SECONDS", 600))
                self.lock.token, self.lock.held = token, True
            stats.set_value("harvester/worker", self.shared.worker)
        else:
            self._open_run(spider, site)
        stats.set_value("harvester/run_id", self.run_id)
        if self.lock is not None:
            self.lock.set_run(self.run_id)
            self._start_heartbeat(settings.getfloat("HARVESTER_LOCK_HEARTBEAT_SECONDS", 60))
        if self.shared is not None:
            from twisted.internet import task

            self._shared_beat = task.LoopingCall(self.shared.beat)
            self._shared_beat.start(self.shared.heartbeat_seconds, now=False)
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

    def _open_run(self, spider, site: str) -> tuple[int, str | None]:
        """Take the site's lock, mark killed runs abandoned, open the run (or adopt
        HARVESTER_RUN_ID); returns (run id, lock token)."""
        settings = self.crawler.settings
        stats = self.crawler.stats
        preset = settings.get("HARVESTER_RUN_ID")
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
            abandoned = self.store.abandon_runs(site, keep=int(preset) if preset else None)
            if abandoned:
                logger.warning("%s: runs %s did not finish (killed); marked abandoned", site,
                               ", ".join(map(str, abandoned)))
                stats.set_value("harvester/abandoned_runs", abandoned)
        if preset:
            self.run_id = int(preset)
        else:
            self.run_id = self.store.start_run(
                site=site,
                spider=spider.name,
                args=_spider_args(spider),
                harvester_version=__version__,
                parser_version=PARSER_VERSION,
            )
        return self.run_id, self.lock.token if self.lock is not None else None

    def _start_heartbeat(self, interval: float) -> None:
        from twisted.internet import task

        if interval > 0:
            self._heartbeat = task.LoopingCall(self._beat)
            self._heartbeat.start(interval, now=False)

    def _beat(self):
        """Refresh the site lock (in a thread: a slow database must not stall the crawl); if
        another harvest took it over (it judged us stale), stop: two harvests of one site must
        never write at once."""
        from twisted.internet.threads import deferToThread

        lock = self.lock
        if lock is None:
            return None

        def checked(alive: bool) -> None:
            if alive or self.lock is None:
                return
            logger.error("%s: stopping this crawl, its harvest lock is lost", site_key(self.crawler.spider))
            self.crawler.stats.set_value("harvester/lock_lost", True)
            if self._heartbeat is not None and self._heartbeat.running:
                self._heartbeat.stop()
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="lock_lost"))

        beat = deferToThread(lock.heartbeat).addCallback(checked)
        beat.addErrback(lambda failure: logger.error("harvest lock heartbeat failed: %s",
                                                     database_fault(failure.value) or failure.getErrorMessage()))
        return beat

    async def spider_closed(self, spider, reason: str) -> None:
        self._stop_beats()
        if self.shared is None or self.store is None or self.run_id is None:
            await _in_thread(self._close, spider, reason)
        else:
            await self._close_shared(spider, reason)

    def _stop_beats(self) -> None:
        """On the reactor thread (LoopingCall is not thread-safe), before the run is closed."""
        for loop in (self._heartbeat, self._shared_beat):
            if loop is not None and loop.running:
                loop.stop()

    async def _close_shared(self, spider, reason: str) -> None:
        """A distributed worker: add its share; the last one alive closes the run for all
        (waiting, without blocking the reactor, until a silent worker counts as killed)."""
        from twisted.internet import reactor
        from twisted.internet.task import deferLater

        from scrapy.utils.defer import maybe_deferred_to_future

        complete = reason == "finished" and getattr(spider, "sweep_complete", True)
        counted = self.shared.leave(dict(self.crawler.stats.get_stats()), set(getattr(spider, "seen_urls", None) or ()),
                                    set(getattr(spider, "skipped_urls", None) or ()), complete)
        if not counted:
            logger.warning("%s: run %s was closed without this worker (%s): it was silent for a lease and counted "
                           "as killed; its pages are stored, its counts are not in the run's",
                           site_key(spider), self.run_id, self.shared.worker)
        merged = None
        waited = 0.0
        while counted:
            alive, silent = self.shared.others()
            if alive:
                break  # a worker still at it closes the run
            if not silent or waited >= self.shared.lease_seconds:
                merged = self.shared.take_closing()
                break
            await maybe_deferred_to_future(deferLater(reactor, 0.5, lambda: None))
            waited += 0.5
        if merged is None:
            logger.info("%s: worker %s done; the other workers close the run", site_key(spider), self.shared.worker)
            self.lock = None  # the lock stays with the run
            self.crawler.stats.set_value("harvester/run_closed_by_other_worker", True)
            await _in_thread(self._close, spider, reason, skip=True)
            return
        try:
            await _in_thread(self._close, spider, reason, merged=merged)
        finally:
            # After the close (lock released): a worker starting meanwhile waits for it, then opens
            # the next run, instead of finding the lock still held.
            self.shared.cleanup(spider.name)

    def _close(self, spider, reason: str, merged: dict | None = None, skip: bool = False) -> None:
        """In a thread (the other crawls of the process go on meanwhile): gone pages, the run's
        counts and checks, the lock released."""
        if self.store is None:
            return
        stats = self.crawler.stats
        try:
            if skip:
                return
            if self.run_id is None:  # refused (locked): no run was opened
                return
            site = site_key(spider)
            seen_urls = getattr(spider, "seen_urls", None)
            complete = reason == "finished" and getattr(spider, "sweep_complete", True)
            skipped_urls = set(getattr(spider, "skipped_urls", None) or ())
            run_stats = dict(stats.get_stats())
            if merged is not None:  # the last worker of a distributed run: everyone's share
                run_stats = {**merged["stats"], "harvester/workers_killed": merged["workers_killed"]}
                for name, value in run_stats.items():  # what this process reports is the run's
                    stats.set_value(name, value)
                seen_urls, skipped_urls = merged["seen"], merged["skipped"]
                complete = merged["complete"] and reason == "finished"
            if complete and seen_urls:
                # A page answering 404/410 on a complete sweep is gone even though still listed:
                # with a new report version, the only evidence that retires a kept report.
                dead = set(getattr(spider, "dead_urls", None) or ())
                gone = self.store.mark_gone(site, set(seen_urls) - dead, self.run_id)
                stats.set_value("harvester/gone", gone)
                run_stats["harvester/gone"] = gone
            elif skipped_urls:
                self.store.mark_seen(site, skipped_urls)
            stats.set_value("harvester/sweep", "complete" if complete else "partial")
            run_stats["harvester/sweep"] = "complete" if complete else "partial"
            # A run pre-created by `harvester harvest` is closed here too; the command may
            # overwrite the outcome afterwards (finish_run is idempotent).
            run_stats.setdefault("finish_reason", reason)
            self.store.finish_run(self.run_id, reason, run_stats, sweep="complete" if complete else "partial")
            self._check(site, run_stats)
        except Exception as exc:
            fault = database_fault(exc)
            if not fault:
                raise
            # Disk still full / database locked: the run stays "running" and the next harvest of
            # the site marks it abandoned and walks every listing page again (a resume).
            stats.set_value("harvester/storage_error", stats.get_value("harvester/storage_error") or fault)
            logger.error("ALERT %s: run %s could not be closed in the database (%s); the next harvest marks "
                         "it abandoned and resumes", site_key(spider), self.run_id, fault)
        finally:
            if self.lock is not None:
                try:
                    self.lock.release()
                except Exception as exc:
                    if not database_fault(exc):
                        raise
                    # the lock row names this process: once it exits the lock is stale at once
                    logger.error("could not release the harvest lock: %s", database_fault(exc))
                self.lock = None
            self.store.close()
            self.store = None

    def _check(self, site: str, run_stats: dict) -> None:
        """Monitoring: the checks are stored with the run and kept in the stats for the CLI."""
        from .sites import SITES

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


async def _in_thread(function, *args, **kwargs) -> Any:
    from twisted.internet.threads import deferToThread

    from scrapy.utils.defer import maybe_deferred_to_future

    return await maybe_deferred_to_future(deferToThread(function, *args, **kwargs))


def runs_enabled(settings) -> bool:
    """HARVESTER_RUNS: None (default) = when the store pipeline is on; a bare crawl
    (``ITEM_PIPELINES = {}``) records nothing and opens no database."""
    if not settings.getbool("HARVESTER_ARCHIVE", True):
        return False  # scrapy shell / fetch / parse / check: look, never write
    value = settings.get("HARVESTER_RUNS")
    if value is not None:
        return settings.getbool("HARVESTER_RUNS")
    pipelines = settings.getwithbase("ITEM_PIPELINES")
    return any(str(name).endswith("StorePipeline") and order is not None for name, order in pipelines.items())


def site_key(spider) -> str:
    return getattr(spider, "site_key", None) or spider.name


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
