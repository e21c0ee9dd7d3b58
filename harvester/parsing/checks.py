"""Warnings about what looks wrong in a parsed report (never errors: the item is still returned)."""

from __future__ import annotations

import re

from ..items import Attachment, Stat
from .stats_text import is_approximate_label

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
