"""OCR of pictures and scans (RapidOCR, models from its wheel, offline). Slow: ~10-20 s per
picture on two cores, hence the ``slow`` mark."""

from __future__ import annotations

import pytest

from harvester.files import extract_file
from harvester.files.report import parse_content
from harvester.replicas import corpus, filegen

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _ocr_engine():
    pytest.importorskip("rapidocr_onnxruntime", reason="the OCR engine is in the [files] extra")


def test_yuxi_2017_table_picture_yields_its_statistics_marked_as_ocr():
    """The seed report's 表格.jpg: the replica draws the table; OCR reads it back cell by cell."""
    seed = corpus.seed_document("yuxi")
    spec = seed.attachments[0]
    assert spec.name == "表格.jpg" and spec.content == "table"
    data = corpus.attachment_bytes("yuxi", spec, seed)
    content = extract_file(data, spec.name, ocr=True)
    assert content.ok and content.ocr and content.format == "image" and content.engine == "rapidocr"
    assert len(content.tables) == 1 and len(content.tables[0]) == len(spec.rows)
    item = parse_content(content, "http://example.test/186257_1.jpg", spec.name).item
    stats = {s.key: s for s in item.stats}
    expected = dict(corpus.YUXI_2017_FILE_STATS)
    # the values the seed's text states too come back from the picture identically
    for key in ("proactive.total", "proactive.via.website", "proactive.via.gazette", "press_conferences",
                "proactive.policy_interpretations", "requests.received", "proactive.normative_documents"):
        expected[key] = seed.expected["stats"][key]
    assert {k: stats[k].value if k in stats else None for k in expected} == expected
    for stat in item.stats:
        assert stat.source == "ocr" and stat.origin == "表格.jpg"
        assert stat.confidence is not None and 0.5 < stat.confidence <= 1.0


def test_ocr_table_whose_identities_fail_is_a_warning_not_facts():
    """An appeals table whose parts do not add up to its 总计 (a misread or a typo on the
    scan): the values are kept out of the statistics, the table and a warning stay."""
    grid = [
        ["行政复议", "行政复议", "行政复议", "行政复议", "行政复议"],
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
        ["2", "1", "0", "0", "5"],
    ]
    content = extract_file(filegen.table_image(grid), "复议.png", ocr=True)
    assert content.tables[0] == grid
    item = parse_content(content, "http://example.test/f.png", "复议.png").item
    assert not [s for s in item.stats if s.key.startswith("reconsideration")]
    assert any(w.startswith("appeal table: reconsideration") for w in item.warnings)
    assert any(w.startswith("OCR: 1 identity check") for w in item.warnings)


def test_scanned_pdf_without_text_layer():
    paragraphs = ["一、总体情况", "2021年，本机关主动公开政府信息1234条，收到政府信息公开申请56件。"]
    data = filegen.report_pdf("某县2021年政府信息公开工作年度报告", paragraphs, scanned=True)
    off = extract_file(data, "scan.pdf", ocr=False)
    assert off.error == "scanned PDF (no text layer): OCR is off (set HARVESTER_OCR=1)"
    content = extract_file(data, "scan.pdf", ocr=True)
    assert content.ok and content.ocr and content.engine == "pypdfium2+rapidocr"
    assert "主动公开政府信息1234条" in content.text.replace(" ", "")
    item = parse_content(content, "http://example.test/scan.pdf", "scan.pdf").item
    stats = {s.key: s for s in item.stats}
    assert stats["proactive.total"].value == 1234 and stats["proactive.total"].source == "ocr"
    assert stats["requests.received"].value == 56
