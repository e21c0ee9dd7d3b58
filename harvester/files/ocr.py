"""Pictures and scanned pages: RapidOCR (PaddleOCR's Chinese detection + recognition models as
ONNX, shipped inside the ``rapidocr-onnxruntime`` wheel: offline, no download at run time), then
the table grid recovered from the picture's ruling lines (OpenCV morphology) or, for a table
without lines, from the boxes' alignment. Slow (~10 s for a 26-row table on two cores): only
when OCR is on (HARVESTER_OCR=1). Every table cell keeps its recognition confidence.

Measured against Debian's tesseract 5 + chi_sim on the replica's table pictures: tesseract
misreads most table cells (ruled grids confuse its page segmentation), RapidOCR reads them
all (bench/files.py, docs/files.md).
"""

from __future__ import annotations

import io
import re
import threading
from functools import lru_cache

from .layout import join_wrapped, rectangular
from .types import FileContent, Grid

#: Longest side a picture is OCR'd at (bigger ones are shrunk: time grows with area).
MAX_SIDE = 4000
_ENGINE_LOCK = threading.Lock()


class OcrUnavailable(RuntimeError):
    pass


@lru_cache(maxsize=1)
def _engine():
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:  # the [files] extra is not installed
        raise OcrUnavailable(f"OCR engine not installed (pip install 'harvester[files]'): {exc}") from None
    return RapidOCR()


def read_image(data: bytes, ocr: bool) -> FileContent:
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        return FileContent(format="image", error=f"corrupt picture: {type(exc).__name__}: {exc}"[:200])
    if not ocr:
        return FileContent(format="image", pages=1,
                           error="picture: text not read, OCR is off (set HARVESTER_OCR=1)")
    return ocr_image_array(image)


def ocr_image_array(image) -> FileContent:
    """OCR one PIL image: paragraphs (text outside tables) and table grids in reading order."""
    import numpy as np

    image = image.convert("L")
    if max(image.size) > MAX_SIDE:
        factor = MAX_SIDE / max(image.size)
        image = image.resize((int(image.width * factor), int(image.height * factor)))
    array = np.asarray(image)
    try:
        engine = _engine()
    except OcrUnavailable as exc:
        return FileContent(format="image", error=str(exc))
    with _ENGINE_LOCK:  # onnxruntime sessions are not shared between threads here
        result, _elapse = engine(np.stack([array] * 3, axis=-1))
    boxes = []
    for points, text, conf in result or []:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        boxes.append(Box(min(xs), min(ys), max(xs), max(ys), text.strip(), float(conf)))
    boxes = [b for b in boxes if b.text]
    content = FileContent(format="image", engine="rapidocr", ocr=True, pages=1)
    if not boxes:
        content.error = "no text recognised in the picture"
        return content
    content.confidence = sum(b.conf for b in boxes) / len(boxes)
    char_h = sorted(b.h for b in boxes)[len(boxes) // 2]
    rows_y, cols_x = ruling_lines(array, char_h)
    in_table: list[Box] = []
    outside: list[Box] = []
    if len(rows_y) >= 3 and len(cols_x) >= 2:
        top, bottom, left, right = rows_y[0], rows_y[-1], cols_x[0], cols_x[-1]
        for b in boxes:
            (in_table if top <= b.cy <= bottom and left <= b.cx <= right else outside).append(b)
        grid, confidences = _grid_from_lines(in_table, rows_y, cols_x, array, engine)
    else:
        outside = boxes
        grid, confidences = _grid_from_alignment(boxes)
        if grid:
            outside = []
    above = [b for b in outside if not in_table or b.cy < min(x.cy for x in in_table)]
    below = [b for b in outside if b not in above]
    content.blocks.extend(join_wrapped(_lines(above)))
    if grid:
        content.tables.append(grid)
        content.cell_confidence[0] = confidences
        content.blocks.append(0)
    content.blocks.extend(join_wrapped(_lines(below)))
    content.text = content.render_text()
    return content


class Box:
    __slots__ = ("x0", "y0", "x1", "y1", "text", "conf")

    def __init__(self, x0, y0, x1, y1, text, conf):
        self.x0, self.y0, self.x1, self.y1, self.text, self.conf = x0, y0, x1, y1, text, conf

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def h(self) -> float:
        return self.y1 - self.y0


def ruling_lines(gray, char_height: float = 0) -> tuple[list[int], list[int]]:
    """y of the horizontal and x of the vertical ruling lines of a table picture, by
    morphological opening of the dark pixels: horizontal lines at least a third of the picture
    wide, vertical ones at least an eighth of its height and 2.5 text lines tall (so that the
    strokes of 1 or 丨 in a short table are no column lines)."""
    import cv2
    import numpy as np

    dark = (gray < 160).astype(np.uint8)
    h, w = dark.shape
    horiz = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(10, w // 3), 1)))
    vertical = max(10, h // 8, int(2.5 * char_height))
    vert = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, vertical)))
    return _positions(horiz.sum(axis=1)), _positions(vert.sum(axis=0))


def _positions(profile) -> list[int]:
    """Centres of the runs of non-zero positions in a projection profile."""
    out: list[int] = []
    start = None
    for i, v in enumerate(list(profile) + [0]):
        if v and start is None:
            start = i
        elif not v and start is not None:
            out.append((start + i - 1) // 2)
            start = None
    return out


#: A cell with less ink than this (share of dark pixels) is empty, not a missed digit.
EMPTY_CELL_INK = 0.003


def _grid_from_lines(boxes: list[Box], rows_y: list[int], cols_x: list[int], gray=None,
                     engine=None) -> tuple[Grid, list[list[float | None]]]:
    import bisect

    nrows, ncols = len(rows_y) - 1, len(cols_x) - 1
    cells: dict[tuple[int, int], list[Box]] = {}
    for b in boxes:
        r = bisect.bisect_right(rows_y, b.cy) - 1
        c = bisect.bisect_right(cols_x, b.cx) - 1
        if 0 <= r < nrows and 0 <= c < ncols:
            cells.setdefault((r, c), []).append(b)
    grid: Grid = []
    conf: list[list[float | None]] = []
    for r in range(nrows):
        row, crow = [], []
        for c in range(ncols):
            found = cells.get((r, c), [])
            text = fix_digits("".join(_lines(found)))
            cell_conf = min(b.conf for b in found) if found else None
            if not found and gray is not None and engine is not None:
                # The detector works on the picture shrunk to 2000 px: a lone "0" in a wide
                # table can vanish. A cell with ink but no text is recognised on its own.
                text, cell_conf = _recognise_cell(gray, engine, rows_y[r], rows_y[r + 1], cols_x[c], cols_x[c + 1])
            row.append(text)
            crow.append(cell_conf)
        grid.append(row)
        conf.append(crow)
    keep = [i for i, row in enumerate(grid) if any(row)]
    return [grid[i] for i in keep], [conf[i] for i in keep]


_CONFUSABLE = str.maketrans({"o": "0", "O": "0", "〇": "0", "○": "0", "l": "1", "I": "1", "|": "1"})
_NUMBERISH_RE = re.compile(r"^[\d oO〇○lI|,.]+$")


def fix_digits(text: str) -> str:
    """Letters the recogniser confuses with digits, inside a cell that is otherwise a number
    (``o`` for 0 in a count column; ``1O5``): the cell keeps its low confidence."""
    if text and _NUMBERISH_RE.match(text) and (any(ch.isdigit() for ch in text) or len(text.strip()) == 1):
        return text.translate(_CONFUSABLE).replace(" ", "")
    return text


def _recognise_cell(gray, engine, top: int, bottom: int, left: int, right: int) -> tuple[str, float | None]:
    import numpy as np

    inset = 3
    crop = gray[top + inset:bottom - inset + 1, left + inset:right - inset + 1]
    if crop.size == 0 or (crop < 160).mean() < EMPTY_CELL_INK:
        return "", None
    ys, xs = np.nonzero(crop < 160)
    pad = 6
    crop = crop[max(0, ys.min() - pad):ys.max() + pad + 1, max(0, xs.min() - pad):xs.max() + pad + 1]
    crop = np.pad(crop, 8, constant_values=255)
    text, score = _recognise(engine, crop)
    text = fix_digits(text)
    if text and score >= 0.8:
        return text, score
    # A lone glyph has no context (the recogniser reads a single 0 as 。 or o): written three
    # times in a row it reads as a number; the cell is that number if the three agree.
    text, score = _recognise(engine, np.concatenate([crop] * 3, axis=1))
    text = text.translate(_CONFUSABLE).replace(" ", "")
    n = len(text) // 3
    if n and len(text) == 3 * n and text == text[:n] * 3 and text[:n].isdigit() and score >= 0.5:
        return text[:n], score
    return "", None


def _recognise(engine, crop) -> tuple[str, float]:
    import numpy as np

    with _ENGINE_LOCK:
        result, _ = engine(np.stack([crop] * 3, axis=-1), use_det=False, use_cls=False, use_rec=True)
    if not result or not result[0][0].strip():
        return "", 0.0
    return result[0][0].strip(), float(result[0][1])


def _rows(boxes: list[Box]) -> list[list[Box]]:
    """Boxes grouped into text lines (vertical centres within half a line height)."""
    rows: list[list[Box]] = []
    for b in sorted(boxes, key=lambda b: b.cy):
        if rows and abs(rows[-1][-1].cy - b.cy) <= max(b.h, rows[-1][-1].h) / 2:
            rows[-1].append(b)
        else:
            rows.append([b])
    return [sorted(r, key=lambda b: b.x0) for r in rows]


def _lines(boxes: list[Box]) -> list[str]:
    return ["".join(b.text for b in row) for row in _rows(boxes)]


def _grid_from_alignment(boxes: list[Box]) -> tuple[Grid, list[list[float | None]]]:
    """A table without ruling lines: rows from the text lines, columns from left edges that
    line up in several rows. Needs at least three rows of two or more boxes."""
    rows = _rows(boxes)
    multi = [r for r in rows if len(r) >= 2]
    if len(multi) < 3:
        return [], []
    height = sorted(b.h for b in boxes)[len(boxes) // 2]
    starts: list[float] = []
    for x in sorted(b.x0 for r in multi for b in r):
        if not starts or x - starts[-1] > 2 * height:
            starts.append(x)
    grid, conf = [], []
    for r in rows:
        cells: list[list[Box]] = [[] for _ in starts]
        for b in r:
            i = max(j for j, s in enumerate(starts) if s <= b.x0 + height) if b.x0 + height >= starts[0] else 0
            cells[i].append(b)
        grid.append([fix_digits("".join(b.text for b in cell)) for cell in cells])
        conf.append([min(b.conf for b in cell) if cell else None for cell in cells])
    return rectangular(grid), conf
