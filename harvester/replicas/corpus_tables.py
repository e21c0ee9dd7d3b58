"""The three standard tables of the national report format (2019 trial, 2021 revision).

Each builder draws plausible numbers from a seeded ``random.Random``, renders them as a
``Block(kind="table")`` with the real merged header cells, and returns the canonical statistics
of every non-empty cell, written from the same numbers (never parsed back from the output).
Numbers satisfy the table identities: per column 一 + 二 = 三(七) + 四, 总计 = sum of the six
applicant columns, 三(七) = sum of all result rows, each appeal total = sum of its four results.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .model import Block, Cell

#: 申请人情况 columns, in table order (总计 last).
APPLICANT_COLUMNS: tuple[str, ...] = (
    "natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org",
)
ALL_COLUMNS: tuple[str, ...] = APPLICANT_COLUMNS + ("total",)

NOT_DISCLOSED: tuple[tuple[str, str], ...] = (
    ("state_secret", "1.属于国家秘密"),
    ("prohibited_by_law", "2.其他法律行政法规禁止公开"),
    ("security_stability", "3.危及“三安全一稳定”"),
    ("third_party_rights", "4.保护第三方合法权益"),
    ("internal_affairs", "5.属于三类内部事务信息"),
    ("process_info", "6.属于四类过程性信息"),
    ("enforcement_files", "7.属于行政执法案卷"),
    ("query_matters", "8.属于行政查询事项"),
)
UNABLE: tuple[tuple[str, str], ...] = (
    ("not_held", "1.本机关不掌握相关政府信息"),
    ("needs_creation", "2.没有现成信息需要另行制作"),
    ("unclear", "3.补正后申请内容仍不明确"),
)
NOT_PROCESSED: tuple[tuple[str, str], ...] = (
    ("petition", "1.信访举报投诉类申请"),
    ("repeated", "2.重复申请"),
    ("publications", "3.要求提供公开出版物"),
    ("excessive", "4.无正当理由大量反复申请"),
    ("confirmation", "5.要求行政机关确认或重新出具已获取信息"),
)
OTHER_2021: tuple[tuple[str, str], ...] = (
    ("no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("no_fee_paid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other", "3.其他"),
)
TOP_LEFT = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPEAL_RESULTS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"),
    ("pending", "尚未审结"), ("total", "总计"),
)


def result_rows(fmt: int) -> list[str]:
    """Row keys of 三、本年度办理结果 (without result.total), in table order."""
    rows = ["result.disclosed", "result.partially_disclosed"]
    rows += [f"result.not_disclosed.{k}" for k, _ in NOT_DISCLOSED]
    rows += [f"result.unable.{k}" for k, _ in UNABLE]
    rows += [f"result.not_processed.{k}" for k, _ in NOT_PROCESSED]
    rows += ["result.other"] if fmt == 2019 else [f"result.other.{k}" for k, _ in OTHER_2021]
    return rows


def request_rows(fmt: int) -> list[str]:
    """All data row keys of the requests table, in table order."""
    return ["new", "carried_from_last_year", *result_rows(fmt), "result.total", "carried_over"]


@dataclass
class TableOutput:
    block: Block
    stats: dict[str, int | float] = field(default_factory=dict)
    #: every number of the table, including the ones rendered as empty cells (value 0)
    values: dict[str, int | float] = field(default_factory=dict)


def _num_cell(value: int | float, blank: bool) -> Cell:
    return Cell("" if blank else _fmt(value))


def _fmt(value: int | float) -> str:
    if isinstance(value, float):
        return format(value, ".6f").rstrip("0").rstrip(".")
    return str(value)


def _h(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell(text, rowspan=rowspan, colspan=colspan, header=True)


def _blank_policy(rng: random.Random) -> str:
    """How this body's table prints zeros: all as 0, all empty, or some of each."""
    return rng.choice(["zeros", "zeros", "blank", "mixed"])


def _is_blank(rng: random.Random, policy: str, value: int | float, is_total: bool) -> bool:
    # Totals are always printed; only zero cells may be left empty (an empty cell means 0).
    if is_total or value != 0:
        return False
    if policy == "blank":
        return True
    if policy == "mixed":
        return rng.random() < 0.5
    return False


# --------------------------------------------------------------------------- table 1 (主动公开)

def proactive_table(rng: random.Random, fmt: int, scale: float) -> TableOutput:
    """二、主动公开政府信息情况: the 第二十条 table of the 2019 or 2021 format."""
    out = TableOutput(Block(kind="table"))
    rows = out.block.rows
    big = scale >= 1

    def put(key: str, value: int | float) -> Cell:
        out.values[key] = value
        out.stats[key] = value
        return Cell(_fmt(value))

    def put_span(key: str, value: int | float, colspan: int) -> Cell:
        cell = put(key, value)
        cell.colspan = colspan
        return cell

    if fmt == 2021:
        rows.append([_h("第二十条第（一）项", colspan=4)])
        rows.append([_h("信息内容"), _h("本年制发件数"), _h("本年废止件数"), _h("现行有效件数")])
        for key, label in (("rules", "规章"), ("normative_documents", "行政规范性文件")):
            if key == "rules" and not big:
                # bodies without rule-making power print 0 (or leave the row empty)
                issued, repealed, in_force = 0, 0, 0
            elif key == "rules":
                issued, repealed = rng.randint(0, 4), rng.randint(0, 3)
                in_force = rng.randint(20, 60)
            else:
                issued = rng.randint(2, 40) if big else rng.randint(0, 3)
                repealed = rng.randint(0, 15) if big else rng.randint(0, 2)
                in_force = rng.randint(40, 260) if big else rng.randint(issued, issued + 12)
            rows.append([Cell(label), put(f"{key}.issued", issued), put(f"{key}.repealed", repealed),
                         put(f"{key}.in_force", in_force)])
        rows.append([_h("第二十条第（五）项", colspan=4)])
        rows.append([_h("信息内容"), _h("本年处理决定数量", colspan=3)])
        lic = rng.randint(800, 90000) if big else rng.randint(0, 60)
        rows.append([Cell("行政许可"), put_span("licensing.decisions", lic, 3)])
        rows.append([_h("第二十条第（六）项", colspan=4)])
        rows.append([_h("信息内容"), _h("本年处理决定数量", colspan=3)])
        pen = rng.randint(200, 30000) if big else rng.randint(0, 12)
        coe = rng.randint(0, 900) if big else 0
        rows.append([Cell("行政处罚"), put_span("penalties.decisions", pen, 3)])
        rows.append([Cell("行政强制"), put_span("coercive_measures.decisions", coe, 3)])
        rows.append([_h("第二十条第（八）项", colspan=4)])
        rows.append([_h("信息内容"), _h("本年收费金额（单位：万元）", colspan=3)])
        fee = round(rng.uniform(100, 30000), rng.choice([2, 4, 6])) if big else 0
        rows.append([Cell("行政事业性收费"), put_span("admin_fees.amount", fee, 3)])
        return out

    # 2019 trial format
    rows.append([_h("第二十条第（一）项", colspan=4)])
    rows.append([_h("信息内容"), _h("本年新制作数量"), _h("本年新公开数量"), _h("对外公开总数量")])
    for key, label in (("rules", "规章"), ("normative_documents", "规范性文件")):
        if key == "rules" and not big:
            made = published = total = 0
        else:
            made = rng.randint(1, 30) if big else rng.randint(0, 3)
            published = made - rng.randint(0, min(made, 2))
            total = published + (rng.randint(30, 300) if big else rng.randint(0, 10))
        rows.append([Cell(label), put(f"{key}.new_made", made), put(f"{key}.new_published", published),
                     put(f"{key}.total_published", total)])
    for item, blocks in (
        ("第二十条第（五）项", (("licensing", "行政许可"), (None, "其他对外管理服务事项"))),
        ("第二十条第（六）项", (("penalties", "行政处罚"), ("coercive_measures", "行政强制"))),
    ):
        rows.append([_h(item, colspan=4)])
        rows.append([_h("信息内容"), _h("上一年项目数量"), _h("本年增/减"), _h("处理决定数量")])
        for key, label in blocks:
            if key is None:
                # 其他对外管理服务事项 has no canonical key; real reports mostly leave it empty
                rows.append([Cell(label), Cell(""), Cell(""), Cell("")])
                continue
            prev = rng.randint(50, 900) if big else rng.randint(0, 8)
            change = rng.randint(-prev // 5, prev // 8) if prev else 0
            decisions = rng.randint(100, 50000) if big else rng.randint(0, 30)
            if key == "coercive_measures":
                decisions = rng.randint(0, 600) if big else 0
            rows.append([Cell(label), put(f"{key}.previous", prev), put(f"{key}.change", change),
                         put(f"{key}.decisions", decisions)])
    rows.append([_h("第二十条第（八）项", colspan=4)])
    rows.append([_h("信息内容"), _h("上一年项目数量"), _h("本年增/减", colspan=2)])
    prev = rng.randint(10, 120) if big else rng.randint(0, 3)
    change = rng.randint(-5, 3) if prev > 5 else 0
    rows.append([Cell("行政事业性收费"), put("admin_fees.previous", prev), put_span("admin_fees.change", change, 2)])
    rows.append([_h("第二十条第（九）项", colspan=4)])
    rows.append([_h("信息内容"), _h("采购项目数量"), _h("采购总金额", colspan=2)])
    projects = rng.randint(20, 800) if big else rng.randint(0, 6)
    amount = round(rng.uniform(2e5, 9e7), 2) if projects else 0
    out.values["procurement.projects"] = out.stats["procurement.projects"] = projects
    out.values["procurement.amount"] = out.stats["procurement.amount"] = amount
    # the amount carries its unit in the cell, as in real 2019 reports ("75394432.52元")
    rows.append([Cell("政府集中采购"), Cell(str(projects)), Cell(f"{_fmt(amount)}元", colspan=2)])
    return out


# --------------------------------------------------------------------------- table 3 (申请)

def _draw_request_numbers(rng: random.Random, fmt: int, scale: float) -> dict[str, dict[str, int]]:
    """numbers[row][column] for the six applicant columns, satisfying 一+二 = 三(七)+四."""
    results = result_rows(fmt)
    weights = {r: 0.0 for r in results}
    weights.update({
        "result.disclosed": 10, "result.partially_disclosed": 2.5,
        "result.not_disclosed.third_party_rights": 0.6, "result.not_disclosed.process_info": 0.5,
        "result.not_disclosed.internal_affairs": 0.3, "result.not_disclosed.prohibited_by_law": 0.2,
        "result.not_disclosed.query_matters": 0.3, "result.not_disclosed.enforcement_files": 0.2,
        "result.not_disclosed.security_stability": 0.1, "result.not_disclosed.state_secret": 0.05,
        "result.unable.not_held": 4, "result.unable.needs_creation": 1, "result.unable.unclear": 0.8,
        "result.not_processed.petition": 0.8, "result.not_processed.repeated": 0.8,
        "result.not_processed.publications": 0.2, "result.not_processed.excessive": 0.3,
        "result.not_processed.confirmation": 0.2,
    })
    if fmt == 2019:
        weights["result.other"] = 1.0
    else:
        weights.update({"result.other.no_correction": 0.8, "result.other.no_fee_paid": 0.1,
                        "result.other.other": 0.6})
    column_share = {"natural_person": 1.0, "commercial": 0.12, "research": 0.01, "nonprofit": 0.02,
                    "legal_services": 0.05, "other_org": 0.04}
    base = max(1, int(rng.randint(30, 400) * scale))
    numbers: dict[str, dict[str, int]] = {r: {} for r in request_rows(fmt)}
    for col in APPLICANT_COLUMNS:
        mean = base * column_share[col]
        new = max(0, int(rng.gauss(mean, mean / 3 + 0.5))) if mean >= 1 else int(rng.random() < mean * 4)
        carried = rng.randint(0, max(0, new // 12)) if new else 0
        carried_over = rng.randint(0, max(0, (new + carried) // 10)) if new + carried else 0
        done = new + carried - carried_over
        counts = dict.fromkeys(results, 0)
        for row in rng.choices(results, weights=[weights[r] for r in results], k=done):
            counts[row] += 1
        numbers["new"][col] = new
        numbers["carried_from_last_year"][col] = carried
        for row in results:
            numbers[row][col] = counts[row]
        numbers["result.total"][col] = done
        numbers["carried_over"][col] = carried_over
    for row in numbers:
        numbers[row]["total"] = sum(numbers[row][c] for c in APPLICANT_COLUMNS)
    return numbers


def requests_table(rng: random.Random, fmt: int, scale: float) -> TableOutput:
    """三、收到和处理政府信息公开申请情况: header rows, merged label cells, 7 numeric columns."""
    numbers = _draw_request_numbers(rng, fmt, scale)
    policy = _blank_policy(rng)
    out = TableOutput(Block(kind="table"))
    rows = out.block.rows
    rows.append([_h(TOP_LEFT, rowspan=3, colspan=3), _h("申请人情况", colspan=7)])
    rows.append([_h("自然人", rowspan=2), _h("法人或其他组织", colspan=5), _h("总计", rowspan=2)])
    rows.append([_h("商业企业"), _h("科研机构"), _h("社会公益组织"), _h("法律服务机构"), _h("其他")])

    def cells(row: str) -> list[Cell]:
        result = []
        for col in ALL_COLUMNS:
            value = numbers[row][col]
            out.values[f"requests.{row}.{col}"] = value
            blank = _is_blank(rng, policy, value, col == "total")
            if not blank:
                out.stats[f"requests.{row}.{col}"] = value
            result.append(_num_cell(value, blank))
        return result

    n_results = len(result_rows(fmt)) + 1  # + （七）总计
    rows.append([Cell("一、本年新收政府信息公开申请数量", colspan=3), *cells("new")])
    rows.append([Cell("二、上年结转政府信息公开申请数量", colspan=3), *cells("carried_from_last_year")])
    rows.append([Cell("三、本年度办理结果", rowspan=n_results), Cell("（一）予以公开", colspan=2),
                 *cells("result.disclosed")])
    rows.append([Cell("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", colspan=2),
                 *cells("result.partially_disclosed")])
    groups = [("（三）不予公开", "not_disclosed", NOT_DISCLOSED), ("（四）无法提供", "unable", UNABLE),
              ("（五）不予处理", "not_processed", NOT_PROCESSED)]
    if fmt == 2021:
        groups.append(("（六）其他处理", "other", OTHER_2021))
    for group_label, group_key, reasons in groups:
        for i, (reason, label) in enumerate(reasons):
            lead = [Cell(group_label, rowspan=len(reasons))] if i == 0 else []
            rows.append([*lead, Cell(label), *cells(f"result.{group_key}.{reason}")])
    if fmt == 2019:
        rows.append([Cell("（六）其他处理", colspan=2), *cells("result.other")])
    rows.append([Cell("（七）总计", colspan=2), *cells("result.total")])
    rows.append([Cell("四、结转下年度继续办理", colspan=3), *cells("carried_over")])
    out.stats["requests.received"] = numbers["new"]["total"]
    out.stats["requests.result.disclosed"] = numbers["result.disclosed"]["total"]
    return out


# --------------------------------------------------------------------------- table 4 (复议/诉讼)

def appeals_table(rng: random.Random, scale: float) -> TableOutput:
    """四、行政复议、行政诉讼: 5 + 5 + 5 numbers under merged group headers."""
    policy = _blank_policy(rng)
    out = TableOutput(Block(kind="table"))
    rows = out.block.rows
    rows.append([_h("行政复议", colspan=5), _h("行政诉讼", colspan=10)])
    rows.append([*(_h(label, rowspan=2) for _, label in APPEAL_RESULTS),
                 _h("未经复议直接起诉", colspan=5), _h("复议后起诉", colspan=5)])
    rows.append([*(_h(label) for _, label in APPEAL_RESULTS), *(_h(label) for _, label in APPEAL_RESULTS)])
    data: list[Cell] = []
    totals = {}
    for prefix, mean in (("reconsideration", 3), ("litigation.direct", 1.5),
                         ("litigation.after_reconsideration", 0.8)):
        n = max(0, int(rng.gauss(mean * scale, mean * scale / 2 + 0.3)))
        parts = dict.fromkeys(("upheld", "corrected", "other", "pending"), 0)
        for part in rng.choices(list(parts), weights=[6, 1, 1.5, 1.5], k=n):
            parts[part] += 1
        parts["total"] = n
        totals[prefix] = n
        for suffix, _ in APPEAL_RESULTS:
            value = parts[suffix]
            key = f"{prefix}.{suffix}"
            out.values[key] = value
            blank = _is_blank(rng, policy, value, suffix == "total")
            if not blank:
                out.stats[key] = value
            data.append(_num_cell(value, blank))
    rows.append(data)
    out.stats["reconsideration.received"] = totals["reconsideration"]
    out.stats["litigation.received"] = totals["litigation.direct"] + totals["litigation.after_reconsideration"]
    return out
