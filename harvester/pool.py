"""Clean + parse off the reactor thread: a process pool shared by the crawl pipelines and re-parse.

Cleaning and parsing are CPU work in pure Python/lxml (about 4 ms a page): run in Scrapy's
reactor thread they cap a crawl at a fraction of the bare spider's rate, and the GIL rules out a
thread pool. So a page goes to a worker process as plain values (url, bytes, headers dict, site)
and comes back as an :class:`Extracted` (encoding + ParseResult: dataclasses of str/int/lists):
no lxml object ever crosses a process boundary. For the crawl (``ParsePool``) the result comes
back as a :class:`ShippedResult`: the report pickled and its store rows prepared, so that the
crawl process (one core for the reactor and the store thread) does not pay for them.

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

from .storage.records import ParsedForStore, PreparedOutput, prepare_output, stat_strings, stored_parser_version

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
    in the result so that the page is still stored and re-parsed later. Runs with the cyclic
    collector paused, as ``parse_page`` does (a parse worker is its own process)."""
    from .hints import clean_with_hints, parse_with_hints
    from .parsing import cyclic_gc_paused

    with cyclic_gc_paused():
        try:
            cleaned = clean_with_hints(body, headers, url, site)
        except Exception:
            return Extracted(None, None, "clean", traceback.format_exc(limit=5))
        try:
            return Extracted(cleaned.encoding, parse_with_hints(cleaned, site))
        except Exception:
            return Extracted(cleaned.encoding, None, "parse", traceback.format_exc(limit=5))


class ShippedResult(ParsedForStore):
    """A ParseResult as a parse worker sends it to the crawl process (``extract_shipped``).

    What the pipelines read for every page (kind, reason, report year, warnings, title, the
    attachments' kinds, the body's SHA-256) is plain attributes, and so is what the store reads
    (records.ParsedForStore: the statistics' keys and texts, the parser version, the report's
    rows as records.PreparedOutput); the rows and the ParseResult itself travel pickled, as two
    bytes objects. The crawl process unpickles the ParseResult only when something reads
    ``.item`` (the files pipeline for a page linking files, a feed export, storing a page
    already known): a page in flight is then a handful of objects, not the
    thousands of a parsed report, so the crawl process's garbage collector and unpickling cost
    stay near the bare spider's (bench/RESULTS.md, issue 15). Fields set with ``set_fields`` before
    ``.item`` is read are applied when it is. Once ``.item`` has been read the report may be
    changed, so ``prepared_output()`` returns None and the store's questions are answered from
    the report itself.
    """

    def __init__(self, result: Any, content_sha256: str) -> None:
        import pickle

        report = result.item
        self._kind: str = result.kind
        self._reason: str = result.reason
        self.report_year: int | None = report.report_year
        self.warnings: int = len(report.warnings)
        self.title: str | None = report.title
        self.attachment_kinds: tuple[str, ...] = tuple(a.kind for a in report.attachments)
        self._stat_strings: tuple[set[str], set[str]] = stat_strings(report)
        self.content_sha256 = content_sha256
        self._parser_version: str = stored_parser_version(report)
        self._prepared: bytes | None = None
        if result.kind == "report":
            rows = prepare_output(report)
            rows.output = None  # the store writes the rows only: the output stays in the worker
            self._prepared = pickle.dumps(rows, pickle.HIGHEST_PROTOCOL)
        self._pickled: bytes | None = pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
        self._result: Any = None
        self._fields: dict[str, Any] = {}

    @property
    def kind(self) -> str:  # type: ignore[override]
        return self._result.kind if self._result is not None else self._kind

    @property
    def reason(self) -> str:  # type: ignore[override]
        return self._result.reason if self._result is not None else self._reason

    @property
    def is_report(self) -> bool:
        return self.kind == "report"

    def stored_parser_version(self) -> str:
        return super().stored_parser_version() if self._result is not None else self._parser_version

    def stat_strings(self) -> tuple[set[str], set[str]]:
        return super().stat_strings() if self._result is not None else self._stat_strings

    def report_rows(self) -> PreparedOutput:
        return self.prepared_output() or super().report_rows()

    @property
    def item(self) -> Any:
        return self.parse_result().item

    def parse_result(self) -> Any:
        """The ParseResult itself (unpickled on first use, with the fields set so far)."""
        if self._result is None:
            import pickle

            self._result = pickle.loads(self._pickled)
            self._pickled = self._prepared = None
            for name, value in self._fields.items():
                setattr(self._result.item, name, value)
        return self._result

    def set_fields(self, values: dict[str, Any]) -> None:
        """Set fields of the report item (provenance), now or when it is unpickled."""
        if self._result is not None:
            for name, value in values.items():
                setattr(self._result.item, name, value)
        else:
            self._fields.update(values)

    def prepared_output(self) -> PreparedOutput | None:
        """The worker's records.PreparedOutput of the report, None when not a report or when the
        report may have been changed since (``.item`` was read)."""
        if self._result is not None or self._prepared is None:
            return None
        import pickle

        return pickle.loads(self._prepared)


def set_report_fields(result: Any, values: dict[str, Any]) -> None:
    """Set fields of a parse result's report item: a ParseResult or a ShippedResult."""
    if isinstance(result, ShippedResult):
        result.set_fields(values)
    elif result is not None:
        for name, value in values.items():
            setattr(result.item, name, value)


def extract_shipped(url: str, body: bytes, headers: Mapping[str, Any] | None, site: str | None) -> Extracted:
    """``extract`` in a parse worker for the crawl: the result as a ShippedResult."""
    import hashlib

    extracted = extract(url, body, headers, site)
    if extracted.result is not None:
        try:
            extracted.result = ShippedResult(extracted.result, hashlib.sha256(body).hexdigest())
        except Exception:  # a report the store could not prepare: it says why when storing it
            log.exception("could not prepare the rows of %s", url)
    return extracted


def _warm_up(nice: int = 0) -> None:
    """Worker initializer: lower the worker's priority by ``nice``, import the parser (lxml,
    OpenCC dictionaries) once per worker, and exit when the parent process dies (SIGKILL gives it
    no chance to shut the pool down; an orphaned worker would keep the parent's stdout/stderr
    pipes open forever)."""
    if nice > 0:
        try:
            os.nice(nice)
        except (AttributeError, OSError):  # not on Unix, or not permitted: keep the priority
            pass
    parent = multiprocessing.parent_process()
    if parent is not None:
        def watch() -> None:
            multiprocessing.connection.wait([parent.sentinel])
            os._exit(0)

        threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    import harvester.cleaning.clean  # noqa: F401
    import harvester.parsing.parse  # noqa: F401


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask: a container's or taskset's limit), else
    the machine's."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def worker_count(setting: Any) -> int:
    """``HARVESTER_PARSE_WORKERS``: None/"auto" -> one per usable CPU; 0 -> clean and parse
    in-process."""
    if setting in (None, "", "auto"):
        return usable_cpus()
    return max(0, int(setting))


def new_executor(workers: int, nice: int = 0) -> ProcessPoolExecutor:
    """A process pool of ``workers`` spawned workers with the parser imported, their priority
    lowered by ``nice``."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_warm_up, initargs=(max(0, int(nice)),))


class ParsePool:
    """The process's shared pool; ``submit`` returns a concurrent future of an Extracted."""

    _shared: "ParsePool | None" = None
    _guard = threading.Lock()

    def __init__(self, workers: int, nice: int = 0) -> None:
        self.workers = workers
        self.nice = nice
        self._executor: ProcessPoolExecutor | None = None

    @classmethod
    def shared(cls, workers: int, nice: int = 0) -> "ParsePool":
        """The process's pool, made by the first caller (the first crawler's settings)."""
        with cls._guard:
            if cls._shared is None:
                cls._shared = cls(workers, nice)
                atexit.register(cls._shared.shutdown)
            return cls._shared

    def start(self) -> None:
        """Start the workers now (they import the parser, ~0.5 s each): while the crawl fetches
        robots.txt and its first listing pages, not when its first page waits to be parsed."""
        if self._executor is None:
            self._executor = new_executor(self.workers, self.nice)
            for _ in range(self.workers):
                self._executor.submit(os.getpid)

    def submit(self, url: str, body: bytes, headers: Mapping[str, Any] | None, site: str | None) -> Future:
        if self._executor is None:
            self._executor = new_executor(self.workers, self.nice)
        try:
            return self._executor.submit(extract_shipped, url, body, dict(headers or {}), site)
        except BrokenProcessPool:
            # A worker died (OOM killer, segfault in a C library): start a fresh pool once.
            log.error("parse worker pool broke; starting a new one")
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = new_executor(self.workers, self.nice)
            return self._executor.submit(extract_shipped, url, body, dict(headers or {}), site)

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
