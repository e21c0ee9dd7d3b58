"""Guangdong gkmlpt (政府信息公开目录管理平台): the column tree sits in ``window._CONFIG`` on
``/gkmlpt/index``; a column's items come from a JSON API, page by page."""

from __future__ import annotations

import json
import re
from typing import Any, Iterator
from urllib.parse import urlencode, urlsplit

from scrapy.http import Response

from .base import ReportSpider

DETAIL_URL_RE = re.compile(r"/gkmlpt/content/\d+/\d+/post_\d+\.html$")

SID_RE = re.compile(r"""\bSID\s*:\s*['"]?(\d+)""")
# TREE is JSON directly followed by SERVICE_AREA_ID in every gkmlpt index page seen.
TREE_RE = re.compile(r"\bTREE\s*:\s*(\[.*?\])\s*,\s*SERVICE_AREA_ID", re.S)


#: Column names of an annual-report column when the registry does not name it (discovery).
REPORT_COLUMN_RE = re.compile(r"年报|年度报告")


def find_column(tree: list[dict], name: str | None) -> dict | None:
    """Depth-first search of the column tree for a node with this exact name; without a name,
    the first leaf whose name says annual report (年报, 年度报告)."""
    for node in tree:
        label = str(node.get("name", "")).strip()
        children = node.get("children") or []
        if label == name or (name is None and not children and not node.get("jump_url")
                             and REPORT_COLUMN_RE.search(label)):
            return node
        found = find_column(children, name)
        if found:
            return found
    return None


def site_prefix(url: str) -> str:
    """The path before ``/gkmlpt/``: a department's gkmlpt sits under a prefix of the city
    portal (``/zqczj/gkmlpt/index``) and its API and pages under the same prefix."""
    path = urlsplit(url).path
    return path.split("/gkmlpt/", 1)[0] if "/gkmlpt/" in path else ""


class GkmlptSpider(ReportSpider):
    detail_url_re = DETAIL_URL_RE
    #: Name of the annual-report column in the tree (site registry: extra["column_name"]).
    column_name: str = "政府信息公开工作年度报告"

    #: Learned on the column page, needed by every listing callback: carried by the requests of a
    #: distributed harvest, whose other workers never saw the column page (harvester.distributed).
    shared_state = ("sid", "column_id", "gkmlpt_prefix")

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """The gkmlpt index page: find the report column in the tree, ask its API.

        @replica entry
        @returns requests 1
        """
        return self.parse_gkmlpt(response)

    def parse_gkmlpt(self, response: Response) -> Iterator[Any]:
        """The gkmlpt index page: find the report column in the tree, ask its API."""
        if not self.count_listing_page(response):
            return
        text = response.text
        sid, tree = SID_RE.search(text), TREE_RE.search(text)
        if not sid or not tree:
            self.logger.error("no window._CONFIG SID/TREE on %s: the gkmlpt layout changed?", response.url)
            self.crawler.stats.inc_value("harvester/layout_errors")
            return
        # a registry row names its column; discovery (harvest --url) looks for a 年报 column
        name = self.site.extra.get("column_name") or (None if self.discovery else self.column_name)
        column = find_column(json.loads(tree.group(1)), name)
        if column is None:
            self.logger.error("column %r not found in the gkmlpt tree of %s", name or "年报/年度报告", response.url)
            self.crawler.stats.inc_value("harvester/layout_errors")
            return
        self.sid, self.column_id, self.gkmlpt_prefix = sid.group(1), column["id"], site_prefix(response.url)
        request = self.api_request(response, page=1)
        if request:  # None: refused (another origin) or the page cap
            yield request

    def api_request(self, response: Response, page: int) -> Any:
        query = urlencode({"page": page, "sid": self.sid})
        url = response.urljoin(f"{self.gkmlpt_prefix}/gkmlpt/api/all/{self.column_id}?{query}")
        return self.listing_request(url, callback=self.parse_api, meta={"page": page})

    def parse_api(self, response: Response) -> Iterator[Any]:
        if not self.count_listing_page(response):
            return
        try:
            data = json.loads(response.text)
        except ValueError:
            self.logger.error("gkmlpt API %s did not answer JSON", response.url)
            self.crawler.stats.inc_value("harvester/layout_errors")
            return
        if "articles" not in data:
            self.logger.error("gkmlpt API %s answered %s", response.url, str(data)[:200])
            self.crawler.stats.inc_value("harvester/layout_errors")
            return
        articles = data.get("articles") or []
        for article in articles:
            url = article.get("url") or article.get("post_url")
            if url:
                request = self.detail_request(response.urljoin(url), referer=response.url,
                                              title=article.get("title"), date=(article.get("created_at") or "")[:10] or None)
                if request:
                    yield request
        page = response.meta["page"]
        total = int(data.get("total") or (data.get("classify") or {}).get("post_count") or 0)
        per_page = len(articles)
        # Stop on an empty page or once the pages cover the column's count.
        if articles and page * per_page < total and self.keep_paging(response.url):
            next_request = self.api_request(response, page + 1)
            if next_request:
                yield next_request
