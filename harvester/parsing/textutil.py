"""Small text helpers shared by the parsing modules."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


def memoized(fn: Callable[[K], V]) -> Callable[[K], V]:
    """``fn`` of one argument, remembered per argument (a decorator): a hit costs ~350
    instructions, an ``lru_cache`` hit ~725, but a miss more (``Memo.__missing__`` runs in Python):
    for texts that come again, such as table cells."""
    return Memo(fn).__getitem__


class Memo(dict, Generic[K, V]):
    """``fn(key)`` remembered for each key, read as ``memo[key]`` (see ``memoized``). Holds at most
    ``size`` keys: full, it starts again empty (the values are pure functions')."""

    def __init__(self, fn: Callable[[K], V], size: int = 8192) -> None:
        super().__init__()
        self.fn = fn
        self.size = size

    def __missing__(self, key: K) -> V:
        if len(self) >= self.size:
            self.clear()
        value = self[key] = self.fn(key)
        return value

# Full-width ASCII (U+FF01..U+FF5E) -> ASCII and the ideographic space -> space. A 1:1 character
# mapping, so offsets found in the normalised text are valid in the original.
_HALFWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_HALFWIDTH[0x3000] = 0x20
_HALFWIDTH[0xA0] = 0x20


_HALFWIDTH_CHARS = {chr(k): chr(v) for k, v in _HALFWIDTH.items()}
_FULLWIDTH_RE = re.compile("[\uff01-\uff5e\u3000\xa0]")


def _halfwidth(text: str, _search=_FULLWIDTH_RE.search) -> str:
    # Each distinct full-width character found in C, then replaced everywhere in C, the search
    # going on from where it was: not str.translate (it looks every character of a CJK text up
    # in the mapping, ~55 ns each), nor a regex substitution calling back into Python per
    # character, nor a findall (a string per occurrence: a line holds ~10 full-width commas).
    m = _search(text)
    while m is not None:
        at = m.start()
        char = text[at]
        text = text.replace(char, _HALFWIDTH_CHARS[char])
        m = _search(text, at)
    return text


#: Lines up to this length are remembered: the parse stages (sections, closing, title, classify,
#: metadata, prose) each read the same lines half-width, ~3 times per line of a page.
_MEMO_CHARS = 512
_halfwidth_memo = lru_cache(maxsize=4096)(_halfwidth)


def halfwidth(text: str) -> str:
    """Full-width letters, digits and punctuation as ASCII (（一） -> (一)); same length."""
    return _halfwidth_memo(text) if len(text) <= _MEMO_CHARS else _halfwidth(text)


def squash(text: str) -> str:
    """Half-width and without any whitespace: for comparing labels such as 文 号 and 文号.
    (str.split splits at what ``\\s`` matches, in C without a regex's per-character match.)"""
    return "".join(halfwidth(text).split())


#: Longest cell or line text read as a number (``1,234,567,890.25万元`` fits); longer runs of digits
#: are page noise, never statistics.
MAX_NUMBER_CHARS = 24

NUMBER_RE = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[-+]?\d+(?:\.\d+)?$")
_CELL_NUMBER_RE = re.compile(r"^(?P<num>[-+]?\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万元|亿元|元|条|件|个|宗|起|次|场|篇|期|份|人次|项|%)?$")


#: The characters whose half-width form is a sign (full-width digits are decimals already).
_SIGNS = frozenset("+-＋－")


def starts_like_number(text: str) -> bool:
    """Whether ``squash(text)`` starts with a digit or a sign, without squashing all of it
    (``str.lstrip`` drops exactly the characters ``\\s`` matches): a decimal (what ``re``'s
    ``\\d`` matches; the full-width digits halfwidth maps are decimals themselves) or a sign, half-
    or full-width. The first character is tested directly: ``[-+\\d]`` on its half-width form
    (a memo lookup and a regex call on every line and cell) cost ~0.25 µs."""
    first = text.lstrip()[:1]
    return first.isdecimal() or first in _SIGNS


#: The last characters of the units ``_CELL_NUMBER_RE`` reads (and the full-width %).
_UNIT_ENDS = frozenset("元条件个宗起次场篇期份项%％")


def ends_like_number(text: str) -> bool:
    """Whether ``squash(text)`` ends as ``_CELL_NUMBER_RE`` requires, with a decimal or a unit,
    without squashing it: a line that starts with a year (2020年，我局…) ends otherwise."""
    last = text.rstrip()[-1:]
    return last.isdecimal() or last in _UNIT_ENDS


def parse_number(text: str) -> tuple[int | float, str | None] | None:
    """A cell or line holding one number (optionally with a unit): ``("251000元")`` -> (251000, "元").

    Spaces inside the number are dropped (``"230 000"`` is 230000: page breaks split numbers).
    Returns None for anything else, including empty cells and dashes.
    """
    if not starts_like_number(text) or not ends_like_number(text):
        return None  # most cells and lines: no need to squash them
    return parse_squashed_number(squash(text))


def parse_squashed_number(s: str) -> tuple[int | float, str | None] | None:
    """``parse_number`` of a text already squashed (``squash`` is idempotent)."""
    if len(s) > MAX_NUMBER_CHARS:
        return None  # a run of digits is not a statistic (and int() of it is slow)
    m = _CELL_NUMBER_RE.match(s)
    if not m:
        return None
    raw = m["num"].replace(",", "")
    try:
        value: int | float = float(raw) if "." in raw else int(raw)
    except ValueError:
        return None
    return value, m["unit"]


_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
#: Characters of a Chinese numeral as reports print counts (十二件, 一百零五条, 两万三千条).
CN_NUMERAL_CHARS = "零〇○一二两三四五六七八九十百千万"


def cn_number(text: str) -> int | None:
    """The value of a Chinese numeral: ``十二`` -> 12, ``一百零五`` -> 105, ``两万三千`` -> 23000.

    Digit-by-digit forms (``二〇一四``) are read positionally. None for anything else.
    """
    if not text or len(text) > 12 or any(ch not in CN_NUMERAL_CHARS for ch in text):
        return None
    if not any(ch in _CN_UNITS or ch == "万" for ch in text):
        if len(text) == 1:
            return _CN_DIGITS[text]
        if not any(ch in "零〇○" for ch in text):
            return None  # 三四 is "three or four", not 34
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total = section = 0
    digit: int | None = None
    for ch in text:
        if ch in "零〇○":
            continue  # a place holder (一百零五)
        if ch in _CN_DIGITS:
            if digit is not None:
                return None  # two digits in a row (三四) is not one number
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:  # 万
            section += digit or 0
            if section == 0:
                return None
            total += section * 10000
            section, digit = 0, None
    return total + section + (digit or 0)


CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def has_cjk(text: str) -> bool:
    return bool(CJK_RE.search(text))
