"""HTML tables: grid expansion and the standard tables of the national format (2019 / 2021).

``expand_table`` turns a ``<table>`` into a rectangular grid with rowspan/colspan copied into
every covered position. The three standard tables are recognised by their labels and read cell
by cell into keys that keep row and column (docs/design.md); empty cells are absent, never 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from typing import Mapping

from ..cleaning.text import text_content
from ..items import Stat
from .stats_text import LabelledStats
from .textutil import halfwidth, memoized, parse_squashed_number, starts_like_number
from .textutil import squash as _squash_uncached

# Cell texts repeat a great deal ("0", the form's labels): the per-text helpers are remembered
# (``memoized``: a hit is a dict lookup, cheaper than an lru_cache's).
squash = memoized(_squash_uncached)

MAX_SPAN = 100  # guards against rowspan="100000" in hostile markup


@memoized
def _collapse_spaces(text: str) -> str:
    """Runs of whitespace as one space, none at the ends (str.split's whitespace is ``\\s``'s)."""
    return " ".join(text.split())


def _span(cell, name: str) -> int:
    raw = cell.get(name)
    if raw is None:
        return 1
    try:
        value = int(str(raw).strip() or 1)
    except ValueError:
        return 1
    return max(1, min(value, MAX_SPAN))


def own_rows(table) -> list:
    """The ``<tr>`` of this table (through thead/tbody/tfoot), not of nested tables."""
    rows = []
    for child in table:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if isinstance(c.tag, str) and c.tag == "tr")
    return rows


class Grid(list):
    """Rows of cell texts (a plain list of lists) that also knows, per row, where the row's own
    cells end: ``ends[r]`` is one past the last position a real cell covers, so the ""
    padding of a short row (a site that drops empty cells) is not taken for empty cells."""

    ends: list[int] | None = None


def expand_table(table, texts: Mapping | None = None) -> Grid:
    """Rows of cell texts (whitespace collapsed) with spans expanded; ragged rows padded with "".
    ``texts``: ``text_content()`` of cells already read (by the cleaner's line builder), by
    element."""
    known = texts.get if texts else None
    rows = own_rows(table)
    filled: list[dict[int, str]] = [{} for _ in rows]  # per row: column -> text
    ends = [0] * len(rows)
    width = 0
    for r, tr in enumerate(rows):
        row = filled[r]
        c = 0
        for cell in tr:
            tag = cell.tag
            if tag != "td" and tag != "th":  # also comments (their tag is a function)
                continue
            while c in row:
                c += 1
            raw = known(cell) if known else None
            if raw is None:  # a cell without children: its text is all there is
                raw = text_content(cell) if len(cell) else cell.text or ""
            text = _collapse_spaces(raw)
            names = cell.keys()  # one call for the attribute names, not a lookup of each span
            rs = _span(cell, "rowspan") if "rowspan" in names else 1
            cs = _span(cell, "colspan") if "colspan" in names else 1
            if rs == 1 and cs == 1:  # most cells: the loops below for one position
                row[c] = text
                c += 1
                if ends[r] < c:
                    ends[r] = c
                if c > width:
                    width = c
                continue
            for dr in range(rs):
                if r + dr >= len(rows):
                    break
                covered = filled[r + dr]
                for dc in range(cs):
                    covered[c + dc] = text
                if ends[r + dr] < c + cs:
                    ends[r + dr] = c + cs
            c += cs
            if c > width:
                width = c
    out = Grid([row.get(c, "") for c in range(width)] for row in filled)
    out.ends = ends
    return out


def row_end(grid: list[list[str]], r: int) -> int:
    """One past the last real cell of row ``r`` (the row's length where the grid does not know)."""
    ends = getattr(grid, "ends", None)
    return ends[r] if ends is not None and r < len(ends) else len(grid[r])


@dataclass
class StandardTables:
    """What the standard tables of one report yielded."""

    #: Each key once, in the final form of the report's statistics (source "table", the section
    #: of its table's kind): not built twice, as a table statistic and then an item's.
    stats: list[Stat] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Which tables were recognised: "proactive", "requests", "appeals".
    kinds: list[str] = field(default_factory=list)


@memoized
def _number(text: str) -> tuple[int | float, str | None] | None:
    if not starts_like_number(text):
        return None
    s = squash(text)
    if s in ("", "-", "—", "/", "——", "无", "－"):
        return None
    return parse_squashed_number(s)


def _dedupe(cells: list[str]) -> list[str]:
    out: list[str] = []
    for c in cells:
        if c and (not out or out[-1] != c):
            out.append(c)
    return out


# --- Table 1: 主动公开 --------------------------------------------------------------------------

_PROACTIVE_ROWS = [
    ("行政规范性文件", "normative_documents"),
    ("规范性文件", "normative_documents"),
    ("规章", "rules"),
    ("其他对外管理服务事项", "other_services"),
    ("行政许可", "licensing"),
    ("行政处罚", "penalties"),
    ("行政强制", "coercive_measures"),
    ("行政事业性收费", "admin_fees"),
    ("政府集中采购", "procurement"),
]
_PROACTIVE_COLUMNS = [
    ("本年制发件数", "issued"),
    ("本年废止件数", "repealed"),
    ("现行有效件数", "in_force"),
    ("本年新制作数量", "new_made"),
    ("本年新公开数量", "new_published"),
    ("对外公开总数量", "total_published"),
    ("上一年项目数量", "previous"),
    ("本年增/减", "change"),
    ("本年增减", "change"),
    ("处理决定数量", "decisions"),
    ("收费金额", "amount"),
    ("采购项目数量", "projects"),
    ("采购总金额", "amount"),
]
_UNIT_NOTE_RE = re.compile(r"单位[:：]\s*(?P<u>[^)）\s]+)|[(（](?P<u2>万元|亿元|元)[)）]")
#: Columns a 第二十条 block has when the site printed no 信息内容 header for it (2021 format).
_DEFAULT_COLUMNS_2021 = {
    "rules": ["issued", "repealed", "in_force"], "normative_documents": ["issued", "repealed", "in_force"],
    "licensing": ["decisions"], "penalties": ["decisions"], "coercive_measures": ["decisions"],
    "admin_fees": ["amount"],
}


def _lookup(text: str, table: list[tuple[str, str]]) -> str | None:
    s = squash(text)
    for label, key in table:
        if label in s:
            return key
    return None


@memoized
def _proactive_row_key(text: str) -> str | None:
    """``_lookup`` in ``_PROACTIVE_ROWS``, remembered: every cell of a 主动公开 table is looked up."""
    return _lookup(text, _PROACTIVE_ROWS)


@memoized
def _proactive_column_key(text: str) -> str | None:
    """``_lookup`` in ``_PROACTIVE_COLUMNS``, remembered (a header cell repeats per block)."""
    return _lookup(text, _PROACTIVE_COLUMNS)


def _change_number(text: str) -> tuple[int | float, str | None] | None:
    """本年增/减 as printed: 3, -3, +3, 减3, 增3."""
    s = squash(text)
    if s[:1] in ("增", "减") and len(s) > 1:
        number = _number(s[1:])
        if number is not None:
            return (-number[0] if s[0] == "减" else number[0]), number[1]
        return None
    return _number(text)


def _row_label_index(row: list[str]) -> int | None:
    for i, text in enumerate(row):
        if _proactive_row_key(text):
            return i
    return None


def parse_proactive_table(grid: list[list[str]], columns: dict[int, tuple[str, str | None, str]] | None = None,
                          section: str | None = None) -> tuple[list[Stat], dict[int, tuple[str, str | None, str]]]:
    """主动公开 table: blocks (第二十条第（N）项) of a 信息内容 header row and data rows.

    Columns are kept as offsets from the label cell (信息内容 in the header, the row label in a
    data row), so a row that lost or gained a leading cell still reads right. ``columns``: the
    header in force at the end of the previous piece of a split table; returned likewise.
    ``section``: the report section the statistics are filed under."""
    stats: list[Stat] = []
    columns = dict(columns or {})
    for r, row in enumerate(grid):
        end = row_end(grid, r)
        label_at = _row_label_index(row[:end])
        if label_at is None:
            heads = [(c, _proactive_column_key(text)) for c, text in enumerate(row[:end])]
            if any(key for _c, key in heads):
                anchor = next((c for c, text in enumerate(row) if squash(text).startswith("信息内容")), None)
                columns = {}
                for c, key in heads:
                    if key:
                        m = _UNIT_NOTE_RE.search(halfwidth(row[c]))
                        unit = (m["u"] or m["u2"]) if m else None
                        columns[c - anchor if anchor is not None else c + 1] = (key, unit, row[c])
            elif any("第二十条" in squash(text) for text in row):
                columns = {}  # a new block: its own header follows (or, if not, the defaults)
            continue
        row_key = _proactive_row_key(row[label_at])
        block = columns
        if not block and row_key in _DEFAULT_COLUMNS_2021:
            block = {i + 1: (key, None, key) for i, key in enumerate(_DEFAULT_COLUMNS_2021[row_key])}
        done: set[str] = set()
        for offset, (col_key, unit, header) in sorted(block.items()):
            c = label_at + offset
            if col_key in done or c >= end or c <= label_at:
                continue
            done.add(col_key)  # a colspan-expanded value is one value
            text = row[c]
            number = _change_number(text) if col_key == "change" else _number(text)  # None for a blank
            if number is None:
                continue
            stats.append(Stat(f"{row_key}.{col_key}", number[0], number[1] or unit, f"{row[label_at]} {header}", "table",
                              section))
    return stats, columns


# --- Table 3: 收到和处理政府信息公开申请情况 -------------------------------------------------------

_REQUEST_COLUMNS = [
    ("自然人", "natural_person"),
    ("商业企业", "commercial"),
    ("科研机构", "research"),
    ("社会公益组织", "nonprofit"),
    ("法律服务机构", "legal_services"),
    ("其他", "other_org"),
    ("总计", "total"),
]
#: The mandated order of the seven applicant columns (both formats).
REQUEST_COLUMN_ORDER = [key for _label, key in _REQUEST_COLUMNS]
_NOT_DISCLOSED_REASONS = [
    ("国家秘密", "state_secret"), ("禁止公开", "prohibited_by_law"), ("三安全一稳定", "security_stability"),
    ("第三方", "third_party_rights"), ("内部事务", "internal_affairs"), ("过程性", "process_info"),
    ("行政执法案卷", "enforcement_files"), ("行政查询", "query_matters"),
]
_UNABLE_REASONS = [("不掌握", "not_held"), ("另行制作", "needs_creation"), ("不明确", "unclear")]
_NOT_PROCESSED_REASONS = [
    ("信访", "petition"), ("重复申请", "repeated"), ("出版物", "publications"),
    ("大量反复", "excessive"), ("确认或重新出具", "confirmation"), ("重新出具", "confirmation"),
]
_OTHER_REASONS = [("逾期不补正", "no_correction"), ("缴纳费用", "no_fee_paid"), ("其他", "other")]
_REASON_GROUPS = [
    ("不予公开", "not_disclosed", _NOT_DISCLOSED_REASONS),
    ("无法提供", "unable", _UNABLE_REASONS),
    ("不予处理", "not_processed", _NOT_PROCESSED_REASONS),
    ("其他处理", "other", _OTHER_REASONS),
]
_BLANK_RE = re.compile(r"^(?:[-—–－‐―~～/／\\、.。*×]*|无|不适用|空)$")


@memoized
def _is_blank(text: str) -> bool:
    """An empty cell or a not-applicable mark (/ — - 无): printed as nothing, so absent. (None
    of its characters is a decimal: a blank cell is never a ``_number`` either.)"""
    return _BLANK_RE.match(squash(text)) is not None


@memoized
def _is_value(text: str) -> bool:
    """A cell of the value part of a row: a number, or blank / a dash."""
    return _is_blank(text) or _number(text) is not None


def split_row(row: list[str]) -> tuple[list[str], int]:
    """(label cells, index of the first value cell): the labels end at the last cell that is
    neither a number nor blank, so a row keeps its values whatever the spans above it did."""
    k = len(row)
    while k and _is_value(row[k - 1]):  # from the end: the values are the last cells
        k -= 1
    return list(filter(squash, row[:k])), k


def _request_row_key(labels: list[str], group: str | None) -> tuple[str | None, str | None]:
    """``_labels_row_key``, remembered: the form's label cells come again on page after page."""
    return _labels_row_key(tuple(labels), group)


@lru_cache(maxsize=8192)
def _labels_row_key(labels: tuple[str, ...], group: str | None) -> tuple[str | None, str | None]:
    """Row key from the label cells of one row (outer group first, most specific last), and the
    reason group in force for the next row. ``group`` is the group of the row above: where a
    group cell's rowspan is missing or too short, its reason rows still belong to it."""
    joined = squash("".join(labels))
    last = squash(labels[-1]) if labels else ""
    if "本年新收" in joined:
        return "new", None
    if "上年结转" in joined:
        return "carried_from_last_year", None
    if "结转下年度" in joined or "继续办理" in joined:
        return "carried_over", None
    if "总计" in last or "合计" in last:
        return "result.total", None
    for word, name, _reasons in _REASON_GROUPS:
        if word in joined:
            group = name
    if "部分公开" in last:
        return "result.partially_disclosed", None
    if "予以公开" in last and "不予" not in last:
        return "result.disclosed", None
    if "其他处理" in last:
        return "result.other", "other"  # 2019: a single row
    # The most specific label is normally the last; a stray cell pushed in front of it by a
    # broken span can put it earlier, so the labels are tried from the last one back.
    specific = [squash(label) for label in reversed(labels) if not _is_group_label(label)]
    for _word, name, reasons in _REASON_GROUPS:
        if name == group:
            for label in specific:
                reason = _lookup(label, reasons)
                if reason:
                    return f"result.{name}.{reason}", group
    # No group known (its cell lost): a reason that belongs to one group only still says it
    # (every reason but the bare 其他 of （六）其他处理).
    for label in specific:
        for _word, name, reasons in _REASON_GROUPS:
            reason = _lookup(label, [r for r in reasons if r[0] != "其他"])
            if reason:
                return f"result.{name}.{reason}", name
    return None, group


def _group_of(labels: list[str], group: str | None) -> str | None:
    """The reason group a label-only row opens (（六）其他处理 printed on a row of its own)."""
    joined = squash("".join(labels))
    for word, name, _reasons in _REASON_GROUPS:
        if word in joined:
            group = name
    return group


@memoized
def _is_group_label(label: str) -> bool:
    """三、本年度办理结果 or a （三）不予公开-style group cell (not a reason row's own label).
    Remembered: a group cell's text comes again on every row its rowspan covers."""
    s = squash(label)
    return "办理结果" in s or any(s.endswith(word) and len(s) <= len(word) + 4 for word, _n, _r in _REASON_GROUPS)


def request_header_columns(grid: list[list[str]]) -> dict[int, str]:
    """Column positions of the applicant header (自然人 … 总计), if the grid has one."""
    columns: dict[int, str] = {}
    for r, row in enumerate(grid):
        if "自然人" in map(squash, row):
            for rr in range(r, min(r + 3, len(grid))):
                if any(map(_number, grid[rr])):  # a number's (value, unit) is true
                    break
                for c, text in enumerate(grid[rr]):
                    if squash(text) in _EXACT_APPLICANT_LABELS:
                        columns[c] = _EXACT_APPLICANT_LABELS[squash(text)]
            break
    return columns


_EXACT_APPLICANT_LABELS = {label: key for label, key in _REQUEST_COLUMNS}


def _row_cells(row: list[str], start: int, end: int, header: dict[int, str]) -> tuple[list[tuple[str, str]], str | None]:
    """The applicant cells of a data row whose values start at ``start``: (column key, text)
    pairs in the form's column order.

    The national form fixes the order of the seven columns, so seven value cells are read in
    that order whatever the header's markup says. Otherwise the header's positions are used;
    two value cells alone are 自然人 and 总计 (sites that drop the empty cells in between)."""
    values = row[start:end]
    while len(values) > 7 and not squash(values[-1]):
        values = values[:-1]  # padding of a ragged row
    if len(values) == 7:
        return list(zip(REQUEST_COLUMN_ORDER, values)), None
    positioned = {key: row[c] for c, key in header.items() if start <= c < end}
    if len(positioned) == 7:
        return [(key, positioned[key]) for key in REQUEST_COLUMN_ORDER], None
    if len(values) == 2:
        return [("natural_person", values[0]), ("total", values[1])], "2 value cells read as 自然人 and 总计"
    return [], f"{len(values)} value cells where the form has 7: row skipped"


@dataclass
class RequestState:
    """What a piece of a split request table hands to the next piece: the header's column
    positions and the reason group of its last row (the group cell stays in the first piece)."""

    header: dict[int, str] = field(default_factory=dict)
    group: str | None = None


def parse_request_table(grid: list[list[str]], state: RequestState | None = None, section: str | None = None
                        ) -> tuple[dict[str, dict[str, int | float]], list[Stat], list[str]]:
    """Rows x columns of the request table; returns ({row: {column: value}}, stats, warnings).
    ``state``: carried from the piece this one continues (a table split in two), updated.
    ``section``: the report section the statistics are filed under."""
    state = state if state is not None else RequestState()
    header = request_header_columns(grid) or state.header
    state.header = header
    values: dict[str, dict[str, int | float]] = {}
    stats: list[Stat] = []
    warnings: list[str] = []
    group = state.group
    for r, row in enumerate(grid):
        labels, start = split_row(row)
        if not labels:
            continue
        end = row_end(grid, r)
        if start >= end or not any(map(squash, row[start:end])):
            group = _group_of(labels, group)
            continue
        row_key, group = _request_row_key(labels, group)
        if row_key is None or row_key in values:
            continue
        cells_text, problem = _row_cells(row, start, end, header)
        if problem:
            warnings.append(f"request table: row {row_key}: {problem}")
        cells: dict[str, int | float] = {}
        label = " ".join(_dedupe(labels))
        prefix = f"requests.{row_key}."
        for col_key, text in cells_text:
            number = _number(text)  # None for a blank cell
            if number is None:
                continue  # empty cell: absent, not 0
            cells[col_key] = number[0]
            stats.append(Stat(prefix + col_key, number[0], number[1], label, "table", section))
        values[row_key] = cells
    state.group = group
    return values, stats, warnings


def check_request_identities(values: dict[str, dict[str, int | float]]) -> list[str]:
    """一 + 二 = 三(七) + 四 per column; 总计 = sum of the other columns per row;
    (七)总计 = sum of the result rows per column."""
    warnings: list[str] = []
    parts = [values.get(p, {}) for p in ("new", "carried_from_last_year", "result.total", "carried_over")]
    result_rows = [cells for k, cells in values.items() if k.startswith("result.") and k != "result.total"]
    for col in REQUEST_COLUMN_ORDER:
        got = [cells.get(col) for cells in parts]
        if got == [None, None, None, None]:
            continue
        new, last, total, over = [v or 0 for v in got]
        if not _close(new + last, total + over):
            warnings.append(
                f"request table: column {col}: 本年新收 {new} + 上年结转 {last} != 总计 {total} + 结转下年度 {over}"
            )
        if got[2] is not None and result_rows:
            # each row's cell (0 where absent) fetched in C: ~20 rows for each of the 7 columns
            parts_sum = sum(map(dict.get, result_rows, repeat(col), repeat(0)))
            if not _close(parts_sum, total):
                warnings.append(f"request table: column {col}: results add up to {parts_sum}, 总计 row says {total}")
    for row_key, cells in values.items():
        if "total" not in cells:
            continue
        others = list(cells.values())  # but the total: the other cells in order, copied in C
        del others[list(cells).index("total")]
        if others and _close(sum(others), cells["total"]) is False:
            warnings.append(f"request table: row {row_key}: columns add up to {sum(others)}, 总计 says {cells['total']}")
    return warnings


def _close(a: int | float, b: int | float) -> bool:
    return abs(a - b) < 1e-6


# --- Table 4: 行政复议 / 行政诉讼 -----------------------------------------------------------------

_APPEAL_SUFFIXES = [("维持", "upheld"), ("纠正", "corrected"), ("其他", "other"), ("尚未审结", "pending"), ("总计", "total")]
#: The mandated order of the fifteen cells: 复议, 未经复议直接起诉, 复议后起诉; each 维持 纠正 其他 尚未审结 总计.
APPEAL_ORDER = [f"{group}.{suffix}" for group in ("reconsideration", "litigation.direct", "litigation.after_reconsideration")
                for _label, suffix in _APPEAL_SUFFIXES]


def _appeal_data_row(grid: list[list[str]]) -> int | None:
    """The first row whose value part holds a number (below the header rows)."""
    for r, row in enumerate(grid):
        _labels, start = split_row(row)
        if any(map(_number, row[start:row_end(grid, r)])):
            return r
    return None


def parse_appeal_table(grid: list[list[str]], header: list[list[str]] | None, data_row: int | None,
                       section: str | None = None) -> list[Stat]:
    """The 复议/诉讼 table. Fifteen value cells are read in the form's order whatever the header
    markup; otherwise each column's header stack names its group and outcome. ``header``: the
    header rows of the table this one continues (header and data printed as two tables).
    ``data_row``: ``_appeal_data_row(grid)``, which the caller needs too. ``section``: the report
    section the statistics are filed under."""
    if data_row is None:
        return []
    row = grid[data_row]
    _labels, start = split_row(row)
    values = row[start:row_end(grid, data_row)]
    while len(values) > 15 and not squash(values[-1]):
        values = values[:-1]
    stats: list[Stat] = []
    if len(values) in (5, 10, 15):
        header_text = squash("".join("".join(r) for r in (header or []) + grid[:data_row]))
        if len(values) == 15:
            keys = APPEAL_ORDER
        elif len(values) == 10 and "复议" not in header_text.replace("未经复议", "").replace("复议后", ""):
            keys = APPEAL_ORDER[5:]  # a 行政诉讼 table printed alone
        elif len(values) == 5 and "诉讼" not in header_text:
            keys = APPEAL_ORDER[:5]  # a 行政复议 table printed alone
        else:
            keys = []
        for key, text in zip(keys, values):
            number = _number(text)  # None for a blank cell
            if number is not None:
                stats.append(Stat(key, number[0], number[1], key, "table", section))
        if keys:
            return stats
    above = (header or []) + grid[:data_row]
    seen: set[str] = set()
    for c, cell in enumerate(row):
        stack = [squash(r[c]) for r in above if c < len(r)]
        joined = "".join(stack)
        if "未经复议" in joined or "直接起诉" in joined:
            group = "litigation.direct"
        elif "复议后起诉" in joined:
            group = "litigation.after_reconsideration"
        elif "复议" in joined:
            group = "reconsideration"
        else:
            continue
        suffix = _lookup(stack[-1] if stack else "", _APPEAL_SUFFIXES)
        if suffix is None:
            continue
        key = f"{group}.{suffix}"
        if key in seen:
            continue
        seen.add(key)
        number = _number(cell)  # None for a blank cell
        if number is None:
            continue
        stats.append(Stat(key, number[0], number[1], " ".join(_dedupe(stack)), "table", section))
    return stats


def check_appeal_identities(stats: list[Stat]) -> list[str]:
    by_key = {s.key: s.value for s in stats}
    warnings = []
    for group in ("reconsideration", "litigation.direct", "litigation.after_reconsideration"):
        total = by_key.get(f"{group}.total")
        if total is None:
            continue
        parts = [by_key.get(f"{group}.{s}", 0) for s in ("upheld", "corrected", "other", "pending")]
        if not _close(sum(parts), total):
            warnings.append(f"appeal table: {group}: parts add up to {sum(parts)}, 总计 says {total}")
    return warnings


# --- recognition -------------------------------------------------------------------------------

_PROACTIVE_ROW_WORDS = ("规章", "规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费", "政府集中采购")


def table_kind(grid: list[list[str]]) -> str | None:
    """Which standard table a grid is, by the form's own labels (None: not a standard table)."""
    # The labels looked for are CJK, which halfwidth leaves as they are: squash's removal of
    # spaces is all they need (not a half-width copy, nor a memo entry, of the whole table).
    text = "".join("".join(["".join(row) for row in grid]).split())  # split drops what \s matches
    if ("自然人" in text and ("本年新收" in text or "予以公开" in text or "申请人情况" in text)) or (
            "本年新收" in text and ("办理结果" in text or "予以公开" in text)):
        return "requests"
    if "结果维持" in text or ("行政复议" in text and "行政诉讼" in text and "维持" in text):
        return "appeals"
    if ("信息内容" in text or "第二十条" in text) and any(w in text for w in _PROACTIVE_ROW_WORDS):
        return "proactive"
    return None


def _continues(grid: list[list[str]], previous: str | None) -> bool:
    """A piece of the table above it (a table split at a page break or by the site's editor):
    request rows without the header, or the 复议/诉讼 value row alone."""
    if previous == "requests":
        group = None
        for r, row in enumerate(grid):
            labels, start = split_row(row)
            if labels and start < row_end(grid, r) and any(map(_number, row[start:])):
                key, group = _request_row_key(labels, group)
                if key:
                    return True
        return False
    if previous == "appeals":
        for r, row in enumerate(grid):
            labels, start = split_row(row)
            values = row[start:row_end(grid, r)]
            if not labels and len(values) >= 5 and any(map(_number, values)):
                return True
        return False
    if previous == "proactive":
        return any(_proactive_row_key(row[0]) for row in grid if row) and any(
            _number(c) is not None for row in grid for c in row)
    return False


def table_kinds(grids: list[list[list[str]]]) -> list[str | None]:
    """``table_kind`` of each grid, where a grid that only continues the standard table above it
    (no header of its own) takes that table's kind."""
    kinds: list[str | None] = []
    previous: str | None = None
    for grid in grids:
        kind = table_kind(grid)
        if kind is None and _continues(grid, previous):
            kind = previous
        kinds.append(kind)
        if kind is not None or any(any(map(squash, row)) for row in grid):
            previous = kind
    return kinds


def summary_stats(stats: list[Stat]) -> list[Stat]:
    """Era-independent keys from the standard tables (a body's series reads across eras), each
    filed under the section of the statistics it is read from (a key's table is its kind)."""
    by_key = {s.key: s for s in stats}
    out: list[Stat] = []

    def alias(new_key: str, source_key: str) -> None:
        s = by_key.get(source_key)
        if s is not None:
            out.append(Stat(new_key, s.value, s.unit, s.label, "table", s.section))

    alias("requests.received", "requests.new.total")
    alias("requests.completed", "requests.result.total.total")
    alias("requests.carried_over", "requests.carried_over.total")
    alias("requests.result.disclosed", "requests.result.disclosed.total")
    alias("requests.result.partially_disclosed", "requests.result.partially_disclosed.total")
    refused = [by_key[k] for k in (f"requests.result.not_disclosed.{r}.total" for _l, r in _NOT_DISCLOSED_REASONS)
               if k in by_key]
    if refused:
        out.append(Stat("requests.result.not_disclosed", sum(s.value for s in refused), None,
                        "（三）不予公开 总计", "table", refused[0].section))
    alias("reconsideration.received", "reconsideration.total")
    lit = [by_key[k] for k in ("litigation.direct.total", "litigation.after_reconsideration.total") if k in by_key]
    if lit:
        out.append(Stat("litigation.received", sum(s.value for s in lit), None, "行政诉讼 总计", "table", lit[0].section))
    return out


def read_tables(grids: list[list[list[str]]], kinds: list[str | None] | None = None,
                sections: Mapping[str, str | None] | None = None) -> StandardTables:
    """Standard tables among ``grids`` (in page order: a table split in pieces is read across
    them). ``kinds``: ``table_kinds`` of the grids, if the caller has them already.
    ``sections``: the report section each kind's statistics are filed under (none if absent)."""
    result = StandardTables()
    if kinds is None:
        kinds = table_kinds(grids)
    request_values: dict[str, dict[str, int | float]] = {}
    request_state = RequestState()
    appeal_header: list[list[str]] = []
    appeal_stats: list[Stat] = []
    proactive_columns: dict[int, tuple[str, str | None, str]] = {}
    seen: set[str] = set()

    section = (sections or {}).get

    def add(stats: list[Stat], kind: str) -> None:
        fresh = [s for s in stats if s.key not in seen]  # a repeated table counts once
        seen.update(s.key for s in fresh)
        if fresh and kind not in result.kinds:
            result.kinds.append(kind)
        result.stats.extend(fresh)

    for grid, kind in zip(grids, kinds):
        if kind == "requests":
            values, stats, warnings = parse_request_table(grid, request_state, section(kind))
            for row_key, cells in values.items():
                request_values.setdefault(row_key, cells)
            result.warnings.extend(warnings)
            add(stats, kind)
        elif kind == "appeals":
            data_row = _appeal_data_row(grid)
            stats = parse_appeal_table(grid, appeal_header, data_row, section(kind))
            appeal_header = grid[:data_row] if data_row is not None else [list(r) for r in grid]
            appeal_stats.extend(stats)
            add(stats, kind)
        elif kind == "proactive":
            stats, proactive_columns = parse_proactive_table(grid, proactive_columns, section(kind))
            add(stats, kind)
    if request_values:
        result.warnings.extend(check_request_identities(request_values))
    if appeal_stats:
        result.warnings.extend(check_appeal_identities(appeal_stats))
    result.stats.extend(summary_stats(result.stats))
    return result


#: Header cells of columns that hold no statistic (a code, a row number, the unit).
_NO_VALUE_HEADER_RE = re.compile(r"代码|序号|编号|行次|计量单位|^单位$")
#: The column of this year's value (本期实际, 本年度, 2011年度, 数量...), first such header wins.
_VALUE_HEADER_RE = re.compile(r"本期|本年|本月|(?:19|20)\d{2}\s*年|实际|数量|数值|件数|条数|总数")
#: Since-the-start totals (历年累计); 本年累计 is this year's running total, not a cumulative.
_CUMULATIVE_HEADER_RE = re.compile(r"(?<!本年)(?<!本期)累计")
_TWO_CJK_RE = re.compile(r"[\u4e00-\u9fff]{2}")


def labelled_table_stats(grid: list[list[str]], acc: LabelledStats) -> None:
    """A non-standard statistics table (指标名称 | 计量单位 | [代码 |] 本年 | 历年累计): each row's
    label and its value in the year's column (else the first number outside code/unit columns);
    the 历年累计 column of the 主动公开 row is proactive.cumulative."""
    cumulative_col = value_col = None
    skip_cols: set[int] = set()
    for row in grid:
        if not any(map(_number, row)):  # a header row: learn the columns
            for c, text in enumerate(row):
                if c == 0:
                    continue
                if _NO_VALUE_HEADER_RE.search(text):
                    skip_cols.add(c)
                elif _CUMULATIVE_HEADER_RE.search(text):
                    cumulative_col = c if cumulative_col is None else cumulative_col
                elif value_col is None and _VALUE_HEADER_RE.search(text):
                    value_col = c
        label = None
        for c, text in enumerate(row):
            if c in skip_cols:
                continue
            if _number(text) is not None:
                if label is not None:
                    if value_col is not None and value_col < len(row) and c < value_col:
                        if _number(row[value_col]) is None:
                            break
                        c, text = value_col, row[value_col]
                    key = acc.add(label, text)
                    if (key == "proactive.total" and cumulative_col is not None and cumulative_col > c
                            and cumulative_col < len(row)):
                        acc.add_key("proactive.cumulative", label, row[cumulative_col])
                break
            if text != label and _TWO_CJK_RE.search(text):
                label = text
