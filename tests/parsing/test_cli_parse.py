"""`harvester parse` on pages of any body: no site needed, many files at once, no borrowed identity."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from harvester.cli import main

ROOT = Path(__file__).resolve().parents[2]
OTHER = Path(__file__).parent / "fixtures" / "other_bodies"
FUJIAN = OTHER / "fujian_city_2012.html"


def test_any_url_of_an_unknown_host_parses_without_a_site(capsys):
    # A path starting with zwgk/ (yuxi's) or col/ (yongkang's) must not borrow those bodies.
    for url in ("http://www.shuyang.gov.cn/zwgk/xxgknb/2013/t1.html", "http://www.np.gov.cn/col/col1/art_1.html"):
        assert main(["parse", str(FUJIAN), "--url", url, "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["site"] == ""
        assert data["kind"] == "report"
        assert "云南" not in (data["region"] or "") and "浙江" not in (data["region"] or "")
        assert data["agency"] != "玉溪市人民政府"
        assert (data["region"] or "").startswith("福建省南平市")


def test_several_files_print_one_line_each_within_80_columns():
    files = sorted(str(p) for p in OTHER.glob("*.html"))
    out = subprocess.run([sys.executable, "-m", "harvester", "parse", *files], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split()[:2] == ["kind", "year"]
    assert len(lines) == len(files) + 2
    assert lines[-1] == f"{len(files)} files, {len(files)} reports"
    wide = sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in max(lines, key=len))
    assert all(sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in line) <= 80 for line in lines), wide
    for path, line in zip(files, lines[1:-1]):
        assert line.split()[0] == "report"
        assert Path(path).name[:10] in line


def test_jsonl_gives_one_item_per_file(capsys):
    files = sorted(str(p) for p in OTHER.glob("*.html"))
    assert main(["parse", *files, "--jsonl"]) == 0
    items = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [Path(i["final_url"]).name for i in items] == [Path(f).name for f in files]  # file:// URLs
    assert all(i["kind"] == "report" and i["report_year"] for i in items)


def test_a_page_naming_its_own_url_is_parsed_against_it(tmp_path, capsys):
    page = tmp_path / "saved.html"
    page.write_bytes(FUJIAN.read_bytes().replace(b"<head>", b'<head><meta name="Url" content="http://www.np.gov.cn/zwgk/1.htm"/>', 1))
    assert main(["parse", str(page), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["final_url"] == "http://www.np.gov.cn/zwgk/1.htm"


@pytest.mark.parametrize("argv,message", [
    (["parse", str(FUJIAN), str(FUJIAN), "--url", "http://x.gov.cn/a.html"], "--url names the URL of one page"),
    (["parse", "no-such-file.html"], "no such file"),
    (["parse", str(FUJIAN), "--url", "x.gov.cn/a"], "absolute URL"),
    (["parse", str(FUJIAN), "--site", "nowhere"], "unknown site"),
])
def test_bad_arguments_give_one_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err


@pytest.mark.parametrize("magic,name", [(b"PAR1", "parquet"), (b"%PDF-1.7\n", "pdf"), (b"PK\x03\x04", "zip"),
                                        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole")])
def test_a_file_is_called_a_file_not_news(tmp_path, capsys, magic, name):
    path = tmp_path / f"x.{name}"
    path.write_bytes(magic + bytes(range(256)) * 8)
    assert main(["parse", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "file" and name in data["kind_reason"]
    assert data["cleaning"]["file_type"] == name


def test_a_listing_page_is_a_list(capsys):
    listing = ROOT.parent / "shared" / "corpus" / "pingtan" / "listing.html"
    if not listing.is_file():
        pytest.skip("../shared/corpus/pingtan is absent: the real listing page is not on this clone")
    assert main(["parse", str(listing), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["kind"] == "list"
