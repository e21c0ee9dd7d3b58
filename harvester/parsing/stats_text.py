"""Statistics from running text and from statistics tables flattened to label/value lines.

Keys are the era-independent vocabulary of DESIGN.md ("Statistics vocabulary"). Prose patterns
are tried in priority order per key; a number only counts when a unit follows it directly
(``320余条`` or ``达100%`` never become statistics). "None happened" wording gives 0, and only
for the keys the clause names explicitly.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from .textutil import halfwidth, parse_number, squash

# Gaps between a keyword and its number: no sentence/clause end and no other number in between.
def _gap(n: int) -> str:
    return rf"[^。;,!?\d]{{0,{n}}}?"


_NUM = r"(?P<n>\d+(?:\.\d+)?)"
_COUNT_UNIT = r"\s*(?P<u>条|件|宗|起|个|份|项|次|场|篇|期)"
_MONEY_UNIT = r"\s*(?P<u>万元|元)"


@dataclass(frozen=True)
class ProsePattern:
    key: str
    regex: re.Pattern
    #: The clause around the match must contain this (e.g. 申请 for 办结).
    clause_needs: str | None = None
    #: The matched text must not contain this.
    reject: str | None = None


def _p(key: str, pattern: str, clause_needs: str | None = None, reject: str | None = None) -> ProsePattern:
    return ProsePattern(key, re.compile(pattern), clause_needs, reject)


G4, G6, G8, G12 = _gap(4), _gap(6), _gap(8), _gap(12)
N, U, M = _NUM, _COUNT_UNIT, _MONEY_UNIT

# Ordered: for each key the first pattern that matches anywhere wins, then document order.
PROSE_PATTERNS: list[ProsePattern] = [
    _p("proactive.cumulative", rf"累计(?:主动)?公开(?:的)?(?:政府|政务)?信息{G6}{N}{U}"),
    _p("proactive.total", rf"(?<!累计)主动公开(?:的)?(?:政府|政务)?信息{G6}{N}{U}"),
    _p("proactive.normative_documents", rf"规范性文件(?:数|总数|数量)?{G4}{N}\s*(?P<u>条|件|份|个)"),
    _p("proactive.via.website", rf"网站(?:主动)?(?:公开|发布){G8}{N}{U}", reject="累计"),
    _p("proactive.via.gazette", rf"公报(?:公开|发布|刊登|刊发){G8}{N}{U}"),
    _p("proactive.via.weibo", rf"微博(?:公开|发布){G8}{N}{U}"),
    _p("proactive.via.wechat", rf"(?<!微博)微信(?:公众号)?(?:公开|发布){G8}{N}{U}"),
    _p("proactive.via.other", rf"其[他它](?:方式|途径|渠道|形式)(?:公开|发布){G8}{N}{U}"),
    _p("proactive.policy_interpretations", rf"政策解读(?:稿件|材料|文章|信息|文件)?{G4}{N}\s*(?P<u>篇|条|件|份|期|个|次)"),
    _p("press_conferences", rf"新闻发布会{G6}{N}\s*(?P<u>场|次|期|个)"),
    _p("press_conferences", rf"{N}\s*(?P<u>场|次|期)新闻发布会"),
    _p("requests.received", rf"(?:收到|受理|接到|接收)[^。;,!?\d]{{0,25}}?申请{G12}{N}{U}", reject="复议|诉讼|办结"),
    _p("requests.received", rf"(?:依申请公开|信息公开)申请(?:总数|数量|共计|共)?{G4}{N}{U}", reject="复议|诉讼"),
    _p("requests.completed", rf"办结{G6}{N}{U}", clause_needs="申请"),
    _p("requests.carried_over", rf"结转(?:下一?年度?|至下一?年度?|到下一?年度?){G8}{N}{U}"),
    _p("requests.channel.online", rf"(?:网上|网络|在线)[^。;,!?\d]{{0,20}}?申请{G4}{N}{U}"),
    _p("requests.channel.in_person", rf"(?:当面|现场)[^。;,!?\d]{{0,6}}?申请{G4}{N}{U}"),
    _p("requests.channel.letter", rf"信函(?:方式)?(?:申请)?(?:数|数量)?:?{N}{U}"),
    _p("requests.channel.letter", rf"通过信函[^。;,!?\d]{{0,4}}?申请{G4}{N}{U}"),
    _p("requests.channel.other", rf"其[他它](?:形式|方式|途径)申请{G4}{N}{U}"),
    _p("requests.result.disclosed", rf"(?<!部分)(?<!不)(?:同意公开|予以公开|全部公开|依申请公开信息)(?:答复)?(?:数|数量)?{G6}{N}{U}"),
    _p("requests.result.partially_disclosed", rf"部分公开(?:答复)?(?:数|数量)?{G6}{N}{U}"),
    _p("requests.result.not_disclosed", rf"(?:不予公开|否决公开|不公开)(?:答复)?(?:数|数量)?{G6}{N}{U}"),
    _p("requests.result.not_exist", rf"信息不存在{G8}{N}{U}"),
    _p("requests.result.not_our_agency", rf"非本(?:机关|部门|单位|行政机关){G8}{N}{U}"),
    _p("reconsideration.received", rf"行政复议{G6}{N}{U}"),
    _p("litigation.received", rf"行政诉讼{G6}{N}{U}"),
    _p("complaints.received", rf"申诉{G6}{N}{U}"),
    _p("fees.collected", rf"(?:收取|收费)(?:费用|金额)?{_gap(14)}{N}{M}", reject="减免"),
    _p("fees.waived", rf"减免(?:费用|金额)?{_gap(14)}{N}{M}"),
]

_CLAUSE_END = "。;!?"

# "None happened": a negated verb, then the clause it governs.
_NONE_RE = re.compile(r"(?:未|没有|无|不曾)(?:发生|收到|接到|受理|出现|产生)(?:过)?(?P<clause>[^。;,!?]*)")
_NONE_REQUEST_RE = re.compile(r"(?:未|没有)(?:收到|接到|受理)(?:过)?(?:任何)?[^。;,!?\d]{0,30}?申请(?!行政复议|复议)")
# "未收取政府信息公开检索、复制、邮寄等费用": the fee may be named after a list of services, but
# never across a clause boundary.
_NONE_FEES_RE = re.compile(r"(?:未|没有|不|无)收取(?:任何)?[^。；;，,！!？?\d]{0,20}?费")
_NONE_KEYS = (("reconsideration.received", "复议"), ("litigation.received", "诉讼"), ("complaints.received", "申诉"))


@dataclass
class Found:
    key: str
    value: int | float
    unit: str | None
    label: str
    line_index: int


def _clause(norm: str, start: int, end: int) -> str:
    left = max(norm.rfind(c, 0, start) for c in _CLAUSE_END)
    rights = [i for i in (norm.find(c, end) for c in _CLAUSE_END) if i >= 0]
    return norm[left + 1: min(rights) if rights else len(norm)]


def prose_stats(lines: list[str]) -> list[Found]:
    """Statistics named in running text, first match per key (pattern priority, then order)."""
    norms = [halfwidth(line) for line in lines]
    # Table rows are read from the table, cell by cell: only the other lines count here. They are
    # also searched joined (one regex scan per pattern instead of one per line): a match within a
    # line is a match in the joined text, so the first line that can hold one is the line where
    # the joined text's first match starts (the patterns have no anchors, and their lookbehinds
    # see the separating newline at a line start, which is none of the words they exclude).
    prose = [i for i, norm in enumerate(norms) if "\t" not in norm]
    joined = "\n".join(norms[i] for i in prose)
    starts = []  # offset of each prose line in ``joined``
    offset = 0
    for i in prose:
        starts.append(offset)
        offset += len(norms[i]) + 1
    found: dict[str, Found] = {}
    for pattern in PROSE_PATTERNS:
        if pattern.key in found:
            continue
        first = pattern.regex.search(joined)
        if first is None:
            continue
        for i in prose[bisect_right(starts, first.start()) - 1:]:
            norm = norms[i]
            hit = None
            for m in pattern.regex.finditer(norm):
                if pattern.reject and re.search(pattern.reject, m.group(0)):
                    continue
                if pattern.clause_needs and pattern.clause_needs not in _clause(norm, m.start(), m.end()):
                    continue
                hit = m
                break
            if hit:
                number = parse_number(hit["n"])
                if number is None:
                    continue
                found[pattern.key] = Found(pattern.key, number[0], hit["u"], lines[i][hit.start():hit.end()].strip(), i)
                break
    for f in none_happened(norms, lines):
        found.setdefault(f.key, f)
    return list(found.values())


def none_happened(norms: list[str], lines: list[str]) -> list[Found]:
    """0 for keys a "nothing happened" clause names explicitly (未收到政府信息公开申请 ...)."""
    out: dict[str, Found] = {}
    for i, norm in enumerate(norms):
        if "\t" in norm:
            continue
        for m in _NONE_REQUEST_RE.finditer(norm):
            out.setdefault("requests.received", Found("requests.received", 0, None, lines[i][m.start():m.end()], i))
        for m in _NONE_FEES_RE.finditer(norm):
            out.setdefault("fees.collected", Found("fees.collected", 0, None, lines[i][m.start():m.end()], i))
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
_LABEL_PREFIX_RE = re.compile(r"^(?:其中[:：]?|\d+[.、．]|[(（]\d+[)）]|[一二三四五六七八九十]+[、.])+")

LABEL_RULES: list[tuple[re.Pattern, str]] = [
    (re.compile(p), k)
    for p, k in [
        (r"复议", "reconsideration.received"),
        (r"诉讼|诉状", "litigation.received"),
        (r"申诉", "complaints.received"),
        (r"累计.*主动公开|主动公开.*累计", "proactive.cumulative"),
        (r"^(?!.*依申请).*主动公开.*(?:数量|数|总数|条数)$|^(?!.*依申请).*主动公开(?:政府)?信息$", "proactive.total"),
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
        (r"(?:收到|受理).*申请|申请(?:总数|数量|数|件数)$", "requests.received"),
        (r"^(?:同意公开|予以公开|全部公开|公开)(?:信息)?(?:答复)?(?:数量|数)?$", "requests.result.disclosed"),
    ]
]
# Keys whose label is ambiguous until the request part of the table has started.
_NEEDS_REQUEST_CONTEXT = {"requests.result.disclosed", "requests.result.not_disclosed",
                          "requests.result.partially_disclosed", "requests.result.not_exist",
                          "requests.result.not_our_agency"}


def split_label(label: str) -> tuple[str, str | None]:
    """(label without its unit note and numbering, unit) for ``累计…数量(单位:条)``."""
    unit = None
    m = _UNIT_IN_LABEL_RE.search(label)
    if m:
        unit = m["u"].strip()
        label = label[: m.start()] + label[m.end():]
    core = _LABEL_PREFIX_RE.sub("", squash(label))
    return core, unit


def label_key(label: str, requests_seen: bool) -> str | None:
    core, _unit = split_label(label)
    if not core:
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
        if number is None:
            return None
        key = label_key(label, self.requests_seen)
        if key is None:
            return None
        if key.startswith("requests."):
            self.requests_seen = True
        _core, unit = split_label(label)
        if key not in self.found:
            self.found[key] = Found(key, number[0], number[1] or unit, label.strip(), line_index)
        return key

    def add_key(self, key: str, label: str, raw_value: str, line_index: int = -1) -> None:
        """A value whose key the caller knows (a column of a known row)."""
        number = parse_number(raw_value)
        if number is not None and key not in self.found:
            self.found[key] = Found(key, number[0], number[1] or split_label(label)[1], label.strip(), line_index)


def flattened_stats(lines: list[str]) -> list[Found]:
    """Label line followed by a number-only line (a statistics table flattened to lines)."""
    acc = LabelledStats()
    previous_label: tuple[int, str] | None = None
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
