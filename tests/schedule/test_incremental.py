"""Incremental harvests against the replicas: an unchanged site costs its first listing pages
only, edition 2 (one new report, one edited) gives exactly 1 new and 1 changed, --full walks
everything with conditional requests."""

from __future__ import annotations

import pytest

from .conftest import SITES, detail_downloads, harvest, last_runs, listing_requests, rows

pytestmark = pytest.mark.slow


def test_unchanged_second_harvest_downloads_no_detail_page(tmp_path, replica):
    db = tmp_path / "h.db"
    first = harvest(db, replica, SITES)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    runs1 = last_runs(db)
    first_listing = {site: len(listing_requests(replica, site)) for site in SITES}
    for site in SITES:
        assert runs1[site]["new"] > 10 and runs1[site]["sweep"] == "complete"
        assert detail_downloads(replica, site)  # the first harvest did download them
    replica.clear_log()

    second = harvest(db, replica, SITES)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    runs2 = last_runs(db)
    for site in SITES:
        run, stats = runs2[site], runs2[site]["stats"]
        # from the replica's own log: not one detail page body sent
        assert detail_downloads(replica, site) == [], site
        # from the crawl's stats: no detail download, the known reports still counted as seen
        assert stats.get("harvester/detail_downloads", 0) == 0, site
        assert (run["new"], run["changed"], run["failed"]) == (0, 0, 0), site
        assert stats["harvester/skipped"] > 0 and stats["harvester/known_reports"] > 0, site
        assert run["checks"]["reports"]["status"] == "ok", site
        # pagination stopped early where the listing has pages after the first known one
        # (yongkang's column page and one dataproxy group hold the whole column)
        if site == "yongkang":
            assert len(listing_requests(replica, site)) == first_listing[site] == 2
        else:
            assert len(listing_requests(replica, site)) < first_listing[site], site
            assert run["sweep"] == "partial" and run["stats"]["harvester/pagination_stopped"] >= 1, site
        assert run["gone"] == 0, site
        # what was requested: robots.txt and listing pages, nothing else
        assert run["requests"] == len(listing_requests(replica, site)) + 1 < runs1[site]["requests"], site
    # stored nothing twice
    assert rows(db, "select count(*) from snapshots")[0][0] == rows(db, "select count(*) from pages")[0][0]


def test_edition_2_gives_one_new_and_one_changed(tmp_path, replica):
    db = tmp_path / "h.db"
    assert harvest(db, replica, SITES).returncode == 0
    replica.options.edition = 2
    replica.clear_log()
    # The edited report keeps its listing date: only a recheck finds its new content. A recheck
    # window of 0 days sends every known page the crawl reaches a conditional request.
    second = harvest(db, replica, SITES, "-s", "HARVESTER_RECHECK_DAYS=0")
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    for site, run in last_runs(db).items():
        stats = run["stats"]
        assert (run["new"], run["changed"]) == (1, 1), (site, run)
        assert run["failed"] <= 1 and run["gone"] == 0, site
        # everything else the crawl reached answered 304: no body
        assert stats["harvester/not_modified"] == run["unchanged"] > 0, site
        assert stats["harvester/detail_downloads"] == 2 + (1 if run["failed"] else 0), site
        conditional = [r for r in replica.request_log if r.site == site and r.conditional]
        assert len(conditional) == stats["harvester/conditional_requests"], site
    # one more snapshot per edited page, none for the 304s
    assert rows(db, "select count(*) from pages where current_snapshot_id is not null")[0][0] + len(SITES) == \
        rows(db, "select count(*) from snapshots")[0][0]


def test_edit_waits_for_the_recheck_window_by_default(tmp_path, replica):
    """Documented trade-off: with the default window a silent edit (same listing date) is found
    at the page's next recheck, not at once; the new report is found at once."""
    db = tmp_path / "h.db"
    assert harvest(db, replica, ["zhaoqing"]).returncode == 0
    replica.options.edition = 2
    assert harvest(db, replica, ["zhaoqing"]).returncode == 0
    assert (last_runs(db)["zhaoqing"]["new"], last_runs(db)["zhaoqing"]["changed"]) == (1, 0)
    assert harvest(db, replica, ["zhaoqing"], "-s", "HARVESTER_RECHECK_DAYS=0").returncode == 0
    assert (last_runs(db)["zhaoqing"]["new"], last_runs(db)["zhaoqing"]["changed"]) == (0, 1)


def test_full_walks_every_listing_page_with_conditional_requests(tmp_path, replica):
    db = tmp_path / "h.db"
    assert harvest(db, replica, ["zhaoqing", "yuxi"]).returncode == 0
    first = last_runs(db)
    first_listing = {s: len(listing_requests(replica, s)) for s in ("zhaoqing", "yuxi")}
    replica.clear_log()
    full = harvest(db, replica, ["zhaoqing", "yuxi"], "--full")
    assert full.returncode == 0, full.stdout[-3000:] + full.stderr[-3000:]
    for site, run in last_runs(db).items():
        assert run["stats"]["harvester/mode"] == "full" and run["sweep"] == "complete"
        assert len(listing_requests(replica, site)) == first_listing[site]
        assert detail_downloads(replica, site) == [r for r in detail_downloads(replica, site) if r.status == 404]
        assert run["unchanged"] == first[site]["new"] and run["new"] == run["changed"] == 0
