"""`harvester demo` end to end into a temporary database: every manifest report of every registry
body a replica serves stored with its provenance, nothing else stored as a report, the seed reports match their golden
files, and a second run adds no rows."""

from __future__ import annotations

import sqlite3
from urllib.parse import urlsplit

import pytest

from harvester.items import ReportItem
from harvester.parsing import ParseResult
from harvester.replicas import CURRENT_EDITION, hosting, manifest
from harvester.replicas.corpus import SEED_IDS, seed_document
from harvester.replicas.sites.pingtan import PingtanReplica
from harvester.sites import SITES
from harvester.storage.testing import free_port
from parsing.conftest import assert_matches_golden, golden

from .conftest import exported_reports, harvester_cli

pytestmark = pytest.mark.slow

#: Tables that record each run by design; everything else must not grow on an unchanged site.
RUN_TABLES = {"harvest_runs", "alembic_version"}


def row_counts(db) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        tables = [t for (t,) in conn.execute("select name from sqlite_master where type='table'")]
        return {t: conn.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables if t not in RUN_TABLES}


def test_demo_twice(tmp_path):
    db = tmp_path / "harvest.db"
    hosts = hosting.host_order()
    port = free_port(len(hosts))
    first = harvester_cli("demo", "--db", str(db), "--port", str(port), "--renderer", "none")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "Traceback" not in first.stderr
    # the replicas show the sites as they are now: every 2025 report is out, so no check alerts
    assert "alert" not in (first.stdout + first.stderr).lower(), first.stdout[-3000:] + first.stderr[-3000:]
    served = hosting.servable()
    # twenty bodies on six sites; without ../shared, pingtan's real pages are not served
    assert len(served) >= (20 if PingtanReplica.available() else 19) and set(served) <= set(SITES)
    for site in served:
        assert site in first.stdout
    assert str(db) in first.stdout

    reports = exported_reports(db)
    owner_host = {k: hosting.host_of(SITES[hosting.owner_of(SITES[k])]) for k in served}
    base_urls = {k: f"http://127.0.0.1:{port + hosts.index(owner_host[k])}" for k in served}
    expected = {(e["site"], e["url"]) for e in manifest(edition=CURRENT_EDITION, base_urls=base_urls)}
    assert {(r["site"], r["url"]) for r in reports} == expected
    for r in reports:
        assert r["content_sha256"] and r["fetched_at"] and r["harvest_run"] and r["parser_version"]

    # The seed pages, crawled and stored, still match their golden files.
    by_doc = {(r["site"], urlsplit(r["url"]).path): r for r in reports}
    for site in SEED_IDS:
        seed_id = str(seed_document(site).doc_id)
        matches = [r for (s, path), r in by_doc.items() if s == site and seed_id in path]
        assert len(matches) == 1, (site, seed_id)
        item = ReportItem.from_dict(matches[0])
        assert_matches_golden(ParseResult(kind="report", reason="", item=item), golden(site))

    before = row_counts(db)
    second = harvester_cli("demo", "--db", str(db), "--port", str(port), "--renderer", "none")
    assert second.returncode == 0, second.stderr[-3000:]
    assert row_counts(db) == before
