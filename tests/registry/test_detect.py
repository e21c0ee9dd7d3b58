"""Platform detection from a column page alone, on every replica platform."""

from __future__ import annotations

import urllib.request

import pytest

from harvester.platforms import detect_platform
from harvester.replicas import ReplicaOptions, ReplicaServer
from harvester.replicas.hosting import servable
from harvester.sites import SITES


@pytest.fixture(scope="module")
def server():
    with ReplicaServer(options=ReplicaOptions(challenge=False)) as s:
        yield s


@pytest.mark.parametrize("key", [k for k in ("zhaoqing", "zq-czj", "zq-sihui", "yongkang", "yuxi", "xuancheng",
                                             "panzhihua", "pingtan") if k in servable()])
def test_platform_detected_from_the_column_page(server, key):
    url = server.entry_urls()[key]
    if key == "yuxi":
        # the portal's 年报 page is a column of columns (one per year, then one per kind of body),
        # which says nothing of its platform; discovery descends to a paged listing, like this one
        url = url.replace("/index.html", "/zfxxgknb2024/zsndbg2024/index.html")
    with urllib.request.urlopen(url, timeout=10) as response:
        text = response.read().decode(response.headers.get_content_charset() or "utf-8", "replace")
    # the URL's path can give gkmlpt and hanweb away; the page alone must be enough too
    assert detect_platform(url, text) == SITES[key].platform
    assert detect_platform("http://127.0.0.1/column", text) == SITES[key].platform


def test_a_plain_page_is_a_static_list():
    assert detect_platform("http://x.cn/list.html", "<ul><li><a href='/a/1.html'>x</a></li></ul>") == "static"
