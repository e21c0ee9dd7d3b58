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
    """``match_heading`` tries only the pattern its first non-space character opens (none for
    most lines): on every line (of the fixtures, real pages and crafted ones: full-width and
    Arabic-Indic digits, an ideographic space or a no-break space first) no other of the four
    patterns matches its half-width form."""
    from harvester.parsing.sections import _L1_RE, _L2_RE, _L3_RE, _L4_RE, _PATTERN_BY_FIRST, match_heading

    crafted = ["一、概述", "\u3000\u3000二、主动公开", "（一）情况", "\xa0(二)情况", "１．工作", "٣. 工作", "⑤ 内容",
               " 1、主动公开", "十一.其他", "一是加强", "　", "", "x 1.", "第一、", "【一】"]
    passed = matched = 0
    for line in crafted + list(_fixture_lines()):
        first = line.lstrip()[:1]
        tried = _PATTERN_BY_FIRST.get(first, (3, _L3_RE) if first.isdecimal() else (None, None))[1]
        passed += tried is None
        norm = halfwidth(line)
        assert not any(regex.match(norm) for regex in (_L1_RE, _L2_RE, _L3_RE, _L4_RE) if regex is not tried), line
        matched += match_heading(line) is not None
    assert passed > 500 and matched > 100


def _flattened_stats_line_by_line(lines: list[str]) -> list:
    """``flattened_stats`` as a walk over every line: the last label line before a number line."""
    from harvester.parsing.stats_text import LabelledStats
    from harvester.parsing.textutil import parse_number

    acc = LabelledStats()
    previous_label = None
    for i, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        if parse_number(text) is not None:
            if previous_label is not None:
                acc.add(previous_label[1], text, previous_label[0])
            previous_label = None
        elif "\t" not in text and len(text) <= 80 and not text.endswith("。"):
            previous_label = (i, text)
        else:
            previous_label = None
    return list(acc.found.values())


FLATTENED = ["主动公开政府信息数", "1,234", "", "  ", "网站公开", "\u3000５６７条", "2020年，我局收到申请", "12件",
             "受理申请数", "3", "4", "规范性文件\t件", "5", "其中：政策解读", "－6", "\xa0", "公报公开。", "7",
             "收费金额（单位：元）", " +8.5 ", "0\t0\t0", "减免", "9 000", "新闻发布会", "１０场", "第二十条"]


def test_flattened_stats_visits_the_number_lines_as_a_walk_over_every_line():
    """``flattened_stats`` visits only the lines that start like a number: on crafted lines
    (blank lines between, full-width digits and signs, tabs, a number after a number) and on
    every fixture and real page it finds what a walk over every line finds, in order."""
    from harvester.parsing.stats_text import flattened_stats

    pages = [FLATTENED, FLATTENED[1:], ["", "3"], ["5"], [], list(_fixture_lines())]
    for lines in pages + [FLATTENED[:k] for k in range(len(FLATTENED))]:
        assert flattened_stats(lines) == _flattened_stats_line_by_line(lines)
    assert len(flattened_stats(FLATTENED)) >= 6


def test_texts_that_do_not_end_like_a_number_are_no_number():
    """``parse_number`` squashes only a text ending (before spaces) with a decimal or a unit's
    last character: any other text, squashed, is no number of ``_CELL_NUMBER_RE``."""
    from harvester.parsing.textutil import ends_like_number, parse_squashed_number, squash

    texts = list(_fixture_lines()) + FLATTENED + ["12万元", "3人次", "45％", "６７", "8项 ", "9\u3000", "1.5亿元", "10%\t",
                                                  "2020年", "3件。", "4）", "5-"]
    passed = 0
    for text in texts:
        if not ends_like_number(text):
            passed += 1
            assert parse_squashed_number(squash(text)) is None, text
    assert passed > 500 and all(ends_like_number(t) for t in ["12万元", "3人次", "45％", "６７", "8项 ", "9\u3000"])


def test_lines_none_happened_passes_over_hold_no_match_of_its_families():
    """``none_happened`` tries a family's patterns only on a line holding the literals they
    need: on every fixture and real page line and on crafted ones, a line it passes over holds
    no match of that family."""
    from harvester.parsing.stats_text import _NONE_FEES_RES, _NONE_KEYS, _NONE_RE, _NONE_REQUEST_RES

    crafted = ["本年度未收到政府信息公开申请。", "没有接到申请", "无依申请公开事项", "本机关不收费。", "收费金额为0元",
               "未向申请人收取任何费用", "未发生行政复议、行政诉讼和申诉", "不曾引起行政诉讼", "无减免", "申请3件"]
    skipped = {"requests": 0, "fees": 0, "appeals": 0}
    for line in crafted + list(_fixture_lines()):
        norm = halfwidth(line)
        negated = "未" in norm or "没有" in norm or "无" in norm
        if not (negated and "申请" in norm):
            skipped["requests"] += 1
            assert not any(regex.search(norm) for regex in _NONE_REQUEST_RES), line
        if not ("收取" in norm or "收费" in norm):
            skipped["fees"] += 1
            assert not any(regex.search(norm) for regex in _NONE_FEES_RES), line
        if not (negated or "不曾" in norm) or not ("复议" in norm or "诉讼" in norm or "申诉" in norm):
            skipped["appeals"] += 1
            assert not any(word in m["clause"] for m in _NONE_RE.finditer(norm) for _key, word in _NONE_KEYS), line
    assert min(skipped.values()) > 500


def test_labels_without_an_approximation_mark_are_not_approximate():
    """``is_approximate_label`` searches only a label holding 余, 多, 约, 近, 逾 or 左右: any
    other label (of the fixtures' and real pages' lines, and crafted ones) the pattern does
    not match either."""
    from harvester.parsing.stats_text import _APPROX_LABEL_RE, is_approximate_label

    crafted = ["3000余条", "200多件", "约300条", "近百条", "逾50件", "50条左右", "１２余件", "十多件", "主动公开政府信息1853条",
               "收到申请12件", "约", ""]
    passed = 0
    for label in crafted + list(_fixture_lines()):
        expected = _APPROX_LABEL_RE.search(halfwidth(label)) is not None
        assert is_approximate_label(label) == expected, label
        passed += not expected
    assert passed > 500 and all(is_approximate_label(label) for label in crafted[:8])
