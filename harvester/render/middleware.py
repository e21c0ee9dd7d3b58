"""Per-request rendering: ``Request.meta["harvester_render"]`` -> Splash or Playwright.

A spider only marks a request: ``meta={"harvester_render": True}`` or a dict of options
(:data:`DEFAULT_OPTIONS`: ``wait`` seconds after the page settled, ``timeout`` seconds to wait for
the page to get past a challenge, ``challenge_statuses``). :class:`RenderMiddleware` turns the
mark into ``meta["splash"]`` (the ``execute`` endpoint with :data:`LUA_SOURCE`) or
``meta["playwright"]`` for the configured backend, and turns the rendered answer back into a
plain :class:`~scrapy.http.HtmlResponse` of the final page: ``url`` = the final URL, ``status`` and
headers of the page's final HTTP answer, body = the rendered DOM as UTF-8, and
``meta["harvester_render_info"]`` (see :func:`render_info`). Spider callbacks are the same for
both backends.

"Challenge" here means a page like Ruishu/加速乐 anti-bot pages: HTTP 412 (or 202/521) with a
script that sets a cookie and reloads. The renderer waits, bounded, until the page's latest main
frame answer no longer has such a status.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, AsyncIterator, Iterable

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.defer import deferred_from_coro

from .config import MISSING_MESSAGE, resolve_backend

logger = logging.getLogger(__name__)

#: Request.meta key a spider sets (True or a dict of options).
RENDER_META = "harvester_render"
#: Request/response meta key holding the provenance of a rendered response.
RENDER_INFO_META = "harvester_render_info"
_DONE = "_harvester_render_backend"
_PW_STATE = "_harvester_playwright_state"

DEFAULT_OPTIONS: dict[str, Any] = {
    "wait": 0.5,  # seconds to let the final page's scripts run
    "timeout": 20.0,  # seconds to wait for the page to get past a challenge
    "challenge_statuses": [202, 412, 521],
}

#: Splash ``execute`` script. Works with the Lua sandbox on (Docker image defaults) or off.
LUA_SOURCE = """
function main(splash, args)
  splash:init_cookies(args.cookies or {})
  splash.images_enabled = false
  splash.resource_timeout = args.resource_timeout or 30
  local headers = args.headers or {}
  local ua = headers["User-Agent"] or headers["user-agent"]
  if ua then splash:set_user_agent(ua) end
  local ok, reason = splash:go{args.url, headers=headers, http_method=args.http_method or "GET",
                               body=args.body}
  -- A challenge answers 4xx and runs its script anyway: only a network failure is an error.
  if not ok and not string.find(tostring(reason), "^http%d") then
    return {error=tostring(reason), url=splash:url(), splash_version=splash:get_version().splash}
  end
  local function last_response()
    local entries = splash:history()
    local entry = entries[#entries]
    if entry == nil then return nil end
    return entry.response
  end
  local function blocked(response)
    if response == nil then return true end
    for _, status in ipairs(args.challenge_statuses) do
      if response.status == status then return true end
    end
    return false
  end
  local waited = 0
  while blocked(last_response()) and waited < args.challenge_timeout do
    splash:wait(0.2)
    waited = waited + 0.2
  end
  if args.settle_wait > 0 then splash:wait(args.settle_wait) end
  local response = last_response()
  local status = 200
  local response_headers = {}
  if response ~= nil then
    status = response.status
    response_headers = response.headers
  end
  return {
    html=splash:html(),
    url=splash:url(),
    http_status=status,
    response_headers=response_headers,
    challenge_passed=not blocked(response),
    history_missing=(response == nil),
    cookies=splash:get_cookies(),
    splash_version=splash:get_version().splash,
  }
end
"""


class RendererMissing(IgnoreRequest):
    """A request needs a browser and no renderer is configured."""


class RenderError(IgnoreRequest):
    """The renderer could not load the page (network failure, script error)."""


def render_options(value: Any) -> dict[str, Any] | None:
    """The effective options of a ``harvester_render`` meta value (None: no rendering)."""
    if not value:
        return None
    options = dict(DEFAULT_OPTIONS)
    if isinstance(value, dict):
        unknown = set(value) - set(DEFAULT_OPTIONS)
        if unknown:
            raise ValueError(f"unknown harvester_render options: {sorted(unknown)}")
        options.update(value)
    return options


def render_info(response: Response) -> dict[str, Any] | None:
    """Provenance of a rendered response, None for a plain HTTP fetch.

    ``{"renderer": "splash 3.5" | "playwright chromium <version>", "requested_url": ...,
    "final_url": ..., "challenge_passed": bool | None}`` (None: Splash kept no HTTP history).
    """
    try:
        meta = response.meta
    except AttributeError:  # a response not tied to a request
        return None
    return meta.get(RENDER_INFO_META)


def missing_renderer_message(request: Request, spider: Any) -> str:
    return MISSING_MESSAGE.format(url=request.url, spider=getattr(spider, "name", "SPIDER"))


# -- the stored body --------------------------------------------------------------------------

_META_CHARSET = re.compile(
    rb"""(<meta\b[^>]*?\bcharset\s*=\s*["']?)([A-Za-z0-9_\-]+)""", re.IGNORECASE
)


def _utf8_document(html: str) -> bytes:
    """The rendered DOM as UTF-8 with its ``<meta charset>`` saying so.

    A browser serialises the DOM as text, whatever the page was sent in; the page's own
    ``<meta charset=gb2312>`` would then lie about the stored bytes, and the cleaner reads meta
    tags. Only charset declarations in the head are rewritten; nothing else changes.
    """
    body = html.encode("utf-8")
    head_end = body.lower().find(b"</head>")
    head_end = head_end if head_end >= 0 else min(len(body), 4096)
    head = _META_CHARSET.sub(lambda m: m.group(1) + b"utf-8", body[:head_end])
    return head + body[head_end:]


_DROP_HEADERS = {"content-encoding", "content-length", "transfer-encoding"}


def _rendered_response(request: Request, *, url: str, status: int, headers: Iterable[tuple[str, str]],
                       html: str, info: dict[str, Any]) -> HtmlResponse:
    kept: dict[str, list[str]] = {}
    for name, value in headers:
        if name.lower() in _DROP_HEADERS or name.lower() == "content-type":
            continue  # the body is re-serialised, so length/encoding/charset of the wire answer no longer hold
        kept.setdefault(name, []).append(value)
    kept["Content-Type"] = ["text/html; charset=utf-8"]
    request.meta[RENDER_INFO_META] = info
    return HtmlResponse(url=url, status=status, headers=kept, body=_utf8_document(html), encoding="utf-8",
                        request=request, flags=["rendered"])


# -- downloader middleware --------------------------------------------------------------------


class RenderMiddleware:
    """Downloader middleware: renders the requests marked with ``meta["harvester_render"]``."""

    def __init__(self, crawler: Any, backend: str | None) -> None:
        self.crawler = crawler
        self.backend = backend
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> "RenderMiddleware":
        settings = crawler.settings
        backend = settings.get("HARVESTER_RENDER_BACKEND", resolve_backend(settings))
        return cls(crawler, backend)

    def process_request(self, request: Request, spider: Any = None) -> Request | None:
        options = render_options(request.meta.get(RENDER_META))
        if options is None or request.meta.get(_DONE):
            return None  # not marked, or already handed to the backend (Splash reschedules)
        if self.backend is None:
            # Normally RenderGuardMiddleware stopped the crawl before this request was scheduled.
            raise RendererMissing(missing_renderer_message(request, self.crawler.spider))
        request.meta[_DONE] = self.backend
        request.meta.setdefault("harvester_requested_url", request.url)
        self.stats.inc_value(f"harvester/render/{self.backend}/requests")
        if self.backend == "splash":
            request.meta["splash"] = {
                "endpoint": "execute",
                "session_id": "harvester",  # SplashCookiesMiddleware keeps the challenge cookie
                "magic_response": False,
                "args": {
                    "lua_source": LUA_SOURCE,
                    "challenge_timeout": float(options["timeout"]),
                    "challenge_statuses": list(options["challenge_statuses"]),
                    "settle_wait": float(options["wait"]),
                    "resource_timeout": 30,
                    # Splash's own limit on the whole render (scripts + waits).
                    "timeout": float(options["timeout"]) + float(options["wait"]) + 40,
                },
            }
        else:
            from scrapy_playwright.page import PageMethod

            state: dict[str, Any] = {"responses": [], "options": options}
            request.meta[_PW_STATE] = state
            request.meta["playwright"] = True
            # "commit": return as soon as the challenge answer arrives; its reload is awaited below
            request.meta["playwright_page_goto_kwargs"] = {"wait_until": "commit"}
            request.meta["playwright_page_init_callback"] = playwright_page_init
            request.meta["playwright_page_methods"] = [PageMethod(playwright_wait_past_challenge, state)]
        return None

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        backend = request.meta.get(_DONE)
        if backend == "splash":
            return self._splash_response(request, response)
        if backend == "playwright":
            return self._playwright_response(request, response)
        return response

    def _splash_response(self, request: Request, response: Response) -> Response:
        from .splash_compat import scrapy_splash

        if not request.meta.get("_splash_processed"):
            return response  # SplashMiddleware did not send it (it is on its way to the scheduler)
        requested = request.meta.get("harvester_requested_url")
        if response.status >= 500:
            return response  # Splash overloaded/timed out: RetryMiddleware (later on the way back) retries
        if response.status != 200 or not isinstance(response, scrapy_splash.SplashJsonResponse):
            detail = response.text[:500] if hasattr(response, "text") else response.body[:500]
            self.stats.inc_value("harvester/render/splash/errors")
            raise RenderError(f"Splash could not render {requested}: HTTP {response.status} {detail}")
        data = response.data
        if "error" in data:
            self.stats.inc_value("harvester/render/splash/errors")
            raise RenderError(f"Splash could not load {requested}: {data['error']}")
        info = {
            "renderer": f"splash {data.get('splash_version') or '?'}",
            "requested_url": requested,
            "final_url": data["url"],
            # None: unknown (no HTTP history, see below)
            "challenge_passed": None if data.get("history_missing") else bool(data.get("challenge_passed")),
        }
        if data.get("history_missing"):
            # WebKit served the page from its cache: no HTTP answer to take status/headers from
            self.stats.inc_value("harvester/render/splash/history_missing")
            logger.warning("Splash kept no HTTP history for %s (a browser-cache hit?): its status and "
                           "headers are unknown; start Splash with --disable-browser-caches", requested)
        headers = [(h["name"], h["value"]) for h in data.get("response_headers") or []]
        return self._finish(request, url=data["url"], status=int(data.get("http_status") or 200),
                            headers=headers, html=data["html"], info=info)

    def _playwright_response(self, request: Request, response: Response) -> Response:
        state = request.meta.get(_PW_STATE) or {}
        final = state.get("final")
        if final is None:
            return response  # the page method did not run (the handler failed before): nothing to fix
        info = {
            "renderer": f"playwright chromium {state.get('browser_version') or '?'}",
            "requested_url": request.meta.get("harvester_requested_url"),
            "final_url": final["url"],
            "challenge_passed": final["challenge_passed"],
        }
        return self._finish(request, url=final["url"], status=final["status"], headers=final["headers"],
                            html=response.text, info=info)

    def _finish(self, request: Request, **kwargs: Any) -> HtmlResponse:
        info = kwargs["info"]
        if info["challenge_passed"] is False:
            self.stats.inc_value("harvester/render/challenge_not_passed")
            logger.warning("%s still answers a challenge (HTTP %s) after rendering",
                           info["requested_url"], kwargs["status"])
        return _rendered_response(request, **kwargs)


# -- Playwright helpers (named in settings / meta; run inside scrapy-playwright) --------------


async def playwright_page_init(page: Any, request: Request) -> None:
    """Record the page's main-frame answers: the final one gives status and headers."""
    state = request.meta[_PW_STATE]

    def on_response(pw_response: Any) -> None:
        try:
            if pw_response.request.is_navigation_request() and pw_response.frame == page.main_frame:
                state["responses"].append(pw_response)
        except Exception:  # a frame detached mid-navigation: not the main document
            pass

    page.on("response", on_response)


async def playwright_wait_past_challenge(page: Any, state: dict[str, Any]) -> None:
    """PageMethod: wait (bounded) until the latest main-frame answer is not a challenge."""
    options = state["options"]
    statuses = set(options["challenge_statuses"])
    loop = asyncio.get_running_loop()
    deadline = loop.time() + float(options["timeout"])

    def blocked() -> bool:
        return not state["responses"] or state["responses"][-1].status in statuses

    while blocked() and loop.time() < deadline:
        await asyncio.sleep(0.1)
    await page.wait_for_load_state("load")
    if options["wait"]:
        await page.wait_for_timeout(float(options["wait"]) * 1000)
    last = state["responses"][-1] if state["responses"] else None
    headers: list[tuple[str, str]] = []
    if last is not None:
        headers = [(h["name"], h["value"]) for h in await last.headers_array()]
    browser = page.context.browser
    state["browser_version"] = browser.version if browser is not None else None
    state["final"] = {
        "url": page.url,
        "status": last.status if last is not None else 200,
        "headers": headers,
        "challenge_passed": not blocked(),
    }
    state["responses"] = []  # Playwright objects must not outlive the page


# -- spider middleware: stop cleanly when no renderer is configured ----------------------------


class RenderGuardMiddleware:
    """Spider middleware: without a renderer, a request marked for rendering stops the crawl.

    It drops the request before it is scheduled (so no errback logs a second error), logs ONE
    clear error naming what to configure, and closes the spider with reason ``renderer_missing``.
    """

    def __init__(self, crawler: Any, backend: str | None) -> None:
        self.crawler = crawler
        self.backend = backend
        self.reported = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> "RenderGuardMiddleware":
        settings = crawler.settings
        return cls(crawler, settings.get("HARVESTER_RENDER_BACKEND", resolve_backend(settings)))

    def _blocked(self, item: Any) -> bool:
        if self.backend is not None or not isinstance(item, Request) or not item.meta.get(RENDER_META):
            return False
        if not self.reported:
            self.reported = True
            spider = self.crawler.spider
            logger.error(missing_renderer_message(item, spider))
            self.crawler.stats.set_value("harvester/renderer_missing", item.url)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="renderer_missing"))
        return True

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item in start:
            if not self._blocked(item):
                yield item

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        for item in result:
            if not self._blocked(item):
                yield item

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for item in result:
            if not self._blocked(item):
                yield item


__all__ = ["DEFAULT_OPTIONS", "LUA_SOURCE", "RENDER_INFO_META", "RENDER_META", "RenderError",
           "RenderGuardMiddleware", "RenderMiddleware", "RendererMissing", "render_info", "render_options"]
