"""HTML tables: grid expansion and the standard tables of the national format (2019 / 2021).

``expand_table`` turns a ``<table>`` into a rectangular grid with rowspan/colspan copied into
every covered position. The three standard tables are recognised by their labels and read cell
by cell into keys that keep row and column (DESIGN.md); empty cells are absent, never 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .stats_text import LabelledStats
from .textutil import halfwidth, parse_squashed_number, squash, starts_like_number

_WS_RE = re.compile(r"\s+")
MAX_SPAN = 100  # guards against rowspan="100000" in hostile markup


def cell_text(cell) -> str:
    return _WS_RE.sub(" ", cell.text_content()).strip()


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


def expand_table(table) -> list[list[str]]:
    """Rows of cell texts with spans expanded; ragged rows padded with ""."""
    grid: dict[tuple[int, int], str] = {}
    width = 0
    rows = own_rows(table)
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr:
            if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            text = cell_text(cell)
            rs, cs = _span(cell, "rowspan"), _span(cell, "colspan")
            for dr in range(rs):
                if r + dr >= len(rows):
                    break
                for dc in range(cs):
                    grid[(r + dr, c + dc)] = text
            c += cs
            width = max(width, c)
    return [[grid.get((r, c), "") for c in range(width)] for r in range(len(rows))]


@dataclass
class TableStat:
    key: str
    value: int | float
    unit: str | None
    label: str


@dataclass
class StandardTables:
    """What the standard tables of one report yielded."""

    stats: list[TableStat] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Which tables were recognised: "proactive", "requests", "appeals".
    kinds: list[str] = field(default_factory=list)


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
_UNIT_NOTE_RE = re.compile(r"单位[:：]\s*(?P<u>[^)）\s]+)")


def _lookup(text: str, table: list[tuple[str, str]]) -> str | None:
    s = squash(text)
    for label, key in table:
        if label in s:
            return key
    return None


def parse_proactive_table(grid: list[list[str]]) -> list[TableStat]:
    """主动公开 table: blocks of 信息内容 header rows followed by data rows."""
    stats: list[TableStat] = []
    columns: dict[int, tuple[str, str | None, str]] = {}  # col -> (key, unit, header text)
    for row in grid:
        first = squash(row[0]) if row else ""
        if first.startswith("信息内容"):
            columns = {}
            for c, text in enumerate(row[1:], start=1):
                key = _lookup(text, _PROACTIVE_COLUMNS)
                if key:
                    m = _UNIT_NOTE_RE.search(halfwidth(text))
                    columns[c] = (key, m["u"] if m else None, text)
            continue
        row_key = _lookup(row[0], _PROACTIVE_ROWS) if row else None
        if not row_key or not columns:
            continue
        done: set[str] = set()
        for c, (col_key, unit, header) in columns.items():
            if col_key in done or c >= len(row):
                continue
            done.add(col_key)  # a colspan-expanded value is one value
            number = _number(row[c])
            if number is None:
                continue
            stats.append(TableStat(f"{row_key}.{col_key}", number[0], number[1] or unit, f"{row[0]} {header}"))
    return stats


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


def _request_row_key(labels: list[str]) -> str | None:
    """Row key from the label cells of one row (outer group first, most specific last)."""
    joined = squash("".join(labels))
    last = squash(labels[-1]) if labels else ""
    if "本年新收" in joined:
        return "new"
    if "上年结转" in joined:
        return "carried_from_last_year"
    if "结转下年度" in joined or "继续办理" in joined:
        return "carried_over"
    if "总计" in last:
        return "result.total"
    if "不予公开" in joined:
        reason = _lookup(last, _NOT_DISCLOSED_REASONS)
        return f"result.not_disclosed.{reason}" if reason else None
    if "无法提供" in joined:
        reason = _lookup(last, _UNABLE_REASONS)
        return f"result.unable.{reason}" if reason else None
    if "不予处理" in joined:
        reason = _lookup(last, _NOT_PROCESSED_REASONS)
        return f"result.not_processed.{reason}" if reason else None
    if "其他处理" in joined:
        if "其他处理" in last:
            return "result.other"  # 2019: a single row
        reason = _lookup(last, _OTHER_REASONS)
        return f"result.other.{reason}" if reason else None
    if "部分公开" in joined:
        return "result.partially_disclosed"
    if "予以公开" in joined:
        return "result.disclosed"
    return None


def parse_request_table(grid: list[list[str]]) -> tuple[dict[str, dict[str, int | float]], list[TableStat]]:
    """Rows x columns of the request table; returns ({row: {column: value}}, stats)."""
    header_end = None
    columns: dict[int, str] = {}
    for r, row in enumerate(grid):
        if any(squash(c) == "自然人" for c in row):
            # The column key of each position: the most specific header text above the data.
            for rr in range(r, min(r + 3, len(grid))):
                if any(_number(c) is not None for c in grid[rr]):
                    break
                for c, text in enumerate(grid[rr]):
                    key = _lookup(text, _REQUEST_COLUMNS)
                    s = squash(text)
                    if key and (s in ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")):
                        columns[c] = key
                header_end = rr + 1
            break
    if header_end is None or not columns:
        return {}, []
    first_data_col = min(columns)
    values: dict[str, dict[str, int | float]] = {}
    stats: list[TableStat] = []
    for row in grid[header_end:]:
        labels = _dedupe(row[:first_data_col])
        if not labels:
            continue
        row_key = _request_row_key(labels)
        if row_key is None or row_key in values:
            continue
        cells: dict[str, int | float] = {}
        for c, col_key in columns.items():
            if c >= len(row) or col_key in cells:
                continue
            number = _number(row[c])
            if number is None:
                continue  # empty cell: absent, not 0
            cells[col_key] = number[0]
            stats.append(TableStat(f"requests.{row_key}.{col_key}", number[0], number[1], " ".join(labels)))
        values[row_key] = cells
    return values, stats


def check_request_identities(values: dict[str, dict[str, int | float]]) -> list[str]:
    """一 + 二 = 三(七) + 四 per column; 总计 = sum of the other columns per row;
    (七)总计 = sum of the result rows per column."""
    warnings: list[str] = []
    col_keys = [k for _l, k in _REQUEST_COLUMNS]
    parts = ("new", "carried_from_last_year", "result.total", "carried_over")
    for col in col_keys:
        got = [values.get(p, {}).get(col) for p in parts]
        if all(v is None for v in got):
            continue
        new, last, total, over = (v or 0 for v in got)
        if new + last != total + over:
            warnings.append(
                f"request table: column {col}: 本年新收 {new} + 上年结转 {last} != 总计 {total} + 结转下年度 {over}"
            )
        result_rows = [k for k in values if k.startswith("result.") and k != "result.total"]
        if got[2] is not None and result_rows:
            parts_sum = sum(values[k].get(col, 0) for k in result_rows)
            if parts_sum != total:
                warnings.append(f"request table: column {col}: results add up to {parts_sum}, 总计 row says {total}")
    for row_key, cells in values.items():
        if "total" not in cells:
            continue
        others = [v for k, v in cells.items() if k != "total"]
        if others and _close(sum(others), cells["total"]) is False:
            warnings.append(f"request table: row {row_key}: columns add up to {sum(others)}, 总计 says {cells['total']}")
    return warnings


def _close(a: int | float, b: int | float) -> bool:
    return abs(a - b) < 1e-6


# --- Table 4: 行政复议 / 行政诉讼 -----------------------------------------------------------------

_APPEAL_SUFFIXES = [("维持", "upheld"), ("纠正", "corrected"), ("其他", "other"), ("尚未审结", "pending"), ("总计", "total")]


def parse_appeal_table(grid: list[list[str]]) -> list[TableStat]:
    data_row = None
    for r, row in enumerate(grid):
        if r >= 2 and any(_number(c) is not None for c in row):
            data_row = r
            break
    if data_row is None:
        return []
    stats: list[TableStat] = []
    seen: set[str] = set()
    for c, cell in enumerate(grid[data_row]):
        stack = [squash(grid[r][c]) for r in range(data_row) if c < len(grid[r])]
        header = "".join(stack)
        if "未经复议" in header or "直接起诉" in header:
            group = "litigation.direct"
        elif "复议后起诉" in header:
            group = "litigation.after_reconsideration"
        elif "复议" in header:
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
        number = _number(cell)
        if number is None:
            continue
        stats.append(TableStat(key, number[0], number[1], " ".join(_dedupe(stack))))
    return stats


def check_appeal_identities(stats: list[TableStat]) -> list[str]:
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


def table_kind(grid: list[list[str]]) -> str | None:
    text = squash("".join("".join(row) for row in grid))
    if "自然人" in text and ("本年新收" in text or "予以公开" in text):
        return "requests"
    if "结果维持" in text or ("行政复议" in text and "行政诉讼" in text and "维持" in text):
        return "appeals"
    if "信息内容" in text and ("规章" in text or "行政许可" in text or "行政处罚" in text):
        return "proactive"
    return None


def summary_stats(stats: list[TableStat]) -> list[TableStat]:
    """Era-independent keys from the standard tables (a body's series reads across eras)."""
    by_key = {s.key: s for s in stats}
    out: list[TableStat] = []

    def alias(new_key: str, source_key: str) -> None:
        s = by_key.get(source_key)
        if s is not None:
            out.append(TableStat(new_key, s.value, s.unit, s.label))

    alias("requests.received", "requests.new.total")
    alias("requests.carried_over", "requests.carried_over.total")
    alias("requests.result.disclosed", "requests.result.disclosed.total")
    alias("requests.result.partially_disclosed", "requests.result.partially_disclosed.total")
    alias("reconsideration.received", "reconsideration.total")
    lit = [by_key[k] for k in ("litigation.direct.total", "litigation.after_reconsideration.total") if k in by_key]
    if lit:
        out.append(TableStat("litigation.received", sum(s.value for s in lit), None, "行政诉讼 总计"))
    return out


def read_tables(grids: list[list[list[str]]], kinds: list[str | None] | None = None) -> StandardTables:
    """Standard tables among ``grids``, plus labelled rows of any other statistics table.
    ``kinds``: ``table_kind`` of each grid, if the caller has it already."""
    result = StandardTables()
    if kinds is None:
        kinds = [table_kind(grid) for grid in grids]
    for grid, kind in zip(grids, kinds):
        if kind == "requests":
            values, stats = parse_request_table(grid)
            if stats:
                result.kinds.append(kind)
                result.stats.extend(stats)
                result.warnings.extend(check_request_identities(values))
        elif kind == "appeals":
            stats = parse_appeal_table(grid)
            if stats:
                result.kinds.append(kind)
                result.stats.extend(stats)
                result.warnings.extend(check_appeal_identities(stats))
        elif kind == "proactive":
            stats = parse_proactive_table(grid)
            if stats:
                result.kinds.append(kind)
                result.stats.extend(stats)
    result.stats.extend(summary_stats(result.stats))
    return result


def labelled_table_stats(grid: list[list[str]], acc: LabelledStats) -> None:
    """A non-standard statistics table (指标名称 | 计量单位 | 本年 | 历年累计): the label and the
    first number of each row; the 累计 column of the 主动公开 row is proactive.cumulative."""
    cumulative_col = None
    for row in grid:
        for c, text in enumerate(row):
            if "累计" in text and c > 0 and _number(text) is None and cumulative_col is None:
                cumulative_col = c
        label = None
        for c, text in enumerate(row):
            if _number(text) is not None:
                if label is not None:
                    key = acc.add(label, text)
                    if (key == "proactive.total" and cumulative_col is not None and cumulative_col > c
                            and cumulative_col < len(row)):
                        acc.add_key("proactive.cumulative", label, row[cumulative_col])
                break
            if re.search(r"[\u4e00-\u9fff]{2}", text) and text != label:
                label = text
