"""TRS WCM static sites: columns are static ``index.html``, ``index_1.html`` … pages whose page
count exists only in a ``createPageHTML(count, current, "index", "html")`` call (0-based; the
6-argument variant ``createPageHTML('page_div', count, current, 'index', 'html', rows)`` is
1-based); newer TRS skins (list2.trsapi, "动静结合") state only ``recordCount`` and ``prepage``
in a ``pagebar`` object and keep the static pages ``index.htm``, ``index_1.htm``... (pingtan.gov.cn).
Columns nest (年报 -> year -> 州市/部门), so a site lists the link patterns to descend."""

from __future__ import annotations

import re
from typing import Any, Iterator

from scrapy.http import Response

from .base import ReportSpider

# createPageHTML(17, 0, "index", "html")  |  createPageHTML('page_div', 17, 1, 'index', 'html', 20)
PAGER_RE = re.compile(
    r"""createPageHTML\(\s*(?:(?P<div>['"][^'"]*['"])\s*,\s*)?(?P<count>\d+)\s*,\s*(?P<current>\d+)\s*,"""
    r"""\s*['"](?P<prefix>[^'"]+)['"]\s*,\s*['"](?P<ext>[^'"]+)['"]"""
)
VAR_PAGER_RE = re.compile(r"var\s+countPage\s*=\s*(\d+)")
DETAIL_RE = re.compile(r"/t\d{8}_\d+(?:_\d+)?\.s?html?$")
# pagebar: { prepage: 10, recordCount: '20', ... }  (list2.trsapi)
RECORD_COUNT_RE = re.compile(r"""recordCount\s*:\s*['"]?(\d+)""")
PREPAGE_RE = re.compile(r"""prepage\s*:\s*['"]?(\d+)""")


def page_urls(script_text: str, ext: str = "html") -> list[str]:
    """Relative URLs of every listing page a TRS pager script describes (first page included);
    ``ext`` is the static pages' extension where the script does not name it (list2.trsapi)."""
    match = PAGER_RE.search(script_text)
    if match:
        count, prefix, ext = int(match["count"]), match["prefix"], match["ext"]
        if match["div"]:  # 6-argument variant: page n is prefix_n.ext for n >= 2
            return [f"{prefix}.{ext}"] + [f"{prefix}_{n}.{ext}" for n in range(2, count + 1)]
        return [f"{prefix}.{ext}"] + [f"{prefix}_{n}.{ext}" for n in range(1, count)]
    match = VAR_PAGER_RE.search(script_text)
    if match:
        return ["index.html"] + [f"index_{n}.html" for n in range(1, int(match.group(1)))]
    records, per_page = RECORD_COUNT_RE.search(script_text), PREPAGE_RE.search(script_text)
    if records and per_page and int(per_page.group(1)):
        count = -(-int(records.group(1)) // int(per_page.group(1)))
        return [f"index.{ext}"] + [f"index_{n}.{ext}" for n in range(1, count)]
    return []


class TrsSpider(ReportSpider):
    detail_url_re = DETAIL_RE
    #: Regexes of the column links to follow, one per level below the entry page; the pages of
    #: the last level are the paged listings holding the detail links.
    column_levels: tuple[str, ...] = ()

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """A TRS column page: sub-columns down to the paged listings of detail links.

        @replica entry
        @returns requests 1
        """
        return self.parse_trs(response)

    def parse_trs(self, response: Response) -> Iterator[Any]:
        """A TRS column page: sub-columns down to the paged listings of detail links."""
        if not self.count_listing_page(response):
            return
        depth = response.meta.get("depth_level", 0)
        levels = tuple(self.site.extra.get("column_levels") or self.column_levels)
        if depth < len(levels):
            pattern = re.compile(levels[depth])
            links = [href for href in response.css("a::attr(href)").getall() if pattern.search(href)]
            if not links:
                self.logger.error("no column links matching %s on %s", pattern.pattern, response.url)
                self.crawler.stats.inc_value("harvester/layout_errors")
            for href in dict.fromkeys(links):
                request = self.listing_request(response.urljoin(href), callback=self.parse_trs,
                                               meta={"depth_level": depth + 1})
                if request:
                    yield request
            return
        yield from self.parse_listing(response)
        # The first page of a listing spells out every other page; they are followed one at a
        # time so that an incremental harvest can stop after a page of known items.
        details = [h for h in response.css("a::attr(href)").getall() if DETAIL_RE.search(h.split("?")[0])]
        ext = details[0].split("?")[0].rsplit(".", 1)[-1] if details else "html"
        remaining = page_urls(" ".join(response.css("script::text").getall()), ext)[1:]
        yield from self.next_page(response, [response.urljoin(r) for r in remaining])

    def parse_more(self, response: Response) -> Iterator[Any]:
        if not self.count_listing_page(response):
            return
        yield from self.parse_listing(response)
        yield from self.next_page(response, response.meta.get("remaining_pages") or [])

    def next_page(self, response: Response, remaining: list[str]) -> Iterator[Any]:
        if not remaining or not self.keep_paging(response.url):
            return
        request = self.listing_request(remaining[0], callback=self.parse_more,
                                       meta={"depth_level": response.meta.get("depth_level", 0),
                                             "remaining_pages": remaining[1:]})
        if request:
            yield request

    def parse_listing(self, response: Response) -> Iterator[Any]:
        keywords = self.site.agency_keywords
        # A shared column (a provincial portal) lists many bodies: keep this site's body only.
        ours = (lambda title: any(k in title for k in keywords)) if keywords else None
        yield from self.detail_links(response, response.css("a[href]"), DETAIL_RE, title_filter=ours)
