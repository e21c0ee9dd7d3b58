"""Parse stage: cleaned page -> classified report item.

Pure functions of (url, raw bytes, headers, site key): no network, no database. The same code
serves crawls (pipelines.parse), re-parses (``harvester reparse``) and ``harvester parse FILE``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from ..cleaning import CleanedPage, HeadersLike, clean_page
from ..items import ReportItem

from .version import compute_parser_version

#: Changes with every change that can change parsed output (see .version); stored with every
#: report version, so a stored report says which parser made it.
PARSER_VERSION = compute_parser_version()

PageKind = Literal[
    "report",  # an annual report on open-government-information work
    "notice",  # a notice about compiling/publishing reports
    "work_plan",  # 年度工作要点 and similar plans
    "news",
    "list",  # a listing / index page
    "challenge",  # an anti-bot challenge page (HTTP 412 + script ...)
    "error",  # an error page (404 text, empty body...)
    "file",  # not an HTML page: a PDF, Word, Excel, image, archive... (cleaning.file_type says which)
    "other",
]


@dataclass
class ParseResult:
    kind: PageKind
    #: Why it was classified so (short, human readable).
    reason: str
    #: Always present: for non-reports it holds whatever was found (title, dates...).
    item: ReportItem

    @property
    def is_report(self) -> bool:
        return self.kind == "report"


def parse_cleaned(page: CleanedPage, site: str | None = None) -> ParseResult:
    from .parse import parse_cleaned as _impl

    return _impl(page, site)


def parse_page(url: str, body: bytes, headers: HeadersLike | None = None, site: str | None = None) -> ParseResult:
    """Clean then parse one page from its bytes alone. Never raises on arbitrary input.

    With ``site`` (a key of the body registry) the registry's hints are applied as a crawl
    applies them (:mod:`harvester.hints`); without it nothing but the page is read.
    """
    with cyclic_gc_paused():
        if not site:
            return parse_cleaned(clean_page(body, headers, url))
        from ..hints import clean_with_hints, parse_with_hints

        return parse_with_hints(clean_with_hints(body, headers, url, site), site)


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block (back on after it, if it was on).

    A parse holds thousands of container objects at once (lxml element proxies, smart strings,
    lines, cells), all freed by reference counting when it ends, none in a reference cycle. With
    the collector on, they set off ~4 young-generation collections a parse, which traverse them
    for nothing, and in a process holding many objects (a crawl, a re-parse) now and then a full
    collection (~2-3 % of a 300 KB page's parse). Garbage cycles made meanwhile, if any, are
    collected after the block. Left as it is where the collector is already off (by the caller,
    or by a parse running in another thread, whose end turns it back on)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
