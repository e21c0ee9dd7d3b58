"""Sniff a file's real format and hand it to the reader for that format; never raise."""

from __future__ import annotations

import logging
import os
import re
import zipfile
from io import BytesIO
from typing import Callable

from .types import MAX_FILE_BYTES, FileContent, Unreadable

log = logging.getLogger(__name__)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (
    (b"\xff\xd8\xff", "jpeg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"GIF87a", "gif"), (b"GIF89a", "gif"),
    (b"BM", "bmp"), (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"),
)
_EXT_FORMAT = {
    "pdf": "pdf", "doc": "doc", "docx": "docx", "wps": "wps", "rtf": "rtf", "xls": "xls", "xlsx": "xlsx",
    "et": "xls", "csv": "csv", "txt": "text", "htm": "html", "html": "html", "ofd": "ofd",
    "jpg": "image", "jpeg": "image", "png": "image", "gif": "image", "bmp": "image", "tif": "image",
    "tiff": "image",
}
_CTYPE_FORMAT = [
    ("pdf", "pdf"), ("msword", "doc"), ("wordprocessingml", "docx"), ("ms-excel", "xls"),
    ("spreadsheetml", "xlsx"), ("rtf", "rtf"), ("image/", "image"), ("text/html", "html"), ("ms-works", "wps"),
]
# The families a declared format may be sniffed as without a "mislabelled" warning: sites serve
# RTF and Word 2007 files as .doc, a Word 97 file as .wps (what WPS Office writes), Excel XML as .xls.
_FAMILY = {"doc": "word", "docx": "word", "wps": "word", "rtf": "word", "xls": "sheet", "xlsx": "sheet",
           "xml-spreadsheet": "sheet", "csv": "sheet", "pdf": "pdf", "image": "image", "html": "html",
           "text": "text", "ofd": "ofd"}


def ocr_enabled() -> bool:
    """OCR (slow: ~10 s per table picture on two cores) runs when HARVESTER_OCR is 1/true/on."""
    return os.environ.get("HARVESTER_OCR", "").strip().lower() in ("1", "true", "yes", "on")


def declared_format(name: str = "", content_type: str | None = None) -> str | None:
    m = re.search(r"\.([A-Za-z0-9]{2,5})(?:[?#].*)?$", name.strip())
    if m and m.group(1).lower() in _EXT_FORMAT:
        return _EXT_FORMAT[m.group(1).lower()]
    ctype = (content_type or "").lower()
    for needle, fmt in _CTYPE_FORMAT:
        if needle in ctype:
            return fmt
    return None


_OLE_NAMES = ("WordDocument", "Workbook", "Book", "EncryptedPackage", "PowerPoint Document")


def _ole_streams(data: bytes) -> set[str]:
    """Names of the well-known streams of an OLE compound file, from its directory entries
    (128-byte records after the 512-byte header: UTF-16 name, name length at 0x40, entry type
    at 0x42). Scanning the records instead of following the FAT chain is enough to tell Word,
    Excel and encrypted OOXML apart, and survives a damaged FAT."""
    names = set()
    for off in range(512, len(data) - 127, 128):
        length = int.from_bytes(data[off + 0x40:off + 0x42], "little")
        if 2 <= length <= 64 and length % 2 == 0 and data[off + 0x42] in (1, 2, 5):
            name = data[off:off + length - 2].decode("utf-16-le", "ignore")
            if name in _OLE_NAMES:
                names.add(name)
    return names


def sniff_format(data: bytes) -> str:
    head = data[:8]
    if not data:
        return "empty"
    if data[:1024].lstrip().startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head == _OLE_MAGIC:
        streams = _ole_streams(data)
        if "EncryptedPackage" in streams:
            return "encrypted-ooxml"
        if "WordDocument" in streams:
            return "doc"
        if "Workbook" in streams or "Book" in streams:
            return "xls"
        if "PowerPoint Document" in streams:
            return "ppt"
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(BytesIO(data)).namelist())
        except Exception:
            return "zip-corrupt"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "OFD.xml" in names:
            return "ofd"
        return "zip"
    for magic, _kind in _IMAGE_MAGIC:
        if data.startswith(magic):
            return "image"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image"
    start = data[:2048].lstrip(b"\xef\xbb\xbf \r\n\t").lower()
    if start.startswith(b"{\\rtf"):
        return "rtf"
    if start.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in data[:4096]:
        return "xml-spreadsheet"
    if start.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in start or b"<body" in start:
        return "html"
    if b"\x00" in data[:4096]:
        return "unknown"
    return "text"


def _reader(fmt: str) -> Callable[..., FileContent] | None:
    if fmt == "pdf":
        from .pdf import read_pdf
        return read_pdf
    if fmt == "docx":
        from .word import read_docx
        return read_docx
    if fmt == "doc":
        from .word import read_doc
        return read_doc
    if fmt == "rtf":
        from .word import read_rtf
        return read_rtf
    if fmt in ("xls", "xlsx", "xml-spreadsheet"):
        from .sheets import read_sheet
        return lambda data, ocr: read_sheet(data, fmt)
    if fmt == "image":
        from .ocr import read_image
        return read_image
    if fmt == "text":
        from .word import read_text
        return read_text
    return None


_UNREADABLE = {
    "empty": "empty file (0 bytes)",
    "encrypted-ooxml": "encrypted (password-protected Office document)",
    "zip-corrupt": "corrupt: a ZIP container that cannot be opened",
    "zip": "a ZIP archive, not a document",
    "ofd": "OFD documents are not supported",
    "ppt": "PowerPoint files are not read",
    "ole": "corrupt, truncated or unsupported OLE file (no Word or Excel stream in it)",
    "html": "an HTML page, not a file (parse it as a page)",
    "unknown": "unknown binary format",
}


def extract_file(data: bytes, name: str = "", content_type: str | None = None, *,
                 ocr: bool | None = None, max_bytes: int | None = None) -> FileContent:
    """Text and tables of one file. ``name``: its URL or file name (extension as a hint);
    ``ocr``: read pictures and scans (default: :func:`ocr_enabled`); ``max_bytes``: size cap
    (default MAX_FILE_BYTES), checked before anything is parsed. Never raises."""
    declared = declared_format(name, content_type)
    limit = MAX_FILE_BYTES if max_bytes is None else max_bytes
    if len(data) > limit:
        return FileContent(format="unknown", declared=declared,
                           error=f"too large: {len(data)} bytes, over the {limit}-byte cap")
    fmt = sniff_format(data)
    if fmt == "doc" and declared == "wps":
        fmt_label = "wps"  # WPS Office writes .wps in the Word 97 binary format
    else:
        fmt_label = fmt
    reader = _reader(fmt)
    if reader is None:
        content = FileContent(format=fmt_label, declared=declared, error=_UNREADABLE.get(fmt, f"unsupported format {fmt}"))
    else:
        try:
            content = reader(data, ocr_enabled() if ocr is None else ocr)
        except Unreadable as exc:
            content = FileContent(format=fmt, error=str(exc))
        except ImportError as exc:  # the [files] extra is not installed
            content = FileContent(format=fmt, error=f"no reader installed for {fmt} "
                                  f"(pip install 'harvester[files]'): {exc}")
        except Exception as exc:  # a reader bug or an exotic file: a reason, never a crash
            log.debug("reading %s failed", name, exc_info=True)
            content = FileContent(format=fmt, error=f"corrupt or unreadable {fmt}: {type(exc).__name__}: {exc}"[:300])
        content.format = fmt_label
        content.declared = declared
    if declared and _FAMILY.get(declared) != _FAMILY.get(fmt, fmt) and fmt not in ("empty",):
        content.warnings.insert(0, f"mislabelled: named/served as {declared}, content is {fmt}")
    return content
