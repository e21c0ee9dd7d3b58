"""Traditional -> Simplified with OpenCC (``t2s``), only for pages that are actually Traditional.

OpenCC is fast but not free; most pages are Simplified already, so a regular-expression test for
characters that ``t2s`` would change comes first. That character class is derived once from
OpenCC itself (every BMP CJK ideograph converted in one call), so it never disagrees with it.
"""

from __future__ import annotations

import operator
import re
from functools import lru_cache
from itertools import islice
from typing import Any, Sequence

from lxml import etree

from .text import shown_text

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


#: The whole text of a language-switch link (``<a href="/zh_tw/">繁體版</a>``): it says nothing
#: about the page's own text.
_VERSION_LABEL_RE = re.compile(r"\s*(?:繁體|正體)(?:版|中文)?\s*")
#: The texts of links that may be such a label (every one holds 體), found in C: the links of a
#: page (~80 on a replica page) read in Python cost ~1.5x more.
_VERSION_LABEL_TEXTS = etree.XPath("descendant-or-self::a/text()[contains(., '體')]")
#: The attributes the cleaner converts like text (shown to readers or read by the parser).
#: Below the element asked (the page's root: its whole document), as plain steps (``//@x`` walks
#: every node from the document, text nodes too).
TEXT_ATTRIBUTES = etree.XPath("descendant-or-self::*/@title | descendant-or-self::*/@alt"
                              " | descendant-or-self::*/@content", smart_strings=False)


def page_looks_traditional(markup: str) -> bool:
    """``document_looks_traditional`` of the markup alone (parsed here)."""
    import lxml.html

    try:
        root = lxml.html.document_fromstring(markup)
    except Exception:  # lxml gives up on empty input
        return False
    return document_looks_traditional(root, markup)


def document_looks_traditional(root: Any, markup: str | None = None, shown: str | None = None,
                               attributes: Sequence[str] | None = None) -> bool:
    """Should the parsed page be converted? Traditional characters outside version links.

    The page needs a character ``t2s`` would change in its text (not in scripts or styles; the
    parser already dropped comments, so a template's ``<!--头部開始-->`` does not count; numeric
    character references are text once parsed) or in a text attribute (``title``, ``alt``,
    ``content``). ``shown`` (``shown_text(root)``: the document's text but its scripts' and
    styles') and ``attributes`` (their values) are read here when not given. A Simplified page
    whose only such characters are the label of a language-switch link (``<a
    href="/zh_tw/">繁體版</a>``, in the top bar of every gkmlpt page) needs no conversion. Where
    ``shown`` is not given, ``markup`` (the decoded page) is a quick first test: without any such
    character in it, nor a numeric character reference (``&#38364;`` is 關), the document is not
    read at all.
    """
    pattern = _traditional_re()
    if shown is None:
        if markup is not None and pattern.search(markup) is None and "&#" not in markup:
            return False
        shown = shown_text(root)
    if pattern.search(shown) is not None:
        # More of them than the version labels hold (a Simplified gkmlpt page holds no more).
        labels = 0
        last = None
        for piece in _VERSION_LABEL_TEXTS(root):
            el = piece.getparent()
            if el is last or len(el):
                continue
            last = el
            label = el.text
            if _VERSION_LABEL_RE.fullmatch(label):
                labels += len(pattern.findall(label))
        if next(islice(pattern.finditer(shown), labels, None), None) is not None:  # labels + 1 read
            return True
    if attributes is None:
        attributes = TEXT_ATTRIBUTES(root)
    # one scan of the values joined (a page has ~150): a search per value costs ~3x more
    return pattern.search("\n".join(attributes)) is not None


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
