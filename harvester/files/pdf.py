"""PDF: text with pypdfium2 (PDFium; 40x faster than pdfminer-based readers on the same
Chinese pages, same text), tables with pdfplumber (ruling lines -> cells) on the pages that
have lines, scanned pages (no text layer) through OCR when it is on. Measured in bench/files.py.
"""

from __future__ import annotations

import threading

from .layout import PAGE_NUMBER_RE, full_width, join_wrapped, rectangular, tidy_cell
from .types import FileContent, Grid

#: A page with fewer characters than this is a picture (a scan), not text.
MIN_TEXT_CHARS = 20
#: Pages rendered for OCR at this scale (72 dpi x 2.5 = 180 dpi: digits stay sharp).
OCR_SCALE = 2.5


#: PDFium is not thread-safe (pypdfium2's documentation): the crawl reads files in a thread
#: pool, several sites at once in `harvester demo`; one PDF at a time per process.
_PDFIUM_LOCK = threading.Lock()


def read_pdf(data: bytes, ocr: bool) -> FileContent:
    with _PDFIUM_LOCK:
        return _read_pdf(data, ocr)


def _read_pdf(data: bytes, ocr: bool) -> FileContent:
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
        tables_by_page: dict[int, list[tuple[float, tuple[Grid, list[float] | None]]]] = {}
        outside_text: dict[int, list[tuple[float, str]]] = {}
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
        edges: list[list[float] | None] = []  # column x-positions of each table (PDF tables)
        ended_page = -2  # the last page that ended with a table
        for i, text in enumerate(texts):
            if i in ocr_pages:
                page_content = ocr_pages[i]
                for block in page_content.blocks:
                    if isinstance(block, int):
                        tables.append(page_content.tables[block])
                        edges.append(None)
                        blocks.append(len(tables) - 1)
                        if block in page_content.cell_confidence:
                            content.cell_confidence[len(tables) - 1] = page_content.cell_confidence[block]
                    else:
                        blocks.append(block)
                continue
            if i not in tables_by_page:
                blocks.extend(join_wrapped(text.split("\n")))
                continue
            # text lines and tables of the page in their vertical order
            lines = outside_text.get(i, [])
            full = full_width([line for _top, line in lines])
            items = [(top, 0, line) for top, line in lines]
            items += [(top, 1, table) for top, table in tables_by_page[i]]
            run: list[str] = []
            first_on_page = True
            for _top, is_table, value in sorted(items, key=lambda t: (t[0], t[1])):
                if not is_table:
                    if not PAGE_NUMBER_RE.match(value.strip()):
                        first_on_page = False
                    run.append(value)
                    continue
                blocks.extend(join_wrapped(run, full))
                run = []
                grid, grid_edges = value
                # only a table that opens a page continues the one that closed the page before
                continues = first_on_page and ended_page == i - 1
                first_on_page = False
                if continues and tables and blocks and blocks[-1] == len(tables) - 1:
                    joined = _continued(tables[-1], edges[-1], grid, grid_edges)
                    if joined is not None:  # a table that runs on from the previous page
                        tables[-1], edges[-1] = joined
                        continue
                tables.append(grid)
                edges.append(grid_edges)
                blocks.append(len(tables) - 1)
            if not [line for line in run if not PAGE_NUMBER_RE.match(line.strip())] and blocks and isinstance(blocks[-1], int):
                ended_page = i  # the page ends with a table: the next page may continue it
            blocks.extend(join_wrapped(run, full))
        content.blocks = blocks
        content.tables = tables
        content.text = content.render_text()
        return content
    finally:
        pdf.close()


def _continued(previous: Grid, prev_edges, grid: Grid, grid_edges) -> tuple[Grid, list | None] | None:
    """The previous page's table with ``grid`` appended, when ``grid`` is its continuation
    (the same outer width, or the same columns); None when it is another table. Column sets
    that differ (a merged cell hides a column line on one page) are unified by position, the
    text of a wider cell repeated in the columns it covers, as spans are expanded."""
    if not previous or not grid:
        return None
    if prev_edges and grid_edges and abs(prev_edges[0] - grid_edges[0]) <= 2 and abs(prev_edges[-1] - grid_edges[-1]) <= 2:
        union = _merge_edges(prev_edges, grid_edges)
        return _join_across_break(_on_edges(previous, prev_edges, union), _on_edges(grid, grid_edges, union)), union
    if len(previous[0]) == len(grid[0]) and not (prev_edges and grid_edges):
        return _join_across_break(previous, grid), prev_edges
    return None


def _merge_edges(a: list[float], b: list[float]) -> list[float]:
    out: list[float] = []
    for x in sorted(a + b):
        if not out or x - out[-1] > 2:
            out.append(x)
    return out


def _on_edges(grid: Grid, edges: list[float], union: list[float]) -> Grid:
    """``grid`` (columns between ``edges``) re-cut at the ``union`` positions."""
    source = []
    for k in range(len(union) - 1):
        mid = (union[k] + union[k + 1]) / 2
        source.append(next((j for j in range(len(edges) - 1) if edges[j] <= mid < edges[j + 1]), len(edges) - 2))
    return [[row[j] if j < len(row) else "" for j in source] for row in grid]


def _join_across_break(previous: Grid, grid: Grid) -> Grid:
    """A table continued on the next page: a cell merged down over the page break leaves the top
    rows of the continuation empty in its column; they take the label above, as a rowspan would,
    until the column has text of its own."""
    previous = [list(r) for r in previous]
    rows = [list(r) for r in grid]
    last = previous[-1]
    if rows and _has_number(last) and not _has_number(rows[0]) and any(rows[0]):
        # a row the page break cut in two (7.属于行 | 政执法案卷): one row again
        previous[-1] = [a + b for a, b in zip(last, rows[0])]
        rows = rows[1:]
        last = previous[-1]
    for c, above in enumerate(last):
        if not above or above.replace(".", "").isdigit():
            continue
        for row in rows:
            if c >= len(row) or row[c]:
                break
            row[c] = above
    return previous + rows


def _has_number(row: list[str]) -> bool:
    return any(cell.replace(",", "").replace(".", "").isdigit() for cell in row)


def _tables(data: bytes, pages: list[int]) -> tuple[dict[int, list[tuple[float, tuple]]], dict[int, list[tuple[float, str]]]]:
    """Ruled tables of the given pages (pdfplumber) with their tops, and each such page's text
    lines outside them with theirs (so that text and tables keep their order on the page)."""
    import pdfplumber

    found: dict[int, list[tuple[float, tuple]]] = {}
    outside: dict[int, list[tuple[float, str]]] = {}
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
                rows = [[tidy_cell(c) for c in row] for row in fill_merged(table)]
                rows = [r for r in rows if any(r)]
                if rows:
                    grid = rectangular(rows)
                    edges = sorted({round(c[0], 1) for c in table.cells} | {round(table.bbox[2], 1)})
                    grids.append((table.bbox[1], (grid, edges if len(edges) == len(grid[0]) + 1 else None)))
            if not grids:
                continue
            found[i] = sorted(grids, key=lambda g: g[0])
            bboxes = [t.bbox for t in tables]

            def keep(obj, bboxes=bboxes) -> bool:
                if obj.get("object_type") != "char":
                    return True
                x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
                return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in bboxes)

            outside[i] = [(line["top"], line["text"]) for line in page.filter(keep).extract_text_lines()]
    return found, outside


def fill_merged(table) -> list[list[str | None]]:
    """``table.extract()`` with merged cells expanded as HTML spans are: pdfplumber gives a merged
    cell's text in its first position and None in the others; a None position takes the text of
    the cell to its left when that cell reaches across it (a colspan), else of the cell above
    when that one reaches down over it (a rowspan)."""
    text = table.extract()
    boxes = [list(row.cells) for row in table.rows]
    if len(boxes) != len(text):
        return text
    ncols = max((len(r) for r in boxes), default=0)
    # each column's right edge and each row's bottom, from the cells that exist
    right = [max((r[c][2] for r in boxes if c < len(r) and r[c] is not None), default=None) for c in range(ncols)]
    bottom = [max((b[3] for b in r if b is not None), default=None) for r in boxes]
    # the box covering each position, to follow chains of merged positions
    cover: dict[tuple[int, int], tuple] = {}
    for r, row in enumerate(boxes):
        for c, box in enumerate(row):
            if box is not None:
                cover[(r, c)] = (box, text[r][c])
    for r, row in enumerate(boxes):
        for c in range(len(row)):
            if row[c] is not None:
                continue
            found = None
            left = cover.get((r, c - 1))
            if left is not None and right[c] is not None and left[0][2] >= right[c] - 1:
                found = left
            else:
                up = cover.get((r - 1, c))
                if up is not None and bottom[r] is not None and up[0][3] >= bottom[r] - 1:
                    found = up
            if found is not None:
                cover[(r, c)] = found
                text[r][c] = found[1]
    return text
