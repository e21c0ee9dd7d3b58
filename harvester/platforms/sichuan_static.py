"""Old Sichuan static sites (panzhihua.gov.cn): ``index.shtml``, ``index_2.shtml``… joined by a
下一页 link; details are numeric ``<id>.shtml`` pages, GBK with the charset only in ``<meta>``."""

from __future__ import annotations

import re
from typing import Any, Iterator

from scrapy.http import Response

from .base import ReportSpider
from .titles import listing_verdict

DETAIL_RE = re.compile(r"/\d+\.shtml$")
ANY_PAGE_RE = re.compile(r"\.s?html?$|/[^/?]+$")


class StaticSpider(ReportSpider):
    """Plain static lists: the Sichuan markup first, else every list link that is a numbered
    detail page or whose title says annual report."""

    detail_url_re = DETAIL_RE

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """A static listing page: detail links and the next page.

        @replica entry
        @returns requests 1
        """
        return self.parse_static(response)

    def parse_static(self, response: Response) -> Iterator[Any]:
        """A static listing page: detail links and the next page."""
        if not self.count_listing_page(response):
            return
        items = response.css("div.boxPzh15_con li a[href], div.new-box li a[href]") or response.css("li a[href]")
        if any(DETAIL_RE.search(a.attrib["href"].split("?")[0]) for a in items):
            yield from self.detail_links(response, items, DETAIL_RE)
        else:
            yield from self.detail_links(response, items, ANY_PAGE_RE,
                                         title_filter=lambda t: listing_verdict(t) == "report")
        next_href = (response.css("a.default_pgNext::attr(href)").get()
                     or response.xpath("//a[normalize-space(.)='下一页']/@href").get())
        if next_href and response.urljoin(next_href) != response.url and self.keep_paging(response.url):
            request = self.listing_request(response.urljoin(next_href), callback=self.parse_static)
            if request:
                yield request


#: The older name (panzhihua's platform before plain static lists were generalised).
SichuanStaticSpider = StaticSpider
