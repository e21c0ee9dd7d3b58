"""Grid expansion and the standard tables of the national format (2019 trial and 2021)."""

from __future__ import annotations

from lxml import html

from harvester.parsing.tables import expand_table, read_tables

from .conftest import paragraphs, parse_html

COLUMNS = ("natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org", "total")


def _grid(markup: str) -> list[list[str]]:
    return expand_table(html.fromstring(markup))


def test_rowspan_and_colspan_are_expanded():
    grid = _grid("<table><tr><td rowspan='2' colspan='2'>A</td><td>B</td></tr><tr><td>C</td></tr>"
                 "<tr><td>D</td><td colspan='2'>E</td></tr></table>")
    assert grid == [["A", "A", "B"], ["A", "A", "C"], ["D", "E", "E"]]


def test_hostile_spans_are_bounded():
    grid = _grid("<table><tr><td rowspan='99999999' colspan='abc'>A</td></tr></table>")
    assert grid == [["A"]]


def request_table(rows: list[tuple[str, list[str]]], other_rows_2021: bool) -> str:
    """The 收到和处理政府信息公开申请情况 table with merged header and label cells."""
    out = [
        "<table border='1'>",
        "<tr><td rowspan='3' colspan='3'>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>"
        "<td colspan='7'>申请人情况</td></tr>",
        "<tr><td rowspan='2'>自然人</td><td colspan='5'>法人或其他组织</td><td rowspan='2'>总计</td></tr>",
        "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>",
    ]
    values = dict(rows)

    def cells(label: str) -> str:
        return "".join(f"<td>{v}</td>" for v in values.get(label, [""] * 7))

    out.append(f"<tr><td colspan='3'>一、本年新收政府信息公开申请数量</td>{cells('new')}</tr>")
    out.append(f"<tr><td colspan='3'>二、上年结转政府信息公开申请数量</td>{cells('last')}</tr>")
    result_rows = 22 if other_rows_2021 else 20
    out.append(f"<tr><td rowspan='{result_rows}'>三、本年度办理结果</td><td colspan='2'>（一）予以公开</td>{cells('disclosed')}</tr>")
    out.append(f"<tr><td colspan='2'>（二）部分公开（区分处理的，只计这一情形，不计其他情形）</td>{cells('partial')}</tr>")
    reasons = ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
               "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项"]
    for i, reason in enumerate(reasons):
        head = "<td rowspan='8'>（三）不予公开</td>" if i == 0 else ""
        out.append(f"<tr>{head}<td>{reason}</td>{cells(reason)}</tr>")
    for i, reason in enumerate(["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"]):
        head = "<td rowspan='3'>（四）无法提供</td>" if i == 0 else ""
        out.append(f"<tr>{head}<td>{reason}</td>{cells(reason)}</tr>")
    for i, reason in enumerate(["1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
                                "5.要求行政机关确认或重新出具已获取信息"]):
        head = "<td rowspan='5'>（五）不予处理</td>" if i == 0 else ""
        out.append(f"<tr>{head}<td>{reason}</td>{cells(reason)}</tr>")
    if other_rows_2021:
        other = ["1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                 "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他"]
        for i, reason in enumerate(other):
            head = "<td rowspan='3'>（六）其他处理</td>" if i == 0 else ""
            out.append(f"<tr>{head}<td>{reason}</td>{cells(reason)}</tr>")
    else:
        out.append(f"<tr><td colspan='2'>（六）其他处理</td>{cells('other')}</tr>")
    out.append(f"<tr><td colspan='2'>（七）总计</td>{cells('total')}</tr>")
    out.append(f"<tr><td colspan='3'>四、结转下年度继续办理</td>{cells('over')}</tr>")
    out.append("</table>")
    return "".join(out)


def _stats(markup: str) -> tuple[dict, list[str]]:
    tables = read_tables([_grid(markup)])
    return {s.key: s.value for s in tables.stats}, tables.warnings


ROWS_2021 = [
    ("new", ["10", "2", "", "0", "1", "0", "13"]),
    ("last", ["1", "0", "", "", "", "", "1"]),
    ("disclosed", ["5", "1", "", "", "", "", "6"]),
    ("partial", ["1", "", "", "", "", "", "1"]),
    ("4.保护第三方合法权益", ["1", "", "", "", "", "", "1"]),
    ("1.本机关不掌握相关政府信息", ["2", "1", "", "", "1", "", "4"]),
    ("2.重复申请", ["1", "", "", "", "", "", "1"]),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", ["0", "", "", "", "", "", "0"]),
    ("total", ["10", "2", "", "", "1", "", "13"]),
    ("over", ["1", "0", "", "0", "", "0", "1"]),
]


def test_request_table_2021_cell_by_cell():
    stats, warnings = _stats(request_table(ROWS_2021, other_rows_2021=True))
    assert warnings == []
    assert stats["requests.new.natural_person"] == 10
    assert stats["requests.new.legal_services"] == 1
    assert stats["requests.new.total"] == 13
    assert "requests.new.research" not in stats  # empty cell: absent, not 0
    assert stats["requests.carried_from_last_year.total"] == 1
    assert stats["requests.result.disclosed.commercial"] == 1
    assert stats["requests.result.partially_disclosed.natural_person"] == 1
    assert stats["requests.result.not_disclosed.third_party_rights.total"] == 1
    assert stats["requests.result.unable.not_held.legal_services"] == 1
    assert stats["requests.result.not_processed.repeated.natural_person"] == 1
    assert stats["requests.result.other.no_fee_paid.natural_person"] == 0
    assert stats["requests.result.total.total"] == 13
    assert stats["requests.carried_over.natural_person"] == 1
    # era-independent summary keys
    assert stats["requests.received"] == 13
    assert stats["requests.result.disclosed"] == 6
    assert stats["requests.carried_over"] == 1


def test_request_table_2019_single_other_row():
    rows = [("new", ["3", "", "", "", "", "", "3"]), ("disclosed", ["2", "", "", "", "", "", "2"]),
            ("other", ["1", "", "", "", "", "", "1"]), ("total", ["3", "", "", "", "", "", "3"])]
    stats, warnings = _stats(request_table(rows, other_rows_2021=False))
    assert stats["requests.result.other.natural_person"] == 1
    assert stats["requests.result.other.total"] == 1
    assert not any(k.startswith("requests.result.other.no_") for k in stats)
    assert warnings == []


def test_failed_identities_warn():
    bad = list(ROWS_2021)
    bad[0] = ("new", ["10", "2", "", "0", "1", "0", "14"])  # 总计 != sum of columns, and 一+二 != 七+四
    _stats_, warnings = _stats(request_table(bad, other_rows_2021=True))
    assert any("row new: columns add up to 13, 总计 says 14" in w for w in warnings)
    assert any("column total" in w and "本年新收 14" in w for w in warnings)


def test_proactive_table_2021():
    markup = """<table>
    <tr><td colspan="4">第二十条第（一）项</td></tr>
    <tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
    <tr><td>规章</td><td>0</td><td>0</td><td>3</td></tr>
    <tr><td>行政规范性文件</td><td>12</td><td></td><td>45</td></tr>
    <tr><td colspan="4">第二十条第（五）项</td></tr>
    <tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>
    <tr><td>行政许可</td><td colspan="3">1523</td></tr>
    <tr><td colspan="4">第二十条第（六）项</td></tr>
    <tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>
    <tr><td>行政处罚</td><td colspan="3">88</td></tr>
    <tr><td>行政强制</td><td colspan="3">4</td></tr>
    <tr><td colspan="4">第二十条第（八）项</td></tr>
    <tr><td>信息内容</td><td colspan="3">本年收费金额（单位：万元）</td></tr>
    <tr><td>行政事业性收费</td><td colspan="3">24252.311082</td></tr>
    </table>"""
    tables = read_tables([_grid(markup)])
    stats = {s.key: s for s in tables.stats}
    assert {k: s.value for k, s in stats.items()} == {
        "rules.issued": 0, "rules.repealed": 0, "rules.in_force": 3,
        "normative_documents.issued": 12, "normative_documents.in_force": 45,
        "licensing.decisions": 1523, "penalties.decisions": 88, "coercive_measures.decisions": 4,
        "admin_fees.amount": 24252.311082,
    }
    assert stats["admin_fees.amount"].unit == "万元"


def test_proactive_table_2019_trial_format():
    markup = """<table>
    <tr><th colspan="4">第二十条第（一）项</th></tr>
    <tr><th>信息内容</th><th>本年新制作数量</th><th>本年新公开数量</th><th>对外公开总数量</th></tr>
    <tr><td>规范性文件</td><td>2</td><td>2</td><td>3</td></tr>
    <tr><th colspan="4">第二十条第（五）项</th></tr>
    <tr><th>信息内容</th><th>上一年项目数量</th><th>本年增/减</th><th>处理决定数量</th></tr>
    <tr><td>行政许可</td><td>4</td><td>-1</td><td>27</td></tr>
    <tr><th colspan="4">第二十条第（九）项</th></tr>
    <tr><th>信息内容</th><th>采购项目数量</th><th colspan="2">采购总金额</th></tr>
    <tr><td>政府集中采购</td><td>5</td><td colspan="2">251000元</td></tr>
    </table>"""
    stats = {s.key: s for s in read_tables([_grid(markup)]).stats}
    assert stats["normative_documents.new_made"].value == 2
    assert stats["normative_documents.total_published"].value == 3
    assert stats["licensing.previous"].value == 4
    assert stats["licensing.change"].value == -1
    assert stats["licensing.decisions"].value == 27
    assert stats["procurement.projects"].value == 5
    assert (stats["procurement.amount"].value, stats["procurement.amount"].unit) == (251000, "元")


APPEAL_HEADER = """<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>
<tr><td rowspan="2">结果维持</td><td rowspan="2">结果纠正</td><td rowspan="2">其他结果</td><td rowspan="2">尚未审结</td>
<td rowspan="2">总计</td><td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>
<tr>""" + "<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>" * 2 + "</tr>"


def test_appeal_table_with_empty_cells():
    values = ["1", "", "", "1", "2", "", "", "1", "", "1", "0", "", "", "", "0"]
    markup = "<table>" + APPEAL_HEADER + "<tr>" + "".join(f"<td>{v}</td>" for v in values) + "</tr></table>"
    stats, warnings = _stats(markup)
    assert warnings == []
    assert stats["reconsideration.upheld"] == 1
    assert "reconsideration.corrected" not in stats
    assert stats["reconsideration.total"] == 2
    assert stats["litigation.direct.other"] == 1
    assert stats["litigation.after_reconsideration.total"] == 0
    assert stats["reconsideration.received"] == 2
    assert stats["litigation.received"] == 1


def test_appeal_table_failed_identity():
    values = ["1", "1", "0", "0", "5"] + ["0"] * 10
    markup = "<table>" + APPEAL_HEADER + "<tr>" + "".join(f"<td>{v}</td>" for v in values) + "</tr></table>"
    _stats_, warnings = _stats(markup)
    assert warnings == ["appeal table: reconsideration: parts add up to 2, 总计 says 5"]


def test_standard_tables_in_a_report_page():
    body = paragraphs("""
        某区人民政府2021年政府信息公开工作年度报告
        本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。
        一、总体情况
        二、主动公开政府信息情况
        三、收到和处理政府信息公开申请情况
    """) + request_table(ROWS_2021, other_rows_2021=True) + paragraphs("""
        四、政府信息公开行政复议、行政诉讼情况
        五、存在的主要问题及改进情况
        存在的问题是宣传不够。
        六、其他需要报告的事项
        本年度未收取信息处理费。
        某区人民政府
        2022年1月20日
    """)
    result = parse_html(body)
    assert result.kind == "report"
    stats = {s.key: s for s in result.item.stats}
    assert stats["requests.new.total"].source == "table"
    assert stats["requests.new.total"].section == "收到和处理政府信息公开申请情况"
    assert stats["requests.received"].value == 13
    assert result.item.tables and result.item.tables[0]["rows"][0][0].startswith("（本列数据")
    assert not any("table" in w for w in result.item.warnings)


# --- layouts as real sites print them (issue 10 part 3) ---------------------------------------
# Each test builds a small table in one layout family seen on real report pages (see
# tests/parsing/fixtures/real_formats/post2019/ for whole pages and the real pages they follow).

from harvester.parsing.tables import table_kinds  # noqa: E402

HEADER_NO_SPANS = (
    "<tr><td>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td>申请人情况</td></tr>"
    "<tr><td>自然人</td><td>法人或其他组织</td><td>总计</td></tr>"
    "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"
)


def _row(*cells: str) -> str:
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def _read(*markups: str):
    tables = read_tables([_grid(m) for m in markups])
    return {s.key: s.value for s in tables.stats}, tables.warnings


def test_request_table_whose_merged_cells_are_missing():
    """No rowspan/colspan anywhere: the header rows have 2, 3 and 5 cells over a 10-column grid and
    group cells print only on their first row. Seven value cells are read in the form's order."""
    markup = ("<table>" + HEADER_NO_SPANS
              + _row("一、本年新收政府信息公开申请数量", "4", "1", "0", "0", "0", "0", "5")
              + _row("三、本年度办理结果", "（一）予以公开", "3", "1", "0", "0", "0", "0", "4")
              + _row("（三）不予公开", "1.属于国家秘密", "0", "0", "0", "0", "0", "0", "0")
              + _row("4.保护第三方合法权益", "1", "0", "0", "0", "0", "0", "1")
              + _row("（七）总计", "4", "1", "0", "0", "0", "0", "5") + "</table>")
    stats, warnings = _read(markup)
    assert stats["requests.new.natural_person"] == 4
    assert stats["requests.new.commercial"] == 1
    assert stats["requests.new.total"] == 5
    assert stats["requests.result.disclosed.commercial"] == 1
    assert stats["requests.result.not_disclosed.third_party_rights.total"] == 1  # group kept from the row above
    assert stats["requests.result.total.total"] == 5
    assert warnings == []


def test_request_rows_keep_their_group_when_its_rowspan_is_short():
    """（三）不予公开 spans 2 rows but heads 3; （六）其他处理's 3.其他 row also lost its group cell."""
    rows = (_row("（一）予以公开", "1", "", "", "", "", "", "1")
            + "<tr><td rowspan='2'>（三）不予公开</td><td>1.属于国家秘密</td>" + "<td>0</td>" * 7 + "</tr>"
            + _row("2.其他法律行政法规禁止公开", "0", "", "", "", "", "", "0")
            + _row("3.危及“三安全一稳定”", "2", "", "", "", "", "", "2")
            + "<tr><td rowspan='2'>（六）其他处理</td><td>1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请</td>"
            + "<td>1</td>" + "<td></td>" * 5 + "<td>1</td></tr>"
            + _row("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "0", "", "", "", "", "", "0")
            + _row("3.其他", "5", "", "", "", "", "", "5"))
    stats, _warnings = _read("<table>" + HEADER_NO_SPANS + rows + "</table>")
    assert stats["requests.result.not_disclosed.security_stability.natural_person"] == 2
    assert stats["requests.result.other.no_correction.total"] == 1
    assert stats["requests.result.other.other.total"] == 5
    assert "requests.result.disclosed.commercial" not in stats  # empty: absent, not 0


def test_request_table_split_in_two_tables_and_repeated_header():
    """A page break cut the table: the second <table> has no header (or repeats it) and its first
    rows lost their group cell; its rows still belong to the request table."""
    first = ("<table>" + HEADER_NO_SPANS
             + _row("一、本年新收政府信息公开申请数量", "6", "0", "0", "0", "0", "0", "6")
             + _row("（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                    "0", "0", "0", "0", "0", "0", "0") + "</table>")
    second = ("<table>" + _row("", "3.其他", "2", "0", "0", "0", "0", "0", "2")
              + _row("（七）总计", "6", "0", "0", "0", "0", "0", "6")
              + _row("四、结转下年度继续办理", "0", "0", "0", "0", "0", "0", "0") + "</table>")
    assert table_kinds([_grid(first), _grid(second)]) == ["requests", "requests"]
    stats, _warnings = _read(first, second)
    assert stats["requests.result.other.other.natural_person"] == 2
    assert stats["requests.result.total.total"] == 6
    assert stats["requests.carried_over.total"] == 0
    repeated = first.replace("</table>", HEADER_NO_SPANS + _row("（七）总计", "6", "0", "0", "0", "0", "0", "6") + "</table>")
    stats, _warnings = _read(repeated)
    assert stats["requests.result.total.natural_person"] == 6


def test_a_table_of_reason_rows_alone_is_not_a_request_table():
    lone = "<table>" + _row("3.其他", "2", "0", "0", "0", "0", "0", "2") + "</table>"
    assert table_kinds([_grid(lone)]) == [None]


def test_only_natural_person_and_total_filled_and_not_applicable_marks():
    rows = (_row("一、本年新收政府信息公开申请数量", "3", "", "/", "—", "-", "——", "3")
            + _row("（一）予以公开", "3", "", "", "", "", "", "3"))
    stats, _warnings = _read("<table>" + HEADER_NO_SPANS + rows + "</table>")
    assert {k: v for k, v in stats.items() if k.startswith("requests.new.")} == {
        "requests.new.natural_person": 3, "requests.new.total": 3}


def test_a_row_that_dropped_its_empty_cells_reads_natural_person_and_total():
    """Two value cells and no more (the empty cells in between not printed at all): the grid pads
    the short row with "", which is not taken for seven printed cells."""
    markup = ("<table>" + HEADER_NO_SPANS + _row("一、本年新收政府信息公开申请数量", "2", "2")
              + _row("（一）予以公开", "7", "1", "8") + "</table>")
    stats, warnings = _read(markup)
    assert stats["requests.new.natural_person"] == 2 and stats["requests.new.total"] == 2
    assert not any(k.startswith("requests.result.disclosed.") for k in stats)  # 3 cells: ambiguous, skipped
    assert any("row new: 2 value cells read as 自然人 and 总计" in w for w in warnings)
    assert any("row result.disclosed: 3 value cells" in w for w in warnings)


def test_summary_keys_completed_and_not_disclosed():
    stats, _warnings = _stats(request_table(ROWS_2021, other_rows_2021=True))
    assert stats["requests.completed"] == 13  # 三(七)总计
    assert stats["requests.result.not_disclosed"] == 1  # the eight 不予公开 reasons' totals
    rows = [("new", ["1", "", "", "", "", "", "1"]), ("total", ["1", "", "", "", "", "", "1"])]
    stats, _warnings = _stats(request_table(rows, other_rows_2021=True))
    assert "requests.result.not_disclosed" not in stats  # no reason cell printed: nothing to add up


def test_word_exported_cells_and_numbers_split_into_spans():
    digit = "<span lang=EN-US style='font-size:10.5pt;font-family:仿宋_GB2312'>{}</span>"
    cell = "<td style='border:solid windowtext 1.0pt'><p class=MsoNormal align=center><font size=2>{}</font><o:p></o:p></p></td>"
    value = cell.format("".join(digit.format(ch) for ch in "1,234"))
    markup = ("<table class=MsoNormalTable>" + HEADER_NO_SPANS + "<tr>" + cell.format("一、本年新收政府信息公开申请数量")
              + value + cell.format("&nbsp;") * 5 + value + "</tr></table>")
    stats, _warnings = _read(markup)
    assert stats["requests.new.natural_person"] == 1234
    assert stats["requests.new.total"] == 1234
    assert "requests.new.commercial" not in stats


def test_proactive_block_as_four_small_tables_without_spans():
    tables = [
        "<table>" + _row("第二十条第（一）项") + _row("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")
        + _row("规章", "/", "/", "/") + _row("行政规范性文件", "2", "0", "17") + "</table>",
        "<table>" + _row("第二十条第（五）项") + _row("信息内容", "本年处理决定数量") + _row("行政许可", "1,052") + "</table>",
        "<table>" + _row("第二十条第（六）项") + _row("信息内容", "本年处理决定数量") + _row("行政处罚", "31")
        + _row("行政强制", "—") + "</table>",
        "<table>" + _row("第二十条第（八）项") + _row("信息内容", "本年收费金额（单位：万元）") + _row("行政事业性收费", "2,365.4") + "</table>",
    ]
    grids = [_grid(t) for t in tables]
    assert table_kinds(grids) == ["proactive"] * 4
    result = read_tables(grids)
    stats = {s.key: s for s in result.stats}
    assert {k: s.value for k, s in stats.items()} == {
        "normative_documents.issued": 2, "normative_documents.repealed": 0, "normative_documents.in_force": 17,
        "licensing.decisions": 1052, "penalties.decisions": 31, "admin_fees.amount": 2365.4}
    assert stats["admin_fees.amount"].unit == "万元"


def test_proactive_block_without_its_own_header_uses_the_form_columns():
    markup = "<table>" + _row("第二十条第（六）项") + _row("行政处罚", "9") + _row("行政强制", "2") + "</table>"
    stats, _warnings = _read(markup)
    assert stats == {"penalties.decisions": 9, "coercive_measures.decisions": 2}


def test_trial_format_change_printed_in_words_and_unit_in_brackets():
    markup = ("<table>" + _row("第二十条第（五）项") + _row("信息内容", "上一年项目数量", "本年增/减", "处理决定数量")
              + _row("行政许可", "58", "减2", "27,411") + _row("其他对外管理服务事项", "3", "增1", "40")
              + _row("第二十条第（六）项") + _row("信息内容", "上一年项目数量", "本年增/减", "处理决定数量")
              + _row("行政处罚", "12", "增6", "1,482")
              + _row("第二十条第（九）项") + _row("信息内容", "采购项目数量", "采购总金额（万元）")
              + _row("政府集中采购", "39", "1,268.5") + "</table>")
    stats = {s.key: s for s in read_tables([_grid(markup)]).stats}
    assert stats["licensing.change"].value == -2
    assert stats["licensing.decisions"].value == 27411
    assert stats["penalties.change"].value == 6
    assert (stats["procurement.amount"].value, stats["procurement.amount"].unit) == (1268.5, "万元")


def test_appeal_table_without_spans_and_split_from_its_header():
    head_no_spans = (_row("行政复议", "行政诉讼")
                     + _row("结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉")
                     + _row(*(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2)))
    values = ["2", "1", "0", "0", "3", "1", "0", "0", "0", "1", "0", "0", "0", "0", "0"]
    stats, warnings = _read("<table>" + head_no_spans + _row(*values) + "</table>")
    assert stats["reconsideration.upheld"] == 2 and stats["reconsideration.total"] == 3
    assert stats["litigation.direct.upheld"] == 1 and stats["litigation.direct.total"] == 1
    assert stats["litigation.after_reconsideration.total"] == 0
    assert stats["litigation.received"] == 1
    assert warnings == []
    header_table, value_table = "<table>" + APPEAL_HEADER + "</table>", "<table>" + _row(*values) + "</table>"
    assert table_kinds([_grid(header_table), _grid(value_table)]) == ["appeals", "appeals"]
    stats, _warnings = _read(header_table, value_table)
    assert stats["reconsideration.total"] == 3 and stats["litigation.direct.upheld"] == 1


def test_a_grid_knows_where_short_rows_end():
    grid = _grid("<table><tr><td colspan='3'>a</td></tr><tr><td>b</td></tr><tr><td rowspan='2'>c</td><td>d</td></tr><tr><td>e</td></tr></table>")
    assert grid == [["a", "a", "a"], ["b", "", ""], ["c", "d", ""], ["c", "e", ""]]
    assert grid.ends == [3, 1, 2, 2]


def test_group_label_on_a_row_of_its_own():
    """Some sites print （六）其他处理 as a label-only row above its three reasons."""
    rows = (_row("（六）其他处理")
            + _row("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "1", "", "", "", "", "", "1")
            + _row("3.其他", "2", "", "", "", "", "", "2"))
    stats, _warnings = _read("<table>" + HEADER_NO_SPANS + rows + "</table>")
    assert stats["requests.result.other.no_correction.total"] == 1
    assert stats["requests.result.other.other.total"] == 2
