"""A description of the machine and software the figures were measured on."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def _git(repo: Path, *args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def describe(repo: Path) -> dict[str, str | int | float | None]:
    import lxml.etree
    import opencc  # noqa: F401 - version below
    import scrapy
    import sqlalchemy
    from importlib.metadata import version

    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "scrapy": scrapy.__version__,
        "lxml": ".".join(map(str, lxml.etree.LXML_VERSION)),
        "libxml2": ".".join(map(str, lxml.etree.LIBXML_VERSION)),
        "sqlalchemy": sqlalchemy.__version__,
        "sqlite": sqlite3.sqlite_version,
        "opencc": version("opencc"),
        "commit": _git(repo, "rev-parse", "--short", "HEAD"),
        "dirty_paths": len([line for line in _git(repo, "status", "--porcelain", "--", "harvester", "pipelines",
                                                   "spiders").splitlines() if line.strip()]),
    }


def one_line(info: dict) -> str:
    return (f"{info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB, {info['os']}; Python {info['python']}, "
            f"Scrapy {info['scrapy']}, lxml {info['lxml']} (libxml2 {info['libxml2']}), SQLAlchemy {info['sqlalchemy']}, "
            f"SQLite {info['sqlite']}, OpenCC {info['opencc']}; commit {info['commit']}"
            + (f" (+{info['dirty_paths']} uncommitted files in harvester/pipelines/spiders)" if info["dirty_paths"] else ""))
