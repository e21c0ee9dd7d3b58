"""Hanweb JCMS (大汉): a column page carries the first group of records inline in an XML
datastore; later groups come from ``dataproxy.jsp`` by POST, ``startrecord``/``endrecord`` at a
time, with the column's ``param_<unitid>`` object as form fields."""

from __future__ import annotations

import re
from typing import Any, Iterator
from urllib.parse import urlencode

from parsel import Selector
from scrapy.http import FormRequest, Response

from .base import ReportSpider

DETAIL_URL_RE = re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$")

PARAM_RE = re.compile(r"var\s+param_(\w+)\s*=\s*\{(.*?)\}\s*;", re.S)
PAIR_RE = re.compile(r"""(\w+)\s*:\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^,}\s]+)""")
JPAGE_RE = re.compile(r"\.jpage\(\s*\{(.*?)\}\s*\)", re.S)
RECORD_RE = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
DATASTORE_RE = re.compile(r"<datastore>(.*?)</datastore>", re.S)


def js_object(body: str) -> dict[str, str]:
    """The literal key:value pairs of a flat JavaScript object (quotes stripped)."""
    return {k: v.strip("'\"") for k, v in PAIR_RE.findall(body)}


def records(xml_text: str) -> Iterator[tuple[str, str | None, str | None]]:
    """(href, title, date) of each <record> in a datastore."""
    for cdata in RECORD_RE.findall(xml_text):
        li = Selector(text=cdata)
        href = li.css("a::attr(href)").get()
        if href:
            title = li.css("a::attr(title)").get() or "".join(li.css("a ::text").getall()).strip()
            date = li.css("span::text").re_first(r"\d{4}-\d{1,2}-\d{1,2}")
            yield href, title, date


class HanwebSpider(ReportSpider):
    detail_url_re = DETAIL_URL_RE
    #: Pages of records per dataproxy call when the column does not say (jpage's groupSize).
    group_pages = 3

    #: Learned on the column page, needed by every listing callback: carried by the requests of a
    #: distributed harvest, whose other workers never saw the column page (harvester.distributed).
    shared_state = ("form", "proxy_url", "per_page", "group_size")

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """A Hanweb column page: its dataproxy parameters, then the record pages.

        @replica entry
        @returns requests 1
        """
        return self.parse_hanweb(response)

    def parse_hanweb(self, response: Response) -> Iterator[Any]:
        """A Hanweb column page: its dataproxy parameters, then the record pages."""
        if not self.count_listing_page(response):
            return
        text = response.text
        param = PARAM_RE.search(text)
        jpage = JPAGE_RE.search(text)
        if not param or not jpage:
            self.logger.error("no jpage/param_ on the Hanweb column page %s: layout changed?", response.url)
            self.crawler.stats.inc_value("harvester/layout_errors")
            return
        self.form = js_object(param.group(2))
        config = js_object(jpage.group(1))
        self.proxy_url = response.urljoin(config.get("proxyUrl", "/module/jpage/dataproxy.jsp"))
        self.per_page = int(config.get("perPage") or 15)
        self.group_size = self.per_page * int(config.get("groupSize") or self.group_pages)
        total = int(config.get("totalRecord") or 0)
        inline = DATASTORE_RE.search(text)
        count = 0
        for href, title, date in records(inline.group(1) if inline else ""):
            count += 1
            request = self.detail_request(response.urljoin(href), response.url, title, date)
            if request:
                yield request
        if (count < total or not inline) and self.keep_paging(response.url):
            yield from self.group_request(response, start=count + 1)

    def group_request(self, response: Response, start: int) -> Iterator[Any]:
        end = start + self.group_size - 1
        query = urlencode({"startrecord": start, "endrecord": end, "perpage": self.per_page})
        request = self.listing_request(f"{self.proxy_url}?{query}", callback=self.parse_group,
                                       request_class=FormRequest, formdata=self.form,
                                       meta={"start": start, "end": end})
        if request:
            yield request

    def parse_group(self, response: Response) -> Iterator[Any]:
        if not self.count_listing_page(response):
            return
        text = response.text
        total_match = re.search(r"<totalrecord>\s*(\d+)\s*</totalrecord>", text)
        if total_match is None:
            self.logger.error("dataproxy %s answered no <totalrecord>", response.url)
            self.crawler.stats.inc_value("harvester/layout_errors")
            return
        total = int(total_match.group(1))
        found = 0
        for href, title, date in records(text):
            found += 1
            request = self.detail_request(response.urljoin(href), response.url, title, date)
            if request:
                yield request
        end = response.meta["end"]
        if found and end < total and self.keep_paging(response.url):
            yield from self.group_request(response, start=end + 1)
