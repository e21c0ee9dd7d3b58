"""The scaled replica generator of ``bench/`` at a tiny size: valid pages, no timings."""

from __future__ import annotations

import re
import sys
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # bench/ is not an installed package

from bench.scaled import ScaledServer, ScaledWorld, ScaleSpec, iter_pages  # noqa: E402
from harvester.replicas.corpus_tables import APPLICANT_COLUMNS, ALL_COLUMNS, result_rows  # noqa: E402

SPEC = ScaleSpec(reports=40, traditional_share=0.3)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    cache = tmp_path_factory.mktemp("pages")
    return list(iter_pages(SPEC, cache))


def test_sizes_sites_and_encodings(pages):
    assert len(pages) == SPEC.reports
    assert {site for site, *_ in pages} == {"zhaoqing", "panzhihua"}
    for site, _url, headers, body, _stub in pages:
        assert SPEC.min_kb * 1024 <= len(body) <= SPEC.max_kb * 1024 * 1.6
        if site == "panzhihua":
            assert headers["content-type"] == ["text/html"]  # charset only in <meta>, as the real site
            assert b"charset=gb2312" in body[:600]
            text = body.decode("gbk")  # strict: every byte is GBK
        else:
            text = body.decode("utf-8")
        assert "政府信息公开工作年度报告" in text or "政府資訊公開工作年度報告" in text or "年度報告" in text


def test_traditional_share(pages):
    traditional = [p for p in pages if p[4].traditional]
    assert traditional and len(traditional) < len(pages)
    site, _url, _h, body, _stub = traditional[0]
    text = body.decode("gbk" if site == "panzhihua" else "utf-8")
    assert re.search(r"[報開關](\((?:bào|kāi|guān)\))", text)  # 繁體版 with pinyin annotations


def _get(stats: dict, key: str) -> int:
    return stats.get(key, 0)  # an empty cell means 0 and is absent


def test_standard_tables_satisfy_identities(pages):
    world = ScaledWorld(SPEC)
    modern = [world.full(p[4]) for p in pages if p[4].report_year >= 2019]
    assert modern
    for doc in modern:
        values = doc.expected["table_values"]
        fmt = 2019 if doc.report_year <= 2020 else 2021
        for col in ALL_COLUMNS:
            new, carried = values[f"requests.new.{col}"], values[f"requests.carried_from_last_year.{col}"]
            done, over = values[f"requests.result.total.{col}"], values[f"requests.carried_over.{col}"]
            assert new + carried == done + over
            assert done == sum(values[f"requests.{row}.{col}"] for row in result_rows(fmt))
        for row in ("new", "result.total", "carried_over"):
            assert values[f"requests.{row}.total"] == sum(values[f"requests.{row}.{c}"] for c in APPLICANT_COLUMNS)
        for prefix in ("reconsideration", "litigation.direct", "litigation.after_reconsideration"):
            assert values[f"{prefix}.total"] == sum(values[f"{prefix}.{s}"] for s in ("upheld", "corrected", "other", "pending"))
        stats = doc.expected["stats"]
        assert stats["requests.received"] == _get(stats, "requests.new.total")


def test_served_over_http_and_parsed(tmp_path):
    from harvester.parsing import parse_page

    spec = ScaleSpec(reports=20)
    world = ScaledWorld(spec, tmp_path)
    with ScaledServer(world) as server:
        for site in ("zhaoqing", "panzhihua"):
            replica = server.replicas[site]
            entry = next(e for e in replica.entries() if e.kind == "report")
            url = server.base_urls[site] + entry.path
            with urllib.request.urlopen(url) as response:
                body = response.read()
                headers = {k.lower(): [v] for k, v in response.headers.items()}
            result = parse_page(url, body, headers, site)
            assert result.kind == "report"
            assert result.item.report_year == entry.doc.report_year
            assert world.cache_path(site, entry.doc.doc_id).read_bytes() == body  # cached on disk
