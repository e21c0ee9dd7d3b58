"""Text layout shared by the readers: re-joining lines a PDF wrapped, tidying grid cells,
splitting a sheet into tables."""

from __future__ import annotations

import re

from .types import Grid

_SENTENCE_END = tuple("。！？；：:;!?”）)")
_WS_RE = re.compile(r"[ \t\u3000\xa0]+")
# A line that opens a heading or a numbered point starts a new paragraph even after a full line.
_NEW_PARA_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．]|[①-⑳]|附件)")


#: A page number printed in the margin (- 3 -, 第3页, 3/12): no part of the text.
PAGE_NUMBER_RE = re.compile(r"^(?:[-—–\s]*\d{1,3}[-—–\s]*|第\s*\d{1,3}\s*页(?:\s*[,，/共]\s*共?\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})$")


def full_width(lines: list[str]) -> int:
    """The length of a full line (the 90th percentile of line lengths)."""
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    if not lengths:
        return 0
    return lengths[int(len(lengths) * 0.9)] if len(lengths) >= 5 else lengths[-1]


def join_wrapped(lines: list[str], full: int | None = None) -> list[str]:
    """Paragraphs from lines that a PDF wrapped at the right margin: a line as long as a full
    line (``full``, else measured on these lines) that does not end a sentence continues on the
    next one. Page numbers are dropped."""
    lines = [_WS_RE.sub(" ", line).strip() for line in lines]
    lines = [line for line in lines if not PAGE_NUMBER_RE.match(line)]
    if not any(lines):
        return []
    full = full or full_width(lines)
    out: list[str] = []
    carry = False
    for line in lines:
        if not line:
            carry = False
            continue
        if carry and out and not _NEW_PARA_RE.match(line):
            out[-1] = _join(out[-1], line)
        else:
            out.append(line)
        carry = len(line) >= full * 0.85 and not line.endswith(_SENTENCE_END)
    return out


def _join(left: str, right: str) -> str:
    # CJK text wraps without a space; Latin words (a URL split at the margin) too in these PDFs
    return left + right


def tidy_cell(text: str | None) -> str:
    """A cell's text on one line: wrapped CJK joined without spaces, runs of spaces collapsed."""
    if not text:
        return ""
    parts = [p.strip() for p in str(text).replace("\r", "\n").split("\n")]
    return _WS_RE.sub(" ", "".join(p for p in parts if p)).strip()


def rectangular(grid: list[list[str]]) -> Grid:
    width = max((len(r) for r in grid), default=0)
    return [list(r) + [""] * (width - len(r)) for r in grid]


def split_sheet(rows: list[list[str]]) -> tuple[list[str], list[Grid]]:
    """A worksheet as (paragraphs, tables): rows with one non-empty cell are paragraphs (a
    title, a note, 填报单位), runs of rows with two or more cells are tables."""
    paragraphs: list[str] = []
    tables: list[Grid] = []
    current: list[list[str]] = []

    def close() -> None:
        if current:
            tables.append(rectangular(current))
            current.clear()

    for row in rows:
        filled = [c for c in row if c.strip()]
        if not filled:
            close()
        elif len(set(filled)) == 1 and not current:
            paragraphs.append(filled[0])  # a title merged across the sheet is one text
        else:
            current.append(row)
    close()
    return paragraphs, [_trim_columns(t) for t in tables]


def _trim_columns(grid: Grid) -> Grid:
    """Drop columns that are empty in every row (a sheet is as wide as its widest table)."""
    keep = [c for c in range(len(grid[0])) if any(row[c].strip() for row in grid)] if grid else []
    return [[row[c] for c in keep] for row in grid]
