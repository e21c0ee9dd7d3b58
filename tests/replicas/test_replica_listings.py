"""Each platform's listing mechanics, walked over HTTP the way a crawler must walk them: the
walk finds exactly the manifest's listing entries, in order, over at least three pages, with
the duplicate entry on two different pages."""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin

from replica_http import fetch

from harvester.replicas import manifest_all
from harvester.sites import SITES


def listed_urls(server, site: str) -> list[str]:
    return [e["url"] for e in manifest_all(base_urls=server.base_urls, site=site)]


def assert_duplicate_on_two_pages(pages: list[list[str]], server, site: str) -> None:
    duplicates = [e["url"] for e in manifest_all(base_urls=server.base_urls, site=site) if e["duplicate"]]
    assert len(duplicates) == 1
    on_pages = [i for i, page in enumerate(pages) if duplicates[0] in page]
    assert len(on_pages) == 2, on_pages


def test_gkmlpt_tree_json_pages_and_sid(shared):
    base = shared.base_urls["zhaoqing"]
    index = fetch(SITES["zhaoqing"].url_for(base)).text()
    sid = re.search(r"SID:\s*'(\d+)'", index).group(1)
    tree = json.loads(re.search(r"TREE:\s*(\[.*?\]),\s*SERVICE_AREA_ID", index, re.S).group(1))
    parents = [n for n in tree for c in n["children"] if c["name"] == "政府信息公开工作年度报告"]
    assert len(parents) == 1 and len(tree) >= 3  # nested under a parent, among several columns
    column = next(c for c in parents[0]["children"] if c["name"] == "政府信息公开工作年度报告")

    pages, page = [], 1
    while True:
        data = json.loads(fetch(f"{base}/gkmlpt/api/all/{column['id']}?page={page}&sid={sid}").body)
        if not data["articles"]:
            break
        assert data["classify"]["post_count"] == data["total"] == column["post_count"]
        pages.append([a["url"] for a in data["articles"]])
        page += 1
    assert len(pages) >= 3
    assert [u for p in pages for u in p] == listed_urls(shared, "zhaoqing")
    assert_duplicate_on_two_pages(pages, shared, "zhaoqing")

    for bad in ("", "&sid=123"):
        answer = json.loads(fetch(f"{base}/gkmlpt/api/all/{column['id']}?page=1{bad}").body)
        assert answer["errcode"] == -1 and "articles" not in answer


def test_gkmlpt_article_fields(shared):
    base = shared.base_urls["zhaoqing"]
    index = fetch(SITES["zhaoqing"].url_for(base)).text()
    tree = json.loads(re.search(r"TREE:\s*(\[.*?\]),\s*SERVICE_AREA_ID", index, re.S).group(1))
    column_id = next(c["id"] for n in tree for c in n["children"] if c["name"] == "政府信息公开工作年度报告")
    article = json.loads(fetch(f"{base}/gkmlpt/api/all/{column_id}?page=1&sid=755031").body)["articles"][0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", article["created_at"])
    assert isinstance(article["display_publish_time"], int) and isinstance(article["date"], int)
    assert article["url"].startswith(base + "/")
    assert {"identifier", "document_number", "publisher", "classify_main", "attachment"} <= set(article)


def test_hanweb_inline_group_then_post_groups(shared):
    base = shared.base_urls["yongkang"]
    page = fetch(SITES["yongkang"].url_for(base)).text()
    inline = re.search(r'<script type="text/xml">(.*?)</script>', page, re.S).group(1)
    inline_urls = re.findall(r'<a href="([^"]+)"', inline.split("<recordset>")[1])
    params = re.search(r"jpage\(\{.*?totalRecord:(\d+),perPage:(\d+),groupSize:(\d+)", page)
    total, per_page, group = (int(x) for x in params.groups())
    expected = listed_urls(shared, "yongkang")
    assert total == len(expected) and -(-total // per_page) >= 3
    assert inline_urls == expected[: per_page * group]  # only the first group is inline

    form = {"col": "1", "appid": "1", "webid": "3586", "path": "/", "columnid": "1229188257",
            "sourceContentType": "1", "unitid": "6804595", "webname": "永康市人民政府", "permissiontype": "0"}
    pages = []
    for start in range(1, total + 1, per_page):
        xml = fetch(f"{base}/module/jpage/dataproxy.jsp?startrecord={start}&endrecord={start + per_page - 1}"
                    f"&perpage={per_page}", form=form).text()
        assert xml.startswith("<?xml") and f"<totalrecord>{total}</totalrecord>" in xml
        assert f"<totalpage>{-(-total // per_page)}</totalpage>" in xml
        pages.append(re.findall(r'<record><!\[CDATA\[<li><a href="([^"]+)" title="', xml))
    assert [u for p in pages for u in p] == expected
    assert_duplicate_on_two_pages(pages, shared, "yongkang")

    wrong = fetch(f"{base}/module/jpage/dataproxy.jsp?startrecord=1&endrecord=60&perpage=20",
                  form={**form, "columnid": "1"}).text()
    assert "<totalrecord>0</totalrecord>" in wrong and "<record>" not in wrong
    assert fetch(f"{base}/module/jpage/dataproxy.jsp?startrecord=1&endrecord=60&perpage=20").status == 405


def test_trs_year_columns_and_create_page_html(shared):
    base = shared.base_urls["yuxi"]
    root_url = SITES["yuxi"].url_for(base)
    root = fetch(root_url).selector()
    nav = "".join(root.css(".left-nav a::text").getall())
    assert "政府信息公开年报" in nav and "州市和部门平台链接" in nav
    year_urls = [urljoin(root_url, h) for h in root.css("ul.yearlist a::attr(href)").getall()]
    entries = manifest_all(base_urls=shared.base_urls, site="yuxi")
    assert len(year_urls) == len({e["listing"] for e in entries})
    found: list[str] = []
    page_counts = []
    pages: list[list[str]] = []
    for year_url in year_urls:
        subs = fetch(year_url).selector().css("ul.sublist a::attr(href)").getall()
        assert {s.split("/")[1][:6] for s in subs} == {"zsndbg", "bmndbg"}
        for sub in subs:
            first_url = urljoin(year_url, sub)
            first = fetch(first_url).text()
            count, current = map(int, re.search(r'createPageHTML\((\d+), (\d+), "index", "html"\)', first).groups())
            assert current == 0
            page_counts.append(count)
            for n in range(count):
                url = urljoin(first_url, "index.html" if n == 0 else f"index_{n}.html")
                reply = fetch(url)
                assert f"createPageHTML({count}, {n}," in reply.text()
                hrefs = reply.selector().css("ul.list li a::attr(href)").getall()
                assert all(h.startswith("./") or h.startswith("/search/") for h in hrefs)  # relative hrefs
                pages.append([urljoin(url, h) for h in hrefs])
                found += pages[-1]
            assert fetch(urljoin(first_url, f"index_{count}.html")).status == 404
    assert max(page_counts) >= 3
    assert sorted(found) == sorted(e["url"] for e in entries)
    assert_duplicate_on_two_pages(pages, shared, "yuxi")


def test_anhui_page_n_with_pager(shared):
    base = shared.base_urls["xuancheng"]
    first = fetch(SITES["xuancheng"].url_for(base)).selector()
    total_pages = int(re.search(r"共(\d+)页", first.css(".pagination").get()).group(1))
    assert total_pages >= 3
    assert {"首页", "上一页", "下一页", "尾页"} <= set(first.css(".pagination a::text").getall())
    pages = []
    for n in range(1, total_pages + 1):
        sel = fetch(f"{base}/XxgkAnnualReport/showList/78/page_{n}.html").selector()
        pages.append([urljoin(base, h) for h in sel.css(".xxgk_navli li a::attr(href)").getall()])
    assert [u for p in pages for u in p] == listed_urls(shared, "xuancheng")
    beyond = fetch(f"{base}/XxgkAnnualReport/showList/78/page_{total_pages + 1}.html").selector()
    assert beyond.css(".xxgk_navli li").getall() == []
    assert_duplicate_on_two_pages(pages, shared, "xuancheng")


def test_panzhihua_next_links(shared):
    url = SITES["panzhihua"].url_for(shared.base_urls["panzhihua"])
    pages = []
    while url:
        sel = fetch(url).selector("gbk")
        items = sel.css("div.boxPzh15_con > ul > li")
        assert all(len(ul.css("li")) <= 5 for ul in sel.css("div.boxPzh15_con > ul"))
        assert all(t.startswith("·  ") for t in items.css("a::text").getall())
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", d) for d in items.css("span::text").getall())
        pages.append([urljoin(url, h) for h in items.css("a::attr(href)").getall()])
        next_href = sel.css("a.default_pgBtn.default_pgNext::attr(href)").get()
        url = urljoin(url, next_href) if next_href else None
    assert len(pages) >= 3
    assert [u for p in pages for u in p] == listed_urls(shared, "panzhihua")
    assert_duplicate_on_two_pages(pages, shared, "panzhihua")
