"""Word-processor files: DOCX (python-docx, paragraphs and tables in document order), legacy
DOC and WPS (Word 97 binary: LibreOffice headless converts to DOCX so the tables survive;
antiword reads the text when LibreOffice is missing or fails), RTF (a small decoder: sites
serve RTF as .doc), plain text."""

from __future__ import annotations

import re
import shutil
import subprocess
from io import BytesIO

from .layout import rectangular, tidy_cell
from .types import FileContent, Grid


def read_docx(data: bytes, ocr: bool = False) -> FileContent:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(BytesIO(data))
    except Exception as exc:
        return FileContent(format="docx", engine="python-docx", error=f"corrupt DOCX: {type(exc).__name__}: {exc}"[:200])
    content = FileContent(format="docx", engine="python-docx")
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if text:
                content.blocks.append(text)
        elif isinstance(block, Table):
            grid = _docx_grid(block)
            if grid:
                content.tables.append(grid)
                content.blocks.append(len(content.tables) - 1)
    content.text = content.render_text()
    return content


def _docx_grid(table) -> Grid:
    """Rows of cell texts; python-docx repeats a merged cell in every position it covers,
    which is the span expansion HTML tables get."""
    rows = []
    for row in table.rows:
        rows.append([tidy_cell(cell.text) for cell in row.cells])
    rows = [r for r in rows if any(r)]
    return rectangular(rows) if rows else []


def read_doc(data: bytes, ocr: bool = False) -> FileContent:
    """Word 97-2003 (and WPS, which writes the same format)."""
    from .office import ConversionError, convert

    antiword_text, antiword_error = _antiword(data)
    if antiword_error and "encrypt" in antiword_error.lower():
        return FileContent(format="doc", engine="antiword", error="encrypted (password-protected Word document)")
    try:
        converted = convert(data, "doc", "docx")
    except ConversionError as exc:
        if antiword_text is None:
            return FileContent(format="doc", engine="antiword",
                               error=f"unreadable DOC: {antiword_error or exc}")
        content = FileContent(format="doc", engine="antiword")
        content.blocks = [line.strip() for line in antiword_text.split("\n") if line.strip() and not line.startswith("|")]
        content.warnings.append(f"tables not read ({exc}): text from antiword only")
        content.text = content.render_text()
        return content
    content = read_docx(converted)
    content.engine = "libreoffice+python-docx"
    content.format = "doc"
    if content.error and antiword_text:
        content = FileContent(format="doc", engine="antiword", blocks=[l.strip() for l in antiword_text.split("\n") if l.strip()])
        content.text = content.render_text()
    return content


def _antiword(data: bytes) -> tuple[str | None, str | None]:
    exe = shutil.which("antiword")
    if exe is None:
        return None, "antiword is not installed"
    try:
        proc = subprocess.run([exe, "-w", "0", "-m", "UTF-8.txt", "-"], input=data, capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        return None, "antiword timed out"
    err = proc.stderr.decode("utf-8", "replace").strip()
    if proc.returncode != 0 or not proc.stdout.strip():
        return None, err or f"antiword exit {proc.returncode}"
    return proc.stdout.decode("utf-8", "replace"), None


# ------------------------------------------------------------------------------------ RTF

_RTF_TOKEN = re.compile(rb"\\u(-?\d+)\??|\\'([0-9a-fA-F]{2})|\\(par|line|cell|row|tab)\b ?|\\[a-zA-Z]+-?\d* ?|\\([{}\\])|([{}])|([^\\{}\r\n]+)|[\r\n]")
_RTF_DESTINATIONS = (b"fonttbl", b"colortbl", b"stylesheet", b"info", b"pict", b"*")


def read_rtf(data: bytes, ocr: bool = False) -> FileContent:
    """RTF text: \\uN unicode escapes, \\'hh bytes in the document's code page (GBK for
    \\ansicpg936), \\par/\\line as line breaks, \\cell/\\row as table cells; header groups
    (font and colour tables, info, pictures) skipped."""
    m = re.search(rb"\\ansicpg(\d+)", data[:2000])
    codepage = f"cp{m.group(1).decode()}" if m else "cp1252"
    if codepage == "cp936":
        codepage = "gb18030"
    out: list[str] = []
    pending = bytearray()
    depth = 0
    skip_depth: int | None = None
    rows: list[list[str]] = []
    row: list[str] = []
    tables: list[Grid] = []
    blocks: list = []

    def flush_bytes() -> None:
        if pending:
            out.append(pending.decode(codepage, "replace"))
            pending.clear()

    for tok in _RTF_TOKEN.finditer(data):
        uni, hexbyte, brk, escaped, brace, text = tok.groups()
        if brace == b"{":
            depth += 1
            continue
        if brace == b"}":
            if skip_depth is not None and depth <= skip_depth:
                skip_depth = None
            depth -= 1
            continue
        if skip_depth is not None:
            continue
        whole = tok.group(0)
        if whole.startswith(b"\\") and whole[1:].rstrip(b" 0123456789-").lstrip(b"\\") in _RTF_DESTINATIONS:
            skip_depth = depth
            continue
        if whole.startswith(b"\\*"):
            skip_depth = depth
            continue
        if hexbyte:
            pending.append(int(hexbyte, 16))
            continue
        flush_bytes()
        if uni:
            code = int(uni)
            out.append(chr(code + 65536 if code < 0 else code))
        elif escaped:
            out.append(escaped.decode())
        elif text:
            out.append(text.decode(codepage, "replace"))
        elif brk in (b"par", b"line"):
            line = "".join(out).strip()
            out.clear()
            if rows and not row:
                tables.append(rectangular(rows))
                blocks.append(len(tables) - 1)
                rows = []
            if line:
                blocks.append(line)
        elif brk == b"cell":
            row.append(tidy_cell("".join(out)))
            out.clear()
        elif brk == b"row":
            if row:
                rows.append(row)
            row = []
        elif brk == b"tab":
            out.append("\t")
    flush_bytes()
    tail = "".join(out).strip()
    if rows:
        tables.append(rectangular(rows))
        blocks.append(len(tables) - 1)
    if tail:
        blocks.append(tail)
    content = FileContent(format="rtf", engine="rtf", blocks=[b for b in blocks if b != ""], tables=tables)
    if not data.rstrip().endswith(b"}"):
        content.warnings.append("RTF looks truncated (no closing brace)")
    content.text = content.render_text()
    return content


def read_text(data: bytes, ocr: bool = False) -> FileContent:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    text = str(best) if best is not None else data.decode("gb18030", "replace")
    blocks = [line.strip() for line in text.splitlines() if line.strip()]
    content = FileContent(format="text", engine="charset-normalizer", blocks=blocks)
    content.text = content.render_text()
    return content
