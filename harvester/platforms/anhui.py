"""Anhui 政务公开 platform (``/XxgkAnnualReport/showList/<unit>/page_<n>.html``): numbered list
pages with a 下一页 link, details at ``/XxgkAnnualReport/show/<id>.html``. Many of these sites sit
behind a JavaScript cookie challenge (HTTP 412), hence ``needs_rendering`` in the site registry."""

from __future__ import annotations

import re
from typing import Any, Iterator

from scrapy.http import Response

from .base import ReportSpider

DETAIL_RE = re.compile(r"/(?:XxgkAnnualReport|OpennessContent)/show/\d+\.html$")


class AnhuiSpider(ReportSpider):
    detail_url_re = DETAIL_RE
    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """An Anhui platform listing page: detail links and the next page.

        @replica entry
        @returns requests 1
        """
        return self.parse_anhui(response)

    def parse_anhui(self, response: Response) -> Iterator[Any]:
        """An Anhui platform listing page: detail links and the next page."""
        ok = self.count_listing_page(response)
        if response.status == 412:
            self.logger.error(
                "%s answered HTTP 412 (a JavaScript challenge): crawl it through a renderer "
                "(SPLASH_URL or HARVESTER_RENDERER=playwright; see README, Rendering)", response.url)
            self.crawler.stats.inc_value("harvester/challenge_pages")
            return
        if not ok:
            return
        yield from self.detail_links(response, response.css("a[href]"), DETAIL_RE, date_axis="following")
        next_href = response.xpath("//a[normalize-space(.)='下一页']/@href").get()
        if (next_href and not next_href.startswith("javascript") and response.urljoin(next_href) != response.url
                and self.keep_paging(response.url)):
            request = self.listing_request(response.urljoin(next_href), callback=self.parse_anhui)
            if request:
                yield request
