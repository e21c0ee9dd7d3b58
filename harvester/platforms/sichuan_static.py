"""Old Sichuan static sites (panzhihua.gov.cn): ``index.shtml``, ``index_2.shtml``… joined by a
下一页 link; details are numeric ``<id>.shtml`` pages, GBK with the charset only in ``<meta>``."""

from __future__ import annotations

import re
from typing import Any, Iterator

from scrapy.http import Response

from .base import ReportSpider

DETAIL_RE = re.compile(r"/\d+\.shtml$")


class SichuanStaticSpider(ReportSpider):
    detail_url_re = DETAIL_RE
    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """A static Sichuan listing page: detail links and the next page.

        @replica entry
        @returns requests 1
        """
        if not self.count_listing_page(response):
            return
        items = response.css("div.boxPzh15_con li a[href], div.new-box li a[href]") or response.css("li a[href]")
        yield from self.detail_links(response, items, DETAIL_RE)
        next_href = (response.css("a.default_pgNext::attr(href)").get()
                     or response.xpath("//a[normalize-space(.)='下一页']/@href").get())
        if next_href and response.urljoin(next_href) != response.url and self.keep_paging(response.url):
            request = self.listing_request(response.urljoin(next_href))
            if request:
                yield request
