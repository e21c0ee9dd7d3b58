"""The one spider every registry body runs: it knows its column URL (registry row or
``-a url=``), detects the platform from the first page when the row does not name it, and hands
the page to that platform's listing logic (gkmlpt, hanweb, trs, anhui, static)."""

from __future__ import annotations

import re
from typing import Any, Iterator

from scrapy.http import Response

from .anhui import AnhuiSpider
from .base import link_title
from .detect import detect_platform
from .gkmlpt import GkmlptSpider
from .hanweb import HanwebSpider
from .sichuan_static import StaticSpider
from .titles import listing_verdict
from .trs import TrsSpider


#: A column index page: a directory or its index file.
SUBCOLUMN_RE = re.compile(r"/(index\.s?html?)?$")
ANNUAL_RE = re.compile(r"年报|年度报告")


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

    #: How deep discovery follows sub-columns (年报 -> 2024年 -> 州市年度报告).
    max_subcolumn_depth = 3

    @property
    def detail_url_re(self) -> Any:  # type: ignore[override]
        """The crawled platform's detail-page pattern (``scrapy parse`` picks parse_detail with
        it); any platform's while the platform is not known yet."""
        if self.platform in PLATFORM_SPIDERS:
            return PLATFORM_SPIDERS[self.platform].detail_url_re
        return re.compile("|".join(f"(?:{cls.detail_url_re.pattern})" for cls in PLATFORM_SPIDERS.values()))

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """The body's column page: its platform's listing logic, the pages after it.

        @replica entry
        @returns requests 1
        """
        # Called for the column page (and, in discovery, its sub-columns); the platforms route
        # their own later pages to their own callbacks.
        platform = self.site.platform
        if not platform:
            if response.status >= 400:
                self.count_listing_page(response)
                return
            platform = detect_platform(response.url, response.text)
            if platform == "static":
                # A column of columns (a provincial portal: one column per year, one per kind of
                # body) says nothing about its platform: descend into its 年报 sub-columns.
                subcolumns = self.subcolumn_requests(response)
                if subcolumns:
                    self.count_listing_page(response)
                    yield from subcolumns
                    return
            if not self.platform:
                self.platform = platform
                self.crawler.stats.set_value("harvester/platform_detected", platform)
                self.logger.info("%s: platform %s detected on %s", self.site_key, platform, response.url)
        handler = {
            "gkmlpt": self.parse_gkmlpt,
            "hanweb": self.parse_hanweb,
            "trs": self.parse_trs,
            "anhui": self.parse_anhui,
            "static": self.parse_static,
        }[platform]
        yield from handler(response)

    def subcolumn_requests(self, response: Response) -> list[Any]:
        """Requests for the sub-columns of a column page whose title says annual report and
        that sit below it (``./zfxxgknb2024/index.html``), when it links no report itself."""
        depth = response.meta.get("subcolumn_depth", 0)
        if depth >= self.max_subcolumn_depth:
            return []
        here = response.url.split("?")[0].rsplit("/", 1)[0] + "/"
        found, has_reports = [], False
        for link in response.css("a[href]"):
            title = link_title(link)
            url = response.urljoin(link.attrib["href"]).split("#")[0]
            if listing_verdict(title) == "report" and not SUBCOLUMN_RE.search(url):
                has_reports = True
            if (url.startswith(here) and url != response.url and SUBCOLUMN_RE.search(url)
                    and ANNUAL_RE.search(title)):
                found.append(url)
        if has_reports:
            return []
        requests = []
        for url in dict.fromkeys(found):
            request = self.listing_request(url, callback=self.parse, meta={"subcolumn_depth": depth + 1})
            if request:
                requests.append(request)
        return requests


PLATFORM_SPIDERS = {"gkmlpt": GkmlptSpider, "hanweb": HanwebSpider, "trs": TrsSpider, "anhui": AnhuiSpider,
                    "static": StaticSpider}
