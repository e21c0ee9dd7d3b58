"""宣城人防办 — the Anhui 政务公开 (信息公开) platform, behind a JavaScript cookie challenge.

What is special: the annual-report column is ``/XxgkAnnualReport/showList/78/page_<n>.html``
with a 首页/上一页/下一页/尾页/共N页 pager; details ``/XxgkAnnualReport/show/<id>.html`` carry the
platform's metadata table (索引号 … 信息名称) and the body in ``div.j-fontContent`` without a
title line. The site is a 繁體版 view (text with pinyin annotations).

With ``options.challenge`` every request without the right cookie answers HTTP 412 with a small
Ruishu-like page (``$_ts``) whose ES5 script derives the cookie from a seed in the page, sets it
and reloads. The seed is drawn at every server start, so only running the script passes.
"""

from __future__ import annotations

import re
import secrets
import string

from ..model import AttachmentSpec, Document
from . import render
from .base import Request, Response, SiteReplica
from .render import esc

UNIT = "78"
LIST_RE = re.compile(rf"^/XxgkAnnualReport/showList/{UNIT}/page_(\d+)\.html$")
DETAIL_RE = re.compile(r"^/XxgkAnnualReport/show/(\d+)\.html$")
COOKIE_NAME = "FSSBBIl1UgzbN7N80T"
UNIT_NAME = "宣城市国防动员办公室"

STYLE = render.BodyStyle(
    heading='<p style="text-indent:2em;"><strong>{text}</strong></p>',
    para='<p style="text-indent:2em;">{text}</p>',
)

HEADER = (
    '<div class="top">宣城市人民政府信息公开网 <a href="/">简体版</a> <a href="/">繁體版</a> <a href="/wza/">无障碍</a></div>\n'
    '<div class="nav"><a href="/">首页</a> <a href="/XxgkGuide/showList/78.html">信息公开指南</a> '
    '<a href="/XxgkPolicy/showList/78/page_1.html">信息公开制度</a> '
    f'<a href="/XxgkAnnualReport/showList/{UNIT}/page_1.html">信息公开年报</a> <a href="/Apply/">依申请公开</a></div>\n'
    '<div class="wzy_position">您现在所在的位置：<a href="/">网站首页</a> &gt; '
    f'<a href="/Unit/show/{UNIT}.html">{UNIT_NAME}</a> &gt; <a href="/XxgkAnnualReport/showList/{UNIT}/page_1.html">政府信息公开年报</a></div>'
)
FOOTER = render.footer(
    sponsor="宣城市人民政府办公室",
    organizer="宣城市数据资源管理局",
    site_code="3418000024",
    icp="皖ICP备05012108号",
    police="皖公网安备 34180202000109号",
)


def to_base36(number: int) -> str:
    digits = string.digits + string.ascii_lowercase
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


#: The challenge script (ES5 only: it must run in QtWebKit/Splash as well as Chromium).
#: ``cookie_value`` below is the same arithmetic, used by the server to check the answer.
CHALLENGE_SCRIPT = """var $_ts = window['$_ts']; if (!$_ts) { $_ts = {}; window['$_ts'] = $_ts; }
$_ts.nsd = %(nsd)d; $_ts.cd = "%(cd)s";
(function () {
  var s = $_ts.nsd, cd = $_ts.cd, v = s %% 1000003, i;
  for (i = 0; i < cd.length; i++) {
    v = (v * 131 + cd.charCodeAt(i) + i) %% 2147483647;
  }
  v = (v ^ (s & 65535)) >>> 0;
  var value = v.toString(36) + '.' + (s %% 97).toString(36);
  document.cookie = "%(name)s=" + value + "; path=/";
  location.reload();
})();"""


def cookie_value(nsd: int, cd: str) -> str:
    value = nsd % 1000003
    for i, char in enumerate(cd):
        value = (value * 131 + ord(char) + i) % 2147483647
    value ^= nsd & 65535
    return f"{to_base36(value)}.{to_base36(nsd % 97)}"


class XuanchengReplica(SiteReplica):
    key = "xuancheng"
    page_size = 6

    def __init__(self, options) -> None:
        super().__init__(options)
        # new at every server start: a crawler cannot replay a cookie it did not compute
        self.challenge_nsd = secrets.randbelow(2**31 - 1) + 1
        alphabet = string.ascii_letters + string.digits + "._"
        self.challenge_cd = "".join(secrets.choice(alphabet) for _ in range(24))
        self.expected_cookie = cookie_value(self.challenge_nsd, self.challenge_cd)

    def detail_path(self, doc: Document) -> str:
        return f"/XxgkAnnualReport/show/{doc.doc_id}.html"

    def attachment_path(self, doc: Document, index: int, spec: AttachmentSpec) -> str:
        return f"/group1/M00/{doc.doc_id % 256:02X}/{spec.filename}"

    def image_path(self, doc: Document, filename: str) -> str:
        return self.attachment_path(doc, 0, AttachmentSpec(filename, filename, "image"))

    # -------------------------------------------------------------- challenge
    def gate(self, request: Request) -> Response | None:
        if not self.options.challenge or request.cookies.get(COOKIE_NAME) == self.expected_cookie:
            return None
        script = CHALLENGE_SCRIPT % {"nsd": self.challenge_nsd, "cd": self.challenge_cd, "name": COOKIE_NAME}
        page = (
            "<!DOCTYPE html>\n<html><head>\n"
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
            f'<meta id="{self.challenge_cd[:8]}" content="{self.challenge_cd[8:]}" r="m">\n'
            f'<script type="text/javascript" r="m">\n{script}\n</script>\n</head><body></body></html>\n'
        )
        return Response(412, page.encode("utf-8"), "text/html; charset=utf-8", [("Cache-Control", "no-store")])

    # ----------------------------------------------------------------- routes
    def route(self, request: Request) -> Response | None:
        path = request.path
        match = LIST_RE.match(path)
        if match:
            return self.listing_page(int(match.group(1)))
        match = DETAIL_RE.match(path)
        if match:
            entry = self.docs_by_path().get(path)
            return self.detail_response(entry) if entry else None
        if path.startswith("/group1/"):
            return self.serve_attachment(path)
        return None

    def listing_page(self, page: int) -> Response | None:
        if page < 1:
            return None
        entries = self.listed_entries()
        size = self.listing_page_size(len(self.entries()))
        count = max(1, -(-len(entries) // size))
        chunk = entries[(page - 1) * size : page * size]
        items = "\n".join(
            f'<li><a href="{esc(e.path)}" title="{esc(e.title)}" target="_blank">{esc(e.title)}</a>'
            f'<span class="date">{e.date.isoformat()}</span></li>'
            for e in chunk
        )

        def link(n: int, text: str) -> str:
            return f'<a href="/XxgkAnnualReport/showList/{UNIT}/page_{n}.html">{text}</a>'

        pager = (
            f'<div class="pagination">{link(1, "首页")} {link(max(1, page - 1), "上一页")} '
            f'{link(min(count, page + 1), "下一页")} {link(count, "尾页")} '
            f'<span>第{page}页</span> {link(count, f"共{count}页")}</div>'
        )
        body = (
            f"{HEADER}\n<div class=\"main\"><div class=\"xxgk_navli\"><ul class=\"clearfix\">\n{items}\n</ul></div>\n"
            f"{pager}</div>\n{FOOTER}"
        )
        return self.html(render.page(f"政府信息公开年报_{UNIT_NAME}", body))

    # ----------------------------------------------------------------- detail
    def render_detail(self, doc: Document) -> str:
        content = render.render_body(doc, STYLE, lambda f: self.image_path(doc, f))
        attachments = "".join(
            f'<p>附件：<a href="{esc(path)}">{esc(spec.name)}</a></p>'
            for path, spec in self.file_attachments(doc)
        )
        source = doc.source or UNIT_NAME
        date = doc.published.isoformat()

        def cell(label: str, value: str, colspan: int = 1) -> str:
            span = f' colspan="{colspan}"' if colspan > 1 else ""
            return f'<th>{label}</th><td{span}>{esc(value)}</td>'

        metadata = (
            '<div class="div_table_suoyin"><table class="table_suoyin"><tbody>\n'
            f'<tr>{cell("索引号：", doc.index_no or "")}{cell("组配分类：", "政府信息公开年报")}</tr>\n'
            f'<tr>{cell("发布机构：", doc.publisher)}{cell("发文日期：", date)}</tr>\n'
            f'<tr>{cell("发布文号：", doc.doc_no or "")}{cell("关键词：", "年报")}</tr>\n'
            f'<tr>{cell("信息来源：", source, 3)}</tr>\n'
            f'<tr>{cell("信息名称：", doc.title, 3)}</tr>\n</tbody></table></div>'
        )
        body = (
            f"{HEADER}\n<div class=\"wzcon\">{metadata}\n<h1 class=\"wztit\">{esc(doc.title)}</h1>\n"
            f'<div class="wzinfo">发布时间：{date} 来源：{esc(source)} '
            '字体：[ <a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> '
            f'<a href="javascript:doZoom(14)">小</a> ] 浏览次数：{render.view_count(doc.doc_id)}</div>\n'
            f'<div class="j-fontContent" id="zoom">\n{content}\n</div>\n{attachments}\n'
            f"{render.share_bar()}</div>\n{FOOTER}"
        )
        head = (
            f'<meta name="ArticleTitle" content="{esc(doc.title)}">\n<meta name="PubDate" content="{date} 00:00">\n'
            f'<meta name="ContentSource" content="{esc(source)}">\n'
        )
        return render.page(f"{doc.title}_{UNIT_NAME}", body, head_extra=head)
