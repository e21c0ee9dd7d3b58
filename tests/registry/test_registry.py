"""The registry of bodies as data: the bundled file, user files extending it, validation with
one-line errors, the hints lookup, `harvester sites` (80 columns, --json) and `harvester
add-body` (a row that loads as printed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from harvester import registry
from harvester.hints import hints_for
from harvester.registry import LEVELS, PLATFORMS, RegistryError, load
from harvester.sites import SITES, get_site

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harvester", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def test_bundled_registry_has_twenty_bodies_with_the_shape_users_have():
    bodies = load()
    assert len(bodies) >= 20
    for body in bodies.values():
        assert body.agency and body.region and body.level in LEVELS and body.platform in PLATFORMS
        assert len(body.region_code) == 6 and body.region_code.isdigit()
        assert body.entry_url.startswith(("http://", "https://"))
        assert not body.parent or body.parent in bodies
    # region and code agree with the national division list the parser reads pages with
    from harvester.parsing.region import full_name

    assert {k: b.region for k, b in bodies.items()} == {k: full_name(b.region_code) for k, b in bodies.items()}
    # a city with its districts and its departments
    below = {b.key: b.level for b in registry.descendants("zhaoqing")}
    assert {"county", "department"} <= set(below.values()) and len(below) >= 6
    assert {b.platform for b in bodies.values()} >= {"gkmlpt", "hanweb", "trs", "anhui", "static"}


def test_public_api_keeps_working():
    site = get_site("xuancheng")
    assert site.agency == site.name and site.entry_url == site.column_url
    assert site.needs_rendering and "宣城市人民防空办公室" in site.former_names
    assert site.url_for("http://127.0.0.1:9") == "http://127.0.0.1:9/XxgkAnnualReport/showList/78/page_1.html"
    assert SITES["yuxi"].agency_keywords == ("玉溪",)
    with pytest.raises(ValueError, match="unknown body 'nowhere'"):
        get_site("nowhere")


def test_hints_lookup_for_applying_after_parsing():
    hints = hints_for("zq-sthjj")
    assert (hints.key, hints.name, hints.former_names) == ("zq-sthjj", "肇庆市生态环境局", ("肇庆市环境保护局",))
    assert (hints.region, hints.region_code) == ("广东省肇庆市", "441200")
    assert hints.page.content_selectors == ("div.article-content",)
    assert hints_for("not-a-body") is None


def test_user_file_adds_and_overrides(tmp_path):
    user = tmp_path / "mine.toml"
    user.write_text(
        '[[body]]\nkey = "zq-gaj"\nname = "肇庆市公安局"\nlevel = "department"\nregion = "广东省肇庆市"\n'
        'region_code = "441200"\nparent = "zhaoqing"\nplatform = "gkmlpt"\n'
        'column_url = "http://www.zhaoqing.gov.cn/zqgaj/gkmlpt/index"\n\n'
        '[[body]]\nkey = "yongkang"\nname = "永康市人民政府"\nlevel = "county"\nregion = "浙江省永康市"\n'
        'region_code = "330784"\nplatform = ""\ncolumn_url = "https://www.yk.gov.cn/col/col1229188257/index.html"\n',
        "utf-8")
    bodies = load([user])
    assert bodies["zq-gaj"].parent == "zhaoqing" and bodies["zq-gaj"].source == str(user)
    assert bodies["yongkang"].platform == ""  # overridden: detect
    assert len(bodies) == len(load()) + 1


@pytest.mark.parametrize("row, message", [
    ('key = "a b"\nname = "x"\ncolumn_url = "http://x.cn/"', "key must be"),
    ('key = "ab"\ncolumn_url = "http://x.cn/"', "name is required"),
    ('key = "ab"\nname = "x"\ncolumn_url = "ftp://x.cn/"', "column_url must be an http"),
    ('key = "ab"\nname = "x"\ncolumn_url = "http://x.cn/"\nlevel = "village"', "level must be one of"),
    ('key = "ab"\nname = "x"\ncolumn_url = "http://x.cn/"\nplatform = "wordpress"', "platform must be one of"),
    ('key = "ab"\nname = "x"\ncolumn_url = "http://x.cn/"\nregion_code = "44"', "6-digit division code"),
    ('key = "ab"\nname = "x"\ncolumn_url = "http://x.cn/"\nparent = "nobody"', "parent 'nobody' is not in"),
    ('key = "ab"\nname = "x"\ncolumn_url = "http://x.cn/"\ncolour = "red"', "unknown field(s) colour"),
])
def test_bad_rows_are_one_clear_error(tmp_path, row, message):
    user = tmp_path / "bad.toml"
    user.write_text(f"[[body]]\n{row}\n", "utf-8")
    with pytest.raises(RegistryError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        load([user])
    assert str(user) in str(info.value) and "\n" not in str(info.value)


def test_bad_registry_file_is_one_line_on_the_command_line(tmp_path):
    user = tmp_path / "bad.toml"
    user.write_text("[[body]\nkey=", "utf-8")
    out = cli("--registry", str(user), "sites")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.count("\n") == 1 and "not valid TOML" in out.stderr
    out = cli("sites", env={"HARVESTER_REGISTRY": str(tmp_path / "missing.toml")})
    assert out.returncode == 2 and "does not exist" in out.stderr and "Traceback" not in out.stderr


def test_sites_lists_every_body_within_80_columns():
    out = cli("sites")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    for key, body in SITES.items():
        assert any(line.strip().startswith(key + " ") for line in lines), key
    # districts and departments indented under their city
    assert [line for line in lines if line.startswith("  zq-duanzhou")]
    data = json.loads(cli("sites", "--json").stdout)
    assert {d["key"] for d in data} == set(SITES)
    pingtan = next(d for d in data if d["key"] == "pingtan")
    assert pingtan["region_code"] == "350128" and "平潭县人民政府" in pingtan["former_names"]
    under = json.loads(cli("sites", "--json", "--under", "zhaoqing").stdout)
    assert {d["key"] for d in under} == {"zhaoqing"} | {b.key for b in registry.descendants("zhaoqing")}


def test_add_body_prints_a_row_that_loads_and_appends_it(tmp_path):
    args = ["add-body", "zq-gaj", "肇庆市公安局", "http://www.zhaoqing.gov.cn/zqgaj/gkmlpt/index", "--level",
            "department", "--region", "广东省肇庆市", "--code", "441200", "--parent", "zhaoqing", "--platform", "gkmlpt",
            "--column-name", "政府信息公开年报"]
    out = cli(*args)
    assert out.returncode == 0, out.stderr
    row = out.stdout
    bodies = registry.read_file(row, "printed")
    assert [b.key for b in bodies] == ["zq-gaj"] and bodies[0].extra["column_name"] == "政府信息公开年报"
    user = tmp_path / "mine.toml"
    assert cli(*args, "--append", str(user)).returncode == 0
    assert load([user])["zq-gaj"].agency == "肇庆市公安局"
    again = cli(*args, "--append", str(user))
    assert again.returncode == 2 and "already in the registry" in again.stderr
    clash = cli("add-body", "zhaoqing", "x", "http://x.cn/")
    assert clash.returncode == 0  # printing only: the caller decides where it goes
    bad = cli("add-body", "zq-x", "x", "http://x.cn/", "--parent", "nobody")
    assert bad.returncode == 2 and "parent 'nobody'" in bad.stderr


def test_scrapy_lists_a_spider_per_body_and_the_column_spider(tmp_path):
    user = tmp_path / "mine.toml"
    user.write_text('[[body]]\nkey = "extra-body"\nname = "某某县人民政府"\ncolumn_url = "http://example.cn/nb/"\n', "utf-8")
    out = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT), "HARVESTER_REGISTRY": str(user)})
    assert out.returncode == 0, out.stderr
    names = set(out.stdout.split())
    assert set(SITES) | {"column", "extra-body"} <= names
    # no spider module per body: spiders/ holds only the column spider
    assert sorted(p.name for p in (ROOT / "spiders").glob("*.py")) == ["__init__.py", "column.py"]
