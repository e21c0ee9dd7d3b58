"""玉溪 — TRS WCM static pages on the Yunnan provincial portal (yn.gov.cn).

What is special: the portal's 政府信息公开年报 column is shared by all 州市 and provincial
departments, split by year (``zfxxgknb<Y>/``) and then into 州市年度报告 (``zsndbg<Y>/``) and
省级部门年度报告 (``bmndbg<Y>/``); a listing is static pages ``index.html``, ``index_1.html`` …
whose page count appears only in ``createPageHTML(count, current, "index", "html")``; items
link with relative hrefs; details are ``<YYYYMM>/t<YYYYMMDD>_<id>.html`` with TRS meta tags,
the body in ``div.TRS_UEDITOR`` (older ``div.TRS_Editor`` with its inline style), statistics
tables published as images, and a footer carrying an injected spam link.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import replace

from ..model import AttachmentSpec, Document
from . import render
from .base import Entry, Request, Response, SiteReplica, page_size_for
from .render import esc

ROOT = "/zwgk/zfxxgkpt/zfxxgknb/"
SUB_COLUMNS = {"zsndbg": "州市年度报告", "bmndbg": "省级部门年度报告"}
LISTING_RE = re.compile(r"^/zwgk/zfxxgkpt/zfxxgknb/zfxxgknb(\d{4})/(zsndbg|bmndbg)\1/index(?:_(\d+))?\.html$")
YEAR_RE = re.compile(r"^/zwgk/zfxxgkpt/zfxxgknb/zfxxgknb(\d{4})/(?:index\.html)?$")

UEDITOR = render.BodyStyle(
    heading='<p style="text-indent:2em;"><strong>{text}</strong></p>',
    para='<p style="text-indent:2em;">{text}</p>',
)
OLD_EDITOR_STYLE = (
    '<style type="text/css">.TRS_Editor P{margin-top:0;margin-bottom:12px;line-height:1.5;font-family:宋体;'
    "font-size:12pt;}.TRS_Editor DIV{margin-top:0;margin-bottom:12px;line-height:1.5;font-family:宋体;font-size:12pt;}"
    ".TRS_Editor TD{margin-top:0;margin-bottom:12px;line-height:1.5;font-family:宋体;font-size:12pt;}</style>"
)

HEADER = (
    '<div class="ya-top"><a href="/">云南省人民政府</a> <a href="/wza/">无障碍浏览</a> <a href="/">长者模式</a></div>\n'
    '<div class="ya-nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/zwfw/">政务服务</a> '
    '<a href="/hdjl/">互动交流</a> <a href="/yngk/">云南概况</a></div>'
)
LEFT_NAV = (
    '<div class="left-nav"><ul>'
    '<li><a href="/zwgk/zfxxgkpt/zfxxgkzd/index.html">政府信息<br />公开制度</a></li>'
    '<li><a href="/zwgk/zfxxgkpt/fdzdgknr/index.html">法定主动<br />公开内容</a></li>'
    f'<li class="on"><a href="{ROOT}index.html">政府信息<br />公开年报</a></li>'
    '<li><a href="/zwgk/zfxxgkpt/ysqgk/index.html">依申请公开</a></li>'
    '<li><a href="/zwgk/zfxxgkpt/zsbmptlj/index.html">州市和部门<br />平台链接</a></li></ul></div>'
)
FOOTER = render.footer(
    sponsor="云南省人民政府办公厅",
    organizer="云南省人民政府办公厅信息中心",
    site_code="5300000033",
    icp="滇ICP备05000365号",
    police="滇公网安备 53010202000333号",
    # the real footer carries an injected spam link (a compromised template)
    extra='<div class="ya-follow">公众号 微博</div>\n<div class="links"><a href="http://www.ozbet-2024.com/" '
    'target="_blank">2024年欧州杯足队</a></div>',
)


def year_column(doc: Document) -> int:
    """Reports sit under the year reported on; anything else under the year it was published."""
    if doc.kind == "report" and doc.report_year:
        return doc.report_year
    return doc.published.year


def sub_column(doc: Document) -> str:
    return "bmndbg" if doc.agency.startswith("云南省") else "zsndbg"


def column_dir(year: int, sub: str) -> str:
    return f"{ROOT}zfxxgknb{year}/{sub}{year}/"


def publish_time(doc: Document) -> str:
    # a deterministic time of day, as TRS prints seconds
    seconds = (doc.doc_id * 7919) % 43200 + 8 * 3600
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class YuxiReplica(SiteReplica):
    key = "yuxi"
    page_size = 6

    def __init__(self, options) -> None:
        super().__init__(options)
        self._page_sizes: dict[int, int] = {}

    def detail_path(self, doc: Document) -> str:
        d = doc.published
        return f"{column_dir(year_column(doc), sub_column(doc))}{d:%Y%m}/t{d:%Y%m%d}_{doc.doc_id}.html"

    def attachment_path(self, doc: Document, index: int, spec: AttachmentSpec) -> str:
        return self.detail_path(doc).rsplit("/", 1)[0] + "/" + spec.filename

    def image_path(self, doc: Document, filename: str) -> str:
        return self.attachment_path(doc, 0, AttachmentSpec(filename, filename, "image"))

    # ---------------------------------------------------------------- column
    def build_entries(self, docs: list[Document], edition: int) -> list[Entry]:
        columns = self.group(docs)
        # the busiest 州市 column of the first edition (a stable choice) also carries the dead
        # link, the duplicate and the robots-disallowed link
        first_columns = self.group(self.documents(1)) if edition != 1 else columns
        main = max(
            first_columns,
            key=lambda k: (
                k[1] == "zsndbg",
                sum(d.kind == "report" and self.own_body(d) for d in first_columns[k]) > 0,
                len(first_columns[k]),
                k[0],
            ),
        )
        dead = self.dead_link_doc(first_columns[main], docs)
        dead = replace(dead, report_year=main[0], title=f"{self.site.agency}{main[0]}年政府信息公开工作年度报告（修订版）")
        columns[main] = [*columns[main], dead]
        size = page_size_for(len(columns[main]) + 2, self.page_size)
        self._page_sizes[edition] = size
        entries: list[Entry] = []
        for key in sorted(columns, key=lambda k: (-k[0], k[1] != "zsndbg")):
            ordered = sorted(columns[key], key=lambda d: (d.published, d.doc_id), reverse=True)
            column = column_dir(*key)
            listed = [
                Entry(kind="dead_link" if d is dead else d.kind, doc=d, path=self.detail_path(d), column=column)
                for d in ordered
            ]
            if key == main:
                listed.insert(1, replace(self.disallowed_entry(ordered[0]), column=column))
                listed = self.add_duplicate(listed, size)
            entries += listed
        return entries

    @staticmethod
    def group(docs: list[Document]) -> dict[tuple[int, str], list[Document]]:
        columns: dict[tuple[int, str], list[Document]] = {}
        for doc in docs:
            columns.setdefault((year_column(doc), sub_column(doc)), []).append(doc)
        return columns

    def listing_page_size(self, count: int) -> int:
        self.entries()
        return self._page_sizes[self.options.edition]

    def columns(self) -> "OrderedDict[str, list[Entry]]":
        grouped: OrderedDict[str, list[Entry]] = OrderedDict()
        for entry in self.listed_entries():
            grouped.setdefault(entry.column, []).append(entry)
        return grouped

    # ---------------------------------------------------------------- routes
    def route(self, request: Request) -> Response | None:
        path = request.path
        if path in (ROOT, ROOT + "index.html"):
            return self.html(self.root_page())
        match = YEAR_RE.match(path)
        if match:
            return self.year_page(int(match.group(1)))
        match = LISTING_RE.match(path)
        if match:
            return self.listing_page(int(match.group(1)), match.group(2), int(match.group(3) or 0))
        if path.endswith(".html"):
            entry = self.docs_by_path().get(path)
            return self.detail_response(entry) if entry else None
        if path.startswith(ROOT):
            return self.serve_attachment(path)
        return None

    def frame(self, title: str, crumbs: str, inner: str) -> str:
        body = (
            f'{HEADER}\n<div class="ya-crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; '
            f'<a href="/zwgk/zfxxgkpt/">政府信息公开平台</a> &gt; {crumbs}</div>\n'
            f'<div class="ya-main">{LEFT_NAV}\n<div class="right">{inner}</div></div>\n{FOOTER}'
        )
        return render.page(title, body)

    def root_page(self) -> str:
        years = sorted({int(c.split("zfxxgknb")[-1].split("/")[0]) for c in self.columns()}, reverse=True)
        items = "\n".join(
            f'<li><a href="./zfxxgknb{y}/index.html" title="{y}年政府信息公开年报">{y}年政府信息公开年报</a></li>'
            for y in years
        )
        return self.frame(
            "政府信息公开年报_云南省人民政府门户网站",
            '<a href="./index.html">政府信息公开年报</a>',
            f'<div class="list-title">政府信息公开年报</div>\n<ul class="yearlist">\n{items}\n</ul>',
        )

    def year_page(self, year: int) -> Response | None:
        known = {e.column for e in self.entries()}
        if not any(column_dir(year, sub) in known for sub in SUB_COLUMNS):
            return None
        items = "\n".join(
            f'<li><a href="./{sub}{year}/index.html" title="{SUB_COLUMNS[sub]}">{year}年{SUB_COLUMNS[sub]}</a></li>'
            for sub in SUB_COLUMNS
        )
        return self.html(
            self.frame(
                f"{year}年政府信息公开年报_云南省人民政府门户网站",
                f'<a href="../index.html">政府信息公开年报</a> &gt; <a href="./index.html">{year}年</a>',
                f'<div class="list-title">{year}年政府信息公开年报</div>\n<ul class="sublist">\n{items}\n</ul>',
            )
        )

    def listing_page(self, year: int, sub: str, page: int) -> Response | None:
        column = column_dir(year, sub)
        known = {e.column for e in self.entries()}
        if not any(column_dir(year, s) in known for s in SUB_COLUMNS):
            return None  # no such year
        entries = self.columns().get(column, [])
        size = self.listing_page_size(0)
        count = max(1, -(-len(entries) // size))
        if page >= count:
            return None  # static pages past the last one do not exist
        items = "\n".join(self.list_item(e) for e in entries[page * size : (page + 1) * size])
        inner = (
            f'<div class="list-title">{year}年{SUB_COLUMNS[sub]}</div>\n<ul class="list">\n{items}\n</ul>\n'
            f'<div class="page"><script>createPageHTML({count}, {page}, "index", "html");</script></div>'
        )
        crumbs = (
            f'<a href="../../index.html">政府信息公开年报</a> &gt; <a href="../index.html">{year}年</a> &gt; '
            f'<a href="./index.html">{SUB_COLUMNS[sub]}</a>'
        )
        head = '<script src="/images/createPageHTML.js"></script>'
        return self.html(self.frame(f"{SUB_COLUMNS[sub]}_云南省人民政府门户网站", crumbs, inner).replace(
            "</head>", head + "\n</head>", 1))

    def list_item(self, entry: Entry) -> str:
        if entry.path.startswith(entry.column):
            href = "./" + entry.path[len(entry.column):]
        else:
            href = entry.path
        return (
            f'<li><a href="{esc(href)}" title="{esc(entry.title)}" target="_blank">{esc(entry.title)}</a>'
            f"<span>{entry.date.isoformat()}</span></li>"
        )

    # ---------------------------------------------------------------- detail
    def render_detail(self, doc: Document) -> str:
        old_editor = doc.published.year < 2015
        content = render.render_body(doc, UEDITOR, lambda f: "./" + f)
        if old_editor:
            container = f'{OLD_EDITOR_STYLE}\n<div class="TRS_Editor">\n{content}\n</div>'
        else:
            container = f'<div class="TRS_UEDITOR TRS_WEB">\n{content}\n</div>'
        attachments = "".join(
            f'<p><a href="./{esc(spec.filename)}" oldsrc="{esc(spec.filename)}">{esc(spec.name)}</a></p>'
            for spec in doc.attachments
            if spec.kind != "image"
        )
        stamp = f"{doc.published.isoformat()} {publish_time(doc)}"
        source = doc.source or doc.agency
        column_name = SUB_COLUMNS[sub_column(doc)]
        year = year_column(doc)
        inner = (
            f'<div class="detail"><h3 class="h3class">{esc(doc.title)}</h3>\n'
            f'<div class="referencebox">来源：{esc(source)}　　{stamp}　|　{render.share_bar()}'
            f'<span class="views">浏览次数：{render.view_count(doc.doc_id)}</span></div>\n'
            f'<div class="detail-text-content">\n{container}\n{attachments}</div></div>'
        )
        crumbs = (
            f'<a href="../../../index.html">政府信息公开年报</a> &gt; <a href="../../index.html">{year}年</a> &gt; '
            f'<a href="../index.html">{column_name}</a>'
        )
        head = (
            f'<meta name="ArticleTitle" content="{esc(doc.title)}">\n'
            f'<meta name="PubDate" content="{stamp[:16]}">\n<meta name="ContentSource" content="{esc(source)}">\n'
            f'<meta name="ColumnName" content="{column_name}">\n<meta name="SiteName" content="云南省人民政府门户网站">\n'
        )
        return self.frame(f"{doc.title}_云南省人民政府门户网站", crumbs, inner).replace("</head>", head + "</head>", 1)
