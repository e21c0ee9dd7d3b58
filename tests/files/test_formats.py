"""Every format a report is published in gives the text, the sections and the statistics of the
same report, through the standard parser (harvester.files.report.parse_content)."""

from __future__ import annotations

import pytest

from harvester.files import extract_file
from harvester.files.report import parse_content
from harvester.replicas import filegen

FULL_REPORT = ("pdf", "docx", "doc")
TABLES_ONLY = ("xls", "xlsx")


def _check_report(item, doc) -> None:
    exp = doc.expected
    assert item.report_year == exp["report_year"]
    assert [s.title for s in item.sections if s.level == 1] == exp["section_titles"]
    stats = {s.key: s.value for s in item.stats}
    missing = {k: v for k, v in exp["stats"].items() if stats.get(k) != v}
    assert not missing, missing
    assert not [w for w in item.warnings if w.startswith(("request table", "appeal table"))], item.warnings


@pytest.mark.parametrize("fmt", FULL_REPORT)
def test_full_report_files_parse_like_the_page(files, modern_doc, fmt):
    if fmt not in files:
        pytest.skip("LibreOffice is not installed (scripts/install-system.sh)")
    content = extract_file(files[fmt], f"report.{fmt}")
    assert content.ok and content.format == fmt and not content.warnings, (content.error, content.warnings)
    assert len(content.tables) == 3
    result = parse_content(content, f"http://example.test/report.{fmt}", f"report.{fmt}")
    assert result.is_report, result.reason
    _check_report(result.item, modern_doc)
    assert {s.origin for s in result.item.stats} == {f"report.{fmt}"}


@pytest.mark.parametrize("fmt", TABLES_ONLY)
def test_spreadsheets_give_the_standard_table_keys(files, modern_doc, fmt):
    content = extract_file(files[fmt], f"stats.{fmt}")
    assert content.ok and content.format == fmt
    assert content.blocks[0] == modern_doc.title  # the merged title row is a paragraph
    assert len(content.tables) == 3
    result = parse_content(content, f"http://example.test/stats.{fmt}", f"stats.{fmt}")
    stats = {s.key: s.value for s in result.item.stats}
    table_keys = {k: v for k, v in modern_doc.expected["stats"].items()
                  if k.startswith(("requests.", "reconsideration", "litigation", "rules.", "normative_documents.",
                                   "licensing.", "penalties.", "coercive_measures.", "admin_fees."))}
    assert table_keys and all(stats.get(k) == v for k, v in table_keys.items())
    assert all(s.source == "table" for s in result.item.stats if s.key in table_keys)


def test_wps_is_read_as_word_97(files, modern_doc):
    """WPS Office writes .wps in the Word 97 binary format."""
    if "doc" not in files:
        pytest.skip("LibreOffice is not installed")
    content = extract_file(files["doc"], "report.wps")
    assert content.ok and content.format == "wps" and not content.warnings
    _check_report(parse_content(content, "http://example.test/r.wps", "r.wps").item, modern_doc)


def test_rtf_served_as_doc(modern_doc):
    """Many sites serve RTF under .doc: read without a mislabel warning, GBK escapes decoded."""
    from harvester.replicas.corpus_files import rtf_document

    paragraphs, _ = filegen.document_content(modern_doc)
    content = extract_file(rtf_document("\n".join(paragraphs[:4])), "report.doc")
    assert content.format == "rtf" and content.ok and not content.warnings
    assert paragraphs[1][:30] in content.text


def test_legacy_report_with_fujian_table_as_pdf(legacy_doc):
    paragraphs, tables = filegen.document_content(legacy_doc)
    pytest.importorskip("reportlab")
    content = extract_file(filegen.report_pdf(legacy_doc.title, paragraphs, tables), "x.pdf")
    assert content.ok and len(content.tables) == len(tables)
    _check_report(parse_content(content, "http://example.test/x.pdf", "x.pdf").item, legacy_doc)


def test_pdf_table_running_over_a_page_break_is_one_table(files):
    """The request table of the 2021 format runs over two PDF pages: one grid comes back."""
    content = extract_file(files["pdf"], "r.pdf")
    assert content.pages >= 2
    requests = [g for g in content.tables if any("本年新收" in c for row in g for c in row)]
    assert len(requests) == 1 and any("结转下年度继续办理" in row[0] for row in requests[0])


def test_pdf_printed_by_an_office_suite_with_merged_cells(modern_doc):
    """How most report PDFs are made: Word's merged cells (三、本年度办理结果 down 20 rows), the
    request table breaking across pages, a row cut in two by the break. Merged positions take
    the text of their cell, as HTML spans are expanded."""
    import shutil

    if not (shutil.which("soffice") or shutil.which("libreoffice")):
        pytest.skip("LibreOffice is not installed")
    paragraphs, cell_tables = filegen.document_content(modern_doc, cells=True)
    data = filegen.office_pdf(modern_doc.title, paragraphs, cell_tables)
    content = extract_file(data, "printed.pdf")
    assert content.ok and len(content.tables) == 3
    result = parse_content(content, "http://example.test/printed.pdf", "printed.pdf")
    _check_report(result.item, modern_doc)
