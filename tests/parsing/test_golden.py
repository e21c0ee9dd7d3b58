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

from harvester.sites import SITES

from .conftest import PAGES, SITES_WITH_GOLDEN, assert_matches_golden, golden, nfkc


@pytest.mark.parametrize("site", SITES_WITH_GOLDEN)
def test_saved_page_matches_golden(site, urls):
    body = (PAGES / f"{site}.html").read_bytes()
    result = parse_page(urls[site], body, None, site)
    assert_matches_golden(result, golden(site))
    assert result.item.parser_version == PARSER_VERSION
    assert result.item.region


@pytest.mark.parametrize("site", SITES_WITH_GOLDEN)
def test_cli_json_with_site_matches_golden(site, urls, capsys):
    # --site applies the registry body's hints after parsing, as a crawl does.
    assert main(["parse", str(PAGES / f"{site}.html"), "--url", urls[site], "--site", site, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["site"] == site
    assert data["final_url"] == urls[site]
    assert len(data["content_sha256"]) == 64
    kind = data.pop("kind")
    data.pop("kind_reason")
    assert_matches_golden(ParseResult(kind=kind, reason="", item=ReportItem.from_dict(data)), golden(site))


@pytest.mark.parametrize("site", SITES_WITH_GOLDEN)
def test_cli_without_site_reads_the_page_alone(site, urls, capsys):
    """No site is guessed from the URL; agency and region come from the page or stay empty, with a warning."""
    assert main(["parse", str(PAGES / f"{site}.html"), "--url", urls[site], "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    expected = golden(site)
    assert data["site"] == ""
    assert data["kind"] == "report"
    assert data["report_year"] == expected["report_year"]
    if "title" in expected:
        assert nfkc(data["title"]) == nfkc(expected["title"])
    sources = data["field_sources"]
    assert "registry" not in " ".join(sources.values())
    page_words = nfkc((data["title"] or "") + data["body_text"])
    if data["agency"]:
        assert sources["agency"] in ("title", "signature", "title (place name)")
        assert nfkc(data["agency"]).removesuffix("人民政府") in page_words
    else:
        assert any(w.startswith("agency:") for w in data["warnings"])
    if data["region"] is None:
        assert any(w.startswith("region:") for w in data["warnings"])
    else:
        assert data["region"].startswith(SITES[site].region[:2])  # the page's province, never another's


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
