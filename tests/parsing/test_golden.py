"""The five golden files, from the saved pages, from `harvester parse` and from the replicas."""

from __future__ import annotations

import json
import urllib.request

import pytest

from harvester.cli import main
from harvester.items import ReportItem
from harvester.parsing import PARSER_VERSION, ParseResult, parse_page
from harvester.replicas import ReplicaOptions, ReplicaServer
from harvester.replicas.corpus import seed_document
from harvester.replicas.sites import REPLICA_CLASSES

from .conftest import PAGES, SITES_WITH_GOLDEN, assert_matches_golden, golden


@pytest.mark.parametrize("site", SITES_WITH_GOLDEN)
def test_saved_page_matches_golden(site, urls):
    body = (PAGES / f"{site}.html").read_bytes()
    result = parse_page(urls[site], body, None, site)
    assert_matches_golden(result, golden(site))
    assert result.item.parser_version == PARSER_VERSION
    assert result.item.region


@pytest.mark.parametrize("site", SITES_WITH_GOLDEN)
def test_cli_json_matches_golden(site, urls, capsys):
    # No --site: the site is guessed from the URL's host.
    assert main(["parse", str(PAGES / f"{site}.html"), "--url", urls[site], "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["site"] == site
    assert data["final_url"] == urls[site]
    assert len(data["content_sha256"]) == 64
    kind = data.pop("kind")
    data.pop("kind_reason")
    assert_matches_golden(ParseResult(kind=kind, reason="", item=ReportItem.from_dict(data)), golden(site))


@pytest.fixture(scope="module")
def replicas():
    with ReplicaServer(options=ReplicaOptions(challenge=False)) as server:  # fetched without a browser
        yield server


@pytest.mark.parametrize("site", SITES_WITH_GOLDEN)
def test_replica_seed_page_matches_golden(site, replicas):
    doc = seed_document(site)
    path = REPLICA_CLASSES[site](replicas.options).detail_path(doc)
    url = replicas.base_urls[site] + path
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read()
        headers = {k.lower(): [v] for k, v in response.headers.items()}
    assert_matches_golden(parse_page(url, body, headers, site), golden(site))
