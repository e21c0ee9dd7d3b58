"""A body missing parts its own preface announces is flagged (a lost container, a cut page)."""

from __future__ import annotations

from .conftest import paragraphs, parse_html

PREFACE = "本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、存在的主要问题及改进情况共四个部分组成。"
PARTS = [
    "一、总体情况", "本年度我局认真落实条例，公开工作稳步推进。",
    "二、主动公开政府信息情况", "全年主动公开政府信息120条。",
    "三、收到和处理政府信息公开申请情况", "全年收到申请5件，均按时答复。",
    "四、存在的主要问题及改进情况", "公开内容还不够全面，下一步将加强培训。",
]


def test_a_whole_report_gets_no_warning():
    result = parse_html(paragraphs("\n".join([PREFACE, *PARTS])), title="某县2018年政府信息公开工作年度报告")
    assert result.kind == "report"
    assert not [w for w in result.item.warnings if w.startswith("body lacks")]


def test_a_report_cut_after_its_second_part_is_flagged():
    result = parse_html(paragraphs("\n".join([PREFACE, *PARTS[:4]])), title="某县2018年政府信息公开工作年度报告")
    warning = next(w for w in result.item.warnings if w.startswith("body lacks"))
    assert "2 of the 4 parts" in warning and "收到和处理政府信息公开申请情况" in warning
