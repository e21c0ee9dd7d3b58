"""Real rendering services for tests/render: a Splash server (scripts/splash.sh) and Debian's
Chromium, each started once per session; crawls run in subprocesses (tests/render/crawl_runner.py)
because a Twisted reactor cannot restart inside one pytest process."""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterator

import pytest

from harvester.storage.testing import free_port

from .challenge_site import ChallengeSite

ROOT = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).with_name("crawl_runner.py")
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
        "-s", "LOG_LEVEL=INFO"]
QT_CHECK = "import PyQt5.QtWebKitWidgets, qt5reactor, lupa, twisted"


def _qt_installed() -> bool:
    return subprocess.run(["/usr/bin/python3", "-c", QT_CHECK], capture_output=True).returncode == 0


@pytest.fixture(scope="session")
def splash_url() -> Iterator[str]:
    """A real Splash 3.5 (QtWebKit, no Docker) on a free loopback port, for the whole session."""
    if not os.path.exists("/usr/bin/python3") or (not _qt_installed() and not os.environ.get("CI")):
        pytest.skip("Debian's PyQt5 QtWebKit packages are not installed (scripts/install-splash.sh installs "
                    "them; CI runs it)")
    venv = Path(os.environ.get("SPLASH_VENV", ROOT / ".venv-splash"))
    # One install at a time: under pytest-xdist (make test) each test process starts a Splash of
    # its own, and two installing into one venv at once break each other.
    with open(f"{venv}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        install = subprocess.run([str(ROOT / "scripts/install-splash.sh"), str(venv)], capture_output=True,
                                 text=True, timeout=900)
    assert install.returncode == 0, install.stdout + install.stderr
    port = free_port()
    env = {**os.environ, "SPLASH_VENV": str(venv), "SPLASH_RUN_DIR": tempfile.mkdtemp(prefix="splash-run-")}
    start = subprocess.run([str(ROOT / "scripts/splash.sh"), "start", str(port)], capture_output=True, text=True,
                           env=env, timeout=120)
    assert start.returncode == 0, start.stdout + start.stderr
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        subprocess.run([str(ROOT / "scripts/splash.sh"), "stop", str(port)], env=env, timeout=60)


def chromium_binary() -> str:
    path = os.environ.get("HARVESTER_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def chromium_cdp_url() -> Iterator[str]:
    """One headless Chromium for the session; crawls attach to it over CDP (PLAYWRIGHT_CDP_URL)."""
    binary = chromium_binary()
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    proc = subprocess.Popen(
        [binary, "--headless", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
         f"--user-data-dir={profile}", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = None
    assert proc.stderr is not None
    for line in proc.stderr:  # Chromium prints its DevTools endpoint once it listens
        match = re.search(r"DevTools listening on ws://([\d.]+:\d+)/", line)
        if match:
            url = f"http://{match.group(1)}"
            break
    if url is None:
        proc.kill()
        pytest.fail("chromium did not start its DevTools endpoint")
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def challenge_site() -> Iterator[ChallengeSite]:
    site = ChallengeSite().start()
    yield site
    site.stop()


def run_crawl(spider: str, *args: str, env: dict[str, str] | None = None, timeout: int = 300) -> dict[str, Any]:
    """Run tests/render/crawl_runner.py; returns its JSON plus ``log`` (stderr) and ``returncode``."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        clean_env = {k: v for k, v in os.environ.items() if k not in ("SPLASH_URL", "HARVESTER_RENDERER")}
        proc = subprocess.run([sys.executable, str(RUNNER), str(out), spider, *FAST, *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=timeout, env={**clean_env, **(env or {})})
        data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    data["log"] = proc.stderr
    data["returncode"] = proc.returncode
    return data
