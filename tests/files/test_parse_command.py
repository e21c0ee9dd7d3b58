"""`harvester parse` reads report files as well as HTML pages (one dispatch by file type)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _parse(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harvester", "parse", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_parse_pdf_and_docx_files(files, modern_doc, tmp_path):
    paths = []
    for fmt in ("pdf", "docx"):
        path = tmp_path / f"report.{fmt}"
        path.write_bytes(files[fmt])
        paths.append(str(path))
    out = _parse(*paths, "--json")
    assert out.returncode == 0, out.stderr
    items = json.loads(out.stdout)
    for item in items:
        assert item["kind"] == "report" and item["report_year"] == modern_doc.report_year
        stats = {s["key"]: s["value"] for s in item["stats"]}
        assert all(stats.get(k) == v for k, v in modern_doc.expected["stats"].items())


def test_parse_unreadable_file_says_why(files, tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(files["pdf"][:2000])
    out = _parse(str(path))
    assert out.returncode == 0, out.stderr
    assert "kind:      file (a pdf file, not an HTML page; not read: corrupt PDF" in out.stdout
