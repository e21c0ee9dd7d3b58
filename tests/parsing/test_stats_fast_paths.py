"""The cheap paths of the statistics, tables and sections stages give what the straightforward
code gives."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from harvester.parsing.textutil import halfwidth


@lru_cache(maxsize=1)
def _fixture_lines() -> tuple[str, ...]:
    """The lines of every parsing fixture and of the real pages of the shared corpus."""
    from harvester.cleaning import clean_page

    pages = sorted(Path(__file__).parent.joinpath("fixtures").rglob("*.htm*"))
    pages += sorted((Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "pingtan").glob("*.html"))
    lines: list[str] = []
    for path in pages:
        page = clean_page(path.read_bytes(), None, "http://fixture.invalid/" + path.name)
        lines += (page.text or "").split("\n")
    return tuple(lines)


def test_lines_the_heading_filter_passes_over_match_no_heading_pattern():
    """``match_heading`` tries its patterns only on a line whose first non-space character can
    open a marker: every line it passes over (of the fixtures, real pages and crafted ones:
    full-width and Arabic-Indic digits, an ideographic space or a no-break space first) matches
    none of the four patterns on its half-width form."""
    from harvester.parsing.sections import _L1_RE, _L2_RE, _L3_RE, _L4_RE, _MARKER_FIRST, match_heading

    crafted = ["一、概述", "\u3000\u3000二、主动公开", "（一）情况", "\xa0(二)情况", "１．工作", "٣. 工作", "⑤ 内容",
               " 1、主动公开", "十一.其他", "一是加强", "　", "", "x 1.", "第一、", "【一】"]
    passed = matched = 0
    for line in crafted + list(_fixture_lines()):
        first = line.lstrip()[:1]
        if "\t" not in line and first not in _MARKER_FIRST and not first.isdecimal():
            passed += 1
            norm = halfwidth(line)
            assert not any(regex.match(norm) for regex in (_L1_RE, _L2_RE, _L3_RE, _L4_RE)), line
        matched += match_heading(line) is not None
    assert passed > 500 and matched > 100
