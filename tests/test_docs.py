"""The project carries its own design: every file a doc (README, docs/, --help of nothing else)
points at exists, and no doc cites a DESIGN.md the project does not have."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted(ROOT.glob("tests/**/README.md"))]
#: Project paths written in prose or code spans: docs/x.md, harvester/a/b.py, scripts/x.sh, ...
PATH_RE = re.compile(r"(?<![\w/.-])((?:docs|harvester|scripts|deploy|bench|spiders|pipelines|tests)/[\w./-]*\w)")
LINK_RE = re.compile(r"\]\(([^)#\s]+)")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_path_a_doc_names_exists(doc: Path):
    text = doc.read_text(encoding="utf-8")
    missing = []
    for match in LINK_RE.finditer(text):
        target = match.group(1)
        if "://" in target:
            continue
        if not (doc.parent / target).exists():
            missing.append(target)
    for match in PATH_RE.finditer(text):
        path = match.group(1).rstrip(".")
        after = text[match.end():match.end() + 2]
        if "<" in path or after.startswith((".*", ".{", "<", "*")):
            continue  # a pattern (spiders/<site>.py, harvester-harvest.{service,timer})
        if path.startswith("harvester/") and "." not in path.rsplit("/", 1)[-1] and not (ROOT / path).is_dir():
            continue  # a Scrapy stats name (harvester/new, harvester/render/challenge_not_passed)
        if "/." in path or "/scrapyd/" in text[match.start():match.end() + 1]:
            continue  # generated state (bench/.cache, deploy/scrapyd/)
        if not (ROOT / path).exists():
            missing.append(path)
    assert not missing, f"{doc.name} names files the project lacks: {sorted(set(missing))}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_doc_cites_a_design_file_outside_the_project(doc: Path):
    assert "DESIGN.md" not in doc.read_text(encoding="utf-8")
