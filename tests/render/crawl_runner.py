"""Run one crawl in this (fresh) process and write what it produced as JSON.

    python tests/render/crawl_runner.py OUT.json SPIDER [-a name=value ...] [-s NAME=VALUE ...]

SPIDER is ``render_challenge`` (the test spider below) or a project spider name (``xuancheng``).
Crawls run in a subprocess because a Twisted reactor cannot restart inside one pytest process.
The project settings are used as ``scrapy crawl`` would, plus the render add-on.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any, AsyncIterator

import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

from harvester.render import render_info

# Always attached by this runner, so the test does not depend on settings.py carrying it yet.
ADDON = "harvester.render.RenderAddon"


class RenderChallengeSpider(scrapy.Spider):
    """Listing behind the challenge, links built by JavaScript, details behind the challenge."""

    name = "render_challenge"
    custom_settings = {"ITEM_PIPELINES": {}}

    def __init__(self, start_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_url = start_url

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(self.start_url, meta={"harvester_render": True})

    def parse(self, response: scrapy.http.Response) -> Any:
        yield self.describe(response, "listing")
        for href in response.css("#list a::attr(href)").getall():
            yield response.follow(href, self.parse_detail, meta={"harvester_render": {"wait": 0.2}})

    def parse_detail(self, response: scrapy.http.Response) -> Any:
        yield self.describe(response, "detail")

    @staticmethod
    def describe(response: scrapy.http.Response, kind: str) -> dict[str, Any]:
        head = response.body[: response.body.lower().find(b"</head>")]
        return {
            "kind": kind,
            "url": response.url,
            "status": response.status,
            "render_info": render_info(response),
            "content_type": response.headers.get("Content-Type", b"").decode("latin-1"),
            "x_site": response.headers.get("X-Site", b"").decode("latin-1"),
            "meta_charsets": [m.decode() for m in re.findall(rb"charset=([\w-]+)", head)],
            "title": response.css("h1::text").get(),
            "content": response.css("#content p::text").get(),
            "body_is_utf8": _is_utf8(response.body),
            "sha256": hashlib.sha256(response.body).hexdigest(),
        }


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _item_dict(item: Any) -> dict[str, Any]:
    if isinstance(item, dict):
        return item
    data = {k: getattr(item, k) for k in ("site", "url", "final_url", "status", "renderer", "error",
                                          "listing_title", "referer") if hasattr(item, k)}
    body = getattr(item, "body", b"") or b""
    data["body_len"] = len(body)
    data["body_text"] = body.decode("utf-8", "replace")
    data["headers"] = getattr(item, "headers", {})
    return data


def main(argv: list[str]) -> int:
    out, spider_name, rest = Path(argv[0]), argv[1], argv[2:]
    spider_args: dict[str, str] = {}
    overrides: dict[str, Any] = {}
    while rest:
        flag, value, rest = rest[0], rest[1], rest[2:]
        name, _, val = value.partition("=")
        (spider_args if flag == "-a" else overrides)[name] = val
    settings = get_project_settings()
    addons = dict(settings.getdict("ADDONS"))
    addons.setdefault(ADDON, 0)
    settings.set("ADDONS", addons, priority="cmdline")
    for name, val in overrides.items():
        try:
            parsed = json.loads(val)
        except ValueError:
            parsed = val
        settings.set(name, parsed, priority="cmdline")
    process = CrawlerProcess(settings)
    spider_cls: Any = RenderChallengeSpider if spider_name == "render_challenge" else spider_name
    crawler = process.create_crawler(spider_cls)
    items: list[dict[str, Any]] = []
    result: dict[str, Any] = {}

    # named functions: the signal dispatcher holds receivers weakly, a lambda would vanish
    def on_item(item: Any, **kwargs: Any) -> None:
        items.append(_item_dict(item))

    def on_closed(spider: Any, reason: str, **kwargs: Any) -> None:
        result["reason"] = reason

    crawler.signals.connect(on_item, signal=signals.item_scraped)
    crawler.signals.connect(on_closed, signal=signals.spider_closed)
    process.crawl(crawler, **spider_args)
    process.start()
    stats = {k: v for k, v in (crawler.stats.get_stats() or {}).items()
             if k.startswith(("harvester/", "splash/", "playwright/page_count", "downloader/response_status"))}
    out.write_text(json.dumps({"reason": result.get("reason"), "items": items, "stats": stats},
                              ensure_ascii=False, default=str, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
