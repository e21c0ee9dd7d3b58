"""Real document files of the replica corpus: PDF (text layer and scanned), DOCX, DOC, XLS, XLSX
and a statistics table as a picture, written from the corpus' own text and numbers with a real
CJK font (WenQuanYi Zen Hei, Debian ``fonts-wqy-zenhei``).

What they reproduce: bodies publish the annual report as a Word or PDF download (详见附件), a
county uploads a scan of the printed report, a statistics table is attached as an Excel sheet,
and yuxi's 2017 report shows its statistics table only as a picture (表格.jpg). The layouts are
the usual ones (A4 pages, 宋体/黑体 text, the table with ruled cells); the words and numbers are
the corpus' own.

Libraries: reportlab (PDF), python-docx (DOCX), LibreOffice headless (DOCX -> DOC, the binary
Word 97 format; the only free writer of it), xlwt (XLS), openpyxl (XLSX), Pillow (pictures).
Every function is deterministic for its input, except that LibreOffice embeds no clock
(we convert with a fixed environment) and PDFs get a fixed creation date.
"""

from __future__ import annotations

import hashlib
import io
import os
from functools import lru_cache
from pathlib import Path

Grid = list[list[str]]

_FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
)


class FileGenerationError(RuntimeError):
    """A file of this kind cannot be generated here (a missing font, library or program)."""


@lru_cache(maxsize=1)
def cjk_font_path() -> str:
    env = os.environ.get("HARVESTER_CJK_FONT")
    for path in ((env,) if env else ()) + _FONT_PATHS:
        if path and Path(path).exists():
            return path
    raise FileGenerationError("no CJK font: install fonts-wqy-zenhei (scripts/install-system.sh)")


# ------------------------------------------------------------------------------------- PDF

@lru_cache(maxsize=1)
def _pdf_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("WQY", cjk_font_path(), subfontIndex=0))
    return "WQY"


def _wrap(text: str, width: int) -> list[str]:
    """CJK text wrapped at ``width`` characters (no word boundaries in Chinese)."""
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]


def report_pdf(title: str, paragraphs: list[str], tables: list[Grid] = (), *, scanned: bool = False) -> bytes:
    """An A4 PDF: title, paragraphs, then ruled tables. ``scanned``: every page is a picture
    (what a scanner produces) and the PDF has no text layer."""
    if scanned:
        pages = [_page_image(title if i == 0 else None, chunk, tabs)
                 for i, (chunk, tabs) in enumerate(_paginate(paragraphs, tables))]
        return images_pdf(pages)
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = _pdf_font()
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=1)
    c.setTitle(title)
    width, height = A4
    y = height - 72

    def newline(step: float) -> None:
        nonlocal y
        y -= step
        if y < 60:
            c.showPage()
            y = height - 72

    c.setFont(font, 16)
    for line in _wrap(title, 28):
        c.drawCentredString(width / 2, y, line)
        newline(26)
    c.setFont(font, 11)
    for para in paragraphs:
        for i, line in enumerate(_wrap(para, 38)):
            c.setFont(font, 11)
            c.drawString(72 + (22 if i == 0 else 0), y, line)
            newline(17)
    for grid in tables:
        newline(10)
        widths = _column_widths(grid, 451)
        for row in grid:
            lines = max(len(_wrap(cell, max(1, int(w // 9.5)))) for cell, w in zip(row, widths))
            row_h = 6 + 12 * lines
            if y - row_h < 60:
                c.showPage()
                y = height - 72
            x = 72
            c.setFont(font, 9)
            for cell, w in zip(row, widths):
                c.rect(x, y - row_h, w, row_h)
                for k, line in enumerate(_wrap(cell, max(1, int(w // 9.5)))):
                    c.drawString(x + 3, y - 12 - 12 * k, line)
                x += w
            y -= row_h
    c.showPage()
    c.save()
    return out.getvalue()


def _column_widths(grid: Grid, total: float) -> list[float]:
    ncols = max((len(r) for r in grid), default=1)
    lengths = [max((len(r[i]) if i < len(r) else 0) for r in grid) for i in range(ncols)]
    # label columns get room for their text, number columns a fixed share
    raw = [min(max(n, 3), 16) for n in lengths]
    scale = total / sum(raw)
    return [r * scale for r in raw]


def _paginate(paragraphs: list[str], tables: list[Grid]) -> list[tuple[list[str], list[Grid]]]:
    """Scanned pages: ~30 wrapped lines of text per page, then one page per table."""
    pages: list[tuple[list[str], list[Grid]]] = []
    chunk: list[str] = []
    lines = 0
    for para in paragraphs:
        n = len(_wrap(para, 36))
        if chunk and lines + n > 30:
            pages.append((chunk, []))
            chunk, lines = [], 0
        chunk.append(para)
        lines += n
    if chunk or not tables:
        pages.append((chunk, []))
    for grid in tables:
        pages.append(([], [grid]))
    return pages


def images_pdf(images: list[bytes]) -> bytes:
    """A PDF whose pages are the given pictures (PNG/JPEG), one per A4 page, no text layer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4, invariant=1)
    width, height = A4
    for data in images:
        c.drawImage(ImageReader(io.BytesIO(data)), 0, 0, width, height)
        c.showPage()
    c.save()
    return out.getvalue()


# ---------------------------------------------------------------------------------- pictures

@lru_cache(maxsize=4)
def _pil_font(size: int):
    from PIL import ImageFont

    return ImageFont.truetype(cjk_font_path(), size)


def table_image(grid: Grid, title: str | None = None, *, fmt: str = "JPEG", scale: float = 1.0) -> bytes:
    """A ruled table drawn as a picture (black on white, as an office scanner or a screenshot
    gives it). JPEG by default, like the 表格.jpg real CMSs show inside the body."""
    from PIL import Image, ImageDraw

    size = int(22 * scale)
    font = _pil_font(size)
    pad = int(10 * scale)
    ncols = max(len(r) for r in grid)
    col_w = []
    for i in range(ncols):
        longest = max((font.getlength(r[i]) if i < len(r) else 0) for r in grid)
        col_w.append(int(longest) + 2 * pad)
    row_h = size + 2 * pad
    top = int(2.5 * row_h) if title else pad
    width = sum(col_w) + 2 * pad
    height = top + row_h * len(grid) + pad
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    if title:
        tf = _pil_font(int(size * 1.2))
        draw.text(((width - tf.getlength(title)) / 2, pad), title, font=tf, fill=0)
    y = top
    for row in grid:
        x = pad
        for i in range(ncols):
            cell = row[i] if i < len(row) else ""
            draw.rectangle([x, y, x + col_w[i], y + row_h], outline=0, width=max(1, int(scale)))
            draw.text((x + pad, y + pad), cell, font=font, fill=0)
            x += col_w[i]
        y += row_h
    out = io.BytesIO()
    img.save(out, format=fmt, quality=90) if fmt == "JPEG" else img.save(out, format=fmt)
    return out.getvalue()


def _page_image(title: str | None, paragraphs: list[str], tables: list[Grid]) -> bytes:
    """One scanned A4 page at 150 dpi: text lines, or a table."""
    from PIL import Image, ImageDraw

    if tables:
        table = Image.open(io.BytesIO(table_image(tables[0], fmt="PNG")))
        page = Image.new("L", (1240, 1754), 255)
        factor = min(1.0, 1120 / table.width)
        if factor < 1.0:
            table = table.resize((int(table.width * factor), int(table.height * factor)))
        page.paste(table, (60, 100))
    else:
        page = Image.new("L", (1240, 1754), 255)
        draw = ImageDraw.Draw(page)
        y = 100
        if title:
            tf = _pil_font(34)
            draw.text(((1240 - tf.getlength(title)) / 2, y), title, font=tf, fill=0)
            y += 80
        font = _pil_font(28)
        for para in paragraphs:
            for i, line in enumerate(_wrap(para, 36)):
                draw.text((100 + (56 if i == 0 else 0), y), line, font=font, fill=0)
                y += 46
    out = io.BytesIO()
    page.save(out, format="PNG", optimize=True)
    return out.getvalue()


# ------------------------------------------------------------------------------------ Word

def report_docx(title: str, paragraphs: list[str], tables: list = ()) -> bytes:
    """A Word 2007+ document: a centred title, paragraphs, ruled tables (Table Grid); tables
    given as replica Cell rows get merged cells."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run(title).bold = True
    for para in paragraphs:
        document.add_paragraph(para)
    for grid in tables:
        _docx_table(document, grid)
        document.add_paragraph("")
    document.core_properties.author = "harvester replica"
    import datetime as dt
    fixed = dt.datetime(2020, 1, 1)
    document.core_properties.created = fixed
    document.core_properties.modified = fixed
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_table(document, table) -> None:
    """A grid of texts, or replica table rows (Cells with spans) as merged Word cells, the way
    report tables are typed (三、本年度办理结果 one cell down many rows)."""
    if table and table[0] and isinstance(table[0][0], str):
        placed = [(r, c, text, 1, 1) for r, row in enumerate(table) for c, text in enumerate(row)]
        height, width = len(table), max(len(row) for row in table)
    else:
        taken: set[tuple[int, int]] = set()
        placed = []
        for r, row in enumerate(table):
            c = 0
            for cell in row:
                while (r, c) in taken:
                    c += 1
                taken.update((r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan))
                placed.append((r, c, cell.text, cell.rowspan, cell.colspan))
                c += cell.colspan
        height = max(r for r, _ in taken) + 1
        width = max(c for _, c in taken) + 1
    out = document.add_table(rows=height, cols=width)
    out.style = "Table Grid"
    for r, c, text, rowspan, colspan in placed:
        cell = out.cell(r, c)
        if rowspan > 1 or colspan > 1:
            cell = cell.merge(out.cell(r + rowspan - 1, c + colspan - 1))
        cell.text = text


def _cache_dir() -> Path:
    root = os.environ.get("HARVESTER_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "harvester")
    path = Path(root) / "replica-files"
    path.mkdir(parents=True, exist_ok=True)
    return path


def convert_with_soffice(data: bytes, src_ext: str, dst_ext: str) -> bytes:
    """LibreOffice conversion (harvester.files.office), cached on disk by input hash: one costs
    ~2-4 s of LibreOffice start-up, and the replicas serve the same files on every run."""
    from ..files.office import ConversionError, convert

    key = hashlib.sha256(data + f"{src_ext}>{dst_ext}".encode()).hexdigest()[:32]
    cached = _cache_dir() / f"{key}.{dst_ext}"
    if cached.exists():
        return cached.read_bytes()
    try:
        result = convert(data, src_ext, dst_ext)
    except ConversionError as exc:
        raise FileGenerationError(f"{exc} (scripts/install-system.sh installs LibreOffice)") from None
    tmp = cached.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(result)
    tmp.replace(cached)
    return result


def office_pdf(title: str, paragraphs: list[str], tables: list = ()) -> bytes:
    """The DOCX printed to PDF by LibreOffice: how most reports' PDFs are made (Word's merged
    cells stay merged, long tables break across pages, a row may break in two)."""
    return convert_with_soffice(report_docx(title, paragraphs, tables), "docx", "pdf")


def report_doc(title: str, paragraphs: list[str], tables: list = ()) -> bytes:
    """A Word 97-2003 binary document (.doc), written by LibreOffice from the DOCX."""
    return convert_with_soffice(report_docx(title, paragraphs, tables), "docx", "doc")


def report_files(title: str, paragraphs: list[str], tables: list = ()) -> dict[str, bytes]:
    """One report in every format the file extractors read, by extension: PDF, DOCX, XLS, XLSX,
    and DOC where LibreOffice is installed (it writes the DOC)."""
    from ..files.office import soffice_path

    files = {
        "pdf": report_pdf(title, paragraphs, tables),
        "docx": report_docx(title, paragraphs, tables),
        "xls": table_xls(title, tables),
        "xlsx": table_xlsx(title, tables),
    }
    if soffice_path():
        files["doc"] = report_doc(title, paragraphs, tables)
    return files


# ----------------------------------------------------------------------------------- Excel

def table_xls(title: str, grids: list[Grid]) -> bytes:
    """An Excel 97-2003 workbook (BIFF8, what xlwt writes): one sheet, the title in A1 merged
    over the table's width, then each table; number-like cells stored as numbers."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    ncols = max((len(r) for g in grids for r in g), default=1)
    sheet.write_merge(0, 0, 0, max(0, ncols - 1), title)
    r = 2
    for grid in grids:
        for row in grid:
            for c, cell in enumerate(row):
                sheet.write(r, c, _number_or_text(cell))
            r += 1
        r += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_xlsx(title: str, grids: list[Grid]) -> bytes:
    """The same workbook as Excel 2007+ (openpyxl)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    ncols = max((len(r) for g in grids for r in g), default=1)
    sheet.cell(1, 1, title)
    if ncols > 1:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    r = 3
    for grid in grids:
        for row in grid:
            for c, cell in enumerate(row, start=1):
                sheet.cell(r, c, _number_or_text(cell))
            r += 1
        r += 1
    import datetime as dt
    book.properties.created = book.properties.modified = dt.datetime(2020, 1, 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number_or_text(cell: str):
    s = cell.strip()
    if s.isdigit() and (len(s) == 1 or not s.startswith("0")):
        return int(s)
    return cell


# ----------------------------------------------------------------------- corpus documents

def expand_cells(rows) -> Grid:
    """A replica table (rows of Cells with spans) as a rectangular grid, span text repeated in
    every covered position (how a spreadsheet export or a picture of the table reads)."""
    grid: dict[tuple[int, int], str] = {}
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in grid:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    grid[(r + dr, c + dc)] = cell.text
            c += cell.colspan
            width = max(width, c)
    height = max((r for r, _ in grid), default=-1) + 1
    return [[grid.get((r, c), "") for c in range(width)] for r in range(height)]


def document_content(doc, blocks=None, *, cells: bool = False) -> tuple[list[str], list]:
    """(paragraphs, tables) of a corpus Document (or of ``blocks``): headings and paragraphs in
    order, tables as grids (``cells``: as the replica's Cell rows, spans kept, for Word's merged
    cells); a seed document's verbatim lines; pictures are left out."""
    if doc.seed_text and blocks is None:
        return [line.strip() for line in doc.seed_text.splitlines() if line.strip()], []
    paragraphs: list[str] = []
    tables: list[Grid] = []
    for block in (doc.blocks if blocks is None else blocks):
        if block.kind in ("heading", "para") and block.text:
            paragraphs.append(block.text)
        elif block.kind == "table" and block.rows:
            tables.append(block.rows if cells else expand_cells(block.rows))
    return paragraphs, tables


def label_value_grid(paragraphs: list[str]) -> Grid:
    """A statistics report flattened to lines (label line, then a number line) back as the
    two-column sheet it was typed from."""
    grid: Grid = []
    for label, value in zip(paragraphs, paragraphs[1:]):
        if value.strip().isdigit() and not label.strip().isdigit():
            grid.append([label, value.strip()])
    return [["指标名称", "数值"]] + grid if grid else []
