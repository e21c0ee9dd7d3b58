"""The pingtan replica serves the real captured pages of ../shared/corpus/pingtan byte for byte
(read at serve time), fills what the capture lacks with marked generated pages, and maps the
archive proxy's rewritten links back to real URLs. Skipped, saying why, where ../shared is absent."""

from __future__ import annotations

import json
import re

import pytest

from harvester.replicas import ReplicaOptions, ReplicaServer, manifest, manifest_all
from harvester.replicas.sites.pingtan import COLUMN, PingtanReplica, corpus_dir, real_url

from replica_http import fetch

pytestmark = pytest.mark.skipif(not PingtanReplica.available(), reason=PingtanReplica.unavailable_reason())


@pytest.fixture(scope="module")
def pingtan():
    with ReplicaServer(sites=["pingtan"], options=ReplicaOptions()) as server:
        yield server.base_urls["pingtan"]


def index() -> dict:
    return json.loads((corpus_dir() / "index.json").read_text("utf-8"))


def test_listing_and_captured_pages_are_served_byte_for_byte(pingtan):
    for path in (COLUMN, COLUMN + "index.htm"):
        reply = fetch(pingtan + path)
        assert reply.status == 200 and reply.body == (corpus_dir() / "listing.html").read_bytes()
    for name, record in index().items():
        if record["kind"] == "listing":
            continue
        path = re.sub(r"^https://www\.pingtan\.gov\.cn", "", record["url"])
        reply = fetch(pingtan + path)
        assert reply.status == 200, name
        assert reply.body == (corpus_dir() / name).read_bytes(), name
        assert reply.headers["x-replica-source"] == "captured"
        assert len(reply.body) == record["bytes"]


def test_page_two_and_uncaptured_reports_are_generated_and_marked(pingtan):
    page2 = fetch(pingtan + COLUMN + "index_1.htm")
    assert page2.status == 200 and page2.headers["x-replica-source"] == "generated"
    text = page2.text()
    assert "not captured from www.pingtan.gov.cn" in text
    hrefs = page2.selector().css('div[ms-visible="showStatic"] dl a::attr(href)').getall()
    assert len(hrefs) == 10
    # the captured older pages are linked from it: 2011, 2013 and the 2014 letter
    for name in ("2011_pingtan-qu.html", "2013_pingtanxian.html", "2014_pingtan-han.html"):
        tail = index()[name]["url"].rsplit("/", 2)
        assert f"./{tail[-2]}/{tail[-1]}" in hrefs, name
    generated = [e for e in manifest_all(site="pingtan") if e["path"] not in
                 {re.sub(r"^https://[^/]+", "", r["url"]) for r in index().values()}]
    assert generated
    for entry in generated:
        reply = fetch(pingtan + entry["path"])
        assert reply.status == 200 and reply.headers["x-replica-source"] == "generated", entry["path"]
        assert "not captured from www.pingtan.gov.cn" in reply.text()


def test_manifest_lists_every_captured_report_and_not_the_letter():
    reports = {e["path"]: e for e in manifest(site="pingtan")}
    for name, record in index().items():
        path = re.sub(r"^https://www\.pingtan\.gov\.cn", "", record["url"])
        if record["kind"] == "report":
            golden = json.loads((corpus_dir() / record["golden"]).read_text("utf-8"))
            assert reports[path]["year"] == golden["report_year"], name
        elif record["kind"] == "not_report":
            assert path not in reports
    assert len(manifest_all(site="pingtan")) == 20  # the listing's recordCount


def test_proxy_rewritten_links_map_back_to_real_urls():
    assert real_url("https://www-beian-gov-cnx45c8966fb3868xx.ipv6best.cn/portal/registerSystemInfo?recordcode=1") == \
        "https://www.beian.gov.cn/portal/registerSystemInfo?recordcode=1"
    assert real_url("http://www.acas.org.cnx7a72966f93868.ipv6best.cn/") == "http://www.acas.org.cn/"
    assert real_url("https://27-151-80-61xe076968723868xx.ipv6best.cn:91/#/x") == "https://27.151.80.61:91/#/x"
    assert real_url("https://www.pingtan.gov.cn/zwgk/") == "https://www.pingtan.gov.cn/zwgk/"
    replica = PingtanReplica(ReplicaOptions())
    tokenised = 0
    for name in index():
        text = (corpus_dir() / name).read_text("utf-8")
        for href in re.findall(r'href="(https?://[^"]+)"', text):
            if "ipv6best.cn" in href:
                tokenised += 1
                assert "ipv6best.cn" not in real_url(href), href
                assert replica.path_for(href) is None  # off the site: never crawled
    assert tokenised
    assert replica.path_for("./202503/t20250310_97791.htm") == "/zwgk/zfxxgk/zfxxgknb/202503/t20250310_97791.htm"
    assert replica.path_for("https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/") == COLUMN
