"""Statistics from running text and from statistics tables flattened to label/value lines.

Keys are the era-independent vocabulary of docs/design.md ("Statistics vocabulary"). Prose patterns
are tried in priority order per key; a number only counts when a unit follows it directly
(``办结率达100%`` never becomes a statistic). Numbers are read as reports print them: ``3256``,
``1,234`` (thousands separators), ``1.2万`` (x 10,000), Chinese numerals (``十二件``), and
approximations (``3000余条``, ``200多条``, ``约300条``, ``近百条``) whose value is kept with
``Found.approximate`` set (the parse checks turn it into a warning naming the key). "None
happened" wording gives 0, and only for the keys the clause names explicitly.

Every pattern runs in time linear in the text: numbers have a bounded length and must start at a
digit-run boundary, gaps between a keyword and its number are bounded and never cross a clause or
line end, and clause look-arounds use a bounded window (a page of 40,000 digits or of one keyword
repeated parses as fast as any other page of its size).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Collection, Iterable, Iterator

from .textutil import CN_NUMERAL_CHARS, cn_number, halfwidth, parse_number, squash

# Gaps between a keyword and its number: no sentence/clause/line end and no digit in between.
_GAP_CHARS = r"[^。;,!?\d\n]"


def _gap(n: int) -> str:
    return rf"{_GAP_CHARS}{{0,{n}}}?"


# A number as printed: 3256 / 1,234 / 12.5 / 1.2万 / 十二 / 一万二千, then 余/多 (approximate).
# The Arabic form starts at a digit-run boundary and has a bounded length: without both, a run
# of 20,000 digits costs a quadratic scan.
_ARABIC = r"(?<![\d.])(?P<n>\d{1,3}(?:,\d{3}){1,4}(?!\d)|\d{1,12}(?![\d,]\d))(?:\.(?P<f>\d{1,4}))?"
_CHINESE = rf"(?<![{CN_NUMERAL_CHARS}])(?P<c>[{CN_NUMERAL_CHARS}]{{1,8}}?)"
_NUM = rf"(?:{_ARABIC}|{_CHINESE})(?P<w>万)?(?P<a>余|多)?"
# Money keeps 万元 as its unit (减免费用1.5万元 is 1.5 万元, as printed).
_MONEY_NUM = rf"(?:{_ARABIC}|{_CHINESE})(?P<w>)(?P<a>余|多)?"
_SP = r" {0,2}"  # a space a page break or Word left between number and unit

_ABOUT = r"(?P<z>左右)?"  # 3000条左右: kept in the match, so the label shows it
INFO_UNIT = rf"{_SP}(?P<u>条|件|项|份|篇|个){_ABOUT}"
REQ_UNIT = rf"{_SP}(?P<u>件|条|宗|起|份|个|人次|次){_ABOUT}"
CASE_UNIT = rf"{_SP}(?P<u>件|起|宗|次|个|例|条){_ABOUT}"
MEETING_UNIT = rf"{_SP}(?P<u>场|次|期|个){_ABOUT}"
MONEY_UNIT = rf"{_SP}(?P<u>万元|元){_ABOUT}"

# Words in the gap that make the number another subject's: a change (增加300条), a share, a rate,
# a per-unit figure, another year's value.
_GAP_REJECT = re.compile(r"增加|增长|减少|下降|提高|上升|同比|比上年|较上年|较去年|比去年|上年|去年|占|平均|每|率|以上|以下|不足|超过|以内")
# Chinese numerals in these places are not counts (其中一件, 每一条, 第三次, 统一, 同一).
_CN_BEFORE_REJECT = re.compile(r"(?:其中|每|第|之|统|同|任何|任|某|逐|单|唯|万|初|周|星期)$")
_CN_AFTER_REJECT = re.compile(r"^(?:件事|次性|条龙|站式|线|把手|批|并|体|些|般|直|起|切)")
_APPROX_BEFORE = re.compile(r"(?:约|近|逾|大约)$")
# The same three marks in a statistic's label (the matched text): 3000余条, 约300条, 十多件, 50条左右.
_APPROX_LABEL_RE = re.compile(
    rf"[\d{CN_NUMERAL_CHARS}]万?(?:余|多)(?:条|件|项|份|篇|个|宗|起|次|场|期|元)|(?:约|近|逾)[\d{CN_NUMERAL_CHARS}]|左右$")


@dataclass(frozen=True)
class ProsePattern:
    key: str
    regex: re.Pattern
    #: The clause around the match must contain this (a compiled regex, e.g. 申请 for 办结).
    clause_needs: re.Pattern | None = None
    #: The matched text must not contain this (a compiled regex).
    reject: re.Pattern | None = None
    #: Literals every match contains: for each tuple, one of its strings (derived from ``regex``).
    #: A text lacking one cannot match, and is not scanned (a pattern led by a number or a
    #: look-behind tries every position of the text).
    needs: tuple[tuple[str, ...], ...] = ()
    #: ``regex`` opens with characters ``re`` skips to in C (see ``opens_with_literal``): a scan
    #: of the whole text costs less than finding its candidate lines first (``_matches``).
    scans_whole: bool = False
    #: ``regex`` opens with a number (``_NUMBER_FIRST``): tried only where a number starts
    #: (``_number_led_matches``).
    number_led: bool = False
    #: ``regex`` opens with a group of alternatives each led by a literal (``opening_branches``):
    #: (that literal, the alternative and the rest of the pattern) for each, searched apart
    #: (``_branch_matches``).
    branches: tuple[tuple[str, re.Pattern], ...] = ()


#: Leading negative look-behinds of plain CJK literals, then a literal or a group of literal
#: alternatives: ``(?<!累计)(?<!应)主动公开`` or ``(?<!部分)(?<!不)(?:同意公开|予以公开)``.
_LEADING_LOOKBEHINDS_RE = re.compile(
    r"((?:\(\?<![\u4e00-\u9fff]+\))+)(?:([\u4e00-\u9fff]+)|\(\?:([\u4e00-\u9fff]+(?:\|[\u4e00-\u9fff]+)*)\))")


def literal_first(pattern: str) -> str:
    """``pattern`` with its leading look-behinds moved after the literal they guard:
    ``(?<!累计)主动公开`` -> ``主动公开(?<!累计主动公开)`` (each alternative of a literal group
    guarded alike). The same matches: right after literal L, "not preceded by X" at L's start is
    "not preceded by XL". But a pattern that starts with a literal lets ``re`` skip to it in C,
    where a leading look-behind is tried at every position."""
    m = _LEADING_LOOKBEHINDS_RE.match(pattern)
    if not m:
        return pattern
    behind = re.findall(r"\(\?<!([\u4e00-\u9fff]+)\)", m.group(1))

    def guarded(literal: str) -> str:
        return literal + "".join(f"(?<!{b}{literal})" for b in behind)

    if m.group(2):
        head = guarded(m.group(2))
    else:
        head = "(?:" + "|".join(guarded(alt) for alt in m.group(3).split("|")) + ")"
    return head + pattern[m.end():]


def _p(key: str, pattern: str, clause_needs: str | None = None, reject: str | None = None) -> ProsePattern:
    regex = re.compile(literal_first(pattern))
    return ProsePattern(key, regex, re.compile(clause_needs) if clause_needs else None,
                        re.compile(reject) if reject else None, required_literals(regex),
                        opens_with_literal(regex), regex.pattern.startswith(_NUMBER_FIRST), opening_branches(regex))


#: The literal an alternative of ``opening_branches`` opens with.
_LEADING_CJK_RE = re.compile(r"[\u4e00-\u9fff]+")


def opening_branches(regex: re.Pattern) -> tuple[tuple[str, re.Pattern], ...]:
    """For a pattern that opens with a group of alternatives each led by a CJK literal, as ``re``
    reads it (``(?:收到|受理|接到)…``, not ``(?:收取|收费)``, read as 收 first): (the literal, the
    alternative followed by the rest of the pattern) for each, in order. ``re`` scans for such a
    pattern testing every character against the set of the first characters (~25 instructions
    each); each alternative alone opens with a literal, which it skips to in a few. Empty for
    any other pattern."""
    from re import _constants as c, _parser  # type: ignore[attr-defined]

    items = _parser.parse(regex.pattern, regex.flags)
    while len(items) and items[0][0] is c.SUBPATTERN:
        items = items[0][1][3]
    pattern = regex.pattern
    if not len(items) or items[0][0] is not c.BRANCH or not pattern.startswith("(?:"):
        return ()
    cuts, depth, in_class, i = [2], 0, False, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                break
        elif char == "|" and depth == 1:
            cuts.append(i)
        i += 1
    rest = pattern[i + 1:]
    if depth or len(cuts) < 2 or rest[:1] in ("?", "*", "+", "{"):
        return ()
    alternatives = [pattern[a + 1:b] for a, b in zip(cuts, cuts[1:] + [i])]
    leads = [_LEADING_CJK_RE.match(alternative) for alternative in alternatives]
    if not all(leads):
        return ()
    return tuple((lead[0], re.compile(alternative + rest, regex.flags)) for lead, alternative in zip(leads, alternatives))


def opens_with_literal(regex: re.Pattern) -> bool:
    """Whether ``re`` can skip to where a match of ``regex`` may start: the pattern opens (inside
    its groups) with a literal, a character set, or alternatives that each open with a literal,
    as ``re`` reads a pattern's prefix. Otherwise (a number, a look-behind first) every position
    is tried."""
    from re import _constants as c, _parser  # type: ignore[attr-defined]

    items = _parser.parse(regex.pattern, regex.flags)
    while len(items):
        op, arg = items[0]
        if op is c.SUBPATTERN:
            items = arg[3]
            continue
        if op is c.LITERAL or op is c.IN:
            return True
        if op is c.BRANCH:
            return all(len(alternative) and alternative[0][0] is c.LITERAL for alternative in arg[1])
        return False
    return False


def required_literals(regex: re.Pattern) -> tuple[tuple[str, ...], ...]:
    """Literals any match of ``regex`` contains: a tuple of alternatives (one of them occurs) for
    each literal run the pattern cannot skip, read from the parsed pattern (a branch gives the
    union of one requirement of each of its alternatives). Empty when case is ignored."""
    if regex.flags & re.IGNORECASE:
        return ()
    from re import _constants as c, _parser  # type: ignore[attr-defined]

    def needs(items: Any) -> list[tuple[str, ...]]:
        out: list[tuple[str, ...]] = []
        run = ""
        for op, arg in items:
            if op is c.LITERAL:
                run += chr(arg)
                continue
            if run:
                out.append((run,))
                run = ""
            if op is c.SUBPATTERN and not arg[1] & re.IGNORECASE:
                out += needs(arg[3])
            elif op is c.BRANCH:
                picks = []
                for alternative in arg[1]:
                    options = needs(alternative)
                    if not options:
                        break
                    picks.append(max(options, key=lambda o: min(map(len, o))))
                else:
                    out.append(tuple(dict.fromkeys(x for pick in picks for x in pick)))
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and arg[0] >= 1:
                out += needs(arg[2])
        if run:
            out.append((run,))
        return out

    return tuple(needs(_parser.parse(regex.pattern, regex.flags)))


def _branch_matches(branches: tuple[tuple[str, re.Pattern], ...], text: str,
                    present: dict[str, bool]) -> Iterator[re.Match]:
    """``regex.finditer(text)`` of a pattern with ``opening_branches``: each alternative whose
    literal ``text`` holds searched apart, the earliest match first (at the same start, the
    earlier alternative: the one ``re`` tries first). Exact: where the pattern matches, its match
    is that of its first alternative matching there; a search's match that starts at or after
    the end of the one taken is the alternative's next one still."""
    live = []
    for literal, regex in branches:
        found = present.get(literal)
        if found is None:
            found = present[literal] = literal in text
        if found:
            live.append(regex)
    if len(live) == 1:
        yield from live[0].finditer(text)
        return
    nexts = [regex.search(text) for regex in live]
    while True:
        best = None
        for m in nexts:
            if m is not None and (best is None or m.start() < best.start()):
                best = m
        if best is None:
            return
        yield best
        end = best.end()
        for j, m in enumerate(nexts):
            if m is not None and m.start() < end:
                nexts[j] = live[j].search(text, end)


def _has_needs(needs: tuple[tuple[str, ...], ...], text: str, present: dict[str, bool] | None = None) -> bool:
    """Whether ``text`` holds one literal of every tuple of ``needs``. ``present``: literals
    already looked up in this text (the patterns share many: 件, 申请, 公开...)."""
    if present is None:
        return all(any(literal in text for literal in options) for options in needs)
    for options in needs:
        for literal in options:
            found = present.get(literal)
            if found is None:
                found = present[literal] = literal in text
            if found:
                break
        else:
            return False
    return True


def _lines_holding(literals: Iterable[str], joined: str, starts: list[int]) -> list[int]:
    """The lines (indices into ``starts``, the offsets of the lines joined by newlines) that hold
    one of ``literals``, in order: each literal found in C, once per line."""
    lines = set()
    for literal in literals:
        at = joined.find(literal)
        while at >= 0:
            line = bisect_right(starts, at) - 1
            lines.add(line)
            # the rest of that line holds no other candidate line: go on from the next one
            at = joined.find(literal, starts[line + 1]) if line + 1 < len(starts) else -1
    return sorted(lines)


def _matches(pattern: ProsePattern, joined: str, starts: list[int]) -> Iterator[re.Match]:
    """``pattern.regex.finditer(joined)``, scanning only the lines that hold one of the pattern's
    rarest required literals. Exact: no pattern matches a newline, so every match lies within one
    line; a line is scanned with its newline (look-aheads see it) and look-behinds see the text
    before it."""
    if not pattern.needs:
        yield from pattern.regex.finditer(joined)
        return
    anchor = max(pattern.needs, key=lambda options: min(map(len, options)))
    for line in _lines_holding(anchor, joined, starts):
        end = starts[line + 1] if line + 1 < len(starts) else len(joined)
        if pattern.number_led:
            yield from _number_led_matches(pattern.regex, joined, starts[line], end)
        else:
            yield from pattern.regex.finditer(joined, starts[line], end)


#: How a number-led pattern opens (``_NUM``, ``_MONEY_NUM``): a match starts where a number can.
_NUMBER_FIRST = f"(?:{_ARABIC}|{_CHINESE})"
#: Where a number of ``_ARABIC`` or ``_CHINESE`` can start (their own look-behinds: a digit not
#: after a digit or '.', a numeral not after a numeral), led by a class ``re`` skips through in C.
_NUMBER_START_RE = re.compile(
    rf"[\d{CN_NUMERAL_CHARS}](?:(?<=\d)(?<![\d.]\d)|(?<=[{CN_NUMERAL_CHARS}])(?<![{CN_NUMERAL_CHARS}][{CN_NUMERAL_CHARS}]))")


def _number_led_matches(regex: re.Pattern, text: str, pos: int, endpos: int) -> Iterator[re.Match]:
    """``regex.finditer(text, pos, endpos)`` for a pattern opening with ``_NUMBER_FIRST``: tried
    only where a number starts. Exact: no match starts elsewhere, and taking the first match at
    those places in order, each after the one before ends, is what finditer does. A pattern led
    by look-behinds is tried at every character (~75 ns each on a CJK line)."""
    after = pos
    match = regex.match
    for start in _NUMBER_START_RE.finditer(text, pos, endpos):
        at = start.start()
        if at < after:
            continue
        m = match(text, at, endpos)
        if m is not None:
            yield m
            after = m.end()


G4, G6, G8, G10, G12 = _gap(4), _gap(6), _gap(8), _gap(10), _gap(12)
N = _NUM
# 共/共计/合计/达/为 between a label and its number.
_LINK = r"(?:数|数量|总数|总量|条数|件数)?(?:共|共计|合计|总计|累计)?(?:达到|达|为|是)?:?"

# Ordered: for each key the first pattern that matches anywhere wins, then document order.
PROSE_PATTERNS: list[ProsePattern] = [
    _p("proactive.cumulative", rf"累计(?:主动)?公开{G10}(?:信息|文件|事项){_LINK}{G4}{N}{INFO_UNIT}"),
    _p("proactive.cumulative", rf"累计(?:主动)?公开(?:的)?(?:政府|政务)?信息{G6}{N}{INFO_UNIT}"),
    # 主动公开政府信息1853条 / 全区共主动公开各类政府信息3256条 / 主动公开信息共计42条
    _p("proactive.total", rf"(?<!累计)(?<!应)主动公开(?:了)?{G10}(?:信息|事项){_LINK}{G4}{N}{INFO_UNIT}",
       reject=r"(?<!各)类信息|规范性文件|解读|依申请|累计|历年|以来|网站|公报|微博|微信"),
    _p("proactive.total", rf"(?<!累计)主动公开(?:了)?{G4}{N}{INFO_UNIT}(?:各类|政府|政务)*信息"),
    # 全年共公布政府信息2602条 / 全年公开政务信息56条: a yearly total without 主动 (lowest priority)
    _p("proactive.total", rf"(?<!依申请)(?<!累计)(?<!主动)(?:公开|公布|发布)(?:了)?(?:各类)?(?:政府|政务)信息{_LINK}{G4}{N}{INFO_UNIT}",
       reject=r"网站|微博|微信|公报|依申请|累计|历年|以来"),
    # 本年度制发的规范性文件88件 (not 废止/修改/清理 ones, nor the 现行有效 stock)
    _p("proactive.normative_documents",
       rf"(?<!废止)(?<!修改)(?<!清理)(?<!有效)(?<!现行)(?<!废止行政)(?<!有效行政)规范性文件(?!类){_LINK}{G4}{N}{_SP}(?P<u>条|件|份|个|篇){_ABOUT}"),
    # 通过政府门户网站共发布信息2345条 / 政府网站公开政府信息数94802条
    # 通过政府门户网站共发布信息2345条: after the verb only a generic object (发布政策文件64件 or
    # 发布财政信息1,643条 count one kind of information, not the channel's total).
    _p("proactive.via.website", rf"(?:网站|门户网|公众信息网|信息公开网(?!站)|政务网|政府网){G8}(?:主动)?(?:公开|发布|公布|更新)"
                                rf"(?:了)?(?:各类|各种)?(?:政府|政务)?(?:信息|内容)?{_LINK}{N}{INFO_UNIT}",
       reject=r"累计|微博|微信|公报|等|(?:和|及|与|、)(?:政务)?(?:微博|微信|新媒体|报刊|报纸|电视|广播|公开栏|客户端|平台)"),
    _p("proactive.via.gazette", rf"公报{G6}(?:公开|发布|刊登|刊发|刊载){G8}{N}{INFO_UNIT}"),
    _p("proactive.via.weibo", rf"微博{G6}(?:公开|发布|推送){G8}{N}{INFO_UNIT}", reject=r"微信|等"),
    _p("proactive.via.wechat", rf"(?<!微博)微信(?:公众号|公众平台)?{G6}(?:公开|发布|推送){G8}{N}{INFO_UNIT}", reject=r"等"),
    _p("proactive.via.other", rf"其[他它](?:方式|途径|渠道|形式){G4}(?:公开|发布){G8}{N}{INFO_UNIT}"),
    _p("proactive.policy_interpretations",
       rf"(?:政策(?:文件|性文件)?解读|解读稿件|解读文章|解读材料)(?:稿件|材料|文章|信息|文件)?{_LINK}{G4}{N}{_SP}(?P<u>篇|条|件|份|期|个|次){_ABOUT}"),
    _p("press_conferences", rf"新闻发布会{G6}{N}{MEETING_UNIT}"),
    _p("press_conferences", rf"{N}{MEETING_UNIT}(?:[^。;,!?\d\n]{{0,6}}?)新闻发布会"),
    # 共收到有关政府信息公开的申请7条 / 受理政府信息公开申请十二件 / 接到依申请公开政府信息22起
    _p("requests.received", rf"(?:收到|受理|接到|接收|处理)[^。;,!?\d\n]{{0,25}}?申请{G12}{N}{REQ_UNIT}",
       reject=r"复议|诉讼|申诉|办结|咨询|建议|提案|信访"),
    _p("requests.received", rf"(?:依申请公开|信息公开)申请{_LINK}{G4}{N}{REQ_UNIT}", reject=r"复议|诉讼"),
    # 我局收到12起政府信息依申请公开
    _p("requests.received", rf"(?:收到|受理|接到)(?:了)?{N}{REQ_UNIT}(?:政府)?信息(?:公开)?(?:依申请公开|申请)"),
    # 共办理依申请公开事项8件
    _p("requests.received", rf"办理(?:政府信息)?依申请公开(?:政府信息)?(?:事项|申请|件)?{_LINK}{G4}{N}{REQ_UNIT}"),
    # 已办结3件 (the sentence or the one before speaks of 申请, not of a hotline or deputies' proposals)
    _p("requests.completed", rf"办结{G6}{N}{REQ_UNIT}", clause_needs=r"^(?!.*(?:建议|提案|信箱|热线|信访|来信|来电)).*申请"),
    # 已答复23件 / 已答复的19件 / 按期答复11,047件: an answered request is a completed one (the
    # 2008-2018 template counts 对申请的答复总数); the number right after the verb (已全部按期答复：同意公开
    # 九件 counts an outcome); not 答复书2件 / 答复函 (documents), not a hotline's answers.
    _p("requests.completed", rf"(?:已|已经|均已|共|按时|按期|依法|及时)(?:予以)?答复(?:了|的)?(?:共|共计|合计)?{N}{REQ_UNIT}",
       clause_needs=r"^(?!.*(?:建议|提案|信箱|热线|信访|来信|来电|咨询)).*申请"),
    _p("requests.carried_over", rf"结转(?:下一?年度?|至下一?年度?|到下一?年度?){G8}{N}{REQ_UNIT}"),
    # 另有7件申请结转至下一年度继续办理
    _p("requests.carried_over", rf"{N}{REQ_UNIT}(?:申请)?(?:结转|转入)(?:至|到)?下一?年度?"),
    # 其余58件尚在办理中，结转至下一年度 (the clause break between the count and 结转)
    _p("requests.carried_over", rf"{N}{REQ_UNIT}(?:申请)?(?:尚在|正在|仍在)(?:办理|处理)(?:中|过程中)?,?(?:将|已|均)?(?:结转|转入)(?:至|到)?下一?年度?"),
    _p("requests.channel.online", rf"(?:网上|网络|在线|互联网)[^。;,!?\d\n]{{0,20}}?申请{_LINK}{G4}{N}{REQ_UNIT}"),
    _p("requests.channel.in_person", rf"(?:当面|现场)[^。;,!?\d\n]{{0,6}}?申请{_LINK}{G4}{N}{REQ_UNIT}"),
    _p("requests.channel.letter", rf"信函(?:方式|形式)?(?:提出|提交)?(?:的)?(?:申请)?{_LINK}{N}{REQ_UNIT}"),
    _p("requests.channel.letter", rf"(?:通过|以)信函[^。;,!?\d\n]{{0,6}}?申请{_LINK}{G4}{N}{REQ_UNIT}"),
    _p("requests.channel.other", rf"其[他它](?:形式|方式|途径)(?:提出的)?申请{_LINK}{G4}{N}{REQ_UNIT}"),
    # the count first: 其中6份是网络依申请公开 / 5件为网上申请 / 2件系当面提出 / 1件通过信函提交
    _p("requests.channel.online", rf"{N}{REQ_UNIT}(?:是|为|系|属于|通过)(?:网上|网络|在线|互联网)(?:平台)?(?:依申请公开|申请|提出|提交)"),
    _p("requests.channel.in_person", rf"{N}{REQ_UNIT}(?:是|为|系|属于)(?:当面|现场)(?:依申请公开|申请|提出|提交)"),
    _p("requests.channel.letter", rf"{N}{REQ_UNIT}(?:是|为|系|属于|通过)信函(?:方式|形式)?(?:依申请公开|申请|提出|提交)"),
    _p("requests.result.disclosed",
       rf"(?<!部分)(?<!不)(?<!不予)(?:同意公开|予以公开|全部公开|同意提供)(?:答复|的)?{_LINK}{G6}{N}{REQ_UNIT}"),
    # 共收到信息公开申请8件，依申请公开信息7件: the information given out on those requests (without
    # a request count in the clause, 依申请公开信息 is a class of information held, not an outcome).
    _p("requests.result.disclosed", rf"(?<!不予)依申请公开(?:的)?(?:政府)?信息{_LINK}{G4}{N}{REQ_UNIT}",
       clause_needs=r"(?:收到|受理|接到)[^。;!?\n]{0,20}申请"),
    _p("requests.result.partially_disclosed", rf"部分公开(?:答复)?{_LINK}{G6}{N}{REQ_UNIT}"),
    # 不予公开3件 (not 不予公开信息1658条: items kept back, which is no request outcome)
    _p("requests.result.not_disclosed",
       rf"(?:不予公开|否决公开|不公开)(?!(?:的)?(?:政府)?信息)(?:答复)?{_LINK}{G6}{N}{REQ_UNIT}"),
    _p("requests.result.not_exist", rf"信息不存在{G8}{N}{REQ_UNIT}"),
    _p("requests.result.not_our_agency", rf"(?:非本|不属于本)(?:机关|部门|单位|行政机关){G8}{N}{REQ_UNIT}"),
    # the count first: 另有1件所申请的内容不属于本机关掌握的信息 / 2件属于非本机关政府信息 / 1件系非本单位职责
    _p("requests.result.not_our_agency",
       rf"{N}{REQ_UNIT}(?:申请)?{_gap(10)}(?:不属于本|属于非本|为非本|系非本|是非本)(?:机关|部门|单位|行政机关|局)"),
    _p("reconsideration.received", rf"行政复议{G6}{N}{CASE_UNIT}"),
    _p("litigation.received", rf"行政诉讼{G6}{N}{CASE_UNIT}"),
    _p("complaints.received", rf"申诉{G6}{N}{CASE_UNIT}"),
    # 发生1起因政府信息公开引起的行政复议 (the number first; never 3件均未引起…)
    _p("reconsideration.received", rf"{N}{CASE_UNIT}(?:因|由)?[^。;,!?\d\n未没无]{{0,12}}?行政复议"),
    _p("litigation.received", rf"{N}{CASE_UNIT}(?:因|由)?[^。;,!?\d\n未没无]{{0,12}}?行政诉讼"),
    _p("fees.collected", rf"(?:收取|收费)(?:费用|金额)?{_gap(14)}{_MONEY_NUM}{MONEY_UNIT}", reject="减免"),
    _p("fees.waived", rf"减免(?:费用|金额)?{_gap(14)}{_MONEY_NUM}{MONEY_UNIT}"),
]

_CLAUSE_END = "。!?\n"
_CLAUSE_WINDOW = 200  # characters looked at on each side of a match for its clause

# "None happened": a negated verb, then the clause it governs (bounded: a long line of the same
# words must not cost a scan to the clause end from every one of them).
_NONE_RE = re.compile(r"(?:未|没有|无|不曾)(?:发生|收到|接到|受理|出现|产生|涉及|因|有|被|提起|引起|引发)(?:过)?(?P<clause>[^。;,!?\n]{0,60})")
_NONE_REQUEST_RES = (
    # 未收到政府信息公开申请 / 没有接到群众主动要求公开政府信息的申请
    re.compile(r"(?:未|没有)(?:收到|接到|受理)(?:过)?(?:任何)?(?P<gap>[^。;,!?\d\n]{0,30}?)申请(?!行政复议|复议)"),
    # 没有依申请公开政府信息办理事项 / 本年度没有申请公开政府信息的情况 / 无依申请公开事项
    re.compile(r"(?:未|没有|无)(?:发生)?(?P<gap>)(?:依申请公开|申请公开政府信息|政府信息公开申请)"),
)
# 未收取政府信息公开检索、复制、邮寄等费用 / 未向申请人收取费用 / 政府信息公开没有收费: the fee
# may be named after a list of services, but never across a clause boundary.
_NONE_FEES_RES = (
    re.compile(r"(?:未|没有|不|无)[^。;,!?\d\n]{0,16}?收取(?:任何)?[^。;,!?\d\n]{0,20}?费"),
    re.compile(r"(?:未|没有|无)(?:任何)?[^。;,!?\d\n]{0,10}?收费(?!标准|依据)"),
    re.compile(r"收费(?:金额)?(?:为|是)0(?![\d.])"),
)
# 也无减免情况 / 亦无减免 / 不存在减免情况 / 没有发生…收费及减免的情况 / 未发生减免: no waiver (the
# negation governs 减免 within its clause; 减免费用1.5万元 is read by the number pattern first).
_NONE_WAIVER_RE = re.compile(r"(?:未|没有|无|不存在|不涉及)(?:发生|产生|出现|任何)?[^。;,!?\d\n]{0,12}?减免(?!\s*[\d.])")
_NONE_KEYS = (("reconsideration.received", "复议"), ("litigation.received", "诉讼"), ("complaints.received", "申诉"))
_APPEAL_WORDS = re.compile(r"复议|诉讼|申诉|投诉|举报")


@dataclass
class Found:
    key: str
    value: int | float
    unit: str | None
    label: str
    line_index: int
    #: Printed as an approximation (3000余条, 200多条, 约300条): the value is the number printed.
    approximate: bool = False


def _clause(norm: str, start: int, end: int) -> str:
    """The sentence around norm[start:end] and the one before it (已办结N件 often follows the
    sentence that counts the requests), within a bounded window."""
    lo = max(0, start - _CLAUSE_WINDOW)
    hi = min(len(norm), end + _CLAUSE_WINDOW)
    left = max(norm.rfind(c, lo, start) for c in _CLAUSE_END)
    if left > lo and norm[left] != "\n":
        left = max(norm.rfind(c, lo, left) for c in _CLAUSE_END)
    rights = [i for i in (norm.find(c, end, hi) for c in _CLAUSE_END) if i >= 0]
    return norm[max(left + 1, lo): min(rights) if rights else hi]


def _value(m: re.Match) -> int | float | None:
    """The number a pattern matched, or None where it is no count (其中一件, 统一)."""
    if m["n"] is not None:
        raw = m["n"].replace(",", "")
        value: int | float = float(f"{raw}.{m['f']}") if m["f"] else int(raw)
    else:
        counted = cn_number(m["c"])
        if counted is None:
            return None
        value = counted
    if m["w"]:
        value = value * 10000
        if isinstance(value, float) and value.is_integer():
            value = int(value)
    return value


def _acceptable(pattern: ProsePattern, text: str, m: re.Match) -> bool:
    if pattern.reject and pattern.reject.search(m.group(0)):
        return False
    num_start = m.start("n") if m["n"] is not None else m.start("c")
    # The gap between the keyword and the number: the text of the match before the number,
    # after the pattern's first two characters (its keyword).
    if num_start > m.start() and _GAP_REJECT.search(text[m.start() + 2: num_start]):
        return False
    if m["c"] is not None:
        before = text[max(0, num_start - 2): num_start]
        after = text[m.end("c"): m.end("c") + 4]
        if _CN_BEFORE_REJECT.search(before) or _CN_AFTER_REJECT.match(text[m.end("c"):m.end("c") + 3]) \
                or _CN_AFTER_REJECT.match(after[1:]):
            return False
    if pattern.clause_needs and not pattern.clause_needs.search(_clause(text, m.start(), m.end())):
        return False
    return True


def _approximate(text: str, m: re.Match) -> bool:
    if m["a"]:
        return True
    num_start = m.start("n") if m["n"] is not None else m.start("c")
    if _APPROX_BEFORE.search(text[max(0, num_start - 2): num_start]):
        return True
    return bool(m["z"])


def is_approximate_label(label: str) -> bool:
    """Whether a prose statistic's label (its matched text) prints the value as an approximation.
    Each mark holds one of these CJK characters (which halfwidth leaves as they are): most labels
    hold none and are not made half-width nor searched."""
    if not ("余" in label or "多" in label or "约" in label or "近" in label or "逾" in label or "左右" in label):
        return False
    return bool(_APPROX_LABEL_RE.search(halfwidth(label)))


def prose_stats(lines: list[str], known: Collection[str] = ()) -> list[Found]:
    """Statistics named in running text, first match per key (pattern priority, then order).

    ``known``: keys the caller has from a better source (the tables), whose prose value it would
    drop: their patterns are not tried (but for ``requests.received``, which the sentences after
    it read)."""
    # Table rows are read from the table, cell by cell: only the other lines count here (a row
    # keeps its tabs half-width and is left as it is). They are searched joined by newlines (one
    # scan per pattern); no gap crosses a newline, so every match lies within one line, found
    # again by its offset. The lines (which hold no newline) are made half-width joined, in one
    # pass: halfwidth maps no character to or from a newline or a tab.
    prose = [i for i, line in enumerate(lines) if "\t" not in line]
    joined = halfwidth("\n".join([lines[i] for i in prose]))
    norms = list(lines)  # each line half-width (a table row left as it is)
    starts = []  # offset of each prose line in ``joined``
    offset = 0
    for i, norm in zip(prose, joined.split("\n")):
        norms[i] = norm
        starts.append(offset)
        offset += len(norm) + 1
    found: dict[str, Found] = {}
    present: dict[str, bool] = {}
    skip = set(known)
    skip.discard("requests.received")
    for pattern in PROSE_PATTERNS:
        if pattern.key in found or pattern.key in skip or not _has_needs(pattern.needs, joined, present):
            continue
        if pattern.branches:
            matches = _branch_matches(pattern.branches, joined, present)
        elif pattern.scans_whole:
            matches = pattern.regex.finditer(joined)
        else:
            matches = _matches(pattern, joined, starts)
        for m in matches:
            if not _acceptable(pattern, joined, m):
                continue
            value = _value(m)
            if value is None:
                continue
            pos = bisect_right(starts, m.start()) - 1
            i, line_start = prose[pos], starts[pos]
            label = lines[i][m.start() - line_start: m.end() - line_start].strip()
            found[pattern.key] = Found(pattern.key, value, m["u"], label, i, _approximate(joined, m))
            break
    for f in none_happened(norms, lines, [prose[pos] for pos in _lines_holding(_NONE_TRIGGERS, joined, starts)]):
        found.setdefault(f.key, f)
    for f in all_of_received(norms, lines, found.get("requests.received")):
        found.setdefault(f.key, f)
    return list(found.values())


# 收到申请12件，均为网上申请 / 共3件，均为当面提出，均已办结: what the sentence says of every request
# it counts (its channel, that all were completed) gives that key the whole count.
# the rest of the sentence up to those words: no number, nothing that narrows the subject (其中3件均已办结)
_REST_OF_SENTENCE = r"^(?:(?!其中|其余|另有|另)[^。;!?\n\d]){0,40}?"
_ALL_OF_RECEIVED = (
    (re.compile(_REST_OF_SENTENCE + r"(?:均为|均是|全部为|全部是|都是|均通过|全部通过)(?:网上|网络|在线|互联网)"), "requests.channel.online"),
    (re.compile(_REST_OF_SENTENCE + r"(?:均为|均是|全部为|全部是|都是)(?:当面|现场)"), "requests.channel.in_person"),
    (re.compile(_REST_OF_SENTENCE + r"(?:均为|均是|全部为|全部是|都是|均通过|全部通过|均以)信函"), "requests.channel.letter"),
    # 均已办结 / 已全部按期答复 / 均在规定时限内予以答复: every request answered is every one completed
    (re.compile(_REST_OF_SENTENCE + r"(?:均已|全部|已全部|均|都已|均在|全部在)"
                r"(?:(?:规定|法定)(?:时限|期限)内|按时|按期|依法|如期|及时)?(?:予以|作出|做出|进行)?(?:办结|答复)(?!书|函)"),
     "requests.completed"),
)


def all_of_received(norms: list[str], lines: list[str], received: Found | None) -> list[Found]:
    """Keys that take the whole received count from the rest of its sentence (均为网上申请,
    均已办结). Only an exact count: 30余件，均已办结 says nothing exact about the channel."""
    if received is None or received.approximate or not received.value or received.line_index < 0:
        return []
    norm = norms[received.line_index]
    at = norm.find(halfwidth(received.label))
    if at < 0:
        return []
    rest = norm[at + len(received.label):]
    out = []
    for regex, key in _ALL_OF_RECEIVED:
        m = regex.search(rest)
        if m:
            label = received.label + lines[received.line_index][at + len(received.label): at + len(received.label) + m.end()]
            out.append(Found(key, received.value, received.unit, label, received.line_index))
    return out


#: A line holds one of these wherever a family of ``none_happened`` may match: a negation
#: (未, 没有, 无, 不曾) or a fee's word (收取, 收费, 减免).
_NONE_TRIGGERS = ("未", "没有", "无", "不曾", "收取", "收费", "减免")


def none_happened(norms: list[str], lines: list[str], rows: Iterable[int]) -> list[Found]:
    """0 for keys a "nothing happened" clause names explicitly (未收到政府信息公开申请 ...).
    ``rows``: the indices, in order, of the prose lines (no table row) holding one of
    ``_NONE_TRIGGERS``: the others hold no match (found in the lines joined, not line by line)."""
    out: dict[str, Found] = {}
    for i in rows:
        norm = norms[i]
        # Each family is looked for only where the literals its patterns need occur (cheap on
        # long lines): its object word, and the negation but for the fees' (不收费, 收费为0).
        negated = "未" in norm or "没有" in norm or "无" in norm
        if "requests.received" not in out and negated and "申请" in norm:
            for regex in _NONE_REQUEST_RES:
                m = next((m for m in regex.finditer(norm) if not _APPEAL_WORDS.search(m["gap"])), None)
                if m:
                    out["requests.received"] = Found("requests.received", 0, None, lines[i][m.start():m.end()], i)
                    break
        if "fees.collected" not in out and ("收取" in norm or "收费" in norm):
            for regex in _NONE_FEES_RES:
                m = regex.search(norm)
                if m and "减免" not in m.group(0):
                    out["fees.collected"] = Found("fees.collected", 0, None, lines[i][m.start():m.end()], i)
                    break
        if "fees.waived" not in out and "减免" in norm:
            m = _NONE_WAIVER_RE.search(norm)
            if m:
                out["fees.waived"] = Found("fees.waived", 0, None, lines[i][m.start():m.end()], i)
        if not (negated or "不曾" in norm) or not ("复议" in norm or "诉讼" in norm or "申诉" in norm):
            continue  # the words of _NONE_KEYS
        for m in _NONE_RE.finditer(norm):
            clause = m["clause"]
            if re.search(r"\d", clause):
                continue
            for key, word in _NONE_KEYS:
                if word in clause:
                    out.setdefault(key, Found(key, 0, None, lines[i][m.start():m.end()], i))
    return list(out.values())


# --- labelled statistics (flattened tables and non-standard HTML tables) ---------------------

_UNIT_IN_LABEL_RE = re.compile(r"[(（]\s*单位\s*[:：]\s*(?P<u>[^)）]+)[)）]")
# A note closing a label: 主动公开政府信息数(不同渠道和方式公开相同信息计1条), 部分公开（区分处理的…）
_LABEL_NOTE_RE = re.compile(r"[(（][^()（）]{1,40}[)）]$")
_LABEL_PREFIX_RE = re.compile(r"^(?:其中[:：]?|\d+[.、．]|[(（]\d+[)）]|[一二三四五六七八九十]+[、.])+")

LABEL_RULES: list[tuple[re.Pattern, str]] = [
    (re.compile(p), k)
    for p, k in [
        (r"复议", "reconsideration.received"),
        (r"诉讼|诉状", "litigation.received"),
        (r"申诉", "complaints.received"),
        (r"累计.*主动公开|主动公开.*累计", "proactive.cumulative"),
        # not 其中：主动公开规范性文件数 (a part of the total, read by the rule below)
        (r"^(?!.*(?:依申请|规范性文件)).*主动公开.*(?:数量|数|总数|条数)$|^(?!.*依申请).*主动公开(?:政府)?信息$", "proactive.total"),
        (r"规范性文件", "proactive.normative_documents"),
        (r"^(?:政府)?(?:门户)?网站公开", "proactive.via.website"),
        (r"^(?:政府)?公报公开", "proactive.via.gazette"),
        (r"新闻发布会", "press_conferences"),
        (r"政策解读", "proactive.policy_interpretations"),
        (r"减免", "fees.waived"),
        (r"收费|收取费用", "fees.collected"),
        (r"结转(?:下|至下|到下)", "requests.carried_over"),
        (r"办结", "requests.completed"),
        (r"(?:当面|现场).*申请", "requests.channel.in_person"),
        (r"信函", "requests.channel.letter"),
        (r"(?:网络|网上|在线).*申请", "requests.channel.online"),
        (r"其[他它](?:形式|方式)申请", "requests.channel.other"),
        (r"部分公开", "requests.result.partially_disclosed"),
        (r"不予公开|否决公开|不公开", "requests.result.not_disclosed"),
        (r"信息不存在", "requests.result.not_exist"),
        (r"非本(?:机关|部门|单位)", "requests.result.not_our_agency"),
        (r"^其[他它](?:类型|情形)?(?:的)?(?:答复|处理)", "requests.result.other"),
        (r"(?:收到|受理).*申请|申请(?:总数|数量|数|件数)$", "requests.received"),
        (r"^(?:同意公开|予以公开|全部公开|公开)(?:信息)?(?:答复)?(?:数量|数)?$", "requests.result.disclosed"),
        # 本年度对申请的答复总数 / 答复数 (after the outcome rows: 同意公开答复数 is an outcome)
        (r"^(?:本年度?)?(?:对(?:申请人?|依申请公开申请)的?)?答复(?:总数|总件数|件数|数量|数)$", "requests.completed"),
    ]
]
# Keys whose label is ambiguous until the request part of the table has started.
_NEEDS_REQUEST_CONTEXT = {"requests.result.disclosed", "requests.result.not_disclosed",
                          "requests.result.partially_disclosed", "requests.result.not_exist",
                          "requests.result.not_our_agency", "requests.result.other"}


@lru_cache(maxsize=4096)
def split_label(label: str) -> tuple[str, str | None]:
    """(label without its unit note and numbering, unit) for ``累计…数量(单位:条)``. Remembered,
    as ``_core_key``: a statistics table's labels come again on page after page."""
    unit = None
    m = _UNIT_IN_LABEL_RE.search(label)
    if m:
        unit = m["u"].strip()
        label = label[: m.start()] + label[m.end():]
    core = _LABEL_PREFIX_RE.sub("", squash(label))
    noted = _LABEL_NOTE_RE.search(core)
    if noted and noted.start() > 0:
        core = core[: noted.start()]
    return core, unit


#: Longest row label read: real labels are short, and the rules' ``.*`` would be quadratic on a
#: hostile cell of one keyword repeated.
MAX_LABEL_CHARS = 120


def label_key(label: str, requests_seen: bool) -> str | None:
    if len(label) > 4 * MAX_LABEL_CHARS:
        return None
    return _core_key(split_label(label)[0], requests_seen)


@lru_cache(maxsize=4096)
def _core_key(core: str, requests_seen: bool) -> str | None:
    """``label_key`` of a label whose ``split_label`` core the caller has."""
    if not core or len(core) > MAX_LABEL_CHARS:
        return None
    for regex, key in LABEL_RULES:
        if regex.search(core):
            if key in _NEEDS_REQUEST_CONTEXT and not requests_seen:
                return None
            return key
    return None


class LabelledStats:
    """Accumulates label -> value pairs, first value per key, with request-part context."""

    def __init__(self) -> None:
        self.found: dict[str, Found] = {}
        self.requests_seen = False

    def add(self, label: str, raw_value: str, line_index: int = -1) -> str | None:
        number = parse_number(raw_value)
        if number is None or len(label) > 4 * MAX_LABEL_CHARS:
            return None
        core, unit = split_label(label)  # label_key's, read once for the key and the unit
        key = _core_key(core, self.requests_seen)
        if key is None:
            return None
        if key.startswith("requests."):
            self.requests_seen = True
        if key not in self.found:
            self.found[key] = Found(key, number[0], number[1] or unit, label.strip(), line_index)
        return key

    def add_key(self, key: str, label: str, raw_value: str, line_index: int = -1) -> None:
        """A value whose key the caller knows (a column of a known row)."""
        number = parse_number(raw_value)
        if number is not None and key not in self.found:
            self.found[key] = Found(key, number[0], number[1] or split_label(label)[1], label.strip(), line_index)


#: A line opening (after spaces) as ``parse_number`` requires, led by its newline: what it
#: matches in the lines joined after a newline are the lines that may hold only a number.
_NUMBER_LINE_START_RE = re.compile(r"\n[^\S\n]*[-+＋－\d]")


def flattened_stats(lines: list[str]) -> list[Found]:
    """Label line followed by a number-only line (a statistics table flattened to lines).

    Only the lines that start like a number are visited (found in one scan of the joined lines,
    ~12 of 49 on a replica page), each with the non-empty line before it as its label."""
    acc = LabelledStats()
    joined = "\n" + "\n".join(lines)
    i, counted = -1, 0
    for m in _NUMBER_LINE_START_RE.finditer(joined):
        i += joined.count("\n", counted, m.start() + 1)
        counted = m.start() + 1
        text = lines[i].strip()
        if parse_number(text) is None:
            continue
        p = i - 1
        while p >= 0 and not lines[p].strip():
            p -= 1
        if p < 0:
            continue
        label = lines[p].strip()
        if "\t" not in label and len(label) <= 80 and not label.endswith("。") and parse_number(label) is None:
            acc.add(label, text, p)
    return list(acc.found.values())
