"""End to end: crawling the replicas fetches every file a report page links once, stores it
content-addressed beside the page, reads it and merges it into the report; a report that is only
in its file (a 详见附件 cover page) gets its statistics and sections from the file; yuxi 2017's
table picture yields its statistics with OCR on; a second harvest fetches no file again; a file
over the size cap is recorded as such and the harvest goes on."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

import pytest

from harvester.replicas import ReplicaOptions, ReplicaServer, corpus, manifest
from harvester.storage import Store
from harvester.storage.attachments import file_rows

from crawl.conftest import exported_reports, last_run_stats, scrapy_crawl

pytestmark = pytest.mark.slow

FAST = ("-s", "HARVESTER_LOCK=0")


@pytest.fixture(scope="module")
def replicas():
    with ReplicaServer(options=ReplicaOptions(challenge=False)) as server:
        yield server


@pytest.fixture(scope="module")
def harvest(replicas, tmp_path_factory):
    """panzhihua (DOC, XLS, a DOC-only report), yongkang (PDF, a PDF-only report, DOCX), yuxi
    with OCR on (table pictures), into one archive."""
    pytest.importorskip("pypdfium2", reason="the [files] extra is not installed")
    db = tmp_path_factory.mktemp("files") / "harvest.db"
    for site, extra in (("panzhihua", ()), ("yongkang", ()), ("yuxi", ("-s", "HARVESTER_OCR=1"))):
        result = scrapy_crawl(site, replicas.base_urls[site], db, *FAST, *extra)
        assert result.returncode == 0, result.stderr[-3000:]
        assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return db


def _docs_by_path(site: str) -> dict[str, object]:
    docs = {d.doc_id: d for d in corpus.documents(site)}
    return {urlsplit(e["url"]).path: docs[e["doc_id"]] for e in manifest(site=site)}


def test_every_linked_file_is_stored_once_and_read(harvest, replicas):
    rows = file_rows(Store(f"sqlite:///{harvest}"))
    by_url = {r["url"]: r for r in rows}
    assert len(by_url) == len(rows)
    linked = set()
    for site in ("panzhihua", "yongkang", "yuxi"):
        for report in exported_reports(harvest, site):
            linked |= {a["url"] for a in report["attachments"] if a["kind"] in ("pdf", "doc", "xls", "image")}
    assert linked and set(by_url) == linked
    # every real file the replica manifest lists for these sites' reports is among them
    listed = {f["url"] for site in ("panzhihua", "yongkang", "yuxi")
              for record in manifest(base_urls=replicas.base_urls, site=site) for f in record.get("files", [])}
    assert listed and listed <= set(by_url)
    from urllib.request import urlopen

    for row in rows:
        assert row["fetch_count"] == 1 and row["status"] == 200 and row["error"] is None
        with urlopen(row["url"]) as reply:  # the bytes stored are the bytes served
            served = reply.read()
        assert row["sha256"] == hashlib.sha256(served).hexdigest() and row["size"] == len(served)
        extraction = row["extraction"]
        if row["kind"] in ("doc", "pdf", "xls"):
            assert extraction["error"] is None and extraction["chars"] > 100, row
    formats = {r["extraction"]["format"] for r in rows}
    assert {"doc", "docx", "pdf", "xls", "image"} <= formats


def test_reports_only_in_a_file_have_their_statistics_and_sections(harvest, replicas):
    checked = 0
    for site in ("panzhihua", "yongkang"):
        docs = _docs_by_path(site)
        for report in exported_reports(harvest, site):
            doc = docs[urlsplit(report["url"]).path]
            if "content_in_file" not in doc.expected:
                continue
            checked += 1
            exp = doc.expected
            assert report["report_year"] == exp["report_year"] and report["title"] == exp["title"]
            assert [s["title"] for s in report["sections"] if s["level"] == 1] == exp["section_titles"]
            stats = {s["key"]: s for s in report["stats"]}
            assert {k: stats[k]["value"] if k in stats else None for k in exp["stats"]} == exp["stats"]
            spec = next(a for a in doc.attachments if a.filename == exp["content_in_file"])
            origins = {s["origin"] for s in report["stats"]}
            assert len(origins) == 1 and origins <= {spec.name, spec.filename}, origins
            assert report["signed_date"] == exp["signed_date"]
    assert checked == 2


def test_files_with_the_page_content_add_nothing_contradictory(harvest):
    for site in ("panzhihua", "yongkang"):
        for report in exported_reports(harvest, site):
            assert not [w for w in report["warnings"] if "on the page (" in w], report["url"]
            assert not [w for w in report["warnings"] if w.startswith("attachment") and "not read" in w], report["warnings"]


def test_yuxi_table_pictures_yield_statistics_marked_as_ocr(harvest):
    docs = _docs_by_path("yuxi")
    checked = 0
    for report in exported_reports(harvest, "yuxi"):
        doc = docs.get(urlsplit(report["url"]).path)
        if doc is None or "file_stats" not in doc.expected:
            continue
        checked += 1
        stats = {s["key"]: s for s in report["stats"]}
        for key, value in doc.expected["file_stats"].items():
            assert key in stats, (report["report_year"], key)
            assert stats[key]["value"] == value, (report["report_year"], key)
            if key not in doc.expected["stats"]:
                assert stats[key]["source"] == "ocr" and stats[key]["origin"], (report["report_year"], key)
                assert 0.5 < stats[key]["confidence"] <= 1
        assert not [w for w in report["warnings"] if "published only as an image" in w]
        assert not [w for w in report["warnings"] if w.startswith(("request table", "attachment"))
                    and "identity" in w]
    assert checked == 2  # the 2017 seed (表格.jpg) and 2019's requests table


@pytest.mark.parametrize("site,ocr", [("yongkang", "0"), ("yuxi", "1")])
def test_reparse_merges_the_stored_files_offline(harvest, site, ocr):
    """Re-parse reads the files from the archive: same output as the crawl (no version changes,
    the cover page still a report, the OCR'd statistics still there)."""
    from crawl.conftest import harvester_cli

    out = harvester_cli("reparse", "--site", site, "--db", str(harvest), env={"HARVESTER_OCR": ocr})
    assert out.returncode == 0, out.stderr[-2000:]
    assert "changed (new version):     0" in out.stdout, out.stdout
    assert "no longer reports:           0" in out.stdout, out.stdout


def test_second_harvest_fetches_no_file_again(harvest, replicas):
    before = {r["url"]: r for r in file_rows(Store(f"sqlite:///{harvest}"))}
    result = scrapy_crawl("panzhihua", replicas.base_urls["panzhihua"], harvest, *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    stats = last_run_stats(harvest, "panzhihua")["stats"]
    assert not stats.get("harvester/files/fetched"), stats
    after = {r["url"]: r for r in file_rows(Store(f"sqlite:///{harvest}"))}
    assert after.keys() == before.keys()
    assert all(r["fetch_count"] == 1 and r["sha256"] == before[u]["sha256"] for u, r in after.items())


def test_file_over_the_size_cap_is_recorded_and_the_harvest_goes_on(replicas, tmp_path):
    """zhaoqing's 2023 report links a ~600 kB scan; with a 300 kB cap it is not downloaded."""
    db = tmp_path / "harvest.db"
    result = scrapy_crawl("zhaoqing", replicas.base_urls["zhaoqing"], db, *FAST, "-s", "HARVESTER_FILE_MAX_BYTES=300000")
    assert result.returncode == 0, result.stderr[-3000:]
    rows = file_rows(Store(f"sqlite:///{db}"))
    too_large = [r for r in rows if r["error"]]
    assert len(too_large) == 1 and too_large[0]["error"] == "too large: over the 300000-byte cap"
    assert too_large[0]["sha256"] is None
    ok = [r for r in rows if not r["error"]]
    assert ok and all(r["sha256"] for r in ok)
    reports = exported_reports(db, "zhaoqing")
    assert len(reports) == len(manifest(site="zhaoqing"))
    scan_report = next(r for r in reports if any(a["url"] == too_large[0]["url"] for a in r["attachments"]))
    assert any("not read: not fetched: too large" in w for w in scan_report["warnings"])
