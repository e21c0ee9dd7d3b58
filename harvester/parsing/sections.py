"""Section headings: 一、 (level 1), （一） (level 2), 1. (level 3), ① (level 4).

A heading is a line that *starts* with a numbering marker. Its title is the text up to the first
sentence end (a heading line may carry text after it: ``（一）政府信息主动公开情况。自…``), without
the numbering or trailing punctuation. "一是…" is enumeration inside a paragraph, not a heading.
Level-1 numbers must increase (一, 二, 三 …): a 一、 row of a flattened statistics table after
六、 is not a new section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..items import Section
from .dates import chinese_number
from .textutil import halfwidth

_CN = "一二三四五六七八九十"
# Matched against the half-width line (（一） is already (一) there); ``rest`` is where the text
# after the marker starts (a line holds no newline: nothing to match up to its end).
_L1_RE = re.compile(rf"^\s*(?P<num>[{_CN}]{{1,3}})\s*[、.,](?!是)\s*(?P<rest>\S)")
_L2_RE = re.compile(rf"^\s*\((?P<num>[{_CN}]{{1,3}})\)\s*[、.,]?\s*(?P<rest>\S)")
_L3_RE = re.compile(r"^\s*(?P<num>\d{1,2})\s*[.、](?!\d)\s*(?P<rest>\S)")
_L4_RE = re.compile(r"^\s*(?P<num>[①-⑳])\s*(?P<rest>\S)")
#: The level and pattern of a heading opening with a character (a decimal: level 3), full-width or
#: not: only that one of the four patterns can match it (halfwidth maps none of these characters
#: to another's). Most lines open with none of them and are not made half-width nor matched.
_PATTERN_BY_FIRST = {
    **{ch: (1, _L1_RE) for ch in _CN},
    "(": (2, _L2_RE), "（": (2, _L2_RE),
    **{chr(cp): (4, _L4_RE) for cp in range(ord("①"), ord("⑳") + 1)},
}
_CJK_TITLE_START_RE = re.compile(r"[\u4e00-\u9fff《“\"]")

# The title ends at the first sentence end; a colon also ends it (二、主要工作:).
_TITLE_END_RE = re.compile(r"[。!?;:]")
_TRAILING_PUNCT = "。.,,、;:!?：；，　 "

MAX_TITLE_CHARS = 60


@dataclass
class Heading:
    line_index: int
    level: int
    number: int
    title: str
    #: Text on the heading line after the title (``（一）情况。自…`` -> ``自…``).
    rest: str


def _split_title(rest_original: str, rest_norm: str) -> tuple[str, str]:
    m = _TITLE_END_RE.search(rest_norm)
    if m:
        title, after = rest_original[: m.start()], rest_original[m.end():]
    else:
        title, after = rest_original, ""
    return title.strip().rstrip(_TRAILING_PUNCT).strip(), after.strip()


def match_heading(line: str) -> tuple[int, int, str, str] | None:
    """(level, number, title, rest) if ``line`` (one line: no newline) starts with a heading
    marker, else None."""
    if "\t" in line:  # a table row, never a heading
        return None
    # str.lstrip drops what the patterns' ^\s* skips, and halfwidth keeps a decimal a decimal
    first = line.lstrip()[:1]
    found = _PATTERN_BY_FIRST.get(first)
    if found is None:
        if not first.isdecimal():
            return None
        found = 3, _L3_RE
    level, regex = found
    norm = halfwidth(line)
    m = regex.match(norm)
    if not m:
        return None
    num_text = m["num"]
    if level in (1, 2):
        number = chinese_number(num_text)
    elif level == 3:
        number = int(num_text)
    else:
        number = ord(num_text) - ord("①") + 1
    if number is None or number == 0:
        return None
    offset = m.start("rest")
    title, rest = _split_title(line[offset:], norm[offset:])
    if not title or len(title) > MAX_TITLE_CHARS:
        return None
    # Level 3 "1." also numbers table notes and list items; require a short CJK title.
    if level == 3 and not _CJK_TITLE_START_RE.match(title):
        return None
    return level, number, title, rest


def find_headings(lines: list[str], stop_at: int | None = None) -> list[Heading]:
    """Headings of ``lines[:stop_at]`` with level-1 numbering kept in sequence."""
    headings: list[Heading] = []
    last_l1 = 0
    end = len(lines) if stop_at is None else min(stop_at, len(lines))
    for i in range(end):
        found = match_heading(lines[i])
        if not found:
            continue
        level, number, title, rest = found
        if level == 1:
            # 一、 starts the sequence; later ones follow it (one skipped number tolerated).
            if not (last_l1 < number <= last_l1 + 2) or (last_l1 == 0 and number != 1):
                continue
            last_l1 = number
        elif last_l1 == 0 and level > 1 and not headings:
            # Sub-headings before any 一、 are kept (some reports have only （一） parts).
            pass
        headings.append(Heading(i, level, number, title, rest))
    return headings


def build_sections(lines: list[str], headings: list[Heading]) -> list[Section]:
    """Flat list of sections in document order; the levels give the tree."""
    sections: list[Section] = []
    for n, h in enumerate(headings):
        end = headings[n + 1].line_index if n + 1 < len(headings) else len(lines)
        body = [h.rest] if h.rest else []
        body += [line.strip() for line in lines[h.line_index + 1:end]]
        text = "\n".join([part for part in body if part])
        sections.append(Section(level=h.level, title=h.title, text=text))
    return sections


def level1_title_by_line(line_count: int, headings: list[Heading]) -> list[str | None]:
    """For every line, the title of the level-1 section it falls in (None before the first)."""
    owner: list[str | None] = [None] * line_count
    current: str | None = None
    l1 = {h.line_index: h.title for h in headings if h.level == 1}
    for i in range(line_count):
        if i in l1:
            current = l1[i]
        owner[i] = current
    return owner
