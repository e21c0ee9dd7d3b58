"""Warnings about what looks wrong in a parsed report (never errors: the item is still returned)."""

from __future__ import annotations

import re

from ..items import Attachment, Stat
from .stats_text import is_approximate_label
from .textutil import cn_number

_LOST_CHAR_RE = re.compile(r"[\d\u4e00-\u9fff]{1,2}[?？\ufffd]+[\d\u4e00-\u9fff]{1,2}|\ufffd")
_TERMINAL_RE = re.compile(r"[。.!！?？”\")）」』…]$")

CHANNEL_KEYS = ("requests.channel.online", "requests.channel.in_person", "requests.channel.letter",
                "requests.channel.other")
RESULT_KEYS = ("requests.result.disclosed", "requests.result.partially_disclosed",
               "requests.result.not_disclosed", "requests.result.not_exist",
               "requests.result.not_our_agency", "requests.result.other")


def lost_characters(text: str) -> list[str]:
    """Places where characters were lost in encoding (``7?27``, U+FFFD)."""
    samples = []
    for m in _LOST_CHAR_RE.finditer(text):
        sample = m.group(0)
        if sample not in samples:
            samples.append(sample)
    if not samples:
        return []
    shown = ", ".join(repr(s) for s in samples[:5])
    return [f"lost characters: {len(samples)} place(s) like {shown}"]


def truncation(lines: list[str], signed_date: str | None) -> list[str]:
    if signed_date:
        return []
    tail = next((line.strip() for line in reversed(lines) if line.strip()), "")
    if tail and not _TERMINAL_RE.search(tail):
        return [f"text looks truncated: no closing or signature, ends with {tail[-20:]!r}"]
    return ["no closing date or signature found"]


def approximate_values(stats: dict[str, Stat]) -> list[str]:
    """Prose statistics printed as approximations (3000余条, 约300条): kept, and named here."""
    return [f"approximate value for {s.key}: {s.value} (printed as {s.label!r})"
            for s in stats.values() if s.source == "text" and is_approximate_label(s.label)]


def subcounts(stats: dict[str, Stat]) -> list[str]:
    """Channel and outcome counts that exceed, or (all present) do not add up to, their total;
    and the prose values printed as approximations (``approximate_values``)."""
    warnings: list[str] = approximate_values(stats)
    received = stats.get("requests.received")
    if received is None:
        return warnings
    total = received.value
    carried = stats.get("requests.carried_from_last_year")
    base = total + (carried.value if carried else 0)
    channels = [stats[k].value for k in CHANNEL_KEYS if k in stats]
    if channels:
        s = sum(channels)
        if s > total:
            warnings.append(f"request channels add up to {s}, more than the {total} requests received")
        elif len(channels) == len(CHANNEL_KEYS) and s != total:
            warnings.append(f"request channels add up to {s}, not the {total} requests received")
    results = [stats[k].value for k in RESULT_KEYS if k in stats]
    if results and sum(results) > base:
        warnings.append(f"request outcomes add up to {sum(results)}, more than the {base} requests to handle")
    part, whole = stats.get("proactive.total"), stats.get("proactive.cumulative")
    if part and whole and part.value > whole.value:
        warnings.append(f"proactive.total {part.value} exceeds proactive.cumulative {whole.value}")
    return warnings


def image_only_tables(attachments: list[Attachment], text: str, has_table_stats: bool) -> list[str]:
    """A statistics table published only as a picture cannot be read."""
    if has_table_stats:
        return []
    images = [a for a in attachments if a.kind == "image" and re.search(r"表|统计", a.name + a.url)]
    if not images and "统计表" in text:
        images = [a for a in attachments if a.kind == "image"]
    return [f"statistics table published only as an image: {a.name}" for a in images]


#: 本报告由概述、主动公开政府信息情况、…和政府信息公开情况统计表共五个部分组成 (the preface's plan).
_PLAN_RE = re.compile(r"本(?:年度)?报告(?:由|分为|包括|共分为?)(?P<parts>[^。；;]{4,240}?)(?:等|共)?(?P<count>[一二三四五六七八九十\d]+)个?部分(?:组成|构成)?")
_PLAN_SPLIT_RE = re.compile(r"[、，,]")  # not 和/及: they join words inside a part (收到和处理…)


def missing_announced_parts(lines: list[str], level1_count: int, head: int = 15) -> list[str]:
    """Parts the preface announces (本报告由A、B…共N个部分组成) that appear nowhere in a body with
    fewer than N level-1 sections: the container missed part of the report (or the page was cut)."""
    opening = "".join(lines[:head])
    m = _PLAN_RE.search(opening)
    if not m:
        return []
    count = m.group("count")
    announced = int(count) if count.isdigit() else (cn_number(count) or 0)
    if level1_count >= announced:
        return []
    parts = [p.strip() for p in _PLAN_SPLIT_RE.split(m.group("parts")) if len(p.strip()) >= 4]
    if len(parts) < 2:
        return []
    rest = "\n".join(lines)[m.end():]
    # A part counts as present where its first characters open a line or a heading.
    missing = [p for p in parts if p[:4] not in rest]
    if not missing:
        return []
    return [f"body lacks {len(missing)} of the {len(parts)} parts its preface announces ({'、'.join(missing[:3])}): "
            "a part of the report may be missing from the page or its container"]
