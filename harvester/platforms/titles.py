"""Telling report entries from the rest of a report column by their listing title.

Real 年报 columns also hold notices about the reports (关于做好…年度报告编制和发布工作的通知),
circulars on how they were published (…发布情况的通报), letters (关于…工作要点落实情况的函, as on
pingtan.gov.cn), work plans (政务公开工作要点) and news (召开…培训会). Only a title that clearly
names one of those is ``other``; a title that may be a report is fetched and the parser decides.
"""

from __future__ import annotations

import re
from typing import Literal

Verdict = Literal["report", "other", "unsure"]

# What the document *is* is said at the end of a Chinese title: …的通知, …的函, …工作要点.
_OTHER_END = re.compile(r"(通知|通报|函|复函|工作要点|要点|方案|计划|意见|决定|公告|公示|批复|讲话|纪要)\s*$")
# News: a meeting, training or inspection took place.
_NEWS = re.compile(r"召开|举办|举行|培训会|座谈会|推进会|部署会|调研|督查|检查组")
_REPORT = re.compile(r"(年度|年)?(政府信息公开|政务公开|信息公开)?(工作)?(年度报告|年报|的报告|工作报告)\s*(（[^）]*）|\([^)]*\))?\s*$")


def listing_verdict(title: str) -> Verdict:
    """``report`` / ``other`` (certainly not a report) / ``unsure`` for a listing title."""
    text = re.sub(r"\s+", "", title or "")
    if not text:
        return "unsure"
    if _REPORT.search(text) and not _OTHER_END.search(text):
        return "report"
    if _OTHER_END.search(text) or _NEWS.search(text):
        return "other"
    return "unsure"
