"""The corpus' shape and ground truth: determinism, coverage, seeds, expectations, editions."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import opencc
import pytest

from harvester.replicas.corpus import (EDITED_YEAR, NEW_YEAR, attachment_bytes, documents, own_reports,
                                       seed_document, to_traditional_with_pinyin)
from harvester.replicas.corpus_files import remove_pinyin
from harvester.replicas.model import Document
from harvester.replicas.sites import HAND_MADE
from harvester.sites import SITES as REGISTRY

#: The five hand-made replicas (every registry body on the replicas: tests/crawl/test_bodies.py).
SITES = {key: REGISTRY[key] for key in HAND_MADE}

SITE_KEYS = sorted(SITES)
GOLDEN = Path(__file__).resolve().parents[1] / "golden"
SHARED_SEEDS = Path("/work/shared/seeds")


def text_of(doc: Document) -> str:
    parts = []
    for block in doc.blocks:
        parts.append(block.text)
        for row in block.rows:
            parts.extend(cell.text for cell in row)
    return "\n".join(parts)


DIGEST_SCRIPT = """
import hashlib, json, sys
from dataclasses import asdict
from harvester.replicas.corpus import documents
h = hashlib.sha256()
for site in sys.argv[1:]:
    for edition in (1, 2):
        for doc in documents(site, edition):
            h.update(json.dumps(asdict(doc), ensure_ascii=False, default=str, sort_keys=True).encode())
print(h.hexdigest())
"""


def test_corpus_is_deterministic_across_processes_and_hash_seeds() -> None:
    digests = set()
    for hash_seed in ("1", "987"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-c", DIGEST_SCRIPT, *SITE_KEYS], env=env, check=True,
                             capture_output=True, text=True)
        digests.add(out.stdout.strip())
    assert len(digests) == 1


def test_repeated_calls_return_equal_documents() -> None:
    first = [asdict(d) for d in documents("zhaoqing", 2)]
    assert first == [asdict(d) for d in documents("zhaoqing", 2)]


@pytest.mark.parametrize("site", SITE_KEYS)
def test_each_site_has_reports_of_many_years_and_non_reports(site: str) -> None:
    docs = documents(site)
    reports = own_reports(site)
    years = [d.report_year for d in reports]
    assert len(years) == len(set(years)) >= 12
    assert min(years) >= 2008 and max(years) == 2024
    assert set(range(2008, 2025)) - set(years), "real columns have gaps"
    assert any(y < 2019 for y in years) and any(y in (2019, 2020) for y in years) and any(y >= 2021 for y in years)
    others = [d for d in docs if not d.is_report]
    assert len(others) >= 3 and {d.kind for d in others} >= {"notice", "work_plan", "news"}
    assert all(d.expected == {"kind": d.kind} for d in others)
    assert any("年度报告" in d.title for d in others), "a notice about reports is the tricky case"
    ids = [d.doc_id for d in docs]
    assert len(ids) == len(set(ids))
    for doc in reports:
        assert doc.agency in (SITES[site].agency, "肇庆市人民政府办公室")
        assert doc.published.year == doc.report_year + 1 or (site == "yuxi" and doc.published.year == 2019)


def test_zhaoqing_reports_vary_between_government_and_its_office() -> None:
    assert {d.agency for d in own_reports("zhaoqing")} == {"肇庆市人民政府", "肇庆市人民政府办公室"}


def test_yuxi_column_holds_other_yunnan_cities_and_yuxi_non_reports() -> None:
    docs = documents("yuxi")
    foreign = [d for d in docs if d.is_report and d.agency != "玉溪市人民政府"]
    assert len({d.agency for d in foreign}) >= 5
    assert all("玉溪" not in d.title for d in foreign)
    own_years = {d.report_year for d in own_reports("yuxi")}
    assert {d.report_year for d in foreign} <= own_years
    assert all("玉溪" in d.title for d in docs if not d.is_report)


@pytest.mark.parametrize("site", SITE_KEYS)
def test_seed_document_keeps_the_seed_text_and_the_golden_expectations(site: str) -> None:
    golden = json.loads((GOLDEN / f"{site}.json").read_text("utf-8"))
    doc = seed_document(site)
    raw = doc.seed_text.encode("utf-8")
    shared = SHARED_SEEDS / golden["seed"]
    if shared.exists():
        assert raw == shared.read_bytes()
    assert doc in documents(site)
    assert doc.report_year == golden["report_year"]
    for field, value in golden.items():
        if field != "seed":
            assert doc.expected[field] == value
    if "title" in golden:
        assert doc.title == golden["title"]
    if "published_date" in golden:
        assert doc.published.isoformat() == golden["published_date"]
    if "signed_date" in golden:
        assert doc.signed.isoformat() == golden["signed_date"]
    for field in ("index_no", "doc_no", "publisher", "agency"):
        if field in golden:
            assert getattr(doc, field) == golden[field]
    for kind in golden.get("attachments_kinds", []):
        assert kind in {a.kind for a in doc.attachments}


def test_seed_ids_and_attachments() -> None:
    assert {s: seed_document(s).doc_id for s in SITE_KEYS} == {
        "panzhihua": 524893, "yongkang": 1446516, "yuxi": 186257, "xuancheng": 2045, "zhaoqing": 278643}
    assert seed_document("xuancheng").traditional
    assert [a.kind for a in seed_document("yuxi").attachments] == ["image"]
    assert [a.kind for a in seed_document("zhaoqing").attachments] == ["pdf"]
    assert seed_document("panzhihua").attachments[0].name == "点击下载此文件"


def _reports(edition: int = 1) -> list[Document]:
    return [d for s in SITE_KEYS for d in documents(s, edition) if d.is_report and not d.seed_text]


@pytest.mark.parametrize("edition", [1, 2])
def test_generated_reports_expectations_are_consistent_with_their_blocks(edition: int) -> None:
    for doc in _reports(edition):
        exp = doc.expected
        assert exp["title"] == doc.title and exp["report_year"] == doc.report_year
        # the agency as the page prints it: the registry's name, or the one the title names that year
        assert exp["agency"] == doc.agency or doc.title.startswith(exp["agency"])
        assert exp["published_date"] == doc.published.isoformat()
        assert exp["signed_date"] == (doc.signed.isoformat() if doc.signed else None)
        headings = [b.text for b in doc.blocks if b.kind == "heading" and b.level == 1]
        assert [re.sub(r"^[一二三四五六七八九十]+、", "", h) for h in headings] == exp["section_titles"]
        text = text_of(doc)
        numbers = set(re.findall(r"-?\d+(?:\.\d+)?", text))
        for key, value in exp["stats"].items():
            if value == 0:
                continue  # "none happened" wordings (未收到…) state 0 without the digit
            printed = format(value, ".6f").rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
            assert printed in numbers, f"{doc.title}: {key}={value} is not in the text"
        if doc.signed:
            assert doc.signed <= doc.published
            assert doc.agency in text
        size = len(text.encode("utf-8"))
        assert 1500 < size < 60000, (doc.title, size)


def test_full_reports_are_several_kilobytes() -> None:
    own = [d for s in SITE_KEYS for d in own_reports(s) if not d.seed_text]
    sizes = sorted(len(text_of(d).encode("utf-8")) for d in own)
    assert sizes[len(sizes) // 2] > 4000


def test_pre_2019_reports_use_varied_templates() -> None:
    for site in SITE_KEYS:
        plans = {tuple(d.expected["section_titles"]) for d in own_reports(site) if d.report_year < 2019}
        assert len(plans) >= 3, site


def test_post_2019_reports_follow_the_national_format() -> None:
    for doc in _reports():
        if doc.report_year >= 2019:
            tables = [b for b in doc.blocks if b.kind == "table"]
            images = [b for b in doc.blocks if b.kind == "image"]
            assert len(tables) + len(images) == 3
            assert doc.expected["section_titles"][0] == "总体情况"
            assert doc.expected["section_titles"][-1] == "其他需要报告的事项"


def test_panzhihua_pages_can_be_served_as_gbk() -> None:
    for doc in documents("panzhihua", 2):
        if doc.seed_text is None:
            (doc.title + text_of(doc)).encode("gbk")


def test_traditional_conversion_round_trips_to_the_simplified_text() -> None:
    t2s = opencc.OpenCC("t2s")
    traditional_docs = [d for d in documents("xuancheng") if d.traditional and not d.seed_text]
    assert len(traditional_docs) >= 2
    annotated = 0
    for doc in traditional_docs:
        for text in [doc.title, *text_of(doc).split("\n")]:
            converted = to_traditional_with_pinyin(text)
            annotated += converted.count("(")
            assert t2s.convert(remove_pinyin(converted)) == text
    assert annotated > 100


def test_pinyin_annotations_look_like_the_seed() -> None:
    converted = to_traditional_with_pinyin("本年度报告是根据有关规定编制，银行行长")
    assert "報(bào)告" in converted and "據(jù)" in converted and "關(guān)" in converted
    assert "行長(zhǎng)" in converted
    assert converted.startswith("本年度報")


@pytest.mark.parametrize("site", SITE_KEYS)
def test_edition_two_adds_one_report_and_edits_one(site: str) -> None:
    one = {d.doc_id: d for d in documents(site, 1)}
    two = {d.doc_id: d for d in documents(site, 2)}
    # every body of the column publishes its 2025 report (yuxi's column: each 州市 of the registry)
    own = {d.doc_id for d in own_reports(site, 2)}
    added = (set(two) - set(one)) & own
    assert set(one) <= set(two) and len(added) == 1
    others = (set(two) - set(one)) - own
    assert all(two[i].report_year == NEW_YEAR and two[i].is_report for i in others)
    new = two[added.pop()]
    assert new.report_year == NEW_YEAR and new.since_edition == 2 and new.is_report
    changed = [i for i in one if asdict(one[i]) != asdict(two[i])]
    assert len(changed) == 1
    before, after = one[changed[0]], two[changed[0]]
    assert before.report_year == EDITED_YEAR and before.edited_in == after.edited_in == 2
    diff = {k for k in set(before.expected["stats"]) | set(after.expected["stats"])
            if before.expected["stats"].get(k) != after.expected["stats"].get(k)}
    assert diff == {"licensing.decisions"}
    changed_blocks = [(a, b) for a, b in zip(before.blocks, after.blocks) if a != b]
    assert {a.kind for a, _ in changed_blocks} == {"table", "para"}
    assert str(after.expected["stats"]["licensing.decisions"]) in text_of(after)
    licensing_row = next(row for b in after.blocks for row in b.rows if row[0].text == "行政许可")
    assert licensing_row[-1].text == str(after.expected["stats"]["licensing.decisions"])
    assert after.expected["stats"]["licensing.decisions"] != before.expected["stats"]["licensing.decisions"]


def test_attachments_are_small_valid_deterministic_files() -> None:
    kinds = {}
    for site in SITE_KEYS:
        for doc in documents(site):
            for spec in doc.attachments:
                data = attachment_bytes(site, spec)
                assert data == attachment_bytes(site, spec)
                assert 100 < len(data) < 20000
                kinds.setdefault(spec.kind, data)
    assert set(kinds) >= {"pdf", "doc", "xls", "image"}
    pdf = kinds["pdf"]
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    xref_at = int(pdf.rsplit(b"startxref", 1)[1].split()[0])
    assert pdf[xref_at:].startswith(b"xref")
    for number, line in enumerate(pdf[xref_at:].split(b"\n")[3:8], start=1):
        offset = int(line.split()[0])
        assert pdf[offset:].startswith(b"%d 0 obj" % number)
    assert kinds["image"][:3] == b"\xff\xd8\xff" and kinds["image"].rstrip(b"\x00").endswith(b"\xff\xd9")
    assert kinds["doc"].startswith(b"{\\rtf1") and kinds["doc"].endswith(b"}")
    import xml.etree.ElementTree as ET
    assert ET.fromstring(kinds["xls"]).tag.endswith("Workbook")


def test_site_specific_attachments() -> None:
    pz = [a for d in own_reports("panzhihua") for a in d.attachments]
    assert {a.kind for a in pz} >= {"doc", "xls"} and any(a.name == "点击下载此文件" for a in pz)
    assert any(a.kind == "pdf" for d in own_reports("zhaoqing") if not d.seed_text for a in d.attachments)
    assert any(a.kind == "pdf" for d in own_reports("yongkang") for a in d.attachments)
    assert sum(1 for d in own_reports("yuxi") for a in d.attachments if a.kind == "image") >= 2


def test_seed_text_file_fingerprints() -> None:
    # the packaged seeds are the project's copy: guard against accidental edits (normalising
    # line ends or whitespace would silently change what the replicas serve)
    for site in SITE_KEYS:
        text = seed_document(site).seed_text
        assert "\r" not in text or site == "never"
        assert hashlib.sha256(text.encode()).hexdigest() == hashlib.sha256(
            (Path(__file__).resolve().parents[2] / "harvester/replicas/data/seeds" / f"{site}.txt").read_bytes()
        ).hexdigest()
