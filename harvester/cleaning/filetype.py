"""Is this body a file (PDF, Word, Excel, archive, image, Parquet...) rather than an HTML page?

Checked on the first bytes (the formats' magic numbers) and, for what has none, on NUL bytes:
text pages never carry them. A file is not cleaned as HTML: its bytes would decode to noise.
"""

from __future__ import annotations

#: (magic prefix, name) pairs; the longest prefixes first where they share a start.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # legacy Office: .doc .xls .ppt, WPS
    (b"PK\x03\x04", "zip"),  # .docx .xlsx .odt and zip archives
    (b"PAR1", "parquet"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"BM", "bmp"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
    (b"{\\rtf", "rtf"),
    (b"SQLite format 3\x00", "sqlite"),
)


def sniff_file_type(body: bytes) -> str | None:
    """The file format of ``body`` when it is not a text page, else None."""
    head = body[:16]
    for magic, name in _MAGIC:
        if head.startswith(magic):
            if name == "bmp" and len(body) < 26:
                continue  # "BM" alone is too weak on a tiny body
            return name
    sample = body[:4096]
    # UTF-16 text has NULs every other byte: only a BOM-less binary body has them in bulk elsewhere.
    if sample.count(b"\x00") > len(sample) // 8 and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    return None
