"""Server behaviour: conditional requests, HEAD, robots.txt, the request log, live options
(edition switch, broken listings) and port handling."""

from __future__ import annotations

import json
import socket
import urllib.robotparser
from urllib.parse import urljoin

import pytest
from replica_http import fetch

from harvester.replicas import PortInUseError, ReplicaOptions, ReplicaServer, corpus, manifest, manifest_all
from harvester.replicas.sites import HAND_MADE
from harvester.sites import SITES as REGISTRY

#: The five hand-made replicas (every registry body on the replicas: tests/crawl/test_bodies.py).
SITES = {key: REGISTRY[key] for key in HAND_MADE}


def first_report(server, site: str) -> dict:
    return manifest(base_urls=server.base_urls, site=site)[0]


@pytest.mark.parametrize("site", list(SITES))
def test_conditional_requests_answer_304_without_body(shared, site):
    url = first_report(shared, site)["url"]
    full = fetch(url)
    etag, last_modified = full.headers["etag"], full.headers["last-modified"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = fetch(url)
    assert again.headers["etag"] == etag and again.body == full.body

    shared.clear_log()
    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": last_modified}):
        reply = fetch(url, headers=headers)
        assert reply.status == 304 and reply.body == b""
    assert fetch(url, headers={"If-None-Match": '"something-else"'}).status == 200
    assert fetch(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status == 200
    log = [r for r in shared.request_log if r.site == site]
    assert [(r.status, r.conditional, r.bytes_sent == 0) for r in log] == [
        (304, True, True), (304, True, True), (200, True, False), (200, True, False)]


def test_attachments_are_conditional_too(shared):
    doc = next(d for d in corpus.documents("panzhihua", 1) if any(a.kind in ("doc", "xls") for a in d.attachments))
    path = next(p for p, (owner, _) in shared.replicas["panzhihua"].attachment_index().items() if owner is doc)
    url = shared.base_urls["panzhihua"] + path
    reply = fetch(url)
    assert reply.status == 200 and "etag" in reply.headers
    assert fetch(url, headers={"If-None-Match": reply.headers["etag"]}).status == 304


def test_head_sends_headers_only_and_log_records_requests(shared):
    url = first_report(shared, "yongkang")["url"]
    shared.clear_log()
    reply = fetch(url, method="HEAD", headers={"User-Agent": "replica-test/1"})
    assert reply.status == 200 and reply.body == b"" and int(reply.headers["content-length"]) > 0
    record = shared.request_log[-1]
    assert (record.site, record.method, record.status, record.bytes_sent, record.user_agent) == (
        "yongkang", "HEAD", 200, 0, "replica-test/1")
    assert url.endswith(record.path) and not record.conditional


@pytest.mark.parametrize("site", list(SITES))
def test_robots_txt_disallows_the_listed_search_link(shared, site):
    base = shared.base_urls[site]
    robots = fetch(base + "/robots.txt")
    assert robots.status == 200 and robots.headers["content-type"].startswith("text/plain")
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(robots.text().splitlines())
    entries = manifest_all(base_urls=shared.base_urls, site=site)
    blocked = [e for e in entries if e["kind"] == "robots_disallowed"]
    assert len(blocked) == 1 and not parser.can_fetch("harvester", blocked[0]["url"])
    assert all(parser.can_fetch("harvester", e["url"]) for e in entries if e["kind"] != "robots_disallowed")
    assert parser.can_fetch("harvester", SITES[site].url_for(base))


def listing_item_count(server, site: str) -> int:
    """How many items the site's first listing shows, read the way its spider reads it."""
    base = server.base_urls[site]
    if site == "zhaoqing":
        return len(json.loads(fetch(f"{base}/gkmlpt/api/all/5137?page=1&sid=755031").body)["articles"])
    if site == "yongkang":
        form = {"columnid": "1229188257", "unitid": "6804595", "webid": "3586"}
        xml = fetch(f"{base}/module/jpage/dataproxy.jsp?startrecord=1&endrecord=60&perpage=20", form=form).text()
        inline = fetch(SITES[site].url_for(base)).text()
        return xml.count("<record>") + inline.count("<record>")
    if site == "yuxi":
        root_url = SITES[site].url_for(base)
        years = fetch(root_url).selector().css("ul.yearlist a::attr(href)").getall()
        column = max(manifest_all(site="yuxi"), key=lambda e: e["duplicate"])["listing"]
        listing = fetch(base + column + "index.html").selector()
        return len(years) + len(listing.css("ul.list li"))
    if site == "xuancheng":
        return len(fetch(SITES[site].url_for(base)).selector().css(".xxgk_navli li"))
    return len(fetch(SITES[site].url_for(base)).selector("gbk").css("div.boxPzh15_con li"))


def test_broken_site_lists_nothing_while_others_still_list(fresh):
    before = {site: listing_item_count(fresh, site) for site in SITES}
    assert all(before.values())
    for site in SITES:
        fresh.options.broken = frozenset({site})
        assert listing_item_count(fresh, site) == 0, site
        other = next(s for s in SITES if s != site)
        assert listing_item_count(fresh, other) == before[other]
    fresh.options.broken = frozenset()
    assert listing_item_count(fresh, "zhaoqing") == before["zhaoqing"]


@pytest.mark.parametrize("site", list(SITES))
def test_edition_switch_adds_a_report_and_edits_another(fresh, site):
    first = {e["url"]: e for e in manifest_all(base_urls=fresh.base_urls, site=site)}
    second = {e["url"]: e for e in manifest_all(edition=2, base_urls=fresh.base_urls, site=site)}
    added = [u for u in second if u not in first]
    edited = [u for u, e in second.items() if e["edited"] and u in first]
    assert added and edited
    old = {u: fetch(u) for u in edited}
    assert all(fetch(u).status == 404 for u in added)

    fresh.options.edition = 2
    assert all(fetch(u).status == 200 for u in added)
    for url, before in old.items():
        assert before.status == 200
        after = fetch(url, headers={"If-None-Match": before.headers["etag"]})
        assert after.status == 200 and after.body != before.body
        assert after.headers["etag"] != before.headers["etag"]
        assert fetch(url, headers={"If-Modified-Since": before.headers["last-modified"]}).status == 200
    # the new report is listed where a crawler starts
    if site == "panzhihua":
        first_page = fetch(SITES[site].url_for(fresh.base_urls[site])).body.decode("gbk")
        assert any(u.split(fresh.base_urls[site])[1] in first_page for u in added)


def test_port_in_use_raises_a_clear_error():
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = blocker.getsockname()[1]
        with pytest.raises(PortInUseError, match=str(port)):
            ReplicaServer(sites=["zhaoqing"], port=port).start()


def test_fixed_ports_follow_the_registry_host_order():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    if port > 65000:
        port -= 1000
    with ReplicaServer(sites=["panzhihua", "zhaoqing"], port=port, options=ReplicaOptions()) as server:
        from harvester.replicas.hosting import host_order

        # one port per real host, in the registry's order, whichever subset is served
        offset = host_order().index("www.panzhihua.gov.cn")
        assert server.base_urls == {"zhaoqing": f"http://127.0.0.1:{port}",
                                    "panzhihua": f"http://127.0.0.1:{port + offset}"}
        assert fetch(urljoin(server.base_urls["zhaoqing"], "/robots.txt")).status == 200
        with pytest.raises(PortInUseError):
            ReplicaServer(sites=["zhaoqing"], port=port).start()
