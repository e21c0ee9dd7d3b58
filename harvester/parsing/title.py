"""Title, report year, agency, and the closing (signature and signed date) of a report."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import _CN_DIGITS, date_only
from .textutil import halfwidth

REPORT_TITLE_RE = re.compile(r"(?:政府信息公开|政务公开|信息公开|政务信息公开).{0,30}?(?:年度报告|年报|报告)")
_CJK_GAP_RE = re.compile(r"(?<=[\u4e00-\u9fff\d])\s+(?=[\u4e00-\u9fff\d])")
_TITLE_SPLIT_RE = re.compile(r"\s*(?:[-_|｜—]{1,2}|——)\s*")
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_CN_YEAR_RE = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年")
_PERIOD_RE = re.compile(r"统计(?:期限|时限|时间|区间)[^。]{0,12}?((?:19|20)\d{2})\s*年")

AGENCY_SUFFIX_RE = re.compile(
    r"(?:人民政府|政府|办公室|办公厅|管理委员会|管委会|委员会|街道办事处|办事处|局|厅|委|办|署|中心|院|会|所|站|队"
    r"|部|处|馆|集团|公司|银行|学校|大学|医院)(?:[(（][^()（）]{1,30}[)）])?$"
)


def join_cjk(text: str) -> str:
    """Whitespace between Chinese characters/digits removed (a title split by <br> or lines)."""
    return _CJK_GAP_RE.sub("", text.strip())


def looks_like_report_title(text: str | None) -> bool:
    return text is not None and text != "" and len(text) <= 90 and bool(REPORT_TITLE_RE.search(halfwidth(text)))


def title_from_page_title(page_title: str | None) -> str | None:
    """The segment of ``<title>`` that is the document title (site names cut off)."""
    if not page_title:
        return None
    parts = [p for p in _TITLE_SPLIT_RE.split(page_title.strip()) if p]
    for part in parts:
        # A part without a year is the column or the site (政府信息公开年报), not this report.
        if looks_like_report_title(part) and year_of(part):
            return join_cjk(part)
    return join_cjk(parts[0]) if parts else None


def title_from_lines(lines: list[str], max_lines: int = 25) -> str | None:
    """A report-title line near the top, joined with a preceding fragment (玉溪市 / 2017年…)."""
    seen: list[str] = []
    for line in lines[:max_lines]:
        text = line.strip()
        if not text:
            continue
        if (looks_like_report_title(text) and len(text) <= 60 and not text.endswith("。")
                and not re.search(r"[:：>]|当前位置", text)):
            if seen:
                prev = seen[-1]
                starts_like_tail = re.match(r"(?:关于|(?:19|20)\d{2}|[〇○零一二三四五六七八九]{4}年)", halfwidth(text))
                if (starts_like_tail and len(prev) <= 20 and not re.search(r"[。,，:：;；!?]", prev)
                        and not REPORT_TITLE_RE.search(prev)):
                    return join_cjk(prev + text)
            return join_cjk(text)
        seen.append(text)
    return None


def year_of(text: str | None) -> int | None:
    if not text:
        return None
    norm = halfwidth(text)
    m = _YEAR_RE.search(norm)
    if m:
        return int(m.group(1))
    m = _CN_YEAR_RE.search(norm)
    if m:
        return int("".join(str(_CN_DIGITS[c]) for c in m.group(1)))
    return None


def report_year(title: str | None, lines: list[str], published_date: str | None) -> int | None:
    """From the title, else the 统计期限 sentence, else the opening lines, else published - 1."""
    year = year_of(title) if title and looks_like_report_title(title) else None
    if year:
        return year
    head = "\n".join(lines[:60])
    m = _PERIOD_RE.search(halfwidth(head))
    if m:
        return int(m.group(1))
    m = re.search(r"((?:19|20)\d{2})\s*年度?(?:政府信息公开|政务公开|信息公开)", halfwidth(head))
    if m:
        return int(m.group(1))
    if published_date:
        return int(published_date[:4]) - 1
    return None


_AFTER_YEAR_AGENCY_RE = re.compile(r"(?:度(?!政府信息|政务|信息公开))?\s*(?!度|政府信息|政务|信息公开)([^\d\s,，、。:：]{2,30}?)\s*(?:政府信息公开|政务公开|信息公开|政务信息公开)")


def agency_from_title(title: str | None) -> str | None:
    """The body named before the year: 肇庆市人民政府办公室2014年… -> 肇庆市人民政府办公室."""
    if not title:
        return None
    norm = halfwidth(title)
    m = re.search(r"(?:19|20)\d{2}\s*年|[〇○零一二三四五六七八九]{4}\s*年", norm)
    if not m:
        return None
    prefix = title[: m.start()].strip()
    prefix = re.sub(r"(?:关于)$", "", prefix).strip()
    if not prefix:
        # 2009年北京市文化局政府信息公开年度报告: the body is named after the year.
        after = _AFTER_YEAR_AGENCY_RE.match(norm[m.end():])
        if after:
            prefix = title[m.end() + after.start(1): m.end() + after.end(1)].strip()
    return prefix or None


def is_agency_name(text: str | None) -> bool:
    return text is not None and text != "" and len(text) <= 40 and bool(AGENCY_SUFFIX_RE.search(halfwidth(text).strip()))


@dataclass
class Closing:
    signed_date: str | None = None
    #: Index of the closing date line in the body lines (None when not found).
    line_index: int | None = None
    signature: str | None = None


_AGENCY_DATE_RE = re.compile(r"^(?P<agency>[^\s。,，:：;；]{2,40}?)\s+(?P<date>\S.*)$")


_DATE_MARK_RE = re.compile("[年\\-/.－／．]")


def _closing_date(line: str) -> tuple[str | None, str | None]:
    # Either form ends with the date; every date ends with a digit (``\d``: a decimal character,
    # half- or full-width) or 日 and holds 年 or a separator (-/., half-width of －／．): a line
    # without them (prose ends with 。, a table row of counts has no separator) is not read by
    # the patterns. Half-width makes none of these characters of any other.
    last = line.rstrip()[-1:]
    if not (last == "日" or last.isdecimal()) or _DATE_MARK_RE.search(line) is None:
        return None, None
    return _closing_date_by_patterns(line)


def _closing_date_by_patterns(line: str) -> tuple[str | None, str | None]:
    """(date, inline agency) of a closing line: a date alone, or a short agency name and a date."""
    iso = date_only(line)
    if iso:
        return iso, None
    m = _AGENCY_DATE_RE.match(halfwidth(line.strip()))
    if m and is_agency_name(m["agency"]):
        iso = date_only(m["date"])
        if iso:
            return iso, line.strip()[: len(m["agency"])]
    return None, None


def find_closing(lines: list[str], after: int = 0) -> Closing:
    """The first closing date line (二○一○年三月四日, 肇庆市人民政府办公室 2015年3月20日) at or
    after line ``after``; the signature is the short agency line just before it."""
    for i in range(max(after, 0), len(lines)):
        iso, inline_agency = _closing_date(lines[i])
        if not iso:
            continue
        signature = inline_agency
        if signature is None:
            for j in range(i - 1, max(i - 4, -1), -1):
                prev = lines[j].strip()
                if not prev:
                    continue
                prev = re.sub(r"[(（]\s*(?:盖章|印章|章)\s*[)）]", "", prev).strip()
                if is_agency_name(prev) and not prev.startswith("附件"):
                    signature = prev
                break
        return Closing(iso, i, signature)
    return Closing()


_QUOTED_TITLE_RE = re.compile(r"《([^《》]{6,60}?(?:年度报告|年报))》")


def title_quoted_in_opening(lines: list[str], max_lines: int = 8) -> str | None:
    """A report title the preface quotes (现将《泾源县2016年政府信息公开工作年度报告》予以公布):
    the only title some pages print."""
    for line in lines[:max_lines]:
        for m in _QUOTED_TITLE_RE.finditer(line):
            candidate = m.group(1)
            if looks_like_report_title(candidate) and year_of(candidate):
                return join_cjk(candidate)
    return None
