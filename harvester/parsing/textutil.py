"""Small text helpers shared by the parsing modules."""

from __future__ import annotations

import re

# Full-width ASCII (U+FF01..U+FF5E) -> ASCII and the ideographic space -> space. A 1:1 character
# mapping, so offsets found in the normalised text are valid in the original.
_HALFWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_HALFWIDTH[0x3000] = 0x20
_HALFWIDTH[0xA0] = 0x20


def halfwidth(text: str) -> str:
    """Full-width letters, digits and punctuation as ASCII (（一） -> (一)); same length."""
    return text.translate(_HALFWIDTH)


_SPACE_RE = re.compile(r"\s+")


def squash(text: str) -> str:
    """Half-width and without any whitespace: for comparing labels such as 文 号 and 文号."""
    return _SPACE_RE.sub("", halfwidth(text))


NUMBER_RE = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[-+]?\d+(?:\.\d+)?$")
_CELL_NUMBER_RE = re.compile(r"^(?P<num>[-+]?\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万元|亿元|元|条|件|个|宗|起|次|场|篇|期|份|人次|项|%)?$")


_NUMBER_START_RE = re.compile(r"[-+\d]")


def starts_like_number(text: str) -> bool:
    """Whether ``squash(text)`` starts with a digit or a sign, without squashing all of it
    (``str.lstrip`` drops exactly the characters ``\\s`` matches)."""
    return _NUMBER_START_RE.match(halfwidth(text.lstrip()[:1])) is not None


def parse_number(text: str) -> tuple[int | float, str | None] | None:
    """A cell or line holding one number (optionally with a unit): ``("251000元")`` -> (251000, "元").

    Spaces inside the number are dropped (``"230 000"`` is 230000: page breaks split numbers).
    Returns None for anything else, including empty cells and dashes.
    """
    if not starts_like_number(text):
        return None  # most cells and lines: no need to squash them
    return parse_squashed_number(squash(text))


def parse_squashed_number(s: str) -> tuple[int | float, str | None] | None:
    """``parse_number`` of a text already squashed (``squash`` is idempotent)."""
    m = _CELL_NUMBER_RE.match(s)
    if not m:
        return None
    raw = m["num"].replace(",", "")
    try:
        value: int | float = float(raw) if "." in raw else int(raw)
    except ValueError:
        return None
    return value, m["unit"]


CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def has_cjk(text: str) -> bool:
    return bool(CJK_RE.search(text))
