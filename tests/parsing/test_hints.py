"""Registry hints are applied after parsing, visibly, and never override what the page says."""

from __future__ import annotations

from harvester.sites import SITES

from .conftest import paragraphs, parse_html

REPORT = paragraphs("""
    一、概述
    本年度我局政府信息公开工作有序推进，本报告所列数据的统计期限自2016年1月1日起至2016年12月31日止。
    二、主动公开政府信息情况
    全年主动公开政府信息120条。
    三、存在的主要问题及改进措施
    公开内容还不够全面。
""")


def test_a_page_naming_no_body_gets_the_registry_name_and_region_marked_as_such():
    result = parse_html(REPORT, title="2016年政府信息公开工作年度报告", site="yongkang")
    item = result.item
    assert item.agency == SITES["yongkang"].agency and item.field_sources["agency"] == "registry"
    assert item.region == SITES["yongkang"].region and item.field_sources["region"] == "registry"
    assert not [w for w in item.warnings if w.startswith(("agency:", "region:"))]


def test_without_a_site_the_same_page_names_nobody_and_says_so():
    item = parse_html(REPORT, title="2016年政府信息公开工作年度报告").item
    assert item.agency is None and item.region is None and item.field_sources == {}
    assert any(w.startswith("agency:") for w in item.warnings)
    assert any(w.startswith("region:") for w in item.warnings)


def test_the_page_keeps_its_own_body_and_region_against_the_registry():
    item = parse_html(REPORT, title="福州市晋安区2016年政府信息公开工作年度报告", site="yuxi").item
    assert item.agency == "福州市晋安区人民政府" and item.field_sources["agency"] == "title (place name)"
    assert item.region == "福建省福州市晋安区" and item.region_code == "350111"
    assert any("the registry says 云南省玉溪市" in w for w in item.warnings)


def test_a_county_page_within_the_registry_region_is_no_disagreement():
    item = parse_html(REPORT, title="永康市2016年度政府信息公开年度报告", site="yongkang").item
    assert item.region == "浙江省金华市永康市"
    assert not [w for w in item.warnings if w.startswith("region:")]
