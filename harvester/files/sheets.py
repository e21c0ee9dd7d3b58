"""Spreadsheets: XLS (xlrd, BIFF5/8), XLSX (openpyxl, read-only values), Excel 2003 XML (lxml)
and CSV. Each sheet becomes paragraphs (title rows) and tables (blocks of filled rows); merged
cells are expanded like HTML spans; whole-number floats print as integers (218972.0 -> 218972)."""

from __future__ import annotations

import csv
import io

from .layout import split_sheet, tidy_cell
from .types import FileContent, Unreadable

MAX_CELLS = 200_000  # a sheet larger than this is data dump, not a report table


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return tidy_cell(str(value))


def read_sheet(data: bytes, fmt: str) -> FileContent:
    if fmt == "xls":
        sheets, engine = _xls(data), "xlrd"
    elif fmt == "xlsx":
        sheets, engine = _xlsx(data), "openpyxl"
    elif fmt == "csv":
        sheets, engine = [list(csv.reader(io.StringIO(data.decode("utf-8-sig", "replace"))))], "csv"
    else:
        sheets, engine = _xml_spreadsheet(data), "lxml"
    content = FileContent(format=fmt, engine=engine, pages=len(sheets))
    for rows in sheets:
        paragraphs, tables = split_sheet(rows)
        content.blocks.extend(paragraphs)
        for grid in tables:
            content.tables.append(grid)
            content.blocks.append(len(content.tables) - 1)
    content.text = content.render_text()
    return content


def _xls(data: bytes) -> list[list[list[str]]]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, logfile=io.StringIO())
    except xlrd.biffh.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise Unreadable("encrypted (password-protected workbook)") from None
        raise
    except NotImplementedError:  # formatting_info is not supported for some BIFF versions
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    out = []
    for sheet in book.sheets():
        if sheet.nrows * sheet.ncols > MAX_CELLS:
            continue
        rows = [[_cell_text(sheet.cell_value(r, c)) for c in range(sheet.ncols)] for r in range(sheet.nrows)]
        for rlo, rhi, clo, chi in getattr(sheet, "merged_cells", []):
            value = rows[rlo][clo] if rlo < len(rows) and clo < len(rows[rlo]) else ""
            for r in range(rlo, min(rhi, len(rows))):
                for c in range(clo, min(chi, len(rows[r]))):
                    rows[r][c] = value
        out.append(rows)
    return out


def _xlsx(data: bytes) -> list[list[list[str]]]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    out = []
    for sheet in book.worksheets:
        if (sheet.max_row or 0) * (sheet.max_column or 0) > MAX_CELLS:
            continue
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        for merged in sheet.merged_cells.ranges:
            value = rows[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
                for c in range(merged.min_col - 1, min(merged.max_col, len(rows[r]))):
                    rows[r][c] = value
        out.append(rows)
    return out


_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"


def _xml_spreadsheet(data: bytes) -> list[list[list[str]]]:
    from lxml import etree

    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    out = []
    for table in root.iter(f"{_SS}Table"):
        rows = []
        for row in table.iter(f"{_SS}Row"):
            cells: list[str] = []
            for cell in row.iter(f"{_SS}Cell"):
                index = cell.get(f"{_SS}Index")
                if index and index.isdigit():
                    cells.extend([""] * (int(index) - 1 - len(cells)))
                data_el = cell.find(f"{_SS}Data")
                text = tidy_cell("".join(data_el.itertext())) if data_el is not None else ""
                across = int(cell.get(f"{_SS}MergeAcross") or 0)
                cells.extend([text] * (1 + across))
            rows.append(cells)
        out.append(rows)
    return out
