"""What every harvester spider shares, whatever the CMS.

A platform module (gkmlpt, hanweb, trs, anhui, sichuan_static) subclasses :class:`ReportSpider`
with the listing and pagination logic of its CMS; a site spider in ``spiders/`` then only names
its site. Detail pages become :class:`harvester.items.PageItem`s with their provenance; the item
pipelines clean, parse and store them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any, AsyncIterator
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

from ..incremental import Action, HarvestPlan
from ..items import PageItem
from ..sites import SITES, Site, get_site
from ..urls import canonical_url, offsite_reason, site_origin
from .titles import listing_verdict

#: Request.meta key asking the render middleware (harvester.render) for a browser.
RENDER_META = "harvester_render"
#: A listing's date next to a link: 2013-03-29, 2013-3-9
LISTING_DATE_RE = r"\d{4}-\d{1,2}-\d{1,2}"


def link_title(link: Any) -> str:
    """A listing link's title: its title attribute, else its text, without a leading bullet."""
    return (link.attrib.get("title") or "".join(link.css("::text").getall())).strip().lstrip("·").strip()


def utc_now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def headers_to_dict(headers: Any) -> dict[str, list[str]]:
    """Scrapy Headers -> {lower-case name: [values]} (latin-1 decoded as HTTP defines)."""
    result: dict[str, list[str]] = {}
    for name, values in headers.items():
        key = name.decode("latin-1").lower() if isinstance(name, bytes) else str(name).lower()
        result[key] = [v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in values]
    return result


def column_key(url: str) -> str:
    """A stable archive key for a column URL outside the registry: its host and a short hash."""
    parts = urlsplit(url)
    host = re.sub(r"[^a-z0-9]+", "-", (parts.netloc or "column").lower()).strip("-")
    return f"web-{host}-{hashlib.sha1(url.encode('utf-8')).hexdigest()[:6]}"


def column_body(url: str, key: str | None = None) -> Site:
    """The registry body whose column this is (``key``, or the one with this column URL), else an
    ad-hoc body with only the URL (platform detected from the page)."""
    if key and key in SITES:
        return SITES[key]
    for body in SITES.values():
        if body.entry_url == url:
            return body
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"url must be an http(s) URL of a report column, got {url!r}")
    return Site(key=key or column_key(url), agency="", region="", platform="", entry_url=url,
                source="harvest --url")


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in {"0", "no", "false", "off", ""}


def failure_reason(failure: Any) -> str:
    """One specific line for a failed fetch: the HTTP status of an error answer (500, 503 after
    retries), the redirect or size cap hit, the network error."""
    response = getattr(failure.value, "response", None)
    if response is not None:
        return f"HTTP {response.status}"
    message = failure.getErrorMessage() or ""
    name = type(failure.value).__name__
    return f"{name}: {message}" if message and name not in message else (message or name)


class ReportSpider(scrapy.Spider):
    """Base of every site spider.

    Spider arguments (``-a name=value``):
      base_url   scheme://host[:port] to crawl instead of the real site (a replica); paths are kept
      render     yes/no: fetch through the JavaScript renderer (default: what the site needs)
      max_pages  stop following listing pagination after this many listing pages (safety cap)
    """

    #: Key into harvester.sites.SITES; defaults to the spider name.
    site_key: str = ""
    #: Path pattern of the platform's detail pages (``scrapy parse URL`` routes them to
    #: parse_detail); None: every URL goes to ``parse``.
    detail_url_re: re.Pattern[str] | None = None
    #: What the archive knows about the site (set by the store pipeline when the crawl opens);
    #: None crawls everything unconditionally (no pipelines, e.g. a bare benchmark crawl).
    harvest_plan: HarvestPlan | None = None

    #: True when the spider crawls a column URL the registry does not know (``-a url=``):
    #: nothing but the page itself tells the platform and the report column.
    discovery: bool = False

    def __init__(self, *args: Any, base_url: str | None = None, render: Any = None,
                 max_pages: Any = None, url: str | None = None, key: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if url:
            self.site = column_body(url, key)
            self.discovery = self.site.key not in SITES
        else:
            self.site = get_site(self.site_key or self.name)
        self.site_key = self.site.key
        self.base_url = base_url
        self.entry_url = self.site.url_for(base_url)
        self.allowed_domains = [urlsplit(self.entry_url).hostname or ""]
        #: (host, port) of the site: the only origin ever requested (harvester.urls).
        self.origin = site_origin(self.entry_url)
        self.render = parse_bool(render) if render is not None else self.site.needs_rendering
        self.max_pages = int(max_pages) if max_pages else 500
        #: Detail URLs the listings linked (the store marks the site's other pages as gone).
        self.seen_urls: set[str] = set()
        self.listing_pages = 0
        #: Known pages listed but not requested (incremental): their last-seen time moves.
        self.skipped_urls: set[str] = set()
        #: listing URL -> [entries, fresh entries] (the pagination stop of incremental runs).
        self.listing_tally: dict[str, list[int]] = {}
        #: Pages that answered 404/410: retired (gone) when the sweep is complete.
        self.dead_urls: set[str] = set()
        #: Pagination not followed to its end: incremental stop, max_pages cap.
        self.stopped_early = False
        self.capped = False

    # -- requests -------------------------------------------------------------------------------

    def request(self, url: str, callback: Any = None, *, request_class: type[Request] = Request,
                **kwargs: Any) -> Request:
        """A request (``request_class``, e.g. FormRequest for a POST) carrying the render mark when
        this spider renders."""
        meta = kwargs.pop("meta", {}) or {}
        if self.render:
            meta.setdefault(RENDER_META, True)
        return request_class(url, callback=callback or self.parse, meta=meta, **kwargs)

    def link_refused(self, url: str, referer: str | None) -> bool:
        """True (and the link is counted and logged) when a listed ``url`` must not be requested:
        not http(s), another host, or the site's host on another port (docs/reliability.md). Only
        that link is dropped; the rest of the listing page goes on."""
        reason = offsite_reason(url, self.origin)
        if reason is None:
            return False
        self.crawler.stats.inc_value("harvester/links_refused")
        self.logger.warning("link refused (%s): %s listed on %s", reason, url[:300], referer)
        return True

    async def start(self) -> AsyncIterator[Request]:
        yield self.request(self.entry_url, callback=self.parse, errback=self.listing_failed,
                           meta={"listing": True})

    def listing_request(self, url: str, callback: Any = None, **kwargs: Any) -> Request | None:
        """Next listing page, unless the safety cap is reached."""
        if self.link_refused(url, None):
            # pagination left unwalked: the pages behind it must not be marked gone
            self.stopped_early = True
            return None
        if self.listing_pages >= self.max_pages:
            self.logger.warning("max_pages=%s reached; not following %s", self.max_pages, url)
            self.capped = True
            return None
        meta = kwargs.pop("meta", {}) or {}
        meta["listing"] = True
        kwargs.setdefault("errback", self.listing_failed)
        return self.request(url, callback=callback, meta=meta, **kwargs)

    def listing_failed(self, failure: Any) -> None:
        """A listing page could not be fetched at all (refused, DNS, timeout): one clear line."""
        self.listing_pages += 1
        self.crawler.stats.inc_value("harvester/listing_pages")
        self.crawler.stats.inc_value("harvester/listing_unreachable")
        response = getattr(failure.value, "response", None)
        reason = f"HTTP {response.status}" if response is not None else (
            failure.getErrorMessage() or type(failure.value).__name__)
        self.logger.error("could not fetch listing page %s: %s", failure.request.url, reason)

    def detail_request(self, url: str, referer: str | None, title: str | None = None,
                       date: str | None = None) -> Request | None:
        """Request for a candidate detail page found in a listing; None for a repeat entry and
        for a known page an incremental harvest skips, or a link that must not be requested.

        Deduplication, the incremental plan and storage use the page's canonical URL
        (harvester.urls.canonical_url); the request goes to the URL as listed, which every
        snapshot keeps."""
        listed = self.normalise_detail_url(url)
        if self.link_refused(listed, referer):
            return None
        url = canonical_url(listed)
        plan = self.harvest_plan
        if (title and url not in self.seen_urls and listing_verdict(title) == "other"
                and self.settings.getbool("HARVESTER_SKIP_NON_REPORT_TITLES", True)):
            # A notice, letter, work plan or news item filed in the report column: its title says
            # so, no need to fetch it. Listed, so never marked gone; not counted in the page's
            # tally, so it neither stops nor prolongs an incremental run's pagination.
            self.seen_urls.add(url)
            self.crawler.stats.inc_value("harvester/skipped_not_report")
            self.logger.info("not a report by its title, not fetched: %s (%s)", title, url)
            return None
        tally = self.listing_tally.setdefault(referer or "", [0, 0])
        tally[0] += 1
        if url in self.seen_urls:
            # Sites list the same item twice (on two listing pages): count it, fetch it once.
            self.logger.info("duplicate listing entry %s (%s)", url, title or "")
            self.crawler.stats.inc_value("harvester/duplicate_listing_entries")
            return None
        self.seen_urls.add(url)
        if plan is None or plan.is_fresh(url, date):
            tally[1] += 1
        action = plan.action(url, date) if plan is not None else Action.FETCH
        stats = self.crawler.stats
        if action is Action.SKIP:
            if url in plan.known:
                self.skipped_urls.add(url)
                stats.inc_value("harvester/skipped")
                if plan.known[url].kind == "report":
                    stats.inc_value("harvester/known_reports")
            else:
                stats.inc_value("harvester/skipped_dead_links")
            return None
        meta = {"listing_title": title, "listing_date": date, "listing_url": referer,
                "harvester_page_url": url, "harvester_listed_url": listed}
        headers = {"Referer": referer} if referer else {}
        # A browser (render) keeps its own cache: validators only on plain HTTP requests.
        if action is Action.CONDITIONAL and not self.render:
            headers.update(plan.headers(url))
            meta["harvester_conditional"] = True
            stats.inc_value("harvester/conditional_requests")
        # dont_filter: pages are deduplicated above by canonical URL; Scrapy's dupefilter would
        # also silently drop a redirect back to a URL already requested (a redirect cycle is a
        # failure to record, which REDIRECT_MAX_TIMES turns into one).
        return self.request(listed, callback=self.parse_detail, errback=self.detail_failed, meta=meta,
                            headers=headers or None, dont_filter=True)

    def keep_paging(self, listing_url: str) -> bool:
        """Whether to follow the pagination after the listing page ``listing_url`` (call it once
        the page's entries went through detail_request). An incremental run stops after a page
        whose entries are all known, unless its plan walks every page."""
        listed, fresh = self.listing_tally.pop(listing_url, (0, 0))
        plan = self.harvest_plan
        if plan is None or not plan.incremental or plan.walk_all or listed == 0 or fresh:
            return True
        self.stopped_early = True
        self.crawler.stats.inc_value("harvester/pagination_stopped")
        self.logger.info("%s: every entry on %s is known; not following its pagination", self.site_key, listing_url)
        return False

    @property
    def sweep_complete(self) -> bool:
        """Every listing page was walked and answered: only then may unlinked pages be gone."""
        stats = self.crawler.stats
        # A callback that raised (a hostile listing entry) may have skipped the rest of its page:
        # the pages it would have listed must not be marked gone.
        return not (self.stopped_early or self.capped or stats.get_value("harvester/listing_unreachable")
                    or stats.get_value("harvester/listing_errors") or stats.get_value("harvester/layout_errors")
                    or stats.get_value("spider_exceptions/count"))

    def detail_links(self, response: Response, links: Any, detail_re: Any, *,
                     date_axis: str = "following-sibling", title_filter: Any = None) -> Any:
        """Detail requests for the links of a static listing page that match ``detail_re``; the
        listing's date is read from the first <span> on ``date_axis`` of the link."""
        for link in links:
            href = link.attrib["href"]
            if not detail_re.search(href.split("?")[0]):
                continue
            title = link_title(link)
            if title_filter is not None and not title_filter(title):
                continue
            date = (link.xpath(f"{date_axis}::span[1]/text()").re_first(LISTING_DATE_RE)
                    # <dl><dd><a/></dd><dd>2025-03-10</dd></dl> (newer TRS skins)
                    or link.xpath("../following-sibling::*[1]/text()").re_first(LISTING_DATE_RE))
            request = self.detail_request(response.urljoin(href), response.url, title, date)
            if request:
                yield request

    def normalise_detail_url(self, url: str) -> str:
        return url.split("#", 1)[0]

    def count_listing_page(self, response: Response) -> bool:
        """Count a listing page; False when it answered an HTTP error (the caller stops there:
        an error page is not a changed layout). 412 is left to the platforms that know it as a
        JavaScript challenge."""
        self.listing_pages += 1
        stats = self.crawler.stats
        stats.inc_value("harvester/listing_pages")
        if response.status >= 400:
            self.logger.error("listing page %s answered HTTP %s", response.url, response.status)
            stats.inc_value("harvester/listing_errors")
            if not stats.get_value("harvester/listing_error"):
                stats.set_value("harvester/listing_error", f"HTTP {response.status} at {response.url}")
            return response.status == 412
        return True

    # -- detail pages ---------------------------------------------------------------------------

    def callback_for_url(self, url: str) -> Any:
        """parse_detail for a URL of the platform's detail pages, else None (the listing)."""
        if self.detail_url_re is not None and self.detail_url_re.search(urlsplit(url).path):
            return self.parse_detail
        return None

    def parse_detail(self, response: Response) -> Any:
        """One detail page -> one page item (the pipelines clean, parse and store it).

        @replica seed
        @returns items 1 1
        @returns requests 0 0
        @report title report_year agency published_date sections stats
        """
        stats = self.crawler.stats
        stats.inc_value("harvester/detail_pages")
        item = self.page_item(response)
        if response.status == 304:
            # Not modified since the stored snapshot: the store only moves its last-seen time.
            stats.inc_value("harvester/not_modified")
            known = self.harvest_plan.known.get(item.url) if self.harvest_plan else None
            if known is not None and known.kind == "report":
                stats.inc_value("harvester/known_reports")
            yield item
            return
        stats.inc_value("harvester/detail_downloads")
        if response.status >= 400:
            item.error = f"HTTP {response.status}"
            if response.status in (404, 410):
                self.dead_urls.add(item.url)
            self.logger.warning("dead link %s (HTTP %s, listed on %s)", item.url, response.status, item.referer)
            self.crawler.stats.inc_value("harvester/dead_links")
        yield item

    def detail_failed(self, failure: Any) -> Any:
        """Network-level failure of a detail page (timeout, refused): recorded, not fatal."""
        request = failure.request
        if failure.check(IgnoreRequest) and "robots.txt" in failure.getErrorMessage():
            # Obeying the site's robots.txt is not a failure of the harvest.
            self.seen_urls.discard(request.meta.get("harvester_page_url") or request.url)
            self.crawler.stats.inc_value("harvester/robots_forbidden")
            self.logger.info("not fetched (robots.txt forbids it): %s", request.url)
            return
        response = getattr(failure.value, "response", None)
        status = response.status if response is not None else 0
        reason = failure_reason(failure)
        url = request.meta.get("harvester_page_url") or request.url
        self.logger.warning("could not fetch %s: %s", url, reason)
        self.crawler.stats.inc_value("harvester/fetch_failures")
        if status:
            self.crawler.stats.inc_value(f"harvester/fetch_failures/{status}")
        yield PageItem(
            site=self.site_key, url=url, final_url=request.url, status=status, headers={}, body=b"",
            fetched_at=utc_now_iso(), referer=request.meta.get("listing_url"),
            listing_title=request.meta.get("listing_title"), listing_date=request.meta.get("listing_date"),
            error=reason, listed_url=request.meta.get("harvester_listed_url"),
        )

    def page_item(self, response: Response) -> PageItem:
        meta = response.meta
        requested = meta.get("harvester_requested_url") or response.request.url
        final_url = response.url
        renderer = None
        info = meta.get("harvester_render_info")
        if info:
            renderer = info.get("renderer")
            requested = info.get("requested_url") or requested
            final_url = info.get("final_url") or final_url
        # A redirected page is stored under the URL the listing gave (canonical form), never
        # under where it redirected to: the final URL is provenance on the snapshot.
        requested = meta.get("harvester_page_url") or requested
        return PageItem(
            site=self.site_key,
            url=requested,
            final_url=final_url,
            status=response.status,
            headers=headers_to_dict(response.headers),
            body=response.body,
            fetched_at=utc_now_iso(),
            referer=meta.get("listing_url"),
            listing_title=meta.get("listing_title"),
            listing_date=meta.get("listing_date"),
            renderer=renderer,
            listed_url=meta.get("harvester_listed_url"),
        )
