"""Is this page an annual report on open-government-information work, or something else?

Title AND body structure decide: a notice *about* compiling reports names 年度报告 in its title
but has no report sections, no 统计期限 and no statistics; a report without a title line (the
Anhui pages) is recognised by its body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..cleaning.text import text_content
from .textutil import halfwidth

_NOTICE_TITLE_RE = re.compile(r"通知|通报|公告|公示|函$|意见$|方案$|的批复|报送|编制.{0,6}工作|考核|评估|检查"
                              r"|更正|勘误|撤回|的说明$")
#: A notice that publishes the report (关于公布/印发…年度报告的通知): the report follows in the body.
_PUBLISHING_NOTICE_RE = re.compile(r"关于(?:公布|印发|发布|公开)(.{2,60}?(?:年度报告|年报))(?:的通知|的函)?$")
_WORK_PLAN_RE = re.compile(r"工作要点|工作计划|工作安排|任务分工")
_REPORT_TITLE_RE = re.compile(r"(?:政府信息公开|政务公开|信息公开|政务信息公开).{0,30}?(?:年度报告|年报|报告)")
# Body markers of a report (old and national formats). CJK literals only (``report_markers``).
_REPORT_MARKERS = [
    re.compile(p)
    for p in (
        r"统计(?:期限|时限|时间)",
        r"主动公开政府信息(?:的)?情况|政府信息主动公开情况|主动公开情况",
        r"依申请公开|收到和处理政府信息公开申请",
        r"行政复议",
        r"存在的?(?:主要)?问题",
        r"改进(?:情况|措施)",
        r"本(?:年度)?报告|本年报",
        r"本年新收|予以公开|结果维持",
        r"总体情况|概述",
    )
]
#: A challenge page (a script setting a cookie) has a body shorter than this; only then are its
#: scripts read (``scripts_text``: the caller may leave them out for a longer body).
CHALLENGE_MAX_BODY = 200
_CHALLENGE_RE = re.compile(r"\$_ts|document\.cookie|__jsluid|请开启JavaScript|enable JavaScript|安全验证|人机验证", re.I)
_ERROR_RE = re.compile(r"404|Not Found|页面不存在|找不到|已删除|无法访问|访问出错|服务器错误|502 Bad Gateway|403 Forbidden", re.I)
_DATED_LINK_RE = re.compile(r"(?:19|20)\d{2}[-/.年]\d{1,2}")


_FEW_CJK = 40
#: ``_FEW_CJK`` CJK characters from the start, each run between them taken whole (possessive: no
#: backtracking where the text holds fewer), in one ``re`` call instead of a match object each.
_ENOUGH_CJK_RE = re.compile(r"(?:[^\u4e00-\u9fff]*+[\u4e00-\u9fff]){%d}" % _FEW_CJK)


def _few_cjk(text: str) -> bool:
    """Fewer than ``_FEW_CJK`` CJK characters (stops counting there)."""
    return _ENOUGH_CJK_RE.match(text) is None


@dataclass
class Classification:
    kind: str
    reason: str


def report_markers(text: str) -> int:
    # The markers are CJK literals only, which half-width leaves as they are, one character for
    # one: each matches the text where it matches the half-width text (which would cost a pass
    # over the whole body, too long to be remembered).
    return sum(1 for regex in _REPORT_MARKERS if regex.search(text))


def _looks_like_list(content, text: str) -> bool:
    if content is None:
        return False
    links = [a for a in content.iter("a") if text_content(a).strip()]
    if len(links) < 8:
        return False
    link_chars = sum(len(text_content(a).strip()) for a in links)
    dated = sum(1 for a in links if _DATED_LINK_RE.search(text_content(a.getparent()) if a.getparent() is not None else ""))
    return link_chars >= 0.5 * max(len(text.replace("\n", "")), 1) or dated >= 8


def classify(title: str | None, text: str, content, scripts_text: str = "") -> Classification:
    body = text.strip()
    norm_title = halfwidth(title or "")
    if len(body) < CHALLENGE_MAX_BODY and _CHALLENGE_RE.search(scripts_text + body):
        return Classification("challenge", "short page whose script sets a cookie / asks for JavaScript")
    if _few_cjk(body):
        if _ERROR_RE.search(body + norm_title):
            return Classification("error", "error page text")
        if not body:
            return Classification("error", "empty body")
    if _looks_like_list(content, body):
        return Classification("list", "mostly links with dates")
    markers = report_markers(body)
    title_is_report = bool(_REPORT_TITLE_RE.search(norm_title))
    title_is_notice = bool(_NOTICE_TITLE_RE.search(norm_title))
    if _WORK_PLAN_RE.search(norm_title) and not (title_is_report and markers >= 4):
        return Classification("work_plan", f"title names a work plan ({norm_title[:30]})")
    if title_is_report and not title_is_notice and markers >= 2:
        return Classification("report", f"report title and {markers} report markers in the body")
    if title_is_notice and (title_is_report or "年度报告" in body[:500]):
        return Classification("notice", "a notice about annual reports, not a report")
    if not title_is_notice and markers >= 5:
        return Classification("report", f"no report title but {markers} report markers in the body")
    if title_is_report and not title_is_notice and markers >= 1 and len(body) > 400:
        return Classification("report", f"report title, {markers} report marker(s)")
    if _few_cjk(body):
        return Classification("error", "almost no text")
    if title_is_notice:
        return Classification("notice", "a notice")
    return Classification("news", "prose without the structure of an annual report")


def published_report_title(title: str | None) -> str | None:
    """The report a publishing notice's title names (关于公布X年度报告的通知 -> X年度报告), else None."""
    m = _PUBLISHING_NOTICE_RE.search(halfwidth(title or "").strip())
    return m.group(1) if m else None
