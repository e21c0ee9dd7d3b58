"""Downloader middlewares that keep a harvest inside its site and polite to it
(docs/reliability.md; wired in harvester.settings.DOWNLOADER_MIDDLEWARES).

- :class:`SiteBoundaryMiddleware` refuses every request, redirects included, that is not http(s)
  of the spider's own host and port (harvester.urls.offsite_reason). Scrapy's OffsiteMiddleware
  only compares host names: it lets ``file://<site host>/etc/passwd`` and the host's other ports
  through.
- :class:`RetryAfterMiddleware` is Scrapy's RetryMiddleware honouring ``Retry-After`` on 429/503
  answers: the retry waits what the site asked (up to HARVESTER_RETRY_AFTER_MAX seconds; a
  longer wait gives up at once, recorded as the HTTP status).
- :class:`RobotsTxtMiddleware` is Scrapy's, with every request that waits for a host's robots.txt
  checked against it: in Scrapy 2.19 only the first waiter gets the parser, the others get None
  and go through unchecked (see the class).
"""

from __future__ import annotations

import logging
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from typing import Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.defer import maybe_deferred_to_future

from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from .urls import offsite_reason

logger = logging.getLogger(__name__)


class OffsiteRefused(IgnoreRequest):
    """A request outside the site's origin (scheme, host, port) was refused."""


class SiteBoundaryMiddleware:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> "SiteBoundaryMiddleware":
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        origin = getattr(spider, "origin", None)
        # A Splash request goes to the rendering service; its target URL was checked before
        # scrapy-splash rewrote it (_splash_processed marks the rewritten request).
        # allow_offsite (Scrapy's own meta key): a URL the user named (`scrapy parse URL` on a
        # replica or a saved mirror) is fetched wherever it is.
        if origin is None or request.meta.get("_splash_processed") or request.meta.get("allow_offsite"):
            return None
        reason = offsite_reason(request.url, origin)
        if reason is None:
            return None
        self.crawler.stats.inc_value("harvester/offsite_refused")
        redirected = request.meta.get("redirect_urls")
        what = f"redirect from {redirected[0]} to" if redirected else "request to"
        raise OffsiteRefused(f"offsite {what} {request.url[:300]} refused ({reason})")


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds asked by a Retry-After header (delta-seconds or an HTTP date); None if absent/bad."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class RetryAfterMiddleware(RetryMiddleware):
    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("HARVESTER_RETRY_AFTER_MAX", 120.0)

    async def process_response(self, request: Request, response: Response) -> Any:
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After")) if response.status in (429, 503) else None
        if wait is not None and wait > self.max_wait:
            logger.warning("%s answered HTTP %s asking to retry after %.0f s (more than %.0f s): not retried",
                           request.url, response.status, wait, self.max_wait)
            self.crawler.stats.inc_value("harvester/retry_after_too_long")
            return response
        retry = self._retry(request, f"{response.status} answer")
        if retry is None:
            return response
        if wait:
            from twisted.internet import reactor, task

            self.crawler.stats.inc_value("harvester/retry_after_waits")
            logger.info("%s answered HTTP %s: retrying after %.1f s (Retry-After)", request.url, response.status, wait)
            await maybe_deferred_to_future(task.deferLater(reactor, wait, lambda: None))
        return retry


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware, every waiter given the host's parser.

    While a host's robots.txt downloads, Scrapy keeps a Deferred for it and each request to that
    host awaits it through ``maybe_deferred_to_future``. The first awaiter's callback consumes the
    Deferred's result (Twisted's ``asFuture`` callback returns None), so every later awaiter gets
    None, which Scrapy reads as "no robots.txt": those requests are fetched unchecked (before
    scrapy/scrapy#6802 made ``process_request`` async, each waiter got a Deferred of its own that
    passed the result on; its review noted that the path had no test). A crawl that
    starts with many requests to one host at once (a distributed worker joining a run with a full
    queue, a re-harvest's known pages) fetched disallowed pages this way (bench/RESULTS.md, figure
    7b). Once the Deferred has fired, the parser (or None after a robots.txt error) is in
    ``_parsers``: that is what every waiter gets here."""

    async def robot_parser(self, request: Request) -> Any:
        parser = await super().robot_parser(request)
        settled = self._parsers.get(urlparse_cached(request).netloc, parser)
        return parser if isinstance(settled, Deferred) else settled
