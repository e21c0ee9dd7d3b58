"""Clean + parse off the reactor thread: a process pool shared by the crawl pipelines and re-parse.

Cleaning and parsing are CPU work in pure Python/lxml (about 4 ms a page): run in Scrapy's
reactor thread they cap a crawl at a fraction of the bare spider's rate, and the GIL rules out a
thread pool. So a page goes to a worker process as plain values (url, bytes, headers dict, site)
and comes back as an :class:`Extracted` (encoding + ParseResult: dataclasses of str/int/lists):
no lxml object ever crosses a process boundary.

Workers are started with ``spawn`` (never ``fork``: the crawl process runs a reactor and
threads) and import the parser once. One pool per process, shared by every crawler of a
``CrawlerProcess``; it is shut down when the process exits.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import multiprocessing.connection
import os
import threading
import traceback
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Mapping

log = logging.getLogger(__name__)


@dataclass
class Extracted:
    """What cleaning + parsing made of one page; picklable (no lxml)."""

    #: Codec the cleaner decoded the body with; None when cleaning failed.
    encoding: str | None
    #: harvester.parsing.ParseResult, None when cleaning or parsing failed.
    result: Any
    #: "clean" or "parse" when that stage raised (the raw page is stored anyway), else None.
    failed_stage: str | None = None
    error: str | None = None


def extract(url: str, body: bytes, headers: Mapping[str, Any] | None, site: str | None) -> Extracted:
    """Clean, parse and apply the registry hints to one page (in this process), as the clean and
    parse pipelines do in-process. Never raises: a failing stage is reported
    in the result so that the page is still stored and re-parsed later."""
    from .cleaning import clean_page
    from .hints import apply_hints, hints_for
    from .parsing import parse_cleaned

    hints = hints_for(site)  # the registry body's container hints and names (harvester.hints)
    try:
        cleaned = clean_page(body, headers, url, site, hints.page if hints else None)
    except Exception:
        return Extracted(None, None, "clean", traceback.format_exc(limit=5))
    try:
        result = parse_cleaned(cleaned, site)
        apply_hints(result.item, hints)
        return Extracted(cleaned.encoding, result)
    except Exception:
        return Extracted(cleaned.encoding, None, "parse", traceback.format_exc(limit=5))


def _warm_up() -> None:
    """Worker initializer: import the parser (lxml, OpenCC dictionaries) once per worker, and
    exit when the parent process dies (SIGKILL gives it no chance to shut the pool down; an
    orphaned worker would keep the parent's stdout/stderr pipes open forever)."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        def watch() -> None:
            multiprocessing.connection.wait([parent.sentinel])
            os._exit(0)

        threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    import harvester.cleaning.clean  # noqa: F401
    import harvester.parsing.parse  # noqa: F401


def worker_count(setting: Any) -> int:
    """``HARVESTER_PARSE_WORKERS``: None/"auto" -> one per CPU; 0 -> clean and parse in-process."""
    if setting in (None, "", "auto"):
        return os.cpu_count() or 1
    return max(0, int(setting))


def new_executor(workers: int) -> ProcessPoolExecutor:
    """A process pool of spawned workers with the parser imported (also used by re-parse)."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_warm_up)


class ParsePool:
    """The process's shared pool; ``submit`` returns a concurrent future of an Extracted."""

    _shared: "ParsePool | None" = None
    _guard = threading.Lock()

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None

    @classmethod
    def shared(cls, workers: int) -> "ParsePool":
        with cls._guard:
            if cls._shared is None:
                cls._shared = cls(workers)
                atexit.register(cls._shared.shutdown)
            return cls._shared

    def submit(self, url: str, body: bytes, headers: Mapping[str, Any] | None, site: str | None) -> Future:
        if self._executor is None:
            self._executor = new_executor(self.workers)
        try:
            return self._executor.submit(extract, url, body, dict(headers or {}), site)
        except BrokenProcessPool:
            # A worker died (OOM killer, segfault in a C library): start a fresh pool once.
            log.error("parse worker pool broke; starting a new one")
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = new_executor(self.workers)
            return self._executor.submit(extract, url, body, dict(headers or {}), site)

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


def deferred_from_future(future: Future):
    """A Twisted Deferred that fires in the reactor thread with the future's result."""
    from twisted.internet import reactor
    from twisted.internet.defer import Deferred
    from twisted.python.failure import Failure

    deferred: Deferred = Deferred()

    def done(fut: Future) -> None:
        exc = fut.exception()
        if exc is not None:
            reactor.callFromThread(deferred.errback, Failure(exc))
        else:
            reactor.callFromThread(deferred.callback, fut.result())

    future.add_done_callback(done)
    return deferred
