"""肇庆 — the Guangdong gkmlpt platform (政府信息公开目录管理平台).

What is special: the column tree is JSON inside ``window._CONFIG`` on ``/gkmlpt/index``; the
listing is a JSON API (``/gkmlpt/api/all/<column>?page=N&sid=755031``, 1-based, ``sid``
checked); detail pages carry the gkmlpt metadata table (``div.classify``) and the body twice:
rendered in ``div.article-content`` and JSON-escaped in ``window._CONFIG.DETAIL``.
"""

from __future__ import annotations

import json
import re

from ..model import AttachmentSpec, Document
from . import render
from .base import Entry, Request, Response, SiteReplica
from .render import esc

SID = "755031"
REPORT_COLUMN_ID = 5137
REPORT_COLUMN_NAME = "政府信息公开工作年度报告"

DETAIL_RE = re.compile(r"^/gkmlpt/content/(\d+)/(\d+)/post_(\d+)\.html$")
API_RE = re.compile(r"^/gkmlpt/api/all/(\d+)$")

STYLE = render.BodyStyle(
    heading='<p style="text-indent:2em;"><strong>{text}</strong></p>',
    para='<p style="text-indent:2em;">{text}</p>',
)


def column_tree(report_count: int, column_id: int = REPORT_COLUMN_ID, column_name: str = REPORT_COLUMN_NAME,
                jump_host: str = "http://www.zhaoqing.gov.cn") -> list[dict]:
    """The platform's column tree; the report column sits under 政府信息公开 (as on the real site)."""

    def leaf(cid: int, name: str, count: int = 0) -> dict:
        return {"id": cid, "name": name, "post_count": count, "children": [], "jump_url": None}

    return [
        {"id": 5100, "name": "机构职能", "post_count": 0, "jump_url": None,
         "children": [leaf(5101, "机构简介"), leaf(5102, "领导之窗")]},
        {"id": 5110, "name": "政策文件", "post_count": 0, "jump_url": None,
         "children": [leaf(5111, "市政府文件"), leaf(5112, "市政府办公室文件"), leaf(5113, "政策解读")]},
        {"id": 5130, "name": "政府信息公开", "post_count": report_count, "jump_url": None,
         "children": [leaf(5135, "政府信息公开指南"), leaf(5136, "政府信息公开制度"),
                      leaf(column_id, column_name, report_count)]},
        {"id": 5150, "name": "规划计划", "post_count": 0, "jump_url": None, "children": [leaf(5151, "发展规划")]},
        {"id": 5160, "name": "依申请公开", "post_count": 0, "children": [],
         "jump_url": f"{jump_host}/ysqgk/index.html"},
    ]


def _column_names(tree: list[dict]) -> dict[int, str]:
    names: dict[int, str] = {}

    def walk(nodes: list[dict]) -> None:
        for node in nodes:
            names[node["id"]] = node["name"]
            walk(node["children"])

    walk(tree)
    return names


COLUMN_NAMES = _column_names(column_tree(0))

TOP_NAV = (
    '<div class="topbar"><a href="mailto:zqgov@zhaoqing.gov.cn">政务邮箱</a> |<a href="/dyzx/">邮件订阅</a> |'
    '<a href="/ywxt/">业务系统</a> |<a href="/wza/">无障碍通道</a> |<a href="/english/">English</a> | '
    '<a href="/fanti/">繁體版</a></div>\n'
    '<div class="header"><a href="/"><img src="/images/logo.png" alt="肇庆市人民政府" /></a></div>\n'
    '<div class="nav"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/gkmlpt/index">政府信息公开</a> '
    '<a href="/hdjl/">互动交流</a> <a href="/bsfw/">办事服务</a></div>'
)

FOOTER = render.footer(
    sponsor="肇庆市人民政府办公室",
    organizer="肇庆市政务服务数据管理局",
    site_code="4412000007",
    icp="粤ICP备05080386号",
    police="粤公网安备 44120202000001号",
)


class ZhaoqingReplica(SiteReplica):
    key = "zhaoqing"
    page_size = 8
    #: What differs between two bodies' gkmlpt (GkmlptReplica sets them from the registry).
    sid = SID
    column_id = REPORT_COLUMN_ID
    column_name = REPORT_COLUMN_NAME
    portal = "肇庆市人民政府"
    top_nav = TOP_NAV
    footer_html = FOOTER

    def tree(self, report_count: int) -> list[dict]:
        return column_tree(report_count)

    @property
    def column_names(self) -> dict[int, str]:
        return _column_names(self.tree(0))

    def detail_path(self, doc: Document) -> str:
        return f"/gkmlpt/content/{doc.doc_id // 1000000}/{doc.doc_id // 1000}/post_{doc.doc_id}.html"

    def attachment_path(self, doc: Document, index: int, spec: AttachmentSpec) -> str:
        attachment_id = doc.doc_id * 10 + index + 1
        ext = spec.filename.rsplit(".", 1)[-1].lower()
        return f"/attachment/0/{attachment_id // 1000000}/{attachment_id // 1000}/{attachment_id}.{ext}"

    def image_path(self, doc: Document, filename: str) -> str:
        return f"/attachment/img/{doc.doc_id // 1000}/{filename}"

    # ------------------------------------------------------------------ routes
    def route(self, request: Request) -> Response | None:
        path = request.path
        if path in ("/gkmlpt/index", "/gkmlpt/index.html", "/gkmlpt/", "/gkmlpt"):
            return self.html(self.index_page())
        match = API_RE.match(path)
        if match:
            return self.list_api(int(match.group(1)), request)
        match = DETAIL_RE.match(path)
        if match:
            entry = self.docs_by_path().get(path)
            return self.detail_response(entry) if entry else None
        if path.startswith("/attachment/") and request.method in ("GET", "HEAD"):
            return self.serve_attachment(path)
        return None

    def index_page(self) -> str:
        report_count = len(self.listed_entries())
        tree = json.dumps(self.tree(report_count), ensure_ascii=False)
        config = (
            "<script>window._CONFIG = { SID: '" + self.sid + "', TREE: " + tree + ", SERVICE_AREA_ID: 1, "
            "SEARCH_JSONP_URL: 'http://search.gd.gov.cn/jsonp/site/" + self.sid + "', "
            "IS_MOBILE: false, SITE_NAME: '" + self.portal + "' };</script>"
        )
        body = (
            f"{self.top_nav}\n<div class=\"crumb\">当前位置：<a href=\"/\">首页</a> &gt; 政府信息公开目录</div>\n"
            '<div id="app" class="gkmlpt"><div class="tree"></div><div class="list">正在加载……</div></div>\n'
            f"{config}\n<script src=\"/gkmlpt/static/js/app.js\"></script>\n{self.footer_html}"
        )
        return render.page(f"{self.portal} 政府信息公开目录", body)

    def list_api(self, column_id: int, request: Request) -> Response:
        if request.query.get("sid") != self.sid:
            return self.json({"errcode": -1, "errmsg": "sid参数错误"})
        names = self.column_names
        if column_id not in names:
            return self.json({"errcode": -1, "errmsg": "栏目不存在"})
        try:
            page = int(request.query.get("page", "1"))
        except ValueError:
            return self.json({"errcode": -1, "errmsg": "page参数错误"})
        entries = self.listed_entries() if column_id == self.column_id else []
        size = self.listing_page_size(len(self.entries()))
        chunk = entries[(page - 1) * size : page * size] if page >= 1 else []
        return self.json(
            {
                "classify": {"id": column_id, "name": names[column_id], "post_count": len(entries)},
                "total": len(entries),
                "articles": [self.article(e, request.base_url, column_id) for e in chunk],
            }
        )

    def article(self, entry: Entry, base_url: str, column_id: int) -> dict:
        doc = entry.doc
        url = base_url + entry.path
        written = doc.signed or doc.published
        return {
            "id": doc.doc_id,
            "title": doc.title,
            "url": url,
            "post_url": entry.path,
            "publisher": doc.publisher,
            "identifier": doc.index_no or "",
            "document_number": doc.doc_no or "",
            "keywords": "",
            "abstract": "",
            "date": render.unix(written),
            "created_at": f"{doc.published.isoformat()} 09:00:00",
            "display_publish_time": render.unix(doc.published),
            "classify_main": column_id,
            "classify_main_name": self.column_names[column_id],
            "classify_genre_name": "其他",
            "classify_theme_name": "综合政务",
            "is_expired": 0,
            "is_abolished": 0,
            "attachment": [
                {"name": spec.name, "url": base_url + path} for path, spec in self.file_attachments(doc)
            ],
        }

    def json(self, payload: dict) -> Response:
        return Response(200, json.dumps(payload, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    # ------------------------------------------------------------------ detail
    def date_text(self, day) -> str:
        # the older gkmlpt skin prints 2015年03月20日, the current one ISO dates
        return render.cn_date(day) if day.year < 2019 else day.isoformat()

    def render_detail(self, doc: Document) -> str:
        content = render.render_body(doc, STYLE, lambda f: self.image_path(doc, f))
        attachments = "".join(
            f'<p><a class="nfw-cms-attachment" href="{esc(path)}">{esc(spec.name)}</a></p>'
            for path, spec in self.file_attachments(doc)
        )
        written = doc.signed or doc.published
        metadata = (
            '<div class="classify"><table><tbody>\n'
            f'<tr><td class="td-label">索引号：</td><td class="td-value-xl"><span>{esc(doc.index_no or "")}</span></td>'
            f'<td class="td-label">分类：</td><td class="td-value"><span>{esc(doc.category or self.column_name)}</span></td></tr>\n'
            f'<tr><td class="td-label">发布机构：</td><td class="td-value-xl"><span>{esc(doc.publisher)}</span></td>'
            f'<td class="td-label">成文日期：</td><td class="td-value"><span>{self.date_text(written)}</span></td></tr>\n'
            f'<tr><td class="td-label">名称：</td><td class="td-value-xl" colspan="3"><span>{esc(doc.title)}</span></td></tr>\n'
            f'<tr><td class="td-label">文号：</td><td class="td-value-xl"><span>{esc(doc.doc_no or "无")}</span></td>'
            f'<td class="td-label">发布日期：</td><td class="td-value"><span>{self.date_text(doc.published)}</span></td></tr>\n'
            "</tbody></table></div>"
        )
        detail_json = '{"id":%d,"title":%s,"content":%s}' % (
            doc.doc_id,
            render.js_string_content(doc.title),
            render.js_string_content(content),
        )
        body = (
            f"{self.top_nav}\n"
            f'<div class="position">当前位置：<a href="/">{self.portal}</a>&gt;<a href="/gkmlpt/index">{self.portal}</a>'
            '<span class="font-size">浏览字体：【<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> '
            '<a href="javascript:doZoom(14)">小</a>】</span></div>\n'
            f"{metadata}\n"
            f'<div class="article"><h1 class="title">{esc(doc.title)}</h1>\n'
            f'<div class="article-content">\n{content}\n</div>\n'
            f'<div class="attachments">{attachments}</div>\n'
            f'<div class="article-tool">{render.share_bar()} <span class="view-count">浏览次数：{render.view_count(doc.doc_id)}</span>'
            ' <a href="javascript:window.print()">打印</a> <a href="javascript:window.close()">关闭</a></div></div>\n'
            f"<script>window._CONFIG = window._CONFIG || {{}}; window._CONFIG.SID = '{self.sid}'; "
            f"window._CONFIG.DETAIL = {detail_json};</script>\n{self.footer_html}"
        )
        return render.page(f"{doc.title} - {self.portal}", body)
