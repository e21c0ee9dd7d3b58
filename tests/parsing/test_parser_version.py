"""The recorded parser version follows every change that can change parsed output, and only those."""

from __future__ import annotations

import shutil
from pathlib import Path

import harvester
from harvester.parsing import PARSER_VERSION
from harvester.parsing.version import compute_parser_version

PACKAGE = Path(harvester.__file__).resolve().parent


def copy_package(tmp_path: Path) -> Path:
    target = tmp_path / "harvester"
    shutil.copytree(PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__", "data"))
    return target


def touch(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + line, encoding="utf-8")


def test_the_recorded_version_is_the_one_of_these_sources(tmp_path):
    assert compute_parser_version(copy_package(tmp_path)) == PARSER_VERSION


def test_a_change_in_parsing_cleaning_or_the_item_contract_changes_it(tmp_path):
    package = copy_package(tmp_path)
    seen = {compute_parser_version(package)}
    for relative in ("parsing/tables.py", "cleaning/chrome.py", "items.py", "hints.py"):
        touch(package / relative, "\n# a change\n")
        seen.add(compute_parser_version(package))
    assert len(seen) == 5


def test_a_change_outside_the_parser_keeps_it(tmp_path):
    package = copy_package(tmp_path)
    before = compute_parser_version(package)
    touch(package / "cli" / "__init__.py", "\n# a change\n")
    touch(package / "storage" / "store.py", "\n# a change\n")
    assert compute_parser_version(package) == before
