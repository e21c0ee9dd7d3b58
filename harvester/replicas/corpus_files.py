"""Attachment files and the Traditional-Chinese-with-pinyin rendering of the replica corpus."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import opencc
from pypinyin import Style, pinyin

from .model import AttachmentSpec

#: Characters the real 繁體版 converters annotate with pinyin: the Traditional forms annotated in
#: the two seed pages that carry annotations (xuancheng, panzhihua). Other converted characters
#: stay bare, as on the real pages (報(bào) but 華, 關(guān) but 條).
ANNOTATED = set(
    "來個優內創動務區協問嚴國執堅報學實專對導強復態應戶據數時會業構標機權準濟災無現環產發監礎稱穩"
    "節簡級結絡統經網續習聯號術規計訓設詢認調請識譽負責費質轉進運過錯長門開關項預領類風點"
)

#: A pinyin annotation as the converters write it: ``(guān)`` right after the character.
PINYIN_ANNOTATION = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+\)")


@lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


@lru_cache(maxsize=65536)
def to_traditional_with_pinyin(text: str) -> str:
    """Simplified text -> Traditional (OpenCC s2t) with tone-marked pinyin after some characters.

    Readings come from pypinyin on the Simplified text, so phrase context picks the reading of
    a polyphone (银行 háng, 行长 zhǎng). Cached: replicas convert the same paragraphs per request.
    """
    traditional = _s2t().convert(text)
    # s2t keeps the length of ordinary text; otherwise read the Traditional text itself
    source = text if len(traditional) == len(text) else traditional
    readings = [r[0] for r in pinyin(source, style=Style.TONE, errors=lambda chars: [None] * len(chars))]
    if len(readings) != len(traditional):
        readings = [pinyin(ch, style=Style.TONE)[0][0] for ch in traditional]
    out: list[str] = []
    for ch, reading in zip(traditional, readings):
        out.append(ch)
        if ch in ANNOTATED and reading and reading != ch:
            out.append(f"({reading})")
    return "".join(out)


def remove_pinyin(text: str) -> str:
    """Drop the ``(pīnyīn)`` annotations (what the cleaner does before t2s)."""
    return PINYIN_ANNOTATION.sub("", text)


# ------------------------------------------------------------------------------- attachments

def data_bytes(*parts: str) -> bytes:
    return resources.files("harvester.replicas").joinpath("data", *parts).read_bytes()


def minimal_pdf(title: str) -> bytes:
    """A one-page PDF 1.4 with a correct xref table (ASCII text only: the title's ASCII part)."""
    label = re.sub(r"[^A-Za-z0-9_. -]", "", title) or "report"
    stream = f"BT /F1 12 Tf 72 720 Td ({label}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def rtf_document(text: str) -> bytes:
    """An RTF file (what many sites serve as .doc; Word opens it) with Unicode escapes."""
    body = "".join(ch if ord(ch) < 128 and ch not in "\\{}" else f"\\u{ord(ch) if ord(ch) < 32768 else ord(ch) - 65536}?"
                   for ch in text)
    return ("{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil SimSun;}}\\f0\\fs24 " + body + "\\par}").encode("ascii")


def spreadsheet_xml(title: str, rows: list[tuple[str, str]]) -> bytes:
    """An Excel 2003 XML spreadsheet (opens in Excel and LibreOffice as .xls)."""
    from xml.sax.saxutils import escape

    cells = "".join(
        f'<Row><Cell><Data ss:Type="String">{escape(a)}</Data></Cell>'
        f'<Cell><Data ss:Type="String">{escape(b)}</Data></Cell></Row>' for a, b in rows)
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>\n'
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
           f'<Worksheet ss:Name="Sheet1"><Table><Row><Cell><Data ss:Type="String">{escape(title)}</Data>'
           f'</Cell></Row>{cells}</Table></Worksheet></Workbook>\n')
    return xml.encode("utf-8")


_FILES: dict[tuple, bytes] = {}


def attachment_file(site: str, spec: AttachmentSpec, doc=None) -> bytes:
    """The file of an attachment spec; the same spec and document always yield the same bytes.
    Real files (filegen) where the spec says what they hold, small placeholders otherwise."""
    if spec.content and (doc is not None or spec.content == "table"):
        key = (site, spec.filename, spec.content, id(doc))
        if key not in _FILES:
            _FILES[key] = _real_file(spec, doc)
        return _FILES[key]
    if spec.kind == "pdf":
        return minimal_pdf(f"{site} {spec.filename}")
    if spec.kind == "doc":
        return rtf_document(f"{spec.name}\n{site} {spec.filename}")
    if spec.kind == "xls":
        return spreadsheet_xml(spec.name, [("指标名称", "数值"), ("文件", spec.filename)])
    if spec.kind == "image":
        return data_bytes("images", "stat_table.jpg")
    return f"{spec.name}\n".encode("utf-8")


def _real_file(spec: AttachmentSpec, doc) -> bytes:
    from . import filegen

    ext = spec.filename.rsplit(".", 1)[-1].lower()
    if spec.content == "table":
        return filegen.table_image(filegen.expand_cells(spec.rows), fmt="PNG" if ext == "png" else "JPEG")
    blocks = doc.file_blocks if doc.file_blocks is not None else None
    paragraphs, tables = filegen.document_content(doc, blocks)
    _, cell_tables = filegen.document_content(doc, blocks, cells=True)  # Word keeps merged cells
    if spec.content == "stats":
        grids = tables or [filegen.label_value_grid(paragraphs)]
        grids = [g for g in grids if g]
        title = next((p for p in paragraphs if "统计" in p and len(p) < 40), doc.title)
        return filegen.table_xlsx(title, grids) if ext == "xlsx" else filegen.table_xls(title, grids)
    if ext == "pdf":
        return filegen.report_pdf(doc.title, paragraphs, tables, scanned=spec.content == "scan")
    if ext == "docx":
        return filegen.report_docx(doc.title, paragraphs, cell_tables)
    if ext in ("doc", "wps"):
        return filegen.report_doc(doc.title, paragraphs, cell_tables)
    raise ValueError(f"no generator for {spec.filename} ({spec.content})")
