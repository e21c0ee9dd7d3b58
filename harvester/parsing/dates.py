"""Dates as Chinese government pages print them -> ISO ``YYYY-MM-DD``.

Handles 2015-03-20, 2015/3/20, 2015.03.20, 2015年03月20日, 2019-12-25 22:27:54 and
Chinese-numeral dates such as 二○一○年三月四日 / 二〇一七年十二月三十一日.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Iterator

from .textutil import halfwidth

# Every glyph used for zero in signatures: 〇 (U+3007), ○ (U+25CB), 零, Latin/Cyrillic O.
_CN_DIGITS = {"〇": 0, "○": 0, "◯": 0, "零": 0, "O": 0, "o": 0, "О": 0, "Ｏ": 0,
              "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_DIGIT_CLASS = "〇○◯零OoОＯ一二三四五六七八九"

ARABIC_DATE_RE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:(?P<s>[-/.])\s*(?P<m1>\d{1,2})\s*(?P=s)\s*(?P<d1>\d{1,2})(?!\d)"
    r"|年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日?)"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)
CHINESE_DATE_RE = re.compile(
    rf"(?P<y>[{_CN_DIGIT_CLASS}]{{4}})\s*年\s*(?P<m>[一二三四五六七八九十]{{1,3}})\s*月\s*"
    rf"(?P<d>[一二三四五六七八九十]{{1,3}})\s*日"
)


def chinese_number(text: str) -> int | None:
    """一 -> 1, 十 -> 10, 十二 -> 12, 二十 -> 20, 三十一 -> 31 (small numbers only)."""
    if not text:
        return None
    if "十" not in text:
        if len(text) != 1 or text not in _CN_DIGITS:
            return None
        return _CN_DIGITS[text]
    tens_part, _, units_part = text.partition("十")
    tens = 1 if not tens_part else _CN_DIGITS.get(tens_part)
    units = 0 if not units_part else _CN_DIGITS.get(units_part)
    if tens is None or units is None or len(tens_part) > 1 or len(units_part) > 1:
        return None
    return tens * 10 + units


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _from_match(m: re.Match) -> str | None:
    if m.re is CHINESE_DATE_RE:
        digits = [_CN_DIGITS.get(c) for c in m["y"]]
        if any(d is None for d in digits):
            return None
        year = int("".join(str(d) for d in digits))
        month, day = chinese_number(m["m"]), chinese_number(m["d"])
        if month is None or day is None:
            return None
        return _iso(year, month, day)
    month = m["m1"] or m["m2"]
    day = m["d1"] or m["d2"]
    return _iso(int(m["y"]), int(month), int(day))


def find_dates(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, iso) for every valid date in ``text``, in order."""
    norm = halfwidth(text)
    found = []
    for regex in (ARABIC_DATE_RE, CHINESE_DATE_RE):
        for m in regex.finditer(norm):
            iso = _from_match(m)
            if iso:
                found.append((m.start(), m.end(), iso))
    found.sort()
    yield from found


def parse_date(text: str | None) -> str | None:
    """The first date in ``text`` as ISO, or None."""
    if not text:
        return None
    for _start, _end, iso in find_dates(text):
        return iso
    return None


def date_only(line: str) -> str | None:
    """The date if ``line`` is nothing but a date (a closing line such as 二○一○年三月四日)."""
    stripped = halfwidth(line).strip()
    for regex in (ARABIC_DATE_RE, CHINESE_DATE_RE):
        m = regex.fullmatch(stripped)
        if m:
            return _from_match(m)
    return None
