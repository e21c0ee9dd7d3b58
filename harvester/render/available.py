"""Which renderer can actually run here: ``--renderer auto`` tries each one before choosing.

"Installed" is not enough: Chromium without the ``[render]`` extra (scrapy-playwright) fails
every rendered request with ``ModuleNotFoundError``, a Splash URL may point at nothing, a
browser binary may not start in a container. So a backend counts as available only when its
Python packages import and its service answers or its browser starts, and the caller prints
which one was chosen and why the others were not.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass

from .config import CHROMIUM_ARGS, DEFAULT_SPLASH_URL


@dataclass(frozen=True)
class Probe:
    backend: str
    ok: bool
    #: What was found ("Chromium 120.0 at /usr/bin/chromium") or, when not ok, the one-line fix.
    detail: str


def _importable(*modules: str) -> str | None:
    """The first module of ``modules`` that cannot be imported, else None."""
    for name in modules:
        try:
            if importlib.util.find_spec(name) is None:
                return name
        except (ImportError, ValueError):
            return name
    return None


def probe_playwright(chromium: str | None = None, timeout: float = 30.0) -> Probe:
    """scrapy-playwright importable and Debian's chromium starts headless."""
    missing = _importable("scrapy_playwright", "playwright")
    if missing:
        return Probe("playwright", False, f"Python package {missing} missing: pip install -e '.[render]'")
    path = chromium or os.environ.get("HARVESTER_CHROMIUM") or shutil.which("chromium")
    if not path:
        return Probe("playwright", False, "no chromium binary: apt-get install -y chromium")
    try:
        # Rendering a blank page proves the browser starts, not only that the file exists.
        done = subprocess.run([path, "--headless", *CHROMIUM_ARGS, "--dump-dom", "about:blank"],
                              capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Probe("playwright", False, f"{path} does not start ({type(exc).__name__}): check the chromium package")
    if done.returncode != 0 or b"<html" not in done.stdout:
        err = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return Probe("playwright", False, f"{path} does not start (exit {done.returncode}: "
                     f"{err[-1][:120] if err else 'no output'}): check the chromium package")
    try:
        version = subprocess.run([path, "--version"], capture_output=True, timeout=10,
                                 stdin=subprocess.DEVNULL).stdout.decode().strip()
    except (OSError, subprocess.TimeoutExpired):
        version = "chromium"
    version = version.split(" built ")[0] or "chromium"
    return Probe("playwright", True, f"{version} at {path} through scrapy-playwright")


def probe_splash(splash_url: str | None, timeout: float = 5.0) -> Probe:
    """scrapy-splash importable and the Splash server answers its /_ping."""
    if not splash_url:
        return Probe("splash", False, "SPLASH_URL not set (scripts/splash.sh start, then SPLASH_URL="
                     f"{DEFAULT_SPLASH_URL})")
    missing = _importable("scrapy_splash")
    if missing:
        return Probe("splash", False, "Python package scrapy_splash missing: pip install -e .")
    ping = splash_url.rstrip("/") + "/_ping"
    try:
        with urllib.request.urlopen(ping, timeout=timeout) as answer:
            answer.read(1000)
    except (OSError, urllib.error.URLError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return Probe("splash", False, f"Splash at {splash_url} does not answer ({reason}): scripts/splash.sh start")
    return Probe("splash", True, f"Splash at {splash_url}")


def choose_renderer(splash_url: str | None) -> tuple[str | None, list[Probe]]:
    """``auto``: Splash when SPLASH_URL is set and answers, else Chromium when it imports and
    starts, else None. Returns the choice and every probe made (for the message)."""
    probes = []
    if splash_url:
        probes.append(probe_splash(splash_url))
        if probes[-1].ok:
            return "splash", probes
    probes.append(probe_playwright())
    if probes[-1].ok:
        return "playwright", probes
    return None, probes
