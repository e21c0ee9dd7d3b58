"""Traditional -> Simplified with OpenCC (``t2s``), only for pages that are actually Traditional.

OpenCC is fast but not free; most pages are Simplified already, so a regular-expression test for
characters that ``t2s`` would change comes first. That character class is derived once from
OpenCC itself (every BMP CJK ideograph converted in one call), so it never disagrees with it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

#: Separator between text pieces converted in one OpenCC call (control chars are stripped from
#: page text before conversion, and OpenCC passes it through untouched).
_SEPARATOR = "\x01"
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


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


def _changed(before: str, after: str) -> int:
    if len(before) == len(after):
        return sum(1 for a, b in zip(before, after) if a != b)
    return sum(1 for a, b in zip(before, after) if a != b) + abs(len(before) - len(after))


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
