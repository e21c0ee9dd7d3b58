"""The one spider every registry body runs: it knows its column URL (registry row or
``-a url=``), detects the platform from the first page when the row does not name it, and hands
the page to that platform's listing logic (gkmlpt, hanweb, trs, anhui, static)."""

from __future__ import annotations

from typing import Any, Iterator

from scrapy.http import Response

from .anhui import AnhuiSpider
from .detect import detect_platform
from .gkmlpt import GkmlptSpider
from .hanweb import HanwebSpider
from .sichuan_static import StaticSpider
from .trs import TrsSpider


class BodySpider(GkmlptSpider, HanwebSpider, TrsSpider, AnhuiSpider, StaticSpider):
    """A registry body's spider (``scrapy crawl <key>``) or, without a registry row, a column's
    (``scrapy crawl column -a url=URL``).

    Spider arguments (besides base_url, render, max_pages):
      url  a report column URL; its platform is detected from the page
      key  the archive key for that column (default: the registry body with this column URL,
           else ``web-<host>-<hash>``)
    """

    #: The platform crawled (the registry's, else detected from the first page).
    platform: str = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.platform = self.site.platform

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        if not self.platform:
            if response.status >= 400:
                self.count_listing_page(response)
                return
            self.platform = detect_platform(response.url, response.text)
            self.crawler.stats.set_value("harvester/platform_detected", self.platform)
            self.logger.info("%s: platform %s detected on %s", self.site_key, self.platform, response.url)
        handler = {
            "gkmlpt": self.parse_gkmlpt,
            "hanweb": self.parse_hanweb,
            "trs": self.parse_trs,
            "anhui": self.parse_anhui,
            "static": self.parse_static,
        }[self.platform]
        return handler(response)
