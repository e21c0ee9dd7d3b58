"""Section tree, closing lines, prose statistics, none-happened wording, flattened tables."""

from __future__ import annotations

import pytest

from harvester.parsing.sections import build_sections, find_headings, match_heading
from harvester.parsing.stats_text import flattened_stats, prose_stats
from harvester.parsing.title import find_closing, title_from_lines

from .conftest import paragraphs, parse_html


def test_heading_levels_and_titles():
    assert match_heading("一、概述")[:3] == (1, 1, "概述")
    assert match_heading("二、主要工作:")[:3] == (1, 2, "主要工作")
    assert match_heading("（一）政府信息主动公开情况。自条例颁布以来")[::2] == (2, "政府信息主动公开情况")
    assert match_heading("（一）政府信息主动公开情况。自条例颁布以来")[3] == "自条例颁布以来"
    assert match_heading("(四)、加强电子政务平台建设。为配合")[2] == "加强电子政务平台建设"
    assert match_heading("1.政府网站。为推进政府上网工程")[:3] == (3, 1, "政府网站")
    assert match_heading("②整合资源，打造市政府网站群。目前")[:2] == (4, 2)
    assert match_heading("十一、其他")[:2] == (1, 11)


@pytest.mark.parametrize("line", ["一是加强领导，成立组织机构。", "2009年，我市严格按照条例", "3.6万份公报", "收费\t0\t0"])
def test_not_headings(line):
    assert match_heading(line) is None


def test_section_tree_and_out_of_sequence_rows():
    lines = [
        "前言。", "一、概述", "正文一。", "（一）组织领导", "一是加强领导。", "1.完善机制", "①明确分工", "文字。",
        "二、主动公开政府信息情况", "文字二。", "三、存在问题", "文字三。",
        "一、本年新收政府信息公开申请数量",  # a flattened table row: out of sequence, not a section
    ]
    headings = find_headings(lines)
    assert [(h.level, h.title) for h in headings] == [
        (1, "概述"), (2, "组织领导"), (3, "完善机制"), (4, "明确分工"), (1, "主动公开政府信息情况"), (1, "存在问题"),
    ]
    sections = build_sections(lines, headings)
    assert sections[0].text == "正文一。"
    assert sections[1].text == "一是加强领导。"
    assert sections[-1].text.endswith("一、本年新收政府信息公开申请数量")


def test_closing_with_signature_and_chinese_numeral_date():
    lines = ["三、存在问题", "正文。", "附件：统计报表", "二○一○年三月四日", "填报时间:201033"]
    closing = find_closing(lines, 0)
    assert closing.signed_date == "2010-03-04" and closing.line_index == 3 and closing.signature is None
    closing = find_closing(["正文。", "玉溪市人民政府", "", "2018年2月23日", "填报日期:2018年2月14日"], 0)
    assert (closing.signed_date, closing.signature) == ("2018-02-23", "玉溪市人民政府")
    closing = find_closing(["正文。", "肇庆市人民政府办公室  2015年3月20日"], 0)
    assert (closing.signed_date, closing.signature) == ("2015-03-20", "肇庆市人民政府办公室")


def test_title_split_over_two_lines_is_joined():
    assert title_from_lines(["玉溪市", "2017年政府信息公开工作年度报告", "正文。"]) == "玉溪市2017年政府信息公开工作年度报告"
    assert title_from_lines(["攀枝花市人民政府", "关于2009年度政府信息公开工作的报告"]) == "攀枝花市人民政府关于2009年度政府信息公开工作的报告"


def _stats(text: str) -> dict:
    return {f.key: (f.value, f.unit) for f in prose_stats(text.strip().splitlines())}


@pytest.mark.parametrize(
    "sentence, key, value, unit",
    [
        ("2016年全区主动公开政府信息3460条。", "proactive.total", 3460, "条"),
        ("我市主动公开的信息15146条，其中政策法规312条。", "proactive.total", 15146, "条"),
        ("自条例颁布以来，我市累计主动公开信息数量190441条。", "proactive.cumulative", 190441, "条"),
        ("其中：主动公开规范性文件数22条。", "proactive.normative_documents", 22, "条"),
        ("通过政府网站公开政府信息数94802条。", "proactive.via.website", 94802, "条"),
        ("通过政府公报公开政府信息数82条。", "proactive.via.gazette", 82, "条"),
        ("通过政务微博公开政府信息数3353条。", "proactive.via.weibo", 3353, "条"),
        ("通过政务微信公开政府信息数16617条。", "proactive.via.wechat", 16617, "条"),
        ("通过其他方式公开信息数104118条。", "proactive.via.other", 104118, "条"),
        ("全市发布政策解读稿件749篇。", "proactive.policy_interpretations", 749, "篇"),
        ("组织召开新闻发布会共10期。", "press_conferences", 10, "期"),
        ("共收到有关政府信息公开的申请21条，其中当面申请数18条。", "requests.received", 21, "条"),
        ("共收到并及时处理政府信息依申请公开11宗。", "requests.received", 11, "宗"),
        ("接到依申请公开政府信息22起。", "requests.received", 22, "起"),
        ("本年度共受理政府信息公开申请50件，已办结申请48件，结转下年度2件。", "requests.completed", 48, "件"),
        ("本年度共受理政府信息公开申请50件，已办结申请48件，结转下年度2件。", "requests.carried_over", 2, "件"),
        ("（其中通过网上管理系统申请2宗，当面申请7宗，信函2宗）", "requests.channel.online", 2, "宗"),
        ("（其中通过网上管理系统申请2宗，当面申请7宗，信函2宗）", "requests.channel.in_person", 7, "宗"),
        ("（其中通过网上管理系统申请2宗，当面申请7宗，信函2宗）", "requests.channel.letter", 2, "宗"),
        ("其他形式申请3件。", "requests.channel.other", 3, "件"),
        ("同意公开答复数17条，同意部分公开答复数2条，不予公开3条。", "requests.result.disclosed", 17, "条"),
        ("同意公开答复数17条，同意部分公开答复数2条，不予公开3条。", "requests.result.partially_disclosed", 2, "条"),
        ("同意公开答复数17条，同意部分公开答复数2条，不予公开3条。", "requests.result.not_disclosed", 3, "条"),
        ("申请公开信息不存在作出答复1件。", "requests.result.not_exist", 1, "件"),
        ("非本机关掌握信息4件。", "requests.result.not_our_agency", 4, "件"),
        ("被申请行政复议1件，提起行政诉讼2件，申诉0件。", "reconsideration.received", 1, "件"),
        ("被申请行政复议1件，提起行政诉讼2件，申诉0件。", "litigation.received", 2, "件"),
        ("被申请行政复议1件，提起行政诉讼2件，申诉0件。", "complaints.received", 0, "件"),
        ("收取检索、复制、邮寄等费用120元。", "fees.collected", 120, "元"),
        ("减免费用1.5万元。", "fees.waived", 1.5, "万元"),
    ],
)
def test_prose_statistic_per_key(sentence, key, value, unit):
    assert _stats(sentence)[key] == (value, unit)


def test_numbers_without_a_unit_are_not_statistics_and_approximations_are_flagged():
    assert _stats("受理办结率达100%。新闻发布会若干次。") == {}
    found = {f.key: f for f in prose_stats(["主动公开各类政务信息320余条。"])}
    assert (found["proactive.total"].value, found["proactive.total"].approximate) == (320, True)


def test_number_after_the_keyword_beats_an_earlier_sub_event():
    stats = _stats("在灾害中，我市召开了3场新闻发布会。\n全年先后召开了各类新闻发布会23场。")
    assert stats["press_conferences"] == (23, "场")


@pytest.mark.parametrize(
    "sentence, zero_keys, absent_keys",
    [
        ("2013年度没有收到公民、法人或其他组织提出的政府信息公开申请。", {"requests.received"}, {"reconsideration.received"}),
        ("本年度未收到政府信息公开申请。", {"requests.received"}, set()),
        ("没有收到有关政府信息公开而引起的行政复议、诉讼和申诉。", {"reconsideration.received", "litigation.received",
                                                    "complaints.received"}, {"requests.received"}),
        ("未发生因政府信息公开申请行政复议、提起行政诉讼的情况。", {"reconsideration.received", "litigation.received"},
         {"requests.received", "complaints.received"}),
        ("依法依规做好依申请公开工作，没有收取任何费用。", {"fees.collected"}, {"requests.received"}),
        ("未出现依申请公开事项引起的失密泄密等案件。", set(), {"requests.received"}),
    ],
)
def test_none_happened_wording(sentence, zero_keys, absent_keys):
    stats = _stats(sentence)
    for key in zero_keys:
        assert stats[key] == (0, None), key
    for key in absent_keys:
        assert key not in stats


def test_none_happened_never_overrides_a_number():
    stats = _stats("全年收到政府信息公开申请5件。\n未收到政府信息公开申请的部门有3个。")
    assert stats["requests.received"] == (5, "件")


def test_flattened_label_value_lines():
    lines = """累计主动公开政府信息数量(单位:条)
190441
本年度主动公开政府信息更新(含新增和变更)数量(单位:条)
75954
收到政府信息公开申请数量(单位:件)
12
申请方式
现场书面申请数量(单位:件)
0
网络申请数量(单位:件)
3
公开信息数量(单位:件)
10
不予公开信息数量(单位:件)
2
全年收费金额(单位:元)
0
收到政府信息公开行政复议申请数量(单位:件)
0
全年召开新闻发布会数量(单位:次)
23
主动公开信息数量(单位:条)
6440""".splitlines()
    stats = {f.key: (f.value, f.unit) for f in flattened_stats(lines)}
    assert stats == {
        "proactive.cumulative": (190441, "条"),
        "proactive.total": (75954, "条"),  # the later 灾后 block does not override it
        "requests.received": (12, "件"),
        "requests.channel.in_person": (0, "件"),
        "requests.channel.online": (3, "件"),
        "requests.result.disclosed": (10, "件"),
        "requests.result.not_disclosed": (2, "件"),
        "fees.collected": (0, "元"),
        "reconsideration.received": (0, "件"),
        "press_conferences": (23, "次"),
    }


def test_ambiguous_label_needs_the_request_part():
    stats = {f.key for f in flattened_stats(["公开信息数量(单位:件)", "10"])}
    assert "requests.result.disclosed" not in stats


def test_stats_carry_label_source_and_section():
    body = paragraphs("""
        某市2015年政府信息公开工作年度报告
        本报告所列数据的统计期限自2015年1月1日起至2015年12月31日止。
        一、概述
        全年工作有序推进。
        二、主动公开政府信息情况
        2015年，全市主动公开政府信息1200条，召开新闻发布会8场。
        三、依申请公开政府信息情况
        全年共收到政府信息公开申请6件，其中当面申请4件，网上申请1件，信函申请1件。
        四、行政复议、行政诉讼情况
        未发生因政府信息公开引起的行政复议和行政诉讼。
        五、存在的主要问题及改进措施
        宣传力度不够。
        某市人民政府
        2016年3月1日
    """)
    result = parse_html(body)
    assert result.kind == "report"
    stats = {s.key: s for s in result.item.stats}
    total = stats["proactive.total"]
    assert (total.value, total.unit, total.source, total.section) == (1200, "条", "text", "主动公开政府信息情况")
    assert "1200条" in total.label
    assert stats["requests.received"].section == "依申请公开政府信息情况"
    assert stats["reconsideration.received"].value == 0
    assert stats["litigation.received"].value == 0
    # channels add up, closing present; 某市 is no division, so the region is unknown and said so
    assert result.item.warnings == ["region: no administrative division named on the page"]
    assert result.item.region is None


def test_subcounts_that_do_not_add_up_warn():
    body = paragraphs("""
        某市2015年政府信息公开工作年度报告
        本报告所列数据的统计期限自2015年1月1日起至2015年12月31日止。
        一、概述
        二、依申请公开政府信息情况
        全年共收到政府信息公开申请6件，其中当面申请5件，网上申请3件。
        三、存在的主要问题及改进措施
        宣传力度不够。
        某市人民政府
        2016年3月1日
    """)
    warnings = parse_html(body).item.warnings
    assert any("more than the 6 requests" in w for w in warnings)


def test_truncated_text_and_lost_characters_warn():
    body = paragraphs("""
        某市2015年政府信息公开工作年度报告
        本报告所列数据的统计期限自2015年1月1日起至2015年12月31日止。
        一、概述
        在“7?27”山洪中及时发布信息。
        二、主动公开政府信息情况
        全年主动公开政府信息100条。
        三、存在的主要问题及改进措施
        分类做好信息公开工作培训，全面提高
    """)
    warnings = parse_html(body).item.warnings
    assert any(w.startswith("text looks truncated") for w in warnings)
    assert any("lost characters" in w and "7?27" in w for w in warnings)
