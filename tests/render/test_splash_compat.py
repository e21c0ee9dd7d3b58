"""The scrapy-splash shims are still needed, and they work.

When one of these tests fails because an upstream release fixed the problem, delete that shim
from harvester/render/splash_compat.py together with its test here (see the module docstring).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest
from scrapy import Request, Spider
from scrapy.core.spidermw import SpiderMiddlewareManager
from scrapy.utils.test import get_crawler


def _python(code: str) -> subprocess.CompletedProcess:
    # a fresh interpreter: this pytest process has the shims applied already
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_plain_scrapy_splash_import_still_fails_without_the_shim() -> None:
    out = _python("import scrapy_splash")
    assert out.returncode != 0, "scrapy_splash imports unshimmed now: delete the canonicalize_url shim"
    assert "cannot import name 'canonicalize_url' from 'scrapy.utils.url'" in out.stderr


def test_each_patched_attribute_is_still_missing_upstream() -> None:
    out = _python(
        "import inspect, scrapy.utils.url, w3lib.url\n"
        "from scrapy.core.downloader import Downloader\n"
        "print('canonicalize_url', hasattr(scrapy.utils.url, 'canonicalize_url'))\n"
        "print('_get_slot_key', hasattr(Downloader, '_get_slot_key'))\n"
        "print('get_slot_key', hasattr(Downloader, 'get_slot_key'))\n"
        "scrapy.utils.url.canonicalize_url = w3lib.url.canonicalize_url\n"
        "from scrapy_splash import SplashDeduplicateArgsMiddleware as M\n"
        "print('dedupe_async', hasattr(M, 'process_spider_output_async')"
        " or inspect.isasyncgenfunction(M.process_spider_output))\n"
        "import scrapy_splash.middleware as mw\n"
        "print('uses_private_slot_key', 'downloader._get_slot_key(' in inspect.getsource(mw))\n"
    )
    assert out.returncode == 0, out.stderr
    seen = dict(line.split() for line in out.stdout.splitlines())
    assert seen["canonicalize_url"] == "False", "Scrapy has canonicalize_url again: delete shim 1"
    assert seen["_get_slot_key"] == "False", "Scrapy has Downloader._get_slot_key again: delete shim 2"
    assert seen["get_slot_key"] == "True", "Downloader.get_slot_key is gone: shim 2 delegates to it, fix it"
    assert seen["uses_private_slot_key"] == "True", "scrapy-splash no longer calls _get_slot_key: delete shim 2"
    assert seen["dedupe_async"] == "False", "upstream dedupe middleware is async now: delete shim 3"


def test_shims_applied_in_this_process() -> None:
    from harvester.render import splash_compat

    assert splash_compat.APPLIED == ["canonicalize_url", "Downloader._get_slot_key", "SplashDeduplicateArgsMiddleware"]
    import scrapy.utils.url
    import w3lib.url

    assert scrapy.utils.url.canonicalize_url is w3lib.url.canonicalize_url


def test_scrapy_rejects_upstream_dedupe_middleware_and_accepts_the_shim() -> None:
    from harvester.render.splash_compat import SplashDeduplicateArgsMiddleware, scrapy_splash

    with pytest.raises(TypeError, match="doesn't support asynchronous spider output"):
        SpiderMiddlewareManager._get_process_spider_output(scrapy_splash.SplashDeduplicateArgsMiddleware())
    method = SpiderMiddlewareManager._get_process_spider_output(SplashDeduplicateArgsMiddleware())
    assert method.__name__ == "process_spider_output_async"


def test_shimmed_dedupe_middleware_replaces_cached_args() -> None:
    from harvester.render.splash_compat import SplashDeduplicateArgsMiddleware

    crawler = get_crawler(Spider)
    crawler.spider = Spider("x")
    mw = SplashDeduplicateArgsMiddleware.from_crawler(crawler)

    async def start():
        yield Request("http://a.example/", meta={"splash": {"args": {"lua_source": "x" * 50}, "cache_args": ["lua_source"]}})
        yield {"not": "a request"}

    async def collect():
        return [r async for r in mw.process_start(start())]

    out = asyncio.run(collect())
    assert out[1] == {"not": "a request"}
    fingerprint = out[0].meta["splash"]["args"]["lua_source"]
    assert fingerprint.startswith("LOCAL+")
    assert crawler.spider.state[mw.local_values_key][fingerprint] == "x" * 50


def test_get_slot_key_fallback_delegates_to_the_public_method() -> None:
    from harvester.render import splash_compat  # noqa: F401  (applies the shim)
    from scrapy.core.downloader import Downloader

    crawler = get_crawler(Spider)
    d = Downloader(crawler)
    assert d._get_slot_key(Request("http://gdb.example.cn/a"), None) == "gdb.example.cn"
    assert d._get_slot_key(Request("http://a/", meta={"download_slot": "s1"})) == "s1"
