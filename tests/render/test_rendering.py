"""Crawls through a real Splash server and a real Chromium, past a JavaScript cookie challenge.

Every crawl runs in its own process (tests/render/crawl_runner.py); Splash and Chromium are
started once per session (conftest.py).
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any, Iterator

import pytest

from harvester.platforms.titles import listing_verdict
from harvester.replicas import ReplicaOptions, ReplicaServer, manifest, manifest_all

from .challenge_site import DETAILS, ChallengeSite
from .conftest import run_crawl

pytestmark = pytest.mark.slow


def site_stats(site: ChallengeSite) -> dict[str, int]:
    with urllib.request.urlopen(site.url + "/_stats") as answer:
        return json.loads(answer.read())


def check_challenge_crawl(result: dict[str, Any], site: ChallengeSite, renderer_prefix: str) -> None:
    assert result["returncode"] == 0, result["log"][-3000:]
    assert result["reason"] == "finished", result["log"][-3000:]
    assert "Traceback" not in result["log"]
    listing = [i for i in result["items"] if i["kind"] == "listing"]
    details = sorted((i for i in result["items"] if i["kind"] == "detail"), key=lambda i: i["url"])
    # the listing was asked for at /index (a redirect) and rendered past the challenge
    assert len(listing) == 1
    info = listing[0]["render_info"]
    assert info["requested_url"] == site.url + "/index"
    assert info["final_url"] == listing[0]["url"] == site.url + "/list/page_1.html"
    assert info["renderer"].startswith(renderer_prefix)
    assert info["challenge_passed"] is True
    # the links exist only in the rendered DOM (built by a script): both details were found
    assert [d["url"] for d in details] == [f"{site.url}/show/{n}.html" for n in sorted(DETAILS)]
    for detail, n in zip(details, sorted(DETAILS)):
        assert detail["status"] == 200
        assert detail["title"] == DETAILS[n]  # served as GBK, stored as UTF-8, decoded right
        assert detail["content"] == f"本年度主动公开政府信息{100 + n}条。"  # written by the page's script
        assert detail["content_type"] == "text/html; charset=utf-8"
        assert detail["meta_charsets"] == ["utf-8"] and detail["body_is_utf8"]
        assert detail["x_site"] == "challenge"  # headers of the final answer, not of the 412
        assert detail["render_info"]["renderer"].startswith(renderer_prefix)


def test_challenge_site_through_splash(splash_url: str, challenge_site: ChallengeSite) -> None:
    before = site_stats(challenge_site)
    result = run_crawl("render_challenge", "-a", f"start_url={challenge_site.url}/index", "-s", f"SPLASH_URL={splash_url}")
    check_challenge_crawl(result, challenge_site, "splash 3.5")
    after = site_stats(challenge_site)
    assert after["challenges"] > before["challenges"]  # the crawl really met the challenge
    assert result["stats"]["splash/execute/request_count"] == 3


def test_challenge_site_through_playwright_launching_debian_chromium(challenge_site: ChallengeSite) -> None:
    from .conftest import chromium_binary

    chromium_binary()  # skips when chromium is not installed
    before = site_stats(challenge_site)
    result = run_crawl("render_challenge", "-a", f"start_url={challenge_site.url}/index",
                       "-s", "HARVESTER_RENDERER=playwright")
    check_challenge_crawl(result, challenge_site, "playwright chromium ")
    assert site_stats(challenge_site)["challenges"] > before["challenges"]
    assert result["stats"]["harvester/render/playwright/requests"] == 3


def test_without_renderer_the_crawl_stops_with_one_clear_error(challenge_site: ChallengeSite) -> None:
    result = run_crawl("render_challenge", "-a", f"start_url={challenge_site.url}/index")
    assert result["reason"] == "renderer_missing"
    assert result["items"] == []
    assert "Traceback" not in result["log"]
    errors = [line for line in result["log"].splitlines() if "] ERROR:" in line]
    assert len(errors) == 1, errors
    assert "SPLASH_URL=" in errors[0] and "HARVESTER_RENDERER=playwright" in errors[0]
    assert "README, Rendering" in errors[0]
    assert result["stats"]["harvester/renderer_missing"] == challenge_site.url + "/index"


# -- the xuancheng replica and spider -------------------------------------------------------


@pytest.fixture(scope="module")
def xuancheng() -> Iterator[str]:
    """The xuancheng replica with its challenge on (as in the demo)."""
    with ReplicaServer(sites=["xuancheng"], options=ReplicaOptions(challenge=True)) as server:
        yield server.base_urls["xuancheng"]


def check_xuancheng(result: dict[str, Any], base: str, renderer_prefix: str) -> None:
    assert result["returncode"] == 0, result["log"][-3000:]
    assert result["reason"] == "finished", result["log"][-3000:]
    assert "Traceback" not in result["log"]
    assert not result["stats"].get("harvester/challenge_pages"), "a page was left at the challenge"
    assert not result["stats"].get("harvester/render/challenge_not_passed")
    assert not result["stats"].get("harvester/render/splash/history_missing")
    items = {i["url"]: i for i in result["items"]}
    # every listed page but the robots-disallowed one and those whose title says not a report
    listed = {e["url"] for e in manifest_all(site="xuancheng", base_urls={"xuancheng": base})
              if e["kind"] != "robots_disallowed" and listing_verdict(e["title"]) != "other"}
    assert set(items) == listed
    reports = manifest(site="xuancheng", base_urls={"xuancheng": base})
    assert len(reports) == 14
    for report in reports:
        item = items[report["url"]]
        assert item["status"] == 200, item["url"]
        assert item["renderer"].startswith(renderer_prefix)
        assert item["final_url"] == report["url"]
        assert report["title"] in item["body_text"]  # the report itself, not the challenge page
        assert "$_ts" not in item["body_text"]


def test_xuancheng_replica_through_splash(splash_url: str, xuancheng: str) -> None:
    result = run_crawl("xuancheng", "-a", f"base_url={xuancheng}", "-s", f"SPLASH_URL={splash_url}",
                       "-s", "ITEM_PIPELINES={}")
    check_xuancheng(result, xuancheng, "splash 3.5")


def test_xuancheng_replica_through_playwright(chromium_cdp_url: str, xuancheng: str) -> None:
    # attaches to the session's Chromium over CDP instead of launching one per crawl
    result = run_crawl("xuancheng", "-a", f"base_url={xuancheng}", "-s", "HARVESTER_RENDERER=playwright",
                       "-s", f"PLAYWRIGHT_CDP_URL={chromium_cdp_url}", "-s", "ITEM_PIPELINES={}")
    check_xuancheng(result, xuancheng, "playwright chromium ")


def test_xuancheng_without_renderer_stops(xuancheng: str) -> None:
    result = run_crawl("xuancheng", "-a", f"base_url={xuancheng}", "-s", "ITEM_PIPELINES={}")
    assert result["reason"] == "renderer_missing"
    assert result["items"] == []
    assert "Traceback" not in result["log"]
    assert [line for line in result["log"].splitlines() if "ERROR" in line and "SPLASH_URL=" in line]
