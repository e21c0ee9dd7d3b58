"""Detail pages and attachments: every manifest URL answers as recorded, seed texts are served
verbatim in the CMS's content container, blocks become real HTML, chrome is present."""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin

import pytest
from replica_http import fetch

from harvester.replicas import corpus, manifest, manifest_all
from harvester.replicas.sites.base import CONTENT_TYPES
from harvester.replicas.sites import HAND_MADE
from harvester.sites import SITES as REGISTRY

#: The five hand-made replicas (every registry body on the replicas: tests/crawl/test_bodies.py).
SITES = {key: REGISTRY[key] for key in HAND_MADE}

CONTAINERS = {
    "zhaoqing": "div.article-content",
    "yongkang": "div.con_article-bd #zoom",
    "yuxi": "div.TRS_UEDITOR, div.TRS_Editor",
    "xuancheng": "div.j-fontContent",
    "panzhihua": "div#Zoom",
}
ENCODING = {"panzhihua": "gbk"}


def page_of(server, site: str, doc_id: int):
    entry = next(e for e in manifest_all(base_urls=server.base_urls, site=site) if e["doc_id"] == doc_id)
    reply = fetch(entry["url"])
    assert reply.status == 200
    return entry["url"], reply.selector(ENCODING.get(site, "utf-8"))


def test_every_listed_url_answers_its_status(shared):
    entries = manifest_all(base_urls=shared.base_urls)
    assert {e["site"] for e in entries} == set(shared.base_urls) >= set(SITES)
    for entry in entries:
        reply = fetch(entry["url"])
        assert reply.status == entry["status"], entry
        if entry["kind"] == "dead_link":
            assert b"404" in reply.body and reply.headers["content-type"].startswith("text/html")


def test_each_site_has_one_dead_link_one_duplicate_and_only_reports_in_manifest():
    for site in SITES:
        entries = manifest_all(site=site)
        assert sum(e["kind"] == "dead_link" for e in entries) == 1
        duplicates = [e for e in entries if e["duplicate"]]
        assert len(duplicates) == 1
        assert sum(e["url"] == duplicates[0]["url"] for e in entries) == 2
        reports = manifest(site=site)
        assert len({r["url"] for r in reports}) == len(reports)
        expected = [e for e in entries if e["kind"] == "report" and e["own_body"] and not e["duplicate"]]
        assert [r["url"] for r in reports] == [e["url"] for e in expected]
        assert {e["kind"] for e in entries} > {"report", "dead_link", "robots_disallowed"}


def test_yuxi_manifest_keeps_only_yuxi_but_column_lists_other_bodies():
    entries = manifest_all(site="yuxi")
    assert any(e["kind"] == "report" and "玉溪" not in e["agency"] for e in entries)
    assert all("玉溪" in r["agency"] for r in manifest(site="yuxi"))


@pytest.mark.parametrize("site", list(SITES))
def test_seed_text_is_served_verbatim_in_the_content_container(shared, site):
    seed = corpus.seed_document(site)
    _, sel = page_of(shared, site, seed.doc_id)
    container = sel.css(CONTAINERS[site])
    assert len(container) == 1
    served = "".join(container.xpath(".//text()").getall())
    position = 0
    for line in seed.seed_text.split("\n"):
        if line.strip():
            found = served.find(line, position)
            assert found >= 0, line  # whitespace kept, in order
            position = found + len(line)


@pytest.mark.parametrize("site", list(SITES))
def test_chrome_on_every_detail_page(shared, site):
    seed = corpus.seed_document(site)
    _, sel = page_of(shared, site, seed.doc_id)
    text = "".join(sel.xpath("//body//text()").getall())
    for word in ("主办", "承办", "网站标识码", "ICP备", "公网安备", "分享到"):
        assert word in text, word
    assert ("2024年欧州杯足队" in text) == (site == "yuxi")


def test_blocks_render_as_real_html_tables_with_spans(shared):
    for site in SITES:
        doc = next(
            (d for d in corpus.documents(site, 1) for b in d.blocks if b.kind == "table"
             and any(c.rowspan > 1 or c.colspan > 1 for row in b.rows for c in row)),
            None,
        )
        if doc is None:
            continue
        _, sel = page_of(shared, site, doc.doc_id)
        table = sel.css(CONTAINERS[site]).css("table")
        assert table and (table.css("[rowspan]") or table.css("[colspan]")), site
        first_cell = next(b for b in doc.blocks if b.kind == "table").rows[0][0].text
        assert first_cell.strip() in "".join(table[0].xpath(".//text()").getall())
        headings = [b.text for b in doc.blocks if b.kind == "heading"]
        if headings:
            assert headings[0] in "".join(sel.css(CONTAINERS[site]).xpath(".//text()").getall())


def test_traditional_documents_go_through_the_converter(shared):
    checked = 0
    for site in SITES:
        for doc in corpus.documents(site, 1):
            if doc.traditional and not doc.seed_text:
                para = next(b.text for b in doc.blocks if b.kind == "para" and b.text.strip())
                _, sel = page_of(shared, site, doc.doc_id)
                text = "".join(sel.css(CONTAINERS[site]).xpath(".//text()").getall())
                assert corpus.to_traditional_with_pinyin(para) in text
                checked += 1
    assert checked, "the corpus has 繁體版 documents"


def test_attachments_and_images_served_with_their_content_type(shared):
    types = {"pdf": "application/pdf", "doc": "application/msword", "xls": "application/vnd.ms-excel",
             "image": "image/"}
    checked = set()
    for site in SITES:
        for doc in corpus.documents(site, 1):
            if not doc.attachments or doc.doc_id not in {e["doc_id"] for e in manifest_all(site=site)}:
                continue
            url, sel = page_of(shared, site, doc.doc_id)
            links = sel.xpath("//a/@href | //img/@src").getall()
            for spec in doc.attachments:
                if spec.kind not in types:
                    continue
                ext = spec.filename.rsplit(".", 1)[-1]
                candidates = [h for h in links if spec.filename in h or h.endswith("." + ext) and "attachment/0" in h]
                assert candidates, (site, spec)
                reply = fetch(urljoin(url, candidates[0]))
                want = CONTENT_TYPES["docx"] if ext == "docx" else types[spec.kind]
                assert reply.status == 200 and reply.headers["content-type"].startswith(want)
                assert reply.body == corpus.attachment_bytes(site, spec, doc)
                checked.add((site, spec.kind))
    assert {k for _, k in checked} >= {"image"}
    assert ("yuxi", "image") in checked and any(s == "panzhihua" for s, _ in checked)


def test_zhaoqing_detail_metadata_and_embedded_json(shared):
    seed = corpus.seed_document("zhaoqing")
    _, sel = page_of(shared, "zhaoqing", seed.doc_id)
    values = sel.css("div.classify > table td.td-value-xl > span::text, div.classify > table td.td-value > span::text")
    texts = values.getall()
    assert seed.index_no in texts and (seed.doc_no or "无") in texts
    assert any(re.fullmatch(r"\d{4}年\d\d月\d\d日|\d{4}-\d\d-\d\d", t) for t in texts)
    script = next(s for s in sel.css("script::text").getall() if "DETAIL" in s)
    assert "\\u003C" in script and "<p" not in script
    detail = json.loads(re.search(r"window\._CONFIG\.DETAIL = (\{.*\});", script, re.S).group(1))
    embedded = "".join(type(sel)(text=f"<div>{detail['content']}</div>").xpath("//text()").getall())
    assert embedded == "".join(sel.css("div.article-content").xpath(".//text()").getall()).strip("\n")


def test_yongkang_and_yuxi_meta_tags(shared):
    for site, date_re in (("yongkang", r"\d{4}-\d\d-\d\d 00:00"), ("yuxi", r"\d{4}-\d\d-\d\d \d\d:\d\d")):
        seed = corpus.seed_document(site)
        _, sel = page_of(shared, site, seed.doc_id)
        assert sel.css('meta[name="ArticleTitle"]::attr(content)').get() == seed.title
        assert re.fullmatch(date_re, sel.css('meta[name="PubDate"]::attr(content)').get())
        assert sel.css('meta[name="ContentSource"]::attr(content)').get()
    seed = corpus.seed_document("yongkang")
    _, sel = page_of(shared, "yongkang", seed.doc_id)
    html = sel.get()
    assert "<!--ZJEG_RSS.content.begin-->" in html and '<meta name="ContentStart">' in html
    labels = "".join(sel.css("table.xxgk-table td.lm::text").getall())
    for label in ("索引号", "发布机构", "发文时间", "文号", "主题分类", "登记号", "有效性", "公开方式", "公开范围"):
        assert label in labels


def test_panzhihua_is_gbk_with_charset_only_in_meta(shared):
    base = shared.base_urls["panzhihua"]
    seed = corpus.seed_document("panzhihua")
    for url in (SITES["panzhihua"].url_for(base), base + f"/zfxxgk1/zfxxgknb/xxgknb/{seed.doc_id}.shtml"):
        reply = fetch(url)
        assert reply.headers["content-type"] == "text/html"
        with pytest.raises(UnicodeDecodeError):
            reply.body.decode("utf-8")
        text = reply.body.decode("gbk")
        assert '<meta http-equiv="Content-Type" content="text/html; charset=gb2312"' in text
    assert seed.seed_text.split("\n")[0] in text


def test_characters_outside_gbk_become_numeric_references(shared):
    replica = shared.replicas["panzhihua"]
    assert replica.encode("攀枝花𠀀€") == "攀枝花".encode("gbk") + b"&#131072;&#8364;"
