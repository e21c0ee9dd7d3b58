"""Issue 14: a hostile site (tests/reliability/faultserver.py) in place of a real one, crawled by
real `harvester harvest` processes into real SQLite files. Each test asserts what the harvester
must do: the harvest finishes, the fault is recorded with a specific reason, nothing stored is
lost or retired, no duplicate, and exit status and checks tell cron the truth."""

from __future__ import annotations

import json

from .conftest import cli, current_reports, failures, harvest, last_run, peak_rss_kib, rows
from .faultserver import Answer, FaultServer, gzip_bomb, html, redirect, report_page

POST = "/gkmlpt/content/1/1/post_{}.html"


def year_page(year: int) -> bytes:
    """The fixture report, re-dated to ``year`` so each page is a distinct report."""
    return report_page().replace(b"2014", str(year).encode())


def add_reports(site, first: int, count: int) -> list[str]:
    return [site.add(POST.format(n), html(year_page(2000 + n % 20))) for n in range(first, first + count)]


def test_links_outside_the_site_are_refused_one_by_one(tmp_path, fault_server):
    """Point 1, 3 and 13 (other port): file://, ftp://, javascript:, mailto:, another host and the
    site's host on another port are never requested; only that link is dropped, the rest of the
    page and its pagination go on, and nothing but the site's own pages is stored."""
    site = fault_server.site
    site.per_page = 5
    with FaultServer() as other_port:
        other_port.site.answers["/secret.html"] = html(year_page(2011))
        good = add_reports(site, 1, 2)
        host = f"127.0.0.1:{fault_server.port}"
        site.add("/x1", None, href=f"file://{host}/etc/passwd")
        site.add("/x2", None, href="file:///etc/passwd")
        site.add("/x3", None, href=f"ftp://{host}/pub/report.html")
        site.add("/x4", None, href="javascript:void(0)")
        site.add("/x5", None, href="mailto:gkb@example.gov.cn")
        site.add("/x6", None, href=f"http://127.0.0.1:{other_port.port}/secret.html")
        site.add("/x7", None, href=f"http://localhost:{fault_server.port}{POST.format(99)}")
        good += add_reports(site, 3, 3)  # on the listing's second page
        out = harvest(tmp_path / "h.db", fault_server)
        assert other_port.site.log == []  # the other port was never contacted
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Traceback" not in out.stderr
    stored = {url for (url,) in rows(tmp_path / "h.db", "select url from pages")}
    assert stored == {fault_server.url(p) for p in good}
    assert not [u for u in stored | set(failures(tmp_path / "h.db")) if not u.startswith(fault_server.base_url)]
    bodies = rows(tmp_path / "h.db", "select count(*) from bodies")
    assert bodies == [(len(good),)]
    run = last_run(tmp_path / "h.db")
    assert run["stats"]["harvester/links_refused"] == 7
    assert run["sweep"] == "complete" and run["stats"]["harvester/listing_pages"] >= 4  # index + 3 API pages
    assert "link refused (scheme file: not http(s))" in out.stderr
    assert "link refused (other port" in out.stderr and "link refused (other host localhost)" in out.stderr


def test_redirects_are_stored_under_the_listed_url_and_failures_recorded(tmp_path, fault_server):
    """Point 11 and 13: a redirected page is stored under its listed URL with the final URL as
    provenance (not gone, not refetched by the next incremental run); redirect cycles, offsite
    redirects and redirects to file:// are failures with their reason."""
    site = fault_server.site
    add_reports(site, 1, 3)
    site.add(POST.format(10), redirect("/moved/post_10.html", 301))
    site.answers["/moved/post_10.html"] = html(year_page(2018))
    site.add(POST.format(11), redirect(POST.format(12)))
    site.add(POST.format(12), redirect(POST.format(11)))
    with FaultServer() as elsewhere:
        elsewhere.site.answers["/r.html"] = html(year_page(2017))
        site.add(POST.format(13), redirect(elsewhere.url("/r.html")))
        site.add(POST.format(14), redirect("file:///etc/passwd"))
        db = tmp_path / "h.db"
        first = harvest(db, fault_server)
        assert elsewhere.site.log == []
    assert "Traceback" not in first.stderr
    listed = fault_server.url(POST.format(10))
    assert rows(db, "select p.url, s.final_url, s.listed_url from pages p join snapshots s on s.page_id = p.id "
                    "where p.url like '%post_10%' or s.final_url like '%moved%'") == [
        (listed, fault_server.url("/moved/post_10.html"), listed)]
    assert listed in current_reports(db)
    failed = failures(db)
    assert "max redirections" in failed[fault_server.url(POST.format(11))][1]
    assert "max redirections" in failed[fault_server.url(POST.format(12))][1]
    assert "offsite redirect" in failed[fault_server.url(POST.format(13))][1]
    assert fault_server.url(POST.format(14)) in failed
    assert rows(db, "select count(*) from pages where gone_at is not null") == [(0,)]
    # the next incremental run knows the page under its listed URL: skipped, not refetched
    second = harvest(db, fault_server)
    assert second.returncode == first.returncode
    assert len(site.hits(POST.format(10))) == 1
    assert rows(db, "select count(*) from pages where gone_at is not null") == [(0,)]
    history = cli("history", listed, "--db", str(db))
    assert history.returncode == 0 and "redirected to " + fault_server.url("/moved/post_10.html") in history.stdout


def test_server_errors_are_recorded_with_their_status_and_retry_after_honoured(tmp_path, fault_server):
    """Point 13: 500/502/503 recorded with the status; a 503 with Retry-After is retried after the
    wait the site asked for; one asking for an hour is not retried at all."""
    site = fault_server.site
    add_reports(site, 1, 12)
    for n, status in ((20, 500), (21, 502), (22, 503)):
        site.add(POST.format(n), Answer(status, b"<html>server error</html>", {"Content-Type": "text/html"}))
    site.add(POST.format(23), Answer(503, b"busy", {"Retry-After": "2"}, then=html(year_page(2019))))
    site.add(POST.format(24), Answer(503, b"busy", {"Retry-After": "3600"}))
    db = tmp_path / "h.db"
    out = harvest(db, fault_server)
    assert "Traceback" not in out.stderr
    failed = failures(db)
    for n, status in ((20, 500), (21, 502), (22, 503), (24, 503)):
        assert failed[fault_server.url(POST.format(n))] == (status, f"HTTP {status}")
    assert fault_server.url(POST.format(23)) in current_reports(db)
    first, retry = site.hits(POST.format(23))[:2]
    assert retry.at - first.at >= 1.9  # the site asked for 2 s
    assert len(site.hits(POST.format(24))) == 1
    assert "asking to retry after 3600 s" in out.stderr


def test_network_faults_are_failures_with_reasons_and_the_run_says_so(tmp_path, fault_server):
    """Resets, hanging answers, slow drip, truncated bodies: each a failure with its reason; the
    good reports are stored; the error-ratio check fails and the exit status is non-zero."""
    site = fault_server.site
    good = add_reports(site, 1, 4)
    site.add(POST.format(30), Answer(action="reset"))
    site.add(POST.format(31), Answer(action="hang"))
    site.add(POST.format(32), Answer(200, year_page(2012), {"Content-Type": "text/html"}, action="drip"))
    site.add(POST.format(33), Answer(200, year_page(2013), {"Content-Type": "text/html"}, action="truncate"))
    db = tmp_path / "h.db"
    out = harvest(db, fault_server, timeout=120)
    assert "Traceback" not in out.stderr
    assert set(current_reports(db)) == {fault_server.url(p) for p in good}
    failed = failures(db)
    assert {fault_server.url(POST.format(n)) for n in range(30, 34)} <= set(failed)
    reasons = " | ".join(failed[fault_server.url(POST.format(n))][1] for n in range(30, 34))
    assert "timed out" in reasons.lower() or "timeout" in reasons.lower(), reasons
    assert all(failed[fault_server.url(POST.format(n))][1] for n in range(30, 34))
    run = last_run(db)
    assert run["checks"]["error_ratio"]["status"] == "fail"
    assert out.returncode == 1 and "error_ratio check failed" in out.stdout


def test_size_caps_bound_memory(tmp_path, fault_server):
    """Point 2: a gzip bomb stops at DOWNLOAD_MAXSIZE as it inflates (memory bounded), an
    oversized plain answer is refused from its Content-Length; both are recorded failures."""
    site = fault_server.site
    good = add_reports(site, 1, 4)
    site.add(POST.format(40), gzip_bomb(512 * 1024 * 1024))
    site.add(POST.format(41), Answer(200, b"<html>" + b"x" * (3 * 1024 * 1024), {"Content-Type": "text/html"}))
    db = tmp_path / "h.db"
    out = harvest(db, fault_server, "-s", f"DOWNLOAD_MAXSIZE={2 * 1024 * 1024}", "-s", "DOWNLOAD_WARNSIZE=1000000",
                  measure_peak=True)
    peak_kib = peak_rss_kib(out)  # of this harvest and its workers only
    assert "Traceback" not in out.stderr
    assert set(current_reports(db)) == {fault_server.url(p) for p in good}
    failed = failures(db)
    assert "exceeded DOWNLOAD_MAXSIZE" in failed[fault_server.url(POST.format(40))][1]
    assert "during decompression" in failed[fault_server.url(POST.format(40))][1]
    assert "larger than download max size" in failed[fault_server.url(POST.format(41))][1]
    # 512 MiB inflated would show here; the cap keeps the crawler under a few hundred MiB
    assert peak_kib < 400 * 1024, f"peak RSS {peak_kib} KiB"
    assert rows(db, "select max(size) from bodies")[0][0] < 1024 * 1024


def test_broken_pages_keep_their_report(tmp_path, fault_server):
    """Points 5 and 6: character references XML cannot hold and deep nesting (250 divs, 50
    unclosed tables, <span><font> 600 deep) still give the report with its statistics; wrong
    charsets, binary served as HTML and empty bodies are stored and said to be what they are."""
    site = fault_server.site
    page = year_page(2016)
    at = page.index(b"<p")
    variants = {
        50: page[:at] + b"&#x0b;" + page[at:],
        51: page[:at] + b"&#xFFFE;" + page[at:],
        52: page[:at] + b"&#xFFFF;" + page[at:],
        53: page[:at] + b"<div>" * 250 + page[at:],
        54: page[:at] + b"<table><tr><td>" * 50 + page[at:],
        55: page[:at] + b"<span><font>" * 600 + page[at:],
    }
    for n, body in variants.items():
        site.add(POST.format(n), html(body.replace(b"2016", str(1990 + n - 50).encode())))
    site.add(POST.format(60), html(page.decode("utf-8").encode("gbk", "replace"), charset="utf-8"))
    site.add(POST.format(61), Answer(200, bytes(range(256)) * 64, {"Content-Type": "text/html"}))
    site.add(POST.format(62), Answer(200, b"", {"Content-Type": "text/html"}))
    db = tmp_path / "h.db"
    out = harvest(db, fault_server)
    assert "Traceback" not in out.stderr
    stats = dict(rows(db, "select r.url, count(s.report_id) from reports r join report_stats s on s.report_id = r.id "
                          "where r.is_current group by r.url"))
    for n in variants:
        assert stats.get(fault_server.url(POST.format(n)), 0) >= 5, (n, stats)
    kinds = dict(rows(db, "select p.url, s.kind from pages p join snapshots s on s.id = p.current_snapshot_id"))
    assert fault_server.url(POST.format(60)) in kinds  # stored whatever it says
    assert kinds[fault_server.url(POST.format(61))] != "report"
    assert kinds[fault_server.url(POST.format(62))] != "report"


def test_a_kept_report_is_retired_only_by_evidence(tmp_path, fault_server):
    """Point 8: on the next harvest a known report answering a 200 maintenance page or an empty
    body stays current (alert kept_reports); a 500 keeps it too (a failure); a 404 on a complete
    sweep marks it gone; a new version that is a report replaces it."""
    site = fault_server.site
    add_reports(site, 1, 10)
    db = tmp_path / "h.db"
    assert harvest(db, fault_server).returncode == 0
    before = current_reports(db)
    assert len(before) == 10
    site.answers[POST.format(1)] = html("<html><head><title>系统维护</title></head><body><p>系统维护中，请稍后访问。"
                                        "</p></body></html>")
    site.answers[POST.format(2)] = Answer(200, b"", {"Content-Type": "text/html"})
    site.answers[POST.format(3)] = Answer(500, b"oops")
    site.answers[POST.format(4)] = html("<html><body>not found</body></html>", status=404)
    site.answers[POST.format(5)] = html(year_page(2005).replace("工作".encode(), "工作情况".encode(), 3))
    out = harvest(db, fault_server, "--full")
    assert "Traceback" not in out.stderr
    after = current_reports(db)
    assert set(after) == set(before)  # nothing left the current export
    assert after[fault_server.url(POST.format(1))] == 1 and after[fault_server.url(POST.format(2))] == 1
    assert after[fault_server.url(POST.format(5))] == 2  # the new version replaced it
    gone = {url for (url,) in rows(db, "select url from pages where gone_at is not null")}
    assert gone == {fault_server.url(POST.format(4))}
    run = last_run(db)
    assert run["checks"]["kept_reports"]["status"] == "alert"
    assert run["checks"]["kept_reports"]["value"] == 2
    assert "kept current until a 404/410" in " ".join(out.stdout.split())  # wrapped at 80 columns
    exported = cli("export", "--format", "jsonl", "--out", "-", "--db", str(db))
    assert len(exported.stdout.splitlines()) == 10


def test_tracking_parameters_and_url_variants_are_one_page(tmp_path, fault_server):
    """Point 9: ?utm_source=, ?spm=, ?from=, a fragment and a trailing index page are one page and
    one report; every snapshot keeps the URL as listed."""
    site = fault_server.site
    add_reports(site, 1, 2)
    path = POST.format(70)
    site.answers[path] = html(year_page(2015))
    for suffix in ("?utm_source=weibo&utm_medium=share", "?spm=a.b.c", "?from=timeline", "#top", ""):
        site.entries.append((path + suffix, "2015年度报告", "2016-01-10"))
    site.answers["/gkmlpt/content/7/"] = html(year_page(2014))
    site.entries.append(("/gkmlpt/content/7/index.html", "2014年度报告", "2015-01-10"))
    site.entries.append(("/gkmlpt/content/7/", "2014年度报告", "2015-01-10"))
    site.answers["/gkmlpt/content/7/index.html"] = html(year_page(2014))
    db = tmp_path / "h.db"
    out = harvest(db, fault_server)
    assert out.returncode == 0, out.stdout + out.stderr
    reports = current_reports(db)
    assert len(reports) == 4
    assert fault_server.url(path) in reports and fault_server.url("/gkmlpt/content/7/") in reports
    listed = rows(db, "select s.listed_url from snapshots s join pages p on p.id = s.page_id where p.url = ?",
                  fault_server.url(path))
    assert listed == [(fault_server.url(path + "?utm_source=weibo&utm_medium=share"),)]
    assert len(site.hits(path)) == 1
    history = cli("history", fault_server.url(path + "?spm=a.b.c"), "--db", str(db), "--json")
    assert json.loads(history.stdout)["url"] == fault_server.url(path)


def test_crawl_trap_is_capped(tmp_path, fault_server):
    """A listing API that claims endless pages stops at max_pages; the sweep is partial (nothing
    marked gone) and the crawl finishes."""
    site = fault_server.site
    add_reports(site, 1, 2)
    site.per_page = 1
    site.claimed_total = 10**6
    db = tmp_path / "h.db"
    out = harvest(db, fault_server, "-s", "HARVESTER_INCREMENTAL=0", timeout=180)
    assert "Traceback" not in out.stderr
    run = last_run(db)
    assert run["sweep"] == "partial"
    assert "max_pages" in out.stderr


def test_history_output_has_no_terminal_escapes(tmp_path, fault_server):
    """Point 13: a listing title carrying ESC sequences is stored as given but printed inert."""
    site = fault_server.site
    add_reports(site, 1, 1)
    site.add(POST.format(80), html(year_page(2010)), title="\x1b]0;pwned\x07\x1b[2J报告\x9b31m")
    db = tmp_path / "h.db"
    assert harvest(db, fault_server).returncode == 0
    out = cli("history", fault_server.url(POST.format(80)), "--db", str(db))
    assert out.returncode == 0
    assert "\x1b" not in out.stdout and "\x07" not in out.stdout and "\x9b" not in out.stdout
    assert "\\x1b]0;pwned" in out.stdout
    as_json = cli("history", fault_server.url(POST.format(80)), "--db", str(db), "--json")
    assert "\x1b" not in as_json.stdout and "\x9b" not in as_json.stdout
    assert json.loads(as_json.stdout)["listing_title"].startswith("\x1b]0;pwned")


def test_csv_export_escapes_formulas(tmp_path, fault_server):
    """Point 10: titles and text starting with = + - @ reach a spreadsheet as text, not formulas;
    numbers stay numbers; JSON lines keep the text as the site gave it."""
    import csv

    site = fault_server.site
    title = "肇庆市人民政府办公室2014年政府信息公开工作年度报告"
    evil = '=HYPERLINK("http://evil.example/","点击")' + title
    site.add(POST.format(90), html(report_page().decode("utf-8").replace(title, evil)))
    site.add(POST.format(91), html(report_page().decode("utf-8").replace(title, "@SUM(A1:A9)" + title)
                                   .replace("2014", "2013")))
    db = tmp_path / "h.db"
    assert harvest(db, fault_server).returncode == 0
    out = cli("export", "--format", "csv", "--out", str(tmp_path / "x") + "/", "--db", str(db))
    assert out.returncode == 0, out.stderr
    with open(tmp_path / "x" / "reports.csv", encoding="utf-8-sig", newline="") as f:
        titles = sorted(row["title"] for row in csv.DictReader(f))
    assert titles == sorted(["'" + evil, "'@SUM(A1:A9)" + title.replace("2014", "2013")])
    with open(tmp_path / "x" / "stats.csv", encoding="utf-8-sig", newline="") as f:
        stat_rows = list(csv.DictReader(f))
    assert stat_rows and all(not cell.startswith(("=", "+", "@")) for row in stat_rows for cell in row.values() if cell)
    assert all(float(row["value"]) == float(row["value"]) for row in stat_rows)
    jsonl = cli("export", "--format", "jsonl", "--out", "-", "--db", str(db))
    assert evil in {json.loads(line)["title"] for line in jsonl.stdout.splitlines()}


def test_a_listing_entry_that_breaks_the_spider_marks_nothing_gone(tmp_path, fault_server):
    """Point 3's consequence: whatever aborts a listing page (here an API entry whose URL is a
    number) makes the sweep partial, so the reports it would have listed are not marked gone."""
    site = fault_server.site
    add_reports(site, 1, 3)
    db = tmp_path / "h.db"
    assert harvest(db, fault_server).returncode == 0
    site.entries.insert(0, (12345, "坏条目", "2021-01-01"))
    out = harvest(db, fault_server, "--full")
    assert rows(db, "select count(*) from pages where gone_at is not null") == [(0,)]
    run = last_run(db)
    assert run["sweep"] == "partial" and run["stats"]["spider_exceptions/count"] >= 1
    assert len(current_reports(db)) == 3 and out.returncode in (0, 1)
