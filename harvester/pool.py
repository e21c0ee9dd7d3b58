"""Clean + parse off the reactor thread: the crawl's parse worker processes.

Cleaning and parsing are CPU work in pure Python/lxml (about 4 ms a page): run in Scrapy's
reactor thread they cap a crawl at a fraction of the bare spider's rate, and the GIL rules out a
thread pool. So a page goes to a worker process as plain values (url, bytes, headers dict, site)
and comes back as an :class:`Extracted` (encoding + ParseResult: dataclasses of str/int/lists):
no lxml object ever crosses a process boundary. For the crawl (``ParsePool``) the result comes
back as a :class:`ShippedResult`: the report pickled and its store rows prepared, so that the
crawl process (one core for the reactor and the store thread) does not pay for them.

Workers are new interpreters (never ``fork``: the crawl process runs a reactor and threads),
joined to the crawl process by a Unix socket each (``serve``, ``ParsePool``), and import the
parser once. One pool per process, shared by every crawler of a ``CrawlerProcess``; it is shut
down when the reactor stops (or else when the process exits).
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import signal
import socket
import struct
import subprocess
import sys
import threading
import traceback
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from twisted.internet.defer import Deferred

from .items import Attachment, ReportItem, Section, Stat
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

    @classmethod
    def parse_failed(cls, reason: str) -> "Extracted":
        """A page whose parse failed for ``reason`` (it is stored unparsed)."""
        return cls(None, None, "parse", reason)


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
    attachments' kinds, the body's SHA-256) is plain attributes, and so is the parser version
    the store records. The rest of what the store reads (records.ParsedForStore: the statistics'
    keys and texts, the report's rows as records.PreparedOutput) travels pickled, unpickled once
    in the store thread; the ParseResult itself travels pickled apart. The crawl process
    unpickles the ParseResult only when something reads
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
        self.content_sha256 = content_sha256
        self._parser_version: str = stored_parser_version(report)
        rows = None
        if result.kind == "report":
            rows = prepare_output(report)
            rows.output = None  # the store writes the rows only: the output stays in the worker
        # The statistics' strings and the rows in one pickle: the rows hold the same key, label and
        # section strings, written and read once (its memo), and only the store thread reads them.
        self._for_store_pickled: bytes | None = pickle.dumps((stat_strings(report), rows), pickle.HIGHEST_PROTOCOL)
        self._for_store: tuple[tuple[set[str], set[str]], PreparedOutput | None] | None = None
        self._pickled: bytes | None = pickle.dumps(_flat_parse_result(result), pickle.HIGHEST_PROTOCOL)
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
        return super().stat_strings() if self._result is not None else self._store_part()[0]

    def report_rows(self) -> PreparedOutput:
        return self.prepared_output() or super().report_rows()

    @property
    def item(self) -> Any:
        return self.parse_result().item

    def parse_result(self) -> Any:
        """The ParseResult itself (unpickled on first use, with the fields set so far)."""
        if self._result is None:
            import pickle

            self._result = _unflat_parse_result(pickle.loads(self._pickled))
            self._pickled = self._for_store_pickled = self._for_store = None
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
        if self._result is not None:
            return None
        return self._store_part()[1]

    def _store_part(self) -> tuple[tuple[set[str], set[str]], PreparedOutput | None]:
        """(stat_strings, the packed PreparedOutput or None): what the store reads, unpickled once,
        in the store thread (not in the reactor thread as the answer arrives)."""
        if self._for_store is None:
            import pickle

            self._for_store = pickle.loads(self._for_store_pickled)
        return self._for_store


#: The dataclasses of a report's lists (sections, statistics, attachments) that
#: _flat_parse_result writes as their instances' ``__dict__``.
_REPORT_PARTS = frozenset({Section, Stat, Attachment})


def _flat_parse_result(result: Any) -> Any:
    """``result`` as pickle writes it fastest, for _unflat_parse_result: a ParseResult, its report
    and the report's sections, statistics and attachments (plain dataclasses, of these exact
    types) as their instances' ``__dict__``, in a tuple; anything else as it is. Pickle reduces
    every instance by a call through copyreg: pickling a ParseResult of the scaled replica
    (~70 statistics) took 0.13 ms of CPU, its flat form 0.08 ms, and unpickles faster too."""
    from .parsing import ParseResult

    item = getattr(result, "item", None)
    if type(result) is not ParseResult or type(item) is not ReportItem:
        return result
    state = item.__dict__.copy()
    parts: dict[str, type] = {}
    for name, value in state.items():
        if type(value) is list and value:
            kinds = set(map(type, value))
            if len(kinds) == 1 and (kind := kinds.pop()) in _REPORT_PARTS:
                state[name] = [part.__dict__ for part in value]
                parts[name] = kind
    return (type(result), {**result.__dict__, "item": None}, state, parts)


def _unflat_parse_result(flat: Any) -> Any:
    """The ParseResult _flat_parse_result made ``flat`` of (equal to the one pickled)."""
    if type(flat) is not tuple:
        return flat
    result_type, result_state, state, parts = flat
    for name, kind in parts.items():
        state[name] = [_instance(kind, part) for part in state[name]]
    result = _instance(result_type, result_state)
    result.item = _instance(ReportItem, state)
    return result


def _instance(cls: type, state: dict[str, Any]) -> Any:
    """An instance of ``cls`` with ``state`` as its attributes, as pickle makes one (no ``__init__``)."""
    instance = cls.__new__(cls)
    instance.__dict__.update(state)
    return instance


def set_report_fields(result: Any, values: dict[str, Any]) -> None:
    """Set fields of a parse result's report item: a ParseResult or a ShippedResult."""
    if isinstance(result, ShippedResult):
        result.set_fields(values)
    elif result is not None:
        for name, value in values.items():
            setattr(result.item, name, value)


def extract_shipped(url: str, body: bytes, headers: Mapping[str, Any] | None, site: str | None) -> Extracted:
    """``extract`` in a parse worker for the crawl: the result as a ShippedResult. The cyclic
    collector stays paused until the ShippedResult is made: it would otherwise traverse the
    just-made ParseResult's objects, which never hold a cycle, as its rows are prepared."""
    import hashlib

    from .parsing import cyclic_gc_paused

    with cyclic_gc_paused():
        extracted = extract(url, body, headers, site)
        if extracted.result is not None:
            try:
                extracted.result = ShippedResult(extracted.result, hashlib.sha256(body).hexdigest())
            except Exception:  # a report the store could not prepare: it says why when storing it
                log.exception("could not prepare the rows of %s", url)
    return extracted


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


_FRAME = struct.Struct("<Q")  # the byte length of the pickle that follows
#: The directory holding this copy of the harvester package.
_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)


def serve(fd: int, nice: int = 0) -> None:
    """A parse worker's life (``python -c "...; from harvester.pool import serve; serve(FD, NICE)"``):
    lower its priority by ``nice``, import the parser (lxml, OpenCC dictionaries) once, then
    say it is ready (an empty frame) and answer the frames that come in on the socket ``fd``
    until it closes: a pickled (url, body, headers, site) in, a pickled :class:`Extracted` (with
    a :class:`ShippedResult`) out, in order.
    The parent closing the socket, or dying, is the end of input: the worker exits. Ctrl-C is
    ignored: it reaches the whole process group, and the crawl, stopping gracefully, still has
    its pages in flight parsed."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if nice > 0:
        try:
            os.nice(nice)
        except (AttributeError, OSError):  # not on Unix, or not permitted: keep the priority
            pass
    import harvester.cleaning.clean  # noqa: F401
    import harvester.parsing.parse  # noqa: F401

    sock = socket.socket(fileno=fd)
    try:
        sock.sendall(_FRAME.pack(0))  # an empty frame: ready (a page's time limit starts now)
    except OSError:  # the crawl process ended (or died) while this worker was starting
        return
    incoming = sock.makefile("rb")
    while True:
        try:
            header = incoming.read(_FRAME.size)
            size = _FRAME.unpack(header)[0] if len(header) == _FRAME.size else -1
            payload = incoming.read(size) if size >= 0 else b""
        except OSError:  # the connection reset: the crawl process is gone
            return
        if size < 0 or len(payload) < size:  # the end of input (or the parent died while sending)
            return
        try:
            url, body, headers, site = pickle.loads(payload)
            answer = pickle.dumps(extract_shipped(url, body, headers, site), pickle.HIGHEST_PROTOCOL)
        except Exception:  # a result that does not pickle: the page is stored unparsed, and says why
            answer = pickle.dumps(Extracted.parse_failed(traceback.format_exc(limit=5)))
        try:
            sock.sendall(_FRAME.pack(len(answer)) + answer)
        except OSError:  # the parent is gone
            return


@lru_cache(maxsize=None)
def _worker_class() -> type:
    """The protocol class of a worker's socket in the crawl process (made on first use: the
    workers themselves never import Twisted)."""
    from twisted.internet.protocol import Protocol

    class _Worker(Protocol):
        """The crawl process's end of one parse worker: its socket (a Twisted transport, read in the
        reactor thread), its process, and the pages sent to it and not yet answered, oldest first."""

        def __init__(self, pool: "ParsePool", process: subprocess.Popen) -> None:
            self.pool = pool
            self.process = process
            self.waiting: deque[tuple[bytes, Deferred]] = deque()
            self.answered = 0
            self.ready = False
            self.timed_out = False
            self._received = bytearray()
            self._timer: Any = None

        def send(self, payload: bytes, deferred: Deferred) -> None:
            self.waiting.append((payload, deferred))
            self.transport.writeSequence((_FRAME.pack(len(payload)), payload))
            if len(self.waiting) == 1:
                self._time_head()

        def _time_head(self) -> None:
            """Give the page now at the head of the queue ``pool.timeout`` seconds (once the worker
            is ready: its start-up does not count)."""
            timed = bool(self.waiting and self.ready and self.pool.timeout)
            timer = self._timer
            if timer is not None and timer.active():
                if timed:  # the running timer moved on: not a timer cancelled and made a page
                    timer.reset(self.pool.timeout)
                    return
                timer.cancel()
            self._timer = None
            if timed:
                from twisted.internet import reactor

                self._timer = reactor.callLater(self.pool.timeout, self._too_slow)

        def _too_slow(self) -> None:
            # a parse that never ends (a pathological page, a bug) would hold the crawl forever
            self.timed_out = True
            self.process.kill()

        def dataReceived(self, data: bytes) -> None:
            received = self._received
            received += data
            while len(received) >= _FRAME.size:
                end = _FRAME.size + _FRAME.unpack_from(received)[0]
                if len(received) < end:
                    return
                if end == _FRAME.size:  # the worker has imported the parser
                    del received[:end]
                    self.ready = True
                    self._time_head()
                    continue
                extracted = pickle.loads(received[_FRAME.size:end])
                del received[:end]
                self.answered += 1
                _, deferred = self.waiting.popleft()
                self._time_head()
                self.pool._dispatch()
                deferred.callback(extracted)

        def connectionLost(self, reason: Any = None) -> None:
            if self._timer is not None and self._timer.active():
                self._timer.cancel()
            self.pool._lost(self)

        def end_input(self) -> None:
            """Close the socket's sending side: the worker reads the end of its input and exits
            (works with or without a running reactor)."""
            try:
                self.transport.socket.shutdown(socket.SHUT_WR)
            except (AttributeError, OSError):  # already closed
                pass

    return _Worker


class ParsePool:
    """The crawl process's parse workers: ``submit`` returns a Deferred of an Extracted.

    Each worker is a child process joined to the crawl process by a Unix socket that the reactor
    reads like any connection: a page goes out as one pickled frame written from the reactor
    thread, its result comes back as one and fires the page's Deferred in the reactor thread. No
    thread of the crawl process takes part (concurrent.futures' pool used two, a feeder and a
    result reader, that cost the crawl process ~0.5 ms a page and competed with the reactor for
    the GIL: bench/RESULTS.md, issue 15). A worker holds at most ``DEPTH`` pages (one parsing,
    one ready); the rest wait here, in order.

    A worker that dies (OOM killer, a crash in a C library), or takes more than ``timeout``
    seconds over one page (HARVESTER_PARSE_TIMEOUT; it is then killed), fails the page it was
    parsing, which is then stored unparsed and retried by ``harvester reparse``; the page queued
    behind it goes to another worker, and a new worker replaces it. Workers that keep dying
    before answering anything (``MAX_FAILED_STARTS`` in a row), or that cannot be started, break
    the pool: every page is then stored unparsed, with the reason in the log, instead of
    starting workers forever.

    One pool per process, shared by every crawler of a ``CrawlerProcess``; it is shut down when
    the reactor stops (or else when the process exits).
    """

    DEPTH = 2
    MAX_FAILED_STARTS = 3

    _shared: "ParsePool | None" = None
    _guard = threading.Lock()

    def __init__(self, workers: int, nice: int = 0, timeout: float = 0) -> None:
        self.workers = workers
        self.nice = max(0, int(nice))
        #: Seconds a worker may spend on one page (from when it is the page's turn and the worker
        #: is ready); 0 = no limit.
        self.timeout = max(0.0, float(timeout or 0))
        self._running: list[Any] = []
        self._pending: deque[tuple[bytes, Deferred]] = deque()
        self._failed_starts = 0
        self._broken: str | None = None
        self._closing = False
        self._ends_with_reactor = False

    @classmethod
    def shared(cls, workers: int, nice: int = 0, timeout: float = 0) -> "ParsePool":
        """The process's pool, made by the first caller (the first crawler's settings)."""
        with cls._guard:
            if cls._shared is None:
                cls._shared = cls(workers, nice, timeout)
                atexit.register(cls._shared.shutdown)
            return cls._shared

    @property
    def pids(self) -> list[int]:
        """Process ids of the running workers."""
        return [worker.process.pid for worker in self._running]

    def start(self) -> None:
        """Start the workers now (they import the parser, ~0.3 s of CPU each): while the crawl
        fetches robots.txt and its first listing pages, not when its first page waits to be
        parsed. Needs the reactor (the workers' sockets are its connections)."""
        self._closing = False
        if not self._ends_with_reactor:
            # The reactor closes every connection as it stops (the end of a crawl): the workers
            # must be ended first, or their closed sockets read as deaths to log and replace.
            from twisted.internet import reactor

            reactor.addSystemEventTrigger("before", "shutdown", self.shutdown)
            self._ends_with_reactor = True
        while len(self._running) < self.workers and self._broken is None:
            try:
                self._spawn()
            except OSError as exc:  # no such interpreter, no more processes or file descriptors
                self._break(f"could not start a parse worker ({exc}); pages are stored unparsed: "
                            "run `harvester reparse` once that is mended")

    def submit(self, url: str, body: bytes, headers: Mapping[str, Any] | None, site: str | None) -> Deferred:
        """Clean, parse and prepare one page in a worker; the Deferred fires in the reactor thread
        with an :class:`Extracted` (never fails: a stage that failed, or a worker that died, is
        said in it)."""
        from twisted.internet.defer import Deferred

        deferred: Deferred = Deferred()
        self.start()
        if self._broken is not None:
            deferred.callback(Extracted.parse_failed(self._broken))
            return deferred
        payload = pickle.dumps((url, body, dict(headers or {}), site), pickle.HIGHEST_PROTOCOL)
        self._pending.append((payload, deferred))
        self._dispatch()
        return deferred

    def _dispatch(self) -> None:
        """Send waiting pages to the workers with room, the least busy first."""
        while self._pending:
            worker = min(self._running, key=lambda w: len(w.waiting), default=None)
            if worker is None or len(worker.waiting) >= self.DEPTH:
                return
            worker.send(*self._pending.popleft())

    def _spawn(self) -> None:
        from twisted.internet import reactor
        from twisted.internet.protocol import Factory

        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        with ours, theirs:
            # this copy of harvester first on the worker's path (not one in its working directory)
            code = (f"import sys; sys.path.insert(0, {_PACKAGE_ROOT!r}); "
                    f"from harvester.pool import serve; serve({theirs.fileno()}, {self.nice})")
            process = subprocess.Popen([sys.executable, "-c", code], pass_fds=(theirs.fileno(),),
                                       stdin=subprocess.DEVNULL)
            worker = _worker_class()(self, process)
            # the reactor adopts a duplicate of our end; ours is closed on leaving the block
            reactor.adoptStreamConnection(ours.fileno(), socket.AF_UNIX, Factory.forProtocol(lambda: worker))
        self._running.append(worker)

    def _lost(self, worker: Any) -> None:
        """A worker's socket closed: at shutdown, or because the worker died."""
        known = worker in self._running
        if known:
            self._running.remove(worker)
        code = _reap(worker.process, 10)
        if self._closing or not known:
            return
        if worker.timed_out:
            how = f"took more than {self.timeout:g} s (HARVESTER_PARSE_TIMEOUT) and was stopped"
        else:
            how = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
        log.error("parse worker %s %s", worker.process.pid, how)
        self._failed_starts = 0 if worker.answered or worker.timed_out else self._failed_starts + 1
        if worker.waiting:
            _, deferred = worker.waiting.popleft()
            self._pending.extendleft(reversed(worker.waiting))  # queued behind it: to another worker
            worker.waiting.clear()
            deferred.callback(Extracted.parse_failed(f"the parse worker {how} while working on this page"))
        if self._failed_starts >= self.MAX_FAILED_STARTS:
            self._break(f"parse workers keep dying before parsing anything (the last {how}); pages are "
                        "stored unparsed: run `harvester reparse` once that is mended")
            return
        self.start()
        self._dispatch()

    def _break(self, reason: str) -> None:
        """Stop starting workers: every page waiting, and every page submitted from now on,
        comes back failed with ``reason``."""
        self._broken = reason
        log.error(reason)
        running, self._running = self._running, []
        for worker in running:
            self._pending.extend(worker.waiting)
            worker.waiting.clear()
            worker.end_input()
        while self._pending:
            self._pending.popleft()[1].callback(Extracted.parse_failed(reason))

    def shutdown(self) -> None:
        """End every worker (they finish the page at hand) and wait for them: their CPU is then
        counted in the crawl process's RUSAGE_CHILDREN. Works with or without a running reactor."""
        self._closing = True
        running, self._running = self._running, []
        for worker in running:
            worker.end_input()
        for worker in running:
            _reap(worker.process, 30)


def _reap(process: subprocess.Popen, timeout: float) -> int:
    """Wait up to ``timeout`` seconds for a worker to exit (killed after that); its status."""
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()
