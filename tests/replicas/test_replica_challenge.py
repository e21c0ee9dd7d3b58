"""xuancheng's JavaScript cookie challenge: 412 without the cookie, 200 once the page's own
script has been run in a real JS engine (node, with a minimal document/location shim)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from replica_http import fetch

from harvester.replicas import ReplicaOptions, ReplicaServer, manifest
from harvester.sites import SITES

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")

SHIM = """
var cookies = [], reloaded = false;
var window = {};
var document = {};
Object.defineProperty(document, 'cookie', {set: function (v) { cookies.push(v); }, get: function () { return ''; }});
var location = {reload: function () { reloaded = true; }};
eval(require('fs').readFileSync(0, 'utf8'));
console.log(JSON.stringify({cookies: cookies, reloaded: reloaded, ts: typeof window['$_ts']}));
"""


def run_challenge(page: str) -> dict:
    """Executes the challenge page's inline script in node (strict mode off, ES5 as written)."""
    script = re.search(r"<script[^>]*>(.*?)</script>", page, re.S).group(1)
    done = subprocess.run(["node", "-e", SHIM], input=script, capture_output=True, text=True, timeout=20)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def cookie_header(result: dict) -> str:
    assert len(result["cookies"]) == 1 and result["reloaded"] and result["ts"] == "object"
    name_value, *attributes = [part.strip() for part in result["cookies"][0].split(";")]
    assert "path=/" in attributes
    return name_value


@pytest.fixture
def challenged():
    with ReplicaServer(sites=["xuancheng", "zhaoqing"], options=ReplicaOptions(challenge=True)) as server:
        yield server


def test_412_until_the_script_computed_cookie_is_sent(challenged):
    base = challenged.base_urls["xuancheng"]
    entry = SITES["xuancheng"].url_for(base)
    detail = manifest(base_urls=challenged.base_urls, site="xuancheng")[0]["url"]
    first = fetch(entry)
    assert first.status == 412 and "$_ts" in first.text() and len(first.body) < 2000
    assert fetch(detail).status == 412
    assert fetch(entry, headers={"Cookie": "FSSBBIl1UgzbN7N80T=0.0"}).status == 412

    cookie = cookie_header(run_challenge(first.text()))
    for url in (entry, detail):
        reply = fetch(url, headers={"Cookie": cookie})
        assert reply.status == 200 and "$_ts" not in reply.text()
    # robots.txt stays reachable, and other sites are not behind the challenge
    assert fetch(base + "/robots.txt").status == 200
    assert fetch(SITES["zhaoqing"].url_for(challenged.base_urls["zhaoqing"])).status == 200


def test_the_script_is_es5_only(challenged):
    page = fetch(SITES["xuancheng"].url_for(challenged.base_urls["xuancheng"])).text()
    script = re.search(r"<script[^>]*>(.*?)</script>", page, re.S).group(1)
    assert not re.search(r"\b(let|const|class)\s|=>|`", script)


def test_cookie_differs_per_server_start_and_challenge_can_be_switched_off(challenged):
    entry = SITES["xuancheng"].url_for(challenged.base_urls["xuancheng"])
    cookie = cookie_header(run_challenge(fetch(entry).text()))
    with ReplicaServer(sites=["xuancheng"], options=ReplicaOptions(challenge=True)) as other:
        other_entry = SITES["xuancheng"].url_for(other.base_urls["xuancheng"])
        assert fetch(other_entry, headers={"Cookie": cookie}).status == 412
        other_cookie = cookie_header(run_challenge(fetch(other_entry).text()))
        assert other_cookie != cookie
        assert fetch(other_entry, headers={"Cookie": other_cookie}).status == 200
        other.options.challenge = False
        assert fetch(other_entry).status == 200
