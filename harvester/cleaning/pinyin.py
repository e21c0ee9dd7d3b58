"""Remove pinyin annotations left by Traditional converters: ``關(guān)`` -> ``關``.

Only a parenthesised group of lower-case Latin letters directly after a CJK character goes, and
only if it carries a tone mark (``(bào)``) or is a valid toneless syllable (``(de)``). Real
parentheses — ``(一)``, ``(单位:条)``, ``(试行)``, ``(蓋章)``, ``(GDP)`` — stay.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterator

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_LETTERS = "a-zü" + _TONED + "\u0300-\u030c"  # combining tone marks for decomposed text
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_GROUP = rf"\s*([{_LETTERS}]+(?:[ '’][{_LETTERS}]+)*)\s*[)）]"
# After a CJK character; or after a character the page already lost ("?" / U+FFFD), where the
# mangling may have eaten the opening parenthesis too (我們?nèi)〉, 成績 -> 某煽?jī)).
_ANNOTATION_RE = re.compile(rf"(?<=[{_CJK}])[(（]{_GROUP}|(?<=[?？\ufffd])[(（]?{_GROUP}")
_TONE_RE = re.compile(f"[{_TONED}\u0300-\u030c]")
#: Cheap pre-check: is there any candidate at all (most pages have none).
_PAREN_RE = re.compile(rf"[(（]\s*[{_LETTERS}]")
_CJK_CHAR_RE = re.compile(f"[{_CJK}]")
_LOST = "?？\ufffd"
_LOST_RE = re.compile(rf"[{_LOST}][(（]?\s*[{_LETTERS}]{{1,12}}\s*[)）]")
#: After a lost character the group must close (``?jī)``): ``?type=1`` in a URL is no candidate.
_CANDIDATE_RE = re.compile(rf"[{_CJK}][(（]\s*[{_LETTERS}]|[?？\ufffd][(（]?\s*[{_LETTERS}]{{1,12}}\s*[)）]")


@lru_cache(maxsize=1)
def _toneless_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable of two letters or more (from pypinyin's dictionary)."""
    from pypinyin import pinyin_dict

    syllables = set()
    for readings in pinyin_dict.pinyin_dict.values():
        for reading in readings.split(","):
            base = "".join(c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c))
            if len(base) >= 2:
                syllables.add(base)
    return frozenset(syllables)


def _is_annotation(group: str, after_lost_char: bool = False) -> bool:
    if _TONE_RE.search(group):
        return True
    if after_lost_char:  # "?(de)" is too weak a signal without a tone mark
        return False
    # Toneless (neutral tone) annotations such as (de), (ma): every syllable must be real pinyin;
    # one-letter groups like (a) are too ambiguous to drop.
    syllables = re.split(r"[ '’]", group)
    return all(s in _toneless_syllables() for s in syllables)


def _positions(text: str, chars: str) -> Iterator[int]:
    """Every index of one of ``chars`` in ``text`` (by ``str.find``: a regex led by a class of
    characters tests each position of the text, ~3 ns a character)."""
    for ch in chars:
        at = text.find(ch)
        while at >= 0:
            yield at
            at = text.find(ch, at + 1)


def has_pinyin(text: str) -> bool:
    """True when ``text`` holds an annotation ``remove_pinyin`` would remove (most pages have none:
    a cheap candidate scan first, the full check only on candidates such as 网站（www…）)."""
    # Scan for the rare parts (an opening parenthesis before a letter; a lost character), not for
    # every CJK character: only where such a character is (``_positions``) is a pattern tried.
    for start in _positions(text, "(（"):
        # Most parentheses of a page follow ASCII (its scripts' calls, "(1)"): every CJK and lost
        # character but "?" lies at or above U+3400, so those are passed over without a regex.
        if not start or text[start - 1] < "\u3400" and text[start - 1] != "?":
            continue
        if not _PAREN_RE.match(text, start):
            continue
        if _CJK_CHAR_RE.match(text, start - 1) or text[start - 1] in _LOST:
            match = _ANNOTATION_RE.match(text, start)
            if match and _is_annotation(match.group(1) or match.group(2), match.group(1) is None):
                return True
    for start in _positions(text, _LOST):
        if not _LOST_RE.match(text, start):
            continue
        match = _ANNOTATION_RE.match(text, start + 1)
        if match and match.group(2) and _is_annotation(match.group(2), True):
            return True
    return False


def remove_pinyin(text: str) -> tuple[str, int]:
    """Return ``text`` without pinyin annotations and the number removed."""
    if not text or not _CANDIDATE_RE.search(text):
        return text, 0
    removed = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal removed
        after_lost_char = match.group(1) is None
        if _is_annotation(match.group(1) or match.group(2), after_lost_char):
            removed += 1
            return ""
        return match.group(0)

    return _ANNOTATION_RE.sub(replace, text), removed
