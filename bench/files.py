"""``python -m bench.files``: the file readers measured on Chinese documents the project
generates (harvester/replicas/filegen.py: a 2021-format report with its three standard tables,
6 pages of PDF), for docs/files.md. Speed is the median of a few runs on this machine; text is
the share of the report's paragraphs found verbatim (spaces ignored); cells the share of the
three tables' cells read exactly. Not a test: timings vary with the machine.
"""

from __future__ import annotations

import io
import re
import shutil
import statistics
import subprocess
import sys
import time

from harvester.replicas import corpus, filegen


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _text_score(paragraphs: list[str], text: str) -> float:
    flat = _squash(text)
    return sum(1 for p in paragraphs if _squash(p) in flat) / len(paragraphs)


def _cell_score(expected: list[list[list[str]]], got: list[list[list[str]]]) -> float:
    want = [_squash(c) for g in expected for row in g for c in row if c.strip()]
    have = {}
    for g in got:
        for row in g:
            for c in row:
                have[_squash(c or "")] = have.get(_squash(c or ""), 0) + 1
    hits = 0
    for c in want:
        if have.get(c):
            have[c] -= 1
            hits += 1
    return hits / len(want)


def _time(fn, runs: int = 3):
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    doc = next(d for d in corpus.documents("zhaoqing") if d.is_report and d.report_year == 2021)
    paragraphs, tables = filegen.document_content(doc)
    files = filegen.report_files(doc.title, paragraphs, tables)
    rows: list[tuple[str, str, float, str, str]] = []

    def add(fmt, lib, seconds, text=None, cells=None):
        rows.append((fmt, lib, seconds, "" if text is None else f"{text:.0%}", "" if cells is None else f"{cells:.0%}"))

    # --- PDF
    import pdfplumber
    import pypdfium2 as pdfium
    from pdfminer.high_level import extract_text

    data = files["pdf"]
    t, text = _time(lambda: "\n".join(p.get_textpage().get_text_range() for p in pdfium.PdfDocument(data)))
    add("pdf", "pypdfium2 text", t, _text_score(paragraphs, text))
    t, text = _time(lambda: "\n".join(p.extract_text() or "" for p in pdfplumber.open(io.BytesIO(data)).pages))
    add("pdf", "pdfplumber text", t, _text_score(paragraphs, text))
    t, text = _time(lambda: extract_text(io.BytesIO(data)))
    add("pdf", "pdfminer.six text", t, _text_score(paragraphs, text))
    t, got = _time(lambda: [tb for p in pdfplumber.open(io.BytesIO(data)).pages for tb in p.extract_tables()])
    add("pdf", "pdfplumber tables", t, None, _cell_score(tables, got))
    if shutil.which("pdftotext"):
        t, out = _time(lambda: subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True).stdout)
        add("pdf", "poppler pdftotext -layout", t, _text_score(paragraphs, out.decode("utf-8", "replace")))

    from harvester.files import extract_file

    for fmt in ("pdf", "docx", "doc", "xls", "xlsx"):
        if fmt in files:
            t, c = _time(lambda: extract_file(files[fmt], f"r.{fmt}", ocr=False), runs=1 if fmt == "doc" else 3)
            add(fmt, f"harvester.files ({c.engine})", t, _text_score(paragraphs, c.text) if fmt not in ("xls", "xlsx") else None,
                _cell_score(tables, c.tables))

    # --- DOC alternatives
    if "doc" in files:
        for name, cmd in (("antiword", ["antiword", "-w", "0", "-m", "UTF-8.txt", "-"]),
                          ("catdoc", ["catdoc", "-w", "-d", "utf-8"])):
            if shutil.which(cmd[0]):
                if name == "catdoc":
                    import tempfile
                    with tempfile.NamedTemporaryFile(suffix=".doc") as f:
                        f.write(files["doc"])
                        f.flush()
                        t, out = _time(lambda: subprocess.run(cmd + [f.name], capture_output=True).stdout)
                else:
                    t, out = _time(lambda: subprocess.run(cmd, input=files["doc"], capture_output=True).stdout)
                add("doc", name, t, _text_score(paragraphs, out.decode("utf-8", "replace")))

    # --- pictures: the yuxi 2017 table and the 2021 appeals table
    seed = corpus.seed_document("yuxi")
    picture = corpus.attachment_bytes("yuxi", seed.attachments[0], seed)
    grid = filegen.expand_cells(seed.attachments[0].rows)
    try:
        t, c = _time(lambda: extract_file(picture, "t.jpg", ocr=True), runs=1)
        add("image (26x3 table)", "RapidOCR + ruling lines", t, None, _cell_score([grid], c.tables))
    except Exception as exc:  # pragma: no cover - the [files] extra is missing
        print("rapidocr:", exc, file=sys.stderr)
    if shutil.which("tesseract"):
        t, out = _time(lambda: subprocess.run(["tesseract", "stdin", "stdout", "-l", "chi_sim", "--psm", "6"],
                                              input=picture, capture_output=True).stdout, runs=1)
        text = out.decode("utf-8", "replace")
        cells = [_squash(c) for row in grid for c in row if c.strip()]
        add("image (26x3 table)", "tesseract 5 chi_sim --psm 6", t, None,
            sum(1 for c in cells if c in _squash(text)) / len(cells))
    scan = filegen.report_pdf(doc.title, paragraphs[:8], [], scanned=True)
    t, c = _time(lambda: extract_file(scan, "s.pdf", ocr=True), runs=1)
    add("scanned pdf (1 page)", "pypdfium2 render + RapidOCR", t, _text_score(paragraphs[:8], c.text))

    print("| format | reader | seconds | text | table cells |")
    print("|---|---|---:|---:|---:|")
    for fmt, lib, seconds, text, cells in rows:
        print(f"| {fmt} | {lib} | {seconds:.3f} | {text} | {cells} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
