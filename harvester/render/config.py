"""Which rendering backend a crawl uses, and the Scrapy settings each backend needs.

One setting picks the backend: ``HARVESTER_RENDERER`` = ``"splash"`` | ``"playwright"`` | ``None``
(None -> ``"splash"`` when ``SPLASH_URL`` is set, else no renderer; ``"none"`` forces none).
When a setting is unset the environment variable of the same name is the fallback, so
``SPLASH_URL=http://127.0.0.1:8050 harvester harvest xuancheng`` works too.

:class:`RenderAddon` (``ADDONS = {"harvester.render.RenderAddon": 0}`` in the project settings)
applies :func:`settings_for` after every settings source, including ``-s`` on the command line,
has been read, so spider code and settings.py never change with the backend.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings, get_settings_priority

RENDER_MIDDLEWARE = "harvester.render.middleware.RenderMiddleware"
RENDER_GUARD = "harvester.render.middleware.RenderGuardMiddleware"
#: Before SplashCookiesMiddleware (723) / SplashMiddleware (725) on the way out, after them on
#: the way back, so it sees the SplashJsonResponse and turns it into a plain HtmlResponse.
RENDER_MIDDLEWARE_PRIORITY = 720
DEFAULT_SPLASH_URL = "http://127.0.0.1:8050"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
BACKENDS = ("splash", "playwright")

#: Launch options that work with Debian's chromium as root in a container (toolchain.md).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

MISSING_MESSAGE = (
    "{spider}: {url} must be fetched through a JavaScript renderer (the site sits behind a "
    "browser check) and no renderer is configured. Set SPLASH_URL=http://127.0.0.1:8050 (a Splash server: scripts/install-splash.sh "
    "&& scripts/splash.sh start, or the scrapinghub/splash Docker image) or "
    "HARVESTER_RENDERER=playwright (Debian's chromium), e.g. `scrapy crawl {spider} -s "
    "SPLASH_URL=http://127.0.0.1:8050`. See README, Rendering."
)


def _setting(settings: BaseSettings | dict | None, name: str) -> Any:
    value = settings.get(name) if settings is not None else None
    if value in (None, ""):
        value = os.environ.get(name) or None
    return value


def resolve_backend(settings: BaseSettings | dict | None = None) -> str | None:
    """The backend named by HARVESTER_RENDERER / SPLASH_URL (settings, then environment)."""
    renderer = _setting(settings, "HARVESTER_RENDERER")
    if renderer is None:
        return "splash" if _setting(settings, "SPLASH_URL") else None
    name = str(renderer).strip().lower()
    if name in ("none", "off", "no", "false", "0"):
        return None
    if name == "chromium":
        name = "playwright"
    if name not in BACKENDS:
        raise NotConfigured(f"HARVESTER_RENDERER={renderer!r}: expected 'splash', 'playwright' or None")
    return name


def chromium_path(settings: BaseSettings | dict | None = None) -> str:
    """HARVESTER_CHROMIUM, else Debian's /usr/bin/chromium (never a `playwright install` browser)."""
    return _setting(settings, "HARVESTER_CHROMIUM") or shutil.which("chromium") or DEFAULT_CHROMIUM


def settings_for(backend: str | None, splash_url: str | None = None, *,
                 chromium: str | None = None) -> dict[str, Any]:
    """The settings to merge for ``backend``; component dicts are fragments to merge, not replace.

    Always installs the render middleware and its guard (so a request that needs a browser stops
    the crawl with a clear message when ``backend`` is None). Download handlers and the
    Playwright options are set only for the playwright backend.
    """
    result: dict[str, Any] = {
        "HARVESTER_RENDER_BACKEND": backend,
        "DOWNLOADER_MIDDLEWARES": {RENDER_MIDDLEWARE: RENDER_MIDDLEWARE_PRIORITY},
        "SPIDER_MIDDLEWARES": {RENDER_GUARD: 40},
    }
    if backend == "splash":
        result["SPLASH_URL"] = splash_url or DEFAULT_SPLASH_URL
        result["DOWNLOADER_MIDDLEWARES"].update({
            "harvester.render.splash_compat.SplashCookiesMiddleware": 723,
            "harvester.render.splash_compat.SplashMiddleware": 725,
            # after SplashMiddleware, so Splash's (compressed) answer is decoded before it is parsed
            "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": 810,
        })
        result["SPIDER_MIDDLEWARES"]["harvester.render.splash_compat.SplashDeduplicateArgsMiddleware"] = 100
    elif backend == "playwright":
        handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
        result.update({
            "DOWNLOAD_HANDLERS": {"http": handler, "https": handler},
            "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
            "PLAYWRIGHT_BROWSER_TYPE": "chromium",
            "PLAYWRIGHT_LAUNCH_OPTIONS": {
                "executable_path": chromium or DEFAULT_CHROMIUM,
                "headless": True,
                "args": list(CHROMIUM_ARGS),
            },
            "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 4,
        })
    elif backend is not None:
        raise NotConfigured(f"unknown rendering backend {backend!r}")
    return result


def merge_settings(settings: BaseSettings, values: dict[str, Any], priority: str = "addon") -> None:
    """Merge :func:`settings_for` output into ``settings``.

    Component dicts are merged key by key (the user's own entries win); a scalar is set unless the
    user gave it a non-None value at a higher priority (settings.py says ``SPLASH_URL = None``
    at project priority, which must not hide the value taken from the environment).
    """
    addon = get_settings_priority(priority)
    for name, value in values.items():
        current_priority = settings.getpriority(name) or 0
        if isinstance(value, dict):
            merged = settings.getdict(name)
            for key, item in value.items():
                merged.setdefault(key, item)
            settings.set(name, merged, priority=max(current_priority, addon))
        elif settings.get(name) is None or current_priority <= addon:
            settings.set(name, value, priority=max(current_priority, addon))


class RenderAddon:
    """Scrapy add-on: applies :func:`settings_for` for the configured backend."""

    @classmethod
    def from_crawler(cls, crawler: Any) -> "RenderAddon":
        return cls()

    def update_settings(self, settings: BaseSettings) -> None:
        backend = resolve_backend(settings)
        merge_settings(settings, settings_for(backend, _setting(settings, "SPLASH_URL"),
                                              chromium=chromium_path(settings)))
