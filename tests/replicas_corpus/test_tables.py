"""Every standard table in the corpus satisfies its identities and its cells are its expectations.

The checks read the rendered Block cells (rowspan/colspan expanded here, independently of the
generator) and map labels to keys with their own table, written from docs/design.md.
"""

from __future__ import annotations

import re

import pytest

from harvester.replicas.corpus import documents
from harvester.replicas.model import Block, Document
from harvester.replicas.sites import HAND_MADE
from harvester.sites import SITES as REGISTRY

#: The five hand-made replicas (every registry body on the replicas: tests/crawl/test_bodies.py).
SITES = {key: REGISTRY[key] for key in HAND_MADE}

SITE_KEYS = sorted(SITES)

APPLICANT_COLS = ["natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org", "total"]
GROUPS = {"（三）不予公开": "not_disclosed", "（四）无法提供": "unable", "（五）不予处理": "not_processed",
          "（六）其他处理": "other"}
REASONS = {
    "not_disclosed": ["state_secret", "prohibited_by_law", "security_stability", "third_party_rights",
                      "internal_affairs", "process_info", "enforcement_files", "query_matters"],
    "unable": ["not_held", "needs_creation", "unclear"],
    "not_processed": ["petition", "repeated", "publications", "excessive", "confirmation"],
    "other": ["no_correction", "no_fee_paid", "other"],
}
PROACTIVE_ROWS = {"规章": "rules", "行政规范性文件": "normative_documents", "规范性文件": "normative_documents",
                  "行政许可": "licensing", "行政处罚": "penalties", "行政强制": "coercive_measures",
                  "行政事业性收费": "admin_fees", "政府集中采购": "procurement"}
PROACTIVE_COLS = {"本年制发件数": "issued", "本年废止件数": "repealed", "现行有效件数": "in_force",
                  "本年处理决定数量": "decisions", "本年收费金额（单位：万元）": "amount",
                  "本年新制作数量": "new_made", "本年新公开数量": "new_published", "对外公开总数量": "total_published",
                  "上一年项目数量": "previous", "本年增/减": "change", "处理决定数量": "decisions",
                  "采购项目数量": "projects", "采购总金额": "amount"}


def grid(block: Block) -> list[list[str]]:
    """Expand rowspan/colspan into a rectangular grid of cell texts."""
    out: dict[tuple[int, int], str] = {}
    for r, row in enumerate(block.rows):
        c = 0
        for cell in row:
            while (r, c) in out:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    out[(r + dr, c + dc)] = cell.text
            c += cell.colspan
    height = max(r for r, _ in out) + 1
    width = max(c for _, c in out) + 1
    return [[out.get((r, c), "") for c in range(width)] for r in range(height)]


def number(text: str) -> int | float:
    text = text.removesuffix("元")
    return float(text) if "." in text else int(text)


def kind_of(block: Block) -> str:
    first = block.rows[0][0].text
    if first.startswith("（本列数据的勾稽关系"):
        return "requests"
    if first == "行政复议":
        return "appeals"
    if first.startswith("第二十条"):
        return "proactive"
    return "other"


def standard_tables() -> list[tuple[Document, Block]]:
    found = []
    for site in SITE_KEYS:
        for edition in (1, 2):
            for doc in documents(site, edition):
                for block in doc.blocks:
                    if block.kind == "table" and kind_of(block) != "other":
                        found.append((doc, block))
    return found


TABLES = standard_tables()


def requests_rows(block: Block) -> dict[str, list[str]]:
    """row key -> the 7 numeric cell texts, keyed from the labels."""
    rows: dict[str, list[str]] = {}
    for cells in grid(block)[3:]:
        labels, values = cells[:3], cells[3:]
        a, b, c = labels
        if a.startswith("一、"):
            key = "new"
        elif a.startswith("二、"):
            key = "carried_from_last_year"
        elif a.startswith("四、"):
            key = "carried_over"
        elif b.startswith("（一）"):
            key = "result.disclosed"
        elif b.startswith("（二）"):
            key = "result.partially_disclosed"
        elif b.startswith("（七）"):
            key = "result.total"
        elif b == c:  # a merged label spanning both label columns: 2019's single （六）其他处理 row
            assert b == "（六）其他处理"
            key = "result.other"
        else:
            group = GROUPS[b]
            position = int(re.match(r"(\d+)\.", c).group(1)) - 1
            key = f"result.{group}.{REASONS[group][position]}"
        assert key not in rows
        rows[key] = values
    return rows


@pytest.mark.parametrize("doc,block", [t for t in TABLES if kind_of(t[1]) == "requests"],
                         ids=lambda x: getattr(x, "title", ""))
def test_requests_table_identities_and_expectations(doc: Document, block: Block) -> None:
    rows = requests_rows(block)
    value = {k: [number(v) if v else 0 for v in vals] for k, vals in rows.items()}
    results = [k for k in rows if k.startswith("result.") and k != "result.total"]
    assert len(results) == (19 if "result.other" in rows else 21)
    for col in range(7):
        assert value["new"][col] + value["carried_from_last_year"][col] == \
            value["result.total"][col] + value["carried_over"][col]
        assert value["result.total"][col] == sum(value[k][col] for k in results)
    for key, vals in value.items():
        assert vals[6] == sum(vals[:6]), key
    stats = doc.expected["stats"]
    for key, texts in rows.items():
        for col, text in zip(APPLICANT_COLS, texts):
            stat = f"requests.{key}.{col}"
            if text:
                assert stats[stat] == number(text), stat
            else:
                assert stat not in stats, f"empty cell {stat} must not be expected"
    assert stats["requests.received"] == value["new"][6]
    assert stats["requests.result.disclosed"] == value["result.disclosed"][6]


@pytest.mark.parametrize("doc,block", [t for t in TABLES if kind_of(t[1]) == "appeals"],
                         ids=lambda x: getattr(x, "title", ""))
def test_appeals_table_identities_and_expectations(doc: Document, block: Block) -> None:
    g = grid(block)
    assert g[1][5] == "未经复议直接起诉" and g[1][10] == "复议后起诉"
    texts = g[3]
    values = [number(t) if t else 0 for t in texts]
    stats = doc.expected["stats"]
    for i, prefix in enumerate(["reconsideration", "litigation.direct", "litigation.after_reconsideration"]):
        part = values[i * 5:(i + 1) * 5]
        assert part[4] == sum(part[:4])
        for j, suffix in enumerate(["upheld", "corrected", "other", "pending", "total"]):
            assert g[2][i * 5 + j] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"][j]
            if texts[i * 5 + j]:
                assert stats[f"{prefix}.{suffix}"] == part[j]
            else:
                assert f"{prefix}.{suffix}" not in stats
    assert stats["reconsideration.received"] == values[4]
    assert stats["litigation.received"] == values[9] + values[14]


@pytest.mark.parametrize("doc,block", [t for t in TABLES if kind_of(t[1]) == "proactive"],
                         ids=lambda x: getattr(x, "title", ""))
def test_proactive_table_cells_are_expected(doc: Document, block: Block) -> None:
    stats = doc.expected["stats"]
    header: list[str] = []
    checked = 0
    for cells in grid(block):
        if cells[0] == "信息内容" or cells[0].startswith("第二十条"):
            if cells[0] == "信息内容":
                header = cells
            continue
        prefix = PROACTIVE_ROWS.get(cells[0])
        seen = set()
        for head, text in zip(header[1:], cells[1:]):
            if head in seen:  # a value spanning several columns
                continue
            seen.add(head)
            if prefix is None:
                assert text == ""  # 其他对外管理服务事项: no canonical key, left empty
                continue
            key = f"{prefix}.{PROACTIVE_COLS[head]}"
            assert stats[key] == number(text), key
            checked += 1
    year = doc.report_year
    assert checked == (10 if year >= 2021 else 19)
