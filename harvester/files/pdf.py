"""PDF: text with pypdfium2 (PDFium; 40x faster than pdfminer-based readers on the same
Chinese pages, same text), tables with pdfplumber (ruling lines -> cells) on the pages that
have lines, scanned pages (no text layer) through OCR when it is on. Measured in bench/files.py.
"""

from __future__ import annotations

from .layout import join_wrapped, rectangular, tidy_cell
from .types import FileContent, Grid

#: A page with fewer characters than this is a picture (a scan), not text.
MIN_TEXT_CHARS = 20
#: Pages rendered for OCR at this scale (72 dpi x 2.5 = 180 dpi: digits stay sharp).
OCR_SCALE = 2.5


def read_pdf(data: bytes, ocr: bool) -> FileContent:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            return FileContent(format="pdf", error="encrypted (password-protected PDF)", engine="pypdfium2")
        return FileContent(format="pdf", error=f"corrupt PDF: {message}", engine="pypdfium2")
    content = FileContent(format="pdf", engine="pypdfium2", pages=len(pdf))
    try:
        texts = []
        for page in pdf:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range().replace("\r\n", "\n"))
            textpage.close()
            page.close()
        scanned = [i for i, t in enumerate(texts) if len("".join(t.split())) < MIN_TEXT_CHARS]
        text_pages = [i for i in range(len(texts)) if i not in scanned]
        tables_by_page: dict[int, list[tuple[float, Grid]]] = {}
        outside_text: dict[int, str] = {}
        if text_pages:
            tables_by_page, outside_text = _tables(data, text_pages)
            if tables_by_page:
                content.engine = "pypdfium2+pdfplumber"
        ocr_pages: dict[int, FileContent] = {}
        if scanned:
            if not ocr:
                if not text_pages:
                    content.error = "scanned PDF (no text layer): OCR is off (set HARVESTER_OCR=1)"
                    return content
                content.warnings.append(f"{len(scanned)} page(s) without a text layer not read: OCR is off")
            else:
                from .ocr import ocr_image_array

                for i in scanned:
                    page = pdf[i]
                    image = page.render(scale=OCR_SCALE, grayscale=True).to_pil()
                    ocr_pages[i] = ocr_image_array(image)
                    page.close()
                content.ocr = True
                content.engine = (content.engine + "+rapidocr") if text_pages else "pypdfium2+rapidocr"
                confs = [c.confidence for c in ocr_pages.values() if c.confidence is not None]
                content.confidence = sum(confs) / len(confs) if confs else None
        blocks: list = []
        tables: list[Grid] = []
        for i, text in enumerate(texts):
            if i in ocr_pages:
                page_content = ocr_pages[i]
                for block in page_content.blocks:
                    if isinstance(block, int):
                        tables.append(page_content.tables[block])
                        blocks.append(len(tables) - 1)
                        if block in page_content.cell_confidence:
                            content.cell_confidence[len(tables) - 1] = page_content.cell_confidence[block]
                    else:
                        blocks.append(block)
                continue
            page_text = outside_text.get(i, text)
            blocks.extend(join_wrapped(page_text.split("\n")))
            for _top, grid in tables_by_page.get(i, []):
                if tables and _continues(tables[-1], grid) and blocks and blocks[-1] == len(tables) - 1:
                    tables[-1] = tables[-1] + grid  # a table that runs on from the previous page
                    continue
                tables.append(grid)
                blocks.append(len(tables) - 1)
        content.blocks = blocks
        content.tables = tables
        content.text = content.render_text()
        return content
    finally:
        pdf.close()


def _continues(previous: Grid, grid: Grid) -> bool:
    """Same column count and no header row of its own: the rest of the previous page's table."""
    return bool(previous) and bool(grid) and len(previous[0]) == len(grid[0])


def _tables(data: bytes, pages: list[int]) -> tuple[dict[int, list[tuple[float, Grid]]], dict[int, str]]:
    """Ruled tables of the given pages (pdfplumber), and each such page's text outside them."""
    import pdfplumber

    found: dict[int, list[tuple[float, Grid]]] = {}
    outside: dict[int, str] = {}
    from io import BytesIO

    with pdfplumber.open(BytesIO(data)) as doc:
        for i in pages:
            page = doc.pages[i]
            if not (page.rects or page.lines):
                continue  # no ruling: no table pdfplumber could find (and it costs 30 ms/page)
            tables = page.find_tables()
            if not tables:
                continue
            grids = []
            for table in tables:
                rows = [[tidy_cell(c) for c in row] for row in table.extract()]
                rows = [r for r in rows if any(r)]
                if rows:
                    grids.append((table.bbox[1], rectangular(rows)))
            if not grids:
                continue
            found[i] = sorted(grids, key=lambda g: g[0])
            bboxes = [t.bbox for t in tables]

            def keep(obj, bboxes=bboxes) -> bool:
                if obj.get("object_type") != "char":
                    return True
                x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
                return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in bboxes)

            outside[i] = page.filter(keep).extract_text() or ""
    return found, outside
