"""The registry of target sites: one obvious place for what differs between them.

A spider, the cleaner and the parser look their site up here by key; everything a site shares
with others of its CMS lives in ``harvester.platforms`` (spiders) and ``harvester.replicas``
(the loopback copies used by tests and the demo).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit


class UnknownSiteError(ValueError):
    """Raised for a site key that is not in the registry; the message lists the known keys."""


@dataclass(frozen=True)
class Site:
    key: str
    #: The body whose reports we harvest (the agency reporting).
    agency: str
    region: str
    #: CMS pattern, one of: gkmlpt, hanweb, trs, anhui, sichuan_static.
    platform: str
    #: The real site's entry URL (listing or column page); a replica keeps the same path.
    entry_url: str
    #: Title words that pick this body's items out of a column shared with other bodies.
    agency_keywords: tuple[str, ...] = ()
    #: CSS selectors of the report container, most specific first (cleaning tries them before
    #: its generic list).
    content_selectors: tuple[str, ...] = ()
    #: Extra text patterns (regular expressions) of site chrome to drop from the body.
    chrome_patterns: tuple[str, ...] = ()
    #: Month and day after which last year's report is overdue (31 January since 2019).
    extra: dict = field(default_factory=dict)

    def url_for(self, base_url: str | None) -> str:
        """The entry URL with its scheme and host replaced by ``base_url`` (path kept)."""
        return rebase_url(self.entry_url, base_url)


def rebase_url(url: str, base_url: str | None) -> str:
    """Put ``url``'s path (and query) on the scheme and host of ``base_url``.

    ``base_url`` may carry a path prefix (``http://127.0.0.1:8601/mirror``); it is prepended.
    """
    if not base_url:
        return url
    target = urlsplit(url)
    base = urlsplit(base_url if "//" in base_url else f"http://{base_url}")
    if not base.scheme or not base.netloc:
        raise ValueError(f"base_url must look like http://host[:port], got {base_url!r}")
    path = base.path.rstrip("/") + target.path
    return urlunsplit((base.scheme, base.netloc, path, target.query, ""))


SITES: dict[str, Site] = {
    s.key: s
    for s in [
        Site(
            key="zhaoqing",
            agency="肇庆市人民政府",
            region="广东省肇庆市",
            platform="gkmlpt",
            entry_url="http://www.zhaoqing.gov.cn/gkmlpt/index",
            content_selectors=("div.article-content", "div.content", "#zoom"),
            extra={"column_name": "政府信息公开工作年度报告"},
        ),
        Site(
            key="yongkang",
            agency="永康市人民政府",
            region="浙江省永康市",
            platform="hanweb",
            entry_url="https://www.yk.gov.cn/col/col1229188257/index.html",
            content_selectors=("div.con_article-bd", "#zoom"),
        ),
        Site(
            key="yuxi",
            agency="玉溪市人民政府",
            region="云南省玉溪市",
            platform="trs",
            entry_url="https://www.yn.gov.cn/zwgk/zfxxgkpt/zfxxgknb/index.html",
            agency_keywords=("玉溪",),
            content_selectors=("div.TRS_UEDITOR", "div.TRS_Editor", "div.detail-text-content", "div.arti"),
        ),
        Site(
            key="xuancheng",
            agency="宣城市国防动员办公室（宣城市人民防空办公室）",
            region="安徽省宣城市",
            platform="anhui",
            entry_url="https://gdb.xuancheng.gov.cn/XxgkAnnualReport/showList/78/page_1.html",
            content_selectors=("div.j-fontContent", "#zoom", "div.wzcon"),
            extra={"needs_rendering": True},
        ),
        Site(
            key="panzhihua",
            agency="攀枝花市人民政府",
            region="四川省攀枝花市",
            platform="sichuan_static",
            entry_url="http://www.panzhihua.gov.cn/zfxxgk1/zfxxgknb/xxgknb/index.shtml",
            content_selectors=("div.Zoom", "#Zoom", "div.boxPzh_con"),
        ),
    ]
}


def get_site(key: str) -> Site:
    try:
        return SITES[key]
    except KeyError:
        known = ", ".join(sorted(SITES))
        raise UnknownSiteError(f"unknown site {key!r}; known sites: {known}") from None
