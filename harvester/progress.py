"""Progress of running crawls: a live table on a terminal, plain periodic lines otherwise.

``ProgressExtension`` is a Scrapy extension (``EXTENSIONS`` in harvester.settings) fed by the
crawl's stats on a timer and by the ``spider_opened``/``spider_closed`` signals. Setting
``HARVESTER_PROGRESS``: ``off`` (plain ``scrapy crawl``: Scrapy's own LogStats is enough),
``plain``, ``live`` or ``auto`` (live when stderr is a terminal; what ``harvester harvest`` uses).
Plain lines go to stderr, one per site every ``HARVESTER_PROGRESS_INTERVAL`` seconds and one when
the site ends, so cron mail and journald stay readable (no escape codes, no redraws).
All crawlers of one process share one live table (harvester harvest runs several sites).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from scrapy import signals
from scrapy.exceptions import NotConfigured

#: (column, stats keys summed) in display order.
COUNTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("listing", ("harvester/listing_pages",)),
    ("detail", ("harvester/detail_pages",)),
    ("reports", ("harvester/reports", "harvester/known_reports")),
    ("new", ("harvester/new",)),
    ("changed", ("harvester/changed",)),
    ("unchanged", ("harvester/unchanged",)),
    ("skipped", ("harvester/skipped",)),
    ("errors", ("harvester/failed", "harvester/listing_errors", "harvester/listing_unreachable")),
    ("requests", ("downloader/request_count",)),
)


#: Terminal width from which the live table shows its long headers and rules.
WIDE_PROGRESS = 120
SHORT = {"listing": "list", "reports": "reps", "changed": "chg", "unchanged": "same", "skipped": "skip",
         "errors": "err", "requests": "req"}


def counters(stats: dict[str, Any]) -> dict[str, int]:
    return {name: sum(int(stats.get(k) or 0) for k in keys) for name, keys in COUNTERS}


def write_line(line: str, stream: TextIO) -> None:
    """``line`` and its newline in one write: ``print`` writes them apart, and a log record from
    another thread (the run's closing checks log their alerts from a thread) could land between
    them, gluing itself to the progress line."""
    stream.write(line + "\n")
    stream.flush()


def progress_line(site: str, values: dict[str, int], state: str = "running") -> str:
    """One plain line: ``2026-11-22 09:00:01 progress zhaoqing running: listing 3, detail 10, ...``"""
    body = ", ".join(f"{name} {values[name]}" for name, _ in COUNTERS)
    return f"{time.strftime('%Y-%m-%d %H:%M:%S')} progress {site} {state}: {body}"


def resolve_mode(mode: str, stream: TextIO) -> str:
    mode = (mode or "off").lower()
    if mode == "auto":
        return "live" if getattr(stream, "isatty", lambda: False)() else "plain"
    if mode not in ("off", "plain", "live"):
        raise ValueError(f"HARVESTER_PROGRESS must be off, plain, live or auto, not {mode!r}")
    return mode


class LiveTable:
    """One rich Live table for every crawler of the process."""

    _instance: "LiveTable | None" = None

    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console
        from rich.live import Live

        self.rows: dict[str, tuple[str, dict[str, int]]] = {}
        self.live = Live(console=Console(file=stream), auto_refresh=False, transient=False,
                         redirect_stdout=False, redirect_stderr=False)
        self.live.start()

    @classmethod
    def shared(cls, stream: TextIO) -> "LiveTable":
        if cls._instance is None:
            cls._instance = cls(stream)
        return cls._instance

    def update(self, site: str, state: str, values: dict[str, int]) -> None:
        from rich import box
        from rich.table import Table

        self.rows[site] = (state, values)
        # An 80-column terminal gets short headers and no vertical rules (else rich squeezes the
        # headers to a letter per line).
        narrow = self.live.console.width < WIDE_PROGRESS
        table = Table(title="harvest progress", box=box.SIMPLE_HEAD if narrow else box.HEAVY_HEAD,
                      pad_edge=not narrow, padding=(0, 0) if narrow else (0, 1))
        table.add_column("site", no_wrap=True)
        table.add_column("state", no_wrap=True)
        for name, _ in COUNTERS:
            table.add_column(SHORT.get(name, name) if narrow else name, justify="right", no_wrap=True)
        for key, (row_state, row) in self.rows.items():
            table.add_row(key, row_state, *(str(row[name]) for name, _ in COUNTERS))
        self.live.update(table, refresh=True)

    def finish(self, site: str) -> None:
        if all(state != "running" for state, _ in self.rows.values()):
            self.live.stop()
            LiveTable._instance = None


class ProgressExtension:
    def __init__(self, crawler, mode: str, interval: float, stream: TextIO) -> None:
        self.crawler = crawler
        self.mode = mode
        self.interval = interval
        self.stream = stream
        self.site = ""
        self.task: Any = None

    @classmethod
    def from_crawler(cls, crawler) -> "ProgressExtension":
        stream = sys.stderr
        mode = resolve_mode(crawler.settings.get("HARVESTER_PROGRESS", "off"), stream)
        if mode == "off":
            raise NotConfigured
        interval = crawler.settings.getfloat("HARVESTER_PROGRESS_INTERVAL", 30.0)
        if mode == "live":
            interval = min(interval, 0.5)
        ext = cls(crawler, mode, interval, stream)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider) -> None:
        from twisted.internet import task

        self.site = getattr(spider, "site_key", None) or spider.name
        self.task = task.LoopingCall(self.report)
        self.task.start(self.interval, now=self.mode == "live")

    def report(self, state: str = "running") -> None:
        values = counters(self.crawler.stats.get_stats())
        if self.mode == "live":
            LiveTable.shared(self.stream).update(self.site, state, values)
        else:
            write_line(progress_line(self.site, values, state), self.stream)

    def spider_closed(self, spider, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        self.report(state=reason)
        if self.mode == "live":
            LiveTable.shared(self.stream).finish(self.site)


# ------------------------------------------------------------- batch jobs (reparse, db compact)


def count_progress(total: int, message: str, *, to_stderr: bool = False, every: float = 0.0,
                   clock: Callable[[], float] = time.monotonic) -> Callable[[int], None]:
    """A batch job's progress callback (called with what each batch did) for plain output:
    ``message.format(done=..., total=...)`` on stdout (stderr with ``to_stderr``), at most one
    line every ``every`` seconds (0: one a batch)."""
    done, shown = 0, clock()

    def progress(n: int) -> None:
        nonlocal done, shown
        done += n
        if every <= 0 or clock() - shown >= every:
            shown = clock()
            write_line(message.format(done=done, total=total), sys.stderr if to_stderr else sys.stdout)

    return progress


@contextmanager
def batch_progress(total: int, description: str, message: str, *, to_stderr: bool = False, every: float = 0.0,
                   transient: bool = False) -> Iterator[Callable[[int], None]]:
    """A rich progress bar where the stream is a terminal and there is work, else
    :func:`count_progress`'s plain lines; yields the callback."""
    stream = sys.stderr if to_stderr else sys.stdout
    if stream.isatty() and total:
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(file=stream), transient=transient) as bar:
            task = bar.add_task(description, total=total)
            yield lambda n: bar.advance(task, n)
    else:
        yield count_progress(total, message, to_stderr=to_stderr, every=every)
