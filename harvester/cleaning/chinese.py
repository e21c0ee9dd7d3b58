"""Traditional -> Simplified with OpenCC (``t2s``), only for pages that are actually Traditional.

OpenCC is fast but not free; most pages are Simplified already, so a regular-expression test for
characters that ``t2s`` would change comes first. That character class is derived once from
OpenCC itself (every BMP CJK ideograph converted in one call), so it never disagrees with it.
"""

from __future__ import annotations

import operator
import re
from functools import lru_cache
from typing import Sequence

#: Separator between text pieces converted in one OpenCC call (control chars are stripped from
#: page text before conversion, and OpenCC passes it through untouched).
_SEPARATOR = "\x01"
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
#: A language-switch link whose whole text is a Traditional label (``<a href="/">繁體版</a>``, in
#: the top bar of every gkmlpt page and of many others): it says nothing about the page's own text.
_VERSION_LINK_RE = re.compile(r"(<a\b[^<>]*>)\s*(?:繁體|正體)(?:版|中文)?\s*(</a\s*>)", re.I)
#: Numeric character references (``&#38364;``, ``&#x95DC;``): the parser turns them into text.
_CHAR_REF_RE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}))")


@lru_cache(maxsize=1)
def converter():
    """The one shared OpenCC t2s converter (building one loads its dictionaries)."""
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional_re() -> re.Pattern[str]:
    chars = [chr(cp) for start, end in _CJK_RANGES for cp in range(start, end + 1)]
    converted = converter().convert("\n".join(chars)).split("\n")
    traditional = [c for c, s in zip(chars, converted) if c != s] if len(converted) == len(chars) else []
    return re.compile("[" + "".join(traditional) + "]")


def traditional_count(text: str, limit: int = 10) -> int:
    """Number of Traditional-only characters in ``text`` (stops counting at ``limit``)."""
    count = 0
    for _ in _traditional_re().finditer(text):
        count += 1
        if count >= limit:
            break
    return count


def looks_traditional(text: str) -> bool:
    """True when the text holds Traditional-only characters (a handful: Simplified pages may
    quote one, e.g. a name, and still need no conversion... but converting them is harmless)."""
    return _traditional_re().search(text) is not None


_UNSHOWN_RE = re.compile(r"<!--[\s\S]*?-->|<script\b[\s\S]*?</script\s*>|<style\b[\s\S]*?</style\s*>", re.I)


def page_looks_traditional(markup: str) -> bool:
    """Should the page (decoded markup) be converted? Traditional characters outside version links.

    The page needs a character ``t2s`` would change; a Simplified page whose only such characters
    are the label of a language-switch link (``<a href="/zh_tw/">繁體版</a>``, in the top bar of
    every gkmlpt page) needs no conversion. Any other Traditional character — in text, a title,
    an attribute, a metadata table the parser reads, or as a numeric character reference — means
    the whole page is converted, as before.
    """
    pattern = _traditional_re()
    if pattern.search(markup) is None:
        return False
    # Comments, scripts and styles are never shown (the parser drops comments): a template's
    # <!--头部開始--> must not convert a Simplified page.
    rest = _UNSHOWN_RE.sub("", markup)
    if pattern.search(rest) is None:
        return False
    rest = _VERSION_LINK_RE.sub(r"\1\2", rest)
    if pattern.search(rest) is not None:
        return True
    for ref in _CHAR_REF_RE.finditer(rest):
        code = int(ref.group(1), 16) if ref.group(1) else int(ref.group(2))
        if code <= 0x10FFFF and pattern.match(chr(code)):
            return True
    return False


def _changed(before: str, after: str) -> int:
    if before == after:
        return 0
    changed = sum(map(operator.ne, before, after))
    return changed + abs(len(before) - len(after))


def to_simplified(pieces: Sequence[str]) -> tuple[list[str], int]:
    """Convert many text pieces in one OpenCC call; return them and the changed-character count."""
    if not pieces:
        return [], 0
    joined = _SEPARATOR.join(p.replace(_SEPARATOR, "") for p in pieces)
    converted = converter().convert(joined).split(_SEPARATOR)
    if len(converted) != len(pieces):  # never seen; fall back to one call per piece
        converted = [converter().convert(p) for p in pieces]
    changed = sum(_changed(b, a) for b, a in zip(pieces, converted))
    return converted, changed
