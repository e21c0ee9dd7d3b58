"""Compatibility shims that make scrapy-splash 0.11.1 work on current Scrapy (2.19).

scrapy-splash 0.11.1 (the latest release) was written against Scrapy <= 2.13. Import this module
instead of ``scrapy_splash`` (``from harvester.render.splash_compat import scrapy_splash``); the
harvester's settings (:func:`harvester.render.settings_for`) name the classes below. Each shim is
applied only when the attribute it provides is really missing, and :data:`APPLIED` records which
ones were, so ``tests/render/test_splash_compat.py`` fails loudly once an upstream release makes a
shim unnecessary (then delete the shim and its test case) or wrong.

1. ``canonicalize_url``: Scrapy 2.16 removed ``scrapy.utils.url.canonicalize_url`` (a re-export
   of w3lib's); ``scrapy_splash.dupefilter`` still imports it, so ``import scrapy_splash`` fails
   with ImportError. Shim: put w3lib's function back before importing scrapy_splash.
   Upstream: scrapy-plugins/scrapy-splash#332. Delete when a release imports it from w3lib.
2. ``Downloader._get_slot_key``: Scrapy 2.14 removed the private method (public
   ``get_slot_key(request)`` since 2.12); ``SplashMiddleware._set_download_slot`` calls
   ``downloader._get_slot_key(request, None)`` on every request (default slot policy).
   Shim: a fallback method delegating to ``get_slot_key``. Delete when scrapy-splash calls
   ``get_slot_key``.
3. ``SplashDeduplicateArgsMiddleware``: Scrapy 2.19 refuses spider middlewares whose
   ``process_spider_output`` is a plain generator without ``process_spider_output_async``
   (TypeError "doesn't support asynchronous spider output"), and ``process_start_requests`` is
   superseded by ``async process_start``. Shim: the subclass :class:`SplashDeduplicateArgsMiddleware`
   here, to be named in SPIDER_MIDDLEWARES instead of the upstream class. Delete when upstream
   ships an async-capable middleware.
"""

from __future__ import annotations

import inspect
from typing import Any, AsyncIterator, Iterable

import scrapy.utils.url
import w3lib.url
from scrapy import Request, signals
from scrapy.core.downloader import Downloader

#: Names of the shims this process needed (see the module docstring).
APPLIED: list[str] = []

if not hasattr(scrapy.utils.url, "canonicalize_url"):
    scrapy.utils.url.canonicalize_url = w3lib.url.canonicalize_url  # type: ignore[attr-defined]
    APPLIED.append("canonicalize_url")

if not hasattr(Downloader, "_get_slot_key"):

    def _get_slot_key(self: Downloader, request: Any, spider: Any = None) -> str:
        # scrapy-splash passes a Request (or a Response, which carries .meta and .url too).
        return self.get_slot_key(request)

    Downloader._get_slot_key = _get_slot_key  # type: ignore[attr-defined]
    APPLIED.append("Downloader._get_slot_key")

import scrapy_splash  # noqa: E402  (must follow shim 1)
from scrapy_splash import SplashDeduplicateArgsMiddleware as _UpstreamDedupe  # noqa: E402
# Re-exported so settings can name them here: loading them imports this module, shims first.
from scrapy_splash import SplashCookiesMiddleware, SplashMiddleware  # noqa: E402


def upstream_dedupe_is_async() -> bool:
    """True when the installed scrapy-splash dedupe middleware already works on async Scrapy."""
    return hasattr(_UpstreamDedupe, "process_spider_output_async") or inspect.isasyncgenfunction(
        _UpstreamDedupe.process_spider_output
    )


if upstream_dedupe_is_async():
    SplashDeduplicateArgsMiddleware = _UpstreamDedupe
else:
    APPLIED.append("SplashDeduplicateArgsMiddleware")

    class SplashDeduplicateArgsMiddleware(_UpstreamDedupe):  # type: ignore[no-redef]
        """Upstream middleware plus the async hooks Scrapy 2.19 requires (shim 3)."""

        def __init__(self, crawler: Any = None) -> None:
            self.crawler = crawler

        @classmethod
        def from_crawler(cls, crawler: Any) -> "SplashDeduplicateArgsMiddleware":
            mw = cls(crawler)
            crawler.signals.connect(mw._spider_opened, signal=signals.spider_opened)
            return mw

        def _spider_opened(self, spider: Any) -> None:
            self._ensure_state(spider)

        def _ensure_state(self, spider: Any) -> None:
            # upstream did this in process_start_requests, which Scrapy 2.19 no longer calls
            if not hasattr(spider, "state"):
                spider.state = {}
            spider.state.setdefault(self.local_values_key, {})

        def _spider(self) -> Any:
            return self.crawler.spider if self.crawler is not None else None

        async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
            spider = self._spider()
            self._ensure_state(spider)
            async for item in start:
                yield self._process_request(item, spider) if isinstance(item, Request) else item

        def process_spider_output(self, response: Any, result: Iterable[Any], spider: Any = None) -> Iterable[Any]:
            spider = spider or self._spider()
            for item in result:
                yield self._process_request(item, spider) if isinstance(item, Request) else item

        async def process_spider_output_async(
            self, response: Any, result: AsyncIterator[Any], spider: Any = None
        ) -> AsyncIterator[Any]:
            spider = spider or self._spider()
            async for item in result:
                yield self._process_request(item, spider) if isinstance(item, Request) else item


__all__ = ["APPLIED", "SplashCookiesMiddleware", "SplashDeduplicateArgsMiddleware", "SplashMiddleware",
           "scrapy_splash", "upstream_dedupe_is_async"]
