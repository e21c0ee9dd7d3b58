"""A new user's machine: Chromium installed but not the ``[render]`` extra (scrapy-playwright).

Simulated by a ``sitecustomize`` that makes ``import scrapy_playwright`` fail in the child process,
as it does in a venv made by ``make demo`` (which installs the package without extras)."""

from __future__ import annotations

import shutil

import pytest

from harvester.replicas import hosting
from harvester.storage.testing import free_port
from without_modules import env_without

from .conftest import exported_reports, harvester_cli

pytestmark = pytest.mark.slow

@pytest.fixture
def no_render_extra(tmp_path):
    return {**env_without(tmp_path, "scrapy_playwright", "playwright"), "SPLASH_URL": ""}


def test_blocker_really_blocks(no_render_extra):
    import subprocess
    import sys
    import os

    done = subprocess.run([sys.executable, "-c", "import scrapy_playwright"], capture_output=True, text=True,
                          env={**os.environ, **no_render_extra})
    assert done.returncode != 0 and "scrapy_playwright" in done.stderr


@pytest.mark.skipif(not shutil.which("chromium"), reason="the case needs Debian's chromium installed")
def test_demo_with_chromium_but_without_the_render_extra(tmp_path, no_render_extra):
    db = tmp_path / "harvest.db"
    port = free_port(len(hosting.host_order()))
    out = harvester_cli("demo", "--db", str(db), "--port", str(port), "--site", "xuancheng",
                        env=no_render_extra)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "ModuleNotFoundError" not in out.stdout + out.stderr
    assert "Traceback" not in out.stderr
    # auto says what it chose and why Chromium was not usable
    text = " ".join(out.stdout.split())  # lines wrap at the console's width
    assert "renderer: none" in text and "scrapy_playwright missing" in text
    assert "challenge switched off" in text
    reports = exported_reports(db, "xuancheng")
    assert reports and all(r["site"] == "xuancheng" for r in reports)


def test_explicit_playwright_without_the_extra_is_one_line_with_the_fix(tmp_path, no_render_extra):
    out = harvester_cli("harvest", "xuancheng", "--replica", "--db", str(tmp_path / "h.db"),
                        "--renderer", "playwright", env=no_render_extra)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install -e '.[render]'" in lines[0], out.stderr
